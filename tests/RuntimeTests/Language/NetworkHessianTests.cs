using System;
using System.Linq;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// MHessianVector and MHessian of losses over networks of <see cref="Nn"/> layers (<see cref="NetworkCases"/>): each
    /// layer's backward differentiated through its registered tangent, each layer's output an intermediate. Against central
    /// differences of MGradient along the direction, H·v ≈ (∇f(x + h·v) − ∇f(x − h·v)) / 2h; MHessian symmetric and equal
    /// to the products; the outputs written as the method writes them.
    /// </summary>
    public class NetworkHessianTests
    {
        private const double H = 1e-5;

        /// <summary>Inputs → gradients (fresh, zeroed), and (inputs, direction) → products (accumulated into prefilled spans).</summary>
        private delegate void Gradient(double[][] inputs, double[][] gradients);

        private delegate void Product(double[][] inputs, double[][] direction, double[][] products);

        /// <summary>H·v against central differences, and H·v accumulating: prefilled products gain exactly H·v.</summary>
        private static double[][] AgainstCentralDifferences(Random rng, double[][] inputs, Gradient gradient, Product product)
        {
            double[][] v = inputs.Select(a => Random(rng, a.Length)).ToArray();
            double[][] hv = inputs.Select(a => new double[a.Length]).ToArray();
            product(inputs, v, hv);
            double[][] Moved(double step) => inputs.Select((a, k) => a.Zip(v[k], (p, q) => p + (step * q)).ToArray()).ToArray();
            double[][] G(double step)
            {
                double[][] g = inputs.Select(a => new double[a.Length]).ToArray();
                gradient(Moved(step), g);
                return g;
            }

            double[][] up = G(H), down = G(-H);
            for (int k = 0; k < inputs.Length; k++)
            {
                for (int i = 0; i < inputs[k].Length; i++)
                {
                    AssertClose((up[k][i] - down[k][i]) / (2 * H), hv[k][i]);
                }
            }

            double[][] prefilled = inputs.Select(a => Random(rng, a.Length)).ToArray();
            double[][] accumulated = prefilled.Select(a => (double[])a.Clone()).ToArray();
            product(inputs, v, accumulated);
            for (int k = 0; k < inputs.Length; k++)
            {
                for (int i = 0; i < inputs[k].Length; i++)
                {
                    Assert.Equal(prefilled[k][i] + hv[k][i], accumulated[k][i], 12);
                }
            }

            return hv;
        }

        /// <summary>The dense Hessian (columns the products along the unit vectors): symmetric.</summary>
        private static void Symmetric(double[] hessian, int size)
        {
            for (int i = 0; i < size; i++)
            {
                for (int j = 0; j < i; j++)
                {
                    AssertClose(hessian[(i * size) + j], hessian[(j * size) + i]);
                }
            }
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void TwoDenseLayersWithTanh(int seed)
        {
            var rng = new Random(seed);
            const int n = 3, inputs = 4, hidden = 5, outputs = 2;
            double[][] p = { Random(rng, n * inputs), Random(rng, inputs * hidden), Random(rng, hidden), Random(rng, hidden * outputs), Random(rng, outputs) };
            double[] h = new double[n * hidden], r = new double[n * hidden], o = new double[n * outputs];
            AgainstCentralDifferences(rng, p,
                (x, g) => NetworkCases.TanhMlpGradient(x[0], x[1], x[2], x[3], x[4], new double[n * hidden], new double[n * hidden], new double[n * outputs], n, inputs, hidden, outputs, g[0], g[1], g[2], g[3], g[4]),
                (x, v, hv) => NetworkCases.TanhMlpHessianVector(x[0], x[1], x[2], x[3], x[4], h, r, o, n, inputs, hidden, outputs, v[0], v[1], v[2], v[3], v[4], hv[0], hv[1], hv[2], hv[3], hv[4]));

            // The outputs as the method writes them.
            double[] eh = new double[h.Length], er = new double[r.Length], eo = new double[o.Length];
            NetworkCases.TanhMlp(p[0], p[1], p[2], p[3], p[4], eh, er, eo, n, inputs, hidden, outputs);
            Assert.Equal(eh, h);
            Assert.Equal(er, r);
            Assert.Equal(eo, o);

            // The Hessian: symmetric, its column j the product along eⱼ.
            int size = p.Sum(a => a.Length);
            double[] hessian = new double[size * size];
            NetworkCases.TanhMlpHessian(p[0], p[1], p[2], p[3], p[4], h, r, o, n, inputs, hidden, outputs, hessian);
            Symmetric(hessian, size);
            double[][] direction = p.Select(a => Random(rng, a.Length)).ToArray();
            double[][] hv = p.Select(a => new double[a.Length]).ToArray();
            NetworkCases.TanhMlpHessianVector(p[0], p[1], p[2], p[3], p[4], h, r, o, n, inputs, hidden, outputs, direction[0], direction[1], direction[2], direction[3], direction[4], hv[0], hv[1], hv[2], hv[3], hv[4]);
            double[] flat = direction.SelectMany(a => a).ToArray(), product = hv.SelectMany(a => a).ToArray();
            for (int i = 0; i < size; i++)
            {
                AssertClose(Enumerable.Range(0, size).Sum(j => hessian[(i * size) + j] * flat[j]), product[i]);
            }

            // The float twin: the double product to float precision.
            float[][] pf = p.Select(a => a.Select(t => (float)t).ToArray()).ToArray(), vf = direction.Select(a => a.Select(t => (float)t).ToArray()).ToArray();
            float[][] hvf = p.Select(a => new float[a.Length]).ToArray();
            NetworkCases.TanhMlpFloatHessianVector(pf[0], pf[1], pf[2], pf[3], pf[4], new float[h.Length], new float[r.Length], new float[o.Length], n, inputs, hidden, outputs,
                vf[0], vf[1], vf[2], vf[3], vf[4], hvf[0], hvf[1], hvf[2], hvf[3], hvf[4]);
            double scale = product.Max(Math.Abs);
            float[] productF = hvf.SelectMany(a => a).ToArray();
            for (int i = 0; i < size; i++)
            {
                Assert.True(Math.Abs(product[i] - productF[i]) <= 1e-4 * (1 + scale), $"float {productF[i]} vs double {product[i]}");
            }
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ASigmoidClassifier(int seed)
        {
            var rng = new Random(seed);
            const int n = 4, inputs = 3, hidden = 5, classes = 3;
            double[] x = Random(rng, n * inputs, -2, 2);
            int[] labels = Labels(rng, n, classes);
            double[][] p = { Random(rng, inputs * hidden), Random(rng, hidden), Random(rng, hidden * classes), Random(rng, classes) };
            double[] h = new double[n * hidden], s = new double[n * hidden], z = new double[n * classes];
            AgainstCentralDifferences(rng, p,
                (w, g) => NetworkCases.SigmoidClassifierGradient(x, labels, w[0], w[1], w[2], w[3], new double[h.Length], new double[s.Length], new double[z.Length], n, inputs, hidden, classes, g[0], g[1], g[2], g[3]),
                (w, v, hv) => NetworkCases.SigmoidClassifierHessianVector(x, labels, w[0], w[1], w[2], w[3], h, s, z, n, inputs, hidden, classes, v[0], v[1], v[2], v[3], hv[0], hv[1], hv[2], hv[3]));
            int size = p.Sum(a => a.Length);
            double[] hessian = new double[size * size];
            NetworkCases.SigmoidClassifierHessian(x, labels, p[0], p[1], p[2], p[3], h, s, z, n, inputs, hidden, classes, hessian);
            Symmetric(hessian, size);
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void BatchNormalisationBetweenDenseLayers(int seed)
        {
            var rng = new Random(seed);
            const int n = 4, inputs = 3, hidden = 5, classes = 3;
            int[] labels = Labels(rng, n, classes);
            double[][] p =
            {
                Random(rng, n * inputs), Random(rng, inputs * hidden), Random(rng, hidden), Random(rng, hidden, 0.5, 1.5), Random(rng, hidden),
                Random(rng, hidden * classes), Random(rng, classes),
            };
            double[] F() => new double[n * hidden];
            double[] h = F(), bn = F(), t = F(), z = new double[n * classes];
            AgainstCentralDifferences(rng, p,
                (x, g) => NetworkCases.BatchNormMlpGradient(x[0], labels, x[1], x[2], x[3], x[4], x[5], x[6], F(), F(), F(), new double[n * classes], n, inputs, hidden, classes,
                    g[0], g[1], g[2], g[3], g[4], g[5], g[6]),
                (x, v, hv) => NetworkCases.BatchNormMlpHessianVector(x[0], labels, x[1], x[2], x[3], x[4], x[5], x[6], h, bn, t, z, n, inputs, hidden, classes,
                    v[0], v[1], v[2], v[3], v[4], v[5], v[6], hv[0], hv[1], hv[2], hv[3], hv[4], hv[5], hv[6]));
            int size = p.Sum(a => a.Length);
            double[] hessian = new double[size * size];
            NetworkCases.BatchNormMlpHessian(p[0], labels, p[1], p[2], p[3], p[4], p[5], p[6], h, bn, t, z, n, inputs, hidden, classes, hessian);
            Symmetric(hessian, size);

            // The gradient the product differentiates, against central differences of the value.
            double[][] gp = p.Select(a => new double[a.Length]).ToArray();
            NetworkCases.BatchNormMlpGradient(p[0], labels, p[1], p[2], p[3], p[4], p[5], p[6], F(), F(), F(), new double[n * classes], n, inputs, hidden, classes,
                gp[0], gp[1], gp[2], gp[3], gp[4], gp[5], gp[6]);
            AgainstValue(p, gp, x => NetworkCases.BatchNormMlp(x[0], labels, x[1], x[2], x[3], x[4], x[5], x[6], F(), F(), F(), new double[n * classes], n, inputs, hidden, classes));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void EluLeakyReluMeanSubtractAndRelu(int seed)
        {
            var rng = new Random(seed);
            const int n = 3, inputs = 4, outputs = 5;
            double[] target = Random(rng, n * outputs);
            double[][] p = { Random(rng, n * inputs), Random(rng, inputs * outputs), Random(rng, outputs), new[] { 0.5 + rng.NextDouble() } };
            double[] Fresh() => new double[n * outputs];
            double[] h = Fresh(), e = Fresh(), l = Fresh(), m = Fresh(), r = Fresh();
            AgainstCentralDifferences(rng, p,
                (x, g) =>
                {
                    double da = 0;
                    NetworkCases.ActivationChainGradient(x[0], x[1], x[2], target, x[3][0], Fresh(), Fresh(), Fresh(), Fresh(), Fresh(), n, inputs, outputs, g[0], g[1], g[2], ref da);
                    g[3][0] += da;
                },
                (x, v, hv) => NetworkCases.ActivationChainHessianVector(x[0], x[1], x[2], target, x[3][0], h, e, l, m, r, n, inputs, outputs, v[0], v[1], v[2], v[3][0], hv[0], hv[1], hv[2], ref hv[3][0]));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AConvolutionFusedReluPoolingAndADenseClassifier(int seed)
        {
            var rng = new Random(seed);
            var conv = new Conv2DShape(batch: 2, channels: 2, height: 5, width: 5, filters: 3, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 1);
            var pool = new Pool2DShape(batch: 2, channels: 3, height: 5, width: 5, poolHeight: 2, poolWidth: 2, stride: 2);
            const int n = 2, classes = 3;
            int flat = pool.OutputLength / n;
            double[] images = Random(rng, conv.InputLength);
            int[] labels = Labels(rng, n, classes);
            double[][] p = { Random(rng, 3 * 2 * 3 * 3), Random(rng, 3), Random(rng, flat * classes), Random(rng, classes) };
            double[] c = new double[conv.OutputLength], pooled = new double[pool.OutputLength], z = new double[n * classes];
            AgainstCentralDifferences(rng, p,
                (w, g) => NetworkCases.ConvNetGradient(images, labels, w[0], w[1], w[2], w[3], new double[c.Length], new double[pooled.Length], new double[z.Length], conv, pool, n, flat, classes, g[0], g[1], g[2], g[3]),
                (w, v, hv) => NetworkCases.ConvNetHessianVector(images, labels, w[0], w[1], w[2], w[3], c, pooled, z, conv, pool, n, flat, classes, v[0], v[1], v[2], v[3], hv[0], hv[1], hv[2], hv[3]));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AConvolutionTanhAndMaxPooling(int seed)
        {
            var rng = new Random(seed);
            var conv = new Conv2DShape(batch: 1, channels: 2, height: 4, width: 4, filters: 2, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 1);
            var pool = new Pool2DShape(batch: 1, channels: 2, height: 4, width: 4, poolHeight: 2, poolWidth: 2, stride: 2);
            double[][] p = { Random(rng, conv.InputLength), Random(rng, 2 * 2 * 3 * 3), Random(rng, 2) };
            double[] c = new double[conv.OutputLength], t = new double[conv.OutputLength], pooled = new double[pool.OutputLength];
            AgainstCentralDifferences(rng, p,
                (x, g) => NetworkCases.ConvTanhPoolGradient(x[0], x[1], x[2], new double[c.Length], new double[t.Length], new double[pooled.Length], conv, pool, g[0], g[1], g[2]),
                (x, v, hv) => NetworkCases.ConvTanhPoolHessianVector(x[0], x[1], x[2], c, t, pooled, conv, pool, v[0], v[1], v[2], hv[0], hv[1], hv[2]));
        }

        /// <summary>
        /// Layers of one's own (methods writing outputs, called as statements and as a value), one calling Nn layers, one
        /// another layer of one's own: each call differentiated through the callee's generated MBackwardTangent.
        /// </summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void LayersOfOnesOwn(int seed)
        {
            var rng = new Random(seed);
            const int n = 2, inputs = 3, outputs = 2;
            double[][] p = { Random(rng, n * inputs), Random(rng, n * inputs), new[] { 0.2 + (0.5 * rng.NextDouble()) }, Random(rng, inputs * outputs), Random(rng, outputs) };
            double[] S() => new double[n * inputs];
            double[] Y() => new double[n * outputs];
            double[] s = S(), h = Y(), y = Y(), z = Y();
            AgainstCentralDifferences(rng, p,
                (x, g) =>
                {
                    double db = 0;
                    NetworkCases.OwnLayersGradient(x[0], x[1], x[2][0], x[3], x[4], S(), Y(), Y(), Y(), n, inputs, outputs, g[0], g[1], ref db, g[3], g[4]);
                    g[2][0] += db;
                },
                (x, v, hv) => NetworkCases.OwnLayersHessianVector(x[0], x[1], x[2][0], x[3], x[4], s, h, y, z, n, inputs, outputs, v[0], v[1], v[2][0], v[3], v[4], hv[0], hv[1], ref hv[2][0], hv[3], hv[4]));

            // The callee's tangent of its backward on its own: the gradients as LayerBackward writes them, their tangents
            // against central differences of LayerBackward along the tangents of all it reads (inputs, output values, seeds).
            double[] x0 = p[0], w0 = p[1], y0 = new double[x0.Length], dy = Random(rng, x0.Length);
            double b0 = p[2][0], tb = rng.NextDouble() - 0.5, tSeed = rng.NextDouble() - 0.5;
            NetworkCases.Scored(x0, w0, b0, y0);
            double[] tx = Random(rng, x0.Length), tw = Random(rng, w0.Length), ty = Random(rng, y0.Length), tdy = Random(rng, y0.Length);
            (double[] Dx, double[] Dw, double Db) Backward(double step)
            {
                static double[] Moved(double[] a, double[] t, double step) => a.Zip(t, (u, v) => u + (step * v)).ToArray();
                double[] dx = new double[x0.Length], dw = new double[w0.Length];
                double db = 0;
                NetworkCases.ScoredBackward(Moved(x0, tx, step), Moved(w0, tw, step), b0 + (step * tb), Moved(y0, ty, step), 0.8 + (step * tSeed), Moved(dy, tdy, step), dx, dw, ref db);
                return (dx, dw, db);
            }

            double[] gx = new double[x0.Length], gw = new double[w0.Length], tgx = new double[x0.Length], tgw = new double[w0.Length];
            double gb = 0, tgb = 0;
            NetworkCases.ScoredBackwardTangent(x0, w0, b0, y0, 0.8, dy, gx, gw, ref gb, tx, tw, tb, ty, tSeed, tdy, tgx, tgw, ref tgb);
            var (ux, uw, ub) = Backward(H);
            var (dx0, dw0, db0) = Backward(0);
            var (lx, lw, lb) = Backward(-H);
            Assert.Equal(dx0, gx);
            Assert.Equal(dw0, gw);
            Assert.Equal(db0, gb);
            for (int i = 0; i < x0.Length; i++)
            {
                AssertClose((ux[i] - lx[i]) / (2 * H), tgx[i]);
                AssertClose((uw[i] - lw[i]) / (2 * H), tgw[i]);
            }

            AssertClose((ub - lb) / (2 * H), tgb);
        }

        /// <summary>The gradients the products differentiate: MGradient against central differences of the value, coordinate by coordinate.</summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void TheGradientsAgreeWithCentralDifferences(int seed)
        {
            var rng = new Random(seed);
            const int n = 2, inputs = 3, outputs = 2;
            double[][] p = { Random(rng, n * inputs), Random(rng, n * inputs), new[] { 0.2 + (0.5 * rng.NextDouble()) }, Random(rng, inputs * outputs), Random(rng, outputs) };
            double Value(double[][] x) => NetworkCases.OwnLayers(x[0], x[1], x[2][0], x[3], x[4], new double[n * inputs], new double[n * outputs], new double[n * outputs], new double[n * outputs], n, inputs, outputs);
            double[][] g = p.Select(a => new double[a.Length]).ToArray();
            double db = 0;
            NetworkCases.OwnLayersGradient(p[0], p[1], p[2][0], p[3], p[4], new double[n * inputs], new double[n * outputs], new double[n * outputs], new double[n * outputs], n, inputs, outputs, g[0], g[1], ref db, g[3], g[4]);
            g[2][0] = db;
            AgainstValue(p, g, Value);

            double[] target = Random(rng, n * outputs);
            double[][] q = { Random(rng, n * inputs), Random(rng, inputs * outputs), Random(rng, outputs), new[] { 0.5 + rng.NextDouble() } };
            double[] F() => new double[n * outputs];
            double[][] gq = q.Select(a => new double[a.Length]).ToArray();
            double da = 0;
            NetworkCases.ActivationChainGradient(q[0], q[1], q[2], target, q[3][0], F(), F(), F(), F(), F(), n, inputs, outputs, gq[0], gq[1], gq[2], ref da);
            gq[3][0] = da;
            AgainstValue(q, gq, x => NetworkCases.ActivationChain(x[0], x[1], x[2], target, x[3][0], F(), F(), F(), F(), F(), n, inputs, outputs));
        }

        private static void AgainstValue(double[][] inputs, double[][] gradients, Func<double[][], double> value)
        {
            for (int k = 0; k < inputs.Length; k++)
            {
                for (int i = 0; i < inputs[k].Length; i++)
                {
                    double[][] Moved(double step) => inputs.Select((a, j) => a.Select((t, e) => j == k && e == i ? t + step : t).ToArray()).ToArray();
                    AssertClose((value(Moved(H)) - value(Moved(-H))) / (2 * H), gradients[k][i]);
                }
            }
        }

        public static TheoryData<int> SeedData() => new(1, 2, 3, 4, 5);
    }
}
