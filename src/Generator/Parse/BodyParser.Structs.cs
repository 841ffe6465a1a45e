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
    /// Structs of reals, field by field (see <see cref="StructsOfReals"/>): <c>a.X</c> of a parameter is the parameter
    /// <c>a.X</c>; a local <c>Point3 p</c> is the locals <c>p_X</c>, <c>p_Y</c>, <c>p_Z</c>, declared, assigned and returned
    /// field by field. A struct value is a variable, <c>new Point3 { X = … }</c>, <c>new Point3(x, y, z)</c> when the
    /// constructor only assigns fields from its parameters, or <c>default</c>.
    /// </summary>
    internal sealed partial class BodyParser
    {
        private const string StructWhole = "a struct of reals is differentiated field by field: read its fields (p.X), assign it whole (p = q;) or return it; passing it whole elsewhere is not differentiated yet";

        // Each struct local's fields, by path (.X, .From.X), as the locals that hold them.
        private readonly Dictionary<ILocalSymbol, Dictionary<string, Name>> _structLocals = new(SymbolEqualityComparer.Default);

        /// <summary><c>Point3 p = …;</c>: a local per field, each initialised from the value's field.</summary>
        private bool ParseStructDeclaration(ILocalSymbol local, VariableDeclaratorSyntax variable, List<Stmt> output)
        {
            if (StructsOfReals.Leaves(local.Type) is not { } leaves)
            {
                return false;
            }

            var fields = new Dictionary<string, Name>();
            foreach (StructLeaf leaf in leaves)
            {
                string type = TypeNames.Of(leaf.Type);
                fields[leaf.Path] = new Name(DeclareName(local.Name + leaf.Suffix, type), type);
            }

            _structLocals[local] = fields;
            List<(Expr Value, string Text)>? values = variable.Initializer is null ? null : StructValue(variable.Initializer.Value, leaves);
            for (int i = 0; i < leaves.Count; i++)
            {
                Name field = fields[leaves[i].Path];
                output.Add(new LocalDecl(field.Id, field.Type, values?[i].Value,
                    TypeNames.Of(leaves[i].Type) + " " + local.Name + leaves[i].Path + (values is null ? "" : " = " + values[i].Text) + ";"));
            }

            return true;
        }

        /// <summary><c>foreach (Point3 p in pts)</c>: the item is a struct local whose fields are read from the element.</summary>
        private bool DeclareStructItem(ILocalSymbol item, string span, Expr index, List<Stmt> output)
        {
            if (StructsOfReals.Leaves(item.Type) is not { } leaves || leaves.Any(l => !TypeNames.IsReal(l.Type)))
            {
                return false;
            }

            var fields = new Dictionary<string, Name>();
            foreach (StructLeaf leaf in leaves)
            {
                string type = TypeNames.Of(leaf.Type);
                fields[leaf.Path] = new Name(DeclareName(item.Name + leaf.Suffix, type), type);
                output.Add(new LocalDecl(fields[leaf.Path].Id, type, new Element(span, index, type) { Member = leaf.Path }, type + " " + item.Name + leaf.Path + " = " + span + "[" + (index as Name)?.Id + "]" + leaf.Path + ";"));
            }

            _structLocals[item] = fields;
            return true;
        }

        /// <summary><c>p = q;</c> on a struct local: an assignment per field.</summary>
        private bool ParseStructAssignment(AssignmentExpressionSyntax assignment, List<Stmt> output)
        {
            if (_model.GetSymbolInfo(assignment.Left, _cancellationToken).Symbol is not ILocalSymbol local || !_structLocals.TryGetValue(local, out var fields))
            {
                return false;
            }

            if (!assignment.IsKind(SyntaxKind.SimpleAssignmentExpression))
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, assignment.OperatorToken.GetLocation(), assignment.OperatorToken.Text, "assign a struct with =, or its fields one by one (p.X += …)");
                return true;
            }

            List<StructLeaf> leaves = StructsOfReals.Leaves(local.Type)!;
            if (StructValue(assignment.Right, leaves) is { } values)
            {
                // p = new P { X = p.Y, Y = p.X }: C# evaluates the whole value before assigning; field by field, a later field
                // would read an earlier one's new value. Such values are held in locals first.
                var targets = new HashSet<string>(fields.Values.Select(f => f.Id));
                if (values.Any(v => Reads.Of(v.Value).Any(targets.Contains)))
                {
                    for (int i = 0; i < leaves.Count; i++)
                    {
                        if (Reads.Of(values[i].Value).Any(targets.Contains))
                        {
                            string type = TypeNames.Of(leaves[i].Type);
                            string held = FreshName(local.Name + leaves[i].Suffix + "_value", type);
                            output.Add(new LocalDecl(held, type, values[i].Value, type + " " + held + " = " + values[i].Text + ";"));
                            values[i] = (new Name(held, type), values[i].Text);
                        }
                    }
                }

                for (int i = 0; i < leaves.Count; i++)
                {
                    // p = new P { X = p.X, … } keeps p.X: no p_X = p_X (CS1717 in generated code).
                    if (values[i].Value != fields[leaves[i].Path] with { Type = values[i].Value.Type })
                    {
                        output.Add(new Assign(fields[leaves[i].Path], "=", values[i].Value, local.Name + leaves[i].Path + " = " + values[i].Text + ";"));
                    }
                }
            }

            return true;
        }

        /// <summary>A local name used nowhere else in the method (not even in a sibling scope).</summary>
        private string FreshName(string wanted, string type)
        {
            string name = wanted;
            for (int i = 2; _usedNames.Contains(name); i++)
            {
                name = wanted + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            _usedNames.Add(name);
            Locals.Add(new LocalSpec(name, type));
            return name;
        }

        /// <summary><c>return q;</c> in a method returning a struct: each real field assigned to its result, then a plain return.</summary>
        private void ParseStructReturn(ExpressionSyntax? value, ScalarResult[] results, List<Stmt> output)
        {
            List<StructLeaf> leaves = StructsOfReals.Leaves(_method.ReturnType)!;
            if (value is not null && StructValue(value, leaves) is { } values)
            {
                foreach (ScalarResult result in results)
                {
                    int i = leaves.FindIndex(l => l.Path == result.Path);
                    output.Add(new Assign(new Name(result.Name, result.Type), "=", values[i].Value, result.Name + " = " + values[i].Text + ";"));
                }
            }

            output.Add(new Return(null, "return " + MethodParser.OneLine(value?.ToString() ?? "") + ";"));
        }

        /// <summary>A field of a struct parameter or local (<c>a.X</c>, <c>line.From.X</c>), or null.</summary>
        private Expr? StructField(ExpressionSyntax expression, string type)
        {
            if (StructRoot(expression) is not ({ } root, string path))
            {
                return null;
            }

            return Field(root, path, type);
        }

        /// <summary>The field at <paramref name="path"/> of a struct parameter or local.</summary>
        private Expr? Field(ISymbol root, string path, string type) => root switch
        {
            ILocalSymbol local when _structLocals.TryGetValue(local, out var fields) => fields.TryGetValue(path, out Name? field) ? field with { Type = type } : null,
            IParameterSymbol parameter when _parameters.TryGetValue(parameter.Name + path, out ParameterSpec? spec) && spec.Group == parameter.Name => new Name(spec.Name, type),

            // A field that carries no derivative (an int, a bool) of a struct parameter: a constant, kept as written.
            IParameterSymbol parameter when StructsOfReals.Leaves(parameter.Type)?.Any(l => l.Path == path) == true && IsStruct(parameter)
                => new Opaque(Escape(parameter.Name + path), EquatableArray<string>.Empty, type),
            _ => null,
        };

        /// <summary>A field of an element of a span or array of structs (<c>pts[i].X</c>, <c>segments[i].From.X</c>), or null.</summary>
        private Element? ElementField(ExpressionSyntax expression, string type)
        {
            string path = "";
            while (expression is MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression } member)
            {
                path = "." + member.Name.Identifier.ValueText + path;
                expression = member.Expression;
            }

            return path.Length > 0 && expression is ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } access && Buffer(access.Expression) is { } spec
                && StructsOfReals.Leaves(_model.GetTypeInfo(access, _cancellationToken).Type) is { } leaves && leaves.Any(l => l.Path == path && TypeNames.IsReal(l.Type))
                ? new Element(spec.Name, Position(access.ArgumentList.Arguments[0].Expression, spec.Name), type) { Member = path }
                : null;
        }

        /// <summary>The struct parameter or local a member-access chain starts from, and the chain's path (<c>.From.X</c>).</summary>
        private (ISymbol Root, string Path)? StructRoot(ExpressionSyntax expression)
        {
            string path = "";
            while (expression is MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression } member)
            {
                path = "." + member.Name.Identifier.ValueText + path;
                expression = member.Expression;
            }

            return expression is IdentifierNameSyntax && _model.GetSymbolInfo(expression, _cancellationToken).Symbol is { } root && IsStruct(root) ? (root, path) : null;
        }

        private bool IsStruct(ISymbol symbol) => symbol switch
        {
            ILocalSymbol local => _structLocals.ContainsKey(local),
            IParameterSymbol parameter => _parameters.Values.Any(p => p.Group == parameter.Name),
            _ => false,
        };

        /// <summary>The value of each field (in <paramref name="leaves"/>' order) of a struct-valued expression, or null once reported.</summary>
        private List<(Expr Value, string Text)>? StructValue(ExpressionSyntax value, List<StructLeaf> leaves)
        {
            var fields = new Dictionary<string, (Expr, string)>();
            if (!Collect(value, "", fields))
            {
                return null;
            }

            return leaves.Select(l => fields.TryGetValue(l.Path, out var v) ? v : (Zero(TypeNames.Of(l.Type)), "0")).ToList();

            bool Collect(ExpressionSyntax e, string prefix, Dictionary<string, (Expr, string)> into)
            {
                switch (e)
                {
                    case ParenthesizedExpressionSyntax parenthesized:
                        return Collect(parenthesized.Expression, prefix, into);
                    case DefaultExpressionSyntax:
                    case LiteralExpressionSyntax { RawKind: (int)SyntaxKind.DefaultLiteralExpression }:
                        return true;
                    case BaseObjectCreationExpressionSyntax creation:
                        return Construct(creation, prefix, into);
                    case InitializerExpressionSyntax nested when nested.IsKind(SyntaxKind.ObjectInitializerExpression):
                        return Initialise(nested, prefix, into);
                }

                // Cross(a, b): each field its result's method (ResultCalls).
                if (e is InvocationExpressionSyntax call && StructResults(call, prefix, into) is bool read)
                {
                    return read;
                }

                // pts[i], an element of a span of structs: its fields.
                if (e is ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } access && Buffer(access.Expression) is { } buffer
                    && StructsOfReals.Leaves(_model.GetTypeInfo(e, _cancellationToken).Type) is { } elementLeaves)
                {
                    if (elementLeaves.Any(l => !TypeNames.IsReal(l.Type)))
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, e.GetLocation(), MethodParser.OneLine(e.ToString()),
                            "an element of a span of structs with integral or bool fields is read field by field: read the fields you need (double x = " + MethodParser.OneLine(e.ToString()) + ".X;)");
                        return false;
                    }

                    Expr index = Position(access.ArgumentList.Arguments[0].Expression, buffer.Name);
                    foreach (StructLeaf leaf in elementLeaves)
                    {
                        into[prefix + leaf.Path] = (new Element(buffer.Name, index, TypeNames.Of(leaf.Type)) { Member = leaf.Path }, MethodParser.OneLine(e.ToString()) + leaf.Path);
                    }

                    return true;
                }

                if (StructRoot(e) is ({ } root, string path) && StructsOfReals.Leaves(_model.GetTypeInfo(e, _cancellationToken).Type) is { } inner)
                {
                    foreach (StructLeaf leaf in inner)
                    {
                        string type = TypeNames.Of(leaf.Type);
                        Expr field = Field(root, path + leaf.Path, type) ?? Zero(type);
                        into[prefix + leaf.Path] = (field, MethodParser.OneLine(e.ToString()) + leaf.Path);
                    }

                    return true;
                }

                Report(DiagnosticDescriptors.UnsupportedExpression, e.GetLocation(), MethodParser.OneLine(e.ToString()),
                    "a struct value here may be a struct variable, new T { X = … }, new T(…) of a constructor that only assigns fields, default, or a call of a [Differentiable] method returning it");
                return false;
            }

            bool Construct(BaseObjectCreationExpressionSyntax creation, string prefix, Dictionary<string, (Expr, string)> into)
            {
                if (creation.ArgumentList is { Arguments.Count: > 0 } arguments)
                {
                    if (_model.GetSymbolInfo(creation, _cancellationToken).Symbol is not IMethodSymbol constructor || FieldAssignments(constructor) is not { } assigned)
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, creation.GetLocation(), MethodParser.OneLine(creation.ToString()),
                            "only constructors that assign fields from their parameters (X = x;) are differentiated; write new T { X = …, Y = … }");
                        return false;
                    }

                    foreach ((IFieldSymbol field, int parameter) in assigned)
                    {
                        if (!Member(prefix + "." + field.Name, field.Type, arguments.Arguments[parameter].Expression, into))
                        {
                            return false;
                        }
                    }
                }

                return creation.Initializer is null || Initialise(creation.Initializer, prefix, into);
            }

            bool Initialise(InitializerExpressionSyntax initializer, string prefix, Dictionary<string, (Expr, string)> into)
            {
                foreach (ExpressionSyntax member in initializer.Expressions)
                {
                    if (member is not AssignmentExpressionSyntax { Left: IdentifierNameSyntax name } assignment
                        || !Member(prefix + "." + name.Identifier.ValueText, _model.GetTypeInfo(assignment.Left, _cancellationToken).Type, assignment.Right, into))
                    {
                        if (member is not AssignmentExpressionSyntax { Left: IdentifierNameSyntax })
                        {
                            Report(DiagnosticDescriptors.UnsupportedExpression, member.GetLocation(), MethodParser.OneLine(member.ToString()), "initialise fields as Name = value");
                        }

                        return false;
                    }
                }

                return true;
            }

            // A field set to a value: a nested struct field by field, any other a value.
            bool Member(string path, ITypeSymbol? type, ExpressionSyntax value, Dictionary<string, (Expr, string)> into)
            {
                if (StructsOfReals.Leaves(type) is not null)
                {
                    return Collect(value, path, into);
                }

                into[path] = (ParseExpression(value), MethodParser.OneLine(value.ToString()));
                return true;
            }
        }

        /// <summary>
        /// A call of a method taking structs of reals, as its flat twin's (<see cref="StructCalls"/>): each struct argument's fields
        /// in the twin's parameter order (a struct variable's fields, <c>new Point3 { … }</c>'s values, <c>default</c>'s zeros),
        /// the other arguments as any call's. Null arguments once reported.
        /// </summary>
        private Expr FlatCall(InvocationExpressionSyntax invocation, IMethodSymbol callee, CallTarget flat, string type)
        {
            var arguments = invocation.ArgumentList.Arguments;
            // An out argument of an out result is the caller's (a result's flat twin takes the others, ResultCalls).
            bool Out(int i) => arguments[i].RefKindKeyword.IsKind(SyntaxKind.OutKeyword) && IsOutResult(callee.Parameters[i]);
            if (arguments.Count != callee.Parameters.Length || Enumerable.Range(0, arguments.Count).Any(i => arguments[i].NameColon is not null || !arguments[i].RefKindKeyword.IsKind(SyntaxKind.None) && !Out(i)))
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), MethodParser.OneLine(invocation.ToString()),
                    $"pass every argument of {callee.Name} in order (a struct's fields are passed one by one to what SymGrad calls)");
                return new Literal("0", type);
            }

            var args = new List<Expr>();
            int at = 0;
            for (int i = 0; i < arguments.Count; i++)
            {
                if (Out(i))
                {
                    continue;
                }

                ExpressionSyntax argument = arguments[i].Expression;
                if (StructsOfReals.Leaves(callee.Parameters[i].Type) is { } leaves)
                {
                    if (StructValue(argument, leaves) is not { } fields)
                    {
                        return new Literal("0", type); // reported
                    }

                    foreach ((Expr value, _) in fields)
                    {
                        args.Add(Converted(value, flat.Parameters[at++].Type));
                    }

                    continue;
                }

                ParameterSpec spec = flat.Parameters[at++];
                args.Add(spec.IsBuffer ? ParseSpanArgument(argument, spec) : ParseExpression(argument));
            }

            return new UserCall(flat, args.ToEquatableArray(), type);
        }

        /// <summary>A constructor whose body only assigns fields from its parameters (<c>X = x;</c>): field → parameter index.</summary>
        private static List<(IFieldSymbol Field, int Parameter)>? FieldAssignments(IMethodSymbol constructor)
        {
            if (constructor.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is not ConstructorDeclarationSyntax { Initializer: null } declaration)
            {
                return null;
            }

            IEnumerable<ExpressionSyntax?> statements = declaration.ExpressionBody is { } arrow ? new[] { arrow.Expression }
                : declaration.Body?.Statements.Select(s => (s as ExpressionStatementSyntax)?.Expression) ?? Enumerable.Empty<ExpressionSyntax?>();
            var assigned = new List<(IFieldSymbol, int)>();
            foreach (ExpressionSyntax? statement in statements)
            {
                SimpleNameSyntax? target = statement is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment
                    ? assignment.Left switch
                    {
                        IdentifierNameSyntax name => name,
                        MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } self => self.Name,
                        _ => null,
                    }
                    : null;
                if (target is null || ((AssignmentExpressionSyntax)statement!).Right is not IdentifierNameSyntax argument
                    || constructor.ContainingType.GetMembers(target.Identifier.ValueText).OfType<IFieldSymbol>().FirstOrDefault() is not { IsStatic: false } field
                    || constructor.Parameters.FirstOrDefault(p => p.Name == argument.Identifier.ValueText) is not { } parameter)
                {
                    return null;
                }

                assigned.Add((field, parameter.Ordinal));
            }

            return assigned;
        }

        private static Literal Zero(string type) => type switch
        {
            "double" => new Literal("0.0", type),
            "float" => new Literal("0f", type),
            "bool" => new Literal("false", type),
            "int" or "long" or "short" or "byte" or "uint" or "ulong" => new Literal("0", type),
            _ => new Literal("default", type),
        };
    }
}
