using System;
using System.Linq;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;
using C = SymGrad.RuntimeTests.Language.NnTangentCallCases;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Nested calls of FTangent of layers built of Nn primitives (<see cref="NnTangentCallCases"/>): the callers' gradient
    /// against central differences, their tangent against the gradient, their H·v against central differences of the
    /// gradient, the Jacobian's row and the Hessian's columns — and FTangent's own derivatives against central differences
    /// of FTangent.
    /// </summary>
    public class NnTangentCallTests
    {
        public static TheoryData<int> SeedData => new() { 1, 2, 3 };

        private const int X = 3, H = 2, W = X * H, All = X + W + H + X;

        // Contractive's inputs as one vector: x (3), w (3 × 2), b (2), v (3).
        private static double Contractive(double[] z) => C.Contractive(z[..X], z[X..9], z[9..11], z[11..], new double[H], new double[H]);

        private static double[] ContractiveGradient(double[] z)
        {
            double[] g = new double[z.Length];
            C.ContractiveGradient(z[..X], z[X..9], z[9..11], z[11..], new double[H], new double[H], g.AsSpan(0, X), g.AsSpan(X, W), g.AsSpan(9, H), g.AsSpan(11));
            return g;
        }

        private static double ContractiveTangent(double[] z, double[] d)
            => C.ContractiveTangent(z[..X], z[X..9], z[9..11], z[11..], new double[H], new double[H], d[..X], d[X..9], d[9..11], d[11..], default, default);

        private static double[] ContractiveHessianVector(double[] z, double[] d)
        {
            double[] hv = new double[z.Length];
            C.ContractiveHessianVector(z[..X], z[X..9], z[9..11], z[11..], new double[H], new double[H], d[..X], d[X..9], d[9..11], d[11..],
                hv.AsSpan(0, X), hv.AsSpan(X, W), hv.AsSpan(9, H), hv.AsSpan(11));
            return hv;
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AContractivePenaltyOfADenseTanhLayer_HasEveryMode(int seed)
        {
            var rng = new Random(seed);
            double[] z = Random(rng, All);
            AllModes(rng, z, Contractive, ContractiveGradient, ContractiveTangent, ContractiveHessianVector);

            // MJacobian's first row is the gradient (then h's and th's rows); MHessian's columns are H·eⱼ (its third
            // derivative through DenseTangentBackwardTangent and TanhTangentBackwardTangent).
            double[] jacobian = new double[(1 + (2 * H)) * All], hessian = new double[All * All];
            C.ContractiveJacobian(z[..X], z[X..9], z[9..11], z[11..], new double[H], new double[H], jacobian);
            Assert.Equal(ContractiveGradient(z), jacobian.Take(All), (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));
            C.ContractiveHessian(z[..X], z[X..9], z[9..11], z[11..], new double[H], new double[H], hessian);
            for (int j = 0; j < All; j += 3)
            {
                double[] e = new double[All];
                e[j] = 1;
                Assert.Equal(ContractiveHessianVector(z, e), hessian.Skip(j * All).Take(All), (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));
            }
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AChainOfEveryActivation_HasEveryMode(int seed)
        {
            // x away from the kinks (leaky ReLU and ELU at 0, ReLU of tanh at 0).
            var rng = new Random(seed);
            double[] z = Random(rng, 8).Select(a => a + (0.05 * Math.Sign(a))).ToArray();
            double F(double[] s) => C.ActivationRates(s[..4], s[4..], new double[4], new double[4]);
            double[] Gradient(double[] s)
            {
                double[] g = new double[s.Length];
                C.ActivationRatesGradient(s[..4], s[4..], new double[4], new double[4], g.AsSpan(0, 4), g.AsSpan(4));
                return g;
            }

            AllModes(rng, z, F, Gradient, (s, d) => C.ActivationRatesTangent(s[..4], s[4..], new double[4], new double[4], d[..4], d[4..], default, default),
                (s, d) =>
                {
                    double[] hv = new double[s.Length];
                    C.ActivationRatesHessianVector(s[..4], s[4..], new double[4], new double[4], d[..4], d[4..], hv.AsSpan(0, 4), hv.AsSpan(4));
                    return hv;
                });
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ARateOfALayerOfOnesOwnRegisteredFunction_HasEveryMode(int seed)
        {
            // CubeRates(x (4), a, v (4)): Cubed calls CubeLibrary.Cube, whose tangent's derivatives are registered too.
            var rng = new Random(seed);
            double[] z = Random(rng, 9);
            double F(double[] s) => C.CubeRates(s[..4], s[4], s[5..], new double[4], new double[4]);
            double[] Gradient(double[] s)
            {
                double[] g = new double[s.Length];
                C.CubeRatesGradient(s[..4], s[4], s[5..], new double[4], new double[4], g.AsSpan(0, 4), ref g[4], g.AsSpan(5));
                return g;
            }

            AllModes(rng, z, F, Gradient, (s, d) => C.CubeRatesTangent(s[..4], s[4], s[5..], new double[4], new double[4], d[..4], d[4], d[5..], default, default),
                (s, d) =>
                {
                    double[] hv = new double[s.Length];
                    C.CubeRatesHessianVector(s[..4], s[4], s[5..], new double[4], new double[4], d[..4], d[4], d[5..], hv.AsSpan(0, 4), ref hv[4], hv.AsSpan(5));
                    return hv;
                });
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ARateOfABatchNormalisedLayer_HasEveryMode(int seed)
        {
            // NormalizedRates(x (3 × 2), γ (2), β (2), v (6)): through BatchNormTangentBackward, BatchNormTangentTangent and, for
            // H·v, BatchNorm's third order (BatchNormTangentBackwardTangent).
            var rng = new Random(seed);
            double[] z = Random(rng, 16);
            double F(double[] s) => C.NormalizedRates(s[..6], s[6..8], s[8..10], s[10..], new double[6], new double[6]);
            double[] Gradient(double[] s)
            {
                double[] g = new double[s.Length];
                C.NormalizedRatesGradient(s[..6], s[6..8], s[8..10], s[10..], new double[6], new double[6], g.AsSpan(0, 6), g.AsSpan(6, 2), g.AsSpan(8, 2), g.AsSpan(10));
                return g;
            }

            double[] HessianVector(double[] s, double[] d)
            {
                double[] hv = new double[s.Length];
                C.NormalizedRatesHessianVector(s[..6], s[6..8], s[8..10], s[10..], new double[6], new double[6], d[..6], d[6..8], d[8..10], d[10..],
                    hv.AsSpan(0, 6), hv.AsSpan(6, 2), hv.AsSpan(8, 2), hv.AsSpan(10));
                return hv;
            }

            AllModes(rng, z, F, Gradient, (s, d) => C.NormalizedRatesTangent(s[..6], s[6..8], s[8..10], s[10..], new double[6], new double[6], d[..6], d[6..8], d[8..10], d[10..], default, default),
                HessianVector);
            double[] g = Gradient(z);
            double[] jacobian = new double[13 * 16];
            C.NormalizedRatesJacobian(z[..6], z[6..8], z[8..10], z[10..], new double[6], new double[6], jacobian);
            Assert.Equal(g, jacobian.Take(16), (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));
            double[] hessian = new double[16 * 16];
            C.NormalizedRatesHessian(z[..6], z[6..8], z[8..10], z[10..], new double[6], new double[6], hessian);
            for (int j = 0; j < 16; j += 5)
            {
                double[] e = new double[16];
                e[j] = 1;
                Assert.Equal(HessianVector(z, e), hessian.Skip(j * 16).Take(16), (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));
            }
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AGradientPenaltyOverABatchNormalisedLayer_HasEveryMode(int seed)
        {
            // NormalizedPenalty(x (3 × 2), γ (2), β (2), u (6)) = ‖∂⟨u, Normalized(x, γ, β)⟩/∂x‖²: its H·v through BatchNorm's third order.
            var rng = new Random(seed);
            double[] z = Random(rng, 16);
            double F(double[] s) => C.NormalizedPenalty(s[..6], s[6..8], s[8..10], s[10..], new double[6], new double[6]);
            double[] Gradient(double[] s)
            {
                double[] g = new double[s.Length];
                C.NormalizedPenaltyGradient(s[..6], s[6..8], s[8..10], s[10..], new double[6], new double[6], g.AsSpan(0, 6), g.AsSpan(6, 2), g.AsSpan(8, 2), g.AsSpan(10));
                return g;
            }

            AllModes(rng, z, F, Gradient, (s, d) => C.NormalizedPenaltyTangent(s[..6], s[6..8], s[8..10], s[10..], new double[6], new double[6], d[..6], d[6..8], d[8..10], d[10..], default, default),
                (s, d) =>
                {
                    double[] hv = new double[s.Length];
                    C.NormalizedPenaltyHessianVector(s[..6], s[6..8], s[8..10], s[10..], new double[6], new double[6], d[..6], d[6..8], d[8..10], d[10..],
                        hv.AsSpan(0, 6), hv.AsSpan(6, 2), hv.AsSpan(8, 2), hv.AsSpan(10));
                    return hv;
                });
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ARateOfALayerOfFunctionsWhoseTangentsAreReadOffTheirBackwards_HasItsGradientTangentAndJacobian(int seed)
        {
            // ReadOffRates(x (4), w (4), v (4)): through the partials of ScaledSoftplus and Product SymGrad writes next to
            // ReadOffTangent's derivatives (before, silently wrong: the partials were taken for constants).
            var rng = new Random(seed);
            double[] z = Random(rng, 12);
            double F(double[] s) => C.ReadOffRates(s[..4], s[4..8], s[8..], new double[4], new double[4]);
            double[] Gradient(double[] s)
            {
                double[] g = new double[s.Length];
                C.ReadOffRatesGradient(s[..4], s[4..8], s[8..], new double[4], new double[4], g.AsSpan(0, 4), g.AsSpan(4, 4), g.AsSpan(8));
                return g;
            }

            double[] g = Gradient(z);
            for (int i = 0; i < z.Length; i++)
            {
                double[] up = (double[])z.Clone(), down = (double[])z.Clone();
                up[i] += 1e-5;
                down[i] -= 1e-5;
                AssertClose((F(up) - F(down)) / 2e-5, g[i]);
            }

            double[] d = Random(rng, z.Length);
            double along = Dot(g, d);
            Assert.Equal(along, C.ReadOffRatesTangent(z[..4], z[4..8], z[8..], new double[4], new double[4], d[..4], d[4..8], d[8..], default, default), 1e-10 * (1 + Math.Abs(along)));
            double[] jacobian = new double[9 * 12];
            C.ReadOffRatesJacobian(z[..4], z[4..8], z[8..], new double[4], new double[4], jacobian);
            Assert.Equal(g, jacobian.Take(12), (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));

            // No third derivative is registered: MHessianVector is a stand-in that says why.
            var standIn = typeof(C).GetMethod(nameof(C.ReadOffRates) + "HessianVector");
            var obsolete = Assert.IsType<ObsoleteAttribute>(Attribute.GetCustomAttribute(standIn!, typeof(ObsoleteAttribute)));
            Assert.Contains("read off its backward", obsolete.Message, StringComparison.Ordinal);
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void DenseTanhTangentsOwnDerivatives_AreThoseOfDenseTanhTangent(int seed)
        {
            // DenseTanhTangent(x, w, b, h, tx, tw, tb, th) as a function of (x, w, b, tx, tw, tb): its pullback and its tangent.
            const int n = X + W + H;
            var rng = new Random(seed);
            double[] z = Random(rng, 2 * n), dh = Random(rng, H), dth = Random(rng, H), dir = Random(rng, 2 * n);
            void Run(double[] s, double[] h, double[] th) => BackwardCallCases.DenseTanhTangent(s[..X], s[X..9], s[9..11], h, s[11..14], s[14..20], s[20..], th);
            double Loss(double[] s)
            {
                double[] h = new double[H], th = new double[H];
                Run(s, h, th);
                return Dot(dh, h) + Dot(dth, th);
            }

            double[] g = new double[2 * n], hValues = new double[H], thValues = new double[H];
            Run(z, hValues, thValues);
            BackwardCallCases.DenseTanhTangentBackward(z[..X], z[X..9], z[9..11], hValues, z[11..14], z[14..20], z[20..], thValues, dh, dth,
                g.AsSpan(0, X), g.AsSpan(X, W), g.AsSpan(9, H), g.AsSpan(11, X), g.AsSpan(14, W), g.AsSpan(20));
            for (int i = 0; i < z.Length; i++)
            {
                double[] e = new double[z.Length];
                e[i] = 1e-6;
                AssertClose((Loss(z.Zip(e, (a, b) => a + b).ToArray()) - Loss(z.Zip(e, (a, b) => a - b).ToArray())) / 2e-6, g[i]);
            }

            double[] uh = new double[H], uth = new double[H], h2 = new double[H], th2 = new double[H];
            BackwardCallCases.DenseTanhTangentTangent(z[..X], z[X..9], z[9..11], h2, z[11..14], z[14..20], z[20..], th2,
                dir[..X], dir[X..9], dir[9..11], dir[11..14], dir[14..20], dir[20..], uh, uth);
            Assert.Equal(hValues, h2);
            Assert.Equal(thValues, th2);
            AssertClose(Dot(g, dir), Dot(dh, uh) + Dot(dth, uth));
        }

        private static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();
    }
}
