using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis.CSharp;

namespace SymGrad.Generator.Differentiate
{
    /// <summary>Hands out identifiers for generated locals that collide with nothing the user wrote.</summary>
    internal sealed class NameAllocator
    {
        private readonly HashSet<string> _used;

        public NameAllocator(IEnumerable<string> taken) => _used = new HashSet<string>(taken);

        /// <summary>A copy that allocates independently (each differentiation pass starts from the same names).</summary>
        public NameAllocator Clone() => new(_used);

        public string Reserve(string name)
        {
            // d + a parameter's name can be a keyword (o → do, ouble → double): never hand one out.
            string candidate = name;
            for (int i = 2; _used.Contains(candidate) || SyntaxFacts.GetKeywordKind(candidate) != SyntaxKind.None; i++)
            {
                candidate = name + i.ToString(CultureInfo.InvariantCulture);
            }

            _used.Add(candidate);
            return candidate;
        }
    }
}
