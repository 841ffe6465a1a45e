using System;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// GradBench's evals (the successor of Microsoft's ADBench) written as a user writes them in C#, from the evals'
    /// definitions: bundle adjustment's reprojection error (a Jacobian per observation), k-means' objective (its gradient and
    /// the Hessian's diagonal for a Newton step) and the Gaussian mixture's log-likelihood (a gradient and a Hessian of a
    /// small model). Checked in every mode in GradBenchTests; the saddle and particle evals are in NestedCases.
    /// </summary>
    public static partial class GradBenchCases
    {
        /// <summary>
        /// The reprojection error of one observation (GradBench "ba"): camera = rotation r (Rodrigues, 3), centre C (3), focal
        /// length f, principal point x0 (2), radial distortion κ (2); the point X (3) rotated into the camera's frame, projected,
        /// distorted, and compared with the observed feature, weighted by w: err = w·(f·distort(project(R·(X − C))) + x0 − feat).
        /// </summary>
        [Differentiable]
        public static void ReprojectionError(ReadOnlySpan<double> cam, ReadOnlySpan<double> x, double w, [NoDerivative] ReadOnlySpan<double> feat, Span<double> err)
        {
            double px = x[0] - cam[3], py = x[1] - cam[4], pz = x[2] - cam[5];
            double r0 = cam[0], r1 = cam[1], r2 = cam[2];
            double sqtheta = (r0 * r0) + (r1 * r1) + (r2 * r2);
            double qx, qy, qz;
            if (sqtheta != 0)
            {
                // Rodrigues: X·cos θ + (ω × X)·sin θ + ω·(ω·X)(1 − cos θ), ω the unit axis.
                double theta = Math.Sqrt(sqtheta);
                double cos = Math.Cos(theta), sin = Math.Sin(theta);
                double wx = r0 / theta, wy = r1 / theta, wz = r2 / theta;
                double dot = ((wx * px) + (wy * py) + (wz * pz)) * (1 - cos);
                qx = (px * cos) + (((wy * pz) - (wz * py)) * sin) + (wx * dot);
                qy = (py * cos) + (((wz * px) - (wx * pz)) * sin) + (wy * dot);
                qz = (pz * cos) + (((wx * py) - (wy * px)) * sin) + (wz * dot);
            }
            else
            {
                qx = px + ((r1 * pz) - (r2 * py));
                qy = py + ((r2 * px) - (r0 * pz));
                qz = pz + ((r0 * py) - (r1 * px));
            }

            double ux = qx / qz, uy = qy / qz;
            double rsq = (ux * ux) + (uy * uy);
            double distortion = 1 + (cam[9] * rsq) + (cam[10] * rsq * rsq);
            err[0] = w * ((cam[6] * ux * distortion) + cam[7] - feat[0]);
            err[1] = w * ((cam[6] * uy * distortion) + cam[8] - feat[1]);
        }

        /// <summary>
        /// k-means' objective (GradBench "kmeans"): the sum over the points of the squared distance to the nearest centroid. Its
        /// Hessian in the centroids is diagonal, 2·(points nearest to the centroid) on its coordinates: Newton's step
        /// divides the gradient by it.
        /// </summary>
        [Differentiable]
        public static double KMeans([NoDerivative] ReadOnlySpan<double> points, ReadOnlySpan<double> centroids, int d)
        {
            int n = points.Length / d, k = centroids.Length / d;
            double total = 0;
            for (int i = 0; i < n; i++)
            {
                double best = double.PositiveInfinity;
                for (int j = 0; j < k; j++)
                {
                    double distance = 0;
                    for (int l = 0; l < d; l++)
                    {
                        double e = points[(i * d) + l] - centroids[(j * d) + l];
                        distance += e * e;
                    }

                    if (distance < best)
                    {
                        best = distance;
                    }
                }

                total += best;
            }

            return total;
        }

        /// <summary>
        /// The negative log-likelihood of a Gaussian mixture with diagonal precisions (GradBench "gmm" with its off-diagonal
        /// factors zero and no Wishart prior): weights by a softmax of alpha, component j's precision exp(q_j) per coordinate.
        /// −Σᵢ log Σⱼ exp(αⱼ + Σ q_j − ½‖exp(q_j) ⊙ (xᵢ − μⱼ)‖²) + n·log Σⱼ exp(αⱼ), each log-sum-exp shifted by its maximum.
        /// </summary>
        [Differentiable]
        public static double GaussianMixture(ReadOnlySpan<double> alpha, ReadOnlySpan<double> means, ReadOnlySpan<double> q, [NoDerivative] ReadOnlySpan<double> x, int d)
        {
            int k = alpha.Length, n = x.Length / d;
            double total = 0;
            for (int i = 0; i < n; i++)
            {
                double top = double.NegativeInfinity;
                for (int j = 0; j < k; j++)
                {
                    top = Math.Max(top, Component(alpha, means, q, x, i, j, d));
                }

                double sum = 0;
                for (int j = 0; j < k; j++)
                {
                    sum += Math.Exp(Component(alpha, means, q, x, i, j, d) - top);
                }

                total -= Math.Log(sum) + top;
            }

            double amax = double.NegativeInfinity;
            for (int j = 0; j < k; j++)
            {
                amax = Math.Max(amax, alpha[j]);
            }

            double asum = 0;
            for (int j = 0; j < k; j++)
            {
                asum += Math.Exp(alpha[j] - amax);
            }

            return total + (n * (Math.Log(asum) + amax));
        }

        /// <summary>Component j's log-density at point i, up to a constant: αⱼ + Σ q_j − ½‖exp(q_j) ⊙ (xᵢ − μⱼ)‖².</summary>
        [Differentiable]
        public static double Component(ReadOnlySpan<double> alpha, ReadOnlySpan<double> means, ReadOnlySpan<double> q, [NoDerivative] ReadOnlySpan<double> x, int i, int j, int d)
        {
            double logDet = 0, norm = 0;
            for (int l = 0; l < d; l++)
            {
                double z = Math.Exp(q[(j * d) + l]) * (x[(i * d) + l] - means[(j * d) + l]);
                logDet += q[(j * d) + l];
                norm += z * z;
            }

            return alpha[j] + logDet - (0.5 * norm);
        }

        /// <summary>GradBench "ode"'s right-hand side: z₀ = x₀, zᵢ = xᵢ·yᵢ₋₁.</summary>
        [Differentiable]
        public static void OdeRate(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> z)
        {
            z[0] = x[0];
            for (int i = 1; i < z.Length; i++)
            {
                z[i] = x[i] * y[i - 1];
            }
        }

        /// <summary>
        /// GradBench "ode": y(2) from y(0) = 0 by s steps of the classical Runge–Kutta method, the stages k1…k4 and the stage
        /// point t in buffers the caller passes (outputs the method writes and reads back in each step). The solution is
        /// yᵢ(τ) = x₀⋯xᵢ·τ^(i+1)/(i+1)!, which the steps follow up to O(h⁴).
        /// </summary>
        [Differentiable]
        public static void Ode(ReadOnlySpan<double> x, int s, Span<double> y, Span<double> k1, Span<double> k2, Span<double> k3, Span<double> k4, Span<double> t)
        {
            double h = 2.0 / s;
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = 0;
            }

            for (int step = 0; step < s; step++)
            {
                OdeRate(x, y, k1);
                for (int i = 0; i < y.Length; i++)
                {
                    t[i] = y[i] + (h * k1[i] / 2);
                }

                OdeRate(x, t, k2);
                for (int i = 0; i < y.Length; i++)
                {
                    t[i] = y[i] + (h * k2[i] / 2);
                }

                OdeRate(x, t, k3);
                for (int i = 0; i < y.Length; i++)
                {
                    t[i] = y[i] + (h * k3[i]);
                }

                OdeRate(x, t, k4);
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] += h * (k1[i] + (2 * k2[i]) + (2 * k3[i]) + k4[i]) / 6;
                }
            }
        }

        /// <summary>The "ode" eval's objective: the last element of y(2), whose gradient GradBench asks for.</summary>
        [Differentiable]
        public static double OdeLast(ReadOnlySpan<double> x, int s, Span<double> y, Span<double> k1, Span<double> k2, Span<double> k3, Span<double> k4, Span<double> t)
        {
            Ode(x, s, y, k1, k2, k3, k4, t);
            return y[y.Length - 1];
        }
    }
}
