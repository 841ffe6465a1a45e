using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Differentiate;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Optimize
{
    /// <summary>
    /// The def-use pass that decides availability. The sweeps save every overwritten value and record every decision;
    /// this pass runs liveness over the whole backward (setup, forward sweep, reverse sweep, as one program whose only
    /// results are the gradients) and removes every statement whose effects nothing reads afterwards — adjoints nobody
    /// needs, forward values nobody reads, pops whose value is overwritten before it is read. A push goes with its pop.
    /// What survives is exactly what the reverse sweep reads: kept, recomputed or taped, decided here and nowhere else.
    /// <para>
    /// The liveness is of "faint" variables: a statement's uses count only if the statement itself is live, so a counter
    /// that only counts itself (<c>trips++</c> with its push gone) dies too. Loops are iterated to their least fixed point.
    /// </para>
    /// </summary>
    internal static class DeadCode
    {
        public static void Run(BackwardProgram program)
        {
            var exit = new HashSet<string>(program.Gradients.Values);
            var effects = new Dictionary<Stmt, (IReadOnlyCollection<string> Kills, IReadOnlyCollection<string> Defs, HashSet<string> Uses)>(ReferenceComparer<Stmt>.Instance);
            // Which pushes are needed is a fixed point of its own: a push reads the value it saves, and that value may be one
            // a pop put back — a pair is needed only if its pop's value is read by something other than a push. Start from
            // none and grow (more pairs, more reads, more live pops) without removing anything. A round removes only dead
            // statements, which leaves every other statement's liveness as it was: the next round starts from this set.
            var needed = new HashSet<int>();
            for (int round = 0; round < 64; round++)
            {
                var heads = new Dictionary<For, (HashSet<string> After, HashSet<string> Head)>(ReferenceComparer<For>.Instance);
                while (true)
                {
                    var analysis = new Sweeper(needed, effects, heads);
                    Sweep(program, analysis, remove: false, exit);
                    if (analysis.LivePops.IsSubsetOf(needed)) break;
                    needed.UnionWith(analysis.LivePops);
                }

                var sweeper = new Sweeper(needed, effects, heads);
                Sweep(program, sweeper, remove: true, exit);
                bool pushesRemoved = RemoveUnpairedPushes(program);
                if (!sweeper.Changed && !pushesRemoved)
                {
                    return;
                }
            }
        }

        private static void Sweep(BackwardProgram program, Sweeper sweeper, bool remove, HashSet<string> exit)
        {
            Block reverse = sweeper.Sweep(program.Reverse, exit, remove, out HashSet<string> live);
            Block forward = sweeper.Sweep(program.Forward, live, remove, out live);
            Block setup = sweeper.Sweep(program.Setup, live, remove, out _);
            if (remove)
            {
                program.Reverse = reverse;
                program.Forward = forward;
                program.Setup = setup;
            }
        }

        /// <summary>Removes the pushes whose pop is gone; whether any was.</summary>
        private static bool RemoveUnpairedPushes(BackwardProgram program)
        {
            var popped = new HashSet<int>(program.Blocks.SelectMany(Walk.All).SelectMany(Walk.Expressions).SelectMany(Reads.Pops).Select(p => p.Pair));
            bool removed = false;
            IEnumerable<Stmt> Keep(Stmt s)
            {
                if (s is Push push && !popped.Contains(push.Pair))
                {
                    removed = true;
                    return System.Array.Empty<Stmt>();
                }

                return new[] { s };
            }

            program.Setup = Walk.Rewrite(program.Setup, Keep);
            program.Forward = Walk.Rewrite(program.Forward, Keep);
            program.Reverse = Walk.Rewrite(program.Reverse, Keep);
            return removed;
        }

        /// <summary>What a simple statement kills (overwrites whole), defines (whole or in part) and uses.</summary>
        public static (IReadOnlyCollection<string> Kills, IReadOnlyCollection<string> Defs, HashSet<string> Uses) Effects(Stmt s)
        {
            var defs = new List<string>();
            var kills = new List<string>();
            var uses = new HashSet<string>();
            foreach (Expr e in Walk.Expressions(s))
            {
                foreach (UserCall call in Reads.Calls(e))
                {
                    defs.AddRange(Reads.WrittenSpans(call));
                }
            }

            switch (s)
            {
                case LocalDecl d:
                    kills.Add(d.Name);
                    defs.Add(d.Name);
                    Reads.Add(d.Init, uses);
                    break;
                case Assign { Target: Name n } a:
                    defs.Add(n.Id);
                    if (a.Op == "=") kills.Add(n.Id);
                    else uses.Add(n.Id);
                    Reads.Add(a.Value, uses);
                    break;
                case Assign { Target: Element e } a:
                    defs.Add(e.Span);
                    if (a.Op != "=") uses.Add(e.Span);
                    Reads.Add(e.Index, uses);
                    Reads.Add(a.Value, uses);
                    break;
                case Assign { Target: SpanRef span } a:
                    defs.Add(span.Span);
                    Reads.Add(span.Start, uses);
                    Reads.Add(span.Length, uses);
                    Reads.Add(a.Value, uses);
                    break;
                case Invoke v:
                    defs.AddRange(Reads.WrittenBy(v.Args));
                    foreach (Expr arg in v.Args) Reads.Add(arg, uses);
                    break;
                case CallStatement c:
                    foreach (Expr arg in c.Call.Args) Reads.Add(arg, uses);
                    break;
                default:
                    foreach (Expr e in Walk.Expressions(s)) Reads.Add(e, uses);
                    break;
            }

            return (kills, defs, uses);
        }

        private sealed class Sweeper
        {
            private readonly HashSet<int> _needed;

            // Each statement's effects, computed once for all the sweeps (statements are immutable, compared by reference).
            private readonly Dictionary<Stmt, (IReadOnlyCollection<string> Kills, IReadOnlyCollection<string> Defs, HashSet<string> Uses)> _effects;

            // Each loop's head live set, with the live set after the loop it was found for (see the For case).
            private readonly Dictionary<For, (HashSet<string> After, HashSet<string> Head)> _heads;

            public Sweeper(HashSet<int> needed, Dictionary<Stmt, (IReadOnlyCollection<string>, IReadOnlyCollection<string>, HashSet<string>)> effects,
                Dictionary<For, (HashSet<string> After, HashSet<string> Head)> heads)
            {
                _needed = needed;
                _effects = effects;
                _heads = heads;
            }

            public bool Changed { get; private set; }

            /// <summary>The pairs whose pop is in a statement that is live.</summary>
            public HashSet<int> LivePops { get; } = new();

            public Block Sweep(Block block, HashSet<string> after, bool remove, out HashSet<string> before)
            {
                var live = new HashSet<string>(after);
                var kept = new List<Stmt>();
                for (int i = block.Statements.Count - 1; i >= 0; i--)
                {
                    Stmt s = block.Statements[i];
                    switch (s)
                    {
                        case If branch:
                        {
                            Block then = Sweep(branch.Then, live, remove, out HashSet<string> thenLive);
                            Block otherwise = Sweep(branch.Else, live, remove, out HashSet<string> elseLive);
                            if (Empty(then) && Empty(otherwise))
                            {
                                Changed |= remove;
                                break;
                            }

                            live = thenLive;
                            live.UnionWith(elseLive);
                            Reads.Add(branch.Condition, live);
                            NotePops(branch.Condition);
                            kept.Add(branch with { Then = then, Else = otherwise });
                            break;
                        }

                        case For loop:
                        {
                            // The loop head's live set: after the loop, or around again through the condition and body.
                            // Liveness only grows through a round (after grows, needed grows), so a head found earlier for a
                            // smaller live-after set is below this fixed point: start from it (nested loops then cost one
                            // sweep per level, not one per level and per iteration of every outer one).
                            var head = new HashSet<string>(live);
                            Reads.Add(loop.Condition, head);
                            if (_heads.TryGetValue(loop, out var earlier) && earlier.After.IsSubsetOf(live))
                            {
                                head.UnionWith(earlier.Head);
                            }

                            var liveAfter = new HashSet<string>(live);
                            Block body;
                            while (true)
                            {
                                body = Sweep(loop.Body, AroundAgain(loop, head), remove: false, out HashSet<string> bodyLive);
                                int count = head.Count;
                                head.UnionWith(bodyLive);
                                if (head.Count == count) break;
                            }

                            _heads[loop] = (liveAfter, new HashSet<string>(head));
                            if (remove)
                            {
                                body = Sweep(loop.Body, AroundAgain(loop, head), remove: true, out _);
                            }

                            if (Empty(body))
                            {
                                Changed |= remove;
                                break;
                            }

                            live = head;
                            live.Remove(loop.Counter);
                            Reads.Add(loop.Init, live);
                            NotePops(loop.Init);
                            NotePops(loop.Condition);
                            kept.Add(loop with { Body = body });
                            break;
                        }

                        default:
                        {
                            if (s is Assign { Value: UserCall call } a && !live.Contains(Target(a)))
                            {
                                // h[1] = F(x, y) kept for what F writes to y: the call alone (h may not even exist here).
                                Changed |= remove;
                                s = new CallStatement(call, a.Source) { Location = a.Location };
                            }

                            if (!_effects.TryGetValue(s, out var effects))
                            {
                                _effects[s] = effects = Effects(s);
                            }

                            var (kills, defs, uses) = effects;
                            bool needed = s is Push push ? _needed.Contains(push.Pair) : s is Comment or Return || defs.Any(live.Contains);
                            if (!needed)
                            {
                                Changed |= remove;
                                break;
                            }

                            live.ExceptWith(kills);
                            live.UnionWith(uses);
                            kept.Add(s);
                            foreach (Expr e in Walk.Expressions(s)) NotePops(e);
                            break;
                        }
                    }
                }

                kept.Reverse();
                before = live;
                return new Block(kept.ToEquatableArray());
            }

            private static string Target(Assign a) => a.Target switch
            {
                Name n => n.Id,
                Element el => el.Span,
                SpanRef span => span.Span,
                _ => "",
            };

            /// <summary>A block with nothing but comments does nothing.</summary>
            private static bool Empty(Block block) => block.Statements.All(s => s is Comment);

            private void NotePops(Expr e)
            {
                foreach (Pop pop in Reads.Pops(e)) LivePops.Add(pop.Pair);
            }

            private static HashSet<string> AroundAgain(For loop, HashSet<string> head)
            {
                var set = new HashSet<string>(head);
                Reads.Add(loop.Step, set);
                set.Add(loop.Counter);
                return set;
            }
        }
    }
}
