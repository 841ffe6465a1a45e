using System;
using System.Numerics;

namespace SymGrad
{
    /// <summary>
    /// An optimizer that updates a fixed number of parameters in place from their gradients. State buffers
    /// (momentum, moments, scratch) are allocated once by the constructor for <see cref="ParameterCount"/>
    /// elements; <see cref="Step"/> allocates nothing.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    public interface IOptimizer<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        /// <summary>The number of parameters every <see cref="Step"/> updates.</summary>
        int ParameterCount { get; }

        /// <summary>The number of steps taken since construction or the last <see cref="Reset"/>.</summary>
        long StepCount { get; }

        /// <summary>The learning rate of the next step; set it between steps for a schedule (finite, ≥ 0).</summary>
        double LearningRate { get; set; }

        /// <summary>
        /// Updates <paramref name="parameters"/> in place from <paramref name="gradients"/>; both hold
        /// <see cref="ParameterCount"/> elements and must not overlap. Gradients are only read.
        /// </summary>
        void Step(Span<T> parameters, ReadOnlySpan<T> gradients);

        /// <summary>Clears the optimizer's state (momentum, moments, step count) as if newly constructed.</summary>
        void Reset();
    }
}
