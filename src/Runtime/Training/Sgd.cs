using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace SymGrad
{
    /// <summary>
    /// Plain stochastic gradient descent with L2 weight decay:
    /// <c>θ ← θ − η (g + λ θ) = (1 − η λ) θ − η g</c>
    /// (for plain SGD, L2 regularisation and decoupled weight decay are the same update).
    /// Matches <c>torch.optim.SGD(lr=η, weight_decay=λ)</c>. Stateless; allocates nothing.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    public sealed class Sgd<T> : IOptimizer<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private T _learningRate;
        private readonly T _weightDecay;

        /// <param name="parameterCount">The number of parameters each step updates (≥ 0).</param>
        /// <param name="learningRate">η: finite, ≥ 0.</param>
        /// <param name="weightDecay">λ: finite, ≥ 0.</param>
        public Sgd(int parameterCount, double learningRate, double weightDecay = 0)
        {
            OptimizerGuard.Count(parameterCount, nameof(parameterCount));
            _learningRate = OptimizerGuard.NonNegative<T>(learningRate, nameof(learningRate));
            _weightDecay = OptimizerGuard.NonNegative<T>(weightDecay, nameof(weightDecay));
            ParameterCount = parameterCount;
            WeightDecay = weightDecay;
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

        /// <summary>λ, the weight decay.</summary>
        public double WeightDecay { get; }

        /// <inheritdoc/>
        public void Step(Span<T> parameters, ReadOnlySpan<T> gradients)
        {
            OptimizerGuard.Spans(parameters, gradients, ParameterCount);
            if (_weightDecay != T.Zero)
            {
                // θ ← (1 − η λ) θ
                TensorPrimitives.Multiply(parameters, T.One - _learningRate * _weightDecay, parameters);
            }

            // θ ← θ − η g
            TensorPrimitives.MultiplyAdd(gradients, -_learningRate, parameters, parameters);
            StepCount++;
        }

        /// <inheritdoc/>
        public void Reset() => StepCount = 0;
    }
}
