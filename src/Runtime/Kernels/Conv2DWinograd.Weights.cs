using System;
using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SymGrad
{
    /// <summary>The weight gradient: dU = Σ (A·dY·Aᵀ) ⊙ (Bᵀ·d·B) over images and tiles, dw += Gᵀ·dU·G.</summary>
    internal static unsafe partial class Conv2DWinograd
    {
        /// <summary>
        /// dw += ∂L/∂w and db += ∂L/∂b (db null to skip) through the same transforms: with dM = A·dY·Aᵀ for every 2×2 block of
        /// dy and V = Bᵀ·d·B as in the forward, dU_ξ[f, c] = Σ_(images, tiles) dM_ξ[f, ·] · V_ξ[c, ·], then dw = Gᵀ·dU·G.
        /// The two cores share the groups of images; each group's dU is summed apart and the groups' sums added in order.
        /// </summary>
        internal static void BackwardWeights<T>(T* x, T* dy, T* dw, T* db, in Conv2DShape s)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var plan = new Plan(s, Vector512<T>.Count);
            int channels4 = Conv2DDirect.RoundUp(s.Channels, Conv2DDirect.Rows);
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
                var biasJob = new Job { Shape = s, Y = dy, Packed = db };
                RowSplit.Run(&biasJob, s.Filters, (long)s.Batch * s.Filters * s.OutHeight * s.OutWidth, &BiasRows<T>);
            }
        }

        /// <summary>Filters [f0, f1) of db (Packed) from dy (Y), shared between the cores.</summary>
        private static void BiasRows<T>(void* pointer, int f0, int f1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref readonly Job job = ref *(Job*)pointer;
            Conv2DDirect.AddBiasSums((T*)job.Y, (T*)job.Packed, job.Shape, job.Shape.Batch, f0, f1);
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
    }
}
