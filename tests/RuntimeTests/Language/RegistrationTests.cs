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

        public static TheoryData<int> SeedData() => new(Seeds);
    }
}
