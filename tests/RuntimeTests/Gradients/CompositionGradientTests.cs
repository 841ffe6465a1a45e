using System;
using SymGrad.RuntimeTests.Catalogue;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;

namespace SymGrad.RuntimeTests.Gradients
{
    public class CompositionGradientTests
    {
        [Theory]
        [InlineData(1, 1)]
        [InlineData(7, 2)]
        [InlineData(19, 3)]
        public void OutputWrittenTwiceAndReadBack(int n, int seed)
        {
            var rng = new Random(seed);
            double[] s = Random(rng, n, -3, 3), p = new double[n], dp = Random(rng, n), ds = new double[n];
            Composition.Softmax(s, p);
            double[] before = (double[])p.Clone();
            Composition.SoftmaxBackward(s, p, dp, ds);
            Assert.Equal(before, p); // the backward never writes a primal argument
            Verify(() => { Composition.Softmax(s, p); return GradCheck.Contract(p, dp); }, Param("s", s, ds));
        }

        [Fact]
        public void OutputAccumulatedInto()
        {
            var rng = new Random(4);
            double[] x = Random(rng, 9), y = new double[9], dy = Random(rng, 9), dx = new double[9];
            Composition.Accumulate(x, y);
            Composition.AccumulateBackward(x, y, dy, dx);
            Verify(() => { Composition.Accumulate(x, y); return GradCheck.Contract(y, dy); }, Param("x", x, dx));
            for (int i = 0; i < 9; i++) Assert.Equal(dy[i] * (1 + 2 * x[i]), dx[i], 12);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public void RegisteredCustomDerivativeIsUsed(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 11, -4, 4), dx = new double[11], scale = { 1.3 };
            double dscale = 0;
            Composition.SoftplusSumGradient(x, scale[0], dx, ref dscale);
            Verify(() => Composition.SoftplusSum(x, scale[0]), Param("x", x, dx), Scalar("scale", scale, dscale));
        }

        [Theory]
        [InlineData(1, 1)]
        [InlineData(6, 2)]
        public void LayersOnSlices(int half, int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 2 * half), top = new double[half], bottom = new double[half], dx = new double[2 * half];
            Composition.HalvesGradient(x, top, bottom, half, dx);
            Verify(() => Composition.Halves(x, top, bottom, half), Param("x", x, dx));
        }

        [Fact]
        public void FloatLayerAgreesWithTheDoubleDerivative()
        {
            var rng = new Random(5);
            float[] x = new float[13], w = new float[13], y = new float[13], dy = new float[13], dx = new float[13], dw = new float[13];
            for (int i = 0; i < 13; i++)
            {
                (x[i], w[i], dy[i]) = ((float)(rng.NextDouble() * 4 - 2), (float)rng.NextDouble(), (float)(rng.NextDouble() - 0.5));
            }

            float db = 0;
            Composition.ScaledTanh(x, w, 0.5f, y);
            Composition.ScaledTanhBackward(x, w, 0.5f, y, dy, dx, dw, ref db);
            for (int i = 0; i < 13; i++)
            {
                double t = Math.Tanh(x[i]);
                Assert.Equal(dy[i] * w[i] * (1 - t * t), dx[i], 1e-5);  // float rounding of tanh and products
                Assert.Equal(dy[i] * t, dw[i], 1e-5);
            }

            float sum = 0;
            foreach (float v in dy) sum += v;
            Assert.Equal(sum, db, 1e-4);
        }
    }
}
