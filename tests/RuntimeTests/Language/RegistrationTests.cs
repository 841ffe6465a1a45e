using System;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;
using C = SymGrad.RuntimeTests.Language.RegistrationCases;

namespace SymGrad.RuntimeTests.Language
{
    public class RegistrationTests
    {
        [Theory]
        [MemberData(nameof(SeedData))]
        public void ARegistrationInAnotherTypeGivesTheGradient(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 5, -2, 2), dx = new double[5], scale = { 0.5 + rng.NextDouble() };
            double dscale = 0;
            C.SoftplusSumGradient(x, scale[0], dx, ref dscale);
            for (int i = 0; i < 5; i++) Assert.Equal(scale[0] / (1 + Math.Exp(-scale[0] * x[i])), dx[i], 12); // σ(s·x)·s
            Verify(() => C.SoftplusSum(x, scale[0]), Param("x", x, dx), Scalar("scale", scale, dscale));
        }

        /// <summary>A registered tangent ([TangentOf]) makes the caller's MTangent: the gradient along the direction.</summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void ARegisteredTangentGivesTheCallersForwardMode(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 5, -2, 2), dx = new double[5], tx = Random(rng, 5);
            double scale = 0.5 + rng.NextDouble(), dscale = 0, tscale = rng.NextDouble() - 0.5;
            C.SoftplusSumGradient(x, scale, dx, ref dscale);
            double expected = (dscale * tscale) + System.Linq.Enumerable.Sum(System.Linq.Enumerable.Zip(dx, tx, (g, t) => g * t));
            Assert.Equal(expected, C.SoftplusSumTangent(x, scale, tx, tscale), 12);
        }

        /// <summary>A registered backward with no registered tangent: the caller's MTangent reads ∇f off it (seed 1), ḟ = ∇f·ẋ.</summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void ABackwardWithoutATangentStillGivesTheCallersForwardMode(int seed)
        {
            var rng = new Random(seed);
            double[] x = { rng.NextDouble() * 2 - 1 }, y = { rng.NextDouble() * 2 - 1 };
            double dx = 0, dy = 0, tx = rng.NextDouble() - 0.5, ty = rng.NextDouble() - 0.5;
            C.LogAddExpOfASquareGradient(x[0], y[0], ref dx, ref dy);
            Verify(() => C.LogAddExpOfASquare(x[0], y[0]), Scalar("x", x, dx), Scalar("y", y, dy));
            Assert.Equal((dx * tx) + (dy * ty), C.LogAddExpOfASquareTangent(x[0], y[0], tx, ty), 12);
        }

        public static TheoryData<int> SeedData() => new(Seeds);
    }
}
