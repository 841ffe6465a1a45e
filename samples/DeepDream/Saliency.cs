using System;
using SymGrad.Samples.FashionMnist;

namespace SymGrad.Samples.DeepDream
{
    /// <summary>
    /// The score of one class for one image, with the weights marked <c>[NoDerivative]</c>: the only gradient
    /// SymGrad derives is the one with respect to the input image — which pixels would raise the score.
    /// </summary>
    public static partial class Saliency
    {
        [Differentiable]
        public static float ClassScore(
            ReadOnlySpan<float> image, [NoDerivative] ReadOnlySpan<float> conv1W, [NoDerivative] ReadOnlySpan<float> conv1B,
            [NoDerivative] ReadOnlySpan<float> conv2W, [NoDerivative] ReadOnlySpan<float> conv2B,
            [NoDerivative] ReadOnlySpan<float> dense1W, [NoDerivative] ReadOnlySpan<float> dense1B,
            [NoDerivative] ReadOnlySpan<float> dense2W, [NoDerivative] ReadOnlySpan<float> dense2B,
            Span<float> conv1, Span<float> relu1, Span<float> pool1, Span<float> conv2, Span<float> relu2, Span<float> pool2,
            Span<float> hidden, Span<float> hiddenRelu, Span<float> logits, int target, NetShape shape)
        {
            Nn.Conv2D(image, conv1W, conv1B, conv1, shape.Conv1);
            Nn.Relu(conv1, relu1);
            Nn.MaxPool2D(relu1, pool1, shape.Pool1);
            Nn.Conv2D(pool1, conv2W, conv2B, conv2, shape.Conv2);
            Nn.Relu(conv2, relu2);
            Nn.MaxPool2D(relu2, pool2, shape.Pool2);
            Nn.Dense(pool2, dense1W, dense1B, hidden, shape.Batch, shape.Flat, shape.Hidden);
            Nn.Relu(hidden, hiddenRelu);
            Nn.Dense(hiddenRelu, dense2W, dense2B, logits, shape.Batch, shape.Hidden, shape.Classes);
            return logits[target];
        }
    }

    /// <summary>Buffers for one image and the calls into the generated gradient.</summary>
    public sealed class SaliencyMap
    {
        private readonly ParameterStore<float> _store;
        private readonly NetShape _shape = NetShape.ForBatch(1);
        private readonly float[] _conv1, _relu1, _pool1, _conv2, _relu2, _pool2, _hidden, _hiddenRelu;

        public SaliencyMap(ParameterStore<float> store)
        {
            _store = store;
            _conv1 = new float[_shape.Conv1.OutputLength];
            _relu1 = new float[_shape.Conv1.OutputLength];
            _pool1 = new float[_shape.Pool1.OutputLength];
            _conv2 = new float[_shape.Conv2.OutputLength];
            _relu2 = new float[_shape.Conv2.OutputLength];
            _pool2 = new float[_shape.Pool2.OutputLength];
            _hidden = new float[_shape.Hidden];
            _hiddenRelu = new float[_shape.Hidden];
            Logits = new float[_shape.Classes];
        }

        /// <summary>The logits of the last image scored.</summary>
        public float[] Logits { get; }

        /// <summary>Scores <paramref name="image"/> (28×28, in [0, 1]) for <paramref name="target"/>; accumulates ∂score/∂pixel.</summary>
        public float Gradient(ReadOnlySpan<float> image, int target, Span<float> dimage) => Saliency.ClassScoreGradient(
            image, P(Model.Conv1W), P(Model.Conv1B), P(Model.Conv2W), P(Model.Conv2B), P(Model.Dense1W), P(Model.Dense1B), P(Model.Dense2W), P(Model.Dense2B),
            _conv1, _relu1, _pool1, _conv2, _relu2, _pool2, _hidden, _hiddenRelu, Logits, target, _shape, dimage);

        /// <summary>
        /// SmoothGrad (Smilkov et al., 2017): the gradient averaged over <paramref name="samples"/> copies of the image with
        /// Gaussian noise of standard deviation <paramref name="noise"/> added. A ReLU network's raw gradient flips from
        /// pixel to pixel (each sits on its own side of many kinks) and looks like speckle; the average keeps what the
        /// neighbourhood of the image agrees on, which is the object's shape.
        /// </summary>
        public float[] SmoothGrad(ReadOnlySpan<float> image, int target, int samples, float noise, long seed)
        {
            var random = new SeededRandom(seed);
            var noisy = new float[image.Length];
            var sum = new float[image.Length];
            for (int s = 0; s < samples; s++)
            {
                for (int i = 0; i < noisy.Length; i++)
                {
                    noisy[i] = image[i] + (noise * (float)random.NextNormal());
                }

                Gradient(noisy, target, sum); // accumulates: the sum over the samples
            }

            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] /= samples;
            }

            return sum;
        }

        /// <summary>
        /// Integrated gradients (Sundararajan et al., 2017) from a black image x′ = 0:
        /// <c>x_i · (1/m) Σ_k ∂score/∂x_i (α_k x + ε_k)</c> with <c>α_k = (k − ½)/m</c>, the midpoint rule for the path
        /// integral, and ε_k Gaussian noise of standard deviation <paramref name="noise"/> at each point of the path, as
        /// SmoothGrad adds it (Captum's NoiseTunnel over integrated gradients): the map stays on the object, where x ≠ 0,
        /// and the noise evens out the pixel-to-pixel flips of a ReLU network's gradient. Without noise the attributions
        /// add up to <c>score(x) − score(0)</c> (completeness), which <paramref name="scoreGain"/> returns to compare with
        /// their sum; with noise, approximately.
        /// </summary>
        public float[] IntegratedGradients(ReadOnlySpan<float> image, int target, int steps, float noise, long seed, out float scoreGain)
        {
            var random = new SeededRandom(seed);
            var point = new float[image.Length];
            var sum = new float[image.Length];
            for (int k = 0; k < steps; k++)
            {
                float alpha = (k + 0.5f) / steps;
                for (int i = 0; i < point.Length; i++)
                {
                    point[i] = (alpha * image[i]) + (noise * (float)random.NextNormal());
                }

                Gradient(point, target, sum);
            }

            var attribution = new float[image.Length];
            for (int i = 0; i < attribution.Length; i++)
            {
                attribution[i] = image[i] * sum[i] / steps;
            }

            Array.Clear(point);
            scoreGain = Score(image, target) - Score(point, target);
            return attribution;
        }

        /// <summary>The score alone (the forward pass).</summary>
        public float Score(ReadOnlySpan<float> image, int target) => Saliency.ClassScore(
            image, P(Model.Conv1W), P(Model.Conv1B), P(Model.Conv2W), P(Model.Conv2B), P(Model.Dense1W), P(Model.Dense1B), P(Model.Dense2W), P(Model.Dense2B),
            _conv1, _relu1, _pool1, _conv2, _relu2, _pool2, _hidden, _hiddenRelu, Logits, target, _shape);

        private ReadOnlySpan<float> P(string name) => _store.Parameters(name);
    }
}
