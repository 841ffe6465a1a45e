using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Differentiate;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Emit
{
    /// <summary>
    /// The lecture notation of the derivation: adjoints as <c>∂L/∂v</c>, the result's cotangent as <c>∂L/∂result</c>,
    /// work copies under their outputs' names, products as <c>·</c>, no namespaces.
    /// </summary>
    internal static class Notation
    {
        public static string Math(Expr e, BackwardProgram program)
        {
            Dictionary<string, string> names = Names(program);
            string text = ExprPrinter.Print(e, n => names.TryGetValue(n, out string? shown) ? shown : n);
            return Plain(text).Replace(" * ", "·");
        }

        /// <summary>Code without the namespaces of <c>Math</c> and <c>MathF</c>.</summary>
        public static string Plain(string text) => text.Replace("global::System.MathF.", "").Replace("global::System.Math.", "")
            .Replace("global::System.Double.", "").Replace("global::System.Single.", "");

        private static Dictionary<string, string> Names(BackwardProgram program)
        {
            var names = new Dictionary<string, string> { [program.DResult] = "∂L/∂result" };
            foreach (KeyValuePair<string, string> g in program.Gradients.Concat(program.Cotangents))
            {
                names[g.Value] = "∂L/∂" + g.Key;
            }

            foreach (Variable v in program.Variables.Values.Where(v => v.Primal is not null))
            {
                names[v.Name] = v.Role == Role.Adjoint ? "∂L/∂" + v.Primal : v.Primal!;
            }

            return names;
        }
    }
}
