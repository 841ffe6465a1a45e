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
            // Only the loops whose counters the index uses matter; a loop stepping by k ranges as one stepping by 1 does
            // (its values are among those).
            var used = Reads.Of(index);
            var ranges = new Dictionary<string, (Poly Min, Poly Max)>();
            foreach (For loop in loops.Where(l => used.Contains(l.Counter)))
            {
                if (CounterRange(loop, loops, exact: false) is not { } range)
                {
                    return null;
                }

                ranges[loop.Counter] = range;
            }

            if (index is Binary { Op: "%" } modulo && Poly.From(modulo.Right) is { } divisor && divisor.Symbols.All(s => !ranges.ContainsKey(s))
                && Of(modulo.Left, loops) is { } dividend && NonNegative(dividend.Min))
            {
                // A non-negative number modulo a size lies in [0, size − 1] (a size of 0 fails in the forward already).
                return (Poly.Constant(0), divisor.Plus(Poly.Constant(-1)));
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

        /// <summary>The first and last value of a loop's counter, when it counts by ±1 between bounds free of the loops' counters.</summary>
        /// <param name="exact">Whether the counter must take every value in between (a step of ±1), or may skip some (±k).</param>
        public static (Poly Min, Poly Max)? CounterRange(For loop, IReadOnlyList<For> loops, bool exact = true)
        {
            bool stride = Simplifier.TryValue(loop.Step, out double step) && step == System.Math.Floor(step) && (!exact || System.Math.Abs(step) == 1);
            bool up = stride && step > 0, down = stride && step < 0;

            // A loop that may also stop early (!broke && i < n, from a break or a return inside) stays within the bounds.
            Expr condition = loop.Condition;
            while (!exact && condition is Binary { Op: "&&", Right: var right } conjunction && !Reads.Of(conjunction.Left).Contains(loop.Counter))
            {
                condition = right;
            }

            if (!(up || down) || condition is not Binary { Left: Name c, Right: var bound } cmp || c.Id != loop.Counter
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
