using System;

namespace SymGrad
{
    /// <summary>
    /// Registers a hand-written method as the forward mode (tangent) of <see cref="Type"/>.<see cref="MethodName"/>, the way
    /// <see cref="DerivativeOfAttribute"/> registers a backward. Its signature must be exactly the <c>MTangent</c> signature
    /// SymGrad would generate for that method: the original parameters, a tangent for each differentiable input (a
    /// <c>ReadOnlySpan</c> for a span; empty means zero), a <c>Span</c> tangent for each <c>Span</c> output (empty means not
    /// needed); it returns the result's tangent (or nothing for a <c>void</c> method) and writes the outputs as the method does.
    /// With it, the <c>MTangent</c> of a <c>[Differentiable]</c> method calling the registered one is generated.
    /// </summary>
    /// <example>
    /// <code>
    /// [TangentOf(typeof(Ops), nameof(Ops.Square))]
    /// static double SquareTangent(double x, double tx) => 2 * x * tx;
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class TangentOfAttribute : Attribute
    {
        /// <summary>Registers the method this attribute is on as the tangent of <paramref name="type"/>.<paramref name="methodName"/>.</summary>
        /// <param name="type">The type that declares the differentiated method.</param>
        /// <param name="methodName">Its name; write <c>nameof(T.M)</c>.</param>
        public TangentOfAttribute(Type type, string methodName)
        {
            Type = type;
            MethodName = methodName;
        }

        /// <summary>The type that declares the method this one differentiates.</summary>
        public Type Type { get; }

        /// <summary>The name of the method this one differentiates.</summary>
        public string MethodName { get; }
    }
}
