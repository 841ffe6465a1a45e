using System.Collections.Immutable;
using System.Linq;
using SymGrad.RandomPrograms.Model;

namespace SymGrad.RandomPrograms.Generate
{
    /// <summary>
    /// A layer held in a field of the layer (README "Layer objects", PyTorch's module style): after <see cref="LayerCalls"/>
    /// made a helper a method of the layer, a helper only the entry calls moves to a class of its own nested in the layer's,
    /// <c>Held</c>, whose fields are its fields; the entry holds one in the field <c>Sub</c> and calls <c>Sub.H(…)</c>. The
    /// held layer's fields are inputs of the entry apart from the entry's own, under SymGrad's names for them (<c>SubX</c> for
    /// <c>Sub.x</c>), after the entry's own fields; its calls pass those (<see cref="FieldArg"/>: not written in C#, passed in
    /// Python). The helper is checked on its own as the held layer's method as well.
    /// </summary>
    public static class HeldLayers
    {
        /// <summary>The entry's field holding the held layer, and the held layer's class (nested in each twin's class).</summary>
        public const string Holder = "Sub", Class = "Held";

        /// <summary>SymGrad's name for the held layer's field <paramref name="member"/> in the holder's class.</summary>
        public static string Alias(string member) => Holder + char.ToUpperInvariant(member[0]) + member[1..];

        public static ProgramModel Apply(ProgramModel program, Draw r)
        {
            var entry = program.Entry;
            bool OnlyTheEntryCalls(Method h) => program.Methods.Where(m => m != h && Measure.All(m.Body).Any(n => LayerCalls.Calls(n, h.Name))).All(m => m == entry)
                && Measure.All(entry.Body).Any(n => LayerCalls.Calls(n, h.Name));
            // One held layer, of a helper reading fields, calling no method of the layer (a method of Held cannot).
            var candidates = program.Methods.Where(h => h.Instance && h != entry && h.Params.Any(p => p.Field) && OnlyTheEntryCalls(h)
                && !Measure.All(h.Body).Any(n => n is CallExpr { IsNn: false } c && program.Find(c.Callee).Instance || n is CallStmt { IsNn: false } s && program.Find(s.Callee).Instance)
                && h.Params.Where(p => p.Field).All(Apart)).ToList();
            if (candidates.Count == 0 || entry.Params.Any(p => p.Held is not null)) return program;
            var held = r.Pick(candidates);

            // The entry's inputs for the held layer's fields: after all of its own, in the held layer's field order.
            var taken = entry.Params.Select(p => p.Name).Concat(Measure.AllNames(entry.Body)).ToHashSet();
            var fields = held.Params.Where(p => p.Field).ToList();
            if (fields.Any(f => taken.Contains(Alias(f.Name)))) return program;
            var aliases = fields.Select(f => f with { Name = Alias(f.Name), This = false, Held = f.Name }).ToList();
            var body = Rewrite.Expressions(entry.Body,
                e => e is CallExpr { IsNn: false, IsNested: false } c && c.Callee == held.Name ? c with { Args = Aliased(c.Args) } : e,
                s => s is CallStmt { IsNn: false, IsNested: false } c && c.Callee == held.Name ? c with { Args = Aliased(c.Args) } : s);
            var moved = entry with { Params = entry.Params.AddRange(aliases), Body = body };
            return program with { Methods = program.Methods.Select(m => m == entry ? moved : m == held ? m with { Held = true } : m).ToImmutableArray() };

            ImmutableArray<Arg> Aliased(ImmutableArray<Arg> args) => args.Select(a => a is FieldArg f ? new FieldArg(Alias(f.Field)) : a).ToImmutableArray();
        }

        /// <summary>
        /// Whether a field of the held layer may be an input drawn apart from the entry's: not a size, nor labels, nor a span
        /// whose length (or values' bound) a size gives — the entry's size of that name would no longer be the held layer's
        /// (seed 1bHR89vl0nh1: Nn.Dense in the held layer, its x sized by the entry's n, its own n drawn apart).
        /// </summary>
        private static bool Apart(Param f) => f.Kind is not (ParamKind.Size or ParamKind.IntSpan) && (!f.IsSpan || f.Length!.IsConstant && f.ValueBound is null or { IsConstant: true });
    }
}
