using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace SymGrad
{
    /// <summary>
    /// Adam (Kingma &amp; Ba, 2015) with bias correction and either L2 or decoupled (AdamW) weight decay,
    /// matching <c>torch.optim.Adam</c> / <c>torch.optim.AdamW</c> (without amsgrad):
    /// <code>
    /// t ← t + 1
    /// g' = g + λ θ                                   (L2 only)
    /// θ  ← (1 − η λ) θ                                (Decoupled only)
    /// m  ← β₁ m + (1 − β₁) g'
    /// v  ← β₂ v + (1 − β₂) g'²
    /// m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)
    /// θ  ← θ − η m̂ / (√v̂ + ε)
    /// </code>
    /// The last line is computed in the paper's equivalent form <c>θ ← θ − α_t m / (√v + ε √(1 − β₂ᵗ))</c>
    /// with <c>α_t = η √(1 − β₂ᵗ) / (1 − β₁ᵗ)</c>, one pass fewer. The bias corrections are computed in
    /// <see cref="double"/>. The moments are allocated by the constructor; <see cref="Step"/> allocates nothing
    /// (its scratch is a stack chunk) and shares its chunks between both cores.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    public sealed class Adam<T> : IOptimizer<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T[] _m;
        private readonly T[] _v;
        private readonly T _weightDecay;
        private readonly T _oneMinusBeta1;
        private readonly T _oneMinusBeta2;
        private T _learningRate;

        /// <param name="parameterCount">The number of parameters each step updates (≥ 0).</param>
        /// <param name="learningRate">η: finite, ≥ 0.</param>
        /// <param name="beta1">β₁: in [0, 1).</param>
        /// <param name="beta2">β₂: in [0, 1).</param>
        /// <param name="epsilon">ε: finite, &gt; 0 (and not 0 once rounded to <typeparamref name="T"/>).</param>
        /// <param name="weightDecay">λ: finite, ≥ 0.</param>
        /// <param name="weightDecayMode">L2 (Adam, the default) or decoupled (AdamW).</param>
        public Adam(
            int parameterCount,
            double learningRate = 1e-3,
            double beta1 = 0.9,
            double beta2 = 0.999,
            double epsilon = 1e-8,
            double weightDecay = 0,
            AdamWeightDecay weightDecayMode = AdamWeightDecay.L2)
        {
            OptimizerGuard.Count(parameterCount, nameof(parameterCount));
            _learningRate = OptimizerGuard.NonNegative<T>(learningRate, nameof(learningRate));
            _oneMinusBeta1 = T.One - OptimizerGuard.UnitInterval<T>(beta1, nameof(beta1));
            _oneMinusBeta2 = T.One - OptimizerGuard.UnitInterval<T>(beta2, nameof(beta2));
            OptimizerGuard.Positive<T>(epsilon, nameof(epsilon));
            _weightDecay = OptimizerGuard.NonNegative<T>(weightDecay, nameof(weightDecay));
            if (weightDecayMode is not (AdamWeightDecay.L2 or AdamWeightDecay.Decoupled))
            {
                throw new ArgumentException($"weightDecayMode {(int)weightDecayMode} is not an {nameof(AdamWeightDecay)} value.", nameof(weightDecayMode));
            }

            ParameterCount = parameterCount;
            Beta1 = beta1;
            Beta2 = beta2;
            Epsilon = epsilon;
            WeightDecay = weightDecay;
            WeightDecayMode = weightDecayMode;
            _m = new T[parameterCount];
            _v = new T[parameterCount];
        }

        /// <summary>AdamW: Adam with decoupled weight decay (PyTorch's AdamW defaults: λ = 0.01).</summary>
        public static Adam<T> AdamW(
            int parameterCount,
            double learningRate = 1e-3,
            double beta1 = 0.9,
            double beta2 = 0.999,
            double epsilon = 1e-8,
            double weightDecay = 0.01)
            => new(parameterCount, learningRate, beta1, beta2, epsilon, weightDecay, AdamWeightDecay.Decoupled);

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

        /// <summary>β₁, the decay of the first moment.</summary>
        public double Beta1 { get; }

        /// <summary>β₂, the decay of the second moment.</summary>
        public double Beta2 { get; }

        /// <summary>ε, added to √v̂.</summary>
        public double Epsilon { get; }

        /// <summary>λ, the weight decay.</summary>
        public double WeightDecay { get; }

        /// <summary>Whether λ acts as L2 regularisation or is decoupled (AdamW).</summary>
        public AdamWeightDecay WeightDecayMode { get; }

        /// <summary>The first moment m (read-only view).</summary>
        public ReadOnlySpan<T> FirstMoment => _m;

        /// <summary>The second moment v (read-only view).</summary>
        public ReadOnlySpan<T> SecondMoment => _v;

        /// <inheritdoc/>
        public void Step(Span<T> parameters, ReadOnlySpan<T> gradients)
        {
            OptimizerGuard.Spans(parameters, gradients, ParameterCount);
            long t = StepCount + 1;
            double bias1 = 1 - Math.Pow(Beta1, t);
            double sqrtBias2 = Math.Sqrt(1 - Math.Pow(Beta2, t));
            T stepSize = T.CreateChecked(double.CreateChecked(_learningRate) * sqrtBias2 / bias1);
            T epsilonHat = T.CreateChecked(Epsilon * sqrtBias2);

            // All the passes run over one chunk while it sits in L1, then the next: one trip through memory, not eight.
            // Chunks are shared between both cores (a memory-bound pass: one core does not saturate memory here).
            unsafe
            {
                fixed (T* p = parameters, g = gradients, m = _m, v = _v)
                {
                    var job = new StepJob
                    {
                        Parameters = p, Gradients = g, M = m, V = v, Length = parameters.Length, StepSize = stepSize, EpsilonHat = epsilonHat,
                        OneMinusBeta1 = _oneMinusBeta1, OneMinusBeta2 = _oneMinusBeta2, WeightDecay = _weightDecay,
                        DecoupledShrink = T.One - (_learningRate * _weightDecay), L2 = WeightDecayMode == AdamWeightDecay.L2,
                    };
                    RowSplit.Run(&job, (parameters.Length + Chunk - 1) / Chunk, 7L * parameters.Length, &UpdateChunks);
                }
            }

            StepCount = t;
        }

        /// <summary>Elements updated per chunk: the spans of a chunk (4 KB each for floats) stay in L1 across the passes.</summary>
        private const int Chunk = 1024;

        private static unsafe void UpdateChunks(void* pointer, int c0, int c1)
        {
            ref readonly StepJob job = ref *(StepJob*)pointer;
            Span<T> scratchChunk = stackalloc T[Chunk], decayedChunk = stackalloc T[job.L2 && job.WeightDecay != T.Zero ? Chunk : 0];
            for (int chunk = c0; chunk < c1; chunk++)
            {
                int start = chunk * Chunk, length = Math.Min(Chunk, job.Length - start);
                var parameters = new Span<T>(job.Parameters + start, length);
                var m = new Span<T>(job.M + start, length);
                var v = new Span<T>(job.V + start, length);
                Span<T> scratch = scratchChunk[..length];
                scoped ReadOnlySpan<T> g = new(job.Gradients + start, length);
                if (job.WeightDecay != T.Zero)
                {
                    if (job.L2)
                    {
                        // g' = λ θ + g
                        Span<T> decayed = decayedChunk[..length];
                        TensorPrimitives.MultiplyAdd(parameters, job.WeightDecay, g, decayed);
                        g = decayed;
                    }
                    else
                    {
                        // θ ← (1 − η λ) θ
                        TensorPrimitives.Multiply(parameters, job.DecoupledShrink, parameters);
                    }
                }

                // m ← m + (1 − β₁)(g' − m) = β₁ m + (1 − β₁) g'
                TensorPrimitives.Lerp(m, g, job.OneMinusBeta1, m);

                // v ← β₂ v + (1 − β₂) g'²
                TensorPrimitives.Multiply(g, g, scratch);
                TensorPrimitives.Lerp(v, scratch, job.OneMinusBeta2, v);

                // θ ← θ − α_t m / (√v + ε̂)
                TensorPrimitives.Sqrt(v, scratch);
                TensorPrimitives.Add(scratch, job.EpsilonHat, scratch);
                TensorPrimitives.Divide(m, scratch, scratch);
                TensorPrimitives.MultiplyAdd(scratch, -job.StepSize, parameters, parameters);
            }
        }

        /// <summary>One step, as raw pointers so the worker thread can take chunks of it (the caller keeps the spans pinned).</summary>
        private unsafe struct StepJob
        {
            public T* Parameters;
            public T* Gradients;
            public T* M;
            public T* V;
            public int Length;
            public T StepSize;
            public T EpsilonHat;
            public T OneMinusBeta1;
            public T OneMinusBeta2;
            public T WeightDecay;
            public T DecoupledShrink;
            public bool L2;
        }

        /// <inheritdoc/>
        public void Reset()
        {
            Array.Clear(_m);
            Array.Clear(_v);
            StepCount = 0;
        }
    }
}
