using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using SymGrad.RandomPrograms.Model;
using ValueType = SymGrad.RandomPrograms.Model.ValueType;

namespace SymGrad.RandomPrograms.Generate
{
    /// <summary>
    /// A layer object's own methods called by its differentiable methods (README "Layer objects"): after <see cref="Layers"/>
    /// made the entry a layer's method, a helper that only the layer's methods call becomes an instance method of the same
    /// class, its parameters named like one of the layer's fields (of the same kind and declaration, and a field of each
    /// caller too) fields of the layer it reads. Its callers then pass that field (<see cref="FieldArg"/>, not written in C#:
    /// the helper reads it): a real scalar in place of whatever the call passed (the program changes, and stays a program),
    /// a span, a size, a flag or labels only where every call passed the field whole already (a length or a bound the helper
    /// relies on stays the same). SymGrad reads such a call as one of the helper's twin with the fields as parameters; the
    /// helper is checked on its own as well, as a layer's method.
    /// </summary>
    public static class LayerCalls
    {
        public static ProgramModel Apply(ProgramModel program, Draw r, bool results = true)
        {
            var fields = program.Entry.Fields.Where(f => f.Struct is null && !f.Other && !f.Wide).ToDictionary(f => f.Name);
            var methods = program.Methods.ToList();
            var layer = new HashSet<string> { program.Entry.Name };

            // Callers first (a method calls only earlier ones): a helper is a layer's method only where each of its callers is.
            for (int k = methods.Count - 2; k >= 0; k--)
            {
                var h = methods[k];
                var callers = methods.Where(m => Measure.All(m.Body).Any(n => Calls(n, h.Name))).ToList();
                var sites = callers.SelectMany(m => Sites(m, h.Name).Select(a => (Caller: m, Args: a))).ToList();
                if (callers.Count == 0 && r.Chance(0.7) && Inserted(methods, h, fields, r) is { } withCall)
                {
                    // A helper nobody calls (a layer's helper rarely binds as a call by chance: its spans are the layer's fields).
                    methods = withCall;
                    layer.Add(h.Name);
                    continue;
                }

                if (!Eligible(h, callers, layer) || !results && (h.TupleResult || h.HasOutResult) || sites.Count == 0 || sites.Any(x => x.Args.Length != h.Params.Length) || !r.Chance(0.8)) continue;
                // Only what the helper reads (the tester counts a field its callers pass as read; SymGrad, one the callee reads).
                var ps = h.Params.ToList();
                var read = Measure.Names(h.Body);
                var converted = new HashSet<int>();
                for (int i = 0; i < ps.Count; i++)
                {
                    // The field must be one of each caller's too (the entry has them all), so that each passes it.
                    var p = ps[i];
                    if (!fields.TryGetValue(p.Name, out var f) || !Fits(p, f) || !read.Contains(p.Name) || !callers.All(c => c.Params.Any(q => q.Field && q.Name == f.Name))) continue;
                    if (p.Kind != ParamKind.RealScalar && !sites.All(x => Passes(x.Args[i], f.Name)) || !r.Chance(0.7)) continue;
                    ps[i] = p with { Field = true, This = r.Chance(0.35), AsArray = p.IsSpan, Default = null, EmptyGradient = false };
                    converted.Add(i);
                }

                if (converted.Count == 0) continue;
                InFieldOrder(ps, program.Entry);
                methods[k] = h with { Params = ps.ToImmutableArray(), Instance = true };
                layer.Add(h.Name);
                for (int c = k + 1; c < methods.Count; c++)
                {
                    methods[c] = methods[c] with { Body = MapCalls(methods[c].Body, h.Name, args => args.Select((a, i) => converted.Contains(i) ? new FieldArg(ps[i].Name) : a).ToImmutableArray()) };
                }
            }

            return program with { Methods = methods.ToImmutableArray() };
        }

        /// <summary>
        /// The methods with a call of <paramref name="h"/>, a helper nobody calls, added to the entry first (after its local
        /// functions and out results' assignments): <c>Real lc = H(…);</c>, its value added to each returned value (a void
        /// entry's to its first store), or <c>H(…);</c> for a layer writing outputs. H's parameters named like a field of the
        /// layer that it reads become fields where their lengths (and the sizes they name, which the entry passes its own of)
        /// agree; the others get constants, the entry's real scalars, sizes and flags of the same names, its spans of the same
        /// lengths (an output of the entry's for an output: H writes it first, the entry after). Null where H cannot be called so.
        /// </summary>
        private static List<Method>? Inserted(List<Method> methods, Method h, Dictionary<string, Param> fields, Draw r)
        {
            var entry = methods[^1];
            // Not a helper with an out result: the call inserted is a value or a statement of its own, without out arguments.
            if (entry.IsGeneric || entry.ReturnsStruct || h.HasOutResult || h.TupleResult || !Eligible(h, new List<Method>(), new HashSet<string>())) return null;
            var own = entry.Params.Where(p => p.Struct is null && !p.Other && !p.Wide).ToDictionary(p => p.Name);
            var sizes = h.Params.Where(p => p.IsSpan).SelectMany(p => p.Length!.Sizes).ToHashSet();
            var ps = h.Params.ToList();
            var read = Measure.Names(h.Body);
            var args = new Arg[ps.Count];
            var passed = new HashSet<string>();

            // A span of the entry's of the same length, each size it names the entry's own of that name (which H's gets).
            string? Span(Param p, ParamKind kind) => p.Other || p.Wide ? null : own.Values.Where(q => q.Kind == kind && !passed.Contains(q.Name) && q.Length!.Equals(p.Length) && (q.AsArray || !p.AsArray)
                    && (q.NoDerivative || !p.NoDerivative) && p.Length!.Sizes.All(n => own.TryGetValue(n, out var e) && e.Kind == ParamKind.Size && e.Min >= h.Param(n).Min))
                .Select(q => q.Name).FirstOrDefault();
            for (int i = 0; i < ps.Count; i++)
            {
                var p = ps[i];
                bool sameSize = own.TryGetValue(p.Name, out var e) && e.Kind == p.Kind && (p.Kind != ParamKind.Size || e.Min >= p.Min);
                if (fields.TryGetValue(p.Name, out var f) && Fits(p, f) && sameSize && read.Contains(p.Name) && (!p.IsSpan || p.Kind == ParamKind.RealSpanIn && p.Length!.Equals(f.Length))
                    && (p.Kind != ParamKind.RealScalar || r.Chance(0.7)))
                {
                    ps[i] = p with { Field = true, This = r.Chance(0.35), AsArray = p.IsSpan, Default = null, EmptyGradient = false };
                    args[i] = new FieldArg(p.Name);
                    continue;
                }

                if (p.Kind is ParamKind.RealSpanIn or ParamKind.RealSpanOut)
                {
                    // An input of the entry's (its field or parameter) or an output it writes (H writes it first; the entry after).
                    if (Span(p, p.Kind) is not { } span) return null;
                    passed.Add(span);
                    args[i] = new SpanArg(span);
                    continue;
                }

                Expr? value = p.Kind switch
                {
                    ParamKind.RealScalar when !p.NoDerivative && r.Chance(0.6) && own.Values.Where(q => q.Kind == ParamKind.RealScalar).ToList() is { Count: > 0 } reals => new Var(r.Pick(reals).Name),
                    ParamKind.RealScalar => new RealLit(r.Pick(new[] { 0.5, -1.5, 2.0 })),
                    ParamKind.Size or ParamKind.Bool when sameSize => new Var(p.Name),
                    ParamKind.Size when !sizes.Contains(p.Name) => new IntLit(r.Int(p.Min, p.Max)),
                    _ => null,
                };
                if (value is null) return null;
                args[i] = new ValueArg(p.Wide ? new Cast(ValueType.Wide, value) : value);
            }

            if (!ps.Any(p => p.Field)) return null;
            InFieldOrder(ps, entry);
            for (int i = 0; i < ps.Count; i++)
            {
                if (ps[i].Field) args[i] = new FieldArg(ps[i].Name);
            }

            int at = entry.Body.TakeWhile(s => s is LocalFunction || s is Assign a && entry.Params.Any(p => p.Name == a.Target && p.Kind == ParamKind.RealOut)).Count();
            var result = methods.ToList();
            result[result.IndexOf(h)] = h with { Params = ps.ToImmutableArray(), Instance = true };
            if (!h.ReturnsReal)
            {
                // A layer writing outputs: a statement of its own.
                result[^1] = entry with { Body = entry.Body.Insert(at, new CallStmt(h.Name, args.ToImmutableArray(), false)), ExpressionBodied = false };
                return result;
            }

            var taken = Measure.AllNames(entry.Body);
            taken.UnionWith(entry.Params.Select(p => p.Name));
            string local = Enumerable.Range(0, 100).Select(n => "lc" + (n == 0 ? "" : n.ToString(System.Globalization.CultureInfo.InvariantCulture))).First(n => !taken.Contains(n));
            var call = new Decl(ValueType.Real, ImmutableArray.Create(new Declarator(local, new CallExpr(h.Name, args.ToImmutableArray(), false))));
            bool used = false;
            Stmt Use(Stmt s)
            {
                if (s is Return { Value: { } v } && entry.ReturnsReal) return new Return(new Binary("+", v, new Var(local)));
                if (s is not Store st || entry.ReturnsReal || used) return s;
                used = true;
                return st with { Value = new Binary("+", st.Value, new Var(local)) };
            }

            var body = Rewrite.Statements(entry.Body, Use);
            if (!entry.ReturnsReal && !used) return null;
            result[^1] = entry with { Body = body.Insert(at, call), ExpressionBodied = false };
            return result;
        }

        /// <summary>
        /// The helper's fields in the layer's order (its declaration's, the entry's), in the places they hold among its
        /// parameters: SymGrad lists a layer method's fields in field order (their tangents, directions, Jacobian columns), and
        /// the model's drivers in parameter order. Its callers' arguments follow: each is the field of its place.
        /// </summary>
        private static void InFieldOrder(List<Param> ps, Method entry)
        {
            var places = Enumerable.Range(0, ps.Count).Where(i => ps[i].Field).ToList();
            var sorted = places.Select(i => ps[i]).OrderBy(p => entry.Params.ToList().FindIndex(f => f.Name == p.Name)).ToList();
            for (int j = 0; j < places.Count; j++) ps[places[j]] = sorted[j];
        }

        /// <summary>
        /// Whether every field a layer's helper takes is one its body reads: the model counts a field its callers pass
        /// (<see cref="FieldArg"/>) as read by them, SymGrad counts what the callee reads — a reduction dropping the helper's
        /// last read of one would make them differ (the driver's expectations then do not compile).
        /// </summary>
        public static bool Consistent(ProgramModel program) => program.Methods.Where(m => m.Instance && m != program.Entry)
            .All(m => Measure.Names(m.Body) is var read && m.Params.Where(p => p.Field).All(p => read.Contains(p.Name)));

        /// <summary>
        /// The program with <paramref name="method"/>'s field at <paramref name="k"/> a parameter again, its callers passing the
        /// field (a reduction: <see cref="Campaign.Reducer"/>); the method static once it reads no field.
        /// </summary>
        public static ProgramModel Unfield(ProgramModel program, int method, int k)
        {
            var m = program.Methods[method];
            var q = m.Params[k];
            var ps = m.Params.SetItem(k, q with { Field = false, This = false });
            var methods = program.Methods.SetItem(method, m with { Params = ps, Instance = m.Instance && (m == program.Entry || ps.Any(p => p.Field)) });
            return program with
            {
                Methods = methods.Select(c => c with
                {
                    Body = MapCalls(c.Body, m.Name, args => args.Select((a, i) => i == k && a is FieldArg f ? (q.IsSpan ? new SpanArg(f.Field) : (Arg)new ValueArg(new Var(f.Field))) : a).ToImmutableArray()),
                }).ToImmutableArray(),
            };
        }

        /// <summary>
        /// A helper that may be a layer's method: called, plainly, only by the layer's methods (not nested: FTangent of an
        /// instance method is no callee; not in a local function, which may be static), of one real type, without struct
        /// results or struct parameters (out and tuple results it may have: SymGrad reads them through its twin's results).
        /// </summary>
        private static bool Eligible(Method h, List<Method> callers, HashSet<string> layer)
            => !h.Instance && !h.IsGeneric && !h.ReturnsStruct && !h.Params.Any(p => p.Struct is not null || p.Result)
               && callers.All(m => layer.Contains(m.Name) && Measure.All(m.Body).All(n => !Calls(n, h.Name) || n is CallExpr { IsNested: false } or CallStmt { IsNested: false })
                   && !Measure.All(m.Body).OfType<LocalFunction>().Any(l => Measure.All(l.Body).Any(n => Calls(n, h.Name))));

        /// <summary>Whether <paramref name="node"/> is a call of the program's method <paramref name="name"/> (plain or nested).</summary>
        internal static bool Calls(object node, string name) => node is CallExpr { IsNn: false } c && c.Callee == name || node is CallStmt { IsNn: false } s && s.Callee == name;

        /// <summary>A parameter the field can stand for: of its kind and declaration (<c>[NoDerivative]</c> or not, one real type).</summary>
        private static bool Fits(Param p, Param f) => p.Kind == f.Kind && p.NoDerivative == f.NoDerivative && p.Struct is null && !p.Other && !p.Wide
            && p.Kind is ParamKind.RealScalar or ParamKind.RealSpanIn or ParamKind.Size or ParamKind.Bool or ParamKind.IntSpan or ParamKind.OtherScalar;

        /// <summary>Whether a call passes the field itself (whole, for a span).</summary>
        private static bool Passes(Arg a, string field) => a is ValueArg { Value: Var v } && v.Name == field || a is SpanArg { Start: null } s && s.Span == field;

        /// <summary>The argument lists of <paramref name="caller"/>'s calls of <paramref name="name"/>.</summary>
        private static IEnumerable<ImmutableArray<Arg>> Sites(Method caller, string name) => Measure.All(caller.Body).Select(n => n switch
        {
            CallExpr { IsNn: false, IsNested: false } c when c.Callee == name => c.Args,
            CallStmt { IsNn: false, IsNested: false } s when s.Callee == name => s.Args,
            _ => (ImmutableArray<Arg>?)null,
        }).OfType<ImmutableArray<Arg>>();

        /// <summary>The body with the arguments of every plain call of <paramref name="name"/> mapped, inner calls first.</summary>
        private static ImmutableArray<Stmt> MapCalls(ImmutableArray<Stmt> body, string name, System.Func<ImmutableArray<Arg>, ImmutableArray<Arg>> map)
            => Rewrite.Expressions(body, e => e is CallExpr { IsNn: false, IsNested: false } c && c.Callee == name ? c with { Args = map(c.Args) } : e,
                s => s is CallStmt { IsNn: false, IsNested: false } c && c.Callee == name ? c with { Args = map(c.Args) } : s);
    }
}
