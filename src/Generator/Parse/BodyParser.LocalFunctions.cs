using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymGrad.Generator.Diagnostics;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Parse
{
    /// <summary>
    /// Local functions, differentiated with the method by inlining: a call is the function's value with its parameters
    /// bound to the arguments and its locals to their definitions — an expression body, or a block of declarations ending
    /// in a return. Captured locals and parameters are read where the call is, as C# reads them. What has no expression
    /// form (loops, branches with statements, writes to captured variables, spans, void) says to make it a method.
    /// </summary>
    internal sealed partial class BodyParser
    {
        // The bindings of the local functions being inlined, innermost last: parameter or local → its value.
        private readonly List<Dictionary<ISymbol, Expr>> _bindings = new();

        private Expr? Bound(ISymbol? symbol)
        {
            for (int i = _bindings.Count - 1; symbol is not null && i >= 0; i--)
            {
                if (_bindings[i].TryGetValue(symbol, out Expr? value))
                {
                    return value;
                }
            }

            return null;
        }

        private Expr InlineLocalFunction(InvocationExpressionSyntax invocation, IMethodSymbol function, string type)
        {
            var declaration = function.DeclaringSyntaxReferences.Select(r => r.GetSyntax(_cancellationToken)).OfType<LocalFunctionStatementSyntax>().FirstOrDefault();
            string? problem = declaration is null ? "its declaration is not in this method"
                : Inlining(function) ? "it calls itself"
                : function.IsGenericMethod ? "it is generic"
                : !TypeNames.IsReal(function.ReturnType) && !TypeNames.IsIntegral(function.ReturnType) && function.ReturnType.SpecialType != SpecialType.System_Boolean
                    ? "it returns " + function.ReturnType.ToDisplayString() + ", not a number"
                : function.Parameters.FirstOrDefault(p => p.RefKind != RefKind.None || !(TypeNames.IsReal(p.Type) || TypeNames.IsIntegral(p.Type) || p.Type.SpecialType == SpecialType.System_Boolean)) is { } odd
                    ? "parameter '" + odd.Name + "' is not a number passed by value"
                : Body(declaration!) is null ? "its body is not an expression or declarations ending in a return"
                : WritesOutside(declaration!) is { } written ? "it assigns '" + written + "', declared outside it"
                : NotANumber(Body(declaration!)!.Value.Locals) is { } other ? "its local '" + other.Name + "' is " + other.Type.ToDisplayString()
                    + ", not a number (a buffer of the method's own is declared among its statements)"
                : null;
            if (problem is not null)
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), MethodParser.OneLine(invocation.ToString()),
                    "local functions are inlined where they are called, and " + problem + "; make it a [Differentiable] static method");
                return new Literal("0", type);
            }

            var bindings = new Dictionary<ISymbol, Expr>(SymbolEqualityComparer.Default);
            for (int i = 0; i < function.Parameters.Length && i < invocation.ArgumentList.Arguments.Count; i++)
            {
                Expr argument = ParseExpression(invocation.ArgumentList.Arguments[i].Expression);
                if (Reads.WritesOutputs(argument))
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, invocation.ArgumentList.Arguments[i].GetLocation(), MethodParser.OneLine(invocation.ArgumentList.Arguments[i].ToString()),
                        "a local function reads its parameters where it uses them: store the result of a call that writes outputs in a local and pass the local");
                }

                bindings[function.Parameters[i]] = argument;
            }

            // Default values of parameters the call leaves out.
            foreach (IParameterSymbol missing in function.Parameters.Skip(invocation.ArgumentList.Arguments.Count))
            {
                bindings[missing] = missing.HasExplicitDefaultValue && FormatConstant(missing.ExplicitDefaultValue!, TypeNames.Of(missing.Type)) is { } value
                    ? value : new Literal("0", TypeNames.Of(missing.Type));
            }

            _bindings.Add(bindings);
            _inlining.Add(function);
            try
            {
                (List<LocalDeclarationStatementSyntax> locals, ExpressionSyntax result) = Body(declaration!)!.Value;
                foreach (VariableDeclaratorSyntax variable in locals.SelectMany(l => l.Declaration.Variables))
                {
                    if (_model.GetDeclaredSymbol(variable, _cancellationToken) is ILocalSymbol local && variable.Initializer is { } init)
                    {
                        bindings[local] = ParseExpression(init.Value);
                    }
                }

                return ParseExpression(result);
            }
            finally
            {
                _inlining.RemoveAt(_inlining.Count - 1);
                _bindings.RemoveAt(_bindings.Count - 1);
            }
        }

        /// <summary>The first of a local function's locals that is not a number (a span, an array), if any.</summary>
        private ILocalSymbol? NotANumber(List<LocalDeclarationStatementSyntax> locals) => locals.SelectMany(l => l.Declaration.Variables)
            .Select(v => _model.GetDeclaredSymbol(v, _cancellationToken)).OfType<ILocalSymbol>()
            .FirstOrDefault(l => !(TypeNames.IsReal(l.Type) || TypeNames.IsIntegral(l.Type) || l.Type.SpecialType == SpecialType.System_Boolean));

        private readonly List<IMethodSymbol> _inlining = new();

        private bool Inlining(IMethodSymbol function) => _inlining.Contains(function, SymbolEqualityComparer.Default);

        /// <summary>An expression body, or declarations (each with a value) then one return: the locals and the returned expression.</summary>
        private static (List<LocalDeclarationStatementSyntax> Locals, ExpressionSyntax Result)? Body(LocalFunctionStatementSyntax function)
        {
            if (function.ExpressionBody is { } arrow)
            {
                return (new List<LocalDeclarationStatementSyntax>(), arrow.Expression);
            }

            var statements = function.Body?.Statements.ToList();
            if (statements is null || statements.Count == 0 || statements[statements.Count - 1] is not ReturnStatementSyntax { Expression: { } returned })
            {
                return null;
            }

            var locals = statements.Take(statements.Count - 1).OfType<LocalDeclarationStatementSyntax>().ToList();
            bool simple = locals.Count == statements.Count - 1 && locals.All(l => l.UsingKeyword == default && !l.IsConst
                && l.Declaration.Variables.All(v => v.Initializer is not null));
            return simple ? (locals, returned) : null;
        }

        /// <summary>A variable declared outside the local function that its body assigns, if any.</summary>
        private string? WritesOutside(LocalFunctionStatementSyntax function)
        {
            foreach (ExpressionSyntax target in AssignedIn(function))
            {
                if (_model.GetSymbolInfo(target, _cancellationToken).Symbol is { } symbol
                    && !symbol.DeclaringSyntaxReferences.Any(r => function.Span.Contains(r.Span)))
                {
                    return symbol.Name;
                }
            }

            return null;
        }

        /// <summary>
        /// What the code under <paramref name="node"/> assigns: the targets of =, compound assignments (each element of a
        /// deconstruction's tuple), ++ and --, and what it passes by ref or out.
        /// </summary>
        private static IEnumerable<ExpressionSyntax> AssignedIn(SyntaxNode node) => node.DescendantNodes().SelectMany(n => n switch
        {
            AssignmentExpressionSyntax { Left: TupleExpressionSyntax tuple } => tuple.DescendantNodes().OfType<ArgumentSyntax>().Select(a => a.Expression),
            AssignmentExpressionSyntax a => new[] { a.Left },
            PostfixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.PostIncrementExpression) || p.IsKind(SyntaxKind.PostDecrementExpression) => new[] { p.Operand },
            PrefixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.PreIncrementExpression) || p.IsKind(SyntaxKind.PreDecrementExpression) => new[] { p.Operand },
            ArgumentSyntax a when a.RefKindKeyword.IsKind(SyntaxKind.RefKeyword) || a.RefKindKeyword.IsKind(SyntaxKind.OutKeyword) => new[] { a.Expression },
            _ => System.Array.Empty<ExpressionSyntax>(),
        });
    }
}
