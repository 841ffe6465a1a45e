using System;
using System.Numerics;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// A span input's gradient asked of a nested <c>FGradient</c> or <c>FBackward</c>, added to a Span output of the caller
    /// (<c>PotentialBackward(q, k, −h/2, p, ref dk)</c>: a leapfrog kick), differentiated again: one Hessian-vector product per
    /// call in the backward and in the tangent.
    /// </summary>
    public static partial class SpanGradientCases
    {
        /// <summary>A potential of positions q: Σ k·q⁴/4 + sin(qᵢ)·q₀.</summary>
        [Differentiable]
        public static double Potential(ReadOnlySpan<double> q, double k)
        {
            double e = 0;
            for (int i = 0; i < q.Length; i++)
            {
                e += (k * q[i] * q[i] * q[i] * q[i] / 4) + (Math.Sin(q[i]) * q[0]);
            }

            return e;
        }

        /// <summary>The force's negative, ∇V(q), into f (cleared first: FGradient adds).</summary>
        [Differentiable]
        public static void Force(ReadOnlySpan<double> q, double k, Span<double> f)
        {
            for (int i = 0; i < f.Length; i++)
            {
                f[i] = 0;
            }

            double dk = 0;
            PotentialGradient(q, k, f, ref dk);
        }

        /// <summary>A leapfrog integrator of H = |p|²/2 + V(q): each step a half kick, a drift and a half kick.</summary>
        [Differentiable]
        public static void Leapfrog(ReadOnlySpan<double> q, ReadOnlySpan<double> p, double k, double h, int steps, Span<double> qn, Span<double> pn)
        {
            for (int i = 0; i < qn.Length; i++)
            {
                qn[i] = q[i];
            }

            for (int i = 0; i < pn.Length; i++)
            {
                pn[i] = p[i];
            }

            for (int t = 0; t < steps; t++)
            {
                double dk = 0;
                PotentialBackward(qn, k, -h / 2, pn, ref dk);
                for (int i = 0; i < qn.Length; i++)
                {
                    qn[i] += h * pn[i];
                }

                PotentialBackward(qn, k, -h / 2, pn, ref dk);
            }
        }

        /// <summary>
        /// In each pass of a loop, an output refilled whole, then a span's gradient added to a slice of it and the output read
        /// back: the slice is covered by the refill earlier in the same pass (SG0016 before: CI's campaign, dbeSDg5j61Q1).
        /// </summary>
        [Differentiable]
        public static double RefilledEachPass(ReadOnlySpan<double> q, double k, Span<double> f, int passes)
        {
            double s = 0;
            for (int t = 0; t < passes; t++)
            {
                for (int i = 0; i < f.Length; i++)
                {
                    f[i] = 0.5 * i;
                }

                double dk = 0;
                PotentialBackward(q, k * (t + 1), s, f.Slice(1, q.Length), ref dk);
                s += f[1] * f[0] + f[2] + (dk * 0.25);
            }

            return s;
        }

        /// <summary>The force's squared norm plus ∂V/∂k, with the force written into f first and read back (the scalar gradient too).</summary>
        [Differentiable]
        public static double ForceNorm(ReadOnlySpan<double> q, double k, Span<double> f)
        {
            for (int i = 0; i < f.Length; i++)
            {
                f[i] = 0;
            }

            double dk = 0;
            double v = PotentialGradient(q, k, f, ref dk);
            double s = 0;
            for (int i = 0; i < f.Length; i++)
            {
                s += f[i] * f[i];
            }

            return s + (dk * v);
        }

        /// <summary>The energy after a few leapfrog steps: a loss over Leapfrog's outputs (its H·v through LeapfrogBackwardTangent).</summary>
        [Differentiable]
        public static double FinalEnergy(ReadOnlySpan<double> q, ReadOnlySpan<double> p, double k, Span<double> qn, Span<double> pn)
        {
            Leapfrog(q, p, k, 0.1, 4, qn, pn);
            double e = Potential(qn, k);
            for (int i = 0; i < pn.Length; i++)
            {
                e += 0.5 * pn[i] * pn[i];
            }

            return e;
        }

        /// <summary>Two span inputs, both gradients wanted, one into a slice: ⟨a, b⟩² + Σ aᵢ³.</summary>
        [Differentiable]
        public static double Pair(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
        {
            double dot = 0, cubes = 0;
            for (int i = 0; i < a.Length; i++)
            {
                dot += a[i] * b[i];
                cubes += a[i] * a[i] * a[i];
            }

            return (dot * dot) + cubes;
        }

        /// <summary>y = [∇ₐPair, ∇_b Pair] after y's first half is set to a (the gradient of a added to it).</summary>
        [Differentiable]
        public static void PairGradients(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> y)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = i < a.Length ? a[i] : 0;
            }

            PairGradient(a, b, y.Slice(0, a.Length), y[a.Length..]);
        }

        /// <summary>A float span of a double potential: its gradient is a float span.</summary>
        [Differentiable]
        public static double Mixed(ReadOnlySpan<float> q, double k)
        {
            double e = 0;
            for (int i = 0; i < q.Length; i++)
            {
                e += k * Math.Exp(0.5 * q[i]) * q[i];
            }

            return e;
        }

        /// <summary>Its gradient in q, scaled by the seed, into a float output.</summary>
        [Differentiable]
        public static void MixedForce(ReadOnlySpan<float> q, double k, double s, Span<float> f)
        {
            for (int i = 0; i < f.Length; i++)
            {
                f[i] = 0;
            }

            double dk = 0;
            MixedBackward(q, k, s, f, ref dk);
        }

        /// <summary>A generic potential: the call is of its double methods.</summary>
        [Differentiable]
        public static T Quartic<T>(ReadOnlySpan<T> q, T k)
            where T : struct, IFloatingPointIeee754<T>
        {
            T e = T.Zero;
            for (int i = 0; i < q.Length; i++)
            {
                e += k * q[i] * q[i] * q[i] * q[i];
            }

            return e;
        }

        [Differentiable]
        public static void QuarticForce(ReadOnlySpan<double> q, double k, Span<double> f)
        {
            for (int i = 0; i < f.Length; i++)
            {
                f[i] = q[i];
            }

            double dk = 0;
            QuarticGradient(q, k, f, ref dk);
        }
    }
}
