using System;
using System.Numerics;

namespace SymGrad
{
    public static partial class Nn
    {
        // Element-wise activations: x, y, dy and dx (and the tangents tx, ty) all have one length; y must not overlap x
        // (no in-place: the backwards of ReLU and leaky ReLU read x, those of sigmoid, tanh and ELU read y).
        // The Jacobian is diagonal, so each tangent is its backward's kernel run on tx: ty = f'(x)·tx.

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

        /// <summary>Tangent of Relu: y as Relu writes it and ty = x &gt; 0 ? tx : 0 (0 at x = 0, as the backward). An empty tx is zero; an empty ty is skipped.</summary>
        [TangentOf(typeof(Nn), nameof(Relu))]
        public static void ReluTangent(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> tx, Span<float> ty)
            => ReluCore(x, y, tx, ty);

        /// <inheritdoc cref="ReluTangent(ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(Relu))]
        public static void ReluTangent(ReadOnlySpan<double> x, Span<double> y, ReadOnlySpan<double> tx, Span<double> ty)
            => ReluCore(x, y, tx, ty);

        private static void ReluCore<T>(ReadOnlySpan<T> x, Span<T> y, ReadOnlySpan<T> tx = default, Span<T> ty = default)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateElementwise<T>(x, y, tx, ty);
            if (!x.IsEmpty)
            {
                Activations.Relu(x, y);
                if (TangentWanted(tx, ty))
                {
                    Activations.ReluBackward(x, tx, ty, accumulate: false); // the Jacobian is diagonal: ty = J·tx is the backward's dx = J·dy
                }
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
        public static void LeakyReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, [NoDerivative] float alpha, ReadOnlySpan<float> dy, Span<float> dx)
            => LeakyReluBackwardCore(x, y, alpha, dy, dx);

        /// <inheritdoc cref="LeakyReluBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(LeakyRelu))]
        public static void LeakyReluBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, [NoDerivative] double alpha, ReadOnlySpan<double> dy, Span<double> dx)
            => LeakyReluBackwardCore(x, y, alpha, dy, dx);

        /// <summary>Tangent of LeakyRelu (α a constant, no tangent): y as LeakyRelu writes it and ty = x &gt; 0 ? tx : α·tx. An empty tx is zero; an empty ty is skipped.</summary>
        [TangentOf(typeof(Nn), nameof(LeakyRelu))]
        public static void LeakyReluTangent(ReadOnlySpan<float> x, Span<float> y, [NoDerivative] float alpha, ReadOnlySpan<float> tx, Span<float> ty)
            => LeakyReluCore(x, y, alpha, tx, ty);

        /// <inheritdoc cref="LeakyReluTangent(ReadOnlySpan{float}, Span{float}, float, ReadOnlySpan{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(LeakyRelu))]
        public static void LeakyReluTangent(ReadOnlySpan<double> x, Span<double> y, [NoDerivative] double alpha, ReadOnlySpan<double> tx, Span<double> ty)
            => LeakyReluCore(x, y, alpha, tx, ty);

        private static void LeakyReluCore<T>(ReadOnlySpan<T> x, Span<T> y, T alpha, ReadOnlySpan<T> tx = default, Span<T> ty = default)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateElementwise<T>(x, y, tx, ty);
            if (!x.IsEmpty)
            {
                Activations.LeakyRelu(x, y, alpha);
                if (TangentWanted(tx, ty))
                {
                    Activations.LeakyReluBackward(x, tx, ty, alpha, accumulate: false);
                }
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

        /// <summary>Tangent of Sigmoid: y as Sigmoid writes it and ty = y·(1 − y)·tx. An empty tx is zero; an empty ty is skipped.</summary>
        [TangentOf(typeof(Nn), nameof(Sigmoid))]
        public static void SigmoidTangent(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> tx, Span<float> ty)
            => SigmoidCore(x, y, tx, ty);

        /// <inheritdoc cref="SigmoidTangent(ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(Sigmoid))]
        public static void SigmoidTangent(ReadOnlySpan<double> x, Span<double> y, ReadOnlySpan<double> tx, Span<double> ty)
            => SigmoidCore(x, y, tx, ty);

        private static void SigmoidCore<T>(ReadOnlySpan<T> x, Span<T> y, ReadOnlySpan<T> tx = default, Span<T> ty = default)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateElementwise<T>(x, y, tx, ty);
            if (!x.IsEmpty)
            {
                Activations.Sigmoid(x, y);
                if (TangentWanted(tx, ty))
                {
                    Activations.SigmoidBackward(y, tx, ty, accumulate: false);
                }
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

        /// <summary>Tangent of Tanh: y as Tanh writes it and ty = (1 − y²)·tx. An empty tx is zero; an empty ty is skipped.</summary>
        [TangentOf(typeof(Nn), nameof(Tanh))]
        public static void TanhTangent(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> tx, Span<float> ty)
            => TanhCore(x, y, tx, ty);

        /// <inheritdoc cref="TanhTangent(ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(Tanh))]
        public static void TanhTangent(ReadOnlySpan<double> x, Span<double> y, ReadOnlySpan<double> tx, Span<double> ty)
            => TanhCore(x, y, tx, ty);

        private static void TanhCore<T>(ReadOnlySpan<T> x, Span<T> y, ReadOnlySpan<T> tx = default, Span<T> ty = default)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateElementwise<T>(x, y, tx, ty);
            if (!x.IsEmpty)
            {
                Activations.Tanh(x, y);
                if (TangentWanted(tx, ty))
                {
                    Activations.TanhBackward(y, tx, ty, accumulate: false);
                }
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
        public static void EluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, [NoDerivative] float alpha, ReadOnlySpan<float> dy, Span<float> dx)
            => EluBackwardCore(x, y, alpha, dy, dx);

        /// <inheritdoc cref="EluBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(Elu))]
        public static void EluBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, [NoDerivative] double alpha, ReadOnlySpan<double> dy, Span<double> dx)
            => EluBackwardCore(x, y, alpha, dy, dx);

        /// <summary>Tangent of Elu (α a constant, no tangent): y as Elu writes it and ty = y &gt; 0 ? tx : (y + α)·tx (y &gt; 0 exactly when x &gt; 0). An empty tx is zero; an empty ty is skipped.</summary>
        [TangentOf(typeof(Nn), nameof(Elu))]
        public static void EluTangent(ReadOnlySpan<float> x, Span<float> y, [NoDerivative] float alpha, ReadOnlySpan<float> tx, Span<float> ty)
            => EluCore(x, y, alpha, tx, ty);

        /// <inheritdoc cref="EluTangent(ReadOnlySpan{float}, Span{float}, float, ReadOnlySpan{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(Elu))]
        public static void EluTangent(ReadOnlySpan<double> x, Span<double> y, [NoDerivative] double alpha, ReadOnlySpan<double> tx, Span<double> ty)
            => EluCore(x, y, alpha, tx, ty);

        private static void EluCore<T>(ReadOnlySpan<T> x, Span<T> y, T alpha, ReadOnlySpan<T> tx = default, Span<T> ty = default)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateElementwise<T>(x, y, tx, ty);
            EluAlpha(alpha);
            if (!x.IsEmpty)
            {
                Activations.Elu(x, y, alpha);
                if (TangentWanted(tx, ty))
                {
                    Activations.EluBackward(y, tx, ty, alpha, accumulate: false);
                }
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

        /// <summary>The forward's checks, and a tangent's: tx and ty empty or of x's length, and nothing written overlapping anything read.</summary>
        private static void ValidateElementwise<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> tx, ReadOnlySpan<T> ty)
        {
            NnGuard.Length(y.Length, x.Length, nameof(y), "x.Length");
            NnGuard.Gradient(tx.Length, x.Length, nameof(tx), "x.Length");
            NnGuard.Gradient(ty.Length, x.Length, nameof(ty), "x.Length");
            DisjointWrites(x, y, tx, ty);
        }

        /// <summary>A one-input primitive's writes, y and its tangent ty, share nothing with x, tx or each other (names as the primitive's).</summary>
        private static void DisjointWrites<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> tx, ReadOnlySpan<T> ty, string yName = "y", string tyName = "ty")
        {
            NnGuard.Disjoint(y, yName, x, nameof(x));
            NnGuard.Disjoint(y, yName, tx, nameof(tx));
            NnGuard.Disjoint(ty, tyName, x, nameof(x), y, yName, tx, nameof(tx));
        }

        /// <summary>
        /// Whether a tangent has work to do: false when ty is empty (not wanted) or when tx is empty (zero), in which
        /// case ty is cleared, the tangent of a linear map of zeros.
        /// </summary>
        private static bool TangentWanted<T>(ReadOnlySpan<T> tx, Span<T> ty)
        {
            if (ty.IsEmpty)
            {
                return false;
            }

            if (tx.IsEmpty)
            {
                ty.Clear();
                return false;
            }

            return true;
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
