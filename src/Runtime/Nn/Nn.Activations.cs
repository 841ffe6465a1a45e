using System;
using System.Numerics;

namespace SymGrad
{
    public static partial class Nn
    {
        // Element-wise activations: x, y, dy and dx all have one length; y must not overlap x (no in-place: the
        // backwards of ReLU and leaky ReLU read x, those of sigmoid, tanh and ELU read y).

        /// <summary>y = max(x, 0). x and y have one length; y must not overlap x.</summary>
        public static void Relu(ReadOnlySpan<float> x, Span<float> y)
            => ReluCore(x, y);

        /// <inheritdoc cref="Relu(ReadOnlySpan{float}, Span{float})"/>
        public static void Relu(ReadOnlySpan<double> x, Span<double> y)
            => ReluCore(x, y);

        /// <summary>Backward of Relu: dx += x &gt; 0 ? dy : 0 (0 at x = 0, as PyTorch). Skipped when dx is empty (x is a constant).</summary>
        [DerivativeOf(typeof(Nn), nameof(Relu))]
        public static void ReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
            => ReluBackwardCore(x, y, dy, dx);

        /// <inheritdoc cref="ReluBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(Relu))]
        public static void ReluBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx)
            => ReluBackwardCore(x, y, dy, dx);

        /// <summary>ReluBackward that assigns: dx = x &gt; 0 ? dy : 0 (every element of dx written; generated code calls it for a fresh cotangent).</summary>
        [DerivativeOf(typeof(Nn), nameof(Relu), Assigns = "dx")]
        public static void ReluBackwardAssign(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
            => ReluBackwardCore(x, y, dy, dx, assign: true);

        /// <inheritdoc cref="ReluBackwardAssign(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(Relu), Assigns = "dx")]
        public static void ReluBackwardAssign(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx)
            => ReluBackwardCore(x, y, dy, dx, assign: true);

        private static void ReluCore<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateElementwise<T>(x, y);
            if (!x.IsEmpty)
            {
                Activations.Relu(x, y);
            }
        }

        private static void ReluBackwardCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, bool assign = false)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateElementwiseBackward(x, y, dy, dx);
            if (!dx.IsEmpty)
            {
                Activations.ReluBackward(x, dy, dx, accumulate: !assign);
            }
        }

        /// <summary>y = x &gt; 0 ? x : α·x (α a constant). x and y have one length; y must not overlap x.</summary>
        public static void LeakyRelu(ReadOnlySpan<float> x, Span<float> y, [NoDerivative] float alpha)
            => LeakyReluCore(x, y, alpha);

        /// <inheritdoc cref="LeakyRelu(ReadOnlySpan{float}, Span{float}, float)"/>
        public static void LeakyRelu(ReadOnlySpan<double> x, Span<double> y, [NoDerivative] double alpha)
            => LeakyReluCore(x, y, alpha);

        /// <summary>Backward of LeakyRelu: dx += x &gt; 0 ? dy : α·dy. Skipped when dx is empty (x is a constant).</summary>
        [DerivativeOf(typeof(Nn), nameof(LeakyRelu))]
        public static void LeakyReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, float alpha, ReadOnlySpan<float> dy, Span<float> dx)
            => LeakyReluBackwardCore(x, y, alpha, dy, dx);

        /// <inheritdoc cref="LeakyReluBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(LeakyRelu))]
        public static void LeakyReluBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double alpha, ReadOnlySpan<double> dy, Span<double> dx)
            => LeakyReluBackwardCore(x, y, alpha, dy, dx);

        private static void LeakyReluCore<T>(ReadOnlySpan<T> x, Span<T> y, T alpha)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateElementwise<T>(x, y);
            if (!x.IsEmpty)
            {
                Activations.LeakyRelu(x, y, alpha);
            }
        }

        private static void LeakyReluBackwardCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, T alpha, ReadOnlySpan<T> dy, Span<T> dx)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateElementwiseBackward(x, y, dy, dx);
            if (!dx.IsEmpty)
            {
                Activations.LeakyReluBackward(x, dy, dx, alpha);
            }
        }

        /// <summary>y = σ(x) = 1 / (1 + e^−x). x and y have one length; y must not overlap x.</summary>
        public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y)
            => SigmoidCore(x, y);

        /// <inheritdoc cref="Sigmoid(ReadOnlySpan{float}, Span{float})"/>
        public static void Sigmoid(ReadOnlySpan<double> x, Span<double> y)
            => SigmoidCore(x, y);

        /// <summary>Backward of Sigmoid: dx += dy·y·(1 − y). Skipped when dx is empty (x is a constant).</summary>
        [DerivativeOf(typeof(Nn), nameof(Sigmoid))]
        public static void SigmoidBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
            => SigmoidBackwardCore(x, y, dy, dx);

        /// <inheritdoc cref="SigmoidBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(Sigmoid))]
        public static void SigmoidBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx)
            => SigmoidBackwardCore(x, y, dy, dx);

        /// <summary>SigmoidBackward that assigns: dx = dy·y·(1 − y) (every element of dx written; generated code calls it for a fresh cotangent).</summary>
        [DerivativeOf(typeof(Nn), nameof(Sigmoid), Assigns = "dx")]
        public static void SigmoidBackwardAssign(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
            => SigmoidBackwardCore(x, y, dy, dx, assign: true);

        /// <inheritdoc cref="SigmoidBackwardAssign(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(Sigmoid), Assigns = "dx")]
        public static void SigmoidBackwardAssign(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx)
            => SigmoidBackwardCore(x, y, dy, dx, assign: true);

        private static void SigmoidCore<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateElementwise<T>(x, y);
            if (!x.IsEmpty)
            {
                Activations.Sigmoid(x, y);
            }
        }

        private static void SigmoidBackwardCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, bool assign = false)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateElementwiseBackward(x, y, dy, dx);
            if (!dx.IsEmpty)
            {
                Activations.SigmoidBackward(y, dy, dx, accumulate: !assign);
            }
        }

        /// <summary>y = tanh(x). x and y have one length; y must not overlap x.</summary>
        public static void Tanh(ReadOnlySpan<float> x, Span<float> y)
            => TanhCore(x, y);

        /// <inheritdoc cref="Tanh(ReadOnlySpan{float}, Span{float})"/>
        public static void Tanh(ReadOnlySpan<double> x, Span<double> y)
            => TanhCore(x, y);

        /// <summary>Backward of Tanh: dx += dy·(1 − y²). Skipped when dx is empty (x is a constant).</summary>
        [DerivativeOf(typeof(Nn), nameof(Tanh))]
        public static void TanhBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
            => TanhBackwardCore(x, y, dy, dx);

        /// <inheritdoc cref="TanhBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(Tanh))]
        public static void TanhBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx)
            => TanhBackwardCore(x, y, dy, dx);

        /// <summary>TanhBackward that assigns: dx = dy·(1 − y²) (every element of dx written; generated code calls it for a fresh cotangent).</summary>
        [DerivativeOf(typeof(Nn), nameof(Tanh), Assigns = "dx")]
        public static void TanhBackwardAssign(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
            => TanhBackwardCore(x, y, dy, dx, assign: true);

        /// <inheritdoc cref="TanhBackwardAssign(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(Tanh), Assigns = "dx")]
        public static void TanhBackwardAssign(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx)
            => TanhBackwardCore(x, y, dy, dx, assign: true);

        private static void TanhCore<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateElementwise<T>(x, y);
            if (!x.IsEmpty)
            {
                Activations.Tanh(x, y);
            }
        }

        private static void TanhBackwardCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, bool assign = false)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateElementwiseBackward(x, y, dy, dx);
            if (!dx.IsEmpty)
            {
                Activations.TanhBackward(y, dy, dx, accumulate: !assign);
            }
        }

        /// <summary>y = x &gt; 0 ? x : α·(e^x − 1) (α &gt; 0 a constant). x and y have one length; y must not overlap x.</summary>
        public static void Elu(ReadOnlySpan<float> x, Span<float> y, [NoDerivative] float alpha)
            => EluCore(x, y, alpha);

        /// <inheritdoc cref="Elu(ReadOnlySpan{float}, Span{float}, float)"/>
        public static void Elu(ReadOnlySpan<double> x, Span<double> y, [NoDerivative] double alpha)
            => EluCore(x, y, alpha);

        /// <summary>Backward of Elu: dx += y &gt; 0 ? dy : dy·(y + α). Skipped when dx is empty (x is a constant).</summary>
        [DerivativeOf(typeof(Nn), nameof(Elu))]
        public static void EluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, float alpha, ReadOnlySpan<float> dy, Span<float> dx)
            => EluBackwardCore(x, y, alpha, dy, dx);

        /// <inheritdoc cref="EluBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(Elu))]
        public static void EluBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double alpha, ReadOnlySpan<double> dy, Span<double> dx)
            => EluBackwardCore(x, y, alpha, dy, dx);

        private static void EluCore<T>(ReadOnlySpan<T> x, Span<T> y, T alpha)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateElementwise<T>(x, y);
            EluAlpha(alpha);
            if (!x.IsEmpty)
            {
                Activations.Elu(x, y, alpha);
            }
        }

        private static void EluBackwardCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, T alpha, ReadOnlySpan<T> dy, Span<T> dx)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateElementwiseBackward(x, y, dy, dx);
            EluAlpha(alpha);
            if (!dx.IsEmpty)
            {
                Activations.EluBackward(y, dy, dx, alpha);
            }
        }

        private static void ValidateElementwise<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y)
        {
            NnGuard.Length(y.Length, x.Length, nameof(y), "x.Length");
            NnGuard.Disjoint(y, nameof(y), x, nameof(x));
        }

        private static void ValidateElementwiseBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx)
        {
            NnGuard.Length(y.Length, x.Length, nameof(y), "x.Length");
            NnGuard.Length(dy.Length, x.Length, nameof(dy), "x.Length");
            NnGuard.Gradient(dx.Length, x.Length, nameof(dx), "x.Length");
            NnGuard.Disjoint<T>(dx, nameof(dx), x, nameof(x));
            NnGuard.Disjoint<T>(dx, nameof(dx), y, nameof(y));
            NnGuard.Disjoint<T>(dx, nameof(dx), dy, nameof(dy));
        }

        private static void EluAlpha<T>(T alpha)
            where T : IFloatingPointIeee754<T>
        {
            if (!(alpha > T.Zero) || T.IsInfinity(alpha))
            {
                throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "ELU needs a finite α > 0 (its backward reads the output y, and y > 0 exactly when x > 0).");
            }
        }
    }
}
