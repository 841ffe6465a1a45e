using System;

namespace SymGrad
{
    /// <summary>
    /// Registers a hand-written method as the backward (pullback) of <see cref="Type"/>.<see cref="MethodName"/>.
    /// Its signature must be exactly the <c>MBackward</c> signature SymGrad would generate for that method.
    /// </summary>
    /// <example>
    /// <code>
    /// [DerivativeOf(typeof(Ops), nameof(Ops.Square))]
    /// static void SquareBackward(double x, double dResult, ref double dx) => dx += 2 * x * dResult;
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class DerivativeOfAttribute : Attribute
    {
        /// <summary>Registers the method this attribute is on as the backward of <paramref name="type"/>.<paramref name="methodName"/>.</summary>
        /// <param name="type">The type that declares the differentiated method.</param>
        /// <param name="methodName">Its name; write <c>nameof(T.M)</c>.</param>
        public DerivativeOfAttribute(Type type, string methodName)
        {
            Type = type;
            MethodName = methodName;
        }

        /// <summary>The type that declares the method this one differentiates.</summary>
        public Type Type { get; }

        /// <summary>The name of the method this one differentiates.</summary>
        public string MethodName { get; }

        /// <summary>
        /// Marks an assigning variant: the name of the one <c>Span</c> gradient parameter (for example <c>"dx"</c>) this backward
        /// sets (<c>=</c>, every element written) instead of adding to; every other gradient it still accumulates into.
        /// Register it next to the accumulating backward of the same method: generated code calls it where that gradient's
        /// scratch buffer has received nothing yet, which saves clearing the buffer and reading it back.
        /// </summary>
        public string? Assigns { get; set; }
    }
}
