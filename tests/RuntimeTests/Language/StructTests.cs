using System;
using System.Linq;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;
using C = SymGrad.RuntimeTests.Language.StructCases;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>Structs of reals: each field's gradient (in a struct of the same type) against central differences.</summary>
    public class StructTests
    {
        [Theory]
        [MemberData(nameof(SeedData))]
        public void DotOfTwoPoints(int seed)
        {
            var rng = new Random(seed);
            double[] a = Random(rng, 3), b = Random(rng, 3);
            Point3 da = default, db = default;
            double value = C.DotGradient(P(a), P(b), ref da, ref db);
            Assert.Equal((a[0] * b[0]) + (a[1] * b[1]) + (a[2] * b[2]), value, 12);
            Verify(() => C.Dot(P(a), P(b)), Param("a", a, A(da)), Param("b", b, A(db)));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void NestedFieldsLocalsAndAnIntField(int seed)
        {
            var rng = new Random(seed);
            double[] from = Random(rng, 3), to = Random(rng, 3), scale = { 0.5 + rng.NextDouble() };
            Segment S() => new() { From = P(from), To = P(to), Weight = 2 };
            Segment ds = default;
            double dscale = 0;
            C.LengthGradient(S(), scale[0], ref ds, ref dscale);
            Verify(() => C.Length(S(), scale[0]), Param("From", from, A(ds.From)), Param("To", to, A(ds.To)), Scalar("scale", scale, dscale));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void StructResultsTakeAStructCotangent(int seed)
        {
            var rng = new Random(seed);
            double[] a = Random(rng, 3), b = Random(rng, 3), cotangent = Random(rng, 3), k = { rng.NextDouble() };
            Point3 da = default, db = default;
            C.CrossBackward(P(a), P(b), P(cotangent), ref da, ref db);
            Verify(() => Project(C.Cross(P(a), P(b)), cotangent), Param("a", a, A(da)), Param("b", b, A(db)));

            Point3 da2 = default;
            double dk = 0;
            Point3 offset = new(1, 2, 3);
            C.ScaleBackward(P(a), k[0], offset, P(cotangent), ref da2, ref dk);
            Verify(() => Project(C.Scale(P(a), k[0], offset), cotangent), Param("a", a, A(da2)), Scalar("k", k, dk));
            Assert.Equal((a[0] * k[0]) + 1, C.Scale(P(a), k[0], offset).X, 12);
        }

        /// <summary>Forward mode of struct results (the struct of the fields' tangents): ⟨c, J·t⟩ = ⟨Jᵀ·c, t⟩ with MBackward.</summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void StructResultsInForwardMode(int seed)
        {
            var rng = new Random(seed);
            double[] a = Random(rng, 3), b = Random(rng, 3), ta = Random(rng, 3), tb = Random(rng, 3), c = Random(rng, 3);
            Point3 da = default, db = default;
            C.CrossBackward(P(a), P(b), P(c), ref da, ref db);
            double expected = Project(P(ta), A(da)) + Project(P(tb), A(db));
            Assert.Equal(expected, Project(C.CrossTangent(P(a), P(b), P(ta), P(tb)), c), 12);

            double k = rng.NextDouble(), tk = rng.NextDouble(), dk = 0;
            Point3 offset = new(1, 2, 3), da2 = default;
            C.ScaleBackward(P(a), k, offset, P(c), ref da2, ref dk);
            Assert.Equal(Project(P(ta), A(da2)) + (dk * tk), Project(C.ScaleTangent(P(a), k, offset, P(ta), tk), c), 12);

            // Nested: Segment's Point3 fields; its int field's tangent is default.
            double[] s = Random(rng, 6), ts = Random(rng, 6), cs = Random(rng, 6);
            Segment S(double[] v) => new() { From = P(v[..3]), To = P(v[3..]), Weight = 2 };
            double[] Flatten(Segment g) => A(g.From).Concat(A(g.To)).ToArray();
            Segment ds = default;
            double dk2 = 0;
            C.StretchBackward(S(s), k, S(cs), ref ds, ref dk2);
            Segment tangent = C.StretchTangent(S(s), k, S(ts), tk);
            Assert.Equal(Flatten(ds).Zip(ts, (g, t) => g * t).Sum() + (dk2 * tk), Flatten(tangent).Zip(cs, (t, w) => t * w).Sum(), 12);
            Assert.Equal(0, tangent.Weight);
            Verify(() => Flatten(C.Stretch(S(s), k)).Zip(cs, (v, w) => v * w).Sum(), Param("s", s, Flatten(ds)));
        }

        [Theory]
        [InlineData(Shape.Linear)]
        [InlineData(Shape.Exponential)]
        public void FloatStructWithAnEnumField(Shape shape)
        {
            float[] w = { 1.5f };
            Tagged dt = default;
            float[] dw = new float[1];
            C.ShapedGradient(new Tagged { Value = 0.4f, Shape = shape }, w, ref dt, dw);
            Assert.Equal(shape == Shape.Linear ? 1.5f : MathF.Exp(0.4f) * 1.5f, dt.Value, 5);
            Assert.Equal(shape == Shape.Linear ? 0.4f : MathF.Exp(0.4f), dw[0], 5);
            Assert.Equal(default, dt.Shape);
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void StructLocalThroughALoop(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 5), dx = new double[5];
            C.MomentsGradient(x, dx);
            Verify(() => C.Moments(x), Param("x", x, dx));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void SpansAndArraysOfStructs(int seed)
        {
            var rng = new Random(seed);
            double[] flat = Random(rng, 12), w = { rng.NextDouble() };
            Point3[] Points() => Enumerable.Range(0, 4).Select(i => new Point3(flat[3 * i], flat[(3 * i) + 1], flat[(3 * i) + 2])).ToArray();
            var dpoints = new Point3[4];
            double dw = 0;
            C.WeightedGradient(Points(), w[0], dpoints, ref dw);
            Verify(() => C.Weighted(Points(), w[0]), Param("points", flat, Flat(dpoints)), Scalar("w", w, dw));

            var dspread = new Point3[4];
            C.SpreadGradient(Points(), dspread);
            Verify(() => C.Spread(Points()), Param("points", flat, Flat(dspread)));

            // Forward mode agrees: the tangent along a direction is the gradient's dot product with it.
            var direction = Enumerable.Range(0, 4).Select(i => new Point3(0.1 * i, -0.2, 0.3)).ToArray();
            double expected = Flat(dspread).Zip(Flat(direction), (a, b) => a * b).Sum();
            Assert.True(Math.Abs(expected - C.SpreadTangent(Points(), direction)) < 1e-9 * (1 + Math.Abs(expected)));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AnAssignmentReadingTheStructItAssigns(int seed)
        {
            var rng = new Random(seed);
            double[] a = Random(rng, 3), cs = { Math.Cos(0.3), Math.Sin(0.3) };
            Point3 da = default;
            double dc = 0, ds = 0;
            C.RotatedGradient(P(a), cs[0], cs[1], ref da, ref dc, ref ds);
            Verify(() => C.Rotated(P(a), cs[0], cs[1]), Param("a", a, A(da)), Param("cs", cs, new[] { dc, ds }));

            double x = (cs[0] * a[0]) - (cs[1] * a[1]), y = (cs[1] * a[0]) + (cs[0] * a[1]);
            Assert.Equal((y * 2) + (x * 3) + (a[2] * x), C.Rotated(P(a), cs[0], cs[1]), 12);
        }

        /// <summary>A struct parameter with a span output: ⟨c, y⟩'s gradient through MBackward with the cotangent c.</summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void AStructParameterWithASpanOutput(int seed)
        {
            var rng = new Random(seed);
            double[] a = Random(rng, 3), x = Random(rng, 4), k = { 0.5 + rng.NextDouble() }, c = Random(rng, 4), y = new double[4], dx = new double[4];
            C.Translate(P(a), x, k[0], y);
            Point3 da = default;
            double dk = 0;
            C.TranslateBackward(P(a), x, k[0], y, c, ref da, dx, ref dk);
            double Loss()
            {
                double[] yy = new double[4];
                C.Translate(P(a), x, k[0], yy);
                return yy.Zip(c, (u, v) => u * v).Sum();
            }

            Verify(Loss, Param("a", a, A(da)), Param("x", x, dx), Scalar("k", k, dk));
        }

        private static double[] Flat(Point3[] p) => p.SelectMany(A).ToArray();

        private static Point3 P(double[] v) => new(v[0], v[1], v[2]);

        private static double[] A(Point3 p) => new[] { p.X, p.Y, p.Z };

        private static double Project(Point3 p, double[] c) => (p.X * c[0]) + (p.Y * c[1]) + (p.Z * c[2]);

        public static TheoryData<int> SeedData() => new(Seeds);
    }
}
