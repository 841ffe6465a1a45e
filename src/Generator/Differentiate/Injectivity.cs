using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Emit;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Differentiate
{
    /// <summary>
    /// Proves that an index expression names a different element on every iteration of the loops around it, the
    /// row-major pattern <c>(i * H + h) * W + w</c> with <c>0 ≤ h &lt; H</c>, <c>0 ≤ w &lt; W</c>. An output written
    /// that way is written once per element, so the caller's final values are the forward values and its
    /// cotangent needs no clearing.
    /// </summary>
    internal static class Injectivity
    {
        public static bool IsInjective(Expr index, IReadOnlyList<For> loops, System.Func<string, bool> isStable)
        {
            // Every variable in the index must keep its value across the loop nest (counters aside).
            if (!Reads.Of(index).All(isStable) || loops.Any(l => !Reads.Of(l.Condition).All(isStable)))
            {
                return false;
            }

            var extents = new Dictionary<string, Poly>();
            foreach (For loop in loops)
            {
                if (!Simplifier.IsConstant(loop.Init, 0) || !Simplifier.IsConstant(loop.Step, 1)
                    || loop.Condition is not Binary { Op: "<", Left: Name counter, Right: var bound } || counter.Id != loop.Counter
                    || Poly.From(bound) is not { } extent || extent.Symbols.Any(s => loops.Any(l => l.Counter == s)))
                {
                    return false;
                }

                extents[loop.Counter] = extent;
            }

            if (Poly.From(index) is not { } poly)
            {
                return false;
            }

            // Split the index into counter × stride terms and a counter-free offset.
            var strides = new Dictionary<string, Poly>();
            foreach (KeyValuePair<string, long> term in poly.Terms)
            {
                string[] factors = Poly.Factors(term.Key);
                string[] counters = factors.Where(extents.ContainsKey).ToArray();
                if (counters.Length == 0)
                {
                    continue;
                }

                if (counters.Length > 1 || factors.Count(f => f == counters[0]) > 1 || term.Value <= 0)
                {
                    return false;
                }

                string rest = Poly.Key(factors.Where(f => f != counters[0]));
                Poly stride = strides.TryGetValue(counters[0], out Poly? s) ? s : new Poly();
                stride.Add(rest, term.Value);
                strides[counters[0]] = stride;
            }

            if (strides.Count != extents.Count)
            {
                return false;
            }

            // Chain: the innermost-varying counter has stride 1; each next stride is the previous stride × extent.
            var remaining = new HashSet<string>(strides.Keys);
            Poly expected = Poly.One;
            while (remaining.Count > 0)
            {
                string? next = remaining.FirstOrDefault(c => strides[c].Equals(expected));
                if (next is null)
                {
                    return false;
                }

                remaining.Remove(next);
                expected = expected.Times(extents[next]);
            }

            return true;
        }

        /// <summary>A polynomial with integer coefficients over symbols (the printed text of non-counter atoms).</summary>
        private sealed class Poly
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
}
