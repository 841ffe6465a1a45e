using System;

namespace SymGrad.Benchmarks
{
    /// <summary>
    /// The same backward passes written by hand with the same loops, as a careful person would: the baseline the
    /// generated code is measured against.
    /// </summary>
    public static class HandWritten
    {
        public static void DenseBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> dy,
            Span<float> dx, Span<float> dw, Span<float> db, int n, int inputs, int outputs)
        {
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < outputs; j++)
                {
                    float g = dy[i * outputs + j];
                    db[j] += g;
                    for (int k = 0; k < inputs; k++)
                    {
                        dx[i * inputs + k] += g * w[k * outputs + j];
                        dw[k * outputs + j] += g * x[i * inputs + k];
                    }
                }
            }
        }

        public static void MeanSubtractBackward(ReadOnlySpan<float> dh, Span<float> dx, int rows, int d)
        {
            for (int r = 0; r < rows; r++)
            {
                float mean = 0;
                for (int k = 0; k < d; k++)
                {
                    mean += dh[r * d + k];
                }

                mean /= d;
                for (int i = 0; i < d; i++)
                {
                    dx[r * d + i] += dh[r * d + i] - mean;
                }
            }
        }

        public static void SoftmaxCrossEntropyBackward(ReadOnlySpan<float> s, ReadOnlySpan<int> labels, Span<float> ds, int n, int c)
        {
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

                for (int j = 0; j < c; j++)
                {
                    ds[i * c + j] += MathF.Exp(s[i * c + j] - max) / sum / n;
                }

                ds[i * c + labels[i]] -= 1f / n;
            }
        }

        public static void Conv2DBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> dy,
            Span<float> dx, Span<float> dw, Span<float> db, int channels, int height, int width, int filters, int k)
        {
            int outH = height - k + 1, outW = width - k + 1;
            for (int f = 0; f < filters; f++)
            {
                for (int oh = 0; oh < outH; oh++)
                {
                    for (int ow = 0; ow < outW; ow++)
                    {
                        float g = dy[(f * outH + oh) * outW + ow];
                        db[f] += g;
                        for (int c = 0; c < channels; c++)
                        {
                            for (int kh = 0; kh < k; kh++)
                            {
                                for (int kw = 0; kw < k; kw++)
                                {
                                    dx[(c * height + oh + kh) * width + ow + kw] += g * w[((f * channels + c) * k + kh) * k + kw];
                                    dw[((f * channels + c) * k + kh) * k + kw] += g * x[(c * height + oh + kh) * width + ow + kw];
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
