using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace SymGrad
{
    /// <summary>
    /// The second order of the losses: each backward's own tangent, registered with <c>[TangentOf]</c> on the backward, so
    /// that a generated <c>MHessianVector</c> (forward mode over the backward pass) can differentiate a call of the loss.
    /// Each takes the backward's parameters, then the tangent of everything it reads (the inputs', then the seed's), then
    /// a tangent per gradient; it writes the gradients as the backward does (an empty one is skipped) and adds the tangents
    /// of their contributions to the tangent gradients (an empty one is not needed; an empty input tangent is zero).
    /// </summary>
    /// <remarks>
    /// Written as plain <see cref="TensorPrimitives"/> passes over the inputs: a Hessian-vector product calls them once per
    /// product, on a loss's inputs, where the forward's chunked two-core passes buy nothing.
    /// </remarks>
    public static partial class Nn
    {
        // d(dx)  = 2·(dResult·ẋ + ḋResult·x)

        /// <summary>Tangent of SumOfSquaresBackward: dx += 2·dResult·x, and tdx += 2·(tdResult·x + dResult·tx).</summary>
        [TangentOf(typeof(Nn), nameof(SumOfSquaresBackward))]
        public static void SumOfSquaresBackwardTangent(ReadOnlySpan<float> x, float dResult, Span<float> dx, ReadOnlySpan<float> tx, float tdResult, Span<float> tdx)
            => SumOfSquaresBackwardTangentCore(x, dResult, dx, tx, tdResult, tdx);

        /// <inheritdoc cref="SumOfSquaresBackwardTangent(ReadOnlySpan{float}, float, Span{float}, ReadOnlySpan{float}, float, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(SumOfSquaresBackward))]
        public static void SumOfSquaresBackwardTangent(ReadOnlySpan<double> x, double dResult, Span<double> dx, ReadOnlySpan<double> tx, double tdResult, Span<double> tdx)
            => SumOfSquaresBackwardTangentCore(x, dResult, dx, tx, tdResult, tdx);

        // g = 2(p − t)/N: dp += dResult·g, dt −= dResult·g;  ġ = 2(ṗ − ṫ)/N: the tangents take ± (ḋResult·g + dResult·ġ).

        /// <summary>
        /// Tangent of MseLossBackward: its gradients as it writes them, and tdprediction += c, tdtarget −= c with
        /// c = 2·(tdResult·(p − t) + dResult·(tp − tt))/N.
        /// </summary>
        [TangentOf(typeof(Nn), nameof(MseLossBackward))]
        public static void MseLossBackwardTangent(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, float dResult, Span<float> dprediction, Span<float> dtarget,
            ReadOnlySpan<float> tprediction, ReadOnlySpan<float> ttarget, float tdResult, Span<float> tdprediction, Span<float> tdtarget)
            => MseLossBackwardTangentCore(prediction, target, dResult, dprediction, dtarget, tprediction, ttarget, tdResult, tdprediction, tdtarget);

        /// <inheritdoc cref="MseLossBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(MseLossBackward))]
        public static void MseLossBackwardTangent(ReadOnlySpan<double> prediction, ReadOnlySpan<double> target, double dResult, Span<double> dprediction, Span<double> dtarget,
            ReadOnlySpan<double> tprediction, ReadOnlySpan<double> ttarget, double tdResult, Span<double> tdprediction, Span<double> tdtarget)
            => MseLossBackwardTangentCore(prediction, target, dResult, dprediction, dtarget, tprediction, ttarget, tdResult, tdprediction, tdtarget);

        // Row i: dz += dResult·(p − onehot)/N;  ṗ = p ⊙ (ż − ⟨p, ż⟩), so dż += (ḋResult·(p − onehot) + dResult·ṗ)/N.

        /// <summary>
        /// Tangent of SoftmaxCrossEntropyBackward: dlogits as it writes it, and, row by row, tdlogits += (tdResult·(p − onehot)
        /// + dResult·p ⊙ (tz − ⟨p, tz⟩)) / rows, p = softmax(z) — the softmax's Hessian, diag(p) − p·pᵀ, applied to tz.
        /// </summary>
        [TangentOf(typeof(Nn), nameof(SoftmaxCrossEntropyBackward))]
        public static void SoftmaxCrossEntropyBackwardTangent(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int rows, int classes, float dResult, Span<float> dlogits,
            ReadOnlySpan<float> tlogits, float tdResult, Span<float> tdlogits)
            => SoftmaxCrossEntropyBackwardTangentCore(logits, labels, rows, classes, dResult, dlogits, tlogits, tdResult, tdlogits);

        /// <inheritdoc cref="SoftmaxCrossEntropyBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{int}, int, int, float, Span{float}, ReadOnlySpan{float}, float, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(SoftmaxCrossEntropyBackward))]
        public static void SoftmaxCrossEntropyBackwardTangent(ReadOnlySpan<double> logits, ReadOnlySpan<int> labels, int rows, int classes, double dResult, Span<double> dlogits,
            ReadOnlySpan<double> tlogits, double tdResult, Span<double> tdlogits)
            => SoftmaxCrossEntropyBackwardTangentCore(logits, labels, rows, classes, dResult, dlogits, tlogits, tdResult, tdlogits);

        private static void SumOfSquaresBackwardTangentCore<T>(ReadOnlySpan<T> x, T dResult, Span<T> dx, ReadOnlySpan<T> tx, T tdResult, Span<T> tdx)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            NnGuard.Gradient(tx.Length, x.Length, nameof(tx), "x.Length");
            NnGuard.Gradient(tdx.Length, x.Length, nameof(tdx), "x.Length");
            NnGuard.Disjoint<T>(tdx, nameof(tdx), x, nameof(x), tx, nameof(tx), dx, nameof(dx));
            SumOfSquaresBackwardCore(x, dResult, dx, assign: false);
            if (tdx.IsEmpty)
            {
                return;
            }

            T two = T.CreateTruncating(2);
            TensorPrimitives.MultiplyAdd(x, two * tdResult, tdx, tdx);
            if (!tx.IsEmpty)
            {
                TensorPrimitives.MultiplyAdd(tx, two * dResult, tdx, tdx);
            }
        }

        private static void MseLossBackwardTangentCore<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> target, T dResult, Span<T> dprediction, Span<T> dtarget,
            ReadOnlySpan<T> tprediction, ReadOnlySpan<T> ttarget, T tdResult, Span<T> tdprediction, Span<T> tdtarget)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateMse(prediction, target);
            int n = prediction.Length;
            NnGuard.Gradient(tprediction.Length, n, nameof(tprediction), "prediction.Length");
            NnGuard.Gradient(ttarget.Length, n, nameof(ttarget), "prediction.Length");
            NnGuard.Gradient(tdprediction.Length, n, nameof(tdprediction), "prediction.Length");
            NnGuard.Gradient(tdtarget.Length, n, nameof(tdtarget), "prediction.Length");
            NnGuard.Disjoint<T>(tdprediction, nameof(tdprediction), prediction, nameof(prediction), target, nameof(target), tprediction, nameof(tprediction));
            NnGuard.Disjoint<T>(tdprediction, nameof(tdprediction), ttarget, nameof(ttarget), tdtarget, nameof(tdtarget), dprediction, nameof(dprediction));
            NnGuard.Disjoint<T>(tdtarget, nameof(tdtarget), prediction, nameof(prediction), target, nameof(target), tprediction, nameof(tprediction));
            NnGuard.Disjoint<T>(tdtarget, nameof(tdtarget), ttarget, nameof(ttarget), dtarget, nameof(dtarget), dprediction, nameof(dprediction));
            MseLossBackwardCore(prediction, target, dResult, dprediction, dtarget);
            if (tdprediction.IsEmpty && tdtarget.IsEmpty)
            {
                return;
            }

            Workspace workspace = Workspace.Current;
            WorkspaceMark mark = workspace.Mark();
            try
            {
                // c = (2/N)·(ḋResult·(p − t) + dResult·(ṗ − ṫ)), added to one tangent gradient and taken from the other.
                T scale = T.CreateTruncating(2) / T.CreateTruncating(n);
                Span<T> c = NnGuard.Rent<T>(workspace, n);
                TensorPrimitives.Subtract(prediction, target, c);
                TensorPrimitives.Multiply(c, scale * tdResult, c);
                if (!tprediction.IsEmpty)
                {
                    TensorPrimitives.MultiplyAdd(tprediction, scale * dResult, c, c);
                }

                if (!ttarget.IsEmpty)
                {
                    TensorPrimitives.MultiplyAdd(ttarget, -(scale * dResult), c, c);
                }

                if (!tdprediction.IsEmpty)
                {
                    TensorPrimitives.Add(tdprediction, c, tdprediction);
                }

                if (!tdtarget.IsEmpty)
                {
                    TensorPrimitives.Subtract(tdtarget, c, tdtarget);
                }
            }
            finally
            {
                workspace.Release(mark);
            }
        }

        private static void SoftmaxCrossEntropyBackwardTangentCore<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int rows, int classes, T dResult, Span<T> dlogits,
            ReadOnlySpan<T> tlogits, T tdResult, Span<T> tdlogits)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateCrossEntropy(logits, labels, rows, classes);
            long size = NnGuard.Size(rows, classes);
            NnGuard.Gradient(tlogits.Length, size, nameof(tlogits), "(rows, classes)");
            NnGuard.Gradient(tdlogits.Length, size, nameof(tdlogits), "(rows, classes)");
            NnGuard.Disjoint<T>(tdlogits, nameof(tdlogits), logits, nameof(logits), tlogits, nameof(tlogits), dlogits, nameof(dlogits));
            SoftmaxCrossEntropyBackwardCore(logits, labels, rows, classes, dResult, dlogits);
            if (tdlogits.IsEmpty)
            {
                return;
            }

            Workspace workspace = Workspace.Current;
            WorkspaceMark mark = workspace.Mark();
            try
            {
                Span<T> p = NnGuard.Rent<T>(workspace, rows * classes);
                Span<T> pdot = NnGuard.Rent<T>(workspace, classes);
                Softmax.Forward(logits, p, rows, classes);
                T perRow = T.One / T.CreateTruncating(rows), seed = tdResult * perRow, scale = dResult * perRow;
                for (int i = 0; i < rows; i++)
                {
                    ReadOnlySpan<T> pi = p.Slice(i * classes, classes);
                    Span<T> into = tdlogits.Slice(i * classes, classes);
                    TensorPrimitives.MultiplyAdd(pi, seed, into, into);
                    into[labels[i]] -= seed;
                    if (!tlogits.IsEmpty)
                    {
                        // ṗ = p ⊙ (ż − ⟨p, ż⟩)
                        ReadOnlySpan<T> tz = tlogits.Slice(i * classes, classes);
                        TensorPrimitives.Subtract(tz, TensorPrimitives.Dot(pi, tz), pdot);
                        TensorPrimitives.Multiply(pdot, pi, pdot);
                        TensorPrimitives.MultiplyAdd(pdot, scale, into, into);
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
