using System;

namespace SymGrad.Samples.FashionMnist
{
    /// <summary>The geometry of every layer for one batch size: constants to the generator (ints only).</summary>
    public readonly record struct NetShape(int Batch, Conv2DShape Conv1, Pool2DShape Pool1, Conv2DShape Conv2, Pool2DShape Pool2, int Flat, int Hidden, int Classes)
    {
        public static NetShape ForBatch(int batch) => new(
            batch,
            new Conv2DShape(batch, channels: 1, height: 28, width: 28, filters: 32, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 1),
            new Pool2DShape(batch, channels: 32, height: 28, width: 28, poolHeight: 2, poolWidth: 2, stride: 2),
            new Conv2DShape(batch, channels: 32, height: 14, width: 14, filters: 64, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 1),
            new Pool2DShape(batch, channels: 64, height: 14, width: 14, poolHeight: 2, poolWidth: 2, stride: 2),
            Flat: 64 * 7 * 7,
            Hidden: 128,
            Classes: 10);
    }

    /// <summary>
    /// Two convolution + ReLU + 2×2 max-pool blocks and a dense classifier, forward only: SymGrad derives
    /// <c>LossGradient</c>, which calls the registered backwards of the <see cref="Nn"/> primitives.
    /// Images are (batch, 1, 28, 28); every activation buffer is an output the forward writes. Each block's ReLU and
    /// pooling are one call, <see cref="Nn.ReluMaxPool2D(ReadOnlySpan{float}, Span{float}, Pool2DShape)"/>: the same values
    /// as <c>Nn.Relu</c> then <c>Nn.MaxPool2D</c>, without writing (and, backwards, reading) a ReLU output as large as the
    /// convolution's.
    /// </summary>
    public static partial class ConvNet
    {
        [Differentiable]
        public static float Loss(
            [NoDerivative] ReadOnlySpan<float> images, ReadOnlySpan<int> labels,
            ReadOnlySpan<float> conv1W, ReadOnlySpan<float> conv1B, ReadOnlySpan<float> conv2W, ReadOnlySpan<float> conv2B,
            ReadOnlySpan<float> dense1W, ReadOnlySpan<float> dense1B, ReadOnlySpan<float> dense2W, ReadOnlySpan<float> dense2B,
            Span<float> conv1, Span<float> pool1, Span<float> conv2, Span<float> pool2,
            Span<float> hidden, Span<float> hiddenRelu, Span<float> logits, NetShape shape)
        {
            Nn.Conv2D(images, conv1W, conv1B, conv1, shape.Conv1);
            Nn.ReluMaxPool2D(conv1, pool1, shape.Pool1);
            Nn.Conv2D(pool1, conv2W, conv2B, conv2, shape.Conv2);
            Nn.ReluMaxPool2D(conv2, pool2, shape.Pool2);
            Nn.Dense(pool2, dense1W, dense1B, hidden, shape.Batch, shape.Flat, shape.Hidden);
            Nn.Relu(hidden, hiddenRelu);
            Nn.Dense(hiddenRelu, dense2W, dense2B, logits, shape.Batch, shape.Hidden, shape.Classes);
            return Nn.SoftmaxCrossEntropy(logits, labels, shape.Batch, shape.Classes);
        }
    }
}
