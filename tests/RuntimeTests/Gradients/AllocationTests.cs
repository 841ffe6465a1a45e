using System;
using SymGrad.RuntimeTests.Catalogue;
using Xunit;

namespace SymGrad.RuntimeTests.Gradients
{
    /// <summary>
    /// A generated training step allocates nothing once the workspace has grown to its size: tapes, cotangent
    /// copies and scratch spans all come from the per-thread workspace.
    /// </summary>
    // Allocation counts are per thread; a kernel's parallel wait can run another test's work inline: not in parallel with others.
    [Collection(nameof(AllocationCollection))]
    public class AllocationTests
    {
        /// <summary>
        /// Bytes allocated by <paramref name="repetitions"/> steps after a warm-up, the least of three such windows: an
        /// allocation per step shows in every window, while a one-off of the runtime's (one window in about fifteen
        /// full-suite runs read non-zero, with the other test classes running alongside) shows in one.
        /// </summary>
        private static long AllocatedBy(Action step, int repetitions = 20)
        {
            step();
            step(); // warm-up: the workspace grows to the step's size, the JIT settles
            long least = long.MaxValue;
            for (int window = 0; window < 3 && least > 0; window++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < repetitions; i++)
                {
                    step();
                }

                least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
            }

            return least;
        }

        [Fact]
        public void AStepOfAMethodWithLocalBuffersAllocatesNothing()
        {
            // Its stackalloc and new double[2] are lent from the workspace in every generated method (LocalBufferWriter).
            var rng = new Random(2);
            double[] x = Check.Random(rng, 3), w1 = Check.Random(rng, 12), w2 = Check.Random(rng, 8);
            double[] dx = new double[3], dw1 = new double[12], dw2 = new double[8], hw1 = new double[12];
            void Step()
            {
                Language.LocalBufferCases.MlpGradient(x, w1, w2, 4, dx, dw1, dw2);
                Language.LocalBufferCases.MlpBackward(x, w1, w2, 4, 0.5, dx, dw1, dw2);
                Language.LocalBufferCases.MlpTangent(x, w1, w2, 4, x, w1, w2);
                Language.LocalBufferCases.MlpHessianVector(x, w1, w2, 4, x, w1, w2, dx, hw1, dw2);
            }

            Assert.Equal(0, AllocatedBy(Step));
        }

        [Fact]
        public void ComposedTwoLayerTrainingStepAllocatesNothing()
        {
            var rng = new Random(1);
            int n = 8, inputs = 13, hidden = 7, outputs = 3;
            double[] x = Check.Random(rng, n * inputs), w1 = Check.Random(rng, inputs * hidden), b1 = new double[hidden];
            double[] w2 = Check.Random(rng, hidden * outputs), b2 = new double[outputs], target = Check.Random(rng, n * outputs);
            double[] a1 = new double[n * hidden], h1 = new double[n * hidden], a2 = new double[n * outputs], p = new double[n * outputs];
            double[] dx = new double[x.Length], dw1 = new double[w1.Length], db1 = new double[hidden], dw2 = new double[w2.Length], db2 = new double[outputs];
            void Step()
            {
                Array.Clear(dw1);
                Array.Clear(dw2);
                Layers.TwoLayerGradient(x, w1, b1, w2, b2, target, a1, h1, a2, p, n, inputs, hidden, outputs, dx, dw1, db1, dw2, db2);
                for (int i = 0; i < w1.Length; i++) w1[i] -= 0.01 * dw1[i];
                for (int i = 0; i < w2.Length; i++) w2[i] -= 0.01 * dw2[i];
            }

            Assert.Equal(0, AllocatedBy(Step));
        }

        /// <summary>
        /// An output array a method rebuilds and passes to a method taking an array has an array for its work copy, and its
        /// tangent another: the workspace lends them (<c>CopyArray</c>, <c>RentArray</c>) where they were new arrays per call.
        /// </summary>
        [Fact]
        public void WorkCopiesOfOutputArraysAllocateNothing()
        {
            var rng = new Random(4);
            double[] x = Check.Random(rng, 6), z = Check.Random(rng, 6), y = new double[6], dx = new double[6], dz = new double[6];
            double[] vx = Check.Random(rng, 6), vz = Check.Random(rng, 6), hvx = new double[6], hvz = new double[6];
            double da = 0, hva = 0;
            Assert.Equal(0, AllocatedBy(() => SymGrad.RuntimeTests.Language.ArrayCases.TanhLayerTwiceGradient(x, z, y, 0.7, dx, dz, ref da)));
            Assert.Equal(0, AllocatedBy(() => SymGrad.RuntimeTests.Language.ArrayCases.TanhLayerTwiceHessianVector(x, z, y, 0.7, vx, vz, 0.2, hvx, hvz, ref hva)));
            Assert.True(Workspace.Current.IsEmpty);
        }

        [Fact]
        public void TapedLoopsAllocateNothing()
        {
            var rng = new Random(2);
            double[] x = Check.Random(rng, 5000), dx = new double[x.Length];
            Assert.Equal(0, AllocatedBy(() => Scalars.ProductGradient(x, dx)));
            double a = 0.3, da = 0;
            Assert.Equal(0, AllocatedBy(() => Scalars.RecurrenceGradient(x, a, dx, ref da)));

            var g = new Geometry(Channels: 3, Height: 20, Width: 20, Filters: 0, KernelH: 2, KernelW: 2, Stride: 2, Pad: 0);
            double[] image = Check.Random(rng, 3 * 20 * 20), pooled = new double[3 * 10 * 10], dpooled = Check.Random(rng, pooled.Length), dimage = new double[image.Length];
            Convolutions.MaxPool(image, pooled, g);
            Assert.Equal(0, AllocatedBy(() => Convolutions.MaxPoolBackward(image, pooled, g, dpooled, dimage)));
        }

        [Fact]
        public void HessianVectorProductsThroughLayersAllocateNothing()
        {
            // Before: 336 B per call, the layers' backward tangents formatting parameter names for checks that passed.
            var rng = new Random(3);
            int n = 4, inputs = 6, hidden = 5, outputs = 3, classes = 3;
            double[] x = Check.Random(rng, n * inputs), w1 = Check.Random(rng, inputs * hidden), b1 = Check.Random(rng, hidden);
            double[] w2 = Check.Random(rng, hidden * outputs), b2 = Check.Random(rng, outputs);
            double[] h = new double[n * hidden], r = new double[n * hidden], o = new double[n * outputs];
            double[] vx = Check.Random(rng, x.Length), vw1 = Check.Random(rng, w1.Length), vb1 = Check.Random(rng, b1.Length), vw2 = Check.Random(rng, w2.Length), vb2 = Check.Random(rng, b2.Length);
            double[] hvx = new double[x.Length], hvw1 = new double[w1.Length], hvb1 = new double[b1.Length], hvw2 = new double[w2.Length], hvb2 = new double[b2.Length];
            Assert.Equal(0, AllocatedBy(() => Language.NetworkCases.TanhMlpHessianVector(x, w1, b1, w2, b2, h, r, o, n, inputs, hidden, outputs,
                vx, vw1, vb1, vw2, vb2, hvx, hvw1, hvb1, hvw2, hvb2)));

            int[] labels = { 0, 2, 1, 2 };
            double[] z = new double[n * classes];
            Assert.Equal(0, AllocatedBy(() => Language.NetworkCases.SigmoidClassifierHessianVector(x, labels, w1, b1, w2, b2, h, r, z, n, inputs, hidden, classes,
                vw1, vb1, vw2, vb2, hvw1, hvb1, hvw2, hvb2)));

            double[] gamma = Check.Random(rng, hidden, 0.5, 1.5), beta = Check.Random(rng, hidden), vgamma = Check.Random(rng, hidden), vbeta = Check.Random(rng, hidden);
            double[] hvgamma = new double[hidden], hvbeta = new double[hidden], bn = new double[n * hidden], t = new double[n * hidden];
            Assert.Equal(0, AllocatedBy(() => Language.NetworkCases.BatchNormMlpHessianVector(x, labels, w1, b1, gamma, beta, w2, b2, h, bn, t, z, n, inputs, hidden, classes,
                vx, vw1, vb1, vgamma, vbeta, vw2, vb2, hvx, hvw1, hvb1, hvgamma, hvbeta, hvw2, hvb2)));
        }

        [Fact]
        public void ValidationThrowsBeforeWritingAnything()
        {
            double[] x = { 1, 2, 3 }, y = new double[3], dy = { 1, 1, 1 };
            double[] shortGradient = new double[2];
            var error = Assert.Throws<ArgumentException>(() => Catalogue.Activations.TanhBackward(x, y, dy, shortGradient));
            Assert.Equal("dx", error.ParamName);
            Assert.All(shortGradient, v => Assert.Equal(0.0, v));

            double[] buffer = { 1, 2, 3, 0, 0, 0 };
            var overlap = Assert.Throws<ArgumentException>(() => Catalogue.Activations.TanhBackward(buffer.AsSpan(0, 3), y, dy, buffer.AsSpan(1, 3)));
            Assert.Equal("dx", overlap.ParamName);
            Assert.Contains("overlaps x", overlap.Message);
            Assert.Equal(new double[] { 1, 2, 3, 0, 0, 0 }, buffer);

            var mismatch = Assert.Throws<ArgumentException>(() => Catalogue.Activations.TanhBackward(x, y, new double[4], new double[3]));
            Assert.Equal("dy", mismatch.ParamName);
        }

        [Fact]
        public void SpansThatContradictTheSizesThrowBeforeAnythingIsWritten()
        {
            int n = 3, inputs = 4, outputs = 2;
            double[] x = new double[n * inputs - 1], w = new double[inputs * outputs], b = new double[outputs];
            double[] y = new double[n * outputs], dy = new double[n * outputs];
            double[] dx = new double[x.Length], dw = new double[w.Length], db = { 7, 7 };
            var error = Assert.Throws<ArgumentException>(() => Layers.DenseBackward(x, w, b, y, n, inputs, outputs, dy, dx, dw, db));
            Assert.Equal("x", error.ParamName);
            Assert.Contains("x[i * inputs + k]", error.Message);
            Assert.Equal(new double[] { 7, 7 }, db);

            // MGradient checks before running the forward pass.
            double[] shortW = new double[3 * 4 - 1], xs = new double[4], dW = { 5 }, dX = new double[4];
            var beforeForward = Assert.Throws<ArgumentException>(() => Layers.SquaredNormGradient(shortW, xs, 3, 4, new double[shortW.Length], dX));
            Assert.Equal("w", beforeForward.ParamName);
            Assert.All(dX, v => Assert.Equal(0.0, v));
        }

        [Fact]
        public void AnExceptionInsideABackwardLeavesTheWorkspaceBalanced()
        {
            var ws = Workspace.Current;
            int before = ws.Doubles.Count;
            double[] x = { 1, 2, 3 };
            Assert.Throws<ArgumentException>(() => Scalars.ProductBackward(x, 1, new double[2]));
            Scalars.ProductBackward(x, 1, new double[3]);
            Assert.Equal(before, ws.Doubles.Count);
        }
    }
}
