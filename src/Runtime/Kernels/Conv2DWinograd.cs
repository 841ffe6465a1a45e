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
    /// 3×3, stride-1, padding-1 convolutions by Winograd's minimal filtering F(2×2, 3×3) (Lavin and Gray, 2016): every 2×2
    /// block of outputs comes from a 4×4 block of inputs as
    /// <code>
    /// Y = Aᵀ [ Σ_c (G g_fc Gᵀ) ⊙ (Bᵀ d_c B) ] A
    /// </code>
    /// 16 multiplications per output block and input channel where the direct sum needs 36: 2.25× fewer. The element-wise
    /// products summed over channels are, for each of the 16 transform points, a product of the transformed weights
    /// (F × C) with the transformed inputs (C × tiles), computed by the direct kernel's 4 × 4 register tile.
    /// Vector lanes run over images: the inputs are first copied into a zero-padded layout with the image innermost
    /// (one copy per <see cref="Vector512{T}.Count"/> images), so both transforms are plain vector adds; the outputs are
    /// scattered back per image. Used for the forward; with the filters flipped and channels and filters swapped, for the
    /// input gradient (a 3×3 padding-1 convolution of dy); and, through the adjoints of the three transforms, for the
    /// weight gradient (<see cref="BackwardWeights{T}"/>).
    /// </summary>
    internal static unsafe class Conv2DWinograd
    {
        /// <summary>Output tiles transformed and multiplied at once: 8 tiles × lanes, 16 × C of transformed input in L2.</summary>
        private const int TilesPerBlock = 8;

        /// <summary>Elements of image-innermost padded input built at once (8 MB of floats); larger batches go in chunks of groups.</summary>
        private const long ChunkBudget = 1 << 21;

        /// <summary>Set by tests to keep this thread's convolutions on the direct kernel.</summary>
        [ThreadStatic]
        internal static bool t_disable;

        /// <summary>Set by tests to force small chunks on this thread; 0 = <see cref="ChunkBudget"/>.</summary>
        [ThreadStatic]
        internal static long t_chunkBudget;

        /// <summary>
        /// 3×3, stride 1, padding 1 ("same"), with enough channels and filters that the transforms are paid back (a
        /// one-channel first layer is faster direct), on a machine with 512-bit vectors.
        /// </summary>
        internal static bool Supports(in Conv2DShape s)
            => !t_disable && Vector512.IsHardwareAccelerated && s.KernelHeight == 3 && s.KernelWidth == 3 && s.Stride == 1 && s.Padding == 1
            && s.Channels >= 8 && s.Filters >= 8;

        /// <summary>y = conv(x, w) + b, or y += conv(x, w) + b when <paramref name="accumulate"/>; b null for no bias.</summary>
        internal static void Forward<T>(T* x, T* w, T* b, T* y, in Conv2DShape s, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var plan = new Plan(s, Vector512<T>.Count);
            T[] packedArray = ArrayPool<T>.Shared.Rent((16 * plan.Filters4 * s.Channels) + plan.Filters4 + Conv2DDirect.Rows);
            bool transposed = Transposes<T>();
            long outGroup = transposed ? (long)s.Filters * s.OutHeight * s.OutWidth * plan.Lanes : 0;
            int chunkGroups = (int)Math.Clamp(Budget() / (plan.GroupImage + outGroup), 1, plan.Groups);
            T[] imageArray = ArrayPool<T>.Shared.Rent(checked((int)(chunkGroups * plan.GroupImage)));
            int[] offsetArray = ArrayPool<int>.Shared.Rent(s.Channels);
            T[] outArray = ArrayPool<T>.Shared.Rent(checked((int)(chunkGroups * outGroup)));
            fixed (T* packed = packedArray, images = imageArray, outputs = outArray)
            fixed (int* offsets = offsetArray)
            {
                TransformWeights(w, s, plan, packed);
                T* bias = packed + (16 * plan.Filters4 * s.Channels);
                for (int f = 0; f < plan.Filters4; f++)
                {
                    bias[f] = b is not null && f < s.Filters ? b[f] : T.Zero;
                }

                T* zeros = bias + plan.Filters4;
                new Span<T>(zeros, Conv2DDirect.Rows).Clear();
                for (int c = 0; c < s.Channels; c++)
                {
                    offsets[c] = c * plan.BlockRow;
                }

                long chw = (long)s.Channels * s.Height * s.Width, fhw = (long)s.Filters * s.OutHeight * s.OutWidth;
                for (int g0 = 0; g0 < plan.Groups; g0 += chunkGroups)
                {
                    int groups = Math.Min(chunkGroups, plan.Groups - g0), first = g0 * plan.Lanes;
                    var job = new Job
                    {
                        Shape = s, Plan = plan, Groups = groups, Images = Math.Min(groups * plan.Lanes, s.Batch - first),
                        X = x + (first * chw), Y = y + (first * fhw), Packed = packed, Bias = bias, Zeros = zeros, Offsets = offsets,
                        Padded = images, Accumulate = accumulate, Outputs = transposed ? outputs : null,
                    };
                    long work = 16L * plan.Filters4 * s.Channels * plan.Tiles * groups * plan.Lanes;
                    RowSplit.Run(&job, groups, job.Images * chw, &PadGroups<T>);
                    RowSplit.Run(&job, groups * plan.Blocks, work, &MultiplyBlocks<T>);
                    if (transposed)
                    {
                        RowSplit.Run(&job, groups * s.Filters, job.Images * fhw, &TransposeOutputs);
                    }
                }
            }

            ArrayPool<T>.Shared.Return(packedArray);
            ArrayPool<T>.Shared.Return(imageArray);
            ArrayPool<T>.Shared.Return(outArray);
            ArrayPool<int>.Shared.Return(offsetArray);
        }

        /// <summary>
        /// dx += ∂L/∂x (or dx = … when not <paramref name="accumulate"/>) = conv(dy, w′) with w′[c, f, u, v] = w[f, c, 2 − u, 2 − v]: the same 3×3 padding-1 convolution, of dy,
        /// with channels and filters swapped.
        /// </summary>
        internal static void BackwardInput<T>(T* w, T* dy, T* dx, in Conv2DShape s, bool accumulate = true)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var flipped = new Conv2DShape(s.Batch, s.Filters, s.OutHeight, s.OutWidth, s.Channels, 3, 3, stride: 1, padding: 1);
            T[] turnedArray = ArrayPool<T>.Shared.Rent(s.Filters * s.Channels * 9);
            fixed (T* turned = turnedArray)
            {
                for (int f = 0; f < s.Filters; f++)
                {
                    for (int c = 0; c < s.Channels; c++)
                    {
                        for (int t = 0; t < 9; t++)
                        {
                            turned[(((c * s.Filters) + f) * 9) + 8 - t] = w[(((f * s.Channels) + c) * 9) + t];
                        }
                    }
                }

                Forward<T>(dy, turned, null, dx, flipped, accumulate);
            }

            ArrayPool<T>.Shared.Return(turnedArray);
        }

        /// <summary>
        /// dw += ∂L/∂w and db += ∂L/∂b (db null to skip) through the same transforms: with dM = A·dY·Aᵀ for every 2×2 block of
        /// dy and V = Bᵀ·d·B as in the forward, dU_ξ[f, c] = Σ_(images, tiles) dM_ξ[f, ·] · V_ξ[c, ·], then dw = Gᵀ·dU·G.
        /// The two cores share the groups of images; each group's dU is summed apart and the groups' sums added in order.
        /// </summary>
        internal static void BackwardWeights<T>(T* x, T* dy, T* dw, T* db, in Conv2DShape s)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var plan = new Plan(s, Vector512<T>.Count);
            int channels4 = RoundUp(s.Channels, Conv2DDirect.Rows);
            long dyGroup = (long)s.Filters * plan.OutRows * plan.OutCols * plan.Lanes;
            int chunk = (int)Math.Clamp(Budget() / (plan.GroupImage + dyGroup), 1, plan.Groups);
            int perGroup = 16 * plan.Filters4 * channels4;
            T[] imageArray = ArrayPool<T>.Shared.Rent(checked((int)(chunk * (plan.GroupImage + dyGroup))));
            T[] sumArray = ArrayPool<T>.Shared.Rent((chunk + 1) * perGroup);
            fixed (T* images = imageArray, groupSums = sumArray)
            {
                T* sums = groupSums + ((long)chunk * perGroup);
                new Span<T>(sums, perGroup).Clear();
                long chw = (long)s.Channels * s.Height * s.Width, fhw = (long)s.Filters * s.OutHeight * s.OutWidth;
                for (int g0 = 0; g0 < plan.Groups; g0 += chunk)
                {
                    int groups = Math.Min(chunk, plan.Groups - g0), first = g0 * plan.Lanes;
                    var job = new Job
                    {
                        Shape = s, Plan = plan, Groups = groups, Images = Math.Min(groups * plan.Lanes, s.Batch - first),
                        X = x + (first * chw), Y = dy + (first * fhw), Padded = images, PaddedGradients = images + (chunk * plan.GroupImage),
                        Packed = groupSums, Channels4 = channels4,
                    };
                    RowSplit.Run(&job, groups, job.Images * (chw + fhw), &InterleaveGroups<T>);
                    RowSplit.Run(&job, groups, 16L * plan.Filters4 * channels4 * plan.Tiles * groups * plan.Lanes, &WeightGroups<T>);
                    for (int g = 0; g < groups; g++)
                    {
                        TensorPrimitives.Add(new ReadOnlySpan<T>(sums, perGroup), new ReadOnlySpan<T>(groupSums + ((long)g * perGroup), perGroup), new Span<T>(sums, perGroup));
                    }
                }

                FromTransformed(sums, s, plan.Filters4, channels4, dw);
            }

            ArrayPool<T>.Shared.Return(imageArray);
            ArrayPool<T>.Shared.Return(sumArray);
            if (db is not null)
            {
                int ohw = s.OutHeight * s.OutWidth;
                for (int n = 0; n < s.Batch; n++)
                {
                    for (int f = 0; f < s.Filters; f++)
                    {
                        db[f] += TensorPrimitives.Sum(new ReadOnlySpan<T>(dy + ((((long)n * s.Filters) + f) * ohw), ohw));
                    }
                }
            }
        }

        /// <summary>Groups [g0, g1): x padded as for the forward, and dy (zeros past its sides) in 2×2 blocks, both image innermost.</summary>
        private static void InterleaveGroups<T>(void* pointer, int g0, int g1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref readonly Job job = ref *(Job*)pointer;
            Conv2DShape s = job.Shape;
            Plan plan = job.Plan;
            long dyGroup = (long)s.Filters * plan.OutRows * plan.OutCols * plan.Lanes;
            for (int g = g0; g < g1; g++)
            {
                Interleave((T*)job.X, g, job.Images, s.Channels, s.Height, s.Width, (T*)job.Padded + (g * plan.GroupImage), plan.Hp, plan.Wp, 1, plan.Lanes);
                Interleave((T*)job.Y, g, job.Images, s.Filters, s.OutHeight, s.OutWidth, (T*)job.PaddedGradients + (g * dyGroup), plan.OutRows, plan.OutCols, 0, plan.Lanes);
            }
        }

        /// <summary>
        /// Groups [g0, g1): V = Bᵀ·d·B and dM = A·dY·Aᵀ of every tile of the group (all 16 points from one read of the inputs),
        /// then, point by point (a point's V and dM rows stay in L2), the group's own dU_ξ = dM_ξ · V_ξᵀ: written to its slice,
        /// summed over groups in order afterwards, so the result does not depend on which core ran which group.
        /// </summary>
        private static void WeightGroups<T>(void* pointer, int g0, int g1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref readonly Job job = ref *(Job*)pointer;
            Conv2DShape s = job.Shape;
            Plan plan = job.Plan;
            // Tiles per pass: all of a group's when they fit the budget (one long dot product per filter × channel tile),
            // else passes over ranges of tiles, summed in order.
            int lanes = plan.Lanes, channels4 = job.Channels4;
            int passTiles = (int)Math.Clamp(Budget() / (16L * (channels4 + plan.Filters4) * lanes), 1, plan.Tiles), length = passTiles * lanes;
            long dyGroup = (long)s.Filters * plan.OutRows * plan.OutCols * lanes, vPoint = (long)channels4 * length, mPoint = (long)plan.Filters4 * length;
            T[] scratchArray = ArrayPool<T>.Shared.Rent(checked((int)(16 * (vPoint + mPoint))));
            int[] offsetArray = ArrayPool<int>.Shared.Rent(channels4);
            T* tile = stackalloc T[Conv2DDirect.Rows * Conv2DDirect.Rows];
            fixed (T* v = scratchArray)
            fixed (int* offsets = offsetArray)
            {
                T* dm = v + (16 * vPoint);
                for (int c = 0; c < channels4; c++)
                {
                    offsets[c] = c * length;
                }

                for (int xi = 0; xi < 16; xi++)
                {
                    // The rows past C and F stay zero: the 4 × 4 tiles read them.
                    new Span<T>(v + (xi * vPoint) + ((long)s.Channels * length), (channels4 - s.Channels) * length).Clear();
                    new Span<T>(dm + (xi * mPoint) + ((long)s.Filters * length), (plan.Filters4 - s.Filters) * length).Clear();
                }

                for (int g = g0; g < g1; g++)
                {
                    T* sums = (T*)job.Packed + ((long)g * 16 * plan.Filters4 * channels4);
                    for (int firstTile = 0; firstTile < plan.Tiles; firstTile += passTiles)
                    {
                        int count = Math.Min(passTiles, plan.Tiles - firstTile);
                        TransformInputs((T*)job.Padded + (g * plan.GroupImage), s, plan, firstTile, count, v, length, vPoint);
                        TransformGradients((T*)job.PaddedGradients + (g * dyGroup), s, plan, firstTile, count, dm, length, mPoint);
                        for (int xi = 0; xi < 16; xi++)
                        {
                            T* point = sums + ((long)xi * plan.Filters4 * channels4);
                            for (int fb = 0; fb < plan.Filters4; fb += Conv2DDirect.Rows)
                            {
                                for (int cb = 0; cb < channels4; cb += Conv2DDirect.Rows)
                                {
                                    Conv2DDirect.DotTile(dm + (xi * mPoint) + ((long)fb * length), length, 0, v + (xi * vPoint), 0, offsets + cb, 1, count * lanes, tile, Conv2DDirect.Rows);
                                    for (int r = 0; r < Conv2DDirect.Rows; r++)
                                    {
                                        var target = new Span<T>(point + ((fb + r) * channels4) + cb, Conv2DDirect.Rows);
                                        var part = new ReadOnlySpan<T>(tile + (r * Conv2DDirect.Rows), Conv2DDirect.Rows);
                                        if (firstTile == 0)
                                        {
                                            part.CopyTo(target);
                                        }
                                        else
                                        {
                                            TensorPrimitives.Add(target, part, target);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }

            ArrayPool<T>.Shared.Return(scratchArray);
            ArrayPool<int>.Shared.Return(offsetArray);
        }

        /// <summary>
        /// dM_ξ[f, t·L + lane] = (A·dY·Aᵀ)_ξ for every 2×2 block of dy (A is 4 × 2 with rows [1, 0], [1, 1], [1, −1], [0, −1]):
        /// rows e = dy0, dy0 + dy1, dy0 − dy1, −dy1 of the block, then the same along each row.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void TransformGradients<T>(T* grads, in Conv2DShape s, in Plan plan, int firstTile, int count, T* dm, long rowLength, long pointLength)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int lanes = plan.Lanes;
            nint down = (nint)plan.OutCols * lanes;
            for (int f = 0; f < s.Filters; f++)
            {
                T* plane = grads + ((long)f * plan.OutRows * plan.OutCols * lanes);
                T* out0 = dm + (f * rowLength);
                int ty = firstTile / plan.TilesW, tx = firstTile % plan.TilesW;
                for (int t = 0; t < count; t++, out0 += lanes)
                {
                    T* d = plane + (((2 * ty * plan.OutCols) + (2 * tx)) * lanes);
                    if (++tx == plan.TilesW)
                    {
                        tx = 0;
                        ty++;
                    }

                    Vector512<T> a0 = Vector512.Load(d), b0 = Vector512.Load(d + lanes);
                    Vector512<T> a1 = Vector512.Load(d + down), b1 = Vector512.Load(d + down + lanes);
                    ExpandRow(a0, b0, out0, 0, pointLength);
                    ExpandRow(a0 + a1, b0 + b1, out0, 4, pointLength);
                    ExpandRow(a0 - a1, b0 - b1, out0, 8, pointLength);
                    ExpandRow(-a1, -b1, out0, 12, pointLength);
                }
            }
        }

        /// <summary>Points first … first + 3 of one row (a, b) of A·dY: a, a + b, a − b, −b.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void ExpandRow<T>(Vector512<T> a, Vector512<T> b, T* out0, int first, long point)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Vector512.Store(a, out0 + (first * point));
            Vector512.Store(a + b, out0 + ((first + 1) * point));
            Vector512.Store(a - b, out0 + ((first + 2) * point));
            Vector512.Store(-b, out0 + ((first + 3) * point));
        }

        /// <summary>dw[f, c] += Gᵀ · dU[f, c] · G, the 4×4 transformed gradients (point-major in <paramref name="sums"/>) back to 3×3.</summary>
        private static void FromTransformed<T>(T* sums, in Conv2DShape s, int filters4, int channels4, T* dw)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            T half = T.One / (T.One + T.One);
            T* u = stackalloc T[16];
            T* t = stackalloc T[12];
            long perPoint = (long)filters4 * channels4;
            for (int f = 0; f < s.Filters; f++)
            {
                for (int c = 0; c < s.Channels; c++)
                {
                    for (int xi = 0; xi < 16; xi++)
                    {
                        u[xi] = sums[(xi * perPoint) + (f * channels4) + c];
                    }

                    // Gᵀ (3 × 4) has rows [1, ½, ½, 0], [0, ½, −½, 0], [0, ½, ½, 1]: down the columns of dU, then along the rows.
                    for (int j = 0; j < 4; j++)
                    {
                        t[j] = u[j] + ((u[4 + j] + u[8 + j]) * half);
                        t[4 + j] = (u[4 + j] - u[8 + j]) * half;
                        t[8 + j] = ((u[4 + j] + u[8 + j]) * half) + u[12 + j];
                    }

                    T* g = dw + (((f * s.Channels) + c) * 9);
                    for (int r = 0; r < 3; r++)
                    {
                        T* row = t + (r * 4);
                        g[(r * 3) + 0] += row[0] + ((row[1] + row[2]) * half);
                        g[(r * 3) + 1] += (row[1] - row[2]) * half;
                        g[(r * 3) + 2] += ((row[1] + row[2]) * half) + row[3];
                    }
                }
            }
        }

        private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

        /// <summary>
        /// U = G g Gᵀ for every (filter, channel), laid out for the register tile: for transform point ξ, blocks of 4 filters,
        /// channel-major: packed[ξ·F4·C + fb·C + c·4 + r] = U_ξ[fb + r, c], zeros past F.
        /// </summary>
        private static void TransformWeights<T>(T* w, in Conv2DShape s, in Plan plan, T* packed)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            T half = T.One / (T.One + T.One);
            T* gg = stackalloc T[12];
            T* u = stackalloc T[16];
            long perPoint = (long)plan.Filters4 * s.Channels;
            for (int f = 0; f < plan.Filters4; f++)
            {
                for (int c = 0; c < s.Channels; c++)
                {
                    if (f < s.Filters)
                    {
                        T* g = w + (((f * s.Channels) + c) * 9);

                        // G·g (4 × 3): rows g0, (g0 + g1 + g2)/2, (g0 − g1 + g2)/2, g2; then (G·g)·Gᵀ the same way along columns.
                        for (int j = 0; j < 3; j++)
                        {
                            gg[j] = g[j];
                            gg[3 + j] = (g[j] + g[3 + j] + g[6 + j]) * half;
                            gg[6 + j] = (g[j] - g[3 + j] + g[6 + j]) * half;
                            gg[9 + j] = g[6 + j];
                        }

                        for (int i = 0; i < 4; i++)
                        {
                            T* r = gg + (i * 3);
                            u[(i * 4) + 0] = r[0];
                            u[(i * 4) + 1] = (r[0] + r[1] + r[2]) * half;
                            u[(i * 4) + 2] = (r[0] - r[1] + r[2]) * half;
                            u[(i * 4) + 3] = r[2];
                        }
                    }
                    else
                    {
                        new Span<T>(u, 16).Clear();
                    }

                    int fb = f / Conv2DDirect.Rows * Conv2DDirect.Rows, r4 = f % Conv2DDirect.Rows;
                    for (int xi = 0; xi < 16; xi++)
                    {
                        packed[(xi * perPoint) + (fb * s.Channels) + (c * Conv2DDirect.Rows) + r4] = u[xi];
                    }
                }
            }
        }

        /// <summary>Groups [g0, g1) of images: their input, zero-padded, image innermost: padded[((c·Hp + h + 1)·Wp + w + 1)·L + lane].</summary>
        private static void PadGroups<T>(void* pointer, int g0, int g1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref readonly Job job = ref *(Job*)pointer;
            Conv2DShape s = job.Shape;
            Plan plan = job.Plan;
            for (int g = g0; g < g1; g++)
            {
                Interleave((T*)job.X, g, job.Images, s.Channels, s.Height, s.Width, (T*)job.Padded + (g * plan.GroupImage), plan.Hp, plan.Wp, 1, plan.Lanes);
            }
        }

        /// <summary>
        /// Images g·L … g·L + L − 1 of (images, channels, height, width) into dst[((c·rows + h + offset)·cols + w + offset)·L + lane],
        /// every other element of dst (channels·rows·cols vectors) zero: the padded, image-innermost layout both transforms read.
        /// </summary>
        private static void Interleave<T>(T* source, int g, int images, int channels, int height, int width, T* dst, int rows, int cols, int offset, int lanes)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int count = Math.Min(lanes, images - (g * lanes)), hw = height * width;
            T* first = source + ((long)g * lanes * channels * hw);
            long imageStride = (long)channels * hw;
            if (count == lanes && typeof(T) == typeof(float) && Avx512F.IsSupported)
            {
                ClearBorder(dst, channels, height, width, rows, cols, offset, lanes);
                InterleaveByTransposes((float*)first, imageStride, channels * hw, height, width, (float*)dst, rows, cols, offset);
                return;
            }

            if (count == lanes && Avx2.IsSupported && imageStride * lanes < int.MaxValue)
            {
                ClearBorder(dst, channels, height, width, rows, cols, offset, lanes);
                // One gather per output vector: element (c, h, x) of the L images, L images apart in the source.
                for (int c = 0; c < channels; c++)
                {
                    for (int h = 0; h < height; h++)
                    {
                        T* src = first + (c * hw) + (h * width);
                        T* to = dst + (((((long)c * rows) + h + offset) * cols) + offset) * lanes;
                        for (int x = 0; x < width; x++)
                        {
                            Vector512.Store(Gather(src + x, (int)imageStride), to + (x * lanes));
                        }
                    }
                }

                return;
            }

            new Span<T>(dst, channels * rows * cols * lanes).Clear();
            for (int lane = 0; lane < count; lane++)
            {
                T* image = first + (lane * imageStride);
                for (int c = 0; c < channels; c++)
                {
                    for (int h = 0; h < height; h++)
                    {
                        T* src = image + (c * hw) + (h * width);
                        T* to = dst + (((((long)c * rows) + h + offset) * cols) + offset) * lanes + lane;
                        for (int x = 0; x < width; x++)
                        {
                            to[x * lanes] = src[x];
                        }
                    }
                }
            }
        }

        /// <summary>
        /// The interior of <see cref="Interleave{T}"/> for 16 whole float images: 16 consecutive (c, h, w) positions of the 16
        /// images are one 16 × 16 register transpose, each column (one position, every image) one vector store.
        /// </summary>
        private static void InterleaveByTransposes(float* first, long imageStride, int positions, int height, int width, float* dst, int rows, int cols, int offset)
        {
            Vector512<float>* columns = stackalloc Vector512<float>[16];
            int c = 0, h = 0, x = 0, q = 0;
            for (; q + 16 <= positions; q += 16)
            {
                Simd.Transpose16x16(first + q, (nint)imageStride, columns);
                for (int k = 0; k < 16; k++)
                {
                    Vector512.Store(columns[k], dst + ((((((long)c * rows) + h + offset) * cols) + x + offset) * 16));
                    Advance(ref c, ref h, ref x, height, width);
                }
            }

            for (; q < positions; q++)
            {
                float* to = dst + ((((((long)c * rows) + h + offset) * cols) + x + offset) * 16);
                for (int lane = 0; lane < 16; lane++)
                {
                    to[lane] = first[(lane * imageStride) + q];
                }

                Advance(ref c, ref h, ref x, height, width);
            }

            static void Advance(ref int c, ref int h, ref int x, int height, int width)
            {
                if (++x == width)
                {
                    x = 0;
                    if (++h == height)
                    {
                        h = 0;
                        c++;
                    }
                }
            }
        }

        /// <summary>Zeros every vector of dst outside rows [offset, offset + height) × columns [offset, offset + width) of each channel.</summary>
        private static void ClearBorder<T>(T* dst, int channels, int height, int width, int rows, int cols, int offset, int lanes)
            where T : unmanaged
        {
            int right = cols - offset - width;
            for (int c = 0; c < channels; c++)
            {
                T* plane = dst + ((long)c * rows * cols * lanes);
                new Span<T>(plane, ((offset * cols) + offset) * lanes).Clear(); // the rows above, then the first row's left edge
                for (int h = 0; h < height; h++)
                {
                    // Between rows h and h + 1: h's right edge and h + 1's left edge (or, after the last row, the rows below).
                    T* after = plane + ((((h + offset) * cols) + offset + width) * lanes);
                    int gap = h + 1 < height ? right + offset : right + ((rows - offset - height) * cols);
                    new Span<T>(after, gap * lanes).Clear();
                }
            }
        }

        /// <summary>p[0], p[stride], p[2·stride], … : one element of each of a vector's worth of images.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<T> Gather<T>(T* p, int stride)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            // .NET exposes no 512-bit gather: two 256-bit ones.
            if (typeof(T) == typeof(float))
            {
                Vector256<int> index = Vector256<int>.Indices * stride;
                Vector256<float> low = Avx2.GatherVector256((float*)p, index, 4), high = Avx2.GatherVector256((float*)p + (8L * stride), index, 4);
                return Vector512.Create(low, high).As<float, T>();
            }

            Vector128<int> index4 = Vector128<int>.Indices * stride;
            Vector256<double> lowD = Avx2.GatherVector256((double*)p, index4, 8), highD = Avx2.GatherVector256((double*)p + (4L * stride), index4, 8);
            return Vector512.Create(lowD, highD).As<double, T>();
        }

        /// <summary>Rows [r0, r1) = (group, block of tiles): transform the inputs, multiply per transform point, transform back.</summary>
        private static void MultiplyBlocks<T>(void* pointer, int r0, int r1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref readonly Job job = ref *(Job*)pointer;
            Conv2DShape s = job.Shape;
            Plan plan = job.Plan;
            int lanes = plan.Lanes;
            T[] scratchArray = ArrayPool<T>.Shared.Rent(16 * (s.Channels + plan.Filters4) * plan.BlockRow);
            fixed (T* scratch = scratchArray)
            {
                T* v = scratch, m = scratch + (16L * s.Channels * plan.BlockRow);
                for (int row = r0; row < r1; row++)
                {
                    int g = row / plan.Blocks, firstTile = row % plan.Blocks * TilesPerBlock;
                    int count = Math.Min(TilesPerBlock, plan.Tiles - firstTile);
                    T* padded = (T*)job.Padded + (g * plan.GroupImage);
                    TransformInputs(padded, s, plan, firstTile, count, v, plan.BlockRow, (long)s.Channels * plan.BlockRow);
                    for (int xi = 0; xi < 16; xi++)
                    {
                        T* a = (T*)job.Packed + ((long)xi * plan.Filters4 * s.Channels);
                        T* src = v + ((long)xi * s.Channels * plan.BlockRow);
                        T* dst = m + ((long)xi * plan.Filters4 * plan.BlockRow);
                        for (int q = 0; q < count;)
                        {
                            int step = count - q >= Conv2DDirect.Vectors ? Conv2DDirect.Vectors : 1;
                            for (int fb = 0; fb < plan.Filters4; fb += Conv2DDirect.Rows)
                            {
                                Conv2DDirect.Tile(step == 1, a + (fb * s.Channels), (T*)job.Zeros, src + (q * lanes), job.Offsets, s.Channels, dst + (fb * plan.BlockRow) + (q * lanes), plan.BlockRow);
                            }

                            q += step;
                        }
                    }

                    TransformOutputs(m, job, firstTile, count, g);
                }
            }

            ArrayPool<T>.Shared.Return(scratchArray);
        }

        /// <summary>
        /// V_ξ[c, t·L + lane] = (Bᵀ d B)_ξ for the 4×4 input block d of tiles firstTile … firstTile + count − 1, every channel:
        /// point ξ starts at v + ξ·<paramref name="pointLength"/>, channel c's row at c·<paramref name="rowLength"/> within it.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void TransformInputs<T>(T* padded, in Conv2DShape s, in Plan plan, int firstTile, int count, T* v, long rowLength, long pointLength)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int lanes = plan.Lanes;
            nint row = (nint)plan.Wp * lanes;
            long channel = (long)plan.Hp * plan.Wp * lanes;
            for (int c = 0; c < s.Channels; c++)
            {
                int ty = firstTile / plan.TilesW, tx = firstTile % plan.TilesW;
                for (int t = 0; t < count; t++)
                {
                    T* d = padded + (c * channel) + ((((2 * ty) * plan.Wp) + (2 * tx)) * lanes);
                    if (++tx == plan.TilesW)
                    {
                        tx = 0;
                        ty++;
                    }

                    // Bᵀ d: rows d0 − d2, d1 + d2, d2 − d1, d1 − d3 (each a row of 4 vectors), then the same along each row.
                    Transform4(d, d + row, d + (2 * row), d + (3 * row), lanes, out var r0, out var r1, out var r2, out var r3);
                    T* out0 = v + (c * rowLength) + (t * lanes);
                    StoreTransformed(r0, out0, 0, pointLength);
                    StoreTransformed(r1, out0, 4, pointLength);
                    StoreTransformed(r2, out0, 8, pointLength);
                    StoreTransformed(r3, out0, 12, pointLength);
                }
            }
        }

        /// <summary>Rows Bᵀ·d of a 4×4 block whose rows start at p0…p3 (4 vectors each, <paramref name="lanes"/> apart).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Transform4<T>(T* p0, T* p1, T* p2, T* p3, int lanes, out Row4<T> r0, out Row4<T> r1, out Row4<T> r2, out Row4<T> r3)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Row4<T> d0 = Row4<T>.Load(p0, lanes), d1 = Row4<T>.Load(p1, lanes), d2 = Row4<T>.Load(p2, lanes), d3 = Row4<T>.Load(p3, lanes);
            r0 = d0 - d2;
            r1 = d1 + d2;
            r2 = d2 - d1;
            r3 = d1 - d3;
        }

        /// <summary>Stores (r·B)_j = r0 − r2, r1 + r2, r2 − r1, r1 − r3 as transform points first + j.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void StoreTransformed<T>(in Row4<T> r, T* out0, int first, long point)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Vector512.Store(r.V0 - r.V2, out0 + (first * point));
            Vector512.Store(r.V1 + r.V2, out0 + ((first + 1) * point));
            Vector512.Store(r.V2 - r.V1, out0 + ((first + 2) * point));
            Vector512.Store(r.V1 - r.V3, out0 + ((first + 3) * point));
        }

        /// <summary>Y = Aᵀ M A (+ bias) for each tile of the block and filter, scattered to the images' output planes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void TransformOutputs<T>(T* m, in Job job, int firstTile, int count, int g)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Conv2DShape s = job.Shape;
            Plan plan = job.Plan;
            int lanes = plan.Lanes, oh = s.OutHeight, ow = s.OutWidth, ohw = oh * ow;
            int images = Math.Min(lanes, job.Images - (g * lanes));
            long point = (long)plan.Filters4 * plan.BlockRow, imageStride = (long)s.Filters * ohw;
            bool accumulate = job.Accumulate;
            T* bias = (T*)job.Bias;
            T* y0 = (T*)job.Y + (g * lanes * imageStride);

            // Where each tile's 2×2 block starts in an output plane, and whether all four outputs are inside it.
            int* offsets = stackalloc int[TilesPerBlock];
            bool allInside = true;
            for (int t = 0; t < count; t++)
            {
                int tile = firstTile + t, i0 = 2 * (tile / plan.TilesW), j0 = 2 * (tile % plan.TilesW);
                offsets[t] = (i0 * ow) + j0;
                allInside &= i0 + 1 < oh && j0 + 1 < ow;
            }

            if (job.Outputs is not null)
            {
                // Image-innermost outputs: whole vectors now, one transpose per 16 positions afterwards (TransposeOutputs).
                T* outs = (T*)job.Outputs + ((long)g * s.Filters * ohw * lanes);
                for (int f = 0; f < s.Filters; f++)
                {
                    var b = Vector512.Create(bias[f]);
                    T* plane = outs + ((long)f * ohw * lanes);
                    for (int t = 0; t < count; t++)
                    {
                        T* p = m + (f * plan.BlockRow) + (t * lanes), y = plane + ((long)offsets[t] * lanes);
                        var a0 = Fold(p, 0, point, out var b0);
                        var a1 = Fold(p, 4, point, out var b1);
                        var a2 = Fold(p, 8, point, out var b2);
                        var a3 = Fold(p, 12, point, out var b3);
                        if (allInside)
                        {
                            Vector512.Store(a0 + a1 + a2 + b, y);
                            Vector512.Store(b0 + b1 + b2 + b, y + lanes);
                            Vector512.Store(a1 - a2 - a3 + b, y + (ow * lanes));
                            Vector512.Store(b1 - b2 - b3 + b, y + ((ow + 1) * lanes));
                            continue;
                        }

                        int i0 = offsets[t] / ow, j0 = offsets[t] % ow;
                        Vector512.Store(a0 + a1 + a2 + b, y);
                        if (j0 + 1 < ow)
                        {
                            Vector512.Store(b0 + b1 + b2 + b, y + lanes);
                        }

                        if (i0 + 1 < oh)
                        {
                            Vector512.Store(a1 - a2 - a3 + b, y + (ow * lanes));
                            if (j0 + 1 < ow)
                            {
                                Vector512.Store(b1 - b2 - b3 + b, y + ((ow + 1) * lanes));
                            }
                        }
                    }
                }

                return;
            }

            // One filter's results for the whole block, [tile][output k][lane], written as vectors and read per image after.
            T* results = stackalloc T[TilesPerBlock * 4 * Vector512<T>.Count];
            for (int f = 0; f < s.Filters; f++)
            {
                var b = Vector512.Create(bias[f]);
                for (int t = 0; t < count; t++)
                {
                    T* p = m + (f * plan.BlockRow) + (t * lanes), r = results + (t * 4 * lanes);

                    // M·A: per row i, columns m_i0 + m_i1 + m_i2 and m_i1 − m_i2 − m_i3; then Aᵀ·(M·A) the same down the columns.
                    var a0 = Fold(p, 0, point, out var b0);
                    var a1 = Fold(p, 4, point, out var b1);
                    var a2 = Fold(p, 8, point, out var b2);
                    var a3 = Fold(p, 12, point, out var b3);
                    // Stored as pairs per image: (y00, y01) of every lane, then (y10, y11): each image's two outputs of a tile row
                    // are adjacent in its plane, so one pair is one move.
                    Simd.Zip(a0 + a1 + a2 + b, b0 + b1 + b2 + b, r);
                    Simd.Zip(a1 - a2 - a3 + b, b1 - b2 - b3 + b, r + (2 * lanes));
                }

                for (int lane = 0; lane < images; lane++)
                {
                    T* plane = y0 + (lane * imageStride) + (f * ohw);
                    T* r = results + (2 * lane);
                    if (allInside && !accumulate)
                    {
                        for (int t = 0; t < count; t++, r += 4 * lanes)
                        {
                            T* y = plane + offsets[t];
                            CopyPair(r, y);
                            CopyPair(r + (2 * lanes), y + ow);
                        }

                        continue;
                    }

                    if (allInside)
                    {
                        for (int t = 0; t < count; t++, r += 4 * lanes)
                        {
                            T* y = plane + offsets[t];
                            y[0] += r[0];
                            y[1] += r[1];
                            y[ow] += r[2 * lanes];
                            y[ow + 1] += r[(2 * lanes) + 1];
                        }

                        continue;
                    }

                    for (int t = 0; t < count; t++, r += 4 * lanes)
                    {
                        int i0 = offsets[t] / ow, j0 = offsets[t] % ow;
                        for (int k = 0; k < 4; k++)
                        {
                            int di = k >> 1, dj = k & 1;
                            if (i0 + di < oh && j0 + dj < ow)
                            {
                                T* y = plane + offsets[t] + (di * ow) + dj;
                                T value = r[(di * 2 * lanes) + dj];
                                *y = accumulate ? *y + value : value;
                            }
                        }
                    }
                }
            }
        }

        /// <summary>Elements of scratch one call (or one group's pass) may build: <see cref="ChunkBudget"/>, or the tests' setting.</summary>
        private static long Budget() => t_chunkBudget > 0 ? t_chunkBudget : ChunkBudget;

        /// <summary>Whether outputs go through the image-innermost buffer and 16 × 16 transposes (floats on AVX-512).</summary>
        private static bool Transposes<T>() => typeof(T) == typeof(float) && Avx512F.IsSupported;

        /// <summary>
        /// Rows [r0, r1) = (group, filter): the filter's plane of every image of the group from the image-innermost outputs,
        /// 16 positions at a time by a register transpose (each image's 16 outputs land as one vector), the last few singly.
        /// </summary>
        private static void TransposeOutputs(void* pointer, int r0, int r1)
        {
            ref readonly Job job = ref *(Job*)pointer;
            Conv2DShape s = job.Shape;
            int lanes = Vector512<float>.Count, ohw = s.OutHeight * s.OutWidth;
            long imageStride = (long)s.Filters * ohw;
            for (int row = r0; row < r1; row++)
            {
                int g = row / s.Filters, f = row % s.Filters, images = Math.Min(lanes, job.Images - (g * lanes));
                float* src = (float*)job.Outputs + ((((long)g * s.Filters) + f) * ohw * lanes);
                float* dst = (float*)job.Y + ((long)g * lanes * imageStride) + ((long)f * ohw);
                int p = 0;
                for (; p + lanes <= ohw; p += lanes)
                {
                    Simd.Transpose16x16(src + (p * lanes), lanes, dst + p, (nint)imageStride, images, job.Accumulate);
                }

                for (; p < ohw; p++)
                {
                    for (int lane = 0; lane < images; lane++)
                    {
                        float* target = dst + (lane * imageStride) + p;
                        float value = src[(p * lanes) + lane];
                        *target = job.Accumulate ? *target + value : value;
                    }
                }
            }
        }

        /// <summary>Row i of M·A: m_i0 + m_i1 + m_i2 (returned) and m_i1 − m_i2 − m_i3 (<paramref name="second"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<T> Fold<T>(T* p, int first, long point, out Vector512<T> second)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Vector512<T> m0 = Vector512.Load(p + (first * point)), m1 = Vector512.Load(p + ((first + 1) * point));
            Vector512<T> m2 = Vector512.Load(p + ((first + 2) * point)), m3 = Vector512.Load(p + ((first + 3) * point));
            second = m1 - m2 - m3;
            return m0 + m1 + m2;
        }

        /// <summary>Moves two adjacent elements as one (8 or 16 bytes).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void CopyPair<T>(T* from, T* to)
            where T : unmanaged
        {
            if (sizeof(T) == 4)
            {
                *(ulong*)to = *(ulong*)from;
            }
            else
            {
                Vector128.Store(Vector128.Load((byte*)from), (byte*)to);
            }
        }

        /// <summary>Four vectors: one row of a 4×4 block of inputs, each element a vector over images.</summary>
        private readonly struct Row4<T>
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            public readonly Vector512<T> V0, V1, V2, V3;

            private Row4(Vector512<T> v0, Vector512<T> v1, Vector512<T> v2, Vector512<T> v3) => (V0, V1, V2, V3) = (v0, v1, v2, v3);

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Row4<T> Load(T* p, int lanes)
                => new(Vector512.Load(p), Vector512.Load(p + lanes), Vector512.Load(p + (2 * lanes)), Vector512.Load(p + (3 * lanes)));

            public static Row4<T> operator +(in Row4<T> a, in Row4<T> b) => new(a.V0 + b.V0, a.V1 + b.V1, a.V2 + b.V2, a.V3 + b.V3);

            public static Row4<T> operator -(in Row4<T> a, in Row4<T> b) => new(a.V0 - b.V0, a.V1 - b.V1, a.V2 - b.V2, a.V3 - b.V3);
        }

        /// <summary>Sizes for one geometry (in elements).</summary>
        private readonly struct Plan
        {
            public Plan(in Conv2DShape s, int lanes)
            {
                Lanes = lanes;
                TilesH = (s.OutHeight + 1) / 2;
                TilesW = (s.OutWidth + 1) / 2;
                Tiles = TilesH * TilesW;
                Blocks = (Tiles + TilesPerBlock - 1) / TilesPerBlock;
                Hp = (2 * TilesH) + 2;
                Wp = (2 * TilesW) + 2;
                GroupImage = (long)s.Channels * Hp * Wp * lanes;
                Groups = (s.Batch + lanes - 1) / lanes;
                Filters4 = (s.Filters + Conv2DDirect.Rows - 1) / Conv2DDirect.Rows * Conv2DDirect.Rows;
                BlockRow = TilesPerBlock * lanes;
                OutRows = 2 * TilesH;
                OutCols = 2 * TilesW;
            }

            /// <summary>Rows and columns of an output plane in whole 2×2 tiles (the weight gradient's dy, zeros past OH × OW).</summary>
            public int OutRows { get; }

            public int OutCols { get; }

            /// <summary>Images per vector.</summary>
            public int Lanes { get; }

            public int TilesH { get; }

            public int TilesW { get; }

            /// <summary>2×2 output tiles per image.</summary>
            public int Tiles { get; }

            /// <summary>Blocks of <see cref="TilesPerBlock"/> tiles per image group.</summary>
            public int Blocks { get; }

            /// <summary>Rows and columns of the padded input: every tile's 4×4 block inside, zeros around x.</summary>
            public int Hp { get; }

            public int Wp { get; }

            /// <summary>One group's padded input: C·Hp·Wp vectors.</summary>
            public long GroupImage { get; }

            /// <summary>Groups of <see cref="Lanes"/> images in the batch (the last may be partial).</summary>
            public int Groups { get; }

            public int Filters4 { get; }

            /// <summary>Elements of one row (one channel or filter, one transform point) of a block: tiles × lanes.</summary>
            public int BlockRow { get; }
        }

        /// <summary>One call over a chunk of groups, as raw pointers so the worker thread can run part of it.</summary>
        private struct Job
        {
            public Conv2DShape Shape;
            public Plan Plan;
            public int Groups;

            /// <summary>Images in this chunk; X and Y point at its first.</summary>
            public int Images;
            public void* X;
            public void* Y;
            public void* Packed;
            public void* Bias;
            public void* Zeros;
            public int* Offsets;
            public void* Padded;
            public void* PaddedGradients;

            /// <summary>Image-innermost outputs of the chunk (float on AVX-512), or null to scatter them directly.</summary>
            public void* Outputs;
            public int Channels4;
            public bool Accumulate;
        }
    }
}
