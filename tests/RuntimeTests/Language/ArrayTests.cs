using System;
using System.Linq;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;
using C = SymGrad.RuntimeTests.Language.ArrayCases;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Array parameters: the generated gradients against central differences (double), the float version against the
    /// double one, arrays passed on to methods taking arrays or spans, and an array output the backward must copy.
    /// </summary>
    public class ArrayTests
    {
        [Theory]
        [MemberData(nameof(SeedData))]
        public void LogisticLoss(int seed)
        {
            var rng = new Random(seed);
            int n = 6, d = 3;
            double[] w = Random(rng, d), X = Random(rng, n * d, -2, 2), y = Enumerable.Range(0, n).Select(_ => (double)rng.Next(2)).ToArray();
            double[] dw = new double[d], dX = new double[n * d], dy = new double[n];
            double loss = C.LogisticLossGradient(w, X, y, dw, dX, dy);
            Assert.Equal(C.LogisticLoss(w, X, y), loss);
            Verify(() => C.LogisticLoss(w, X, y), Param("w", w, dw), Param("X", X, dX), Param("y", y, dy));

            // The closed form: ∂L/∂w = Xᵀ(σ(Xw) − y)/n.
            for (int j = 0; j < d; j++)
            {
                double expected = 0;
                for (int i = 0; i < n; i++)
                {
                    double z = 0;
                    for (int k = 0; k < d; k++) z += w[k] * X[i * d + k];
                    expected += (1 / (1 + Math.Exp(-z)) - y[i]) * X[i * d + j] / n;
                }

                Assert.Equal(expected, dw[j], 12);
            }
        }

        [Fact]
        public void LogisticLossInFloatMatchesDouble()
        {
            var rng = new Random(4);
            int n = 5, d = 4;
            double[] w = Random(rng, d), X = Random(rng, n * d, -2, 2), y = Enumerable.Range(0, n).Select(i => (double)(i % 2)).ToArray();
            double[] dw = new double[d], dX = new double[n * d], dy = new double[n];
            C.LogisticLossGradient(w, X, y, dw, dX, dy);
            float[] wf = w.Select(v => (float)v).ToArray(), Xf = X.Select(v => (float)v).ToArray(), yf = y.Select(v => (float)v).ToArray();
            float[] dwf = new float[d], dXf = new float[n * d];
            C.LogisticLossFGradient(wf, Xf, yf, dwf, dXf);
            for (int j = 0; j < d; j++) Assert.Equal(dw[j], dwf[j], 4);
            for (int j = 0; j < n * d; j++) Assert.Equal(dX[j], dXf[j], 4);
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void DenseThenTanh(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 3), w = Random(rng, 6), b = Random(rng, 2), h = new double[2], y = new double[2];
            double[] dh = Random(rng, 2), dy = Random(rng, 2), dx = new double[3], dw = new double[6], db = new double[2];
            C.DenseThenTanh(x, w, b, h, y);
            C.DenseThenTanhBackward(x, w, b, h, y, dh, dy, dx, dw, db);
            Verify(() => { C.DenseThenTanh(x, w, b, h, y); return GradCheck.Contract(h, dh) + GradCheck.Contract(y, dy); },
                Param("x", x, dx), Param("w", w, dw), Param("b", b, db));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ArrayOverwrittenAfterAnArrayCall(int seed)
        {
            // The backward needs h before the last loop doubled it, and TanhLayer takes an array: the work copy is an array.
            var rng = new Random(seed);
            double[] x = Random(rng, 4), h = new double[4], y = new double[4];
            double[] dh = Random(rng, 4), dy = Random(rng, 4), dx = new double[4];
            C.TanhTwiceThenDouble(x, h, y);
            C.TanhTwiceThenDoubleBackward(x, h, y, dh, dy, dx);
            Verify(() => { C.TanhTwiceThenDouble(x, h, y); return GradCheck.Contract(h, dh) + GradCheck.Contract(y, dy); }, Param("x", x, dx));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void Ridge(int seed)
        {
            var rng = new Random(seed);
            double[] w = Random(rng, 4), x = Random(rng, 4), dw = new double[4], dx = new double[4];
            double t = 0.3, lambda = 0.1, dt = 0, dlambda = 0;
            C.RidgeGradient(w, x, t, lambda, dw, dx, ref dt, ref dlambda);
            double[] tl = { t, lambda };
            Verify(() => C.Ridge(w, x, tl[0], tl[1]), Param("w", w, dw), Param("x", x, dx), Param("t,lambda", tl, new[] { dt, dlambda }));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void PickWithIntegerLabels(int seed)
        {
            var rng = new Random(seed);
            double[] logits = Random(rng, 5), picked = new double[3], dlogits = new double[5], dpicked = Random(rng, 3);
            int[] labels = { 4, 0, 4 };
            double dResult = 0.7;
            C.Pick(logits, labels, picked);
            C.PickBackward(logits, labels, picked, dResult, dpicked, dlogits);
            Verify(() => dResult * C.Pick(logits, labels, picked) + GradCheck.Contract(picked, dpicked), Param("logits", logits, dlogits));
        }

        [Fact]
        public void ConstantLinqKeptAsWritten()
        {
            double[] x = { 0.5, -2 }, dx = new double[2];
            double value = C.ScaledByConstantsGradient(x, new[] { 1.5, 0.25 }, new[] { 1, 0, 3 }, dx);
            Assert.Equal(0.5 * -2 * 3.75, value);
            Assert.Equal(new[] { -2 * 3.75, 0.5 * 3.75 }, dx);
        }

        /// <summary>
        /// The constant call (no derivative, nothing it reads varies) has a zero tangent: forward mode and the Hessian are
        /// generated too (before: refused for any call with no derivative). f = x₀·x₁·t, t = 3.75: ḟ = (ẋ₀·x₁ + x₀·ẋ₁)·t,
        /// H = [[0, t], [t, 0]].
        /// </summary>
        /// <summary>
        /// Methods calling one whose parameters are arrays and that writes an output array: H·v (through the callee's
        /// MBackwardTangent) against central differences of MGradient along v. E = a·Σ tanh²(xᵢ): diagonal in x, plus a's
        /// row; TanhLayerTwice overwrites the output array with a second call.
        /// </summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void SecondOrderThroughCallsTakingArrays(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 4), z = Random(rng, 4), vx = Random(rng, 4), vz = Random(rng, 4), hx = new double[4], hz = new double[4];
            double a = 0.5 + rng.NextDouble(), va = rng.NextDouble() - 0.5, ha = 0;
            C.TanhLayerEnergyHessianVector(x, new double[4], a, vx, va, hx, ref ha);
            AssertAgainstGradients(x.Append(a).ToArray(), vx.Append(va).ToArray(), hx.Append(ha).ToArray(), at =>
            {
                double[] dx = new double[4];
                double da = 0;
                C.TanhLayerEnergyGradient(at[..4], new double[4], at[4], dx, ref da);
                return dx.Append(da).ToArray();
            });

            Array.Clear(hx);
            ha = 0;
            C.TanhLayerTwiceHessianVector(x, z, new double[4], a, vx, vz, va, hx, hz, ref ha);
            AssertAgainstGradients(x.Concat(z).Append(a).ToArray(), vx.Concat(vz).Append(va).ToArray(), hx.Concat(hz).Append(ha).ToArray(), at =>
            {
                double[] dx = new double[4], dz = new double[4];
                double da = 0;
                C.TanhLayerTwiceGradient(at[..4], at[4..8], new double[4], at[8], dx, dz, ref da);
                return dx.Concat(dz).Append(da).ToArray();
            });
        }

        /// <summary>H·v through the MBackwardTangent of a method refilling an output array in a loop: s = Σₜ 2·(a(t+1))²·a, times a.</summary>
        [Theory]
        [InlineData(0.7, 0.3)]
        [InlineData(-1.2, -0.5)]
        public void SecondOrderThroughAnArrayRefilledInALoop(double a, double va)
        {
            double ha = 0;
            C.CallsRefillInLoopHessianVector(a, new double[3], va, ref ha);
            // f(a) = a·Σₜ 2(t+1)²a³ = 10a⁴: f'' = 120a².
            AssertClose(120 * a * a * va, ha);
            double da = 0;
            Assert.Equal(10 * a * a * a * a, C.CallsRefillInLoopGradient(a, new double[3], ref da), 10);
            AssertClose(40 * a * a * a, da);
        }

        /// <summary>H·v of a method passing a refilled output array to a nested call, against central differences of MGradient.</summary>
        [Theory]
        [InlineData(0.7, 0.3)]
        [InlineData(-1.2, -0.5)]
        public void SecondOrderOfANestedCallOverARefilledArray(double b, double vb)
        {
            double hb = 0;
            C.NestedOverARefilledArrayHessianVector(new double[2], b, vb, ref hb);
            double G(double h)
            {
                double db = 0;
                C.NestedOverARefilledArrayGradient(new double[2], b + (h * vb), ref db);
                return db;
            }

            AssertClose((G(1e-5) - G(-1e-5)) / 2e-5, hb);
            Assert.NotEqual(0, hb);
        }

        /// <summary>The gradients of the two energies against central differences of their values.</summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void GradientsOfCallsTakingArrays(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 4), z = Random(rng, 4), dx = new double[4], dz = new double[4];
            double a = 0.5 + rng.NextDouble(), da = 0;
            C.TanhLayerTwiceGradient(x, z, new double[4], a, dx, dz, ref da);
            double[] at = x.Concat(z).Append(a).ToArray(), gradient = dx.Concat(dz).Append(da).ToArray();
            double Value(double[] v) => C.TanhLayerTwice(v[..4], v[4..8], new double[4], v[8]);
            for (int i = 0; i < at.Length; i++)
            {
                double[] up = (double[])at.Clone(), down = (double[])at.Clone();
                up[i] += 1e-6;
                down[i] -= 1e-6;
                AssertClose((Value(up) - Value(down)) / 2e-6, gradient[i]);
            }

            double[] ex = new double[4];
            double ea = 0;
            C.TanhLayerEnergyGradient(x, new double[4], a, ex, ref ea);
            AssertClose(x.Sum(v => Math.Tanh(v) * Math.Tanh(v)), ea);
            for (int i = 0; i < 4; i++)
            {
                AssertClose(2 * a * Math.Tanh(x[i]) * (1 - (Math.Tanh(x[i]) * Math.Tanh(x[i]))), ex[i]);
            }
        }

        /// <summary>H·v against central differences of the gradient along v.</summary>
        private static void AssertAgainstGradients(double[] at, double[] v, double[] hv, Func<double[], double[]> gradient)
        {
            const double h = 1e-5;
            double[] up = gradient(at.Select((x, i) => x + (h * v[i])).ToArray()), down = gradient(at.Select((x, i) => x - (h * v[i])).ToArray());
            for (int i = 0; i < at.Length; i++)
            {
                AssertClose((up[i] - down[i]) / (2 * h), hv[i]);
            }
        }

        [Fact]
        public void ConstantLinqHasForwardModeAndSecondOrder()
        {
            double[] x = { 0.5, -2 }, weights = { 1.5, 0.25 };
            int[] labels = { 1, 0, 3 };
            Assert.Equal(((0.3 * -2) + (0.5 * -0.7)) * 3.75, C.ScaledByConstantsTangent(x, weights, labels, new[] { 0.3, -0.7 }), 12);
            double[] hv = { 1, 1 };
            C.ScaledByConstantsHessianVector(x, weights, labels, new[] { 0.3, -0.7 }, hv);
            Assert.Equal(new[] { 1 + (3.75 * -0.7), 1 + (3.75 * 0.3) }, hv);
            double[] hessian = new double[4];
            C.ScaledByConstantsHessian(x, weights, labels, hessian);
            Assert.Equal(new[] { 0, 3.75, 3.75, 0 }, hessian);
        }

        [Fact]
        public void WrongGradientLengthIsRejectedBeforeAnyWrite()
        {
            double[] logits = { 0.1, 0.2 }, picked = { 9, 9 }, dlogits = new double[1];
            Assert.ThrowsAny<ArgumentException>(() => C.PickGradient(logits, new[] { 1, 0 }, picked, dlogits));
            Assert.Equal(new double[] { 9, 9 }, picked);
        }

        public static TheoryData<int> SeedData() => new(Seeds);
    }
}
