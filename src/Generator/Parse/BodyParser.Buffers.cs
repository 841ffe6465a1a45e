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
    /// Local buffers: <c>Span&lt;double&gt; h = stackalloc double[n];</c>, <c>double[] h = new double[n];</c> (<c>var</c> too) — a
    /// hidden layer's activations, a stage of a step. Each is an output of the derivation written from zero where it is
    /// declared (what stackalloc and new give), so that the engine reads it as any output the method writes and reads back;
    /// the generated methods lend it from the workspace (<see cref="Emit.LocalBufferWriter"/>).
    /// </summary>
    internal sealed partial class BodyParser
    {
        private readonly Dictionary<ILocalSymbol, ParameterSpec> _buffers = new(SymbolEqualityComparer.Default);

        /// <summary>The local buffers of the body, in declaration order: parameters of the derivation after the method's own.</summary>
        public List<ParameterSpec> Buffers { get; } = new();

        /// <summary>
        /// A declaration of a local buffer: false when <paramref name="variable"/> is not one (a span or array of float or
        /// double created by stackalloc or new with a length); else it is declared — or reported, with what to write.
        /// </summary>
        private bool ParseBuffer(LocalDeclarationStatementSyntax declaration, VariableDeclaratorSyntax variable, ILocalSymbol local, List<Stmt> output)
        {
            string? element = local.Type switch
            {
                IArrayTypeSymbol { Rank: 1, ElementType: var e } when TypeNames.IsReal(e) => TypeNames.Of(e),
                INamedTypeSymbol { Name: "Span", IsGenericType: true, TypeArguments.Length: 1 } span
                    when span.ContainingNamespace?.ToDisplayString() == "System" && TypeNames.IsReal(span.TypeArguments[0]) => TypeNames.Of(span.TypeArguments[0]),
                _ => null,
            };
            ArrayTypeSyntax? created = variable.Initializer?.Value switch
            {
                StackAllocArrayCreationExpressionSyntax { Type: ArrayTypeSyntax array, Initializer: null } => array,
                ArrayCreationExpressionSyntax { Initializer: null } creation => creation.Type,
                _ => null,
            };
            ExpressionSyntax? size = created is { RankSpecifiers.Count: 1 } && created.RankSpecifiers[0].Sizes.Count == 1 ? created.RankSpecifiers[0].Sizes[0] : null;
            if (element is null || size is null || size is OmittedArraySizeExpressionSyntax)
            {
                return false;
            }

            string written = MethodParser.OneLine(declaration.Declaration.Type + " " + variable);
            // In a loop or a branch too: its zero fill stands where it is declared, so each pass of a loop starts it from zero.
            // (A local function's locals are numbers: InlineLocalFunction says so before this is reached.)
            string? problem = declaration.Parent is not BlockSyntax
                ? "a local buffer is declared in a block of the method's statements (a loop's or a branch's too), not in a switch section; declare it before the switch"
                : _tuple is not null
                ? "a method returning a tuple or a struct keeps no local buffers yet (out results may); pass it as a Span<" + element + "> parameter the caller allocates"
                : null;
            string? length = problem is null ? Length(size, out problem) : null;
            if (length is null)
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, variable.Identifier.GetLocation(), written, problem!);
                _rejected.Add(local);
                return true;
            }

            // Named apart from what the method names already: two loops' buffers of one name are two parameters of the twin.
            string name = local.Name;
            for (int k = 2; _usedNames.Contains(name); k++)
            {
                name = local.Name + "_" + k.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            // Its type from its element's (double, float: T as the instantiation reads it, Span<T> and T[] too).
            string type = local.Type is IArrayTypeSymbol ? element + "[]" : "global::System.Span<" + element + ">";
            var spec = new ParameterSpec(name, type, element, ParameterKind.SpanOutput) { Buffer = length };
            _buffers[local] = spec;
            _parameters[spec.Name] = spec;
            _usedNames.Add(spec.Name);
            Buffers.Add(spec);

            // Written from zero, as stackalloc and new leave it: every element is written before the method reads one.
            string counter = FreshCounter(declaration);
            var i = new Name(counter, "int");
            var zero = new Assign(new Element(spec.Name, i, element), "=", new Literal("0", element), written + ";");
            // Up to the length as written (n, not h.Length): the reads and accumulations over i < n that follow are covered.
            output.Add(new For(counter, "int", new Literal("0", "int"), new Binary("<", i, ParseExpression(size), "bool"),
                new Literal("1", "int"), new Block(new Stmt[] { zero }.ToEquatableArray()), written + ";") { Fills = spec.Name });
            return true;
        }

        /// <summary>
        /// A buffer's length as C# the generated methods evaluate before the body runs: over the method's integer parameters and
        /// its spans' lengths (<c>n</c>, <c>2 * n + 1</c>, <c>x.Length</c>) that it does not assign, constants (their values), a
        /// layer's integer fields (<c>Hidden</c>) and locals declared once from those (their definitions); null, and why, when it
        /// reads anything else.
        /// </summary>
        private string? Length(ExpressionSyntax size, out string? problem)
        {
            problem = null;
            if (_model.GetConstantValue(size, _cancellationToken) is { HasValue: true, Value: int constant })
            {
                return constant.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            var constants = new Dictionary<SyntaxNode, SyntaxNode>();
            foreach (IdentifierNameSyntax name in size.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
            {
                ISymbol? symbol = _model.GetSymbolInfo(name, _cancellationToken).Symbol;
                bool length = symbol is IPropertySymbol { Name: "Length" } && name.Parent is MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax owner } member
                    && member.Name == name && _model.GetSymbolInfo(owner, _cancellationToken).Symbol is IParameterSymbol { RefKind: RefKind.None };
                if (length)
                {
                    continue;
                }

                // Another buffer's length (new double[h.Length]): its own, as declared.
                if (name.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Length" } ofBuffer && (ofBuffer.Expression == name || ofBuffer.Name == name)
                    && _model.GetSymbolInfo(ofBuffer.Expression, _cancellationToken).Symbol is ILocalSymbol buffered && _buffers.TryGetValue(buffered, out ParameterSpec? other))
                {
                    constants[ofBuffer] = SyntaxFactory.ParseExpression(other.Buffer!);
                    continue;
                }

                if (symbol is IParameterSymbol { RefKind: RefKind.None } parameter && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, _method)
                    && (TypeNames.IsIntegral(parameter.Type) || name.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Length" } owned && owned.Expression == name))
                {
                    if (Assigns(parameter))
                    {
                        problem = $"its length reads '{parameter.Name}', which the method changes; the generated methods lend the buffer before the method runs, so read parameters it does not assign";
                        return null;
                    }

                    continue;
                }

                // A layer's integer field (a hidden size): its generated methods are the layer's, and no differentiable method writes a field.
                if (symbol is IFieldSymbol { IsStatic: false, IsConst: false } field && TypeNames.IsIntegral(field.Type)
                    && SymbolEqualityComparer.Default.Equals(field.ContainingType.OriginalDefinition, _method.ContainingType.OriginalDefinition)
                    && (name.Parent is not MemberAccessExpressionSyntax access || access.Name == name && access.Expression is ThisExpressionSyntax))
                {
                    continue;
                }

                if (_model.GetConstantValue(name, _cancellationToken) is { HasValue: true, Value: { } value } && value is int or long or short or byte)
                {
                    constants[name] = SyntaxFactory.ParseExpression(System.Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!);
                    continue;
                }

                // A local size (int hidden = w.Length / x.Length;) the method never assigns again: its definition, read the same way.
                if (symbol is ILocalSymbol { IsConst: false, IsRef: false } sized && TypeNames.IsIntegral(sized.Type))
                {
                    string? definition = Definition(sized, out string? why);
                    if (definition is null)
                    {
                        problem = why;
                        return null;
                    }

                    constants[name] = SyntaxFactory.ParseExpression(definition); // an operand as it is: a name, or parenthesized
                    continue;
                }

                problem = $"its length is computed from the method's integer parameters, the lengths of its spans and arrays (n, x.Length), constants and locals declared once from those, before the method runs, and '{name.Identifier.ValueText}' is none of them; "
                    + "pass the buffer as a Span parameter the caller allocates";
                return null;
            }

            if (size.DescendantNodesAndSelf().Any(n => n is InvocationExpressionSyntax or AssignmentExpressionSyntax or PostfixUnaryExpressionSyntax or ElementAccessExpressionSyntax
                || n is PrefixUnaryExpressionSyntax p && (p.IsKind(SyntaxKind.PreIncrementExpression) || p.IsKind(SyntaxKind.PreDecrementExpression))))
            {
                problem = "its length is computed from the method's parameters (n, x.Length) and constants, without calls or assignments; pass the buffer as a Span parameter the caller allocates";
                return null;
            }

            ExpressionSyntax replaced = size.ReplaceNodes(constants.Keys, (old, _) => constants[old].WithTriviaFrom(old));
            string text = MethodParser.OneLine(replaced.ToString());
            return replaced is IdentifierNameSyntax or MemberAccessExpressionSyntax or LiteralExpressionSyntax or ParenthesizedExpressionSyntax ? text : "(" + text + ")";
        }

        /// <summary>
        /// A local size's definition as a length (<see cref="Length"/> of its initializer), or null and why: it is declared with a
        /// value and never assigned again.
        /// </summary>
        private string? Definition(ILocalSymbol local, out string? problem)
        {
            problem = null;
            SyntaxNode? declarator = local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken);
            if (declarator?.Parent?.Parent is ForStatementSyntax)
            {
                problem = $"its length reads the loop counter '{local.Name}'; the generated methods lend the buffer, of one length, before the method runs: "
                    + "declare it before the loop, sized by the most the loop needs, and use a part of it";
                return null;
            }

            if (declarator is not VariableDeclaratorSyntax { Initializer.Value: { } value } || Assigns(local))
            {
                problem = $"its length reads the local '{local.Name}', which is not declared with a value the method keeps; the generated methods lend the buffer before the method runs, "
                    + "so size it by a local declared once from the method's integer parameters, span lengths and constants (int m = 2 * n;), or by those directly";
                return null;
            }

            return Length(value, out problem);
        }

        /// <summary>Whether the method's body assigns <paramref name="variable"/> (=, a compound assignment, ++ or --, ref or out).</summary>
        private bool Assigns(ISymbol variable) => _method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken) is { } body
            && AssignedIn(body).Any(target => SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(target, _cancellationToken).Symbol, variable));
    }
}
