using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using SymGrad.RuntimeTests.Gradients;
using static SymGrad.RuntimeTests.Gradients.Check;
using C = SymGrad.RuntimeTests.Language.MathLibraryCases;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Every Math function beyond the lecture's: the generated gradient against central differences and against the
    /// hand-derived closed form, in double; the float (MathF) backward against the double one; and the conventions at
    /// domain edges and ties, which are PyTorch's (README, "The Math library").
    /// </summary>
    public class MathLibraryTests
    {
        /// <summary>A function of one to three reals: forward, generated gradient, closed-form gradient, float gradient.</summary>
        private sealed record Function(
            Func<double[], double> Forward,
            Func<double[], double[]> Gradient,
            Func<double[], double[]> ClosedForm,
            Func<float[], float[]> FloatGradient);

        private static Function Unary(Func<double, double> f, GradientOf g, Func<double, double> closed, GradientOfF gf) => new(
            a => f(a[0]),
            a => { double d = 0; Assert.Equal(f(a[0]), g(a[0], ref d)); return new[] { d }; },
            a => new[] { closed(a[0]) },
            a => { float d = 0; gf(a[0], ref d); return new[] { d }; });

        private static Function Binary(Func<double, double, double> f, GradientOf2 g, Func<double, double, double[]> closed, GradientOf2F gf) => new(
            a => f(a[0], a[1]),
            a => { double d0 = 0, d1 = 0; Assert.Equal(f(a[0], a[1]), g(a[0], a[1], ref d0, ref d1)); return new[] { d0, d1 }; },
            a => closed(a[0], a[1]),
            a => { float d0 = 0, d1 = 0; gf(a[0], a[1], ref d0, ref d1); return new[] { d0, d1 }; });

        private delegate double GradientOf(double x, ref double dx);
        private delegate float GradientOfF(float x, ref float dx);
        private delegate double GradientOf2(double x, double y, ref double dx, ref double dy);
        private delegate float GradientOf2F(float x, float y, ref float dx, ref float dy);

        private static readonly Dictionary<string, Function> s_functions = new()
        {
            ["Log2"] = Unary(C.Log2, C.Log2Gradient, x => 1 / (x * Math.Log(2)), C.Log2FGradient),
            ["Log10"] = Unary(C.Log10, C.Log10Gradient, x => 1 / (x * Math.Log(10)), C.Log10FGradient),
            ["LogBase"] = Binary(C.LogBase, C.LogBaseGradient,
                (x, b) => new[] { 1 / (x * Math.Log(b)), -Math.Log(x) / (b * Math.Log(b) * Math.Log(b)) }, C.LogBaseFGradient),
            ["Cbrt"] = Unary(C.Cbrt, C.CbrtGradient, x => 1 / (3 * Math.Pow(Math.Abs(x), 2.0 / 3)), C.CbrtFGradient),
            ["Tan"] = Unary(C.Tan, C.TanGradient, x => 1 / (Math.Cos(x) * Math.Cos(x)), C.TanFGradient),
            ["Asin"] = Unary(C.Asin, C.AsinGradient, x => 1 / Math.Sqrt(1 - x * x), C.AsinFGradient),
            ["Acos"] = Unary(C.Acos, C.AcosGradient, x => -1 / Math.Sqrt(1 - x * x), C.AcosFGradient),
            ["Atan"] = Unary(C.Atan, C.AtanGradient, x => 1 / (1 + x * x), C.AtanFGradient),
            ["Atan2"] = Binary(C.Atan2, C.Atan2Gradient,
                (y, x) => new[] { x / (x * x + y * y), -y / (x * x + y * y) }, C.Atan2FGradient),
            ["Sinh"] = Unary(C.Sinh, C.SinhGradient, Math.Cosh, C.SinhFGradient),
            ["Cosh"] = Unary(C.Cosh, C.CoshGradient, Math.Sinh, C.CoshFGradient),
            ["Asinh"] = Unary(C.Asinh, C.AsinhGradient, x => 1 / Math.Sqrt(x * x + 1), C.AsinhFGradient),
            ["Acosh"] = Unary(C.Acosh, C.AcoshGradient, x => 1 / Math.Sqrt(x * x - 1), C.AcoshFGradient),
            ["Atanh"] = Unary(C.Atanh, C.AtanhGradient, x => 1 / (1 - x * x), C.AtanhFGradient),
            ["CopySign"] = Binary(C.CopySign, C.CopySignGradient,
                (x, y) => new[] { Math.Sign(x) * (y < 0 || double.IsNegative(y) ? -1.0 : 1.0), 0 }, C.CopySignFGradient),
            ["MaxMagnitude"] = Binary(C.MaxMagnitude, C.MaxMagnitudeGradient,
                (x, y) => Math.Abs(x) > Math.Abs(y) ? new[] { 1.0, 0 } : new[] { 0, 1.0 }, C.MaxMagnitudeFGradient),
            ["MinMagnitude"] = Binary(C.MinMagnitude, C.MinMagnitudeGradient,
                (x, y) => Math.Abs(x) < Math.Abs(y) ? new[] { 1.0, 0 } : new[] { 0, 1.0 }, C.MinMagnitudeFGradient),
            ["Exp2"] = Unary(C.Exp2, C.Exp2Gradient, x => Math.Pow(2, x) * Math.Log(2), C.Exp2FGradient),
            ["Exp10"] = Unary(C.Exp10, C.Exp10Gradient, x => Math.Pow(10, x) * Math.Log(10), C.Exp10FGradient),
            ["ExpM1"] = Unary(C.ExpM1, C.ExpM1Gradient, Math.Exp, C.ExpM1FGradient),
            ["Exp2M1"] = Unary(C.Exp2M1, C.Exp2M1Gradient, x => Math.Pow(2, x) * Math.Log(2), C.Exp2M1FGradient),
            ["Exp10M1"] = Unary(C.Exp10M1, C.Exp10M1Gradient, x => Math.Pow(10, x) * Math.Log(10), C.Exp10M1FGradient),
            ["LogP1"] = Unary(C.LogP1, C.LogP1Gradient, x => 1 / (1 + x), C.LogP1FGradient),
            ["Log2P1"] = Unary(C.Log2P1, C.Log2P1Gradient, x => 1 / ((1 + x) * Math.Log(2)), C.Log2P1FGradient),
            ["Log10P1"] = Unary(C.Log10P1, C.Log10P1Gradient, x => 1 / ((1 + x) * Math.Log(10)), C.Log10P1FGradient),
            ["SinPi"] = Unary(C.SinPi, C.SinPiGradient, x => Math.PI * Math.Cos(Math.PI * x), C.SinPiFGradient),
            ["CosPi"] = Unary(C.CosPi, C.CosPiGradient, x => -Math.PI * Math.Sin(Math.PI * x), C.CosPiFGradient),
            ["TanPi"] = Unary(C.TanPi, C.TanPiGradient, x => Math.PI / (Math.Cos(Math.PI * x) * Math.Cos(Math.PI * x)), C.TanPiFGradient),
            ["AsinPi"] = Unary(C.AsinPi, C.AsinPiGradient, x => 1 / (Math.PI * Math.Sqrt(1 - x * x)), C.AsinPiFGradient),
            ["AcosPi"] = Unary(C.AcosPi, C.AcosPiGradient, x => -1 / (Math.PI * Math.Sqrt(1 - x * x)), C.AcosPiFGradient),
            ["AtanPi"] = Unary(C.AtanPi, C.AtanPiGradient, x => 1 / (Math.PI * (1 + x * x)), C.AtanPiFGradient),
            ["DegreesToRadians"] = Unary(C.DegreesToRadians, C.DegreesToRadiansGradient, _ => Math.PI / 180, C.DegreesToRadiansFGradient),
            ["RadiansToDegrees"] = Unary(C.RadiansToDegrees, C.RadiansToDegreesGradient, _ => 180 / Math.PI, C.RadiansToDegreesFGradient),
            ["Hypot"] = Binary(C.Hypot, C.HypotGradient, (x, y) => new[] { x / Math.Sqrt(x * x + y * y), y / Math.Sqrt(x * x + y * y) }, C.HypotFGradient),
            ["Atan2Pi"] = Binary(C.Atan2Pi, C.Atan2PiGradient,
                (y, x) => new[] { x / (Math.PI * (x * x + y * y)), -y / (Math.PI * (x * x + y * y)) }, C.Atan2PiFGradient),
            ["MaxNumber"] = Binary(C.MaxNumber, C.MaxNumberGradient, (x, y) => x >= y ? new[] { 1.0, 0 } : new[] { 0, 1.0 }, C.MaxNumberFGradient),
            ["MinNumber"] = Binary(C.MinNumber, C.MinNumberGradient, (x, y) => x <= y ? new[] { 1.0, 0 } : new[] { 0, 1.0 }, C.MinNumberFGradient),
            ["Lerp"] = new(
                a => C.Lerp(a[0], a[1], a[2]),
                a => { double da = 0, db = 0, dt = 0; C.LerpGradient(a[0], a[1], a[2], ref da, ref db, ref dt); return new[] { da, db, dt }; },
                a => new[] { 1 - a[2], a[2], a[1] - a[0] },
                a => { float da = 0, db = 0, dt = 0; C.LerpFGradient(a[0], a[1], a[2], ref da, ref db, ref dt); return new[] { da, db, dt }; }),
            ["Clamp"] = new(
                a => C.Clamp(a[0], a[1], a[2]),
                a => { double dx = 0, dl = 0, dh = 0; C.ClampGradient(a[0], a[1], a[2], ref dx, ref dl, ref dh); return new[] { dx, dl, dh }; },
                a => a[0] < a[1] ? new[] { 0, 1.0, 0 } : a[0] > a[2] ? new[] { 0, 0, 1.0 } : new[] { 1.0, 0, 0 },
                a => { float dx = 0, dl = 0, dh = 0; C.ClampFGradient(a[0], a[1], a[2], ref dx, ref dl, ref dh); return new[] { dx, dl, dh }; }),
            ["Fma"] = new(
                a => C.Fma(a[0], a[1], a[2]),
                a => { double da = 0, db = 0, dc = 0; C.FmaGradient(a[0], a[1], a[2], ref da, ref db, ref dc); return new[] { da, db, dc }; },
                a => new[] { a[1], a[0], 1.0 },
                a => { float da = 0, db = 0, dc = 0; C.FmaFGradient(a[0], a[1], a[2], ref da, ref db, ref dc); return new[] { da, db, dc }; }),
        };

        /// <summary>Points inside each domain, away from kinks (the tie and the jump are tested on their own below).</summary>
        public static TheoryData<string, double[]> Points => new()
        {
            { "Log2", new[] { 0.37 } }, { "Log2", new[] { 5.5 } },
            { "Log10", new[] { 0.37 } }, { "Log10", new[] { 42.0 } },
            { "LogBase", new[] { 3.2, 0.4 } }, { "LogBase", new[] { 0.7, 2.5 } },
            { "Cbrt", new[] { 0.6 } }, { "Cbrt", new[] { -2.3 } },
            { "Tan", new[] { 0.4 } }, { "Tan", new[] { -1.3 } },
            { "Asin", new[] { 0.35 } }, { "Asin", new[] { -0.9 } },
            { "Acos", new[] { 0.35 } }, { "Acos", new[] { -0.9 } },
            { "Atan", new[] { 0.35 } }, { "Atan", new[] { -4.0 } },
            { "Atan2", new[] { 0.5, 1.5 } }, { "Atan2", new[] { 0.5, -1.5 } }, { "Atan2", new[] { -0.8, -0.3 } },
            { "Sinh", new[] { 0.35 } }, { "Sinh", new[] { -2.0 } },
            { "Cosh", new[] { 0.35 } }, { "Cosh", new[] { -2.0 } },
            { "Asinh", new[] { 0.35 } }, { "Asinh", new[] { -3.0 } },
            { "Acosh", new[] { 1.2 } }, { "Acosh", new[] { 7.0 } },
            { "Atanh", new[] { 0.35 } }, { "Atanh", new[] { -0.95 } },
            { "CopySign", new[] { 0.7, -2.0 } }, { "CopySign", new[] { -0.7, 3.0 } }, { "CopySign", new[] { -1.1, -0.4 } },
            { "MaxMagnitude", new[] { 0.7, -2.0 } }, { "MaxMagnitude", new[] { -3.1, 2.0 } },
            { "MinMagnitude", new[] { 0.7, -2.0 } }, { "MinMagnitude", new[] { -3.1, 2.0 } },
            { "Clamp", new[] { 0.3, -1.0, 1.0 } }, { "Clamp", new[] { -1.6, -1.0, 1.0 } }, { "Clamp", new[] { 2.5, -1.0, 1.0 } },
            { "Fma", new[] { 0.3, -1.7, 2.2 } },
            { "Exp2", new[] { 0.7 } }, { "Exp10", new[] { -0.4 } }, { "ExpM1", new[] { 1e-3 } }, { "ExpM1", new[] { -1.5 } },
            { "Exp2M1", new[] { 0.7 } }, { "Exp10M1", new[] { -0.4 } },
            { "LogP1", new[] { 1e-4 } }, { "LogP1", new[] { 2.5 } }, { "Log2P1", new[] { 0.3 } }, { "Log10P1", new[] { -0.6 } },
            { "SinPi", new[] { 0.3 } }, { "CosPi", new[] { -1.2 } }, { "TanPi", new[] { 0.2 } },
            { "AsinPi", new[] { 0.35 } }, { "AcosPi", new[] { -0.6 } }, { "AtanPi", new[] { 2.0 } },
            { "DegreesToRadians", new[] { 30.0 } }, { "RadiansToDegrees", new[] { 0.5 } },
            { "Hypot", new[] { 0.6, -1.1 } }, { "Atan2Pi", new[] { -0.8, -0.3 } },
            { "MaxNumber", new[] { 0.7, -2.0 } }, { "MinNumber", new[] { 0.7, -2.0 } },
            { "Lerp", new[] { 0.3, -1.7, 0.25 } },
        };

        [Theory]
        [MemberData(nameof(Points))]
        public void GradientMatchesCentralDifferencesAndTheClosedForm(string name, double[] at)
        {
            Function f = s_functions[name];
            double[] gradient = f.Gradient(at);
            double[] closed = f.ClosedForm(at);
            for (int i = 0; i < at.Length; i++)
            {
                Assert.True(Math.Abs(gradient[i] - closed[i]) <= 1e-12 * Math.Max(1, Math.Abs(closed[i])),
                    $"{name} ∂/∂arg{i} at ({string.Join(", ", at)}): generated {gradient[i]:R}, closed form {closed[i]:R}");
            }

            // One parameter over the whole point: central differences in every argument.
            double[] point = (double[])at.Clone();
            Verify(() => f.Forward(point), new GradCheckParam("args", point, gradient));
        }

        [Theory]
        [MemberData(nameof(Points))]
        public void FloatBackwardAgreesWithDouble(string name, double[] at)
        {
            Function f = s_functions[name];
            double[] expected = f.Gradient(at);
            float[] actual = f.FloatGradient(at.Select(v => (float)v).ToArray());
            for (int i = 0; i < at.Length; i++)
            {
                Assert.True(Math.Abs(actual[i] - expected[i]) <= 2e-5 * Math.Max(1, Math.Abs(expected[i])),
                    $"{name}F ∂/∂arg{i}: float {actual[i]:R}, double {expected[i]:R}");
            }
        }

        // ── Domain edges and ties: PyTorch's conventions ──

        [Fact]
        public void EdgesOfTheDomainGiveInfiniteSlopesAsPyTorchDoes()
        {
            double d = 0;
            C.AcoshGradient(1, ref d);
            Assert.Equal(double.PositiveInfinity, d);            // torch.acosh'(1) = inf
            d = 0;
            C.AsinGradient(1, ref d);
            Assert.Equal(double.PositiveInfinity, d);            // torch.asin'(1) = inf
            d = 0;
            C.AcosGradient(-1, ref d);
            Assert.Equal(double.NegativeInfinity, d);            // torch.acos'(-1) = -inf
            d = 0;
            C.AtanhGradient(1, ref d);
            Assert.Equal(double.PositiveInfinity, d);            // torch.atanh'(1) = inf
            d = 0;
            C.CbrtGradient(0, ref d);
            Assert.Equal(double.PositiveInfinity, d);            // d/dx x^(1/3) at 0 = inf
        }

        [Fact]
        public void CopySignOfZeroHasNoSlope()
        {
            double dx = 0, dy = 0;
            C.CopySignGradient(0, -3, ref dx, ref dy);
            Assert.Equal(0, dx);                                  // PyTorch: 0 where x == 0
            Assert.Equal(0, dy);                                  // the sign is piecewise constant in y
            C.CopySignGradient(2, -3, ref dx, ref dy);
            Assert.Equal(-1, dx);
        }

        [Theory]
        [InlineData(-1.0, 1, 0, 0)]   // x == lo: x is returned, x gets the adjoint (PyTorch's clamp)
        [InlineData(1.0, 1, 0, 0)]    // x == hi
        [InlineData(-1.5, 0, 1, 0)]
        [InlineData(1.5, 0, 0, 1)]
        public void ClampPassesTheAdjointToTheArgumentItReturns(double x, double ex, double elo, double ehi)
        {
            double dx = 0, dl = 0, dh = 0;
            C.ClampGradient(x, -1, 1, ref dx, ref dl, ref dh);
            Assert.Equal((ex, elo, ehi), (dx, dl, dh));
        }

        [Theory]
        [InlineData(2.0, 2.0, 1, 0, 0, 1)]   // equal: MaxMagnitude returns x, MinMagnitude y
        [InlineData(-2.0, 2.0, 0, 1, 1, 0)]  // |x| = |y|: MaxMagnitude returns the positive one, MinMagnitude the negative
        [InlineData(2.0, -2.0, 1, 0, 0, 1)]
        public void MagnitudeTiesGoToTheArgumentReturned(double x, double y, double maxX, double maxY, double minX, double minY)
        {
            double dx = 0, dy = 0;
            double r = C.MaxMagnitudeGradient(x, y, ref dx, ref dy);
            Assert.Equal(Math.MaxMagnitude(x, y), r);
            Assert.Equal((maxX, maxY), (dx, dy));
            dx = dy = 0;
            r = C.MinMagnitudeGradient(x, y, ref dx, ref dy);
            Assert.Equal(Math.MinMagnitude(x, y), r);
            Assert.Equal((minX, minY), (dx, dy));
        }

        [Theory]
        [InlineData(-0.523532)]
        [InlineData(0.8)]
        public void TiedEverywhere(double a)
        {
            // Found by the random-program tester: MinMagnitude(|a|, a) is a tie at every a and returns a: slope 1, not sign(a).
            double da = 0;
            C.TiedEverywhereGradient(a, ref da);
            Assert.Equal(1, da);
        }

        [Fact]
        public void MagnitudeChoiceSurvivesRecomputation()
        {
            // Found by the random-program tester: a rule reading "r == x" compared the forward's value with x recomputed
            // in the backward, where (b·a)·(b·a) had become b·a·b·a, one bit apart: the adjoint went to the wrong argument.
            double a = -1.36033, b = 0.827386, c = -1.29364, da = 0, db = 0, dc = 0;
            C.MagnitudeOfAProductGradient(a, b, c, ref da, ref db, ref dc);
            double[] at = { a, b, c };
            Verify(() => C.MagnitudeOfAProduct(at[0], at[1], at[2]), new GradCheckParam("args", at, new[] { da, db, dc }));
        }

        [Fact]
        public void MathFunctionsThroughDoubleAreMathFunctions()
        {
            double dx = 0, x = 0.4;
            C.ExpThroughDoubleGradient(x, ref dx);
            Assert.Equal(Math.Exp(x) * Math.Atan2(x, 2) + Math.Exp(x) * 2 / (x * x + 4), dx, 12);
        }

        /// <summary>
        /// At the origin hypot's and atan2's partials are 0/0; SymGrad's slope there is 0 (PyTorch's NaN): hypot's least
        /// subgradient, and for atan2, which has no limit there, what keeps a function constant near the origin —
        /// atan2(s, s) of an s that is 0 whatever the inputs — at the gradient central differences give (FOUND.md V11).
        /// </summary>
        [Fact]
        public void HypotAndAtan2AtTheOriginHaveSlopeZero()
        {
            double dx = 0, dy = 0;
            C.HypotGradient(0, 0, ref dx, ref dy);
            Assert.Equal((0.0, 0.0), (dx, dy));
            C.Atan2Gradient(0, 0, ref dy, ref dx);
            Assert.Equal((0.0, 0.0), (dx, dy));
        }

        // ── In context ──

        [Fact]
        public void ToPolar()
        {
            var rng = new Random(5);
            int n = 6;
            double[] x = Check.Random(rng, n), y = Check.Random(rng, n), r = new double[n], theta = new double[n];
            double[] dr = Check.Random(rng, n), dtheta = Check.Random(rng, n), dx = new double[n], dy = new double[n];
            C.ToPolar(x, y, r, theta, n);
            C.ToPolarBackward(x, y, r, theta, n, dr, dtheta, dx, dy);
            for (int i = 0; i < n; i++)
            {
                double q = x[i] * x[i] + y[i] * y[i], h = Math.Sqrt(q);
                Assert.Equal(dr[i] * x[i] / h - dtheta[i] * y[i] / q, dx[i], 12);
                Assert.Equal(dr[i] * y[i] / h + dtheta[i] * x[i] / q, dy[i], 12);
            }

            Verify(() =>
            {
                C.ToPolar(x, y, r, theta, n);
                return GradCheck.Contract(r, dr) + GradCheck.Contract(theta, dtheta);
            }, Param("x", x, dx), Param("y", y, dy));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public void ClampedActivation(int seed)
        {
            var rng = new Random(seed);
            int n = 9;
            double[] x = Check.Random(rng, n, -2, 2), dx = new double[n];
            double lo = -0.8, hi = 1.1, dlo = 0, dhi = 0;
            C.ClampedActivationGradient(x, lo, hi, n, dx, ref dlo, ref dhi);
            double[] bounds = { lo, hi };
            Verify(() => C.ClampedActivation(x, bounds[0], bounds[1], n), Param("x", x, dx), Param("bounds", bounds, new[] { dlo, dhi }));
        }

        [Theory]
        [InlineData(0.9, 0.3, 2.0)]   // t = 0.81 > x: the minimum is x, c has no slope
        [InlineData(0.4, 0.3, 2.0)]   // t = 0.16 < x: c's slope goes through the base of the logarithm
        public void LogBaseThroughMin(double c, double x, double b)
        {
            double dc = 0, dx = 0, db = 0;
            C.LogBaseThroughMinGradient(c, x, b, ref dc, ref dx, ref db);
            double[] at = { c, x, b };
            Verify(() => C.LogBaseThroughMin(at[0], at[1], at[2]), new GradCheckParam("args", at, new[] { dc, dx, db }));
            if (c * c < x) Assert.NotEqual(0, dc);
        }
    }
}
