using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Differentiate;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Parse
{
    /// <summary>
    /// A nested <c>FBackward(x…, y…, dy…, gx…)</c> of a method F writing <c>Span</c> outputs, inside a differentiable method
    /// G: the vector-Jacobian product Jᵀ·dy at y = F(x…), which G must have just computed (the call <c>F(x…, y…)</c> before it,
    /// with the same arguments: FBackward reads y as what F wrote). Each input's gradient is read as a call of a method of
    /// its own that recomputes y: a span's <c>FBackwardOfX(x…, yLength…, dy…, gx)</c> adds to gx (<see cref="CallTarget.Accumulates"/>),
    /// a scalar's <c>FBackwardOfA(x…, yLength…, dy…)</c> returns ⟨dy, ∂F/∂a⟩. Their derivatives need no reverse over
    /// reverse: the pullback of x ↦ J(x)ᵀ·dy along a cotangent c is the Hessian of ⟨dy, F⟩ times c — the tangent of F's
    /// backward along c (<c>FBackwardTangent</c>, F's values' tangents J·c by <c>FTangent</c>) — and dy's cotangent is J·c,
    /// by symmetry of second derivatives. SymGrad writes them next to F (<see cref="Emit.BackwardCallWriter"/>), only when
    /// some differentiable method calls F so.
    /// </summary>
    internal static class BackwardCalls
    {
        /// <summary>The method a call asking for <paramref name="input"/>'s gradient of <paramref name="forward"/>'s FBackward is read as.</summary>
        public static string Name(string forward, string input) => forward + "BackwardOf" + char.ToUpperInvariant(input[0]) + input.Substring(1);

        /// <summary>
        /// The methods' parameters: F's, each output replaced by its length (<c>int yLength</c>: the output is recomputed), then
        /// the seed of F's value where F returns one (<paramref name="result"/>, its type), a cotangent per output
        /// (<c>ReadOnlySpan&lt;T&gt; dy</c>), then, for a span input, the gradient it adds to.
        /// </summary>
        public static List<ParameterSpec> Parameters(IReadOnlyList<ParameterSpec> primal, string? result, ParameterSpec input)
        {
            var names = new NameAllocator(primal.Select(p => p.Name));
            var all = primal.Select(p => p.Kind == ParameterKind.SpanOutput ? new ParameterSpec(names.Reserve(p.Name + "Length"), "int", "int", ParameterKind.Constant) : p).ToList();
            if (result is not null)
            {
                all.Add(new ParameterSpec(names.Reserve("dResult"), result, result, ParameterKind.Scalar));
            }

            all.AddRange(primal.Where(p => p.Kind == ParameterKind.SpanOutput)
                .Select(p => new ParameterSpec(names.Reserve("d" + p.Name), $"global::System.ReadOnlySpan<{p.ElementType}>", p.ElementType, ParameterKind.SpanInput)).ToList());
            if (input.Kind != ParameterKind.Scalar)
            {
                all.Add(new ParameterSpec(names.Reserve("g"), $"global::System.Span<{input.ElementType}>", input.ElementType, ParameterKind.SpanOutput));
            }

            return all;
        }

        /// <summary>
        /// The target of <c>FBackwardOfX</c> for F's <paramref name="input"/>, F's parameters <paramref name="primal"/>, F's file
        /// <paramref name="hintName"/> and F's FTangent read as a method (<paramref name="tangent"/>, null where it is not): where FTangent's
        /// <c>FTangentBackwardTangent</c> is written, the pullback's tangent too (<c>FBackwardOfXBackwardTangent</c>, for a
        /// caller's Hessian-vector product: T[ẋ, c] + H·ċ + H(ḋy)·c by FTangentBackwardTangent, J·ċ + F″[ẋ, c] by FTangentTangent).
        /// </summary>
        public static CallTarget Target(string owner, string forward, IReadOnlyList<ParameterSpec> primal, string? result, ParameterSpec input, string hintName, CallTarget? tangent)
        {
            string name = Name(forward, input.Name);
            bool span = input.Kind != ParameterKind.Scalar;
            var parameters = Parameters(primal, result, input);
            string returnType = span ? "void" : input.ElementType;
            bool third = tangent?.BackwardTangent is not null;
            return new CallTarget(owner, name, owner, name + "Backward", parameters.ToEquatableArray(), returnType)
            {
                Tangent = name + "Tangent",
                Accumulates = span,
                BackwardCallsOf = hintName,
                SecondOrderOf = hintName, // its methods call FBackwardTangent: F's second-order file is written too
                BackwardTangent = third ? owner + "." + name + "BackwardTangent" : null,
                BackwardTangentInputs = third ? CallTarget.GeneratedBackwardReads(parameters, returnType).ToEquatableArray() : EquatableArray<int>.Empty,
                TangentCallsOf = third ? tangent!.TangentCallsOf : null, // FTangent's own derivatives' file, and the third orders it calls
                TangentFiles = third ? tangent!.TangentFiles : EquatableArray<string>.Empty,
            };
        }

        /// <summary>Whether the methods of F's nested FBackward include the pullback's tangent: F's FTangent read as a method has <c>FTangentBackwardTangent</c>.</summary>
        public static bool ThirdOrder(MethodModel f) => TangentCalls.Model(f, out _) is { } tangent && NestedTargets.Derive(tangent) is { Derived: true, Tangent: true, SecondOrderOf: not null };
    }
}
