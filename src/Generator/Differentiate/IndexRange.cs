using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Differentiate
{
    /// <summary>
    /// The least and greatest value an index takes over the loops around it, as polynomials in the method's sizes
    /// (which are taken to be ≥ 0). Known only when every loop counts by ±1 between bounds free of counters and each
    /// counter moves the index one way; otherwise null.
    /// </summary>
    internal static class IndexRange
    {
        public static (Poly Min, Poly Max)? Of(Expr index, IReadOnlyList<For> loops)
        {
            var ranges = new Dictionary<string, (Poly Min, Poly Max)>();
            foreach (For loop in loops)
            {
                if (CounterRange(loop, loops) is not { } range)
                {
                    return null;
                }

                ranges[loop.Counter] = range;
            }

            if (Poly.From(index) is not { } poly)
            {
                return null;
            }

            // Each counter appears once per term, never times another counter, always with the same sign.
            var signs = new Dictionary<string, int>();
            foreach (KeyValuePair<string, long> term in poly.Terms)
            {
                string[] counters = Poly.Factors(term.Key).Where(ranges.ContainsKey).ToArray();
                if (counters.Length > 1)
                {
                    return null;
                }

                if (counters.Length == 1)
                {
                    int sign = term.Value > 0 ? 1 : -1;
                    if (signs.TryGetValue(counters[0], out int previous) && previous != sign)
                    {
                        return null;
                    }

                    signs[counters[0]] = sign;
                }
            }

            Poly min = poly, max = poly;
            foreach (KeyValuePair<string, int> counter in signs)
            {
                (Poly low, Poly high) = ranges[counter.Key];
                min = min.Substitute(counter.Key, counter.Value > 0 ? low : high);
                max = max.Substitute(counter.Key, counter.Value > 0 ? high : low);
            }

            return (min, max);
        }

        /// <summary>Whether a polynomial in sizes is ≥ 0 for every size ≥ 0: all its coefficients are.</summary>
        public static bool NonNegative(Poly p) => p.Terms.Values.All(v => v >= 0);

        /// <summary>Whether [inner.Min, inner.Max] ⊆ [outer.Min, outer.Max] for every value of the sizes.</summary>
        public static bool Contains((Poly Min, Poly Max) outer, (Poly Min, Poly Max) inner) =>
            NonNegative(inner.Min.Plus(outer.Min.Times(Poly.Constant(-1))))
            && NonNegative(outer.Max.Plus(inner.Max.Times(Poly.Constant(-1))));

        private static (Poly Min, Poly Max)? CounterRange(For loop, IReadOnlyList<For> loops)
        {
            bool up = Simplifier.IsConstant(loop.Step, 1), down = Simplifier.IsConstant(loop.Step, -1);
            if (!(up || down) || loop.Condition is not Binary { Left: Name c, Right: var bound } cmp || c.Id != loop.Counter
                || Poly.From(bound) is not { } b || Poly.From(loop.Init) is not { } init
                || b.Symbols.Concat(init.Symbols).Any(s => loops.Any(l => l.Counter == s)))
            {
                return null;
            }

            Poly one = Poly.One, minusOne = Poly.Constant(-1);
            return (up, cmp.Op) switch
            {
                (true, "<") => (init, b.Plus(minusOne)),
                (true, "<=") => (init, b),
                (false, ">") => (b.Plus(one), init),
                (false, ">=") => (b, init),
                _ => null,
            };
        }
    }
}
