using System;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Nested calls of <c>FTangent</c> where F writes Span outputs: FTangent is differentiated as a method of its own — its
    /// pullback <c>FTangentBackward</c>, its tangent <c>FTangentTangent</c> and its pullback's tangent
    /// <c>FTangentBackwardTangent</c> — so a loss reading a Jacobian-vector product has every mode.
    /// </summary>
    public static partial class TangentCallCases
    {
        /// <summary>A hidden layer h = tanh(W·x), W of h.Length × x.Length, row-major.</summary>
        [Differentiable]
        public static void Hidden(ReadOnlySpan<double> x, ReadOnlySpan<double> w, Span<double> h)
        {
            for (int i = 0; i < h.Length; i++)
            {
                double z = 0;
                for (int j = 0; j < x.Length; j++)
                {
                    z += w[(i * x.Length) + j] * x[j];
                }

                h[i] = Math.Tanh(z);
            }
        }

        /// <summary>
        /// A contractive penalty: the squared length of J·v, the hidden layer's Jacobian in x along v (W's direction a span
        /// of zeros), plus λ times the layer's mean — differentiated in x, W and v.
        /// </summary>
        [Differentiable]
        public static double Contractive(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> v, ReadOnlySpan<double> still, double lambda, Span<double> h, Span<double> th)
        {
            HiddenTangent(x, w, h, v, still, th);
            double s = 0;
            for (int i = 0; i < h.Length; i++)
            {
                s += (th[i] * th[i]) + (lambda * h[i] / h.Length);
            }

            return s;
        }

        /// <summary>The same penalty along v in x alone, W's direction left out (<c>default</c>: zeros).</summary>
        [Differentiable]
        public static double ContractiveInX(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> v, Span<double> h, Span<double> th)
        {
            HiddenTangent(x, w, h, v, default, th);
            double s = 0;
            for (int i = 0; i < th.Length; i++)
            {
                s += th[i] * th[i] * h[i];
            }

            return s;
        }

        /// <summary>Two hidden layers: NetTangent calls HiddenTangent twice, differentiated again through HiddenTangent's own methods.</summary>
        [Differentiable]
        public static void Net(ReadOnlySpan<double> x, ReadOnlySpan<double> w1, ReadOnlySpan<double> w2, Span<double> h, Span<double> y)
        {
            Hidden(x, w1, h);
            Hidden(h, w2, y);
        }

        /// <summary>The network's input-Jacobian along v, squared, plus its outputs: a smoothness penalty of a classifier.</summary>
        [Differentiable]
        public static double NetPenalty(ReadOnlySpan<double> x, ReadOnlySpan<double> w1, ReadOnlySpan<double> w2, ReadOnlySpan<double> v, Span<double> h, Span<double> y, Span<double> th, Span<double> ty)
        {
            NetTangent(x, w1, w2, h, y, v, default, default, th, ty);
            double s = 0;
            for (int i = 0; i < ty.Length; i++)
            {
                s += (ty[i] * ty[i]) + y[i];
            }

            return s;
        }

        /// <summary>An energy and its force's negative: E = Σ k·qᵢ⁴/4 + qᵢ·qᵢ₊₁, f = ∂E/∂q written out.</summary>
        [Differentiable]
        public static double Energy(ReadOnlySpan<double> q, double k, Span<double> f)
        {
            double e = 0;
            for (int i = 0; i < q.Length; i++)
            {
                double next = q[(i + 1) % q.Length];
                e += (k * q[i] * q[i] * q[i] * q[i] / 4) + (q[i] * next);
                f[i] = (k * q[i] * q[i] * q[i]) + next + q[(i + q.Length - 1) % q.Length];
            }

            return e;
        }

        /// <summary>FTangent's value in an expression: the energy's rate along p, squared, plus the force's rate's length.</summary>
        [Differentiable]
        public static double Rates(ReadOnlySpan<double> q, ReadOnlySpan<double> p, double k, Span<double> f, Span<double> tf)
        {
            double rate = EnergyTangent(q, k, f, p, 0.5, tf);
            double s = rate * rate;
            for (int i = 0; i < tf.Length; i++)
            {
                s += 0.1 * tf[i] * tf[i];
            }

            return s;
        }

        /// <summary>A bump u·e^(−u²): a scalar function F's forward mode calls the tangent of.</summary>
        [Differentiable]
        public static double Bump(double u) => u * Math.Exp(-u * u);

        /// <summary>yᵢ = bump(a·xᵢ) + xᵢ: its FTangent calls BumpTangent, differentiated again through Bump's own nested methods.</summary>
        [Differentiable]
        public static void Bumps(ReadOnlySpan<double> x, double a, Span<double> y)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = Bump(a * x[i]) + x[i];
            }
        }

        /// <summary>The squared rates of the bumps along v and a's direction 1.</summary>
        [Differentiable]
        public static double BumpRates(ReadOnlySpan<double> x, double a, ReadOnlySpan<double> v, Span<double> y, Span<double> ty)
        {
            BumpsTangent(x, a, y, v, 1, ty);
            double s = 0;
            for (int i = 0; i < ty.Length; i++)
            {
                s += (ty[i] * ty[i]) + (0.5 * y[i]);
            }

            return s;
        }

        /// <summary>A layer keeping its hidden values on the stack: hᵢ = sin(a·xᵢ), yᵢ = hᵢ·hᵢ₊₁ + xᵢ.</summary>
        [Differentiable]
        public static void Scratched(ReadOnlySpan<double> x, double a, Span<double> y)
        {
            Span<double> h = stackalloc double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                h[i] = Math.Sin(a * x[i]);
            }

            for (int i = 0; i < y.Length; i++)
            {
                y[i] = (h[i] * h[(i + 1) % h.Length]) + x[i];
            }
        }

        /// <summary>Its rates along v and a's direction ½, squared: ScratchedTangent's own methods lend h and its tangent.</summary>
        [Differentiable]
        public static double ScratchedRates(ReadOnlySpan<double> x, double a, ReadOnlySpan<double> v, Span<double> y, Span<double> ty)
        {
            ScratchedTangent(x, a, y, v, 0.5, ty);
            double s = 0;
            for (int i = 0; i < ty.Length; i++)
            {
                s += (ty[i] * ty[i]) + y[i];
            }

            return s;
        }

        /// <summary>y = x, then y ← sin(a·y) + y/2 for a few steps: a loop of steps it checkpoints (FTangentBackward too).</summary>
        [Differentiable(CheckpointLoops = true, Snapshots = 2)]
        public static void Settled(ReadOnlySpan<double> x, double a, Span<double> y)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = x[i];
            }

            for (int t = 0; t < 6; t++)
            {
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = Math.Sin(a * y[i]) + (0.5 * y[i]);
                }
            }
        }

        /// <summary>Its Jacobian-vector product squared, weighted by the values: SettledTangent's own methods checkpoint its loop.</summary>
        [Differentiable]
        public static double SettledRates(ReadOnlySpan<double> x, double a, ReadOnlySpan<double> v, Span<double> y, Span<double> ty)
        {
            SettledTangent(x, a, y, v, 0.5, ty);
            double s = 0;
            for (int i = 0; i < ty.Length; i++)
            {
                s += ty[i] * ty[i] * y[i];
            }

            return s;
        }

        /// <summary>One explicit step of a nonlinear map.</summary>
        [Differentiable]
        public static void Step(ReadOnlySpan<double> y, double h, Span<double> next)
        {
            for (int i = 0; i < next.Length; i++)
            {
                next[i] = y[i] + (h * Math.Sin(y[(i + 1) % y.Length]) * y[i]);
            }
        }

        /// <summary>
        /// How far a small perturbation v0 of y0 is stretched by a number of steps: the tangent carried along the trajectory by
        /// StepTangent, in a loop that overwrites its outputs at each pass (the caller's backward tapes them).
        /// </summary>
        [Differentiable]
        public static double Stretch(ReadOnlySpan<double> y0, ReadOnlySpan<double> v0, double h, int steps, Span<double> y, Span<double> v, Span<double> yn, Span<double> vn)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = y0[i];
                v[i] = v0[i];
            }

            for (int t = 0; t < steps; t++)
            {
                StepTangent(y, h, yn, v, 0, vn);
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = yn[i];
                    v[i] = vn[i];
                }
            }

            double s = 0;
            for (int i = 0; i < v.Length; i++)
            {
                s += v[i] * v[i];
            }

            return s;
        }
    }
}
