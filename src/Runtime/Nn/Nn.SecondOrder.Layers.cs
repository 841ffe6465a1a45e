using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace SymGrad
{
    /// <summary>
    /// The second order of the layers: the tangent of each layer's backward, registered with <c>[TangentOf]</c> on the
    /// backward, so that a generated <c>MHessianVector</c> can differentiate a network of them once more (a loss over
    /// <c>Dense</c>, the activations, <c>Conv2D</c>, pooling). Each takes the backward's parameters, then the tangent of every
    /// span and real it reads (the layer's inputs', its output's, the output cotangent's), then a tangent per gradient; it
    /// writes the gradients as the backward does and adds the tangents of their contributions to the tangent gradients.
    /// An empty tangent input is zero; an empty tangent gradient is not wanted. The tangent is of the backward as a function
    /// of what it reads: a backward that reads the layer's output y (sigmoid, tanh, ELU) takes its curvature from ty.
    /// </summary>
    public static partial class Nn
    {
        // Dense and Conv2D: the backward is bilinear in (the inputs, dy), so its tangent is the backward three times —
        //   tdx += tdy·wᵀ + dy·twᵀ,   tdw += xᵀ·tdy + txᵀ·dy,   tdb += Σ_rows tdy
        // — each a plain backward call on the GEMM/convolution kernels with some gradients left empty.

        /// <summary>
        /// Tangent of DenseBackward: dx, dw and db as it writes them, and tdx += tdy·wᵀ + dy·twᵀ, tdw += xᵀ·tdy + txᵀ·dy,
        /// tdb += Σ_rows tdy. ty is read by nothing (the backward does not read y).
        /// </summary>
        [TangentOf(typeof(Nn), nameof(DenseBackward))]
        public static void DenseBackwardTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> y, int n, int inputs, int outputs,
            ReadOnlySpan<float> dy, Span<float> dx, Span<float> dw, Span<float> db,
            ReadOnlySpan<float> tx, ReadOnlySpan<float> tw, ReadOnlySpan<float> tb, ReadOnlySpan<float> ty, ReadOnlySpan<float> tdy, Span<float> tdx, Span<float> tdw, Span<float> tdb)
            => DenseBackwardTangentCore(x, w, b, y, n, inputs, outputs, dy, dx, dw, db, tx, tw, tb, ty, tdy, tdx, tdw, tdb);

        /// <inheritdoc cref="DenseBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(DenseBackward))]
        public static void DenseBackwardTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, ReadOnlySpan<double> y, int n, int inputs, int outputs,
            ReadOnlySpan<double> dy, Span<double> dx, Span<double> dw, Span<double> db,
            ReadOnlySpan<double> tx, ReadOnlySpan<double> tw, ReadOnlySpan<double> tb, ReadOnlySpan<double> ty, ReadOnlySpan<double> tdy, Span<double> tdx, Span<double> tdw, Span<double> tdb)
            => DenseBackwardTangentCore(x, w, b, y, n, inputs, outputs, dy, dx, dw, db, tx, tw, tb, ty, tdy, tdx, tdw, tdb);

        /// <summary>
        /// Tangent of Conv2DBackward: dx, dw and db as it writes them, and the same three products as Dense's — tdx from tdy
        /// through w and from dy through tw, tdw from tdy against x and from dy against tx, tdb the per-filter sums of tdy.
        /// </summary>
        [TangentOf(typeof(Nn), nameof(Conv2DBackward))]
        public static void Conv2DBackwardTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> y, Conv2DShape shape,
            ReadOnlySpan<float> dy, Span<float> dx, Span<float> dw, Span<float> db,
            ReadOnlySpan<float> tx, ReadOnlySpan<float> tw, ReadOnlySpan<float> tb, ReadOnlySpan<float> ty, ReadOnlySpan<float> tdy, Span<float> tdx, Span<float> tdw, Span<float> tdb)
            => Conv2DBackwardTangentCore(x, w, b, y, shape, dy, dx, dw, db, tx, tw, tb, ty, tdy, tdx, tdw, tdb);

        /// <inheritdoc cref="Conv2DBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Conv2DShape, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(Conv2DBackward))]
        public static void Conv2DBackwardTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, ReadOnlySpan<double> y, Conv2DShape shape,
            ReadOnlySpan<double> dy, Span<double> dx, Span<double> dw, Span<double> db,
            ReadOnlySpan<double> tx, ReadOnlySpan<double> tw, ReadOnlySpan<double> tb, ReadOnlySpan<double> ty, ReadOnlySpan<double> tdy, Span<double> tdx, Span<double> tdw, Span<double> tdb)
            => Conv2DBackwardTangentCore(x, w, b, y, shape, dy, dx, dw, db, tx, tw, tb, ty, tdy, tdx, tdw, tdb);

        // Element-wise: dx += f′·dy, f′ read off x (ReLU, leaky ReLU: piecewise constant, no second term) or off y:
        //   sigmoid  f′ = y(1 − y)     tdx += f′·tdy + dy·(1 − 2y)·ty
        //   tanh     f′ = 1 − y²       tdx += f′·tdy − 2·dy·y·ty
        //   ELU      f′ = y > 0 ? 1 : y + α     tdx += f′·tdy + (y > 0 ? 0 : dy·ty)

        /// <summary>Tangent of ReluBackward: dx as it writes it and tdx += x &gt; 0 ? tdy : 0 (the ReLU's second derivative is zero).</summary>
        [TangentOf(typeof(Nn), nameof(ReluBackward))]
        public static void ReluBackwardTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx,
            ReadOnlySpan<float> tx, ReadOnlySpan<float> ty, ReadOnlySpan<float> tdy, Span<float> tdx)
            => ActivationBackwardTangent(ActivationKind.Relu, x, y, 0f, dy, dx, tx, ty, tdy, tdx);

        /// <inheritdoc cref="ReluBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(ReluBackward))]
        public static void ReluBackwardTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx,
            ReadOnlySpan<double> tx, ReadOnlySpan<double> ty, ReadOnlySpan<double> tdy, Span<double> tdx)
            => ActivationBackwardTangent(ActivationKind.Relu, x, y, 0d, dy, dx, tx, ty, tdy, tdx);

        /// <summary>Tangent of LeakyReluBackward (α a constant): dx as it writes it and tdx += x &gt; 0 ? tdy : α·tdy.</summary>
        [TangentOf(typeof(Nn), nameof(LeakyReluBackward))]
        public static void LeakyReluBackwardTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> y, float alpha, ReadOnlySpan<float> dy, Span<float> dx,
            ReadOnlySpan<float> tx, ReadOnlySpan<float> ty, ReadOnlySpan<float> tdy, Span<float> tdx)
            => ActivationBackwardTangent(ActivationKind.LeakyRelu, x, y, alpha, dy, dx, tx, ty, tdy, tdx);

        /// <inheritdoc cref="LeakyReluBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(LeakyReluBackward))]
        public static void LeakyReluBackwardTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double alpha, ReadOnlySpan<double> dy, Span<double> dx,
            ReadOnlySpan<double> tx, ReadOnlySpan<double> ty, ReadOnlySpan<double> tdy, Span<double> tdx)
            => ActivationBackwardTangent(ActivationKind.LeakyRelu, x, y, alpha, dy, dx, tx, ty, tdy, tdx);

        /// <summary>Tangent of SigmoidBackward: dx as it writes it and tdx += y(1 − y)·tdy + (1 − 2y)·dy·ty.</summary>
        [TangentOf(typeof(Nn), nameof(SigmoidBackward))]
        public static void SigmoidBackwardTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx,
            ReadOnlySpan<float> tx, ReadOnlySpan<float> ty, ReadOnlySpan<float> tdy, Span<float> tdx)
            => ActivationBackwardTangent(ActivationKind.Sigmoid, x, y, 0f, dy, dx, tx, ty, tdy, tdx);

        /// <inheritdoc cref="SigmoidBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(SigmoidBackward))]
        public static void SigmoidBackwardTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx,
            ReadOnlySpan<double> tx, ReadOnlySpan<double> ty, ReadOnlySpan<double> tdy, Span<double> tdx)
            => ActivationBackwardTangent(ActivationKind.Sigmoid, x, y, 0d, dy, dx, tx, ty, tdy, tdx);

        /// <summary>Tangent of TanhBackward: dx as it writes it and tdx += (1 − y²)·tdy − 2·y·dy·ty.</summary>
        [TangentOf(typeof(Nn), nameof(TanhBackward))]
        public static void TanhBackwardTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx,
            ReadOnlySpan<float> tx, ReadOnlySpan<float> ty, ReadOnlySpan<float> tdy, Span<float> tdx)
            => ActivationBackwardTangent(ActivationKind.Tanh, x, y, 0f, dy, dx, tx, ty, tdy, tdx);

        /// <inheritdoc cref="TanhBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(TanhBackward))]
        public static void TanhBackwardTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx,
            ReadOnlySpan<double> tx, ReadOnlySpan<double> ty, ReadOnlySpan<double> tdy, Span<double> tdx)
            => ActivationBackwardTangent(ActivationKind.Tanh, x, y, 0d, dy, dx, tx, ty, tdy, tdx);

        /// <summary>Tangent of EluBackward (α a constant): dx as it writes it and tdx += (y &gt; 0 ? 1 : y + α)·tdy + (y &gt; 0 ? 0 : dy·ty).</summary>
        [TangentOf(typeof(Nn), nameof(EluBackward))]
        public static void EluBackwardTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> y, float alpha, ReadOnlySpan<float> dy, Span<float> dx,
            ReadOnlySpan<float> tx, ReadOnlySpan<float> ty, ReadOnlySpan<float> tdy, Span<float> tdx)
            => ActivationBackwardTangent(ActivationKind.Elu, x, y, alpha, dy, dx, tx, ty, tdy, tdx);

        /// <inheritdoc cref="EluBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, float, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(EluBackward))]
        public static void EluBackwardTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double alpha, ReadOnlySpan<double> dy, Span<double> dx,
            ReadOnlySpan<double> tx, ReadOnlySpan<double> ty, ReadOnlySpan<double> tdy, Span<double> tdx)
            => ActivationBackwardTangent(ActivationKind.Elu, x, y, alpha, dy, dx, tx, ty, tdy, tdx);

        // Linear in dy given the inputs (mean subtraction is linear; pooling routes dy to an arg-max fixed almost everywhere):
        // the tangent is the backward of tdy.

        /// <summary>Tangent of MeanSubtractBackward, linear in dh: dx as it writes it and tdx += tdh − the row means of tdh.</summary>
        [TangentOf(typeof(Nn), nameof(MeanSubtractBackward))]
        public static void MeanSubtractBackwardTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> h, int rows, int d, ReadOnlySpan<float> dh, Span<float> dx,
            ReadOnlySpan<float> tx, ReadOnlySpan<float> th, ReadOnlySpan<float> tdh, Span<float> tdx)
        {
            SecondOrderGuard(dh, dx, x, h, tx, th, tdh, tdx, SecondOrderNames.OfH);
            MeanSubtractBackward(x, h, rows, d, dh, dx);
            if (!tdh.IsEmpty && !tdx.IsEmpty)
            {
                MeanSubtractBackward(x, h, rows, d, tdh, tdx);
            }
        }

        /// <inheritdoc cref="MeanSubtractBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(MeanSubtractBackward))]
        public static void MeanSubtractBackwardTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> h, int rows, int d, ReadOnlySpan<double> dh, Span<double> dx,
            ReadOnlySpan<double> tx, ReadOnlySpan<double> th, ReadOnlySpan<double> tdh, Span<double> tdx)
        {
            SecondOrderGuard(dh, dx, x, h, tx, th, tdh, tdx, SecondOrderNames.OfH);
            MeanSubtractBackward(x, h, rows, d, dh, dx);
            if (!tdh.IsEmpty && !tdx.IsEmpty)
            {
                MeanSubtractBackward(x, h, rows, d, tdh, tdx);
            }
        }

        /// <summary>Tangent of MaxPool2DBackward: dx as it writes it and tdx[argmax of each window] += tdy (the arg-max is constant almost everywhere).</summary>
        [TangentOf(typeof(Nn), nameof(MaxPool2DBackward))]
        public static void MaxPool2DBackwardTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Pool2DShape shape, ReadOnlySpan<float> dy, Span<float> dx,
            ReadOnlySpan<float> tx, ReadOnlySpan<float> ty, ReadOnlySpan<float> tdy, Span<float> tdx)
            => PoolBackwardTangentCore(x, y, shape, dy, dx, tx, ty, tdy, tdx, relu: false);

        /// <inheritdoc cref="MaxPool2DBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, Pool2DShape, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(MaxPool2DBackward))]
        public static void MaxPool2DBackwardTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Pool2DShape shape, ReadOnlySpan<double> dy, Span<double> dx,
            ReadOnlySpan<double> tx, ReadOnlySpan<double> ty, ReadOnlySpan<double> tdy, Span<double> tdx)
            => PoolBackwardTangentCore(x, y, shape, dy, dx, tx, ty, tdy, tdx, relu: false);

        /// <summary>Tangent of ReluMaxPool2DBackward: dx as it writes it and tdx[argmax of each positive window] += tdy.</summary>
        [TangentOf(typeof(Nn), nameof(ReluMaxPool2DBackward))]
        public static void ReluMaxPool2DBackwardTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Pool2DShape shape, ReadOnlySpan<float> dy, Span<float> dx,
            ReadOnlySpan<float> tx, ReadOnlySpan<float> ty, ReadOnlySpan<float> tdy, Span<float> tdx)
            => PoolBackwardTangentCore(x, y, shape, dy, dx, tx, ty, tdy, tdx, relu: true);

        /// <inheritdoc cref="ReluMaxPool2DBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, Pool2DShape, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(ReluMaxPool2DBackward))]
        public static void ReluMaxPool2DBackwardTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Pool2DShape shape, ReadOnlySpan<double> dy, Span<double> dx,
            ReadOnlySpan<double> tx, ReadOnlySpan<double> ty, ReadOnlySpan<double> tdy, Span<double> tdx)
            => PoolBackwardTangentCore(x, y, shape, dy, dx, tx, ty, tdy, tdx, relu: true);

        // BatchNorm, per feature j (means over the n rows; s = 1/√(σ² + ε), x̂ = (x − μ)·s, A = Σ dy, B = Σ dy·x̂, c = γ·s/n):
        //   dβ += A,  dγ += B,  dx_i += c·(n·dy_i − A − x̂_i·B)
        // Its tangent, with x̂̇_i = s·(ẋ_i − mean ẋ − x̂_i·mean(ẋ·x̂)) and ṡ = −s²·mean(ẋ·x̂) (BatchNorm's own tangent at γ = 1):
        //   Ȧ = Σ tdy,  Ḃ = Σ tdy·x̂ + Σ dy·x̂̇ = Σ tdy·x̂ + s·(Σ dy·ẋ − A·mean ẋ − B·mean(ẋ·x̂)),  ċ = (γ̇·s + γ·ṡ)/n
        //   tdβ += Ȧ,  tdγ += Ḃ,  tdx_i += ċ·(n·dy_i − A − x̂_i·B) + c·(n·tdy_i − Ȧ − x̂̇_i·B − x̂_i·Ḃ)

        /// <summary>
        /// Tangent of BatchNormBackward (ε a constant): dx, dgamma and dbeta as it writes them, and their tangents from the
        /// tangents of x, gamma and dy (the formulas in the comment above). tbeta and ty are read by
        /// nothing (the backward reads neither beta nor y: it recomputes the statistics from x).
        /// </summary>
        [TangentOf(typeof(Nn), nameof(BatchNormBackward))]
        public static void BatchNormBackwardTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> y, int n, int d, float eps,
            ReadOnlySpan<float> dy, Span<float> dx, Span<float> dgamma, Span<float> dbeta,
            ReadOnlySpan<float> tx, ReadOnlySpan<float> tgamma, ReadOnlySpan<float> tbeta, ReadOnlySpan<float> ty, ReadOnlySpan<float> tdy,
            Span<float> tdx, Span<float> tdgamma, Span<float> tdbeta)
            => BatchNormBackwardTangentCore(x, gamma, beta, y, n, d, eps, dy, dx, dgamma, dbeta, tx, tgamma, tbeta, ty, tdy, tdx, tdgamma, tdbeta);

        /// <inheritdoc cref="BatchNormBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, float, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(BatchNormBackward))]
        public static void BatchNormBackwardTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta, ReadOnlySpan<double> y, int n, int d, double eps,
            ReadOnlySpan<double> dy, Span<double> dx, Span<double> dgamma, Span<double> dbeta,
            ReadOnlySpan<double> tx, ReadOnlySpan<double> tgamma, ReadOnlySpan<double> tbeta, ReadOnlySpan<double> ty, ReadOnlySpan<double> tdy,
            Span<double> tdx, Span<double> tdgamma, Span<double> tdbeta)
            => BatchNormBackwardTangentCore(x, gamma, beta, y, n, d, eps, dy, dx, dgamma, dbeta, tx, tgamma, tbeta, ty, tdy, tdx, tdgamma, tdbeta);

        private static void BatchNormBackwardTangentCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, ReadOnlySpan<T> y, int n, int d, T eps,
            ReadOnlySpan<T> dy, Span<T> dx, Span<T> dgamma, Span<T> dbeta,
            ReadOnlySpan<T> tx, ReadOnlySpan<T> tgamma, ReadOnlySpan<T> tbeta, ReadOnlySpan<T> ty, ReadOnlySpan<T> tdy, Span<T> tdx, Span<T> tdgamma, Span<T> tdbeta)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateBatchNorm(x, gamma, beta, y, n, d, eps);
            NnGuard.Gradient(tx.Length, NnGuard.Size(n, d), nameof(tx), "(n, d)");
            NnGuard.Gradient(tgamma.Length, d, nameof(tgamma), "(d)");
            NnGuard.Gradient(tbeta.Length, d, nameof(tbeta), "(d)");
            NnGuard.Gradient(ty.Length, NnGuard.Size(n, d), nameof(ty), "(n, d)");
            NnGuard.Gradient(tdy.Length, NnGuard.Size(n, d), nameof(tdy), "(n, d)");
            NnGuard.Gradient(tdx.Length, NnGuard.Size(n, d), nameof(tdx), "(n, d)");
            NnGuard.Gradient(tdgamma.Length, d, nameof(tdgamma), "(d)");
            NnGuard.Gradient(tdbeta.Length, d, nameof(tdbeta), "(d)");
            BatchNormTangentWritten<T>(tdx, nameof(tdx), x, gamma, beta, y, dy, dx, dgamma, dbeta, tx, tgamma, tbeta, ty, tdy);
            BatchNormTangentWritten<T>(tdgamma, nameof(tdgamma), x, gamma, beta, y, dy, dx, dgamma, dbeta, tx, tgamma, tbeta, ty, tdy);
            BatchNormTangentWritten<T>(tdbeta, nameof(tdbeta), x, gamma, beta, y, dy, dx, dgamma, dbeta, tx, tgamma, tbeta, ty, tdy);
            NnGuard.Disjoint<T>(tdgamma, nameof(tdgamma), tdx, nameof(tdx));
            NnGuard.Disjoint<T>(tdbeta, nameof(tdbeta), tdx, nameof(tdx));
            NnGuard.Disjoint<T>(tdbeta, nameof(tdbeta), tdgamma, nameof(tdgamma));

            BatchNormBackwardCore(x, gamma, beta, y, n, d, eps, dy, dx, dgamma, dbeta);
            if (tdx.IsEmpty && tdgamma.IsEmpty && tdbeta.IsEmpty)
            {
                return;
            }

            Workspace workspace = Workspace.Current;
            WorkspaceMark mark = workspace.Mark();
            try
            {
                // Per feature (d): the statistics, then the sums of one pass over the rows.
                Span<T> mean = NnGuard.Rent<T>(workspace, d), inv = NnGuard.Rent<T>(workspace, d), xhat = NnGuard.Rent<T>(workspace, d);
                Span<T> a = NnGuard.Rent<T>(workspace, d), b = NnGuard.Rent<T>(workspace, d), ta = NnGuard.Rent<T>(workspace, d), tb = NnGuard.Rent<T>(workspace, d);
                Span<T> meanTx = NnGuard.Rent<T>(workspace, d), meanTxXhat = NnGuard.Rent<T>(workspace, d), dyTx = NnGuard.Rent<T>(workspace, d);
                Span<T> u = NnGuard.Rent<T>(workspace, d), v = NnGuard.Rent<T>(workspace, d);
                BatchStatistics(x, n, d, eps, mean, inv, xhat);
                T count = T.CreateTruncating(n);
                for (int i = 0; i < n; i++)
                {
                    ReadOnlySpan<T> dyi = dy.Slice(i * d, d);
                    TensorPrimitives.Subtract(x.Slice(i * d, d), mean, xhat);
                    TensorPrimitives.Multiply(xhat, inv, xhat);
                    TensorPrimitives.Add(a, dyi, a);
                    TensorPrimitives.FusedMultiplyAdd(dyi, xhat, b, b);
                    if (!tdy.IsEmpty)
                    {
                        ReadOnlySpan<T> tdyi = tdy.Slice(i * d, d);
                        TensorPrimitives.Add(ta, tdyi, ta);
                        TensorPrimitives.FusedMultiplyAdd(tdyi, xhat, tb, tb); // Σ tdy·x̂, the first part of Ḃ
                    }

                    if (!tx.IsEmpty)
                    {
                        ReadOnlySpan<T> txi = tx.Slice(i * d, d);
                        TensorPrimitives.Add(meanTx, txi, meanTx);
                        TensorPrimitives.FusedMultiplyAdd(txi, xhat, meanTxXhat, meanTxXhat);
                        TensorPrimitives.FusedMultiplyAdd(dyi, txi, dyTx, dyTx);
                    }
                }

                TensorPrimitives.Divide(meanTx, count, meanTx);
                TensorPrimitives.Divide(meanTxXhat, count, meanTxXhat);

                // Ḃ += s·(Σ dy·ẋ − A·mean ẋ − B·mean(ẋ·x̂))
                TensorPrimitives.Multiply(a, meanTx, u);
                TensorPrimitives.Subtract(dyTx, u, u);
                TensorPrimitives.Multiply(b, meanTxXhat, v);
                TensorPrimitives.Subtract(u, v, u);
                TensorPrimitives.FusedMultiplyAdd(u, inv, tb, tb);
                if (!tdbeta.IsEmpty)
                {
                    TensorPrimitives.Add(tdbeta, ta, tdbeta);
                }

                if (!tdgamma.IsEmpty)
                {
                    TensorPrimitives.Add(tdgamma, tb, tdgamma);
                }

                if (tdx.IsEmpty)
                {
                    return;
                }

                // c = γ·s/n and ċ = (γ̇·s + γ·ṡ)/n = (γ̇·s − γ·s²·mean(ẋ·x̂))/n
                Span<T> c = NnGuard.Rent<T>(workspace, d), tc = NnGuard.Rent<T>(workspace, d);
                TensorPrimitives.Multiply(gamma, inv, c);
                TensorPrimitives.Multiply(c, inv, tc);
                TensorPrimitives.Multiply(tc, meanTxXhat, tc);
                TensorPrimitives.Negate(tc, tc);
                if (!tgamma.IsEmpty)
                {
                    TensorPrimitives.FusedMultiplyAdd(tgamma, inv, tc, tc);
                }

                TensorPrimitives.Divide(c, count, c);
                TensorPrimitives.Divide(tc, count, tc);
                for (int i = 0; i < n; i++)
                {
                    Span<T> tdxi = tdx.Slice(i * d, d);
                    TensorPrimitives.Subtract(x.Slice(i * d, d), mean, xhat);
                    TensorPrimitives.Multiply(xhat, inv, xhat);

                    // ċ·(n·dy_i − A − x̂_i·B)
                    TensorPrimitives.Multiply(dy.Slice(i * d, d), count, u);
                    TensorPrimitives.Subtract(u, a, u);
                    TensorPrimitives.Multiply(xhat, b, v);
                    TensorPrimitives.Subtract(u, v, u);
                    TensorPrimitives.FusedMultiplyAdd(u, tc, tdxi, tdxi);

                    // c·(n·tdy_i − Ȧ − x̂̇_i·B − x̂_i·Ḃ), x̂̇_i = s·(ẋ_i − mean ẋ − x̂_i·mean(ẋ·x̂))
                    if (tdy.IsEmpty)
                    {
                        u.Clear();
                    }
                    else
                    {
                        TensorPrimitives.Multiply(tdy.Slice(i * d, d), count, u);
                        TensorPrimitives.Subtract(u, ta, u);
                    }

                    TensorPrimitives.Multiply(xhat, tb, v);
                    TensorPrimitives.Subtract(u, v, u);
                    if (!tx.IsEmpty)
                    {
                        TensorPrimitives.Multiply(xhat, meanTxXhat, v);
                        TensorPrimitives.Subtract(tx.Slice(i * d, d), v, v);
                        TensorPrimitives.Subtract(v, meanTx, v);
                        TensorPrimitives.Multiply(v, inv, v);
                        TensorPrimitives.Multiply(v, b, v);
                        TensorPrimitives.Subtract(u, v, u);
                    }

                    TensorPrimitives.FusedMultiplyAdd(u, c, tdxi, tdxi);
                }
            }
            finally
            {
                workspace.Release(mark);
            }
        }

        /// <summary>A BatchNorm tangent gradient shares nothing with anything the tangent reads or with the gradients.</summary>
        private static void BatchNormTangentWritten<T>(ReadOnlySpan<T> written, string name, ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, ReadOnlySpan<T> y,
            ReadOnlySpan<T> dy, ReadOnlySpan<T> dx, ReadOnlySpan<T> dgamma, ReadOnlySpan<T> dbeta,
            ReadOnlySpan<T> tx, ReadOnlySpan<T> tgamma, ReadOnlySpan<T> tbeta, ReadOnlySpan<T> ty, ReadOnlySpan<T> tdy)
        {
            BatchNormDisjoint(written, name, x, gamma, beta, y, dy);
            NnGuard.Disjoint(written, name, dx, nameof(dx), dgamma, nameof(dgamma), dbeta, nameof(dbeta));
            NnGuard.Disjoint(written, name, tx, nameof(tx), tgamma, nameof(tgamma), tbeta, nameof(tbeta));
            NnGuard.Disjoint(written, name, ty, nameof(ty));
            NnGuard.Disjoint(written, name, tdy, nameof(tdy));
        }

        private static void DenseBackwardTangentCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, ReadOnlySpan<T> y, int n, int inputs, int outputs,
            ReadOnlySpan<T> dy, Span<T> dx, Span<T> dw, Span<T> db,
            ReadOnlySpan<T> tx, ReadOnlySpan<T> tw, ReadOnlySpan<T> tb, ReadOnlySpan<T> ty, ReadOnlySpan<T> tdy, Span<T> tdx, Span<T> tdw, Span<T> tdb)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateDense(x, w, b, y, n, inputs, outputs);
            NnGuard.Gradient(tx.Length, NnGuard.Size(n, inputs), nameof(tx), "(n, inputs)");
            NnGuard.Gradient(tw.Length, NnGuard.Size(inputs, outputs), nameof(tw), "(inputs, outputs)");
            BiasGradient(tb.Length, b.IsEmpty, outputs, nameof(tb), "(outputs)");
            NnGuard.Gradient(ty.Length, NnGuard.Size(n, outputs), nameof(ty), "(n, outputs)");
            NnGuard.Gradient(tdy.Length, NnGuard.Size(n, outputs), nameof(tdy), "(n, outputs)");
            NnGuard.Gradient(tdx.Length, NnGuard.Size(n, inputs), nameof(tdx), "(n, inputs)");
            NnGuard.Gradient(tdw.Length, NnGuard.Size(inputs, outputs), nameof(tdw), "(inputs, outputs)");
            BiasGradient(tdb.Length, b.IsEmpty, outputs, nameof(tdb), "(outputs)");
            BilinearTangentWrites(dy, dx, dw, db, tx, tw, tb, ty, tdy, tdx, tdw, tdb);

            DenseBackwardCore(x, w, b, y, n, inputs, outputs, dy, dx, dw, db);
            if (!tdy.IsEmpty)
            {
                DenseBackwardCore(x, w, b, y, n, inputs, outputs, tdy, tdx, tdw, tdb); // tdy·wᵀ, xᵀ·tdy, Σ tdy
            }

            if (!tw.IsEmpty && !tdx.IsEmpty)
            {
                DenseBackwardCore(x, tw, b, y, n, inputs, outputs, dy, tdx, default, default); // dy·twᵀ
            }

            if (!tx.IsEmpty && !tdw.IsEmpty)
            {
                DenseBackwardCore(tx, w, b, y, n, inputs, outputs, dy, default, tdw, default); // txᵀ·dy
            }
        }

        private static void Conv2DBackwardTangentCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, ReadOnlySpan<T> y, Conv2DShape shape,
            ReadOnlySpan<T> dy, Span<T> dx, Span<T> dw, Span<T> db,
            ReadOnlySpan<T> tx, ReadOnlySpan<T> tw, ReadOnlySpan<T> tb, ReadOnlySpan<T> ty, ReadOnlySpan<T> tdy, Span<T> tdx, Span<T> tdw, Span<T> tdb)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateConv2D(x, w, b, y, shape);
            NnGuard.Gradient(tx.Length, x.Length, nameof(tx), "(N, C, H, W)");
            NnGuard.Gradient(tw.Length, w.Length, nameof(tw), "(F, C, KH, KW)");
            BiasGradient(tb.Length, b.IsEmpty, b.Length, nameof(tb), "(F)");
            NnGuard.Gradient(ty.Length, y.Length, nameof(ty), "(N, F, OH, OW)");
            NnGuard.Gradient(tdy.Length, y.Length, nameof(tdy), "(N, F, OH, OW)");
            NnGuard.Gradient(tdx.Length, x.Length, nameof(tdx), "(N, C, H, W)");
            NnGuard.Gradient(tdw.Length, w.Length, nameof(tdw), "(F, C, KH, KW)");
            BiasGradient(tdb.Length, b.IsEmpty, b.Length, nameof(tdb), "(F)");
            BilinearTangentWrites(dy, dx, dw, db, tx, tw, tb, ty, tdy, tdx, tdw, tdb);

            Conv2DBackwardCore(x, w, b, y, shape, dy, dx, dw, db);
            if (!tdy.IsEmpty)
            {
                Conv2DBackwardCore(x, w, b, y, shape, tdy, tdx, tdw, tdb);
            }

            if (!tw.IsEmpty && !tdx.IsEmpty)
            {
                Conv2DBackwardCore(x, tw, b, y, shape, dy, tdx, default, default);
            }

            if (!tx.IsEmpty && !tdw.IsEmpty)
            {
                Conv2DBackwardCore(tx, w, b, y, shape, dy, default, tdw, default);
            }
        }

        /// <summary>
        /// A bilinear layer's tangent gradients share nothing with what the tangent reads (the tangents, the cotangent) nor
        /// with the gradients or each other; the backward calls check them against the primal spans.
        /// </summary>
        private static void BilinearTangentWrites<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> dx, ReadOnlySpan<T> dw, ReadOnlySpan<T> db,
            ReadOnlySpan<T> tx, ReadOnlySpan<T> tw, ReadOnlySpan<T> tb, ReadOnlySpan<T> ty, ReadOnlySpan<T> tdy, ReadOnlySpan<T> tdx, ReadOnlySpan<T> tdw, ReadOnlySpan<T> tdb)
        {
            WrittenTangent(tdx, nameof(tdx), dy, dx, dw, db, tx, tw, tb, ty, tdy);
            WrittenTangent(tdw, nameof(tdw), dy, dx, dw, db, tx, tw, tb, ty, tdy);
            WrittenTangent(tdb, nameof(tdb), dy, dx, dw, db, tx, tw, tb, ty, tdy);
            NnGuard.Disjoint(tdx, nameof(tdx), tdw, nameof(tdw));
            NnGuard.Disjoint(tdx, nameof(tdx), tdb, nameof(tdb));
            NnGuard.Disjoint(tdw, nameof(tdw), tdb, nameof(tdb));
        }

        private static void WrittenTangent<T>(ReadOnlySpan<T> written, string name, ReadOnlySpan<T> dy, ReadOnlySpan<T> dx, ReadOnlySpan<T> dw, ReadOnlySpan<T> db,
            ReadOnlySpan<T> tx, ReadOnlySpan<T> tw, ReadOnlySpan<T> tb, ReadOnlySpan<T> ty, ReadOnlySpan<T> tdy)
        {
            NnGuard.Disjoint(written, name, tx, nameof(tx), tw, nameof(tw), tb, nameof(tb));
            NnGuard.Disjoint(written, name, ty, nameof(ty), tdy, nameof(tdy), dy, nameof(dy));
            NnGuard.Disjoint(written, name, dx, nameof(dx), dw, nameof(dw), db, nameof(db));
        }

        /// <summary>An element-wise backward and its tangent (see the formulas above); the backward's own core checks the primal spans.</summary>
        private static void ActivationBackwardTangent<T>(ActivationKind kind, ReadOnlySpan<T> x, ReadOnlySpan<T> y, T alpha, ReadOnlySpan<T> dy, Span<T> dx,
            ReadOnlySpan<T> tx, ReadOnlySpan<T> ty, ReadOnlySpan<T> tdy, Span<T> tdx)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            SecondOrderGuard(dy, dx, x, y, tx, ty, tdy, tdx, SecondOrderNames.OfY);
            ActivationBackward(kind, x, y, alpha, dy, dx);

            if (tdx.IsEmpty || x.IsEmpty)
            {
                return;
            }

            if (!tdy.IsEmpty)
            {
                // f′·tdy: the backward's own kernel on tdy.
                switch (kind)
                {
                    case ActivationKind.Relu: Activations.ReluBackward(x, tdy, tdx); break;
                    case ActivationKind.LeakyRelu: Activations.LeakyReluBackward(x, tdy, tdx, alpha); break;
                    case ActivationKind.Sigmoid: Activations.SigmoidBackward(y, tdy, tdx); break;
                    case ActivationKind.Tanh: Activations.TanhBackward(y, tdy, tdx); break;
                    default: Activations.EluBackward(y, tdy, tdx, alpha); break;
                }
            }

            if (ty.IsEmpty || kind is ActivationKind.Relu or ActivationKind.LeakyRelu)
            {
                return; // f′ read off y, whose tangent is zero, or off x, piecewise constant
            }

            if (kind == ActivationKind.Elu)
            {
                // A product masked by the sign of y: TensorPrimitives has no select, so by hand.
                for (int i = 0; i < y.Length; i++)
                {
                    if (!(y[i] > T.Zero))
                    {
                        tdx[i] += dy[i] * ty[i];
                    }
                }

                return;
            }

            Workspace workspace = Workspace.Current;
            WorkspaceMark mark = workspace.Mark();
            try
            {
                Span<T> c = NnGuard.Rent<T>(workspace, y.Length);
                TensorPrimitives.Multiply(dy, ty, c);
                if (kind == ActivationKind.Sigmoid)
                {
                    TensorPrimitives.Add(tdx, c, tdx); // the 1 of (1 − 2y)·dy·ty
                }

                TensorPrimitives.Multiply(c, y, c);
                TensorPrimitives.MultiplyAdd(c, T.CreateTruncating(-2), tdx, tdx); // − 2·y·dy·ty, both
            }
            finally
            {
                workspace.Release(mark);
            }
        }

        private static void PoolBackwardTangentCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Pool2DShape shape, ReadOnlySpan<T> dy, Span<T> dx,
            ReadOnlySpan<T> tx, ReadOnlySpan<T> ty, ReadOnlySpan<T> tdy, Span<T> tdx, bool relu)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            SecondOrderGuard(dy, dx, x, y, tx, ty, tdy, tdx, SecondOrderNames.OfY);
            MaxPool2DBackwardCore(x, y, shape, dy, dx, relu: relu);
            if (!tdy.IsEmpty && !tdx.IsEmpty)
            {
                MaxPool2DBackwardCore(x, y, shape, tdy, tdx, relu: relu);
            }
        }

        /// <summary>
        /// A one-input layer's backward tangent: tx and tdx of the input's length, ty and tdy of the output's (or empty), and
        /// tdx shares nothing with anything read or with dx (the backward's own call checks the primal spans).
        /// </summary>
        private static void SecondOrderGuard<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> dx, ReadOnlySpan<T> x, ReadOnlySpan<T> y,
            ReadOnlySpan<T> tx, ReadOnlySpan<T> ty, ReadOnlySpan<T> tdy, Span<T> tdx, SecondOrderNames n)
        {
            NnGuard.Gradient(tx.Length, x.Length, nameof(tx), "x.Length");
            NnGuard.Gradient(ty.Length, y.Length, n.Ty, n.YLength);
            NnGuard.Gradient(tdy.Length, y.Length, n.Tdy, n.YLength);
            NnGuard.Gradient(tdx.Length, x.Length, n.Tdx, "x.Length");
            NnGuard.Disjoint<T>(tdx, n.Tdx, x, nameof(x), y, n.Y, dy, n.Dy);
            NnGuard.Disjoint<T>(tdx, n.Tdx, tx, nameof(tx), ty, n.Ty, tdy, n.Tdy);
            NnGuard.Disjoint<T>(tdx, n.Tdx, dx, n.Dx);
        }

        /// <summary>
        /// The parameter names a layer's backward tangent reports (its output <c>y</c> or <c>h</c>, its cotangent <c>dy</c> or
        /// <c>dh</c>), spelled once: a check that passes must not format them (it runs on every call of a hot path).
        /// </summary>
        private sealed class SecondOrderNames
        {
            public static readonly SecondOrderNames OfY = new("y", "dy"), OfH = new("h", "dh");

            private SecondOrderNames(string y, string dy) => (Y, Dy, Ty, Tdy, YLength) = (y, dy, "t" + y, "t" + dy, y + ".Length");

            public string Y { get; }

            public string Dy { get; }

            public string Ty { get; }

            public string Tdy { get; }

            public string YLength { get; }

            public string Dx => "dx";

            public string Tdx => "tdx";
        }
    }
}
