using System;
using System.Buffers;
using System.Numerics;
using System.Runtime.Intrinsics;

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
    /// (one copy per <see cref="Vector512{T}.Count"/> images; for floats by 16 × 16 register transposes), so all transforms
    /// are plain vector adds; the outputs go back to each image's planes the same way. Used for the forward; with the filters flipped and channels and filters swapped, for the
    /// input gradient (a 3×3 padding-1 convolution of dy); and, through the adjoints of the three transforms, for the
    /// weight gradient (<see cref="BackwardWeights{T}"/>).
    /// </summary>
    internal static unsafe partial class Conv2DWinograd
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

        /// <summary>Elements of scratch one call (or one group's pass) may build: <see cref="ChunkBudget"/>, or the tests' setting.</summary>
        private static long Budget() => t_chunkBudget > 0 ? t_chunkBudget : ChunkBudget;

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
