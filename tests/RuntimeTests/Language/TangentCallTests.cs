using System;
using System.Linq;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;
using C = SymGrad.RuntimeTests.Language.TangentCallCases;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Nested calls of FTangent of methods writing outputs (<see cref="TangentCallCases"/>): the callers' gradient against
    /// central differences, their tangent against the gradient, their H·v against central differences of the gradient, the
    /// Hessian's columns against H·v — and FTangent's own derivatives against central differences of FTangent.
    /// </summary>
    public class TangentCallTests
    {
        public static TheoryData<int> SeedData => new() { 1, 2, 3 };

        private const int X = 3, H = 2;

        // Contractive's inputs as one vector: x (3), w (2 × 3), v (3); still is W's direction (zeros), λ a constant.
        private static double Contractive(double[] z) => C.Contractive(z[..X], z[X..9], z[9..], new double[6], 0.7, new double[H], new double[H]);

        private static double[] ContractiveGradient(double[] z)
        {
            // still and λ have gradients too (not asked for here).
            double[] g = new double[z.Length];
            double dLambda = 0;
            C.ContractiveGradient(z[..X], z[X..9], z[9..], new double[6], 0.7, new double[H], new double[H], g.AsSpan(0, X), g.AsSpan(X, 6), g.AsSpan(9), default, ref dLambda);
            return g;
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AContractivePenaltyReadingAJacobianVectorProduct_HasEveryMode(int seed)
        {
            var rng = new Random(seed);
            double[] z = Random(rng, 12);
            AllModes(rng, z, Contractive, ContractiveGradient,
                (v, d) => C.ContractiveTangent(v[..X], v[X..9], v[9..], new double[6], 0.7, new double[H], new double[H], d[..X], d[X..9], d[9..], default, 0, default, default),
                (v, d) => HessianVector(v, d));

            // MHessian's columns are H·eⱼ; MJacobian's first row is the gradient (then h's and th's rows). Their columns: x, w, v,
            // then still (6) and λ.
            const int all = 19;
            double[] hessian = new double[all * all], jacobian = new double[(1 + (2 * H)) * all];
            C.ContractiveHessian(z[..X], z[X..9], z[9..], new double[6], 0.7, new double[H], new double[H], hessian);
            for (int j = 0; j < z.Length; j += 5)
            {
                double[] e = new double[z.Length];
                e[j] = 1;
                Assert.Equal(HessianVector(z, e), hessian.Skip(j * all).Take(z.Length), (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));
            }

            C.ContractiveJacobian(z[..X], z[X..9], z[9..], new double[6], 0.7, new double[H], new double[H], jacobian);
            Assert.Equal(ContractiveGradient(z), jacobian.Take(z.Length), (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));
        }

        private static double[] HessianVector(double[] v, double[] d)
        {
            double[] hv = new double[v.Length], hvStill = new double[6];
            double hvLambda = 0;
            C.ContractiveHessianVector(v[..X], v[X..9], v[9..], new double[6], 0.7, new double[H], new double[H], d[..X], d[X..9], d[9..], new double[6], 0,
                hv.AsSpan(0, X), hv.AsSpan(X, 6), hv.AsSpan(9), hvStill, ref hvLambda);
            return hv;
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ADirectionLeftOut_IsZeros(int seed)
        {
            // ContractiveInX passes default for W's direction: as Contractive with still = 0 and h's weight in the sum.
            var rng = new Random(seed);
            double[] z = Random(rng, 12);
            double F(double[] s) => C.ContractiveInX(s[..X], s[X..9], s[9..], new double[H], new double[H]);
            double[] Gradient(double[] s)
            {
                double[] g = new double[s.Length];
                C.ContractiveInXGradient(s[..X], s[X..9], s[9..], new double[H], new double[H], g.AsSpan(0, X), g.AsSpan(X, 6), g.AsSpan(9));
                return g;
            }

            double[] h = new double[H], th = new double[H];
            C.HiddenTangent(z[..X], z[X..9], h, z[9..], new double[6], th);
            Assert.Equal(Enumerable.Range(0, H).Sum(i => th[i] * th[i] * h[i]), F(z), 12);
            AllModes(rng, z, F, Gradient,
                (v, d) => C.ContractiveInXTangent(v[..X], v[X..9], v[9..], new double[H], new double[H], d[..X], d[X..9], d[9..], default, default),
                (v, d) =>
                {
                    double[] hv = new double[v.Length];
                    C.ContractiveInXHessianVector(v[..X], v[X..9], v[9..], new double[H], new double[H], d[..X], d[X..9], d[9..], hv.AsSpan(0, X), hv.AsSpan(X, 6), hv.AsSpan(9));
                    return hv;
                });
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void FTangentsOwnDerivatives_AreThoseOfFTangent(int seed)
        {
            // HiddenTangent(x, w, h, tx, tw, th) as a function of (x, w, tx, tw): its pullback and its tangent.
            var rng = new Random(seed);
            double[] z = Random(rng, 18), dh = Random(rng, H), dth = Random(rng, H), dir = Random(rng, 18);
            double Loss(double[] s)
            {
                double[] h = new double[H], th = new double[H];
                C.HiddenTangent(s[..X], s[X..9], h, s[9..12], s[12..], th);
                return Dot(dh, h) + Dot(dth, th);
            }

            double[] g = new double[18], hValues = new double[H], thValues = new double[H];
            C.HiddenTangent(z[..X], z[X..9], hValues, z[9..12], z[12..], thValues);
            C.HiddenTangentBackward(z[..X], z[X..9], hValues, z[9..12], z[12..], thValues, dh, dth, g.AsSpan(0, X), g.AsSpan(X, 6), g.AsSpan(9, 3), g.AsSpan(12));
            for (int i = 0; i < z.Length; i++)
            {
                double[] e = new double[z.Length];
                e[i] = 1e-6;
                AssertClose((Loss(z.Zip(e, (a, b) => a + b).ToArray()) - Loss(z.Zip(e, (a, b) => a - b).ToArray())) / 2e-6, g[i]);
            }

            double[] uh = new double[H], uth = new double[H], h2 = new double[H], th2 = new double[H];
            C.HiddenTangentTangent(z[..X], z[X..9], h2, z[9..12], z[12..], th2, dir[..X], dir[X..9], dir[9..12], dir[12..], uh, uth);
            Assert.Equal(hValues, h2);
            Assert.Equal(thValues, th2);
            AssertClose(Dot(g, dir), Dot(dh, uh) + Dot(dth, uth));
        }

        private static double Rates(double[] z) => C.Rates(z[..4], z[4..8], z[8], new double[4], new double[4]);

        private static double[] RatesGradient(double[] z)
        {
            double[] g = new double[z.Length];
            C.RatesGradient(z[..4], z[4..8], z[8], new double[4], new double[4], g.AsSpan(0, 4), g.AsSpan(4, 4), ref g[8]);
            return g;
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AnEnergysRateInAnExpression_HasEveryMode(int seed)
        {
            // FTangent of a method with a result and an output: its value (the rate) read in an expression, its output too.
            var rng = new Random(seed);
            double[] z = Random(rng, 9);
            AllModes(rng, z, Rates, RatesGradient,
                (v, d) => C.RatesTangent(v[..4], v[4..8], v[8], new double[4], new double[4], d[..4], d[4..8], d[8], default, default),
                (v, d) =>
                {
                    double[] hv = new double[v.Length];
                    C.RatesHessianVector(v[..4], v[4..8], v[8], new double[4], new double[4], d[..4], d[4..8], d[8], hv.AsSpan(0, 4), hv.AsSpan(4, 4), ref hv[8]);
                    return hv;
                });
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AnFWhoseForwardModeCallsAScalarFunctionsTangent_HasEveryMode(int seed)
        {
            // BumpsTangent calls BumpTangent: its derivatives go through BumpTangentBackward, BumpTangentTangent and BumpTangentTangentBackward.
            var rng = new Random(seed);
            double[] z = Random(rng, 7);
            double F(double[] s) => C.BumpRates(s[..3], s[3], s[4..], new double[3], new double[3]);
            double[] Gradient(double[] s)
            {
                double[] g = new double[s.Length];
                C.BumpRatesGradient(s[..3], s[3], s[4..], new double[3], new double[3], g.AsSpan(0, 3), ref g[3], g.AsSpan(4));
                return g;
            }

            AllModes(rng, z, F, Gradient,
                (v, d) => C.BumpRatesTangent(v[..3], v[3], v[4..], new double[3], new double[3], d[..3], d[3], d[4..], default, default),
                (v, d) =>
                {
                    double[] hv = new double[v.Length];
                    C.BumpRatesHessianVector(v[..3], v[3], v[4..], new double[3], new double[3], d[..3], d[3], d[4..], hv.AsSpan(0, 3), ref hv[3], hv.AsSpan(4));
                    return hv;
                });
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AnFCheckpointingItsLoop_HasEveryMode(int seed)
        {
            // Settled checkpoints its loop of steps: SettledTangent read as a method keeps the setting, so its FTangentBackward
            // checkpoints the forward mode's loop (snapshots of y and ẏ) instead of taping every step.
            var rng = new Random(seed);
            double[] z = Random(rng, 7);
            double F(double[] s) => C.SettledRates(s[..3], s[3], s[4..], new double[3], new double[3]);
            double[] Gradient(double[] s)
            {
                double[] g = new double[s.Length];
                C.SettledRatesGradient(s[..3], s[3], s[4..], new double[3], new double[3], g.AsSpan(0, 3), ref g[3], g.AsSpan(4));
                return g;
            }

            AllModes(rng, z, F, Gradient,
                (v, d) => C.SettledRatesTangent(v[..3], v[3], v[4..], new double[3], new double[3], d[..3], d[3], d[4..], default, default),
                (v, d) =>
                {
                    double[] hv = new double[v.Length];
                    C.SettledRatesHessianVector(v[..3], v[3], v[4..], new double[3], new double[3], d[..3], d[3], d[4..], hv.AsSpan(0, 3), ref hv[3], hv.AsSpan(4));
                    return hv;
                });
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AnFKeepingALocalBuffer_HasEveryMode(int seed)
        {
            // ScratchedTangent's own methods (over FTangentWithBuffers) lend the buffer h and its tangent from the workspace.
            var rng = new Random(seed);
            double[] z = Random(rng, 7);
            double F(double[] s) => C.ScratchedRates(s[..3], s[3], s[4..], new double[3], new double[3]);
            double[] Gradient(double[] s)
            {
                double[] g = new double[s.Length];
                C.ScratchedRatesGradient(s[..3], s[3], s[4..], new double[3], new double[3], g.AsSpan(0, 3), ref g[3], g.AsSpan(4));
                return g;
            }

            AllModes(rng, z, F, Gradient,
                (v, d) => C.ScratchedRatesTangent(v[..3], v[3], v[4..], new double[3], new double[3], d[..3], d[3], d[4..], default, default),
                (v, d) =>
                {
                    double[] hv = new double[v.Length];
                    C.ScratchedRatesHessianVector(v[..3], v[3], v[4..], new double[3], new double[3], d[..3], d[3], d[4..], hv.AsSpan(0, 3), ref hv[3], hv.AsSpan(4));
                    return hv;
                });
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ANetworkOfLayersWritingOutputs_HasEveryMode(int seed)
        {
            // NetTangent calls HiddenTangent twice: NetTangentBackward calls HiddenTangentBackward, and so on.
            var rng = new Random(seed);
            double[] z = Random(rng, 3 + 6 + 6 + 3);
            double F(double[] s) => C.NetPenalty(s[..3], s[3..9], s[9..15], s[15..], new double[2], new double[3], new double[2], new double[3]);
            double[] Gradient(double[] s)
            {
                double[] g = new double[s.Length];
                C.NetPenaltyGradient(s[..3], s[3..9], s[9..15], s[15..], new double[2], new double[3], new double[2], new double[3], g.AsSpan(0, 3), g.AsSpan(3, 6), g.AsSpan(9, 6), g.AsSpan(15));
                return g;
            }

            AllModes(rng, z, F, Gradient,
                (v, d) => C.NetPenaltyTangent(v[..3], v[3..9], v[9..15], v[15..], new double[2], new double[3], new double[2], new double[3], d[..3], d[3..9], d[9..15], d[15..], default, default, default, default),
                (v, d) =>
                {
                    double[] hv = new double[v.Length];
                    C.NetPenaltyHessianVector(v[..3], v[3..9], v[9..15], v[15..], new double[2], new double[3], new double[2], new double[3], d[..3], d[3..9], d[9..15], d[15..],
                        hv.AsSpan(0, 3), hv.AsSpan(3, 6), hv.AsSpan(9, 6), hv.AsSpan(15));
                    return hv;
                });
        }

        private const int N = 3, Steps = 5;

        private static double Stretch(double[] z) => C.Stretch(z[..N], z[N..(2 * N)], z[2 * N], Steps, new double[N], new double[N], new double[N], new double[N]);

        private static double[] StretchGradient(double[] z)
        {
            double[] g = new double[z.Length];
            C.StretchGradient(z[..N], z[N..(2 * N)], z[2 * N], Steps, new double[N], new double[N], new double[N], new double[N], g.AsSpan(0, N), g.AsSpan(N, N), ref g[2 * N]);
            return g;
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ATangentCarriedAlongATrajectory_HasEveryMode(int seed)
        {
            // StepTangent in a loop overwriting its outputs at each pass: the caller's backward tapes what each pass overwrites.
            var rng = new Random(seed);
            double[] z = Random(rng, (2 * N) + 1);
            z[2 * N] = 0.3 * z[2 * N];
            AllModes(rng, z, Stretch, StretchGradient,
                (v, d) => C.StretchTangent(v[..N], v[N..(2 * N)], v[2 * N], Steps, new double[N], new double[N], new double[N], new double[N], d[..N], d[N..(2 * N)], d[2 * N], default, default, default, default),
                (v, d) =>
                {
                    double[] hv = new double[v.Length];
                    C.StretchHessianVector(v[..N], v[N..(2 * N)], v[2 * N], Steps, new double[N], new double[N], new double[N], new double[N], d[..N], d[N..(2 * N)], d[2 * N],
                        hv.AsSpan(0, N), hv.AsSpan(N, N), ref hv[2 * N]);
                    return hv;
                });
        }

        private static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();
    }
}
