using System.Collections.Generic;
using System.Linq;

namespace SymGrad.Generator.Emit
{
    /// <summary>A struct of reals built from its fields' values: <c>new Segment { From = { X = a, Y = b }, To = { Z = c } }</c>.</summary>
    internal static class StructInitializer
    {
        /// <param name="fields">Each field's path from the struct (<c>.From.X</c>) and its value as C#; fields left out are default.</param>
        /// <param name="template">For an <c>Opaque</c> format template: the initializer's braces doubled (the values are placeholders).</param>
        public static string Of(string type, IEnumerable<(string Path, string Value)> fields, bool template = false)
            => "new " + type + " " + Initializer(fields.Select(f => (f.Path.TrimStart('.').Split('.'), f.Value)), template ? "{{ " : "{ ", template ? " }}" : " }");

        // A nested struct's fields by a nested initializer (From = { X = … }): C# assigns them in the field.
        private static string Initializer(IEnumerable<(string[] Path, string Value)> leaves, string open, string close) => open + string.Join(", ", leaves.GroupBy(l => l.Path[0]).Select(g =>
            g.First().Path.Length == 1 ? g.Key + " = " + g.First().Value : g.Key + " = " + Initializer(g.Select(l => (l.Path.Skip(1).ToArray(), l.Value)), open, close))) + close;
    }
}
