using System;
using System.Linq;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Arrays as a user writes them: <c>double[]</c>/<c>float[]</c> parameters the method only reads are inputs (gradient
    /// <c>Span&lt;T&gt; dw</c>), those it writes are outputs (cotangent <c>ReadOnlySpan&lt;T&gt; dy</c>); <c>int[]</c> are
    /// constants. Gradient-checked in ArrayTests.
    /// </summary>
    public static partial class ArrayCases
    {
        /// <summary>The logistic regression, as written: mean cross-entropy of sigmoid(X·w) against y.</summary>
        [Differentiable]
        public static double LogisticLoss(double[] w, double[] X, double[] y)
        {
            int d = w.Length, n = y.Length;
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                double z = 0;
                for (int j = 0; j < d; j++)
                {
                    z += w[j] * X[i * d + j];
                }

                double p = 1 / (1 + Math.Exp(-z));
                loss -= y[i] * Math.Log(p) + (1 - y[i]) * Math.Log(1 - p);
            }

            return loss / n;
        }

        [Differentiable]
        public static float LogisticLossF(float[] w, float[] X, [NoDerivative] float[] y)
        {
            int d = w.Length, n = y.Length;
            float loss = 0;
            for (int i = 0; i < n; i++)
            {
                float z = 0;
                for (int j = 0; j < d; j++)
                {
                    z += w[j] * X[i * d + j];
                }

                float p = 1 / (1 + MathF.Exp(-z));
                loss -= y[i] * MathF.Log(p) + (1 - y[i]) * MathF.Log(1 - p);
            }

            return loss / n;
        }

        /// <summary>An array the method writes is an output.</summary>
        [Differentiable]
        public static void TanhLayer(double[] x, double[] y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = Math.Tanh(x[i]);
            }
        }

        /// <summary>An array passed where the library writes a Span&lt;T&gt; is an output too.</summary>
        [Differentiable]
        public static void DenseThenTanh(double[] x, double[] w, double[] b, double[] h, double[] y)
        {
            Nn.Dense(x, w, b, h, 1, x.Length, b.Length);
            TanhLayer(h, y);
        }

        [Differentiable]
        public static double Dot(double[] a, double[] b)
        {
            double s = 0;
            for (int i = 0; i < a.Length; i++)
            {
                s += a[i] * b[i];
            }

            return s;
        }

        /// <summary>Arrays passed on to a method taking arrays, and to one taking spans.</summary>
        [Differentiable]
        public static double Ridge(double[] w, double[] x, double t, double lambda)
        {
            double e = Dot(w, x) - t;
            return e * e + lambda * Nn.SumOfSquares(w);
        }

        /// <summary>Integer labels as an int[] constant; the output array written, then read back.</summary>
        [Differentiable]
        public static double Pick(double[] logits, int[] labels, double[] picked)
        {
            double total = 0;
            for (int i = 0; i < labels.Length; i++)
            {
                picked[i] = logits[labels[i]];
                total += picked[i] * picked[i];
            }

            return total;
        }

        /// <summary>A loss over TanhLayer's output array: its second order through TanhLayerBackwardTangent (arrays are spans to it).</summary>
        [Differentiable]
        public static double TanhLayerEnergy(double[] x, double[] y, double a)
        {
            TanhLayer(x, y);
            double s = 0;
            for (int i = 0; i < y.Length; i++)
            {
                s += a * y[i] * y[i];
            }

            return s;
        }

        /// <summary>
        /// TanhLayer writes y twice: the backward rebuilds y in an array copy between the calls, and its Hessian-vector product
        /// the copy's tangent too (found by the random-program tester: tyWork was never declared, CS0103).
        /// </summary>
        [Differentiable]
        public static double TanhLayerTwice(double[] x, double[] z, double[] y, double a)
        {
            TanhLayer(x, y);
            double s = 0;
            for (int i = 0; i < y.Length; i++)
            {
                s += a * y[i] * y[i];
            }

            TanhLayer(z, y);
            for (int i = 0; i < y.Length; i++)
            {
                s += y[i] * x[i];
            }

            return s;
        }

        /// <summary>h is overwritten after TanhLayer (which takes arrays) read it: the backward rebuilds it in an array copy.</summary>
        [Differentiable]
        public static void TanhTwiceThenDouble(double[] x, double[] h, double[] y)
        {
            TanhLayer(x, h);
            TanhLayer(h, y);
            for (int i = 0; i < h.Length; i++)
            {
                h[i] = 2 * h[i];
            }
        }

        /// <summary>y[i] = s·(i + 1): an output array written whole.</summary>
        [Differentiable]
        public static void FillScaled(double[] y, double s)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = s * (i + 1);
            }
        }

        /// <summary>
        /// An output array written by a call in each pass of a loop and read after it: replayed, its work copy an array — also
        /// in the MBackwardTangent a caller's H·v calls (found by the random-program tester, dH-Dq0gEzK31: CS0411, the array
        /// was declared a span there).
        /// </summary>
        [Differentiable]
        public static double RefillInLoop(double[] y, double a)
        {
            double s = 0;
            for (int t = 0; t < 2; t++)
            {
                FillScaled(y, a * (t + 1));
                s += y[0] * y[1] * a;
            }

            return s;
        }

        [Differentiable]
        public static double CallsRefillInLoop(double a, double[] y) => RefillInLoop(y, a) * a;

        /// <summary>b²·x₀ + sin(b)·x₁, of an array input.</summary>
        [Differentiable]
        public static double ArrayPair(double b, double[] x, int n) => (b * b * x[0]) + (Math.Sin(b) * x[n - 1]);

        /// <summary>
        /// An output array rewritten in a loop (replayed: its work copy an array) passed to a nested ArrayPairGradient whose
        /// array's gradient is not needed: under H·v the direction of it, empty, is a part of the work copy — an array's part
        /// is MemoryExtensions.AsSpan, not .Slice (found by the random-program tester in CI, 5AN89Mle0kA1: CS1061).
        /// </summary>
        [Differentiable]
        public static double NestedOverARefilledArray(double[] y, double b)
        {
            y[0] = b;
            y[1] = 0.5;
            double s = 0;
            for (int k = 0; k < 2; k++)
            {
                double g = 0;
                double v = ArrayPairGradient(Math.Sin(y[k]), y, 2, ref g, default);
                y[0] = g * b;
                s += v;
            }

            return s;
        }

        /// <summary>
        /// Constant LINQ kept as written: extension calls are printed as the static calls they are (the generated file has no
        /// using for them).
        /// </summary>
        [Differentiable]
        public static double ScaledByConstants(double[] x, [NoDerivative] double[] weights, int[] labels)
        {
            double total = weights.Sum() + labels.Count(l => l > 0);
            return x[0] * x[1] * total;
        }
    }
}
