using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using SymGrad.RandomPrograms.Model;

namespace SymGrad.RandomPrograms.Generate
{
    /// <summary>
    /// Rewrites of the struct constructs (feature Structs; the constructs themselves are drawn by the method builder: a
    /// struct parameter of the entry, struct locals <c>V3 p = …</c> whose fields are real locals <c>p.X</c>, a struct result).
    /// </summary>
    public static class Structs
    {
        /// <summary>
        /// <c>new V3 { X = e }</c> as <c>new V3(e, 0.0, 0.0)</c> in a layer's instance method: the same value, written the way
        /// the generator accepts there (an initializer is refused: FOUND.md S1).
        /// </summary>
        public static ProgramModel ConstructorsInInstanceMethods(ProgramModel program)
            => program with { Methods = program.Methods.Select(m => m.Instance ? m with { Body = Rewrite.Statements(m.Body, ToConstructor) } : m).ToImmutableArray() };

        /// <summary>
        /// <c>p = new V3(p.Y, p.X, 0.0);</c> — a value reading the fields of the struct it is assigned to — as
        /// <c>V3 p_t = new V3(p.Y, p.X, 0.0); p = p_t;</c>: the same value, built before p changes, which the generator
        /// differentiates right (it assigns field by field, so later fields read the new earlier ones: FOUND.md S3).
        /// </summary>
        public static ProgramModel TemporariesForSelfReads(ProgramModel program)
            => program with { Methods = program.Methods.Select(m => m with { Body = Temporaries(m.Body) }).ToImmutableArray() };

        private static ImmutableArray<Stmt> Temporaries(ImmutableArray<Stmt> body)
        {
            // Names no other local has (the builder's end in a digit or are plain stems): pv2t, pv2t2, … one per rewrite.
            int count = 0;
            return Rewrite.Splice(body, s =>
            {
                if (s is StructAssign a && Measure.All(a.Value).OfType<Var>().Any(v => v.Name.StartsWith(a.Target + ".", System.StringComparison.Ordinal)))
                {
                    string t = a.Target + "t" + (count++ == 0 ? "" : count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    return new Stmt[] { new StructDecl(t, a.Value), new StructAssign(a.Target, new Var(t)) };
                }

                return new[] { s };
            });
        }

        private static Stmt ToConstructor(Stmt s) => s switch
        {
            StructDecl d => d with { Init = ToConstructor(d.Init) },
            StructAssign a => a with { Value = ToConstructor(a.Value) },
            Return { Value: { } v } r => r with { Value = ToConstructor(v) },
            _ => s,
        };

        private static Expr ToConstructor(Expr e) => e is StructNew { Ctor: false } n
            ? new StructNew(n.Fields.Select(f => f ?? (Expr?)new RealLit(0)).ToImmutableArray(), true)
            : e;
    }
}
