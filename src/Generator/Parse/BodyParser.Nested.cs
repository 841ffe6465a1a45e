using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymGrad.Generator.Diagnostics;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Parse
{
    /// <summary>Calls of generated derivatives inside a differentiable method (nested differentiation, <see cref="NestedTargets"/>).</summary>
    internal sealed partial class BodyParser
    {
        /// <summary><c>FTangent(x…, ẋ…)</c>: a call of a differentiable callee whose backward is <c>FTangentBackward</c>.</summary>
        private Expr ParseGeneratedCall(InvocationExpressionSyntax invocation, GeneratedCalls.Match generated)
        {
            if (!GeneratedCalls.Nestable.Contains(generated.Suffix))
            {
                string f = generated.Forward.Name;
                return RefuseGenerated(invocation, generated, $"SymGrad differentiates calls of {f}Tangent, {f}Gradient and {f}Backward again, not of {generated.Name}; "
                    + $"write what you need with those ({f}Tangent(x…, v…) is ∇{f}·v), or call {generated.Name} outside the [Differentiable] method");
            }

            if (generated.Suffix != "Tangent")
            {
                return RefuseGenerated(invocation, generated, $"call {generated.Name} as a statement (its gradients accumulate into locals), or assign its value to a local: double v = {generated.Name}(…);");
            }

            if (UntypedAround(invocation) is { } around)
            {
                return RefuseGenerated(invocation, generated, $"its value is used in {around}, which cannot be typed before SymGrad adds {generated.Name}; assign it to a local first: double d = {generated.Name}(…);");
            }

            if (NestedTargets.Tangent(generated.Forward, _model.Compilation, _cancellationToken, out string reason) is not { } target)
            {
                return RefuseGenerated(invocation, generated, reason);
            }

            var arguments = invocation.ArgumentList.Arguments;
            if (arguments.Count != target.Parameters.Count || arguments.Any(a => !a.RefKindKeyword.IsKind(SyntaxKind.None) || a.NameColon is not null))
            {
                return RefuseGenerated(invocation, generated, $"pass the {target.Parameters.Count} arguments of {generated.Name} in order: {string.Join(", ", target.Parameters.Select(p => p.Name))}");
            }

            // FTangent of a method writing outputs is a method of its own (TangentCalls): a direction left out (default) is an empty
            // slice of its input, which FTangent's own methods read as zeros; an output's tangent is written, so it is a span.
            if (target.TangentCallsOf is not null && arguments.Select((a, i) => (a, i)).FirstOrDefault(a => target.Parameters[a.i].IsBuffer && target.Parameters[a.i].EmptyAs is null
                && NotNeeded(a.a)) is { a: { } empty })
            {
                return RefuseGenerated(invocation, generated, $"pass a span for '{target.Parameters[arguments.IndexOf(empty)].Name}', not {empty}: {generated.Name} of a method writing outputs "
                    + "writes each output's tangent, and its derivatives read them");
            }

            var args = arguments.Select((a, i) => target.Parameters[i].EmptyAs is not null && NotNeeded(a) ? null
                : target.Parameters[i].IsBuffer ? ParseSpanArgument(a.Expression, target.Parameters[i]) : Converted(ParseExpression(a.Expression), target.Parameters[i].Type)).ToList();
            for (int i = 0; i < args.Count; i++)
            {
                if (args[i] is null)
                {
                    int of = target.Parameters.Select(p => p.Name).ToList().IndexOf(target.Parameters[i].EmptyAs!);
                    if (args[of] is not SpanRef input)
                    {
                        return RefuseGenerated(invocation, generated, $"pass a span for '{target.Parameters[i].Name}': its input is not a span SymGrad can take an empty part of");
                    }

                    args[i] = input with { Start = input.Start ?? new Literal("0", "int"), Length = new Literal("0", "int") };
                }
            }

            return new UserCall(target, args.Select(a => a!).ToEquatableArray(), target.ReturnType); // the call does not bind: its type is F's result
        }

        /// <summary>
        /// An argument as the parameter it is passed to takes it: a call that does not bind has no conversions to read, so a
        /// float passed to a double (F's double input, or the tangent of one) is converted here, as C# converts it — its
        /// adjoint is then the parameter's type, narrowed back to the argument's.
        /// </summary>
        private static Expr Converted(Expr argument, string type)
            => type is "double" or "float" && argument.IsReal && argument.Type != type ? new Cast(argument, type) : argument; // an int has no adjoint

        /// <summary>
        /// <c>FGradient(x…, ref gx…)</c> or <c>FBackward(x…, s, ref gx…)</c> as a statement or a local's value: each gradient is a
        /// directional derivative, <c>gx += [s·] FTangent(x…, eₓ)</c> along the unit direction of its input — read that way, it
        /// is differentiated through FTangent's pullback and tangent (one Hessian-vector product per input: for a few scalars).
        /// A span input's gradient goes to a Span output of the method, read as <c>FGradientOfX(x…, s, gx)</c> (<see cref="SpanGradients"/>:
        /// one Hessian-vector product in the backward); one not needed (<c>default</c>) has direction zero, an empty span.
        /// False when <paramref name="expression"/> is not such a call; else the statements are added and <paramref name="value"/>
        /// is F's value (FGradient) or null.
        /// </summary>
        private bool ParseGeneratedGradient(ExpressionSyntax expression, List<Stmt> output, out Expr? value)
        {
            value = null;
            if (expression is not InvocationExpressionSyntax invocation
                || GeneratedCalls.Of(invocation, _method, _model, _cancellationToken) is not { Suffix: "Gradient" or "Backward" } generated)
            {
                return false;
            }

            IMethodSymbol forward = generated.Forward;
            string type = TypeNames.Of(forward.ReturnType);
            value = new Literal("0", type);
            if (NestedTargets.Tangent(forward, _model.Compilation, _cancellationToken, out string reason, out List<ParameterSpec>? writer) is not { } tangent)
            {
                // FBackward of a method writing outputs needs only FTangent and FBackwardTangent, not FTangent's own derivatives.
                if (generated.Suffix == "Backward" && writer is { } parameters)
                {
                    ParseWriterBackward(invocation, generated, parameters, null, output);
                }
                else
                {
                    RefuseGenerated(invocation, generated, reason);
                }

                return true;
            }

            if (tangent.TangentCallsOf is not null)
            {
                ParseWriterBackward(invocation, generated, tangent.Parameters.Take(forward.Parameters.Length).ToList(), tangent, output);
                return true;
            }

            var primal = tangent.Parameters.Take(forward.Parameters.Length).ToList();
            var inputs = primal.Where(p => p.IsDifferentiable).ToList();
            bool backward = generated.Suffix == "Backward";
            var arguments = invocation.ArgumentList.Arguments;
            int gradients = primal.Count + (backward ? 1 : 0);

            bool Scalar(int i) => inputs[i].Kind == ParameterKind.Scalar;
            if (arguments.Count != gradients + inputs.Count
                || arguments.Any(a => a.NameColon is not null) || arguments.Take(gradients).Any(a => !a.RefKindKeyword.IsKind(SyntaxKind.None))
                || Enumerable.Range(0, inputs.Count).Any(i => !arguments[gradients + i].RefKindKeyword.IsKind(Scalar(i) ? SyntaxKind.RefKeyword : SyntaxKind.None)))
            {
                RefuseGenerated(invocation, generated, $"pass the arguments of {forward.Name} in order, {(backward ? "then the seed, " : "")}then ref a local for each scalar's gradient "
                    + "and a Span output (or a slice of one) for each span's, default where it is not needed");
                return true;
            }

            // A span input's gradient goes to a Span output of this method (SpanGradients: one Hessian-vector product in the backward).
            if (SpanGradientTargets(invocation, generated, inputs, arguments, gradients) is not { } spanTargets)
            {
                return true; // reported
            }

            var args = arguments.Take(primal.Count).Select((a, i) => primal[i].IsBuffer ? ParseSpanArgument(a.Expression, primal[i]) : Converted(ParseExpression(a.Expression), primal[i].Type)).ToList();
            Expr? seed = backward ? Converted(ParseExpression(arguments[primal.Count].Expression), type) : null;
            // (The seed too: C# reads it once, before any gradient is added; read again per span, it would see the first added.)
            if (spanTargets.Values.FirstOrDefault(t => args.Append(seed).Any(a => Reads.Of(a).Contains(t.Span))) is { } aliased)
            {
                RefuseGenerated(invocation, generated, $"the arguments of {forward.Name} read '{aliased.Span}' while its gradient is added to it; add the gradient to another output");
                return true;
            }

            string source = MethodParser.OneLine(invocation.ToString());
            var targets = new List<Expr?>();
            for (int i = 0; i < inputs.Count; i++)
            {
                if (!Scalar(i))
                {
                    targets.Add(null); // a span's: below, or not needed
                    continue;
                }

                if (ParseTarget(arguments[gradients + i].Expression) is not { } target)
                {
                    return true; // reported
                }

                targets.Add(target);
            }

            // C# evaluates the arguments once, in order, before the gradients accumulate; the reading evaluates them once per
            // input. So an argument (or the seed) that is more than a variable or a constant is held first (Held).
            var written = new HashSet<string>(targets.OfType<Expr>().SelectMany(Reads.Of));
            args = args.Select((a, i) => primal[i].IsBuffer ? a : Held(a, arguments[i].Expression, forward.Name, written, output)).ToList();
            seed = seed is null ? null : Held(seed, arguments[primal.Count].Expression, forward.Name, written, output);
            // A span input's direction is zero — an empty span, which FTangent reads as zeros: a slice of its argument of length 0.
            var at = Enumerable.Range(0, primal.Count).Where(k => primal[k].IsDifferentiable).ToList();
            Expr Zero(int j) => args[at[j]] is SpanRef s
                ? s with { Start = s.Start ?? new Literal("0", "int"), Length = new Literal("0", "int") }
                : new Literal("0", inputs[j].ElementType);
            for (int i = 0; i < inputs.Count; i++)
            {
                if (targets[i] is not { } into)
                {
                    continue; // a span's gradient, not needed
                }

                var directions = inputs.Select((p, j) => i == j ? new Literal("1", p.ElementType) : Zero(j));
                Expr call = new UserCall(tangent, args.Concat(directions).ToEquatableArray(), type);
                Expr derivative = seed is null ? call : new Binary("*", seed, call, type);
                // A float input's gradient of a double F (or the other way round) is its own type, as C# would convert it.
                output.Add(new Assign(into, "+=", Converted(derivative, into.Type), source));
            }

            foreach (KeyValuePair<int, SpanRef> into in spanTargets.OrderBy(t => t.Key))
            {
                CallTarget adds = SpanGradients.Target(tangent, primal.Count, inputs[into.Key], type, tangent.NestedOf!);
                output.Add(new CallStatement(new UserCall(adds, args.Append(seed ?? new Literal("1", type)).Append(into.Value).ToEquatableArray(), "void"), source));
            }

            value = backward ? null : new UserCall(CallTargets.Resolve(forward, _method, _model.Compilation)!, args.ToEquatableArray(), type);
            return true;
        }

        /// <summary>
        /// The Span outputs of this method (or slices of them) the span inputs' gradients of a nested FGradient or FBackward are
        /// added to, by input index (<paramref name="arguments"/> from <paramref name="first"/> on, one per input; those passed
        /// <c>default</c> are not wanted); null when one is not such a span (reported).
        /// </summary>
        private Dictionary<int, SpanRef>? SpanGradientTargets(InvocationExpressionSyntax invocation, GeneratedCalls.Match generated, List<ParameterSpec> inputs,
            SeparatedSyntaxList<ArgumentSyntax> arguments, int first)
        {
            var spanTargets = new Dictionary<int, SpanRef>();
            foreach (int i in Enumerable.Range(0, inputs.Count).Where(i => inputs[i].Kind != ParameterKind.Scalar && !NotNeeded(arguments[first + i])))
            {
                ExpressionSyntax argument = arguments[first + i].Expression;
                if (Part(argument, inputs[i].ElementType) is not { } part || !_parameters.TryGetValue(part.Span, out ParameterSpec? into)
                    || into.Kind != ParameterKind.SpanOutput || into.ElementType != inputs[i].ElementType || into.IsArray && argument is ElementAccessExpressionSyntax)
                {
                    RefuseGenerated(invocation, generated, $"the gradient of {generated.Forward.Name}'s span '{inputs[i].Name}' is added to a Span<{inputs[i].ElementType}> output of {_method.Name} "
                        + "or a slice of one (x, x.Slice(a, n), x[a..b]); pass default when it is not needed");
                    return null;
                }

                spanTargets[i] = part;
            }

            return spanTargets;
        }

        /// <summary>
        /// An argument of a nested FGradient or FBackward, which its reading evaluates once per input where C# evaluates it once:
        /// held in a local first unless it is a variable or a constant that no gradient's local (<paramref name="written"/>)
        /// changes. (Found by the random-program tester: NGradient(Math.Sin(s), ref s, ref g) read the updated s for g and for
        /// the value; NGradient(s, H(y[2], y, …), …, ref g), whose argument writes an output, wrote it again — bFoFLxZ30AF1.)
        /// </summary>
        private Expr Held(Expr value, ExpressionSyntax text, string forward, HashSet<string> written, List<Stmt> output)
        {
            if (value is Name or Literal && !Reads.Of(value).Any(written.Contains))
            {
                return value;
            }

            string held = FreshName(forward + "_argument", value.Type);
            output.Add(new LocalDecl(held, value.Type, value, value.Type + " " + held + " = " + MethodParser.OneLine(text.ToString()) + ";"));
            return new Name(held, value.Type);
        }

        /// <summary>A gradient argument that asks for nothing: <c>default</c>, <c>default(Span&lt;double&gt;)</c>, <c>Span&lt;double&gt;.Empty</c>.</summary>
        private static bool NotNeeded(ArgumentSyntax argument) => argument.RefKindKeyword.IsKind(SyntaxKind.None) && argument.Expression switch
        {
            LiteralExpressionSyntax literal => literal.IsKind(SyntaxKind.DefaultLiteralExpression),
            DefaultExpressionSyntax => true,
            MemberAccessExpressionSyntax { Name.Identifier.Text: "Empty" } member => member.Expression.ToString().Contains("Span<"),
            _ => false,
        };

        /// <summary>
        /// The construct around a generated call that Roslyn leaves untyped while the call does not bind, and whose parse would
        /// then lose derivatives (a switch expression's arm, another call's argument), or null: arithmetic, parentheses, casts
        /// and <c>?:</c> up to the statement are typed from their operands (<see cref="Retyped"/>).
        /// </summary>
        private string? UntypedAround(ExpressionSyntax call)
        {
            for (SyntaxNode? node = call.Parent; node is not null; node = node.Parent)
            {
                switch (node)
                {
                    case ParenthesizedExpressionSyntax or BinaryExpressionSyntax or PrefixUnaryExpressionSyntax or ConditionalExpressionSyntax or CastExpressionSyntax:
                        continue;
                    case SwitchExpressionArmSyntax or SwitchExpressionSyntax or SwitchStatementSyntax:
                        return "a switch";
                    case EqualsValueClauseSyntax or AssignmentExpressionSyntax or ArrowExpressionClauseSyntax or StatementSyntax:
                        return null; // a statement's value or condition (if, while, for), typed from its operands
                    case ArgumentSyntax { Parent.Parent: InvocationExpressionSyntax outer }
                        when Callee(outer) is not null || GeneratedCalls.Of(outer, _method, _model, _cancellationToken) is not null:
                    case ArgumentListSyntax or InvocationExpressionSyntax:
                        continue; // a method's argument, read as its parameter's type, or a generated call's, which SymGrad reads itself
                    case ArgumentSyntax:
                        return "a call's argument";
                    default:
                        return "'" + MethodParser.OneLine(node.ToString()) + "'";
                }
            }

            return null;
        }

        /// <summary>
        /// The method <paramref name="invocation"/> binds to, or, when it does not bind only because a generated call among its
        /// arguments is not there yet (<c>Cubed(FTangent(x, 1), a)</c>: an error type until SymGrad adds FTangent), its one
        /// candidate; null otherwise (no method, overloads to choose between by that argument's type, or a type argument to
        /// infer from it).
        /// </summary>
        private IMethodSymbol? Callee(InvocationExpressionSyntax invocation)
        {
            SymbolInfo info = _model.GetSymbolInfo(invocation, _cancellationToken);
            if (info.Symbol is IMethodSymbol bound)
            {
                return bound;
            }

            var arguments = invocation.ArgumentList.Arguments;
            bool HasGenerated(ArgumentSyntax a) => a.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>()
                .Any(i => GeneratedCalls.Of(i, _method, _model, _cancellationToken) is not null);
            return info.CandidateReason == CandidateReason.OverloadResolutionFailure && info.CandidateSymbols.Length == 1
                && info.CandidateSymbols[0] is IMethodSymbol candidate && arguments.Count <= candidate.Parameters.Length
                && !(candidate.IsGenericMethod && SymbolEqualityComparer.Default.Equals(candidate, candidate.ConstructedFrom)) // T inferred from it
                && arguments.Where(a => _model.GetTypeInfo(a.Expression, _cancellationToken).Type is null or IErrorTypeSymbol).All(HasGenerated)
                && arguments.Any(HasGenerated)
                ? candidate
                : null;
        }

        /// <summary>A call that does not bind because a generated call is its argument: the generated call's diagnostic, at it.</summary>
        private bool RefuseGeneratedArgument(InvocationExpressionSyntax invocation)
        {
            foreach (InvocationExpressionSyntax inner in invocation.ArgumentList.Arguments.SelectMany(a => a.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>()))
            {
                if (GeneratedCalls.Of(inner, _method, _model, _cancellationToken) is { } generated)
                {
                    RefuseGenerated(inner, generated, $"its value is a call's argument, which cannot be typed before SymGrad adds {generated.Name}; assign it to a local first: double d = {generated.Name}(…);");
                    return true;
                }
            }

            return false;
        }

        private Expr RefuseGenerated(InvocationExpressionSyntax invocation, GeneratedCalls.Match generated, string reason)
        {
            Report(DiagnosticDescriptors.CallsGeneratedMethod, invocation.GetLocation(), _method.Name, generated.Name, reason);
            return new Literal("0", TypeNames.Of(generated.Forward.ReturnType));
        }
    }
}
