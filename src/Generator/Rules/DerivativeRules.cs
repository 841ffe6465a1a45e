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
    /// tie to their first argument, so <c>max(0, x)</c> passes nothing at 0. atan2 and hypot have slope 0 at the origin,
    /// where PyTorch gives NaN.
    /// </summary>
    internal static class DerivativeRules
    {
        private static readonly Rule[] s_table =
        {
            new("Exp", "x", "r"),
            new("Log", "x", "1 / x"),
            new("Log", "x, b", "1 / (x * Log(b))", "-r / (b * Log(b))"),
            new("Log2", "x", "1 / (x * Log(2))"),
            new("Log10", "x", "1 / (x * Log(10))"),
            new("Sqrt", "x", "1 / (2 * r)"),
            new("Cbrt", "x", "1 / (3 * r * r)"),
            new("Pow", "x, y", "y * Pow(x, y - 1)", "r * Log(x)"),
            new("Tanh", "x", "1 - r * r"),
            new("Sigmoid", "x", "r * (1 - r)"),
            new("Sin", "x", "Cos(x)"),
            new("Cos", "x", "-Sin(x)"),
            new("Tan", "x", "1 + r * r"),
            new("Asin", "x", "1 / Sqrt(1 - x * x)"),
            new("Acos", "x", "-1 / Sqrt(1 - x * x)"),
            new("Atan", "x", "1 / (1 + x * x)"),
            // At the origin (or where x² + y² underflows) atan2 has no derivative: slope 0, not 0/0 = NaN (SymGrad's convention;
            // PyTorch gives NaN). A function constant near there — atan2(s, s) of an s that is 0 whatever the inputs — keeps the
            // gradient central differences give (found by the random-program tester, CI on 8103500, 7eW1NcB6W1f1).
            new("Atan2", "y, x", "x * x + y * y == 0 ? 0 : x / (x * x + y * y)", "x * x + y * y == 0 ? 0 : -y / (x * x + y * y)"),
            new("Sinh", "x", "Cosh(x)"),
            new("Cosh", "x", "Sinh(x)"),
            new("Asinh", "x", "1 / Sqrt(x * x + 1)"),
            new("Acosh", "x", "1 / Sqrt(x * x - 1)"),
            new("Atanh", "x", "1 / (1 - x * x)"),
            // Sign(x), but NaN where x is (Math.Sign throws on NaN: a forward that overflowed would make the backward throw).
            new("Abs", "x", "x > 0 ? 1 : (x < 0 ? -1 : x)"),
            new("Max", "x, y", "x >= y ? 1 : 0", "x >= y ? 0 : 1"),
            new("Min", "x, y", "x <= y ? 1 : 0", "x <= y ? 0 : 1"),
            // Functions of double/float only (generic math, .NET 7+), printed as double.X/float.X (see NumericOnly).
            new("Exp2", "x", "r * Log(2)"),
            new("Exp10", "x", "r * Log(10)"),
            new("ExpM1", "x", "r + 1"),
            new("Exp2M1", "x", "(r + 1) * Log(2)"),
            new("Exp10M1", "x", "(r + 1) * Log(10)"),
            new("LogP1", "x", "1 / (1 + x)"),
            new("Log2P1", "x", "1 / ((1 + x) * Log(2))"),
            new("Log10P1", "x", "1 / ((1 + x) * Log(10))"),
            new("Hypot", "x, y", "r == 0 ? 0 : x / r", "r == 0 ? 0 : y / r"), // at the origin the least subgradient, 0 (not 0/0)
            new("SinPi", "x", "Pi * CosPi(x)"),
            new("CosPi", "x", "-(Pi * SinPi(x))"),
            new("TanPi", "x", "Pi * (1 + r * r)"),
            new("AsinPi", "x", "1 / (Pi * Sqrt(1 - x * x))"),
            new("AcosPi", "x", "-1 / (Pi * Sqrt(1 - x * x))"),
            new("AtanPi", "x", "1 / (Pi * (1 + x * x))"),
            new("Atan2Pi", "y, x", "x * x + y * y == 0 ? 0 : x / (Pi * (x * x + y * y))", "x * x + y * y == 0 ? 0 : -y / (Pi * (x * x + y * y))"),
            new("DegreesToRadians", "x", "Pi / 180"),
            new("RadiansToDegrees", "x", "180 / Pi"),
            new("Lerp", "a, b, t", "1 - t", "t", "b - a"),
            new("MaxNumber", "x, y", "x >= y ? 1 : 0", "x >= y ? 0 : 1"),
            new("MinNumber", "x, y", "x <= y ? 1 : 0", "x <= y ? 0 : 1"),
            // Clamp passes the adjoint to whichever of x, lo, hi it returned; x where lo <= x <= hi (PyTorch's clamp).
            new("Clamp", "x, lo, hi", "x < lo ? 0 : (x > hi ? 0 : 1)", "x < lo ? 1 : 0", "x > hi ? 1 : 0"),
            new("FusedMultiplyAdd", "a, b, c", "b", "a", "1"),
            // |x| with y's sign: ±1 in x (0 at x = 0, as PyTorch), nothing in y.
            new("CopySign", "x, y", "x == 0 ? 0 : r / x", "0"),
            // The argument returned gets the adjoint, chosen as .NET chooses it: on a tie |x| = |y| (MaxMagnitude(|a|, a) is
            // a tie everywhere) MaxMagnitude returns x unless x is negative, MinMagnitude x only if it is. Not "r == x": x
            // recomputed in the backward may differ from the forward's in its last bit, and the equality would flip.
            new("MaxMagnitude", "x, y", "Abs(x) > Abs(y) || Abs(x) == Abs(y) && x >= 0 ? 1 : 0", "Abs(x) > Abs(y) || Abs(x) == Abs(y) && x >= 0 ? 0 : 1"),
            new("MinMagnitude", "x, y", "Abs(x) < Abs(y) || Abs(x) == Abs(y) && x < 0 ? 1 : 0", "Abs(x) < Abs(y) || Abs(x) == Abs(y) && x < 0 ? 0 : 1"),
        };

        // By name and arity: Math.Log(x) and Math.Log(x, b) are two functions.
        private static readonly Dictionary<string, Rule> s_byName = s_table.ToDictionary(r => Key(r.Function, r.Parameters.Length));

        // Step functions: their derivative is zero almost everywhere (PyTorch's convention at the jumps too), so no adjoint
        // flows through them. They stay in the expression tree, not as text: a call inside one still runs and is reversed.
        private static readonly HashSet<string> s_piecewiseConstant = new() { "Floor", "Ceiling", "Round", "Truncate", "Sign" };

        // Not on Math/MathF: called as double.X / float.X.
        private static readonly HashSet<string> s_numericOnly = new()
        {
            "Exp2", "Exp10", "ExpM1", "Exp2M1", "Exp10M1", "LogP1", "Log2P1", "Log10P1", "Hypot", "SinPi", "CosPi", "TanPi",
            "AsinPi", "AcosPi", "AtanPi", "Atan2Pi", "DegreesToRadians", "RadiansToDegrees", "Lerp", "MaxNumber", "MinNumber",
        };

        /// <summary>Whether <paramref name="function"/> exists on <c>double</c>/<c>float</c> only, not on <c>Math</c>/<c>MathF</c>.</summary>
        public static bool NumericOnly(string function) => s_numericOnly.Contains(function);

        // Functions whose value is finite wherever their argument is (and defined).
        private static readonly HashSet<string> s_finiteOnFinite = new()
        {
            "Tanh", "Sigmoid", "Sin", "Cos", "Atan", "Atan2", "Asinh", "Abs", "Max", "Min", "Clamp", "Sign", "Floor", "Ceiling",
            "Round", "Truncate", "Sqrt", "Cbrt", "CopySign", "MaxMagnitude", "MinMagnitude", "Asin", "Acos", "SinPi", "CosPi",
            "AsinPi", "AcosPi", "AtanPi", "Atan2Pi", "MaxNumber", "MinNumber", "DegreesToRadians", "RadiansToDegrees",
        };

        /// <summary>Whether <paramref name="function"/>'s value is finite wherever its arguments are (and it is defined).</summary>
        public static bool FiniteOnFinite(string function) => s_finiteOnFinite.Contains(function);

        // Functions with points where their value is finite and their partials are not: √x, ∛x and xʸ at x = 0, asin and
        // acos at ±1, acosh at 1. (Where eˣ's, log x's or tan x's partial is infinite, so is the value, and nothing finite
        // follows from it but through 0·∞; atan2's and hypot's are 0 at the origin, by the table above.)
        private static readonly HashSet<string> s_singular = new()
        {
            "Sqrt", "Cbrt", "Pow", "Asin", "Acos", "Acosh", "AsinPi", "AcosPi",
        };

        /// <summary>
        /// Whether <paramref name="call"/>'s function has points where its value is finite and a partial is ±∞ (√x at 0,
        /// acos at 1). Forward mode multiplies such a partial by a tangent only where the tangent is not zero
        /// (<c>u̇ == 0 ? 0 : u̇/(2√u)</c>), the reverse sweep by an adjoint only where it is not (<c>if (dr != 0) dx += dr/(2√x)</c>):
        /// a direction that leaves u where it is moves f(u) by nothing, and a result nothing asks about passes nothing back —
        /// where f has no derivative too. Otherwise a Jacobian's sweep along another input or for another result reads
        /// ∞·0 = NaN (FOUND.md U2).
        /// </summary>
        public static bool IsSingular(MathCall call) => s_singular.Contains(call.Function)
            && !(call.Function == "Pow" && Simplifier.TryValue(call.Args[1], out double exponent) && exponent >= 1); // x² has 2x

        /// <summary>
        /// Whether <paramref name="call"/> saturates: its slope rounds to exactly 0 far out (tanh and σ beyond ±20 or so in
        /// double, ±10 in float), where an overflow upstream may have made the argument's tangent infinite. Forward mode
        /// passes nothing on where the slope is 0 (<c>slope == 0 ? 0 : slope * u̇</c>), as the reverse sweep passes nothing
        /// back for a zero adjoint; otherwise 0·∞ = NaN (FOUND.md W6: σ(H) of a callee's value H that overflowed).
        /// </summary>
        public static bool Saturates(MathCall call) => call.Function is "Tanh" or "Sigmoid";

        /// <summary>Whether <paramref name="function"/> with <paramref name="arity"/> arguments has a rule.</summary>
        public static bool Has(string function, int arity) => s_byName.ContainsKey(Key(function, arity));

        /// <summary>Whether <paramref name="function"/> is a step function: every partial is zero almost everywhere.</summary>
        public static bool IsPiecewiseConstant(string function) => s_piecewiseConstant.Contains(function);

        /// <summary>Whether some partial of <paramref name="call"/>'s function reads its value <c>r</c>.</summary>
        public static bool UsesResult(MathCall call) => s_byName.TryGetValue(Key(call.Function, call.Args.Count), out Rule? rule) && rule.UsesResult;

        /// <summary>
        /// ∂f/∂(argument <paramref name="index"/>) for the call <paramref name="call"/>, with <paramref name="result"/> standing
        /// for its value (a variable that holds it, or the call itself).
        /// </summary>
        public static Expr Partial(MathCall call, int index, Expr result)
        {
            Rule rule = s_byName[Key(call.Function, call.Args.Count)];
            var bindings = new Dictionary<string, Expr> { ["r"] = result };
            for (int i = 0; i < rule.Parameters.Length; i++)
            {
                bindings[rule.Parameters[i]] = call.Args[i];
            }

            return RuleFormula.Instantiate(rule.Partials[index], bindings, call.Type);
        }

        private static string Key(string function, int arity) => function + "/" + arity.ToString(System.Globalization.CultureInfo.InvariantCulture);

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
