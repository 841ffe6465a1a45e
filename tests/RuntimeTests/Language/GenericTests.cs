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

        /// <summary>
        /// Second order through calls of generic methods (SoftplusTangentBackward, LeakyScaleBackwardTangent, written for each
        /// real type as their other methods are): H·v against central differences of the gradient along v, in double; the float
        /// twin's product against the double one's.
        /// </summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void HessianVectorProductsThroughGenericCalls(int seed)
        {
            const double h = 1e-5;
            var rng = new Random(seed);
            double a = rng.NextDouble() - 0.5, b = rng.NextDouble() + 0.5, va = rng.NextDouble() - 0.5, vb = rng.NextDouble() - 0.5;
            double hva = 0, hvb = 0;
            C.CallerHessianVector(a, b, va, vb, ref hva, ref hvb);
            (double, double) CallerAt(double step)
            {
                double da = 0, db = 0;
                C.CallerGradient(a + (step * va), b + (step * vb), ref da, ref db);
                return (da, db);
            }

            var (upA, upB) = CallerAt(h);
            var (downA, downB) = CallerAt(-h);
            AssertClose((upA - downA) / (2 * h), hva);
            AssertClose((upB - downB) / (2 * h), hvb);

            // A generic method over a generic call, and one writing (and reading back) the output of a generic layer.
            double[] x = Random(rng, 4), vx = Random(rng, 4), hvx = new double[4];
            double eps = 0.01 + rng.NextDouble(), veps = rng.NextDouble(), hveps = 0;
            C.NormHessianVector(x, eps, vx, veps, hvx, ref hveps);
            (double[], double) NormAt(double step)
            {
                double[] dx = new double[4];
                double deps = 0;
                C.NormGradient(x.Zip(vx, (p, q) => p + (step * q)).ToArray(), eps + (step * veps), dx, ref deps);
                return (dx, deps);
            }

            AgainstDifferences(NormAt(h), NormAt(-h), hvx, hveps);

            double k = 0.3 + rng.NextDouble(), vk = rng.NextDouble() - 0.5, hvk = 0;
            double[] y = new double[4], hvx2 = new double[4];
            C.ScaledLossHessianVector(x, y, k, vx, vk, hvx2, ref hvk);
            double[] expectedY = new double[4];
            C.LeakyScale<double>(x, expectedY, k);
            Assert.Equal(expectedY, y); // the product writes the output as the method does
            (double[], double) LossAt(double step)
            {
                double[] dx = new double[4], yy = new double[4];
                double dk = 0;
                C.ScaledLossGradient(x.Zip(vx, (p, q) => p + (step * q)).ToArray(), yy, k + (step * vk), dx, ref dk);
                return (dx, dk);
            }

            AgainstDifferences(LossAt(h), LossAt(-h), hvx2, hvk);

            // The loss's own gradient against central differences of its value.
            double[] gx = new double[4], kk = { k };
            double gk = 0;
            C.ScaledLossGradient(x, new double[4], k, gx, ref gk);
            Verify(() => C.ScaledLoss<double>(x, new double[4], kk[0]), Param("x", x, gx), Scalar("k", kk, gk));

            float[] xf = x.Select(v => (float)v).ToArray(), vxf = vx.Select(v => (float)v).ToArray(), yf = new float[4], hvxf = new float[4];
            float hvkf = 0;
            C.ScaledLossHessianVector(xf, yf, (float)k, vxf, (float)vk, hvxf, ref hvkf);
            for (int i = 0; i < 4; i++) Assert.True(Math.Abs(hvx2[i] - hvxf[i]) <= 1e-3 * (1 + Math.Abs(hvx2[i])), $"hvx[{i}]: float {hvxf[i]}, double {hvx2[i]}");
            Assert.True(Math.Abs(hvk - hvkf) <= 1e-3 * (1 + Math.Abs(hvk)), $"hvk: float {hvkf}, double {hvk}");

            // MHessian: symmetric, and its rows times v are the product.
            double[] hessian = new double[5 * 5];
            C.ScaledLossHessian(x, y, k, hessian);
            double[] direction = vx.Append(vk).ToArray(), product = hvx2.Append(hvk).ToArray();
            for (int i = 0; i < 5; i++)
            {
                AssertClose(product[i], Enumerable.Range(0, 5).Sum(j => hessian[(i * 5) + j] * direction[j]));
                for (int j = 0; j < i; j++) AssertClose(hessian[(i * 5) + j], hessian[(j * 5) + i]);
            }

            static void AgainstDifferences((double[] G, double S) up, (double[] G, double S) down, double[] hv, double hs)
            {
                for (int i = 0; i < hv.Length; i++) AssertClose((up.G[i] - down.G[i]) / (2 * h), hv[i]);
                AssertClose((up.S - down.S) / (2 * h), hs);
            }
        }

        public static TheoryData<int> SeedData() => new(Seeds);
    }
}
