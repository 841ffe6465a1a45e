using System;
using System.Numerics;

namespace SymGrad
{
    /// <summary>
    /// The third order of the primitives, for a caller's Hessian-vector product through a nested <c>FTangent</c> (or
    /// <c>FBackward</c>) of a layer built of them: the tangent of each <c>…TangentBackward</c>, registered on it (BatchNorm's in
    /// Nn.NestedTangents.BatchNorm.cs).
    /// </summary>
    /// <remarks>
    /// An element-wise activation's pullback reads its slope f′ off y (sigmoid, tanh, ELU) or off x (ReLU, leaky ReLU:
    /// piecewise constant): dẋ̄ += f′·ẏ̄, dx̄ += f′·ȳ + g·ẏ̄·ẏ, with g = df′/dy. Its tangent along everything it reads
    /// differentiates f′ and g through y's tangent v_y (h = dg/dy: −2 for sigmoid and tanh, 0 for ELU). Dense's pullback is a
    /// sum of products of two of (x, w, ẋ, ẇ, ȳ, ẏ̄), so its tangent is each product with one factor replaced by its tangent;
    /// the linear and piecewise-linear ones' (mean subtraction, pooling) is the pullback run on the cotangents' tangents, and
    /// the quadratic losses' is their backward's registered tangent run twice.
    /// </remarks>
    public static partial class Nn
    {
        /// <summary>Tangent of ReluTangentBackward: dx and dtx as it writes them, and vdtx += f′·vdty + g·vy·dty, vdx += f′·vdy + g·vy·dy + h·vy·dty·ty + g·(vdty·ty + dty·vty) (g = df′/dy, h = dg/dy).</summary>
        [TangentOf(typeof(Nn), nameof(ReluTangentBackward))]
        public static void ReluTangentBackwardTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> tx, ReadOnlySpan<float> ty, ReadOnlySpan<float> dy, ReadOnlySpan<float> dty, Span<float> dx, Span<float> dtx, ReadOnlySpan<float> vx, ReadOnlySpan<float> vy, ReadOnlySpan<float> vtx, ReadOnlySpan<float> vty, ReadOnlySpan<float> vdy, ReadOnlySpan<float> vdty, Span<float> vdx, Span<float> vdtx)
            => ActivationTangentBackwardTangent(ActivationKind.Relu, x, y, 0f, tx, ty, dy, dty, dx, dtx, vy, vdy, vdty, vty, vdx, vdtx);

        /// <inheritdoc cref="ReluTangentBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(ReluTangentBackward))]
        public static void ReluTangentBackwardTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> tx, ReadOnlySpan<double> ty, ReadOnlySpan<double> dy, ReadOnlySpan<double> dty, Span<double> dx, Span<double> dtx, ReadOnlySpan<double> vx, ReadOnlySpan<double> vy, ReadOnlySpan<double> vtx, ReadOnlySpan<double> vty, ReadOnlySpan<double> vdy, ReadOnlySpan<double> vdty, Span<double> vdx, Span<double> vdtx)
            => ActivationTangentBackwardTangent(ActivationKind.Relu, x, y, 0d, tx, ty, dy, dty, dx, dtx, vy, vdy, vdty, vty, vdx, vdtx);

        /// <summary>Tangent of LeakyReluTangentBackward: dx and dtx as it writes them, and vdtx += f′·vdty + g·vy·dty, vdx += f′·vdy + g·vy·dy + h·vy·dty·ty + g·(vdty·ty + dty·vty) (g = df′/dy, h = dg/dy).</summary>
        [TangentOf(typeof(Nn), nameof(LeakyReluTangentBackward))]
        public static void LeakyReluTangentBackwardTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> y, [NoDerivative] float alpha, ReadOnlySpan<float> tx, ReadOnlySpan<float> ty, ReadOnlySpan<float> dy, ReadOnlySpan<float> dty, Span<float> dx, Span<float> dtx, ReadOnlySpan<float> vx, ReadOnlySpan<float> vy, ReadOnlySpan<float> vtx, ReadOnlySpan<float> vty, ReadOnlySpan<float> vdy, ReadOnlySpan<float> vdty, Span<float> vdx, Span<float> vdtx)
            => ActivationTangentBackwardTangent(ActivationKind.LeakyRelu, x, y, alpha, tx, ty, dy, dty, dx, dtx, vy, vdy, vdty, vty, vdx, vdtx);

        /// <inheritdoc cref="LeakyReluTangentBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, float, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(LeakyReluTangentBackward))]
        public static void LeakyReluTangentBackwardTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> y, [NoDerivative] double alpha, ReadOnlySpan<double> tx, ReadOnlySpan<double> ty, ReadOnlySpan<double> dy, ReadOnlySpan<double> dty, Span<double> dx, Span<double> dtx, ReadOnlySpan<double> vx, ReadOnlySpan<double> vy, ReadOnlySpan<double> vtx, ReadOnlySpan<double> vty, ReadOnlySpan<double> vdy, ReadOnlySpan<double> vdty, Span<double> vdx, Span<double> vdtx)
            => ActivationTangentBackwardTangent(ActivationKind.LeakyRelu, x, y, alpha, tx, ty, dy, dty, dx, dtx, vy, vdy, vdty, vty, vdx, vdtx);

        /// <summary>Tangent of SigmoidTangentBackward: dx and dtx as it writes them, and vdtx += f′·vdty + g·vy·dty, vdx += f′·vdy + g·vy·dy + h·vy·dty·ty + g·(vdty·ty + dty·vty) (g = df′/dy, h = dg/dy).</summary>
        [TangentOf(typeof(Nn), nameof(SigmoidTangentBackward))]
        public static void SigmoidTangentBackwardTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> tx, ReadOnlySpan<float> ty, ReadOnlySpan<float> dy, ReadOnlySpan<float> dty, Span<float> dx, Span<float> dtx, ReadOnlySpan<float> vx, ReadOnlySpan<float> vy, ReadOnlySpan<float> vtx, ReadOnlySpan<float> vty, ReadOnlySpan<float> vdy, ReadOnlySpan<float> vdty, Span<float> vdx, Span<float> vdtx)
            => ActivationTangentBackwardTangent(ActivationKind.Sigmoid, x, y, 0f, tx, ty, dy, dty, dx, dtx, vy, vdy, vdty, vty, vdx, vdtx);

        /// <inheritdoc cref="SigmoidTangentBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(SigmoidTangentBackward))]
        public static void SigmoidTangentBackwardTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> tx, ReadOnlySpan<double> ty, ReadOnlySpan<double> dy, ReadOnlySpan<double> dty, Span<double> dx, Span<double> dtx, ReadOnlySpan<double> vx, ReadOnlySpan<double> vy, ReadOnlySpan<double> vtx, ReadOnlySpan<double> vty, ReadOnlySpan<double> vdy, ReadOnlySpan<double> vdty, Span<double> vdx, Span<double> vdtx)
            => ActivationTangentBackwardTangent(ActivationKind.Sigmoid, x, y, 0d, tx, ty, dy, dty, dx, dtx, vy, vdy, vdty, vty, vdx, vdtx);

        /// <summary>Tangent of TanhTangentBackward: dx and dtx as it writes them, and vdtx += f′·vdty + g·vy·dty, vdx += f′·vdy + g·vy·dy + h·vy·dty·ty + g·(vdty·ty + dty·vty) (g = df′/dy, h = dg/dy).</summary>
        [TangentOf(typeof(Nn), nameof(TanhTangentBackward))]
        public static void TanhTangentBackwardTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> tx, ReadOnlySpan<float> ty, ReadOnlySpan<float> dy, ReadOnlySpan<float> dty, Span<float> dx, Span<float> dtx, ReadOnlySpan<float> vx, ReadOnlySpan<float> vy, ReadOnlySpan<float> vtx, ReadOnlySpan<float> vty, ReadOnlySpan<float> vdy, ReadOnlySpan<float> vdty, Span<float> vdx, Span<float> vdtx)
            => ActivationTangentBackwardTangent(ActivationKind.Tanh, x, y, 0f, tx, ty, dy, dty, dx, dtx, vy, vdy, vdty, vty, vdx, vdtx);

        /// <inheritdoc cref="TanhTangentBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(TanhTangentBackward))]
        public static void TanhTangentBackwardTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> tx, ReadOnlySpan<double> ty, ReadOnlySpan<double> dy, ReadOnlySpan<double> dty, Span<double> dx, Span<double> dtx, ReadOnlySpan<double> vx, ReadOnlySpan<double> vy, ReadOnlySpan<double> vtx, ReadOnlySpan<double> vty, ReadOnlySpan<double> vdy, ReadOnlySpan<double> vdty, Span<double> vdx, Span<double> vdtx)
            => ActivationTangentBackwardTangent(ActivationKind.Tanh, x, y, 0d, tx, ty, dy, dty, dx, dtx, vy, vdy, vdty, vty, vdx, vdtx);

        /// <summary>Tangent of EluTangentBackward: dx and dtx as it writes them, and vdtx += f′·vdty + g·vy·dty, vdx += f′·vdy + g·vy·dy + h·vy·dty·ty + g·(vdty·ty + dty·vty) (g = df′/dy, h = dg/dy).</summary>
        [TangentOf(typeof(Nn), nameof(EluTangentBackward))]
        public static void EluTangentBackwardTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> y, [NoDerivative] float alpha, ReadOnlySpan<float> tx, ReadOnlySpan<float> ty, ReadOnlySpan<float> dy, ReadOnlySpan<float> dty, Span<float> dx, Span<float> dtx, ReadOnlySpan<float> vx, ReadOnlySpan<float> vy, ReadOnlySpan<float> vtx, ReadOnlySpan<float> vty, ReadOnlySpan<float> vdy, ReadOnlySpan<float> vdty, Span<float> vdx, Span<float> vdtx)
            => ActivationTangentBackwardTangent(ActivationKind.Elu, x, y, alpha, tx, ty, dy, dty, dx, dtx, vy, vdy, vdty, vty, vdx, vdtx);

        /// <inheritdoc cref="EluTangentBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, float, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(EluTangentBackward))]
        public static void EluTangentBackwardTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> y, [NoDerivative] double alpha, ReadOnlySpan<double> tx, ReadOnlySpan<double> ty, ReadOnlySpan<double> dy, ReadOnlySpan<double> dty, Span<double> dx, Span<double> dtx, ReadOnlySpan<double> vx, ReadOnlySpan<double> vy, ReadOnlySpan<double> vtx, ReadOnlySpan<double> vty, ReadOnlySpan<double> vdy, ReadOnlySpan<double> vdty, Span<double> vdx, Span<double> vdtx)
            => ActivationTangentBackwardTangent(ActivationKind.Elu, x, y, alpha, tx, ty, dy, dty, dx, dtx, vy, vdy, vdty, vty, vdx, vdtx);

        /// <summary>Tangent of DenseTangentBackward (trilinear in the inputs, their tangents and the cotangents): its gradients as it writes them and each product's tangent — vdx += vdy·wᵀ + dy·vwᵀ + vdty·twᵀ + dty·vtwᵀ, vdw += vxᵀ·dy + xᵀ·vdy + vtxᵀ·dty + txᵀ·vdty, vdb += Σ vdy, vdtx += vdty·wᵀ + dty·vwᵀ, vdtw += vxᵀ·dty + xᵀ·vdty, vdtb += Σ vdty.</summary>
        [TangentOf(typeof(Nn), nameof(DenseTangentBackward))]
        public static void DenseTangentBackwardTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> y, int n, int inputs, int outputs, ReadOnlySpan<float> tx, ReadOnlySpan<float> tw, ReadOnlySpan<float> tb, ReadOnlySpan<float> ty, ReadOnlySpan<float> dy, ReadOnlySpan<float> dty, Span<float> dx, Span<float> dw, Span<float> db, Span<float> dtx, Span<float> dtw, Span<float> dtb, ReadOnlySpan<float> vx, ReadOnlySpan<float> vw, ReadOnlySpan<float> vb, ReadOnlySpan<float> vy, ReadOnlySpan<float> vtx, ReadOnlySpan<float> vtw, ReadOnlySpan<float> vtb, ReadOnlySpan<float> vty, ReadOnlySpan<float> vdy, ReadOnlySpan<float> vdty, Span<float> vdx, Span<float> vdw, Span<float> vdb, Span<float> vdtx, Span<float> vdtw, Span<float> vdtb)
            => DenseTangentBackwardTangentCore(x, w, b, y, n, inputs, outputs, tx, tw, tb, ty, dy, dty, dx, dw, db, dtx, dtw, dtb, vx, vw, vtx, vtw, vdy, vdty, vdx, vdw, vdb, vdtx, vdtw, vdtb);

        /// <inheritdoc cref="DenseTangentBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, Span{float}, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, Span{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(DenseTangentBackward))]
        public static void DenseTangentBackwardTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, ReadOnlySpan<double> y, int n, int inputs, int outputs, ReadOnlySpan<double> tx, ReadOnlySpan<double> tw, ReadOnlySpan<double> tb, ReadOnlySpan<double> ty, ReadOnlySpan<double> dy, ReadOnlySpan<double> dty, Span<double> dx, Span<double> dw, Span<double> db, Span<double> dtx, Span<double> dtw, Span<double> dtb, ReadOnlySpan<double> vx, ReadOnlySpan<double> vw, ReadOnlySpan<double> vb, ReadOnlySpan<double> vy, ReadOnlySpan<double> vtx, ReadOnlySpan<double> vtw, ReadOnlySpan<double> vtb, ReadOnlySpan<double> vty, ReadOnlySpan<double> vdy, ReadOnlySpan<double> vdty, Span<double> vdx, Span<double> vdw, Span<double> vdb, Span<double> vdtx, Span<double> vdtw, Span<double> vdtb)
            => DenseTangentBackwardTangentCore(x, w, b, y, n, inputs, outputs, tx, tw, tb, ty, dy, dty, dx, dw, db, dtx, dtw, dtb, vx, vw, vtx, vtw, vdy, vdty, vdx, vdw, vdb, vdtx, vdtw, vdtb);

        /// <summary>Tangent of Conv2DTangentBackward, as Dense's: each product of the pullback with one factor replaced by its tangent.</summary>
        [TangentOf(typeof(Nn), nameof(Conv2DTangentBackward))]
        public static void Conv2DTangentBackwardTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> y, Conv2DShape shape, ReadOnlySpan<float> tx, ReadOnlySpan<float> tw, ReadOnlySpan<float> tb, ReadOnlySpan<float> ty, ReadOnlySpan<float> dy, ReadOnlySpan<float> dty, Span<float> dx, Span<float> dw, Span<float> db, Span<float> dtx, Span<float> dtw, Span<float> dtb, ReadOnlySpan<float> vx, ReadOnlySpan<float> vw, ReadOnlySpan<float> vb, ReadOnlySpan<float> vy, ReadOnlySpan<float> vtx, ReadOnlySpan<float> vtw, ReadOnlySpan<float> vtb, ReadOnlySpan<float> vty, ReadOnlySpan<float> vdy, ReadOnlySpan<float> vdty, Span<float> vdx, Span<float> vdw, Span<float> vdb, Span<float> vdtx, Span<float> vdtw, Span<float> vdtb)
            => Conv2DTangentBackwardTangentCore(x, w, b, y, shape, tx, tw, tb, ty, dy, dty, dx, dw, db, dtx, dtw, dtb, vx, vw, vtx, vtw, vdy, vdty, vdx, vdw, vdb, vdtx, vdtw, vdtb);

        /// <inheritdoc cref="Conv2DTangentBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Conv2DShape, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, Span{float}, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, Span{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(Conv2DTangentBackward))]
        public static void Conv2DTangentBackwardTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, ReadOnlySpan<double> y, Conv2DShape shape, ReadOnlySpan<double> tx, ReadOnlySpan<double> tw, ReadOnlySpan<double> tb, ReadOnlySpan<double> ty, ReadOnlySpan<double> dy, ReadOnlySpan<double> dty, Span<double> dx, Span<double> dw, Span<double> db, Span<double> dtx, Span<double> dtw, Span<double> dtb, ReadOnlySpan<double> vx, ReadOnlySpan<double> vw, ReadOnlySpan<double> vb, ReadOnlySpan<double> vy, ReadOnlySpan<double> vtx, ReadOnlySpan<double> vtw, ReadOnlySpan<double> vtb, ReadOnlySpan<double> vty, ReadOnlySpan<double> vdy, ReadOnlySpan<double> vdty, Span<double> vdx, Span<double> vdw, Span<double> vdb, Span<double> vdtx, Span<double> vdtw, Span<double> vdtb)
            => Conv2DTangentBackwardTangentCore(x, w, b, y, shape, tx, tw, tb, ty, dy, dty, dx, dw, db, dtx, dtw, dtb, vx, vw, vtx, vtw, vdy, vdty, vdx, vdw, vdb, vdtx, vdtw, vdtb);

        /// <summary>Tangent of MeanSubtractTangentBackward (linear in the cotangents, constant in the rest): its gradients as it writes them, and the mean subtraction of vdh and vdth added to vdx and vdtx.</summary>
        [TangentOf(typeof(Nn), nameof(MeanSubtractTangentBackward))]
        public static void MeanSubtractTangentBackwardTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> h, int rows, int d, ReadOnlySpan<float> tx, ReadOnlySpan<float> th, ReadOnlySpan<float> dh, ReadOnlySpan<float> dth, Span<float> dx, Span<float> dtx, ReadOnlySpan<float> vx, ReadOnlySpan<float> vh, ReadOnlySpan<float> vtx, ReadOnlySpan<float> vth, ReadOnlySpan<float> vdh, ReadOnlySpan<float> vdth, Span<float> vdx, Span<float> vdtx)
            => MeanSubtractTangentBackwardTangentCore(x, h, rows, d, dh, dth, dx, dtx, vdh, vdth, vdx, vdtx);

        /// <inheritdoc cref="MeanSubtractTangentBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(MeanSubtractTangentBackward))]
        public static void MeanSubtractTangentBackwardTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> h, int rows, int d, ReadOnlySpan<double> tx, ReadOnlySpan<double> th, ReadOnlySpan<double> dh, ReadOnlySpan<double> dth, Span<double> dx, Span<double> dtx, ReadOnlySpan<double> vx, ReadOnlySpan<double> vh, ReadOnlySpan<double> vtx, ReadOnlySpan<double> vth, ReadOnlySpan<double> vdh, ReadOnlySpan<double> vdth, Span<double> vdx, Span<double> vdtx)
            => MeanSubtractTangentBackwardTangentCore(x, h, rows, d, dh, dth, dx, dtx, vdh, vdth, vdx, vdtx);

        /// <summary>Tangent of MaxPool2DTangentBackward (the arg-max constant almost everywhere): its gradients as it writes them, and vdx += Pᵀ·vdy, vdtx += Pᵀ·vdty.</summary>
        [TangentOf(typeof(Nn), nameof(MaxPool2DTangentBackward))]
        public static void MaxPool2DTangentBackwardTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Pool2DShape shape, ReadOnlySpan<float> tx, ReadOnlySpan<float> ty, ReadOnlySpan<float> dy, ReadOnlySpan<float> dty, Span<float> dx, Span<float> dtx, ReadOnlySpan<float> vx, ReadOnlySpan<float> vy, ReadOnlySpan<float> vtx, ReadOnlySpan<float> vty, ReadOnlySpan<float> vdy, ReadOnlySpan<float> vdty, Span<float> vdx, Span<float> vdtx)
            => PoolTangentBackwardTangentCore(x, y, shape, tx, ty, dy, dty, dx, dtx, vdy, vdty, vdx, vdtx, relu: false);

        /// <inheritdoc cref="MaxPool2DTangentBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, Pool2DShape, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(MaxPool2DTangentBackward))]
        public static void MaxPool2DTangentBackwardTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Pool2DShape shape, ReadOnlySpan<double> tx, ReadOnlySpan<double> ty, ReadOnlySpan<double> dy, ReadOnlySpan<double> dty, Span<double> dx, Span<double> dtx, ReadOnlySpan<double> vx, ReadOnlySpan<double> vy, ReadOnlySpan<double> vtx, ReadOnlySpan<double> vty, ReadOnlySpan<double> vdy, ReadOnlySpan<double> vdty, Span<double> vdx, Span<double> vdtx)
            => PoolTangentBackwardTangentCore(x, y, shape, tx, ty, dy, dty, dx, dtx, vdy, vdty, vdx, vdtx, relu: false);

        /// <summary>Tangent of ReluMaxPool2DTangentBackward (the arg-max constant almost everywhere): its gradients as it writes them, and vdx += Pᵀ·vdy, vdtx += Pᵀ·vdty.</summary>
        [TangentOf(typeof(Nn), nameof(ReluMaxPool2DTangentBackward))]
        public static void ReluMaxPool2DTangentBackwardTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Pool2DShape shape, ReadOnlySpan<float> tx, ReadOnlySpan<float> ty, ReadOnlySpan<float> dy, ReadOnlySpan<float> dty, Span<float> dx, Span<float> dtx, ReadOnlySpan<float> vx, ReadOnlySpan<float> vy, ReadOnlySpan<float> vtx, ReadOnlySpan<float> vty, ReadOnlySpan<float> vdy, ReadOnlySpan<float> vdty, Span<float> vdx, Span<float> vdtx)
            => PoolTangentBackwardTangentCore(x, y, shape, tx, ty, dy, dty, dx, dtx, vdy, vdty, vdx, vdtx, relu: true);

        /// <inheritdoc cref="ReluMaxPool2DTangentBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, Pool2DShape, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(ReluMaxPool2DTangentBackward))]
        public static void ReluMaxPool2DTangentBackwardTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Pool2DShape shape, ReadOnlySpan<double> tx, ReadOnlySpan<double> ty, ReadOnlySpan<double> dy, ReadOnlySpan<double> dty, Span<double> dx, Span<double> dtx, ReadOnlySpan<double> vx, ReadOnlySpan<double> vy, ReadOnlySpan<double> vtx, ReadOnlySpan<double> vty, ReadOnlySpan<double> vdy, ReadOnlySpan<double> vdty, Span<double> vdx, Span<double> vdtx)
            => PoolTangentBackwardTangentCore(x, y, shape, tx, ty, dy, dty, dx, dtx, vdy, vdty, vdx, vdtx, relu: true);

        /// <summary>Tangent of SumOfSquaresTangentBackward: its gradients as it writes them, and vdtx += 2·(vdResult·x + dResult·vx), vdx += 2·(vdResult·tx + dResult·vtx).</summary>
        [TangentOf(typeof(Nn), nameof(SumOfSquaresTangentBackward))]
        public static void SumOfSquaresTangentBackwardTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> tx, float dResult, Span<float> dx, Span<float> dtx, ReadOnlySpan<float> vx, ReadOnlySpan<float> vtx, float vdResult, Span<float> vdx, Span<float> vdtx)
            => SumOfSquaresTangentBackwardTangentCore(x, tx, dResult, dx, dtx, vx, vtx, vdResult, vdx, vdtx);

        /// <inheritdoc cref="SumOfSquaresTangentBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(SumOfSquaresTangentBackward))]
        public static void SumOfSquaresTangentBackwardTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> tx, double dResult, Span<double> dx, Span<double> dtx, ReadOnlySpan<double> vx, ReadOnlySpan<double> vtx, double vdResult, Span<double> vdx, Span<double> vdtx)
            => SumOfSquaresTangentBackwardTangentCore(x, tx, dResult, dx, dtx, vx, vtx, vdResult, vdx, vdtx);

        /// <summary>Tangent of MseLossTangentBackward: MseLossBackwardTangent twice, once on (prediction, target) for the tangents' gradients and once on their tangents for the values' gradients.</summary>
        [TangentOf(typeof(Nn), nameof(MseLossTangentBackward))]
        public static void MseLossTangentBackwardTangent(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, ReadOnlySpan<float> tprediction, ReadOnlySpan<float> ttarget, float dResult, Span<float> dprediction, Span<float> dtarget, Span<float> dtprediction, Span<float> dttarget, ReadOnlySpan<float> vprediction, ReadOnlySpan<float> vtarget, ReadOnlySpan<float> vtprediction, ReadOnlySpan<float> vttarget, float vdResult, Span<float> vdprediction, Span<float> vdtarget, Span<float> vdtprediction, Span<float> vdttarget)
            => MseLossTangentBackwardTangentCore(prediction, target, tprediction, ttarget, dResult, dprediction, dtarget, dtprediction, dttarget, vprediction, vtarget, vtprediction, vttarget, vdResult, vdprediction, vdtarget, vdtprediction, vdttarget);

        /// <inheritdoc cref="MseLossTangentBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float}, Span{float}, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float}, Span{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(MseLossTangentBackward))]
        public static void MseLossTangentBackwardTangent(ReadOnlySpan<double> prediction, ReadOnlySpan<double> target, ReadOnlySpan<double> tprediction, ReadOnlySpan<double> ttarget, double dResult, Span<double> dprediction, Span<double> dtarget, Span<double> dtprediction, Span<double> dttarget, ReadOnlySpan<double> vprediction, ReadOnlySpan<double> vtarget, ReadOnlySpan<double> vtprediction, ReadOnlySpan<double> vttarget, double vdResult, Span<double> vdprediction, Span<double> vdtarget, Span<double> vdtprediction, Span<double> vdttarget)
            => MseLossTangentBackwardTangentCore(prediction, target, tprediction, ttarget, dResult, dprediction, dtarget, dtprediction, dttarget, vprediction, vtarget, vtprediction, vttarget, vdResult, vdprediction, vdtarget, vdtprediction, vdttarget);

        /// <summary>Tangent of SoftmaxCrossEntropyTangentBackward: its gradients as it writes them, vdtlogits += (vdResult·(p − onehot) + dResult·H·vlogits)/rows by the backward's registered tangent, and vdlogits += H·(vdResult·tlogits + dResult·vtlogits) + dResult·T[vlogits, tlogits] — the softmax's third derivative, row by row: ṗ ⊙ (t − ⟨p, t⟩) − p·⟨ṗ, t⟩ with ṗ = p ⊙ (u − ⟨p, u⟩).</summary>
        [TangentOf(typeof(Nn), nameof(SoftmaxCrossEntropyTangentBackward))]
        public static void SoftmaxCrossEntropyTangentBackwardTangent(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int rows, int classes, ReadOnlySpan<float> tlogits, float dResult, Span<float> dlogits, Span<float> dtlogits, ReadOnlySpan<float> vlogits, ReadOnlySpan<float> vtlogits, float vdResult, Span<float> vdlogits, Span<float> vdtlogits)
            => SoftmaxCrossEntropyTangentBackwardTangentCore(logits, labels, rows, classes, tlogits, dResult, dlogits, dtlogits, vlogits, vtlogits, vdResult, vdlogits, vdtlogits);

        /// <inheritdoc cref="SoftmaxCrossEntropyTangentBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{int}, int, int, ReadOnlySpan{float}, float, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(SoftmaxCrossEntropyTangentBackward))]
        public static void SoftmaxCrossEntropyTangentBackwardTangent(ReadOnlySpan<double> logits, ReadOnlySpan<int> labels, int rows, int classes, ReadOnlySpan<double> tlogits, double dResult, Span<double> dlogits, Span<double> dtlogits, ReadOnlySpan<double> vlogits, ReadOnlySpan<double> vtlogits, double vdResult, Span<double> vdlogits, Span<double> vdtlogits)
            => SoftmaxCrossEntropyTangentBackwardTangentCore(logits, labels, rows, classes, tlogits, dResult, dlogits, dtlogits, vlogits, vtlogits, vdResult, vdlogits, vdtlogits);

        private static void ActivationTangentBackwardTangent<T>(ActivationKind kind, ReadOnlySpan<T> x, ReadOnlySpan<T> y, T alpha, ReadOnlySpan<T> tx, ReadOnlySpan<T> ty,
            ReadOnlySpan<T> dy, ReadOnlySpan<T> dty, Span<T> dx, Span<T> dtx, ReadOnlySpan<T> vy, ReadOnlySpan<T> vdy, ReadOnlySpan<T> vdty, ReadOnlySpan<T> vty, Span<T> vdx, Span<T> vdtx)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int n = x.Length;
            NnGuard.Gradient(ty.Length, n, nameof(ty), "x.Length");
            NnGuard.Gradient(vy.Length, n, nameof(vy), "x.Length");
            NnGuard.Gradient(vty.Length, n, nameof(vty), "x.Length");
            NnGuard.Gradient(vdy.Length, n, nameof(vdy), "x.Length");
            NnGuard.Gradient(vdty.Length, n, nameof(vdty), "x.Length");
            NnGuard.Gradient(vdx.Length, n, nameof(vdx), "x.Length");
            NnGuard.Gradient(vdtx.Length, n, nameof(vdtx), "x.Length");
            ApartFromTwelve<T>(vdx, nameof(vdx), ActivationThirdOrderReads, x, y, tx, ty, dy, dty, dx, dtx, vy, vdy, vdty, vty);
            ApartFromTwelve<T>(vdtx, nameof(vdtx), ActivationThirdOrderReads, x, y, tx, ty, dy, dty, dx, dtx, vy, vdy, vdty, vty);
            NnGuard.Disjoint<T>(vdx, nameof(vdx), vdtx, nameof(vdtx));
            ActivationTangentBackward(kind, x, y, alpha, tx, ty, dy, dty, dx, dtx);
            if (vdx.IsEmpty && vdtx.IsEmpty || x.IsEmpty)
            {
                return;
            }

            // Per element — f′, g and h each a select on the sign or a polynomial in y: by hand.
            T one = T.One, two = T.CreateTruncating(2);
            for (int i = 0; i < n; i++)
            {
                T yi = y[i];
                (T f1, T g, T h) = kind switch
                {
                    ActivationKind.Relu => (x[i] > T.Zero ? one : T.Zero, T.Zero, T.Zero),
                    ActivationKind.LeakyRelu => (x[i] > T.Zero ? one : alpha, T.Zero, T.Zero),
                    ActivationKind.Sigmoid => (yi * (one - yi), one - (two * yi), -two),
                    ActivationKind.Tanh => (one - (yi * yi), -two * yi, -two),
                    _ => yi > T.Zero ? (one, T.Zero, T.Zero) : (yi + alpha, one, T.Zero),
                };
                T vyi = At(vy, i), dyi = At(dy, i), dtyi = At(dty, i), tyi = At(ty, i), vdyi = At(vdy, i), vdtyi = At(vdty, i), vtyi = At(vty, i);
                if (!vdtx.IsEmpty)
                {
                    vdtx[i] += (f1 * vdtyi) + (g * vyi * dtyi);
                }

                if (!vdx.IsEmpty)
                {
                    vdx[i] += (f1 * vdyi) + (g * vyi * dyi) + (h * vyi * dtyi * tyi) + (g * ((vdtyi * tyi) + (dtyi * vtyi)));
                }
            }
        }

        /// <summary>What an activation's third order reads, and its gradients, in the order <see cref="ApartFromTwelve"/> takes them.</summary>
        private static readonly string[] ActivationThirdOrderReads = ["x", "y", "tx", "ty", "dy", "dty", "dx", "dtx", "vy", "vdy", "vdty", "vty"];

        /// <summary>Throws if a span a third order writes shares an element with any of twelve others (named, in order, by <paramref name="names"/>).</summary>
        private static void ApartFromTwelve<T>(ReadOnlySpan<T> written, string name, string[] names, ReadOnlySpan<T> s0, ReadOnlySpan<T> s1, ReadOnlySpan<T> s2, ReadOnlySpan<T> s3,
            ReadOnlySpan<T> s4, ReadOnlySpan<T> s5, ReadOnlySpan<T> s6, ReadOnlySpan<T> s7, ReadOnlySpan<T> s8, ReadOnlySpan<T> s9, ReadOnlySpan<T> s10, ReadOnlySpan<T> s11)
        {
            NnGuard.Disjoint(written, name, s0, names[0], s1, names[1], s2, names[2]);
            NnGuard.Disjoint(written, name, s3, names[3], s4, names[4], s5, names[5]);
            NnGuard.Disjoint(written, name, s6, names[6], s7, names[7], s8, names[8]);
            NnGuard.Disjoint(written, name, s9, names[9], s10, names[10], s11, names[11]);
        }

        /// <summary>
        /// A tangent gradient a third order writes shares nothing with the gradients it writes too (each pullback's own checks
        /// see only its own): up to six of them, an absent one empty.
        /// </summary>
        private static void ApartFromGradients<T>(ReadOnlySpan<T> written, string name, ReadOnlySpan<T> g1, ReadOnlySpan<T> g2, ReadOnlySpan<T> g3,
            ReadOnlySpan<T> g4 = default, ReadOnlySpan<T> g5 = default, ReadOnlySpan<T> g6 = default)
        {
            const string Gradient = "another gradient or tangent gradient it writes";
            NnGuard.Disjoint(written, name, g1, Gradient, g2, Gradient, g3, Gradient);
            NnGuard.Disjoint(written, name, g4, Gradient, g5, Gradient, g6, Gradient);
        }

        /// <summary>An element of a span that may be empty (zeros).</summary>
        private static T At<T>(ReadOnlySpan<T> s, int i)
            where T : unmanaged, IFloatingPointIeee754<T>
            => s.IsEmpty ? T.Zero : s[i];

        private static void DenseTangentBackwardTangentCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, ReadOnlySpan<T> y, int n, int inputs, int outputs,
            ReadOnlySpan<T> tx, ReadOnlySpan<T> tw, ReadOnlySpan<T> tb, ReadOnlySpan<T> ty, ReadOnlySpan<T> dy, ReadOnlySpan<T> dty,
            Span<T> dx, Span<T> dw, Span<T> db, Span<T> dtx, Span<T> dtw, Span<T> dtb,
            ReadOnlySpan<T> vx, ReadOnlySpan<T> vw, ReadOnlySpan<T> vtx, ReadOnlySpan<T> vtw, ReadOnlySpan<T> vdy, ReadOnlySpan<T> vdty,
            Span<T> vdx, Span<T> vdw, Span<T> vdb, Span<T> vdtx, Span<T> vdtw, Span<T> vdtb)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            BilinearThirdOrderApart(dx, dw, db, dtx, dtw, dtb, vdx, vdw, vdb, vdtx, vdtw, vdtb);
            DenseTangentBackwardCore(x, w, b, y, n, inputs, outputs, tx, tw, tb, ty, dy, dty, dx, dw, db, dtx, dtw, dtb);
            NnGuard.Gradient(vx.Length, NnGuard.Size(n, inputs), nameof(vx), "(n, inputs)");
            NnGuard.Gradient(vtx.Length, NnGuard.Size(n, inputs), nameof(vtx), "(n, inputs)");
            NnGuard.Gradient(vw.Length, NnGuard.Size(inputs, outputs), nameof(vw), "(inputs, outputs)");
            NnGuard.Gradient(vtw.Length, NnGuard.Size(inputs, outputs), nameof(vtw), "(inputs, outputs)");
            NnGuard.Gradient(vdy.Length, NnGuard.Size(n, outputs), nameof(vdy), "(n, outputs)");
            NnGuard.Gradient(vdty.Length, NnGuard.Size(n, outputs), nameof(vdty), "(n, outputs)");

            BilinearThirdOrder(new DenseTerms<T>(n, inputs, outputs), b, y, x, w, tx, tw, dy, dty, vx, vw, vtx, vtw, vdy, vdty, vdx, vdw, vdb, vdtx, vdtw, vdtb);
        }

        /// <summary>
        /// The tangent terms of a bilinear layer's tangent pullback (Dense's, Conv2D's: a sum of products of two of x, w, ẋ, ẇ,
        /// ȳ, ẏ̄), each product with one factor replaced by its tangent, by the layer's backward kernel (it checks what it
        /// writes against what it reads); a term with an empty factor is zero.
        /// </summary>
        private static void BilinearThirdOrder<T, TLayer>(TLayer layer, ReadOnlySpan<T> b, ReadOnlySpan<T> y, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> tx, ReadOnlySpan<T> tw,
            ReadOnlySpan<T> dy, ReadOnlySpan<T> dty, ReadOnlySpan<T> vx, ReadOnlySpan<T> vw, ReadOnlySpan<T> vtx, ReadOnlySpan<T> vtw, ReadOnlySpan<T> vdy, ReadOnlySpan<T> vdty,
            Span<T> vdx, Span<T> vdw, Span<T> vdb, Span<T> vdtx, Span<T> vdtw, Span<T> vdtb)
            where T : unmanaged, IFloatingPointIeee754<T>
            where TLayer : struct, IBackwardTerms<T>
        {
            Term(layer, b, y, x, w, vdy, vdx, vdw, vdb);           // ∂/∂ȳ:   vdy·wᵀ, xᵀ·vdy, Σ vdy
            Term(layer, b, y, x, vw, dy, vdx, default, default);   //          dy·vwᵀ
            Term(layer, b, y, vx, w, dy, default, vdw, default);   //          vxᵀ·dy
            Term(layer, b, y, x, tw, vdty, vdx, default, default); // ∂/∂ẏ̄ into x̄, w̄: vdty·twᵀ, txᵀ·vdty
            Term(layer, b, y, tx, w, vdty, default, vdw, default);
            Term(layer, b, y, x, vtw, dty, vdx, default, default); //          dty·vtwᵀ, vtxᵀ·dty
            Term(layer, b, y, vtx, w, dty, default, vdw, default);
            Term(layer, b, y, x, w, vdty, vdtx, vdtw, vdtb);       // ẋ̄, ẇ̄, ḃ̄: vdty·wᵀ, xᵀ·vdty, Σ vdty
            Term(layer, b, y, x, vw, dty, vdtx, default, default); //          dty·vwᵀ, vxᵀ·dty
            Term(layer, b, y, vx, w, dty, default, vdtw, default);
        }

        private static void Term<T, TLayer>(TLayer layer, ReadOnlySpan<T> b, ReadOnlySpan<T> y, ReadOnlySpan<T> a, ReadOnlySpan<T> m, ReadOnlySpan<T> c, Span<T> ga, Span<T> gm, Span<T> gb)
            where T : unmanaged, IFloatingPointIeee754<T>
            where TLayer : struct, IBackwardTerms<T>
        {
            if (!a.IsEmpty && !m.IsEmpty && !c.IsEmpty && !(ga.IsEmpty && gm.IsEmpty && gb.IsEmpty))
            {
                layer.Backward(a, m, b, y, c, ga, gm, gb);
            }
        }

        /// <summary>The names of Dense's (and Conv2D's) tangent gradients, in the order <see cref="BilinearThirdOrderApart"/> takes them.</summary>
        private static readonly string[] DenseThirdOrderNames = ["vdx", "vdw", "vdb", "vdtx", "vdtw", "vdtb"];

        /// <summary>
        /// The twelve spans a layer's third order writes share nothing (the kernels' checks see one call's): the gradients of its
        /// three inputs, their tangent gradients, and the tangents of both (named by <paramref name="names"/>, Dense's unless said).
        /// </summary>
        private static void BilinearThirdOrderApart<T>(ReadOnlySpan<T> dx, ReadOnlySpan<T> dw, ReadOnlySpan<T> db, ReadOnlySpan<T> dtx, ReadOnlySpan<T> dtw, ReadOnlySpan<T> dtb,
            ReadOnlySpan<T> vdx, ReadOnlySpan<T> vdw, ReadOnlySpan<T> vdb, ReadOnlySpan<T> vdtx, ReadOnlySpan<T> vdtw, ReadOnlySpan<T> vdtb, string[]? names = null)
        {
            names ??= DenseThirdOrderNames;
            ApartFromGradients(vdx, names[0], dx, dw, db, dtx, dtw, dtb);
            ApartFromGradients(vdw, names[1], dx, dw, db, dtx, dtw, dtb);
            ApartFromGradients(vdb, names[2], dx, dw, db, dtx, dtw, dtb);
            ApartFromGradients(vdtx, names[3], dx, dw, db, dtx, dtw, dtb);
            ApartFromGradients(vdtw, names[4], dx, dw, db, dtx, dtw, dtb);
            ApartFromGradients(vdtb, names[5], dx, dw, db, dtx, dtw, dtb);
            ApartFromGradients(vdx, names[0], vdw, vdb, vdtx, vdtw, vdtb);
            ApartFromGradients(vdw, names[1], vdb, vdtx, vdtw, vdtb);
            ApartFromGradients(vdb, names[2], vdtx, vdtw, vdtb);
            ApartFromGradients(vdtx, names[3], vdtw, vdtb, default);
            ApartFromGradients(vdtw, names[4], vdtb, default, default);
        }

        /// <summary>A bilinear layer's backward (its shape fixed) as a function of its two factors, its bias and output, and the cotangent.</summary>
        private interface IBackwardTerms<T>
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            void Backward(ReadOnlySpan<T> a, ReadOnlySpan<T> m, ReadOnlySpan<T> b, ReadOnlySpan<T> y, ReadOnlySpan<T> c, Span<T> ga, Span<T> gm, Span<T> gb);
        }

        private readonly struct DenseTerms<T>(int n, int inputs, int outputs) : IBackwardTerms<T>
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            public void Backward(ReadOnlySpan<T> a, ReadOnlySpan<T> m, ReadOnlySpan<T> b, ReadOnlySpan<T> y, ReadOnlySpan<T> c, Span<T> ga, Span<T> gm, Span<T> gb)
                => DenseBackwardCore(a, m, b, y, n, inputs, outputs, c, ga, gm, gb);
        }

        private readonly struct ConvTerms<T>(Conv2DShape shape) : IBackwardTerms<T>
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            public void Backward(ReadOnlySpan<T> a, ReadOnlySpan<T> m, ReadOnlySpan<T> b, ReadOnlySpan<T> y, ReadOnlySpan<T> c, Span<T> ga, Span<T> gm, Span<T> gb)
                => Conv2DBackwardCore(a, m, b, y, shape, c, ga, gm, gb);
        }

        private static void Conv2DTangentBackwardTangentCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, ReadOnlySpan<T> y, in Conv2DShape shape,
            ReadOnlySpan<T> tx, ReadOnlySpan<T> tw, ReadOnlySpan<T> tb, ReadOnlySpan<T> ty, ReadOnlySpan<T> dy, ReadOnlySpan<T> dty,
            Span<T> dx, Span<T> dw, Span<T> db, Span<T> dtx, Span<T> dtw, Span<T> dtb,
            ReadOnlySpan<T> vx, ReadOnlySpan<T> vw, ReadOnlySpan<T> vtx, ReadOnlySpan<T> vtw, ReadOnlySpan<T> vdy, ReadOnlySpan<T> vdty,
            Span<T> vdx, Span<T> vdw, Span<T> vdb, Span<T> vdtx, Span<T> vdtw, Span<T> vdtb)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            BilinearThirdOrderApart(dx, dw, db, dtx, dtw, dtb, vdx, vdw, vdb, vdtx, vdtw, vdtb);
            Conv2DTangentBackwardCore(x, w, b, y, shape, tx, tw, tb, ty, dy, dty, dx, dw, db, dtx, dtw, dtb);
            NnGuard.Gradient(vx.Length, shape.InputLength, nameof(vx), "(N, C, H, W)");
            NnGuard.Gradient(vtx.Length, shape.InputLength, nameof(vtx), "(N, C, H, W)");
            NnGuard.Gradient(vw.Length, shape.WeightLength, nameof(vw), "(F, C, KH, KW)");
            NnGuard.Gradient(vtw.Length, shape.WeightLength, nameof(vtw), "(F, C, KH, KW)");
            NnGuard.Gradient(vdy.Length, shape.OutputLength, nameof(vdy), "(N, F, OH, OW)");
            NnGuard.Gradient(vdty.Length, shape.OutputLength, nameof(vdty), "(N, F, OH, OW)");
            BilinearThirdOrder(new ConvTerms<T>(shape), b, y, x, w, tx, tw, dy, dty, vx, vw, vtx, vtw, vdy, vdty, vdx, vdw, vdb, vdtx, vdtw, vdtb);
        }

        private static void MeanSubtractTangentBackwardTangentCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> h, int rows, int d, ReadOnlySpan<T> dh, ReadOnlySpan<T> dth,
            Span<T> dx, Span<T> dtx, ReadOnlySpan<T> vdh, ReadOnlySpan<T> vdth, Span<T> vdx, Span<T> vdtx)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ApartFromGradients(vdx, nameof(vdx), dx, dtx, vdtx);
            ApartFromGradients(vdtx, nameof(vdtx), dx, dtx, default);
            MeanSubtractTangentBackwardCore(x, h, rows, d, dh, dth, dx, dtx);
            MeanSubtractTangentBackwardCore(x, h, rows, d, vdh, vdth, vdx, vdtx);
        }

        private static void PoolTangentBackwardTangentCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, in Pool2DShape shape, ReadOnlySpan<T> tx, ReadOnlySpan<T> ty,
            ReadOnlySpan<T> dy, ReadOnlySpan<T> dty, Span<T> dx, Span<T> dtx, ReadOnlySpan<T> vdy, ReadOnlySpan<T> vdty, Span<T> vdx, Span<T> vdtx, bool relu)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ApartFromGradients(vdx, nameof(vdx), dx, dtx, vdtx);
            ApartFromGradients(vdtx, nameof(vdtx), dx, dtx, default);
            PoolTangentBackwardCore(x, y, shape, tx, ty, dy, dty, dx, dtx, relu);
            NnGuard.Gradient(vdy.Length, y.Length, nameof(vdy), "y.Length");
            NnGuard.Gradient(vdty.Length, y.Length, nameof(vdty), "y.Length");
            if (!vdy.IsEmpty)
            {
                MaxPool2DBackwardCore(x, y, shape, vdy, vdx, relu: relu);
            }

            if (!vdty.IsEmpty)
            {
                MaxPool2DBackwardCore(x, y, shape, vdty, vdtx, relu: relu);
            }
        }

        private static void SumOfSquaresTangentBackwardTangentCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> tx, T dResult, Span<T> dx, Span<T> dtx,
            ReadOnlySpan<T> vx, ReadOnlySpan<T> vtx, T vdResult, Span<T> vdx, Span<T> vdtx)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            NnGuard.Gradient(tx.Length, x.Length, nameof(tx), "x.Length");
            ApartFromGradients(vdx, nameof(vdx), dx, dtx, vdtx);
            ApartFromGradients(vdtx, nameof(vdtx), dx, dtx, default);
            Workspace workspace = Workspace.Current;
            WorkspaceMark mark = workspace.Mark();
            try
            {
                // The pullback's gradients as it writes them; then its two products 2·dResult·x (ẋ̄) and 2·dResult·ẋ (x̄), each
                // the backward of one factor, whose tangents the backward's registered tangent gives (its gradient left empty).
                SumOfSquaresBackwardTangentCore(x, dResult, dtx, tx, T.Zero, dx);
                SumOfSquaresBackwardTangentCore(x, dResult, default, vx, vdResult, vdtx);
                ReadOnlySpan<T> t = tx.IsEmpty ? NnGuard.Rent<T>(workspace, x.Length) : tx;
                SumOfSquaresBackwardTangentCore(t, dResult, default, vtx, vdResult, vdx);
            }
            finally
            {
                workspace.Release(mark);
            }
        }

        private static void MseLossTangentBackwardTangentCore<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> target, ReadOnlySpan<T> tprediction, ReadOnlySpan<T> ttarget,
            T dResult, Span<T> dprediction, Span<T> dtarget, Span<T> dtprediction, Span<T> dttarget,
            ReadOnlySpan<T> vprediction, ReadOnlySpan<T> vtarget, ReadOnlySpan<T> vtprediction, ReadOnlySpan<T> vttarget, T vdResult,
            Span<T> vdprediction, Span<T> vdtarget, Span<T> vdtprediction, Span<T> vdttarget)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            NnGuard.Gradient(tprediction.Length, prediction.Length, nameof(tprediction), "prediction.Length");
            NnGuard.Gradient(ttarget.Length, prediction.Length, nameof(ttarget), "prediction.Length");
            ApartFromGradients(vdprediction, nameof(vdprediction), dprediction, dtarget, dtprediction, dttarget, vdtarget, vdtprediction);
            ApartFromGradients(vdtarget, nameof(vdtarget), dprediction, dtarget, dtprediction, dttarget, vdtprediction, vdttarget);
            ApartFromGradients(vdtprediction, nameof(vdtprediction), dprediction, dtarget, dtprediction, dttarget, vdttarget, vdprediction);
            ApartFromGradients(vdttarget, nameof(vdttarget), dprediction, dtarget, dtprediction, dttarget);
            Workspace workspace = Workspace.Current;
            WorkspaceMark mark = workspace.Mark();
            try
            {
                // The pullback's gradients as it writes them; then the tangents of its two products — 2·dResult·(p − t)/N into
                // the tangents' gradients, 2·dResult·(ṗ − ṫ)/N into the values' — by the backward's registered tangent.
                MseLossBackwardTangentCore(prediction, target, dResult, dtprediction, dttarget, tprediction, ttarget, T.Zero, dprediction, dtarget);
                MseLossBackwardTangentCore(prediction, target, dResult, default, default, vprediction, vtarget, vdResult, vdtprediction, vdttarget);
                ReadOnlySpan<T> tp = tprediction.IsEmpty ? NnGuard.Rent<T>(workspace, prediction.Length) : tprediction;
                ReadOnlySpan<T> tt = ttarget.IsEmpty ? NnGuard.Rent<T>(workspace, prediction.Length) : ttarget;
                MseLossBackwardTangentCore(tp, tt, dResult, default, default, vtprediction, vttarget, vdResult, vdprediction, vdtarget);
            }
            finally
            {
                workspace.Release(mark);
            }
        }
        private static void SoftmaxCrossEntropyTangentBackwardTangentCore<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int rows, int classes, ReadOnlySpan<T> tlogits,
            T dResult, Span<T> dlogits, Span<T> dtlogits, ReadOnlySpan<T> vlogits, ReadOnlySpan<T> vtlogits, T vdResult, Span<T> vdlogits, Span<T> vdtlogits)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            long size = NnGuard.Size(rows, classes);
            NnGuard.Gradient(tlogits.Length, size, nameof(tlogits), "(rows, classes)");
            NnGuard.Gradient(vlogits.Length, size, nameof(vlogits), "(rows, classes)");
            NnGuard.Gradient(vtlogits.Length, size, nameof(vtlogits), "(rows, classes)");
            NnGuard.Gradient(vdlogits.Length, size, nameof(vdlogits), "(rows, classes)");
            NnGuard.Disjoint<T>(vdlogits, nameof(vdlogits), logits, nameof(logits), tlogits, nameof(tlogits), vlogits, nameof(vlogits));
            NnGuard.Disjoint<T>(vdlogits, nameof(vdlogits), vtlogits, nameof(vtlogits), dlogits, nameof(dlogits), dtlogits, nameof(dtlogits));
            NnGuard.Disjoint<T>(vdlogits, nameof(vdlogits), vdtlogits, nameof(vdtlogits));
            ApartFromGradients(vdtlogits, nameof(vdtlogits), dlogits, dtlogits, default);
            SoftmaxCrossEntropyBackwardTangentCore(logits, labels, rows, classes, dResult, dtlogits, tlogits, T.Zero, dlogits); // the pullback
            SoftmaxCrossEntropyBackwardTangentCore(logits, labels, rows, classes, dResult, default, vlogits, vdResult, vdtlogits);
            if (vdlogits.IsEmpty)
            {
                return;
            }

            // Row by row (the softmax's third derivative has no kernel of its own): p, then ⟨p, t⟩, ⟨p, vt⟩, ⟨p, u⟩ and ⟨ṗ, t⟩.
            T scale = T.One / T.CreateTruncating(rows);
            Workspace workspace = Workspace.Current;
            WorkspaceMark mark = workspace.Mark();
            try
            {
                Span<T> p = NnGuard.Rent<T>(workspace, classes);
                for (int r = 0; r < rows; r++)
                {
                    ReadOnlySpan<T> z = logits.Slice(r * classes, classes);
                    T max = z[0], sum = T.Zero;
                    for (int j = 1; j < classes; j++)
                    {
                        max = T.Max(max, z[j]);
                    }

                    for (int j = 0; j < classes; j++)
                    {
                        p[j] = T.Exp(z[j] - max);
                        sum += p[j];
                    }

                    T pt = T.Zero, pvt = T.Zero, pu = T.Zero;
                    for (int j = 0; j < classes; j++)
                    {
                        p[j] /= sum;
                        int k = (r * classes) + j;
                        pt += p[j] * At(tlogits, k);
                        pvt += p[j] * At(vtlogits, k);
                        pu += p[j] * At(vlogits, k);
                    }

                    T pdotT = T.Zero;
                    for (int j = 0; j < classes; j++)
                    {
                        int k = (r * classes) + j;
                        pdotT += p[j] * (At(vlogits, k) - pu) * At(tlogits, k);
                    }

                    for (int j = 0; j < classes; j++)
                    {
                        int k = (r * classes) + j;
                        T t = At(tlogits, k) - pt, pdot = p[j] * (At(vlogits, k) - pu);
                        vdlogits[k] += scale * ((vdResult * p[j] * t) + (dResult * p[j] * (At(vtlogits, k) - pvt)) + (dResult * ((pdot * t) - (p[j] * pdotT))));
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
