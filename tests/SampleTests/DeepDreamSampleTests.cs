using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using SymGrad.Samples.DeepDream;
using SymGrad.Samples.FashionMnist;
using Xunit;

namespace SymGrad.SampleTests
{
    public class DeepDreamSampleTests
    {
        /// <summary>
        /// The input gradient SymGrad derived (weights [NoDerivative]) against central differences of the score, in
        /// float: the pixels with the largest gradients, where the finite difference is well above rounding.
        /// </summary>
        [Fact]
        public void InputGradientMatchesFiniteDifferences()
        {
            var model = new Model(batch: 1, seed: 7);
            var map = new SaliencyMap(model.Store);
            float[] image = RandomImage(3);
            var gradient = new float[image.Length];
            map.Gradient(image, target: 4, gradient);

            int[] order = new int[image.Length];
            for (int i = 0; i < order.Length; i++) order[i] = i;
            Array.Sort(order, (a, b) => Math.Abs(gradient[b]).CompareTo(Math.Abs(gradient[a])));
            for (int n = 0; n < 8; n++)
            {
                int i = order[n];
                // The score is piecewise linear (ReLU, max-pool): a small step rarely crosses a kink; float rounding of a
                // score of order 1 over 2h = 4e-3 adds about 1e-4, within the absolute term below.
                const float h = 2e-3f;
                float saved = image[i];
                image[i] = saved + h;
                float up = map.Score(image, 4);
                image[i] = saved - h;
                float down = map.Score(image, 4);
                image[i] = saved;
                float numerical = (up - down) / (2 * h);
                Assert.True(Math.Abs(numerical - gradient[i]) <= 0.01 * Math.Abs(gradient[i]) + 2e-3, $"pixel {i}: analytic {gradient[i]}, numerical {numerical}");
            }
        }

        [Fact]
        public void IntegratedGradientsAddUpToTheScoreGain()
        {
            // Completeness (Sundararajan et al.): without noise, Σ attributions = score(x) − score(0), up to the midpoint rule.
            var map = new SaliencyMap(new Model(batch: 1, seed: 7).Store);
            float[] image = RandomImage(5);
            float[] attribution = map.IntegratedGradients(image, target: 2, steps: 400, noise: 0, seed: 1, out float gain);
            Assert.Equal(gain, attribution.Sum(), Math.Abs(gain) * 0.02);

            float[] black = new float[image.Length];
            Assert.All(map.IntegratedGradients(black, target: 2, steps: 10, noise: 0.15f, seed: 1, out _), a => Assert.Equal(0, a)); // nothing where x = 0
        }

        [Fact]
        public void SmoothGradIsTheMeanGradientOfTheNoisyCopies()
        {
            var map = new SaliencyMap(new Model(batch: 1, seed: 7).Store);
            float[] image = RandomImage(6);
            float[] one = map.SmoothGrad(image, target: 1, samples: 1, noise: 0, seed: 1);
            var gradient = new float[image.Length];
            map.Gradient(image, 1, gradient);
            Assert.Equal(gradient, one); // no noise, one sample: the gradient itself

            float[] smooth = map.SmoothGrad(image, target: 1, samples: 20, noise: 0.15f, seed: 1);
            Assert.Equal(smooth, map.SmoothGrad(image, target: 1, samples: 20, noise: 0.15f, seed: 1)); // seeded
            Assert.NotEqual(gradient, smooth);
        }

        [Fact]
        public void ThePngIsValid()
        {
            string path = Path.Combine(SampleProcess.EmptyDirectory(), "map.png");
            SaliencyImage.Write(path, RandomImage(1), RandomImage(2));
            Assert.Equal(0xAE426082u, Png.Crc32("IEND"u8)); // the CRC every PNG ends with
            AssertPng(path, width: (3 * 224) + 8, height: 224);
        }

        /// <summary>Without --output everything goes to out/ of the working directory, named after the image, and each path is printed.</summary>
        [Fact]
        public void TheProgramWritesPngAndPgmToOutAndPrintsThePaths()
        {
            string directory = SyntheticIdx.Create(train: 128, test: 20);
            string here = SampleProcess.EmptyDirectory();
            (int exit, string text) = SampleProcess.Run("DeepDream.dll", $"--data {directory} --train-limit 64 --index 5 --samples 8 --dream-steps 3", here);
            Assert.True(exit == 0, text);
            Assert.Contains("went from", text);
            string out_ = Path.Combine(here, "out");
            foreach (string name in new[] { "saliency-5.png", "saliency-5.pgm", "saliency-5-dream.png", "saliency-5-dream.pgm" })
            {
                string path = Path.Combine(out_, name);
                Assert.True(File.Exists(path), $"{path} missing:\n{text}");
                Assert.Contains($"Wrote {path}", text);
            }

            AssertPng(Path.Combine(out_, "saliency-5.png"), width: (3 * 224) + 8, height: 224);
            AssertPng(Path.Combine(out_, "saliency-5-dream.png"), width: (2 * 224) + 4, height: 224);
            byte[] pgm = File.ReadAllBytes(Path.Combine(out_, "saliency-5.pgm"));
            Assert.StartsWith("P5\n448 224\n255\n", Encoding.ASCII.GetString(pgm, 0, 15));
            Assert.Equal(15 + (448 * 224), pgm.Length);
        }

        [Fact]
        public void OutputNamesThePgmAndThePngGoesNextToIt()
        {
            string directory = SyntheticIdx.Create(train: 64, test: 10);
            string output = Path.Combine(SampleProcess.EmptyDirectory(), "maps", "shirt.pgm");
            (int exit, string text) = SampleProcess.Run("DeepDream.dll", $"--data {directory} --train-limit 64 --index 2 --method smoothgrad --samples 4 --dream-steps 0 --output {output}");
            Assert.True(exit == 0, text);
            Assert.True(File.Exists(output));
            Assert.True(File.Exists(Path.ChangeExtension(output, ".png")));
            Assert.Contains("averaged over 4 copies", text);
        }

        [Fact]
        public void AnIndexPastTheTestSetIsRefused()
        {
            string directory = SyntheticIdx.Create(train: 64, test: 10);
            (int exit, string text) = SampleProcess.Run("DeepDream.dll", $"--data {directory} --train-limit 64 --index 10");
            Assert.Equal(1, exit);
            Assert.Contains("past the 10 test images", text);
        }

        [Theory]
        [InlineData("--index abc", "--index must be a whole number ≥ 0; got 'abc'.")]
        [InlineData("--class 10", "--class must be a whole number from 0 to 9; got '10'.")]
        [InlineData("--dream-steps x", "--dream-steps must be a whole number ≥ 0; got 'x'.")]
        [InlineData("--train-limit 10", "--train-limit must be a whole number ≥ 64; got '10'.")]
        [InlineData("--samples 0", "--samples must be a whole number ≥ 1; got '0'.")]
        [InlineData("--method magic", "--method must be one of integrated, smoothgrad, gradient; got 'magic'.")]
        public void BadOptionsAreRefusedInOneLine(string arguments, string message)
            => SampleProcess.AssertRefused("DeepDream.dll", arguments, message);

        private static float[] RandomImage(int seed)
        {
            var random = new Random(seed);
            var image = new float[28 * 28];
            for (int i = 0; i < image.Length; i++) image[i] = (float)random.NextDouble();
            return image;
        }

        /// <summary>Signature, IHDR with the size, every chunk's CRC, and an IDAT that inflates to the right number of rows.</summary>
        private static void AssertPng(string path, int width, int height)
        {
            byte[] png = File.ReadAllBytes(path);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
            int offset = 8;
            var idat = new MemoryStream();
            string last = "";
            while (offset < png.Length)
            {
                int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
                string type = Encoding.ASCII.GetString(png, offset + 4, 4);
                ReadOnlySpan<byte> typeAndData = png.AsSpan(offset + 4, 4 + length);
                Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length)), Png.Crc32(typeAndData));
                if (type == "IHDR")
                {
                    Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset + 8)));
                    Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset + 12)));
                }

                if (type == "IDAT") idat.Write(png, offset + 8, length);
                last = type;
                offset += 12 + length;
            }

            Assert.Equal("IEND", last);
            idat.Position = 0;
            using var inflated = new MemoryStream();
            using (var zlib = new ZLibStream(idat, CompressionMode.Decompress)) zlib.CopyTo(inflated);
            Assert.Equal(height * (1 + (3 * width)), inflated.Length);
        }
    }
}
