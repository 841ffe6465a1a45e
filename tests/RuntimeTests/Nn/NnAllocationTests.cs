using System;
using System.Linq;
using Xunit;

namespace SymGrad.RuntimeTests.NnPrimitives
{
    /// <summary>Every float primitive, forward, backward and tangent, allocates nothing once warm (scratch from the workspace or pools).</summary>
    // Allocation counts are per thread; a kernel's parallel wait can run another test's work inline: not in parallel with others.
    [Collection(nameof(AllocationCollection))]
    public class NnAllocationTests
    {
        private static long AllocatedBy(Action step)
        {
            step();
            step();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++)
            {
                step();
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        private static float[] Filled(int length, int seed)
        {
            var rng = new Random(seed);
            float[] values = new float[length];
            for (int i = 0; i < length; i++) values[i] = (float)(rng.NextDouble() * 2 - 1);
            return values;
        }

        [Fact]
        public void Dense()
        {
            int n = 9, inputs = 13, outputs = 7;
            float[] x = Filled(n * inputs, 1), w = Filled(inputs * outputs, 2), b = Filled(outputs, 3), y = new float[n * outputs], dy = Filled(y.Length, 4);
            float[] dx = new float[x.Length], dw = new float[w.Length], db = new float[b.Length];
            Assert.Equal(0, AllocatedBy(() =>
            {
                Nn.Dense(x, w, b, y, n, inputs, outputs);
                Nn.DenseBackward(x, w, b, y, n, inputs, outputs, dy, dx, dw, db);
            }));
        }

        [Fact]
        public void Activations()
        {
            float[] x = Filled(37, 1), y = new float[37], dy = Filled(37, 2), dx = new float[37];
            Assert.Equal(0, AllocatedBy(() =>
            {
                Nn.Relu(x, y);
                Nn.ReluBackward(x, y, dy, dx);
                Nn.LeakyRelu(x, y, 0.1f);
                Nn.LeakyReluBackward(x, y, 0.1f, dy, dx);
                Nn.Sigmoid(x, y);
                Nn.SigmoidBackward(x, y, dy, dx);
                Nn.Tanh(x, y);
                Nn.TanhBackward(x, y, dy, dx);
                Nn.Elu(x, y, 1f);
                Nn.EluBackward(x, y, 1f, dy, dx);
            }));
        }

        [Fact]
        public void Losses()
        {
            int rows = 5, classes = 11;
            float[] logits = Filled(rows * classes, 1), dlogits = new float[logits.Length], target = Filled(logits.Length, 2), dtarget = new float[logits.Length];
            int[] labels = { 0, 3, 10, 2, 7 };
            Assert.Equal(0, AllocatedBy(() =>
            {
                Nn.SoftmaxCrossEntropy(logits, labels, rows, classes);
                Nn.SoftmaxCrossEntropyBackward(logits, labels, rows, classes, 1f, dlogits);
                Nn.MseLoss(logits, target);
                Nn.MseLossBackward(logits, target, 1f, dlogits, dtarget);
            }));
        }

        [Fact]
        public void Normalization()
        {
            int n = 6, d = 19;
            float[] x = Filled(n * d, 1), gamma = Filled(d, 2), beta = Filled(d, 3), y = new float[x.Length], dy = Filled(x.Length, 4);
            float[] dx = new float[x.Length], dgamma = new float[d], dbeta = new float[d];
            Assert.Equal(0, AllocatedBy(() =>
            {
                Nn.BatchNorm(x, gamma, beta, y, n, d, 1e-5f);
                Nn.BatchNormBackward(x, gamma, beta, y, n, d, 1e-5f, dy, dx, dgamma, dbeta);
                Nn.MeanSubtract(x, y, n, d);
                Nn.MeanSubtractBackward(x, y, n, d, dy, dx);
            }));
        }

        [Fact]
        public void ConvolutionAndPooling()
        {
            var conv = new Conv2DShape(3, 2, 9, 7, 4, 3, 3, stride: 1, padding: 1);
            var pool = new Pool2DShape(3, 4, 9, 7, 2, 2, 2);
            float[] x = Filled(conv.InputLength, 1), w = Filled(conv.WeightLength, 2), b = Filled(4, 3), y = new float[conv.OutputLength], dy = Filled(y.Length, 4);
            float[] dx = new float[x.Length], dw = new float[w.Length], db = new float[b.Length];
            float[] pooled = new float[pool.OutputLength], dpooled = Filled(pooled.Length, 5), dyPool = new float[y.Length];
            Assert.Equal(0, AllocatedBy(() =>
            {
                Nn.Conv2D(x, w, b, y, conv);
                Nn.Conv2DBackward(x, w, b, y, conv, dy, dx, dw, db);
                Nn.MaxPool2D(y, pooled, pool);
                Nn.MaxPool2DBackward(y, pooled, pool, dpooled, dyPool);
            }));
        }

        [Fact]
        public void Tangents()
        {
            int n = 9, inputs = 13, outputs = 7;
            float[] x = Filled(n * inputs, 1), w = Filled(inputs * outputs, 2), b = Filled(outputs, 3), y = new float[n * outputs], ty = new float[y.Length];
            float[] tx = Filled(x.Length, 4), tw = Filled(w.Length, 5), tb = Filled(b.Length, 6), a = new float[x.Length], ta = new float[x.Length];
            var conv = new Conv2DShape(3, 2, 9, 7, 4, 3, 3, stride: 1, padding: 1);
            var pool = new Pool2DShape(3, 4, 9, 7, 2, 2, 2);
            float[] cx = Filled(conv.InputLength, 7), cw = Filled(conv.WeightLength, 8), cb = Filled(4, 9), cy = new float[conv.OutputLength], cty = new float[cy.Length];
            float[] ctx = Filled(cx.Length, 10), ctw = Filled(cw.Length, 11), pooled = new float[pool.OutputLength], tpooled = new float[pooled.Length];
            float[] gamma = Filled(inputs, 12), beta = Filled(inputs, 13);
            float[][] g = Enumerable.Range(0, 8).Select(_ => new float[inputs]).ToArray();
            int[] labels = { 0, 3, 10, 2, 7, 1, 1, 12, 5 };
            Assert.Equal(0, AllocatedBy(() =>
            {
                Nn.DenseTangent(x, w, b, y, n, inputs, outputs, tx, tw, tb, ty);
                Nn.TanhTangent(x, a, tx, ta);
                Nn.ReluTangent(x, a, tx, ta);
                Nn.Conv2DTangent(cx, cw, cb, cy, conv, ctx, ctw, cb, cty);
                Nn.ReluMaxPool2DTangent(cy, pooled, pool, cty, tpooled);
                Nn.BatchNormTangent(x, gamma, beta, a, n, inputs, 1e-5f, tx, gamma, beta, ta);
                Nn.MeanSubtractTangent(x, a, n, inputs, tx, ta);
                Nn.SoftmaxCrossEntropyTangent(x, labels, n, inputs, tx);
                Nn.MseLossTangent(x, tx, tx, ReadOnlySpan<float>.Empty);
                Nn.SumOfSquaresTangent(x, tx);
            }));
        }

        /// <summary>The tangents' own derivatives (a nested FTangent's): pullbacks, tangents and third orders allocate nothing either.</summary>
        [Fact]
        public void TangentsDerivatives()
        {
            int n = 9, inputs = 13, outputs = 7;
            float[] x = Filled(n * inputs, 1), w = Filled(inputs * outputs, 2), b = Filled(outputs, 3), y = new float[n * outputs], ty = new float[y.Length];
            float[] tx = Filled(x.Length, 4), tw = Filled(w.Length, 5), tb = Filled(b.Length, 6), dy = Filled(y.Length, 7), dty = Filled(y.Length, 8);
            float[] dx = new float[x.Length], dw = new float[w.Length], db = new float[b.Length], dtx = new float[x.Length], dtw = new float[w.Length], dtb = new float[b.Length];
            float[] uy = new float[y.Length], uty = new float[y.Length], a = new float[x.Length], ta = new float[x.Length], ua = new float[x.Length], uta = new float[x.Length];
            float[] vdx = new float[x.Length], vdw = new float[w.Length], vdb = new float[b.Length], vdtx = new float[x.Length], vdtw = new float[w.Length], vdtb = new float[b.Length];
            float[] gamma = Filled(inputs, 12), beta = Filled(inputs, 13);
            float[][] g = Enumerable.Range(0, 8).Select(_ => new float[inputs]).ToArray();
            int[] labels = { 0, 3, 10, 2, 7, 1, 1, 12, 5 };
            Assert.Equal(0, AllocatedBy(() =>
            {
                Nn.DenseTangentBackward(x, w, b, y, n, inputs, outputs, tx, tw, tb, ty, dy, dty, dx, dw, db, dtx, dtw, dtb);
                Nn.DenseTangentTangent(x, w, b, y, n, inputs, outputs, tx, tw, tb, ty, tx, tw, tb, tx, tw, tb, uy, uty);
                Nn.DenseTangentBackwardTangent(x, w, b, y, n, inputs, outputs, tx, tw, tb, ty, dy, dty, dx, dw, db, dtx, dtw, dtb,
                    tx, tw, tb, dy, tx, tw, tb, dty, dy, dty, vdx, vdw, vdb, vdtx, vdtw, vdtb);
                Nn.TanhTangent(x, a, tx, ta);
                Nn.TanhTangentBackward(x, a, tx, ta, x, tx, dx, dtx);
                Nn.TanhTangentTangent(x, a, tx, ta, tx, tx, ua, uta);
                Nn.TanhTangentTangent(x, a, tx, ta, tx, tx, default, uta);
                Nn.TanhTangentBackwardTangent(x, a, tx, ta, x, tx, dx, dtx, tx, ta, tx, ta, tx, tx, ua, uta);
                Nn.BatchNormTangentTangent(x, gamma, beta, a, n, inputs, 1e-5f, tx, gamma, beta, ta, tx, gamma, beta, tx, gamma, beta, ua, uta);
                Nn.BatchNormTangentBackwardTangent(x, gamma, beta, a, n, inputs, 1e-5f, tx, gamma, beta, ta, ua, uta, dx, g[0], g[1], dtx, g[2], g[3],
                    tx, gamma, beta, a, tx, gamma, beta, ta, ua, uta, vdx, g[4], g[5], vdtx, g[6], g[7]);
                Nn.SoftmaxCrossEntropyTangentTangent(x, labels, n, inputs, tx, tx, tx);
                Nn.SoftmaxCrossEntropyTangentBackwardTangent(x, labels, n, inputs, tx, 1f, dx, dtx, tx, tx, 0.5f, ua, uta);
                Nn.MseLossTangentBackwardTangent(x, tx, tx, ReadOnlySpan<float>.Empty, 1f, dx, dtx, ua, uta, tx, tx, tx, tx, 0.5f, a, ta, default, default);
            }));
        }

        [Fact]
        public void WinogradConvolution()
        {
            // 3×3, padding 1, ≥ 8 channels and filters, two groups of images: the Winograd path both ways (on 512-bit vectors;
            // an AVX2 host takes the direct kernel, which must not allocate either).
            var conv = new Conv2DShape(20, 8, 6, 6, 8, 3, 3, stride: 1, padding: 1);
            Assert.Equal(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated, Conv2DWinograd.Supports(conv));
            float[] x = Filled(conv.InputLength, 1), w = Filled(conv.WeightLength, 2), b = Filled(8, 3), y = new float[conv.OutputLength], dy = Filled(y.Length, 4);
            float[] dx = new float[x.Length], dw = new float[w.Length], db = new float[b.Length];
            Assert.Equal(0, AllocatedBy(() =>
            {
                Nn.Conv2D(x, w, b, y, conv);
                Nn.Conv2DBackward(x, w, b, y, conv, dy, dx, dw, db);
            }));
        }
    }
}
