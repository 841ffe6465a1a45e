using System;
using System.Linq;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;
using C = SymGrad.RuntimeTests.Language.ResultCallCases;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Calls of methods with several results inside differentiable methods (each result through its own method, written next
    /// to the callee): gradients against closed forms and central differences, tangents as gradients along a direction, H·v
    /// against central differences of the gradient.
    /// </summary>
    public class ResultCallTests
    {
        [Theory]
        [MemberData(nameof(SeedData))]
        public void ATupleDeconstructed(int seed)
        {
            var rng = new Random(seed);
            double x = 0.3 + rng.NextDouble(), y = rng.NextDouble() - 0.5, dx = 0, dy = 0;
            double value = C.PolarAreaGradient(x, y, ref dx, ref dy);
            double r = Math.Sqrt((x * x) + (y * y)), theta = Math.Atan2(y, x);
            Assert.Equal(x + (r * theta), value, 12); // r·cos θ = x
            Assert.Equal(1 + (x * theta / r) - (y / r), dx, 12);
            Assert.Equal((y * theta / r) + (x / r), dy, 12);
            AllModes(rng, new[] { x, y }, z => C.PolarArea(z[0], z[1]),
                z => { double gx = 0, gy = 0; C.PolarAreaGradient(z[0], z[1], ref gx, ref gy); return new[] { gx, gy }; },
                (z, v) => C.PolarAreaTangent(z[0], z[1], v[0], v[1]),
                (z, v) => { double hx = 0, hy = 0; C.PolarAreaHessianVector(z[0], z[1], v[0], v[1], ref hx, ref hy); return new[] { hx, hy }; });
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void OutArgumentsOfADeclaration(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 5);
            AllModes(rng, x, z => C.ZScore(z, 2),
                z => { double[] g = new double[5]; C.ZScoreGradient(z, 2, g); return g; },
                (z, v) => C.ZScoreTangent(z, 2, v),
                (z, v) => { double[] h = new double[5]; C.ZScoreHessianVector(z, 2, v, h); return h; });
        }

        [Fact]
        public void AnOutResultDiscardedInsideAnExpression()
        {
            double[] x = { 0.5, -1, 2, 0.25 }, dx = new double[4];
            Assert.Equal((0.5 - 0.4375) * 2, C.MeanGapGradient(x, dx), 12);
            Assert.Equal(new[] { 2 - 0.5, -0.5, -0.5, -0.5 }, dx); // 2·(e₀ − 1/n)
        }

        [Theory]
        [InlineData(0.6)]
        [InlineData(-1.2)]
        [InlineData(2.1)]
        [InlineData(3.5)]
        public void OutArgumentsOfStatements(double a)
        {
            // hi is a float: central differences of it are noise at a double step, so the closed form is the check.
            double da = 0;
            C.SplitBothGradient(a, ref da);
            double s = Math.Sin(a), c = Math.Cos(a);
            double hi2 = 2 * a > 3 ? 0 : 2 * Math.Cos(2 * a); // d(hi2)/da
            double expected = a > 3 ? 2 * a : (((2 * a) + c) * s) + (((a * a) + s) * c) + hi2;
            Assert.Equal(expected, da, 5);
            Assert.Equal(expected * 0.5, C.SplitBothTangent(a, 0.5), 5);
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void VariablesReassignedFromACallReadingThem(int seed)
        {
            var rng = new Random(seed);
            double[] z = { 0.5 + rng.NextDouble(), rng.NextDouble() - 0.5 };
            AllModes(rng, z, v => C.PolarSteps(v[0], v[1], 3),
                v => { double gx = 0, gy = 0; C.PolarStepsGradient(v[0], v[1], 3, ref gx, ref gy); return new[] { gx, gy }; },
                (v, t) => C.PolarStepsTangent(v[0], v[1], 3, t[0], t[1]),
                (v, t) => { double hx = 0, hy = 0; C.PolarStepsHessianVector(v[0], v[1], 3, t[0], t[1], ref hx, ref hy); return new[] { hx, hy }; });
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ResultsReadByAMethodCalledNested(int seed)
        {
            var rng = new Random(seed);
            double[] z = { 0.5 + rng.NextDouble(), rng.NextDouble() - 0.5 };
            AllModes(rng, z, v => C.AreaSlope(v[0], v[1]),
                v => { double gx = 0, gy = 0; C.AreaSlopeGradient(v[0], v[1], ref gx, ref gy); return new[] { gx, gy }; },
                (v, t) => C.AreaSlopeTangent(v[0], v[1], t[0], t[1]),
                (v, t) => { double hx = 0, hy = 0; C.AreaSlopeHessianVector(v[0], v[1], t[0], t[1], ref hx, ref hy); return new[] { hx, hy }; });
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void OneElementPerCallIntoAnOutput(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 4, 0.2, 1), y = Random(rng, 4), w = Random(rng, 4), theta = new double[4], dx = new double[4], dy = new double[4];
            C.Angles(x, y, theta);
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal(Math.Atan2(y[i], x[i]) * Math.Sqrt((x[i] * x[i]) + 1), theta[i], 12);
            }

            C.AnglesBackward(x, y, theta, w, dx, dy);
            Verify(() => { double[] t = new double[4]; C.Angles(x, y, t); return t.Select((v, i) => v * w[i]).Sum(); }, Param("x", x, dx), Param("y", y, dy));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void SinCosAndATupleLiteral(int seed)
        {
            var rng = new Random(seed);
            double x = rng.NextDouble(), y = rng.NextDouble() + 0.5, dx = 0, dy = 0;
            C.SinCosSwapGradient(x, y, ref dx, ref dy);
            double s = Math.Sin(x * y), c = Math.Cos(x * y);
            double dfdu = (-2 * c * s * (s + c)) + (c * c * (c - s)); // f = c²(s + c), u = x·y
            Assert.Equal(dfdu * y, dx, 12);
            Assert.Equal(dfdu * x, dy, 12);
            AllModes(rng, new[] { x, y }, z => C.SinCosSwap(z[0], z[1]),
                z => { double gx = 0, gy = 0; C.SinCosSwapGradient(z[0], z[1], ref gx, ref gy); return new[] { gx, gy }; },
                (z, v) => C.SinCosSwapTangent(z[0], z[1], v[0], v[1]),
                (z, v) => { double hx = 0, hy = 0; C.SinCosSwapHessianVector(z[0], z[1], v[0], v[1], ref hx, ref hy); return new[] { hx, hy }; });
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void TupleLocalsReadByElement(int seed)
        {
            // p = (2r + sin x, θ) after the reassignment, read twice: f = 2·(2r + sin x)·θ + cos x.
            var rng = new Random(seed);
            double x = 0.3 + rng.NextDouble(), y = rng.NextDouble() - 0.5;
            double r = Math.Sqrt((x * x) + (y * y)), theta = Math.Atan2(y, x), a = (2 * r) + Math.Sin(x);
            Assert.Equal((2 * a * theta) + Math.Cos(x), C.TupleLocals(x, y), 12);
            AllModes(rng, new[] { x, y }, z => C.TupleLocals(z[0], z[1]),
                z => { double gx = 0, gy = 0; C.TupleLocalsGradient(z[0], z[1], ref gx, ref gy); return new[] { gx, gy }; },
                (z, v) => C.TupleLocalsTangent(z[0], z[1], v[0], v[1]),
                (z, v) => { double hx = 0, hy = 0; C.TupleLocalsHessianVector(z[0], z[1], v[0], v[1], ref hx, ref hy); return new[] { hx, hy }; });
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ATupleLocalsElementsSwappedByALiteral(int seed)
        {
            var rng = new Random(seed);
            double x = 0.3 + rng.NextDouble(), y = rng.NextDouble() - 0.5;
            double r = Math.Sqrt((x * x) + (y * y)), theta = Math.Atan2(y, x);
            Assert.Equal((2 * theta * r) + (r * r), C.TupleSwap(x, y), 12);
            AllModes(rng, new[] { x, y }, z => C.TupleSwap(z[0], z[1]),
                z => { double gx = 0, gy = 0; C.TupleSwapGradient(z[0], z[1], ref gx, ref gy); return new[] { gx, gy }; },
                (z, v) => C.TupleSwapTangent(z[0], z[1], v[0], v[1]),
                (z, v) => { double hx = 0, hy = 0; C.TupleSwapHessianVector(z[0], z[1], v[0], v[1], ref hx, ref hy); return new[] { hx, hy }; });

            // The closed form: ∂f/∂x = 2θₓ·r + 2θ·rₓ + 2r·rₓ with rₓ = x/r, θₓ = −y/r².
            double gx = 0, gy = 0;
            C.TupleSwapGradient(x, y, ref gx, ref gy);
            Assert.Equal((2 * (-y / (r * r)) * r) + (2 * theta * x / r) + (2 * x), gx, 10);
            Assert.Equal((2 * (x / (r * r)) * r) + (2 * theta * y / r) + (2 * y), gy, 10);
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void StructResults(int seed)
        {
            var rng = new Random(seed);
            double[] z = Random(rng, 9);
            static Vec3 V(double[] z, int at) => new() { X = z[at], Y = z[at + 1], Z = z[at + 2] };
            static double[] A(Vec3 a, Vec3 b, Vec3 c) => new[] { a.X, a.Y, a.Z, b.X, b.Y, b.Z, c.X, c.Y, c.Z };

            // a·(b×c) is det[a b c]: its gradient in a is b×c.
            Vec3 da = default, db = default, dc = default;
            C.TripleGradient(V(z, 0), V(z, 3), V(z, 6), ref da, ref db, ref dc);
            double[] normal = { z[7] * z[5] - z[8] * z[4], z[8] * z[3] - z[6] * z[5], z[6] * z[4] - z[7] * z[3] };
            double len = Math.Sqrt(normal.Sum(n => n * n));
            Assert.Equal((z[4] * z[8]) - (z[5] * z[7]) + (0.5 * z[4]), da.X, 12); // (b×c).X + ½·b.Y (from ½·(a×b).Z)
            Assert.Equal(C.Dot(V(z, 0), C.Cross(V(z, 3), V(z, 6))) + (C.Cross(V(z, 0), V(z, 3)).Z * 0.5)
                + (normal[0] * normal[1] / (len * len)), C.Triple(V(z, 0), V(z, 3), V(z, 6)), 12);
            AllModes(rng, z, v => C.Triple(V(v, 0), V(v, 3), V(v, 6)),
                v => { Vec3 ga = default, gb = default, gc = default; C.TripleGradient(V(v, 0), V(v, 3), V(v, 6), ref ga, ref gb, ref gc); return A(ga, gb, gc); },
                (v, t) => C.TripleTangent(V(v, 0), V(v, 3), V(v, 6), V(t, 0), V(t, 3), V(t, 6)),
                (v, t) => { Vec3 ha = default, hb = default, hc = default; C.TripleHessianVector(V(v, 0), V(v, 3), V(v, 6), V(t, 0), V(t, 3), V(t, 6), ref ha, ref hb, ref hc); return A(ha, hb, hc); });
        }

        public static TheoryData<int> SeedData() => new(Seeds);
    }
}
