using System;
using System.Linq;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;
using C = SymGrad.RuntimeTests.Language.RangeCases;

namespace SymGrad.RuntimeTests.Language
{
    public class RangeTests
    {
        [Theory]
        [MemberData(nameof(SeedData))]
        public void Neighbours(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 5), y = new double[4], dy = Random(rng, 4), dx = new double[5];
            double value = C.Neighbours(x, y);
            C.NeighboursBackward(x, y, 0.7, dy, dx);
            Assert.Equal(new[] { x[4], 2 * x[0], x[0] * x[4] }, new[] { y[0], y[2], y[3] });
            Verify(() =>
            {
                double[] o = new double[4];
                return (0.7 * C.Neighbours(x, o)) + o.Zip(dy, (a, b) => a * b).Sum();
            }, Param("x", x, dx));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void Halves(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 6), y = new double[6], dx = new double[6], c = { rng.NextDouble() };
            double dc = 0;
            C.HalvesGradient(x, y, c[0], dx, ref dc);
            Assert.Equal(new[] { c[0], 2 * c[0], 3 * c[0], 2 * c[0], 4 * c[0], 6 * c[0] }, y);
            Verify(() => C.Halves(x, new double[6], c[0]), Param("x", x, dx), Scalar("c", c, dc));
        }

        [Fact]
        public void TailInFloat()
        {
            float[] x = { 0.5f, -1, 2, 0.25f, 1.5f }, dx = new float[5];
            C.TailGradient(x, dx);
            float sum = (2 * 2) + (0.25f * 0.25f) + (1.5f * 1.5f);
            Assert.Equal(new[] { 0, 0, 1.5f * 2 * 2, 1.5f * 2 * 0.25f, sum + (1.5f * 2 * 1.5f) }, dx);
        }

        public static TheoryData<int> SeedData() => new(Seeds);
    }
}
