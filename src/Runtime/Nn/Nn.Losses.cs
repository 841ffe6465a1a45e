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

        /// <summary>SoftmaxCrossEntropyBackward that assigns dlogits = dResult·(p − onehot)/rows (every element written); generated code calls it for a fresh cotangent.</summary>
        [DerivativeOf(typeof(Nn), nameof(SoftmaxCrossEntropy), Assigns = "dlogits")]
        public static void SoftmaxCrossEntropyBackwardAssign(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int rows, int classes, float dResult, Span<float> dlogits)
            => SoftmaxCrossEntropyBackwardCore(logits, labels, rows, classes, dResult, dlogits, assign: true);

        /// <inheritdoc cref="SoftmaxCrossEntropyBackwardAssign(ReadOnlySpan{float}, ReadOnlySpan{int}, int, int, float, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(SoftmaxCrossEntropy), Assigns = "dlogits")]
        public static void SoftmaxCrossEntropyBackwardAssign(ReadOnlySpan<double> logits, ReadOnlySpan<int> labels, int rows, int classes, double dResult, Span<double> dlogits)
            => SoftmaxCrossEntropyBackwardCore(logits, labels, rows, classes, dResult, dlogits, assign: true);

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

        private static void SoftmaxCrossEntropyBackwardCore<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int rows, int classes, T dResult, Span<T> dlogits, bool assign = false)
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
                Softmax.CrossEntropyBackward<T>(p, labels, dlogits, rows, classes, dResult, accumulate: !assign);
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

        /// <summary>MseLossBackward that assigns dprediction = 2·dResult·(prediction − target)/N (every element written) and accumulates dtarget; generated code calls it for a fresh cotangent.</summary>
        [DerivativeOf(typeof(Nn), nameof(MseLoss), Assigns = "dprediction")]
        public static void MseLossBackwardAssign(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, float dResult, Span<float> dprediction, Span<float> dtarget)
            => MseLossBackwardCore(prediction, target, dResult, dprediction, dtarget, assign: true);

        /// <inheritdoc cref="MseLossBackwardAssign(ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(MseLoss), Assigns = "dprediction")]
        public static void MseLossBackwardAssign(ReadOnlySpan<double> prediction, ReadOnlySpan<double> target, double dResult, Span<double> dprediction, Span<double> dtarget)
            => MseLossBackwardCore(prediction, target, dResult, dprediction, dtarget, assign: true);

        private static void ValidateMse<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> target)
        {
            if (prediction.IsEmpty)
            {
                throw new ArgumentException("'prediction' is empty; the mean of no errors is undefined.", nameof(prediction));
            }

            NnGuard.Length(target.Length, prediction.Length, nameof(target), "prediction.Length");
        }

        /// <summary>Elements per chunk of the squared-error passes: the differences of one chunk live on the stack (8 KB of floats).</summary>
        private const int MseChunk = 2048;

        private static unsafe T MseLossCore<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> target)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateMse(prediction, target);

            // Each chunk's sum of squares is kept apart and the chunks are added in order, in double: the same result on one
            // core or two, whichever took which chunk.
            int chunks = (prediction.Length + MseChunk - 1) / MseChunk;
            double[] partials = System.Buffers.ArrayPool<double>.Shared.Rent(chunks);
            double total = 0;
            fixed (T* p = prediction, t = target)
            fixed (double* sums = partials)
            {
                var job = new MseJob { Prediction = p, Target = t, Length = prediction.Length, Sums = sums };
                RowSplit.Run(&job, chunks, 2L * prediction.Length, &MseChunks<T>);
                for (int c = 0; c < chunks; c++)
                {
                    total += sums[c];
                }
            }

            System.Buffers.ArrayPool<double>.Shared.Return(partials);
            return T.CreateTruncating(total / prediction.Length);
        }

        private static unsafe void MseChunks<T>(void* pointer, int c0, int c1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref readonly MseJob job = ref *(MseJob*)pointer;
            Span<T> diff = stackalloc T[MseChunk];
            for (int c = c0; c < c1; c++)
            {
                Span<T> d = diff[..job.Chunk<T>(job.Prediction, c).Length];
                TensorPrimitives.Subtract(job.Chunk<T>(job.Prediction, c), job.Chunk<T>(job.Target, c), d);
                job.Sums[c] = double.CreateTruncating(TensorPrimitives.SumOfSquares<T>(d));
            }
        }

        private static unsafe void MseLossBackwardCore<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> target, T dResult, Span<T> dprediction, Span<T> dtarget, bool assign = false)
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
            if (dprediction.IsEmpty && dtarget.IsEmpty)
            {
                return;
            }

            fixed (T* p = prediction, t = target, dp = dprediction, dt = dtarget)
            {
                var job = new MseJob
                {
                    Prediction = p, Target = t, Length = prediction.Length, DPrediction = dp, DTarget = dt, AssignPrediction = assign,
                    Scale = double.CreateTruncating(T.CreateTruncating(2) * dResult / T.CreateTruncating(prediction.Length)),
                };
                RowSplit.Run(&job, (prediction.Length + MseChunk - 1) / MseChunk, 4L * prediction.Length, &MseBackwardChunks<T>);
            }
        }

        private static unsafe void MseBackwardChunks<T>(void* pointer, int c0, int c1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref readonly MseJob job = ref *(MseJob*)pointer;
            T scale = T.CreateTruncating(job.Scale);
            Span<T> diff = stackalloc T[MseChunk];
            for (int c = c0; c < c1; c++)
            {
                Span<T> d = diff[..job.Chunk<T>(job.Prediction, c).Length];
                TensorPrimitives.Subtract(job.Chunk<T>(job.Prediction, c), job.Chunk<T>(job.Target, c), d);
                if (job.DPrediction is not null)
                {
                    Span<T> g = job.Chunk<T>(job.DPrediction, c);
                    if (job.AssignPrediction)
                    {
                        TensorPrimitives.Multiply(d, scale, g);
                        TensorPrimitives.Add(g, T.Zero, g); // −0 + 0 = +0: exactly what adding to zeros gives
                    }
                    else
                    {
                        TensorPrimitives.MultiplyAdd(d, scale, g, g);
                    }
                }

                if (job.DTarget is not null)
                {
                    Span<T> g = job.Chunk<T>(job.DTarget, c);
                    TensorPrimitives.MultiplyAdd(d, -scale, g, g);
                }
            }
        }

        /// <summary>One squared-error call, as raw pointers so the worker thread can take chunks of it (the caller keeps them pinned).</summary>
        private unsafe struct MseJob
        {
            public void* Prediction;
            public void* Target;
            public int Length;
            public double* Sums;
            public void* DPrediction;
            public void* DTarget;

            /// <summary>dprediction = … instead of += (the assigning backward).</summary>
            public bool AssignPrediction;

            /// <summary>2·dResult/N, held in double (exact for float; the double path's own value).</summary>
            public double Scale;

            /// <summary>Chunk c of <paramref name="span"/> (the prediction, the target or a gradient).</summary>
            public readonly Span<T> Chunk<T>(void* span, int c)
                where T : unmanaged
                => new((T*)span + (c * MseChunk), Math.Min(MseChunk, Length - (c * MseChunk)));
        }
    }
}
