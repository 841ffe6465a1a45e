using System;

namespace SymGrad.Samples.Layers
{
    // The seeds' Caffe layers as objects: each class holds its parameters as fields and has a Forward written by hand;
    // SymGrad generates ForwardBackward next to it, accumulating the fields' gradients into dW, dB (fields it declares).

    /// <summary>A fully connected layer over a batch: y = x·W + b, x (n × In), W (In × Out) row-major, y (n × Out).</summary>
    public sealed partial class Dense
    {
        public float[] W;
        public float[] B;
        public readonly int In, Out;

        public Dense(int inputs, int outputs, SeededRandom random)
        {
            (In, Out) = (inputs, outputs);
            W = new float[inputs * outputs];
            B = new float[outputs];
            Init.Normal<float>(W, 0, 1 / Math.Sqrt(inputs), random); // LeCun: keeps the sigmoid out of saturation
        }

        [Differentiable]
        public void Forward(ReadOnlySpan<float> x, Span<float> y)
        {
            int n = x.Length / In;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < Out; j++)
                {
                    float a = B[j];
                    for (int k = 0; k < In; k++)
                    {
                        a += x[(i * In) + k] * W[(k * Out) + j];
                    }

                    y[(i * Out) + j] = a;
                }
            }
        }
    }

    /// <summary>The logistic sigmoid, element-wise. No parameters.</summary>
    public sealed partial class Sigmoid
    {
        [Differentiable]
        public void Forward(ReadOnlySpan<float> x, Span<float> y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = 1f / (1f + MathF.Exp(-x[i]));
            }
        }
    }

    /// <summary>The squared-error loss layer: Σ (prediction − target)².</summary>
    public sealed partial class SquaredError
    {
        [Differentiable]
        public float Forward(ReadOnlySpan<float> prediction, [NoDerivative] ReadOnlySpan<float> target)
        {
            float loss = 0;
            for (int i = 0; i < prediction.Length; i++)
            {
                float error = prediction[i] - target[i];
                loss += error * error;
            }

            return loss;
        }
    }
}
