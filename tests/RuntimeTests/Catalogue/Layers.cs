using System;

namespace SymGrad.RuntimeTests.Catalogue
{
    public static partial class Layers
    {
        // 6. dense layer: x is (n, inputs), w is (inputs, outputs), b is (outputs), y is (n, outputs)
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

        // 23. loop-carried product
        [Differentiable]
        public static double Product(ReadOnlySpan<double> x)
        {
            double p = 1;
            for (int i = 0; i < x.Length; i++)
            {
                p *= x[i];
            }

            return p;
        }

        // RNN-like loop-carried tanh
        [Differentiable]
        public static double Recurrence(ReadOnlySpan<double> x, double a)
        {
            double h = 0;
            for (int t = 0; t < x.Length; t++)
            {
                h = Math.Tanh(a * h + x[t]);
            }

            return h;
        }
    }
}
