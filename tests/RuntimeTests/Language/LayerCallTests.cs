using System;
using System.Linq;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// A layer object's methods calling each other: the fields a callee reads are inputs of the caller in every mode — their
    /// gradients in the d-fields (against central differences), their tangents, directions, Jacobian columns and Hessian
    /// rows after the parameters'.
    /// </summary>
    public class LayerCallTests
    {
        /// <summary>ScoredLayer's inputs as one vector: x (4), target, then the fields Loss reads through Score — W (4), Bias.</summary>
        private static (ScoredLayer Layer, double[] X, double Target) Scored(double[] z)
            => (new ScoredLayer { W = z[5..9], Bias = z[9] }, z[..4], z[4]);

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AScoreReadTwiceByALoss(int seed)
        {
            var rng = new Random(seed);
            double[] z = Random(rng, 10);
            AllModes(rng, z, v => { var (l, x, t) = Scored(v); return l.Loss(x, t); }, ScoredGradient,
                (v, d) => { var (l, x, t) = Scored(v); return l.LossTangent(x, t, d[..4], d[4], d[5..9], d[9]); },
                (v, d) =>
                {
                    var (l, x, t) = Scored(v);
                    double[] hx = new double[4], hw = new double[4];
                    double ht = 0, hb = 0;
                    l.LossHessianVector(x, t, d[..4], d[4], d[5..9], d[9], hx, ref ht, hw, ref hb);
                    return hx.Append(ht).Concat(hw).Append(hb).ToArray();
                });

            // The Jacobian is the gradient's row; the Hessian's columns are H·eⱼ — the fields' after the parameters'.
            var (layer, x0, t0) = Scored(z);
            double[] jacobian = new double[10], hessian = new double[100];
            layer.LossJacobian(x0, t0, jacobian);
            Assert.Equal(ScoredGradient(z), jacobian, (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));
            layer.LossHessian(x0, t0, hessian);
            for (int j = 0; j < 10; j++)
            {
                double[] e = new double[10], h = new double[10];
                e[j] = 1;
                double ht = 0, hb = 0;
                layer.LossHessianVector(x0, t0, e[..4], e[4], e[5..9], e[9], h.AsSpan(0, 4), ref ht, h.AsSpan(5, 4), ref hb);
                (h[4], h[9]) = (ht, hb);
                Assert.Equal(h, hessian.Skip(j * 10).Take(10), (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));
            }
        }

        private static double[] ScoredGradient(double[] z)
        {
            var (layer, x, t) = Scored(z);
            double[] dx = new double[4];
            double dt = 0;
            layer.ZeroGradients();
            layer.LossGradient(x, t, dx, ref dt);
            return dx.Append(dt).Concat(layer.dW).Append(layer.dBias).ToArray();
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AFieldReadByTheCallerAndTheCallee(int seed)
        {
            // z = x (4), W (4), Bias: W's gradient comes from the caller's own sum of squares and from Score.
            var rng = new Random(seed);
            ScoredLayer At(double[] v) => new() { W = v[4..8], Bias = v[8] };
            AllModes(rng, Random(rng, 9), v => At(v).Regularised(v[..4]),
                v => { var l = At(v); double[] dx = new double[4]; l.RegularisedGradient(v[..4], dx); return dx.Concat(l.dW).Append(l.dBias).ToArray(); },
                (v, d) => At(v).RegularisedTangent(v[..4], d[..4], d[4..8], d[8]),
                (v, d) =>
                {
                    double[] hx = new double[4], hw = new double[4];
                    double hb = 0;
                    At(v).RegularisedHessianVector(v[..4], d[..4], d[4..8], d[8], hx, hw, ref hb);
                    return hx.Concat(hw).Append(hb).ToArray();
                });
        }

        [Fact]
        public void ZeroGradientsClearsWhatTheCalleesRead()
        {
            var layer = new ScoredLayer();
            double dt = 0;
            layer.LossGradient(new[] { 0.5, -1, 2, 0.25 }, 2, default, ref dt);
            Assert.Contains(layer.dW, g => g != 0);
            Assert.NotEqual(0, layer.dBias);
            layer.ZeroGradients();
            Assert.All(layer.dW.Append(layer.dBias), g => Assert.Equal(0, g));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void CallsTwoDeepThroughAnOutputInFloat(int seed)
        {
            // Energy = Σ Decay·(Gainᵢ sin xᵢ)² + Floor (Floor is [NoDerivative]): gradients in closed form.
            var rng = new Random(seed);
            float[] x = Random(rng, 3, -2, 2).Select(v => (float)v).ToArray(), y = new float[3], dx = new float[3];
            var layer = new GatedLayer();
            float energy = layer.EnergyGradient(x, y, dx);
            double decay = layer.Decay, expected = 0, dDecay = 0;
            for (int i = 0; i < 3; i++)
            {
                double g = layer.Gain[i], s = Math.Sin(x[i]), c = Math.Cos(x[i]);
                Assert.Equal(g * s, y[i], 1e-6);
                expected += (decay * g * g * s * s) + layer.Floor;
                dDecay += g * g * s * s;
                Assert.Equal(2 * decay * g * s * s, layer.dGain[i], 1e-5);
                Assert.Equal(2 * decay * g * g * s * c, dx[i], 1e-5);
            }

            Assert.Equal(expected, energy, 1e-5);
            Assert.Equal(dDecay, layer.dDecay, 1e-5);

            // Forward mode along (ẋ, Ġain, Ḋecay) is the gradient along it; H·v against central differences of the gradient.
            float[] tx = { 0.3f, -0.2f, 0.5f }, tGain = { 0.1f, 0.4f, -0.3f };
            const float tDecay = 0.7f;
            float along = dx.Zip(tx, (a, b) => a * b).Sum() + layer.dGain.Zip(tGain, (a, b) => a * b).Sum() + (layer.dDecay * tDecay);
            Assert.Equal(along, layer.EnergyTangent(x, y, tx, tGain, tDecay, new float[3]), 1e-4 * (1 + Math.Abs(along)));
            float[] hx = new float[3], hGain = new float[3];
            float hDecay = 0;
            layer.EnergyHessianVector(x, y, tx, tGain, tDecay, hx, hGain, ref hDecay);
            float[] Gradient(float h)
            {
                var at = new GatedLayer { Gain = layer.Gain.Zip(tGain, (g, t) => g + (h * t)).ToArray(), Decay = layer.Decay + (h * tDecay) };
                float[] g = new float[3];
                at.EnergyGradient(x.Zip(tx, (a, t) => a + (h * t)).ToArray(), new float[3], g);
                return g.Concat(at.dGain).Append(at.dDecay).ToArray();
            }

            float[] up = Gradient(1e-2f), down = Gradient(-1e-2f), hv = hx.Concat(hGain).Append(hDecay).ToArray();
            for (int i = 0; i < hv.Length; i++)
            {
                Assert.Equal((up[i] - down[i]) / 2e-2, hv[i], 2e-3 * (1 + Math.Abs(hv[i])));
            }
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AStructLayersMethodCallingItselfNested(int seed)
        {
            // Twice(x) = Cell(Cell(x)), Cell(u) = A·u² + B·u: z = (x, A, B).
            var rng = new Random(seed);
            QuadraticCell At(double[] v) => new() { A = v[1], B = v[2] };
            AllModes(rng, Random(rng, 3), v => At(v).Twice(v[0]),
                v => { var cell = At(v); double dx = 0; cell.TwiceGradient(v[0], ref dx); return new[] { dx, cell.dA, cell.dB }; },
                (v, d) => At(v).TwiceTangent(v[0], d[0], d[1], d[2]),
                (v, d) => { var cell = At(v); double hx = 0, ha = 0, hb = 0; cell.TwiceHessianVector(v[0], d[0], d[1], d[2], ref hx, ref ha, ref hb); return new[] { hx, ha, hb }; });
        }

        public static TheoryData<int> SeedData() => new(Seeds);
    }
}
