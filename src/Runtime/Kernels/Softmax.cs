using System;
using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SymGrad
{
    /// <summary>
    /// Row-wise softmax, log-softmax, log-sum-exp and the fused softmax-cross-entropy loss over an (N rows, C classes)
    /// row-major matrix. Every row is shifted by its maximum first, so no exponent overflows (exp(x − max) ≤ 1)
    /// and at least one term of each sum is 1. Element-wise work and reductions go through TensorPrimitives.
    /// Each kernel has a scalar <c>…Naive</c> reference next to it, the test oracle.
    /// </summary>
    public static class Softmax
    {
        /// <summary>y_ij = exp(x_ij − max_j x_ij) / Σ_j exp(x_ij − max_j x_ij). x and y are (rows, cols); y may be x itself.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // loops optimized from the first call: no OSR or tier-up landing inside a timed step
        public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, int rows, int cols)
            where T : IFloatingPointIeee754<T>
        {
            ValidateRows(x, y, rows, cols, nameof(x), nameof(y));
            int block = BlockRows(rows, cols);
            for (int r0 = 0; r0 < rows; r0 += block)
            {
                int count = Math.Min(block, rows - r0);

                // Each row's max is taken before its shifted copy overwrites it (y may be x).
                for (int i = r0; i < r0 + count; i++)
                {
                    ReadOnlySpan<T> xi = x.Slice(i * cols, cols);
                    SubtractScalar(xi, MaxOf(xi), y.Slice(i * cols, cols));
                }

                Span<T> yb = y.Slice(r0 * cols, count * cols);
                TensorPrimitives.Exp(yb, yb);
                for (int i = r0; i < r0 + count; i++)
                {
                    Span<T> yi = y.Slice(i * cols, cols);
                    MultiplyScalar(yi, T.One / SumOf<T>(yi), yi);
                }
            }
        }

        /// <summary>
        /// Backward of <see cref="Forward{T}"/>: dx_ij (+)= y_ij·(dy_ij − Σ_k dy_ik·y_ik). y (the forward's output), dy and dx
        /// are (rows, cols); dx must not overlap y or dy.
        /// </summary>
        public static void Backward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, int rows, int cols, bool accumulate = true)
            where T : IFloatingPointIeee754<T>
        {
            ValidateBackward(y, dy, dx, rows, cols);
            for (int i = 0; i < rows; i++)
            {
                ReadOnlySpan<T> yi = y.Slice(i * cols, cols), dyi = dy.Slice(i * cols, cols);
                Span<T> dxi = dx.Slice(i * cols, cols);
                T dot = TensorPrimitives.Dot(dyi, yi);
                if (accumulate)
                {
                    // dx += y·dy − y·dot, as two fused passes over the row.
                    TensorPrimitives.FusedMultiplyAdd(yi, dyi, dxi, dxi);
                    TensorPrimitives.FusedMultiplyAdd(yi, -dot, dxi, dxi);
                }
                else
                {
                    TensorPrimitives.Subtract(dyi, dot, dxi);
                    TensorPrimitives.Multiply(dxi, yi, dxi);
                }
            }
        }

        /// <summary>y_ij = x_ij − max_j − log Σ_j exp(x_ij − max_j). x and y are (rows, cols); y may be x itself.</summary>
        public static void LogForward<T>(ReadOnlySpan<T> x, Span<T> y, int rows, int cols)
            where T : IFloatingPointIeee754<T>
        {
            ValidateRows(x, y, rows, cols, nameof(x), nameof(y));

            // The exponentials need scratch: y holds the shifted row they are taken of. ArrayPool keeps steady state allocation-free.
            T[] rented = ArrayPool<T>.Shared.Rent(cols);
            for (int i = 0; i < rows; i++)
            {
                ReadOnlySpan<T> xi = x.Slice(i * cols, cols);
                Span<T> yi = y.Slice(i * cols, cols);
                T max = TensorPrimitives.Max(xi);
                TensorPrimitives.Subtract(xi, max, yi);
                T logSum = LogSumExpShifted<T>(yi, rented.AsSpan(0, cols));
                TensorPrimitives.Subtract(yi, logSum, yi);
            }

            ArrayPool<T>.Shared.Return(rented);
        }

        /// <summary>
        /// Backward of <see cref="LogForward{T}"/>: dx_ij (+)= dy_ij − exp(y_ij)·Σ_k dy_ik. y (the forward's output), dy and
        /// dx are (rows, cols); dx must not overlap y or dy.
        /// </summary>
        public static void LogBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, int rows, int cols, bool accumulate = true)
            where T : IFloatingPointIeee754<T>
        {
            ValidateBackward(y, dy, dx, rows, cols);
            T[] rented = ArrayPool<T>.Shared.Rent(cols);
            Span<T> p = rented.AsSpan(0, cols);
            for (int i = 0; i < rows; i++)
            {
                ReadOnlySpan<T> yi = y.Slice(i * cols, cols), dyi = dy.Slice(i * cols, cols);
                Span<T> dxi = dx.Slice(i * cols, cols);
                T sum = TensorPrimitives.Sum(dyi);
                TensorPrimitives.Exp(yi, p);
                if (accumulate)
                {
                    TensorPrimitives.Add(dxi, dyi, dxi);
                }
                else
                {
                    dyi.CopyTo(dxi);
                }

                TensorPrimitives.FusedMultiplyAdd(p, -sum, dxi, dxi);
            }

            ArrayPool<T>.Shared.Return(rented);
        }

        /// <summary>result_i = max_j x_ij + log Σ_j exp(x_ij − max_j x_ij). x is (rows, cols), result is (rows).</summary>
        public static void LogSumExp<T>(ReadOnlySpan<T> x, Span<T> result, int rows, int cols)
            where T : IFloatingPointIeee754<T>
        {
            KernelGuard.Positive(rows, nameof(rows));
            KernelGuard.Positive(cols, nameof(cols));
            KernelGuard.Length(x.Length, (long)rows * cols, nameof(x), "(rows, cols)");
            KernelGuard.Length(result.Length, rows, nameof(result), "(rows)");
            KernelGuard.NoOverlap(x, result, nameof(x), nameof(result));
            T[] rented = ArrayPool<T>.Shared.Rent(cols);
            Span<T> shifted = rented.AsSpan(0, cols);
            for (int i = 0; i < rows; i++)
            {
                ReadOnlySpan<T> xi = x.Slice(i * cols, cols);
                T max = TensorPrimitives.Max(xi);
                TensorPrimitives.Subtract(xi, max, shifted);
                result[i] = max + LogSumExpShifted<T>(shifted, shifted);
            }

            ArrayPool<T>.Shared.Return(rented);
        }

        /// <summary>
        /// Mean softmax cross-entropy: L = (1/N) Σ_i (log Σ_j exp(z_ij) − z_i,label_i), computed as
        /// max_i + log Σ_j exp(z_ij − max_i) − z_i,label_i. logits are (rows, classes), labels (rows) in [0, classes).
        /// When <paramref name="probabilities"/> is not empty (it must then be (rows, classes)) it receives softmax(z),
        /// which <see cref="CrossEntropyBackward{T}"/> needs.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // loops optimized from the first call: no OSR or tier-up landing inside a timed step
        public static T CrossEntropyForward<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int rows, int classes, Span<T> probabilities = default)
            where T : IFloatingPointIeee754<T>
        {
            ValidateLabels(logits, labels, rows, classes, nameof(logits));
            if (!probabilities.IsEmpty)
            {
                KernelGuard.Length(probabilities.Length, (long)rows * classes, nameof(probabilities), "(rows, classes)");
                KernelGuard.NoOverlap(logits, probabilities, nameof(logits), nameof(probabilities));
            }

            // A block of shifted rows, then one Exp over the whole block; each row's shifted label logit is kept after it.
            int block = BlockRows(rows, classes);
            T[] rented = ArrayPool<T>.Shared.Rent(block * (classes + 1));
            Span<T> shiftedLabels = rented.AsSpan(block * classes, block);
            double total = 0;
            for (int r0 = 0; r0 < rows; r0 += block)
            {
                int count = Math.Min(block, rows - r0);
                Span<T> exps = rented.AsSpan(0, count * classes);
                for (int r = 0; r < count; r++)
                {
                    ReadOnlySpan<T> zi = logits.Slice((r0 + r) * classes, classes);
                    Span<T> shifted = exps.Slice(r * classes, classes);
                    SubtractScalar(zi, MaxOf(zi), shifted);
                    shiftedLabels[r] = shifted[labels[r0 + r]];
                }

                TensorPrimitives.Exp(exps, exps);
                for (int r = 0; r < count; r++)
                {
                    Span<T> e = exps.Slice(r * classes, classes);
                    T sum = SumOf<T>(e);
                    total += double.CreateTruncating(T.Log(sum) - shiftedLabels[r]);
                    if (!probabilities.IsEmpty)
                    {
                        MultiplyScalar(e, T.One / sum, probabilities.Slice((r0 + r) * classes, classes));
                    }
                }
            }

            ArrayPool<T>.Shared.Return(rented);
            return T.CreateTruncating(total / rows);
        }

        /// <summary>
        /// Backward of <see cref="CrossEntropyForward{T}"/>: dz_ij (+)= dLoss·(p_ij − [j = label_i]) / N. probabilities
        /// (the forward's softmax) and dLogits are (rows, classes) and must not overlap.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // loops optimized from the first call: no OSR or tier-up landing inside a timed step
        public static void CrossEntropyBackward<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<int> labels, Span<T> dLogits, int rows, int classes, T dLoss, bool accumulate = true)
            where T : IFloatingPointIeee754<T>
        {
            ValidateLabels(probabilities, labels, rows, classes, nameof(probabilities));
            KernelGuard.Length(dLogits.Length, (long)rows * classes, nameof(dLogits), "(rows, classes)");
            KernelGuard.NoOverlap(probabilities, dLogits, nameof(probabilities), nameof(dLogits));
            T scale = dLoss / T.CreateChecked(rows);
            if (accumulate)
            {
                // dz += s·(p − onehot) with the one-hot taken off before the sum: adding s·p, then −s, would round what dz held
                // at the size of s although s·(p − 1) is small (a cotangent doubled in a loop; found by the random-program tester).
                for (int i = 0; i < rows; i++)
                {
                    int row = i * classes, at = row + labels[i];
                    T before = dLogits[at];
                    Span<T> d = dLogits.Slice(row, classes);
                    TensorPrimitives.FusedMultiplyAdd(probabilities.Slice(row, classes), scale, d, d);
                    dLogits[at] = before + (scale * (probabilities[at] - T.One));
                }

                return;
            }

            TensorPrimitives.Multiply(probabilities, scale, dLogits);
            for (int i = 0; i < rows; i++)
            {
                dLogits[(i * classes) + labels[i]] -= scale;
            }
        }

        /// <summary>Reference for <see cref="Forward{T}"/>: scalar loops, same max shift.</summary>
        public static void ForwardNaive<T>(ReadOnlySpan<T> x, Span<T> y, int rows, int cols)
            where T : IFloatingPointIeee754<T>
        {
            ValidateRows(x, y, rows, cols, nameof(x), nameof(y));
            for (int i = 0; i < rows; i++)
            {
                T max = RowMax(x, i, cols), sum = T.Zero;
                for (int j = 0; j < cols; j++)
                {
                    sum += T.Exp(x[(i * cols) + j] - max);
                }

                for (int j = 0; j < cols; j++)
                {
                    y[(i * cols) + j] = T.Exp(x[(i * cols) + j] - max) / sum;
                }
            }
        }

        /// <summary>Reference for <see cref="LogForward{T}"/>.</summary>
        public static void LogForwardNaive<T>(ReadOnlySpan<T> x, Span<T> y, int rows, int cols)
            where T : IFloatingPointIeee754<T>
        {
            ValidateRows(x, y, rows, cols, nameof(x), nameof(y));
            for (int i = 0; i < rows; i++)
            {
                T max = RowMax(x, i, cols), sum = T.Zero;
                for (int j = 0; j < cols; j++)
                {
                    sum += T.Exp(x[(i * cols) + j] - max);
                }

                T log = T.Log(sum);
                for (int j = 0; j < cols; j++)
                {
                    y[(i * cols) + j] = x[(i * cols) + j] - max - log;
                }
            }
        }

        /// <summary>Reference for <see cref="LogSumExp{T}"/>.</summary>
        public static void LogSumExpNaive<T>(ReadOnlySpan<T> x, Span<T> result, int rows, int cols)
            where T : IFloatingPointIeee754<T>
        {
            KernelGuard.Positive(rows, nameof(rows));
            KernelGuard.Positive(cols, nameof(cols));
            KernelGuard.Length(x.Length, (long)rows * cols, nameof(x), "(rows, cols)");
            KernelGuard.Length(result.Length, rows, nameof(result), "(rows)");
            KernelGuard.NoOverlap(x, result, nameof(x), nameof(result));
            for (int i = 0; i < rows; i++)
            {
                T max = RowMax(x, i, cols), sum = T.Zero;
                for (int j = 0; j < cols; j++)
                {
                    sum += T.Exp(x[(i * cols) + j] - max);
                }

                result[i] = max + T.Log(sum);
            }
        }

        /// <summary>Reference for <see cref="CrossEntropyForward{T}"/> (no probabilities).</summary>
        public static T CrossEntropyNaive<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int rows, int classes)
            where T : IFloatingPointIeee754<T>
        {
            ValidateLabels(logits, labels, rows, classes, nameof(logits));
            T total = T.Zero;
            for (int i = 0; i < rows; i++)
            {
                T max = RowMax(logits, i, classes), sum = T.Zero;
                for (int j = 0; j < classes; j++)
                {
                    sum += T.Exp(logits[(i * classes) + j] - max);
                }

                total += max + T.Log(sum) - logits[(i * classes) + labels[i]];
            }

            return total / T.CreateChecked(rows);
        }

        /// <summary>
        /// Rows of one block: about <see cref="BlockElements"/> elements, so that short rows (a 10-class classifier) share
        /// one TensorPrimitives.Exp call instead of paying a call, and its setup, per row.
        /// </summary>
        private static int BlockRows(int rows, int cols) => Math.Clamp(BlockElements / cols, 1, rows);

        /// <summary>Elements per block of rows (16 KB of floats: the block is still in L1 when its rows are summed).</summary>
        private const int BlockElements = 4096;

        /// <summary>
        /// Below this length a row's max, sum and scalar ops are plain loops: a TensorPrimitives call costs more than the
        /// work on a row shorter than two vectors.
        /// </summary>
        private const int ShortRow = 32;

        private static T MaxOf<T>(ReadOnlySpan<T> row)
            where T : IFloatingPointIeee754<T>
        {
            if (row.Length >= ShortRow)
            {
                return TensorPrimitives.Max(row);
            }

            // A plain compare, not T.Max: a NaN logit may be skipped here, but it still makes its own shifted value, and
            // so the row's sum and loss, NaN, as with TensorPrimitives.Max.
            ref T r = ref MemoryMarshal.GetReference(row);
            T max = r;
            for (int j = 1; j < row.Length; j++)
            {
                T v = Unsafe.Add(ref r, j);
                max = v > max ? v : max;
            }

            return max;
        }

        private static T SumOf<T>(ReadOnlySpan<T> row)
            where T : IFloatingPointIeee754<T>
        {
            if (row.Length >= ShortRow)
            {
                return TensorPrimitives.Sum(row);
            }

            ref T r = ref MemoryMarshal.GetReference(row);
            T sum = T.Zero;
            for (int j = 0; j < row.Length; j++)
            {
                sum += Unsafe.Add(ref r, j);
            }

            return sum;
        }

        /// <summary>destination = x − s (destination may be x; same length).</summary>
        private static void SubtractScalar<T>(ReadOnlySpan<T> x, T s, Span<T> destination)
            where T : IFloatingPointIeee754<T>
        {
            if (x.Length >= ShortRow)
            {
                TensorPrimitives.Subtract(x, s, destination);
                return;
            }

            ref T src = ref MemoryMarshal.GetReference(x);
            ref T dst = ref MemoryMarshal.GetReference(destination);
            for (int j = 0; j < x.Length; j++)
            {
                Unsafe.Add(ref dst, j) = Unsafe.Add(ref src, j) - s;
            }
        }

        /// <summary>destination = x·s (destination may be x; same length).</summary>
        private static void MultiplyScalar<T>(ReadOnlySpan<T> x, T s, Span<T> destination)
            where T : IFloatingPointIeee754<T>
        {
            if (x.Length >= ShortRow)
            {
                TensorPrimitives.Multiply(x, s, destination);
                return;
            }

            ref T src = ref MemoryMarshal.GetReference(x);
            ref T dst = ref MemoryMarshal.GetReference(destination);
            for (int j = 0; j < x.Length; j++)
            {
                Unsafe.Add(ref dst, j) = Unsafe.Add(ref src, j) * s;
            }
        }

        /// <summary>log Σ exp(s) for a row already shifted by its maximum, using <paramref name="scratch"/> for the exponentials.</summary>
        private static T LogSumExpShifted<T>(ReadOnlySpan<T> shifted, Span<T> scratch)
            where T : IFloatingPointIeee754<T>
        {
            TensorPrimitives.Exp(shifted, scratch);
            return T.Log(TensorPrimitives.Sum<T>(scratch));
        }

        private static T RowMax<T>(ReadOnlySpan<T> x, int row, int cols)
            where T : IFloatingPointIeee754<T>
        {
            T max = x[row * cols];
            for (int j = 1; j < cols; j++)
            {
                max = T.Max(max, x[(row * cols) + j]);
            }

            return max;
        }

        private static void ValidateRows<T>(ReadOnlySpan<T> x, Span<T> y, int rows, int cols, string xName, string yName)
        {
            KernelGuard.Positive(rows, nameof(rows));
            KernelGuard.Positive(cols, nameof(cols));
            KernelGuard.Length(x.Length, (long)rows * cols, xName, "(rows, cols)");
            KernelGuard.Length(y.Length, (long)rows * cols, yName, "(rows, cols)");
            KernelGuard.SameOrDisjoint<T>(x, y, xName, yName);
        }

        private static void ValidateBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, int rows, int cols)
        {
            KernelGuard.Positive(rows, nameof(rows));
            KernelGuard.Positive(cols, nameof(cols));
            KernelGuard.Length(y.Length, (long)rows * cols, nameof(y), "(rows, cols)");
            KernelGuard.Length(dy.Length, (long)rows * cols, nameof(dy), "(rows, cols)");
            KernelGuard.Length(dx.Length, (long)rows * cols, nameof(dx), "(rows, cols)");
            KernelGuard.NoOverlap(y, dx, nameof(y), nameof(dx));
            KernelGuard.NoOverlap(dy, dx, nameof(dy), nameof(dx));
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // loops optimized from the first call: no OSR or tier-up landing inside a timed step
        private static void ValidateLabels<T>(ReadOnlySpan<T> values, ReadOnlySpan<int> labels, int rows, int classes, string valuesName)
        {
            KernelGuard.Positive(rows, nameof(rows));
            KernelGuard.Positive(classes, nameof(classes));
            KernelGuard.Length(values.Length, (long)rows * classes, valuesName, "(rows, classes)");
            KernelGuard.Length(labels.Length, rows, nameof(labels), "(rows)");
            for (int i = 0; i < labels.Length; i++)
            {
                if ((uint)labels[i] >= (uint)classes)
                {
                    throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"labels[{i}] = {labels[i]} is not a class in [0, {classes}).");
                }
            }
        }
    }
}
