using System;
using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SymGrad
{
    /// <summary>
    /// Stride-1 convolution with no column matrix ("shifted rows"). With an image zero-padded to (C, Hp, Wp) and the outputs
    /// of a filter numbered q = i·Wp + j along "wide" rows of Wp columns (the last KW − 1 of each row are computed, then dropped),
    /// <code>
    /// y[f, q]            = b[f] + Σ_(c,u,v) w[f, c, u, v] · xpad[c·Hp·Wp + u·Wp + v + q]
    /// dxpad[c, q]        = Σ_(f,u,v) w[f, c, u, v] · dy[f, q − u·Wp − v]        (dy wide, zero outside its OH × OW)
    /// dw[f, (c, u, v)]   = Σ_n Σ_q dy[n, f, q] · xpad[n, c·Hp·Wp + u·Wp + v + q]
    /// </code>
    /// For each (c, u, v) the inputs of consecutive outputs are consecutive, so a register tile of 4 filters × 4 vectors of q
    /// loads them straight from the padded image with one broadcast weight per filter: no im2col copy, no packed panel of B.
    /// The input gradient is the same tile with channels as rows (a layer of 1–3 channels: Conv2DDirect.ChannelTile.cs)
    /// and the zero-margined dy as the image; the weight gradient
    /// dots 4 rows of dy with 4 shifted rows of the images, summed over the whole batch in registers.
    /// Both cores share the work through <see cref="RowSplit"/> (blocks of images, then blocks of filters), so a late worker
    /// costs little. Scratch comes from ArrayPool, so a steady-state call allocates nothing.
    /// </summary>
    internal static unsafe partial class Conv2DDirect
    {
        /// <summary>Filters (channels, for the input gradient) per register tile, and shifted rows per weight-gradient tile.</summary>
        internal const int Rows = 4;

        /// <summary>Vectors of outputs per register tile: 4 × 4 accumulators, 16 FMAs per 4 loads and 4 broadcasts.</summary>
        internal const int Vectors = 4;

        /// <summary>Elements of wide dy and padded images the backward builds at once (16 MB of floats): larger batches go in chunks.</summary>
        private const long ChunkBudget = 1 << 22;

        /// <summary>Set by tests to force small chunks on this thread; 0 = <see cref="ChunkBudget"/>.</summary>
        [ThreadStatic]
        internal static long t_chunkBudget;

        /// <summary>The shapes this kernel computes: stride 1 on a machine with 512-bit vectors (others use im2col + GEMM).</summary>
        internal static bool Supports(in Conv2DShape s)
            => s.Stride == 1 && Vector512.IsHardwareAccelerated
            && (long)s.Filters * s.Channels * (s.Height + (2 * s.Padding) + s.KernelHeight) * (s.Width + (2 * s.Padding) + s.KernelWidth) < ChunkBudget;

        /// <summary>y = conv(x, w) + b (b null for no bias); y is overwritten.</summary>
        internal static void Forward<T>(T* x, T* w, T* b, T* y, in Conv2DShape s)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var plan = new Plan(s, Vector512<T>.Count);
            int packedLength = plan.Filters4 * plan.InputDepth;
            T[] packedArray = ArrayPool<T>.Shared.Rent(packedLength + plan.Filters4);
            int[] offsetArray = ArrayPool<int>.Shared.Rent(plan.InputDepth4);
            fixed (T* packed = packedArray)
            fixed (int* offsets = offsetArray)
            {
                PackRows(w, s.Filters, plan.InputDepth, packed);
                T* bias = packed + packedLength;
                for (int f = 0; f < plan.Filters4; f++)
                {
                    bias[f] = b is not null && f < s.Filters ? b[f] : T.Zero;
                }

                ImageOffsets(s, plan, offsets);
                var job = new Job { Shape = s, Plan = plan, Count = s.Batch, X = x, Y = y, Packed = packed, Bias = bias, Offsets = offsets };
                RowSplit.Run(&job, s.Batch, MultiplyAdds(s), &ForwardImages<T>);
            }

            ArrayPool<T>.Shared.Return(packedArray);
            ArrayPool<int>.Shared.Return(offsetArray);
        }

        /// <summary>
        /// dx += ∂L/∂x, dw += ∂L/∂w, db += ∂L/∂b from dy; each skipped when its pointer is null. Two passes over both cores:
        /// per block of images, the wide dy and padded x are built and the input gradient computed; then per block of
        /// filters, the weight (and bias) gradient of those filters over every image.
        /// </summary>
        internal static void Backward<T>(T* x, T* w, T* dy, T* dx, T* dw, T* db, in Conv2DShape s)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var plan = new Plan(s, Vector512<T>.Count);
            int packedLength = plan.GradChannels * plan.GradDepth;

            // Without an input gradient the nine-tap weight gradient reads dy where it lies, row by row, and sums the bias
            // gradient on the way: no wide copy of dy (for a first layer, 7 MB written and read back) and no second pass.
            bool dyInPlace = dx is null && NineTaps(s);
            long perImage = (dyInPlace ? 0 : (long)plan.GradImage) + (dw is null ? 0 : plan.Image);
            int chunk = (int)Math.Clamp((t_chunkBudget > 0 ? t_chunkBudget : ChunkBudget) / perImage, 1, s.Batch);
            T[] packedArray = ArrayPool<T>.Shared.Rent(packedLength + Rows);
            T[] imageArray = ArrayPool<T>.Shared.Rent(checked((int)(chunk * perImage)));
            int[] offsetArray = ArrayPool<int>.Shared.Rent(plan.InputDepth4 + plan.GradDepth);
            fixed (T* packed = packedArray, images = imageArray)
            fixed (int* offsets = offsetArray)
            {
                if (dx is not null)
                {
                    PackChannels(w, s, plan, packed);
                }

                new Span<T>(packed + packedLength, Rows).Clear(); // the input-gradient tile's "bias"
                ImageOffsets(s, plan, offsets);
                GradientOffsets(s, plan, offsets + plan.InputDepth4);
                long chw = (long)s.Channels * s.Height * s.Width, fhw = (long)s.Filters * s.OutHeight * s.OutWidth;
                int filterRows = NineTaps(s) ? ((s.Filters + 1) / 2) * s.Channels : (plan.Filters4 / Rows) * DepthSlices;
                for (int first = 0; first < s.Batch; first += chunk)
                {
                    int count = Math.Min(chunk, s.Batch - first);
                    var job = new Job
                    {
                        Shape = s, Plan = plan, Count = count, X = x + (first * chw), Dy = dy + (first * fhw), Dx = dx is null ? null : dx + (first * chw),
                        Dw = dw, Db = db, Packed = packed, Bias = packed + packedLength, Offsets = offsets, GradOffsets = offsets + plan.InputDepth4,
                        GradImages = dyInPlace ? null : images, PaddedImages = images + (dyInPlace ? 0 : (long)chunk * plan.GradImage),
                    };
                    long work = MultiplyAdds(s) / s.Batch * count;
                    RowSplit.Run(&job, count, work, &PrepareImages<T>);
                    if (dw is not null || db is not null)
                    {
                        RowSplit.Run(&job, filterRows, work, NineTaps(s) ? &NineTapRows<T> : &WeightGradientRows<T>);
                    }
                }
            }

            ArrayPool<T>.Shared.Return(packedArray);
            ArrayPool<T>.Shared.Return(imageArray);
            ArrayPool<int>.Shared.Return(offsetArray);
        }

        private static long MultiplyAdds(in Conv2DShape s) => (long)s.Batch * s.Filters * s.Channels * s.KernelHeight * s.KernelWidth * s.OutHeight * s.OutWidth;

        /// <summary>Forward of images [n0, n1), with its own padded image and wide output.</summary>
        private static void ForwardImages<T>(void* pointer, int n0, int n1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref readonly Job job = ref *(Job*)pointer;
            Conv2DShape s = job.Shape;
            Plan plan = job.Plan;
            T[] scratchArray = ArrayPool<T>.Shared.Rent(plan.Image + (plan.Filters4 * plan.OutWide));
            fixed (T* xpad = scratchArray)
            {
                T* wide = xpad + plan.Image;
                T* x = (T*)job.X, y = (T*)job.Y, packed = (T*)job.Packed, bias = (T*)job.Bias;
                int lanes = Vector512<T>.Count, ohw = s.OutHeight * s.OutWidth;
                new Span<T>(xpad, plan.Image).Clear();
                for (int n = n0; n < n1; n++)
                {
                    Pad(x + ((long)n * s.Channels * s.Height * s.Width), xpad, s, plan);
                    for (int q = 0; q < plan.OutWide;)
                    {
                        int step = plan.OutWide - q >= Vectors * lanes ? Vectors * lanes : lanes;
                        for (int fb = 0; fb < plan.Filters4; fb += Rows)
                        {
                            Tile(step == lanes, packed + (fb * plan.InputDepth), bias + fb, xpad + q, job.Offsets, plan.InputDepth, wide + (fb * plan.OutWide) + q, plan.OutWide);
                        }

                        q += step;
                    }

                    for (int f = 0; f < s.Filters; f++)
                    {
                        Simd.CopyRows(wide + (f * plan.OutWide), plan.Wp, y + (((long)n * s.Filters) + f) * ohw, s.OutWidth, s.OutHeight, s.OutWidth, add: false);
                    }
                }
            }

            ArrayPool<T>.Shared.Return(scratchArray);
        }

        /// <summary>Images [n0, n1) of the backward: their wide dy and (for dw) padded x, then (for dx) their input gradient.</summary>
        private static void PrepareImages<T>(void* pointer, int n0, int n1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref readonly Job job = ref *(Job*)pointer;
            Conv2DShape s = job.Shape;
            Plan plan = job.Plan;
            T* x = (T*)job.X, dy = (T*)job.Dy, dx = (T*)job.Dx;
            int ohw = s.OutHeight * s.OutWidth, hw = s.Height * s.Width;
            bool wantWeights = job.Dw is not null;
            for (int n = n0; n < n1; n++)
            {
                if (job.GradImages is null)
                {
                    PadWhole(x + ((long)n * s.Channels * hw), (T*)job.PaddedImages + ((long)n * plan.Image), s, plan);
                    continue; // dy is read in place (NineTapRows)
                }

                // Every element is written once (values or zeros): no clearing pass first.
                T* g = (T*)job.GradImages + ((long)n * plan.GradImage);
                int tail = plan.GradPlane - plan.Margin - (s.OutHeight * plan.Wp);
                for (int f = 0; f < s.Filters; f++)
                {
                    T* plane = g + (f * plan.GradPlane);
                    new Span<T>(plane, plan.Margin).Clear();
                    WriteRows(dy + (((long)n * s.Filters) + f) * ohw, s.OutWidth, plane + plan.Margin, plan.Wp, s.OutHeight, s.OutWidth);
                    new Span<T>(plane + plan.Margin + (s.OutHeight * plan.Wp), tail).Clear();
                }

                new Span<T>(g + (s.Filters * plan.GradPlane), (plan.Filters4 - s.Filters) * plan.GradPlane).Clear();
                if (wantWeights)
                {
                    PadWhole(x + ((long)n * s.Channels * hw), (T*)job.PaddedImages + ((long)n * plan.Image), s, plan);
                }
            }

            if (dx is null)
            {
                return;
            }

            T[] scratchArray = ArrayPool<T>.Shared.Rent(plan.GradChannels * plan.InWide);
            fixed (T* dxWide = scratchArray)
            {
                // Only the rows of the padded input that hold x: q' from p·Wp.
                int first = s.Padding * plan.Wp;
                for (int n = n0; n < n1; n++)
                {
                    T* g = (T*)job.GradImages + ((long)n * plan.GradImage) + first;
                    // Channel blocks outside: one block's packed weights (F·KH·KW × its channels) stay in L1 while the image's wide dy streams.
                    for (int cb = 0; cb < plan.GradChannels; cb += plan.ChannelRows)
                    {
                        ChannelBlock(plan.ChannelRows, (T*)job.Packed + (cb * plan.GradDepth), (T*)job.Bias, g, job.GradOffsets, plan.GradDepth, dxWide + (cb * plan.InWide), plan.InWide);
                    }

                    for (int c = 0; c < s.Channels; c++)
                    {
                        Simd.CopyRows(dxWide + (c * plan.InWide) + s.Padding, plan.Wp, dx + (((long)n * s.Channels) + c) * hw, s.Width, s.Height, s.Width, add: true);
                    }
                }
            }

            ArrayPool<T>.Shared.Return(scratchArray);
        }

        /// <summary>
        /// 3×3 kernels take the weight gradient two filters × one channel's nine taps at a time (<see cref="NineTapTile{T}"/>):
        /// each filter's wide dy is read once per channel instead of once per four taps.
        /// </summary>
        private static bool NineTaps(in Conv2DShape s) => s.KernelHeight == 3 && s.KernelWidth == 3 && Avx512F.IsSupported;

        /// <summary>Rows [r0, r1) = (pair of filters, channel) of the second pass: their dw (and, for channel 0, db) over every image of the chunk.</summary>
        private static void NineTapRows<T>(void* pointer, int r0, int r1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref readonly Job job = ref *(Job*)pointer;
            Conv2DShape s = job.Shape;
            Plan plan = job.Plan;
            T* dw = (T*)job.Dw, db = (T*)job.Db, grads = (T*)job.GradImages, padded = (T*)job.PaddedImages;
            T* sums = stackalloc T[20];
            int ohw = s.OutHeight * s.OutWidth;
            bool inPlace = job.GradImages is null;
            for (int row = r0; row < r1; row++)
            {
                int f = row / s.Channels * 2, c = row % s.Channels;

                // dy in place: the bias gradient comes from the same pass (with channel 0); the wide copy sums it apart.
                bool bias = db is not null && c == 0;
                if (dw is not null || (bias && inPlace))
                {
                    T* x = padded + (c * plan.Plane);
                    if (inPlace)
                    {
                        NineTapTile((T*)job.Dy + ((long)f * ohw), ohw, f + 1 < s.Filters, (nint)s.Filters * ohw, s.OutHeight, s.OutWidth, x, plan.Wp, plan.Image, job.Count, bias, sums);
                    }
                    else
                    {
                        // The wide planes: one "row" of OutWide per image, its padding columns zeros; a missing second filter's plane is zeros too.
                        NineTapTile(grads + plan.Margin + (f * plan.GradPlane), plan.GradPlane, true, plan.GradImage, 1, plan.OutWide, x, plan.Wp, plan.Image, job.Count, false, sums);
                    }

                    for (int r = 0; r < 2 && f + r < s.Filters; r++)
                    {
                        if (dw is not null)
                        {
                            T* target = dw + ((((f + r) * s.Channels) + c) * 9);
                            for (int t = 0; t < 9; t++)
                            {
                                target[t] += sums[(r * 9) + t];
                            }
                        }

                        if (bias && inPlace)
                        {
                            db[f + r] += sums[18 + r];
                        }
                    }
                }

                if (bias && !inPlace)
                {
                    AddBiasSums<T>(job, f, f + 2);
                }
            }
        }

        /// <summary>
        /// result[r·9 + u·3 + v] = Σ_n Σ_(i &lt; rows) Σ_(j &lt; length) dy[n·dyImage + r·dySecond + i·length + j] · x[n·xImage + (i + u)·wp + j + v]
        /// for the filter at <paramref name="dy"/> (r = 0) and, when <paramref name="second"/>, the next (r = 1), and the 3 × 3
        /// taps (u, v) of one channel of the padded image x (row stride wp). Per kernel row two loads of x give its three
        /// shifts (valign), so 18 FMAs take 2 loads of dy and 6 of x, and dy is streamed once for all nine taps. The last
        /// vector of a row is masked: its lanes past the row load zeros from dy, so the x they meet (the padded image's next
        /// columns, or its tail) adds nothing. With <paramref name="bias"/>, result[18 + r] is also filter r's sum of dy.
        /// Called on dy as it lies (rows of OW), or on the wide copy (one row of OutWide per image, zeros in its padding).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void NineTapTile<T>(T* dy, nint dySecond, bool second, nint dyImage, int rows, int length, T* x, nint wp, nint xImage, int images, bool bias, T* result)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int w = Vector512<T>.Count;
            Vector512<T> lane = Simd.Indices<T>();
            Vector512<T> a00 = default, a01 = default, a02 = default, a10 = default, a11 = default, a12 = default, a20 = default, a21 = default, a22 = default;
            Vector512<T> b00 = default, b01 = default, b02 = default, b10 = default, b11 = default, b12 = default, b20 = default, b21 = default, b22 = default;
            Vector512<T> sumA = default, sumB = default;
            for (int n = 0; n < images; n++, dy += dyImage, x += xImage)
            {
                for (int i = 0; i < rows; i++)
                {
                    T* d = dy + (i * length), xRow = x + (i * wp);
                    for (int j = 0; j < length; j += w)
                    {
                        Vector512<T> inRow = Vector512.LessThan(lane, Vector512.Create(T.CreateTruncating(length - j)));
                        Vector512<T> d0 = Simd.MaskedLoad(d + j, inRow);
                        Vector512<T> d1 = second ? Simd.MaskedLoad(d + dySecond + j, inRow) : default;
                        T* row = xRow + j;
                        Vector512<T> lo = Vector512.Load(row), hi = Vector512.Load(row + w);
                        Vector512<T> s1 = Simd.ShiftIn(lo, hi, 1), s2 = Simd.ShiftIn(lo, hi, 2);
                        a00 = Simd.Fma(d0, lo, a00); a01 = Simd.Fma(d0, s1, a01); a02 = Simd.Fma(d0, s2, a02);
                        b00 = Simd.Fma(d1, lo, b00); b01 = Simd.Fma(d1, s1, b01); b02 = Simd.Fma(d1, s2, b02);
                        row += wp;
                        lo = Vector512.Load(row); hi = Vector512.Load(row + w);
                        s1 = Simd.ShiftIn(lo, hi, 1); s2 = Simd.ShiftIn(lo, hi, 2);
                        a10 = Simd.Fma(d0, lo, a10); a11 = Simd.Fma(d0, s1, a11); a12 = Simd.Fma(d0, s2, a12);
                        b10 = Simd.Fma(d1, lo, b10); b11 = Simd.Fma(d1, s1, b11); b12 = Simd.Fma(d1, s2, b12);
                        row += wp;
                        lo = Vector512.Load(row); hi = Vector512.Load(row + w);
                        s1 = Simd.ShiftIn(lo, hi, 1); s2 = Simd.ShiftIn(lo, hi, 2);
                        a20 = Simd.Fma(d0, lo, a20); a21 = Simd.Fma(d0, s1, a21); a22 = Simd.Fma(d0, s2, a22);
                        b20 = Simd.Fma(d1, lo, b20); b21 = Simd.Fma(d1, s1, b21); b22 = Simd.Fma(d1, s2, b22);
                        if (bias)
                        {
                            sumA += d0;
                            sumB += d1;
                        }
                    }
                }
            }

            StoreSums3(result, a00, a01, a02);
            StoreSums3(result + 3, a10, a11, a12);
            StoreSums3(result + 6, a20, a21, a22);
            StoreSums3(result + 9, b00, b01, b02);
            StoreSums3(result + 12, b10, b11, b12);
            StoreSums3(result + 15, b20, b21, b22);
            result[18] = Vector512.Sum(sumA);
            result[19] = Vector512.Sum(sumB);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreSums3<T>(T* result, Vector512<T> v0, Vector512<T> v1, Vector512<T> v2)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            result[0] = Vector512.Sum(v0);
            result[1] = Vector512.Sum(v1);
            result[2] = Vector512.Sum(v2);
        }

        /// <summary>Slices of the weight-gradient depth per filter block: rows of the second pass are (filter block, slice).</summary>
        private const int DepthSlices = 4;

        /// <summary>Rows [r0, r1) of the second pass: dw (and, for slice 0, db) of one block of filters over every image of the chunk.</summary>
        private static void WeightGradientRows<T>(void* pointer, int r0, int r1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref readonly Job job = ref *(Job*)pointer;
            Conv2DShape s = job.Shape;
            Plan plan = job.Plan;
            T* dw = (T*)job.Dw, db = (T*)job.Db, grads = (T*)job.GradImages, padded = (T*)job.PaddedImages;
            int tiles = plan.InputDepth4 / Rows, perSlice = (tiles + DepthSlices - 1) / DepthSlices;
            T* sums = stackalloc T[Rows * Rows];
            for (int row = r0; row < r1; row++)
            {
                int fb = row / DepthSlices * Rows, slice = row % DepthSlices;
                if (dw is not null)
                {
                    for (int tile = slice * perSlice; tile < Math.Min(tiles, (slice + 1) * perSlice); tile++)
                    {
                        int kb = tile * Rows;
                        DotTile(grads + plan.Margin + (fb * plan.GradPlane), plan.GradPlane, plan.GradImage, padded, plan.Image, job.Offsets + kb, job.Count, plan.OutWide, sums, Rows);
                        for (int r = 0; r < Rows && fb + r < s.Filters; r++)
                        {
                            for (int t = 0; t < Rows && kb + t < plan.InputDepth; t++)
                            {
                                dw[((fb + r) * plan.InputDepth) + kb + t] += sums[(r * Rows) + t];
                            }
                        }
                    }
                }

                if (db is not null && slice == 0)
                {
                    AddBiasSums<T>(job, fb, fb + Rows);
                }
            }
        }

        private static void AddBiasSums<T>(in Job job, int f0, int f1)
            where T : unmanaged, IFloatingPointIeee754<T>
            => AddBiasSums((T*)job.Dy, (T*)job.Db, job.Shape, job.Count, f0, f1);

        /// <summary>
        /// db[f] += Σ over images [0, <paramref name="images"/>) and positions of dy[n, f, ·, ·], for filters [f0, f1) clipped to
        /// F: each filter's total summed over the images in order, then added once (the same on one core or two).
        /// </summary>
        internal static void AddBiasSums<T>(T* dy, T* db, in Conv2DShape s, int images, int f0, int f1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int ohw = s.OutHeight * s.OutWidth;
            for (int f = f0; f < Math.Min(f1, s.Filters); f++)
            {
                T total = T.Zero;
                for (int n = 0; n < images; n++)
                {
                    total += TensorPrimitives.Sum(new ReadOnlySpan<T>(dy + ((((long)n * s.Filters) + f) * ohw), ohw));
                }

                db[f] += total;
            }
        }

        /// <summary>
        /// Rows × (4 vectors, or 1 when <paramref name="single"/>) outputs: c[r, ·] = bias[r] + Σ_k a[k·Rows + r] · src[offsets[k] + ·].
        /// a is one packed block of <see cref="Rows"/> filters, k-major.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static void Tile<T>(bool single, T* a, T* bias, T* src, int* offsets, int depth, T* c, nint ldc)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            nint w = Vector512<T>.Count;
            Vector512<T> c00 = Vector512.Create(bias[0]), c10 = Vector512.Create(bias[1]), c20 = Vector512.Create(bias[2]), c30 = Vector512.Create(bias[3]);
            if (single)
            {
                for (int k = 0; k < depth; k++, a += Rows)
                {
                    Vector512<T> b0 = Vector512.Load(src + offsets[k]);
                    c00 = Simd.Fma(Vector512.Create(a[0]), b0, c00);
                    c10 = Simd.Fma(Vector512.Create(a[1]), b0, c10);
                    c20 = Simd.Fma(Vector512.Create(a[2]), b0, c20);
                    c30 = Simd.Fma(Vector512.Create(a[3]), b0, c30);
                }

                Vector512.Store(c00, c);
                Vector512.Store(c10, c + ldc);
                Vector512.Store(c20, c + (2 * ldc));
                Vector512.Store(c30, c + (3 * ldc));
                return;
            }

            Vector512<T> c01 = c00, c02 = c00, c03 = c00, c11 = c10, c12 = c10, c13 = c10;
            Vector512<T> c21 = c20, c22 = c20, c23 = c20, c31 = c30, c32 = c30, c33 = c30;
            for (int k = 0; k < depth; k++, a += Rows)
            {
                T* s = src + offsets[k];
                Vector512<T> b0 = Vector512.Load(s), b1 = Vector512.Load(s + w), b2 = Vector512.Load(s + (2 * w)), b3 = Vector512.Load(s + (3 * w));
                Vector512<T> a0 = Vector512.Create(a[0]);
                c00 = Simd.Fma(a0, b0, c00);
                c01 = Simd.Fma(a0, b1, c01);
                c02 = Simd.Fma(a0, b2, c02);
                c03 = Simd.Fma(a0, b3, c03);
                Vector512<T> a1 = Vector512.Create(a[1]);
                c10 = Simd.Fma(a1, b0, c10);
                c11 = Simd.Fma(a1, b1, c11);
                c12 = Simd.Fma(a1, b2, c12);
                c13 = Simd.Fma(a1, b3, c13);
                Vector512<T> a2 = Vector512.Create(a[2]);
                c20 = Simd.Fma(a2, b0, c20);
                c21 = Simd.Fma(a2, b1, c21);
                c22 = Simd.Fma(a2, b2, c22);
                c23 = Simd.Fma(a2, b3, c23);
                Vector512<T> a3 = Vector512.Create(a[3]);
                c30 = Simd.Fma(a3, b0, c30);
                c31 = Simd.Fma(a3, b1, c31);
                c32 = Simd.Fma(a3, b2, c32);
                c33 = Simd.Fma(a3, b3, c33);
            }

            StoreRow(c, c00, c01, c02, c03);
            StoreRow(c + ldc, c10, c11, c12, c13);
            StoreRow(c + (2 * ldc), c20, c21, c22, c23);
            StoreRow(c + (3 * ldc), c30, c31, c32, c33);
        }

        /// <summary>
        /// result[r·ldr + t] = Σ_n Σ_(q &lt; length) dy[n·dyImage + r·dyRow + q] · x[n·xImage + offsets[t] + q] for r, t &lt; 4: the
        /// weight gradient of 4 filters × 4 (c, u, v), over every image in registers, reduced once.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static void DotTile<T>(T* dy, nint dyRow, nint dyImage, T* x, nint xImage, int* offsets, int images, int length, T* result, nint ldr)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int w = Vector512<T>.Count;
            Vector512<T> s00 = default, s01 = default, s02 = default, s03 = default, s10 = default, s11 = default, s12 = default, s13 = default;
            Vector512<T> s20 = default, s21 = default, s22 = default, s23 = default, s30 = default, s31 = default, s32 = default, s33 = default;
            int o0 = offsets[0], o1 = offsets[1], o2 = offsets[2], o3 = offsets[3];
            for (int n = 0; n < images; n++, dy += dyImage, x += xImage)
            {
                T* d0 = dy, d1 = dy + dyRow, d2 = dy + (2 * dyRow), d3 = dy + (3 * dyRow);
                T* x0 = x + o0, x1 = x + o1, x2 = x + o2, x3 = x + o3;
                for (int q = 0; q < length; q += w)
                {
                    Vector512<T> b0 = Vector512.Load(x0 + q), b1 = Vector512.Load(x1 + q), b2 = Vector512.Load(x2 + q), b3 = Vector512.Load(x3 + q);
                    Vector512<T> a0 = Vector512.Load(d0 + q);
                    s00 = Simd.Fma(a0, b0, s00);
                    s01 = Simd.Fma(a0, b1, s01);
                    s02 = Simd.Fma(a0, b2, s02);
                    s03 = Simd.Fma(a0, b3, s03);
                    Vector512<T> a1 = Vector512.Load(d1 + q);
                    s10 = Simd.Fma(a1, b0, s10);
                    s11 = Simd.Fma(a1, b1, s11);
                    s12 = Simd.Fma(a1, b2, s12);
                    s13 = Simd.Fma(a1, b3, s13);
                    Vector512<T> a2 = Vector512.Load(d2 + q);
                    s20 = Simd.Fma(a2, b0, s20);
                    s21 = Simd.Fma(a2, b1, s21);
                    s22 = Simd.Fma(a2, b2, s22);
                    s23 = Simd.Fma(a2, b3, s23);
                    Vector512<T> a3 = Vector512.Load(d3 + q);
                    s30 = Simd.Fma(a3, b0, s30);
                    s31 = Simd.Fma(a3, b1, s31);
                    s32 = Simd.Fma(a3, b2, s32);
                    s33 = Simd.Fma(a3, b3, s33);
                }
            }

            StoreSums(result, s00, s01, s02, s03);
            StoreSums(result + ldr, s10, s11, s12, s13);
            StoreSums(result + (2 * ldr), s20, s21, s22, s23);
            StoreSums(result + (3 * ldr), s30, s31, s32, s33);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreRow<T>(T* c, Vector512<T> v0, Vector512<T> v1, Vector512<T> v2, Vector512<T> v3)
            where T : unmanaged
        {
            nint w = Vector512<T>.Count;
            Vector512.Store(v0, c);
            Vector512.Store(v1, c + w);
            Vector512.Store(v2, c + (2 * w));
            Vector512.Store(v3, c + (3 * w));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreSums<T>(T* result, Vector512<T> v0, Vector512<T> v1, Vector512<T> v2, Vector512<T> v3)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            result[0] = Vector512.Sum(v0);
            result[1] = Vector512.Sum(v1);
            result[2] = Vector512.Sum(v2);
            result[3] = Vector512.Sum(v3);
        }

        /// <summary>Copies image (C, H, W) into the interior of xpad (C, Hp, Wp), whose border and tail stay zero.</summary>
        private static void Pad<T>(T* image, T* xpad, in Conv2DShape s, in Plan plan)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int hw = s.Height * s.Width;
            T* interior = xpad + (s.Padding * plan.Wp) + s.Padding;
            for (int c = 0; c < s.Channels; c++)
            {
                Simd.CopyRows(image + (c * hw), s.Width, interior + (c * plan.Plane), plan.Wp, s.Height, s.Width, add: false);
            }
        }

        /// <summary>dst row r = src row r's <paramref name="cols"/> values, then zeros up to the row stride: every element of rows·dstStride written.</summary>
        private static void WriteRows<T>(T* src, int srcStride, T* dst, int dstStride, int rows, int cols)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Simd.CopyRows(src, srcStride, dst, dstStride, rows, cols, add: false);
            for (int r = 0; r < rows; r++)
            {
                new Span<T>(dst + (r * dstStride) + cols, dstStride - cols).Clear();
            }
        }

        /// <summary>Writes the whole padded image (zeros around and after x): no clearing pass first.</summary>
        private static void PadWhole<T>(T* image, T* xpad, in Conv2DShape s, in Plan plan)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int p = s.Padding, hw = s.Height * s.Width, lead = (p * plan.Wp) + p;
            for (int c = 0; c < s.Channels; c++)
            {
                T* plane = xpad + (c * plan.Plane);
                new Span<T>(plane, lead).Clear();

                // Rows of x at (h + p)·Wp + p, each followed by 2p zeros (its right pad, the next row's left pad); the last
                // row's run of zeros reaches the plane's end (its right pad and the p bottom rows).
                WriteRows(image + (c * hw), s.Width, plane + lead, plan.Wp, s.Height, s.Width);
                new Span<T>(plane + lead + (s.Height * plan.Wp), plan.Plane - lead - (s.Height * plan.Wp)).Clear();
            }

            new Span<T>(xpad + (s.Channels * plan.Plane), plan.Image - (s.Channels * plan.Plane)).Clear();
        }

        /// <summary>Packs w (F, depth) into blocks of Rows filters, k-major: packed[(fb·depth + k)·Rows + r] = w[(fb·Rows + r)·depth + k], zeros past F.</summary>
        private static void PackRows<T>(T* w, int filters, int depth, T* packed)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int filters4 = RoundUp(filters, Rows);
            for (int fb = 0; fb < filters4; fb += Rows)
            {
                for (int k = 0; k < depth; k++)
                {
                    for (int r = 0; r < Rows; r++)
                    {
                        *packed++ = fb + r < filters ? w[((fb + r) * depth) + k] : T.Zero;
                    }
                }
            }
        }

        /// <summary>The input gradient's weights: blocks of R = ChannelRows channels over k = (f, u, v): packed[(cb·F·KH·KW + k)·R + r] = w[f, cb·R + r, u, v].</summary>
        private static void PackChannels<T>(T* w, in Conv2DShape s, in Plan plan, T* packed)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int cb = 0; cb < plan.GradChannels; cb += plan.ChannelRows)
            {
                for (int f = 0; f < s.Filters; f++)
                {
                    for (int t = 0; t < plan.Taps; t++)
                    {
                        for (int r = 0; r < plan.ChannelRows; r++)
                        {
                            int c = cb + r;
                            *packed++ = c < s.Channels ? w[(((f * s.Channels) + c) * plan.Taps) + t] : T.Zero;
                        }
                    }
                }
            }
        }

        /// <summary>offsets[k] for k = (c, u, v): where row k of the shifted-row matrix starts in a padded image; zeros up to a multiple of Rows.</summary>
        private static void ImageOffsets(in Conv2DShape s, in Plan plan, int* offsets)
        {
            int k = 0;
            for (int c = 0; c < s.Channels; c++)
            {
                for (int u = 0; u < s.KernelHeight; u++)
                {
                    for (int v = 0; v < s.KernelWidth; v++)
                    {
                        offsets[k++] = (c * plan.Plane) + (u * plan.Wp) + v;
                    }
                }
            }

            while (k < plan.InputDepth4)
            {
                offsets[k++] = 0; // a real row, read and dropped: the tile never branches on the depth's edge
            }
        }

        /// <summary>offsets[k] for k = (f, u, v): where output q of the input gradient reads wide dy, relative to the margin's start.</summary>
        private static void GradientOffsets(in Conv2DShape s, in Plan plan, int* offsets)
        {
            int k = 0;
            for (int f = 0; f < s.Filters; f++)
            {
                for (int u = 0; u < s.KernelHeight; u++)
                {
                    for (int v = 0; v < s.KernelWidth; v++)
                    {
                        offsets[k++] = (f * plan.GradPlane) + plan.Margin - (u * plan.Wp) - v;
                    }
                }
            }
        }

        internal static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

        /// <summary>Sizes of the padded image, the wide output and the wide dy for one geometry (in elements).</summary>
        private readonly struct Plan
        {
            public Plan(in Conv2DShape s, int lanes)
            {
                Wp = s.Width + (2 * s.Padding);
                Plane = (s.Height + (2 * s.Padding)) * Wp;
                OutWide = RoundUp(s.OutHeight * Wp, lanes);
                InWide = RoundUp(s.Height * Wp, lanes);
                Image = (s.Channels * Plane) + s.KernelWidth + (2 * lanes); // the last channel's dropped columns read up to KW + 2 lanes past it
                Margin = ((s.KernelHeight - 1) * Wp) + s.KernelWidth - 1;
                GradPlane = Margin + Math.Max((s.Padding * Wp) + InWide, OutWide);
                Filters4 = RoundUp(s.Filters, Rows);
                ChannelRows = Conv2DDirect.ChannelRows(s.Channels);
                GradChannels = RoundUp(s.Channels, ChannelRows);
                Taps = s.KernelHeight * s.KernelWidth;
                InputDepth = s.Channels * Taps;
                InputDepth4 = RoundUp(InputDepth, Rows);
                GradDepth = s.Filters * Taps;
            }

            /// <summary>Padded width Wp = W + 2p: the stride of every wide row.</summary>
            public int Wp { get; }

            /// <summary>Hp·Wp, one padded channel.</summary>
            public int Plane { get; }

            /// <summary>Wide outputs per filter, OH·Wp rounded up to whole vectors.</summary>
            public int OutWide { get; }

            /// <summary>Wide input-gradient outputs per channel (the H rows that hold x), rounded up to whole vectors.</summary>
            public int InWide { get; }

            /// <summary>One padded image plus the tail its last tiles read.</summary>
            public int Image { get; }

            /// <summary>Zeros before each wide dy plane: the input gradient reads up to (KH − 1)·Wp + KW − 1 before an output.</summary>
            public int Margin { get; }

            /// <summary>One wide dy plane: margin, OH rows of Wp, zeros up to what the tiles read.</summary>
            public int GradPlane { get; }

            /// <summary>One image's wide dy: Filters4 planes (the rows past F stay zero).</summary>
            public int GradImage => Filters4 * GradPlane;

            public int Filters4 { get; }

            /// <summary>Channels per input-gradient tile (<see cref="Conv2DDirect.ChannelRows"/>).</summary>
            public int ChannelRows { get; }

            /// <summary>Channels rounded up to whole input-gradient tiles.</summary>
            public int GradChannels { get; }

            /// <summary>KH·KW.</summary>
            public int Taps { get; }

            /// <summary>C·KH·KW, the depth of the forward and weight-gradient sums.</summary>
            public int InputDepth { get; }

            public int InputDepth4 { get; }

            /// <summary>F·KH·KW, the depth of the input-gradient sum.</summary>
            public int GradDepth { get; }
        }

        /// <summary>One call, as raw pointers so the worker thread can run half of it (the caller keeps everything pinned).</summary>
        private struct Job
        {
            public Conv2DShape Shape;
            public Plan Plan;

            /// <summary>Images of this call (a chunk of the batch); X, Y, Dy, Dx point at its first.</summary>
            public int Count;
            public void* X;
            public void* Y;
            public void* Dy;
            public void* Dx;
            public void* Dw;
            public void* Db;
            public void* Packed;
            public void* Bias;
            public int* Offsets;
            public int* GradOffsets;
            public void* GradImages;
            public void* PaddedImages;
        }
    }
}
