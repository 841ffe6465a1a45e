using System;
using System.Linq;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;
using C = SymGrad.RuntimeTests.Language.ResultCases;

namespace SymGrad.RuntimeTests.Language
{
    public class ResultTests
    {
        [Theory]
        [MemberData(nameof(SeedData))]
        public void Polar(int seed)
        {
            var rng = new Random(seed);
            double[] x = { rng.NextDouble() + 0.2 }, y = { rng.NextDouble() - 0.5 };
            double dR = rng.NextDouble() - 0.5, dTheta = rng.NextDouble() - 0.5, dx = 0, dy = 0;
            C.PolarBackward(x[0], y[0], dR, dTheta, ref dx, ref dy);
            double r = Math.Sqrt((x[0] * x[0]) + (y[0] * y[0]));
            Assert.Equal((dR * x[0] / r) - (dTheta * y[0] / (r * r)), dx, 12); // ∂R/∂x = x/r, ∂θ/∂x = −y/r²
            Verify(() =>
            {
                var (R, Theta) = C.Polar(x[0], y[0]);
                return (dR * R) + (dTheta * Theta);
            }, Scalar("x", x, dx), Scalar("y", y, dy));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void Stats(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 6), dx = new double[6];
            double dVariance = rng.NextDouble();
            C.StatsBackward(x, 0.7, dVariance, dx);
            Verify(() => (0.7 * C.Stats(x, out double variance)) + (dVariance * variance), Param("x", x, dx));

            // MGradient: the gradient of the result (the mean) alone, the variance returned through out.
            double[] dMean = new double[6];
            double mean = C.StatsGradient(x, out double v, dMean);
            Assert.Equal(x.Average(), mean, 12);
            Assert.Equal(x.Select(a => (a - mean) * (a - mean)).Average(), v, 12);
            Assert.All(dMean, d => Assert.Equal(1.0 / 6, d, 12));
        }

        [Theory]
        [InlineData(0.6)]
        [InlineData(-1.2)]
        [InlineData(3.5)]
        public void Split(double a)
        {
            // hi is a float: central differences of it are noise at a double step, so the closed form is the check.
            double da = 0;
            C.SplitBackward(a, 0.25, 2f, ref da);
            double expected = a > 3 ? 0.25 * 2 * a : (0.25 * ((2 * a) + Math.Cos(a))) + (2 * Math.Cos(a)); // lo = a² (+ sin a), hi = sin a
            Assert.Equal(expected, da, 6);
        }

        [Fact]
        public void MinMaxInFloat()
        {
            float[] x = { 0.5f, -2, 3, 1 }, y = new float[4], dy = { 1, 0, 0.5f, 0 }, dx = new float[4];
            C.MinMax(x, y);
            C.MinMaxBackward(x, y, 3, 0.5f, dy, dx);
            // lo = x[1], hi·2 = 2·x[2]; y = x²: dx = 3·e₁ + 0.5·2·e₂ + 2·x·dy
            Assert.Equal(new[] { 2 * 0.5f * 1, 3, 1 + (2 * 3 * 0.5f), 0 }, dx);
        }

        public static TheoryData<int> SeedData() => new(Seeds);
    }
}
