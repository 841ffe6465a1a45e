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
    }
}
