using System;
using System.Linq;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Layers held in fields of a layer: the held layers' fields are inputs of the holder's methods in every mode — their
    /// gradients in the held layers' own d-fields (against central differences), their tangents, directions, Jacobian
    /// columns and Hessian rows after the holder's own fields, holder by holder.
    /// </summary>
    public class HeldLayerTests
    {
        /// <summary>Classifier's inputs as one vector: x (4), target, Scale, Head's W (4) and Bias, Tail's W (4) and Bias.</summary>
        private static (Classifier Net, double[] X, double Target) Net(double[] z) => (new Classifier
        {
            Scale = z[5],
            Head = new Unit { W = z[6..10], Bias = z[10] },
            Tail = new Unit { W = z[11..15], Bias = z[15] },
        }, z[..4], z[4]);

        private static double[] NetGradient(double[] z)
        {
            var (net, x, t) = Net(z);
            double[] dx = new double[4];
            double dt = 0;
            net.ZeroGradients();
            net.LossGradient(x, t, dx, ref dt);
            return dx.Append(dt).Append(net.dScale).Concat(net.Head.dW).Append(net.Head.dBias).Concat(net.Tail.dW).Append(net.Tail.dBias).ToArray();
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void TwoHeldLayersOfOneTypeAndAFieldOfItsOwn(int seed)
        {
            var rng = new Random(seed);
            double[] z = Random(rng, 16);
            AllModes(rng, z, v => { var (n, x, t) = Net(v); return n.Loss(x, t); }, NetGradient,
                (v, d) => { var (n, x, t) = Net(v); return n.LossTangent(x, t, d[..4], d[4], d[5], d[6..10], d[10], d[11..15], d[15]); },
                (v, d) =>
                {
                    var (n, x, t) = Net(v);
                    double[] hx = new double[4], hHead = new double[4], hTail = new double[4];
                    double ht = 0, hScale = 0, hHeadBias = 0, hTailBias = 0;
                    n.LossHessianVector(x, t, d[..4], d[4], d[5], d[6..10], d[10], d[11..15], d[15], hx, ref ht, ref hScale, hHead, ref hHeadBias, hTail, ref hTailBias);
                    return hx.Append(ht).Append(hScale).Concat(hHead).Append(hHeadBias).Concat(hTail).Append(hTailBias).ToArray();
                });

            // The Jacobian is the gradient's row, and leaves the d-fields as they were; the Hessian's columns are H·eⱼ.
            var (net, x0, t0) = Net(z);
            double[] jacobian = new double[16], hessian = new double[256];
            net.LossJacobian(x0, t0, jacobian);
            Assert.Equal(NetGradient(z), jacobian, (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));
            Assert.All(net.Head.dW.Concat(net.Tail.dW), g => Assert.Equal(0, g));
            net.LossHessian(x0, t0, hessian);
            for (int j = 0; j < 16; j += 5)
            {
                double[] e = new double[16], h = new double[16];
                e[j] = 1;
                double ht = 0, hs = 0, hb = 0, tb = 0;
                net.LossHessianVector(x0, t0, e[..4], e[4], e[5], e[6..10], e[10], e[11..15], e[15], h.AsSpan(0, 4), ref ht, ref hs, h.AsSpan(6, 4), ref hb, h.AsSpan(11, 4), ref tb);
                (h[4], h[5], h[10], h[15]) = (ht, hs, hb, tb);
                Assert.Equal(h, hessian.Skip(j * 16).Take(16), (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));
            }
        }

        [Fact]
        public void TheHoldersZeroGradientsClearsTheHeldLayersGradients()
        {
            var net = new Classifier();
            double dt = 0;
            net.LossGradient(new[] { 0.5, -1, 2, 0.25 }, 2, default, ref dt);
            Assert.Contains(net.Head.dW, g => g != 0);
            Assert.NotEqual(0, net.Tail.dBias);
            net.ZeroGradients();
            Assert.All(net.Head.dW.Concat(net.Tail.dW).Append(net.Head.dBias).Append(net.Tail.dBias).Append(net.dScale), g => Assert.Equal(0, g));
        }

        [Fact]
        public void OneLayerHeldTwiceGetsTheSumOfBothGradients()
        {
            // Tail is Head: a shared layer's gradient is the sum over its uses, as PyTorch's for a module called twice.
            var shared = new Unit();
            var net = new Classifier { Head = shared, Tail = shared };
            double[] x = { 0.5, -1, 2, 0.25 };
            double dt = 0;
            net.ZeroGradients();
            net.LossGradient(x, 0.3, default, ref dt);
            for (int i = 0; i < 4; i++)
            {
                double Loss(double h)
                {
                    var w = shared.W.ToArray();
                    w[i] += h;
                    var u = new Unit { W = w, Bias = shared.Bias };
                    return new Classifier { Head = u, Tail = u }.Loss(x, 0.3);
                }

                AssertClose((Loss(1e-5) - Loss(-1e-5)) / 2e-5, shared.dW[i]);
            }
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void TwoLevelsDeep(int seed)
        {
            // z = x (4), target, Weight, Inner's Scale, Inner.Head's W (4) and Bias, Inner.Tail's W (4) and Bias.
            var rng = new Random(seed);
            Stack At(double[] v) => new()
            {
                Weight = v[5],
                Inner = new Classifier { Scale = v[6], Head = new Unit { W = v[7..11], Bias = v[11] }, Tail = new Unit { W = v[12..16], Bias = v[16] } },
            };
            double[] Gradient(double[] v)
            {
                var s = At(v);
                double[] dx = new double[4];
                double dt = 0;
                s.ZeroGradients();
                s.ObjectiveGradient(v[..4], v[4], dx, ref dt);
                var c = s.Inner;
                return dx.Append(dt).Append(s.dWeight).Append(c.dScale).Concat(c.Head.dW).Append(c.Head.dBias).Concat(c.Tail.dW).Append(c.Tail.dBias).ToArray();
            }

            AllModes(rng, Random(rng, 17), v => At(v).Objective(v[..4], v[4]), Gradient,
                (v, d) => At(v).ObjectiveTangent(v[..4], v[4], d[..4], d[4], d[5], d[6], d[7..11], d[11], d[12..16], d[16]),
                (v, d) =>
                {
                    double[] hx = new double[4], hHead = new double[4], hTail = new double[4];
                    double ht = 0, hw = 0, hs = 0, hb = 0, tb = 0;
                    At(v).ObjectiveHessianVector(v[..4], v[4], d[..4], d[4], d[5], d[6], d[7..11], d[11], d[12..16], d[16], hx, ref ht, ref hw, ref hs, hHead, ref hb, hTail, ref tb);
                    return hx.Append(ht).Append(hw).Append(hs).Concat(hHead).Append(hb).Concat(hTail).Append(tb).ToArray();
                });
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void FloatLayersWritingOutputsHeldTwice(int seed)
        {
            // E = Σ (b_i tanh(a_i tanh x_i))²: h = First's output, y = Second's; gradients in closed form.
            var rng = new Random(seed);
            float[] x = Random(rng, 3, -1.5, 1.5).Select(v => (float)v).ToArray(), h = new float[3], y = new float[3], dx = new float[3];
            var net = new TwoGates();
            net.ZeroGradients();
            float e = net.EnergyGradient(x, h, y, dx);
            double expected = 0;
            for (int i = 0; i < 3; i++)
            {
                double a = net.First.Gain[i], b = net.Second.Gain[i], u = Math.Tanh(x[i]), hi = a * u, v = Math.Tanh(hi), yi = b * v;
                Assert.Equal(hi, h[i], 1e-6);
                Assert.Equal(yi, y[i], 1e-6);
                expected += yi * yi;
                double dy = 2 * yi, dh = dy * b * (1 - (v * v));
                Assert.Equal(dy * v, net.Second.dGain[i], 1e-5);
                Assert.Equal(dh * u, net.First.dGain[i], 1e-5);
                Assert.Equal(dh * a * (1 - (u * u)), dx[i], 1e-5);
            }

            Assert.Equal(expected, e, 1e-5);

            // Forward mode along (ẋ, First's Ġain, Second's Ġain) is the gradient along it.
            float[] tx = { 0.3f, -0.2f, 0.5f }, tFirst = { 0.1f, 0.4f, -0.3f }, tSecond = { -0.2f, 0.1f, 0.6f };
            double along = dx.Zip(tx, (p, q) => p * q).Sum() + net.First.dGain.Zip(tFirst, (p, q) => p * q).Sum() + net.Second.dGain.Zip(tSecond, (p, q) => p * q).Sum();
            Assert.Equal(along, net.EnergyTangent(x, h, y, tx, tFirst, tSecond, new float[3], new float[3]), 1e-4 * (1 + Math.Abs(along)));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ALayersMethodsWithSeveralResults(int seed)
        {
            // z = x, y, Gain: f = G·r·θ + G² x³ / 2; then the holder's Energy, z = x, y, Bias, Inner's Gain.
            var rng = new Random(seed);
            double x0 = 0.4 + rng.NextDouble(), y0 = rng.NextDouble() - 0.5, g0 = 0.5 + rng.NextDouble();
            double r = Math.Sqrt((x0 * x0) + (y0 * y0));
            Assert.Equal((g0 * r * Math.Atan2(y0, x0)) + (g0 * g0 * x0 * x0 * x0 / 2), new PolarLayer { Gain = g0 }.Area(x0, y0), 12);
            AllModes(rng, new[] { x0, y0, g0 }, v => new PolarLayer { Gain = v[2] }.Area(v[0], v[1]),
                v => { var l = new PolarLayer { Gain = v[2] }; double dx = 0, dy = 0; l.ZeroGradients(); l.AreaGradient(v[0], v[1], ref dx, ref dy); return new[] { dx, dy, l.dGain }; },
                (v, d) => new PolarLayer { Gain = v[2] }.AreaTangent(v[0], v[1], d[0], d[1], d[2]),
                (v, d) => { double hx = 0, hy = 0, hg = 0; new PolarLayer { Gain = v[2] }.AreaHessianVector(v[0], v[1], d[0], d[1], d[2], ref hx, ref hy, ref hg); return new[] { hx, hy, hg }; });

            PolarHolder At(double[] v) => new() { Bias = v[2], Inner = new PolarLayer { Gain = v[3] } };
            AllModes(rng, new[] { x0, y0, 0.3, g0 }, v => At(v).Energy(v[0], v[1]),
                v => { var h = At(v); double dx = 0, dy = 0; h.ZeroGradients(); h.EnergyGradient(v[0], v[1], ref dx, ref dy); return new[] { dx, dy, h.dBias, h.Inner.dGain }; },
                (v, d) => At(v).EnergyTangent(v[0], v[1], d[0], d[1], d[2], d[3]),
                (v, d) => { double hx = 0, hy = 0, hb = 0, hg = 0; At(v).EnergyHessianVector(v[0], v[1], d[0], d[1], d[2], d[3], ref hx, ref hy, ref hb, ref hg); return new[] { hx, hy, hb, hg }; });
        }

        public static TheoryData<int> SeedData => new() { 1, 2, 3 };
    }
}
