using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using SymGrad.RandomPrograms.Model;

namespace SymGrad.RandomPrograms.Generate
{
    /// <summary>
    /// Makes the entry of a generated program a layer object's <c>[Differentiable]</c> instance method: some of its
    /// parameters become fields of its (then not static) partial class — real scalars (<c>double a</c>, perhaps
    /// <c>[NoDerivative]</c>), real inputs (<c>double[] x</c>, perhaps <c>[NoDerivative]</c>; <c>float[] qf</c> of the other
    /// real type: float weights of a double layer), sizes (<c>int n</c>, a loop
    /// bound), flags, labels (<c>int[]</c>) and the other-precision constant — and the body reads them as before, as
    /// <c>a</c> or <c>this.a</c>. The program's structure stays the same; helpers stay static. The model keeps a field in its
    /// parameter's place (<see cref="Param.Field"/>), so inputs are drawn and gradients compared as for parameters; the
    /// drivers set the fields and read the gradients of the differentiable ones from the generated <c>d</c>-fields.
    /// </summary>
    public static class Layers
    {
        public static ProgramModel Apply(ProgramModel program, Draw r)
        {
            var entry = program.Entry;
            var ps = entry.Params.ToList();
            for (int i = 0; i < ps.Count; i++)
            {
                var p = ps[i];
                double chance = p.Struct is not null ? 0 : p.Kind switch // a struct parameter's members stay parameters
                {
                    ParamKind.RealScalar or ParamKind.RealSpanIn => 0.6,
                    ParamKind.Size => 0.4,
                    ParamKind.Bool or ParamKind.IntSpan or ParamKind.OtherScalar => 0.3,
                    _ => 0, // outputs and out results stay parameters: a layer's method writes no field
                };
                if (r.Chance(chance)) ps[i] = AsField(p, r);
            }

            // A layer has parameters (one without, as an activation layer, is the rarer case).
            if (!ps.Any(p => p.Field && p.IsDifferentiable) && r.Chance(0.9))
            {
                var candidates = Enumerable.Range(0, ps.Count).Where(i => ps[i].IsDifferentiable && !ps[i].Field && ps[i].Struct is null).ToList();
                if (candidates.Count > 0)
                {
                    int k = r.Pick(candidates);
                    ps[k] = AsField(ps[k], r);
                }
            }

            // Sometimes a differentiable field is a constant of the layer ([NoDerivative] double Temperature) when another
            // differentiable input remains.
            var fields = Enumerable.Range(0, ps.Count).Where(i => ps[i].Field && ps[i].IsDifferentiable).ToList();
            if (fields.Count > 0 && ps.Count(p => p.IsDifferentiable) > 1 && r.Chance(0.2))
            {
                int k = r.Pick(fields);
                ps[k] = ps[k] with { NoDerivative = true };
            }

            return program with { Methods = program.Methods.SetItem(program.Methods.Length - 1, entry with { Params = ps.ToImmutableArray(), Instance = true }) };
        }

        private static Param AsField(Param p, Draw r) => p with { Field = true, This = r.Chance(0.35), AsArray = p.IsSpan };
    }
}
