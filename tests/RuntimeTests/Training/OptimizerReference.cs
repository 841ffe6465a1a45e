using System;

namespace SymGrad.RuntimeTests.Training
{
    /// <summary>
    /// Straightforward scalar, double-precision versions of each update, written from the formulas (PyTorch's
    /// documentation of SGD, SGD with momentum, Adam and AdamW), as the oracles for the vectorised optimizers.
    /// </summary>
    internal static class OptimizerReference
    {
        public static void Sgd(double[] p, double[] g, double lr, double wd)
        {
            for (int i = 0; i < p.Length; i++)
            {
                p[i] -= lr * (g[i] + wd * p[i]);
            }
        }

        public static void Momentum(double[] p, double[] g, double[] v, double lr, double mu, double wd, bool nesterov)
        {
            for (int i = 0; i < p.Length; i++)
            {
                double gi = g[i] + wd * p[i];
                v[i] = mu * v[i] + gi;
                double update = nesterov ? gi + mu * v[i] : v[i];
                p[i] -= lr * update;
            }
        }

        public static void Adam(
            double[] p, double[] g, double[] m, double[] v, int t,
            double lr, double b1, double b2, double eps, double wd, bool decoupled)
        {
            for (int i = 0; i < p.Length; i++)
            {
                double gi = g[i];
                if (decoupled)
                {
                    p[i] *= 1 - lr * wd;
                }
                else
                {
                    gi += wd * p[i];
                }

                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                double mHat = m[i] / (1 - Math.Pow(b1, t));
                double vHat = v[i] / (1 - Math.Pow(b2, t));
                p[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
        }
    }
}
