using System;

namespace SymGrad.Samples.Checkpointing
{
    /// <summary>Long loops whose state is a few scalars or a small vector, each written twice: taped (the default) and checkpointed.</summary>
    public static partial class Loops
    {
        /// <summary>A tanh recurrence over a sequence: h_t = tanh(a·h_{t−1} + x_t).</summary>
        [Differentiable]
        public static double Recurrence(ReadOnlySpan<double> x, double a)
        {
            double h = 0;
            for (int t = 0; t < x.Length; t++)
            {
                h = Math.Tanh(a * h + x[t]);
            }

            return h;
        }

        /// <inheritdoc cref="Recurrence"/>
        [Differentiable(CheckpointLoops = true)]
        public static double RecurrenceCheckpointed(ReadOnlySpan<double> x, double a)
        {
            double h = 0;
            for (int t = 0; t < x.Length; t++)
            {
                h = Math.Tanh(a * h + x[t]);
            }

            return h;
        }

        /// <summary>A tanh recurrence driven by a sine wave, h_t = tanh(a·h_{t−1} + b·sin(t/1000)): no input grows with the steps.</summary>
        [Differentiable]
        public static double Driven(double a, double b, [NoDerivative] int steps)
        {
            double h = 0;
            for (int t = 0; t < steps; t++)
            {
                h = Math.Tanh(a * h + b * Math.Sin(0.001 * t));
            }

            return h;
        }

        /// <inheritdoc cref="Driven"/>
        [Differentiable(CheckpointLoops = true)]
        public static double DrivenCheckpointed(double a, double b, [NoDerivative] int steps)
        {
            double h = 0;
            for (int t = 0; t < steps; t++)
            {
                h = Math.Tanh(a * h + b * Math.Sin(0.001 * t));
            }

            return h;
        }

        /// <summary>A damped spring rolled out for <paramref name="steps"/> explicit Euler steps; the loss is the final position.</summary>
        [Differentiable]
        public static double Rollout(double x0, double v0, double k, [NoDerivative] int steps)
        {
            double x = x0, v = v0;
            for (int i = 0; i < steps; i++)
            {
                double f = -k * x - 0.1 * v * Math.Abs(v);
                double a = f / 2;
                v = v + 0.001 * a;
                x = x + 0.001 * v;
            }

            return x;
        }

        /// <inheritdoc cref="Rollout"/>
        [Differentiable(CheckpointLoops = true)]
        public static double RolloutCheckpointed(double x0, double v0, double k, [NoDerivative] int steps)
        {
            double x = x0, v = v0;
            for (int i = 0; i < steps; i++)
            {
                double f = -k * x - 0.1 * v * Math.Abs(v);
                double a = f / 2;
                v = v + 0.001 * a;
                x = x + 0.001 * v;
            }

            return x;
        }
    

        // A state vector: h (8 elements here) rewritten whole each step, each element from its neighbour's. Taped, a step keeps
        // the 8 values it overwrites (64 bytes); checkpointed, a snapshot holds h whole.
        [Differentiable]
        public static double Vector(ReadOnlySpan<double> w, ReadOnlySpan<double> h0, Span<double> h, [NoDerivative] int steps)
        {
            int n = h.Length;
            for (int i = 0; i < n; i++) h[i] = h0[i];
            for (int t = 0; t < steps; t++)
            {
                double drive = Math.Sin(0.001 * t);
                for (int i = 0; i < n; i++) h[i] = Math.Tanh((w[i] * h[i]) + (0.5 * h[(i + 1) % n]) + drive);
            }

            double s = 0;
            for (int i = 0; i < n; i++) s += h[i] * h[i];
            return s;
        }

        [Differentiable(CheckpointLoops = true)]
        public static double VectorCheckpointed(ReadOnlySpan<double> w, ReadOnlySpan<double> h0, Span<double> h, [NoDerivative] int steps)
        {
            int n = h.Length;
            for (int i = 0; i < n; i++) h[i] = h0[i];
            for (int t = 0; t < steps; t++)
            {
                double drive = Math.Sin(0.001 * t);
                for (int i = 0; i < n; i++) h[i] = Math.Tanh((w[i] * h[i]) + (0.5 * h[(i + 1) % n]) + drive);
            }

            double s = 0;
            for (int i = 0; i < n; i++) s += h[i] * h[i];
            return s;
        }
    }
}
