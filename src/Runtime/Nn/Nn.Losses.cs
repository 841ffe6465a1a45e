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

        /// <summary>
        /// Tangent of SoftmaxCrossEntropy along tlogits (rows, classes; empty for zero): (1/rows) Σ_i (⟨softmax(z_i), tz_i⟩ −
        /// tz_i,label_i), the softmax computed as the backward computes it.
        /// </summary>
        [TangentOf(typeof(Nn), nameof(SoftmaxCrossEntropy))]
        public static float SoftmaxCrossEntropyTangent(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int rows, int classes, ReadOnlySpan<float> tlogits)
            => SoftmaxCrossEntropyTangentCore(logits, labels, rows, classes, tlogits);

        /// <inheritdoc cref="SoftmaxCrossEntropyTangent(ReadOnlySpan{float}, ReadOnlySpan{int}, int, int, ReadOnlySpan{float})"/>
        [TangentOf(typeof(Nn), nameof(SoftmaxCrossEntropy))]
        public static double SoftmaxCrossEntropyTangent(ReadOnlySpan<double> logits, ReadOnlySpan<int> labels, int rows, int classes, ReadOnlySpan<double> tlogits)
            => SoftmaxCrossEntropyTangentCore(logits, labels, rows, classes, tlogits);

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

        private static T SoftmaxCrossEntropyTangentCore<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int rows, int classes, ReadOnlySpan<T> tlogits)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateCrossEntropy(logits, labels, rows, classes);
            NnGuard.Gradient(tlogits.Length, NnGuard.Size(rows, classes), nameof(tlogits), "(rows, classes)");
            if (tlogits.IsEmpty)
            {
                return T.Zero;
            }

            Workspace workspace = Workspace.Current;
            WorkspaceMark mark = workspace.Mark();
            try
            {
                Span<T> p = NnGuard.Rent<T>(workspace, rows * classes);
                Softmax.Forward(logits, p, rows, classes);
                double total = 0; // summed over rows in double, as the forward sums the loss
                for (int i = 0; i < rows; i++)
                {
                    ReadOnlySpan<T> tz = tlogits.Slice(i * classes, classes);
                    total += double.CreateTruncating(TensorPrimitives.Dot(p.Slice(i * classes, classes), tz) - tz[labels[i]]);
                }

                return T.CreateTruncating(total / rows);
            }
            finally
            {
                workspace.Release(mark);
            }
        }

        // prediction and target have one length N ≥ 1.
        // L = (1/N) Σ_i (p_i − t_i)²
        // ∂L/∂p_i = dResult·2(p_i − t_i)/N,  ∂L/∂t_i = −∂L/∂p_i
        // L̇ = (2/N) Σ_i (p_i − t_i)·(ṗ_i − ṫ_i)

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

        /// <summary>Tangent of MseLoss: (2/N) Σ_i (prediction_i − target_i)·(tprediction_i − ttarget_i); an empty tangent is zero.</summary>
        [TangentOf(typeof(Nn), nameof(MseLoss))]
        public static float MseLossTangent(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, ReadOnlySpan<float> tprediction, ReadOnlySpan<float> ttarget)
            => MseLossTangentCore(prediction, target, tprediction, ttarget);

        /// <inheritdoc cref="MseLossTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>
        [TangentOf(typeof(Nn), nameof(MseLoss))]
        public static double MseLossTangent(ReadOnlySpan<double> prediction, ReadOnlySpan<double> target, ReadOnlySpan<double> tprediction, ReadOnlySpan<double> ttarget)
            => MseLossTangentCore(prediction, target, tprediction, ttarget);

        // x has any length N ≥ 0.
        // L = Σ_i x_i²
        // ∂L/∂x_i = dResult·2x_i
        // L̇ = 2 Σ_i x_i·ẋ_i

        /// <summary>
        /// Σ_i x_i²: a squared norm (‖Wx‖², an L2 penalty, the Σ r² of workload C) in one pass over x. The value of
        /// <c>MseLoss(x, zeros) · N</c> without a span of zeros to read; 0 for an empty span. Summed in chunks, in double.
        /// </summary>
        public static float SumOfSquares(ReadOnlySpan<float> x) => SumOfSquaresCore(x);

        /// <inheritdoc cref="SumOfSquares(ReadOnlySpan{float})"/>
        public static double SumOfSquares(ReadOnlySpan<double> x) => SumOfSquaresCore(x);

        /// <summary>Backward of SumOfSquares: dx += 2·dResult·x.</summary>
        [DerivativeOf(typeof(Nn), nameof(SumOfSquares))]
        public static void SumOfSquaresBackward(ReadOnlySpan<float> x, float dResult, Span<float> dx) => SumOfSquaresBackwardCore(x, dResult, dx, assign: false);

        /// <inheritdoc cref="SumOfSquaresBackward(ReadOnlySpan{float}, float, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(SumOfSquares))]
        public static void SumOfSquaresBackward(ReadOnlySpan<double> x, double dResult, Span<double> dx) => SumOfSquaresBackwardCore(x, dResult, dx, assign: false);

        /// <summary>SumOfSquaresBackward that assigns dx = 2·dResult·x (every element written); generated code calls it for a fresh cotangent.</summary>
        [DerivativeOf(typeof(Nn), nameof(SumOfSquares), Assigns = "dx")]
        public static void SumOfSquaresBackwardAssign(ReadOnlySpan<float> x, float dResult, Span<float> dx) => SumOfSquaresBackwardCore(x, dResult, dx, assign: true);

        /// <inheritdoc cref="SumOfSquaresBackwardAssign(ReadOnlySpan{float}, float, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(SumOfSquares), Assigns = "dx")]
        public static void SumOfSquaresBackwardAssign(ReadOnlySpan<double> x, double dResult, Span<double> dx) => SumOfSquaresBackwardCore(x, dResult, dx, assign: true);

        /// <summary>Tangent of SumOfSquares: 2 Σ_i x_i·tx_i; an empty tx is zero.</summary>
        [TangentOf(typeof(Nn), nameof(SumOfSquares))]
        public static float SumOfSquaresTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> tx) => SumOfSquaresTangentCore(x, tx);

        /// <inheritdoc cref="SumOfSquaresTangent(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
        [TangentOf(typeof(Nn), nameof(SumOfSquares))]
        public static double SumOfSquaresTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> tx) => SumOfSquaresTangentCore(x, tx);

        private static unsafe T SumOfSquaresCore<T>(ReadOnlySpan<T> x)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            fixed (T* p = x)
            {
                return T.CreateTruncating(SquaredErrorSum(p, null, x.Length));
            }
        }

        private static unsafe void SumOfSquaresBackwardCore<T>(ReadOnlySpan<T> x, T dResult, Span<T> dx, bool assign)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            NnGuard.Gradient(dx.Length, x.Length, nameof(dx), "x.Length");
            NnGuard.Disjoint<T>(dx, nameof(dx), x, nameof(x));
            if (dx.IsEmpty)
            {
                return;
            }

            fixed (T* p = x, d = dx)
            {
                SquaredErrorBackward(p, null, x.Length, double.CreateTruncating(T.CreateTruncating(2) * dResult), d, null, assign);
            }
        }

        private static unsafe T SumOfSquaresTangentCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> tx)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            NnGuard.Gradient(tx.Length, x.Length, nameof(tx), "x.Length");
            if (tx.IsEmpty)
            {
                return T.Zero;
            }

            fixed (T* p = x, tp = tx)
            {
                return T.CreateTruncating(2 * SquaredErrorSum(p, null, x.Length, tp, null));
            }
        }

        private static unsafe T MseLossTangentCore<T>(ReadOnlySpan<T> prediction, ReadOnlySpan<T> target, ReadOnlySpan<T> tprediction, ReadOnlySpan<T> ttarget)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateMse(prediction, target);
            NnGuard.Gradient(tprediction.Length, prediction.Length, nameof(tprediction), "prediction.Length");
            NnGuard.Gradient(ttarget.Length, prediction.Length, nameof(ttarget), "prediction.Length");
            if (tprediction.IsEmpty && ttarget.IsEmpty)
            {
                return T.Zero;
            }

            fixed (T* p = prediction, t = target, tp = tprediction, tt = ttarget)
            {
                return T.CreateTruncating(2 * SquaredErrorSum(p, t, prediction.Length, tp, tt) / prediction.Length);
            }
        }

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
            fixed (T* p = prediction, t = target)
            {
                return T.CreateTruncating(SquaredErrorSum(p, t, prediction.Length) / prediction.Length);
            }
        }

        /// <summary>
        /// Σ (p − t)², or Σ p² when <paramref name="t"/> is null; with a tangent (<paramref name="tp"/> or <paramref name="tt"/>
        /// not null, a null one zeros) the half-derivative Σ (p − t)·(tp − tt) instead. Each chunk's sum is kept apart and the
        /// chunks are added in order, in double: the same result on one core or two, whichever took which chunk.
        /// </summary>
        private static unsafe double SquaredErrorSum<T>(T* p, T* t, int length, T* tp = null, T* tt = null)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int chunks = (length + MseChunk - 1) / MseChunk;
            double[] partials = System.Buffers.ArrayPool<double>.Shared.Rent(chunks);
            double total = 0;
            fixed (double* sums = partials)
            {
                var job = new MseJob { Prediction = p, Target = t, Length = length, Sums = sums, DPrediction = tp, DTarget = tt };
                bool tangent = tp is not null || tt is not null;
                long work = ((t is null ? 1L : 2L) + (tp is null ? 0 : 1) + (tt is null ? 0 : 1)) * length;
                RowSplit.Run(&job, chunks, work, tangent ? &MseTangentChunks<T> : &MseChunks<T>);
                for (int c = 0; c < chunks; c++)
                {
                    total += sums[c];
                }
            }

            System.Buffers.ArrayPool<double>.Shared.Return(partials);
            return total;
        }

        private static unsafe void MseChunks<T>(void* pointer, int c0, int c1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref readonly MseJob job = ref *(MseJob*)pointer;
            Span<T> diff = stackalloc T[MseChunk];
            for (int c = c0; c < c1; c++)
            {
                job.Sums[c] = double.CreateTruncating(TensorPrimitives.SumOfSquares<T>(job.Difference(c, diff)));
            }
        }

        /// <summary>Sums[c] = Σ over chunk c of (p − t)·(tp − tt), the tangents in the gradient slots (null: zeros).</summary>
        private static unsafe void MseTangentChunks<T>(void* pointer, int c0, int c1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref readonly MseJob job = ref *(MseJob*)pointer;
            Span<T> diff = stackalloc T[MseChunk];
            for (int c = c0; c < c1; c++)
            {
                ReadOnlySpan<T> d = job.Difference(c, diff);
                double sum = 0;
                if (job.DPrediction is not null)
                {
                    sum += double.CreateTruncating(TensorPrimitives.Dot<T>(d, job.Chunk<T>(job.DPrediction, c)));
                }

                if (job.DTarget is not null)
                {
                    sum -= double.CreateTruncating(TensorPrimitives.Dot<T>(d, job.Chunk<T>(job.DTarget, c)));
                }

                job.Sums[c] = sum;
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
                double scale = double.CreateTruncating(T.CreateTruncating(2) * dResult / T.CreateTruncating(prediction.Length));
                SquaredErrorBackward(p, t, prediction.Length, scale, dp, dt, assign);
            }
        }

        /// <summary>dp (+)= scale·(p − t) and dt += −scale·(p − t), each skipped when null; t null stands for zeros.</summary>
        private static unsafe void SquaredErrorBackward<T>(T* p, T* t, int length, double scale, T* dp, T* dt, bool assign)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var job = new MseJob { Prediction = p, Target = t, Length = length, DPrediction = dp, DTarget = dt, AssignPrediction = assign, Scale = scale };
            RowSplit.Run(&job, (length + MseChunk - 1) / MseChunk, (t is null ? 2L : 4L) * length, &MseBackwardChunks<T>);
        }

        private static unsafe void MseBackwardChunks<T>(void* pointer, int c0, int c1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref readonly MseJob job = ref *(MseJob*)pointer;
            T scale = T.CreateTruncating(job.Scale);
            Span<T> diff = stackalloc T[MseChunk];
            for (int c = c0; c < c1; c++)
            {
                ReadOnlySpan<T> d = job.Difference(c, diff);
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

            /// <summary>The gradients written by a backward; for a tangent sum, the tangents read (ṗ, ṫ). Null: skipped (zeros).</summary>
            public void* DPrediction;
            public void* DTarget;

            /// <summary>dprediction = … instead of += (the assigning backward).</summary>
            public bool AssignPrediction;

            /// <summary>2·dResult/N, held in double (exact for float; the double path's own value).</summary>
            public double Scale;

            /// <summary>Chunk c of p − t, computed into <paramref name="scratch"/>; chunk c of p itself when there is no target (zeros).</summary>
            public readonly ReadOnlySpan<T> Difference<T>(int c, Span<T> scratch)
                where T : unmanaged, IFloatingPointIeee754<T>
            {
                Span<T> p = Chunk<T>(Prediction, c);
                if (Target is null)
                {
                    return p;
                }

                Span<T> d = scratch[..p.Length];
                TensorPrimitives.Subtract(p, Chunk<T>(Target, c), d);
                return d;
            }

            /// <summary>Chunk c of <paramref name="span"/> (the prediction, the target or a gradient).</summary>
            public readonly Span<T> Chunk<T>(void* span, int c)
                where T : unmanaged
                => new((T*)span + (c * MseChunk), Math.Min(MseChunk, Length - (c * MseChunk)));
        }
    }
}
