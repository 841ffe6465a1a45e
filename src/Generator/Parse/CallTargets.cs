using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Parse
{
    /// <summary>Finds the backward of a called method: generated (it is <c>[Differentiable]</c>) or registered with <c>[DerivativeOf]</c>.</summary>
    internal static class CallTargets
    {
        public const string DifferentiableAttribute = "SymGrad.DifferentiableAttribute";
        public const string DerivativeOfAttribute = "SymGrad.DerivativeOfAttribute";
        public const string TangentOfAttribute = "SymGrad.TangentOfAttribute";

        public static CallTarget? Resolve(IMethodSymbol callee, IMethodSymbol caller, Compilation? compilation)
            => Resolve(callee, caller, compilation, tangentTarget: true);

        /// <param name="tangentTarget">Whether to resolve a registered callee's registered tangent as a callee of its own (one level: its own tangent's is not).</param>
        private static CallTarget? Resolve(IMethodSymbol callee, IMethodSymbol caller, Compilation? compilation, bool tangentTarget)
        {
            // A generic method is differentiated for each real type it is instantiated with (F<double>, or F<T> inside F<T>).
            if (!callee.IsStatic || callee.IsGenericMethod && !callee.TypeArguments.All(TypeNames.IsReal))
            {
                return null;
            }

            var parameters = new List<ParameterSpec>();
            foreach (IParameterSymbol parameter in callee.Parameters)
            {
                ParameterSpec? spec = MethodParser.ClassifyParameter(parameter, compilation, out _);
                if (spec is null)
                {
                    return null;
                }

                parameters.Add(spec);
            }

            string owner = callee.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            string returnType = TypeNames.Of(callee.ReturnType);
            if (callee.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == DifferentiableAttribute))
            {
                NestedTargets.Modes modes = compilation is null ? default : NestedTargets.ModesOf(callee, compilation);
                return new CallTarget(owner, callee.Name, owner, callee.Name + "Backward", parameters.ToEquatableArray(), returnType)
                {
                    TypeArguments = callee.IsGenericMethod ? "<" + string.Join(", ", callee.TypeArguments.Select(TypeNames.Of)) + ">" : "",
                    Tangent = modes.Tangent ? callee.Name + "Tangent" : null,
                    Nested = modes.Nested,
                    ThirdOrderOf = modes.ThirdOrderOf,
                    SecondOrderOf = modes.SecondOrderOf,
                    BackwardTangent = modes.SecondOrderOf is null ? null : owner + "." + callee.Name + "BackwardTangent",
                    BackwardTangentInputs = modes.SecondOrderOf is null ? EquatableArray<int>.Empty : CallTarget.GeneratedBackwardReads(parameters, returnType).ToEquatableArray(),
                    OutputsTangent = modes.OutputsTangent,
                };
            }

            // A registered derivative may live in any type the compilation sees; one next to the method it differentiates
            // wins, then one next to the caller, then the first in source order. An assigning variant (Assigns = "dx") is
            // used alongside the accumulating one of its own type, never alone.
            IEnumerable<IMethodSymbol> registrations = compilation is null
                ? new[] { callee.ContainingType, caller.ContainingType }.SelectMany(t => t.GetMembers().OfType<IMethodSymbol>())
                : RegisteredDerivatives.For(compilation).Of(callee.ContainingType.OriginalDefinition, callee.Name);
            var byType = registrations.GroupBy(r => r.ContainingType, SymbolEqualityComparer.Default)
                .OrderBy(g => SymbolEqualityComparer.Default.Equals(g.Key, callee.ContainingType) ? 0 : SymbolEqualityComparer.Default.Equals(g.Key, caller.ContainingType) ? 1 : 2);
            foreach (IGrouping<ISymbol?, IMethodSymbol> type in byType)
            {
                IMethodSymbol? accumulating = null, assigning = null;
                string? assigned = null;
                foreach (IMethodSymbol candidate in type)
                {
                    if (RegisteredTarget(candidate) is { } registered
                        && SymbolEqualityComparer.Default.Equals(registered.Type, callee.ContainingType)
                        && registered.Name == callee.Name
                        && MatchesBackwardOf(candidate, callee, compilation))
                    {
                        if (registered.Assigns is null)
                        {
                            accumulating ??= candidate;
                        }
                        else if (AssignedInput(callee, registered.Assigns, compilation) is { } input)
                        {
                            (assigning, assigned) = (assigning ?? candidate, assigned ?? input);
                        }
                    }
                }

                if (accumulating is not null)
                {
                    string backwardOwner = accumulating.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                    bool sameOwner = assigning is not null && SymbolEqualityComparer.Default.Equals(assigning.ContainingType, accumulating.ContainingType);
                    IMethodSymbol? tangent = RegisteredTangent(callee, caller, compilation);
                    IMethodSymbol? secondOrder = RegisteredTangent(accumulating, caller, compilation);
                    return new CallTarget(owner, callee.Name, backwardOwner, accumulating.Name, parameters.ToEquatableArray(), returnType, Registered: true)
                    {
                        Tangent = tangent?.Name,
                        TangentContainingType = tangent?.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                        AssigningBackward = sameOwner ? assigning!.Name : null,
                        AssignedInput = sameOwner ? assigned : null,
                        BackwardTangent = secondOrder is null ? null : secondOrder.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + secondOrder.Name,
                        BackwardTangentInputs = secondOrder is null ? EquatableArray<int>.Empty : DerivativeRegistrations.TangentInputs(accumulating, compilation).ToEquatableArray(),
                        RegisteredTangentTarget = tangent is not null && tangentTarget ? Resolve(tangent, caller, compilation, tangentTarget: false) : null,
                    };
                }
            }

            return null;
        }

        /// <summary>
        /// The <c>[TangentOf]</c> registration of <paramref name="callee"/> whose signature is its <c>MTangent</c>'s (with overloads,
        /// the one that fits): one next to the method wins, then one next to the caller, then the first in source order. The
        /// callee may itself be a registered backward: its tangent is the second order of the method it differentiates.
        /// </summary>
        private static IMethodSymbol? RegisteredTangent(IMethodSymbol callee, IMethodSymbol caller, Compilation? compilation)
        {
            IEnumerable<IMethodSymbol> registrations = compilation is null
                ? new[] { callee.ContainingType, caller.ContainingType }.SelectMany(t => t.GetMembers().OfType<IMethodSymbol>())
                    .Where(m => RegisteredTarget(m, TangentOfAttribute) is { } t && SymbolEqualityComparer.Default.Equals(t.Type, callee.ContainingType) && t.Name == callee.Name)
                : RegisteredDerivatives.For(compilation).TangentsOf(callee.ContainingType.OriginalDefinition, callee.Name);
            var signature = DerivativeRegistrations.ExpectedTangentSignature(callee, compilation);
            return signature is null ? null : registrations.Where(r => DerivativeRegistrations.Matches(r, signature, TypeNames.Of(callee.ReturnType)))
                .OrderBy(r => SymbolEqualityComparer.Default.Equals(r.ContainingType, callee.ContainingType) ? 0 : SymbolEqualityComparer.Default.Equals(r.ContainingType, caller.ContainingType) ? 1 : 2)
                .FirstOrDefault();
        }

        /// <summary>The span input of <paramref name="callee"/> whose gradient parameter is named <paramref name="gradient"/> (d + its name).</summary>
        public static string? AssignedInput(IMethodSymbol callee, string gradient, Compilation? compilation)
        {
            foreach (IParameterSymbol p in callee.Parameters)
            {
                ParameterSpec? spec = MethodParser.ClassifyParameter(p, compilation, out _);
                if (spec is { Kind: ParameterKind.SpanInput, IsDifferentiable: true } && "d" + spec.Name == gradient)
                {
                    return spec.Name;
                }
            }

            return null;
        }

        /// <summary>With overloads (a float and a double version), the backward is the one whose signature fits.</summary>
        private static bool MatchesBackwardOf(IMethodSymbol backward, IMethodSymbol callee, Compilation? compilation)
        {
            var expected = DerivativeRegistrations.ExpectedSignature(callee, compilation);
            return expected is not null && backward.Parameters.Length == expected.Count
                && backward.Parameters.Select((p, i) => TypeNames.Of(p.Type) == expected[i].Type && p.RefKind == expected[i].Kind).All(ok => ok);
        }

        /// <summary>The (type, method name) a <c>[DerivativeOf]</c> (or <paramref name="attributeName"/>) on <paramref name="method"/> names, and its <c>Assigns</c>, if any.</summary>
        public static (INamedTypeSymbol Type, string Name, string? Assigns)? RegisteredTarget(IMethodSymbol method, string attributeName = DerivativeOfAttribute)
        {
            foreach (AttributeData attribute in method.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() == attributeName
                    && attribute.ConstructorArguments.Length == 2
                    && attribute.ConstructorArguments[0].Value is INamedTypeSymbol type
                    && attribute.ConstructorArguments[1].Value is string name)
                {
                    return (type, name, Assigns(attribute));
                }
            }

            return null;
        }

        /// <summary>The <c>Assigns</c> named argument of a <c>[DerivativeOf]</c>, if set.</summary>
        public static string? Assigns(AttributeData attribute)
            => attribute.NamedArguments.Where(a => a.Key == "Assigns").Select(a => a.Value.Value as string).FirstOrDefault();
    }
}
