using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using SymGrad.RandomPrograms.Model;

namespace SymGrad.RandomPrograms.Generate
{
    /// <summary>
    /// Turns span parameters of a generated program into arrays (<c>double[]</c>, <c>int[]</c>) where C# lets the program
    /// compile unchanged: read-only inputs of any method, outputs of the entry that it writes itself or passes to a method
    /// of the program that writes them, and outputs of those methods (README: an array passed where another method's
    /// output array is expected is an output). A parameter stays a span when its method slices it (arrays have no
    /// <c>Slice</c>) or when a caller passes it something that is not an array (a span, a slice), to a fixed point.
    /// </summary>
    public static class Arrays
    {
        public static ProgramModel Apply(ProgramModel program, Draw r)
        {
            var chosen = new HashSet<(string Method, string Param)>();
            Draw outputs = r.Side(7); // the outputs passed on and the callees' outputs: drawn later than the rest
            // The nested helper's spans stay spans: its callers pass theirs, and spans as its directions (N0Tangent(w, x, tw, tx)).
            foreach (var m in program.Methods.Where(m => m.Name != NestedCalls.Helper || !m.Params.Any(p => p.IsSpan)))
            {
                // An output the entry passes whole to a method of the program that writes it (an output array, if that one's
                // is chosen too: the fixed point below keeps the pairs that agree).
                var passedOn = Measure.All(m.Body).OfType<CallStmt>().Where(c => !c.IsNn && !c.IsNested)
                    .SelectMany(c => c.Args.Select((a, i) => (a, program.Find(c.Callee).Params[i])))
                    .Where(x => x.a is SpanArg { Start: null } && x.Item2.Kind == ParamKind.RealSpanOut).Select(x => ((SpanArg)x.a).Span).ToHashSet();
                foreach (var p in m.Params)
                {
                    bool candidate = p.Kind is ParamKind.RealSpanIn && !p.Other || p.Kind == ParamKind.IntSpan
                        || p.Kind == ParamKind.RealSpanOut && m == program.Entry && Measure.All(m.Body).OfType<Store>().Any(s => s.Span == p.Name);
                    if (candidate && r.Chance(0.7)) chosen.Add((m.Name, p.Name));
                    else if (!candidate && p.Kind == ParamKind.RealSpanOut && (m != program.Entry || passedOn.Contains(p.Name)) && outputs.Chance(0.6)) chosen.Add((m.Name, p.Name));
                }
            }

            for (bool changed = true; changed;)
            {
                changed = false;
                foreach (var m in program.Methods)
                {
                    var nodes = Measure.All(m.Body).ToList();
                    foreach (var slice in nodes.OfType<SpanArg>().Where(a => a.Start is not null))
                    {
                        changed |= chosen.Remove((m.Name, slice.Span));
                    }

                    // Nested calls too (NTangent, NGradient of a helper with spans): F's arguments come first, as F takes them.
                    var calls = nodes.OfType<CallStmt>().Where(c => !c.IsNn).Select(c => (c.Callee, c.Args))
                        .Concat(nodes.OfType<CallExpr>().Where(c => !c.IsNn).Select(c => (c.Callee, c.Args)));
                    foreach (var (callee, args) in calls)
                    {
                        var target = program.Find(callee);
                        for (int i = 0; i < Math.Min(args.Length, target.Params.Length); i++)
                        {
                            if (chosen.Contains((callee, target.Params[i].Name))
                                && !(args[i] is SpanArg { Start: null } s && chosen.Contains((m.Name, s.Span))))
                            {
                                chosen.Remove((callee, target.Params[i].Name));
                                changed = true;
                            }
                        }
                    }
                }
            }

            return program with { Methods = program.Methods.Select(m => m with
            {
                Params = m.Params.Select(p => chosen.Contains((m.Name, p.Name)) ? p with { AsArray = true } : p).ToImmutableArray(),
            }).ToImmutableArray() };
        }
    }
}
