using System;
using System.Runtime.CompilerServices;
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

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // loops optimized from the first call: no OSR or tier-up landing inside a timed step
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
            if (prediction.Length >= Activations.SplitLength)
            {
                return T.CreateTruncating(SplitSumOfSquaredErrors(prediction, target) / prediction.Length);
            }

            return T.CreateTruncating(SumOfSquaredErrors(prediction, target) / prediction.Length);
        }

        /// <summary>Σ (p − t)²: differences go to a stack chunk; the sum of squares of each chunk is added in double.</summary>
        private static double SumOfSquaredErrors<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> target)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
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

            return total;
        }

        /// <summary>Rows of a split MSE: at most this many (their partial sums live on the stack), of at least 16k elements.</summary>
        private const int MseMaxRows = 1024;

        /// <summary>
        /// <see cref="SumOfSquaredErrors{T}"/> over two cores: each row of the split (a fixed run of elements) sums into its
        /// own slot, and the slots are added in order, so the result does not depend on which thread ran which row.
        /// </summary>
        private static unsafe double SplitSumOfSquaredErrors<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> target)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int chunk = Math.Max(16384, (prediction.Length + MseMaxRows - 1) / MseMaxRows);
            int rows = (prediction.Length + chunk - 1) / chunk;
            double* partials = stackalloc double[rows];
            fixed (T* pp = prediction, pt = target)
            {
                var job = new MseJob<T> { Prediction = pp, Target = pt, Length = prediction.Length, Chunk = chunk, Partials = partials };
                RowSplit.Run(&job, rows, 2L * prediction.Length, &MseRows<T>);
            }

            double total = 0;
            for (int r = 0; r < rows; r++)
            {
                total += partials[r];
            }

            return total;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimized from the first call: no tier-0 loops or late tier-ups inside a timed step
        private static unsafe void MseRows<T>(void* jobPointer, int r0, int r1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref MseJob<T> job = ref *(MseJob<T>*)jobPointer;
            for (int r = r0; r < r1; r++)
            {
                int start = r * job.Chunk, length = Math.Min(job.Chunk, job.Length - start);
                job.Partials[r] = SumOfSquaredErrors(new ReadOnlySpan<T>(job.Prediction + start, length), new ReadOnlySpan<T>(job.Target + start, length));
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimized from the first call: no tier-0 loops or late tier-ups inside a timed step
        private static unsafe void MseBackwardRows<T>(void* jobPointer, int r0, int r1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref MseJob<T> job = ref *(MseJob<T>*)jobPointer;
            int start = r0 * job.Chunk, end = Math.Min(r1 * job.Chunk, job.Length);
            MseGradients(
                new ReadOnlySpan<T>(job.Prediction + start, end - start),
                new ReadOnlySpan<T>(job.Target + start, end - start),
                job.Scale,
                job.DPrediction is null ? default : new Span<T>(job.DPrediction + start, end - start),
                job.DTarget is null ? default : new Span<T>(job.DTarget + start, end - start));
        }

        /// <summary>One split MseLoss/MseLossBackward call's pinned spans and partial sums.</summary>
        private unsafe struct MseJob<T>
            where T : unmanaged
        {
            public T* Prediction;
            public T* Target;
            public T* DPrediction;
            public T* DTarget;
            public T Scale;
            public int Length;
            public int Chunk;
            public double* Partials;
        }

        private static unsafe void MseLossBackwardCore<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> target, T dResult, Span<T> dprediction, Span<T> dtarget)
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
            if (prediction.Length >= Activations.SplitLength && !(dprediction.IsEmpty && dtarget.IsEmpty))
            {
                fixed (T* pp = prediction, pt = target, pdp = dprediction, pdt = dtarget)
                {
                    const int Chunk = 16384;
                    var job = new MseJob<T> { Prediction = pp, Target = pt, DPrediction = pdp, DTarget = pdt, Scale = scale, Length = prediction.Length, Chunk = Chunk };
                    RowSplit.Run(&job, (prediction.Length + Chunk - 1) / Chunk, 3L * prediction.Length, &MseBackwardRows<T>);
                }

                return;
            }

            MseGradients(prediction, target, scale, dprediction, dtarget);
        }

        /// <summary>dprediction += scale·(p − t), dtarget −= the same; each skipped when empty.</summary>
        private static void MseGradients<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> target, T scale, Span<T> dprediction, Span<T> dtarget)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
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
