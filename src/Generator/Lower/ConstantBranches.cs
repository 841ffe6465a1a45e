using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Lower
{
    /// <summary>
    /// An <c>if</c> whose test is a constant (<c>if (2 == 0)</c>) keeps only the branch that runs, and a loop that cannot start
    /// goes: the backward has no unreachable code (CS0162), and nothing after them depends on what never runs.
    /// </summary>
    internal static class ConstantBranches
    {
        public static Block Fold(Block block) => Walk.Rewrite(block, Decide);

        public static IEnumerable<Stmt> Decide(Stmt s)
        {
            switch (s)
            {
                case If i when Simplifier.Simplify(i.Condition) is Literal { Text: "true" or "false" } decided && !Reads.Pops(i.Condition).Any():
                    return (decided.Text == "true" ? i.Then : i.Else).Statements.SelectMany(Decide);
                case For f when Simplifier.Simplify(f.Condition) is Literal { Text: "false" } && !Reads.Pops(f.Init).Any():
                    return System.Array.Empty<Stmt>();
                default:
                    return new[] { s };
            }
        }
    }
}
