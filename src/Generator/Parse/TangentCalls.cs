using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Parse
{
    /// <summary>
    /// Nested differentiation of a method F that writes <c>Span</c> outputs: a differentiable method G may call
    /// <c>FTangent(x…, y…, ẋ…, ẏ…)</c>, which writes F's outputs and their tangents. FTangent is itself a method of its
    /// parameters — its body is F's forward mode, code in the same language as any method's — so SymGrad reads it as one
    /// (<see cref="Model"/>: F's parameters, then ẋ as inputs and ẏ as outputs, F's <c>MTangent</c> body) and derives it
    /// like any callee that writes outputs: its pullback <c>FTangentBackward</c> (reverse over forward), its tangent
    /// <c>FTangentTangent</c> (forward over forward) and, for G's Hessian-vector product, <c>FTangentBackwardTangent</c>.
    /// They are written in a file of their own next to F (<see cref="Emit.TangentCallWriter"/>), only when some
    /// differentiable method calls F so. F's local buffers and their tangents are FTangent's (its methods lend them); a call
    /// in F of another method writing outputs is one of its HTangent in F's forward mode, read as a method in turn
    /// (<see cref="CallTarget.OutputsTangent"/>, derived with each such callee's modes). A scalar F's FTangent goes through
    /// F's Hessian-vector product instead (<see cref="NestedTargets"/>): cheaper, as it needs no tape.
    /// </summary>
    internal static class TangentCalls
    {
        /// <summary>Whether F's nested FTangent is read through <see cref="Model"/>: F writes outputs.</summary>
        public static bool Applies(MethodModel f) => f.Declared.Any(p => p.Kind == ParameterKind.SpanOutput);

        /// <summary>
        /// Whether F's parameters are ones its nested methods (FTangent read as a method, <see cref="BackwardCalls"/>) take: a
        /// static method without out results or structs, its inputs and outputs of double or float; or why not.
        /// </summary>
        public static bool Shaped(MethodModel f, out string reason)
        {
            reason = "";
            if (f.Results.Count > 0 || f.IsInstance
                || f.Parameters.Any(p => p.Group is not null || p.IsField || p.HoldsStructs)
                || f.Arguments.Where(p => p.IsDifferentiable || p.Kind == ParameterKind.SpanOutput).Any(p => p.ElementType is not ("double" or "float")))
            {
                reason = $"'{f.Name}' writes Span outputs, so its {f.Name}Tangent is differentiated as a method of its own: for now one without out results "
                    + "or structs, its inputs and outputs of double or float";
                return false;
            }

            return true;
        }

        /// <summary>
        /// FTangent as a method of its own, or null and why not: F's parameters, a tangent input per differentiable input
        /// (<c>ReadOnlySpan&lt;T&gt; tx</c>, <c>T ta</c>), a tangent output per output (<c>Span&lt;T&gt; ty</c>), F's forward mode as
        /// its body; it returns the tangent of F's result, if F has one.
        /// </summary>
        public static MethodModel? Model(MethodModel f, out string reason)
        {
            if (!Shaped(f, out reason))
            {
                return null;
            }

            Emit.SourceEmitter.Derived derived = Emit.SourceEmitter.Derive(f);
            if (derived.Tangent is not { } tangent)
            {
                reason = $"'{f.Name}' has no {f.Name}Tangent: {derived.TangentRefusal}";
                return null;
            }

            // A call in F's forward mode is differentiated again through its callee's own methods: F's calls as they are, the
            // FTangent of a callee whose FTangent is differentiable again (a scalar method's nested methods, a method writing
            // outputs read so in turn), and a registered tangent with a registered backward of its own (every Nn primitive's);
            // not another registered tangent (its target still names the callee's backward), nor an output's tangent not asked
            // for (an empty span its pullback would read).
            var fCalls = Walk.All(f.Body).SelectMany(Walk.Expressions).SelectMany(Reads.Nodes).OfType<UserCall>().Select(c => c.Target).ToList();
            var calls = new HashSet<CallTarget>(fCalls);
            var ownTangents = new HashSet<CallTarget>(fCalls.Select(t => t.RegisteredTangentTarget ?? t.OutputsTangent).OfType<CallTarget>());
            foreach (UserCall call in Walk.All(tangent.Body).SelectMany(Walk.Expressions).SelectMany(Reads.Nodes).OfType<UserCall>().Where(c => !calls.Contains(c.Target)))
            {
                // (The tangent of a nested call F's own body makes, FTangentTangent, keeps FTangent's target but not its parameters
                // nor a tangent of its own: found by the random-program tester, eDCf_9nAsUw1, an IndexOutOfRangeException here.)
                bool differentiable = ownTangents.Contains(call.Target) || call.Target.IsTangent && call.Target.Tangent is not null;
                if (!differentiable || call.Args.Count != call.Target.Parameters.Count
                    || call.Args.Where((a, i) => call.Target.Parameters[i].Kind == ParameterKind.SpanOutput).Any(a => a is not SpanRef))
                {
                    string owner = call.Target.ContainingType.Replace("global::", "");
                    reason = $"'{f.Name}' writes Span outputs, so its {f.Name}Tangent is differentiated as a method of its own, and it calls {call.Target.Method}, "
                        + (call.Target.Registered && !differentiable
                            ? $"a registered tangent without a registered backward of its own (a [DerivativeOf(typeof({owner}), nameof({owner}.{call.Target.Method}))] method); "
                            : "which SymGrad does not differentiate again (the tangent of a method whose own is not read as a method, "
                                + "the tangent of a nested call — a third derivative —, or one writing an output nothing reads); ")
                        + $"a nested {f.Name}Backward needs only {f.Name}Tangent and {f.Name}BackwardTangent, and may be called so";
                    return null;
                }
            }

            // A registered function with no registered tangent has its derivative read off its backward in F's forward mode
            // (fBackward(x, 1, ref dfX), then ḟ = dfX·ẋ): a call for its effects, which FTangent's own derivatives would take for
            // a constant — no f″ (found by hand: a contractive penalty over a layer calling Smooth.Softplus, its gradient
            // silently wrong). Each partial so read becomes a call of a method SymGrad writes (DerivativeReads), differentiated
            // through the backward's registered tangent; without one, the call is refused.
            if (DerivativeReads.Rewrite(f, tangent.Body, out UserCall? refused) is { } rewritten)
            {
                tangent = new Differentiate.TangentProgram(rewritten, tangent.Slots);
            }
            else
            {
                CallTarget function = refused!.Target;
                string backward = (function.BackwardContainingType + "." + function.Backward).Replace("global::", "");
                string type = function.ContainingType.Replace("global::", "");
                string called = type + "." + function.Method;
                reason = $"'{f.Name}' writes Span outputs, so its {f.Name}Tangent is differentiated as a method of its own, and it calls {called}, "
                    + $"whose tangent SymGrad reads off its registered backward ({backward}), which has no registered tangent to differentiate that with "
                    + $"(a [TangentOf(typeof({function.BackwardContainingType.Replace("global::", "")}), nameof({backward}))] method: its second order)";
                return null;
            }

            var parameters = f.Parameters.ToList();
            foreach (ParameterSpec p in f.Arguments.Where(p => p.IsDifferentiable))
            {
                string slot = tangent.Slots[p.Name];
                parameters.Add(p.Kind == ParameterKind.Scalar
                    ? new ParameterSpec(slot, p.ElementType, p.ElementType, ParameterKind.Scalar)
                    : new ParameterSpec(slot, $"global::System.ReadOnlySpan<{p.ElementType}>", p.ElementType, ParameterKind.SpanInput) { EmptyAs = p.Name });
            }

            // A local buffer's tangent is a local buffer of FTangent's, of its length (its methods lend both: LocalBufferWriter).
            foreach (ParameterSpec p in f.Arguments.Where(p => p.Kind == ParameterKind.SpanOutput))
            {
                string slot = tangent.Slots[p.Name];
                parameters.Add(new ParameterSpec(slot, p.Buffer is null ? $"global::System.Span<{p.ElementType}>" : p.Type, p.ElementType, ParameterKind.SpanOutput) { Buffer = p.Buffer });
            }

            // Its locals: F's, and those its forward mode declares (tangents, values bound once).
            var declared = Walk.All(tangent.Body).OfType<LocalDecl>().Select(d => new LocalSpec(d.Name, d.Type));
            var locals = f.Locals.Concat(declared).GroupBy(l => l.Name).Select(g => g.First()).ToEquatableArray();
            string name = f.Name + "Tangent";
            var signature = Emit.SourceEmitter.TangentParameters(Emit.LocalBufferWriter.Public(f), n => tangent.Slots[n]);
            return f with
            {
                Name = name,
                Parameters = parameters.ToEquatableArray(),
                Locals = locals,
                Body = tangent.Body,
                ForwardSource = $"{f.Accessibility} static {f.ReturnType} {name}({string.Join(", ", signature)})",
                DeclaredMembers = EquatableArray<string>.Empty,
                TypeArguments = "",
            };
        }

        /// <summary>
        /// The target of a call of F's <c>FTangent</c> (F writes outputs; <paramref name="model"/> is FTangent's, <see cref="Model"/>,
        /// and <paramref name="modes"/> what SymGrad derives of it), or null and why not: FTangent's parameters, its pullback
        /// and tangent, and its pullback's tangent where SymGrad writes it.
        /// </summary>
        public static CallTarget? Target(MethodModel f, MethodModel model, string owner, NestedTargets.Modes modes, out string reason)
        {
            reason = "";
            if (!modes.Derived)
            {
                reason = $"SymGrad cannot differentiate {model.Name} as a method of its own (its forward mode has no derivative: it calls a method SymGrad does not differentiate twice)";
                return null;
            }

            // Without FTangentTangent (a registered tangent without a registered tangent of its own: a second derivative of a
            // primitive that has none), the callers have no forward mode, but their reverse mode goes through FTangentBackward.

            var parameters = Emit.LocalBufferWriter.Public(model).Parameters; // its local buffers lent by its methods
            return new CallTarget(owner, model.Name, owner, model.Name + "Backward", parameters, model.ReturnType)
            {
                Tangent = modes.Tangent ? model.Name + "Tangent" : null,
                IsTangent = true,
                TangentCallsOf = f.HintName,
                TangentFiles = new[] { f.HintName }.Concat(Walk.All(f.Body).SelectMany(Walk.Expressions).SelectMany(Reads.Nodes).OfType<UserCall>()
                    .SelectMany(c => c.Target.OutputsTangent?.TangentFiles ?? EquatableArray<string>.Empty)).Distinct().ToEquatableArray(),
                BackwardTangent = modes.SecondOrderOf is null ? null : owner + "." + model.Name + "BackwardTangent",
                BackwardTangentInputs = modes.SecondOrderOf is null ? EquatableArray<int>.Empty : CallTarget.GeneratedBackwardReads(parameters, model.ReturnType).ToEquatableArray(),
            };
        }
    }
}
