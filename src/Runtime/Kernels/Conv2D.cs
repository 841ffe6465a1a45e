using System;
using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace SymGrad
{
    /// <summary>
    /// 2-D convolution (cross-correlation, as in PyTorch) over a batch, by im2col + GEMM.
    /// <code>
    /// // x is (N, C, H, W), w is (F, C, KH, KW), b is (F), y is (N, F, OH, OW)
    /// // y[n, f, i, j] = b[f] + Σ_c Σ_u Σ_v w[f, c, u, v] · x[n, c, i·s − p + u, j·s − p + v]   (x outside = 0)
    /// </code>
    /// For a group of g images, im2col lays the receptive fields out side by side as col (C·KH·KW, g·OH·OW), so the
    /// forward is W·col, the weight gradient dY·colᵀ and the input gradient col2im(Wᵀ·dY), each one GEMM per group.
    /// Stride-1 geometries on a machine with 512-bit vectors skip the column matrix (<see cref="Conv2DDirect"/>, measured 5–8× faster on workload C
    /// here); among them, 3×3 padding-1 layers with at least 8 channels and filters run all three kernels by Winograd
    /// F(2×2, 3×3) (<see cref="Conv2DWinograd"/>, 2.25× fewer multiplications; on the Fashion-MNIST second layer the forward,
    /// input gradient and weight gradient took 0.71×, 0.73× and 0.79–0.95× the direct kernel's time). Scratch comes from
    /// ArrayPool, so a steady-state call allocates nothing. Each kernel has a direct-loop <c>…Naive</c> reference, the test oracle.
    /// </summary>
    public static class Conv2D
    {
        /// <summary>Set by tests to run im2col + GEMM on this thread even where the direct kernel applies.</summary>
        [ThreadStatic]
        internal static bool t_forceIm2Col;

        private static bool UseDirect(in Conv2DShape s) => !t_forceIm2Col && Conv2DDirect.Supports(s);

        private static bool UseWinograd(in Conv2DShape s) => !t_forceIm2Col && Conv2DWinograd.Supports(s);

        /// <summary>y = conv(x, w) + b. x is (N, C, H, W), w is (F, C, KH, KW), b is (F) or empty for no bias, y is (N, F, OH, OW).</summary>
        public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, in Conv2DShape shape) => ForwardCore(x, w, b, y, shape);

        /// <inheritdoc cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DShape)"/>
        public static void Forward(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, Span<double> y, in Conv2DShape shape) => ForwardCore(x, w, b, y, shape);

        /// <summary>
        /// dx (+)= ∂L/∂x: dx[n, c, h, w'] = Σ over every output that read x[n, c, h, w'] of w[f, c, u, v] · dy[n, f, i, j].
        /// w is (F, C, KH, KW), dy is (N, F, OH, OW), dx is (N, C, H, W) and must not overlap w or dy.
        /// </summary>
        public static void BackwardInput(ReadOnlySpan<float> w, ReadOnlySpan<float> dy, Span<float> dx, in Conv2DShape shape, bool accumulate = true) => BackwardInputCore(w, dy, dx, shape, accumulate);

        /// <inheritdoc cref="BackwardInput(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DShape, bool)"/>
        public static void BackwardInput(ReadOnlySpan<double> w, ReadOnlySpan<double> dy, Span<double> dx, in Conv2DShape shape, bool accumulate = true) => BackwardInputCore(w, dy, dx, shape, accumulate);

        /// <summary>
        /// dw (+)= Σ_n dy_n · col(x_n)ᵀ and db (+)= Σ_n Σ_ij dy[n, f, i, j]. x is (N, C, H, W), dy is (N, F, OH, OW),
        /// dw is (F, C, KH, KW), db is (F) or empty to skip it; dw and db must not overlap x, dy or each other.
        /// </summary>
        public static void BackwardWeights(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw, Span<float> db, in Conv2DShape shape, bool accumulate = true) => BackwardWeightsCore(x, dy, dw, db, shape, accumulate);

        /// <inheritdoc cref="BackwardWeights(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, in Conv2DShape, bool)"/>
        public static void BackwardWeights(ReadOnlySpan<double> x, ReadOnlySpan<double> dy, Span<double> dw, Span<double> db, in Conv2DShape shape, bool accumulate = true) => BackwardWeightsCore(x, dy, dw, db, shape, accumulate);

        /// <summary>Reference for <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DShape)"/>: the seven direct loops.</summary>
        public static void ForwardNaive<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y, in Conv2DShape shape)
            where T : INumber<T>
        {
            ValidateForward(x, w, b, y, shape);
            Conv2DShape s = shape;
            int oh = s.OutHeight, ow = s.OutWidth;
            for (int n = 0; n < s.Batch; n++)
            {
                for (int f = 0; f < s.Filters; f++)
                {
                    for (int i = 0; i < oh; i++)
                    {
                        for (int j = 0; j < ow; j++)
                        {
                            T sum = b.IsEmpty ? T.Zero : b[f];
                            for (int c = 0; c < s.Channels; c++)
                            {
                                for (int u = 0; u < s.KernelHeight; u++)
                                {
                                    for (int v = 0; v < s.KernelWidth; v++)
                                    {
                                        int h = (i * s.Stride) - s.Padding + u, q = (j * s.Stride) - s.Padding + v;
                                        if ((uint)h < (uint)s.Height && (uint)q < (uint)s.Width)
                                        {
                                            sum += w[WeightIndex(s, f, c, u, v)] * x[InputIndex(s, n, c, h, q)];
                                        }
                                    }
                                }
                            }

                            y[(((n * s.Filters) + f) * oh * ow) + (i * ow) + j] = sum;
                        }
                    }
                }
            }
        }

        /// <summary>Reference for <see cref="BackwardInput(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DShape, bool)"/>: scatters each output's gradient through the direct loops.</summary>
        public static void BackwardInputNaive<T>(ReadOnlySpan<T> w, ReadOnlySpan<T> dy, Span<T> dx, in Conv2DShape shape, bool accumulate = true)
            where T : INumber<T>
        {
            ValidateBackwardInput(w, dy, dx, shape);
            Conv2DShape s = shape;
            if (!accumulate)
            {
                dx.Clear();
            }

            int oh = s.OutHeight, ow = s.OutWidth;
            for (int n = 0; n < s.Batch; n++)
            {
                for (int f = 0; f < s.Filters; f++)
                {
                    for (int i = 0; i < oh; i++)
                    {
                        for (int j = 0; j < ow; j++)
                        {
                            T g = dy[(((n * s.Filters) + f) * oh * ow) + (i * ow) + j];
                            for (int c = 0; c < s.Channels; c++)
                            {
                                for (int u = 0; u < s.KernelHeight; u++)
                                {
                                    for (int v = 0; v < s.KernelWidth; v++)
                                    {
                                        int h = (i * s.Stride) - s.Padding + u, q = (j * s.Stride) - s.Padding + v;
                                        if ((uint)h < (uint)s.Height && (uint)q < (uint)s.Width)
                                        {
                                            dx[InputIndex(s, n, c, h, q)] += w[WeightIndex(s, f, c, u, v)] * g;
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        /// <summary>Reference for <see cref="BackwardWeights(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, in Conv2DShape, bool)"/>.</summary>
        public static void BackwardWeightsNaive<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw, Span<T> db, in Conv2DShape shape, bool accumulate = true)
            where T : INumber<T>
        {
            ValidateBackwardWeights(x, dy, dw, db, shape);
            Conv2DShape s = shape;
            if (!accumulate)
            {
                dw.Clear();
                db.Clear();
            }

            int oh = s.OutHeight, ow = s.OutWidth;
            for (int n = 0; n < s.Batch; n++)
            {
                for (int f = 0; f < s.Filters; f++)
                {
                    for (int i = 0; i < oh; i++)
                    {
                        for (int j = 0; j < ow; j++)
                        {
                            T g = dy[(((n * s.Filters) + f) * oh * ow) + (i * ow) + j];
                            if (!db.IsEmpty)
                            {
                                db[f] += g;
                            }

                            for (int c = 0; c < s.Channels; c++)
                            {
                                for (int u = 0; u < s.KernelHeight; u++)
                                {
                                    for (int v = 0; v < s.KernelWidth; v++)
                                    {
                                        int h = (i * s.Stride) - s.Padding + u, q = (j * s.Stride) - s.Padding + v;
                                        if ((uint)h < (uint)s.Height && (uint)q < (uint)s.Width)
                                        {
                                            dw[WeightIndex(s, f, c, u, v)] += x[InputIndex(s, n, c, h, q)] * g;
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        /// <summary>
        /// Elements of im2col scratch per group of images (4 MB of floats): images are processed in groups so each GEMM is
        /// large enough to pack once and split over both cores (one image of the conv workload is only 16 × 75 × 784).
        /// </summary>
        private const int ColumnBudget = 1 << 20;

        private static int GroupSize(in Conv2DShape s) => Math.Clamp(ColumnBudget / s.ColumnLength, 1, s.Batch);

        internal static unsafe void ForwardCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y, in Conv2DShape shape)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateForward(x, w, b, y, shape);
            Conv2DShape s = shape;
            if (UseWinograd(s))
            {
                fixed (T* px = x, pw = w, pb = b, py = y)
                {
                    Conv2DWinograd.Forward(px, pw, b.IsEmpty ? null : pb, py, s, accumulate: false);
                }

                return;
            }

            if (UseDirect(s))
            {
                fixed (T* px = x, pw = w, pb = b, py = y)
                {
                    Conv2DDirect.Forward(px, pw, b.IsEmpty ? null : pb, py, s);
                }

                return;
            }

            int ckk = s.Channels * s.KernelHeight * s.KernelWidth, ohw = s.OutHeight * s.OutWidth, chw = s.Channels * s.Height * s.Width;
            int group = GroupSize(s);
            T[] colArray = ArrayPool<T>.Shared.Rent(ckk * group * ohw), outArray = ArrayPool<T>.Shared.Rent(s.Filters * group * ohw);
            for (int n0 = 0; n0 < s.Batch; n0 += group)
            {
                int g = Math.Min(group, s.Batch - n0), columns = g * ohw;
                Span<T> col = colArray.AsSpan(0, ckk * columns), yt = outArray.AsSpan(0, s.Filters * columns);
                for (int t = 0; t < g; t++)
                {
                    Im2Col(x.Slice((n0 + t) * chw, chw), col, columns, t * ohw, s);
                }

                // yt (F, g·OH·OW) = w (F, C·KH·KW) · col (C·KH·KW, g·OH·OW); then each image's (F, OH·OW) block moves to y, plus bias.
                Gemm.Run<T>(GemmForm.AB, w, col, yt, s.Filters, ckk, columns, false, GemmDriver.BestPath, Gemm.MaxThreads);
                for (int t = 0; t < g; t++)
                {
                    for (int f = 0; f < s.Filters; f++)
                    {
                        ReadOnlySpan<T> src = yt.Slice((f * columns) + (t * ohw), ohw);
                        Span<T> dst = y.Slice((((n0 + t) * s.Filters) + f) * ohw, ohw);
                        if (b.IsEmpty)
                        {
                            src.CopyTo(dst);
                        }
                        else
                        {
                            TensorPrimitives.Add(src, b[f], dst);
                        }
                    }
                }
            }

            ArrayPool<T>.Shared.Return(colArray);
            ArrayPool<T>.Shared.Return(outArray);
        }

        internal static void BackwardInputCore<T>(ReadOnlySpan<T> w, ReadOnlySpan<T> dy, Span<T> dx, in Conv2DShape shape, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateBackwardInput(w, dy, dx, shape);
            Conv2DShape s = shape;
            if (!accumulate)
            {
                dx.Clear();
            }

            if (UseWinograd(s))
            {
                BackwardInputWinograd(w, dy, dx, s, accumulate: true);
                return;
            }

            if (UseDirect(s))
            {
                BackwardDirect(default, w, dy, dx, default, default, s);
                return;
            }

            int ckk = s.Channels * s.KernelHeight * s.KernelWidth, ohw = s.OutHeight * s.OutWidth, chw = s.Channels * s.Height * s.Width;
            int group = GroupSize(s);
            T[] colArray = ArrayPool<T>.Shared.Rent(ckk * group * ohw), outArray = ArrayPool<T>.Shared.Rent(s.Filters * group * ohw);
            for (int n0 = 0; n0 < s.Batch; n0 += group)
            {
                int g = Math.Min(group, s.Batch - n0), columns = g * ohw;
                Span<T> dcol = colArray.AsSpan(0, ckk * columns), dyt = outArray.AsSpan(0, s.Filters * columns);
                GatherGroup(dy, dyt, n0, g, s.Filters, ohw);

                // dcol (C·KH·KW, g·OH·OW) = wᵀ · dyt, with w stored (F, C·KH·KW)
                Gemm.Run<T>(GemmForm.AtB, w, dyt, dcol, ckk, s.Filters, columns, false, GemmDriver.BestPath, Gemm.MaxThreads);
                for (int t = 0; t < g; t++)
                {
                    Col2ImAdd(dcol, columns, t * ohw, dx.Slice((n0 + t) * chw, chw), s);
                }
            }

            ArrayPool<T>.Shared.Return(colArray);
            ArrayPool<T>.Shared.Return(outArray);
        }

        internal static void BackwardWeightsCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw, Span<T> db, in Conv2DShape shape, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateBackwardWeights(x, dy, dw, db, shape);
            Conv2DShape s = shape;
            if (!accumulate)
            {
                dw.Clear();
                db.Clear();
            }

            if (UseWinograd(s))
            {
                BackwardWeightsWinograd(x, dy, dw, db, s);
                return;
            }

            if (UseDirect(s))
            {
                BackwardDirect(x, default, dy, default, dw, db, s);
                return;
            }

            int ckk = s.Channels * s.KernelHeight * s.KernelWidth, ohw = s.OutHeight * s.OutWidth, chw = s.Channels * s.Height * s.Width;
            int group = GroupSize(s);
            T[] colArray = ArrayPool<T>.Shared.Rent(ckk * group * ohw), outArray = ArrayPool<T>.Shared.Rent(s.Filters * group * ohw);
            for (int n0 = 0; n0 < s.Batch; n0 += group)
            {
                int g = Math.Min(group, s.Batch - n0), columns = g * ohw;
                Span<T> col = colArray.AsSpan(0, ckk * columns), dyt = outArray.AsSpan(0, s.Filters * columns);
                for (int t = 0; t < g; t++)
                {
                    Im2Col(x.Slice((n0 + t) * chw, chw), col, columns, t * ohw, s);
                }

                GatherGroup(dy, dyt, n0, g, s.Filters, ohw);

                // dw (F, C·KH·KW) += dyt (F, g·OH·OW) · colᵀ, with col stored (C·KH·KW, g·OH·OW)
                Gemm.Run<T>(GemmForm.ABt, dyt, col, dw, s.Filters, columns, ckk, true, GemmDriver.BestPath, Gemm.MaxThreads);
                if (!db.IsEmpty)
                {
                    for (int f = 0; f < s.Filters; f++)
                    {
                        db[f] += TensorPrimitives.Sum<T>(dyt.Slice(f * columns, columns));
                    }
                }
            }

            ArrayPool<T>.Shared.Return(colArray);
            ArrayPool<T>.Shared.Return(outArray);
        }

        /// <summary>
        /// dx += ∂L/∂x, dw += ∂L/∂w, db += ∂L/∂b, each skipped when empty: on the direct path one pass builds what both gradients
        /// read. Arguments are validated by the caller (Nn.Conv2DBackward).
        /// </summary>
        internal static void BackwardCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> dy, Span<T> dx, Span<T> dw, Span<T> db, in Conv2DShape shape, bool assignDx = false)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (UseWinograd(shape))
            {
                if (!dx.IsEmpty)
                {
                    BackwardInputWinograd(w, dy, dx, shape, accumulate: !assignDx);
                }

                if (!dw.IsEmpty)
                {
                    BackwardWeightsWinograd(x, dy, dw, db, shape);
                }

                return;
            }

            if (assignDx)
            {
                dx.Clear(); // the direct and im2col input gradients add into dx
            }

            if (UseDirect(shape) && !dw.IsEmpty)
            {
                BackwardDirect(x, w, dy, dx, dw, db, shape);
                return;
            }

            if (!dx.IsEmpty)
            {
                BackwardInputCore(w, dy, dx, shape, accumulate: true);
            }

            if (!dw.IsEmpty)
            {
                BackwardWeightsCore(x, dy, dw, db, shape, accumulate: true);
            }
        }

        private static unsafe void BackwardInputWinograd<T>(ReadOnlySpan<T> w, ReadOnlySpan<T> dy, Span<T> dx, in Conv2DShape s, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            fixed (T* pw = w, pdy = dy, pdx = dx)
            {
                Conv2DWinograd.BackwardInput(pw, pdy, pdx, s, accumulate);
            }
        }

        private static unsafe void BackwardWeightsWinograd<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw, Span<T> db, in Conv2DShape s)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            fixed (T* px = x, pdy = dy, pdw = dw, pdb = db)
            {
                Conv2DWinograd.BackwardWeights(px, pdy, pdw, db.IsEmpty ? null : pdb, s);
            }
        }

        private static unsafe void BackwardDirect<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> dy, Span<T> dx, Span<T> dw, Span<T> db, in Conv2DShape s)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            fixed (T* px = x, pw = w, pdy = dy, pdx = dx, pdw = dw, pdb = db)
            {
                Conv2DDirect.Backward(px, pw, pdy, dx.IsEmpty ? null : pdx, dw.IsEmpty ? null : pdw, db.IsEmpty ? null : pdb, s);
            }
        }

        /// <summary>dyt[f, t·OH·OW + k] = dy[n0 + t, f, k]: a group's output gradients as one (F, g·OH·OW) matrix.</summary>
        private static void GatherGroup<T>(ReadOnlySpan<T> dy, Span<T> dyt, int n0, int g, int filters, int ohw)
        {
            int columns = g * ohw;
            for (int t = 0; t < g; t++)
            {
                for (int f = 0; f < filters; f++)
                {
                    dy.Slice((((n0 + t) * filters) + f) * ohw, ohw).CopyTo(dyt.Slice((f * columns) + (t * ohw), ohw));
                }
            }
        }

        /// <summary>
        /// col[(c·KH + u)·KW + v, offset + i·OW + j] = x[c, i·s − p + u, j·s − p + v], 0 outside; col's rows are ld apart. For each (row, i) the valid j form
        /// one contiguous range, copied as a block when the stride is 1.
        /// </summary>
        private static void Im2Col<T>(ReadOnlySpan<T> image, Span<T> col, int ld, int offset, in Conv2DShape s)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int oh = s.OutHeight, ow = s.OutWidth;
            for (int c = 0; c < s.Channels; c++)
            {
                for (int u = 0; u < s.KernelHeight; u++)
                {
                    for (int v = 0; v < s.KernelWidth; v++)
                    {
                        Span<T> row = col.Slice(((((c * s.KernelHeight) + u) * s.KernelWidth) + v) * ld + offset, oh * ow);
                        (int j0, int j1) = ValidColumns(s, v, ow);
                        for (int i = 0; i < oh; i++)
                        {
                            Span<T> dst = row.Slice(i * ow, ow);
                            int h = (i * s.Stride) - s.Padding + u;
                            if ((uint)h >= (uint)s.Height || j0 >= j1)
                            {
                                dst.Clear();
                                continue;
                            }

                            dst[..j0].Clear();
                            dst[j1..].Clear();
                            ReadOnlySpan<T> src = image.Slice(((c * s.Height) + h) * s.Width, s.Width);
                            int q0 = (j0 * s.Stride) - s.Padding + v;
                            if (s.Stride == 1)
                            {
                                src.Slice(q0, j1 - j0).CopyTo(dst[j0..j1]);
                            }
                            else
                            {
                                for (int j = j0, q = q0; j < j1; j++, q += s.Stride)
                                {
                                    dst[j] = src[q];
                                }
                            }
                        }
                    }
                }
            }
        }

        /// <summary>The inverse scatter of <see cref="Im2Col{T}"/>, adding: dx[c, h, q] += dcol[row, offset + i·OW + j].</summary>
        private static void Col2ImAdd<T>(ReadOnlySpan<T> dcol, int ld, int offset, Span<T> dx, in Conv2DShape s)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int oh = s.OutHeight, ow = s.OutWidth;
            for (int c = 0; c < s.Channels; c++)
            {
                for (int u = 0; u < s.KernelHeight; u++)
                {
                    for (int v = 0; v < s.KernelWidth; v++)
                    {
                        ReadOnlySpan<T> row = dcol.Slice(((((c * s.KernelHeight) + u) * s.KernelWidth) + v) * ld + offset, oh * ow);
                        (int j0, int j1) = ValidColumns(s, v, ow);
                        if (j0 >= j1)
                        {
                            continue;
                        }

                        for (int i = 0; i < oh; i++)
                        {
                            int h = (i * s.Stride) - s.Padding + u;
                            if ((uint)h >= (uint)s.Height)
                            {
                                continue;
                            }

                            ReadOnlySpan<T> src = row.Slice(i * ow, ow);
                            Span<T> dst = dx.Slice(((c * s.Height) + h) * s.Width, s.Width);
                            int q0 = (j0 * s.Stride) - s.Padding + v;
                            if (s.Stride == 1)
                            {
                                Span<T> target = dst.Slice(q0, j1 - j0);
                                TensorPrimitives.Add(target, src[j0..j1], target);
                            }
                            else
                            {
                                for (int j = j0, q = q0; j < j1; j++, q += s.Stride)
                                {
                                    dst[q] += src[j];
                                }
                            }
                        }
                    }
                }
            }
        }

        /// <summary>The output columns j whose input column j·s − p + v lies inside [0, W): [j0, j1).</summary>
        private static (int J0, int J1) ValidColumns(in Conv2DShape s, int v, int ow)
        {
            int offset = v - s.Padding;                                          // input column of j = 0
            int j0 = offset >= 0 ? 0 : (-offset + s.Stride - 1) / s.Stride;      // first j with j·s + offset ≥ 0
            int j1 = s.Width - 1 - offset < 0 ? 0 : ((s.Width - 1 - offset) / s.Stride) + 1; // past the last j with j·s + offset ≤ W − 1
            return (j0, Math.Min(j1, ow));
        }

        private static int InputIndex(in Conv2DShape s, int n, int c, int h, int q) => (((((n * s.Channels) + c) * s.Height) + h) * s.Width) + q;

        private static int WeightIndex(in Conv2DShape s, int f, int c, int u, int v) => (((((f * s.Channels) + c) * s.KernelHeight) + u) * s.KernelWidth) + v;

        private static void ValidateForward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y, in Conv2DShape shape)
        {
            shape.Validate(nameof(shape));
            KernelGuard.Length(x.Length, shape.InputLength, nameof(x), "(N, C, H, W)");
            KernelGuard.Length(w.Length, shape.WeightLength, nameof(w), "(F, C, KH, KW)");
            if (!b.IsEmpty)
            {
                KernelGuard.Length(b.Length, shape.Filters, nameof(b), "(F) or empty");
                KernelGuard.NoOverlap(b, y, nameof(b), nameof(y));
            }

            KernelGuard.Length(y.Length, shape.OutputLength, nameof(y), "(N, F, OH, OW)");
            KernelGuard.NoOverlap(x, y, nameof(x), nameof(y));
            KernelGuard.NoOverlap(w, y, nameof(w), nameof(y));
        }

        private static void ValidateBackwardInput<T>(ReadOnlySpan<T> w, ReadOnlySpan<T> dy, Span<T> dx, in Conv2DShape shape)
        {
            shape.Validate(nameof(shape));
            KernelGuard.Length(w.Length, shape.WeightLength, nameof(w), "(F, C, KH, KW)");
            KernelGuard.Length(dy.Length, shape.OutputLength, nameof(dy), "(N, F, OH, OW)");
            KernelGuard.Length(dx.Length, shape.InputLength, nameof(dx), "(N, C, H, W)");
            KernelGuard.NoOverlap(w, dx, nameof(w), nameof(dx));
            KernelGuard.NoOverlap(dy, dx, nameof(dy), nameof(dx));
        }

        private static void ValidateBackwardWeights<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw, Span<T> db, in Conv2DShape shape)
        {
            shape.Validate(nameof(shape));
            KernelGuard.Length(x.Length, shape.InputLength, nameof(x), "(N, C, H, W)");
            KernelGuard.Length(dy.Length, shape.OutputLength, nameof(dy), "(N, F, OH, OW)");
            KernelGuard.Length(dw.Length, shape.WeightLength, nameof(dw), "(F, C, KH, KW)");
            KernelGuard.NoOverlap(x, dw, nameof(x), nameof(dw));
            KernelGuard.NoOverlap(dy, dw, nameof(dy), nameof(dw));
            if (!db.IsEmpty)
            {
                KernelGuard.Length(db.Length, shape.Filters, nameof(db), "(F) or empty");
                KernelGuard.NoOverlap(x, db, nameof(x), nameof(db));
                KernelGuard.NoOverlap(dy, db, nameof(dy), nameof(db));
                KernelGuard.NoOverlap(dw, db, nameof(dw), nameof(db));
            }
        }
    }
}
