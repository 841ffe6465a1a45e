using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SymGrad.Generator.Parse
{
    /// <summary>
    /// Finds calls of the methods SymGrad generates (<c>FBackward</c>, <c>FGradient</c>, <c>FTangent</c>) in a differentiable
    /// method. They do not bind while the generator runs — it is what adds them — so the compiler's errors about them are not
    /// the user's, and what they call is found here: <see cref="NestedTargets"/> makes them differentiable callees.
    /// </summary>
    internal static class GeneratedCalls
    {
        private static readonly string[] s_suffixes = { "Backward", "Gradient", "Tangent" };

        /// <summary>A call of a generated method: the <c>[Differentiable]</c> method it derives from, and which one it is.</summary>
        internal sealed record Match(IMethodSymbol Forward, string Suffix, string Name);

        /// <summary>The generated method <paramref name="invocation"/> calls, if it is one (it does not bind).</summary>
        public static Match? Of(InvocationExpressionSyntax invocation, IMethodSymbol caller, SemanticModel model, CancellationToken cancellationToken)
        {
            if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is not null)
            {
                return null;
            }

            (SimpleNameSyntax? name, INamespaceOrTypeSymbol? owner) = invocation.Expression switch
            {
                SimpleNameSyntax simple => (simple, (INamespaceOrTypeSymbol?)caller.ContainingType),
                MemberAccessExpressionSyntax member => (member.Name, model.GetSymbolInfo(member.Expression, cancellationToken).Symbol as INamespaceOrTypeSymbol),
                _ => (null, null),
            };
            if (name is null || owner is null)
            {
                return null;
            }

            string text = name.Identifier.Text;
            string? suffix = s_suffixes.FirstOrDefault(s => text.EndsWith(s, System.StringComparison.Ordinal) && text.Length > s.Length);
            return suffix is not null && Differentiable(owner, text.Substring(0, text.Length - suffix.Length), caller.ContainingType) is { } forward
                ? new Match(forward, suffix, text)
                : null;
        }

        /// <summary>The spans of the generated calls in <paramref name="syntax"/>: the compiler's errors there are expected.</summary>
        public static List<Microsoft.CodeAnalysis.Text.TextSpan> Spans(IMethodSymbol method, SyntaxNode syntax, SemanticModel model, CancellationToken cancellationToken)
            => syntax.DescendantNodes().OfType<InvocationExpressionSyntax>().Where(i => Of(i, method, model, cancellationToken) is not null).Select(i => i.Span).ToList();

        private static IMethodSymbol? Differentiable(INamespaceOrTypeSymbol owner, string name, INamedTypeSymbol context)
        {
            for (INamedTypeSymbol? type = owner as INamedTypeSymbol; type is not null; type = ReferenceEquals(owner, context) ? type.ContainingType : null)
            {
                IMethodSymbol[] candidates = type.GetMembers(name).OfType<IMethodSymbol>()
                    .Where(m => m.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == CallTargets.DifferentiableAttribute)).ToArray();
                if (candidates.Length > 0)
                {
                    return candidates[0];
                }
            }

            return null;
        }
    }
}
