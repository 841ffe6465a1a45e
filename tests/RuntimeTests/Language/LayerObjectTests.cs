using System;
using System.Linq;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Layer objects: gradients of the fields (into the generated d-fields) and of the arguments against central
    /// differences; ZeroGradients sizes and clears; a network of layer objects chained by hand trains.
    /// </summary>
    public class LayerObjectTests
    {
        [Theory]
        [MemberData(nameof(SeedData))]
        public void DenseFieldsAndInput(int seed)
        {
            var rng = new Random(seed);
            var layer = new DenseLayer(4, 3, rng);
            double[] x = Random(rng, 4), y = new double[3], dy = Random(rng, 3), dx = new double[4];
            Assert.Empty(layer.dW); // allocated by the first backward (or ZeroGradients)
            layer.Forward(x, y);
            layer.ForwardBackward(x, y, dy, dx);
            Assert.Equal(12, layer.dW.Length);
            Verify(() => Dot(layer, x, dy), Param("W", layer.W, layer.dW), Param("B", layer.B, layer.dB), Param("x", x, dx));

            // Accumulates, as MBackward does into spans; ZeroGradients clears.
            double[] first = layer.dW.ToArray();
            layer.ForwardBackward(x, y, dy, new double[4]);
            Assert.Equal(first.Select(v => 2 * v), layer.dW);
            layer.ZeroGradients();
            Assert.All(layer.dW.Concat(layer.dB), v => Assert.Equal(0, v));
        }

        [Fact]
        public void ResizedParameterGetsAFreshGradient()
        {
            var layer = new DenseLayer(2, 2, new Random(1));
            layer.ZeroGradients();
            Assert.Equal(4, layer.dW.Length);
            (layer.In, layer.W) = (3, new double[6]);
            layer.ZeroGradients();
            Assert.Equal(6, layer.dW.Length);
        }

        [Fact]
        public void WrongLengthsThrowBeforeAnyWrite()
        {
            var layer = new DenseLayer(4, 3, new Random(2));
            double[] x = new double[4], y = new double[3];
            layer.ZeroGradients();
            Assert.Throws<ArgumentException>(() => layer.ForwardBackward(x, y, new double[3], new double[3]));
            Assert.All(layer.dW, v => Assert.Equal(0, v));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ScalarFieldAndConstantField(int seed)
        {
            var rng = new Random(seed);
            var clip = new SoftClip { Gain = 0.5 + rng.NextDouble() };
            double[] x = Random(rng, 5, -3, 3), dx = new double[5], gain = { clip.Gain };
            double value = clip.LossGradient(x, dx);
            Assert.Equal(clip.Loss(x), value);
            Verify(() => new SoftClip { Gain = gain[0] }.Loss(x), Param("x", x, dx), Scalar("Gain", gain, clip.dGain));

            // Temperature is [NoDerivative]: no field dTemperature is generated.
            Assert.Null(typeof(SoftClip).GetField("dTemperature"));
        }

        [Fact]
        public void FloatLayerWithTwoMethodsSharesOneGradientField()
        {
            var layer = new FloatScale();
            float[] x = { 1, 2, 3 }, y = new float[3], dy = { 1, 1, 1 }, dx = new float[3];
            layer.ForwardBackward(x, y, dy, dx);
            Assert.Equal(new float[] { 1, 2, 3 }, layer.dW);
            Assert.Equal(new float[] { 0.5f, -1, 2 }, dx);
            layer.PenaltyBackward(1);
            Assert.Equal(new float[] { 1 + 1, 2 - 2, 3 + 4 }, layer.dW); // + 2·W
        }

        [Fact]
        public void StructLayerUsesItsOwnGradientFields()
        {
            var affine = new Affine { Scale = 3, Shift = -1 };
            double dx = 0;
            Assert.Equal(5, affine.ApplyGradient(2, ref dx));
            Assert.Equal((3.0, 2.0, 1.0), (dx, affine.dScale, affine.dShift));
            affine.ZeroGradients();
            Assert.Equal((0.0, 0.0), (affine.dScale, affine.dShift));
        }

        [Fact]
        public void ANetworkOfLayerObjectsTrainsWithAnOptimizer()
        {
            // y = dense2(σ(dense1(x))) fit to a fixed target by SGD, the backwards chained in reverse order.
            var rng = new Random(7);
            var dense1 = new DenseLayer(3, 8, rng);
            var sigmoid = new SigmoidLayer();
            var dense2 = new DenseLayer(8, 2, rng);
            double[] x = { 0.5, -1, 2 }, target = { 0.25, -0.5 };
            double[] h = new double[8], s = new double[8], y = new double[2], dy = new double[2], ds = new double[8], dh = new double[8], dx = new double[3];
            double Loss()
            {
                dense1.Forward(x, h);
                sigmoid.Forward(h, s);
                dense2.Forward(s, y);
                return (Math.Pow(y[0] - target[0], 2) + Math.Pow(y[1] - target[1], 2)) / 2;
            }

            double initial = Loss();
            for (int step = 0; step < 100; step++)
            {
                Loss();
                dense1.ZeroGradients();
                dense2.ZeroGradients();
                Array.Clear(ds);
                Array.Clear(dh);
                for (int k = 0; k < 2; k++) dy[k] = y[k] - target[k];
                dense2.ForwardBackward(s, y, dy, ds);
                sigmoid.ForwardBackward(h, s, ds, dh);
                dense1.ForwardBackward(x, h, dh, dx);
                foreach (DenseLayer layer in new[] { dense1, dense2 })
                {
                    new Sgd<double>(layer.W.Length, 0.5).Step(layer.W, layer.dW); // plain SGD keeps no state
                    new Sgd<double>(layer.B.Length, 0.5).Step(layer.B, layer.dB);
                }
            }

            Assert.True(Loss() < initial * 1e-3, $"loss {initial} → {Loss()}");
        }

        [Fact]
        public void FieldsTheTesterFoundRefused()
        {
            var f = new FieldRegressions();
            f.NegatedGradient();
            Verify(() => f.Negated(), Param("W", f.W, f.dW));

            f.ZeroGradients();
            double[] a = { 0.7 }, y = new double[4];
            double da = 0;
            f.SizedByAFieldGradient(y, a[0], ref da);
            Verify(() => f.SizedByAField(new double[4], a[0]), Param("W", f.W, f.dW), Scalar("a", a, da));

            f.ZeroGradients();
            double[] dy = { 1, 2 }, y2 = new double[2];
            f.ThisLength(y2);
            f.ThisLengthBackward(y2, dy);
            Assert.Equal(new[] { 2 * 2 * 0.5 * 1, 2 * -1.5 * 2 }, f.dW);

            f.ZeroGradients();
            double[] logits = { 0.3, -0.2, 1.1, 0.4 }, dlogits = new double[4];
            f.LabelledGradient(logits, dlogits);
            Verify(() => f.Labelled(logits), Param("logits", logits, dlogits), Param("W", f.W, f.dW));
        }

        [Fact]
        public void LayerMethodsWithStructsResultsAndGenerics()
        {
            var m = new MixedLayer();
            double[] p = { 0.3, -0.7, 1.1 };
            Triple dp = default;
            m.ApplyBackward(new Triple(p[0], p[1], p[2]), 1.5, -0.5, ref dp);
            Verify(() => (1.5 * m.Apply(new Triple(p[0], p[1], p[2]), out double side)) - (0.5 * side),
                Param("p", p, new[] { dp.X, dp.Y, dp.Z }), Param("W", m.W, m.dW));
            Assert.Equal(1.5, m.dBias);

            m.ZeroGradients();
            double dx = 0;
            m.PairBackward(2, 1, 1, ref dx);
            Assert.Equal((m.Bias + m.W[0], 2.0, 2.0), (dx, m.dBias, m.dW[0]));

            m.ZeroGradients();
            Triple dq = default;
            m.MoveBackward(new Triple(p[0], p[1], p[2]), new Triple(1, 2, 3), ref dq);
            Assert.Equal((1.0, 2 * m.W[1], 3.0, 1.0, 2 * p[1]), (dq.X, dq.Y, dq.Z, m.dBias, m.dW[1]));

            double dc = 0;
            float dcf = 0;
            m.CubeGradient(2.0, ref dc);
            m.CubeGradient(2f, ref dcf);
            Assert.Equal((3 * 3 * 4.0, 3 * 3 * 4f), (dc, dcf));
        }

        private static double Dot(DenseLayer layer, double[] x, double[] dy)
        {
            var y = new double[dy.Length];
            layer.Forward(x, y);
            return y.Zip(dy, (a, b) => a * b).Sum();
        }

        public static TheoryData<int> SeedData() => new(Seeds);
    }
}
