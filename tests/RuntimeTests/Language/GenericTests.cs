using System;
using System.Linq;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;
using C = SymGrad.RuntimeTests.Language.GenericCases;

namespace SymGrad.RuntimeTests.Language
{
    public class GenericTests
    {
        [Theory]
        [MemberData(nameof(SeedData))]
        public void SoftplusInDoubleAndFloat(int seed)
        {
            double[] x = { new Random(seed).NextDouble() * 4 - 2 };
            double dx = 0;
            C.SoftplusGradient(x[0], ref dx);
            Assert.Equal(1 / (1 + Math.Exp(-x[0])), dx, 12); // σ(x)
            Verify(() => C.Softplus(x[0]), Scalar("x", x, dx));

            float dxf = 0;
            C.SoftplusGradient((float)x[0], ref dxf);
            Assert.Equal(dx, dxf, 5);
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void NormComposesAGenericCall(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 4), dx = new double[4], eps = { 0.01 + rng.NextDouble() };
            double deps = 0;
            double value = C.NormGradient(x, eps[0], dx, ref deps);
            Assert.Equal(C.Norm<double>(x, eps[0]), value);
            Verify(() => C.Norm<double>(x, eps[0]), Param("x", x, dx), Scalar("eps", eps, deps));

            float[] xf = x.Select(v => (float)v).ToArray(), dxf = new float[4];
            float depsf = 0;
            C.NormGradient(xf, (float)eps[0], dxf, ref depsf);
            for (int i = 0; i < 4; i++) Assert.Equal(dx[i], dxf[i], 4);
            Assert.Equal(deps, depsf, 4);
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void SpanOutputWithGenericConstants(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 5), y = new double[5], dy = Random(rng, 5), dx = new double[5], k = { rng.NextDouble() };
            double dk = 0;
            C.LeakyScale<double>(x, y, k[0]);
            C.LeakyScaleBackward(x, y, k[0], dy, dx, ref dk);
            Verify(() =>
            {
                var yy = new double[5];
                C.LeakyScale<double>(x, yy, k[0]);
                return yy.Zip(dy, (a, b) => a * b).Sum();
            }, Param("x", x, dx), Scalar("k", k, dk));
        }

        [Fact]
        public void NonGenericCallerOfGenericMethods()
        {
            double[] a = { 0.7 }, b = { -1.3 };
            double da = 0, db = 0;
            C.CallerGradient(a[0], b[0], ref da, ref db);
            Verify(() => C.Caller(a[0], b[0]), Scalar("a", a, da), Scalar("b", b, db));
        }

        /// <summary>Forward mode through calls of generic methods (their MTangent, HTangent&lt;T&gt;): the gradient along the direction.</summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void TangentsThroughGenericCalls(int seed)
        {
            var rng = new Random(seed);
            double a = rng.NextDouble() - 0.5, b = rng.NextDouble() + 0.5, ta = rng.NextDouble() - 0.5, tb = rng.NextDouble() - 0.5;
            double da = 0, db = 0;
            C.CallerGradient(a, b, ref da, ref db);
            Assert.Equal((da * ta) + (db * tb), C.CallerTangent(a, b, ta, tb), 12);

            double[] x = Random(rng, 4), tx = Random(rng, 4), dx = new double[4];
            double eps = 0.01 + rng.NextDouble(), teps = rng.NextDouble(), deps = 0;
            C.NormGradient(x, eps, dx, ref deps);
            Assert.Equal(dx.Zip(tx, (g, t) => g * t).Sum() + (deps * teps), C.NormTangent(x, eps, tx, teps), 12);

            float[] xf = x.Select(v => (float)v).ToArray(), txf = tx.Select(v => (float)v).ToArray();
            Assert.Equal(C.NormTangent(x, eps, tx, teps), C.NormTangent(xf, (float)eps, txf, (float)teps), 4);
        }

        public static TheoryData<int> SeedData() => new(Seeds);
    }
}
