using System;

namespace SymGrad.RuntimeTests.Catalogue
{
    /// <summary>Catalogue 6–11, 15–16, 20, 24: layers and losses over row-major spans, written forward-only.</summary>
    public static partial class Layers
    {
        // 6. dense layer. x is (n, inputs), w is (inputs, outputs), b is (outputs), y is (n, outputs).
        [Differentiable]
        public static void Dense(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, Span<double> y,
            int n, int inputs, int outputs)
        {
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < outputs; j++)
                {
                    double acc = b[j];
                    for (int k = 0; k < inputs; k++)
                    {
                        acc += x[i * inputs + k] * w[k * outputs + j];
                    }

                    y[i * outputs + j] = acc;
                }
            }
        }

        // 7. squared norm of a product: f = ‖Wx‖². w is (rows, cols), x is (cols).
        [Differentiable]
        public static double SquaredNorm(ReadOnlySpan<double> w, ReadOnlySpan<double> x, int rows, int cols)
        {
            double f = 0;
            for (int i = 0; i < rows; i++)
            {
                double q = 0;
                for (int j = 0; j < cols; j++)
                {
                    q += w[i * cols + j] * x[j];
                }

                f += q * q;
            }

            return f;
        }

        // 8. mean subtraction per row: h_i = x_i − (1/D) Σ_k x_k. x and h are (rows, d).
        [Differentiable]
        public static void MeanSubtract(ReadOnlySpan<double> x, Span<double> h, int rows, int d)
        {
            for (int r = 0; r < rows; r++)
            {
                double mean = 0;
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

        // 9. Euclidean loss: L = (1/N) Σ_i ½ Σ_j (z_ij − y_ij)². z and y are (n, d).
        [Differentiable]
        public static double EuclideanLoss(ReadOnlySpan<double> z, ReadOnlySpan<double> y, int n, int d)
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    double diff = z[i * d + j] - y[i * d + j];
                    sum += 0.5 * diff * diff;
                }
            }

            return sum / n;
        }

        // 10. softmax + cross-entropy, mean over the batch, computed stably. s is (n, c).
        [Differentiable]
        public static double SoftmaxCrossEntropy(ReadOnlySpan<double> s, ReadOnlySpan<int> labels, int n, int c)
        {
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                double max = s[i * c];
                for (int j = 1; j < c; j++)
                {
                    max = Math.Max(max, s[i * c + j]);
                }

                double sum = 0;
                for (int j = 0; j < c; j++)
                {
                    sum += Math.Exp(s[i * c + j] - max);
                }

                loss += -s[i * c + labels[i]] + max + Math.Log(sum);
            }

            return loss / n;
        }

        // 11. negative log-likelihood of a probability vector, and binary cross-entropy.
        [Differentiable]
        public static double NegativeLogLikelihood(ReadOnlySpan<double> p, int y) => -Math.Log(p[y]);

        [Differentiable]
        public static double BinaryCrossEntropy(ReadOnlySpan<double> p, [NoDerivative] ReadOnlySpan<double> z)
        {
            double loss = 0;
            for (int j = 0; j < p.Length; j++)
            {
                loss -= z[j] * Math.Log(p[j]) + (1 - z[j]) * Math.Log(1 - p[j]);
            }

            return loss;
        }

        // 15. two-layer network with an L2 loss, composed of other differentiable layers.
        [Differentiable]
        public static double TwoLayer(
            ReadOnlySpan<double> x, ReadOnlySpan<double> w1, ReadOnlySpan<double> b1, ReadOnlySpan<double> w2, ReadOnlySpan<double> b2,
            [NoDerivative] ReadOnlySpan<double> target, Span<double> a1, Span<double> h1, Span<double> a2, Span<double> p,
            int n, int inputs, int hidden, int outputs)
        {
            Dense(x, w1, b1, a1, n, inputs, hidden);
            Activations.Sigmoid(a1, h1);
            Dense(h1, w2, b2, a2, n, hidden, outputs);
            Activations.Sigmoid(a2, p);
            double loss = 0;
            for (int i = 0; i < p.Length; i++)
            {
                double e = p[i] - target[i];
                loss += e * e;
            }

            return loss;
        }

        // 16. two-layer softmax classifier for one example: x → W1 → sigmoid → W2 → softmax → −log p_y.
        [Differentiable]
        public static double SoftmaxClassifier(ReadOnlySpan<double> x, ReadOnlySpan<double> w1, ReadOnlySpan<double> w2, int y,
            Span<double> h, int inputs, int hidden, int classes)
        {
            for (int j = 0; j < hidden; j++)
            {
                double a = 0;
                for (int k = 0; k < inputs; k++)
                {
                    a += x[k] * w1[k * hidden + j];
                }

                h[j] = 1.0 / (1.0 + Math.Exp(-a));
            }

            double sum = 0, sy = 0;
            for (int c = 0; c < classes; c++)
            {
                double s = 0;
                for (int j = 0; j < hidden; j++)
                {
                    s += h[j] * w2[j * classes + c];
                }

                sum += Math.Exp(s);
                if (c == y)
                {
                    sy = s;
                }
            }

            return -sy + Math.Log(sum);
        }

        // 20. contrastive loss for one pair: l = 1 pulls together, l = 0 pushes apart up to the margin.
        [Differentiable]
        public static double Contrastive(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int label,
            [NoDerivative] double margin, [NoDerivative] double positives, [NoDerivative] double negatives)
        {
            double d2 = 0;
            for (int i = 0; i < a.Length; i++)
            {
                double diff = a[i] - b[i];
                d2 += diff * diff;
            }

            if (label == 1)
            {
                return d2 / positives;
            }

            double d = Math.Sqrt(d2);
            double m = Math.Max(0, margin - d);
            return m * m / negatives;
        }

        // 24. batch normalisation, training mode. x and y are (n, d); gamma and beta are (d).
        [Differentiable]
        public static void BatchNorm(ReadOnlySpan<double> x, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta, Span<double> y,
            int n, int d, [NoDerivative] double eps)
        {
            for (int j = 0; j < d; j++)
            {
                double mean = 0;
                for (int i = 0; i < n; i++)
                {
                    mean += x[i * d + j];
                }

                mean /= n;
                double variance = 0;
                for (int i = 0; i < n; i++)
                {
                    double centered = x[i * d + j] - mean;
                    variance += centered * centered;
                }

                variance /= n;
                double inv = 1 / Math.Sqrt(variance + eps);
                for (int i = 0; i < n; i++)
                {
                    y[i * d + j] = gamma[j] * ((x[i * d + j] - mean) * inv) + beta[j];
                }
            }
        }
    }
}
