using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics.Tensors;
using System.Text;

namespace SymGrad.Samples.CharRnn
{
    /// <summary>The characters of a text, numbered in code-point order: index ↔ character.</summary>
    public sealed class Vocabulary
    {
        private readonly Dictionary<char, int> _index;

        public Vocabulary(string text)
        {
            Characters = text.Distinct().Order().ToArray();
            _index = Characters.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        }

        /// <summary>The distinct characters, in code-point order.</summary>
        public char[] Characters { get; }

        public int Count => Characters.Length;

        /// <summary>The text as character indices.</summary>
        public int[] Encode(string text) => text.Select(c => _index[c]).ToArray();
    }

    /// <summary>
    /// min-char-rnn's parameters (one <see cref="ParameterStore{T}"/> of doubles), the buffers of one sequence, and the
    /// hidden state carried from one sequence to the next.
    /// </summary>
    public sealed class CharModel
    {
        public const string Wxh = "Wxh", Whh = "Whh", Why = "Why", Bh = "bh", By = "by";

        private readonly double[] _xs, _pre, _hs, _ys;

        /// <summary>
        /// Weights drawn from N(0, 0.01²) — Wxh, then Whh, then Why, each row by row from one <see cref="SeededRandom"/>
        /// stream — and biases at zero, as min-char-rnn initialises them.
        /// </summary>
        public CharModel(int vocab, int hidden, int steps, long seed)
        {
            Vocab = vocab;
            Hidden = hidden;
            Steps = steps;
            Store = new ParameterStore<double>();
            Store.Add(Wxh, vocab * hidden);
            Store.Add(Whh, hidden * hidden);
            Store.Add(Why, hidden * vocab);
            Store.Add(Bh, hidden);
            Store.Add(By, vocab);
            var random = new SeededRandom(seed);
            foreach (string weights in new[] { Wxh, Whh, Why })
            {
                Init.Normal(Store.Parameters(weights), 0, 0.01, random);
            }

            _xs = new double[steps * hidden];
            _pre = new double[steps * hidden];
            _hs = new double[(steps + 1) * hidden];
            _ys = new double[steps * vocab];
            HiddenState = new double[hidden];
        }

        public int Vocab { get; }

        public int Hidden { get; }

        public int Steps { get; }

        public ParameterStore<double> Store { get; }

        /// <summary>h after the last sequence: the next sequence starts from it.</summary>
        public double[] HiddenState { get; }

        /// <summary>Forward only: the summed loss of one sequence from <see cref="HiddenState"/>, which is left as it was.</summary>
        public double Loss(ReadOnlySpan<int> inputs, ReadOnlySpan<int> targets) => Rnn.Loss(
            inputs, targets, P(Wxh), P(Whh), P(Why), P(Bh), P(By), HiddenState, _xs, _pre, _hs, _ys, Steps, Vocab, Hidden);

        /// <summary>
        /// Forward and backward through time over one sequence: the summed loss; the gradients replace those in the store,
        /// and <see cref="HiddenState"/> moves on to the sequence's last hidden state.
        /// </summary>
        public double LossAndGradients(ReadOnlySpan<int> inputs, ReadOnlySpan<int> targets)
        {
            Store.ZeroGradients();
            double loss = Rnn.LossGradient(
                inputs, targets, P(Wxh), P(Whh), P(Why), P(Bh), P(By), HiddenState, _xs, _pre, _hs, _ys, Steps, Vocab, Hidden,
                G(Wxh), G(Whh), G(Why), G(Bh), G(By));
            _hs.AsSpan(Steps * Hidden, Hidden).CopyTo(HiddenState);
            return loss;
        }

        /// <summary>
        /// <paramref name="length"/> characters drawn one at a time from the model's softmax, starting from
        /// <see cref="HiddenState"/> (left as it was) and the character <paramref name="first"/>.
        /// </summary>
        public int[] Sample(int first, int length, SeededRandom random)
        {
            ReadOnlySpan<double> wxh = P(Wxh), whh = P(Whh), why = P(Why), bh = P(Bh), by = P(By);
            double[] h = (double[])HiddenState.Clone(), x = new double[Hidden], pre = new double[Hidden], p = new double[Vocab];
            var drawn = new int[length];
            int c = first;
            for (int n = 0; n < length; n++)
            {
                // The forward of one step, as Rnn.Loss computes it: h = tanh(h·Whh + Wxh x + bh), y = h·Why + by.
                TensorPrimitives.Add(wxh.Slice(c * Hidden, Hidden), bh, x);
                Nn.Dense(h, whh, x, pre, 1, Hidden, Hidden);
                Nn.Tanh(pre, h);
                Nn.Dense(h, why, by, p, 1, Hidden, Vocab);
                TensorPrimitives.SoftMax(p, p);
                double u = random.NextDouble(), cumulative = 0;
                c = Vocab - 1;
                for (int k = 0; k < Vocab; k++)
                {
                    cumulative += p[k];
                    if (u < cumulative)
                    {
                        c = k;
                        break;
                    }
                }

                drawn[n] = c;
            }

            return drawn;
        }

        private Span<double> P(string name) => Store.Parameters(name);

        private Span<double> G(string name) => Store.Gradients(name);
    }

    internal static class Decode
    {
        public static string Text(Vocabulary vocabulary, IEnumerable<int> indices)
        {
            var text = new StringBuilder();
            foreach (int i in indices) text.Append(vocabulary.Characters[i]);
            return text.ToString();
        }
    }
}
