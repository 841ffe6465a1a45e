using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace SymGrad
{
    /// <summary>
    /// The derivatives of the other primitives' tangents (see <c>Nn.NestedTangents.cs</c>): the convolution, the pooling,
    /// the normalizations and the losses. Each pullback is the backward's registered tangent with the roles swapped; each
    /// tangent of a tangent runs the primitive's own tangent kernel on the directions, plus the cross terms of a bilinear
    /// primitive (the convolution, the mean squared error) or the curvature of the loss (the cross-entropy's Hessian).
    /// BatchNorm's tangent has a tangent (its cross terms by hand), not yet a third order.
    /// </summary>
    public static partial class Nn
    {
        /// <summary>Backward of Conv2DTangent, as DenseTangentBackward's: Conv2DBackwardTangent with the roles of (dy, dx…) and (tdy, tdx…) swapped.</summary>
        [DerivativeOf(typeof(Nn), nameof(Conv2DTangent))]
        public static void Conv2DTangentBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> y, Conv2DShape shape, ReadOnlySpan<float> tx, ReadOnlySpan<float> tw, ReadOnlySpan<float> tb, ReadOnlySpan<float> ty, ReadOnlySpan<float> dy, ReadOnlySpan<float> dty, Span<float> dx, Span<float> dw, Span<float> db, Span<float> dtx, Span<float> dtw, Span<float> dtb)
            => Conv2DTangentBackwardCore(x, w, b, y, shape, tx, tw, tb, ty, dy, dty, dx, dw, db, dtx, dtw, dtb);

        /// <inheritdoc cref="Conv2DTangentBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Conv2DShape, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, Span{float}, Span{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(Conv2DTangent))]
        public static void Conv2DTangentBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, ReadOnlySpan<double> y, Conv2DShape shape, ReadOnlySpan<double> tx, ReadOnlySpan<double> tw, ReadOnlySpan<double> tb, ReadOnlySpan<double> ty, ReadOnlySpan<double> dy, ReadOnlySpan<double> dty, Span<double> dx, Span<double> dw, Span<double> db, Span<double> dtx, Span<double> dtw, Span<double> dtb)
            => Conv2DTangentBackwardCore(x, w, b, y, shape, tx, tw, tb, ty, dy, dty, dx, dw, db, dtx, dtw, dtb);

        /// <summary>Tangent of Conv2DTangent along (ux, uw, ub; utx, utw, utb): y and ty as it writes them, uy = ux⊛w + x⊛uw + ub and uty = utx⊛w + x⊛utw + utb + tx⊛uw + ux⊛tw (bilinear, as Dense).</summary>
        [TangentOf(typeof(Nn), nameof(Conv2DTangent))]
        public static void Conv2DTangentTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, Conv2DShape shape, ReadOnlySpan<float> tx, ReadOnlySpan<float> tw, ReadOnlySpan<float> tb, Span<float> ty, ReadOnlySpan<float> ux, ReadOnlySpan<float> uw, ReadOnlySpan<float> ub, ReadOnlySpan<float> utx, ReadOnlySpan<float> utw, ReadOnlySpan<float> utb, Span<float> uy, Span<float> uty)
            => Conv2DTangentTangentCore(x, w, b, y, shape, tx, tw, tb, ty, ux, uw, ub, utx, utw, utb, uy, uty);

        /// <inheritdoc cref="Conv2DTangentTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Conv2DShape, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(Conv2DTangent))]
        public static void Conv2DTangentTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, Span<double> y, Conv2DShape shape, ReadOnlySpan<double> tx, ReadOnlySpan<double> tw, ReadOnlySpan<double> tb, Span<double> ty, ReadOnlySpan<double> ux, ReadOnlySpan<double> uw, ReadOnlySpan<double> ub, ReadOnlySpan<double> utx, ReadOnlySpan<double> utw, ReadOnlySpan<double> utb, Span<double> uy, Span<double> uty)
            => Conv2DTangentTangentCore(x, w, b, y, shape, tx, tw, tb, ty, ux, uw, ub, utx, utw, utb, uy, uty);

        /// <summary>Backward of MaxPool2DTangent: dtx += Pᵀ·dty, dx += Pᵀ·dy (P routes each window's arg-max, constant almost everywhere: no curvature).</summary>
        [DerivativeOf(typeof(Nn), nameof(MaxPool2DTangent))]
        public static void MaxPool2DTangentBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Pool2DShape shape, ReadOnlySpan<float> tx, ReadOnlySpan<float> ty, ReadOnlySpan<float> dy, ReadOnlySpan<float> dty, Span<float> dx, Span<float> dtx)
            => PoolTangentBackwardCore(x, y, shape, tx, ty, dy, dty, dx, dtx, relu: false);

        /// <inheritdoc cref="MaxPool2DTangentBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, Pool2DShape, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(MaxPool2DTangent))]
        public static void MaxPool2DTangentBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Pool2DShape shape, ReadOnlySpan<double> tx, ReadOnlySpan<double> ty, ReadOnlySpan<double> dy, ReadOnlySpan<double> dty, Span<double> dx, Span<double> dtx)
            => PoolTangentBackwardCore(x, y, shape, tx, ty, dy, dty, dx, dtx, relu: false);

        /// <summary>Tangent of MaxPool2DTangent along (ux, utx): y and ty as it writes them, uy = P·ux and uty = P·utx (piecewise linear: no curvature).</summary>
        [TangentOf(typeof(Nn), nameof(MaxPool2DTangent))]
        public static void MaxPool2DTangentTangent(ReadOnlySpan<float> x, Span<float> y, Pool2DShape shape, ReadOnlySpan<float> tx, Span<float> ty, ReadOnlySpan<float> ux, ReadOnlySpan<float> utx, Span<float> uy, Span<float> uty)
            => PoolTangentTangentCore(x, y, shape, tx, ty, ux, utx, uy, uty, relu: false);

        /// <inheritdoc cref="MaxPool2DTangentTangent(ReadOnlySpan{float}, Span{float}, Pool2DShape, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(MaxPool2DTangent))]
        public static void MaxPool2DTangentTangent(ReadOnlySpan<double> x, Span<double> y, Pool2DShape shape, ReadOnlySpan<double> tx, Span<double> ty, ReadOnlySpan<double> ux, ReadOnlySpan<double> utx, Span<double> uy, Span<double> uty)
            => PoolTangentTangentCore(x, y, shape, tx, ty, ux, utx, uy, uty, relu: false);

        /// <summary>Backward of ReluMaxPool2DTangent: dtx += Pᵀ·dty, dx += Pᵀ·dy (P routes each window's arg-max, constant almost everywhere: no curvature).</summary>
        [DerivativeOf(typeof(Nn), nameof(ReluMaxPool2DTangent))]
        public static void ReluMaxPool2DTangentBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Pool2DShape shape, ReadOnlySpan<float> tx, ReadOnlySpan<float> ty, ReadOnlySpan<float> dy, ReadOnlySpan<float> dty, Span<float> dx, Span<float> dtx)
            => PoolTangentBackwardCore(x, y, shape, tx, ty, dy, dty, dx, dtx, relu: true);

        /// <inheritdoc cref="ReluMaxPool2DTangentBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, Pool2DShape, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(ReluMaxPool2DTangent))]
        public static void ReluMaxPool2DTangentBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Pool2DShape shape, ReadOnlySpan<double> tx, ReadOnlySpan<double> ty, ReadOnlySpan<double> dy, ReadOnlySpan<double> dty, Span<double> dx, Span<double> dtx)
            => PoolTangentBackwardCore(x, y, shape, tx, ty, dy, dty, dx, dtx, relu: true);

        /// <summary>Tangent of ReluMaxPool2DTangent along (ux, utx): y and ty as it writes them, uy = P·ux and uty = P·utx (piecewise linear: no curvature).</summary>
        [TangentOf(typeof(Nn), nameof(ReluMaxPool2DTangent))]
        public static void ReluMaxPool2DTangentTangent(ReadOnlySpan<float> x, Span<float> y, Pool2DShape shape, ReadOnlySpan<float> tx, Span<float> ty, ReadOnlySpan<float> ux, ReadOnlySpan<float> utx, Span<float> uy, Span<float> uty)
            => PoolTangentTangentCore(x, y, shape, tx, ty, ux, utx, uy, uty, relu: true);

        /// <inheritdoc cref="ReluMaxPool2DTangentTangent(ReadOnlySpan{float}, Span{float}, Pool2DShape, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(ReluMaxPool2DTangent))]
        public static void ReluMaxPool2DTangentTangent(ReadOnlySpan<double> x, Span<double> y, Pool2DShape shape, ReadOnlySpan<double> tx, Span<double> ty, ReadOnlySpan<double> ux, ReadOnlySpan<double> utx, Span<double> uy, Span<double> uty)
            => PoolTangentTangentCore(x, y, shape, tx, ty, ux, utx, uy, uty, relu: true);

        /// <summary>Backward of MeanSubtractTangent (linear): dx += dh − row means of dh, dtx += dth − row means of dth.</summary>
        [DerivativeOf(typeof(Nn), nameof(MeanSubtractTangent))]
        public static void MeanSubtractTangentBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> h, int rows, int d, ReadOnlySpan<float> tx, ReadOnlySpan<float> th, ReadOnlySpan<float> dh, ReadOnlySpan<float> dth, Span<float> dx, Span<float> dtx)
            => MeanSubtractTangentBackwardCore(x, h, rows, d, dh, dth, dx, dtx);

        /// <inheritdoc cref="MeanSubtractTangentBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(MeanSubtractTangent))]
        public static void MeanSubtractTangentBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> h, int rows, int d, ReadOnlySpan<double> tx, ReadOnlySpan<double> th, ReadOnlySpan<double> dh, ReadOnlySpan<double> dth, Span<double> dx, Span<double> dtx)
            => MeanSubtractTangentBackwardCore(x, h, rows, d, dh, dth, dx, dtx);

        /// <summary>Tangent of MeanSubtractTangent along (ux, utx) (linear): h and th as it writes them, uh and uth the mean subtraction of ux and utx.</summary>
        [TangentOf(typeof(Nn), nameof(MeanSubtractTangent))]
        public static void MeanSubtractTangentTangent(ReadOnlySpan<float> x, Span<float> h, int rows, int d, ReadOnlySpan<float> tx, Span<float> th, ReadOnlySpan<float> ux, ReadOnlySpan<float> utx, Span<float> uh, Span<float> uth)
            => MeanSubtractTangentTangentCore(x, h, rows, d, tx, th, ux, utx, uh, uth);

        /// <inheritdoc cref="MeanSubtractTangentTangent(ReadOnlySpan{float}, Span{float}, int, int, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(MeanSubtractTangent))]
        public static void MeanSubtractTangentTangent(ReadOnlySpan<double> x, Span<double> h, int rows, int d, ReadOnlySpan<double> tx, Span<double> th, ReadOnlySpan<double> ux, ReadOnlySpan<double> utx, Span<double> uh, Span<double> uth)
            => MeanSubtractTangentTangentCore(x, h, rows, d, tx, th, ux, utx, uh, uth);

        /// <summary>Backward of BatchNormTangent: BatchNormBackwardTangent with the roles of (dy, dx…) and (tdy, tdx…) swapped.</summary>
        [DerivativeOf(typeof(Nn), nameof(BatchNormTangent))]
        public static void BatchNormTangentBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> y, int n, int d, [NoDerivative] float eps, ReadOnlySpan<float> tx, ReadOnlySpan<float> tgamma, ReadOnlySpan<float> tbeta, ReadOnlySpan<float> ty, ReadOnlySpan<float> dy, ReadOnlySpan<float> dty, Span<float> dx, Span<float> dgamma, Span<float> dbeta, Span<float> dtx, Span<float> dtgamma, Span<float> dtbeta)
            => BatchNormTangentBackwardCore(x, gamma, beta, y, n, d, eps, tx, tgamma, tbeta, ty, dy, dty, dx, dgamma, dbeta, dtx, dtgamma, dtbeta);

        /// <inheritdoc cref="BatchNormTangentBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, float, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, Span{float}, Span{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(BatchNormTangent))]
        public static void BatchNormTangentBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta, ReadOnlySpan<double> y, int n, int d, [NoDerivative] double eps, ReadOnlySpan<double> tx, ReadOnlySpan<double> tgamma, ReadOnlySpan<double> tbeta, ReadOnlySpan<double> ty, ReadOnlySpan<double> dy, ReadOnlySpan<double> dty, Span<double> dx, Span<double> dgamma, Span<double> dbeta, Span<double> dtx, Span<double> dtgamma, Span<double> dtbeta)
            => BatchNormTangentBackwardCore(x, gamma, beta, y, n, d, eps, tx, tgamma, tbeta, ty, dy, dty, dx, dgamma, dbeta, dtx, dtgamma, dtbeta);

        /// <summary>Tangent of BatchNormTangent along (ux, ugamma, ubeta; utx, utgamma, utbeta): y and ty as it writes them, uy its tangent along the first three, uty its tangent along the last three plus the cross terms of ẏ = γ̇·x̂ + β̇ + γ·s·(ẋ − mean ẋ − x̂·mean(ẋ·x̂)) along u: γ̇·x̂′ + (u_γ·s + γ·s′)·(ẋ − mean ẋ − x̂·mean(ẋ·x̂)) − γ·s·(x̂′·mean(ẋ·x̂) + x̂·mean(ẋ·x̂′)), with x̂′ = s·(u − mean u − x̂·mean(u·x̂)) and s′ = −s²·mean(u·x̂).</summary>
        [TangentOf(typeof(Nn), nameof(BatchNormTangent))]
        public static void BatchNormTangentTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, int n, int d, [NoDerivative] float eps, ReadOnlySpan<float> tx, ReadOnlySpan<float> tgamma, ReadOnlySpan<float> tbeta, Span<float> ty, ReadOnlySpan<float> ux, ReadOnlySpan<float> ugamma, ReadOnlySpan<float> ubeta, ReadOnlySpan<float> utx, ReadOnlySpan<float> utgamma, ReadOnlySpan<float> utbeta, Span<float> uy, Span<float> uty)
            => BatchNormTangentTangentCore(x, gamma, beta, y, n, d, eps, tx, tgamma, tbeta, ty, ux, ugamma, ubeta, utx, utgamma, utbeta, uy, uty);

        /// <inheritdoc cref="BatchNormTangentTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, float, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(BatchNormTangent))]
        public static void BatchNormTangentTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta, Span<double> y, int n, int d, [NoDerivative] double eps, ReadOnlySpan<double> tx, ReadOnlySpan<double> tgamma, ReadOnlySpan<double> tbeta, Span<double> ty, ReadOnlySpan<double> ux, ReadOnlySpan<double> ugamma, ReadOnlySpan<double> ubeta, ReadOnlySpan<double> utx, ReadOnlySpan<double> utgamma, ReadOnlySpan<double> utbeta, Span<double> uy, Span<double> uty)
            => BatchNormTangentTangentCore(x, gamma, beta, y, n, d, eps, tx, tgamma, tbeta, ty, ux, ugamma, ubeta, utx, utgamma, utbeta, uy, uty);

        /// <summary>Backward of SumOfSquaresTangent (ṡ = 2⟨x, ẋ⟩): dtx += 2·dResult·x, dx += 2·dResult·tx.</summary>
        [DerivativeOf(typeof(Nn), nameof(SumOfSquaresTangent))]
        public static void SumOfSquaresTangentBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> tx, float dResult, Span<float> dx, Span<float> dtx)
            => SumOfSquaresBackwardTangentCore(x, dResult, dtx, tx, 0, dx);

        /// <inheritdoc cref="SumOfSquaresTangentBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(SumOfSquaresTangent))]
        public static void SumOfSquaresTangentBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> tx, double dResult, Span<double> dx, Span<double> dtx)
            => SumOfSquaresBackwardTangentCore(x, dResult, dtx, tx, 0, dx);

        /// <summary>Tangent of SumOfSquaresTangent along (ux, utx): 2⟨x, utx⟩ + 2⟨ux, tx⟩.</summary>
        [TangentOf(typeof(Nn), nameof(SumOfSquaresTangent))]
        public static float SumOfSquaresTangentTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> tx, ReadOnlySpan<float> ux, ReadOnlySpan<float> utx)
            => SumOfSquaresTangentCore(x, utx) + (ux.IsEmpty || tx.IsEmpty ? 0f : SumOfSquaresTangentCore(ux, tx));

        /// <inheritdoc cref="SumOfSquaresTangentTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>
        [TangentOf(typeof(Nn), nameof(SumOfSquaresTangent))]
        public static double SumOfSquaresTangentTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> tx, ReadOnlySpan<double> ux, ReadOnlySpan<double> utx)
            => SumOfSquaresTangentCore(x, utx) + (ux.IsEmpty || tx.IsEmpty ? 0d : SumOfSquaresTangentCore(ux, tx));

        /// <summary>Backward of MseLossTangent (2⟨p − t, ṗ − ṫ⟩/N): MseLossBackwardTangent with the roles of the gradients and their tangents swapped.</summary>
        [DerivativeOf(typeof(Nn), nameof(MseLossTangent))]
        public static void MseLossTangentBackward(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, ReadOnlySpan<float> tprediction, ReadOnlySpan<float> ttarget, float dResult, Span<float> dprediction, Span<float> dtarget, Span<float> dtprediction, Span<float> dttarget)
            => MseLossBackwardTangentCore(prediction, target, dResult, dtprediction, dttarget, tprediction, ttarget, 0, dprediction, dtarget);

        /// <inheritdoc cref="MseLossTangentBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float}, Span{float}, Span{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(MseLossTangent))]
        public static void MseLossTangentBackward(ReadOnlySpan<double> prediction, ReadOnlySpan<double> target, ReadOnlySpan<double> tprediction, ReadOnlySpan<double> ttarget, double dResult, Span<double> dprediction, Span<double> dtarget, Span<double> dtprediction, Span<double> dttarget)
            => MseLossBackwardTangentCore(prediction, target, dResult, dtprediction, dttarget, tprediction, ttarget, 0, dprediction, dtarget);

        /// <summary>Tangent of MseLossTangent along (up, ut; utp, utt): 2⟨p − t, utp − utt⟩/N + 2⟨up − ut, tp − tt⟩/N (bilinear).</summary>
        [TangentOf(typeof(Nn), nameof(MseLossTangent))]
        public static float MseLossTangentTangent(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, ReadOnlySpan<float> tprediction, ReadOnlySpan<float> ttarget, ReadOnlySpan<float> uprediction, ReadOnlySpan<float> utarget, ReadOnlySpan<float> utprediction, ReadOnlySpan<float> uttarget)
            => MseLossTangentTangentCore(prediction, target, tprediction, ttarget, uprediction, utarget, utprediction, uttarget);

        /// <inheritdoc cref="MseLossTangentTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>
        [TangentOf(typeof(Nn), nameof(MseLossTangent))]
        public static double MseLossTangentTangent(ReadOnlySpan<double> prediction, ReadOnlySpan<double> target, ReadOnlySpan<double> tprediction, ReadOnlySpan<double> ttarget, ReadOnlySpan<double> uprediction, ReadOnlySpan<double> utarget, ReadOnlySpan<double> utprediction, ReadOnlySpan<double> uttarget)
            => MseLossTangentTangentCore(prediction, target, tprediction, ttarget, uprediction, utarget, utprediction, uttarget);

        /// <summary>Backward of SoftmaxCrossEntropyTangent (⟨(p − onehot)/rows, ż⟩): dtlogits += dResult·(p − onehot)/rows, dlogits += dResult·H·tlogits — SoftmaxCrossEntropyBackwardTangent with the roles swapped.</summary>
        [DerivativeOf(typeof(Nn), nameof(SoftmaxCrossEntropyTangent))]
        public static void SoftmaxCrossEntropyTangentBackward(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int rows, int classes, ReadOnlySpan<float> tlogits, float dResult, Span<float> dlogits, Span<float> dtlogits)
            => SoftmaxCrossEntropyBackwardTangentCore(logits, labels, rows, classes, dResult, dtlogits, tlogits, 0, dlogits);

        /// <inheritdoc cref="SoftmaxCrossEntropyTangentBackward(ReadOnlySpan{float}, ReadOnlySpan{int}, int, int, ReadOnlySpan{float}, float, Span{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(SoftmaxCrossEntropyTangent))]
        public static void SoftmaxCrossEntropyTangentBackward(ReadOnlySpan<double> logits, ReadOnlySpan<int> labels, int rows, int classes, ReadOnlySpan<double> tlogits, double dResult, Span<double> dlogits, Span<double> dtlogits)
            => SoftmaxCrossEntropyBackwardTangentCore(logits, labels, rows, classes, dResult, dtlogits, tlogits, 0, dlogits);

        /// <summary>Tangent of SoftmaxCrossEntropyTangent along (ulogits, utlogits): ⟨(p − onehot)/rows, utlogits⟩ + ⟨tlogits, H·ulogits⟩.</summary>
        [TangentOf(typeof(Nn), nameof(SoftmaxCrossEntropyTangent))]
        public static float SoftmaxCrossEntropyTangentTangent(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int rows, int classes, ReadOnlySpan<float> tlogits, ReadOnlySpan<float> ulogits, ReadOnlySpan<float> utlogits)
            => SoftmaxCrossEntropyTangentTangentCore(logits, labels, rows, classes, tlogits, ulogits, utlogits);

        /// <inheritdoc cref="SoftmaxCrossEntropyTangentTangent(ReadOnlySpan{float}, ReadOnlySpan{int}, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>
        [TangentOf(typeof(Nn), nameof(SoftmaxCrossEntropyTangent))]
        public static double SoftmaxCrossEntropyTangentTangent(ReadOnlySpan<double> logits, ReadOnlySpan<int> labels, int rows, int classes, ReadOnlySpan<double> tlogits, ReadOnlySpan<double> ulogits, ReadOnlySpan<double> utlogits)
            => SoftmaxCrossEntropyTangentTangentCore(logits, labels, rows, classes, tlogits, ulogits, utlogits);

        private static void Conv2DTangentBackwardCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, ReadOnlySpan<T> y, in Conv2DShape shape,
            ReadOnlySpan<T> tx, ReadOnlySpan<T> tw, ReadOnlySpan<T> tb, ReadOnlySpan<T> ty, ReadOnlySpan<T> dy, ReadOnlySpan<T> dty,
            Span<T> dx, Span<T> dw, Span<T> db, Span<T> dtx, Span<T> dtw, Span<T> dtb)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            NnGuard.Gradient(dy.Length, y.Length, nameof(dy), "y.Length");
            NnGuard.Gradient(dty.Length, y.Length, nameof(dty), "y.Length");
            if (dty.IsEmpty)
            {
                if (!dy.IsEmpty)
                {
                    Conv2DBackwardCore(x, w, b, y, shape, dy, dx, dw, db); // no ẏ̄: the plain backward
                }

                return;
            }

            Conv2DBackwardTangentCore(x, w, b, y, shape, dty, dtx, dtw, dtb, tx, tw, tb, ty, dy, dx, dw, db);
        }

        /// <summary>
        /// Conv2DTangent's tangent: y, ty, uy and uty by Conv2D's own tangent kernel (y computed again by each), and the cross
        /// terms tx⊛uw and ux⊛tw of uty, each a convolution without bias into scratch.
        /// </summary>
        private static void Conv2DTangentTangentCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y, in Conv2DShape shape,
            ReadOnlySpan<T> tx, ReadOnlySpan<T> tw, ReadOnlySpan<T> tb, Span<T> ty,
            ReadOnlySpan<T> ux, ReadOnlySpan<T> uw, ReadOnlySpan<T> ub, ReadOnlySpan<T> utx, ReadOnlySpan<T> utw, ReadOnlySpan<T> utb, Span<T> uy, Span<T> uty)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            NnGuard.Disjoint<T>(uy, "uy", y, nameof(y), ty, nameof(ty), uty, "uty");
            NnGuard.Disjoint<T>(uty, "uty", y, nameof(y), ty, nameof(ty), tx, nameof(tx));
            NnGuard.Disjoint<T>(uy, "uy", tx, nameof(tx), tw, nameof(tw), tb, nameof(tb));
            NnGuard.Disjoint<T>(uty, "uty", tw, nameof(tw), tb, nameof(tb), ux, nameof(ux));
            NnGuard.Disjoint<T>(uty, "uty", uw, nameof(uw), ub, nameof(ub), x, nameof(x));
            Conv2DCore(x, w, b, y, shape, tx, tw, tb, ty);
            Conv2DCore(x, w, b, y, shape, ux, uw, ub, uy);
            if (uty.IsEmpty)
            {
                return;
            }

            Conv2DCore(x, w, b, y, shape, utx, utw, utb, uty);
            bool first = !tx.IsEmpty && !uw.IsEmpty, second = !ux.IsEmpty && !tw.IsEmpty;
            if (!first && !second)
            {
                return;
            }

            Workspace workspace = Workspace.Current;
            WorkspaceMark mark = workspace.Mark();
            try
            {
                Span<T> cross = NnGuard.Rent<T>(workspace, uty.Length);
                if (first)
                {
                    Conv2DCore(tx, uw, default, cross, shape); // ẋ ⊛ u_w
                    TensorPrimitives.Add(uty, cross, uty);
                }

                if (second)
                {
                    Conv2DCore(ux, tw, default, cross, shape); // u_x ⊛ ẇ
                    TensorPrimitives.Add(uty, cross, uty);
                }
            }
            finally
            {
                workspace.Release(mark);
            }
        }

        private static void PoolTangentBackwardCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, in Pool2DShape shape, ReadOnlySpan<T> tx, ReadOnlySpan<T> ty,
            ReadOnlySpan<T> dy, ReadOnlySpan<T> dty, Span<T> dx, Span<T> dtx, bool relu)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            NnGuard.Gradient(dy.Length, y.Length, nameof(dy), "y.Length");
            NnGuard.Gradient(dty.Length, y.Length, nameof(dty), "y.Length");
            if (dty.IsEmpty)
            {
                if (!dy.IsEmpty)
                {
                    MaxPool2DBackwardCore(x, y, shape, dy, dx, relu: relu);
                }

                return;
            }

            PoolBackwardTangentCore(x, y, shape, dty, dtx, tx, ty, dy, dx, relu);
        }

        private static void PoolTangentTangentCore<T>(ReadOnlySpan<T> x, Span<T> y, in Pool2DShape shape, ReadOnlySpan<T> tx, Span<T> ty,
            ReadOnlySpan<T> ux, ReadOnlySpan<T> utx, Span<T> uy, Span<T> uty, bool relu)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            NnGuard.Disjoint<T>(uy, "uy", y, nameof(y), ty, nameof(ty), uty, "uty");
            NnGuard.Disjoint<T>(uty, "uty", y, nameof(y), ty, nameof(ty), tx, nameof(tx));
            NnGuard.Disjoint<T>(uy, "uy", tx, nameof(tx), utx, nameof(utx), x, nameof(x));
            NnGuard.Disjoint<T>(uty, "uty", ux, nameof(ux), x, nameof(x), x, nameof(x));
            MaxPool2DCore(x, y, default, default, shape, relu: relu, tx: tx, ty: ty);
            MaxPool2DCore(x, y, default, default, shape, relu: relu, tx: ux, ty: uy);
            MaxPool2DCore(x, y, default, default, shape, relu: relu, tx: utx, ty: uty);
        }

        private static void MeanSubtractTangentBackwardCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> h, int rows, int d, ReadOnlySpan<T> dh, ReadOnlySpan<T> dth, Span<T> dx, Span<T> dtx)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            NnGuard.Gradient(dh.Length, h.Length, nameof(dh), "h.Length");
            NnGuard.Gradient(dth.Length, h.Length, nameof(dth), "h.Length");
            if (!dh.IsEmpty)
            {
                MeanSubtractBackwardCore(x, h, rows, d, dh, dx);
            }

            if (!dth.IsEmpty)
            {
                MeanSubtractBackwardCore(x, h, rows, d, dth, dtx);
            }
        }

        private static void MeanSubtractTangentTangentCore<T>(ReadOnlySpan<T> x, Span<T> h, int rows, int d, ReadOnlySpan<T> tx, Span<T> th,
            ReadOnlySpan<T> ux, ReadOnlySpan<T> utx, Span<T> uh, Span<T> uth)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            NnGuard.Disjoint<T>(uh, "uh", h, nameof(h), th, nameof(th), uth, "uth");
            NnGuard.Disjoint<T>(uth, "uth", h, nameof(h), th, nameof(th), tx, nameof(tx));
            NnGuard.Disjoint<T>(uh, "uh", tx, nameof(tx), utx, nameof(utx), x, nameof(x));
            NnGuard.Disjoint<T>(uth, "uth", ux, nameof(ux), x, nameof(x), x, nameof(x));
            MeanSubtractCore(x, h, rows, d, tx, th);
            MeanSubtractCore(x, h, rows, d, ux, uh);
            MeanSubtractCore(x, h, rows, d, utx, uth);
        }

        private static void BatchNormTangentBackwardCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, ReadOnlySpan<T> y, int n, int d, T eps,
            ReadOnlySpan<T> tx, ReadOnlySpan<T> tgamma, ReadOnlySpan<T> tbeta, ReadOnlySpan<T> ty, ReadOnlySpan<T> dy, ReadOnlySpan<T> dty,
            Span<T> dx, Span<T> dgamma, Span<T> dbeta, Span<T> dtx, Span<T> dtgamma, Span<T> dtbeta)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            NnGuard.Gradient(dy.Length, y.Length, nameof(dy), "y.Length");
            NnGuard.Gradient(dty.Length, y.Length, nameof(dty), "y.Length");
            if (dty.IsEmpty)
            {
                if (!dy.IsEmpty)
                {
                    BatchNormBackwardCore(x, gamma, beta, y, n, d, eps, dy, dx, dgamma, dbeta);
                }

                return;
            }

            BatchNormBackwardTangentCore(x, gamma, beta, y, n, d, eps, dty, dtx, dtgamma, dtbeta, tx, tgamma, tbeta, ty, dy, dx, dgamma, dbeta);
        }

        /// <summary>2⟨p − t, utp − utt⟩/N + 2⟨up − ut, tp − tt⟩/N: the tangent kernel twice, an empty one of a pair zeros in scratch.</summary>
        private static T MseLossTangentTangentCore<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> target, ReadOnlySpan<T> tprediction, ReadOnlySpan<T> ttarget,
            ReadOnlySpan<T> uprediction, ReadOnlySpan<T> utarget, ReadOnlySpan<T> utprediction, ReadOnlySpan<T> uttarget)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            NnGuard.Gradient(uprediction.Length, prediction.Length, nameof(uprediction), "prediction.Length");
            NnGuard.Gradient(utarget.Length, prediction.Length, nameof(utarget), "prediction.Length");
            T value = MseLossTangentCore(prediction, target, utprediction, uttarget);
            if (uprediction.IsEmpty && utarget.IsEmpty || tprediction.IsEmpty && ttarget.IsEmpty)
            {
                return value;
            }

            Workspace workspace = Workspace.Current;
            WorkspaceMark mark = workspace.Mark();
            try
            {
                ReadOnlySpan<T> up = uprediction.IsEmpty ? NnGuard.Rent<T>(workspace, prediction.Length) : uprediction;
                ReadOnlySpan<T> ut = utarget.IsEmpty ? NnGuard.Rent<T>(workspace, prediction.Length) : utarget;
                return value + MseLossTangentCore(up, ut, tprediction, ttarget);
            }
            finally
            {
                workspace.Release(mark);
            }
        }

        /// <summary>⟨(p − onehot)/rows, utlogits⟩ + ⟨tlogits, H·ulogits⟩, H·ulogits by the backward's tangent along ulogits (seed 1, its own tangent 0).</summary>
        private static T SoftmaxCrossEntropyTangentTangentCore<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int rows, int classes,
            ReadOnlySpan<T> tlogits, ReadOnlySpan<T> ulogits, ReadOnlySpan<T> utlogits)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            NnGuard.Gradient(tlogits.Length, logits.Length, nameof(tlogits), "(rows, classes)");
            T value = SoftmaxCrossEntropyTangentCore(logits, labels, rows, classes, utlogits);
            if (ulogits.IsEmpty || tlogits.IsEmpty)
            {
                return value;
            }

            Workspace workspace = Workspace.Current;
            WorkspaceMark mark = workspace.Mark();
            try
            {
                Span<T> hu = NnGuard.Rent<T>(workspace, logits.Length);
                SoftmaxCrossEntropyBackwardTangentCore(logits, labels, rows, classes, T.One, default, ulogits, T.Zero, hu);
                return value + TensorPrimitives.Dot(tlogits, hu);
            }
            finally
            {
                workspace.Release(mark);
            }
        }
        private static void BatchNormTangentTangentCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, Span<T> y, int n, int d, T eps,
            ReadOnlySpan<T> tx, ReadOnlySpan<T> tgamma, ReadOnlySpan<T> tbeta, Span<T> ty,
            ReadOnlySpan<T> ux, ReadOnlySpan<T> ugamma, ReadOnlySpan<T> ubeta, ReadOnlySpan<T> utx, ReadOnlySpan<T> utgamma, ReadOnlySpan<T> utbeta, Span<T> uy, Span<T> uty)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            NnGuard.Gradient(ux.Length, NnGuard.Size(n, d), nameof(ux), "(n, d)");
            NnGuard.Gradient(ugamma.Length, d, nameof(ugamma), "(d)");
            NnGuard.Disjoint<T>(uy, "uy", y, nameof(y), ty, nameof(ty), uty, "uty");
            NnGuard.Disjoint<T>(uty, "uty", y, nameof(y), ty, nameof(ty), tx, nameof(tx));
            NnGuard.Disjoint<T>(uy, "uy", tx, nameof(tx), tgamma, nameof(tgamma), tbeta, nameof(tbeta));
            NnGuard.Disjoint<T>(uty, "uty", tgamma, nameof(tgamma), ux, nameof(ux), ugamma, nameof(ugamma));
            BatchNormCore(x, gamma, beta, y, n, d, eps, tx, tgamma, tbeta, ty);
            BatchNormCore(x, gamma, beta, y, n, d, eps, ux, ugamma, ubeta, uy);
            if (uty.IsEmpty)
            {
                return;
            }

            BatchNormCore(x, gamma, beta, y, n, d, eps, utx, utgamma, utbeta, uty);
            if (ux.IsEmpty && ugamma.IsEmpty || tx.IsEmpty && tgamma.IsEmpty)
            {
                return; // the cross terms pair a direction of x or γ with a tangent of x or γ
            }

            // The cross terms, column by column (per-feature statistics over the batch; no kernel computes them): by hand.
            Workspace workspace = Workspace.Current;
            WorkspaceMark mark = workspace.Mark();
            try
            {
                Span<T> mean = NnGuard.Rent<T>(workspace, d), inv = NnGuard.Rent<T>(workspace, d), tmp = NnGuard.Rent<T>(workspace, d);
                BatchStatistics(x, n, d, eps, mean, inv, tmp);
                T count = T.CreateTruncating(n);
                for (int j = 0; j < d; j++)
                {
                    T s = inv[j], mu = mean[j], g = gamma[j];
                    T meanU = T.Zero, meanUXhat = T.Zero, m1 = T.Zero, m2 = T.Zero;
                    for (int i = 0; i < n; i++)
                    {
                        int k = (i * d) + j;
                        T xhat = (x[k] - mu) * s;
                        meanU += At(ux, k);
                        meanUXhat += At(ux, k) * xhat;
                        m1 += At(tx, k);
                        m2 += At(tx, k) * xhat;
                    }

                    (meanU, meanUXhat, m1, m2) = (meanU / count, meanUXhat / count, m1 / count, m2 / count);
                    T sPrime = -s * s * meanUXhat, meanTxXhatPrime = T.Zero;
                    for (int i = 0; i < n; i++)
                    {
                        int k = (i * d) + j;
                        T xhat = (x[k] - mu) * s;
                        meanTxXhatPrime += At(tx, k) * s * (At(ux, k) - meanU - (xhat * meanUXhat));
                    }

                    meanTxXhatPrime /= count;
                    T ug = At(ugamma, j), tg = At(tgamma, j);
                    for (int i = 0; i < n; i++)
                    {
                        int k = (i * d) + j;
                        T xhat = (x[k] - mu) * s, xhatPrime = s * (At(ux, k) - meanU - (xhat * meanUXhat));
                        T centred = At(tx, k) - m1 - (xhat * m2);
                        uty[k] += (tg * xhatPrime) + (((ug * s) + (g * sPrime)) * centred) - (g * s * ((xhatPrime * m2) + (xhat * meanTxXhatPrime)));
                    }
                }
            }
            finally
            {
                workspace.Release(mark);
            }
        }
    }
}
