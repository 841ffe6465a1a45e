using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Differentiate
{
    /// <summary>
    /// How the cotangent of each output is held, once the optimiser has decided what the reverse sweep does with it:
    /// read in place when nothing writes it (the caller's span, zeros when empty); set by its first contribution when that
    /// is a registered backward with an assigning variant (no clearing pass, the caller's cotangent added after it);
    /// otherwise a work copy the reverse sweep accumulates into.
    /// </summary>
    internal static class Cotangents
    {
        public static void Settle(BackwardProgram program, SweepContext context)
        {
            foreach (ParameterSpec p in context.Facts.Model.Parameters.Where(p => p.Kind == ParameterKind.SpanOutput && context.HasAdjoint(p.Name)))
            {
                string work = context.Adjoint(p.Name), cotangent = program.Cotangents[p.Name];
                var writers = program.Blocks.SelectMany(Walk.All).Where(s => Walk.Assigned(s is If or For ? Strip(s) : s).Contains(work)).ToList();
                bool setup(Stmt s) => s is Assign { Target: Name n } && n.Id == work;
                if (writers.All(setup))
                {
                    // Only read: the caller's cotangent serves as it is.
                    program.Setup = Walk.Rewrite(program.Setup, s => setup(s) ? System.Array.Empty<Stmt>() : new[] { s });
                    Rename(program, work, cotangent);
                    program.CotangentsInPlace.Add(p.Name);
                    program.Variables.Remove(work);
                    continue;
                }

                AssignFirst(program, context, p, work, cotangent);
            }
        }

        /// <summary>
        /// When the first statement of the reverse sweep that touches the work copy is a top-level backward call with an
        /// assigning variant for exactly that buffer, the buffer is rented uncleared, set by that call, and the caller's
        /// cotangent is added after it.
        /// </summary>
        private static void AssignFirst(BackwardProgram program, SweepContext context, ParameterSpec output, string work, string cotangent)
        {
            List<Stmt> reverse = program.Reverse.Statements.ToList();
            int first = reverse.FindIndex(s => Walk.All(new Block(new[] { s }.ToEquatableArray())).SelectMany(Walk.Expressions).Any(e => Reads.Of(e).Contains(work)));
            if (first < 0 || reverse[first] is not Invoke { Assigning: { } assigning } call
                || call.Args[call.AssignedArg] is not Written { Target: SpanRef { Start: null, Length: null } span } || span.Span != work
                || call.Args.Where((a, i) => i != call.AssignedArg).Any(a => Reads.Of(a).Contains(work)))
            {
                return;
            }

            reverse[first] = call with { Target = assigning };
            reverse.Insert(first + 1, Invoke.AddCotangent(new Name(cotangent, "span"), new Name(work, "span")));
            program.Reverse = new Block(reverse.ToEquatableArray());
            string rent = output.ElementType == "float" ? "RentFloats" : "RentDoubles";
            program.Setup = Walk.Rewrite(program.Setup, s => s is Assign { Target: Name n } a && n.Id == work
                ? new Stmt[]
                {
                    new Comment($"{work} is set by its first contribution ({call.Math}): not cleared."),
                    a with { Value = new Opaque(context.Workspace + "." + rent + "({0}.Length, clear: false)", new[] { output.Name }.ToEquatableArray(), "span") },
                }
                : new[] { s });
        }

        private static void Rename(BackwardProgram program, string from, string to)
        {
            Expr Map(Expr e) => Walk.Rename(e, n => n == from ? to : n);
            program.Forward = Walk.MapExpressions(program.Forward, Map);
            program.Reverse = Walk.MapExpressions(program.Reverse, Map);
        }

        private static Stmt Strip(Stmt s) => s switch
        {
            If i => i with { Then = Block.Empty, Else = Block.Empty },
            For f => f with { Body = Block.Empty },
            _ => s,
        };
    }
}
