using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SymGrad
{
    /// <summary>Moving images in and out of the image-innermost layout the transforms work in.</summary>
    internal static unsafe partial class Conv2DWinograd
    {
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
                Vector256<int> index = Simd.Indices256 * stride;
                Vector256<float> low = Avx2.GatherVector256((float*)p, index, 4), high = Avx2.GatherVector256((float*)p + (8L * stride), index, 4);
                return Vector512.Create(low, high).As<float, T>();
            }

            Vector128<int> index4 = Simd.Indices128 * stride;
            Vector256<double> lowD = Avx2.GatherVector256((double*)p, index4, 8), highD = Avx2.GatherVector256((double*)p + (4L * stride), index4, 8);
            return Vector512.Create(lowD, highD).As<double, T>();
        }

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
    }
}
