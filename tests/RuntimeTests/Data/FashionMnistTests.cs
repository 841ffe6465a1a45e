using System;
using System.IO;
using Xunit;

namespace SymGrad.RuntimeTests.Data
{
    public class FashionMnistTests : IDisposable
    {
        private readonly IdxFiles _files = new();

        public void Dispose() => _files.Dispose();

        private void WriteSet(bool gzipTrain, bool gzipTest, int train = 3, int test = 2)
        {
            byte[] Maybe(byte[] content, bool gzip) => gzip ? IdxFiles.Gzip(content) : content;
            string Name(string stem, bool gzip) => gzip ? stem + ".gz" : stem;
            _files.Write(Name("train-images-idx3-ubyte", gzipTrain), Maybe(IdxFiles.Images(train, 28, 28, out _), gzipTrain));
            _files.Write(Name("train-labels-idx1-ubyte", gzipTrain), Maybe(IdxFiles.Labels(new byte[train]), gzipTrain));
            _files.Write(Name("t10k-images-idx3-ubyte", gzipTest), Maybe(IdxFiles.Images(test, 28, 28, out _), gzipTest));
            _files.Write(Name("t10k-labels-idx1-ubyte", gzipTest), Maybe(IdxFiles.Labels(new byte[] { 9, 0 }), gzipTest));
        }

        [Fact]
        public void LocatesGzippedAndRawFiles()
        {
            WriteSet(gzipTrain: true, gzipTest: false);
            FashionMnistFiles files = FashionMnist.Locate(_files.Directory);
            Assert.Equal(Path.Combine(_files.Directory, "train-images-idx3-ubyte.gz"), files.TrainImages);
            Assert.Equal(Path.Combine(_files.Directory, "train-labels-idx1-ubyte.gz"), files.TrainLabels);
            Assert.Equal(Path.Combine(_files.Directory, "t10k-images-idx3-ubyte"), files.TestImages);
            Assert.Equal(Path.Combine(_files.Directory, "t10k-labels-idx1-ubyte"), files.TestLabels);

            FashionMnistSplit trainSet = FashionMnist.LoadTrain(_files.Directory);
            Assert.Equal(3, trainSet.Images.Count);
            Assert.Equal(28, trainSet.Images.Rows);
            FashionMnistSplit testSet = FashionMnist.LoadTest(_files.Directory);
            Assert.Equal(new byte[] { 9, 0 }, testSet.Labels);
            Assert.Equal("Ankle boot", FashionMnist.ClassNames[testSet.Labels[0]]);
        }

        [Fact]
        public void PrefersUncompressedAndAcceptsDottedNames()
        {
            WriteSet(gzipTrain: true, gzipTest: true);
            _files.Write("train-images-idx3-ubyte", IdxFiles.Images(3, 28, 28, out _));
            File.Move(Path.Combine(_files.Directory, "t10k-labels-idx1-ubyte.gz"), Path.Combine(_files.Directory, "t10k-labels.idx1-ubyte.gz"));
            FashionMnistFiles files = FashionMnist.Locate(_files.Directory);
            Assert.EndsWith("train-images-idx3-ubyte", files.TrainImages);
            Assert.EndsWith("t10k-labels.idx1-ubyte.gz", files.TestLabels);
        }

        [Fact]
        public void MissingDirectorySaysWhatWasLookedForAndHowToGetIt()
        {
            string directory = Path.Combine(_files.Directory, "absent");
            var ex = Assert.Throws<FileNotFoundException>(() => FashionMnist.Locate(directory));
            Assert.Contains($"'{directory}' does not exist", ex.Message);
            foreach (string stem in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
            {
                Assert.Contains(stem + ".gz", ex.Message);
            }

            Assert.Contains("apt-get install dataset-fashion-mnist", ex.Message);
            Assert.False(FashionMnist.TryLocate(directory, out var files, out string? problem));
            Assert.Null(files);
            Assert.Equal(ex.Message, problem);
        }

        [Fact]
        public void IncompleteDirectoryListsOnlyWhatIsMissing()
        {
            WriteSet(gzipTrain: true, gzipTest: true);
            File.Delete(Path.Combine(_files.Directory, "t10k-images-idx3-ubyte.gz"));
            var ex = Assert.Throws<FileNotFoundException>(() => FashionMnist.LoadTest(_files.Directory));
            Assert.Contains("incomplete", ex.Message);
            Assert.Contains("t10k-images-idx3-ubyte not found", ex.Message);
            Assert.DoesNotContain("train-images", ex.Message);
            Assert.Contains("apt-get install dataset-fashion-mnist", ex.Message);
        }

        [Fact]
        public void MismatchedCountsAndBadLabelsAreRejected()
        {
            string images = _files.Write("i", IdxFiles.Images(3, 28, 28, out _));
            string two = _files.Write("l2", IdxFiles.Labels(1, 2));
            var ex = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(images, two));
            Assert.Contains("3 images", ex.Message);
            Assert.Contains("2 labels", ex.Message);
            string bad = _files.Write("l3", IdxFiles.Labels(1, 12, 2));
            Assert.Contains("label 12 at index 1", Assert.Throws<InvalidDataException>(() => FashionMnist.Load(images, bad)).Message);
        }
    }
}
