using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymGrad.Generator.Diagnostics;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Parse
{
    /// <summary>
    /// Checks each <c>[DerivativeOf]</c> method against the backward signature of the method it names, and each
    /// <c>[TangentOf]</c> method against its forward-mode signature.
    /// </summary>
    internal static class DerivativeRegistrations
    {
        public static EquatableArray<DiagnosticInfo> Check(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
            => Check(context, tangent: false);

        public static EquatableArray<DiagnosticInfo> CheckTangent(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
            => Check(context, tangent: true);

        private static EquatableArray<DiagnosticInfo> Check(GeneratorAttributeSyntaxContext context, bool tangent)
        {
            if (context.TargetSymbol is not IMethodSymbol backward || context.TargetNode is not MethodDeclarationSyntax syntax)
            {
                return EquatableArray<DiagnosticInfo>.Empty;
            }

            try
            {
                return CheckCore(backward, syntax, context.Attributes.FirstOrDefault(), context.SemanticModel.Compilation, tangent);
            }
            catch (System.Exception ex) when (ex is not System.OperationCanceledException)
            {
                return new[] { DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, syntax.Identifier.GetLocation(), backward.Name, ex.Message) }.ToEquatableArray();
            }
        }

        private static EquatableArray<DiagnosticInfo> CheckCore(IMethodSymbol backward, MethodDeclarationSyntax syntax, AttributeData? attribute, Compilation compilation, bool tangent)
        {
            if (attribute is null || attribute.ConstructorArguments.Length != 2
                || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol type
                || attribute.ConstructorArguments[1].Value is not string name)
            {
                return EquatableArray<DiagnosticInfo>.Empty;
            }

            Location where = attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? syntax.Identifier.GetLocation();
            List<IMethodSymbol> targets = type.GetMembers(name).OfType<IMethodSymbol>().Where(m => m.IsStatic).ToList();
            if (targets.Count == 0)
            {
                return new[] { DiagnosticInfo.Create(DiagnosticDescriptors.DerivativeTargetNotFound, where, type.ToDisplayString(), name) }.ToEquatableArray();
            }

            // With overloads, the registration must match the backward signature of one of them.
            var expectedSignatures = new List<string>();
            foreach (IMethodSymbol target in targets)
            {
                List<(string Type, RefKind Kind, string Name)>? signature = tangent ? ExpectedTangentSignature(target, compilation) : ExpectedSignature(target, compilation);
                if (signature is null)
                {
                    continue;
                }

                string returnType = tangent ? TypeNames.Of(target.ReturnType) : "void";
                if (Matches(backward, signature, returnType))
                {
                    return tangent ? EquatableArray<DiagnosticInfo>.Empty : CheckAssigns(backward, target, attribute, where, compilation);
                }

                expectedSignatures.Add(Declaration(backward.Name, signature, returnType));
            }

            // With overloads, every candidate signature is listed: the registration may be meant for any of them.
            string? expected = expectedSignatures.Count == 0 ? null
                : expectedSignatures.Count == 1 ? expectedSignatures[0]
                : "one of " + string.Join("; ", expectedSignatures);

            return new[]
            {
                DiagnosticInfo.Create(tangent ? DiagnosticDescriptors.TangentSignatureMismatch : DiagnosticDescriptors.DerivativeSignatureMismatch, syntax.Identifier.GetLocation(), backward.Name, type.Name + "." + name, expected ?? "(the target's parameters are outside the differentiable subset)"),
            }.ToEquatableArray();
        }

        /// <summary>An <c>Assigns</c> must name one of the backward's span gradients (d + a differentiable span input).</summary>
        private static EquatableArray<DiagnosticInfo> CheckAssigns(IMethodSymbol backward, IMethodSymbol target, AttributeData attribute, Location where, Compilation compilation)
        {
            string? assigns = CallTargets.Assigns(attribute);
            if (assigns is null || CallTargets.AssignedInput(target, assigns, compilation) is not null)
            {
                return EquatableArray<DiagnosticInfo>.Empty;
            }

            var gradients = target.Parameters.Select(p => MethodParser.ClassifyParameter(p, compilation, out _))
                .Where(spec => spec is { Kind: ParameterKind.SpanInput, IsDifferentiable: true }).Select(spec => "\"d" + spec!.Name + "\"").ToList();
            string choices = gradients.Count == 0 ? "it has none, so remove Assigns" : "name one of " + string.Join(", ", gradients);
            return new[] { DiagnosticInfo.Create(DiagnosticDescriptors.AssignsNoSpanGradient, where, backward.Name, assigns, choices) }.ToEquatableArray();
        }

        private static string Short(string type) => type.Replace("global::System.", "");

        /// <summary><c>static void name(double x, double dResult, ref double dx)</c>: the backward to write for <paramref name="target"/>.</summary>
        public static string Declaration(IMethodSymbol target, string name, Compilation? compilation) =>
            ExpectedSignature(target, compilation) is { } signature ? Declaration(name, signature, "void") : "static void " + name + "(…)";

        private static string Declaration(string name, List<(string Type, RefKind Kind, string Name)> signature, string returnType) =>
            "static " + returnType + " " + name + "(" + string.Join(", ", signature.Select(s => (s.Kind == RefKind.Ref ? "ref " : "") + Short(s.Type) + " " + s.Name)) + ")";

        /// <summary>Whether <paramref name="method"/> is static, returns <paramref name="returnType"/> and has exactly <paramref name="signature"/>'s parameters.</summary>
        public static bool Matches(IMethodSymbol method, List<(string Type, RefKind Kind, string Name)> signature, string returnType) =>
            method.IsStatic && TypeNames.Of(method.ReturnType) == returnType
            && method.Parameters.Select(p => (TypeNames.Of(p.Type), p.RefKind)).SequenceEqual(signature.Select(s => (s.Type, s.Kind)));

        /// <summary>The indices of <paramref name="target"/>'s parameters that its tangent takes a tangent of (as <see cref="ExpectedTangentSignature"/> lists them).</summary>
        public static IEnumerable<int> TangentInputs(IMethodSymbol target, Compilation? compilation)
            => target.Parameters.Select((p, i) => (p, i))
                .Where(x => x.p.RefKind == RefKind.None && MethodParser.ClassifyParameter(x.p, compilation, out _) is { IsDifferentiable: true }).Select(x => x.i);

        /// <summary>
        /// The <c>MTangent</c> parameter list SymGrad would generate for <paramref name="target"/>: its parameters, a tangent per
        /// differentiable input (a <c>ReadOnlySpan</c> for a span or array), a <c>Span</c> tangent per output — for a registered
        /// backward (its second order), a <c>ref T</c> tangent per <c>ref T</c> gradient among the outputs.
        /// </summary>
        public static List<(string Type, RefKind Kind, string Name)>? ExpectedTangentSignature(IMethodSymbol target, Compilation? compilation)
        {
            var result = new List<(string Type, RefKind Kind, string Name)>();
            var inputs = new List<(string Type, RefKind Kind, string Name)>();
            var outputs = new List<(string Type, RefKind Kind, string Name)>();
            foreach (IParameterSymbol p in target.Parameters)
            {
                // A registered backward's ref gradient (ref double dx) is an output: its tangent is a ref too.
                if (p.RefKind == RefKind.Ref && TypeNames.IsReal(p.Type))
                {
                    result.Add((TypeNames.Of(p.Type), RefKind.Ref, p.Name));
                    outputs.Add((TypeNames.Of(p.Type), RefKind.Ref, "t" + p.Name));
                    continue;
                }

                if (MethodParser.ClassifyParameter(p, compilation, out _) is not { } spec)
                {
                    return null;
                }

                result.Add((spec.Type, RefKind.None, spec.Name));
                if (spec.IsDifferentiable)
                {
                    inputs.Add((spec.Kind == ParameterKind.Scalar ? spec.Type : $"global::System.ReadOnlySpan<{spec.ElementType}>", RefKind.None, "t" + spec.Name));
                }

                if (spec.Kind == ParameterKind.SpanOutput)
                {
                    outputs.Add(($"global::System.Span<{spec.ElementType}>", RefKind.None, "t" + spec.Name));
                }
            }

            result.AddRange(inputs);
            result.AddRange(outputs);
            return result;
        }

        /// <summary>The <c>MBackward</c> parameter list SymGrad would generate for <paramref name="target"/>.</summary>
        public static List<(string Type, RefKind Kind, string Name)>? ExpectedSignature(IMethodSymbol target, Compilation? compilation)
        {
            var specs = new List<ParameterSpec>();
            foreach (IParameterSymbol p in target.Parameters)
            {
                ParameterSpec? spec = MethodParser.ClassifyParameter(p, compilation, out _);
                if (spec is null)
                {
                    return null;
                }

                specs.Add(spec);
            }

            var result = specs.Select(s => (s.Kind == ParameterKind.SpanOutput && !s.IsArray ? $"global::System.ReadOnlySpan<{s.ElementType}>" : s.Type, RefKind.None, s.Name)).ToList();
            string returnType = TypeNames.Of(target.ReturnType);
            if (returnType is "float" or "double")
            {
                result.Add((returnType, RefKind.None, "dResult"));
            }

            result.AddRange(specs.Where(s => s.Kind == ParameterKind.SpanOutput).Select(s => ($"global::System.ReadOnlySpan<{s.ElementType}>", RefKind.None, "d" + s.Name)));
            result.AddRange(specs.Where(s => s.IsDifferentiable).Select(s => s.Kind == ParameterKind.Scalar
                ? (s.Type, RefKind.Ref, "d" + s.Name)
                : ($"global::System.Span<{s.ElementType}>", RefKind.None, "d" + s.Name)));
            return result;
        }
    }
}
