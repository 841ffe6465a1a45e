using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using SymGrad.RandomPrograms.Model;

namespace SymGrad.RandomPrograms.Generate
{
    /// <summary>
    /// Spans and arrays of structs of reals (README "Structs of reals"): two or three span inputs of the entry of one
    /// length, all read element by element only (<c>x[i]</c>, <c>x.Length</c>: not passed on, not walked by foreach, not
    /// sliced or counted from the end), become the fields of one <c>ReadOnlySpan&lt;V3&gt; pts</c> (<c>V3[] pts</c> when they
    /// are arrays), read as <c>pts[i].X</c>. The model keeps them spans in their places (<see cref="Param.InStructSpan"/>),
    /// so the checker, the Python printer and PyTorch see spans of reals; the drivers pack and unpack the structs.
    /// The entry only, not a layer's method nor a generic one (a V3 is of one precision).
    /// </summary>
    public static class StructSpans
    {
        public const string Name = "pts";

        public static ProgramModel Apply(ProgramModel program, Draw r)
        {
            var m = program.Entry;
            if (m.Instance || m.IsGeneric || m.Params.Any(p => p.Name == Name || p.Struct == Name) || Measure.AllNames(m.Body).Contains(Name))
            {
                return program;
            }

            var nodes = Measure.All(m.Body).ToList();
            var passed = new HashSet<string>(nodes.Select(n => n switch
            {
                SpanArg a => a.Span,
                ForEach f => f.Span,
                ElemRead { Index: FromEnd } e => e.Span,
                _ => null,
            }).OfType<string>());
            var groups = m.Params.Where(p => p.Kind == ParamKind.RealSpanIn && !p.Field && !p.EmptyGradient && p.Struct is null && !p.Other && !passed.Contains(p.Name))
                .GroupBy(p => (p.Length, p.NoDerivative, p.AsArray)).Select(g => g.ToList()).Where(g => g.Count >= 2).ToList();
            if (groups.Count == 0)
            {
                return program;
            }

            var members = r.Pick(groups);
            r.Shuffle(members);
            members = members.Take(r.Int(2, System.Math.Min(3, members.Count))).ToList();
            var fields = StructType.Fields.ToList();
            r.Shuffle(fields);
            var named = members.Select((p, i) => (p.Name, Field: fields[i])).ToDictionary(x => x.Name, x => x.Field);
            var ps = m.Params.Select(p => named.TryGetValue(p.Name, out var f) ? p with { Struct = Name, Member = f } : p).ToImmutableArray();
            return program with { Methods = program.Methods.SetItem(program.Methods.Length - 1, m with { Params = ps }) };
        }
    }
}
