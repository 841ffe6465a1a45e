using System;
using System.IO;
using Xunit;

namespace SymGrad.RuntimeTests.Data
{
    // Allocation counts are per thread; a kernel's parallel wait can run another test's work inline: not in parallel with others.
    [Collection(nameof(AllocationCollection))]
    public class IdxTests : IDisposable
    {
        private readonly IdxFiles _files = new();

        public void Dispose() => _files.Dispose();

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void ImagesRoundTrip(bool gzip)
        {
            byte[] content = IdxFiles.Images(count: 5, rows: 3, columns: 4, out byte[] pixels);
            string path = _files.Write(gzip ? "img.gz" : "img", gzip ? IdxFiles.Gzip(content) : content);
            IdxImages images = Idx.ReadImages(path);
            Assert.Equal(5, images.Count);
            Assert.Equal(3, images.Rows);
            Assert.Equal(4, images.Columns);
            Assert.Equal(12, images.ImageSize);
            Assert.Equal(pixels, images.Pixels);
            Assert.Equal(pixels.AsSpan(24, 12).ToArray(), images.Image(2).ToArray());
            Assert.Throws<ArgumentOutOfRangeException>(() => images.Image(5));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void LabelsRoundTrip(bool gzip)
        {
            byte[] content = IdxFiles.Labels(3, 1, 4, 1, 5, 9, 2, 6);
            string path = _files.Write("labels", gzip ? IdxFiles.Gzip(content) : content);
            Assert.Equal(new byte[] { 3, 1, 4, 1, 5, 9, 2, 6 }, Idx.ReadLabels(path));
        }

        [Fact]
        public void GzipIsRecognisedByContentNotName()
        {
            byte[] content = IdxFiles.Labels(7, 8);
            Assert.Equal(new byte[] { 7, 8 }, Idx.ReadLabels(_files.Write("compressed-without-suffix", IdxFiles.Gzip(content))));
            Assert.Equal(new byte[] { 7, 8 }, Idx.ReadLabels(_files.Write("raw-with-suffix.gz", content)));
        }

        [Fact]
        public void EmptySetsAreValid()
        {
            Assert.Empty(Idx.ReadLabels(_files.Write("none", IdxFiles.Labels())));
            Assert.Equal(0, Idx.ReadImages(_files.Write("noimg", IdxFiles.Images(0, 28, 28, out _))).Count);
        }

        [Fact]
        public void NormalizeMapsBytesToTheUnitInterval()
        {
            byte[] source = { 0, 51, 102, 255 };
            float[] destination = new float[4];
            Idx.Normalize(source, destination);
            Assert.Equal(new[] { 0f, 0.2f, 0.4f, 1f }, destination, (a, b) => Math.Abs(a - b) < 1e-7f);
            Assert.Equal("destination", Assert.Throws<ArgumentException>(() => Idx.Normalize(source, new float[3])).ParamName);

            var images = new IdxImages(3, 1, 2, new byte[] { 0, 255, 51, 51, 255, 0 });
            Assert.Equal(new[] { 0f, 1f, 0.2f, 0.2f, 1f, 0f }, images.ToNormalizedFloats(), (a, b) => Math.Abs(a - b) < 1e-7f);
            float[] batch = new float[4];
            images.CopyNormalized(1, batch);
            Assert.Equal(new[] { 0.2f, 0.2f, 1f, 0f }, batch, (a, b) => Math.Abs(a - b) < 1e-7f);
            Assert.Equal("start", Assert.Throws<ArgumentOutOfRangeException>(() => images.CopyNormalized(2, batch)).ParamName);
            Assert.Equal("destination", Assert.Throws<ArgumentException>(() => images.CopyNormalized(0, new float[3])).ParamName);
        }

        [Fact]
        public void CopyNormalizedAllocatesNothing()
        {
            var images = new IdxImages(10, 28, 28, new byte[10 * 784]);
            float[] batch = new float[4 * 784];
            images.CopyNormalized(0, batch);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++) images.CopyNormalized(i % 7, batch);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        [Fact]
        public void MissingFileIsFileNotFoundNamingIt()
        {
            string path = Path.Combine(_files.Directory, "nope-images-idx3-ubyte");
            var ex = Assert.Throws<FileNotFoundException>(() => Idx.ReadImages(path));
            Assert.Equal(path, ex.FileName);
            Assert.Contains(path, ex.Message);
            Assert.Contains("directory", Assert.Throws<FileNotFoundException>(() => Idx.ReadLabels(_files.Directory)).Message);
        }

        private InvalidDataException Invalid(string name, byte[] content, bool images = true)
        {
            string path = _files.Write(name, content);
            var ex = Assert.Throws<InvalidDataException>(() => { if (images) Idx.ReadImages(path); else Idx.ReadLabels(path); });
            Assert.Contains(path, ex.Message);
            return ex;
        }

        [Fact]
        public void EmptyFileIsTruncated()
        {
            var ex = Invalid("empty", Array.Empty<byte>());
            Assert.Contains("truncated: an IDX header needs 16 bytes but the file holds 0", ex.Message);
        }

        [Fact]
        public void TruncatedHeader()
        {
            byte[] content = IdxFiles.Images(2, 2, 2, out _);
            var ex = Invalid("short-header", content[..10]);
            Assert.Contains("the header needs 16 bytes but the file holds 10", ex.Message);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void TruncatedPayloadSaysExpectedAndPresent(bool gzip)
        {
            byte[] content = IdxFiles.Images(60, 28, 28, out _)[..1000];
            var ex = Invalid("cut", gzip ? IdxFiles.Gzip(content) : content);
            Assert.Contains("truncated", ex.Message);
            Assert.Contains("the header announces 60 images of 28 × 28 = 47040 bytes after the 16-byte header", ex.Message);
            Assert.Contains("47056 bytes in all, but the file holds 1000 (46056 missing)", ex.Message);
            Assert.Equal(gzip, ex.Message.Contains("gzip", StringComparison.Ordinal));
        }

        [Fact]
        public void TruncatedCompressedStream()
        {
            byte[] compressed = IdxFiles.Gzip(IdxFiles.Images(50, 28, 28, out _));
            var ex = Invalid("cut.gz", compressed[..(compressed.Length / 2)]);
            Assert.True(ex.Message.Contains("truncated", StringComparison.Ordinal) || ex.Message.Contains("not valid gzip", StringComparison.Ordinal), ex.Message);
        }

        [Fact]
        public void CorruptGzip()
        {
            var ex = Invalid("junk.gz", new byte[] { 0x1F, 0x8B, 0x08, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x03, 0xAB, 0xCD, 0xEF, 0x01, 0x02, 0x03 });
            Assert.Contains("gzip", ex.Message);
        }

        [Fact]
        public void TrailingBytesAreRejected()
        {
            byte[] content = [.. IdxFiles.Labels(1, 2, 3), 0, 0];
            var ex = Invalid("long", content, images: false);
            Assert.Contains("2 byte(s) follow the 11 the header announces (3 labels); the file holds 13 bytes", ex.Message);
        }

        [Fact]
        public void ForeignFileReportsTheMagicFound()
        {
            byte[] png = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0 };
            var ex = Invalid("picture.png", png);
            Assert.Contains("not an IDX file: it starts with magic 0x89504E47, expected 0x00000803", ex.Message);
        }

        [Fact]
        public void LabelFileGivenAsImagesAndViceVersa()
        {
            var ex = Invalid("labels-as-images", IdxFiles.Labels(1, 2));
            Assert.Contains("declares 1 dimension(s) (a label file?) but an IDX image file has 3", ex.Message);
            ex = Invalid("images-as-labels", IdxFiles.Images(1, 1, 1, out _), images: false);
            Assert.Contains("declares 3 dimension(s) (an image file?) but an IDX label file has 1", ex.Message);
        }

        [Fact]
        public void OtherElementTypesAreNamed()
        {
            byte[] floats = [.. IdxFiles.Header(0x00000D03, 1, 1, 1), 0, 0, 0, 0];
            var ex = Invalid("floats", floats);
            Assert.Contains("element type 0x0D (float32)", ex.Message);
        }

        [Fact]
        public void NegativeAndHugeSizesAreRejected()
        {
            Assert.Contains("negative size (-5)", Invalid("negative", IdxFiles.Header(0x00000801, -5), images: false).Message);
            Assert.Contains("100000 images of 100000 × 100000, more than", Invalid("huge", IdxFiles.Header(0x00000803, 100_000, 100_000, 100_000)).Message);
        }
    }
}
