using System;

namespace SymGrad
{
    /// <summary>
    /// Geometry of a 2-D convolution over a batch: input (N, C, H, W), filters (F, C, KH, KW), bias (F), output
    /// (N, F, OutH, OutW), all row-major; the same stride and zero padding on both axes.
    /// The constructor validates; kernels re-check through <see cref="Validate"/> because <c>default</c> bypasses it.
    /// </summary>
    public readonly record struct Conv2DShape
    {
        /// <summary>Creates and validates a geometry.</summary>
        /// <exception cref="ArgumentOutOfRangeException">A size or the stride is not positive, the padding is negative, or the kernel does not fit the padded input.</exception>
        public Conv2DShape(int batch, int channels, int height, int width, int filters, int kernelHeight, int kernelWidth, int stride = 1, int padding = 0)
        {
            KernelGuard.Positive(batch, nameof(batch));
            KernelGuard.Positive(channels, nameof(channels));
            KernelGuard.Positive(height, nameof(height));
            KernelGuard.Positive(width, nameof(width));
            KernelGuard.Positive(filters, nameof(filters));
            KernelGuard.Positive(kernelHeight, nameof(kernelHeight));
            KernelGuard.Positive(kernelWidth, nameof(kernelWidth));
            KernelGuard.Positive(stride, nameof(stride));
            KernelGuard.NonNegative(padding, nameof(padding));
            if (kernelHeight > height + (2 * padding))
            {
                throw new ArgumentOutOfRangeException(nameof(kernelHeight), kernelHeight, $"The kernel is taller than the padded input ({height} + 2·{padding}).");
            }

            if (kernelWidth > width + (2 * padding))
            {
                throw new ArgumentOutOfRangeException(nameof(kernelWidth), kernelWidth, $"The kernel is wider than the padded input ({width} + 2·{padding}).");
            }

            (Batch, Channels, Height, Width, Filters, KernelHeight, KernelWidth, Stride, Padding) =
                (batch, channels, height, width, filters, kernelHeight, kernelWidth, stride, padding);
            if ((long)InputLength + WeightLength + OutputLength + ColumnLength > int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(batch), "The tensors of this geometry exceed int.MaxValue elements.");
            }
        }

        /// <summary>N.</summary>
        public int Batch { get; }

        /// <summary>C, input channels.</summary>
        public int Channels { get; }

        /// <summary>H.</summary>
        public int Height { get; }

        /// <summary>W.</summary>
        public int Width { get; }

        /// <summary>F, output channels.</summary>
        public int Filters { get; }

        /// <summary>KH.</summary>
        public int KernelHeight { get; }

        /// <summary>KW.</summary>
        public int KernelWidth { get; }

        /// <summary>Step between windows, on both axes.</summary>
        public int Stride { get; }

        /// <summary>Zeros added on each side, on both axes.</summary>
        public int Padding { get; }

        /// <summary>OutH = (H + 2·padding − KH) / stride + 1 (0 for <c>default</c>, so ToString never divides by zero).</summary>
        public int OutHeight => Stride <= 0 ? 0 : ((Height + (2 * Padding) - KernelHeight) / Stride) + 1;

        /// <summary>OutW = (W + 2·padding − KW) / stride + 1.</summary>
        public int OutWidth => Stride <= 0 ? 0 : ((Width + (2 * Padding) - KernelWidth) / Stride) + 1;

        /// <summary>N·C·H·W.</summary>
        public int InputLength => Batch * Channels * Height * Width;

        /// <summary>F·C·KH·KW.</summary>
        public int WeightLength => Filters * Channels * KernelHeight * KernelWidth;

        /// <summary>N·F·OutH·OutW.</summary>
        public int OutputLength => Batch * Filters * OutHeight * OutWidth;

        /// <summary>C·KH·KW·OutH·OutW: the im2col matrix of one image.</summary>
        internal int ColumnLength => Channels * KernelHeight * KernelWidth * OutHeight * OutWidth;

        /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> if this is not a constructed geometry (e.g. <c>default</c>).</summary>
        public void Validate(string paramName = "shape")
        {
            if (Batch <= 0 || Channels <= 0 || Height <= 0 || Width <= 0 || Filters <= 0 || KernelHeight <= 0 || KernelWidth <= 0 || Stride <= 0 || Padding < 0)
            {
                throw new ArgumentException($"'{paramName}' is not a valid convolution geometry (a size or the stride is not positive, e.g. default); create it with its constructor.", paramName);
            }
        }
    }

    /// <summary>
    /// Geometry of 2-D max pooling over a batch: input (N, C, H, W), output (N, C, OutH, OutW), a (PH, PW) window moved by
    /// the stride; padded positions never win the max.
    /// </summary>
    public readonly record struct Pool2DShape
    {
        /// <summary>Creates and validates a geometry.</summary>
        /// <exception cref="ArgumentOutOfRangeException">A size or the stride is not positive, the padding is negative or not smaller than the window, or the window does not fit the padded input.</exception>
        public Pool2DShape(int batch, int channels, int height, int width, int poolHeight, int poolWidth, int stride, int padding = 0)
        {
            KernelGuard.Positive(batch, nameof(batch));
            KernelGuard.Positive(channels, nameof(channels));
            KernelGuard.Positive(height, nameof(height));
            KernelGuard.Positive(width, nameof(width));
            KernelGuard.Positive(poolHeight, nameof(poolHeight));
            KernelGuard.Positive(poolWidth, nameof(poolWidth));
            KernelGuard.Positive(stride, nameof(stride));
            KernelGuard.NonNegative(padding, nameof(padding));
            if (padding >= poolHeight || padding >= poolWidth)
            {
                // Otherwise a window could lie entirely in the padding and have no maximum.
                throw new ArgumentOutOfRangeException(nameof(padding), padding, "Padding must be smaller than the pooling window.");
            }

            if (poolHeight > height + (2 * padding))
            {
                throw new ArgumentOutOfRangeException(nameof(poolHeight), poolHeight, $"The window is taller than the padded input ({height} + 2·{padding}).");
            }

            if (poolWidth > width + (2 * padding))
            {
                throw new ArgumentOutOfRangeException(nameof(poolWidth), poolWidth, $"The window is wider than the padded input ({width} + 2·{padding}).");
            }

            (Batch, Channels, Height, Width, PoolHeight, PoolWidth, Stride, Padding) = (batch, channels, height, width, poolHeight, poolWidth, stride, padding);
            if ((long)batch * channels * height * width > int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(batch), "The input of this geometry exceeds int.MaxValue elements.");
            }
        }

        /// <summary>N.</summary>
        public int Batch { get; }

        /// <summary>C.</summary>
        public int Channels { get; }

        /// <summary>H.</summary>
        public int Height { get; }

        /// <summary>W.</summary>
        public int Width { get; }

        /// <summary>PH.</summary>
        public int PoolHeight { get; }

        /// <summary>PW.</summary>
        public int PoolWidth { get; }

        /// <summary>Step between windows, on both axes.</summary>
        public int Stride { get; }

        /// <summary>Positions added on each side that never win the max.</summary>
        public int Padding { get; }

        /// <summary>OutH = (H + 2·padding − PH) / stride + 1 (0 for <c>default</c>).</summary>
        public int OutHeight => Stride <= 0 ? 0 : ((Height + (2 * Padding) - PoolHeight) / Stride) + 1;

        /// <summary>OutW = (W + 2·padding − PW) / stride + 1.</summary>
        public int OutWidth => Stride <= 0 ? 0 : ((Width + (2 * Padding) - PoolWidth) / Stride) + 1;

        /// <summary>N·C·H·W.</summary>
        public int InputLength => Batch * Channels * Height * Width;

        /// <summary>N·C·OutH·OutW.</summary>
        public int OutputLength => Batch * Channels * OutHeight * OutWidth;

        /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> if this is not a constructed geometry (e.g. <c>default</c>).</summary>
        public void Validate(string paramName = "shape")
        {
            if (Batch <= 0 || Channels <= 0 || Height <= 0 || Width <= 0 || PoolHeight <= 0 || PoolWidth <= 0 || Stride <= 0 || Padding < 0)
            {
                throw new ArgumentException($"'{paramName}' is not a valid pooling geometry (a size or the stride is not positive, e.g. default); create it with its constructor.", paramName);
            }
        }
    }
}
