using System.Linq;

namespace SymGrad.RandomPrograms.Model
{
    /// <summary>
    /// Which methods have a generated <c>MTangent</c> (forward mode; README, "The generated methods"). It is not generated yet
    /// for a method that calls another method (a <c>[Differentiable]</c> one of the program, a registered library function,
    /// an <c>Nn</c> primitive: only <c>Math</c>/<c>MathF</c>/<c>double.</c>/<c>float.</c> functions and local functions are
    /// taken), that has several results (an <c>out</c> parameter), or that is a layer object's method reading
    /// differentiable fields.
    /// </summary>
    public static class ForwardMode
    {
        public static bool HasTangent(Method m)
            => !m.Params.Any(p => p.Kind == ParamKind.RealOut) && !m.ReturnsStruct
               && !(m.Instance && m.GradientFields.Any())
               && !Measure.All(m.Body).Any(n => n is CallExpr or CallStmt || n is MathCall c && MathNames.Library.Contains(c.Function));
    }
}
