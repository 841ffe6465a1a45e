using System;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;
using C = SymGrad.RuntimeTests.Language.LocalFunctionCases;

namespace SymGrad.RuntimeTests.Language
{
    public class LocalFunctionTests
    {
        [Theory]
        [MemberData(nameof(SeedData))]
        public void Features(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 5), dx = new double[5], w = { rng.NextDouble() };
            double dw = 0;
            C.FeaturesGradient(x, w[0], dx, ref dw);
            Verify(() => C.Features(x, w[0]), Param("x", x, dx), Scalar("w", w, dw));
        }

        [Theory]
        [InlineData(0.3f)]
        [InlineData(-1.1f)]
        public void RunningInFloatMatchesCentralDifferencesInDouble(float x)
        {
            static double Reference(double v)
            {
                double h = v;
                double Step(double a) => Math.Sin(a * h) + h;
                h = Step(v);
                h = Step(h * 0.5);
                return h;
            }

            float dx = 0;
            C.RunningGradient(x, ref dx);
            Assert.Equal((Reference(x + 1e-6) - Reference(x - 1e-6)) / 2e-6, dx, 4);
        }

        /// <summary>KeptAsWritten = 3x + 2(n + ½)·x²: its derivative 3 + 4(n + ½)·x.</summary>
        [Theory]
        [InlineData(0.7, 3)]
        [InlineData(-1.2, 0)]
        public void LocalFunctionsInCodeKeptAsWritten(double x, int n)
        {
            double dx = 0;
            Assert.Equal((3 * x) + (2 * (n + 0.5) * x * x), C.KeptAsWrittenGradient(x, n, ref dx), 12);
            Assert.Equal(3 + (4 * (n + 0.5) * x), dx, 12);
        }

        [Fact]
        public void SmallerComparesAVariableWithItself()
        {
            double dx = 0, dy = 0;
            Assert.Equal(-6.0, C.SmallerGradient(2, -3, ref dx, ref dy));
            Assert.Equal((-3.0, 2.0), (dx, dy));
            Assert.Equal(0.0, C.Smaller(double.NaN, 1)); // x <= x is false for NaN: the test was kept
        }

        public static TheoryData<int> SeedData() => new(Seeds);
    }
}
