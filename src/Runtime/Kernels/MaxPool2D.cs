using System;
using System.Numerics;

namespace SymGrad
{
    /// <summary>
    /// 2-D max pooling over a batch, recording where each maximum came from so the backward routes each gradient to
    /// exactly that input (PyTorch's <c>max_pool2d_with_indices</c>).
    /// <code>
    /// // x is (N, C, H, W), y and indices are (N, C, OH, OW)
    /// // y[n, c, i, j] = max_{u &lt; PH, v &lt; PW} x[n, c, i·s − p + u, j·s − p + v]   (padding never wins)
    /// // indices[n, c, i, j] = the flat index into x of that maximum (the first one on ties)
    /// </code>
    /// </summary>
    public static class MaxPool2D
    {
        /// <summary>
        /// The arg-max of window (i, j) of one (H, W) plane, as an index into the plane: the first maximum on ties.
        /// Padding positions never win. Shared by the forward and by backwards that recompute the routing, so both
        /// always pick the same element.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        internal static int WindowArgMax<T>(ReadOnlySpan<T> plane, in Pool2DShape s, int i, int j)
            where T : IFloatingPointIeee754<T>
        {
            int h0 = Math.Max((i * s.Stride) - s.Padding, 0), h1 = Math.Min((i * s.Stride) - s.Padding + s.PoolHeight, s.Height);
            int q0 = Math.Max((j * s.Stride) - s.Padding, 0), q1 = Math.Min((j * s.Stride) - s.Padding + s.PoolWidth, s.Width);

            // Padding < window guarantees a non-empty window; NaN never compares greater, so it only wins if first.
            int best = (h0 * s.Width) + q0;
            T max = plane[best];
            for (int h = h0; h < h1; h++)
            {
                for (int q = q0; q < q1; q++)
                {
                    T value = plane[(h * s.Width) + q];
                    if (value > max)
                    {
                        max = value;
                        best = (h * s.Width) + q;
                    }
                }
            }

            return best;
        }

        /// <summary>Writes the window maxima to y and their flat indices into x to indices. y and indices are (N, C, OH, OW); y must not overlap x.</summary>
        public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, Span<int> indices, in Pool2DShape shape)
            where T : IFloatingPointIeee754<T>
        {
            shape.Validate(nameof(shape));
            KernelGuard.Length(x.Length, shape.InputLength, nameof(x), "(N, C, H, W)");
            KernelGuard.Length(y.Length, shape.OutputLength, nameof(y), "(N, C, OH, OW)");
            KernelGuard.Length(indices.Length, shape.OutputLength, nameof(indices), "(N, C, OH, OW)");
            KernelGuard.NoOverlap(x, y, nameof(x), nameof(y));

            Pool2DShape s = shape;
            int oh = s.OutHeight, ow = s.OutWidth, hw = s.Height * s.Width;
            for (int plane = 0; plane < s.Batch * s.Channels; plane++)
            {
                ReadOnlySpan<T> xp = x.Slice(plane * hw, hw);
                int outBase = plane * oh * ow;
                for (int i = 0; i < oh; i++)
                {
                    for (int j = 0; j < ow; j++)
                    {
                        int best = WindowArgMax(xp, s, i, j);
                        T max = xp[best];
                        y[outBase + (i * ow) + j] = max;
                        indices[outBase + (i * ow) + j] = (plane * hw) + best;
                    }
                }
            }
        }

        /// <summary>
        /// dx (+)= the gradient routed to each window's maximum: dx[indices[t]] += dy[t]. dy and indices are (N, C, OH, OW)
        /// (indices as written by <see cref="Forward{T}"/>), dx is (N, C, H, W) and must not overlap dy.
        /// </summary>
        public static void Backward<T>(ReadOnlySpan<T> dy, ReadOnlySpan<int> indices, Span<T> dx, in Pool2DShape shape, bool accumulate = true)
            where T : IFloatingPointIeee754<T>
        {
            shape.Validate(nameof(shape));
            KernelGuard.Length(dy.Length, shape.OutputLength, nameof(dy), "(N, C, OH, OW)");
            KernelGuard.Length(indices.Length, shape.OutputLength, nameof(indices), "(N, C, OH, OW)");
            KernelGuard.Length(dx.Length, shape.InputLength, nameof(dx), "(N, C, H, W)");
            KernelGuard.NoOverlap(dy, dx, nameof(dy), nameof(dx));
            for (int t = 0; t < indices.Length; t++)
            {
                if ((uint)indices[t] >= (uint)dx.Length)
                {
                    throw new ArgumentOutOfRangeException(nameof(indices), indices[t], $"indices[{t}] is outside dx (length {dx.Length}).");
                }
            }

            if (!accumulate)
            {
                dx.Clear();
            }

            for (int t = 0; t < indices.Length; t++)
            {
                dx[indices[t]] += dy[t];
            }
        }

        /// <summary>Reference for <see cref="Forward{T}"/>: every window position tested against the bounds, no indices.</summary>
        public static void ForwardNaive<T>(ReadOnlySpan<T> x, Span<T> y, in Pool2DShape shape)
            where T : IFloatingPointIeee754<T>
        {
            shape.Validate(nameof(shape));
            KernelGuard.Length(x.Length, shape.InputLength, nameof(x), "(N, C, H, W)");
            KernelGuard.Length(y.Length, shape.OutputLength, nameof(y), "(N, C, OH, OW)");
            KernelGuard.NoOverlap(x, y, nameof(x), nameof(y));
            Pool2DShape s = shape;
            int t = 0;
            for (int plane = 0; plane < s.Batch * s.Channels; plane++)
            {
                for (int i = 0; i < s.OutHeight; i++)
                {
                    for (int j = 0; j < s.OutWidth; j++)
                    {
                        T max = T.NegativeInfinity;
                        for (int u = 0; u < s.PoolHeight; u++)
                        {
                            for (int v = 0; v < s.PoolWidth; v++)
                            {
                                int h = (i * s.Stride) - s.Padding + u, q = (j * s.Stride) - s.Padding + v;
                                if ((uint)h < (uint)s.Height && (uint)q < (uint)s.Width)
                                {
                                    max = T.Max(max, x[(((plane * s.Height) + h) * s.Width) + q]);
                                }
                            }
                        }

                        y[t++] = max;
                    }
                }
            }
        }
    }
}
