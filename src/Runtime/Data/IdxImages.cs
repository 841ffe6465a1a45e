using System;
using System.Numerics.Tensors;

namespace SymGrad
{
    /// <summary>
    /// Images read from an IDX file (<see cref="Idx.ReadImages"/>): <see cref="Count"/> images of
    /// <see cref="Rows"/> × <see cref="Columns"/> unsigned bytes, row-major, one after the other in <see cref="Pixels"/>.
    /// </summary>
    public sealed class IdxImages
    {
        /// <summary>Wraps <paramref name="pixels"/> (not copied), which must hold exactly count × rows × columns bytes.</summary>
        public IdxImages(int count, int rows, int columns, byte[] pixels)
        {
            ArgumentNullException.ThrowIfNull(pixels);
            ArgumentOutOfRangeException.ThrowIfNegative(count);
            ArgumentOutOfRangeException.ThrowIfNegative(rows);
            ArgumentOutOfRangeException.ThrowIfNegative(columns);
            if ((long)count * rows * columns != pixels.Length)
            {
                throw new ArgumentException(
                    $"pixels holds {pixels.Length} bytes but {count} images of {rows}×{columns} need {(long)count * rows * columns}.", nameof(pixels));
            }

            Count = count;
            Rows = rows;
            Columns = columns;
            Pixels = pixels;
        }

        /// <summary>The number of images.</summary>
        public int Count { get; }

        /// <summary>The height of each image.</summary>
        public int Rows { get; }

        /// <summary>The width of each image.</summary>
        public int Columns { get; }

        /// <summary>Rows × Columns, the number of pixels of one image.</summary>
        public int ImageSize => Rows * Columns;

        /// <summary>All pixels, image after image, each row-major (0 = background, 255 = full ink).</summary>
        public byte[] Pixels { get; }

        /// <summary>The pixels of image <paramref name="index"/>.</summary>
        public ReadOnlySpan<byte> Image(int index)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return Pixels.AsSpan(index * ImageSize, ImageSize);
        }

        /// <summary>Every pixel scaled to [0, 1] (p / 255) in a new array laid out as <see cref="Pixels"/>.</summary>
        public float[] ToNormalizedFloats()
        {
            var result = new float[Pixels.Length];
            Idx.Normalize(Pixels, result);
            return result;
        }

        /// <summary>
        /// Writes images <paramref name="start"/> … <paramref name="start"/> + destination.Length / ImageSize − 1,
        /// scaled to [0, 1], into <paramref name="destination"/> (a batch; allocates nothing).
        /// </summary>
        public void CopyNormalized(int start, Span<float> destination)
        {
            int size = ImageSize;
            if (size == 0 || destination.Length % size != 0)
            {
                throw new ArgumentException(
                    $"destination has {destination.Length} elements, not a whole number of {Rows}×{Columns} images.", nameof(destination));
            }

            int images = destination.Length / size;
            if (start < 0 || start > Count - images)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(start), start, $"Images {start}…{start + images - 1} are not all among the {Count} there are.");
            }

            Idx.Normalize(Pixels.AsSpan(start * size, destination.Length), destination);
        }
    }
}
