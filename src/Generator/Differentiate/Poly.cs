using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SymGrad.Generator.Emit;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Differentiate
{
    /// <summary>A polynomial with integer coefficients over symbols (the printed text of non-counter atoms).</summary>
    internal sealed class Poly
    {
        public static Poly One => Constant(1);

        public SortedDictionary<string, long> Terms { get; } = new(System.StringComparer.Ordinal);

        public IEnumerable<string> Symbols => Terms.Keys.SelectMany(Factors).Distinct();

        public static Poly Constant(long value)
        {
            var p = new Poly();
            p.Add("", value);
            return p;
        }

        public static string[] Factors(string key) => key.Length == 0 ? new string[0] : key.Split('·');

        public static string Key(IEnumerable<string> factors) => string.Join("·", factors.OrderBy(f => f, System.StringComparer.Ordinal));

        /// <summary>This polynomial plus <paramref name="coefficient"/>·<paramref name="symbol"/>.</summary>
        public Poly With(string symbol, long coefficient)
        {
            var p = Plus(new Poly());
            p.Add(symbol, coefficient);
            return p;
        }

        public void Add(string key, long coefficient)
        {
            long sum = (Terms.TryGetValue(key, out long c) ? c : 0) + coefficient;
            if (sum == 0) Terms.Remove(key);
            else Terms[key] = sum;
        }

        public Poly Times(Poly other)
        {
            var result = new Poly();
            foreach (var a in Terms)
            {
                foreach (var b in other.Terms)
                {
                    result.Add(Key(Factors(a.Key).Concat(Factors(b.Key))), a.Value * b.Value);
                }
            }

            return result;
        }

        public Poly Plus(Poly other)
        {
            var sum = new Poly();
            foreach (var t in Terms) sum.Add(t.Key, t.Value);
            foreach (var t in other.Terms) sum.Add(t.Key, t.Value);
            return sum;
        }

        /// <summary>Replaces <paramref name="symbol"/> by <paramref name="value"/>.</summary>
        public Poly Substitute(string symbol, Poly value)
        {
            var result = new Poly();
            foreach (var term in Terms)
            {
                string[] factors = Factors(term.Key);
                var product = Constant(term.Value);
                var rest = new Poly();
                rest.Add(Key(factors.Where(f => f != symbol)), 1);
                product = product.Times(rest);
                for (int i = factors.Count(f => f == symbol); i > 0; i--)
                {
                    product = product.Times(value);
                }

                result = result.Plus(product);
            }

            return result;
        }

        /// <summary>
        /// The polynomial as a C# expression of type double: sizes multiply past the range of long too (three loop bounds of
        /// 2²¹ each), and a double is exact up to 2⁵³, far above any span's length, so the comparison with it is exact.
        /// </summary>
        public string ToCSharp()
        {
            if (Terms.Count == 0)
            {
                return "0.0";
            }

            var parts = new List<string>();
            foreach (var term in Terms.OrderBy(t => t.Key.Length == 0 ? 1 : 0).ThenBy(t => t.Key, System.StringComparer.Ordinal))
            {
                string[] factors = Factors(term.Key);
                long magnitude = System.Math.Abs(term.Value);
                string body = factors.Length == 0
                    ? magnitude.ToString(CultureInfo.InvariantCulture) + ".0"
                    : (magnitude != 1 ? magnitude.ToString(CultureInfo.InvariantCulture) + ".0 * " : "(double)") + string.Join(" * ", factors);
                parts.Add(parts.Count == 0 ? (term.Value < 0 ? "-" + body : body) : (term.Value < 0 ? "- " : "+ ") + body);
            }

            return string.Join(" ", parts);
        }

        public bool Equals(Poly other) => Terms.Count == other.Terms.Count && Terms.All(t => other.Terms.TryGetValue(t.Key, out long v) && v == t.Value);

        public static Poly? From(Expr e)
        {
            switch (e)
            {
                case Literal when Simplifier.TryValue(e, out double v) && v == System.Math.Floor(v):
                    return Constant((long)v);
                case Name or Opaque:
                {
                    var p = new Poly();
                    p.Add(ExprPrinter.Print(e).Replace("·", "."), 1);
                    return p;
                }

                case Cast c when c.Operand.Type is "int" or "long":
                    return From(c.Operand);
                case Unary { Op: "-" } u:
                    return From(u.Operand)?.Times(Constant(-1));
                case Binary { Op: "+" or "-" or "*" } b:
                {
                    Poly? l = From(b.Left), r = From(b.Right);
                    if (l is null || r is null) return null;
                    if (b.Op == "*") return l.Times(r);
                    var sum = new Poly();
                    foreach (var t in l.Terms) sum.Add(t.Key, t.Value);
                    foreach (var t in r.Terms) sum.Add(t.Key, b.Op == "+" ? t.Value : -t.Value);
                    return sum;
                }

                default:
                    return null;
            }
        }
    }
}
