using System;
using System.Linq;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;
using C = SymGrad.RuntimeTests.Language.GradBenchCases;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// GradBench's bundle adjustment, k-means and Gaussian mixture evals (GradBenchCases) in the modes those evals ask for:
    /// the reprojection error's 2 × 15 Jacobian (MJacobian, MTangent), k-means' gradient and Hessian diagonal (a Newton
    /// step), the mixture's gradient, Hessian-vector product and Hessian — each against central differences.
    /// </summary>
    public class GradBenchTests
    {
        private const double H = 1e-6;

        /// <summary>A camera looking down z at points in front of it: rotation, centre, focal length, principal point, distortion.</summary>
        private static double[] Camera(Random rng, bool rotated) => new[]
        {
            rotated ? 0.3 * (rng.NextDouble() - 0.5) : 0, rotated ? 0.3 * (rng.NextDouble() - 0.5) : 0, rotated ? 0.3 * (rng.NextDouble() - 0.5) : 0,
            0.2 * (rng.NextDouble() - 0.5), 0.2 * (rng.NextDouble() - 0.5), -3 - rng.NextDouble(),
            400 + (100 * rng.NextDouble()), 0.1 * rng.NextDouble(), 0.1 * rng.NextDouble(), 0.01 * rng.NextDouble(), 0.001 * rng.NextDouble(),
        };

        [Theory]
        [MemberData(nameof(SeedData))]
        public void BundleAdjustmentsReprojectionJacobian(int seed)
        {
            var rng = new Random(seed);
            foreach (bool rotated in new[] { true, false }) // θ = 0 takes the Rodrigues formula's first-order branch
            {
                double[] cam = Camera(rng, rotated), x = { rng.NextDouble() - 0.5, rng.NextDouble() - 0.5, 1 + rng.NextDouble() }, feat = { 3 * rng.NextDouble(), 3 * rng.NextDouble() };
                double w = 0.5 + rng.NextDouble();
                double[] err = new double[2], jacobian = new double[2 * 15];
                C.ReprojectionErrorJacobian(cam, x, w, feat, err, jacobian); // 2 rows < 15 columns: two backward passes
                double[] at = cam.Concat(x).Append(w).ToArray();
                double[] Err(double[] v)
                {
                    double[] e = new double[2];
                    C.ReprojectionError(v.AsSpan(0, 11), v.AsSpan(11, 3), v[14], feat, e);
                    return e;
                }

                Assert.Equal(Err(at), err);
                for (int j = 0; j < 15; j++)
                {
                    double[] up = (double[])at.Clone(), down = (double[])at.Clone();
                    double step = H * Math.Max(1, Math.Abs(at[j]));
                    up[j] += step;
                    down[j] -= step;
                    double[] eu = Err(up), ed = Err(down);
                    for (int i = 0; i < 2; i++)
                    {
                        double numeric = (eu[i] - ed[i]) / (2 * step);
                        Assert.True(Math.Abs(jacobian[(i * 15) + j] - numeric) <= 1e-5 * (1 + Math.Abs(numeric)), $"θ {(rotated ? "≠" : "=")} 0: J[{i}, {j}] = {jacobian[(i * 15) + j]}, central differences {numeric}");
                    }

                    // Column j by forward mode: the tangent along the j-th input.
                    double[] unit = new double[15], terr = new double[2], e2 = new double[2];
                    unit[j] = 1;
                    C.ReprojectionErrorTangent(cam, x, w, feat, e2, unit.AsSpan(0, 11), unit.AsSpan(11, 3), unit[14], terr);
                    for (int i = 0; i < 2; i++) Assert.Equal(jacobian[(i * 15) + j], terr[i], 9);
                }
            }
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void KMeansNewtonStep(int seed)
        {
            var rng = new Random(seed);
            const int n = 12, k = 3, d = 2;
            double[] points = Random(rng, n * d, -2, 2), centroids = Random(rng, k * d, -1, 1), gradient = new double[k * d];
            C.KMeansGradient(points, centroids, d, gradient);
            Verify(() => C.KMeans(points, centroids, d), Param("centroids", centroids, gradient));

            // The Hessian is diagonal: 2·(the points nearest to centroid j) on each of its coordinates.
            double[] hessian = new double[(k * d) * (k * d)];
            C.KMeansHessian(points, centroids, d, hessian);
            int[] count = new int[k];
            for (int i = 0; i < n; i++)
            {
                count[Enumerable.Range(0, k).OrderBy(j => Enumerable.Range(0, d).Sum(l => Math.Pow(points[(i * d) + l] - centroids[(j * d) + l], 2))).First()]++;
            }

            for (int r = 0; r < k * d; r++)
            {
                for (int c = 0; c < k * d; c++) Assert.Equal(r == c ? 2.0 * count[r / d] : 0, hessian[(r * k * d) + c]);
            }

            // GradBench's output: the Newton direction, gradient ÷ Hessian diagonal — by MHessianVector along the ones.
            double[] ones = Enumerable.Repeat(1.0, k * d).ToArray(), diagonal = new double[k * d];
            C.KMeansHessianVector(points, centroids, d, ones, diagonal);
            for (int r = 0; r < k * d; r++) Assert.Equal(hessian[(r * k * d) + r], diagonal[r]);
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void GaussianMixtureInEveryMode(int seed)
        {
            var rng = new Random(seed);
            const int n = 6, k = 3, d = 2, size = k + (2 * k * d);
            double[] alpha = Random(rng, k), means = Random(rng, k * d), q = Random(rng, k * d, -0.5, 0.5), x = Random(rng, n * d, -2, 2);
            double[] dalpha = new double[k], dmeans = new double[k * d], dq = new double[k * d];
            double value = C.GaussianMixtureGradient(alpha, means, q, x, d, dalpha, dmeans, dq);
            Assert.Equal(C.GaussianMixture(alpha, means, q, x, d), value);
            Verify(() => C.GaussianMixture(alpha, means, q, x, d), Param("alpha", alpha, dalpha), Param("means", means, dmeans), Param("q", q, dq));

            // Forward mode: the gradient along the direction.
            double[] v = Random(rng, size);
            double tangent = C.GaussianMixtureTangent(alpha, means, q, x, d, v.AsSpan(0, k), v.AsSpan(k, k * d), v.AsSpan(k + (k * d)));
            AssertClose(dalpha.Concat(dmeans).Concat(dq).Zip(v, (g, t) => g * t).Sum(), tangent);

            // H·v against central differences of the gradient, and the dense Hessian: symmetric, its rows times v the product.
            double[] hv = new double[size];
            C.GaussianMixtureHessianVector(alpha, means, q, x, d, v.AsSpan(0, k), v.AsSpan(k, k * d), v.AsSpan(k + (k * d)), hv.AsSpan(0, k), hv.AsSpan(k, k * d), hv.AsSpan(k + (k * d)));
            double[] GradientAt(double step)
            {
                double[] at = alpha.Concat(means).Concat(q).Zip(v, (p, t) => p + (step * t)).ToArray(), g = new double[size];
                C.GaussianMixtureGradient(at.AsSpan(0, k), at.AsSpan(k, k * d), at.AsSpan(k + (k * d)), x, d, g.AsSpan(0, k), g.AsSpan(k, k * d), g.AsSpan(k + (k * d)));
                return g;
            }

            double[] up = GradientAt(1e-5), down = GradientAt(-1e-5);
            for (int i = 0; i < size; i++) Assert.True(Math.Abs(((up[i] - down[i]) / 2e-5) - hv[i]) <= 1e-5 * (1 + Math.Abs(hv[i])), $"H·v[{i}] = {hv[i]}, central differences {(up[i] - down[i]) / 2e-5}");

            double[] hessian = new double[size * size];
            C.GaussianMixtureHessian(alpha, means, q, x, d, hessian);
            for (int i = 0; i < size; i++)
            {
                AssertClose(hv[i], Enumerable.Range(0, size).Sum(j => hessian[(i * size) + j] * v[j]));
                for (int j = 0; j < i; j++) AssertClose(hessian[(i * size) + j], hessian[(j * size) + i]);
            }

            // Shifting every alpha by one constant leaves the mixture's weights, so the value, as they were: H·1 on alpha is 0.
            double[] shift = new double[size], hshift = new double[size];
            for (int j = 0; j < k; j++) shift[j] = 1;
            C.GaussianMixtureHessianVector(alpha, means, q, x, d, shift.AsSpan(0, k), shift.AsSpan(k, k * d), shift.AsSpan(k + (k * d)), hshift.AsSpan(0, k), hshift.AsSpan(k, k * d), hshift.AsSpan(k + (k * d)));
            foreach (double h in hshift) Assert.True(Math.Abs(h) <= 1e-10, $"H·(1, 0, 0) = {h}");
            Assert.True(Math.Abs(dalpha.Sum()) <= 1e-10, $"Σ dalpha = {dalpha.Sum()}");
        }

        /// <summary>
        /// GradBench's "ode" (RK4 with its stages in output buffers, read back in each step): y(2) against the closed form,
        /// the last element's gradient and its Hessian-vector product against central differences, MJacobian of all of
        /// y(2) (forward sweeps: 4 inputs, 24 rows) against the gradient, and MTangent against the backward.
        /// </summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void OdeByRungeKutta(int seed)
        {
            var rng = new Random(seed);
            const int n = 4, s = 20;
            double[] x = Enumerable.Range(0, n).Select(_ => 0.5 + rng.NextDouble()).ToArray();
            double[][] Buffers() => Enumerable.Range(0, 6).Select(_ => new double[n]).ToArray();
            double Last(double[] at)
            {
                var b = Buffers();
                return C.OdeLast(at, s, b[0], b[1], b[2], b[3], b[4], b[5]);
            }

            var buffers = Buffers();
            double[] gradient = new double[n];
            double last = C.OdeLastGradient(x, s, buffers[0], buffers[1], buffers[2], buffers[3], buffers[4], buffers[5], gradient);
            double product = 1;
            for (int i = 0; i < n; i++)
            {
                product *= x[i];
                double factorial = Enumerable.Range(1, i + 1).Aggregate(1.0, (f, k) => f * k);
                Assert.True(Math.Abs(buffers[0][i] - (product * Math.Pow(2, i + 1) / factorial)) <= 1e-4 * product, $"y[{i}] = {buffers[0][i]}");
            }

            Assert.Equal(buffers[0][n - 1], last);
            double[] v = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray(), hv = new double[n];
            var b2 = Buffers();
            C.OdeLastHessianVector(x, s, b2[0], b2[1], b2[2], b2[3], b2[4], b2[5], v, hv);
            double[] GradientAt(double step)
            {
                var b = Buffers();
                double[] g = new double[n];
                C.OdeLastGradient(x.Select((xi, i) => xi + (step * v[i])).ToArray(), s, b[0], b[1], b[2], b[3], b[4], b[5], g);
                return g;
            }

            double[] up = GradientAt(H), down = GradientAt(-H);
            for (int i = 0; i < n; i++)
            {
                double[] plus = (double[])x.Clone(), minus = (double[])x.Clone();
                plus[i] += H;
                minus[i] -= H;
                AssertClose((Last(plus) - Last(minus)) / (2 * H), gradient[i]);
                Assert.True(Math.Abs(((up[i] - down[i]) / (2 * H)) - hv[i]) <= 1e-5 * (1 + Math.Abs(hv[i])), $"(H·v)[{i}] = {hv[i]}, central differences {(up[i] - down[i]) / (2 * H)}");
            }

            // All of y(2): its Jacobian (rows y, k1…k4, t), the last row the gradient above; the tangent along v its product with v.
            var b3 = Buffers();
            double[] jacobian = new double[6 * n * n];
            C.OdeJacobian(x, s, b3[0], b3[1], b3[2], b3[3], b3[4], b3[5], jacobian);
            for (int j = 0; j < n; j++)
            {
                AssertClose(gradient[j], jacobian[((n - 1) * n) + j]); // forward sweeps against the backward: equal up to rounding
            }

            var b4 = Buffers();
            var tangents = Buffers();
            C.OdeTangent(x, s, b4[0], b4[1], b4[2], b4[3], b4[4], b4[5], v, tangents[0], tangents[1], tangents[2], tangents[3], tangents[4], tangents[5]);
            for (int row = 0; row < n; row++)
            {
                AssertClose(Enumerable.Range(0, n).Sum(j => jacobian[(row * n) + j] * v[j]), tangents[0][row]);
            }
        }

        public static TheoryData<int> SeedData() => new(Seeds);
    }
}
