using System;
using SymGrad.RuntimeTests.NnPrimitives;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Gradients chosen at the call: an empty span passed for a gradient means "not needed" — no error, the other
    /// gradients unchanged — in loops written by hand, through registered kernels, and in a layer object.
    /// </summary>
    public class GradientChoiceTests
    {
        [Theory]
        [InlineData(0.5)]
        [InlineData(-1.25)]
        public void CallsLeavingOptionalArgumentsOutOrNamingThem(double x)
        {
            // f = 2x² + 3x² + 0.5x² + 2x: f' = 11x + 2, f'' = 11.
            double dx = 0, hx = 0;
            Assert.Equal((5.5 * x * x) + (2 * x), GradientChoiceCases.CallsWithDefaultsGradient(x, ref dx), 12);
            Assert.Equal((11 * x) + 2, dx, 12);
            Assert.Equal(((11 * x) + 2) * 0.75, GradientChoiceCases.CallsWithDefaultsTangent(x, 0.75), 12);
            GradientChoiceCases.CallsWithDefaultsHessianVector(x, 0.75, ref hx);
            Assert.Equal(11 * 0.75, hx, 12);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public void EmptyGradientsThroughRegisteredKernels(int seed)
        {
            int n = 5, inputs = 7, hidden = 9, classes = 3;
            var rng = new Random(seed);
            double[] x = Random(rng, n * inputs), w1 = Random(rng, inputs * hidden), b1 = Random(rng, hidden), w2 = Random(rng, hidden * classes), b2 = Random(rng, classes);
            int[] labels = Labels(rng, n, classes);
            double[] z1 = new double[n * hidden], h1 = new double[n * hidden], logits = new double[n * classes];
            double[] dx = new double[x.Length], dw1 = new double[w1.Length], db1 = new double[b1.Length], dw2 = new double[w2.Length], db2 = new double[b2.Length];
            Networks.MlpGradient(x, w1, b1, w2, b2, labels, z1, h1, logits, n, inputs, hidden, classes, dx, dw1, db1, dw2, db2);

            // Only the second layer's gradients: the input's, the first layer's weights' and biases' are not needed.
            double[] onlyW2 = new double[w2.Length], secondB2 = new double[b2.Length];
            Networks.MlpGradient(x, w1, b1, w2, b2, labels, z1, h1, logits, n, inputs, hidden, classes, default, default, default, onlyW2, secondB2);
            Assert.Equal(dw2, onlyW2);
            Assert.Equal(db2, secondB2);

            // Only the last bias: four gradients empty, several of them passed to the same Nn kernels.
            double[] onlyB2 = new double[b2.Length];
            Networks.MlpGradient(x, w1, b1, w2, b2, labels, z1, h1, logits, n, inputs, hidden, classes, default, default, default, default, onlyB2);
            Assert.Equal(db2, onlyB2);

            // Only the first layer's weights.
            double[] onlyW1 = new double[w1.Length];
            Networks.MlpGradient(x, w1, b1, w2, b2, labels, z1, h1, logits, n, inputs, hidden, classes, default, onlyW1, default, default, default);
            Assert.Equal(dw1, onlyW1);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public void SkippedLoopsLeaveTheOtherGradientsAsTheyWere(int seed)
        {
            // BatchNorm's backward accumulates dx in loops of its own: with dx empty they are skipped (needDx).
            var rng = new Random(seed);
            int n = 4, d = 3;
            double[] x = Random(rng, n * d), gamma = Random(rng, d), beta = Random(rng, d), y = new double[n * d], dy = Random(rng, n * d);
            Catalogue.Layers.BatchNorm(x, gamma, beta, y, n, d, 1e-5);
            double[] dx = new double[n * d], dgamma = new double[d], dbeta = new double[d];
            Catalogue.Layers.BatchNormBackward(x, gamma, beta, y, n, d, 1e-5, dy, dx, dgamma, dbeta);
            double[] onlyGamma = new double[d], onlyBeta = new double[d];
            Catalogue.Layers.BatchNormBackward(x, gamma, beta, y, n, d, 1e-5, dy, default, onlyGamma, onlyBeta);
            Assert.Equal(dgamma, onlyGamma);
            Assert.Equal(dbeta, onlyBeta);
            double[] onlyX = new double[n * d];
            Catalogue.Layers.BatchNormBackward(x, gamma, beta, y, n, d, 1e-5, dy, onlyX, default, default);
            Assert.Equal(dx, onlyX);
        }

        [Fact]
        public void EmptyGradientsInLoopsWrittenByHand()
        {
            var rng = new Random(3);
            int n = 6, d = 3;
            double[] w = Random(rng, d), X = Random(rng, n * d, -2, 2), y = { 1, 0, 1, 1, 0, 0 };
            double[] dw = new double[d], dX = new double[n * d], dy = new double[n];
            double loss = ArrayCases.LogisticLossGradient(w, X, y, dw, dX, dy);
            double[] onlyW = new double[d];
            Assert.Equal(loss, ArrayCases.LogisticLossGradient(w, X, y, onlyW, default, default));
            Assert.Equal(dw, onlyW);
        }

        [Fact]
        public void TheFirstLayerNeedsNoInputGradient()
        {
            var layer = new DenseLayer(4, 3, new Random(5));
            double[] x = Random(new Random(6), 4), y = new double[3], dy = { 1, -2, 0.5 };
            layer.Forward(x, y);
            layer.ForwardBackward(x, y, dy, new double[4]);
            double[] expected = layer.dW.AsSpan().ToArray();
            layer.ZeroGradients();
            layer.ForwardBackward(x, y, dy, default);
            Assert.Equal(expected, layer.dW);
        }

        [Fact]
        public void DefaultValuesAreKeptAndGradientsChosenByName()
        {
            double[] w = { 1, -2 }, x = { 0.5, 3 }, dw = new double[2], dx = new double[2];
            double full = GradientChoiceCases.RegularisedGradient(w, x, dw: dw, dx: dx);
            Assert.Equal(GradientChoiceCases.Regularised(w, x), full);
            Assert.Equal(0.5 + 0.25 - 6 + (0.25 * 4) - 1, full);
            Assert.Equal(new[] { 0.5 + (2 * 0.25 * 1), 3 + (2 * 0.25 * -2) }, dw); // x + 2λw
            Assert.Equal(w, dx);

            double[] onlyX = new double[2];
            GradientChoiceCases.RegularisedGradient(w, x, 0, Penalty.None, 0, dx: onlyX);
            Assert.Equal(w, onlyX);
            Assert.Equal(full, GradientChoiceCases.RegularisedGradient(w, x)); // nothing needed: the value
        }

        [Fact]
        public void AGradientOfTheWrongLengthStillThrowsAndSaysEmptyIsAllowed()
        {
            double[] w = { 1, 2 }, X = { 1, 2, 3, 4 }, y = { 1, 0 };
            var e = Assert.Throws<ArgumentException>(() => ArrayCases.LogisticLossGradient(w, X, y, new double[1], default, default));
            Assert.Contains("or pass an empty dw when that gradient is not needed", e.Message, StringComparison.Ordinal);
        }
    }
}
