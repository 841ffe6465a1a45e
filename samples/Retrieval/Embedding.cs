using System;

namespace SymGrad.Samples.Retrieval
{
    /// <summary>
    /// Descriptor learning with the contrastive loss (catalogue 20): both images of a pair go through the same
    /// two-layer embedding (shared weights, so their gradients add up); similar pairs are pulled together, dissimilar
    /// pairs pushed apart until they are <c>margin</c> away. Forward only — SymGrad derives the rest.
    /// a and b are (pairs, inputs); the embeddings ea and eb are (pairs, dims).
    /// </summary>
    public static partial class Embedding
    {
        [Differentiable]
        public static float ContrastiveLoss(
            [NoDerivative] ReadOnlySpan<float> a, [NoDerivative] ReadOnlySpan<float> b, ReadOnlySpan<int> similar,
            ReadOnlySpan<float> w1, ReadOnlySpan<float> b1, ReadOnlySpan<float> w2, ReadOnlySpan<float> b2,
            Span<float> ha, Span<float> ra, Span<float> ea, Span<float> hb, Span<float> rb, Span<float> eb,
            int pairs, int inputs, int hidden, int dims, [NoDerivative] float margin)
        {
            Nn.Dense(a, w1, b1, ha, pairs, inputs, hidden);
            Nn.Relu(ha, ra);
            Nn.Dense(ra, w2, b2, ea, pairs, hidden, dims);
            Nn.Dense(b, w1, b1, hb, pairs, inputs, hidden);
            Nn.Relu(hb, rb);
            Nn.Dense(rb, w2, b2, eb, pairs, hidden, dims);

            float loss = 0;
            for (int p = 0; p < pairs; p++)
            {
                float d2 = 0;
                for (int k = 0; k < dims; k++)
                {
                    float diff = ea[p * dims + k] - eb[p * dims + k];
                    d2 += diff * diff;
                }

                if (similar[p] == 1)
                {
                    loss += d2;
                }
                else
                {
                    float d = MathF.Sqrt(d2 + 1e-12f);
                    float m = MathF.Max(0, margin - d);
                    loss += m * m;
                }
            }

            return loss / pairs;
        }

        /// <summary>The embedding alone (no loss), for evaluation: x is (n, inputs), e is (n, dims).</summary>
        public static void Embed(ReadOnlySpan<float> x, ReadOnlySpan<float> w1, ReadOnlySpan<float> b1, ReadOnlySpan<float> w2, ReadOnlySpan<float> b2,
            Span<float> h, Span<float> r, Span<float> e, int n, int inputs, int hidden, int dims)
        {
            Nn.Dense(x, w1, b1, h, n, inputs, hidden);
            Nn.Relu(h, r);
            Nn.Dense(r, w2, b2, e, n, hidden, dims);
        }
    }
}
