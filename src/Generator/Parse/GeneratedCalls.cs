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
    /// the user's, and what they call is found here: <see cref="NestedTargets"/> makes them differentiable callees. The
    /// generated methods of higher order (<c>FHessianVector</c>, <c>FTangentTangent</c>, …) are found too, so that a call of
    /// one is refused with a word: it binds once they are generated, so the caller's body had an error while the
    /// generator ran and nothing else said why the caller had no derivatives (found by trying it as a user would).
    /// </summary>
    internal static class GeneratedCalls
    {
        /// <summary>The generated methods a differentiable method may call and be differentiated again.</summary>
        public static readonly string[] Nestable = { "Backward", "Gradient", "Tangent" };

        // Every generated method's suffix, longest first (FTangentBackward is F's, not FTangent's backward).
        private static readonly string[] s_suffixes = new[] { "HessianVectorTangent", "TangentTangentBackward", "TangentTangent", "TangentBackward", "BackwardTangent", "HessianVector", "Hessian", "Jacobian" }
            .Concat(Nestable).OrderByDescending(s => s.Length).ToArray();

        /// <summary>A call of a generated method: the <c>[Differentiable]</c> method it derives from, and which one it is.</summary>
        internal sealed record Match(IMethodSymbol Forward, string Suffix, string Name);

        /// <summary>The generated method <paramref name="invocation"/> calls, if it is one (it does not bind).</summary>
        public static Match? Of(InvocationExpressionSyntax invocation, IMethodSymbol caller, SemanticModel model, CancellationToken cancellationToken)
            => model.GetSymbolInfo(invocation, cancellationToken).Symbol is null ? Named(invocation.Expression, invocation, caller, model, cancellationToken) : null;

        /// <summary>
        /// The generated method a compiler error at <paramref name="span"/> names other than by calling it (<c>nameof(FGradient)</c>,
        /// the method group <c>FTangent</c>), if it is one: the error goes once the method is generated, and with it the only word
        /// about why the caller has no derivatives.
        /// </summary>
        public static Match? NamedAt(SyntaxNode body, Microsoft.CodeAnalysis.Text.TextSpan span, IMethodSymbol caller, SemanticModel model, CancellationToken cancellationToken)
            => body.FindNode(span, getInnermostNodeForTie: true) is ExpressionSyntax { Parent: var parent } node and (SimpleNameSyntax or MemberAccessExpressionSyntax)
                ? Named(parent is MemberAccessExpressionSyntax member && member.Name == node ? member : node, null, caller, model, cancellationToken)
                : null;

        private static Match? Named(ExpressionSyntax callee, InvocationExpressionSyntax? invocation, IMethodSymbol caller, SemanticModel model, CancellationToken cancellationToken)
        {
            (SimpleNameSyntax? name, INamespaceOrTypeSymbol? owner) = callee switch
            {
                SimpleNameSyntax simple => (simple, (INamespaceOrTypeSymbol?)caller.ContainingType),
                // A type's (C.FTangent) or an object's (this.FTangent, layer.FTangent: its type's, refused as not static).
                MemberAccessExpressionSyntax member => (member.Name, model.GetSymbolInfo(member.Expression, cancellationToken).Symbol as INamespaceOrTypeSymbol
                    ?? model.GetTypeInfo(member.Expression, cancellationToken).Type),
                _ => (null, null),
            };
            if (name is null || owner is null)
            {
                return null;
            }

            string text = name.Identifier.Text;
            foreach (string suffix in s_suffixes.Where(s => text.EndsWith(s, System.StringComparison.Ordinal) && text.Length > s.Length))
            {
                if (Differentiable(owner, text.Substring(0, text.Length - suffix.Length), caller.ContainingType) is { } forward)
                {
                    return new Match(forward.IsGenericMethod && invocation is not null ? Constructed(forward, invocation, model, cancellationToken) ?? forward : forward, suffix, text);
                }
            }

            return null;
        }

        /// <summary>The spans of the generated calls in <paramref name="syntax"/>: the compiler's errors there are expected.</summary>
        public static List<Microsoft.CodeAnalysis.Text.TextSpan> Spans(IMethodSymbol method, SyntaxNode syntax, SemanticModel model, CancellationToken cancellationToken)
            => syntax.DescendantNodes().OfType<InvocationExpressionSyntax>().Where(i => Of(i, method, model, cancellationToken) is not null).Select(i => i.Span).ToList();

        /// <summary>
        /// The F&lt;T&gt; a call of a generic F's generated method is of: SymGrad writes those methods for double and for float,
        /// as overloads (<c>FTangent(double x, double tx)</c>, <c>FTangent(float x, float tx)</c>), and the call picks one by
        /// its arguments as C# would — double where an argument F takes as T (or a span or array of T) is double, else float
        /// (integers too: C# converts an int better to float than to double, float converting to double). Null when no such
        /// argument has a type yet (the call is refused, SG0019).
        /// </summary>
        private static IMethodSymbol? Constructed(IMethodSymbol forward, InvocationExpressionSyntax invocation, SemanticModel model, CancellationToken cancellationToken)
        {
            if (forward.TypeParameters.Length != 1)
            {
                return null;
            }

            ITypeParameterSymbol t = forward.TypeParameters[0];
            var arguments = invocation.ArgumentList.Arguments;
            bool real = false, wide = false;
            for (int i = 0; i < forward.Parameters.Length && i < arguments.Count; i++)
            {
                if (ElementOf(forward.Parameters[i].Type) is not ITypeParameterSymbol p || !SymbolEqualityComparer.Default.Equals(p, t))
                {
                    continue;
                }

                SpecialType type = ElementOf(model.GetTypeInfo(arguments[i].Expression, cancellationToken).Type)?.SpecialType ?? SpecialType.None;
                real |= type is SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Int32 or SpecialType.System_Int64
                    or SpecialType.System_Int16 or SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_UInt16 or SpecialType.System_UInt32 or SpecialType.System_UInt64;
                wide |= type == SpecialType.System_Double;
            }

            return real ? forward.Construct(model.Compilation.GetSpecialType(wide ? SpecialType.System_Double : SpecialType.System_Single)) : null;
        }

        /// <summary>A span's or an array's element type, or the type itself.</summary>
        private static ITypeSymbol? ElementOf(ITypeSymbol? type) => type switch
        {
            IArrayTypeSymbol array => array.ElementType,
            INamedTypeSymbol { IsGenericType: true, Name: "Span" or "ReadOnlySpan" } span => span.TypeArguments[0],
            _ => type,
        };

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
