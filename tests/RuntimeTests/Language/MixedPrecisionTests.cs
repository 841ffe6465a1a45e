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
    }
}
