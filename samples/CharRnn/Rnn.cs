using System;

namespace SymGrad.Samples.CharRnn
{
    /// <summary>
    /// The character-level vanilla RNN of min-char-rnn, forward only; SymGrad derives the backward pass through time.
    /// </summary>
    public static partial class Rnn
    {
        // inputs, targets are (steps) character indices in [0, vocab); target t is the character after input t.
        // wxh is (vocab, hidden): the one-hot input x_t picks row inputs[t], so Wxh·x_t costs no multiplication.
        // whh is (hidden, hidden) in x·W layout (row j: the weights from unit j of h_{t-1}); bh is (hidden).
        // why is (hidden, vocab) and by (vocab): the logits of step t are h_t·why + by (one dense layer over all steps).
        // xs is (steps, hidden), Wxh x_t + bh; pre is (steps, hidden), the pre-activations;
        // hs is (steps + 1, hidden): row 0 is h_{-1} = hprev, row t + 1 is h_t; ys is (steps, vocab), the logits.
        //
        //   h_t = tanh(Wxh x_t + Whh h_{t-1} + bh)
        //   y_t = Why h_t + by
        //   L   = Σ_t −log softmax(y_t)[target_t]
        [Differentiable]
        public static double Loss(
            ReadOnlySpan<int> inputs, ReadOnlySpan<int> targets,
            ReadOnlySpan<double> wxh, ReadOnlySpan<double> whh, ReadOnlySpan<double> why, ReadOnlySpan<double> bh, ReadOnlySpan<double> by,
            [NoDerivative] ReadOnlySpan<double> hprev, Span<double> xs, Span<double> pre, Span<double> hs, Span<double> ys,
            int steps, int vocab, int hidden)
        {
            for (int i = 0; i < hidden; i++)
            {
                hs[i] = hprev[i];
            }

            for (int t = 0; t < steps; t++)
            {
                for (int i = 0; i < hidden; i++)
                {
                    xs[(t * hidden) + i] = wxh[(inputs[t] * hidden) + i] + bh[i];
                }
            }

            for (int t = 0; t < steps; t++)
            {
                // pre_t = h_{t-1}·Whh + (Wxh x_t + bh): a dense layer of one row whose bias is the input's term.
                Nn.Dense(hs.Slice(t * hidden, hidden), whh, xs.Slice(t * hidden, hidden), pre.Slice(t * hidden, hidden), 1, hidden, hidden);
                Nn.Tanh(pre.Slice(t * hidden, hidden), hs.Slice((t + 1) * hidden, hidden));
            }

            Nn.Dense(hs.Slice(hidden, steps * hidden), why, by, ys, steps, hidden, vocab);
            return steps * Nn.SoftmaxCrossEntropy(ys, targets, steps, vocab); // the mean over the steps, times steps: their sum
        }
    }
}
