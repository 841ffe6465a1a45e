using System;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Calls of registered methods whose backwards have a registered tangent (their second order): the Nn losses and
    /// <see cref="SmoothLibrary.Softplus"/>. Each gets an MHessianVector; checked in HessianTests.
    /// </summary>
    public static partial class SecondOrderCases
    {
        /// <summary>
        /// Span outputs as intermediates of the returned value, read back (y[i] in the second loop): MHessianVector's H is
        /// the returned value's Hessian, the outputs' cotangents zero; it writes y as the method does.
        /// </summary>
        [Differentiable]
        public static double ReadBackOutputs(ReadOnlySpan<double> x, double w, double b, Span<double> y)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = Math.Tanh((w * x[i]) + b);
            }

            for (int i = 0; i < x.Length; i++)
            {
                s += ((y[i] - 1) * (y[i] - 1) * y[i]) + (x[i] * y[i]);
            }

            return s * w;
        }

        /// <summary>
        /// An output's cotangent set by its first contribution, an Nn loss's assigning backward, so MBackward leaves its work
        /// copy uncleared; the Hessian-vector product accumulates into it (the default campaign, effaGfNl8kC1: H·v varied from
        /// call to call with the workspace's leftovers).
        /// </summary>
        [Differentiable]
        public static double LossOfAnOutput(ReadOnlySpan<double> x, double a, Span<double> y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = Math.Tanh(a * x[i]);
            }

            return Math.Sin(Nn.SumOfSquares(y)) * a;
        }

        /// <summary>Each loss's seed varies (a product of losses, a differentiable weight), so both parts of its second order count.</summary>
        [Differentiable]
        public static double Losses(ReadOnlySpan<double> logits, ReadOnlySpan<int> labels, ReadOnlySpan<double> p, ReadOnlySpan<double> t, double lambda, int rows, int classes)
        {
            double ce = Nn.SoftmaxCrossEntropy(logits, labels, rows, classes);
            double mse = Nn.MseLoss(p, t);
            return (ce * mse) + (lambda * lambda * Nn.SumOfSquares(logits)) + Math.Sin(mse);
        }

        /// <summary>A registered scalar function with a registered second order, in a loop.</summary>
        [Differentiable]
        public static double SoftplusChain(ReadOnlySpan<double> x, double scale)
        {
            double s = 0;
            foreach (double v in x)
            {
                s += SmoothLibrary.Softplus(scale * v) * v;
            }

            return s * s;
        }

        /// <summary>A registered function with a [NoDerivative] real: its second order takes that argument's tangent (zero) as well.</summary>
        [Differentiable]
        public static double ScaledChain(double x, double a) => SmoothLibrary.ScaledSoftplus(a * x, 2.5) * x;

        /// <summary>The same with float spans: the float overloads of the second orders.</summary>
        [Differentiable]
        public static float FloatLosses(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, ReadOnlySpan<float> t, int rows, int classes)
            => Nn.SoftmaxCrossEntropy(logits, labels, rows, classes) * Nn.MseLoss(logits, t);

        /// <summary>A float method writing an output, with a double input: its MBackwardTangent takes q's tangents as doubles.</summary>
        [Differentiable]
        public static float WritesWithADoubleInput(double q, Span<float> y, ReadOnlySpan<float> x, float a)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = (float)Math.Sin(q * x[i]) * a;
            }

            return a * (float)q;
        }

        /// <summary>Its caller: H·v through WritesWithADoubleInputBackwardTangent (was refused: "of one real type").</summary>
        [Differentiable]
        public static float CallsWritesWithADoubleInput(float a, ReadOnlySpan<float> x, Span<float> y)
        {
            float s = WritesWithADoubleInput(a * a, y, x, a);
            return s + (y[0] * y[1]);
        }

        /// <summary>FloatLosses in double, the reference for its float second orders.</summary>
        [Differentiable]
        public static double DoubleLosses(ReadOnlySpan<double> logits, ReadOnlySpan<int> labels, ReadOnlySpan<double> t, int rows, int classes)
            => Nn.SoftmaxCrossEntropy(logits, labels, rows, classes) * Nn.MseLoss(logits, t);
    }
}
