using System;
using SymGrad.RuntimeTests.Catalogue;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;

namespace SymGrad.RuntimeTests.Gradients
{
    /// <summary>Gradient checks of the generated backward passes of scalar catalogue entries.</summary>
    public class ScalarGradientTests
    {
        [Fact]
        public void ToyMatchesTheLectureValues()
        {
            double dx = 0, dy = 0, dz = 0;
            double f = Scalars.ToyGradient(-2, 5, -4, ref dx, ref dy, ref dz);
            Assert.Equal(-12, f);
            Assert.Equal(-4, dx);
            Assert.Equal(-4, dy);
            Assert.Equal(3, dz);
        }

        [Fact]
        public void NeuronMatchesTheSpecExample()
        {
            double dw0 = 0, dx0 = 0, dw1 = 0, dx1 = 0, dw2 = 0;
            double f = Scalars.NeuronGradient(2, -1, -3, -2, -3, ref dw0, ref dx0, ref dw1, ref dx1, ref dw2);
            Assert.Equal(0.7310585786300049, f, 12);
            Assert.Equal(-0.19661193324148185, dw0, 12);
            Assert.Equal(0.3932238664829637, dx0, 12);
            Assert.Equal(-0.3932238664829637, dw1, 12);
            Assert.Equal(-0.5898357997244456, dx1, 12);
            Assert.Equal(0.19661193324148185, dw2, 12);
        }

        [Fact]
        public void GradientsAccumulateIntoWhatIsThere()
        {
            double dx = 10, dy = 20;
            Scalars.MultiplyGradient(3, 4, ref dx, ref dy);
            Assert.Equal(14, dx);
            Assert.Equal(23, dy);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        public void ScalarFunctionsPassGradCheck(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 1), y = Random(rng, 1), z = Random(rng, 1);

            double ax = 0, ay = 0, az = 0;
            Scalars.ToyGradient(x[0], y[0], z[0], ref ax, ref ay, ref az);
            Verify(() => Scalars.Toy(x[0], y[0], z[0]), Scalar("x", x, ax), Scalar("y", y, ay), Scalar("z", z, az));

            ax = ay = 0;
            Scalars.MultiplyGradient(x[0], y[0], ref ax, ref ay);
            Verify(() => Scalars.Multiply(x[0], y[0]), Scalar("x", x, ax), Scalar("y", y, ay));

            ax = ay = 0;
            Scalars.SquaredErrorGradient(x[0], y[0], ref ax, ref ay);
            Verify(() => Scalars.SquaredError(x[0], y[0]), Scalar("y", x, ax), Scalar("s", y, ay));

            ax = ay = 0;
            Scalars.AbsoluteErrorGradient(x[0], y[0], ref ax, ref ay);
            Verify(() => Scalars.AbsoluteError(x[0], y[0]), Scalar("y", x, ax), Scalar("s", y, ay));

            double[] s = { 3 * x[0] };
            foreach (double label in new[] { 1.0, -1.0 })
            {
                double ds = 0;
                Scalars.HingeGradient(s[0], label, ref ds);
                Verify(() => Scalars.Hinge(s[0], label), Scalar("s", s, ds));
            }

            double[] w = { 0.5 + Math.Abs(x[0]) }, p = { 0.3 + Math.Abs(y[0]) };
            double dw = 0, dp = 0;
            Scalars.ElementaryGradient(w[0], p[0], ref dw, ref dp);
            Verify(() => Scalars.Elementary(w[0], p[0]), Scalar("x", w, dw), Scalar("y", p, dp));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        public void SpanLossesPassGradCheck(int seed)
        {
            var rng = new Random(seed);
            foreach (int n in new[] { 1, 7, 13, 17 })
            {
                double[] w = Random(rng, n), dw = new double[n];
                Scalars.L2Gradient(w, dw);
                Verify(() => Scalars.L2(w), Param("w", w, dw));

                dw = new double[n];
                Scalars.L1Gradient(w, dw);
                Verify(() => Scalars.L1(w), Param("w", w, dw));

                dw = new double[n];
                Scalars.ElasticNetGradient(w, 0.3, dw);
                Verify(() => Scalars.ElasticNet(w, 0.3), Param("w", w, dw));

                double[] s = Random(rng, n), ds = new double[n];
                int label = rng.Next(n);
                Scalars.MulticlassSvmGradient(s, label, ds);
                Verify(() => Scalars.MulticlassSvm(s, label), Param("s", s, ds));

                double[] p = Random(rng, n, 0.1, 1), q = Random(rng, n, 0.1, 1), dp = new double[n], dq = new double[n];
                Scalars.BhattacharyyaGradient(p, q, dp, dq);
                Verify(() => Scalars.Bhattacharyya(p, q), Param("p", p, dp), Param("q", q, dq));

                double[] x = Random(rng, n, -0.9, 0.9), dx = new double[n];
                double a = 0.7, da = 0;
                Scalars.RecurrenceGradient(x, a, dx, ref da);
                double[] aa = { a };
                Verify(() => Scalars.Recurrence(x, aa[0]), Param("x", x, dx), Scalar("a", aa, da));
            }
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        public void ProductIsRightWithZeros(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 9, 0.5, 1.5);
            x[rng.Next(9)] = 0;
            var dx = new double[9];
            Scalars.ProductGradient(x, dx);
            Verify(() => Scalars.Product(x), Param("x", x, dx));
            for (int i = 0; i < x.Length; i++)
            {
                double expected = 1;
                for (int k = 0; k < x.Length; k++)
                {
                    if (k != i) expected *= x[k];
                }

                Assert.Equal(expected, dx[i], 12);
            }

            x[(Array.IndexOf(x, 0.0) + 1) % 9] = 0;
            dx = new double[9];
            Scalars.ProductGradient(x, dx);
            Assert.All(dx, v => Assert.Equal(0.0, v));
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(5)]
        public void PowerIsNTimesXToTheNMinusOne(int n)
        {
            double[] x = { 1.3 };
            double dx = 0;
            Scalars.PowerGradient(x[0], n, ref dx);
            Assert.Equal(n == 0 ? 0 : n * Math.Pow(1.3, n - 1), dx, 12);
            Verify(() => Scalars.Power(x[0], n), Scalar("x", x, dx));
        }

        [Theory]
        [InlineData(new[] { 0.1, 0.2, 0.9, 0.3 }, 0.5)]
        [InlineData(new[] { 0.1, 0.2, 0.3 }, 0.5)]
        [InlineData(new[] { 5.0, 6.0, 7.0, 8.0, 0.2 }, 9.0)]
        public void EarlyReturnAndBreakInsideALoop(double[] values, double threshold)
        {
            var dx = new double[values.Length];
            double dt = 0;
            double f = Scalars.FirstAboveGradient(values, threshold, dx, ref dt);
            Assert.Equal(Scalars.FirstAbove(values, threshold), f);
            Verify(() => Scalars.FirstAbove(values, threshold), Param("x", values, dx));
        }

        [Fact]
        public void FloatAndDoubleMix()
        {
            float dx = 0;
            double dy = 0;
            Scalars.MixedGradient(0.7f, 0.4, ref dx, ref dy);
            double h = 1e-3;
            double numX = (Scalars.Mixed(0.7f + (float)h, 0.4) - Scalars.Mixed(0.7f - (float)h, 0.4)) / (2 * h);
            double numY = (Scalars.Mixed(0.7f, 0.4 + h) - Scalars.Mixed(0.7f, 0.4 - h)) / (2 * h);
            Assert.Equal(numX, dx, 2);
            Assert.Equal(numY, dy, 2);
        }
    }
}
