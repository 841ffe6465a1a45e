using System.Collections.Generic;

namespace SymGrad.Generator.Model
{
    /// <summary>Compares by identity: tables about places in a tree (records compare by value, and equal statements stand in many places).</summary>
    internal sealed class ReferenceComparer<T> : IEqualityComparer<T>
        where T : class
    {
        public static readonly ReferenceComparer<T> Instance = new();

        public bool Equals(T? x, T? y) => ReferenceEquals(x, y);

        public int GetHashCode(T obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }
}
