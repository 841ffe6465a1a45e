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

        public static CallTarget? Resolve(IMethodSymbol callee, IMethodSymbol caller, Compilation? compilation)
        {
            if (!callee.IsStatic || callee.IsGenericMethod)
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
                return new CallTarget(owner, callee.Name, owner, callee.Name + "Backward", parameters.ToEquatableArray(), returnType);
            }

            // A registered derivative lives next to the method it differentiates, or next to the caller; an assigning variant
            // (Assigns = "dx") is used alongside the accumulating one, never alone.
            foreach (INamedTypeSymbol type in new[] { callee.ContainingType, caller.ContainingType }.Distinct<INamedTypeSymbol>(SymbolEqualityComparer.Default))
            {
                IMethodSymbol? accumulating = null, assigning = null;
                string? assigned = null;
                foreach (IMethodSymbol candidate in type.GetMembers().OfType<IMethodSymbol>())
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
                    return new CallTarget(owner, callee.Name, backwardOwner, accumulating.Name, parameters.ToEquatableArray(), returnType, Registered: true)
                    {
                        AssigningBackward = sameOwner ? assigning!.Name : null,
                        AssignedInput = sameOwner ? assigned : null,
                    };
                }
            }

            return null;
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

        /// <summary>The (type, method name) a <c>[DerivativeOf]</c> on <paramref name="method"/> names, and its <c>Assigns</c>, if any.</summary>
        public static (INamedTypeSymbol Type, string Name, string? Assigns)? RegisteredTarget(IMethodSymbol method)
        {
            foreach (AttributeData attribute in method.GetAttributes())
            {
                if (attribute.AttributeClass?.ToDisplayString() == DerivativeOfAttribute
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
