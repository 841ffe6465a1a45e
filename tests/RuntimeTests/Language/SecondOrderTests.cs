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

        public static TheoryData<int> SeedData() => new(Seeds);
    }
}
