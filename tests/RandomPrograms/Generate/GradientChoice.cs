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
