using System;
using System.Numerics;

namespace SymGrad
{
    /// <summary>
    /// The derivatives of the primitives' tangents, registered on the tangents (<c>[DerivativeOf(typeof(Nn),
    /// nameof(TanhTangent))]</c>, <c>[TangentOf(typeof(Nn), nameof(TanhTangent))]</c>), so that a method's forward mode that
    /// calls them is differentiated again: a nested <c>FTangent</c> of a layer built of them, read as a method of its own
    /// (reverse over forward through <c>…TangentBackward</c>, forward over forward through <c>…TangentTangent</c>).
    /// </summary>
    /// <remarks>
    /// Reverse over forward is forward over reverse with the roles swapped: the pullback of (y, ẏ) = (f(x), J·ẋ) takes the
    /// cotangents (ȳ, ẏ̄) to ẋ̄ = Jᵀ·ẏ̄ and x̄ = Jᵀ·ȳ + ∂⟨ẏ̄, J·ẋ⟩/∂x — exactly what the backward's registered tangent
    /// (<c>…BackwardTangent</c>, the second order) computes when its cotangent is ẏ̄, its tangent direction ẋ (with ẏ = J·ẋ,
    /// which the tangent wrote) and its cotangent's tangent ȳ: its gradient is ẋ̄, its gradient's tangent x̄. So each
    /// <c>…TangentBackward</c> is one call of it. Forward over forward needs f″[u, ẋ] as a vector, which no backward gives in
    /// general: for the element-wise activations (a diagonal Jacobian, so ẋ may stand for the cotangent) it is the same call,
    /// and Dense, bilinear, pairs the directions of x and w.
    /// </remarks>
    public static partial class Nn
    {
        /// <summary>Backward of ReluTangent: dtx += f′·dty, dx += f′·dy + f″·tx·dty — ReluBackwardTangent with the roles of (dy, dx) and (tdy, tdx) swapped.</summary>
        [DerivativeOf(typeof(Nn), nameof(ReluTangent))]
        public static void ReluTangentBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> tx, ReadOnlySpan<float> ty, ReadOnlySpan<float> dy, ReadOnlySpan<float> dty, Span<float> dx, Span<float> dtx)
            => ActivationTangentBackward(ActivationKind.Relu, x, y, 0f, tx, ty, dy, dty, dx, dtx);

        /// <inheritdoc cref="ReluTangentBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(ReluTangent))]
        public static void ReluTangentBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> tx, ReadOnlySpan<double> ty, ReadOnlySpan<double> dy, ReadOnlySpan<double> dty, Span<double> dx, Span<double> dtx)
            => ActivationTangentBackward(ActivationKind.Relu, x, y, 0d, tx, ty, dy, dty, dx, dtx);

        /// <summary>Tangent of ReluTangent along (ux, utx): y and ty as it writes them, uy = f′·ux and uty = f′·utx + f″·tx·ux.</summary>
        [TangentOf(typeof(Nn), nameof(ReluTangent))]
        public static void ReluTangentTangent(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> tx, Span<float> ty, ReadOnlySpan<float> ux, ReadOnlySpan<float> utx, Span<float> uy, Span<float> uty)
            => ActivationTangentTangent(ActivationKind.Relu, x, y, 0f, tx, ty, ux, utx, uy, uty);

        /// <inheritdoc cref="ReluTangentTangent(ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(ReluTangent))]
        public static void ReluTangentTangent(ReadOnlySpan<double> x, Span<double> y, ReadOnlySpan<double> tx, Span<double> ty, ReadOnlySpan<double> ux, ReadOnlySpan<double> utx, Span<double> uy, Span<double> uty)
            => ActivationTangentTangent(ActivationKind.Relu, x, y, 0d, tx, ty, ux, utx, uy, uty);

        /// <summary>Backward of LeakyReluTangent: dtx += f′·dty, dx += f′·dy + f″·tx·dty — LeakyReluBackwardTangent with the roles of (dy, dx) and (tdy, tdx) swapped.</summary>
        [DerivativeOf(typeof(Nn), nameof(LeakyReluTangent))]
        public static void LeakyReluTangentBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, [NoDerivative] float alpha, ReadOnlySpan<float> tx, ReadOnlySpan<float> ty, ReadOnlySpan<float> dy, ReadOnlySpan<float> dty, Span<float> dx, Span<float> dtx)
            => ActivationTangentBackward(ActivationKind.LeakyRelu, x, y, alpha, tx, ty, dy, dty, dx, dtx);

        /// <inheritdoc cref="LeakyReluTangentBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, float, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(LeakyReluTangent))]
        public static void LeakyReluTangentBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, [NoDerivative] double alpha, ReadOnlySpan<double> tx, ReadOnlySpan<double> ty, ReadOnlySpan<double> dy, ReadOnlySpan<double> dty, Span<double> dx, Span<double> dtx)
            => ActivationTangentBackward(ActivationKind.LeakyRelu, x, y, alpha, tx, ty, dy, dty, dx, dtx);

        /// <summary>Tangent of LeakyReluTangent along (ux, utx): y and ty as it writes them, uy = f′·ux and uty = f′·utx + f″·tx·ux.</summary>
        [TangentOf(typeof(Nn), nameof(LeakyReluTangent))]
        public static void LeakyReluTangentTangent(ReadOnlySpan<float> x, Span<float> y, [NoDerivative] float alpha, ReadOnlySpan<float> tx, Span<float> ty, ReadOnlySpan<float> ux, ReadOnlySpan<float> utx, Span<float> uy, Span<float> uty)
            => ActivationTangentTangent(ActivationKind.LeakyRelu, x, y, alpha, tx, ty, ux, utx, uy, uty);

        /// <inheritdoc cref="LeakyReluTangentTangent(ReadOnlySpan{float}, Span{float}, float, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(LeakyReluTangent))]
        public static void LeakyReluTangentTangent(ReadOnlySpan<double> x, Span<double> y, [NoDerivative] double alpha, ReadOnlySpan<double> tx, Span<double> ty, ReadOnlySpan<double> ux, ReadOnlySpan<double> utx, Span<double> uy, Span<double> uty)
            => ActivationTangentTangent(ActivationKind.LeakyRelu, x, y, alpha, tx, ty, ux, utx, uy, uty);

        /// <summary>Backward of SigmoidTangent: dtx += f′·dty, dx += f′·dy + f″·tx·dty — SigmoidBackwardTangent with the roles of (dy, dx) and (tdy, tdx) swapped.</summary>
        [DerivativeOf(typeof(Nn), nameof(SigmoidTangent))]
        public static void SigmoidTangentBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> tx, ReadOnlySpan<float> ty, ReadOnlySpan<float> dy, ReadOnlySpan<float> dty, Span<float> dx, Span<float> dtx)
            => ActivationTangentBackward(ActivationKind.Sigmoid, x, y, 0f, tx, ty, dy, dty, dx, dtx);

        /// <inheritdoc cref="SigmoidTangentBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(SigmoidTangent))]
        public static void SigmoidTangentBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> tx, ReadOnlySpan<double> ty, ReadOnlySpan<double> dy, ReadOnlySpan<double> dty, Span<double> dx, Span<double> dtx)
            => ActivationTangentBackward(ActivationKind.Sigmoid, x, y, 0d, tx, ty, dy, dty, dx, dtx);

        /// <summary>Tangent of SigmoidTangent along (ux, utx): y and ty as it writes them, uy = f′·ux and uty = f′·utx + f″·tx·ux.</summary>
        [TangentOf(typeof(Nn), nameof(SigmoidTangent))]
        public static void SigmoidTangentTangent(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> tx, Span<float> ty, ReadOnlySpan<float> ux, ReadOnlySpan<float> utx, Span<float> uy, Span<float> uty)
            => ActivationTangentTangent(ActivationKind.Sigmoid, x, y, 0f, tx, ty, ux, utx, uy, uty);

        /// <inheritdoc cref="SigmoidTangentTangent(ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(SigmoidTangent))]
        public static void SigmoidTangentTangent(ReadOnlySpan<double> x, Span<double> y, ReadOnlySpan<double> tx, Span<double> ty, ReadOnlySpan<double> ux, ReadOnlySpan<double> utx, Span<double> uy, Span<double> uty)
            => ActivationTangentTangent(ActivationKind.Sigmoid, x, y, 0d, tx, ty, ux, utx, uy, uty);

        /// <summary>Backward of TanhTangent: dtx += f′·dty, dx += f′·dy + f″·tx·dty — TanhBackwardTangent with the roles of (dy, dx) and (tdy, tdx) swapped.</summary>
        [DerivativeOf(typeof(Nn), nameof(TanhTangent))]
        public static void TanhTangentBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> tx, ReadOnlySpan<float> ty, ReadOnlySpan<float> dy, ReadOnlySpan<float> dty, Span<float> dx, Span<float> dtx)
            => ActivationTangentBackward(ActivationKind.Tanh, x, y, 0f, tx, ty, dy, dty, dx, dtx);

        /// <inheritdoc cref="TanhTangentBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(TanhTangent))]
        public static void TanhTangentBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> tx, ReadOnlySpan<double> ty, ReadOnlySpan<double> dy, ReadOnlySpan<double> dty, Span<double> dx, Span<double> dtx)
            => ActivationTangentBackward(ActivationKind.Tanh, x, y, 0d, tx, ty, dy, dty, dx, dtx);

        /// <summary>Tangent of TanhTangent along (ux, utx): y and ty as it writes them, uy = f′·ux and uty = f′·utx + f″·tx·ux.</summary>
        [TangentOf(typeof(Nn), nameof(TanhTangent))]
        public static void TanhTangentTangent(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> tx, Span<float> ty, ReadOnlySpan<float> ux, ReadOnlySpan<float> utx, Span<float> uy, Span<float> uty)
            => ActivationTangentTangent(ActivationKind.Tanh, x, y, 0f, tx, ty, ux, utx, uy, uty);

        /// <inheritdoc cref="TanhTangentTangent(ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(TanhTangent))]
        public static void TanhTangentTangent(ReadOnlySpan<double> x, Span<double> y, ReadOnlySpan<double> tx, Span<double> ty, ReadOnlySpan<double> ux, ReadOnlySpan<double> utx, Span<double> uy, Span<double> uty)
            => ActivationTangentTangent(ActivationKind.Tanh, x, y, 0d, tx, ty, ux, utx, uy, uty);

        /// <summary>Backward of EluTangent: dtx += f′·dty, dx += f′·dy + f″·tx·dty — EluBackwardTangent with the roles of (dy, dx) and (tdy, tdx) swapped.</summary>
        [DerivativeOf(typeof(Nn), nameof(EluTangent))]
        public static void EluTangentBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, [NoDerivative] float alpha, ReadOnlySpan<float> tx, ReadOnlySpan<float> ty, ReadOnlySpan<float> dy, ReadOnlySpan<float> dty, Span<float> dx, Span<float> dtx)
            => ActivationTangentBackward(ActivationKind.Elu, x, y, alpha, tx, ty, dy, dty, dx, dtx);

        /// <inheritdoc cref="EluTangentBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, float, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(EluTangent))]
        public static void EluTangentBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, [NoDerivative] double alpha, ReadOnlySpan<double> tx, ReadOnlySpan<double> ty, ReadOnlySpan<double> dy, ReadOnlySpan<double> dty, Span<double> dx, Span<double> dtx)
            => ActivationTangentBackward(ActivationKind.Elu, x, y, alpha, tx, ty, dy, dty, dx, dtx);

        /// <summary>Tangent of EluTangent along (ux, utx): y and ty as it writes them, uy = f′·ux and uty = f′·utx + f″·tx·ux.</summary>
        [TangentOf(typeof(Nn), nameof(EluTangent))]
        public static void EluTangentTangent(ReadOnlySpan<float> x, Span<float> y, [NoDerivative] float alpha, ReadOnlySpan<float> tx, Span<float> ty, ReadOnlySpan<float> ux, ReadOnlySpan<float> utx, Span<float> uy, Span<float> uty)
            => ActivationTangentTangent(ActivationKind.Elu, x, y, alpha, tx, ty, ux, utx, uy, uty);

        /// <inheritdoc cref="EluTangentTangent(ReadOnlySpan{float}, Span{float}, float, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(EluTangent))]
        public static void EluTangentTangent(ReadOnlySpan<double> x, Span<double> y, [NoDerivative] double alpha, ReadOnlySpan<double> tx, Span<double> ty, ReadOnlySpan<double> ux, ReadOnlySpan<double> utx, Span<double> uy, Span<double> uty)
            => ActivationTangentTangent(ActivationKind.Elu, x, y, alpha, tx, ty, ux, utx, uy, uty);

        /// <summary>
        /// Backward of DenseTangent (y = x·w + b, ty = tx·w + x·tw + tb): dx += dy·wᵀ + dty·twᵀ, dw += xᵀ·dy + txᵀ·dty, db += Σ_rows dy,
        /// dtx += dty·wᵀ, dtw += xᵀ·dty, dtb += Σ_rows dty — DenseBackwardTangent with the roles of (dy, dx…) and (tdy, tdx…) swapped.
        /// </summary>
        [DerivativeOf(typeof(Nn), nameof(DenseTangent))]
        public static void DenseTangentBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> y, int n, int inputs, int outputs,
            ReadOnlySpan<float> tx, ReadOnlySpan<float> tw, ReadOnlySpan<float> tb, ReadOnlySpan<float> ty, ReadOnlySpan<float> dy, ReadOnlySpan<float> dty, Span<float> dx, Span<float> dw, Span<float> db, Span<float> dtx, Span<float> dtw, Span<float> dtb)
            => DenseTangentBackwardCore(x, w, b, y, n, inputs, outputs, tx, tw, tb, ty, dy, dty, dx, dw, db, dtx, dtw, dtb);

        /// <inheritdoc cref="DenseTangentBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, Span{float}, Span{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(DenseTangent))]
        public static void DenseTangentBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, ReadOnlySpan<double> y, int n, int inputs, int outputs,
            ReadOnlySpan<double> tx, ReadOnlySpan<double> tw, ReadOnlySpan<double> tb, ReadOnlySpan<double> ty, ReadOnlySpan<double> dy, ReadOnlySpan<double> dty, Span<double> dx, Span<double> dw, Span<double> db, Span<double> dtx, Span<double> dtw, Span<double> dtb)
            => DenseTangentBackwardCore(x, w, b, y, n, inputs, outputs, tx, tw, tb, ty, dy, dty, dx, dw, db, dtx, dtw, dtb);

        /// <summary>
        /// Tangent of DenseTangent along (ux, uw, ub; utx, utw, utb): y and ty as it writes them, uy = ux·w + x·uw + ub and
        /// uty = utx·w + x·utw + utb + tx·uw + ux·tw (Dense is bilinear: its second derivative pairs x's direction with w's).
        /// </summary>
        [TangentOf(typeof(Nn), nameof(DenseTangent))]
        public static void DenseTangentTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, int n, int inputs, int outputs, ReadOnlySpan<float> tx, ReadOnlySpan<float> tw, ReadOnlySpan<float> tb, Span<float> ty,
            ReadOnlySpan<float> ux, ReadOnlySpan<float> uw, ReadOnlySpan<float> ub, ReadOnlySpan<float> utx, ReadOnlySpan<float> utw, ReadOnlySpan<float> utb, Span<float> uy, Span<float> uty)
            => DenseTangentTangentCore(x, w, b, y, n, inputs, outputs, tx, tw, tb, ty, ux, uw, ub, utx, utw, utb, uy, uty);

        /// <inheritdoc cref="DenseTangentTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(DenseTangent))]
        public static void DenseTangentTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, Span<double> y, int n, int inputs, int outputs, ReadOnlySpan<double> tx, ReadOnlySpan<double> tw, ReadOnlySpan<double> tb, Span<double> ty,
            ReadOnlySpan<double> ux, ReadOnlySpan<double> uw, ReadOnlySpan<double> ub, ReadOnlySpan<double> utx, ReadOnlySpan<double> utw, ReadOnlySpan<double> utb, Span<double> uy, Span<double> uty)
            => DenseTangentTangentCore(x, w, b, y, n, inputs, outputs, tx, tw, tb, ty, ux, uw, ub, utx, utw, utb, uy, uty);

        /// <summary>(y, ẏ)'s pullback for an element-wise activation (see the remarks above), an empty cotangent zero.</summary>
        private static void ActivationTangentBackward<T>(ActivationKind kind, ReadOnlySpan<T> x, ReadOnlySpan<T> y, T alpha, ReadOnlySpan<T> tx, ReadOnlySpan<T> ty,
            ReadOnlySpan<T> dy, ReadOnlySpan<T> dty, Span<T> dx, Span<T> dtx)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            NnGuard.Gradient(dy.Length, x.Length, nameof(dy), "x.Length");
            NnGuard.Gradient(dty.Length, x.Length, nameof(dty), "x.Length");
            if (dty.IsEmpty)
            {
                if (!dy.IsEmpty)
                {
                    ActivationBackward(kind, x, y, alpha, dy, dx); // no ẏ̄: x̄ = Jᵀ·ȳ
                }

                return;
            }

            ActivationBackwardTangent(kind, x, y, alpha, dty, dtx, tx, ty, dy, dx);
        }

        /// <summary>(y, ẏ)'s tangent along (u, u̇) for an element-wise activation: f′·u and f′·u̇ + f″·ẋ·u.</summary>
        private static void ActivationTangentTangent<T>(ActivationKind kind, ReadOnlySpan<T> x, Span<T> y, T alpha, ReadOnlySpan<T> tx, Span<T> ty,
            ReadOnlySpan<T> ux, ReadOnlySpan<T> utx, Span<T> uy, Span<T> uty)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            NnGuard.Gradient(ux.Length, x.Length, nameof(ux), "x.Length");
            NnGuard.Gradient(utx.Length, x.Length, nameof(utx), "x.Length");
            NnGuard.Gradient(uy.Length, x.Length, nameof(uy), "x.Length");
            NnGuard.Gradient(uty.Length, x.Length, nameof(uty), "x.Length");
            DisjointWrites<T>(x, y, tx, ty);
            DisjointWrites<T>(x, uy, ux, uty, "uy", "uty");
            DisjointWrites<T>(tx, uy, utx, uty, "uy", "uty");
            NnGuard.Disjoint<T>(uy, "uy", y, nameof(y), ty, nameof(ty), uty, "uty");
            NnGuard.Disjoint<T>(uty, "uty", y, nameof(y), ty, nameof(ty), ux, nameof(ux));

            Activation(kind, x, y, alpha, tx, ty);
            if (uty.IsEmpty || tx.IsEmpty)
            {
                Activation(kind, x, y, alpha, ux, uy);   // y written again, the same values
                Activation(kind, x, y, alpha, utx, uty); // ẋ = 0: ẏ stays 0 along u, its tangent is f′·u̇
                return;
            }

            Workspace workspace = Workspace.Current;
            WorkspaceMark mark = workspace.Mark();
            try
            {
                // The curvature term reads y's tangent along u (sigmoid, tanh and ELU read f′ off y): scratch where uy is not wanted.
                Span<T> u = uy.IsEmpty ? NnGuard.Rent<T>(workspace, x.Length) : uy;
                Activation(kind, x, y, alpha, ux, u);
                uty.Clear();
                ActivationBackwardTangent(kind, x, y, alpha, tx, default, ux, u, utx, uty);
            }
            finally
            {
                workspace.Release(mark);
            }
        }

        /// <summary>An element-wise activation's forward and tangent (<see cref="TanhTangent(ReadOnlySpan{double}, Span{double}, ReadOnlySpan{double}, Span{double})"/>).</summary>
        private static void Activation<T>(ActivationKind kind, ReadOnlySpan<T> x, Span<T> y, T alpha, ReadOnlySpan<T> tx, Span<T> ty)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            switch (kind)
            {
                case ActivationKind.Relu: ReluCore(x, y, tx, ty); break;
                case ActivationKind.LeakyRelu: LeakyReluCore(x, y, alpha, tx, ty); break;
                case ActivationKind.Sigmoid: SigmoidCore(x, y, tx, ty); break;
                case ActivationKind.Tanh: TanhCore(x, y, tx, ty); break;
                default: EluCore(x, y, alpha, tx, ty); break;
            }
        }

        /// <summary>An element-wise activation's backward, dx += f′·dy.</summary>
        private static void ActivationBackward<T>(ActivationKind kind, ReadOnlySpan<T> x, ReadOnlySpan<T> y, T alpha, ReadOnlySpan<T> dy, Span<T> dx)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            switch (kind)
            {
                case ActivationKind.Relu: ReluBackwardCore(x, y, dy, dx); break;
                case ActivationKind.LeakyRelu: LeakyReluBackwardCore(x, y, alpha, dy, dx); break;
                case ActivationKind.Sigmoid: SigmoidBackwardCore(x, y, dy, dx); break;
                case ActivationKind.Tanh: TanhBackwardCore(x, y, dy, dx); break;
                default: EluBackwardCore(x, y, alpha, dy, dx); break;
            }
        }

        /// <summary>DenseTangent's pullback (see the remarks above), an empty cotangent zero.</summary>
        private static void DenseTangentBackwardCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, ReadOnlySpan<T> y, int n, int inputs, int outputs,
            ReadOnlySpan<T> tx, ReadOnlySpan<T> tw, ReadOnlySpan<T> tb, ReadOnlySpan<T> ty, ReadOnlySpan<T> dy, ReadOnlySpan<T> dty,
            Span<T> dx, Span<T> dw, Span<T> db, Span<T> dtx, Span<T> dtw, Span<T> dtb)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateDense(x, w, b, y, n, inputs, outputs);
            NnGuard.Gradient(dy.Length, NnGuard.Size(n, outputs), nameof(dy), "(n, outputs)");
            NnGuard.Gradient(dty.Length, NnGuard.Size(n, outputs), nameof(dty), "(n, outputs)");
            if (dty.IsEmpty)
            {
                if (!dy.IsEmpty)
                {
                    DenseBackwardCore(x, w, b, y, n, inputs, outputs, dy, dx, dw, db); // no ẏ̄: the plain backward
                }

                return;
            }

            DenseBackwardTangentCore(x, w, b, y, n, inputs, outputs, dty, dtx, dtw, dtb, tx, tw, tb, ty, dy, dx, dw, db);
        }

        /// <summary>DenseTangent's tangent: each of y, ty, uy and uty by Dense's own tangent kernel, and the two cross terms of uty.</summary>
        private static void DenseTangentTangentCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y, int n, int inputs, int outputs,
            ReadOnlySpan<T> tx, ReadOnlySpan<T> tw, ReadOnlySpan<T> tb, Span<T> ty,
            ReadOnlySpan<T> ux, ReadOnlySpan<T> uw, ReadOnlySpan<T> ub, ReadOnlySpan<T> utx, ReadOnlySpan<T> utw, ReadOnlySpan<T> utb, Span<T> uy, Span<T> uty)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateDense<T>(x, w, b, y, n, inputs, outputs);
            NnGuard.Gradient(ux.Length, NnGuard.Size(n, inputs), nameof(ux), "(n, inputs)");
            NnGuard.Gradient(utx.Length, NnGuard.Size(n, inputs), nameof(utx), "(n, inputs)");
            NnGuard.Gradient(uw.Length, NnGuard.Size(inputs, outputs), nameof(uw), "(inputs, outputs)");
            NnGuard.Gradient(utw.Length, NnGuard.Size(inputs, outputs), nameof(utw), "(inputs, outputs)");
            BiasGradient(ub.Length, b.IsEmpty, outputs, nameof(ub), "(outputs)");
            BiasGradient(utb.Length, b.IsEmpty, outputs, nameof(utb), "(outputs)");
            NnGuard.Gradient(uy.Length, NnGuard.Size(n, outputs), nameof(uy), "(n, outputs)");
            NnGuard.Gradient(uty.Length, NnGuard.Size(n, outputs), nameof(uty), "(n, outputs)");
            ValidateTangentWrites<T>(x, w, b, y, ux, uw, ub, uy, twName: "uw", tbName: "ub");
            ValidateTangentWrites<T>(tx, tw, tb, uy, utx, utw, utb, uty, "tw", "tb", "utw", "utb");
            NnGuard.Disjoint<T>(uty, "uty", x, nameof(x), w, nameof(w), b, nameof(b));
            NnGuard.Disjoint<T>(uty, "uty", ux, nameof(ux), uw, nameof(uw), ub, nameof(ub));
            NnGuard.Disjoint<T>(uy, "uy", y, nameof(y), ty, nameof(ty), tx, nameof(tx));
            NnGuard.Disjoint<T>(uty, "uty", y, nameof(y), ty, nameof(ty), uy, "uy");

            DenseCore(x, w, b, y, n, inputs, outputs, tx, tw, tb, ty);
            DenseTangentPart(x, w, ux, uw, ub, uy, n, inputs, outputs);
            DenseTangentPart(x, w, utx, utw, utb, uty, n, inputs, outputs);
            if (!uty.IsEmpty && !tx.IsEmpty && !uw.IsEmpty)
            {
                Gemm.Run<T>(GemmForm.AB, tx, uw, uty, n, inputs, outputs, true, GemmDriver.BestPath, Gemm.MaxThreads); // + ẋ·u_w
            }

            if (!uty.IsEmpty && !ux.IsEmpty && !tw.IsEmpty)
            {
                Gemm.Run<T>(GemmForm.AB, ux, tw, uty, n, inputs, outputs, true, GemmDriver.BestPath, Gemm.MaxThreads); // + u_x·ẇ
            }
        }
    }
}
