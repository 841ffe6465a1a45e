using System;
using System.Linq;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Nested differentiation: methods calling FTangent, FGradient or FBackward, differentiated by MGradient (reverse over
    /// forward or reverse) and MTangent (forward over forward or reverse), against closed forms and central differences.
    /// </summary>
    public class NestedTests
    {
        private const double H = 1e-5;

        [Theory]
        [InlineData(0.7)]
        [InlineData(-1.3)]
        public void ASlopeIsDifferentiatedAgain(double a)
        {
            double da = 0;
            Assert.Equal(4 * a * a * a, NestedCases.SlopeTimesAGradient(a, ref da), 12);
            Assert.Equal(12 * a * a, da, 10);
        }

        [Theory]
        [InlineData(0.7, 0.4)]
        [InlineData(-1.1, 2.3)]
        public void AGradientIsDifferentiatedAgain(double a, double b)
        {
            double da = 0, db = 0;
            double value = NestedCases.ValuePlusGradientProductGradient(a, b, ref da, ref db);
            // F + gx·gy with gx = 2ab, gy = a² + cos b.
            Assert.Equal((a * a * b) + Math.Sin(b) + (2 * a * b * ((a * a) + Math.Cos(b))), value, 12);
            Assert.Equal(Central(x => NestedCases.ValuePlusGradientProduct(x, b), a), da, 6);
            Assert.Equal(Central(y => NestedCases.ValuePlusGradientProduct(a, y), b), db, 6);

            da = db = 0;
            NestedCases.SeededBackwardGradient(a, b, ref da, ref db);
            Assert.Equal(Central(x => NestedCases.SeededBackward(x, b), a), da, 6);
            Assert.Equal(Central(y => NestedCases.SeededBackward(a, y), b), db, 6);
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ADirectionalDerivativeOfSpansIsDifferentiatedAgain(int seed)
        {
            var rng = new Random(seed);
            double[] w = Random(rng, 5), direction = Random(rng, 5), dw = new double[5], ddirection = new double[5];
            double s = 0.5 + rng.NextDouble(), ds = 0;
            NestedCases.DirectionalSlopeGradient(w, direction, s, dw, ddirection, ref ds);
            for (int i = 0; i < 5; i++)
            {
                Assert.Equal(Central(h => NestedCases.DirectionalSlope(Shift(w, i, h), direction, s), 0), dw[i], 6);
                Assert.Equal(Central(h => NestedCases.DirectionalSlope(w, Shift(direction, i, h), s), 0), ddirection[i], 6);
            }

            Assert.Equal(Central(x => NestedCases.DirectionalSlope(w, direction, x), s), ds, 6);

            // An empty gradient is "not needed".
            ds = 0;
            NestedCases.DirectionalSlopeGradient(w, direction, s, default, default, ref ds);
            Assert.Equal(Central(x => NestedCases.DirectionalSlope(w, direction, x), s), ds, 6);
        }

        [Theory]
        [InlineData(0.0)]
        [InlineData(0.35)]
        public void TheParticleInReverseOverReverseAndOverForward(double w)
        {
            double byGradient = 0, byTangent = 0;
            double a = NestedCases.ParticleByGradientGradient(w, ref byGradient);
            double b = NestedCases.ParticleByTangentGradient(w, ref byTangent);
            Assert.Equal(a, b, 10);
            double expected = Central(NestedCases.ParticleByGradient, w);
            Assert.Equal(expected, byGradient, 5);
            Assert.Equal(expected, byTangent, 5);
            Assert.NotEqual(0, expected, 3);
        }

        [Theory]
        [InlineData(0.3, -0.4)]
        [InlineData(1.2, 0.8)]
        public void TheSaddleInReverseOverReverse(double x1, double x2)
        {
            double d1 = 0, d2 = 0;
            NestedCases.SaddleMaxGradient(x1, x2, ref d1, ref d2);
            Assert.Equal(Central(x => NestedCases.SaddleMax(x, x2), x1), d1, 6);
            Assert.Equal(Central(x => NestedCases.SaddleMax(x1, x), x2), d2, 6);
        }

        /// <summary>Forward over forward and forward over reverse: MTangent along a direction is the gradient's dot product with it.</summary>
        [Theory]
        [InlineData(0.7, 0.4, 0.3, -1.1)]
        [InlineData(-1.1, 2.3, 1.0, 0.5)]
        public void ForwardModeOfNestedCallsIsTheGradientAlongTheDirection(double a, double b, double ta, double tb)
        {
            double da = 0, db = 0;
            NestedCases.SlopeTimesAGradient(a, ref da);
            Assert.Equal(da * ta, NestedCases.SlopeTimesATangent(a, ta), 10);

            da = db = 0;
            NestedCases.ValuePlusGradientProductGradient(a, b, ref da, ref db);
            Assert.Equal((da * ta) + (db * tb), NestedCases.ValuePlusGradientProductTangent(a, b, ta, tb), 9);

            da = db = 0;
            NestedCases.SeededBackwardGradient(a, b, ref da, ref db);
            Assert.Equal((da * ta) + (db * tb), NestedCases.SeededBackwardTangent(a, b, ta, tb), 9);

            da = db = 0;
            NestedCases.SaddleMaxGradient(a, b, ref da, ref db);
            Assert.Equal((da * ta) + (db * tb), NestedCases.SaddleMaxTangent(a, b, ta, tb), 9);

            double w = a * 0.2;
            double dw = 0;
            NestedCases.ParticleByGradientGradient(w, ref dw);
            Assert.Equal(dw * ta, NestedCases.ParticleByGradientTangent(w, ta), 7);
            Assert.Equal(dw * ta, NestedCases.ParticleByTangentTangent(w, ta), 7);
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ForwardModeOfANestedSpanCall(int seed)
        {
            var rng = new Random(seed);
            double[] w = Random(rng, 5), direction = Random(rng, 5), dw = new double[5], ddirection = new double[5];
            double[] tw = Random(rng, 5), tdirection = Random(rng, 5);
            double s = 0.5 + rng.NextDouble(), ds = 0, ts = rng.NextDouble();
            NestedCases.DirectionalSlopeGradient(w, direction, s, dw, ddirection, ref ds);
            double expected = (ds * ts) + dw.Zip(tw, (g, t) => g * t).Sum() + ddirection.Zip(tdirection, (g, t) => g * t).Sum();
            Assert.Equal(expected, NestedCases.DirectionalSlopeTangent(w, direction, s, tw, tdirection, ts), 9);
        }

        /// <summary>FTangent inside a generated call's argument and a user call's (CI's campaign, eSz6ybt71wR1: was refused).</summary>
        [Theory]
        [InlineData(0.7, 0.4, 0.3, -1.1)]
        [InlineData(-1.1, 2.3, 1.0, 0.5)]
        public void TangentsAsArgumentsOfCalls(double a, double b, double ta, double tb)
        {
            // F = x²y + sin y: ∂F/∂x = 2xy, ∂F/∂y = x² + cos y.
            double c = b > 2 * a * b ? b : 2 * b;
            double gx = 2 * a * c, gy = (a * a) + Math.Cos(c), slope = (a * a) + Math.Cos(b);
            double expected = (a * a * c) + Math.Sin(c) + (a * slope * slope * slope) + (gx * gy) + Math.Tanh(2 * a * b);
            Assert.Equal(expected, NestedCases.TangentsAsArguments(a, b), 12);

            double da = 0, db = 0;
            Assert.Equal(expected, NestedCases.TangentsAsArgumentsGradient(a, b, ref da, ref db), 12);
            Assert.Equal(Central(x => NestedCases.TangentsAsArguments(x, b), a), da, 5);
            Assert.Equal(Central(y => NestedCases.TangentsAsArguments(a, y), b), db, 5);
            Assert.Equal((da * ta) + (db * tb), NestedCases.TangentsAsArgumentsTangent(a, b, ta, tb), 9);
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AnArgumentWritingAnOutputIsEvaluatedOnce(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 3), dy = Random(rng, 3), dx = new double[3], y = new double[3];
            double a = rng.NextDouble() - 0.5, da = 0;
            NestedCases.GradientOfAWritingArgument(a, y, x);
            NestedCases.GradientOfAWritingArgumentBackward(a, y, x, dy, ref da, dx);
            double Loss(double a2, double[] x2)
            {
                double[] y2 = new double[3];
                NestedCases.GradientOfAWritingArgument(a2, y2, x2);
                return y2.Zip(dy, (p, q) => p * q).Sum();
            }

            Assert.Equal(Central(t => Loss(t, x), a), da, 6);
            for (int i = 0; i < 3; i++) Assert.Equal(Central(h => Loss(a, Shift(x, i, h)), 0), dx[i], 6);
        }

        /// <summary>The callees of the cases above, gradient-checked on their own: a span given twice, an output written by elements.</summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void TheCalleesGradients(int seed)
        {
            var rng = new Random(seed);
            double[] u = Random(rng, 4), w = Random(rng, 4), du = new double[4], dw = new double[4], a = { 0.5 + rng.NextDouble() };
            double da = 0;
            NestedCases.TanhDotGradient(u, w, a[0], du, dw, ref da);
            Verify(() => NestedCases.TanhDot(u, w, a[0]), Param("u", u, du), Param("w", w, dw), Scalar("a", a, da));

            double[] dw2 = new double[4];
            double da2 = 0;
            NestedCases.OneSpanTwiceGradient(w, a[0], dw2, ref da2);
            Verify(() => NestedCases.OneSpanTwice(w, a[0]), Param("w", w, dw2), Scalar("a", a, da2));

            double[] b = { rng.NextDouble() - 0.5 }, y = new double[3], dy = Random(rng, 3);
            double da3 = 0, db3 = 0;
            NestedCases.WritesThree(a[0], y, b[0], 2);
            NestedCases.WritesThreeBackward(a[0], y, b[0], 2, 0.7, dy, ref da3, ref db3);
            double Loss()
            {
                double[] y2 = new double[3];
                double r = NestedCases.WritesThree(a[0], y2, b[0], 2);
                return (0.7 * r) + y2.Zip(dy, (p, q) => p * q).Sum();
            }

            Verify(Loss, Scalar("a", a, da3), Scalar("b", b, db3));
        }

        /// <summary>
        /// A nested F with a float input in a double method (Mixed(double x, float y)): its gradients are a double and a float,
        /// and MixedNested's gradient, tangent and Hessian-vector product go through MixedTangentBackward, MixedTangentTangent and
        /// the third order with each input's own type. Against central differences in a (double, step 1e-5) and in b (float:
        /// a step of 1e-2, float's rounding of the gradient far below it), and the closed form of Mixed's gradient.
        /// </summary>
        [Theory]
        [InlineData(0.7, 0.4f)]
        [InlineData(-1.1, 1.3f)]
        public void AFloatInputOfADoubleMethodIsDifferentiatedAgain(double a, float b)
        {
            double gx = 0;
            float gy = 0;
            NestedCases.MixedGradient(a, b, ref gx, ref gy);
            AssertClose((b * Math.Cos(a * b)) + (b * b), gx);
            Assert.True(Math.Abs(((a * Math.Cos(a * b)) + (2 * a * b)) - gy) <= 1e-5 * (1 + Math.Abs(gy)), $"gy {gy}");

            // MixedNested computes gy in float: central differences step 1e-2 (float rounding over the step ~1e-5 relative,
            // truncation ~1e-5), and agree to 1e-3; a wrong derivative is off by its size.
            const float Hf = 1e-2f;
            static void Near(double expected, double actual, string what) => Assert.True(Math.Abs(expected - actual) <= 1e-3 * (1 + Math.Abs(expected)), $"{what}: {actual}, central differences {expected}");
            double da = 0;
            float db = 0;
            NestedCases.MixedNestedGradient(a, b, ref da, ref db);
            Near((NestedCases.MixedNested(a + Hf, b) - NestedCases.MixedNested(a - Hf, b)) / (2 * Hf), da, "da");
            Near((NestedCases.MixedNested(a, b + Hf) - NestedCases.MixedNested(a, b - Hf)) / (double)((b + Hf) - (b - Hf)), db, "db");
            Assert.True(Math.Abs(((da * 0.3) + (db * -0.2)) - NestedCases.MixedNestedTangent(a, b, 0.3, -0.2f)) <= 1e-6 * (1 + Math.Abs(da) + Math.Abs(db)));

            // H·v along a, then along b: the a-entries against central differences of da, and H symmetric.
            (double A, double B) Gradient(double at, float bt)
            {
                double d = 0;
                float e = 0;
                NestedCases.MixedNestedGradient(at, bt, ref d, ref e);
                return (d, e);
            }

            double ha = 0, ha2 = 0;
            float hb = 0, hb2 = 0;
            NestedCases.MixedNestedHessianVector(a, b, 1, 0, ref ha, ref hb);
            NestedCases.MixedNestedHessianVector(a, b, 0, 1, ref ha2, ref hb2);
            Near((Gradient(a + Hf, b).A - Gradient(a - Hf, b).A) / (2 * Hf), ha, "(H·eₐ)[a]");
            Near((Gradient(a, b + Hf).A - Gradient(a, b - Hf).A) / (double)((b + Hf) - (b - Hf)), ha2, "(H·e_b)[a]");
            Near(ha2, hb, "H symmetric");
        }

        /// <summary>
        /// A double input of a float method (MixedF(float x, double y)) called nested by FBackward with a seed: MixedFNested's
        /// gradient against central differences in b (double: float's rounding of the value over the step 1e-2 is ~1e-6) and
        /// in a (float), its tangent as the gradient along the direction, H·v's entries against central differences of the gradient.
        /// </summary>
        [Theory]
        [InlineData(0.7f, 0.4)]
        [InlineData(-1.1f, 1.3)]
        public void ADoubleInputOfAFloatMethodIsDifferentiatedAgain(float a, double b)
        {
            const float Hf = 1e-2f;
            static void Near(double expected, double actual, string what) => Assert.True(Math.Abs(expected - actual) <= 2e-3 * (1 + Math.Abs(expected)), $"{what}: {actual}, central differences {expected}");
            float da = 0;
            double db = 0;
            NestedCases.MixedFNestedGradient(a, b, ref da, ref db);
            Near((NestedCases.MixedFNested(a + Hf, b) - NestedCases.MixedFNested(a - Hf, b)) / (double)((a + Hf) - (a - Hf)), da, "da");
            Near((NestedCases.MixedFNested(a, b + Hf) - NestedCases.MixedFNested(a, b - Hf)) / (2 * Hf), db, "db");
            Assert.True(Math.Abs(((da * 0.3) + (db * -0.2)) - NestedCases.MixedFNestedTangent(a, b, 0.3f, -0.2)) <= 1e-5 * (1 + Math.Abs(da) + Math.Abs(db)));
            (double A, double B) Gradient(float at, double bt)
            {
                float d = 0;
                double e = 0;
                NestedCases.MixedFNestedGradient(at, bt, ref d, ref e);
                return (d, e);
            }

            float ha = 0, ha2 = 0;
            double hb = 0, hb2 = 0;
            NestedCases.MixedFNestedHessianVector(a, b, 1, 0, ref ha, ref hb);
            NestedCases.MixedFNestedHessianVector(a, b, 0, 1, ref ha2, ref hb2);
            Near((Gradient(a, b + Hf).B - Gradient(a, b - Hf).B) / (2 * Hf), hb2, "(H·e_b)[b]");
            Near((Gradient(a, b + Hf).A - Gradient(a, b - Hf).A) / (2 * Hf), ha2, "(H·e_b)[a]");
            Near(ha2, hb, "H symmetric");
        }

        /// <summary>Floats passed where MixedF takes doubles (y and ẏ), converted as C# does: gradient, tangent and H·v.</summary>
        [Theory]
        [InlineData(0.7f)]
        [InlineData(-1.2f)]
        public void FloatsPassedForDoublesAreConverted(float a)
        {
            const float H = 1e-2f;
            float da = 0;
            NestedCases.MixedFConvertedGradient(a, ref da);
            double central = (NestedCases.MixedFConverted(a + H) - (double)NestedCases.MixedFConverted(a - H)) / (double)((a + H) - (a - H));
            Assert.True(Math.Abs(central - da) <= 2e-3 * (1 + Math.Abs(central)), $"da {da}, central differences {central}");
            Assert.Equal(0.3f * da, NestedCases.MixedFConvertedTangent(a, 0.3f), 1e-4 * (1 + Math.Abs(da)));
            float ha = 0;
            NestedCases.MixedFConvertedHessianVector(a, 1, ref ha);
            float dPlus = 0, dMinus = 0;
            NestedCases.MixedFConvertedGradient(a + H, ref dPlus);
            NestedCases.MixedFConvertedGradient(a - H, ref dMinus);
            double second = (dPlus - (double)dMinus) / (double)((a + H) - (a - H));
            Assert.True(Math.Abs(second - ha) <= 5e-3 * (1 + Math.Abs(second)), $"H·1 {ha}, central differences of the gradient {second}");
        }

        /// <summary>
        /// A generic F's generated methods called nested (Pair&lt;T&gt;, Bowl&lt;T&gt;): the call is of the overload its arguments pick —
        /// double here, float in PairSlopesInFloat — and differentiated again through that overload's FTangentBackward and
        /// FTangentTangent. Gradients against central differences, tangents as the gradient along the direction.
        /// </summary>
        [Theory]
        [InlineData(0.7, 0.4)]
        [InlineData(-1.1, 1.3)]
        public void AGenericMethodIsDifferentiatedAgain(double a, double b)
        {
            double da = 0, db = 0;
            NestedCases.PairSlopesGradient(a, b, ref da, ref db);
            AssertClose(Central(x => NestedCases.PairSlopes(x, b), a), da);
            AssertClose(Central(y => NestedCases.PairSlopes(a, y), b), db);
            AssertClose((0.3 * da) - (0.2 * db), NestedCases.PairSlopesTangent(a, b, 0.3, -0.2));

            // The float overload: its gradient against central differences of the same function in double (2·Pa·b + 2·Pb).
            static double InDouble(double at, double bt)
            {
                double ga = 0, gb = 0;
                NestedCases.PairGradient(at, bt, ref ga, ref gb);
                return (2 * ga * bt) + (2 * gb);
            }

            float fa = 0, fb = 0;
            Assert.Equal(InDouble(a, b), NestedCases.PairSlopesInFloat((float)a, (float)b), 3e-5 * (1 + Math.Abs(InDouble(a, b))));
            NestedCases.PairSlopesInFloatGradient((float)a, (float)b, ref fa, ref fb);
            double ca = Central(x => InDouble(x, (float)b), (float)a), cb = Central(y => InDouble((float)a, y), (float)b);
            Assert.True(Math.Abs(ca - fa) <= 1e-4 * (1 + Math.Abs(ca)), $"da {fa}, central differences {ca}");
            Assert.True(Math.Abs(cb - fb) <= 1e-4 * (1 + Math.Abs(cb)), $"db {fb}, central differences {cb}");

            // Integer arguments: the float overload, as C# picks it — 2·s·∂P/∂a(1, 2).
            float ds = 0;
            double pa = 0, pb = 0;
            NestedCases.PairGradient(1.0, 2.0, ref pa, ref pb);
            NestedCases.PairAtIntegersGradient((float)a, ref ds);
            Assert.Equal(2 * a * pa, ds, 1e-4 * (1 + Math.Abs(2 * a * pa)));

            // A third order through a call whose span's tangent is empty (FixedSide calls SpanPair(x, a, k), k constant): H·v in a.
            double[] xk = Random(new Random(31), 3), kk = Random(new Random(37), 3);
            double ha = 0;
            NestedCases.FixedSideSlopeHessianVector(xk, kk, a, new double[3], 1, new double[3], ref ha);
            double Da(double at)
            {
                double d = 0;
                NestedCases.FixedSideSlopeGradient(xk, kk, at, new double[3], ref d);
                return d;
            }

            AssertClose(Central(Da, a), ha);
            AssertClose(Central(at => NestedCases.FixedSideSlope(xk, kk, at), a), Da(a));

            // Bowl<double>'s gradient in x alone (the span's not needed: default), steps of it differentiated in w and x.
            var steps = new Random(29);
            double[] ws = Random(steps, 3), dws = new double[3];
            double dxs = 0;
            NestedCases.BowlStepGradient(ws, a, dws, ref dxs);
            AssertClose(Central(x => NestedCases.BowlStep(ws, x), a), dxs);
            for (int i = 0; i < 3; i++)
            {
                AssertClose(Central(h => NestedCases.BowlStep(Shift(ws, i, h), a), 0), dws[i]);
            }

            double[] hws = new double[3];
            double hxs = 0;
            NestedCases.BowlStepHessianVector(ws, a, new double[3], 1, hws, ref hxs);
            double Dxs(double x)
            {
                double d = 0;
                NestedCases.BowlStepGradient(ws, x, new double[3], ref d);
                return d;
            }

            AssertClose(Central(Dxs, a), hxs);
            AssertClose(dxs * 0.7, NestedCases.BowlStepTangent(ws, a, default, 0.7));

            // Bowl<double>'s tangent along a span direction, differentiated in w, v and x.
            var rng = new Random(17);
            double[] w = Random(rng, 4), v = Random(rng, 4), dw = new double[4], dv = new double[4];
            double dx = 0;
            NestedCases.BowlSlopeGradient(w, v, a, dw, dv, ref dx);
            AssertClose(Central(x => NestedCases.BowlSlope(w, v, x), a), dx);
            for (int i = 0; i < 4; i++)
            {
                AssertClose(Central(h => NestedCases.BowlSlope(Shift(w, i, h), v, a), 0), dw[i]);
                AssertClose(Central(h => NestedCases.BowlSlope(w, Shift(v, i, h), a), 0), dv[i]);
            }

            double[] hw = new double[4], hv = new double[4];
            double hx = 0;
            NestedCases.BowlSlopeHessianVector(w, v, a, new double[4], new double[4], 1, hw, hv, ref hx);
            double Dx(double x)
            {
                double d = 0;
                NestedCases.BowlSlopeGradient(w, v, x, new double[4], new double[4], ref d);
                return d;
            }

            AssertClose(Central(Dx, a), hx);
        }

        private delegate void Hvp2(double a, double b, double va, double vb, ref double ha, ref double hb);

        private delegate double Gradient2(double a, double b, ref double da, ref double db);

        private delegate void Hvp1(double a, double va, ref double ha);

        private delegate double Gradient1(double a, ref double da);

        private delegate double SpanGradient(ReadOnlySpan<double> w, ReadOnlySpan<double> d, double s, Span<double> dw, Span<double> dd, ref double ds);

        /// <summary>
        /// MHessianVector of methods calling FTangent, FGradient or FBackward (forward over reverse over a nested derivative:
        /// a third derivative of F, FHessianVectorTangent, reaches it through FTangentTangentBackward — and, where F calls
        /// methods of its own, through theirs), against central differences of MGradient along the direction.
        /// </summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void HessianVectorProductsOfNestedCalls(int seed)
        {
            var rng = new Random(seed);
            double a = rng.NextDouble() - 0.3, b = rng.NextDouble() + 0.2, va = rng.NextDouble() - 0.5, vb = rng.NextDouble() - 0.5;
            foreach ((Hvp2 hvp, Gradient2 gradient) in new (Hvp2, Gradient2)[]
            {
                (NestedCases.ValuePlusGradientProductHessianVector, NestedCases.ValuePlusGradientProductGradient),
                (NestedCases.SeededBackwardHessianVector, NestedCases.SeededBackwardGradient),
                (NestedCases.TangentsAsArgumentsHessianVector, NestedCases.TangentsAsArgumentsGradient),
                (NestedCases.SaddleMaxHessianVector, NestedCases.SaddleMaxGradient),
                (NestedCases.GradientThroughCallsHessianVector, NestedCases.GradientThroughCallsGradient),
                (NestedCases.PairSlopesHessianVector, NestedCases.PairSlopesGradient),
            })
            {
                double ha = 0, hb = 0;
                hvp(a, b, va, vb, ref ha, ref hb);
                (double, double) G(double h)
                {
                    double da = 0, db = 0;
                    gradient(a + (h * va), b + (h * vb), ref da, ref db);
                    return (da, db);
                }

                var (ua, ub) = G(H);
                var (la, lb) = G(-H);
                AssertClose((ua - la) / (2 * H), ha);
                AssertClose((ub - lb) / (2 * H), hb);
            }

            foreach ((Hvp1 hvp, Gradient1 gradient) in new (Hvp1, Gradient1)[]
            {
                (NestedCases.SlopeTimesAHessianVector, NestedCases.SlopeTimesAGradient),
                (NestedCases.ParticleByGradientHessianVector, NestedCases.ParticleByGradientGradient),
                (NestedCases.ParticleByTangentHessianVector, NestedCases.ParticleByTangentGradient),
            })
            {
                double ha = 0;
                hvp(a, va, ref ha);
                double G(double h)
                {
                    double da = 0;
                    gradient(a + (h * va), ref da);
                    return da;
                }

                AssertClose((G(H) - G(-H)) / (2 * H), ha);
            }

            // SlopeTimesA(a) = FTangent(a, 2a, 1, 0)·a = 2a·2a·a = 4a³: its second derivative is 24a.
            double h2 = 0;
            NestedCases.SlopeTimesAHessianVector(a, 1, ref h2);
            Assert.Equal(24 * a, h2, 10);

            // Spans: DirectionalSlope(w, d, s) = ∇LogSumExp(w, s)·(d, 1)·s, its direction d a differentiable span too.
            double[] w = Random(rng, 4), d = Random(rng, 4), vw = Random(rng, 4), vd = Random(rng, 4), hw = new double[4], hd = new double[4];
            double s = 0.5 + rng.NextDouble(), vs = rng.NextDouble() - 0.5, hs = 0;
            NestedCases.DirectionalSlopeHessianVector(w, d, s, vw, vd, vs, hw, hd, ref hs);
            // The gradient at (w, d, s) + h·(vw, vd, vs), as one vector.
            double[] Along(SpanGradient gradient, double h)
            {
                double[] dw = new double[4], dd = new double[4];
                double ds = 0;
                gradient(w.Zip(vw, (x, v) => x + (h * v)).ToArray(), d.Zip(vd, (x, v) => x + (h * v)).ToArray(), s + (h * vs), dw, dd, ref ds);
                return dw.Concat(dd).Append(ds).ToArray();
            }

            void AssertProduct(SpanGradient gradient)
            {
                double[] up = Along(gradient, H), down = Along(gradient, -H), product = hw.Concat(hd).Append(hs).ToArray();
                for (int i = 0; i < product.Length; i++) AssertClose((up[i] - down[i]) / (2 * H), product[i]);
            }

            AssertProduct(NestedCases.DirectionalSlopeGradient);

            // Through two levels of calls: SlopeThroughCalls = ∇SpanOfLayered(w, s)·(d, 1)·s, SpanOfLayered calling Layered, Layered Bump.
            Array.Clear(hw);
            Array.Clear(hd);
            hs = 0;
            NestedCases.SlopeThroughCallsHessianVector(w, d, s, vw, vd, vs, hw, hd, ref hs);
            AssertProduct(NestedCases.SlopeThroughCallsGradient);

            // Through a generic callee: OverAGeneric calls SoftClip<double>, whose third-order methods are written for double.
            double a2 = rng.NextDouble() - 0.5, b2 = rng.NextDouble() + 0.5, va2 = rng.NextDouble() - 0.5, vb2 = rng.NextDouble() - 0.5, ha2 = 0, hb2 = 0;
            NestedCases.SlopeOverAGenericHessianVector(a2, b2, va2, vb2, ref ha2, ref hb2);
            (double, double) GenericAt(double h)
            {
                double da = 0, db = 0;
                NestedCases.SlopeOverAGenericGradient(a2 + (h * va2), b2 + (h * vb2), ref da, ref db);
                return (da, db);
            }

            var (upA, upB) = GenericAt(H);
            var (downA, downB) = GenericAt(-H);
            AssertClose((upA - downA) / (2 * H), ha2);
            AssertClose((upB - downB) / (2 * H), hb2);

            double[] a2s = { a2 }, b2s = { b2 };
            double ga2 = 0, gb2 = 0;
            NestedCases.SlopeOverAGenericGradient(a2, b2, ref ga2, ref gb2);
            Verify(() => NestedCases.SlopeOverAGeneric(a2s[0], b2s[0]), Scalar("a", a2s, ga2), Scalar("b", b2s, gb2));
        }

        /// <summary>
        /// F with a span of the other real type (Weighted: a float span of a double F; Squashed: a double span of a float F),
        /// its tangent along span directions and its gradient in x called nested: gradients against central differences (a
        /// float input stepped by floats), the tangent as the gradient along the direction, H·v against central differences of
        /// the gradient.
        /// </summary>
        [Fact]
        public void AMethodWithSpansOfTheOtherRealTypeIsDifferentiatedAgain()
        {
            var rng = new Random(43);
            float[] q = Floats(rng, 4), u = Floats(rng, 4), dq = new float[4], du = new float[4];
            double[] w = Random(rng, 4), dw = new double[4];
            double x = 0.6, dx = 0;
            NestedCases.WeightedSlopeGradient(q, w, u, x, dq, dw, du, ref dx);
            AssertClose(Central(h => NestedCases.WeightedSlope(q, w, u, h), x), dx);
            for (int i = 0; i < 4; i++)
            {
                AssertClose(Central(h => NestedCases.WeightedSlope(q, Shift(w, i, h), u, x), 0), dw[i]);
                AssertFloatSlope(h => NestedCases.WeightedSlope(Shift(q, i, h), w, u, x), dq[i]);
                AssertFloatSlope(h => NestedCases.WeightedSlope(q, w, Shift(u, i, h), x), du[i]);
            }

            // The tangent along (tq, tw, tu, tx) is the gradient along it.
            float[] tq = Floats(rng, 4), tu = Floats(rng, 4);
            double[] tw = Random(rng, 4);
            double along = (-0.3 * dx) + Enumerable.Range(0, 4).Sum(i => (tq[i] * (double)dq[i]) + (tw[i] * dw[i]) + (tu[i] * (double)du[i]));
            Assert.Equal(along, NestedCases.WeightedSlopeTangent(q, w, u, x, tq, tw, tu, -0.3), 1e-5 * (1 + Math.Abs(along)));

            // H·v (along all four) against the all-double twin's at the same inputs: the float span's gradients and scaled
            // directions round to float (as WeightedTangentBackward's own signature has them), so within a float's rounding;
            // the twin's H·v against central differences of its gradient.
            float[] vq = Floats(rng, 4), vu = Floats(rng, 4), hq = new float[4], hu = new float[4];
            double[] vw = Random(rng, 4), hw = new double[4];
            double hx = 0;
            NestedCases.WeightedSlopeHessianVector(q, w, u, x, vq, vw, vu, 0.4, hq, hw, hu, ref hx);
            double[] qd = Doubles(q), ud = Doubles(u), vqd = Doubles(vq), vud = Doubles(vu), hqd = new double[4], hwd = new double[4], hud = new double[4];
            double hxd = 0;
            NestedCases.WeightedSlopeInDoubleHessianVector(qd, w, ud, x, vqd, vw, vud, 0.4, hqd, hwd, hud, ref hxd);
            static void Near(double expected, double actual) => Assert.True(Math.Abs(expected - actual) <= 1e-6 * (1 + Math.Abs(expected)), $"expected {expected}, got {actual}");
            Near(hxd, hx);
            for (int i = 0; i < 4; i++)
            {
                Near(hwd[i], hw[i]);
                Near(hqd[i], hq[i]);
                Near(hud[i], hu[i]);
            }

            double[] Along(double[] at, double[] v, double h) => at.Select((a, i) => a + (h * v[i])).ToArray();
            (double[] Q, double[] W, double[] U, double X) TwinGradient(double h)
            {
                double[] gq = new double[4], gw = new double[4], gu = new double[4];
                double gx = 0;
                NestedCases.WeightedSlopeInDoubleGradient(Along(qd, vqd, h), Along(w, vw, h), Along(ud, vud, h), x + (h * 0.4), gq, gw, gu, ref gx);
                return (gq, gw, gu, gx);
            }

            var (up, down) = (TwinGradient(H), TwinGradient(-H));
            AssertClose((up.X - down.X) / (2 * H), hxd);
            for (int i = 0; i < 4; i++)
            {
                AssertClose((up.Q[i] - down.Q[i]) / (2 * H), hqd[i]);
                AssertClose((up.W[i] - down.W[i]) / (2 * H), hwd[i]);
                AssertClose((up.U[i] - down.U[i]) / (2 * H), hud[i]);
            }

            // A float F with a double span: SquashedSlope's gradient in k (double) and x (float).
            double[] k = Random(rng, 3), dk = new double[3];
            float fx = 0.8f, dfx = 0;
            NestedCases.SquashedSlopeGradient(k, fx, dk, ref dfx);
            AssertFloatSlope(h => NestedCases.SquashedSlope(k, (float)(fx + h)), dfx);
            for (int i = 0; i < 3; i++)
            {
                AssertFloatSlope(h => NestedCases.SquashedSlope(Shift(k, i, h), fx), dk[i]);
            }

            double[] hk = new double[3];
            float hfx = 0;
            NestedCases.SquashedSlopeHessianVector(k, fx, new double[3], 1f, hk, ref hfx);
            float Dx(float at)
            {
                float d = 0;
                NestedCases.SquashedSlopeGradient(k, at, new double[3], ref d);
                return d;
            }

            AssertFloatSlope(h => Dx((float)(fx + h)), hfx);
        }

        /// <summary>A slope computed in float: central differences at a step floats resolve, a float's tolerance.</summary>
        private static void AssertFloatSlope(Func<double, double> f, double expected)
        {
            const double Step = 1e-2;
            double central = (f(Step) - f(-Step)) / (2 * Step);
            Assert.True(Math.Abs(central - expected) <= 2e-3 * (1 + Math.Abs(expected)), $"derivative {expected}, central differences {central}");
        }

        private static float[] Floats(Random rng, int n) => Random(rng, n).Select(v => (float)v).ToArray();

        private static double[] Doubles(float[] values) => values.Select(v => (double)v).ToArray();

        private static float[] Shift(float[] values, int i, double h)
        {
            float[] copy = values.ToArray();
            copy[i] = (float)(copy[i] + h);
            return copy;
        }

        private static double Central(Func<double, double> f, double x) => (f(x + H) - f(x - H)) / (2 * H);

        private static double[] Shift(double[] values, int i, double h)
        {
            double[] copy = values.ToArray();
            copy[i] += h;
            return copy;
        }

        /// <summary>H·v of a method passing one output for both of F's span inputs, against central differences of its gradient.</summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void OneSpanForTwoInputsUnderAHessianVectorProduct(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 4), vx = Random(rng, 4), hx = new double[4];
            double a = rng.NextDouble() + 0.2, va = rng.NextDouble() - 0.5, ha = 0;
            NestedCases.SameSpanTwiceHessianVector(x, a, new double[4], vx, va, hx, ref ha);
            (double[] Dx, double Da) G(double h)
            {
                double[] dx = new double[4];
                double da = 0;
                NestedCases.SameSpanTwiceGradient(x.Zip(vx, (v, d) => v + (h * d)).ToArray(), a + (h * va), new double[4], dx, ref da);
                return (dx, da);
            }

            var (up, upA) = G(H);
            var (down, downA) = G(-H);
            for (int i = 0; i < 4; i++)
            {
                AssertClose((up[i] - down[i]) / (2 * H), hx[i]);
            }

            AssertClose((upA - downA) / (2 * H), ha);
            Assert.NotEqual(0, ha);
        }

        public static TheoryData<int> SeedData() => new(Seeds);
    }
}
