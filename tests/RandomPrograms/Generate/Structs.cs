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
