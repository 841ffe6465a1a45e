using System.Linq;

namespace SymGrad.RandomPrograms.Model
{
    /// <summary>
    /// Which methods have the generated methods beyond <c>MBackward</c>/<c>MGradient</c> (README, "The generated methods"):
    /// <c>MTangent</c>, <c>MJacobian</c>, <c>MHessianVector</c> and <c>MHessian</c>. The drivers call them where these say
    /// so, and a driver calling one the generator did not make does not compile (reported as silently skipped).
    /// </summary>
    public static class ForwardMode
    {
        /// <summary>
        /// <c>MTangent</c> (forward mode). It is not generated yet for a method that calls another method (a
        /// <c>[Differentiable]</c> one of the program, a registered library function, an <c>Nn</c> primitive: only
        /// <c>Math</c>/<c>MathF</c>/<c>double.</c>/<c>float.</c> functions and local functions are taken), that has several
        /// results (an <c>out</c> parameter), or that is a layer object's method reading differentiable fields.
        /// </summary>
        public static bool HasTangent(Method m)
            => !m.Params.Any(p => p.Kind == ParamKind.RealOut) && !m.ReturnsStruct && !ReadsLayerGradientFields(m) && CallsNothing(m);

        /// <summary>
        /// <c>MJacobian</c>: generated when all results and inputs share one real type (always so here: the other-precision
        /// scalar is <c>[NoDerivative]</c>) and there are no struct or several results — no differentiable struct parameter
        /// (its fields are one input group; a <c>[NoDerivative]</c> one is a constant), no struct or <c>out</c> result, no differentiable field read — with at least one differentiable
        /// input and one result (a returned real or a <c>Span</c> output). Calls are allowed: without an <c>MTangent</c> it
        /// runs backward passes only.
        /// </summary>
        public static bool HasJacobian(Method m)
            => !m.Params.Any(p => p.Kind == ParamKind.RealOut || p.Struct is not null && p.IsDifferentiable) && !m.ReturnsStruct && !ReadsLayerGradientFields(m)
               && Inputs(m).Any() && (m.ReturnsReal || m.Params.Any(p => p.Kind == ParamKind.RealSpanOut));

        /// <summary>
        /// <c>MHessianVector</c> (and <c>MHessian</c> with it): a real result and nothing else — no outputs, no calls, no
        /// structs, one real type — with at least one differentiable input.
        /// </summary>
        public static bool HasHessianVector(Method m)
            => m.ReturnsReal && HasJacobian(m) && !m.Params.Any(p => p.Kind == ParamKind.RealSpanOut) && CallsNothing(m);

        /// <summary>
        /// The inputs the Jacobian's columns and the Hessian's rows and columns stand for, in parameter order: the
        /// differentiable scalars and spans of the signature (a layer's fields are not: these methods read none that is).
        /// </summary>
        public static System.Collections.Generic.IEnumerable<Param> Inputs(Method m) => m.Params.Where(p => p.IsDifferentiable && !p.Field);

        private static bool ReadsLayerGradientFields(Method m) => m.Instance && m.GradientFields.Any();

        private static bool CallsNothing(Method m)
            => !Measure.All(m.Body).Any(n => n is CallExpr or CallStmt || n is MathCall c && MathNames.Library.Contains(c.Function));
    }
}
