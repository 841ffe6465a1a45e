using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SymGrad
{
    /// <summary>Level-1 helpers for optimizers and gradient bookkeeping, as thin TensorPrimitives wrappers.</summary>
    public static class VectorOps
    {
        /// <summary>
        /// y += α·x (BLAS axpy). x and y have equal length; y may be x itself but must not partially overlap it. A long
        /// update (an SGD step over a weight matrix) is split between two cores, as the large products are.
        /// </summary>
        public static void Axpy<T>(T alpha, ReadOnlySpan<T> x, Span<T> y)
            where T : IFloatingPointIeee754<T>
        {
            KernelGuard.Length(y.Length, x.Length, nameof(y), "x.Length");
            KernelGuard.SameOrDisjoint<T>(x, y, nameof(x), nameof(y));
            if (typeof(T) == typeof(float))
            {
                SplitAxpy(float.CreateTruncating(alpha), As<T, float>(x), As<T, float>(y));
            }
            else if (typeof(T) == typeof(double))
            {
                SplitAxpy(double.CreateTruncating(alpha), As<T, double>(x), As<T, double>(y));
            }
            else
            {
                TensorPrimitives.MultiplyAdd(x, alpha, y, y);
            }
        }

        /// <summary>The same span as <typeparamref name="TTo"/>, which the caller has checked is <typeparamref name="T"/>.</summary>
        private static Span<TTo> As<T, TTo>(ReadOnlySpan<T> span)
            => MemoryMarshal.CreateSpan(ref Unsafe.As<T, TTo>(ref MemoryMarshal.GetReference(span)), span.Length);

        /// <summary>Elements per row handed to <see cref="RowSplit"/> by Axpy and Clear: 16 KB runs of floats, a few long calls per block.</summary>
        private const int AxpyChunk = 4096;

        private static unsafe void SplitAxpy<T>(T alpha, ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            fixed (T* px = x, py = y)
            {
                var job = new AxpyJob<T> { X = px, Y = py, Alpha = alpha, Length = x.Length };
                int rows = (x.Length + AxpyChunk - 1) / AxpyChunk;
                RowSplit.Run(&job, rows, 3L * x.Length, &AxpyRows<T>);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimized from the first call: no tier-0 loops or late tier-ups inside a timed step
        private static unsafe void AxpyRows<T>(void* jobPointer, int r0, int r1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref AxpyJob<T> job = ref *(AxpyJob<T>*)jobPointer;
            int start = r0 * AxpyChunk, end = Math.Min(r1 * AxpyChunk, job.Length);
            if (start < end)
            {
                var y = new Span<T>(job.Y + start, end - start);
                TensorPrimitives.MultiplyAdd(new ReadOnlySpan<T>(job.X + start, end - start), job.Alpha, y, y);
            }
        }

        /// <summary>One Axpy call's pinned pointers, for <see cref="RowSplit"/>.</summary>
        private unsafe struct AxpyJob<T>
            where T : unmanaged
        {
            public T* X;
            public T* Y;
            public T Alpha;
            public int Length;
        }

        /// <summary>
        /// x = 0: resets accumulated gradients between steps. A long span (a weight matrix's gradient) is cleared by two
        /// cores, as <see cref="Axpy{T}"/> splits its update.
        /// </summary>
        public static unsafe void Clear<T>(Span<T> x)
            where T : unmanaged
        {
            fixed (T* px = x)
            {
                var job = new SpanJob<T> { X = px, Length = x.Length };
                RowSplit.Run(&job, (x.Length + AxpyChunk - 1) / AxpyChunk, x.Length, &ClearOrCopyRows<T>);
            }
        }

        /// <summary>destination = source (same length): a long copy (a workspace copy of an output's cotangent) by two cores.</summary>
        public static unsafe void Copy<T>(ReadOnlySpan<T> source, Span<T> destination)
            where T : unmanaged
        {
            if (source.Length != destination.Length)
            {
                throw new ArgumentException($"'{nameof(destination)}' has length {destination.Length}; expected {source.Length} (the length of '{nameof(source)}').", nameof(destination));
            }

            fixed (T* ps = source, pd = destination)
            {
                var job = new SpanJob<T> { X = pd, Source = ps, Length = source.Length };
                RowSplit.Run(&job, (source.Length + AxpyChunk - 1) / AxpyChunk, 2L * source.Length, &ClearOrCopyRows<T>);
            }
        }

        /// <summary>Chunks [r0, r1) of a Clear (no source) or a Copy.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimized from the first call: no tier-0 loops or late tier-ups inside a timed step
        private static unsafe void ClearOrCopyRows<T>(void* jobPointer, int r0, int r1)
            where T : unmanaged
        {
            ref SpanJob<T> job = ref *(SpanJob<T>*)jobPointer;
            int start = r0 * AxpyChunk, end = Math.Min(r1 * AxpyChunk, job.Length);
            if (start >= end)
            {
                return;
            }

            var target = new Span<T>(job.X + start, end - start);
            if (job.Source is null)
            {
                target.Clear();
            }
            else
            {
                new ReadOnlySpan<T>(job.Source + start, end - start).CopyTo(target);
            }
        }

        /// <summary>One Clear or Copy call's pinned pointers (Source null for Clear), for <see cref="RowSplit"/>.</summary>
        private unsafe struct SpanJob<T>
            where T : unmanaged
        {
            public T* X;
            public T* Source;
            public int Length;
        }

        /// <summary>x *= α, in place (BLAS scal).</summary>
        public static void Scale<T>(T alpha, Span<T> x)
            where T : IFloatingPointIeee754<T>
            => TensorPrimitives.Multiply(x, alpha, x);

        /// <summary>Σ x[i]·y[i] (BLAS dot); x and y have one length.</summary>
        public static T Dot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y)
            where T : IFloatingPointIeee754<T>
        {
            KernelGuard.Length(y.Length, x.Length, nameof(y), "x.Length");
            return TensorPrimitives.Dot(x, y);
        }

        /// <summary>destination = α·x. destination has x's length and may be x itself but must not partially overlap it.</summary>
        public static void Scale<T>(T alpha, ReadOnlySpan<T> x, Span<T> destination)
            where T : IFloatingPointIeee754<T>
        {
            KernelGuard.Length(destination.Length, x.Length, nameof(destination), "x.Length");
            KernelGuard.SameOrDisjoint<T>(x, destination, nameof(x), nameof(destination));
            TensorPrimitives.Multiply(x, alpha, destination);
        }

        /// <summary>Reference for <see cref="Axpy{T}"/>.</summary>
        public static void AxpyNaive<T>(T alpha, ReadOnlySpan<T> x, Span<T> y)
            where T : IFloatingPointIeee754<T>
        {
            KernelGuard.Length(y.Length, x.Length, nameof(y), "x.Length");
            KernelGuard.SameOrDisjoint<T>(x, y, nameof(x), nameof(y));
            for (int i = 0; i < x.Length; i++)
            {
                y[i] += alpha * x[i];
            }
        }
    }
}
