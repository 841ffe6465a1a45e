using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymGrad.Generator.Diagnostics;

namespace SymGrad.Generator.Parse
{
    /// <summary>
    /// Finds calls of the methods SymGrad generates (<c>FBackward</c>, <c>FGradient</c>) in a differentiable method. They do
    /// not bind while the generator runs — it is what adds them — so the method would otherwise look broken and be skipped.
    /// </summary>
    internal static class GeneratedCalls
    {
        private static readonly string[] s_suffixes = { "Backward", "Gradient" };

        public static IEnumerable<DiagnosticInfo> Find(IMethodSymbol method, MethodDeclarationSyntax syntax, SemanticModel model, CancellationToken cancellationToken)
        {
            foreach (InvocationExpressionSyntax invocation in syntax.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is not null)
                {
                    continue;
                }

                (SimpleNameSyntax? name, INamespaceOrTypeSymbol? owner) = invocation.Expression switch
                {
                    SimpleNameSyntax simple => (simple, (INamespaceOrTypeSymbol?)method.ContainingType),
                    MemberAccessExpressionSyntax member => (member.Name, model.GetSymbolInfo(member.Expression, cancellationToken).Symbol as INamespaceOrTypeSymbol),
                    _ => (null, null),
                };
                if (name is null || owner is null)
                {
                    continue;
                }

                string text = name.Identifier.Text;
                string? suffix = s_suffixes.FirstOrDefault(s => text.EndsWith(s, System.StringComparison.Ordinal) && text.Length > s.Length);
                string forward = suffix is null ? "" : text.Substring(0, text.Length - suffix.Length);
                if (suffix is not null && Differentiable(owner, forward, method.ContainingType))
                {
                    yield return DiagnosticInfo.Create(DiagnosticDescriptors.CallsGeneratedMethod, invocation.GetLocation(), method.Name, text, forward);
                }
            }
        }

        private static bool Differentiable(INamespaceOrTypeSymbol owner, string name, INamedTypeSymbol context)
        {
            for (INamedTypeSymbol? type = owner as INamedTypeSymbol; type is not null; type = ReferenceEquals(owner, context) ? type.ContainingType : null)
            {
                if (type.GetMembers(name).OfType<IMethodSymbol>().Any(m => m.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == CallTargets.DifferentiableAttribute)))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
