using System;
using System.IO;
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
            var random = new Random(3);
            var image = new float[28 * 28];
            for (int i = 0; i < image.Length; i++) image[i] = (float)random.NextDouble();
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
        public void TheProgramWritesASaliencyImage()
        {
            string directory = SyntheticIdx.Create(train: 128, test: 20);
            string output = Path.Combine(directory, "saliency.pgm");
            (int exit, string text) = FashionMnistSampleTests.RunProgram($"--data {directory} --train-limit 64 --index 5 --dream-steps 3 --output {output}", "DeepDream.dll");
            Assert.True(exit == 0, text);
            Assert.Contains("went from", text);
            byte[] pgm = File.ReadAllBytes(output);
            string header = Encoding.ASCII.GetString(pgm, 0, 15);
            Assert.StartsWith("P5\n448 224\n255\n", header);
            Assert.Equal(15 + (448 * 224), pgm.Length);
        }

        [Fact]
        public void AnIndexPastTheTestSetIsRefused()
        {
            string directory = SyntheticIdx.Create(train: 64, test: 10);
            (int exit, string text) = FashionMnistSampleTests.RunProgram($"--data {directory} --train-limit 64 --index 10", "DeepDream.dll");
            Assert.Equal(1, exit);
            Assert.Contains("past the 10 test images", text);
        }
    }
}
