using System;

namespace SymGrad
{
    /// <summary>
    /// Marks a parameter of a <c>[Differentiable]</c> method, or a field of a layer object (a type with
    /// <c>[Differentiable]</c> instance methods), as a constant: no gradient is produced for it.
    /// </summary>
    [AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
    public sealed class NoDerivativeAttribute : Attribute
    {
    }
}
