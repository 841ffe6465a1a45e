using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace SymGrad
{
    public static partial class Nn
    {
        // logits are (rows, classes), labels are (rows) in [0, classes).
        // L = (1/N) Σ_i (log Σ_j exp(z_ij) − z_i,label_i)
        // ∂L/∂z_ij = dResult·(p_ij − [j = label_i]) / N,  p = softmax(z) row-wise

        /// <summary>
        /// Mean softmax cross-entropy of (rows, classes) logits against integer labels in [0, classes); numerically stable
        /// (each row is shifted by its maximum).
        /// </summary>
        public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int rows, int classes)
            => SoftmaxCrossEntropyCore(logits, labels, rows, classes);

        /// <inheritdoc cref="SoftmaxCrossEntropy(ReadOnlySpan{float}, ReadOnlySpan{int}, int, int)"/>
        public static double SoftmaxCrossEntropy(ReadOnlySpan<double> logits, ReadOnlySpan<int> labels, int rows, int classes)
            => SoftmaxCrossEntropyCore(logits, labels, rows, classes);

        /// <summary>Backward of SoftmaxCrossEntropy: dlogits += dResult·(softmax(logits) − onehot(labels)) / rows; the softmax is recomputed.</summary>
        [DerivativeOf(typeof(Nn), nameof(SoftmaxCrossEntropy))]
        public static void SoftmaxCrossEntropyBackward(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int rows, int classes, float dResult, Span<float> dlogits)
            => SoftmaxCrossEntropyBackwardCore(logits, labels, rows, classes, dResult, dlogits);

        /// <inheritdoc cref="SoftmaxCrossEntropyBackward(ReadOnlySpan{float}, ReadOnlySpan{int}, int, int, float, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(SoftmaxCrossEntropy))]
        public static void SoftmaxCrossEntropyBackward(ReadOnlySpan<double> logits, ReadOnlySpan<int> labels, int rows, int classes, double dResult, Span<double> dlogits)
            => SoftmaxCrossEntropyBackwardCore(logits, labels, rows, classes, dResult, dlogits);

        private static void ValidateCrossEntropy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int rows, int classes)
        {
            NnGuard.Positive(rows, nameof(rows));
            NnGuard.Positive(classes, nameof(classes));
            NnGuard.Length(logits.Length, NnGuard.Size(rows, classes), nameof(logits), "(rows, classes)");
            NnGuard.Length(labels.Length, rows, nameof(labels), "(rows)");
            for (int i = 0; i < rows; i++)
            {
                if ((uint)labels[i] >= (uint)classes)
                {
                    throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"labels[{i}] is outside [0, {classes}).");
                }
            }
        }

        private static T SoftmaxCrossEntropyCore<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int rows, int classes)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateCrossEntropy(logits, labels, rows, classes);
            return Softmax.CrossEntropyForward(logits, labels, rows, classes);
        }

        private static void SoftmaxCrossEntropyBackwardCore<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int rows, int classes, T dResult, Span<T> dlogits)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateCrossEntropy(logits, labels, rows, classes);
            NnGuard.Gradient(dlogits.Length, NnGuard.Size(rows, classes), nameof(dlogits), "(rows, classes)");
            NnGuard.Disjoint<T>(dlogits, nameof(dlogits), logits, nameof(logits));
            if (dlogits.IsEmpty)
            {
                return;
            }

            Workspace workspace = Workspace.Current;
            WorkspaceMark mark = workspace.Mark();
            try
            {
                Span<T> p = NnGuard.Rent<T>(workspace, rows * classes);
                Softmax.Forward(logits, p, rows, classes);
                Softmax.CrossEntropyBackward<T>(p, labels, dlogits, rows, classes, dResult, accumulate: true);
            }
            finally
            {
                workspace.Release(mark);
            }
        }

        // prediction and target have one length N ≥ 1.
        // L = (1/N) Σ_i (p_i − t_i)²
        // ∂L/∂p_i = dResult·2(p_i − t_i)/N,  ∂L/∂t_i = −∂L/∂p_i

        /// <summary>Mean squared error (1/N) Σ_i (prediction_i − target_i)² over two spans of one non-zero length.</summary>
        public static float MseLoss(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target) => MseLossCore(prediction, target);

        /// <inheritdoc cref="MseLoss(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
        public static double MseLoss(ReadOnlySpan<double> prediction, ReadOnlySpan<double> target) => MseLossCore(prediction, target);

        /// <summary>Backward of MseLoss: dprediction += 2·dResult·(p − t)/N and dtarget −= the same; an empty gradient is skipped.</summary>
        [DerivativeOf(typeof(Nn), nameof(MseLoss))]
        public static void MseLossBackward(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, float dResult, Span<float> dprediction, Span<float> dtarget)
            => MseLossBackwardCore(prediction, target, dResult, dprediction, dtarget);

        /// <inheritdoc cref="MseLossBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(MseLoss))]
        public static void MseLossBackward(ReadOnlySpan<double> prediction, ReadOnlySpan<double> target, double dResult, Span<double> dprediction, Span<double> dtarget)
            => MseLossBackwardCore(prediction, target, dResult, dprediction, dtarget);

        private static void ValidateMse<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> target)
        {
            if (prediction.IsEmpty)
            {
                throw new ArgumentException("'prediction' is empty; the mean of no errors is undefined.", nameof(prediction));
            }

            NnGuard.Length(target.Length, prediction.Length, nameof(target), "prediction.Length");
        }

        private static T MseLossCore<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> target)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateMse(prediction, target);

            // Differences go to a stack chunk; the sum of squares of each chunk is added in double.
            const int Chunk = 256;
            Span<T> diff = stackalloc T[Chunk];
            double total = 0;
            for (int start = 0; start < prediction.Length; start += Chunk)
            {
                int length = Math.Min(Chunk, prediction.Length - start);
                Span<T> d = diff[..length];
                TensorPrimitives.Subtract(prediction.Slice(start, length), target.Slice(start, length), d);
                total += double.CreateTruncating(TensorPrimitives.SumOfSquares<T>(d));
            }

            return T.CreateTruncating(total / prediction.Length);
        }

        private static void MseLossBackwardCore<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> target, T dResult, Span<T> dprediction, Span<T> dtarget)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateMse(prediction, target);
            NnGuard.Gradient(dprediction.Length, prediction.Length, nameof(dprediction), "prediction.Length");
            NnGuard.Gradient(dtarget.Length, prediction.Length, nameof(dtarget), "prediction.Length");
            NnGuard.Disjoint<T>(dprediction, nameof(dprediction), prediction, nameof(prediction));
            NnGuard.Disjoint<T>(dprediction, nameof(dprediction), target, nameof(target));
            NnGuard.Disjoint<T>(dtarget, nameof(dtarget), prediction, nameof(prediction));
            NnGuard.Disjoint<T>(dtarget, nameof(dtarget), target, nameof(target));
            NnGuard.Disjoint<T>(dtarget, nameof(dtarget), dprediction, nameof(dprediction));

            T scale = T.CreateTruncating(2) * dResult / T.CreateTruncating(prediction.Length);
            const int Chunk = 256;
            Span<T> diff = stackalloc T[Chunk];
            for (int start = 0; start < prediction.Length; start += Chunk)
            {
                int length = Math.Min(Chunk, prediction.Length - start);
                Span<T> d = diff[..length];
                TensorPrimitives.Subtract(prediction.Slice(start, length), target.Slice(start, length), d);
                if (!dprediction.IsEmpty)
                {
                    Span<T> g = dprediction.Slice(start, length);
                    TensorPrimitives.MultiplyAdd(d, scale, g, g);
                }

                if (!dtarget.IsEmpty)
                {
                    Span<T> g = dtarget.Slice(start, length);
                    TensorPrimitives.MultiplyAdd(d, -scale, g, g);
                }
            }
        }
    }
}
