using System;

namespace SymGrad.Samples.Mlp
{
    /// <summary>
    /// The two-layer network of the backprop lecture, forward pass only: SymGrad writes the backward.
    /// x is (n, dIn), w1 is (dIn, hidden), h is (n, hidden), w2 is (hidden, dOut), y is (n, dOut).
    /// </summary>
    public static partial class TwoLayerNet
    {
        [Differentiable]
        public static float Loss(
            [NoDerivative] ReadOnlySpan<float> x, ReadOnlySpan<float> w1, ReadOnlySpan<float> w2, [NoDerivative] ReadOnlySpan<float> y,
            Span<float> h, int n, int dIn, int hidden, int dOut)
        {
            // h = sigmoid(x · w1)
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < hidden; j++)
                {
                    float a = 0;
                    for (int k = 0; k < dIn; k++)
                    {
                        a += x[i * dIn + k] * w1[k * hidden + j];
                    }

                    h[i * hidden + j] = 1f / (1f + MathF.Exp(-a));
                }
            }

            // loss = Σ (h · w2 − y)²
            float loss = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < dOut; j++)
                {
                    float prediction = 0;
                    for (int k = 0; k < hidden; k++)
                    {
                        prediction += h[i * hidden + k] * w2[k * dOut + j];
                    }

                    float error = prediction - y[i * dOut + j];
                    loss += error * error;
                }
            }

            return loss;
        }
    }
}
