using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymGrad.Generator.Diagnostics;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Parse
{
    /// <summary>Turns a method body into the model's statements and expressions, reporting what is outside the subset.</summary>
    internal sealed partial class BodyParser
    {
        private readonly IMethodSymbol _method;
        private readonly SemanticModel _model;
        private readonly Dictionary<string, ParameterSpec> _parameters;
        private readonly List<DiagnosticInfo> _diagnostics;
        private readonly CancellationToken _cancellationToken;
        private readonly Dictionary<ILocalSymbol, string> _localNames = new(SymbolEqualityComparer.Default);
        private readonly HashSet<string> _usedNames;

        // Locals already reported as outside the subset: their uses are not reported again (one error per root cause).
        private readonly HashSet<ISymbol> _rejected = new(SymbolEqualityComparer.Default);

        public BodyParser(IMethodSymbol method, SemanticModel model, List<ParameterSpec> parameters, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            _method = method;
            _model = model;
            _parameters = parameters.ToDictionary(p => p.Name);
            _diagnostics = diagnostics;
            _cancellationToken = cancellationToken;
            _usedNames = new HashSet<string>(parameters.Select(p => p.Name));
        }

        public List<LocalSpec> Locals { get; } = new();

        public Block ParseBlock(IEnumerable<StatementSyntax> statements)
        {
            var result = new List<Stmt>();
            foreach (StatementSyntax statement in statements)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                ParseStatement(statement, result);
            }

            return new Block(result.ToEquatableArray());
        }

        private Block ParseEmbedded(StatementSyntax? statement) => statement switch
        {
            null => Block.Empty,
            BlockSyntax block => ParseBlock(block.Statements),
            _ => ParseBlock(new[] { statement }),
        };

        private void ParseStatement(StatementSyntax statement, List<Stmt> output)
        {
            int first = output.Count;
            ParseStatementCore(statement, output);
            if (statement is not BlockSyntax)
            {
                // Diagnostics found after parsing (an output read before it is written) point at the statement.
                LocationInfo? where = LocationInfo.From(statement.GetLocation());
                for (int i = first; i < output.Count; i++)
                {
                    output[i] = output[i] with { Location = output[i].Location ?? where };
                }
            }
        }

        private void ParseStatementCore(StatementSyntax statement, List<Stmt> output)
        {
            switch (statement)
            {
                case BlockSyntax block:
                    output.AddRange(ParseBlock(block.Statements).Statements);
                    break;
                case EmptyStatementSyntax:
                    break;
                case LocalFunctionStatementSyntax:
                    break; // inlined where it is called

                case LocalDeclarationStatementSyntax declaration:
                    ParseDeclaration(declaration, output);
                    break;
                case ExpressionStatementSyntax expression:
                    ParseExpressionStatement(expression, output);
                    break;
                case IfStatementSyntax ifStatement:
                    output.Add(new If(
                        ParseExpression(ifStatement.Condition),
                        ParseEmbedded(ifStatement.Statement),
                        ParseEmbedded(ifStatement.Else?.Statement),
                        "if (" + MethodParser.OneLine(ifStatement.Condition.ToString()) + ")"));
                    break;
                case ForStatementSyntax forStatement:
                    ParseFor(forStatement, output);
                    break;
                case ForEachStatementSyntax forEach:
                    ParseForEach(forEach, output);
                    break;
                case SwitchStatementSyntax switchStatement:
                    ParseSwitch(switchStatement, output);
                    break;
                case WhileStatementSyntax loop:
                    ParseWhile(loop, loop.Condition, loop.Statement, LoopForm.While, "while (" + MethodParser.OneLine(loop.Condition.ToString()) + ")", output);
                    break;
                case DoStatementSyntax loop:
                    ParseWhile(loop, loop.Condition, loop.Statement, LoopForm.DoWhile, "do … while (" + MethodParser.OneLine(loop.Condition.ToString()) + ");", output);
                    break;
                case BreakStatementSyntax:
                    output.Add(new Break("break;"));
                    break;
                case ContinueStatementSyntax:
                    output.Add(new Continue("continue;"));
                    break;
                case ReturnStatementSyntax returned when ParseTupleReturn(returned.Expression, output):
                    break;
                case ReturnStatementSyntax { Expression: { } value } when ParseSwitchStatements(value, Returning, output):
                    break;
                case ReturnStatementSyntax returnStatement:
                    output.Add(new Return(
                        returnStatement.Expression is null ? null : ParseExpression(returnStatement.Expression),
                        MethodParser.OneLine(returnStatement.ToString())));
                    break;
                default:
                    Unsupported(statement);
                    break;
            }
        }

        private void Unsupported(StatementSyntax statement)
        {
            (string what, string advice) = statement switch
            {
                GotoStatementSyntax => ("goto", "use if/else, break or continue"),
                TryStatementSyntax => ("try", "validate inputs in a wrapper that calls this method"),
                ThrowStatementSyntax => ("throw", "validate inputs in a wrapper that calls this method"),
                UsingStatementSyntax => ("using", "keep resources outside the differentiable method"),
                LockStatementSyntax => ("lock", "keep synchronisation outside the differentiable method"),
                UnsafeStatementSyntax => ("unsafe", "use spans instead of pointers"),
                FixedStatementSyntax => ("fixed", "use spans instead of pointers"),
                YieldStatementSyntax => ("yield", "write the results into a Span<T> output"),
                CheckedStatementSyntax => ("checked", "remove the checked block"),
                LabeledStatementSyntax => ("labeled", "use if/else, break or continue"),
                _ => (statement.Kind().ToString(), "see README's differentiable subset"),
            };
            Report(DiagnosticDescriptors.UnsupportedStatement, statement.GetFirstToken().GetLocation(), what, advice);
        }

        private void ParseDeclaration(LocalDeclarationStatementSyntax declaration, List<Stmt> output)
        {
            if (declaration.UsingKeyword != default || declaration.IsKind(SyntaxKind.LocalDeclarationStatement) == false)
            {
                Unsupported(declaration);
                return;
            }

            foreach (VariableDeclaratorSyntax variable in declaration.Declaration.Variables)
            {
                if (_model.GetDeclaredSymbol(variable, _cancellationToken) is not ILocalSymbol local)
                {
                    continue;
                }

                if (!local.IsRef && ParseStructDeclaration(local, variable, output))
                {
                    continue;
                }

                if (!local.IsRef && ParseTupleDeclaration(local, variable, output))
                {
                    continue;
                }

                if (!local.IsRef && ParseBuffer(declaration, variable, local, output))
                {
                    continue;
                }

                string type = TypeNames.Of(local.Type);
                if (local.IsRef || !(TypeNames.IsReal(local.Type) || TypeNames.IsIntegral(local.Type) || local.Type.SpecialType == SpecialType.System_Boolean))
                {
                    bool simd = local.Type is INamedTypeSymbol { IsGenericType: true } g && g.Name is "Vector" or "Vector64" or "Vector128" or "Vector256" or "Vector512"
                        && g.ContainingNamespace?.ToDisplayString() is "System.Numerics" or "System.Runtime.Intrinsics";
                    Report(DiagnosticDescriptors.UnsupportedExpression, variable.Identifier.GetLocation(), local.Type.ToDisplayString() + " " + local.Name, simd
                        ? "SIMD vectors are outside the subset; write the scalar loop over the span (the runtime's kernels are the vectorised ones)"
                        : local.Type.TypeKind == TypeKind.Delegate
                        ? "lambdas and delegates are outside the subset; write a local function, as in 'double " + local.Name + "(double v) => v * v;', which is differentiated where it is called"
                        : local.Type is INamedTypeSymbol { IsTupleType: true }
                        ? "a tuple local is differentiated element by element when its elements are all float or double; hold the others in locals of their own"
                        : "locals may be float, double, integral or bool, and buffers of the method's own (Span<double> h = stackalloc double[n]; or double[] h = new double[n];); pass other spans as Span<T> parameters");
                    _rejected.Add(local);
                    continue;
                }

                if (variable.Initializer?.Value is InvocationExpressionSyntax call && OutResultsCall(call) is { } outCallee)
                {
                    // double s = F(x, out double b): b is assigned by the call, s after it.
                    Expr? value = LowerOutCall(call, outCallee, value: true, output);
                    output.Add(new LocalDecl(Declare(local), type, value is null ? null : Converted(value, type), MethodParser.OneLine(declaration.Declaration.Type + " " + variable) + ";"));
                    continue;
                }

                Expr? nested = null;
                bool generated = variable.Initializer is not null && ParseGeneratedGradient(variable.Initializer.Value, output, out nested);
                string name = Declare(local);
                Expr? init = variable.Initializer is null ? null : generated ? nested : ParseExpression(variable.Initializer.Value);
                string source = MethodParser.OneLine(declaration.Declaration.Type + " " + variable) + ";";
                output.Add(new LocalDecl(name, type, init, source));
            }
        }

        private string Declare(ILocalSymbol local)
        {
            string name = DeclareName(local.Name, TypeNames.Of(local.Type));
            _localNames[local] = name;
            return name;
        }

        private string DeclareName(string wanted, string type)
        {
            // Locals of the same name and type in sibling scopes (two loops' `i`, two blocks' `acc`) keep their name:
            // they never live at the same time. Only a clash of types needs a new name.
            string name = wanted;
            for (int i = 2; _usedNames.Contains(name) && !Locals.Any(l => l.Name == name && l.Type == type); i++)
            {
                name = wanted + "_" + i.ToString(CultureInfo.InvariantCulture);
            }

            if (_usedNames.Add(name))
            {
                Locals.Add(new LocalSpec(name, type));
            }

            return name;
        }

        private void ParseExpressionStatement(ExpressionStatementSyntax statement, List<Stmt> output)
            => ParseEffect(statement.Expression, MethodParser.OneLine(statement.ToString()), output);

        /// <summary>An expression run for its effect: an expression statement, or the expression body of a void method.</summary>
        private void ParseEffect(ExpressionSyntax expression, string source, List<Stmt> output)
        {
            switch (expression)
            {
                case AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Left: TupleExpressionSyntax or DeclarationExpressionSyntax } deconstruction:
                    ParseDeconstruction(deconstruction, output);
                    return;
                case AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Right: InvocationExpressionSyntax call } assignment
                    when OutResultsCall(call) is { } outCallee:
                {
                    // s = F(x, out b): b is assigned by the call, s after it.
                    Expr? left = ParseTarget(assignment.Left);
                    if (LowerOutCall(call, outCallee, value: true, output) is { } returned && left is not null)
                    {
                        output.Add(new Assign(left, "=", Converted(returned, left.Type), source));
                    }

                    return;
                }

                case InvocationExpressionSyntax call when OutResultsCall(call) is { } outCallee:
                    _ = LowerOutCall(call, outCallee, value: false, output);
                    return;
                case AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment when TupleLocalSymbol(assignment.Left) is { } tuple:
                    AssignTuple(tuple, assignment.Right, output); // p = Polar(x, y);
                    return;
                case AssignmentExpressionSyntax assignment when ParseStructAssignment(assignment, output):
                    return;
                case AssignmentExpressionSyntax { OperatorToken.Text: "=" } assignment when ParseGeneratedGradient(assignment.Right, output, out Expr? nested):
                    if (ParseTarget(assignment.Left) is { } assigned && nested is not null)
                    {
                        output.Add(new Assign(assigned, "=", nested, source));
                    }

                    return;
                case InvocationExpressionSyntax invocation when ParseGeneratedGradient(invocation, output, out _):
                    return;
                case AssignmentExpressionSyntax assignment:
                {
                    string op = assignment.OperatorToken.Text;
                    if (op is not ("=" or "+=" or "-=" or "*=" or "/="))
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, assignment.OperatorToken.GetLocation(), op, "use =, +=, -=, *= or /=");
                        return;
                    }

                    Expr? target = ParseTarget(assignment.Left);
                    string left = MethodParser.OneLine(assignment.Left.ToString());
                    if (target is not null && !(op == "=" && ParseSwitchStatements(assignment.Right, (v, text) => new Assign(target, "=", v, left + " = " + text + ";"), output)))
                    {
                        output.Add(new Assign(target, op, ParseExpression(assignment.Right), source));
                    }

                    return;
                }

                case PostfixUnaryExpressionSyntax { Operand: var operand } postfix when postfix.IsKind(SyntaxKind.PostIncrementExpression) || postfix.IsKind(SyntaxKind.PostDecrementExpression):
                    AddIncrement(operand, postfix.IsKind(SyntaxKind.PostIncrementExpression), source, output);
                    return;
                case PrefixUnaryExpressionSyntax { Operand: var operand } prefix when prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression):
                    AddIncrement(operand, prefix.IsKind(SyntaxKind.PreIncrementExpression), source, output);
                    return;
                case InvocationExpressionSyntax invocation:
                {
                    int reported = _diagnostics.Count;
                    Expr call = ParseExpression(invocation);
                    if (call is UserCall userCall)
                    {
                        output.Add(new CallStatement(userCall, source));
                    }
                    else if (_diagnostics.Count > reported)
                    {
                        // The call itself was reported (one error per root cause).
                    }
                    else if (call is not Opaque)
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), MethodParser.OneLine(invocation.ToString()), "a call whose value is discarded has no effect; assign it to a local");
                    }
                    else
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), MethodParser.OneLine(invocation.ToString()),
                            "calls used as statements must be [Differentiable] methods or have a registered [DerivativeOf] backward");
                    }

                    return;
                }

                default:
                    Report(DiagnosticDescriptors.UnsupportedExpression, expression.GetLocation(), MethodParser.OneLine(expression.ToString()), "use an assignment, ++, -- or a call of a differentiable method");
                    return;
            }
        }

        private void AddIncrement(ExpressionSyntax operand, bool increment, string source, List<Stmt> output)
        {
            Expr? target = ParseTarget(operand);
            if (target is not null)
            {
                output.Add(new Assign(target, increment ? "+=" : "-=", OneOf(target.Type), source));
            }
        }

        private static Literal OneOf(string type) => type switch
        {
            "double" => new Literal("1.0", "double"),
            "float" => new Literal("1f", "float"),
            _ => new Literal("1", type),
        };

        private Expr? ParseTarget(ExpressionSyntax target)
        {
            SymbolInfo info = _model.GetSymbolInfo(target, _cancellationToken);
            if (Result(info.Symbol) is { } result && target is IdentifierNameSyntax)
            {
                return result;
            }

            if (Spec(info.Symbol) is { } parameter && Unthis(target) is IdentifierNameSyntax)
            {
                if (parameter.IsField)
                {
                    Report(DiagnosticDescriptors.InstanceState, target.GetLocation(), _method.Name, "assigns its field '" + parameter.Name + "', a parameter of the layer: copy it into a local first");
                    return null;
                }

                Report(DiagnosticDescriptors.ParameterAssigned, target.GetLocation(), parameter.Name);
                return null;
            }

            if (target is IdentifierNameSyntax && info.Symbol is ILocalSymbol)
            {
                return ParseExpression(target);
            }

            if (TupleElement(target) is { } tupleElement)
            {
                return tupleElement; // p.R = …
            }

            if (target is MemberAccessExpressionSyntax && StructRoot(target) is ({ } root, _))
            {
                if (root is IParameterSymbol structParameter)
                {
                    Report(DiagnosticDescriptors.ParameterAssigned, target.GetLocation(), structParameter.Name);
                    return null;
                }

                return StructField(target, TypeNames.Of(_model.GetTypeInfo(target, _cancellationToken).Type)) is Name field ? field : null;
            }

            if (target is ElementAccessExpressionSyntax element)
            {
                Expr parsed = ParseExpression(element);
                if (parsed is Element e && _parameters.TryGetValue(e.Span, out ParameterSpec? spec) && spec.Kind == ParameterKind.SpanOutput)
                {
                    return parsed;
                }

                if (parsed is Element && !UsesRejected(target))
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, target.GetLocation(), MethodParser.OneLine(target.ToString()), "only Span<float|double> output parameters can be written");
                }

                return null;
            }

            Report(DiagnosticDescriptors.UnsupportedExpression, target.GetLocation(), MethodParser.OneLine(target.ToString()), "assign to a local or to an element of a Span<T> output");
            return null;
        }

        private void ParseFor(ForStatementSyntax loop, List<Stmt> output)
        {
            string header = "for (" + MethodParser.OneLine(loop.Declaration?.ToString() ?? "") + "; "
                + MethodParser.OneLine(loop.Condition?.ToString() ?? "") + "; "
                + string.Join(", ", loop.Incrementors.Select(i => MethodParser.OneLine(i.ToString()))) + ")";
            Location where = loop.ForKeyword.GetLocation();

            if (loop.Declaration is not { Variables.Count: 1 } declaration || loop.Initializers.Count > 0
                || declaration.Variables[0].Initializer is null
                || _model.GetDeclaredSymbol(declaration.Variables[0], _cancellationToken) is not ILocalSymbol counter
                || !TypeNames.IsIntegral(counter.Type))
            {
                Report(DiagnosticDescriptors.UnsupportedLoop, where, "declare exactly one integer counter in the loop header, as in 'for (int i = 0; i < n; i++)'");
                return;
            }

            if (loop.Condition is null)
            {
                Report(DiagnosticDescriptors.UnsupportedLoop, where, "the loop needs a condition that bounds its trip count");
                return;
            }

            Expr? step = loop.Incrementors.Count == 1 ? ParseStep(loop.Incrementors[0], counter) : null;
            if (step is null)
            {
                Report(DiagnosticDescriptors.UnsupportedLoop, where, $"the counter '{counter.Name}' must change by one step per iteration: {counter.Name}++, {counter.Name}--, {counter.Name} += k or {counter.Name} -= k");
                return;
            }

            // The reverse sweep recomputes the counter from the trip count, so the body must not change it.
            foreach (SyntaxNode node in loop.Statement.DescendantNodesAndSelf())
            {
                ExpressionSyntax? written = node switch
                {
                    AssignmentExpressionSyntax a => a.Left,
                    PostfixUnaryExpressionSyntax p when !p.IsKind(SyntaxKind.SuppressNullableWarningExpression) => p.Operand,
                    PrefixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.PreIncrementExpression) || p.IsKind(SyntaxKind.PreDecrementExpression) => p.Operand,
                    _ => null,
                };
                if (written is not null && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(written, _cancellationToken).Symbol, counter))
                {
                    Report(DiagnosticDescriptors.UnsupportedLoop, written.GetLocation(), $"the body assigns the counter '{counter.Name}'; use another variable");
                    return;
                }
            }

            // The reverse sweep recomputes counter values from the start and the step: the body must not change them.
            var assignedInBody = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (SyntaxNode node in loop.Statement.DescendantNodesAndSelf())
            {
                ExpressionSyntax? written = node switch
                {
                    AssignmentExpressionSyntax a => a.Left,
                    PostfixUnaryExpressionSyntax p => p.Operand,
                    PrefixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.PreIncrementExpression) || p.IsKind(SyntaxKind.PreDecrementExpression) => p.Operand,
                    _ => null,
                };
                if (written is not null && _model.GetSymbolInfo(written, _cancellationToken).Symbol is { } symbol)
                {
                    assignedInBody.Add(symbol);
                }
            }

            foreach (ExpressionSyntax part in new[] { declaration.Variables[0].Initializer!.Value }.Concat(loop.Incrementors))
            {
                foreach (IdentifierNameSyntax id in part.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
                {
                    ISymbol? symbol = _model.GetSymbolInfo(id, _cancellationToken).Symbol;
                    if (symbol is not null && !SymbolEqualityComparer.Default.Equals(symbol, counter) && assignedInBody.Contains(symbol))
                    {
                        Report(DiagnosticDescriptors.UnsupportedLoop, id.GetLocation(), $"the body changes '{id.Identifier.Text}', which the loop's start or step uses; keep them fixed while the loop runs");
                        return;
                    }
                }
            }

            string name = Declare(counter);
            Expr init = ParseExpression(declaration.Variables[0].Initializer!.Value);
            Expr condition = ParseExpression(loop.Condition);
            Block body = ParseEmbedded(loop.Statement);
            output.Add(new For(name, TypeNames.Of(counter.Type), init, condition, step, body, header));
        }

        /// <summary>
        /// <c>foreach (T v in x)</c> over a span or array parameter is the loop <c>for (int i = 0; i &lt; x.Length; i++) { T v = x[i]; … }</c>,
        /// with a counter named like nothing else in the method.
        /// </summary>
        private void ParseForEach(ForEachStatementSyntax loop, List<Stmt> output)
        {
            if (UsesRejected(loop.Expression))
            {
                return; // over a local already reported (a buffer SymGrad cannot lend)
            }

            if (Part(loop.Expression, "") is not { } part || _model.GetDeclaredSymbol(loop, _cancellationToken) is not ILocalSymbol item)
            {
                Report(DiagnosticDescriptors.UnsupportedLoop, loop.ForEachKeyword.GetLocation(),
                    "foreach runs over a span or array parameter or a part of one, as in 'foreach (double v in x)' or 'foreach (double v in x[1..])'; write other loops as for loops over indices");
                return;
            }

            // Over a part x[a..b]: the counter runs over the part's indices in x, from its start to its end.
            ParameterSpec spec = _parameters[part.Span];
            string counter = FreshCounter(loop);
            string itemType = TypeNames.Of(item.Type);
            string header = "foreach (" + MethodParser.OneLine(loop.Type.ToString()) + " " + loop.Identifier.ValueText + " in " + MethodParser.OneLine(loop.Expression.ToString()) + ")";
            var body = new List<Stmt>();
            if (!DeclareStructItem(item, spec.Name, new Name(counter, "int"), body))
            {
                string name = Declare(item);
                Expr element = new Element(spec.Name, new Name(counter, "int"), spec.ElementType);
                if (itemType != spec.ElementType)
                {
                    element = new Cast(element, itemType);
                }

                body.Add(new LocalDecl(name, itemType, element, MethodParser.OneLine(loop.Type.ToString()) + " " + name + " = " + spec.Name + "[" + counter + "];"));
            }

            body.AddRange(ParseEmbedded(loop.Statement).Statements);

            // C# takes the part once, before the loop; the lowered loop reads its bounds at each iteration.
            string? changed = Reads.Of(part.Start).Concat(Reads.Of(part.Length)).FirstOrDefault(Walk.Assigned(new Block(body.ToEquatableArray())).Contains);
            if (changed is not null)
            {
                Report(DiagnosticDescriptors.UnsupportedLoop, loop.ForEachKeyword.GetLocation(),
                    $"the body changes '{changed}', which the part it runs over uses; keep the bounds fixed while the loop runs");
                return;
            }

            Expr start = part.Start ?? new Literal("0", "int");
            Expr end = part.Length is { } length ? Simplifier.Simplify(new Binary("+", start, length, "int"))
                : new Opaque("{0}.Length", new[] { spec.Name }.ToEquatableArray(), "int");
            output.Add(new For(counter, "int", start, new Binary("<", new Name(counter, "int"), end, "bool"), new Literal("1", "int"),
                new Block(body.ToEquatableArray()), header));
        }

        /// <summary>
        /// <c>while (c) body</c> and <c>do body while (c);</c>: loops with a counter of their own that nothing reads
        /// (see <see cref="LoopForm"/>); the forward code counts their trips and the reverse sweep replays that many.
        /// </summary>
        private void ParseWhile(StatementSyntax loop, ExpressionSyntax test, StatementSyntax statement, LoopForm form, string header, List<Stmt> output)
        {
            string counter = FreshCounter(loop);
            var k = new Name(counter, "int");
            Expr condition = ParseExpression(test);
            if (form == LoopForm.DoWhile)
            {
                condition = new Binary("||", new Binary("==", k, new Literal("0", "int"), "bool"), condition, "bool");
            }

            Block body = ParseEmbedded(statement);
            output.Add(new For(counter, "int", new Literal("0", "int"), condition, new Literal("1", "int"), body, header) { Form = form });
        }

        /// <summary>A counter for a loop the user wrote without one, named like nothing in the method.</summary>
        private string FreshCounter(SyntaxNode loop)
        {
            var taken = new HashSet<string>(_usedNames.Concat(loop.Ancestors().OfType<MemberDeclarationSyntax>().First().DescendantTokens()
                .Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText)));
            string counter = new[] { "i", "j", "k" }.Concat(Enumerable.Range(2, 1000).Select(n => "i" + n.ToString(CultureInfo.InvariantCulture))).First(n => !taken.Contains(n));
            _usedNames.Add(counter);
            Locals.Add(new LocalSpec(counter, "int"));
            return counter;
        }

        private Expr? ParseStep(ExpressionSyntax incrementor, ILocalSymbol counter)
        {
            bool IsCounter(ExpressionSyntax e) => SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(e, _cancellationToken).Symbol, counter);
            string type = TypeNames.Of(counter.Type);
            switch (incrementor)
            {
                case PostfixUnaryExpressionSyntax p when IsCounter(p.Operand):
                    return new Literal(p.IsKind(SyntaxKind.PostIncrementExpression) ? "1" : "-1", type);
                case PrefixUnaryExpressionSyntax p when IsCounter(p.Operand) && (p.IsKind(SyntaxKind.PreIncrementExpression) || p.IsKind(SyntaxKind.PreDecrementExpression)):
                    return new Literal(p.IsKind(SyntaxKind.PreIncrementExpression) ? "1" : "-1", type);
                case AssignmentExpressionSyntax a when IsCounter(a.Left) && (a.IsKind(SyntaxKind.AddAssignmentExpression) || a.IsKind(SyntaxKind.SubtractAssignmentExpression)):
                {
                    Expr amount = ParseExpression(a.Right);
                    return a.IsKind(SyntaxKind.AddAssignmentExpression) ? amount : new Unary("-", amount, type);
                }

                default:
                    return null;
            }
        }

        public Expr ParseExpression(ExpressionSyntax syntax)
        {
            TypeInfo info = _model.GetTypeInfo(syntax, _cancellationToken);
            Expr parsed = ParseCore(syntax, info);
            if (info.Type is { TypeKind: TypeKind.Error })
            {
                parsed = Retyped(parsed); // around a call of a generated method, which does not bind yet
            }

            // Implicit numeric conversions (int → double, float → double) become explicit casts.
            string converted = TypeNames.Of(info.ConvertedType);
            if (info.ConvertedType is not null && converted != parsed.Type && parsed.Type != "span"
                && (TypeNames.IsReal(info.ConvertedType) || TypeNames.IsIntegral(info.ConvertedType)))
            {
                // A constant (1, -1, 2 * 3) converts at compile time: -1.0, not (double)(-1).
                return _model.GetConstantValue(syntax, _cancellationToken) is { HasValue: true, Value: { } value } && FormatConstant(value, converted) is { } folded
                    ? folded
                    : new Cast(parsed, converted);
            }

            return parsed;
        }

        /// <summary>An expression Roslyn could not type (it reads a generated call): its type from its operands', as C# promotes them.</summary>
        private static Expr Retyped(Expr e) => e switch
        {
            Binary b when b.Op is "<" or "<=" or ">" or ">=" or "==" or "!=" or "&&" or "||" => b with { Type = "bool" },
            Binary b => b with { Type = b.Left.Type == "double" || b.Right.Type == "double" ? "double" : b.Left.Type is "float" ? "float" : b.Right.Type },
            Unary u => u with { Type = u.Operand.Type },
            Conditional c => c with { Type = c.WhenTrue.Type == "double" || c.WhenFalse.Type == "double" ? "double" : c.WhenTrue.Type },
            _ => e,
        };

        private Expr ParseCore(ExpressionSyntax syntax, TypeInfo info)
        {
            string type = TypeNames.Of(info.Type);
            switch (syntax)
            {
                case ParenthesizedExpressionSyntax parenthesized:
                    return ParseExpression(parenthesized.Expression);
                case LiteralExpressionSyntax literal:
                    if (literal.IsKind(SyntaxKind.NumericLiteralExpression) || literal.IsKind(SyntaxKind.TrueLiteralExpression) || literal.IsKind(SyntaxKind.FalseLiteralExpression))
                    {
                        return new Literal(literal.Token.Text, type);
                    }

                    if (literal.IsKind(SyntaxKind.CharacterLiteralExpression) && literal.Token.Value is char c)
                    {
                        return new Literal(((int)c).ToString(CultureInfo.InvariantCulture), "int"); // 'a' in arithmetic is its code
                    }

                    break;
                case IdentifierNameSyntax identifier:
                {
                    ISymbol? symbol = _model.GetSymbolInfo(identifier, _cancellationToken).Symbol;
                    if (Bound(symbol) is { } bound)
                    {
                        return bound; // a parameter or local of a local function being inlined
                    }

                    if (Result(symbol) is { } result)
                    {
                        return result with { Type = type };
                    }

                    if (symbol is ILocalSymbol local && _localNames.TryGetValue(local, out string? localName))
                    {
                        return new Name(localName, type);
                    }

                    if (Spec(symbol) is { } parameter)
                    {
                        return new Name(parameter.Name, type);
                    }

                    if (RefuseWholeTuple(identifier, symbol))
                    {
                        return new Literal("0", type);
                    }

                    if (symbol is not null && IsStruct(symbol))
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, identifier.GetLocation(), identifier.Identifier.Text, StructWhole);
                        return new Literal("0", type);
                    }

                    if (_model.GetConstantValue(identifier, _cancellationToken) is { HasValue: true, Value: { } value } && FormatConstant(value, type) is { } constant)
                    {
                        return constant;
                    }

                    if (symbol is IFieldSymbol or IPropertySymbol)
                    {
                        // A static field or property: a constant with respect to differentiation.
                        return MakeOpaque(identifier, type);
                    }

                    break;
                }

                case ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } access when Buffer(access.Expression) is { } spec:
                    return new Element(spec.Name, Position(access.ArgumentList.Arguments[0].Expression, spec.Name), type);
                case MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } member when Spec(_model.GetSymbolInfo(member, _cancellationToken).Symbol) is not null:
                    return ParseExpression(member.Name); // this.W is W
                case PrefixUnaryExpressionSyntax prefix when prefix.IsKind(SyntaxKind.UnaryMinusExpression) || prefix.IsKind(SyntaxKind.LogicalNotExpression):
                    return new Unary(prefix.OperatorToken.Text, ParseExpression(prefix.Operand), type);
                case PrefixUnaryExpressionSyntax prefix when prefix.IsKind(SyntaxKind.UnaryPlusExpression):
                    return ParseExpression(prefix.Operand);
                case BinaryExpressionSyntax binary:
                {
                    string op = binary.OperatorToken.Text;
                    if (op is "+" or "-" or "*" or "/" or "<" or "<=" or ">" or ">=" or "==" or "!=" or "&&" or "||"
                        || (op is "%" or "&" or "|" or "^" or "<<" or ">>" && !TypeNames.IsReal(info.Type)))
                    {
                        Expr left = ParseExpression(binary.Left), right = ParseExpression(binary.Right);
                        if (op is "<" or "<=" or ">" or ">=" or "==" or "!=" && left == right && Reads.Of(left).Count > 0 && !binary.Left.IsEquivalentTo(binary.Right))
                        {
                            // Inlining made both sides one variable (L(c, c) comparing its parameters): C# warns of a comparison
                            // of a variable with itself (CS1718), and folding it would lose the NaN test; +c keeps both.
                            right = new Unary("+", right, right.Type);
                        }

                        return new Binary(op, left, right, type);
                    }

                    Report(DiagnosticDescriptors.UnsupportedExpression, binary.OperatorToken.GetLocation(), op, "this operator has no derivative rule; use + - * / and Math functions");
                    return new Literal("0", type);
                }

                case SwitchExpressionSyntax switchExpression:
                    return ParseSwitchExpression(switchExpression, type);
                case ConditionalExpressionSyntax conditional:
                    return new Conditional(ParseExpression(conditional.Condition), ParseExpression(conditional.WhenTrue), ParseExpression(conditional.WhenFalse), type);
                case CastExpressionSyntax cast when TypeNames.IsReal(info.Type) || TypeNames.IsIntegral(info.Type):
                    return new Cast(ParseExpression(cast.Expression), type);
                case InvocationExpressionSyntax invocation:
                    return ParseInvocation(invocation, type);
                case MemberAccessExpressionSyntax member when GenericConstant(member, type) is { } constant:
                    return constant; // T.One, T.Pi
                case MemberAccessExpressionSyntax member when StructField(member, type) is { } field:
                    return field; // a.X, p.X: a field of a struct of reals
                case MemberAccessExpressionSyntax member when ElementField(member, type) is { } elementField:
                    return elementField; // pts[i].X: a field of an element of a span of structs
                case MemberAccessExpressionSyntax member when TupleElement(member) is { } element:
                    return element with { Type = type }; // p.R of a tuple local
                case MemberAccessExpressionSyntax member when ResultRead(member) is { } result:
                    return result; // Polar(x, y).Theta, Cross(a, b).X: one result of a call
                case MemberAccessExpressionSyntax { Expression: InvocationExpressionSyntax call } when StructsOfReals.Leaves(_model.GetTypeInfo(call, _cancellationToken).Type) is not null:
                    return ParseExpression(call); // F(a).X: the call is what is outside the subset
                case MemberAccessExpressionSyntax member:
                {
                    if (_model.GetConstantValue(member, _cancellationToken) is { HasValue: true, Value: { } value } && FormatConstant(value, type) is { } constant)
                    {
                        return constant;
                    }

                    if (!TypeNames.IsReal(info.Type) || _model.GetSymbolInfo(member, _cancellationToken).Symbol is { IsStatic: true } || OfConstant(member))
                    {
                        return MakeOpaque(member, type);
                    }

                    break;
                }
            }

            if (!UsesRejected(syntax))
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, syntax.GetLocation(), MethodParser.OneLine(syntax.ToString()), "it is outside the differentiable subset (see README)");
            }

            return new Literal("0", type);
        }

        private Expr ParseInvocation(InvocationExpressionSyntax invocation, string type)
        {
            if (Callee(invocation) is not { } callee)
            {
                if (GeneratedCalls.Of(invocation, _method, _model, _cancellationToken) is { } generated)
                {
                    return ParseGeneratedCall(invocation, generated);
                }

                if (RefuseGeneratedArgument(invocation))
                {
                    return new Literal("0", type);
                }

                Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), MethodParser.OneLine(invocation.ToString()), "the call does not bind to a single method");
                return new Literal("0", type);
            }

            if (callee.MethodKind == MethodKind.LocalFunction)
            {
                return InlineLocalFunction(invocation, callee, type);
            }

            string containing = callee.ContainingType?.ToDisplayString() ?? "";
            if (containing is "System.Linq.Enumerable" or "System.Linq.Queryable" or "System.MemoryExtensions" && ReadsDifferentiable(invocation))
            {
                // One error for the whole query (x.Select(v => v * v).Sum()), with what to write instead.
                Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), MethodParser.OneLine(invocation.ToString()),
                    "LINQ queries and lambdas are outside the subset; write the loop: double s = 0; foreach (double v in x) s += v * v;");
                return new Literal("0", type);
            }

            bool anyRealArgument = invocation.ArgumentList.Arguments.Any(a => TypeNames.IsReal(_model.GetTypeInfo(a.Expression, _cancellationToken).Type));

            // Generic math: T.Exp(x) binds to IExponentialFunctions<T>.Exp — the Math function of the type T is; T.CreateChecked(v) is a conversion.
            bool numerics = callee.IsStatic && callee.ContainingType is { TypeKind: TypeKind.Interface } numeric && numeric.ContainingNamespace?.ToDisplayString() == "System.Numerics";
            if (numerics && callee.Name is "CreateChecked" or "CreateSaturating" or "CreateTruncating" && invocation.ArgumentList.Arguments.Count == 1)
            {
                ExpressionSyntax value = invocation.ArgumentList.Arguments[0].Expression;
                return _model.GetConstantValue(value, _cancellationToken) is { HasValue: true, Value: { } constant } && FormatConstant(constant, type) is { } literal
                    ? literal
                    : new Cast(ParseExpression(value), type);
            }

            // Math, MathF, and the static functions of double and float (double.Exp2, float.Hypot, double.Exp as Math.Exp).
            if (containing is "System.Math" or "System.MathF" || containing is "double" or "float" or "System.Double" or "System.Single" && callee.IsStatic || numerics)
            {
                // A Math function with a rule in the table (by name and arity: Log(x) and Log(x, b)) is differentiated.
                if (Rules.DerivativeRules.Has(callee.Name, invocation.ArgumentList.Arguments.Count) && TypeNames.IsReal(callee.ReturnType)
                    && callee.Parameters.All(p => TypeNames.IsReal(p.Type)))
                {
                    var args = invocation.ArgumentList.Arguments.Select(a => ParseExpression(a.Expression)).ToEquatableArray();
                    return new MathCall(callee.Name, args, type);
                }

                // A step function on numbers stays a call in the tree (its derivative is zero, see DerivativeRules); on anything
                // else (decimal, a MidpointRounding) and for Math functions with no rule, the code is kept as written.
                if (Rules.DerivativeRules.IsPiecewiseConstant(callee.Name) && (TypeNames.IsReal(callee.ReturnType) || TypeNames.IsIntegral(callee.ReturnType))
                    && invocation.ArgumentList.Arguments.All(a => _model.GetTypeInfo(a.Expression, _cancellationToken).Type is var t && (TypeNames.IsReal(t) || TypeNames.IsIntegral(t))))
                {
                    var args = invocation.ArgumentList.Arguments.Select(a => ParseExpression(a.Expression)).ToEquatableArray();
                    return new MathCall(callee.Name, args, type);
                }

                if (Rules.DerivativeRules.IsPiecewiseConstant(callee.Name) || !TypeNames.IsReal(callee.ReturnType))
                {
                    return MakeOpaque(invocation, type);
                }
            }

            if (SymbolEqualityComparer.Default.Equals(callee.OriginalDefinition, _method.OriginalDefinition))
            {
                Report(DiagnosticDescriptors.Recursion, invocation.GetLocation(), _method.Name);
                return new Literal("0", type);
            }

            // F(x, out _) anywhere: the value F returns, its out results discarded.
            if (IsDifferentiable(callee) && OnlyDiscards(invocation) is true && TypeNames.IsReal(callee.ReturnType))
            {
                return ResultsOf(invocation, callee, new[] { ResultCalls.Returned }) is { } returned ? returned(ResultCalls.Returned) : new Literal("0", type);
            }

            if ((callee.Parameters.Any(p => p.RefKind == RefKind.Out) || callee.ReturnType is INamedTypeSymbol { IsTupleType: true }) && ReadsDifferentiable(invocation))
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), MethodParser.OneLine(invocation.ToString()),
                    IsDifferentiable(callee) || IsSinCos(callee) ? SeveralResultsAdvice
                    : "calls of methods with several results (out parameters, a tuple) are differentiated when the method is [Differentiable]; call a method for each result, or write the call outside the differentiable method");
                foreach (ArgumentSyntax argument in invocation.ArgumentList.Arguments.Where(a => a.RefKindKeyword.IsKind(SyntaxKind.OutKeyword)))
                {
                    ISymbol? variable = argument.Expression is DeclarationExpressionSyntax { Designation: SingleVariableDesignationSyntax declared }
                        ? _model.GetDeclaredSymbol(declared, _cancellationToken) : _model.GetSymbolInfo(argument.Expression, _cancellationToken).Symbol;
                    if (variable is not null)
                    {
                        _rejected.Add(variable); // what the call would have written is not reported again
                    }
                }

                return new Literal("0", type);
            }

            if (StructsOfReals.Leaves(callee.ReturnType) is not null && ReadsDifferentiable(invocation))
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), MethodParser.OneLine(invocation.ToString()),
                    IsDifferentiable(callee) ? SeveralResultsAdvice : "calls of methods that return structs of reals are differentiated when the method is [Differentiable]; return their fields as float or double");
                return new Literal("0", type);
            }

            // Point3 arguments: the call of the callee's flat twin, each struct's fields passed one by one (StructCalls) — also
            // of constants, whose text may hold what only the parse can read (a local function's call: kept as written it was
            // CS0117, 9oi5SdLbEyk1); a method SymGrad cannot call so is refused where a derivative would reach it.
            if (callee.Parameters.Any(p => StructsOfReals.Leaves(p.Type) is not null))
            {
                if (StructCalls.Target(callee, _model.Compilation, _cancellationToken, out string reason) is { } flat)
                {
                    return FlatCall(invocation, callee, flat, type);
                }

                if (ReadsDifferentiable(invocation))
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), MethodParser.OneLine(invocation.ToString()), reason);
                    return new Literal("0", type);
                }
            }

            if (!callee.IsStatic && callee.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == CallTargets.DifferentiableAttribute))
            {
                return LayerCall(invocation, callee, type);
            }

            CallTarget? target = CallTargets.Resolve(callee, _method, _model.Compilation);
            if (target is not null)
            {
                return ArgumentsInOrder(invocation, callee, target.Parameters) is { } args ? new UserCall(target, args.ToEquatableArray(), type) : new Literal("0", type);
            }

            if (!TypeNames.IsReal(callee.ReturnType) && !anyRealArgument)
            {
                return MakeOpaque(invocation, type);
            }

            // No derivative: fine on constants, SG0007 once activity analysis sees a derivative flow into it.
            return new UnknownCall(MakeOpaque(invocation, type), callee.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat),
                callee.ContainingType?.Name ?? "T", callee.Name, DerivativeRegistrations.Declaration(callee, callee.Name + "Backward", _model.Compilation),
                LocationInfo.From(invocation.GetLocation()));
        }

        /// <summary>
        /// A call's arguments in the callee's parameter order (<paramref name="specs"/>, one per parameter): each one given,
        /// named ones where they belong, and the default value of each optional parameter the call leaves out — what every
        /// generated method of the callee is then called with. Read off the syntax and the callee's parameters (an argument
        /// calling a generated method has no type yet, so the call has no bound operation). Null once reported (a default
        /// that is not a constant number or bool, a params array).
        /// </summary>
        private List<Expr>? ArgumentsInOrder(InvocationExpressionSyntax invocation, IMethodSymbol callee, IReadOnlyList<ParameterSpec> specs)
        {
            var arguments = invocation.ArgumentList.Arguments;
            var given = new ExpressionSyntax?[specs.Count];
            bool placed = callee.Parameters.Length == specs.Count && !callee.Parameters.Any(p => p.IsParams);
            for (int i = 0; i < arguments.Count && placed; i++)
            {
                int at = arguments[i].NameColon is { } named ? callee.Parameters.Select(p => p.Name).ToList().IndexOf(named.Name.Identifier.ValueText) : i;
                placed = at >= 0 && at < specs.Count && given[at] is null;
                if (placed)
                {
                    given[at] = arguments[i].Expression;
                }
            }

            var args = new List<Expr>();
            for (int i = 0; i < specs.Count && placed; i++)
            {
                ParameterSpec spec = specs[i];
                Expr? value = given[i] is { } argument ? spec.IsBuffer ? ParseSpanArgument(argument, spec) : ParseExpression(argument)
                    : callee.Parameters[i].HasExplicitDefaultValue && callee.Parameters[i].ExplicitDefaultValue is { } constant ? FormatConstant(constant, spec.Type) : null;
                placed = value is not null;
                args.Add(value!);
            }

            if (!placed)
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), MethodParser.OneLine(invocation.ToString()),
                    "pass every argument, or leave out optional ones whose default is a number or a bool (a params array is not differentiated)");
                return null;
            }

            return args;
        }

        /// <summary>
        /// A call of the layer's own <c>[Differentiable]</c> method (<c>Score(x)</c>, <c>this.Score(x)</c>): one of its twin with the
        /// fields as parameters, the caller's own fields passed (<see cref="LayerCalls"/>). A method of a layer held in a field
        /// (<c>Head.Score(x)</c>) likewise, on that layer, passed the properties naming its fields here (<c>HeadW</c>). Another
        /// object's method is refused.
        /// </summary>
        private Expr LayerCall(InvocationExpressionSyntax invocation, IMethodSymbol callee, string type)
        {
            bool onThis = LayerCalls.OnThis(invocation.Expression);
            string call = MethodParser.OneLine(invocation.ToString());
            IFieldSymbol? owner = LayerCalls.IsOwn(callee, _method, onThis) ? null : LayerCalls.Owner(invocation.Expression, callee, _method, _model, _cancellationToken);
            if (owner is null && !LayerCalls.IsOwn(callee, _method, onThis))
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), call,
                    "a method of another layer object is differentiated when that object is held in an instance field of this one, of a class type (Head.Score(x) with a field Head), "
                    + "not a static field, a local, a parameter, a property or a struct; hold it in such a field, or chain the layers outside (call each " + callee.Name + "Backward in reverse order, as a training step does)");
                return new Literal("0", type);
            }

            if (LayerCalls.Target(callee, _model.Compilation, _cancellationToken, out string reason, owner is null ? LayerCalls.This : LayerCalls.This + "." + owner.Name) is not { } target)
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), call, reason);
                return new Literal("0", type);
            }

            // The twin's parameters: the fields the callee reads (the caller's own, which it reads through the call, or those of
            // the layer held, which the caller reads under their names here), then the callee's.
            int fields = target.Parameters.Count - callee.Parameters.Length;
            if (FieldArguments(invocation, callee, target.Parameters.Take(fields), owner) is not { } args)
            {
                return new Literal("0", type);
            }

            if (ArgumentsInOrder(invocation, callee, target.Parameters.Skip(fields).ToList()) is not { } given)
            {
                return new Literal("0", type);
            }

            return new UserCall(target, args.Concat(given).ToEquatableArray(), type);
        }

        /// <summary>
        /// The arguments a layer method's twin takes first (<see cref="LayerCalls"/>): the fields it reads, each the caller's own
        /// (<c>W</c>) or, for a layer held in <paramref name="owner"/>, the caller's name for it (<c>HeadW</c>). Null once reported.
        /// </summary>
        private List<Expr>? FieldArguments(InvocationExpressionSyntax invocation, IMethodSymbol callee, IEnumerable<ParameterSpec> fields, IFieldSymbol? owner)
        {
            var args = new List<Expr>();
            foreach (ParameterSpec spec in fields)
            {
                string name = owner is null ? spec.Name : LayerCalls.Alias(owner.Name, spec.Name);
                if (!_parameters.TryGetValue(name, out ParameterSpec? field) || !field.IsField)
                {
                    // A held layer's field missing here was reported where the fields were found (SG0002: out of reach, name taken).
                    if (owner is null)
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), MethodParser.OneLine(invocation.ToString()),
                            "SymGrad did not find the field '" + spec.Name + "' that " + callee.Name + " reads");
                    }

                    return null;
                }

                args.Add(spec.IsBuffer ? new SpanRef(name, null, null, spec.ElementType) : new Name(name, spec.Type));
            }

            return args;
        }

        /// <summary>
        /// A span argument: a span or array parameter, or a part of one — <c>x.Slice(start[, length])</c>,
        /// <c>x.AsSpan([start[, length]])</c>, <c>x.AsSpan(a..b)</c> or <c>x[a..b]</c> (<c>^i</c> counting from the end).
        /// </summary>
        private Expr ParseSpanArgument(ExpressionSyntax argument, ParameterSpec spec)
        {
            if (Part(argument, spec.ElementType) is { } part)
            {
                // A range of an array is a new array (a copy): writes into it would not reach the caller's.
                if (spec.Kind == ParameterKind.SpanOutput && argument is ElementAccessExpressionSyntax && _parameters[part.Span].IsArray)
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, argument.GetLocation(), MethodParser.OneLine(argument.ToString()),
                        "a range of an array is a copy, so what the callee writes would be lost; pass " + part.Span + ".AsSpan("
                        + MethodParser.OneLine(((ElementAccessExpressionSyntax)argument).ArgumentList.Arguments[0].ToString()) + ")");
                    return new SpanRef("?", null, null, spec.ElementType);
                }

                return part;
            }

            Report(DiagnosticDescriptors.UnsupportedExpression, argument.GetLocation(), MethodParser.OneLine(argument.ToString()),
                "pass a span parameter or a slice of one, as in x, x.Slice(offset, length) or x[a..b]");
            return new SpanRef("?", null, null, spec.ElementType);
        }

        /// <summary>
        /// A span or array parameter, or a part of one — <c>x.Slice(start[, length])</c>, <c>x.AsSpan([start[, length]])</c>,
        /// <c>x.AsSpan(a..b)</c>, <c>x[a..b]</c> — or null.
        /// </summary>
        private SpanRef? Part(ExpressionSyntax expression, string elementType)
        {
            if (Buffer(expression) is { } whole)
            {
                return new SpanRef(whole.Name, null, null, elementType);
            }

            if (expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "Slice" or "AsSpan", Expression: var sliced } } slice
                && Buffer(sliced) is { } part && slice.ArgumentList.Arguments.Count <= 2)
            {
                var arguments = slice.ArgumentList.Arguments;
                if (arguments.Count == 1 && arguments[0].Expression is RangeExpressionSyntax within)
                {
                    return Range(part.Name, within, elementType);
                }

                Expr? start = arguments.Count > 0 ? ParseExpression(arguments[0].Expression) : null;
                Expr? length = arguments.Count == 2 ? ParseExpression(arguments[1].Expression) : null;
                return new SpanRef(part.Name, start, length, elementType);
            }

            if (expression is ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } access && access.ArgumentList.Arguments[0].Expression is RangeExpressionSyntax range
                && Buffer(access.Expression) is { } ranged)
            {
                return Range(ranged.Name, range, elementType);
            }

            return null;
        }

        /// <summary>A field of a constant parameter (<c>[NoDerivative] Point3 offset</c>: <c>offset.X</c>), kept as written.</summary>
        private bool OfConstant(MemberAccessExpressionSyntax member)
        {
            ExpressionSyntax root = member;
            while (root is MemberAccessExpressionSyntax access)
            {
                root = access.Expression;
            }

            return root is IdentifierNameSyntax && Spec(_model.GetSymbolInfo(root, _cancellationToken).Symbol) is { Kind: ParameterKind.Constant };
        }

        /// <summary>The constants of generic math as literals: <c>T.One</c>, <c>T.Zero</c>, <c>T.NegativeOne</c>, <c>T.Pi</c>, <c>T.E</c>, <c>T.Tau</c>.</summary>
        private Literal? GenericConstant(MemberAccessExpressionSyntax member, string type)
        {
            if (TypeNames.Substituted is null || !TypeNames.IsReal(_model.GetTypeInfo(member, _cancellationToken).Type)
                || _model.GetSymbolInfo(member, _cancellationToken).Symbol is not IPropertySymbol { IsStatic: true, ContainingType: { TypeKind: TypeKind.Interface } owner } property
                || owner.ContainingNamespace?.ToDisplayString() != "System.Numerics")
            {
                return null;
            }

            double? value = property.Name switch
            {
                "One" => 1,
                "Zero" => 0,
                "NegativeOne" => -1,
                "Pi" => System.Math.PI,
                "E" => System.Math.E,
                "Tau" => 2 * System.Math.PI,
                _ => null,
            };
            return value is { } v ? FormatConstant(v, type) as Literal : null;
        }

        /// <summary>The span or array parameter an expression names, or null.</summary>
        private ParameterSpec? Buffer(ExpressionSyntax expression) =>
            Unthis(expression) is IdentifierNameSyntax identifier && Spec(_model.GetSymbolInfo(identifier, _cancellationToken).Symbol) is { IsBuffer: true } spec ? spec : null;

        /// <summary>The parameter a symbol is: a parameter of the method, a field of a layer object that is one, or a local buffer.</summary>
        private ParameterSpec? Spec(ISymbol? symbol) => symbol switch
        {
            IParameterSymbol p when _parameters.TryGetValue(p.Name, out ParameterSpec? spec) && !spec.IsField => spec,
            IFieldSymbol { IsStatic: false } f when _parameters.TryGetValue(f.Name, out ParameterSpec? spec) && spec.IsField => spec,
            ILocalSymbol l when _buffers.TryGetValue(l, out ParameterSpec? buffer) => buffer,
            _ => null,
        };

        /// <summary><c>this.W</c> names what <c>W</c> does.</summary>
        private static ExpressionSyntax Unthis(ExpressionSyntax expression) =>
            expression is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } member ? member.Name : expression;

        /// <summary><c>x[a..b]</c> is <c>x.Slice(a, b − a)</c>; a missing end is the span's own.</summary>
        private SpanRef Range(string span, RangeExpressionSyntax range, string elementType)
        {
            Expr? start = range.LeftOperand is null ? null : Position(range.LeftOperand, span);
            Expr? end = range.RightOperand is null ? null : Position(range.RightOperand, span);
            Expr? length = end is null ? null : start is null ? end : new Binary("-", end, start, "int");
            return new SpanRef(span, start ?? (length is null ? null : new Literal("0", "int")), length, elementType);
        }

        /// <summary>An index into a span: <c>^i</c> (from the end) is <c>x.Length − i</c>.</summary>
        private Expr Position(ExpressionSyntax index, string span) =>
            index is PrefixUnaryExpressionSyntax hat && hat.IsKind(SyntaxKind.IndexExpression)
                ? new Binary("-", new Opaque("{0}.Length", new[] { span }.ToEquatableArray(), "int"), ParseExpression(hat.Operand), "int")
                : ParseExpression(index);

        /// <summary>
        /// Keeps non-differentiable code as written, with the variables it reads as placeholders and every
        /// type name fully qualified (the generated file has no usings).
        /// </summary>
        private Opaque MakeOpaque(ExpressionSyntax syntax, string type)
        {
            // Code kept as text is invisible to differentiation: a call in it that writes outputs would go unreversed.
            foreach (InvocationExpressionSyntax inner in syntax.DescendantNodes().OfType<InvocationExpressionSyntax>())
            {
                if (_model.GetSymbolInfo(inner, _cancellationToken).Symbol is IMethodSymbol innerCallee
                    && CallTargets.Resolve(innerCallee, _method, _model.Compilation) is { } innerTarget
                    && innerTarget.Parameters.Any(p => p.Kind == ParameterKind.SpanOutput))
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, inner.GetLocation(), MethodParser.OneLine(inner.ToString()),
                        "it writes outputs inside '" + MethodParser.OneLine(syntax.ToString()) + "', which SymGrad keeps as written; call it in a statement of its own first (double t = " + innerCallee.Name + "(…);)");
                }
            }

            var reads = new List<string>();
            var edits = new List<(TextSpanEdit Edit, string Text)>();
            int start = syntax.SpanStart;

            // A local function's call is inlined, as anywhere else: kept as written, its name was a member the generated code
            // does not have (CS0117: Plain(L(3.0)) of a method with no derivative). Names inside it are not edited again.
            var inlined = new List<Microsoft.CodeAnalysis.Text.TextSpan>();
            foreach (InvocationExpressionSyntax call in syntax.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>())
            {
                if (!inlined.Any(s => s.Contains(call.Span)) && _model.GetSymbolInfo(call, _cancellationToken).Symbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction } function)
                {
                    Expr value = InlineLocalFunction(call, function, TypeNames.Of(function.ReturnType));
                    edits.Add((new TextSpanEdit(call.SpanStart - start, call.Span.Length), TemplateOf(value, reads)));
                    inlined.Add(call.Span);
                }
            }

            // An extension method called on its receiver (labels.Count(l => l > 0)) needs a using the generated file does not
            // have: it is written as the static call it is (global::System.Linq.Enumerable.Count(labels, l => l > 0)). Outer
            // calls come first, so nested receivers nest.
            foreach (InvocationExpressionSyntax call in syntax.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>())
            {
                if (call.Expression is MemberAccessExpressionSyntax access
                    && _model.GetSymbolInfo(call, _cancellationToken).Symbol is IMethodSymbol { MethodKind: MethodKind.ReducedExtension, ReducedFrom: { } extension })
                {
                    string owner = extension.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                    edits.Add((new TextSpanEdit(access.Expression.SpanStart - start, 0), owner + "." + access.Name + "("));
                    int afterReceiver = access.Expression.Span.End;
                    edits.Add((new TextSpanEdit(afterReceiver - start, call.ArgumentList.OpenParenToken.Span.End - afterReceiver), call.ArgumentList.Arguments.Count == 0 ? "" : ", "));
                }
            }
            foreach (SimpleNameSyntax name in syntax.DescendantNodesAndSelf().OfType<SimpleNameSyntax>().Where(n => !inlined.Any(s => s.Contains(n.Span))))
            {
                ISymbol? symbol = _model.GetSymbolInfo(name, _cancellationToken).Symbol;
                bool isQualifiedRight = name.Parent is MemberAccessExpressionSyntax m && m.Name == name || name.Parent is QualifiedNameSyntax q && q.Right == name;
                string? replacement = null;
                if (!isQualifiedRight && Bound(symbol) is { } bound)
                {
                    // A parameter (or local) of a local function being inlined is what is bound to it — first, as the parse reads
                    // it, for it may shadow a parameter's name: its reads are this code's, so a derivative flowing into code kept
                    // as written is seen (SG0007) — it was dropped without a word.
                    replacement = TemplateOf(bound, reads);
                }
                else if (symbol is ILocalSymbol local && _localNames.TryGetValue(local, out string? localName))
                {
                    replacement = Placeholder(reads, localName);
                }
                else if (symbol is ILocalSymbol tuple && _tupleLocals.ContainsKey(tuple))
                {
                    // p.R of a tuple local is the local p_R; p whole is refused.
                    if (name.Parent is MemberAccessExpressionSyntax element && element.Expression == name && TupleElement(element) is { } held)
                    {
                        edits.Add((new TextSpanEdit(element.SpanStart - start, element.Span.Length), Placeholder(reads, held.Id)));
                    }
                    else
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, name.GetLocation(), tuple.Name, TupleWhole);
                    }

                    continue;
                }
                else if (!isQualifiedRight && symbol is not null && IsStruct(symbol))
                {
                    // p.X of a struct local is the local p_X, a.X of a struct parameter the parameter a.X: the chain is replaced.
                    ExpressionSyntax chain = name;
                    while (chain.Parent is MemberAccessExpressionSyntax member && member.Expression == chain && StructField(chain, "?") is null)
                    {
                        chain = member;
                    }

                    switch (StructField(chain, "?"))
                    {
                        case Name field:
                            edits.Add((new TextSpanEdit(chain.SpanStart - start, chain.Span.Length), Placeholder(reads, field.Id)));
                            break;
                        case null when symbol is ILocalSymbol:
                            // (A struct parameter read whole in code kept as written is a constant use of it, as of any parameter.)
                            Report(DiagnosticDescriptors.UnsupportedExpression, name.GetLocation(), MethodParser.OneLine(name.ToString()), StructWhole);
                            break;
                    }

                    continue;
                }
                else if (Spec(symbol) is { } field && name.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } self && self.Name == name)
                {
                    // this.x is x: the placeholder replaces both (so this.x.Length is the {0}.Length of x).
                    edits.Add((new TextSpanEdit(self.SpanStart - start, self.Span.Length), Placeholder(reads, field.Name)));
                    continue;
                }
                else if (Spec(symbol) is { } parameter && !isQualifiedRight)
                {
                    replacement = Placeholder(reads, parameter.Name);
                }
                else if (!isQualifiedRight && Result(symbol) is { } result)
                {
                    // An out result is the local it is: read as such, so a derivative flowing into code kept as written is seen (SG0007).
                    replacement = Placeholder(reads, result.Id);
                }
                else if (!isQualifiedRight && symbol is ITypeParameterSymbol parameterType && SymbolEqualityComparer.Default.Equals(parameterType, TypeNames.Substituted))
                {
                    replacement = TypeNames.Of(parameterType); // T.Epsilon of a generic method's instantiation: double.Epsilon
                }
                else if (!isQualifiedRight && symbol is INamedTypeSymbol typeSymbol)
                {
                    replacement = typeSymbol.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                }
                else if (!isQualifiedRight && symbol is { IsStatic: true, ContainingType: { } owner } && symbol is IFieldSymbol or IPropertySymbol or IMethodSymbol)
                {
                    replacement = owner.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + name.Identifier.Text;
                }

                if (replacement is not null)
                {
                    edits.Add((new TextSpanEdit(name.Identifier.SpanStart - start, name.Identifier.Span.Length), replacement));
                }
            }

            string text = syntax.ToString();
            var builder = new StringBuilder();
            int position = 0;
            foreach ((TextSpanEdit edit, string replacement) in edits.OrderBy(e => e.Edit.Start))
            {
                builder.Append(Escape(text.Substring(position, edit.Start - position)));
                builder.Append(replacement.StartsWith("{", System.StringComparison.Ordinal) ? replacement
                    : replacement.StartsWith(TemplateMark, System.StringComparison.Ordinal) ? replacement.Substring(TemplateMark.Length) : Escape(replacement));
                position = edit.Start + edit.Length;
            }

            builder.Append(Escape(text.Substring(position)));
            return new Opaque(MethodParser.OneLine(builder.ToString()), reads.ToEquatableArray(), type);
        }

        private static string Placeholder(List<string> reads, string name)
        {
            int index = reads.IndexOf(name);
            if (index < 0)
            {
                index = reads.Count;
                reads.Add(name);
            }

            return "{" + index.ToString(CultureInfo.InvariantCulture) + "}";
        }

        private static string Escape(string text) => text.Replace("{", "{{").Replace("}", "}}");

        // Marks a replacement that is a template already (TemplateOf): appended as it is, not escaped.
        private const string TemplateMark = "\u0001";

        /// <summary>An expression as code kept as written, parenthesized: its reads placeholders, its braces escaped (marked: not escaped again).</summary>
        private static string TemplateOf(Expr value, List<string> reads)
        {
            string text = Emit.ExprPrinter.Print(value, read => "\u0002" + Placeholder(reads, read).Trim('{', '}') + "\u0003");
            return TemplateMark + "(" + System.Text.RegularExpressions.Regex.Replace(Escape(text), "\u0002(\\d+)\u0003", "{$1}") + ")";
        }

        private readonly record struct TextSpanEdit(int Start, int Length);

        /// <summary>Writes a compile-time constant as a literal of <paramref name="type"/>.</summary>
        internal static Literal? FormatConstant(object value, string type)
        {
            if (value is char c)
            {
                value = (int)c; // 'a' in arithmetic is its code
            }

            switch (type)
            {
                case "double":
                {
                    double d = System.Convert.ToDouble(value, CultureInfo.InvariantCulture);
                    if (double.IsNaN(d) || double.IsInfinity(d))
                    {
                        return null;
                    }

                    string text = d.ToString("R", CultureInfo.InvariantCulture);
                    if (text.IndexOfAny(new[] { '.', 'E', 'e' }) < 0)
                    {
                        text += ".0";
                    }

                    return new Literal(text, type);
                }

                case "float":
                {
                    float f = System.Convert.ToSingle(value, CultureInfo.InvariantCulture);
                    return float.IsNaN(f) || float.IsInfinity(f) ? null : new Literal(f.ToString("R", CultureInfo.InvariantCulture) + "f", type);
                }

                case "int" or "long" or "short" or "byte" or "uint" or "ulong":
                    return new Literal(System.Convert.ToString(value, CultureInfo.InvariantCulture)! + (type == "long" ? "L" : ""), type);
                case "bool":
                    return new Literal((bool)value ? "true" : "false", type);
                default:
                    return null;
            }
        }

        /// <summary>
        /// Whether a call reads what may carry a derivative: a differentiable parameter, an output, or a real local. A query
        /// over constants only (<c>[NoDerivative]</c> data, labels) stays code kept as written.
        /// </summary>
        private bool ReadsDifferentiable(InvocationExpressionSyntax invocation) => invocation.DescendantNodes().OfType<IdentifierNameSyntax>()
            .Any(id => _model.GetSymbolInfo(id, _cancellationToken).Symbol is var symbol && Bound(symbol) is { } bound
                ? Reads.Of(bound).Any() // an inlined local function's parameter (first: it may shadow a parameter's name): what its argument reads
                : Spec(symbol) is { } spec
                ? spec.IsDifferentiable || spec.Kind == ParameterKind.SpanOutput
                : symbol is ILocalSymbol l && TypeNames.IsReal(l.Type) && _localNames.ContainsKey(l) || symbol is not null && IsStruct(symbol) || Result(symbol) is not null);

        /// <summary>Whether <paramref name="node"/> reads a local already reported (its declaration is the root cause).</summary>
        private bool UsesRejected(SyntaxNode node) => _rejected.Count > 0 && node.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
            .Any(id => _model.GetSymbolInfo(id, _cancellationToken).Symbol is { } symbol && _rejected.Contains(symbol));

        private void Report(DiagnosticDescriptor descriptor, Location location, params string[] arguments)
            => _diagnostics.Add(DiagnosticInfo.Create(descriptor, location, arguments));
    }
}
