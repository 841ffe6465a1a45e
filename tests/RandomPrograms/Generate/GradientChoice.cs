using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using SymGrad.RandomPrograms.Model;

namespace SymGrad.RandomPrograms.Generate
{
    /// <summary>
    /// Gradients chosen at the call (README "Gradients chosen at the call, default values"), a variation of the calls
    /// rather than of the code: some span inputs' gradients are also passed empty (<c>default</c>, "not needed"), and the
    /// checker verifies that the other gradients stay those of the full call (<see cref="Param.EmptyGradient"/>); and a
    /// trailing run of constant parameters (sizes, flags, <c>[NoDerivative]</c> reals — not in a generic method, where a
    /// T cannot have a default) gets default values, which MGradient keeps: the drivers then call it without them, with
    /// named gradients, whenever the drawn values are the defaults (<see cref="Check.Inputs"/> draws them half the time).
    /// </summary>
    public static class GradientChoice
    {
        public static ProgramModel Apply(ProgramModel program, Draw r, double weight)
            => program with { Methods = program.Methods.Select(m => Apply(m, r, weight, true)).ToImmutableArray() };

        /// <summary>
        /// Calls of methods with default values leaving optional arguments out, and calls naming their arguments (feature
        /// CallDefaults): a run at the end of a plain call's arguments, each for a parameter with a default that no span's length
        /// names (a size bound to a span's length stays what the call passes), becomes <see cref="OmittedArg"/> of the default —
        /// the value changes, and the callee runs with its default, as C# passes it. A call drawn <c>Named</c> (from
        /// <paramref name="naming"/>, a stream of its own so that past seeds keep their programs) is printed with named
        /// arguments, out of order where that keeps the order of evaluation (<c>CSharpPrinter.Args</c>), and may leave out
        /// any of its optional arguments, not only a run at the end. Not in calls of methods taking a struct or with several
        /// results, which SymGrad reads only with every argument given in order (SG0006 says so).
        /// </summary>
        public static ProgramModel LeaveOut(ProgramModel program, Draw r, Draw naming, double weight)
        {
            var methods = program.Methods.ToDictionary(m => m.Name);
            (ImmutableArray<Arg> Args, bool Named) Args(string callee, ImmutableArray<Arg> args)
            {
                // Not of a method taking a struct or with several results: SymGrad asks for every argument of those (SG0006).
                if (!methods.TryGetValue(callee, out var m) || args.Length != m.Params.Length || m.Params.Any(p => p.Struct is not null || p.Kind == ParamKind.RealOut)
                    || m.TupleResult || m.ReturnsStruct || !r.Chance(Math.Min(0.9, 0.5 * weight))) return (args, false);
                var lengths = m.Params.Where(p => p.IsSpan).SelectMany(p => p.Length!.Sizes.Concat(p.ValueBound?.Sizes ?? ImmutableArray<string>.Empty)).ToHashSet();
                Expr? Default(int i) => m.Params[i] switch
                {
                    { Default: null } or { Field: true } or { Struct: not null } => null,
                    { Kind: ParamKind.Size } p when !lengths.Contains(p.Name) => new IntLit((int)p.Default!.Value),
                    { Kind: ParamKind.RealScalar, NoDerivative: true } p => new RealLit(p.Default!.Value),
                    _ => null,
                };
                var result = args.ToList();
                for (int i = args.Length - 1; i >= 0 && r.Chance(0.7); i--)
                {
                    if (Default(i) is not { } value || args[i] is not ValueArg) break;
                    result[i] = new OmittedArg(value);
                }

                // Named, any other optional argument may be left out too (its own draws: the run above is what it was).
                bool named = naming.Chance(Math.Min(0.9, 0.4 * weight));
                for (int i = 0; named && i < args.Length; i++)
                {
                    if (result[i] is ValueArg && Default(i) is { } value && naming.Chance(0.4)) result[i] = new OmittedArg(value);
                }

                return (result.ToImmutableArray(), named);
            }

            return program with
            {
                Methods = program.Methods.Select(m => m with
                {
                    Body = Rewrite.Expressions(m.Body,
                        e => e is CallExpr { IsNn: false, IsNested: false } c && Args(c.Callee, c.Args) is var (args, named) ? c with { Args = args, Named = named } : e,
                        s => s is CallStmt { IsNn: false, IsNested: false } c && Args(c.Callee, c.Args) is var (args, named) ? c with { Args = args, Named = named } : s),
                }).ToImmutableArray(),
            };
        }

        private static Method Apply(Method m, Draw r, double weight, bool several)
        {
            var ps = m.Params.ToList();
            // Not a span of structs' fields: its gradient is one span of structs for all of them.
            var spans = Enumerable.Range(0, ps.Count).Where(i => ps[i].Kind == ParamKind.RealSpanIn && ps[i].IsDifferentiable && !ps[i].Field && ps[i].Struct is null).ToList();
            if (spans.Count > 0 && r.Chance(0.3 * weight))
            {
                var chosen = spans.Where(_ => r.Chance(0.5)).ToList();
                if (chosen.Count == 0 || !several && chosen.Count > 1) chosen = new List<int> { r.Pick(spans) };
                foreach (int i in chosen) ps[i] = ps[i] with { EmptyGradient = true };
            }

            if (r.Chance(0.25 * weight))
            {
                // From the end of the printed parameters, while each may have a default (a struct, a span, a differentiable
                // scalar or an out parameter ends the run).
                var printed = m.Printed.ToList();
                for (int k = printed.Count - 1; k >= 0; k--)
                {
                    var q = printed[k];
                    bool can = q.Struct is null && (q.Kind is ParamKind.Size or ParamKind.Bool || q.Kind == ParamKind.RealScalar && q.NoDerivative && !m.IsGeneric);
                    if (!can || (k < printed.Count - 1 && !r.Chance(0.6))) break;
                    double value = q.Kind switch
                    {
                        ParamKind.Size => r.Int(q.Min, q.Max),
                        ParamKind.Bool => r.Chance(0.5) ? 1 : 0,
                        _ => r.Pick(new[] { 0.25, 0.5, -1.0, 2.0, 1.5 }),
                    };
                    int at = ps.FindIndex(p => p.Name == q.Name);
                    ps[at] = ps[at] with { Default = value };
                }
            }

            return m with { Params = ps.ToImmutableArray() };
        }
    }
}
