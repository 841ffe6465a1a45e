using System;
using System.Linq;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;
using C = SymGrad.RuntimeTests.Language.BackwardCallCases;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Nested calls of FBackward of a method writing outputs (<see cref="BackwardCallCases"/>): the callers' gradients against
    /// central differences, their tangents against the gradients, MJacobian's rows against MBackward — and the methods the
    /// call is read as (<c>LayerBackwardOfX</c>, …) against central differences of themselves.
    /// </summary>
    public class BackwardCallTests
    {
        public static TheoryData<int> SeedData => new() { 1, 2, 3 };

        private const int X = 3, H = 2, W = X * H, N = X + W + 1 + H;

        // The inputs as one vector: x (3), w (2 × 3), b, u (2).
        private static double Penalty(double[] z) => C.Penalty(z[..X], z[X..(X + W)], z[X + W], z[(X + W + 1)..], new double[H], new double[X]);

        private static double[] PenaltyGradient(double[] z)
        {
            double[] g = new double[N];
            C.PenaltyGradient(z[..X], z[X..(X + W)], z[X + W], z[(X + W + 1)..], new double[H], new double[X], g.AsSpan(0, X), g.AsSpan(X, W), ref g[X + W], g.AsSpan(X + W + 1));
            return g;
        }

        private static double[] PenaltyHessianVector(double[] z, double[] v)
        {
            double[] hv = new double[N];
            C.PenaltyHessianVector(z[..X], z[X..(X + W)], z[X + W], z[(X + W + 1)..], new double[H], new double[X], v[..X], v[X..(X + W)], v[X + W], v[(X + W + 1)..],
                hv.AsSpan(0, X), hv.AsSpan(X, W), ref hv[X + W], hv.AsSpan(X + W + 1));
            return hv;
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AGradientPenaltyReadingAVectorJacobianProduct_HasEveryMode(int seed)
        {
            // Its gradient against central differences, its tangent against the gradient, its H·v (through LayerBackwardOfXBackwardTangent:
            // Layer's third derivative) against central differences of the gradient.
            var rng = new Random(seed);
            double[] z = Random(rng, N);
            AllModes(rng, z, Penalty, PenaltyGradient,
                (s, d) => C.PenaltyTangent(s[..X], s[X..(X + W)], s[X + W], s[(X + W + 1)..], new double[H], new double[X], d[..X], d[X..(X + W)], d[X + W], d[(X + W + 1)..], default, default),
                PenaltyHessianVector);

            // MJacobian's first row is the gradient (then h's and gx's rows); MHessian's rows are H·eⱼ.
            double[] jacobian = new double[(1 + H + X) * N], hessian = new double[N * N];
            C.PenaltyJacobian(z[..X], z[X..(X + W)], z[X + W], z[(X + W + 1)..], new double[H], new double[X], jacobian);
            Assert.Equal(PenaltyGradient(z), jacobian.Take(N), (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));
            C.PenaltyHessian(z[..X], z[X..(X + W)], z[X + W], z[(X + W + 1)..], new double[H], new double[X], hessian);
            for (int j = 0; j < N; j += 4)
            {
                double[] e = new double[N];
                e[j] = 1;
                Assert.Equal(PenaltyHessianVector(z, e), hessian.Skip(j * N).Take(N), (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));
            }
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AMethodWritingAVectorJacobianProduct_HasItsBackwardAndTangent(int seed)
        {
            // Pullback writes h = Layer(x, w, b), gx = Jₓᵀ·u and gw = J_wᵀ·u: ⟨c, outputs⟩ differentiated in x, w, b, u.
            var rng = new Random(seed);
            double[] z = Random(rng, N), ch = Random(rng, H), cgx = Random(rng, X), cgw = Random(rng, W);
            double Loss(double[] s)
            {
                double[] h = new double[H], gx = new double[X], gw = new double[W];
                C.Pullback(s[..X], s[X..(X + W)], s[X + W], s[(X + W + 1)..], h, gx, gw);
                return Dot(ch, h) + Dot(cgx, gx) + Dot(cgw, gw);
            }

            double[] hz = new double[H], gxz = new double[X], gwz = new double[W], g = new double[N];
            C.Pullback(z[..X], z[X..(X + W)], z[X + W], z[(X + W + 1)..], hz, gxz, gwz);
            C.PullbackBackward(z[..X], z[X..(X + W)], z[X + W], z[(X + W + 1)..], hz, gxz, gwz, ch, cgx, cgw, g.AsSpan(0, X), g.AsSpan(X, W), ref g[X + W], g.AsSpan(X + W + 1));
            for (int i = 0; i < N; i++)
            {
                AssertClose(Difference(Loss, z, i), g[i]);
            }

            double[] v = Random(rng, N), th = new double[H], tgx = new double[X], tgw = new double[W];
            C.PullbackTangent(z[..X], z[X..(X + W)], z[X + W], z[(X + W + 1)..], new double[H], new double[X], new double[W], v[..X], v[X..(X + W)], v[X + W], v[(X + W + 1)..], th, tgx, tgw);
            double along = g.Select((d, i) => d * v[i]).Sum(), dual = Dot(ch, th) + Dot(cgx, tgx) + Dot(cgw, tgw);
            Assert.Equal(along, dual, 1e-10 * (1 + Math.Abs(along)));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void TheMethodsANestedBackwardIsReadAs_AgreeWithCentralDifferences(int seed)
        {
            // LayerBackwardOfX(x, w, b, n, u, g): g += Jₓᵀ·u. Its pullback along c against central differences of ⟨c, g⟩ in
            // (x, w, b, u); its tangent against the pullback (duality); LayerBackwardOfB's likewise.
            var rng = new Random(seed);
            double[] z = Random(rng, N), c = Random(rng, X), v = Random(rng, N);
            double[] Of(double[] s)
            {
                double[] g = new double[X];
                C.LayerBackwardOfX(s[..X], s[X..(X + W)], s[X + W], H, s[(X + W + 1)..], g);
                return g;
            }

            double[] pullback = new double[N];
            C.LayerBackwardOfXBackward(z[..X], z[X..(X + W)], z[X + W], H, z[(X + W + 1)..], default, c, pullback.AsSpan(0, X), pullback.AsSpan(X, W), ref pullback[X + W], pullback.AsSpan(X + W + 1));
            for (int i = 0; i < N; i++)
            {
                AssertClose(Difference(s => Dot(c, Of(s)), z, i), pullback[i]);
            }

            double[] tg = new double[X], gz = new double[X];
            C.LayerBackwardOfXTangent(z[..X], z[X..(X + W)], z[X + W], H, z[(X + W + 1)..], gz, v[..X], v[X..(X + W)], v[X + W], v[(X + W + 1)..], tg);
            Assert.Equal(Of(z), gz, (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));
            double along = pullback.Select((d, i) => d * v[i]).Sum();
            Assert.Equal(along, Dot(c, tg), 1e-10 * (1 + Math.Abs(along)));

            double OfB(double[] s) => C.LayerBackwardOfB(s[..X], s[X..(X + W)], s[X + W], H, s[(X + W + 1)..]);
            double[] pb = new double[N];
            C.LayerBackwardOfBBackward(z[..X], z[X..(X + W)], z[X + W], H, z[(X + W + 1)..], 0.8, pb.AsSpan(0, X), pb.AsSpan(X, W), ref pb[X + W], pb.AsSpan(X + W + 1));
            for (int i = 0; i < N; i++)
            {
                AssertClose(0.8 * Difference(OfB, z, i), pb[i]);
            }

            double tb = C.LayerBackwardOfBTangent(z[..X], z[X..(X + W)], z[X + W], H, z[(X + W + 1)..], v[..X], v[X..(X + W)], v[X + W], v[(X + W + 1)..]);
            Assert.Equal(pb.Select((d, i) => d * v[i]).Sum() / 0.8, tb, 1e-10 * (1 + Math.Abs(tb)));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AFloatMethodKeepingABufferCalledSo_HasItsGradientAndTangent(int seed)
        {
            // ScaledPenalty(x, s): ScaledBackward at the cotangent h = Scaled(x, s) itself, in float, Scaled keeping a stackalloc buffer.
            var rng = new Random(seed);
            float[] x = Random(rng, 4).Select(v => (float)v).ToArray();
            float s = 0.7f;
            double F(double[] z) => C.ScaledPenalty(z[..4].Select(v => (float)v).ToArray(), (float)z[4], new float[4], new float[4]);
            float[] dx = new float[4], tgx = new float[4];
            float ds = 0;
            C.ScaledPenaltyGradient(x, s, new float[4], new float[4], dx, ref ds);
            double[] z0 = x.Select(v => (double)v).Append(s).ToArray();
            double[] g = dx.Select(v => (double)v).Append(ds).ToArray();
            for (int i = 0; i < 5; i++)
            {
                // Central differences in float (h = 1e-2 on values of order 1): a few parts in 10⁴.
                const double h = 1e-2;
                double[] up = (double[])z0.Clone(), down = (double[])z0.Clone();
                up[i] += h;
                down[i] -= h;
                double fd = (F(up) - F(down)) / (2 * h);
                Assert.True(Math.Abs(fd - g[i]) <= 2e-3 * (1 + Math.Abs(fd)), $"d[{i}]: central differences {fd}, gradient {g[i]}");
            }

            float[] v = Random(rng, 4).Select(a => (float)a).ToArray();
            float tangent = C.ScaledPenaltyTangent(x, s, new float[4], new float[4], v, 0.5f, default, tgx);
            double along = g.Take(4).Select((d, i) => d * v[i]).Sum() + (0.5 * g[4]);
            Assert.Equal(along, tangent, 1e-4 * (1 + Math.Abs(along)));
        }

        // DenseTanhPenalty's inputs as one vector: x (3), w (3 × 2), b (2), u (2).
        private const int NB = X + W + H + H;

        private static double DenseTanhPenalty(double[] z) => C.DenseTanhPenalty(z[..X], z[X..(X + W)], z[(X + W)..(X + W + H)], z[(X + W + H)..], new double[H], new double[X], new double[H]);

        private static double[] DenseTanhPenaltyGradient(double[] z)
        {
            double[] g = new double[NB];
            C.DenseTanhPenaltyGradient(z[..X], z[X..(X + W)], z[(X + W)..(X + W + H)], z[(X + W + H)..], new double[H], new double[X], new double[H],
                g.AsSpan(0, X), g.AsSpan(X, W), g.AsSpan(X + W, H), g.AsSpan(X + W + H));
            return g;
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AGradientPenaltyOverALayerOfNnPrimitives_HasEveryMode(int seed)
        {
            // DenseTanh calls Nn.Dense and Nn.Tanh: its nested DenseTanhBackward goes through DenseTanhTangent and
            // DenseTanhBackwardTangent, the caller's H·v through DenseTanhTangentBackwardTangent — the primitives' tangents'
            // registered derivatives (Nn.DenseTangentBackwardTangent, Nn.TanhTangentBackwardTangent: their third order).
            var rng = new Random(seed);
            double[] z = Random(rng, NB), g = DenseTanhPenaltyGradient(z);
            for (int i = 0; i < NB; i++)
            {
                AssertClose(Difference(DenseTanhPenalty, z, i), g[i]);
            }

            double[] v = Random(rng, NB);
            double tangent = C.DenseTanhPenaltyTangent(z[..X], z[X..(X + W)], z[(X + W)..(X + W + H)], z[(X + W + H)..], new double[H], new double[X], new double[H],
                v[..X], v[X..(X + W)], v[(X + W)..(X + W + H)], v[(X + W + H)..], default, default, default);
            double along = Dot(g, v);
            Assert.Equal(along, tangent, 1e-10 * (1 + Math.Abs(along)));

            double[] jacobian = new double[(1 + H + X + H) * NB];
            C.DenseTanhPenaltyJacobian(z[..X], z[X..(X + W)], z[(X + W)..(X + W + H)], z[(X + W + H)..], new double[H], new double[X], new double[H], jacobian);
            Assert.Equal(g, jacobian.Take(NB), (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));

            // H·v against central differences of the gradient along v.
            double[] hv = new double[NB];
            C.DenseTanhPenaltyHessianVector(z[..X], z[X..(X + W)], z[(X + W)..(X + W + H)], z[(X + W + H)..], new double[H], new double[X], new double[H],
                v[..X], v[X..(X + W)], v[(X + W)..(X + W + H)], v[(X + W + H)..], hv.AsSpan(0, X), hv.AsSpan(X, W), hv.AsSpan(X + W, H), hv.AsSpan(X + W + H));
            double[] up = DenseTanhPenaltyGradient(z.Zip(v, (a, d) => a + (1e-5 * d)).ToArray()), down = DenseTanhPenaltyGradient(z.Zip(v, (a, d) => a - (1e-5 * d)).ToArray());
            for (int i = 0; i < NB; i++)
            {
                AssertClose((up[i] - down[i]) / 2e-5, hv[i]);
            }

            // DenseTanhBackwardOfB itself: its pullback along c against central differences of ⟨c, J_bᵀ·u⟩.
            double[] c = Random(rng, H);
            double[] OfB(double[] s)
            {
                double[] gb = new double[H];
                C.DenseTanhBackwardOfB(s[..X], s[X..(X + W)], s[(X + W)..(X + W + H)], H, s[(X + W + H)..], gb);
                return gb;
            }

            double[] pullback = new double[NB];
            C.DenseTanhBackwardOfBBackward(z[..X], z[X..(X + W)], z[(X + W)..(X + W + H)], H, z[(X + W + H)..], default, c,
                pullback.AsSpan(0, X), pullback.AsSpan(X, W), pullback.AsSpan(X + W, H), pullback.AsSpan(X + W + H));
            for (int i = 0; i < NB; i++)
            {
                AssertClose(Difference(s => Dot(c, OfB(s)), z, i), pullback[i]);
            }
        }

        // BothPenalty's inputs as one vector: x (3), w (2 × 3), b, u (2), v (2).
        private const int NT = X + W + 1 + H + H;

        private static double BothPenalty(double[] z) => C.BothPenalty(z[..X], z[X..(X + W)], z[X + W], z[(X + W + 1)..(X + W + 1 + H)], z[(X + W + 1 + H)..], new double[H], new double[H], new double[X]);

        private static double[] BothPenaltyGradient(double[] z)
        {
            double[] g = new double[NT];
            C.BothPenaltyGradient(z[..X], z[X..(X + W)], z[X + W], z[(X + W + 1)..(X + W + 1 + H)], z[(X + W + 1 + H)..], new double[H], new double[H], new double[X],
                g.AsSpan(0, X), g.AsSpan(X, W), ref g[X + W], g.AsSpan(X + W + 1, H), g.AsSpan(X + W + 1 + H));
            return g;
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AVectorJacobianProductOfAMethodWritingTwoOutputs_HasEveryMode(int seed)
        {
            // Both writes h, then r from h: its nested BothBackward at the cotangents (u, v) recomputes both outputs into scratch.
            // Every mode against central differences (H·v through Both's third derivative).
            var rng = new Random(seed);
            double[] z = Random(rng, NT);
            AllModes(rng, z, BothPenalty, BothPenaltyGradient,
                (s, d) => C.BothPenaltyTangent(s[..X], s[X..(X + W)], s[X + W], s[(X + W + 1)..(X + W + 1 + H)], s[(X + W + 1 + H)..], new double[H], new double[H], new double[X],
                    d[..X], d[X..(X + W)], d[X + W], d[(X + W + 1)..(X + W + 1 + H)], d[(X + W + 1 + H)..], default, default, default),
                (s, d) =>
                {
                    double[] hv = new double[NT];
                    C.BothPenaltyHessianVector(s[..X], s[X..(X + W)], s[X + W], s[(X + W + 1)..(X + W + 1 + H)], s[(X + W + 1 + H)..], new double[H], new double[H], new double[X],
                        d[..X], d[X..(X + W)], d[X + W], d[(X + W + 1)..(X + W + 1 + H)], d[(X + W + 1 + H)..],
                        hv.AsSpan(0, X), hv.AsSpan(X, W), ref hv[X + W], hv.AsSpan(X + W + 1, H), hv.AsSpan(X + W + 1 + H));
                    return hv;
                });
        }

        // EnergyPenalty's inputs as one vector: x (3), w (2 × 3), b, s, u (2).
        private const int NE = X + W + 2 + H;

        private static double EnergyPenalty(double[] z) => C.EnergyPenalty(z[..X], z[X..(X + W)], z[X + W], z[X + W + 1], z[(X + W + 2)..], new double[H], new double[X]);

        private static double[] EnergyPenaltyGradient(double[] z)
        {
            double[] g = new double[NE];
            C.EnergyPenaltyGradient(z[..X], z[X..(X + W)], z[X + W], z[X + W + 1], z[(X + W + 2)..], new double[H], new double[X],
                g.AsSpan(0, X), g.AsSpan(X, W), ref g[X + W], ref g[X + W + 1], g.AsSpan(X + W + 2));
            return g;
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AVectorJacobianProductOfAMethodReturningAValue_HasEveryMode(int seed)
        {
            // Energy returns ½‖h‖² + b·Σx and writes h: EnergyBackward's seed s is an input too (its gradient ⟨∇E, c⟩ by EnergyTangent;
            // in H·v, its tangent by EnergyTangentTangent, and s the cotangent of EnergyTangent's value in EnergyTangentBackwardTangent).
            var rng = new Random(seed);
            double[] z = Random(rng, NE), g = EnergyPenaltyGradient(z);
            AllModes(rng, z, EnergyPenalty, EnergyPenaltyGradient,
                (s, d) => C.EnergyPenaltyTangent(s[..X], s[X..(X + W)], s[X + W], s[X + W + 1], s[(X + W + 2)..], new double[H], new double[X],
                    d[..X], d[X..(X + W)], d[X + W], d[X + W + 1], d[(X + W + 2)..], default, default),
                (s, d) =>
                {
                    double[] hv = new double[NE];
                    C.EnergyPenaltyHessianVector(s[..X], s[X..(X + W)], s[X + W], s[X + W + 1], s[(X + W + 2)..], new double[H], new double[X],
                        d[..X], d[X..(X + W)], d[X + W], d[X + W + 1], d[(X + W + 2)..], hv.AsSpan(0, X), hv.AsSpan(X, W), ref hv[X + W], ref hv[X + W + 1], hv.AsSpan(X + W + 2));
                    return hv;
                });

            double[] jacobian = new double[(1 + H + X) * NE];
            C.EnergyPenaltyJacobian(z[..X], z[X..(X + W)], z[X + W], z[X + W + 1], z[(X + W + 2)..], new double[H], new double[X], jacobian);
            Assert.Equal(g, jacobian.Take(NE), (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));
        }

        private static double Dot(double[] a, double[] b) => a.Select((x, i) => x * b[i]).Sum();

        private static double Difference(Func<double[], double> f, double[] z, int i)
        {
            const double h = 1e-5;
            double[] up = (double[])z.Clone(), down = (double[])z.Clone();
            up[i] += h;
            down[i] -= h;
            return (f(up) - f(down)) / (2 * h);
        }
    }
}
