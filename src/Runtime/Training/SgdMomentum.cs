using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace SymGrad
{
    /// <summary>
    /// SGD with (heavy-ball or Nesterov) momentum and L2 weight decay, as <c>torch.optim.SGD(lr=η,
    /// momentum=μ, weight_decay=λ, nesterov=…)</c> with no dampening:
    /// <code>
    /// g' = g + λ θ
    /// v  ← μ v + g'                       (v starts at 0, so the first step has v = g')
    /// θ  ← θ − η v                        (heavy ball)
    /// θ  ← θ − η (g' + μ v)               (Nesterov)
    /// </code>
    /// The velocity (and, with weight decay or Nesterov, one scratch buffer) is allocated by the constructor;
    /// <see cref="Step"/> allocates nothing.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    public sealed class SgdMomentum<T> : IOptimizer<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T[] _velocity;
        private readonly T[] _scratch;
        private readonly T _momentum;
        private readonly T _weightDecay;
        private T _learningRate;

        /// <param name="parameterCount">The number of parameters each step updates (≥ 0).</param>
        /// <param name="learningRate">η: finite, ≥ 0.</param>
        /// <param name="momentum">μ: in [0, 1); typically 0.9.</param>
        /// <param name="weightDecay">λ: finite, ≥ 0; added to the gradient (L2).</param>
        /// <param name="nesterov">Use Nesterov's look-ahead update; requires <paramref name="momentum"/> &gt; 0.</param>
        public SgdMomentum(int parameterCount, double learningRate, double momentum = 0.9, double weightDecay = 0, bool nesterov = false)
        {
            OptimizerGuard.Count(parameterCount, nameof(parameterCount));
            _learningRate = OptimizerGuard.NonNegative<T>(learningRate, nameof(learningRate));
            _momentum = OptimizerGuard.UnitInterval<T>(momentum, nameof(momentum));
            _weightDecay = OptimizerGuard.NonNegative<T>(weightDecay, nameof(weightDecay));
            if (nesterov && momentum == 0)
            {
                throw new ArgumentException("Nesterov momentum needs momentum > 0; got momentum = 0.", nameof(nesterov));
            }

            ParameterCount = parameterCount;
            Momentum = momentum;
            WeightDecay = weightDecay;
            Nesterov = nesterov;
            _velocity = new T[parameterCount];
            _scratch = weightDecay != 0 || nesterov ? new T[parameterCount] : Array.Empty<T>();
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

        /// <summary>μ, the momentum coefficient.</summary>
        public double Momentum { get; }

        /// <summary>λ, the L2 weight decay.</summary>
        public double WeightDecay { get; }

        /// <summary>Whether the update uses Nesterov's look-ahead.</summary>
        public bool Nesterov { get; }

        /// <summary>The velocity v, one element per parameter (read-only view, for inspection and checkpoints).</summary>
        public ReadOnlySpan<T> Velocity => _velocity;

        /// <inheritdoc/>
        public void Step(Span<T> parameters, ReadOnlySpan<T> gradients)
        {
            OptimizerGuard.Spans(parameters, gradients, ParameterCount);
            Span<T> velocity = _velocity;
            ReadOnlySpan<T> g = gradients;
            if (_weightDecay != T.Zero)
            {
                // g' = λ θ + g
                TensorPrimitives.MultiplyAdd(parameters, _weightDecay, gradients, _scratch);
                g = _scratch;
            }

            // v ← μ v + g'
            TensorPrimitives.MultiplyAdd(velocity, _momentum, g, velocity);
            if (Nesterov)
            {
                // u = g' + μ v;  θ ← θ − η u   (g' may already live in the scratch buffer: same start, allowed)
                TensorPrimitives.MultiplyAdd(velocity, _momentum, g, _scratch);
                TensorPrimitives.MultiplyAdd(_scratch, -_learningRate, parameters, parameters);
            }
            else
            {
                // θ ← θ − η v
                TensorPrimitives.MultiplyAdd(velocity, -_learningRate, parameters, parameters);
            }

            StepCount++;
        }

        /// <inheritdoc/>
        public void Reset()
        {
            Array.Clear(_velocity);
            StepCount = 0;
        }
    }
}
