using System.Collections.Generic;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Optimize
{
    /// <summary>The variables live on entry to and on exit from each statement of a finished program.</summary>
    internal sealed class Liveness
    {
        private readonly bool _accumulationsRead;

        private Liveness(bool accumulationsRead) => _accumulationsRead = accumulationsRead;

        private readonly Dictionary<For, (HashSet<string> After, HashSet<string> Head)> _heads = new(ReferenceComparer<For>.Instance);

        public Dictionary<Stmt, HashSet<string>> In { get; } = new(ReferenceComparer<Stmt>.Instance);

        public Dictionary<Stmt, HashSet<string>> Out { get; } = new(ReferenceComparer<Stmt>.Instance);

        public static Liveness Of(Block body, IEnumerable<string> exit)
        {
            var liveness = new Liveness(accumulationsRead: true);
            liveness.Block(body, new HashSet<string>(exit));
            return liveness;
        }

        /// <summary>What a block reads before writing it (an accumulation <c>v += e</c> does not read v here): its inputs.</summary>
        public static HashSet<string> Exposed(Block block) => new Liveness(accumulationsRead: false).Block(block, new HashSet<string>());

        private HashSet<string> Block(Block block, HashSet<string> after)
        {
            HashSet<string> live = after;
            for (int i = block.Statements.Count - 1; i >= 0; i--)
            {
                live = Statement(block.Statements[i], live);
            }

            return live;
        }

        private HashSet<string> Statement(Stmt s, HashSet<string> after)
        {
            HashSet<string> before;
            switch (s)
            {
                case If branch:
                    before = Block(branch.Then, after);
                    before.UnionWith(Block(branch.Else, after));
                    Reads.Add(branch.Condition, before);
                    break;
                case For loop:
                {
                    var head = new HashSet<string>(after);
                    Reads.Add(loop.Condition, head);

                    // Start from the head found for a smaller live-after set (an outer loop's earlier iteration): it is below
                    // this fixed point, and nested loops cost one pass per level instead of one per iteration of each outer.
                    if (_heads.TryGetValue(loop, out var earlier) && earlier.After.IsSubsetOf(after))
                    {
                        head.UnionWith(earlier.Head);
                    }

                    var liveAfter = new HashSet<string>(after);
                    while (true)
                    {
                        var around = new HashSet<string>(head) { loop.Counter };
                        Reads.Add(loop.Step, around);
                        int count = head.Count;
                        head.UnionWith(Block(loop.Body, around));
                        if (head.Count == count) break;
                    }

                    _heads[loop] = (liveAfter, new HashSet<string>(head));
                    before = new HashSet<string>(head);
                    before.Remove(loop.Counter);
                    Reads.Add(loop.Init, before);
                    break;
                }

                default:
                {
                    var (kills, _, uses) = DeadCode.Effects(s);
                    before = new HashSet<string>(after);
                    before.ExceptWith(kills);
                    if (!_accumulationsRead && s is Assign { Op: "+=" or "-=" } accumulation)
                    {
                        uses = new HashSet<string>();
                        Reads.Add(accumulation.Value, uses);
                        if (accumulation.Target is Element e) Reads.Add(e.Index, uses);
                    }

                    before.UnionWith(uses);
                    break;
                }
            }

            In[s] = before;
            Out[s] = after;
            return new HashSet<string>(before);
        }
    }
}
