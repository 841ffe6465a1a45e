using System;
using System.Numerics;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Local buffers, as a user writes them: a hidden layer's activations in <c>stackalloc</c>, an output layer's in
    /// <c>new double[2]</c>, a step's stages, a histogram accumulated from zero, a float buffer, a checkpointed recurrence's
    /// state. The generated methods lend them from the workspace. Checked in LocalBufferTests.
    /// </summary>
    public static partial class LocalBufferCases
    {
        /// <summary>y = tanh(W·x), W row-major: a layer the networks below call.</summary>
        [Differentiable]
        public static void TanhDense(ReadOnlySpan<double> x, ReadOnlySpan<double> w, Span<double> y)
        {
            for (int i = 0; i < y.Length; i++)
            {
                double s = 0;
                for (int j = 0; j < x.Length; j++)
                {
                    s += w[(i * x.Length) + j] * x[j];
                }

                y[i] = Math.Tanh(s);
            }
        }

        /// <summary>A two-layer network's squared output, the hidden layer on the stack, the output layer in an array.</summary>
        [Differentiable]
        public static double Mlp(ReadOnlySpan<double> x, ReadOnlySpan<double> w1, ReadOnlySpan<double> w2, int hidden)
        {
            Span<double> h = stackalloc double[hidden];
            double[] o = new double[2];
            TanhDense(x, w1, h);
            TanhDense(h, w2, o);
            double loss = 0;
            for (int i = 0; i < o.Length; i++)
            {
                loss += o[i] * o[i];
            }

            return loss;
        }

        /// <summary>A method calling Mlp: its backward and tangent call Mlp's, which lend Mlp's buffers.</summary>
        [Differentiable]
        public static double MlpTwice(ReadOnlySpan<double> x, ReadOnlySpan<double> w1, ReadOnlySpan<double> w2)
            => Math.Sin(Mlp(x, w1, w2, 4)) + (0.5 * Mlp(x, w2, w1, 2));

        /// <summary>A layer writing its output through a local buffer: y = tanh(W·x)² + x₀.</summary>
        [Differentiable]
        public static void SquaredLayer(ReadOnlySpan<double> x, ReadOnlySpan<double> w, Span<double> y)
        {
            Span<double> h = stackalloc double[y.Length];
            TanhDense(x, w, h);
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = (h[i] * h[i]) + x[0];
            }
        }

        /// <summary>A loss over SquaredLayer's output: its H·v goes through SquaredLayerBackwardTangent, which lends h.</summary>
        [Differentiable]
        public static double SquaredLoss(ReadOnlySpan<double> x, ReadOnlySpan<double> w, Span<double> y)
        {
            SquaredLayer(x, w, y);
            double s = 0;
            for (int i = 0; i < y.Length; i++)
            {
                s += Math.Sin(y[i]);
            }

            return s;
        }

        /// <summary>dy/dτ = f(x, y) for GradBench's "ode": yᵢ' = xᵢ·yᵢ₋₁ (y₋₁ = 1).</summary>
        [Differentiable]
        public static void Rate(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> z)
        {
            z[0] = x[0];
            for (int i = 1; i < z.Length; i++)
            {
                z[i] = x[i] * y[i - 1];
            }
        }

        /// <summary>GradBench's "ode" with its stages k1…k4 and the stage point t the method's own (GradBenchCases.Ode takes them as outputs).</summary>
        [Differentiable]
        public static void Ode(ReadOnlySpan<double> x, int s, Span<double> y)
        {
            Span<double> k1 = stackalloc double[y.Length], k2 = stackalloc double[y.Length], k3 = stackalloc double[y.Length], k4 = stackalloc double[y.Length];
            Span<double> t = stackalloc double[y.Length];
            double h = 2.0 / s;
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = 0;
            }

            for (int step = 0; step < s; step++)
            {
                Rate(x, y, k1);
                for (int i = 0; i < y.Length; i++)
                {
                    t[i] = y[i] + (h * k1[i] / 2);
                }

                Rate(x, t, k2);
                for (int i = 0; i < y.Length; i++)
                {
                    t[i] = y[i] + (h * k2[i] / 2);
                }

                Rate(x, t, k3);
                for (int i = 0; i < y.Length; i++)
                {
                    t[i] = y[i] + (h * k3[i]);
                }

                Rate(x, t, k4);
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] += h * (k1[i] + (2 * k2[i]) + (2 * k3[i]) + k4[i]) / 6;
                }
            }
        }

        /// <summary>A histogram accumulated into a buffer that starts at zero (no loop writing it first), read through tanh.</summary>
        [Differentiable]
        public static double Histogram(ReadOnlySpan<double> x, int bins)
        {
            var counts = new double[bins];
            for (int i = 0; i < x.Length; i++)
            {
                counts[i % bins] += x[i] * x[i];
            }

            double s = 0;
            foreach (double c in counts)
            {
                s += Math.Tanh(c);
            }

            return s;
        }

        /// <summary>
        /// A buffer sized by a parameter with a default value: the generated methods keep the defaults (a buffer's parameter in
        /// the twin ended their run: CS7036 at a call leaving them out, campaign seed 3820's 0VpChCZCpxc1).
        /// </summary>
        [Differentiable]
        public static double Smoothed(ReadOnlySpan<double> x, [NoDerivative] double scale = 0.5, int width = 2)
        {
            var acc = new double[x.Length + width];
            for (int i = 0; i < x.Length; i++)
            {
                for (int k = 0; k < width; k++)
                {
                    acc[i + k] += scale * x[i];
                }
            }

            double s = 0;
            foreach (double v in acc)
            {
                s += v * v;
            }

            return s;
        }

        /// <summary>A float buffer, sized by a constant and an input's length.</summary>
        [Differentiable]
        public static float SoftPlusSum(ReadOnlySpan<float> x)
        {
            const int Extra = 2;
            Span<float> a = stackalloc float[x.Length + Extra];
            for (int i = 0; i < x.Length; i++)
            {
                a[i + 1] = MathF.Log(1 + MathF.Exp(x[i]));
            }

            float s = 0;
            for (int i = 0; i < a.Length; i++)
            {
                s += a[i] * a[i];
            }

            return s;
        }

        /// <summary>A recurrence's state in a buffer it overwrites each step, its loop checkpointed.</summary>
        [Differentiable(CheckpointLoops = true, Snapshots = 3)]
        public static double Recurrence(ReadOnlySpan<double> x, double a, int steps)
        {
            Span<double> state = stackalloc double[x.Length];
            for (int i = 0; i < state.Length; i++)
            {
                state[i] = x[i];
            }

            for (int t = 0; t < steps; t++)
            {
                for (int i = 0; i < state.Length; i++)
                {
                    state[i] = Math.Tanh((a * state[i]) + (0.5 * state[(i + 1) % state.Length]));
                }
            }

            double s = 0;
            for (int i = 0; i < state.Length; i++)
            {
                s += state[i];
            }

            return s;
        }

        /// <summary>
        /// A buffer per pass of a loop: each step's hidden layer on the stack (CA2014 warns of stackalloc in a loop; the generated
        /// methods lend it from the workspace), started from zero each pass, read back into the loss.
        /// </summary>
        [Differentiable]
        public static double PerStep(ReadOnlySpan<double> x, ReadOnlySpan<double> w, int steps)
        {
            double loss = 0;
            for (int t = 0; t < steps; t++)
            {
#pragma warning disable CA2014
                Span<double> h = stackalloc double[x.Length];
#pragma warning restore CA2014
                TanhDense(x, w, h);
                for (int i = 0; i < h.Length; i++)
                {
                    loss += h[i] * h[i] * (t + 1);
                }
            }

            return loss;
        }

        /// <summary>
        /// Buffers in blocks: two loops' buffers of one name (two parameters of the twin, h and h_2), one accumulated from its
        /// zeros each pass, one read before each element is written; a branch's; a local named like neither.
        /// </summary>
        [Differentiable]
        public static double InBlocks(ReadOnlySpan<double> x, double a, int n)
        {
            double s = 0;
            for (int t = 0; t < 2; t++)
            {
                var h = new double[n];
                for (int i = 0; i < n; i++)
                {
                    h[i % 2] += a * x[i];
                }

                s += h[0] * h[1];
            }

            for (int t = 0; t < 2; t++)
            {
                double[] h = new double[n];
                for (int i = 0; i < n; i++)
                {
                    h[i] = Math.Sin(h[i] + (x[i] * s));
                }

                s += h[n - 1];
            }

            if (a > 0)
            {
                Span<double> g = new double[3];
                g[1] = a * a;
                s *= g[1] + g[0];
            }

            double h2 = s * 2;
            return h2;
        }

        /// <summary>
        /// Buffers sized by locals declared once (a hidden size computed from the weights' length) and by another buffer's length.
        /// </summary>
        [Differentiable]
        public static double SizedByLocals(ReadOnlySpan<double> x, ReadOnlySpan<double> w)
        {
            int hidden = w.Length / x.Length;
            int twice = 2 * hidden;
            Span<double> h = stackalloc double[hidden];
            var o = new double[h.Length + 1];
            double[] z = new double[twice];
            TanhDense(x, w, h);
            for (int i = 0; i < hidden; i++)
            {
                o[i + 1] = h[i] * h[i];
                z[2 * i] = h[i];
                z[(2 * i) + 1] = o[i];
            }

            double s = 0;
            for (int i = 0; i < twice; i++)
            {
                s += z[i] * (i + 1);
            }

            return s + o[hidden];
        }

        /// <summary>
        /// Generic math: <c>Span&lt;T&gt;</c> on the stack and a <c>T[]</c> per pass, each instantiation (double, float) a twin of its own.
        /// </summary>
        [Differentiable]
        public static T SoftSum<T>(ReadOnlySpan<T> x, T a)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Span<T> h = stackalloc T[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                h[i] = T.Tanh(a * x[i]);
            }

            T s = T.Zero;
            for (int t = 0; t < 2; t++)
            {
                var g = new T[x.Length];
                for (int i = 0; i < x.Length; i++)
                {
                    g[i] = (h[i] * s) + x[i];
                }

                for (int i = 0; i < x.Length; i++)
                {
                    s += g[i] * g[i];
                }
            }

            return s;
        }

        /// <summary>A caller of both instantiations: its modes through each one's generated methods.</summary>
        [Differentiable]
        public static double SoftSums(ReadOnlySpan<double> x, double a) => Math.Sin(SoftSum(x, a)) + SoftSum(x, 2 * a);

        /// <summary>A chain's energy Σ k·log(1 + dᵢ²) over its differences, kept in a buffer: differentiated nested below.</summary>
        [Differentiable]
        public static double ChainEnergy(ReadOnlySpan<double> q, double k)
        {
            var d = new double[q.Length];
            for (int i = 0; i < q.Length; i++)
            {
                d[i] = q[i] - q[(i + 1) % q.Length];
            }

            double e = 0;
            foreach (double v in d)
            {
                e += k * Math.Log(1 + (v * v));
            }

            return e;
        }

        /// <summary>A kick p = q − h·∇_q E(q, k), the gradient of a method with a local buffer added to an output (nested: ChainEnergyGradientOfQ).</summary>
        [Differentiable]
        public static void Kick(ReadOnlySpan<double> q, double k, double h, Span<double> p)
        {
            for (int i = 0; i < p.Length; i++)
            {
                p[i] = q[i];
            }

            double dk = 0;
            ChainEnergyBackward(q, k, -h, p, ref dk);
        }

        /// <summary>A bump over a two-element buffer on the stack: its gradient and tangent called nested below.</summary>
        [Differentiable]
        public static double Bump(double x, double y)
        {
            Span<double> h = stackalloc double[2];
            h[0] = Math.Sin(x * y);
            h[1] = x * x;
            return (h[0] * h[1]) + y;
        }

        /// <summary>∂Bump/∂x · ∂Bump/∂y + ∇Bump·(1, a): reverse over reverse, forward over reverse of a method with a local buffer.</summary>
        [Differentiable]
        public static double BumpSlopes(double a, double b)
        {
            double g1 = 0, g2 = 0;
            BumpGradient(a, b, ref g1, ref g2);
            return (g1 * g2) + BumpTangent(a, b, 1, a);
        }

        /// <summary>The mean, and the variance as an out result, the deviations kept in a buffer.</summary>
        [Differentiable]
        public static double Moments(ReadOnlySpan<double> x, out double variance)
        {
            var c = new double[x.Length];
            double mean = 0;
            foreach (double v in x)
            {
                mean += v;
            }

            mean /= x.Length;
            for (int i = 0; i < x.Length; i++)
            {
                c[i] = x[i] - mean;
            }

            variance = 0;
            foreach (double v in c)
            {
                variance += v * v;
            }

            variance /= x.Length;
            return mean;
        }

        /// <summary>A caller reading both of Moments' results: each through a method of its own, which lends the buffer.</summary>
        [Differentiable]
        public static double Standardized(ReadOnlySpan<double> x, double a)
        {
            double m = Moments(x, out double v);
            return (m * v * a) + Math.Sin(v);
        }

        /// <summary>A buffer in a while loop's body, its state carried in a scalar from pass to pass.</summary>
        [Differentiable]
        public static double Until(ReadOnlySpan<double> x, double a)
        {
            double s = a;
            int k = 0;
            while (k < 3)
            {
                Span<double> tmp = new double[x.Length];
                for (int i = 0; i < x.Length; i++)
                {
                    tmp[i] = Math.Tanh(s * x[i]);
                }

                for (int i = 0; i < x.Length; i++)
                {
                    s += tmp[i] * tmp[(i + 1) % x.Length];
                }

                k++;
            }

            return s;
        }

        /// <summary>A buffer in a checkpointed loop's body: each step's activations, recomputed from the snapshots.</summary>
        [Differentiable(CheckpointLoops = true, Snapshots = 2)]
        public static double CheckpointedSteps(ReadOnlySpan<double> x, double a, int steps)
        {
            double s = a;
            for (int t = 0; t < steps; t++)
            {
                double[] tmp = new double[x.Length];
                for (int i = 0; i < x.Length; i++)
                {
                    tmp[i] = Math.Tanh(s * x[i]);
                }

                s = 0;
                foreach (double v in tmp)
                {
                    s += v;
                }
            }

            return s;
        }
    }

    /// <summary>A dense tanh layer, PyTorch's module style: its weights and biases are fields.</summary>
    public partial class TanhLayer
    {
        public double[] W = new double[12];
        public double[] B = new double[4];

        [Differentiable]
        public void Forward(ReadOnlySpan<double> x, Span<double> y)
        {
            for (int i = 0; i < y.Length; i++)
            {
                double s = B[i];
                for (int j = 0; j < x.Length; j++)
                {
                    s += W[(i * x.Length) + j] * x[j];
                }

                y[i] = Math.Tanh(s);
            }
        }
    }

    /// <summary>A network holding a layer, its hidden activations a local buffer sized by a field.</summary>
    public partial class BufferedNet
    {
        public TanhLayer First = new();
        public double[] V = new double[4];
        public int Hidden = 4;

        [Differentiable]
        public double Loss(ReadOnlySpan<double> x, double target)
        {
            Span<double> h = stackalloc double[Hidden];
            First.Forward(x, h);
            double s = 0;
            for (int i = 0; i < h.Length; i++)
            {
                s += V[i] * h[i];
            }

            return (s - target) * (s - target);
        }
    }

    /// <summary>
    /// A layer whose method with a local buffer (its activations' energy) another of its methods calls, and a network holding
    /// it that calls it twice: each call through the layer's twin with its fields as parameters, lending the buffer.
    /// </summary>
    public partial class EnergyLayer
    {
        public double[] W = new double[12];
        public int Out = 4;

        [Differentiable]
        public void Forward(ReadOnlySpan<double> x, Span<double> y)
        {
            for (int i = 0; i < y.Length; i++)
            {
                double s = 0;
                for (int j = 0; j < x.Length; j++)
                {
                    s += W[(i * x.Length) + j] * x[j];
                }

                y[i] = Math.Tanh(s);
            }
        }

        [Differentiable]
        public double Energy(ReadOnlySpan<double> x)
        {
            Span<double> h = stackalloc double[Out];
            Forward(x, h);
            double e = 0;
            for (int i = 0; i < h.Length; i++)
            {
                e += h[i] * h[i];
            }

            return e;
        }

        [Differentiable]
        public double Loss(ReadOnlySpan<double> x, double t)
        {
            double e = Energy(x);
            return (e - t) * (e - t);
        }
    }

    /// <summary>A holder of <see cref="EnergyLayer"/> calling its method with a local buffer twice.</summary>
    public partial class EnergyNet
    {
        public EnergyLayer First = new();
        public double Gain = 1.5;

        [Differentiable]
        public double Loss(ReadOnlySpan<double> x) => (Gain * First.Energy(x)) + Math.Sin(First.Energy(x));
    }
}
