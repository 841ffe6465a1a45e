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
    /// Tuple locals of reals, element by element, as a deconstruction is: <c>var p = Polar(x, y);</c> is the locals
    /// <c>p_R</c>, <c>p_Theta</c>, each assigned its result (through the result's method, <see cref="ResultCalls"/>), and
    /// <c>p.R</c>, <c>p.Item2</c> read or assign one of them. A tuple local's value is a call of a <c>[Differentiable]</c>
    /// method returning a tuple (or <c>Math.SinCos</c>), a tuple literal or another tuple local, in its declaration or an
    /// assignment <c>p = …;</c>; it may be deconstructed (<c>var (r, t) = p;</c>). Passed or returned whole it is refused.
    /// </summary>
    internal sealed partial class BodyParser
    {
        // Each tuple local's elements, in order, as the locals that hold them.
        private readonly Dictionary<ILocalSymbol, Name[]> _tupleLocals = new(SymbolEqualityComparer.Default);

        private const string TupleWhole = "a tuple local is differentiated element by element: read or assign its elements (p.R, p.Item1), assign it a call's "
            + "results, a tuple literal or another tuple local, or deconstruct it; passing or returning it whole is not differentiated yet";

        /// <summary>The elements of a tuple of reals, or null for any other type.</summary>
        private static List<IFieldSymbol>? TupleElements(ITypeSymbol? type)
            => type is INamedTypeSymbol { IsTupleType: true } tuple && tuple.TupleElements.All(e => TypeNames.IsReal(e.Type)) ? tuple.TupleElements.ToList() : null;

        /// <summary><c>var p = Polar(x, y);</c>: a local per element, declared first, then each assigned its value.</summary>
        private bool ParseTupleDeclaration(ILocalSymbol local, VariableDeclaratorSyntax variable, List<Stmt> output)
        {
            if (TupleElements(local.Type) is not { } elements)
            {
                return false;
            }

            var names = new Name[elements.Count];
            for (int k = 0; k < elements.Count; k++)
            {
                string type = TypeNames.Of(elements[k].Type);
                names[k] = new Name(DeclareName(local.Name + "_" + elements[k].Name, type), type);
                output.Add(new LocalDecl(names[k].Id, type, null, $"{type} {local.Name}.{elements[k].Name};"));
            }

            _tupleLocals[local] = names;
            if (variable.Initializer is { } initializer)
            {
                AssignTuple(local, initializer.Value, output);
            }

            return true;
        }

        /// <summary>The tuple local <paramref name="expression"/> names, or null.</summary>
        private ILocalSymbol? TupleLocalSymbol(ExpressionSyntax expression)
            => expression is IdentifierNameSyntax && _model.GetSymbolInfo(expression, _cancellationToken).Symbol is ILocalSymbol local && _tupleLocals.ContainsKey(local) ? local : null;

        /// <summary>The elements of the tuple local <paramref name="expression"/> names, or null.</summary>
        private Name[]? TupleLocal(ExpressionSyntax expression) => TupleLocalSymbol(expression) is { } local ? _tupleLocals[local] : null;

        /// <summary><c>p = value;</c>: each element of the tuple local assigned its value's.</summary>
        private void AssignTuple(ILocalSymbol tuple, ExpressionSyntax value, List<Stmt> output)
        {
            Name[] names = _tupleLocals[tuple];
            var elements = TupleElements(tuple.Type)!;
            var targets = names.Select((n, k) => new ResultTarget(k, null, n, tuple.Name + "." + elements[k].Name)).ToList();
            switch (value)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    AssignTuple(tuple, parenthesized.Expression, output);
                    return;
                case TupleExpressionSyntax literal when literal.Arguments.Count == names.Length:
                {
                    var values = literal.Arguments.Select(a => ParseExpression(a.Expression)).ToList();
                    AssignResults(targets, r => values[r], output);
                    return;
                }

                case InvocationExpressionSyntax invocation when Callee(invocation) is { } callee && (IsSinCos(callee) || IsDifferentiable(callee))
                    && TupleElements(callee.ReturnType)?.Count == names.Length:
                    _ = LowerResults(invocation, callee, targets, value: false, output);
                    return;
                case IdentifierNameSyntax other when TupleLocal(other) is { } from && from.Length == names.Length:
                    AssignResults(targets, r => from[r], output);
                    return;
            }

            if (!UsesRejected(value))
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, value.GetLocation(), MethodParser.OneLine(value.ToString()),
                    "a tuple local's value is a call of a [Differentiable] method returning a tuple of as many elements, a tuple literal (a, b) or another tuple local");
            }
        }

        /// <summary><c>p.R</c>, <c>p.Item2</c> of a tuple local: the local holding that element; null for anything else.</summary>
        private Name? TupleElement(ExpressionSyntax expression)
        {
            if (expression is not MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax tuple } member || TupleLocal(tuple) is not { } names
                || _model.GetSymbolInfo(member, _cancellationToken).Symbol is not IFieldSymbol field)
            {
                return null;
            }

            // p.R and p.Item1 are one field: its place among the tuple's elements.
            IFieldSymbol element = field.CorrespondingTupleField ?? field;
            int index = field.ContainingType.TupleElements.Select(e => e.CorrespondingTupleField ?? e).ToList().FindIndex(e => SymbolEqualityComparer.Default.Equals(e, element));
            return index >= 0 && index < names.Length ? names[index] : null;
        }

        /// <summary>A tuple local read whole: reported (its elements are what SymGrad follows).</summary>
        private bool RefuseWholeTuple(IdentifierNameSyntax identifier, ISymbol? symbol)
        {
            if (symbol is not ILocalSymbol local || !_tupleLocals.ContainsKey(local))
            {
                return false;
            }

            Report(DiagnosticDescriptors.UnsupportedExpression, identifier.GetLocation(), local.Name, TupleWhole);
            return true;
        }
    }
}
