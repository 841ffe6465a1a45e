using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Optimize
{
    /// <summary>
    /// Skips the work on a gradient the caller does not need (passed empty): a loop, or a statement outside every loop,
    /// whose only effect is to accumulate into that gradient runs under <c>if (needDx)</c>. Only whole loops are guarded
    /// inside loops, so a needed gradient costs one test per loop, never one per iteration; what is not separable (a loop
    /// accumulating into two gradients, a call) still runs, into the discard buffer. Tape operations are never skipped:
    /// the pops must match the pushes.
    /// </summary>
    internal static class UnneededGradients
    {
        /// <param name="flags">Each span gradient that may be skipped → the flag that says it is needed.</param>
        public static Block Guard(Block body, IReadOnlyDictionary<string, string> flags) => flags.Count == 0 ? body : new Block(Visit(body, flags, inLoop: false).ToEquatableArray());

        private static List<Stmt> Visit(Block block, IReadOnlyDictionary<string, string> flags, bool inLoop)
        {
            var output = new List<Stmt>();
            foreach (Stmt s in block.Statements)
            {
                if ((s is For || !inLoop) && OnlyAccumulatesInto(s) is { } gradient && flags.TryGetValue(gradient, out string? flag))
                {
                    output.Add(new If(new Name(flag, "bool"), new Block(new[] { s }.ToEquatableArray()), Block.Empty, ""));
                    continue;
                }

                output.Add(s switch
                {
                    If i => i with { Then = new Block(Visit(i.Then, flags, inLoop).ToEquatableArray()), Else = new Block(Visit(i.Else, flags, inLoop).ToEquatableArray()) },
                    For f => f with { Body = new Block(Visit(f.Body, flags, inLoop: true).ToEquatableArray()) },
                    _ => s,
                });
            }

            return output;
        }

        /// <summary>The one span a statement writes elements of, when that and its own locals are all it assigns; else null.</summary>
        private static string? OnlyAccumulatesInto(Stmt s)
        {
            var statements = Walk.All(new Block(new[] { s }.ToEquatableArray())).ToList();
            if (statements.Any(x => x is Push or Invoke or CallStatement or Return or Break or Continue)
                || statements.SelectMany(Walk.Expressions).SelectMany(Reads.Nodes).Any(e => e is Pop or UserCall or UnknownCall))
            {
                return null;
            }

            var own = new HashSet<string>(statements.OfType<LocalDecl>().Select(d => d.Name).Concat(statements.OfType<For>().Select(f => f.Counter)));
            var written = new HashSet<string>();
            foreach (Stmt x in statements)
            {
                switch (x)
                {
                    case Assign { Target: Element e }:
                        written.Add(e.Span);
                        break;
                    case Assign { Target: Name n } when !own.Contains(n.Id):
                        return null;
                }
            }

            return written.Count == 1 ? written.Single() : null;
        }
    }
}
