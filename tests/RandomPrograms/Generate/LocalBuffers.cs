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
    }
}
