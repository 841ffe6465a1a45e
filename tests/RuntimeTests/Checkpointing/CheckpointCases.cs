using System;

namespace SymGrad.RuntimeTests.Checkpointing
{
    // Each loop twice or more: taped (the default) and checkpointed with several snapshot budgets; the tests compare them.
    public static partial class CheckpointCases
    {
        [Differentiable]
        public static double Recurrence(ReadOnlySpan<double> x, double a)
        {
            double h = 0;
            for (int t = 0; t < x.Length; t++) h = Math.Tanh(a * h + x[t]);
            return h * h;
        }

        [Differentiable(CheckpointLoops = true)]
        public static double RecurrenceAuto(ReadOnlySpan<double> x, double a)
        {
            double h = 0;
            for (int t = 0; t < x.Length; t++) h = Math.Tanh(a * h + x[t]);
            return h * h;
        }

        [Differentiable(CheckpointLoops = true, Snapshots = 1)]
        public static double RecurrenceOne(ReadOnlySpan<double> x, double a)
        {
            double h = 0;
            for (int t = 0; t < x.Length; t++) h = Math.Tanh(a * h + x[t]);
            return h * h;
        }

        [Differentiable(CheckpointLoops = true, Snapshots = 2)]
        public static double RecurrenceTwo(ReadOnlySpan<double> x, double a)
        {
            double h = 0;
            for (int t = 0; t < x.Length; t++) h = Math.Tanh(a * h + x[t]);
            return h * h;
        }

        [Differentiable(CheckpointLoops = true, Snapshots = 3)]
        public static double RecurrenceThree(ReadOnlySpan<double> x, double a)
        {
            double h = 0;
            for (int t = 0; t < x.Length; t++) h = Math.Tanh(a * h + x[t]);
            return h * h;
        }

        [Differentiable(CheckpointLoops = true, Snapshots = 5)]
        public static double RecurrenceFive(ReadOnlySpan<double> x, double a)
        {
            double h = 0;
            for (int t = 0; t < x.Length; t++) h = Math.Tanh(a * h + x[t]);
            return h * h;
        }

        [Differentiable(CheckpointLoops = true, Snapshots = 4)]
        public static float RecurrenceFloat(ReadOnlySpan<float> x, float a)
        {
            float h = 0;
            for (int t = 0; t < x.Length; t++) h = MathF.Tanh(a * h + x[t]);
            return h * h;
        }

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

            return x + v;
        }

        [Differentiable(CheckpointLoops = true, Snapshots = 4)]
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

            return x + v;
        }

        // Taped up to 10 steps, checkpointed above.
        [Differentiable(CheckpointLoops = true, Snapshots = 3, CheckpointAbove = 10)]
        public static double RolloutAbove(double x0, double v0, double k, [NoDerivative] int steps)
        {
            double x = x0, v = v0;
            for (int i = 0; i < steps; i++)
            {
                double f = -k * x - 0.1 * v * Math.Abs(v);
                double a = f / 2;
                v = v + 0.001 * a;
                x = x + 0.001 * v;
            }

            return x + v;
        }

        // A data-dependent end: a while loop with an integer state.
        [Differentiable]
        public static double Growth(ReadOnlySpan<double> x, double a)
        {
            double h = a;
            int k = 0;
            while (k < x.Length && h < 2.5)
            {
                h = h + Math.Exp(-h) * x[k] * x[k];
                k++;
            }

            return h * a;
        }

        [Differentiable(CheckpointLoops = true, Snapshots = 2)]
        public static double GrowthCheckpointed(ReadOnlySpan<double> x, double a)
        {
            double h = a;
            int k = 0;
            while (k < x.Length && h < 2.5)
            {
                h = h + Math.Exp(-h) * x[k] * x[k];
                k++;
            }

            return h * a;
        }

        // break, early return, a branch whose decision is taped, a nested loop, a counter running down by two.
        [Differentiable]
        public static double Jumps(ReadOnlySpan<double> x, ReadOnlySpan<double> w, double a)
        {
            double h = 0.1;
            for (int t = x.Length - 1; t >= 1; t -= 2)
            {
                double s = 0;
                for (int j = 0; j < w.Length; j++) s += w[j] * h;
                if (h > 0) h = Math.Tanh(a * s + x[t] * x[t - 1]);
                else h = Math.Sin(s) - x[t];
                if (h > 0.95) break;
                if (h < -0.97) return h * a;
            }

            return h;
        }

        [Differentiable(CheckpointLoops = true, Snapshots = 3)]
        public static double JumpsCheckpointed(ReadOnlySpan<double> x, ReadOnlySpan<double> w, double a)
        {
            double h = 0.1;
            for (int t = x.Length - 1; t >= 1; t -= 2)
            {
                double s = 0;
                for (int j = 0; j < w.Length; j++) s += w[j] * h;
                if (h > 0) h = Math.Tanh(a * s + x[t] * x[t - 1]);
                else h = Math.Sin(s) - x[t];
                if (h > 0.95) break;
                if (h < -0.97) return h * a;
            }

            return h;
        }

        // Two loops, one after the other, the second reading the first's result; and a loop writing an output (taped).
        [Differentiable]
        public static double TwoLoops(ReadOnlySpan<double> x, double a, Span<double> y)
        {
            double h = a, p = 1;
            for (int t = 0; t < x.Length; t++) h = Math.Sin(h) * x[t] + a;
            for (int t = 0; t < x.Length; t++) p = p * Math.Cos(p + h * x[t]);
            for (int t = 0; t < y.Length; t++)
            {
                p = Math.Tanh(p + x[t]);
                y[t] = p;
            }

            return h + p;
        }

        [Differentiable(CheckpointLoops = true, Snapshots = 2)]
        public static double TwoLoopsCheckpointed(ReadOnlySpan<double> x, double a, Span<double> y)
        {
            double h = a, p = 1;
            for (int t = 0; t < x.Length; t++) h = Math.Sin(h) * x[t] + a;
            for (int t = 0; t < x.Length; t++) p = p * Math.Cos(p + h * x[t]);
            for (int t = 0; t < y.Length; t++)
            {
                p = Math.Tanh(p + x[t]);
                y[t] = p;
            }

            return h + p;
        }
    

        // A state vector: h rewritten whole each step, each element from its neighbour's value (h[0]'s already this step's).
        [Differentiable]
        public static double VectorRecurrence(ReadOnlySpan<double> w, ReadOnlySpan<double> h0, Span<double> h, [NoDerivative] int steps)
        {
            int n = h.Length;
            for (int i = 0; i < n; i++) h[i] = h0[i];
            for (int t = 0; t < steps; t++)
            {
                for (int i = 0; i < n; i++) h[i] = Math.Tanh((w[i] * h[i]) + (0.5 * h[(i + 1) % n]) + (0.01 * t));
            }

            double s = 0;
            for (int i = 0; i < n; i++) s += h[i] * h[i];
            return s;
        }

        [Differentiable(CheckpointLoops = true, Snapshots = 2)]
        public static double VectorRecurrenceCheckpointed(ReadOnlySpan<double> w, ReadOnlySpan<double> h0, Span<double> h, [NoDerivative] int steps)
        {
            int n = h.Length;
            for (int i = 0; i < n; i++) h[i] = h0[i];
            for (int t = 0; t < steps; t++)
            {
                for (int i = 0; i < n; i++) h[i] = Math.Tanh((w[i] * h[i]) + (0.5 * h[(i + 1) % n]) + (0.01 * t));
            }

            double s = 0;
            for (int i = 0; i < n; i++) s += h[i] * h[i];
            return s;
        }

        // A value the steps read and do not write, changed after the loop (c += 1): the taped reversal never reads c (its
        // slopes are 1 − y[t]², y[t] put back from the tape), but a step rerun from a snapshot does, so c is saved with the state (found
        // by the random-program tester, 0foza5OfHpo1).
        [Differentiable]
        public static double ChangedAfter(ReadOnlySpan<double> x, double a, Span<double> y)
        {
            double c = Math.Sin(a);
            for (int t = 0; t < y.Length; t++) y[t] = Math.Tanh(c + x[t]);
            c += 1;
            y[0] = 0.5; // y a work copy, the loop taped: its reversal reads y[t] as the step wrote it
            return a * c;
        }

        [Differentiable(CheckpointLoops = true, Snapshots = 2)]
        public static double ChangedAfterCheckpointed(ReadOnlySpan<double> x, double a, Span<double> y)
        {
            double c = Math.Sin(a);
            for (int t = 0; t < y.Length; t++) y[t] = Math.Tanh(c + x[t]);
            c += 1;
            y[0] = 0.5; // y a work copy, the loop taped: its reversal reads y[t] as the step wrote it
            return a * c;
        }

        // A sequence y[t] the last loop writes over values an earlier loop read: the reverse sweep of that loop reads them as
        // they were, so the checkpointed loop restores y after its last step's reversal.
        [Differentiable]
        public static double Sequence(ReadOnlySpan<double> x, double a, Span<double> y)
        {
            for (int t = 0; t < y.Length; t++) y[t] = x[t] * a;
            double s = 0;
            for (int t = 0; t < y.Length; t++) s += y[t] * y[t];
            double h = 0;
            for (int t = 0; t < y.Length; t++)
            {
                h = Math.Tanh((a * h) + x[t]);
                y[t] = h;
            }

            return s + h;
        }

        [Differentiable(CheckpointLoops = true, Snapshots = 2)]
        public static double SequenceCheckpointed(ReadOnlySpan<double> x, double a, Span<double> y)
        {
            for (int t = 0; t < y.Length; t++) y[t] = x[t] * a;
            double s = 0;
            for (int t = 0; t < y.Length; t++) s += y[t] * y[t];
            double h = 0;
            for (int t = 0; t < y.Length; t++)
            {
                h = Math.Tanh((a * h) + x[t]);
                y[t] = h;
            }

            return s + h;
        }
    }
}
