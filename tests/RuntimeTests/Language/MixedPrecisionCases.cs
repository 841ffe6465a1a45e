using System;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Inputs and results of both real types, float and double: their Jacobians and Hessians are double matrices (a float
    /// converts to double exactly). Checked against closed forms and the other modes in MixedPrecisionTests.
    /// </summary>
    public static partial class MixedPrecisionCases
    {
        /// <summary>yᵢ = s·aᵢ + bᵢ², r = Σ yᵢ·aᵢ: more columns (2n + 1) than rows (n + 1), so MJacobian runs backward passes.</summary>
        [Differentiable]
        public static double Blend(ReadOnlySpan<float> a, ReadOnlySpan<double> b, float s, Span<double> y)
        {
            double r = 0;
            for (int i = 0; i < a.Length; i++)
            {
                y[i] = (s * a[i]) + (b[i] * b[i]);
                r += y[i] * a[i];
            }

            return r;
        }

        /// <summary>yᵢⱼ = k·aᵢ·aⱼ: n² rows, n + 1 columns, so MJacobian runs forward passes.</summary>
        [Differentiable]
        public static void Outer(ReadOnlySpan<float> a, double k, Span<double> y)
        {
            int n = a.Length;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    y[(i * n) + j] = k * a[i] * a[j];
                }
            }
        }

        /// <summary>E = k·s·Σ aᵢ² + k²·sin s: a float span, a double and a float scalar in one Hessian.</summary>
        [Differentiable]
        public static double Energy(ReadOnlySpan<float> a, double k, float s)
        {
            double e = 0;
            for (int i = 0; i < a.Length; i++)
            {
                e += k * a[i] * a[i] * s;
            }

            return e + (Math.Sin(s) * k * k);
        }
    
        /// <summary>
        /// A caller of a mixed method: its first-order modes call Energy's, its second order Energy's nested methods
        /// (EnergyTangentBackward, its float span's directions and gradients floats).
        /// </summary>
        [Differentiable]
        public static double CallsEnergy(ReadOnlySpan<float> a, double k) => Energy(a, k, 0.5f) * k;

        /// <summary>Writes a double output from a float and a double span: its MBackwardTangent takes each span's type.</summary>
        [Differentiable]
        public static void MixedLayer(ReadOnlySpan<float> a, ReadOnlySpan<double> w, double k, Span<double> y)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = Math.Tanh((k * w[i]) + (a[i] * a[i]));
            }
        }

        /// <summary>Calls MixedLayer and reads its output back: its Hessian-vector product goes through MixedLayerBackwardTangent.</summary>
        [Differentiable]
        public static double CallsMixedLayer(ReadOnlySpan<float> a, ReadOnlySpan<double> w, double k, Span<double> y)
        {
            MixedLayer(a, w, k, y);
            double s = 0;
            for (int i = 0; i < y.Length; i++)
            {
                s += (y[i] * y[i] * w[i]) + (a[i] * k);
            }

            return s;
        }
    }
}
