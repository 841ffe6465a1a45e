using System;

namespace SymGrad
{
    /// <summary>
    /// Marks a <c>static</c> method of a <c>partial</c> type whose backward pass SymGrad derives at compile time.
    /// The generator adds <c>MBackward</c> (the pullback) and, for a scalar result, <c>MGradient</c>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class DifferentiableAttribute : Attribute
    {
        /// <summary>
        /// Reverse the method's loops with binomial checkpointing (Griewank and Walther's Revolve) instead of a tape: the
        /// backward keeps a few snapshots of a loop's state instead of every value it overwrites, and recomputes the steps in
        /// between. For long loops whose state is a few scalars (a recurrence <c>h = Math.Tanh(a * h + x[t])</c>, a
        /// physics rollout): memory stays bounded at the cost of running the steps forward a few times more. It applies to
        /// each loop at the top level of the body that tapes values per step and changes only scalar locals; other loops
        /// (those writing span elements or calling methods that write outputs) are taped as without it, and the generated
        /// code says so above them. <c>MHessianVector</c> tapes as before.
        /// </summary>
        public bool CheckpointLoops { get; set; }

        /// <summary>
        /// With <see cref="CheckpointLoops"/>: the most snapshots of a loop's state held at once (that of the loop's start
        /// included). 0, the default, chooses per call the fewest with which no step runs forward more than three times
        /// untaped (about ∛(6n): 390 for 10⁷ steps). Fewer snapshots, more recomputation: with c snapshots and n steps each
        /// step runs forward about r times, r the smallest with C(c + r, c) ≥ n.
        /// </summary>
        public int Snapshots { get; set; }

        /// <summary>
        /// With <see cref="CheckpointLoops"/>: a loop whose trip count, known when it starts, is at most this many steps is
        /// taped as without checkpointing (faster for short loops); above it, checkpointed. 0, the default: always
        /// checkpointed. A loop whose trip count is not known when it starts (<c>while</c>, <c>break</c>) is always checkpointed.
        /// </summary>
        public int CheckpointAbove { get; set; }
    }
}
