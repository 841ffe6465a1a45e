using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Parse
{
    /// <summary>A nested <c>FBackward</c> of a method writing <c>Span</c> outputs (<see cref="BackwardCalls"/>).</summary>
    internal sealed partial class BodyParser
    {
        /// <summary>
        /// <c>FBackward(x…, y…, dy…, gx…)</c> of a method F writing outputs, as a statement: y must hold F(x…) — the call
        /// <c>F(x…, y…)</c> earlier in the block, with the same arguments, nothing in between writing them — and each wanted
        /// gradient is added by a method of its own that recomputes y (<c>FBackwardOfX</c>; a scalar's <c>ga += FBackwardOfA(…)</c>).
        /// </summary>
        /// <param name="primal">F's parameters, as its generated methods take them.</param>
        /// <param name="tangent">F's FTangent read as a method, or null where it is not (then the caller has no Hessian-vector product through the call).</param>
        private void ParseWriterBackward(InvocationExpressionSyntax invocation, GeneratedCalls.Match generated, List<ParameterSpec> primal, CallTarget? tangent, List<Stmt> output)
        {
            IMethodSymbol forward = generated.Forward;
            string f = forward.Name;
            if (generated.Suffix != "Backward")
            {
                RefuseGenerated(invocation, generated, $"'{f}' writes Span outputs: SymGrad differentiates its {f}Tangent and its {f}Backward again; "
                    + $"call {generated.Name} outside the [Differentiable] method");
                return;
            }

            NestedTargets.Modes modes = NestedTargets.ModesOf(forward, _model.Compilation);
            if (modes.SecondOrderOf is not { } hintName)
            {
                RefuseGenerated(invocation, generated, $"a nested {f}Backward is differentiated through {f}BackwardTangent (the tangent of {f}'s backward), "
                    + $"which SymGrad cannot write for '{f}' (it calls a method whose backward has no tangent)");
                return;
            }

            var outputs = primal.Where(p => p.Kind == ParameterKind.SpanOutput).ToList();
            var inputs = primal.Where(p => p.IsDifferentiable).ToList();
            // Its methods run F again into scratch: an output F reads without writing it (a constant of F's) would hold zeros there,
            // not the caller's values, and another output computed from it would differ. (F adds to an output only where it wrote
            // it first, SG0016; one output alone that F never writes has no derivative.)
            if (outputs.Count > 1 && modes.CallersValues is { } kept)
            {
                RefuseGenerated(invocation, generated, $"'{f}' writes {outputs.Count} outputs and reads '{kept}' without writing it, so its values after {f} are what the caller's span held "
                    + $"before, but {generated.Name}'s methods run {f} again into scratch, where they would not be: pass what {f} only reads as a ReadOnlySpan, "
                    + $"or call {generated.Name} outside the [Differentiable] method");
                return;
            }

            // F's value's seed, where F returns one, comes before the outputs' cotangents (as in FBackward's signature).
            var arguments = invocation.ArgumentList.Arguments;
            string? result = forward.ReturnsVoid ? null : TypeNames.Of(forward.ReturnType);
            int at = primal.Count + (result is null ? 0 : 1);
            int gradients = at + outputs.Count;
            if (arguments.Count != gradients + inputs.Count || arguments.Any(a => a.NameColon is not null)
                || arguments.Take(gradients).Any(a => !a.RefKindKeyword.IsKind(SyntaxKind.None))
                || Enumerable.Range(0, inputs.Count).Any(i => !arguments[gradients + i].RefKindKeyword.IsKind(inputs[i].Kind == ParameterKind.Scalar ? SyntaxKind.RefKeyword : SyntaxKind.None)))
            {
                RefuseGenerated(invocation, generated, $"pass the arguments of {f} in order, then {(result is null ? "" : "the seed of its value, ")}a cotangent for each of its outputs, "
                    + "then ref a local for each scalar's gradient and a Span output (or a slice of one) for each span's, default where it is not needed");
                return;
            }

            if (arguments.Skip(at).Take(outputs.Count).FirstOrDefault(NotNeeded) is { } zeros)
            {
                RefuseGenerated(invocation, generated, $"pass a span for the cotangent '{MethodParser.OneLine(zeros.ToString())}': a cotangent of zeros adds nothing (leave the call out)");
                return;
            }

            if (SpanGradientTargets(invocation, generated, inputs, arguments, gradients) is not { } spanTargets)
            {
                return;
            }

            var args = arguments.Take(primal.Count).Select((a, i) => primal[i].IsBuffer ? ParseSpanArgument(a.Expression, primal[i]) : Converted(ParseExpression(a.Expression), primal[i].Type)).ToList();
            var cotangents = outputs.Select((p, k) => ParseSpanArgument(arguments[at + k].Expression,
                new ParameterSpec("d" + p.Name, $"global::System.ReadOnlySpan<{p.ElementType}>", p.ElementType, ParameterKind.SpanInput))).ToList();
            Expr? seed = result is null ? null : Converted(ParseExpression(arguments[primal.Count].Expression), result);

            // FBackward reads y as what F wrote: its derivative is that of Jᵀ·dy at y = F(x…), so y must be F(x…) here.
            string owner = forward.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            var watched = new HashSet<string>(args.SelectMany(Reads.Values)); // (an output written elementwise keeps its length)
            bool computed = false;
            for (int k = output.Count - 1; k >= 0 && !computed; k--)
            {
                // (Not a = F(a, y): F's value assigned to one of its arguments changes it.)
                if (CallOf(output[k]) is { } call && call.Target.Method == f && call.Target.ContainingType == owner && call.Args.SequenceEqual(args)
                    && !(output[k] is Assign { Target: var assigned } && Reads.Of(assigned).Any(watched.Contains)))
                {
                    computed = true;
                }
                else if (Walk.Assigned(output[k]).Any(watched.Contains))
                {
                    break;
                }
            }

            if (!computed)
            {
                string values = string.Join(", ", arguments.Take(primal.Count).Select(a => MethodParser.OneLine(a.ToString())));
                RefuseGenerated(invocation, generated, $"{generated.Name} reads {string.Join(", ", outputs.Select(p => "'" + p.Name + "'"))} as what {f} wrote: call {f}({values}) "
                    + "right before it in the same block (nothing in between writing its arguments), so SymGrad differentiates Jᵀ·dy where the outputs are F's values");
                return;
            }

            var reads = args.Concat(cotangents).Concat(seed is null ? Enumerable.Empty<Expr>() : new[] { seed }).SelectMany(Reads.Values).ToList();
            if (spanTargets.Values.FirstOrDefault(t => reads.Contains(t.Span)) is { } aliased)
            {
                RefuseGenerated(invocation, generated, $"the arguments of {generated.Name} read '{aliased.Span}' while a gradient is added to it; add the gradient to another output");
                return;
            }

            var targets = new List<Expr?>();
            foreach (int i in Enumerable.Range(0, inputs.Count))
            {
                if (inputs[i].Kind != ParameterKind.Scalar)
                {
                    targets.Add(null);
                }
                else if (ParseTarget(arguments[gradients + i].Expression) is { } target)
                {
                    targets.Add(target);
                }
                else
                {
                    return; // reported
                }
            }

            // The outputs are recomputed by the methods the call is read as: each is passed its length instead.
            var written = new HashSet<string>(targets.OfType<Expr>().SelectMany(Reads.Of));
            var passed = args.Select((a, i) => primal[i].Kind == ParameterKind.SpanOutput ? Length((SpanRef)a)
                : primal[i].IsBuffer ? a : Held(a, arguments[i].Expression, f, written, output))
                .Concat(seed is null ? Enumerable.Empty<Expr>() : new[] { Held(seed, arguments[primal.Count].Expression, f, written, output) }).Concat(cotangents).ToList();
            string source = MethodParser.OneLine(invocation.ToString());
            for (int i = 0; i < inputs.Count; i++)
            {
                CallTarget adds = BackwardCalls.Target(owner, f, primal, result, inputs[i], hintName, tangent);
                if (targets[i] is { } into)
                {
                    output.Add(new Assign(into, "+=", Converted(new UserCall(adds, passed.ToEquatableArray(), inputs[i].ElementType), into.Type), source));
                }
                else if (spanTargets.TryGetValue(i, out SpanRef? g))
                {
                    output.Add(new CallStatement(new UserCall(adds, passed.Append(g).ToEquatableArray(), "void"), source));
                }
            }
        }

        /// <summary>The length of a span argument, as C#: <c>y.Length</c>, a slice's length, or what is left after its start.</summary>
        private static Expr Length(SpanRef span)
        {
            Expr whole = new Opaque("{0}.Length", new[] { span.Span }.ToEquatableArray(), "int");
            return span.Length ?? (span.Start is { } start ? new Binary("-", whole, start, "int") : whole);
        }

        /// <summary>The call a statement makes as a whole: <c>F(x, y);</c>, <c>v = F(x, y);</c> or <c>double v = F(x, y);</c>.</summary>
        private static UserCall? CallOf(Stmt statement) => statement switch
        {
            CallStatement { Call: var call } => call,
            Assign { Op: "=", Value: UserCall call } => call,
            LocalDecl { Init: UserCall call } => call,
            _ => null,
        };
    }
}
