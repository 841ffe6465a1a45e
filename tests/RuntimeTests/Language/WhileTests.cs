using System;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;
using C = SymGrad.RuntimeTests.Language.WhileCases;

namespace SymGrad.RuntimeTests.Language
{
    public class WhileTests
    {
        [Theory]
        [InlineData(0.3)]
        [InlineData(2.0)]
        [InlineData(49.0)]
        public void NewtonSqrt(double a)
        {
            double da = 0;
            double value = C.NewtonSqrtGradient(a, ref da);
            Assert.Equal(Math.Sqrt(a), value, 10);
            Assert.Equal(0.5 / Math.Sqrt(a), da, 6); // d√a/da, which the converged iterations' derivative approaches
            double[] at = { a };
            Verify(() => C.NewtonSqrt(at[0]), Scalar("a", at, da));
        }

        [Theory]
        [InlineData(-1.5f)]
        [InlineData(0.25f)]
        [InlineData(2f)]
        public void ExpSeriesInFloat(float x)
        {
            float dx = 0;
            float value = C.ExpSeriesGradient(x, ref dx);
            Assert.Equal(Math.Exp(x), value, 1e-5 * Math.Exp(x));
            Assert.Equal(Math.Exp(x), dx, 1e-5 * Math.Exp(x)); // the series' derivative is the series one term shorter
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void Damped(int seed)
        {
            var rng = new Random(seed);
            double[] x = { 0.5 + rng.NextDouble() }, rate = { 0.3 + (0.5 * rng.NextDouble()) };
            double dx = 0, drate = 0;
            C.DampedGradient(x[0], rate[0], ref dx, ref drate);
            Verify(() => C.Damped(x[0], rate[0]), Scalar("x", x, dx), Scalar("rate", rate, drate));
        }

        [Fact]
        public void DampedBreaksOnTheFirstTrip()
        {
            // v = 12·0.9 + sin 12 > 10: the break leaves the do … while after its one unconditional trip.
            double dx = 0, drate = 0;
            double value = C.DampedGradient(12, 0.9, ref dx, ref drate);
            double v = (12 * 0.9) + Math.Sin(12);
            Assert.Equal(v * v, value, 12);
            Assert.Equal(2 * v * (0.9 + Math.Cos(12)), dx, 10);
            Assert.Equal(2 * v * 12, drate, 10);
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void PositiveWeighted(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 6, -1, 3), dx = new double[6], w = { 0.5 + rng.NextDouble() };
            double dw = 0;
            C.PositiveWeightedGradient(x, w[0], dx, ref dw);
            Verify(() => C.PositiveWeighted(x, w[0]), Param("x", x, dx), Scalar("w", w, dw));
        }

        [Fact]
        public void PositiveWeightedReturnsFromInsideTheLoop()
        {
            double[] x = { 5, -1, 6, 7 }, dx = new double[4];
            double dw = 0;
            double value = C.PositiveWeightedGradient(x, 1, dx, ref dw);
            Assert.Equal(2 * (25 + 36), value); // returns at the third element, 61 > 50
            Assert.Equal(new[] { 20.0, 0, 24, 0 }, dx);
            Assert.Equal(2 * 61.0, dw);
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void Refine(int seed)
        {
            var rng = new Random(seed);
            double[] a = { 1 + rng.NextDouble() }, b = { 0.5 + rng.NextDouble() };
            double[] y = new double[4], dy = Random(rng, 4);
            double da = 0, db = 0;
            C.Refine(y, a[0], b[0], 3);
            C.RefineBackward(y, a[0], b[0], 3, dy, ref da, ref db);
            for (int k = 0; k < 3; k++) Assert.Equal(Math.Sqrt(a[0]), y[k], 6); // Newton's square root, element by element
            double Loss()
            {
                double[] o = new double[4];
                C.Refine(o, a[0], b[0], 3);
                double s = 0;
                for (int i = 0; i < 4; i++) s += o[i] * dy[i];
                return s;
            }

            Verify(Loss, Scalar("a", a, da), Scalar("b", b, db));
        }

        [Fact]
        public void RefineChecksTheSizesFirst()
        {
            // n > y.Length: the read y[k] would reach elements the first loop did not write (the forward throws too).
            double da = 0, db = 0;
            Assert.Throws<ArgumentException>(() => C.RefineBackward(new double[2], 2, 1, 3, new double[2], ref da, ref db));
        }

        public static TheoryData<int> SeedData() => new(Seeds);
    }
}
