using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Differentiate;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Optimize
{
    /// <summary>
    /// A reversed loop whose iterations commute keeps the forward loop's header: nothing in its body pops the tape or
    /// calls a backward, no iteration reads what another writes (sums aside: they commute), and nothing it overwrites is
    /// read after the loop. A dense layer's backward then reads as its forward.
    /// </summary>
    internal static class LoopOrder
    {
        public static void KeepForwardOrder(BackwardProgram program, IReadOnlyDictionary<int, For> forwardLoops)
        {
            var whole = new Block(program.Blocks.SelectMany(b => b.Statements).ToEquatableArray());
            Liveness liveness = Liveness.Of(whole, program.Gradients.Values);

            // Loops are found again by tag: rewriting a body makes new statements around it.
            var liveAfter = liveness.Out.Where(e => e.Key is For { Tag: not 0 }).ToDictionary(e => ((For)e.Key).Tag, e => e.Value);
            program.Reverse = Walk.Rewrite(program.Reverse, s =>
                new[] { s is For loop && forwardLoops.TryGetValue(loop.Tag, out For? forward) && Commutes(loop, liveAfter)
                // A negative tag marks it: its comment goes once the clean-up has seen the comments around it.
                ? loop with { Init = forward.Init, Condition = forward.Condition, Step = forward.Step, Tag = -loop.Tag }
                : s });
        }

        private static bool Commutes(For loop, Dictionary<int, HashSet<string>> liveAfter)
        {
            var statements = Walk.All(loop.Body).ToList();
            if (statements.Any(s => s is Invoke or CallStatement or Push || Walk.Expressions(s).Any(e => Reads.Pops(e).Any())))
            {
                return false;
            }

            // What an iteration reads before writing it comes from outside the iteration: nobody in the loop may write it.
            HashSet<string> exposed = Liveness.Exposed(loop.Body);
            var written = new HashSet<string>(Walk.Assigned(loop.Body));
            if (written.Overlaps(exposed))
            {
                return false;
            }

            // Overwritten (not accumulated) values must not be read after the loop: their last writer would change.
            HashSet<string> after = liveAfter[loop.Tag];
            return !statements.Any(s => s switch
            {
                Assign { Op: "+=" or "-=" } => false,
                Assign { Target: Name n } => after.Contains(n.Id),
                Assign { Target: Element e } => after.Contains(e.Span),
                _ => false,
            });
        }
    }
}
