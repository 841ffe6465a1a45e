using System;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Nested calls of <c>FTangent</c> where F writes Span outputs through <c>Nn</c> primitives: FTangent, read as a method of
    /// its own, calls the primitives' registered tangents, which are differentiated again through their own registered
    /// derivatives (<c>Nn.DenseTangentBackward</c>, <c>Nn.TanhTangentTangent</c>, and for a Hessian-vector product their third
    /// order, <c>Nn.TanhTangentBackwardTangent</c>, …) — so a loss reading a Jacobian-vector product of a layer built of them
    /// has every mode.
    /// </summary>
    public static partial class NnTangentCallCases
    {
        /// <summary>
        /// A contractive penalty Σ (J·v)ᵢ²·hᵢ, J the Jacobian in x of <see cref="BackwardCallCases.DenseTanh"/> — h = tanh(x·W + b),
        /// its pre-activation a local buffer — (W's and b's directions left out: zeros); a method of another type called nested.
        /// </summary>
        [Differentiable]
        public static double Contractive(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, ReadOnlySpan<double> v, Span<double> h, Span<double> th)
        {
            BackwardCallCases.DenseTanhTangent(x, w, b, h, v, default, default, th);
            double s = 0;
            for (int i = 0; i < th.Length; i++)
            {
                s += th[i] * th[i] * h[i];
            }

            return s;
        }

        /// <summary>Every element-wise primitive in a chain: leaky ReLU, ELU, tanh, ReLU, sigmoid.</summary>
        [Differentiable]
        public static void Activations(ReadOnlySpan<double> x, Span<double> y)
        {
            Span<double> a = stackalloc double[x.Length];
            Span<double> b = stackalloc double[x.Length];
            Span<double> c = stackalloc double[x.Length];
            Span<double> d = stackalloc double[x.Length];
            Nn.LeakyRelu(x, a, 0.1);
            Nn.Elu(a, b, 0.7);
            Nn.Tanh(b, c);
            Nn.Relu(c, d);
            Nn.Sigmoid(d, y);
        }

        /// <summary>The chain's values and its Jacobian-vector product along v, each weighted: a loss of both.</summary>
        [Differentiable]
        public static double ActivationRates(ReadOnlySpan<double> x, ReadOnlySpan<double> v, Span<double> y, Span<double> ty)
        {
            ActivationsTangent(x, y, v, ty);
            double s = 0;
            for (int i = 0; i < y.Length; i++)
            {
                s += (ty[i] * ty[i]) + (y[i] * ty[i]);
            }

            return s;
        }
    }
}
