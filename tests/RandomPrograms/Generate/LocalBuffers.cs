using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using SymGrad.RandomPrograms.Model;

namespace SymGrad.RandomPrograms.Generate
{
    /// <summary>
    /// Local buffers (README "Local buffers"): one of the entry's outputs becomes a buffer it declares itself, as people keep a
    /// hidden layer's activations or a step's stages — <c>Span&lt;double&gt; h = stackalloc double[n];</c>, <c>new double[n]</c>
    /// as a span, an array or <c>var</c> — at the top of its body, written from zero. The program's other results are what the
    /// checks see; the buffer's values reach them only through what the entry computes from it. Only where SymGrad keeps
    /// local buffers: a non-generic entry (static or a layer's method) with no out, tuple or struct result, which still
    /// returns a value or writes another output.
    /// </summary>
    public static class LocalBuffers
    {
        public static ProgramModel Apply(ProgramModel program, Draw r)
        {
            var entry = program.Entry;
            if (entry.IsGeneric || entry.HasOutResult || entry.ReturnsStruct || entry.TupleResult)
            {
                return program;
            }

            var outputs = entry.Params.Where(p => p.Kind == ParamKind.RealSpanOut && !p.Result && !p.Field && p.Struct is null && p.Held is null && p.Length is not null).ToList();
            if (outputs.Count == 0 || !entry.ReturnsReal && outputs.Count == 1)
            {
                return program;
            }

            var y = r.Pick(outputs);
            // A callee taking it as double[] takes an array; a range of it passed (y[a..b]) is a part of a span only, of an array
            // a copy (SymGrad refuses it for what is written: CI's campaign on a4082ed, dgv-sAENVre1).
            bool ranged = Measure.All(entry.Body).Any(n => n is SpanArg { AsRange: true } s && s.Span == y.Name);
            int form = y.AsArray ? r.Int(2, 3) : ranged ? r.Int(0, 1) : r.Int(0, 3);
            var local = entry with
            {
                Params = entry.Params.Remove(y),
                Body = entry.Body.Insert(0, new BufferDecl(y.Name, y.Length!, form)),
                ExpressionBodied = false,
            };
            return program with { Methods = program.Methods.Select(m => m == entry ? local : m).ToImmutableArray() };
        }

        /// <summary>
        /// A called method reading a span input through a copy of its own: <c>var xl = new double[x.Length];</c> filled from x,
        /// every read of x then one of xl (its signature and its callers unchanged), so that its callers' modes go through the
        /// generated methods that lend it. Only a static, non-generic helper with no out, tuple or struct result, no struct
        /// parameter, none called nested (a nested call of a method with local buffers is not differentiated yet) and, where
        /// its callers pass a range of the input (<c>x[a..b]</c>, of an array a copy), a span.
        /// </summary>
        public static ProgramModel ApplyToHelper(ProgramModel program, Draw r)
        {
            var nested = program.Methods.SelectMany(m => Measure.All(m.Body)).Select(n => n switch
            {
                CallStmt { IsNested: true } c => c.Callee,
                CallExpr { IsNested: true } c => c.Callee,
                _ => null,
            }).Where(name => name is not null).ToHashSet();
            var helpers = program.Methods.Where(h => h != program.Entry && !nested.Contains(h.Name) && !h.Instance && !h.IsGeneric && !h.HasOutResult && !h.ReturnsStruct && !h.TupleResult && !h.Held
                && !h.Name.StartsWith(NestedCalls.Helper, System.StringComparison.Ordinal) && !h.Params.Any(p => p.Struct is not null || p.Field)
                && !h.Body.OfType<BufferDecl>().Any() && Copyable(h).Any()).ToList();
            if (helpers.Count == 0)
            {
                return program;
            }

            var h = r.Pick(helpers);
            var x = r.Pick(Copyable(h).ToList());
            var taken = h.Params.Select(p => p.Name).Concat(Measure.AllNames(h.Body)).ToHashSet();
            string copy = Enumerable.Range(0, 100).Select(k => x.Name + "l" + (k == 0 ? "" : k.ToString(System.Globalization.CultureInfo.InvariantCulture))).First(n => !taken.Contains(n));
            string counter = Enumerable.Range(0, 100).Select(k => "c" + k.ToString(System.Globalization.CultureInfo.InvariantCulture)).First(n => !taken.Contains(n));

            Arg Renamed(Arg a) => a is SpanArg s && s.Span == x.Name ? s with { Span = copy } : a;
            var body = Rewrite.Expressions(h.Body,
                e => e switch
                {
                    ElemRead read when read.Span == x.Name => read with { Span = copy },
                    SpanLength length when length.Span == x.Name => length with { Span = copy },
                    CallExpr c => c with { Args = c.Args.Select(Renamed).ToImmutableArray() },
                    _ => e,
                },
                st => st switch
                {
                    CallStmt c => c with { Args = c.Args.Select(Renamed).ToImmutableArray() },
                    ForEach f when f.Span == x.Name => f with { Span = copy },
                    _ => st,
                });
            bool ranged = Measure.All(h.Body).Any(n => n is SpanArg { AsRange: true } s && s.Span == x.Name);
            int form = x.AsArray ? r.Int(2, 3) : ranged ? r.Int(0, 1) : r.Int(0, 3);
            var fill = new For(counter, new IntLit(0), "<", new SpanLength(copy), 1,
                ImmutableArray.Create<Stmt>(new Store(copy, new Var(counter), new ElemRead(x.Name, new Var(counter)))));
            var copied = h with { Body = body.Insert(0, fill).Insert(0, new BufferDecl(copy, x.Length!, form)), ExpressionBodied = false };
            return program with { Methods = program.Methods.Select(m => m == h ? copied : m).ToImmutableArray() };

            // A real span input of the method's own precision, read in the body.
            IEnumerable<Param> Copyable(Method m) => m.Params.Where(p => p.Kind == ParamKind.RealSpanIn && !p.Other && !p.Wide && p.Struct is null && p.Length is not null
                && Measure.Names(m.Body).Contains(p.Name));
        }
    }
}
