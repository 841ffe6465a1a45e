using System;
using System.Linq;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Span gradients of nested calls (<see cref="SpanGradientCases"/>): the methods adding them are differentiated by
    /// MBackward (one Hessian-vector product per call), MTangent and MJacobian — against central differences, the duality
    /// ⟨ȳ, J·ẋ⟩ = ⟨Jᵀ·ȳ, ẋ⟩ and closed forms.
    /// </summary>
    public class SpanGradientTests
    {
        private const int N = 4;

        public static TheoryData<int> SeedData => new() { 1, 2, 3 };

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AForceIsTheGradientAndIsDifferentiatedAgain(int seed)
        {
            var rng = new Random(seed);
            double[] q = Random(rng, N), dy = Random(rng, N), f = new double[N], dq = new double[N], expected = new double[N];
            double k = 0.5 + rng.NextDouble(), dk = 0, unused = 0;
            SpanGradientCases.Force(q, k, f);
            SpanGradientCases.PotentialGradient(q, k, expected, ref unused);
            Assert.Equal(expected, f);

            SpanGradientCases.ForceBackward(q, k, f, dy, dq, ref dk);
            double[] kk = { k };
            Verify(() => Dot(dy, Outputs(o => SpanGradientCases.Force(q, kk[0], o))), Param("q", q, dq), Scalar("k", kk, dk));

            // Forward mode: ⟨ȳ, J·ẋ⟩ = ⟨Jᵀ·ȳ, ẋ⟩, and the tangent of f against central differences along ẋ.
            double[] tq = Random(rng, N), tf = new double[N], g = new double[N];
            double tk = rng.NextDouble() - 0.5;
            SpanGradientCases.ForceTangent(q, k, g, tq, tk, tf);
            Assert.Equal(f, g);
            AssertClose(Dot(dq, tq) + (dk * tk), Dot(dy, tf));
            double[] along = Central(h => Outputs(o => SpanGradientCases.Force(Shifted(q, tq, h), k + (h * tk), o)));
            for (int i = 0; i < N; i++)
            {
                AssertClose(along[i], tf[i]);
            }
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ALeapfrogIntegratorIsDifferentiatedThroughItsKicks(int seed)
        {
            var rng = new Random(seed);
            double[] q = Random(rng, N), p = Random(rng, N), dqn = Random(rng, N), dpn = Random(rng, N);
            double[] hk = { 0.5 + rng.NextDouble(), 0.1 };
            const int steps = 6;
            double[] qn = new double[N], pn = new double[N], dq = new double[N], dp = new double[N];
            double dk = 0, dh = 0;
            SpanGradientCases.Leapfrog(q, p, hk[0], hk[1], steps, qn, pn);
            SpanGradientCases.LeapfrogBackward(q, p, hk[0], hk[1], steps, qn, pn, dqn, dpn, dq, dp, ref dk, ref dh);
            double[] khValues = { hk[0] }, hValues = { hk[1] };
            Verify(() =>
            {
                double[] a = new double[N], b = new double[N];
                SpanGradientCases.Leapfrog(q, p, khValues[0], hValues[0], steps, a, b);
                return Dot(dqn, a) + Dot(dpn, b);
            }, Param("q", q, dq), Param("p", p, dp), Scalar("k", khValues, dk), Scalar("h", hValues, dh));

            // Forward over the kicks: duality with the backward, outputs as the forward's.
            double[] tq = Random(rng, N), tp = Random(rng, N), tqn = new double[N], tpn = new double[N], qn2 = new double[N], pn2 = new double[N];
            double tk = 0.3, th = -0.2;
            SpanGradientCases.LeapfrogTangent(q, p, hk[0], hk[1], steps, qn2, pn2, tq, tp, tk, th, tqn, tpn);
            Assert.Equal(qn, qn2);
            Assert.Equal(pn, pn2);
            AssertClose(Dot(dq, tq) + Dot(dp, tp) + (dk * tk) + (dh * th), Dot(dqn, tqn) + Dot(dpn, tpn));

            // The Jacobian's rows are the backward's.
            int columns = (2 * N) + 2;
            double[] jacobian = new double[2 * N * columns];
            SpanGradientCases.LeapfrogJacobian(q, p, hk[0], hk[1], steps, new double[N], new double[N], jacobian);
            double[] row = Enumerable.Range(0, columns).Select(c => Enumerable.Range(0, 2 * N).Sum(r => jacobian[(r * columns) + c] * (r < N ? dqn[r] : dpn[r - N]))).ToArray();
            double[] backward = dq.Concat(dp).Append(dk).Append(dh).ToArray();
            for (int c = 0; c < columns; c++)
            {
                AssertClose(backward[c], row[c]);
            }
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AForceReadBackIsDifferentiatedAgain(int seed)
        {
            var rng = new Random(seed);
            double[] q = Random(rng, N), f = new double[N], dq = new double[N];
            double[] k = { 0.5 + rng.NextDouble() };
            double dk = 0;
            double value = SpanGradientCases.ForceNormGradient(q, k[0], f, dq, ref dk);
            Assert.Equal(SpanGradientCases.ForceNorm(q, k[0], new double[N]), value, 12);
            Verify(() => SpanGradientCases.ForceNorm(q, k[0], new double[N]), Param("q", q, dq), Scalar("k", k, dk));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AnOutputRefilledAndAddedToInEachPassOfALoop(int seed)
        {
            var rng = new Random(seed);
            double[] q = Random(rng, N), dq = new double[N];
            double[] k = { 0.5 + rng.NextDouble() };
            double dk = 0;
            double value = SpanGradientCases.RefilledEachPassGradient(q, k[0], new double[N + 2], 3, dq, ref dk);
            Assert.Equal(SpanGradientCases.RefilledEachPass(q, k[0], new double[N + 2], 3), value, 12);
            Verify(() => SpanGradientCases.RefilledEachPass(q, k[0], new double[N + 2], 3), Param("q", q, dq), Scalar("k", k, dk));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void TwoSpansGradientsIntoSlicesOfOneOutput(int seed)
        {
            var rng = new Random(seed);
            double[] a = Random(rng, N), b = Random(rng, N), dy = Random(rng, 2 * N), y = new double[2 * N], da = new double[N], db = new double[N];
            SpanGradientCases.PairGradients(a, b, y);
            double dot = Dot(a, b);
            for (int i = 0; i < N; i++)
            {
                AssertClose(a[i] + (2 * dot * b[i]) + (3 * a[i] * a[i]), y[i]);
                AssertClose(2 * dot * a[i], y[N + i]);
            }

            SpanGradientCases.PairGradientsBackward(a, b, y, dy, da, db);
            Verify(() => Dot(dy, Outputs(o => SpanGradientCases.PairGradients(a, b, o), 2 * N)), Param("a", a, da), Param("b", b, db));
        }

        [Theory]
        [InlineData(0.3, 1.5)]
        [InlineData(-0.8, -0.5)]
        public void AFloatSpansGradientOfADoubleMethod(float q0, double s)
        {
            float[] q = { q0, 0.25f, -0.6f }, f = new float[3], dq = new float[3];
            float[] dy = { 0.5f, -1.0f, 0.75f };
            double k = 1.3, dk = 0, ds = 0;
            SpanGradientCases.MixedForce(q, k, s, f);
            SpanGradientCases.MixedForceBackward(q, k, s, f, dy, dq, ref dk, ref ds);
            // f = s·k·e^{q/2}(1 + q/2); ∂f/∂q = s·k·e^{q/2}(1 + q/4).
            double expectedDk = 0, expectedDs = 0;
            for (int i = 0; i < 3; i++)
            {
                double e = Math.Exp(0.5 * q[i]);
                Assert.Equal(s * k * e * (1 + (q[i] / 2)), f[i], 5);
                Assert.Equal(dy[i] * s * k * e * (1 + (q[i] / 4)), dq[i], 5);
                expectedDk += dy[i] * s * e * (1 + (q[i] / 2));
                expectedDs += dy[i] * k * e * (1 + (q[i] / 2));
            }

            Assert.Equal(expectedDk, dk, 5);
            Assert.Equal(expectedDs, ds, 5);
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AGenericMethodsSpanGradient(int seed)
        {
            var rng = new Random(seed);
            double[] q = Random(rng, N), dy = Random(rng, N), f = new double[N], dq = new double[N];
            double k = 0.5 + rng.NextDouble(), dk = 0;
            SpanGradientCases.QuarticForce(q, k, f);
            SpanGradientCases.QuarticForceBackward(q, k, f, dy, dq, ref dk);
            double expectedDk = 0;
            for (int i = 0; i < N; i++)
            {
                AssertClose(q[i] + (4 * k * q[i] * q[i] * q[i]), f[i]);
                AssertClose(dy[i] * (1 + (12 * k * q[i] * q[i])), dq[i]);
                expectedDk += dy[i] * 4 * q[i] * q[i] * q[i];
            }

            AssertClose(expectedDk, dk);
        }

        /// <summary>
        /// MHessianVector of methods adding span gradients (through FGradientOfXBackwardTangent: F's third order) and of a loss
        /// calling one (through its MBackwardTangent), against central differences of MGradient along the direction.
        /// </summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void HessianVectorProductsThroughSpanGradients(int seed)
        {
            var rng = new Random(seed);
            double[] q = Random(rng, N), p = Random(rng, N), vq = Random(rng, N), vp = Random(rng, N);
            double k = 0.5 + rng.NextDouble(), vk = rng.NextDouble() - 0.5;

            double[] hq = new double[N];
            double hk = 0;
            SpanGradientCases.ForceNormHessianVector(q, k, new double[N], vq, vk, hq, ref hk);
            (double[] Dq, double Dk) ForceNorm(double h)
            {
                double[] dq = new double[N];
                double dk = 0;
                SpanGradientCases.ForceNormGradient(Shifted(q, vq, h), k + (h * vk), new double[N], dq, ref dk);
                return (dq, dk);
            }

            AssertAlong(ForceNorm, hq, hk);

            hq = new double[N];
            double[] hp = new double[N];
            hk = 0;
            SpanGradientCases.FinalEnergyHessianVector(q, p, k, new double[N], new double[N], vq, vp, vk, hq, hp, ref hk);
            (double[] Dq, double Dk) Energy(double h)
            {
                double[] dq = new double[N], dp = new double[N];
                double dk = 0;
                SpanGradientCases.FinalEnergyGradient(Shifted(q, vq, h), Shifted(p, vp, h), k + (h * vk), new double[N], new double[N], dq, dp, ref dk);
                return (dq.Concat(dp).ToArray(), dk);
            }

            AssertAlong(Energy, hq.Concat(hp).ToArray(), hk);
        }

        private static void AssertAlong(Func<double, (double[] Spans, double Scalar)> gradient, double[] spans, double scalar, double h = 1e-5)
        {
            var (up, upScalar) = gradient(h);
            var (down, downScalar) = gradient(-h);
            for (int i = 0; i < spans.Length; i++)
            {
                AssertClose((up[i] - down[i]) / (2 * h), spans[i]);
            }

            AssertClose((upScalar - downScalar) / (2 * h), scalar);
        }

        private static double[] Outputs(Action<double[]> forward, int length = N)
        {
            double[] o = new double[length];
            forward(o);
            return o;
        }

        private static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();

        private static double[] Shifted(double[] x, double[] direction, double h) => x.Zip(direction, (v, d) => v + (h * d)).ToArray();

        private static double[] Central(Func<double, double[]> f, double h = 1e-5)
        {
            double[] plus = f(h), minus = f(-h);
            return plus.Zip(minus, (a, b) => (a - b) / (2 * h)).ToArray();
        }
    }
}
