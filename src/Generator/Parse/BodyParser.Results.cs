using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymGrad.Generator.Diagnostics;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Parse
{
    /// <summary>
    /// Several results: <c>out double</c> parameters and tuple returns <c>(double R, double Theta)</c>. Each is a local of the
    /// body whose value when the method returns is a result with a cotangent of its own (<c>double dR</c> in
    /// <c>MBackward</c>); <c>return (a, b);</c> assigns the tuple's elements, then returns.
    /// </summary>
    internal sealed partial class BodyParser
    {
        private readonly Dictionary<string, ScalarResult> _results = new();
        private ScalarResult[]? _tuple;

        /// <summary>Declares the results: out parameters by name, tuple elements in order (<paramref name="tuple"/>).</summary>
        public void DeclareResults(IEnumerable<ScalarResult> results, bool tuple)
        {
            foreach (ScalarResult result in results)
            {
                _results[result.Name] = result;
                _usedNames.Add(result.Name);
                Locals.Add(new LocalSpec(result.Name, result.Type));
            }

            _tuple = tuple ? results.ToArray() : null;
        }

        /// <summary>An out parameter read or written in the body: the result's local.</summary>
        private Name? Result(ISymbol? symbol) =>
            symbol is IParameterSymbol { RefKind: RefKind.Out } p && _results.TryGetValue(p.Name, out ScalarResult? result) ? new Name(result.Name, result.Type) : null;

        /// <summary><c>return (a, b);</c> in a method returning a tuple: the elements assigned, then a plain return.</summary>
        private bool ParseTupleReturn(ExpressionSyntax? value, List<Stmt> output)
        {
            if (_tuple is null)
            {
                return false;
            }

            if (_tuple[0].Path is not null)
            {
                ParseStructReturn(value, _tuple, output);
                return true;
            }

            if (value is not TupleExpressionSyntax tuple || tuple.Arguments.Count != _tuple.Length)
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, (value ?? (SyntaxNode)_method.DeclaringSyntaxReferences[0].GetSyntax()).GetLocation(),
                    MethodParser.OneLine(value?.ToString() ?? "return"), "return a tuple literal, as in 'return (r, theta);': each element is a result of its own");
                return true;
            }

            for (int i = 0; i < _tuple.Length; i++)
            {
                ExpressionSyntax element = tuple.Arguments[i].Expression;
                output.Add(new Assign(new Name(_tuple[i].Name, _tuple[i].Type), "=", ParseExpression(element),
                    _tuple[i].Name + " = " + MethodParser.OneLine(element.ToString()) + ";"));
            }

            output.Add(new Return(null, "return " + MethodParser.OneLine(tuple.ToString()) + ";"));
            return true;
        }
    }
}
