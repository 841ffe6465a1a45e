using System;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;

namespace SymGrad.RuntimeTests.NnPrimitives
{
    /// <summary>
    /// The assigning variants of the Nn backwards (<c>[DerivativeOf(…, Assigns = "dx")]</c>): each sets dx to exactly what
    /// the accumulating backward adds to zeros, whatever dx held, and leaves its other gradients accumulating; and
    /// generated code that uses them still adds the caller's own cotangents of intermediate outputs.
    /// </summary>
    public class AssigningBackwardTests
    {
        /// <summary>Runs a backward twice: accumulating into zeros, and assigning into garbage; the dx must agree bit for bit.</summary>
        private static void SameAsAccumulatingIntoZeros(int length, Action<double[]> accumulate, Action<double[]> assign)
        {
            double[] expected = new double[length], actual = new double[length];
            Array.Fill(actual, double.NaN); // garbage: an assigning backward must write every element
            accumulate(expected);
            assign(actual);
            Assert.Equal(expected, actual);
        }

        [Fact]
        public void Activations()
        {
            var rng = new Random(1);
            double[] x = Random(rng, 37, -3, 3), y = new double[37], dy = Random(rng, 37);
            Nn.Relu(x, y);
            SameAsAccumulatingIntoZeros(37, dx => Nn.ReluBackward(x, y, dy, dx), dx => Nn.ReluBackwardAssign(x, y, dy, dx));
            Nn.Sigmoid(x, y);
            SameAsAccumulatingIntoZeros(37, dx => Nn.SigmoidBackward(x, y, dy, dx), dx => Nn.SigmoidBackwardAssign(x, y, dy, dx));
            Nn.Tanh(x, y);
            SameAsAccumulatingIntoZeros(37, dx => Nn.TanhBackward(x, y, dy, dx), dx => Nn.TanhBackwardAssign(x, y, dy, dx));
        }

        [Fact]
        public void DenseAssignsDxAndAccumulatesDwAndDb()
        {
            var rng = new Random(2);
            const int N = 5, In = 7, Out = 3;
            double[] x = Random(rng, N * In), w = Random(rng, In * Out), b = Random(rng, Out), y = new double[N * Out], dy = Random(rng, N * Out);
            Nn.Dense(x, w, b, y, N, In, Out);
            double[] dw1 = Random(rng, w.Length), db1 = Random(rng, Out), dw2 = (double[])dw1.Clone(), db2 = (double[])db1.Clone();
            SameAsAccumulatingIntoZeros(N * In, dx => Nn.DenseBackward(x, w, b, y, N, In, Out, dy, dx, dw1, db1), dx => Nn.DenseBackwardAssign(x, w, b, y, N, In, Out, dy, dx, dw2, db2));
            Assert.Equal(dw1, dw2);
            Assert.Equal(db1, db2);
        }

        [Theory]
        [InlineData(2, 3, 6, 5, 4, 1)]   // direct kernel
        [InlineData(3, 8, 5, 6, 8, 1)]   // Winograd F(2×2, 3×3)
        [InlineData(2, 2, 7, 7, 3, 2)]   // im2col + GEMM (stride 2)
        public void Conv2DAssignsDx(int n, int c, int h, int w, int f, int stride)
        {
            var rng = new Random(3);
            var s = new Conv2DShape(n, c, h, w, f, 3, 3, stride, padding: 1);
            double[] x = Random(rng, s.InputLength), k = Random(rng, s.WeightLength), b = Random(rng, f), y = new double[s.OutputLength], dy = Random(rng, s.OutputLength);
            Nn.Conv2D(x, k, b, y, s);
            double[] dk1 = new double[k.Length], db1 = new double[f], dk2 = new double[k.Length], db2 = new double[f];
            SameAsAccumulatingIntoZeros(s.InputLength, dx => Nn.Conv2DBackward(x, k, b, y, s, dy, dx, dk1, db1), dx => Nn.Conv2DBackwardAssign(x, k, b, y, s, dy, dx, dk2, db2));
            Assert.Equal(dk1, dk2);
            Assert.Equal(db1, db2);
        }

        [Theory]
        [InlineData(2, 3, 8, 6, 2, 2, 2)]    // 2×2 / 2, narrow rows (vectorised, assigns in place)
        [InlineData(1, 2, 6, 40, 2, 2, 2)]   // 2×2 / 2, rows wider than two vectors
        [InlineData(2, 2, 7, 7, 3, 3, 2)]    // overlapping 3×3 windows (window scan)
        public void MaxPoolAssignsDx(int n, int c, int h, int w, int ph, int pw, int stride)
        {
            var rng = new Random(4);
            var s = new Pool2DShape(n, c, h, w, ph, pw, stride);
            double[] x = Random(rng, s.InputLength), y = new double[s.OutputLength], dy = Random(rng, s.OutputLength);
            Nn.MaxPool2D(x, y, s);
            SameAsAccumulatingIntoZeros(s.InputLength, dx => Nn.MaxPool2DBackward(x, y, s, dy, dx), dx => Nn.MaxPool2DBackwardAssign(x, y, s, dy, dx));
        }

        [Fact]
        public void SoftmaxCrossEntropy()
        {
            var rng = new Random(5);
            double[] logits = Random(rng, 6 * 4);
            int[] labels = Labels(rng, 6, 4);
            SameAsAccumulatingIntoZeros(logits.Length, d => Nn.SoftmaxCrossEntropyBackward(logits, labels, 6, 4, 0.5, d), d => Nn.SoftmaxCrossEntropyBackwardAssign(logits, labels, 6, 4, 0.5, d));
        }

        [Theory]
        [InlineData(37)]
        [InlineData(5000)] // several chunks, over both cores
        public void MseLossAssignsDpredictionAndAccumulatesDtarget(int length)
        {
            var rng = new Random(7);
            double[] prediction = Random(rng, length), target = Random(rng, length);
            double[] dt1 = Random(rng, length), dt2 = (double[])dt1.Clone();
            SameAsAccumulatingIntoZeros(length, d => Nn.MseLossBackward(prediction, target, 0.3, d, dt1), d => Nn.MseLossBackwardAssign(prediction, target, 0.3, d, dt2));
            Assert.Equal(dt1, dt2);
        }

        [Theory]
        [InlineData(37)]
        [InlineData(5000)] // several chunks, over both cores
        public void SumOfSquaresAssignsDx(int length)
        {
            double[] x = Random(new Random(8), length);
            SameAsAccumulatingIntoZeros(length, d => Nn.SumOfSquaresBackward(x, -0.7, d), d => Nn.SumOfSquaresBackwardAssign(x, -0.7, d));
        }

        [Fact]
        public void GeneratedBackwardAddsTheCallersCotangentsOfIntermediates()
        {
            // MlpBackward's intermediate buffers are set by assigning backwards; non-empty cotangents of z1, h1 and logits
            // must still reach the inputs: the gradient of loss + ⟨z1, v1⟩ + ⟨h1, v2⟩ + ⟨logits, v3⟩.
            const int N = 4, In = 5, Hidden = 6, Classes = 3;
            var rng = new Random(6);
            double[] x = Random(rng, N * In), w1 = Random(rng, In * Hidden), b1 = Random(rng, Hidden, -0.1, 0.1), w2 = Random(rng, Hidden * Classes), b2 = Random(rng, Classes, -0.1, 0.1);
            int[] labels = Labels(rng, N, Classes);
            double[] z1 = new double[N * Hidden], h1 = new double[N * Hidden], logits = new double[N * Classes];
            double[] v1 = Random(rng, z1.Length), v2 = Random(rng, h1.Length), v3 = Random(rng, logits.Length);
            double[] dx = new double[x.Length], dw1 = new double[w1.Length], db1 = new double[Hidden], dw2 = new double[w2.Length], db2 = new double[Classes];
            Networks.Mlp(x, w1, b1, w2, b2, labels, z1, h1, logits, N, In, Hidden, Classes);
            Networks.MlpBackward(x, w1, b1, w2, b2, labels, z1, h1, logits, N, In, Hidden, Classes, 1, v1, v2, v3, dx, dw1, db1, dw2, db2);
            Verify(() => Networks.Mlp(x, w1, b1, w2, b2, labels, z1, h1, logits, N, In, Hidden, Classes)
                    + GradCheck.Contract(z1, v1) + GradCheck.Contract(h1, v2) + GradCheck.Contract(logits, v3),
                Param("x", x, dx), Param("w1", w1, dw1), Param("b1", b1, db1), Param("w2", w2, dw2), Param("b2", b2, db2));
        }
    }
}
