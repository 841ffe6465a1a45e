using System;
using System.Numerics;

namespace SymGrad
{
    /// <summary>
    /// Adagrad (Duchi, Hazan &amp; Singer, 2011): each parameter's step shrinks with the squares of its past gradients,
    /// <code>
    /// G ← G + g²
    /// θ ← θ − η g / √(G + ε)
    /// </code>
    /// as min-char-rnn writes it (<c>mem += dparam * dparam; param += -learning_rate * dparam / np.sqrt(mem + 1e-8)</c>).
    /// <c>torch.optim.Adagrad</c> puts ε outside the root, <c>η g / (√G + ε)</c>, with ε = 1e-10: the two agree once
    /// G ≫ ε. The accumulator is allocated by the constructor; <see cref="Step"/> allocates nothing.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    public sealed class Adagrad<T> : IOptimizer<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T[] _sumOfSquares;
        private readonly T _epsilon;
        private T _learningRate;

        /// <param name="parameterCount">The number of parameters each step updates (≥ 0).</param>
        /// <param name="learningRate">η: finite, ≥ 0 (min-char-rnn uses 0.1).</param>
        /// <param name="epsilon">ε: finite, &gt; 0 (and not 0 once rounded to <typeparamref name="T"/>).</param>
        public Adagrad(int parameterCount, double learningRate = 1e-2, double epsilon = 1e-8)
        {
            OptimizerGuard.Count(parameterCount, nameof(parameterCount));
            _learningRate = OptimizerGuard.NonNegative<T>(learningRate, nameof(learningRate));
            _epsilon = OptimizerGuard.Positive<T>(epsilon, nameof(epsilon));
            ParameterCount = parameterCount;
            Epsilon = epsilon;
            _sumOfSquares = new T[parameterCount];
        }

        /// <inheritdoc/>
        public int ParameterCount { get; }

        /// <inheritdoc/>
        public long StepCount { get; private set; }

        /// <inheritdoc/>
        public double LearningRate
        {
            get => double.CreateChecked(_learningRate);
            set => _learningRate = OptimizerGuard.NonNegative<T>(value, nameof(value));
        }

        /// <summary>ε, added to G under the square root.</summary>
        public double Epsilon { get; }

        /// <summary>G, the sum of the squared gradients so far (read-only view).</summary>
        public ReadOnlySpan<T> SumOfSquares => _sumOfSquares;

        /// <inheritdoc/>
        public void Step(Span<T> parameters, ReadOnlySpan<T> gradients)
        {
            OptimizerGuard.Spans(parameters, gradients, ParameterCount);
            Span<T> sum = _sumOfSquares;
            T rate = _learningRate, epsilon = _epsilon;
            for (int i = 0; i < parameters.Length; i++)
            {
                T g = gradients[i];
                T s = sum[i] + (g * g);
                sum[i] = s;
                parameters[i] -= rate * g / T.Sqrt(s + epsilon);
            }

            StepCount++;
        }

        /// <inheritdoc/>
        public void Reset()
        {
            Array.Clear(_sumOfSquares);
            StepCount = 0;
        }
    }
}
