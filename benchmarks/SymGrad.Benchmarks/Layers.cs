using System;

namespace SymGrad.Benchmarks
{
    /// <summary>The benchmarked layers in float, written forward-only as a user would; SymGrad derives the backward.</summary>
    public static partial class Layers
    {
        // x is (n, inputs), w is (inputs, outputs), b is (outputs), y is (n, outputs)
        [Differentiable]
        public static void Dense(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, int n, int inputs, int outputs)
        {
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < outputs; j++)
                {
                    float acc = b[j];
                    for (int k = 0; k < inputs; k++)
                    {
                        acc += x[i * inputs + k] * w[k * outputs + j];
                    }

                    y[i * outputs + j] = acc;
                }
            }
        }

        // x and h are (rows, d)
        [Differentiable]
        public static void MeanSubtract(ReadOnlySpan<float> x, Span<float> h, int rows, int d)
        {
            for (int r = 0; r < rows; r++)
            {
                float mean = 0;
                for (int k = 0; k < d; k++)
                {
                    mean += x[r * d + k];
                }

                mean /= d;
                for (int i = 0; i < d; i++)
                {
                    h[r * d + i] = x[r * d + i] - mean;
                }
            }
        }

        // s is (n, c); the mean over the batch of −log softmax(s)[label]
        [Differentiable]
        public static float SoftmaxCrossEntropy(ReadOnlySpan<float> s, ReadOnlySpan<int> labels, int n, int c)
        {
            float loss = 0;
            for (int i = 0; i < n; i++)
            {
                float max = s[i * c];
                for (int j = 1; j < c; j++)
                {
                    max = MathF.Max(max, s[i * c + j]);
                }

                float sum = 0;
                for (int j = 0; j < c; j++)
                {
                    sum += MathF.Exp(s[i * c + j] - max);
                }

                loss += -s[i * c + labels[i]] + max + MathF.Log(sum);
            }

            return loss / n;
        }

        // x is (channels, height, width), w is (filters, channels, k, k), y is (filters, outH, outW); stride 1, no padding
        [Differentiable]
        public static void Conv2D(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y,
            int channels, int height, int width, int filters, int k)
        {
            int outH = height - k + 1, outW = width - k + 1;
            for (int f = 0; f < filters; f++)
            {
                for (int oh = 0; oh < outH; oh++)
                {
                    for (int ow = 0; ow < outW; ow++)
                    {
                        float acc = b[f];
                        for (int c = 0; c < channels; c++)
                        {
                            for (int kh = 0; kh < k; kh++)
                            {
                                for (int kw = 0; kw < k; kw++)
                                {
                                    acc += x[(c * height + oh + kh) * width + ow + kw] * w[((f * channels + c) * k + kh) * k + kw];
                                }
                            }
                        }

                        y[(f * outH + oh) * outW + ow] = acc;
                    }
                }
            }
        }
    }
}
