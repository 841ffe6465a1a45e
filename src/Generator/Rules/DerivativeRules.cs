using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Rules
{
    /// <summary>
    /// The derivative of every elementary function, as data (after PyTorch's <c>derivatives.yaml</c>): for
    /// <c>f(x, y, …)</c> one local partial per argument, written in the arguments and in <c>r</c>, the function's own
    /// value — so <c>exp</c>, <c>tanh</c>, <c>sigmoid</c> and <c>sqrt</c> reuse what the forward pass computed. The reverse
    /// sweep multiplies each partial by the adjoint flowing in; forward mode multiplies it by the argument's tangent.
    /// Conventions at kinks follow PyTorch: <c>|x|</c> has slope <c>sign(x)</c> (0 at 0); <c>max</c> and <c>min</c> give a
    /// tie to their first argument, so <c>max(0, x)</c> passes nothing at 0.
    /// </summary>
    internal static class DerivativeRules
    {
        private static readonly Rule[] s_table =
        {
            new("Exp", "x", "r"),
            new("Log", "x", "1 / x"),
            new("Sqrt", "x", "1 / (2 * r)"),
            new("Tanh", "x", "1 - r * r"),
            new("Sigmoid", "x", "r * (1 - r)"),
            new("Sin", "x", "Cos(x)"),
            new("Cos", "x", "-Sin(x)"),
            new("Abs", "x", "Sign(x)"),
            new("Pow", "x, y", "y * Pow(x, y - 1)", "r * Log(x)"),
            new("Max", "x, y", "x >= y ? 1 : 0", "x >= y ? 0 : 1"),
            new("Min", "x, y", "x <= y ? 1 : 0", "x <= y ? 0 : 1"),
        };

        private static readonly Dictionary<string, Rule> s_byName = s_table.ToDictionary(r => r.Function);

        // Step functions: their derivative is zero almost everywhere (PyTorch's convention at the jumps too), so no adjoint
        // flows through them. They stay in the expression tree, not as text: a call inside one still runs and is reversed.
        private static readonly HashSet<string> s_piecewiseConstant = new() { "Floor", "Ceiling", "Round", "Truncate", "Sign" };

        /// <summary>The functions that have a rule.</summary>
        public static IEnumerable<string> Functions => s_byName.Keys;

        public static bool Has(string function) => s_byName.ContainsKey(function);

        /// <summary>Whether <paramref name="function"/> is a step function: every partial is zero almost everywhere.</summary>
        public static bool IsPiecewiseConstant(string function) => s_piecewiseConstant.Contains(function);

        /// <summary>Whether some partial of <paramref name="function"/> reads its value <c>r</c>.</summary>
        public static bool UsesResult(string function) => s_byName.TryGetValue(function, out Rule? rule) && rule.UsesResult;

        /// <summary>
        /// ∂f/∂(argument <paramref name="index"/>) for the call <paramref name="call"/>, with <paramref name="result"/> standing
        /// for its value (a variable that holds it, or the call itself).
        /// </summary>
        public static Expr Partial(MathCall call, int index, Expr result)
        {
            Rule rule = s_byName[call.Function];
            var bindings = new Dictionary<string, Expr> { ["r"] = result };
            for (int i = 0; i < rule.Parameters.Length; i++)
            {
                bindings[rule.Parameters[i]] = call.Args[i];
            }

            return RuleFormula.Instantiate(rule.Partials[index], bindings, call.Type);
        }

        private sealed class Rule
        {
            public Rule(string function, string parameters, params string[] partials)
            {
                Function = function;
                Parameters = parameters.Split(',').Select(p => p.Trim()).ToArray();
                Partials = partials.Select(RuleFormula.Parse).ToArray();
                UsesResult = Partials.Any(p => RuleFormula.Mentions(p, "r"));
            }

            public string Function { get; }

            public string[] Parameters { get; }

            public Expr[] Partials { get; }

            public bool UsesResult { get; }
        }
    }
}
