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
            // Every variable in the index must keep its value across the loop nest (counters aside); a span's length does.
            if (!Reads.Values(index).All(isStable) || loops.Any(l => !Reads.Values(l.Condition).All(isStable)))
            {
                return false;
            }

            var extents = new Dictionary<string, Poly>();
            foreach (For loop in loops)
            {
                // Up or down by one between bounds free of counters: the counter takes max − min + 1 values.
                if (IndexRange.CounterRange(loop, loops) is not { } range)
                {
                    return false;
                }

                extents[loop.Counter] = range.Max.Plus(range.Min.Times(Poly.Constant(-1))).Plus(Poly.One);
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
    }
}
