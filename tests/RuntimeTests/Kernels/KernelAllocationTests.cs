using System;
using Xunit;
using static SymGrad.RuntimeTests.KernelTestHelpers;

namespace SymGrad.RuntimeTests
{
    /// <summary>Every kernel's steady state allocates nothing on the calling thread (scratch comes from ArrayPool or the stack).</summary>
    [Collection(nameof(AllocationCollection))]
    public class KernelAllocationTests
    {
        [Fact]
        public void SteadyStateKernelsAllocateNothing()
        {
            var conv = new Conv2DShape(2, 3, 12, 12, 4, 3, 3, stride: 1, padding: 1);
            var pool = new Pool2DShape(2, 4, 12, 12, 2, 2, 2);
            float[] x = new float[conv.InputLength], w = new float[conv.WeightLength], b = new float[4], y = new float[conv.OutputLength];
            float[] dx = new float[conv.InputLength], dw = new float[conv.WeightLength], db = new float[4];
            float[] pooled = new float[pool.OutputLength], dPooled = new float[pool.OutputLength];
            int[] indices = new int[pool.OutputLength];
            float[] logits = new float[8 * 10], probabilities = new float[80], dLogits = new float[80], lse = new float[8];
            int[] labels = { 0, 1, 2, 3, 4, 5, 6, 7 };

            void Step()
            {
                Conv2D.Forward(x, w, b, y, conv);
                Activations.Relu<float>(y, y);
                MaxPool2D.Forward<float>(y, pooled, indices, pool);
                MaxPool2D.Backward<float>(dPooled, indices, y, pool, accumulate: false);
                Activations.ReluBackward<float>(y, y, y, accumulate: false);
                Conv2D.BackwardWeights(x, y, dw, db, conv);
                Conv2D.BackwardInput(w, y, dx, conv);
                Activations.Elu<float>(logits, logits, 1f);
                Activations.Sigmoid<float>(logits, logits);
                Softmax.LogSumExp<float>(logits, lse, 8, 10);
                Softmax.LogForward<float>(logits, dLogits, 8, 10);
                Softmax.LogBackward<float>(dLogits, probabilities, logits, 8, 10);
                Softmax.CrossEntropyForward<float>(logits, labels, 8, 10, probabilities);
                Softmax.CrossEntropyBackward<float>(probabilities, labels, dLogits, 8, 10, 1f);
                VectorOps.Axpy(-0.1f, dw, w);
            }

            Step();
            Step();

            AssertSteadyStateAllocatesNothing(Step);
        }
    }
}
