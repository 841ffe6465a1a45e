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
    /// <c>switch</c> statements and expressions, lowered to what the rest of the pipeline already reverses: a statement to
    /// an <c>if</c>/<c>else if</c> chain (sections in order, <c>default</c> last), an expression to nested <c>?:</c>. A
    /// pattern becomes the comparison it stands for: constants <c>==</c>, relational patterns their operator, <c>and</c>/
    /// <c>or</c>/<c>not</c> the logical operators, <c>_</c> true, a <c>when</c> clause one more <c>&amp;&amp;</c>.
    /// </summary>
    internal sealed partial class BodyParser
    {
        private void ParseSwitch(SwitchStatementSyntax switchStatement, List<Stmt> output)
        {
            if (Subject(switchStatement.Expression, switchStatement.SwitchKeyword.GetLocation(), statement: true) is not { } subject)
            {
                return;
            }

            string head = "switch (" + MethodParser.OneLine(switchStatement.Expression.ToString()) + ") ";
            Block otherwise = Block.Empty;
            var sections = new List<(Expr Test, Block Body, string Source)>();
            foreach (SwitchSectionSyntax section in switchStatement.Sections)
            {
                List<StatementSyntax> statements = WithoutFinalBreak(section.Statements);

                // A break before the end of a section leaves the switch, not a loop: the lowered chain has nothing to leave.
                if (statements.SelectMany(s => s.DescendantNodesAndSelf().OfType<BreakStatementSyntax>()).FirstOrDefault(b => Breaks(b) == switchStatement) is { } early)
                {
                    Report(DiagnosticDescriptors.UnsupportedStatement, early.GetLocation(), "break",
                        "a break before the end of a switch section leaves the switch; use if/else inside the section");
                    return;
                }

                Block body = ParseBlock(statements);
                Expr? test = null;
                bool isDefault = false;
                foreach (SwitchLabelSyntax label in section.Labels)
                {
                    Expr? matches = label switch
                    {
                        DefaultSwitchLabelSyntax => null,
                        CaseSwitchLabelSyntax constant => new Binary("==", subject, ParseExpression(constant.Value), "bool"),
                        CasePatternSwitchLabelSyntax pattern => Matches(subject, pattern.Pattern, pattern.WhenClause),
                        _ => null,
                    };
                    isDefault |= label is DefaultSwitchLabelSyntax;
                    test = matches is null ? test : test is null ? matches : new Binary("||", test, matches, "bool");
                }

                if (isDefault)
                {
                    otherwise = body; // taken when no other section matches, wherever it stands
                }
                else if (test is not null)
                {
                    sections.Add((test, body, head + string.Join(" ", section.Labels.Select(l => MethodParser.OneLine(l.ToString())))));
                }
            }

            output.AddRange(Chain(sections, otherwise).Statements);
        }

        /// <summary><c>if (t1) b1 else if (t2) b2 … else otherwise</c>.</summary>
        private static Block Chain(IReadOnlyList<(Expr Test, Block Body, string Source)> branches, Block otherwise)
        {
            Block chain = otherwise;
            for (int i = branches.Count - 1; i >= 0; i--)
            {
                chain = new Block(new Stmt[] { new If(branches[i].Test, branches[i].Body, chain, branches[i].Source) }.ToEquatableArray());
            }

            return chain;
        }

        private static Block One(Stmt statement) => new(new[] { statement }.ToEquatableArray());

        /// <summary>
        /// A switch expression that is a return's or an assignment's whole value (<c>return s switch {…};</c>,
        /// <c>y[i] = s switch {…};</c>) becomes that statement in an <c>if</c>/<c>else if</c> chain, one arm per branch: each
        /// arm gets its own adjoint block and formula. A declaration (<c>double v = s switch {…};</c>) keeps the <c>?:</c>
        /// form: one definition, which a loop's reversal recomputes instead of taping. False when the value is something
        /// else (or converted after the switch).
        /// </summary>
        private bool ParseSwitchStatements(ExpressionSyntax value, System.Func<Expr, string, Stmt> statement, List<Stmt> output)
        {
            if (value is not SwitchExpressionSyntax { Arms.Count: > 0 } switchExpression)
            {
                return false;
            }

            TypeInfo info = _model.GetTypeInfo(switchExpression, _cancellationToken);
            if (info.Type is null || !SymbolEqualityComparer.Default.Equals(info.Type, info.ConvertedType))
            {
                return false;
            }

            if (Subject(switchExpression.GoverningExpression, switchExpression.SwitchKeyword.GetLocation(), statement: false) is not { } subject)
            {
                return true;
            }

            var arms = switchExpression.Arms;
            string head = MethodParser.OneLine(switchExpression.GoverningExpression.ToString()) + " switch: ";
            var branches = arms.Take(arms.Count - 1).Select(arm => (
                Matches(subject, arm.Pattern, arm.WhenClause),
                One(statement(ParseExpression(arm.Expression), MethodParser.OneLine(arm.Expression.ToString()))),
                head + MethodParser.OneLine(arm.Pattern.ToString()) + (arm.WhenClause is null ? "" : " " + MethodParser.OneLine(arm.WhenClause.ToString())))).ToList();
            SwitchExpressionArmSyntax last = arms[arms.Count - 1];
            output.AddRange(Chain(branches, One(statement(Fallback(subject, last), MethodParser.OneLine(last.Expression.ToString())))).Statements);
            return true;
        }

        /// <summary>An expression body: one return, or a chain of them for a switch expression.</summary>
        public Block ParseArrow(ExpressionSyntax value)
        {
            var output = new List<Stmt>();
            if (_method.ReturnsVoid)
            {
                // void F(…) => G(x, y); is the statement G(x, y); (once a return of nothing: an empty backward).
                ParseEffect(value, MethodParser.OneLine(value.ToString()) + ";", output);
            }
            else if (!ParseTupleReturn(value, output) && !ParseSwitchStatements(value, Returning, output))
            {
                output.Add(Returning(ParseExpression(value), MethodParser.OneLine(value.ToString())));
            }

            return new Block(output.ToEquatableArray());
        }

        private static Stmt Returning(Expr value, string text) => new Return(value, "return " + text + ";");

        /// <summary><c>s switch { p1 =&gt; e1, p2 =&gt; e2, _ =&gt; e3 }</c> is <c>p1(s) ? e1 : p2(s) ? e2 : e3</c>; the last arm is the fallback.</summary>
        private Expr ParseSwitchExpression(SwitchExpressionSyntax switchExpression, string type)
        {
            if (Subject(switchExpression.GoverningExpression, switchExpression.SwitchKeyword.GetLocation(), statement: false) is not { } subject
                || switchExpression.Arms.Count == 0)
            {
                return new Literal("0", type);
            }

            // A switch expression no arm matches throws; the lowered one gives the last arm's value there.
            var arms = switchExpression.Arms;
            Expr result = Fallback(subject, arms[arms.Count - 1]);
            for (int i = arms.Count - 2; i >= 0; i--)
            {
                result = new Conditional(Matches(subject, arms[i].Pattern, arms[i].WhenClause), ParseExpression(arms[i].Expression), result, type);
            }

            return result;
        }

        /// <summary>
        /// The last arm's value, taken when no earlier arm matches (where nothing matches at all, C# throws; the lowered switch
        /// gives this value). Its pattern is still checked to be in the subset.
        /// </summary>
        private Expr Fallback(Expr subject, SwitchExpressionArmSyntax last)
        {
            Matches(subject, last.Pattern, last.WhenClause);
            return ParseExpression(last.Expression);
        }

        /// <summary>The value switched on: a number, enum, bool or char, read as often as there are patterns (so no call in it).</summary>
        private Expr? Subject(ExpressionSyntax governing, Location where, bool statement)
        {
            void Refuse(string advice)
            {
                if (statement)
                {
                    Report(DiagnosticDescriptors.UnsupportedStatement, where, "switch", advice);
                }
                else
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, where, MethodParser.OneLine(governing.ToString()) + " switch", advice);
                }
            }

            ITypeSymbol? type = _model.GetTypeInfo(governing, _cancellationToken).Type;
            bool simple = type is not null && (TypeNames.IsIntegral(type) || TypeNames.IsReal(type) || type.TypeKind == TypeKind.Enum
                || type.SpecialType is SpecialType.System_Boolean or SpecialType.System_Char);
            if (!simple)
            {
                Refuse("switch on a number, an enum, a bool or a char");
                return null;
            }

            // Each pattern reads the value again: a call that writes outputs would run once per pattern.
            Expr subject = ParseExpression(governing);
            if (Reads.WritesOutputs(subject))
            {
                Refuse("each pattern reads the value switched on: store the call's result in a local and switch on the local");
                return null;
            }

            return subject;
        }

        private Expr Matches(Expr subject, PatternSyntax pattern, WhenClauseSyntax? when)
        {
            Expr test = Pattern(subject, pattern);
            return when is null ? test : new Binary("&&", test, ParseExpression(when.Condition), "bool");
        }

        private Expr Pattern(Expr subject, PatternSyntax pattern)
        {
            switch (pattern)
            {
                case ConstantPatternSyntax constant:
                    return new Binary("==", subject, ParseExpression(constant.Expression), "bool");
                case RelationalPatternSyntax relational:
                    return new Binary(relational.OperatorToken.Text, subject, ParseExpression(relational.Expression), "bool");
                case BinaryPatternSyntax binary:
                    return new Binary(binary.IsKind(SyntaxKind.AndPattern) ? "&&" : "||", Pattern(subject, binary.Left), Pattern(subject, binary.Right), "bool");
                case UnaryPatternSyntax { RawKind: (int)SyntaxKind.NotPattern } not:
                    return new Unary("!", Pattern(subject, not.Pattern), "bool");
                case ParenthesizedPatternSyntax parenthesized:
                    return Pattern(subject, parenthesized.Pattern);
                case DiscardPatternSyntax:
                    return new Literal("true", "bool");
                default:
                    Report(DiagnosticDescriptors.UnsupportedExpression, pattern.GetLocation(), MethodParser.OneLine(pattern.ToString()),
                        "use constant (1, Kind.A), relational (< 0), and/or/not and discard (_) patterns");
                    foreach (SingleVariableDesignationSyntax variable in pattern.DescendantNodesAndSelf().OfType<SingleVariableDesignationSyntax>())
                    {
                        if (_model.GetDeclaredSymbol(variable, _cancellationToken) is { } declared)
                        {
                            _rejected.Add(declared); // its uses are not reported again
                        }
                    }

                    return new Literal("false", "bool");
            }
        }

        /// <summary>A section's statements without the break that ends it, also inside a block (<c>case 1: { …; break; }</c>).</summary>
        private static List<StatementSyntax> WithoutFinalBreak(IEnumerable<StatementSyntax> section)
        {
            var statements = section.ToList();
            int last = statements.Count - 1;
            if (last >= 0 && statements[last] is BreakStatementSyntax)
            {
                statements.RemoveAt(last);
            }
            else if (last >= 0 && statements[last] is BlockSyntax block)
            {
                statements.RemoveAt(last);
                statements.AddRange(WithoutFinalBreak(block.Statements));
            }

            return statements;
        }

        /// <summary>The statement a <c>break</c> leaves: the innermost loop or switch around it.</summary>
        private static SyntaxNode? Breaks(BreakStatementSyntax statement) => statement.Ancestors().FirstOrDefault(a =>
            a is ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax or SwitchStatementSyntax);
    }
}
