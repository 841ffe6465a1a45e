using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Parse
{
    /// <summary>
    /// Nested differentiation: a <c>[Differentiable]</c> method G may call <c>FTangent(x…, ẋ…)</c>, the generated forward mode
    /// of F, and be differentiated again. FTangent is a differentiable callee like F itself: ∇F(x)·ẋ has the pullback
    /// <c>FTangentBackward</c> (∂/∂x = H·ẋ by F's Hessian-vector product, ∂/∂ẋ = ∇F by F's backward) and the tangent
    /// <c>FTangentTangent</c> (∇F·u̇ + (H·u)·ẋ), which SymGrad writes next to F whenever F has both <c>MTangent</c> and
    /// <c>MHessianVector</c> (<see cref="Emit.NestedWriter"/>). Calls of <c>FGradient</c>/<c>FBackward</c> are read as one
    /// FTangent per input along its unit direction (<see cref="BodyParser"/>).
    /// </summary>
    internal static class NestedTargets
    {
        // F parsed to learn whether it has the modes nesting needs; a cycle of such calls stops here.
        [System.ThreadStatic]
        private static HashSet<IMethodSymbol>? s_resolving;

        /// <summary>The callee <c>FTangent</c>, or null and why not.</summary>
        public static CallTarget? Tangent(IMethodSymbol forward, Compilation compilation, CancellationToken cancellationToken, out string reason)
            => Tangent(forward, compilation, cancellationToken, out reason, out _);

        /// <summary>
        /// The callee <c>FTangent</c>, or null and why not; and, for a method F writing outputs whose FTangent is not read as a
        /// method of its own, F's parameters as its nested FBackward's methods take them where those may still be written
        /// (<see cref="WriterBackward"/>), else null.
        /// </summary>
        public static CallTarget? Tangent(IMethodSymbol forward, Compilation compilation, CancellationToken cancellationToken, out string reason, out List<ParameterSpec>? writerBackward)
        {
            writerBackward = null;
            MethodModel? model = Nestable(forward, compilation, cancellationToken, out reason);
            if (model is null)
            {
                return null;
            }

            string owner = forward.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            if (TangentCalls.Applies(model))
            {
                // F writes outputs: its FTangent is differentiated as a method of its own (TangentCalls), derived with F's modes.
                Modes modes = ModesOf(forward, compilation);
                reason = modes.OutputsTangentRefusal ?? $"SymGrad cannot differentiate '{forward.Name}' (see its error)";
                writerBackward = modes.OutputsTangent is null ? WriterBackward(forward, model, modes) : null;
                return modes.OutputsTangent;
            }

            return CallTarget.OfTangent(owner, forward.Name, model.Parameters, model.ReturnType, ModesOf(forward, compilation).ThirdOrderOf) with { NestedOf = model.HintName };
        }

        /// <summary>
        /// F's parameters as its nested <c>FBackward</c>'s methods take them (its local buffers lent: <see cref="BackwardCalls"/>),
        /// for a method F writing outputs whose FTangent is not read as a method of its own — it calls a registered function
        /// whose registered tangent has no registered backward of its own (every <c>Nn</c> primitive's has one) — but which has <c>FTangent</c> and
        /// <c>FBackwardTangent</c>: they are all the nested FBackward's pullback and tangent call (its caller's Hessian-vector
        /// product would take FTangent's own derivatives, and is not written). Null where F (<paramref name="model"/>, a method
        /// writing outputs, with <paramref name="modes"/>) is not such a method.
        /// </summary>
        private static List<ParameterSpec>? WriterBackward(IMethodSymbol forward, MethodModel model, Modes modes)
            => !forward.IsGenericMethod && TangentCalls.Shaped(model, out _) && modes.Tangent && modes.SecondOrderOf is not null
                ? Emit.LocalBufferWriter.Public(model).Parameters.Take(forward.Parameters.Length).ToList()
                : null;

        /// <summary>What SymGrad generates for a callee that its callers' forward and second-order modes call.</summary>
        /// <param name="Tangent">Its <c>MTangent</c>, so a caller's forward mode can call it.</param>
        /// <param name="Nested">Its <c>MHessianVector</c> and <c>MTangentBackward</c> as well, so a caller's Hessian-vector product can.</param>
        /// <param name="ThirdOrderOf">
        /// The callee's file name when SymGrad can write its <c>MHessianVectorTangent</c> and <c>MTangentTangentBackward</c>
        /// as well (in a file of their own), so a caller of <c>MTangent</c> has a Hessian-vector product too; else null.
        /// </param>
        /// <param name="SecondOrderOf">
        /// The callee's file name when it writes outputs and SymGrad can write its <c>MBackwardTangent</c> (in a file of its
        /// own), so a caller's Hessian-vector product can differentiate the call; else null.
        /// </param>
        /// <param name="HessianVector">Its <c>MHessianVector</c> (a struct-taking callee's flat adapters wrap it, <see cref="StructCalls"/>).</param>
        /// <param name="Derived">SymGrad derives it at all (its backward is written).</param>
        /// <param name="OutputsTangent">For a static method writing outputs: the target of its FTangent read as a method of its own (<see cref="TangentCalls"/>), or null.</param>
        /// <param name="OutputsTangentRefusal">Why <paramref name="OutputsTangent"/> is null, for a method writing outputs.</param>
        /// <param name="CallersValues">An output the method reads without writing it, whose values are what the caller's span held (<see cref="Differentiate.BackwardProgram.CallersValues"/>), or null.</param>
        public readonly record struct Modes(bool Tangent, bool Nested, string? ThirdOrderOf = null, string? SecondOrderOf = null, bool HessianVector = false, bool Derived = false,
            CallTarget? OutputsTangent = null, string? OutputsTangentRefusal = null, string? CallersValues = null);

        // Per compilation (immutable, so the answers hold while it lives): each derivation a call needs — a callee's, a result's
        // method's (ResultCalls), a layer method's twin's (LayerCalls) — is done once, not once per call site. Keyed by the
        // callee's definition and what is derived of it: a generic callee's real type (H<T> in a generic caller is H<double>
        // and H<float>), a result's index, the twin.
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, Dictionary<(IMethodSymbol, string), Modes>> s_modes = new();

        /// <summary>The modes SymGrad generates for <paramref name="callee"/>, a [Differentiable] method.</summary>
        public static Modes ModesOf(IMethodSymbol callee, Compilation compilation) => !callee.IsStatic
            ? default
            : Cached(callee, string.Join(",", callee.TypeArguments.Select(TypeNames.Of)), compilation, () => Derive(callee, compilation));

        /// <summary>What <paramref name="derive"/> gives for <paramref name="callee"/>'s <paramref name="variant"/>, derived once per compilation.</summary>
        internal static Modes Cached(IMethodSymbol callee, string variant, Compilation compilation, System.Func<Modes> derive)
        {
            var key = (callee.OriginalDefinition, variant);
            Dictionary<(IMethodSymbol, string), Modes> known = s_modes.GetValue(compilation, _ => new Dictionary<(IMethodSymbol, string), Modes>(new KeyComparer()));
            lock (known)
            {
                if (known.TryGetValue(key, out Modes modes))
                {
                    return modes;
                }
            }

            Modes result = derive();
            lock (known)
            {
                known[key] = result;
            }

            return result;
        }

        private sealed class KeyComparer : IEqualityComparer<(IMethodSymbol, string)>
        {
            public bool Equals((IMethodSymbol, string) a, (IMethodSymbol, string) b) => SymbolEqualityComparer.Default.Equals(a.Item1, b.Item1) && a.Item2 == b.Item2;

            public int GetHashCode((IMethodSymbol, string) key) => (SymbolEqualityComparer.Default.GetHashCode(key.Item1) * 31) + key.Item2.GetHashCode();
        }

        private static Modes Derive(IMethodSymbol callee, Compilation compilation)
        {
            if (Parsed(callee, compilation, default, out _) is not { } model)
            {
                return default;
            }

            Modes modes = Derive(model);
            if (!modes.Derived || !TangentCalls.Applies(model))
            {
                return modes;
            }

            // A method writing outputs: its FTangent read as a method of its own, for callers calling it nested and for callers
            // whose own FTangent is (TangentCalls).
            string owner = callee.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            string reason;
            CallTarget? tangent = null;
            if (callee.IsGenericMethod || callee.ContainingType.GetMembers(callee.Name).Length > 1)
            {
                reason = $"'{callee.Name}' writes Span outputs, so its {callee.Name}Tangent is differentiated as a method of its own: for now of a method that is not generic or overloaded";
            }
            else
            {
                try
                {
                    tangent = TangentCalls.Model(model, out reason) is { } tangentModel ? TangentCalls.Target(model, tangentModel, owner, Derive(tangentModel), out reason) : null;
                }
                catch (System.OperationCanceledException)
                {
                    throw;
                }
                catch (System.Exception e)
                {
                    // Never into the compiler: a caller of F's nested FTangent is refused with this (SG0019), the others need it not.
                    reason = $"SymGrad could not read {callee.Name}Tangent as a method of its own because of an internal error ({e.GetType().Name}: {e.Message}); please report it";
                }
            }

            return modes with { OutputsTangent = tangent, OutputsTangentRefusal = reason };
        }

        /// <summary>The modes SymGrad generates for <paramref name="model"/> (a callee's, or a result's of a callee with several: <see cref="ResultCalls"/>).</summary>
        internal static Modes Derive(MethodModel model)
        {
            try
            {
                Emit.SourceEmitter.Derived derived = Emit.SourceEmitter.Derive(model, thirdOrder: true);
                if (model.Buffers.Any())
                {
                    // Its generated methods lend its local buffers (LocalBufferWriter): MBackward, MTangent, MHessianVector and,
                    // for a caller's H·v, MTangentBackward (a scalar method of inputs) or MBackwardTangent (one writing outputs);
                    // not yet the third order.
                    MethodModel own = Emit.LocalBufferWriter.Public(model);
                    bool second = derived.Tangent is not null && derived.HessianVector is not null && Emit.NestedWriter.Shape(own);
                    bool writes = derived.Tangent is not null && own.Arguments.Any(p => p.Kind == ParameterKind.SpanOutput)
                        && Emit.SourceEmitter.BuildBackwardTangent(model, derived.Program) is not null;
                    return new Modes(derived.Tangent is not null, second, SecondOrderOf: writes ? model.HintName : null, HessianVector: derived.HessianVector is not null, Derived: true,
                        CallersValues: derived.Program.CallersValues.FirstOrDefault());
                }

                bool nested = derived.Tangent is not null && derived.HessianVector is not null && Emit.NestedWriter.Shape(model);
                return new Modes(derived.Tangent is not null, nested, nested && derived.HessianVector!.Tangent is not null ? model.HintName : null,
                    derived.Tangent is not null && Emit.SourceEmitter.BuildBackwardTangent(model, derived.Program) is not null ? model.HintName : null,
                    derived.HessianVector is not null, Derived: true, CallersValues: derived.Program.CallersValues.FirstOrDefault());
            }
            catch (System.OperationCanceledException)
            {
                throw;
            }
            catch (System.Exception)
            {
                return default; // the callee's own emission reports it
            }
        }

        /// <summary>F's model when F is a method whose tangent can be differentiated again, or null and why not.</summary>
        public static MethodModel? Nestable(IMethodSymbol forward, Compilation compilation, CancellationToken cancellationToken, out string reason)
        {
            if (!Callable(forward, out reason))
            {
                return null;
            }

            if (Parsed(forward, compilation, cancellationToken, out reason) is not { } model)
            {
                return null;
            }

            // The same answer the callee's own modes give (derived once per compilation, not again per call site). A method
            // writing outputs is differentiated through its FTangent's own derivatives (TangentCalls), which say why not themselves.
            if (!TangentCalls.Applies(model) && !ModesOf(forward, compilation).Nested)
            {
                reason = $"'{forward.Name}' needs a generated {forward.Name}Tangent and {forward.Name}HessianVector to be differentiated again (a scalar result, "
                    + "no outputs, no calls without second order, no struct parameters)";
                return null;
            }

            // A method with local buffers is called as it is declared: its generated methods lend them (LocalBufferWriter). One
            // writing outputs is read whole: TangentCalls says what it takes.
            return TangentCalls.Applies(model) ? model : Emit.LocalBufferWriter.Public(model);
        }

        /// <summary>Whether a generated method of <paramref name="forward"/> can be called in a differentiable method, or why not.</summary>
        private static bool Callable(IMethodSymbol forward, out string reason)
        {
            reason = "";
            if (!forward.IsStatic || forward.ContainingType.GetMembers(forward.Name).Length > 1)
            {
                reason = $"'{forward.Name}' must be a static method without overloads to be differentiated again";
                return false;
            }

            // A generic F's call is of F<double> or F<float>, as its arguments pick (GeneratedCalls); none of them real, neither.
            if (forward.IsGenericMethod && SymbolEqualityComparer.Default.Equals(forward, forward.ConstructedFrom))
            {
                reason = $"'{forward.Name}' is generic: pass the arguments it takes as T as double or float values (or spans of them), so the call is of its double or its float methods";
                return false;
            }

            return true;
        }

        /// <summary>The model of <paramref name="forward"/>, a [Differentiable] method of this compilation, or null and why not.</summary>
        internal static MethodModel? Parsed(IMethodSymbol forward, Compilation compilation, CancellationToken cancellationToken, out string reason)
        {
            reason = "";
            IMethodSymbol definition = forward.OriginalDefinition;
            if (definition.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is not MethodDeclarationSyntax syntax)
            {
                reason = $"'{forward.Name}' is not in this compilation";
                return null;
            }

            // Generic math: H<double> is H parsed with T read as double, as its own generated methods are (MethodParser.ParseGeneric).
            ITypeSymbol? real = null;
            if (definition.IsGenericMethod)
            {
                string? type = definition.TypeParameters.Length == 1 ? TypeNames.Of(forward.TypeArguments[0]) : null;
                if (type is not ("double" or "float"))
                {
                    reason = $"'{forward.Name}' is generic in something other than one real type";
                    return null;
                }

                real = compilation.GetSpecialType(type == "double" ? SpecialType.System_Double : SpecialType.System_Single);
            }

            forward = definition;

            s_resolving ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
            if (!s_resolving.Add(forward))
            {
                reason = $"'{forward.Name}' calls, through its derivatives, itself";
                return null;
            }

            try
            {
                SemanticModel semantics = compilation.GetSemanticModel(syntax.SyntaxTree);
                ParseResult parsed;
                using (real is null ? null : TypeNames.Substitute(definition.TypeParameters[0], real))
                {
                    parsed = MethodParser.ParseMethod(forward, syntax, semantics, cancellationToken, real is null ? "" : "<" + TypeNames.Of(real) + ">");
                }

                if (parsed.Model is not { } model || parsed.Diagnostics.Count > 0)
                {
                    reason = $"SymGrad cannot differentiate '{forward.Name}' (see its error)";
                    return null;
                }

                return model;
            }
            finally
            {
                s_resolving.Remove(forward);
            }
        }
    }
}
