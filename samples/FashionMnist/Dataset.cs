using System;

namespace SymGrad.Samples.FashionMnist
{
    /// <summary>Images as bytes (compact) and labels; a batch is gathered and normalised to [0, 1] on demand.</summary>
    public sealed class Dataset
    {
        private readonly byte[] _pixels;
        private readonly byte[] _labels;

        public Dataset(IdxImages images, byte[] labels)
        {
            if (images.Rows != 28 || images.Columns != 28)
            {
                throw new ArgumentException($"Expected 28×28 images, found {images.Rows}×{images.Columns}.", nameof(images));
            }

            if (labels.Length != images.Count)
            {
                throw new ArgumentException($"{images.Count} images but {labels.Length} labels.", nameof(labels));
            }

            _pixels = images.Pixels;
            _labels = labels;
        }

        public int Count => _labels.Length;

        public static Dataset Load(string imagesPath, string labelsPath)
        {
            FashionMnistSplit split = SymGrad.FashionMnist.Load(imagesPath, labelsPath);
            return new Dataset(split.Images, split.Labels);
        }

        /// <summary>Copies the examples at <paramref name="indices"/> into a batch.</summary>
        public void Gather(ReadOnlySpan<int> indices, Span<float> images, Span<int> labels)
        {
            for (int i = 0; i < indices.Length; i++)
            {
                int index = indices[i];
                Idx.Normalize(_pixels.AsSpan(index * Trainer.ImageSize, Trainer.ImageSize), images.Slice(i * Trainer.ImageSize, Trainer.ImageSize));
                labels[i] = _labels[index];
            }
        }
    }
}
