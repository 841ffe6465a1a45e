using System;
using System.Linq;
using SymGrad.RuntimeTests.Catalogue;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Forward mode (MTangent) against reverse mode: for a random direction ẋ and cotangent ȳ, ⟨ȳ, J·ẋ⟩ = ⟨Jᵀ·ȳ, ẋ⟩ —
    /// the tangent of a scalar result is the gradient's dot product with the direction; an output's tangent, dotted with
    /// a cotangent, is the backward's gradients dotted with the direction. And against central differences where cheap.
    /// </summary>
    public class TangentTests
    {
        [Theory]
        [MemberData(nameof(SeedData))]
        public void ScalarFunctionsOfArraysLoopsAndSwitches(int seed)
        {
            var rng = new Random(seed);
            int n = 6, d = 3;
            double[] w = Random(rng, d), X = Random(rng, n * d, -2, 2), y = Enumerable.Range(0, n).Select(_ => (double)rng.Next(2)).ToArray();
            double[] tw = Random(rng, d), tX = Random(rng, n * d), ty = Random(rng, n);
            double[] dw = new double[d], dX = new double[n * d], dy = new double[n];
            ArrayCases.LogisticLossGradient(w, X, y, dw, dX, dy);
            AssertClose(Dot(dw, tw) + Dot(dX, tX) + Dot(dy, ty), ArrayCases.LogisticLossTangent(w, X, y, tw, tX, ty));

            // A direction only along w: the other tangents empty (zero).
            AssertClose(Dot(dw, tw), ArrayCases.LogisticLossTangent(w, X, y, tw, default, default));

            double a = 0.5 + (3 * rng.NextDouble()), da = 0;
            WhileCases.NewtonSqrtGradient(a, ref da);
            AssertClose(da * 0.7, WhileCases.NewtonSqrtTangent(a, 0.7));

            double r = (4 * rng.NextDouble()) - 2, delta = 0.5 + rng.NextDouble(), dr = 0, ddelta = 0;
            SwitchCases.HuberGradient(r, delta, ref dr, ref ddelta);
            AssertClose((dr * 0.3) - (ddelta * 1.1), SwitchCases.HuberTangent(r, delta, 0.3, -1.1));

            double[] x = Random(rng, 5), tx = Random(rng, 5), dx = new double[5];
            double wt = rng.NextDouble(), dwt = 0;
            LocalFunctionCases.FeaturesGradient(x, wt, dx, ref dwt);
            AssertClose(Dot(dx, tx) + (dwt * 0.4), LocalFunctionCases.FeaturesTangent(x, wt, tx, 0.4));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void SpanOutputsAgainstTheBackward(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 5), y = new double[5], tx = Random(rng, 5), ty = new double[5], ybar = Random(rng, 5), dx = new double[5];
            double k = rng.NextDouble(), tk = rng.NextDouble() - 0.5, dk = 0;
            GenericCases.LeakyScaleTangent(x, y, k, tx, tk, ty);
            double[] yForward = new double[5];
            GenericCases.LeakyScale<double>(x, yForward, k);
            Assert.Equal(yForward, y); // MTangent writes the outputs as the method does
            GenericCases.LeakyScaleBackward(x, y, k, ybar, dx, ref dk);
            AssertClose(Dot(dx, tx) + (dk * tk), Dot(ybar, ty));

            double[] ramp = new double[6], tramp = new double[6], bar = Random(rng, 6);
            double c = rng.NextDouble(), dc = 0;
            RangeCases.RampTangent(ramp, c, 0.9, tramp);
            RangeCases.RampBackward(ramp, c, bar, ref dc);
            AssertClose(dc * 0.9, Dot(bar, tramp));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void StructsGenericsAndMixedPrecision(int seed)
        {
            var rng = new Random(seed);
            var a = new Point3(rng.NextDouble(), rng.NextDouble(), rng.NextDouble());
            var b = new Point3(rng.NextDouble(), rng.NextDouble(), rng.NextDouble());
            var ta = new Point3(0.1, -0.2, 0.3);
            Point3 da = default, db = default;
            StructCases.DotGradient(a, b, ref da, ref db);
            AssertClose((da.X * 0.1) - (da.Y * 0.2) + (da.Z * 0.3), StructCases.DotTangent(a, b, ta, default));

            double s = rng.NextDouble() * 4 - 2, ds = 0;
            GenericCases.SoftplusGradient(s, ref ds);
            AssertClose(ds * 2, GenericCases.SoftplusTangent(s, 2.0));
            Assert.Equal((float)GenericCases.SoftplusTangent(s, 2.0), GenericCases.SoftplusTangent((float)s, 2f), 5);

            float fx = (float)rng.NextDouble(), dfx = 0;
            double fy = rng.NextDouble(), dfy = 0;
            Scalars.MixedGradient(fx, fy, ref dfx, ref dfy);
            Assert.Equal((dfx * 0.5) + (dfy * 0.25), Scalars.MixedTangent(fx, fy, 0.5f, 0.25), 5);
        }

        [Fact]
        public void CentralDifferencesOfAWhileLoop()
        {
            // d/dε of f(x + ε·ẋ) at 0 is MTangent(x, ẋ).
            double x = 0.8, rate = 0.3, tx = 1.3, trate = -0.6, h = 1e-6;
            double numeric = (WhileCases.Damped(x + (h * tx), rate + (h * trate)) - WhileCases.Damped(x - (h * tx), rate - (h * trate))) / (2 * h);
            Assert.Equal(numeric, WhileCases.DampedTangent(x, rate, tx, trate), 6);
        }

        [Theory]
        [InlineData(0.1)]
        [InlineData(3.0)]
        public void ASwitchArmThatKeepsTheValue(double a)
        {
            double da = 0;
            Regressions.EngineCases.SwitchArmKeepsTheValueGradient(a, ref da);
            AssertClose(da * 1.5, Regressions.EngineCases.SwitchArmKeepsTheValueTangent(a, 1.5));
        }

        [Fact]
        public void AVoidMethodWhoseBodyIsOneCall()
        {
            double[] x = { 1.5, -2 }, y = new double[2], dy = { 1, 3 }, dx = new double[2];
            Regressions.EngineCases.SquaresByArrow(x, y);
            Regressions.EngineCases.SquaresByArrowBackward(x, y, dy, dx);
            Assert.Equal(new[] { 2 * 1.5 * 1, 2 * -2.0 * 3 }, dx);
        }

        [Fact]
        public void WrongTangentLengthsThrowBeforeAnyWrite()
        {
            double[] x = { 1, 2 }, y = { 7, 7 };
            Assert.Throws<ArgumentException>(() => GenericCases.LeakyScaleTangent(x, y, 1, new double[3], 0, default));
            Assert.Equal(new double[] { 7, 7 }, y);
        }

        /// <summary>
        /// An output may not overlap a buffer the tangent reads after its first write (the reprojection error reads cam[6..8]
        /// and its tangent after writing err[0]); a buffer read only before anything is written (the point x) is not checked:
        /// the tangent then computes what the method computes on the same memory.
        /// </summary>
        [Fact]
        public void OverlapsAreRefusedWhereAWriteCanBeReadBack()
        {
            double[] cam = { 0.1, -0.2, 0.3, 0.5, -0.1, 0.2, 1.5, 0.1, -0.1, 0.01, 0.001 }, tcam = new double[11];
            double[] feat = { 0.2, 0.3 }, terr = new double[2];
            tcam[6] = 1;
            var shared = new double[14];
            Assert.Throws<ArgumentException>(() => GradBenchCases.ReprojectionErrorTangent(shared.AsSpan(0, 11), new double[] { 1, 2, 8 }, 1, feat, shared.AsSpan(6, 2), tcam, new double[3], 0, terr));

            double[] point = { 1, 2, 8, 0 }, alone = (double[])point.Clone(), err = new double[2];
            GradBenchCases.ReprojectionError(cam, alone.AsSpan(0, 3), 1, feat, alone.AsSpan(2, 2));
            GradBenchCases.ReprojectionError(cam, point.AsSpan(0, 3), 1, feat, err);
            GradBenchCases.ReprojectionErrorTangent(cam, point.AsSpan(0, 3), 1, feat, point.AsSpan(2, 2), tcam, new double[3], 0, terr);
            Assert.Equal(alone, point);
            Assert.Equal(err, point[2..4]);
        }

        /// <summary>
        /// Calls of other differentiable methods are calls of their MTangent: the catalogue's two-layer network (Dense, Sigmoid,
        /// Dense, Sigmoid, a loss) and a call whose value is dead but whose output is live.
        /// </summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void CallsOfDifferentiableMethods(int seed)
        {
            var rng = new Random(seed);
            int n = 3, inputs = 4, hidden = 5, outputs = 2;
            double[] x = Random(rng, n * inputs), w1 = Random(rng, inputs * hidden), b1 = Random(rng, hidden), w2 = Random(rng, hidden * outputs), b2 = Random(rng, outputs);
            double[] target = Random(rng, n * outputs, 0, 1);
            double[] a1 = new double[n * hidden], h1 = new double[n * hidden], a2 = new double[n * outputs], p = new double[n * outputs];
            double[] tx = Random(rng, x.Length), tw1 = Random(rng, w1.Length), tb1 = Random(rng, b1.Length), tw2 = Random(rng, w2.Length), tb2 = Random(rng, b2.Length);
            double[] dx = new double[x.Length], dw1 = new double[w1.Length], db1 = new double[b1.Length], dw2 = new double[w2.Length], db2 = new double[b2.Length];
            double loss = Layers.TwoLayerGradient(x, w1, b1, w2, b2, target, a1, h1, a2, p, n, inputs, hidden, outputs, dx, dw1, db1, dw2, db2);
            double[] tp = new double[p.Length], pForward = p.ToArray();
            Array.Clear(p);
            double tangent = Layers.TwoLayerTangent(x, w1, b1, w2, b2, target, a1, h1, a2, p, n, inputs, hidden, outputs, tx, tw1, tb1, tw2, tb2, default, default, default, tp);
            Assert.Equal(pForward, p);
            AssertClose(Dot(dx, tx) + Dot(dw1, tw1) + Dot(db1, tb1) + Dot(dw2, tw2) + Dot(db2, tb2), tangent);
            Assert.NotEqual(0, loss);

            double[] y = new double[4], ty = new double[4], ybar = Random(rng, 4), dxs = new double[4];
            double[] xs = Random(rng, 4), txs = Random(rng, 4);
            double a = 0.3, da = 0;
            Regressions.EngineCases.ResultDeadOutputLiveTangent(a, xs, y, 4, 0.5, txs, ty);
            Assert.Equal(xs.Select(v => 2 * v), y);
            Regressions.EngineCases.ResultDeadOutputLiveBackward(a, xs, y, 4, ybar, ref da, dxs);
            AssertClose(Dot(dxs, txs) + (da * 0.5), Dot(ybar, ty));
        }

        /// <summary>Several results: a tuple's tangents come back as a tuple, an out result's through an out tangent.</summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void SeveralResults(int seed)
        {
            var rng = new Random(seed);
            double x = rng.NextDouble() + 0.2, y = rng.NextDouble() - 0.5, tx = rng.NextDouble(), ty = rng.NextDouble() - 0.5;
            double dR = rng.NextDouble(), dTheta = rng.NextDouble() - 0.5, dx = 0, dy = 0;
            (double tR, double tTheta) = ResultCases.PolarTangent(x, y, tx, ty);
            ResultCases.PolarBackward(x, y, dR, dTheta, ref dx, ref dy);
            AssertClose((dx * tx) + (dy * ty), (dR * tR) + (dTheta * tTheta));

            double[] xs = Random(rng, 6), txs = Random(rng, 6), dxs = new double[6];
            double dMean = rng.NextDouble(), dVariance = rng.NextDouble();
            double tMean = ResultCases.StatsTangent(xs, out double variance, txs, out double tVariance);
            ResultCases.Stats(xs, out double expectedVariance);
            Assert.Equal(expectedVariance, variance, 15);
            ResultCases.StatsBackward(xs, dMean, dVariance, dxs);
            AssertClose(Dot(dxs, txs), (dMean * tMean) + (dVariance * tVariance));

            foreach (double a in new[] { 0.7, 3.5 })
            {
                double da = 0;
                ResultCases.SplitTangent(a, out double lo, out float hi, 0.9, out double tlo, out float thi);
                ResultCases.Split(a, out double lo2, out float hi2);
                Assert.Equal((lo2, hi2), (lo, hi));
                ResultCases.SplitBackward(a, 0.4, -1.3f, ref da);
                Assert.True(Math.Abs((da * 0.9) - ((0.4 * tlo) + (-1.3 * thi))) <= 1e-5, $"{da * 0.9} vs {(0.4 * tlo) + (-1.3 * thi)}");
            }
        }

        /// <summary>A layer object's differentiable fields are inputs of its MTangent: their tangents follow the parameters'.</summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void LayerObjectsTakeTheirFieldsTangents(int seed)
        {
            var rng = new Random(seed);
            var layer = new DenseLayer(4, 3, rng);
            double[] x = Random(rng, 4), y = new double[3], ty = new double[3], tx = Random(rng, 4), tW = Random(rng, 12), tB = Random(rng, 3);
            double[] ybar = Random(rng, 3), dx = new double[4];
            layer.ForwardTangent(x, y, tx, tW, tB, ty);
            layer.ZeroGradients();
            layer.ForwardBackward(x, y, ybar, dx);
            AssertClose(Dot(dx, tx) + Dot(layer.dW, tW) + Dot(layer.dB, tB), Dot(ybar, ty));

            var clip = new SoftClip();
            double[] dxs = new double[4];
            clip.ZeroGradients();
            clip.LossGradient(x, dxs);
            AssertClose(Dot(dxs, tx) + (clip.dGain * 0.6), clip.LossTangent(x, tx, 0.6));
        }

        private static double Dot(double[] a, double[] b) => a.Zip(b, (p, q) => p * q).Sum();

        private static void AssertClose(double expected, double actual) => Assert.True(Math.Abs(expected - actual) <= 1e-9 * (1 + Math.Abs(expected)), $"expected {expected}, got {actual}");

        public static TheoryData<int> SeedData() => new(Seeds);
    }
}
