using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Differentiate
{
    /// <summary>
    /// How each loop is reversed, and which locals are recomputed rather than taped.
    /// <para>
    /// A loop is <b>replayed</b> when its body declares locals the reverse sweep needs and the statements that compute
    /// them read nothing the body changes outside itself: each reversed iteration first reruns that part of the body,
    /// as a hand-written backward would (a softmax row, a batch-norm feature), so nothing crosses iterations on the tape.
    /// Scalars the body changes outside itself are saved once before the loop and restored after its reversal.
    /// Otherwise a loop is <b>taped</b>: overwritten values are pushed as they are overwritten and popped as they are
    /// needed back. Which one is a proposal: the builder verifies it and falls back to taping.
    /// </para>
    /// </summary>
    internal sealed class LoopStrategies
    {
        private readonly Facts _facts;
        private readonly HashSet<For> _replayed = new(ReferenceComparer<For>.Instance);
        private readonly Dictionary<For, HashSet<string>> _locals = new(ReferenceComparer<For>.Instance);
        private readonly Dictionary<Block, List<LocalDecl>> _recomputed = new(ReferenceComparer<Block>.Instance);

        private readonly OutputPlans _plans;

        public LoopStrategies(Facts facts, OutputPlans plans, ICollection<For> taped)
        {
            _facts = facts;
            _plans = plans;
            foreach (For loop in Walk.All(facts.Body).OfType<For>())
            {
                _locals[loop] = new HashSet<string>(Walk.Assigned(loop.Body).Where(v => facts.DeclaredWithin(v, loop.Body)));
                if (!taped.Contains(loop) && CanReplay(loop))
                {
                    _replayed.Add(loop);
                }
            }

            FindRecomputed(facts.Body, insideTapedLoop: false);
        }

        public bool IsReplayed(For loop) => _replayed.Contains(loop);

        public IEnumerable<For> Replayed => _replayed;

        /// <summary>Whether a variable is declared inside the loop's body (its counter is not).</summary>
        public bool IsLocalTo(string name, For loop) => _locals[loop].Contains(name);

        /// <summary>The scalars a replayed loop's body changes outside itself: saved before the loop, restored after its reversal.</summary>
        public IEnumerable<string> OuterScalars(For loop) => Walk.Assigned(loop.Body)
            .Where(v => !_locals[loop].Contains(v) && v != loop.Counter && _facts.LocalTypes.ContainsKey(v)).Distinct();

        /// <summary>Whether a statement of a replayed loop's body is rerun by each reversed iteration: it writes the body's own locals.</summary>
        public bool IsReplayedStatement(Stmt s, For loop) => s switch
        {
            LocalDecl or Assign { Target: Name } => Walk.Assigned(s).All(v => _locals[loop].Contains(v)),
            If or For => Walk.All(new Block(new[] { s }.ToEquatableArray())).Any(inner => inner is LocalDecl or Assign { Target: Name } && IsReplayedStatement(inner, loop)),
            _ => false,
        };

        /// <summary>Locals of a block that the reverse sweep recomputes at the start of the block's reversal instead of taping them.</summary>
        public IReadOnlyList<LocalDecl> Recomputed(Block block) =>
            _recomputed.TryGetValue(block, out List<LocalDecl>? list) ? list : (IReadOnlyList<LocalDecl>)System.Array.Empty<LocalDecl>();

        /// <summary>A loop <c>for (i = a; i op b; i±±)</c> whose start and bound the body leaves alone: the comparison and bound.</summary>
        public static (Binary Comparison, Expr Bound, bool Up)? Canonical(For loop)
        {
            var assigned = new HashSet<string>(Walk.Assigned(loop.Body));
            bool up = Simplifier.IsConstant(loop.Step, 1), down = Simplifier.IsConstant(loop.Step, -1);
            if (!Reads.Values(loop.Init).Overlaps(assigned)
                && loop.Condition is Binary { Left: Name c, Right: var bound } cmp && c.Id == loop.Counter && (up || down)
                && !Reads.Values(bound).Overlaps(assigned) && !Reads.Calls(bound).Any()
                && ((up && cmp.Op is "<" or "<=") || (down && cmp.Op is ">" or ">=")))
            {
                return (cmp, bound, up);
            }

            return null;
        }

        private bool CanReplay(For loop)
        {
            HashSet<string> locals = _locals[loop];
            if (locals.Count == 0)
            {
                return false;
            }

            var outer = new HashSet<string>(Walk.Assigned(loop.Body).Where(v => !locals.Contains(v) && v != loop.Counter));

            // An output the body rebuilds would have to be put back after the loop's reversal: only the caller's final
            // values (never written by the backward) may be written here.
            if (outer.Any(v => _plans.Plans.TryGetValue(v, out OutputPlan? plan) && plan.Source == OutputSource.Replayed))
            {
                return false;
            }

            foreach (Stmt s in Walk.All(loop.Body))
            {
                // What the reversal pops (a taped decision, a trip count) must be pushed by the replay.
                if (!IsReplayedStatement(s, loop) && (s is If i && TapesDecision(i) || s is For f && Canonical(f) is null))
                {
                    return false;
                }

                var written = Walk.Assigned(s is If or For ? Strip(s) : s).ToList();
                bool local = written.Count > 0 && written.All(locals.Contains);
                bool mixed = written.Any(locals.Contains) && !local;
                if (mixed)
                {
                    return false; // a statement writing both (a call that also writes spans): it cannot be split
                }

                // What the replay reruns (local writes, and the conditions and bounds around them) must not read the
                // outer values the body changes: at the start of a reversed iteration they hold later values.
                bool reran = local || (s is If or For && IsReplayedStatement(s, loop));
                if (reran && Walk.Expressions(s).SelectMany(Reads.Of).Any(outer.Contains))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Whether the reverse sweep cannot recompute an <c>if</c>'s condition: its branches change what it reads.</summary>
        public static bool TapesDecision(If branch) =>
            Reads.Values(branch.Condition).Overlaps(Walk.Assigned(branch.Then).Concat(Walk.Assigned(branch.Else)));

        /// <summary>A compound statement without its blocks, for what it writes itself (a loop its counter).</summary>
        private static Stmt Strip(Stmt s) => s switch
        {
            If i => i with { Then = Block.Empty, Else = Block.Empty },
            For f => f with { Body = Block.Empty },
            _ => s,
        };

        /// <summary>
        /// Inside a taped loop, a local declared once in a block from values that block never changes is recomputed at the
        /// start of the block's reversal: it holds the same value there, and nothing is pushed per iteration.
        /// </summary>
        private void FindRecomputed(Block block, bool insideTapedLoop)
        {
            if (insideTapedLoop)
            {
                var assigned = Walk.Assigned(block).ToList();
                var list = new List<LocalDecl>();
                foreach (LocalDecl d in block.Statements.OfType<LocalDecl>())
                {
                    HashSet<string> reads = Reads.Of(d.Init);
                    if (d.Init is not null && assigned.Count(a => a == d.Name) == 1 && !Reads.Calls(d.Init).Any() && !Reads.UnknownCalls(d.Init).Any()
                        && reads.All(r => !assigned.Contains(r) || list.Any(l => l.Name == r)))
                    {
                        list.Add(d);
                    }
                }

                if (list.Count > 0)
                {
                    _recomputed[block] = list;
                }
            }

            foreach (Stmt s in block.Statements)
            {
                foreach (Block child in Walk.Children(s))
                {
                    FindRecomputed(child, s is For loop ? !_replayed.Contains(loop) : insideTapedLoop);
                }
            }
        }
    }
}
