using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Optimize
{
    /// <summary>
    /// What is known at a point of a derived body about the Math calls its locals hold (<c>cos</c> holds <c>Math.Cos(θ)</c>):
    /// those that hold on every path to the point, and those that hold where a test was true (or false) — a reverse sweep
    /// repeats the forward sweep's <c>if (c)</c>, and inside the second the first's locals still hold what they were given,
    /// as long as nothing between changed the test's reads. <see cref="ReuseCalls"/> reads such a local for the call.
    /// </summary>
    internal sealed class HeldCalls
    {
        private HeldCalls(Dictionary<Expr, string> calls, Dictionary<(Expr Test, bool Side), Dictionary<Expr, string>> sides, Dictionary<Expr, HashSet<string>> reads)
        {
            Calls = calls;
            Sides = sides;
            _reads = reads;
        }

        public HeldCalls()
            : this(new Dictionary<Expr, string>(), new Dictionary<(Expr, bool), Dictionary<Expr, string>>(), new Dictionary<Expr, HashSet<string>>())
        {
        }

        /// <summary>What each call and test reads, computed once for the whole pass (every statement asks, of every fact).</summary>
        private readonly Dictionary<Expr, HashSet<string>> _reads;

        /// <summary>Call → the local holding it, on every path here.</summary>
        public Dictionary<Expr, string> Calls { get; }

        /// <summary>Where a test evaluated here would give the side it gave before: call → local on that side's paths.</summary>
        private Dictionary<(Expr Test, bool Side), Dictionary<Expr, string>> Sides { get; }

        public HeldCalls Clone() => new(new Dictionary<Expr, string>(Calls),
            Sides.ToDictionary(s => s.Key, s => new Dictionary<Expr, string>(s.Value)), _reads);

        /// <summary>What is known inside one side of <c>if (test)</c>: what is known here, and what held where the test last gave that side.</summary>
        public HeldCalls Entering(Expr test, bool side)
        {
            HeldCalls inside = Clone();
            if (Sides.TryGetValue((test, side), out Dictionary<Expr, string>? held))
            {
                foreach (KeyValuePair<Expr, string> h in held.Where(h => !inside.Calls.ContainsKey(h.Key)))
                {
                    inside.Calls[h.Key] = h.Value;
                }
            }

            return inside;
        }

        /// <summary>After <c>if (test) {…} else {…}</c>: what both sides leave known, and each side's own, kept under the test.</summary>
        /// <param name="testKept">Whether the test reads the same after the statement (nothing in it changes what it reads, and it calls nothing).</param>
        public static HeldCalls Meet(Expr test, bool testKept, HeldCalls then, HeldCalls otherwise)
        {
            var meet = new HeldCalls(Common(then.Calls, otherwise.Calls),
                then.Sides.Where(s => otherwise.Sides.ContainsKey(s.Key)).ToDictionary(s => s.Key, s => Common(s.Value, otherwise.Sides[s.Key])), then._reads);
            if (testKept)
            {
                meet.Sides[(test, true)] = new Dictionary<Expr, string>(then.Calls);
                meet.Sides[(test, false)] = new Dictionary<Expr, string>(otherwise.Calls);
            }

            return meet;
        }

        /// <summary>Forgets every fact a change of <paramref name="changed"/> makes stale: its local, what its call reads, a side's test.</summary>
        public void Forget(ICollection<string> changed)
        {
            if (changed.Count == 0)
            {
                return;
            }

            Forget(Calls, changed);
            foreach ((Expr Test, bool Side) key in Sides.Keys.ToList())
            {
                if (ReadsOf(key.Test).Overlaps(changed))
                {
                    Sides.Remove(key);
                }
                else
                {
                    Forget(Sides[key], changed);
                }
            }
        }

        /// <summary>Records that <paramref name="local"/> now holds <paramref name="call"/> (unless another local already does).</summary>
        public void Hold(Expr call, string local)
        {
            if (!Calls.ContainsKey(call))
            {
                Calls[call] = local;
            }
        }

        private HashSet<string> ReadsOf(Expr e) => _reads.TryGetValue(e, out HashSet<string>? reads) ? reads : _reads[e] = Reads.Of(e);

        private void Forget(Dictionary<Expr, string> held, ICollection<string> changed)
        {
            foreach (Expr stale in held.Where(h => changed.Contains(h.Value) || ReadsOf(h.Key).Overlaps(changed)).Select(h => h.Key).ToList())
            {
                held.Remove(stale);
            }
        }

        private static Dictionary<Expr, string> Common(Dictionary<Expr, string> a, Dictionary<Expr, string> b) =>
            a.Where(h => b.TryGetValue(h.Key, out string? local) && local == h.Value).ToDictionary(h => h.Key, h => h.Value);
    }
}
