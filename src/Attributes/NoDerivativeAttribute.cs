using System;

namespace SymGrad
{
    /// <summary>
    /// Marks a parameter of a <c>[Differentiable]</c> method as a constant: no gradient is produced for it.
    /// </summary>
    [AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
    public sealed class NoDerivativeAttribute : Attribute
    {
    }
}
