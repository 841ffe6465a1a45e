using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Differentiate;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Emit
{
    /// <summary>
    /// The derivation in the doc comment: the reverse sweep's adjoint statements in lecture notation, under the loops and
    /// branches that hold them; restores, recomputations and bookkeeping left out.
    /// </summary>
    internal static class Derivation
    {
        public static List<string> Lines(BackwardProgram program)
        {
            var adjoints = new HashSet<string>(program.Variables.Values.Where(v => v.Role is Role.Adjoint or Role.Temporary).Select(v => v.Name));
            adjoints.UnionWith(program.Gradients.Values);
            var lines = new List<string>();
            Add(program.Reverse, 0, adjoints, program, lines);
            return lines;
        }

        private static void Add(Block block, int depth, HashSet<string> adjoints, BackwardProgram program, List<string> lines)
        {
            string indent = new(' ', depth * 2);
            foreach (Stmt s in block.Statements)
            {
                switch (s)
                {
                    case Assign a when Target(a.Target) is { } t && adjoints.Contains(t) && !Reads.Pops(a.Value).Any() && !(a.Op == "=" && Simplifier.IsConstant(a.Value, 0)):
                        lines.Add(indent + Notation.Math(a.Target, program) + " " + a.Op + " " + Notation.Math(a.Value, program));
                        break;
                    case Invoke { Math.Length: > 0 } call:
                        lines.Add(indent + call.Math);
                        break;
                    case If { StrongZero: true } guard:
                        Add(guard.Then, depth, adjoints, program, lines); // the mathematics; the code skips a zero adjoint's 0·∞
                        break;
                    case If i:
                        // A decision the forward code taped reads as the test it recorded.
                        Nested(Reads.Pops(i.Condition).Any() ? i.Source : "if (" + Code(i.Condition, program) + ")", i.Then, depth, adjoints, program, lines);
                        if (i.Else.Statements.Count > 0) Nested("else", i.Else, depth, adjoints, program, lines);
                        break;
                    case For f:
                        Nested($"for ({f.CounterType} {f.Counter} = {Code(f.Init, program)}; {Code(f.Condition, program)}; {Step(f, program)})", f.Body, depth, adjoints, program, lines);
                        break;
                }
            }
        }

        private static void Nested(string header, Block block, int depth, HashSet<string> adjoints, BackwardProgram program, List<string> lines)
        {
            var inner = new List<string>();
            Add(block, depth + 1, adjoints, program, inner);
            if (inner.Count > 0)
            {
                lines.Add(new string(' ', depth * 2) + header);
                lines.AddRange(inner);
            }
        }

        private static string? Target(Expr target) => target switch
        {
            Name n => n.Id,
            Element e => e.Span,
            _ => null,
        };

        private static string Code(Expr e, BackwardProgram program) => Notation.Plain(ExprPrinter.Print(
            Walk.Transform(e, x => x is Pop ? new Opaque("(taped)", EquatableArray<string>.Empty, x.Type) : null)));

        private static string Step(For f, BackwardProgram program) =>
            Simplifier.IsConstant(f.Step, 1) ? f.Counter + "++"
            : Simplifier.IsConstant(f.Step, -1) ? f.Counter + "--"
            : $"{f.Counter} += {Code(f.Step, program)}";
    }
}
