using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace SymGrad
{
    /// <summary>The four files of an MNIST-format data set, as found by <see cref="FashionMnist.Locate"/>.</summary>
    public sealed record FashionMnistFiles(string TrainImages, string TrainLabels, string TestImages, string TestLabels);

    /// <summary>One split of Fashion-MNIST: images and their labels (0–9, see <see cref="FashionMnist.ClassNames"/>).</summary>
    public sealed record FashionMnistSplit(IdxImages Images, byte[] Labels);

    /// <summary>
    /// Finds and loads Fashion-MNIST (Xiao, Rasul &amp; Vollgraf, 2017): 60 000 training and 10 000 test images of
    /// 28 × 28 grey pixels in 10 classes. Debian's <c>dataset-fashion-mnist</c> package installs the four gzipped
    /// files into <see cref="DefaultDirectory"/> as <c>train-images-idx3-ubyte.gz</c>, <c>train-labels-idx1-ubyte.gz</c>,
    /// <c>t10k-images-idx3-ubyte.gz</c> and <c>t10k-labels-idx1-ubyte.gz</c>. The same names without <c>.gz</c>, and
    /// the dotted variant <c>train-images.idx3-ubyte</c> some mirrors use, are found too (uncompressed first), so the
    /// locator also serves the original MNIST files.
    /// </summary>
    public static class FashionMnist
    {
        /// <summary>Where <c>apt-get install dataset-fashion-mnist</c> puts the files.</summary>
        public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

        /// <summary>The label names, indexed by label.</summary>
        public static IReadOnlyList<string> ClassNames { get; } = new[]
        {
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
        };

        /// <summary>
        /// Finds the four files in <paramref name="directory"/> (default <see cref="DefaultDirectory"/>).
        /// </summary>
        /// <exception cref="FileNotFoundException">
        /// The directory or a file is missing; the message lists every name looked for and how to get the data.
        /// </exception>
        public static FashionMnistFiles Locate(string? directory = null)
        {
            if (TryLocate(directory, out FashionMnistFiles? files, out string? problem))
            {
                return files;
            }

            throw new FileNotFoundException(problem, directory ?? DefaultDirectory);
        }

        /// <summary>
        /// Like <see cref="Locate"/> but reports a missing data set through <paramref name="problem"/> instead of
        /// throwing (for tests and samples that skip when the data is absent).
        /// </summary>
        public static bool TryLocate(
            string? directory,
            [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FashionMnistFiles? files,
            [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
        {
            directory ??= DefaultDirectory;
            string[] stems = { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" };
            var found = new string?[stems.Length];
            var missing = new List<string>();
            bool directoryExists = Directory.Exists(directory);
            for (int i = 0; i < stems.Length; i++)
            {
                found[i] = directoryExists ? Find(directory, stems[i]) : null;
                if (found[i] is null)
                {
                    missing.Add(stems[i]);
                }
            }

            if (missing.Count == 0)
            {
                files = new FashionMnistFiles(found[0]!, found[1]!, found[2]!, found[3]!);
                problem = null;
                return true;
            }

            var message = new StringBuilder();
            message.Append(directoryExists
                ? $"Fashion-MNIST is incomplete in '{directory}': {string.Join(", ", missing)} not found."
                : $"Fashion-MNIST not found: the directory '{directory}' does not exist.");
            message.Append(" Looked for ");
            message.Append(string.Join("; ", Array.ConvertAll(missing.ToArray(), stem => string.Join(", ", Candidates(stem)))));
            message.Append(". To get it: `apt-get install dataset-fashion-mnist` (Debian/Ubuntu; installs into ")
                .Append(DefaultDirectory)
                .Append("), or download the four .gz files from https://github.com/zalandoresearch/fashion-mnist (data/fashion) into a directory and pass its path.");
            files = null;
            problem = message.ToString();
            return false;
        }

        /// <summary>Loads the 60 000-image training split.</summary>
        public static FashionMnistSplit LoadTrain(string? directory = null)
        {
            FashionMnistFiles files = Locate(directory);
            return Load(files.TrainImages, files.TrainLabels);
        }

        /// <summary>Loads the 10 000-image test split.</summary>
        public static FashionMnistSplit LoadTest(string? directory = null)
        {
            FashionMnistFiles files = Locate(directory);
            return Load(files.TestImages, files.TestLabels);
        }

        /// <summary>Reads an image file and its label file and checks that they describe the same number of items.</summary>
        /// <exception cref="InvalidDataException">Either file is invalid, the counts differ, or a label is not 0–9.</exception>
        public static FashionMnistSplit Load(string imagesPath, string labelsPath)
        {
            IdxImages images = Idx.ReadImages(imagesPath);
            byte[] labels = Idx.ReadLabels(labelsPath);
            if (images.Count != labels.Length)
            {
                throw new InvalidDataException(
                    $"'{imagesPath}' holds {images.Count} images but '{labelsPath}' holds {labels.Length} labels; they must pair up.");
            }

            int bad = labels.AsSpan().IndexOfAnyExceptInRange((byte)0, (byte)(ClassNames.Count - 1));
            if (bad >= 0)
            {
                throw new InvalidDataException(
                    $"'{labelsPath}' has label {labels[bad]} at index {bad}; Fashion-MNIST labels are 0–{ClassNames.Count - 1}.");
            }

            return new FashionMnistSplit(images, labels);
        }

        private static string[] Candidates(string stem)
        {
            string dotted = stem.Replace("-idx", ".idx", StringComparison.Ordinal);
            return new[] { stem, stem + ".gz", dotted, dotted + ".gz" };
        }

        private static string? Find(string directory, string stem)
        {
            foreach (string name in Candidates(stem))
            {
                string path = Path.Combine(directory, name);
                if (File.Exists(path))
                {
                    return path;
                }
            }

            return null;
        }
    }
}
