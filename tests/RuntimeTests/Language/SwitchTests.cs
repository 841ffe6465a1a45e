using System;
using System.Linq;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;
using C = SymGrad.RuntimeTests.Language.SwitchCases;

namespace SymGrad.RuntimeTests.Language
{
    public class SwitchTests
    {
        [Theory]
        [InlineData(Activation.Relu, 0.7, 1.0)]
        [InlineData(Activation.Relu, -0.7, 0.0)]
        [InlineData(Activation.Tanh, 0.5, 0.7864477329659274)] // 1 − tanh²(0.5)
        [InlineData(Activation.Square, 4.0, 8.0)]
        [InlineData(Activation.Square, 2.0, 1.0)] // the when clause fails: the default, y = x
        [InlineData(Activation.Identity, 5.0, 10.0)]
        public void Activate(Activation act, double x, double expected)
        {
            double dx = 0;
            C.ActivateGradient(x, act, ref dx);
            Assert.Equal(expected, dx, 12);
        }

        [Theory]
        [InlineData(0.4)]
        [InlineData(-0.8)]
        [InlineData(1.7)]
        [InlineData(-2.5)]
        public void Huber(double r)
        {
            double[] at = { r }, delta = { 1.3 };
            double dr = 0, ddelta = 0;
            C.HuberGradient(r, delta[0], ref dr, ref ddelta);
            Assert.Equal(Math.Abs(r) <= 1 ? r : delta[0] * Math.Sign(r), dr, 12);
            Verify(() => C.Huber(at[0], delta[0]), Scalar("r", at, dr), Scalar("delta", delta, ddelta));
        }

        [Theory]
        [InlineData(-1.5f, 0.0)]
        [InlineData(0.5f, 0.75)]
        [InlineData(1.5f, 3.0)]
        [InlineData(3.0f, 0.28867513459481287)] // 1 / (2√3)
        public void PiecewiseInFloat(float x, double slope)
        {
            float dx = 0, dw = 0;
            C.PiecewiseGradient(x, 2, ref dx, ref dw);
            Assert.Equal(2 * slope, dx, 5);
            Assert.Equal(C.Piecewise(x, 1) - 1, dw, 5);
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void EveryThird(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 8, 0.2, 1.5), dx = new double[8];
            foreach (int limit in new[] { 2, 8 })
            {
                Array.Clear(dx);
                C.EveryThirdGradient(x, limit, dx);
                Verify(() => C.EveryThird(x, limit), Param("x", x, dx));
            }
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void Banded(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 6), y = new double[6], dy = Random(rng, 6), dx = new double[6];
            C.Banded(x, y);
            C.BandedBackward(x, y, dy, dx);
            Verify(() =>
            {
                double[] o = new double[6];
                C.Banded(x, o);
                return o.Zip(dy, (a, b) => a * b).Sum();
            }, Param("x", x, dx));
        }

        [Theory]
        [InlineData(0, 1 + (2 * 0.75))]
        [InlineData(4, 3.0)]
        public void Braced(int n, double expected)
        {
            double dx = 0;
            C.BracedGradient(0.75, n, ref dx);
            Assert.Equal(expected, dx, 12);
        }

        public static TheoryData<int> SeedData() => new(Seeds);
    }
}
