using System.Collections.Generic;

namespace SymGrad.Generator.Emit
{
    /// <summary>A small tree of emitted statements: lines and braced scopes, printed by <see cref="SourceEmitter"/>.</summary>
    internal abstract class Code
    {
    }

    /// <summary>One statement or comment. <see cref="Math"/>, when set, is the line in lecture notation for the doc comment.</summary>
    internal sealed class Line : Code
    {
        public Line(string text, string? math = null)
        {
            Text = text;
            Math = math;
        }

        public string Text { get; }

        public string? Math { get; }
    }

    /// <summary><c>header { body }</c>; a null header is a bare block.</summary>
    internal sealed class Scope : Code
    {
        public Scope(string? header, List<Code> body)
        {
            Header = header;
            Body = body;
        }

        public string? Header { get; }

        public List<Code> Body { get; }
    }

    internal sealed class ReferenceComparer<T> : IEqualityComparer<T>
        where T : class
    {
        public static readonly ReferenceComparer<T> Instance = new();

        public bool Equals(T? x, T? y) => ReferenceEquals(x, y);

        public int GetHashCode(T obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }
}
