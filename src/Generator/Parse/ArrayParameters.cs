using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace SymGrad.Generator.Parse
{
    /// <summary>
    /// A <c>float[]</c>/<c>double[]</c> parameter is an input (read like a <c>ReadOnlySpan&lt;T&gt;</c>) or an output (written
    /// like a <c>Span&lt;T&gt;</c>); the type does not say which, so the method's body does: an array is an output when the
    /// method assigns an element of it (<c>y[i] = …</c>, <c>y[i] += …</c>, <c>y[i]++</c>) or passes it where a
    /// <c>Span&lt;T&gt;</c> is expected (<c>Nn.Dense(…, y, …)</c>) or to another method's output array.
    /// </summary>
    internal static class ArrayParameters
    {
        /// <summary>The element type of a one-dimensional array (null for anything else).</summary>
        public static ITypeSymbol? Element(ITypeSymbol type) => type is IArrayTypeSymbol { Rank: 1 } array ? array.ElementType : null;

        public static bool Written(IParameterSymbol parameter, Compilation? compilation) =>
            Written(parameter, compilation, new HashSet<IParameterSymbol>(SymbolEqualityComparer.Default));

        private static bool Written(IParameterSymbol parameter, Compilation? compilation, HashSet<IParameterSymbol> visiting)
        {
            if (!visiting.Add(parameter.OriginalDefinition))
            {
                return false;
            }

            foreach (SyntaxReference reference in parameter.ContainingSymbol.DeclaringSyntaxReferences)
            {
                SyntaxNode method = reference.GetSyntax();
                SemanticModel? model = null;
                foreach (IdentifierNameSyntax name in method.DescendantNodes().OfType<IdentifierNameSyntax>().Where(n => n.Identifier.ValueText == parameter.Name))
                {
                    // y.AsSpan(…) passed on is y passed on.
                    SyntaxNode? use = name.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "AsSpan", Parent: InvocationExpressionSyntax asSpan } member
                        && member.Expression == name ? asSpan.Parent : name.Parent;
                    switch (use)
                    {
                        case ElementAccessExpressionSyntax access when access.Expression == name && IsWriteTarget(access):
                            return true;
                        case ArgumentSyntax argument when argument.Expression == name || argument.Expression == name.Parent?.Parent:
                        {
                            if (!argument.RefKindKeyword.IsKind(SyntaxKind.None))
                            {
                                return true;
                            }

                            if (compilation is null || !compilation.ContainsSyntaxTree(method.SyntaxTree))
                            {
                                break;
                            }

                            model ??= compilation.GetSemanticModel(method.SyntaxTree);
                            foreach (IParameterSymbol target in Targets(argument, model))
                            {
                                if (TypeNames.SpanElement(target.Type, out bool readOnly) is not null && !readOnly
                                    || Element(target.Type) is not null && Written(target, compilation, visiting))
                                {
                                    return true;
                                }
                            }

                            break;
                        }
                    }
                }
            }

            return false;
        }

        /// <summary>
        /// The parameters an argument may be passed to. A call whose other arguments name a method SymGrad has not generated
        /// yet (<c>H(y, FTangent(x, 1))</c>) binds to no method while the generator runs: each candidate's parameter at the
        /// argument's place is then taken (an array passed where one of them writes is an output).
        /// </summary>
        private static IEnumerable<IParameterSymbol> Targets(ArgumentSyntax argument, SemanticModel model)
        {
            if (model.GetOperation(argument) is IArgumentOperation { Parameter: { } bound })
            {
                return new[] { bound };
            }

            if (argument.Parent is not ArgumentListSyntax { Parent: InvocationExpressionSyntax invocation } list)
            {
                return Enumerable.Empty<IParameterSymbol>();
            }

            SymbolInfo info = model.GetSymbolInfo(invocation);
            int position = list.Arguments.IndexOf(argument);
            return (info.Symbol is { } symbol ? new[] { symbol } : info.CandidateSymbols.AsEnumerable()).OfType<IMethodSymbol>()
                .Select(m => argument.NameColon is { } named
                    ? m.Parameters.FirstOrDefault(p => p.Name == named.Name.Identifier.ValueText)
                    : position < m.Parameters.Length ? m.Parameters[position] : null)
                .Where(p => p is not null)!;
        }

        private static bool IsWriteTarget(ExpressionSyntax access) => access.Parent switch
        {
            AssignmentExpressionSyntax assignment => assignment.Left == access,
            PrefixUnaryExpressionSyntax prefix => prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression),
            PostfixUnaryExpressionSyntax postfix => postfix.IsKind(SyntaxKind.PostIncrementExpression) || postfix.IsKind(SyntaxKind.PostDecrementExpression),
            ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None),
            _ => false,
        };
    }
}
