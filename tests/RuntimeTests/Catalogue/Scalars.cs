using System;

namespace SymGrad.RuntimeTests.Catalogue
{
    /// <summary>Catalogue 1–3, 12–14, 21, 23: scalar functions and losses, written forward-only.</summary>
    public static partial class Scalars
    {
        // 1. computational-graph toy: f = (x + y)·z
        [Differentiable]
        public static double Toy(double x, double y, double z) => (x + y) * z;

        // 2. multiply gate
        [Differentiable]
        public static double Multiply(double x, double y) => x * y;

        // 3. sigmoid neuron (the SPEC example)
        [Differentiable]
        public static double Neuron(double w0, double x0, double w1, double x1, double w2)
            => 1.0 / (1.0 + Math.Exp(-(w0 * x0 + w1 * x1 + w2)));

        // 12. binary hinge loss, y = ±1
        [Differentiable]
        public static double Hinge(double s, [NoDerivative] double y) => Math.Max(0, 1 - y * s);

        // 12. multiclass SVM loss
        [Differentiable]
        public static double MulticlassSvm(ReadOnlySpan<double> s, int y)
        {
            double loss = 0;
            for (int j = 0; j < s.Length; j++)
            {
                if (j == y)
                {
                    continue;
                }

                loss += Math.Max(0, s[j] - s[y] + 1);
            }

            return loss;
        }

        // 13. regression losses
        [Differentiable]
        public static double SquaredError(double y, double s) => (y - s) * (y - s);

        [Differentiable]
        public static double AbsoluteError(double y, double s) => Math.Abs(y - s);

        // 14. regularisers
        [Differentiable]
        public static double L2(ReadOnlySpan<double> w)
        {
            double sum = 0;
            for (int i = 0; i < w.Length; i++)
            {
                sum += w[i] * w[i];
            }

            return sum;
        }

        [Differentiable]
        public static double L1(ReadOnlySpan<double> w)
        {
            double sum = 0;
            for (int i = 0; i < w.Length; i++)
            {
                sum += Math.Abs(w[i]);
            }

            return sum;
        }

        [Differentiable]
        public static double ElasticNet(ReadOnlySpan<double> w, [NoDerivative] double beta)
        {
            double sum = 0;
            for (int i = 0; i < w.Length; i++)
            {
                sum += beta * w[i] * w[i] + Math.Abs(w[i]);
            }

            return sum;
        }

        // 21. Bhattacharyya coefficient
        [Differentiable]
        public static double Bhattacharyya(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
        {
            double bc = 0;
            for (int i = 0; i < p.Length; i++)
            {
                bc += Math.Sqrt(p[i] * q[i]);
            }

            return bc;
        }

        // 23. loop-carried product: ∂p/∂x_i = Π_{k≠i} x_k, also with zeros
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

        // 23. loop-carried power: t = x^n
        [Differentiable]
        public static double Power(double x, int n)
        {
            double t = 1;
            for (int i = 0; i < n; i++)
            {
                t *= x;
            }

            return t;
        }

        // A recurrence: h = tanh(a·h + x_t), the loop-carried non-linear update of an RNN.
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

        // Every Math function of the subset, locals overwritten, a variable used several times.
        [Differentiable]
        public static double Elementary(double x, double y)
        {
            double a = Math.Sin(x) * Math.Cos(y) + Math.Exp(x * y);
            double b = Math.Log(a * a + 1), c = Math.Sqrt(b + 2);
            a = Math.Pow(c, 3) + Math.Pow(x * x + 1, y) + Math.Min(a, b) - Math.Max(x, y);
            a -= Math.Tanh(a) * 0.5;
            a /= c;
            return a > 0 ? a * x : -a * y;
        }

        // Early return inside a loop, break, and a float/double mix.
        [Differentiable]
        public static double FirstAbove(ReadOnlySpan<double> x, double threshold)
        {
            double acc = 0;
            for (int i = 0; i < x.Length; i++)
            {
                if (x[i] > threshold)
                {
                    return acc * x[i];
                }

                acc += x[i] * x[i];
                if (acc > 100)
                {
                    break;
                }
            }

            return acc;
        }

        [Differentiable]
        public static float Mixed(float x, double y) => (float)(x * y) + MathF.Exp(x) * (float)Math.Sin(y);
    }
}
