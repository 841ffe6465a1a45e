using System;
using System.Runtime.CompilerServices;
using System.Numerics;
using System.Numerics.Tensors;

namespace SymGrad
{
    /// <summary>ReLU forward and backward over long spans (a convolution's 400k outputs), split between two cores.</summary>
    public static partial class Activations
    {
        /// <summary>
        /// Length from which ReLU and its backward run on two cores (<see cref="RowSplit"/>): a 400k-element pass is
        /// memory-bound and takes ~60–80 µs on one core; below 128k elements (a 256×256 dense layer) the pass is a few
        /// microseconds and not worth a hand-off.
        /// </summary>
        internal const int SplitLength = 1 << 17;

        /// <summary>Elements per row handed to <see cref="RowSplit"/>: 64 KB of floats.</summary>
        private const int SplitChunk = 16384;

        private static unsafe void SplitRelu<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            fixed (T* px = x, py = y)
            {
                var job = new ChunkJob<T> { X = px, Destination = py, Length = x.Length };
                RowSplit.Run(&job, Chunks(x.Length), 2L * x.Length, &ReluChunks<T>);
            }
        }

        private static unsafe void SplitReluBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            fixed (T* px = x, pdy = dy, pdx = dx)
            {
                var job = new ChunkJob<T> { X = px, Gradient = pdy, Destination = pdx, Length = x.Length, Accumulate = accumulate };
                RowSplit.Run(&job, Chunks(x.Length), 3L * x.Length, &ReluBackwardChunks<T>);
            }
        }

        private static int Chunks(int length) => (length + SplitChunk - 1) / SplitChunk;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimized from the first call: no tier-0 loops or late tier-ups inside a timed step
        private static unsafe void ReluChunks<T>(void* jobPointer, int r0, int r1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref ChunkJob<T> job = ref *(ChunkJob<T>*)jobPointer;
            int start = r0 * SplitChunk, length = Math.Min(r1 * SplitChunk, job.Length) - start;
            TensorPrimitives.Max(new ReadOnlySpan<T>(job.X + start, length), T.Zero, new Span<T>(job.Destination + start, length));
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimized from the first call: no tier-0 loops or late tier-ups inside a timed step
        private static unsafe void ReluBackwardChunks<T>(void* jobPointer, int r0, int r1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref ChunkJob<T> job = ref *(ChunkJob<T>*)jobPointer;
            int start = r0 * SplitChunk, length = Math.Min(r1 * SplitChunk, job.Length) - start;
            Apply(new LeakyReluGrad<T>(T.Zero), new ReadOnlySpan<T>(job.X + start, length), new ReadOnlySpan<T>(job.Gradient + start, length),
                new Span<T>(job.Destination + start, length), job.Accumulate);
        }

        /// <summary>One split call's pinned spans (the caller keeps them pinned while both threads run).</summary>
        private unsafe struct ChunkJob<T>
            where T : unmanaged
        {
            public T* X;
            public T* Gradient;
            public T* Destination;
            public int Length;
            public bool Accumulate;
        }
    }
}
