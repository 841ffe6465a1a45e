using System;
using System.Linq;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;
using C = SymGrad.RuntimeTests.Language.ForEachCases;

namespace SymGrad.RuntimeTests.Language
{
    public class ForEachTests
    {
        [Theory]
        [MemberData(nameof(SeedData))]
        public void LogSumExp(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 5, -3, 3), dx = new double[5];
            double value = C.LogSumExpGradient(x, dx);
            double[] softmax = x.Select(v => Math.Exp(v - value)).ToArray();
            for (int i = 0; i < 5; i++) Assert.Equal(softmax[i], dx[i], 12); // ∂/∂x log Σ exp = softmax
            Verify(() => C.LogSumExp(x), Param("x", x, dx));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void PairProductsInFloatMatchesCentralDifferencesInDouble(int seed)
        {
            var rng = new Random(seed);
            float[] x = Random(rng, 4).Select(v => (float)v).ToArray(), w = Random(rng, 3).Select(v => (float)v).ToArray();
            float[] dx = new float[4], dw = new float[3];
            C.PairProductsGradient(x, w, dx, dw);
            double Reference(float[] a, float[] b)
            {
                double s = 0;
                int i = 0;
                foreach (float p in a)
                {
                    if (p < -0.5f) continue;
                    foreach (float q in b) s += (double)p * q * Math.Tanh((double)q + i);
                    i++;
                }

                return s;
            }

            for (int k = 0; k < 4; k++)
            {
                float[] up = (float[])x.Clone(), down = (float[])x.Clone();
                up[k] += 1e-2f;
                down[k] -= 1e-2f;
                if (x[k] is > -0.51f and < -0.49f) continue; // the continue's kink
                Assert.Equal((Reference(up, w) - Reference(down, w)) / (up[k] - down[k]), dx[k], 2);
            }

            for (int k = 0; k < 3; k++)
            {
                float[] up = (float[])w.Clone(), down = (float[])w.Clone();
                up[k] += 1e-2f;
                down[k] -= 1e-2f;
                Assert.Equal((Reference(x, up) - Reference(x, down)) / (up[k] - down[k]), dw[k], 2);
            }
        }

        [Fact]
        public void IntegersWidened()
        {
            double[] x = { 0.5, -1, 2 }, dx = new double[3];
            C.WeightedGradient(x, new[] { 3, 0, 2 }, dx);
            Assert.Equal(new[] { 3.0, 0, 8 }, dx);
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void Parts(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 5), w = Random(rng, 4), dx = new double[5], dw = new double[4];
            C.PartsGradient(x, w, 2, dx, dw);
            Assert.Equal(new[] { 0.0, 0 }, dw[2..]); // w.AsSpan(0, 2): the rest has no gradient
            Verify(() => C.Parts(x, w, 2), Param("x", x, dx), Param("w", w, dw));
        }

        public static TheoryData<int> SeedData() => new(Seeds);
    }
}
