using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using SymGrad.RandomPrograms.Model;

namespace SymGrad.RandomPrograms.Generate
{
    /// <summary>
    /// Nested calls of <c>HTangent</c> where H writes Span outputs (README, "Nested differentiation"): a call
    /// <c>H(x…, y…)</c> that fills outputs of its caller becomes <c>HTangent(x…, yv…, ẋ…, y…)</c> — the outputs now hold
    /// their tangents along a direction (the argument itself, another span of its length, a constant), the values going
    /// to buffers of the caller's own declared right before the call, which nothing reads; a span's direction is sometimes
    /// left out (<c>default</c>: zeros). The caller then reads J·ẋ where
    /// it read H(x), and its derivatives in every mode go through HTangent's own (<c>HTangentBackward</c>,
    /// <c>HTangentTangent</c>, <c>HTangentBackwardTangent</c>). Only of an H SymGrad reads so (<see cref="ForwardMode.TangentCallable"/>),
    /// in a caller that keeps local buffers, outside a switch's sections (a declaration there is the whole switch's).
    /// </summary>
    public static class TangentCalls
    {
        /// <summary>The name of the helper drawn for such calls (<see cref="Restrict"/>): void, writing outputs.</summary>
        public const string Helper = "T0";

        /// <summary>A second such helper, filling its output by a call of <see cref="Helper"/>: its HTangent calls T0Tangent.</summary>
        public const string Outer = "T1";

        /// <summary>Whether <paramref name="name"/> is one of the helpers drawn for nested HTangent calls.</summary>
        public static bool IsHelper(string name) => name is Helper or Outer;

        /// <summary>
        /// What the helper is built from: no calls but of scalar methods of the program (those drawn before it: the nested
        /// helper N0, when the program has one — its forward mode then calls N0Tangent), no structs, nothing of the other real type.
        /// </summary>
        public static FeatureSet Restrict(FeatureSet f, bool fills = false)
        {
            var weights = f.Weights.ToDictionary(kv => kv.Key, kv => kv.Value);
            foreach (var off in new[]
            {
                Feature.SpanWritingCalls, Feature.NnPrimitives, Feature.RegisteredLibrary, Feature.NestedCalls, Feature.UnderivableCalls,
                Feature.Structs, Feature.StructCalls, Feature.StructResultCalls, Feature.ResultCalls, Feature.OutResults,
                Feature.OtherPrecisionParams, Feature.OtherPrecisionSpans, Feature.DoubleInputs, Feature.Generics, Feature.NoDerivativeParams, Feature.MultipleOutputs,
            })
            {
                weights[off] = 0;
            }

            weights[Feature.SpanOutputs] = System.Math.Max(1, weights[Feature.SpanOutputs]);
            if (fills)
            {
                weights[Feature.SpanWritingCalls] = System.Math.Max(1, f[Feature.SpanWritingCalls]);
            }

            return new FeatureSet(weights);
        }

        /// <summary>
        /// The helper, drawn from side streams until it is one SymGrad reads HTangent of (<see cref="ForwardMode.TangentCallable"/>)
        /// and void (its callers' fills call void writers), or null after a few tries.
        /// </summary>
        public static Method? Writer(Draw r, FeatureSet f, IReadOnlyList<Method> callees, string name = Helper)
        {
            for (uint k = 0; k < 8; k++)
            {
                Method t = new MethodBuilder(r.Side(k), Restrict(f, fills: name == Outer), callees, false, name).Build();
                if (!t.ReturnsReal && ForwardMode.TangentCallable(new ProgramModel(callees.Append(t).ToImmutableArray()), t)
                    && (name == Helper || Measure.All(t.Body).Any(n => n is CallStmt { IsNn: false, IsNested: false } c && c.Callee == Helper)))
                {
                    return t;
                }
            }

            return null;
        }

        public static ProgramModel Apply(ProgramModel program, Draw r)
        {
            var candidates = new List<(Method M, int Call)>();
            foreach (Method m in program.Methods.Where(m => !m.IsGeneric && !m.Instance && !m.Held && LocalBuffers.MayKeep(program, m)))
            {
                int calls = 0;
                Visit(m.Body, s =>
                {
                    if (Rewritable(program, m, s))
                    {
                        candidates.Add((m, calls));
                    }

                    calls++;
                    return null;
                });
            }

            if (candidates.Count == 0)
            {
                return program;
            }

            var (caller, chosen) = r.Pick(candidates);
            Draw zeros = r.Side(1);
            var taken = caller.Params.Select(p => p.Name).Concat(Measure.AllNames(caller.Body)).ToHashSet();
            int seen = 0;
            var body = Visit(caller.Body, s =>
            {
                if (seen++ != chosen)
                {
                    return null;
                }

                var call = (CallStmt)s;
                var callee = program.Find(call.Callee);
                var stmts = new List<Stmt>();
                var values = new List<Arg>();
                var directions = new List<Arg>();
                var tangents = new List<Arg>();
                for (int i = 0; i < callee.Params.Length; i++)
                {
                    Param p = callee.Params[i];
                    Arg a = call.Args[i];
                    if (p.Kind == ParamKind.RealSpanOut)
                    {
                        // The output gets its tangent; its value goes to a buffer of its length nothing reads.
                        var y = (SpanArg)a;
                        string name = Enumerable.Range(0, 100).Select(k => y.Span + "v" + (k == 0 ? "" : k.ToString(System.Globalization.CultureInfo.InvariantCulture))).First(n => !taken.Contains(n));
                        taken.Add(name);
                        stmts.Add(new BufferDecl(name, caller.Params.First(q => q.Name == y.Span).Length!, r.Int(0, 3)));
                        values.Add(new SpanArg(name));
                        tangents.Add(y);
                        continue;
                    }

                    values.Add(a);
                    if (!p.IsDifferentiable)
                    {
                        continue;
                    }

                    // A span's direction left out (default) is zeros; drawn from a side stream, so that past seeds keep their programs.
                    if (a is SpanArg && zeros.Chance(0.25))
                    {
                        directions.Add(new DefaultArg());
                        continue;
                    }

                    directions.Add(a switch
                    {
                        SpanArg { Start: null } x when Others(caller, x).ToList() is { Count: > 0 } others && r.Chance(0.5) => new SpanArg(r.Pick(others).Name),
                        SpanArg x => x,
                        ValueArg v => r.Chance(0.5) ? v : new ValueArg(new RealLit(r.Pick(new[] { 1.0, 0.5, -1.5, 2.0 }))),
                        _ => a,
                    });
                }

                stmts.Add(new CallStmt(call.Callee, values.Concat(directions).Concat(tangents).ToImmutableArray(), false, "Tangent"));
                return stmts;
            });
            var rewritten = caller with { Body = body, ExpressionBodied = false };
            return program with { Methods = program.Methods.Select(m => m == caller ? rewritten : m).ToImmutableArray() };
        }

        /// <summary>Whether a method calls HTangent of a method writing outputs.</summary>
        public static bool Calls(Method m) => Measure.All(m.Body).Any(n => n is CallStmt { IsNested: true, Suffix: "Tangent" });

        /// <summary>
        /// A call of a method of the program SymGrad differentiates nested when it writes outputs, each output a whole output
        /// of the caller (of a known length, for the buffer of its values), each other argument a value or a span.
        /// </summary>
        private static bool Rewritable(ProgramModel program, Method caller, Stmt s)
            => s is CallStmt { IsNn: false, IsNested: false, Named: false } call && program.Methods.FirstOrDefault(x => x.Name == call.Callee) is { } callee
               && ForwardMode.TangentCallable(program, callee) && call.Args.Length == callee.Params.Length
               && call.Args.Select((a, i) => callee.Params[i].Kind == ParamKind.RealSpanOut
                   ? a is SpanArg { Start: null } y && caller.Params.Any(q => q.Name == y.Span && q.Kind == ParamKind.RealSpanOut && q.Length is not null && !q.Field && !q.AsArray)
                   : a is ValueArg or SpanArg).All(ok => ok);

        /// <summary>The caller's whole real spans of <paramref name="x"/>'s length and type, another direction for it.</summary>
        private static IEnumerable<Param> Others(Method caller, SpanArg x)
            => caller.Params.FirstOrDefault(p => p.Name == x.Span) is { Length: { } length } of
                ? caller.Params.Where(p => p.Kind == ParamKind.RealSpanIn && p.Name != x.Span && p.Length is not null && p.Length.Equals(length)
                    && p.Other == of.Other && p.Wide == of.Wide && p.AsArray == of.AsArray && p.Struct is null && !p.Field)
                : Enumerable.Empty<Param>();

        /// <summary>
        /// The body with each statement <paramref name="f"/> replaces (non-null) replaced, in a walk over its blocks in order —
        /// not a switch section's own statements (a buffer declared there is scoped to the whole switch), nor local functions.
        /// </summary>
        private static ImmutableArray<Stmt> Visit(ImmutableArray<Stmt> body, System.Func<Stmt, IEnumerable<Stmt>?> f) => body.SelectMany(s => s switch
        {
            If i => new Stmt[] { i with { Then = Visit(i.Then, f), Else = i.Else is { } e ? Visit(e, f) : null } },
            For l => new Stmt[] { l with { Body = Visit(l.Body, f) } },
            ForEach l => new Stmt[] { l with { Body = Visit(l.Body, f) } },
            While l => new Stmt[] { l with { Body = Visit(l.Body, f) } },
            Switch or LocalFunction => new[] { s },
            _ => f(s) ?? new[] { s },
        }).ToImmutableArray();
    }
}
