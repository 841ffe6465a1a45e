using System;
using System.Linq;
using Xunit;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// MJacobian and MHessian of methods mixing float and double inputs and results: double matrices, against the closed
    /// forms (float inputs are exact in double; a float gradient or product is rounded to float, hence the tolerance).
    /// </summary>
    public class MixedPrecisionTests
    {
        public static TheoryData<int> Seeds => new() { 1, 2, 3 };

        private static void Close(double expected, double actual, string what)
            => Assert.True(Math.Abs(expected - actual) <= 1e-5 * (1 + Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");

        private static float[] Floats(Random rng, int n) => Enumerable.Range(0, n).Select(_ => (float)((2 * rng.NextDouble()) - 1)).ToArray();

        [Theory]
        [MemberData(nameof(Seeds))]
        public void BlendsJacobianByBackwardPasses(int seed)
        {
            var rng = new Random(seed);
            const int n = 4;
            float[] a = Floats(rng, n);
            double[] b = Floats(rng, n).Select(v => (double)v).ToArray(), y = new double[n];
            float s = (float)rng.NextDouble();
            int columns = (2 * n) + 1;
            var jacobian = new double[(n + 1) * columns];
            MixedPrecisionCases.BlendJacobian(a, b, s, y, jacobian);
            for (int i = 0; i < n; i++)
            {
                Close((s * a[i]) + (b[i] * b[i]), y[i], $"y[{i}]");
                Close((2 * s * a[i]) + (b[i] * b[i]), jacobian[i], $"∂r/∂a[{i}]");
                Close(2 * b[i] * a[i], jacobian[n + i], $"∂r/∂b[{i}]");
                for (int j = 0; j < n; j++)
                {
                    Close(i == j ? s : 0, jacobian[((1 + i) * columns) + j], $"∂y[{i}]/∂a[{j}]");
                    Close(i == j ? 2 * b[i] : 0, jacobian[((1 + i) * columns) + n + j], $"∂y[{i}]/∂b[{j}]");
                }

                Close(a[i], jacobian[((1 + i) * columns) + (2 * n)], $"∂y[{i}]/∂s");
            }

            Close(a.Sum(v => (double)v * v), jacobian[2 * n], "∂r/∂s");
        }

        [Theory]
        [MemberData(nameof(Seeds))]
        public void OutersJacobianByForwardPasses(int seed)
        {
            var rng = new Random(seed);
            const int n = 3;
            float[] a = Floats(rng, n);
            double k = rng.NextDouble() + 0.5;
            var y = new double[n * n];
            var jacobian = new double[n * n * (n + 1)];
            MixedPrecisionCases.OuterJacobian(a, k, y, jacobian);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    int row = (i * n) + j;
                    Close(k * a[i] * a[j], y[row], $"y[{i},{j}]");
                    for (int p = 0; p < n; p++)
                    {
                        Close(k * ((i == p ? a[j] : 0) + (j == p ? a[i] : 0)), jacobian[(row * (n + 1)) + p], $"∂y[{i},{j}]/∂a[{p}]");
                    }

                    Close((double)a[i] * a[j], jacobian[(row * (n + 1)) + n], $"∂y[{i},{j}]/∂k");
                }
            }
        }

        [Theory]
        [MemberData(nameof(Seeds))]
        public void EnergysHessianAndHessianVectorProduct(int seed)
        {
            var rng = new Random(seed);
            const int n = 3;
            float[] a = Floats(rng, n);
            double k = rng.NextDouble() + 0.5;
            float s = (float)rng.NextDouble();
            int size = n + 2;
            var hessian = new double[size * size];
            MixedPrecisionCases.EnergyHessian(a, k, s, hessian);
            double squares = a.Sum(v => (double)v * v);
            double Expected(int r, int c)
            {
                if (r > c) (r, c) = (c, r);
                return (r, c) switch
                {
                    _ when c < n => r == c ? 2 * k * s : 0,
                    _ when r < n && c == n => 2 * a[r] * s,
                    _ when r < n => 2 * k * a[r],
                    (_, _) when r == n && c == n => 2 * Math.Sin(s),
                    (_, _) when r == n => squares + (2 * k * Math.Cos(s)),
                    _ => -Math.Sin(s) * k * k,
                };
            }

            for (int r = 0; r < size; r++)
            {
                for (int c = 0; c < size; c++)
                {
                    Close(Expected(r, c), hessian[(r * size) + c], $"H[{r},{c}]");
                }
            }

            // One product along a direction, each input's tangent and product of its own type.
            float[] va = Floats(rng, n), hva = new float[n];
            double vk = rng.NextDouble(), hvk = 0;
            float vs = (float)rng.NextDouble(), hvs = 0;
            MixedPrecisionCases.EnergyHessianVector(a, k, s, va, vk, vs, hva, ref hvk, ref hvs);
            double[] v = va.Select(x => (double)x).Append(vk).Append(vs).ToArray();
            double[] hv = hva.Select(x => (double)x).Append(hvk).Append(hvs).ToArray();
            for (int r = 0; r < size; r++)
            {
                Close(Enumerable.Range(0, size).Sum(c => Expected(r, c) * v[c]), hv[r], $"(H·v)[{r}]");
            }
        }
    
        [Fact]
        public void ACallersJacobianGoesThroughTheCallee()
        {
            float[] a = { 0.5f, -0.25f };
            double k = 1.5;
            var jacobian = new double[3];
            MixedPrecisionCases.CallsEnergyJacobian(a, k, jacobian);
            // r = k·E(a, k, ½), E = k·½·Σa² + k²·sin ½: ∂r/∂aᵢ = k²·aᵢ, ∂r/∂k = E + k·(½·Σa² + 2k·sin ½).
            double squares = 0.3125, e = (k * 0.5 * squares) + (k * k * Math.Sin(0.5f));
            Close(k * k * a[0], jacobian[0], "∂r/∂a[0]");
            Close(k * k * a[1], jacobian[1], "∂r/∂a[1]");
            Close(e + (k * ((0.5 * squares) + (2 * k * Math.Sin(0.5f)))), jacobian[2], "∂r/∂k");

            // Its second order goes through Energy's nested methods (EnergyTangentBackward: written for its float span too):
            // r = ½k²·Σa² + k³·sin ½, so ∂²r/∂aᵢ∂aⱼ = k²·δᵢⱼ, ∂²r/∂aᵢ∂k = 2k·aᵢ, ∂²r/∂k² = Σa² + 6k·sin ½.
            var hessian = new double[9];
            MixedPrecisionCases.CallsEnergyHessian(a, k, hessian);
            double[] expected =
            {
                k * k, 0, 2 * k * a[0],
                0, k * k, 2 * k * a[1],
                2 * k * a[0], 2 * k * a[1], squares + (6 * k * Math.Sin(0.5f)),
            };
            for (int i = 0; i < 9; i++)
            {
                Close(expected[i], hessian[i], $"H[{i / 3},{i % 3}]");
            }

            float[] ha = new float[2];
            double hk = 0;
            MixedPrecisionCases.CallsEnergyHessianVector(a, k, new[] { 1f, -2f }, 0.5, ha, ref hk);
            Close((k * k) + (k * a[0]), ha[0], "(H·v)[a0]");
            Close((-2 * k * k) + (k * a[1]), ha[1], "(H·v)[a1]");
            Close((2 * k * a[0]) - (4 * k * a[1]) + (0.5 * (squares + (6 * k * Math.Sin(0.5f)))), hk, "(H·v)[k]");
        }
    
        /// <summary>Two out results, a double and a float: a 2 × 1 Jacobian by one forward pass.</summary>
        [Theory]
        [InlineData(0.7)]
        [InlineData(3.5)]
        public void OutResultsOfBothTypes(double a)
        {
            var jacobian = new double[2];
            ResultCases.SplitJacobian(a, out double lo, out float hi, jacobian);
            float sin = (float)Math.Sin(a);
            Close(a > 3 ? 0 : Math.Cos(a), jacobian[1], "∂hi/∂a");
            Close((2 * a) + (a > 3 ? 0 : Math.Cos(a)), jacobian[0], "∂lo/∂a");
            Assert.Equal(a > 3 ? 1f : sin, hi);
            Assert.Equal(a > 3 ? a * a : (a * a) + sin, lo);
        }

        /// <summary>
        /// A caller's Hessian-vector product through a method writing an output from spans of both real types
        /// (MixedLayerBackwardTangent, each span's tangents of its own type): against central differences of the gradient
        /// (float gradients: a step floats resolve, a float's tolerance), and MHessian's columns against it.
        /// </summary>
        [Fact]
        public void AHessianVectorProductThroughAMixedLayer()
        {
            var rng = new Random(5);
            float[] a = Floats(rng, 3), va = Floats(rng, 3), ha = new float[3];
            double[] w = Enumerable.Range(0, 3).Select(_ => rng.NextDouble() - 0.5).ToArray(), vw = w.Select(x => x + 0.25).ToArray(), hw = new double[3];
            double k = 0.8, vk = -0.6, hk = 0;
            MixedPrecisionCases.CallsMixedLayerHessianVector(a, w, k, new double[3], va, vw, vk, ha, hw, ref hk);
            const double Step = 1e-3;
            (float[] A, double[] W, double K) GradientAt(double h)
            {
                float[] ga = new float[3];
                double[] gw = new double[3];
                double gk = 0;
                MixedPrecisionCases.CallsMixedLayerGradient(a.Select((x, i) => (float)(x + (h * va[i]))).ToArray(), w.Select((x, i) => x + (h * vw[i])).ToArray(), k + (h * vk),
                    new double[3], ga, gw, ref gk);
                return (ga, gw, gk);
            }

            // a moves by floats: a step of 1e-3 along va is what a float resolves to 1e-4 of itself.
            var (up, down) = (GradientAt(Step), GradientAt(-Step));
            void Near(double expected, double actual, string what) => Assert.True(Math.Abs(expected - actual) <= 1e-3 * (1 + Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");
            Near((up.K - down.K) / (2 * Step), hk, "(H·v)[k]");
            for (int i = 0; i < 3; i++)
            {
                Near((up.A[i] - (double)down.A[i]) / (2 * Step), ha[i], $"(H·v)[a{i}]");
                Near((up.W[i] - down.W[i]) / (2 * Step), hw[i], $"(H·v)[w{i}]");
            }

            // MHessian (a double matrix) times v is H·v.
            var hessian = new double[49];
            MixedPrecisionCases.CallsMixedLayerHessian(a, w, k, new double[3], hessian);
            double[] v = va.Select(x => (double)x).Concat(vw).Append(vk).ToArray(), hv = ha.Select(x => (double)x).Concat(hw).Append(hk).ToArray();
            for (int r = 0; r < 7; r++)
            {
                Close(Enumerable.Range(0, 7).Sum(c => hessian[(r * 7) + c] * v[c]), hv[r], $"(H·v)[{r}] by MHessian");
            }
        }
    }
}
