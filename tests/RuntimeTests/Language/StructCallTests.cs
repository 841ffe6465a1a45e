using System;
using System.Linq;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;
using C = SymGrad.RuntimeTests.Language.StructCallCases;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Calls of methods taking structs of reals inside differentiable methods (through the callees' flat twins): gradients
    /// against central differences, tangents as gradients along a direction, H·v against central differences of the gradient
    /// and against MHessian.
    /// </summary>
    public class StructCallTests
    {
        [Theory]
        [MemberData(nameof(SeedData))]
        public void AStructArgumentOfEveryForm(int seed)
        {
            var rng = new Random(seed);
            double[] p = Random(rng, 3), k = { 0.5 + rng.NextDouble() }, w = Random(rng, 3);
            Point3 dp = default;
            double dk = 0;
            double[] dw = new double[3];
            double value = C.EnergyGradient(P(p), k[0], w, ref dp, ref dk, dw);
            Assert.Equal(C.Energy(P(p), k[0], w), value, 12);
            Verify(() => C.Energy(P(p), k[0], w), Param("p", p, A(dp)), Scalar("k", k, dk), Param("w", w, dw));

            // The tangent along (tp, tk, tw) is the gradient along it.
            double[] tp = Random(rng, 3), tw = Random(rng, 3);
            double along = Enumerable.Range(0, 3).Sum(i => (tp[i] * A(dp)[i]) + (tw[i] * dw[i])) + (0.7 * dk);
            Assert.Equal(along, C.EnergyTangent(P(p), k[0], w, P(tp), 0.7, tw), 1e-10 * (1 + Math.Abs(along)));

            // H·v against central differences of the gradient along v, and against MHessian (7 × 7: p, k, w).
            double[] vp = Random(rng, 3), vw = Random(rng, 3), hw = new double[3];
            const double vk = -0.4;
            Point3 hp = default;
            double hk = 0;
            C.EnergyHessianVector(P(p), k[0], w, P(vp), vk, vw, ref hp, ref hk, hw);
            double[] GradientAt(double h)
            {
                Point3 g = default;
                double gk = 0;
                double[] gw = new double[3];
                C.EnergyGradient(P(p.Select((x, i) => x + (h * vp[i])).ToArray()), k[0] + (h * vk), w.Select((x, i) => x + (h * vw[i])).ToArray(), ref g, ref gk, gw);
                return A(g).Append(gk).Concat(gw).ToArray();
            }

            const double H = 1e-5;
            double[] up = GradientAt(H), down = GradientAt(-H), hv = A(hp).Append(hk).Concat(hw).ToArray();
            for (int i = 0; i < 7; i++)
            {
                AssertClose((up[i] - down[i]) / (2 * H), hv[i]);
            }

            double[] hessian = new double[49], v = vp.Append(vk).Concat(vw).ToArray();
            C.EnergyHessian(P(p), k[0], w, hessian);
            for (int r = 0; r < 7; r++)
            {
                AssertClose(Enumerable.Range(0, 7).Sum(c => hessian[(r * 7) + c] * v[c]), hv[r]);
            }
        }

        /// <summary>A method of scalars calling methods that take structs: every mode, and H·v through the callees' twins.</summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void ScalarsThroughStructs(int seed)
        {
            var rng = new Random(seed);
            double[] x = { 0.3 + rng.NextDouble() }, y = { -0.2 - rng.NextDouble() };
            double dx = 0, dy = 0;
            C.PairGradient(x[0], y[0], ref dx, ref dy);
            Verify(() => C.Pair(x[0], y[0]), Scalar("x", x, dx), Scalar("y", y, dy));
            Assert.Equal((0.5 * dx) - (0.25 * dy), C.PairTangent(x[0], y[0], 0.5, -0.25), 12);

            double hx = 0, hy = 0;
            C.PairHessianVector(x[0], y[0], 0.5, -0.25, ref hx, ref hy);
            (double, double) At(double h)
            {
                double gx = 0, gy = 0;
                C.PairGradient(x[0] + (0.5 * h), y[0] - (0.25 * h), ref gx, ref gy);
                return (gx, gy);
            }

            const double H = 1e-5;
            var ((ux, uy), (lx, ly)) = (At(H), At(-H));
            AssertClose((ux - lx) / (2 * H), hx);
            AssertClose((uy - ly) / (2 * H), hy);
        }

        /// <summary>The struct argument reads an out result: both results' gradients in a against central differences.</summary>
        [Theory]
        [InlineData(0.514894)]
        [InlineData(-0.3)]
        public void AStructArgumentReadingAnOutResult(double a)
        {
            double da = 0;
            C.ThroughAnOutResultBackward(a, 0.7, -0.2, ref da);
            double Loss(double x) => (0.7 * C.ThroughAnOutResult(out double o, x)) - (0.2 * o);
            const double H = 1e-6;
            AssertClose((Loss(a + H) - Loss(a - H)) / (2 * H), da);
        }

        /// <summary>
        /// Energy reads w[2] in a call's argument: a w of two elements is an ArgumentException naming w before anything is
        /// written (the size checks looked past calls' arguments: an IndexOutOfRangeException came halfway through the sweep).
        /// </summary>
        [Fact]
        public void AShortSpanReadInACallsArgumentIsRefusedFirst()
        {
            Point3 dp = default;
            double dk = 0;
            double[] dw = new double[2];
            var error = Assert.Throws<ArgumentException>(() => C.EnergyBackward(new Point3(1, 2, 3), 0.5, new double[] { 1, 2 }, 1, ref dp, ref dk, dw));
            Assert.Contains("w[2]", error.Message);
            Assert.Equal(default, dp);
            Assert.Equal(0, dk);
            Assert.All(dw, g => Assert.Equal(0, g));
        }

        /// <summary>A struct of constants: the call is a constant factor, its value the gradient.</summary>
        [Fact]
        public void AStructOfConstants()
        {
            double da = 0;
            C.OfConstantsGradient(0.8, ref da);
            Assert.Equal(C.Distance(new Point3(1.5, 1, 0), default, 1.0), da, 12);
        }

        public static TheoryData<int> SeedData() => new(Seeds);

        private static Point3 P(double[] v) => new(v[0], v[1], v[2]);

        private static double[] A(Point3 p) => new[] { p.X, p.Y, p.Z };
    }
}
