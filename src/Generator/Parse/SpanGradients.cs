using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Differentiate;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Parse
{
    /// <summary>
    /// A span input's gradient asked of a nested <c>FGradient(x, k, gx)</c> (or <c>FBackward(x, k, s, gx)</c>) inside a
    /// differentiable method: <c>gx += s·∂F/∂x</c>, read as a call of <c>FGradientOfX(x, k, s, gx)</c>, a method that adds
    /// to its output (<see cref="CallTarget.Accumulates"/>). Its pullback is one Hessian-vector product — the cotangent
    /// <c>ḡ</c> of gx gives <c>s·H·ḡ</c> (ḡ along x, zero elsewhere) to every input and <c>⟨∇ₓF, ḡ⟩</c> to s — and its tangent
    /// another, <c>ġx += ṡ·∇ₓF + s·(H·ẋ)ₓ</c>; not one per element, as reading each element's gradient as a directional
    /// derivative would be. SymGrad writes those methods next to F (<see cref="Emit.SpanGradientWriter"/>), only when some
    /// differentiable method calls F so.
    /// </summary>
    internal static class SpanGradients
    {
        /// <summary>The method a call asking for <paramref name="input"/>'s gradient of <paramref name="forward"/> is read as.</summary>
        public static string Name(string forward, string input) => forward + "GradientOf" + char.ToUpperInvariant(input[0]) + input.Substring(1);

        /// <summary>The accumulating method's parameters: F's, then the seed, then the gradient it adds to (named apart from F's).</summary>
        public static List<ParameterSpec> Parameters(IReadOnlyList<ParameterSpec> primal, ParameterSpec input, string realType)
        {
            var names = new NameAllocator(primal.Select(p => p.Name));
            var all = primal.ToList();
            all.Add(new ParameterSpec(names.Reserve("s"), realType, realType, ParameterKind.Scalar));
            all.Add(new ParameterSpec(names.Reserve("g"), $"global::System.Span<{input.ElementType}>", input.ElementType, ParameterKind.SpanOutput));
            return all;
        }

        /// <summary>The target of <c>FGradientOfX</c>, for F's nested target <paramref name="tangent"/> (FTangent's) and F's file <paramref name="hintName"/>.</summary>
        public static CallTarget Target(CallTarget tangent, int primalCount, ParameterSpec input, string realType, string hintName)
        {
            string name = Name(tangent.Method.Substring(0, tangent.Method.Length - "Tangent".Length), input.Name);
            var parameters = Parameters(tangent.Parameters.Take(primalCount).ToList(), input, realType);
            return new CallTarget(tangent.ContainingType, name, tangent.ContainingType, name + "Backward", parameters.ToEquatableArray(), "void")
            {
                Tangent = name + "Tangent",
                Accumulates = true,
                SpanGradientsOf = hintName,
                // Where F has a third order (FTangent's target is nested again), the pullback's tangent, over F's third-order file.
                BackwardTangent = tangent.Nested ? tangent.ContainingType + "." + name + "BackwardTangent" : null,
                BackwardTangentInputs = tangent.Nested ? CallTarget.GeneratedBackwardReads(parameters, "void").ToEquatableArray() : EquatableArray<int>.Empty,
                NestedOf = tangent.Nested ? hintName : null,
            };
        }
    }
}
