using System;
using System.Linq;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;
using C = SymGrad.RuntimeTests.Language.SecondOrderCases;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// The gradients of the second-order cases (calls of the Nn losses and of registered functions with a registered
    /// second order) against central differences; their Hessian-vector products are checked in HessianTests.
    /// </summary>
    public class SecondOrderTests
    {
        [Theory]
        [MemberData(nameof(SeedData))]
        public void TheLosses(int seed)
        {
            var rng = new Random(seed);
            const int rows = 3, classes = 4, n = 5;
            int[] labels = Labels(rng, rows, classes);
            double[] logits = Random(rng, rows * classes, -2, 2), p = Random(rng, n), t = Random(rng, n), lambda = { 0.5 + rng.NextDouble() };
            double[] dl = new double[rows * classes], dp = new double[n], dt = new double[n];
            double dlambda = 0;
            C.LossesGradient(logits, labels, p, t, lambda[0], rows, classes, dl, dp, dt, ref dlambda);
            Verify(() => C.Losses(logits, labels, p, t, lambda[0], rows, classes), Param("logits", logits, dl), Param("p", p, dp), Param("t", t, dt), Scalar("lambda", lambda, dlambda));

            double[] t2 = Random(rng, rows * classes), dl2 = new double[rows * classes], dt2 = new double[rows * classes];
            C.DoubleLossesGradient(logits, labels, t2, rows, classes, dl2, dt2);
            Verify(() => C.DoubleLosses(logits, labels, t2, rows, classes), Param("logits", logits, dl2), Param("t", t2, dt2));

            // The float twin's gradient against the double one's, within float rounding.
            float[] lf = logits.Select(v => (float)v).ToArray(), tf = t2.Select(v => (float)v).ToArray(), dlf = new float[rows * classes], dtf = new float[rows * classes];
            C.FloatLossesGradient(lf, labels, tf, rows, classes, dlf, dtf);
            for (int i = 0; i < rows * classes; i++)
            {
                Assert.True(Math.Abs(dl2[i] - dlf[i]) <= 1e-4 * (1 + Math.Abs(dl2[i])), $"dlogits[{i}]: float {dlf[i]}, double {dl2[i]}");
                Assert.True(Math.Abs(dt2[i] - dtf[i]) <= 1e-4 * (1 + Math.Abs(dt2[i])), $"dt[{i}]: float {dtf[i]}, double {dt2[i]}");
            }
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void TheRegisteredFunctions(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 5), scale = { 0.5 + rng.NextDouble() }, dx = new double[5];
            double dscale = 0;
            C.SoftplusChainGradient(x, scale[0], dx, ref dscale);
            Verify(() => C.SoftplusChain(x, scale[0]), Param("x", x, dx), Scalar("scale", scale, dscale));

            double[] v = { rng.NextDouble() - 0.5 }, a = { 0.5 + rng.NextDouble() };
            double dv = 0, da = 0;
            C.ScaledChainGradient(v[0], a[0], ref dv, ref da);
            Verify(() => C.ScaledChain(v[0], a[0]), Scalar("x", v, dv), Scalar("a", a, da));
        }

        /// <summary>
        /// A caller of a float method with a double input that writes an output: its gradient against central differences and
        /// its Hessian-vector product (through the callee's MBackwardTangent, q's tangents double) against central
        /// differences of its gradient, in double arithmetic around float methods.
        /// </summary>
        [Theory]
        [InlineData(0.8f, 0.3f, -0.7f)]
        [InlineData(-1.1f, 0.9f, 0.4f)]
        public void ACalleeMixingFloatAndDoubleIsDifferentiatedTwice(float a, float x0, float x1)
        {
            float[] x = { x0, x1 };
            const float H = 1e-2f;
            (float Da, float[] Dx) Gradient(float at, float[] xt)
            {
                float da = 0;
                var dx = new float[2];
                C.CallsWritesWithADoubleInputGradient(at, xt, new float[2], ref da, dx);
                return (da, dx);
            }

            static void Near(double expected, double actual, string what) => Assert.True(Math.Abs(expected - actual) <= 3e-3 * (1 + Math.Abs(expected)), $"{what}: {actual}, central differences {expected}");
            double Value(float at, float[] xt) => C.CallsWritesWithADoubleInput(at, xt, new float[2]);
            var (ga, gx) = Gradient(a, x);
            Near((Value(a + H, x) - Value(a - H, x)) / (double)((a + H) - (a - H)), ga, "da");
            Near((Value(a, new[] { x0 + H, x1 }) - Value(a, new[] { x0 - H, x1 })) / (double)((x0 + H) - (x0 - H)), gx[0], "dx[0]");

            // The callee itself (a double input of a float method writing y): its gradient in q and a, y's cotangent seeded.
            double dq = 0;
            float dca = 0;
            var dcx = new float[2];
            var written = new float[2];
            C.WritesWithADoubleInput(0.6, written, x, a);
            C.WritesWithADoubleInputBackward(0.6, written, x, a, 1f, new float[] { 0.5f, -1f }, ref dq, dcx, ref dca);
            double Callee(double q, float ac)
            {
                var yc = new float[2];
                float r = C.WritesWithADoubleInput(q, yc, x, ac);
                return r + (0.5 * yc[0]) - yc[1];
            }

            Near((Callee(0.6 + H, a) - Callee(0.6 - H, a)) / (2.0 * H), dq, "callee dq");
            Near((Callee(0.6, a + H) - Callee(0.6, a - H)) / (double)((a + H) - (a - H)), dca, "callee da");

            float[] vx = { 0.5f, -0.25f }, hx = new float[2], y = new float[2];
            float va = 0.75f, ha = 0;
            C.CallsWritesWithADoubleInputHessianVector(a, x, y, va, vx, ref ha, hx);
            var up = Gradient(a + (H * va), x.Zip(vx, (xi, v) => xi + (H * v)).ToArray());
            var down = Gradient(a - (H * va), x.Zip(vx, (xi, v) => xi - (H * v)).ToArray());
            Near((up.Da - down.Da) / (2.0 * H), ha, "(H·v)[a]");
            Near((up.Dx[1] - down.Dx[1]) / (2.0 * H), hx[1], "(H·v)[x[1]]");
        }

        public static TheoryData<int> SeedData() => new(Seeds);
    }
}
