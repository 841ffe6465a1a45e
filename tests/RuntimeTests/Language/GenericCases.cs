using System;
using System.Numerics;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Generic math: one method over T : IFloatingPointIeee754&lt;T&gt;, differentiated for double and for float (two
    /// non-generic backwards). Gradient-checked in GenericTests.
    /// </summary>
    public static partial class GenericCases
    {
        [Differentiable]
        public static T Softplus<T>(T x)
            where T : IFloatingPointIeee754<T> => T.Log(T.One + T.Exp(x));

        /// <summary>T locals, foreach over a span of T, constants through CreateChecked and T.Pi, a generic call.</summary>
        [Differentiable]
        public static T Norm<T>(ReadOnlySpan<T> x, T eps)
            where T : IFloatingPointIeee754<T>
        {
            T s = T.Zero;
            foreach (T v in x)
            {
                s += v * v;
            }

            return (T.Sqrt(s + eps) * T.CreateChecked(0.5)) + Softplus(s) + (T.Pi * T.CreateChecked(x.Length));
        }

        /// <summary>A span output, a comparison with T.Zero, and T.Epsilon kept as written (double.Epsilon, float.Epsilon).</summary>
        [Differentiable]
        public static void LeakyScale<T>(ReadOnlySpan<T> x, Span<T> y, T k)
            where T : struct, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = x[i] > T.Zero ? k * x[i] : (T.Epsilon + T.CreateChecked(0.1)) * x[i];
            }
        }

        /// <summary>A non-generic caller of generic methods, with the type argument written and inferred.</summary>
        [Differentiable]
        public static double Caller(double a, double b) => Softplus(a * b) + Softplus<double>(b);

        /// <summary>
        /// A generic loss over a generic layer it writes (an output read back) and a generic function: its Hessian-vector product
        /// calls LeakyScaleBackwardTangent and SoftplusTangentBackward, written per real type as the other methods are.
        /// </summary>
        [Differentiable]
        public static T ScaledLoss<T>(ReadOnlySpan<T> x, Span<T> y, T k)
            where T : struct, IFloatingPointIeee754<T>
        {
            LeakyScale(x, y, k);
            T s = T.Zero;
            for (int i = 0; i < y.Length; i++)
            {
                s += y[i] * y[i];
            }

            return Softplus(s * k) + (k * y[0]);
        }
    }
}
