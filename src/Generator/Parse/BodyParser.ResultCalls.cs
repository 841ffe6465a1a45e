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
    /// Calls of methods with several results (<see cref="ResultCalls"/>), each result read as a call of its own method:
    /// a deconstruction <c>var (r, theta) = Polar(x, y);</c> (or into variables, <c>(r, theta) = …</c>, discards skipped), one
    /// element <c>Polar(x, y).Theta</c>, out arguments <c>double s = Split(x, out double b);</c> (a statement, or the whole value
    /// of a declaration or an assignment), a struct's value <c>Point3 c = Cross(a, b);</c> or one field <c>Cross(a, b).X</c>.
    /// <c>Math.SinCos(x)</c>'s results are <c>Math.Sin(x)</c> and <c>Math.Cos(x)</c>; a tuple literal <c>(a, b) = (b, a)</c> is
    /// its values, held first where a later one reads an earlier target, as C# evaluates them all before assigning.
    /// </summary>
    internal sealed partial class BodyParser
    {
        private const string SeveralResultsAdvice = "a call with several results is differentiated as a deconstruction (var (r, theta) = Polar(x, y);), one element "
            + "(Polar(x, y).Theta), out arguments in a statement or as the whole value of a declaration or an assignment (double v = F(x, out double b);), "
            + "or a struct's value (Point3 c = Cross(a, b);) or field (Cross(a, b).X)";

        /// <summary>Where one result goes: a local the statement declares, an existing variable or element, or a discard (both null).</summary>
        private sealed record ResultTarget(int Result, ILocalSymbol? Declared, Expr? Assigned, string Text);

        /// <summary><c>var (a, b) = …;</c> or <c>(a, b) = …;</c>: a call with a tuple result, or a tuple literal.</summary>
        private void ParseDeconstruction(AssignmentExpressionSyntax assignment, List<Stmt> output)
        {
            List<ResultTarget>? targets = DeconstructionTargets(assignment.Left);
            if (targets is null)
            {
                return; // reported
            }

            int count = targets.Count;
            targets.RemoveAll(t => t.Declared is null && t.Assigned is null);
            switch (assignment.Right)
            {
                case TupleExpressionSyntax tuple when tuple.Arguments.Count == count:
                {
                    var values = tuple.Arguments.Select(a => ParseExpression(a.Expression)).ToList();
                    AssignResults(targets, r => values[r], output);
                    return;
                }

                case InvocationExpressionSyntax invocation when Callee(invocation) is { ReturnType: INamedTypeSymbol { IsTupleType: true } type } callee && type.TupleElements.Length == count:
                    _ = LowerResults(invocation, callee, targets, value: false, output);
                    return;
                case IdentifierNameSyntax tupleLocal when TupleLocal(tupleLocal) is { } elements && elements.Length == count:
                    AssignResults(targets, r => elements[r], output); // var (r, t) = p;
                    return;
                default:
                    if (!UsesRejected(assignment.Right))
                    {
                        Report(DiagnosticDescriptors.UnsupportedExpression, assignment.Right.GetLocation(), MethodParser.OneLine(assignment.Right.ToString()),
                            "deconstruct a call of a [Differentiable] method returning a tuple of as many elements, or a tuple literal: (a, b) = (b, a);");
                    }

                    return;
            }
        }

        /// <summary>The places a deconstruction writes, in order (discards too), or null once reported.</summary>
        private List<ResultTarget>? DeconstructionTargets(ExpressionSyntax left)
        {
            var targets = new List<ResultTarget>();
            IEnumerable<SyntaxNode> elements = left switch
            {
                DeclarationExpressionSyntax { Designation: ParenthesizedVariableDesignationSyntax designation } => designation.Variables,
                TupleExpressionSyntax tuple => tuple.Arguments.Select(a => a.Expression),
                _ => Enumerable.Empty<SyntaxNode>(),
            };
            foreach (SyntaxNode element in elements)
            {
                int at = targets.Count;
                SyntaxNode designation = element is DeclarationExpressionSyntax declaration ? declaration.Designation : element;
                switch (designation)
                {
                    case DiscardDesignationSyntax:
                    case IdentifierNameSyntax when _model.GetSymbolInfo(designation, _cancellationToken).Symbol is IDiscardSymbol:
                        targets.Add(new ResultTarget(at, null, null, "_"));
                        continue;
                    case SingleVariableDesignationSyntax single when _model.GetDeclaredSymbol(single, _cancellationToken) is ILocalSymbol local:
                        if (!(TypeNames.IsReal(local.Type) || TypeNames.IsIntegral(local.Type) || local.Type.SpecialType == SpecialType.System_Boolean))
                        {
                            Report(DiagnosticDescriptors.UnsupportedExpression, single.GetLocation(), local.Type.ToDisplayString() + " " + local.Name, "locals may be float, double, integral or bool");
                            _rejected.Add(local);
                            return null;
                        }

                        targets.Add(new ResultTarget(at, local, null, local.Name));
                        continue;
                    case ExpressionSyntax target when target is not TupleExpressionSyntax && element is not DeclarationExpressionSyntax:
                        if (ParseTarget(target) is not { } assigned)
                        {
                            return null; // reported
                        }

                        targets.Add(new ResultTarget(at, null, assigned, MethodParser.OneLine(target.ToString())));
                        continue;
                }

                Report(DiagnosticDescriptors.UnsupportedExpression, element.GetLocation(), MethodParser.OneLine(element.ToString()),
                    "deconstruct into locals, variables or discards, one level deep: var (r, theta) = Polar(x, y);");
                return null;
            }

            if (targets.Count == 0)
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, left.GetLocation(), MethodParser.OneLine(left.ToString()), "deconstruct into locals: var (r, theta) = Polar(x, y);");
                return null;
            }

            return targets;
        }

        /// <summary>The callee of a call passing out arguments to a [Differentiable] method with out results, or null.</summary>
        private IMethodSymbol? OutResultsCall(InvocationExpressionSyntax invocation)
            => invocation.ArgumentList.Arguments.Any(a => a.RefKindKeyword.IsKind(SyntaxKind.OutKeyword)) && Callee(invocation) is { } callee
               && callee.MethodKind != MethodKind.LocalFunction && IsDifferentiable(callee) ? callee : null;

        /// <summary>
        /// <c>F(x, out double b)</c> as a statement, or the whole value of a declaration or assignment (<paramref name="value"/>):
        /// each out argument gets its result; the returned value's expression (null for a statement or a void F).
        /// </summary>
        private Expr? LowerOutCall(InvocationExpressionSyntax invocation, IMethodSymbol callee, bool value, List<Stmt> output)
        {
            var arguments = invocation.ArgumentList.Arguments;
            var outs = callee.Parameters.Where(IsOutResult).ToList();
            if (arguments.Count != callee.Parameters.Length || arguments.Any(a => a.NameColon is not null)
                || Enumerable.Range(0, arguments.Count).Any(i => arguments[i].RefKindKeyword.IsKind(SyntaxKind.OutKeyword) != IsOutResult(callee.Parameters[i])))
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), MethodParser.OneLine(invocation.ToString()),
                    $"pass every argument of {callee.Name} in order, an out argument for each of its out results (out double b, out b or out _)");
                return new Literal("0", TypeNames.Of(callee.ReturnType));
            }

            var targets = new List<ResultTarget>();
            for (int i = 0; i < arguments.Count; i++)
            {
                if (!IsOutResult(callee.Parameters[i]))
                {
                    continue;
                }

                int result = outs.IndexOf(callee.Parameters[i]);
                ExpressionSyntax argument = arguments[i].Expression;
                SyntaxNode designation = argument is DeclarationExpressionSyntax declaration ? declaration.Designation : argument;
                if (designation is DiscardDesignationSyntax || designation is IdentifierNameSyntax && _model.GetSymbolInfo(designation, _cancellationToken).Symbol is IDiscardSymbol)
                {
                    continue;
                }

                if (designation is SingleVariableDesignationSyntax single && _model.GetDeclaredSymbol(single, _cancellationToken) is ILocalSymbol local)
                {
                    targets.Add(new ResultTarget(result, local, null, local.Name));
                }
                else if (ParseTarget(argument) is { } assigned)
                {
                    targets.Add(new ResultTarget(result, null, assigned, MethodParser.OneLine(argument.ToString())));
                }
                else
                {
                    return new Literal("0", TypeNames.Of(callee.ReturnType)); // reported
                }
            }

            return LowerResults(invocation, callee, targets, value && !callee.ReturnsVoid, output);
        }

        /// <summary>Whether every out argument of the call is a discard (<c>out _</c>, <c>out var _</c>); null when it has none.</summary>
        private bool? OnlyDiscards(InvocationExpressionSyntax invocation)
        {
            var outs = invocation.ArgumentList.Arguments.Where(a => a.RefKindKeyword.IsKind(SyntaxKind.OutKeyword)).ToList();
            return outs.Count == 0 ? null : outs.All(a => (a.Expression is DeclarationExpressionSyntax declaration ? declaration.Designation : (SyntaxNode)a.Expression) switch
            {
                DiscardDesignationSyntax => true,
                IdentifierNameSyntax name => _model.GetSymbolInfo(name, _cancellationToken).Symbol is IDiscardSymbol,
                _ => false,
            });
        }

        private static bool IsOutResult(IParameterSymbol parameter) => parameter.RefKind == RefKind.Out && TypeNames.IsReal(parameter.Type)
            && !parameter.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "SymGrad.NoDerivativeAttribute");

        private static bool IsDifferentiable(IMethodSymbol method) => method.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == CallTargets.DifferentiableAttribute);

        /// <summary><c>Math.SinCos(x)</c> (and <c>MathF</c>'s, <c>double.SinCos</c>): a tuple of two Math calls.</summary>
        private static bool IsSinCos(IMethodSymbol callee) => callee.Name == "SinCos" && callee.Parameters.Length == 1
            && callee.ContainingType?.ToDisplayString() is "System.Math" or "System.MathF" or "double" or "float";

        /// <summary>
        /// Each target's result of the call, in order, from the results' methods (<see cref="ResultCalls"/>); with
        /// <paramref name="value"/>, the returned value's call, which the caller evaluates after them. Null where nothing is read.
        /// </summary>
        private Expr? LowerResults(InvocationExpressionSyntax invocation, IMethodSymbol callee, List<ResultTarget> targets, bool value, List<Stmt> output)
        {
            if (ResultsOf(invocation, callee, targets.Select(t => t.Result).Concat(value ? new[] { ResultCalls.Returned } : new int[0])) is not { } read)
            {
                targets.Where(t => t.Declared is not null).ToList().ForEach(t => _rejected.Add(t.Declared!)); // reported once, at the call
                return value ? new Literal("0", TypeNames.Of(callee.ReturnType)) : null;
            }

            return AssignResults(targets, read, output, value ? ResultCalls.Returned : null);
        }

        /// <summary>
        /// What reads each of <paramref name="results"/> of the call (its result's method over the arguments), or null once
        /// reported. Arguments read by more than one result are evaluated once, into locals, as C# evaluates them once.
        /// </summary>
        private System.Func<int, Expr>? ResultsOf(InvocationExpressionSyntax invocation, IMethodSymbol callee, IEnumerable<int> results)
        {
            var wanted = results.Distinct().ToList();
            var arguments = invocation.ArgumentList.Arguments.Where(a => !a.RefKindKeyword.IsKind(SyntaxKind.OutKeyword)).ToList();
            if (IsSinCos(callee))
            {
                Expr angle = ParseExpression(arguments[0].Expression);
                string type = TypeNames.Of(callee.Parameters[0].Type);
                return r => new MathCall(r == 0 ? "Sin" : "Cos", new[] { angle }.ToEquatableArray(), type);
            }

            // A layer's own method or a held layer's: through its twin, the fields (its own, or the held layer's under their names
            // here) passed first.
            bool own = !callee.IsStatic && LayerCalls.IsOwn(callee, _method, LayerCalls.OnThis(invocation.Expression));
            IFieldSymbol? owner = callee.IsStatic || own ? null : LayerCalls.Owner(invocation.Expression, callee, _method, _model, _cancellationToken);
            string? on = own ? LayerCalls.This : owner is null ? null : LayerCalls.This + "." + owner.Name;
            var targets = new Dictionary<int, CallTarget>();
            foreach (int result in wanted)
            {
                if (ResultCalls.Target(callee, result, _model.Compilation, _cancellationToken, out string reason, on) is not { } target)
                {
                    Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), MethodParser.OneLine(invocation.ToString()), reason);
                    return null;
                }

                targets[result] = target;
            }

            if (targets.Count == 0)
            {
                return _ => new Literal("0", "double");
            }

            if (callee.Parameters.Any(p => StructsOfReals.Leaves(p.Type) is not null))
            {
                // Structs' fields one by one, as to any method taking structs (the target is a result's flat twin).
                CallTarget any = targets.Values.First();
                if (FlatCall(invocation, callee, any, any.ReturnType) is not UserCall flat)
                {
                    return null; // reported
                }

                return r => new UserCall(targets[r], flat.Args, targets[r].ReturnType);
            }

            ParameterSpec[] all = targets.Values.First().Parameters.ToArray();
            int fields = on is null ? 0 : all.Length - (callee.Parameters.Length - callee.Parameters.Count(IsOutResult));
            ParameterSpec[] parameters = all.Skip(fields).ToArray();
            if (arguments.Count != parameters.Length || arguments.Any(a => a.NameColon is not null || !a.RefKindKeyword.IsKind(SyntaxKind.None)))
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), MethodParser.OneLine(invocation.ToString()),
                    $"pass every argument of {callee.Name} in order, by value (and an out argument for each of its out results)");
                return null;
            }

            if (FieldArguments(invocation, callee, all.Take(fields), owner) is not { } args)
            {
                return null;
            }

            for (int i = 0; i < parameters.Length; i++)
            {
                args.Add(parameters[i].IsBuffer ? ParseSpanArgument(arguments[i].Expression, parameters[i]) : ParseExpression(arguments[i].Expression));
            }

            return r => new UserCall(targets[r], args.ToEquatableArray(), targets[r].ReturnType);
        }

        /// <summary>
        /// Each target its value, in order; with <paramref name="returned"/>, that result's value too, returned to be read after
        /// them. C# evaluates every value before it assigns any: a value reading a target, or read again by a later value (a
        /// call's argument), is held in a local first.
        /// </summary>
        private Expr? AssignResults(List<ResultTarget> targets, System.Func<int, Expr> valueOf, List<Stmt> output, int? returned = null)
        {
            var values = targets.Select(t => valueOf(t.Result)).ToList();
            if (returned is int result)
            {
                values.Add(valueOf(result));
            }

            var assigned = new HashSet<string>(targets.Where(t => t.Assigned is not null).SelectMany(t => Reads.Of(t.Assigned!)));
            if (values.Count > 1)
            {
                var held = new Dictionary<Expr, Expr>();
                for (int i = 0; i < values.Count; i++)
                {
                    values[i] = Hold(values[i], assigned, held, output);
                }
            }

            for (int i = 0; i < targets.Count; i++)
            {
                ResultTarget target = targets[i];
                if (target.Declared is { } local)
                {
                    string type = TypeNames.Of(local.Type);
                    output.Add(new LocalDecl(Declare(local), type, Converted(values[i], type), $"{type} {target.Text} = {Describe(values[i])};"));
                }
                else
                {
                    output.Add(new Assign(target.Assigned!, "=", Converted(values[i], target.Assigned!.Type), $"{target.Text} = {Describe(values[i])};"));
                }
            }

            return returned is null ? null : values[values.Count - 1];
        }

        /// <summary>
        /// A value that is one of several a statement assigns: a call's arguments that compute something or read an
        /// <paramref name="assigned"/> variable go to locals (each once: the next result's call reads them again); any other
        /// value goes to a local when it reads an assigned variable.
        /// </summary>
        private Expr Hold(Expr value, HashSet<string> assigned, Dictionary<Expr, Expr> held, List<Stmt> output)
        {
            Expr Held(Expr e, string wanted)
            {
                string name = FreshName(wanted, e.Type);
                output.Add(new LocalDecl(name, e.Type, e, $"{e.Type} {name} = {Describe(e)};"));
                return new Name(name, e.Type);
            }

            if (value is UserCall call)
            {
                var parameters = call.Target.Parameters;
                var args = call.Args.Select((a, i) => a is Literal || !a.IsReal || a is Name n && !assigned.Contains(n.Id) ? a
                    : held.TryGetValue(a, out Expr? local) ? local : held[a] = Held(a, parameters[i].Name + "Argument")).ToEquatableArray();
                return call with { Args = args };
            }

            return Reads.Of(value).Any(assigned.Contains) ? Held(value, "value") : value;
        }

        /// <summary>How a lowered value reads in a statement's source text (the derivation's comments quote it).</summary>
        private static string Describe(Expr value) => value switch
        {
            UserCall call => call.Target.Method + "(…)",
            Name n => n.Id,
            Literal l => l.Text,
            MathCall m => "Math." + m.Function + "(…)",
            _ => "…",
        };

        /// <summary><c>F(x).R</c>, <c>F(x).Item2</c>, <c>Cross(a, b).X</c>: one result of a call, or null when it is not one.</summary>
        private Expr? ResultRead(MemberAccessExpressionSyntax member)
        {
            string path = "";
            ExpressionSyntax expression = member;
            while (expression is MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression } access)
            {
                path = "." + access.Name.Identifier.ValueText + path;
                expression = access.Expression;
            }

            if (expression is not InvocationExpressionSyntax invocation || Callee(invocation) is not { } callee || !(IsDifferentiable(callee) || IsSinCos(callee))
                || ResultIndex(callee, member, path) is not int result)
            {
                return null;
            }

            return ResultsOf(invocation, callee, new[] { result }) is { } read ? read(result) : new Literal("0", TypeNames.Of(_model.GetTypeInfo(member, _cancellationToken).Type));
        }

        /// <summary>Which result <paramref name="path"/> reads: a tuple's element (by name or ItemN) or a returned struct's real field.</summary>
        private int? ResultIndex(IMethodSymbol callee, MemberAccessExpressionSyntax member, string path)
        {
            if (callee.ReturnType is INamedTypeSymbol { IsTupleType: true } tuple)
            {
                if (_model.GetSymbolInfo(member, _cancellationToken).Symbol is not IFieldSymbol field || member.Expression is not InvocationExpressionSyntax)
                {
                    return null;
                }

                int index = tuple.TupleElements.ToList().FindIndex(e => SymbolEqualityComparer.Default.Equals(e.CorrespondingTupleField, field.CorrespondingTupleField));
                return index < 0 ? null : index;
            }

            List<StructLeaf>? leaves = StructsOfReals.Leaves(callee.ReturnType)?.Where(l => TypeNames.IsReal(l.Type)).ToList();
            int leaf = leaves?.FindIndex(l => l.Path == path) ?? -1;
            return leaf < 0 ? null : leaf;
        }

        /// <summary>A call returning a struct of reals as a struct's value: each real field its result's method (null when not such a call).</summary>
        private bool? StructResults(InvocationExpressionSyntax invocation, string prefix, Dictionary<string, (Expr, string)> into)
        {
            if (Callee(invocation) is not { } callee || !IsDifferentiable(callee) || StructsOfReals.Leaves(callee.ReturnType) is not { } leaves)
            {
                return null;
            }

            if (leaves.Any(l => !TypeNames.IsReal(l.Type)))
            {
                Report(DiagnosticDescriptors.UnsupportedExpression, invocation.GetLocation(), MethodParser.OneLine(invocation.ToString()),
                    $"{callee.ReturnType.Name} has fields that are not float or double, which a call's struct result does not carry; read its real fields one by one ({MethodParser.OneLine(invocation.ToString())}{leaves.First(l => TypeNames.IsReal(l.Type)).Path})");
                return false;
            }

            if (ResultsOf(invocation, callee, Enumerable.Range(0, leaves.Count)) is not { } read)
            {
                return false;
            }

            string text = MethodParser.OneLine(invocation.ToString());
            for (int i = 0; i < leaves.Count; i++)
            {
                into[prefix + leaves[i].Path] = (read(i), text + leaves[i].Path);
            }

            return true;
        }
    }
}
