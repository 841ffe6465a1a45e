using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Parse
{
    /// <summary>
    /// Calls of a <c>[Differentiable]</c> method F with several results — <c>out double</c> parameters, a tuple, a struct of
    /// reals — inside another. Each result the caller reads is a call of a scalar function of its own, F with that one result
    /// kept: <c>PolarResultR(x, y)</c> is F's body with every <c>return</c> returning R. SymGrad writes it next to F and derives
    /// it as any scalar function (<see cref="Emit.ResultWriter"/>): its backward, tangent, Hessian-vector product and nested
    /// methods, so every mode of the caller goes through the call. <c>var (r, theta) = Polar(x, y);</c> is read as
    /// <c>double r = PolarResultR(x, y); double theta = PolarResultTheta(x, y);</c> (<see cref="BodyParser"/>).
    /// Why not one call with a cotangent per result: the engine's calls have one scalar result or write spans; a result's own
    /// method keeps every pass of it unchanged, and computes only what that result reads (the rest of F is dead code there).
    /// </summary>
    internal static class ResultCalls
    {
        /// <summary>What a result's method adds to F's name, before the result's (<c>PolarResultR</c>, <c>SplitResult</c>).</summary>
        public const string Infix = "Result";

        /// <summary>The index of F's returned value among its results (the others are <see cref="MethodModel.Results"/>' indices).</summary>
        public const int Returned = -1;

        /// <summary>Whether <paramref name="callee"/> has results besides (or instead of) a returned float or double.</summary>
        public static bool HasSeveral(IMethodSymbol callee) => callee.Parameters.Any(p => p.RefKind == RefKind.Out && TypeNames.IsReal(p.Type))
            || callee.ReturnType is INamedTypeSymbol { IsTupleType: true } || StructsOfReals.Leaves(callee.ReturnType) is not null;

        /// <summary>
        /// The target of a call reading <paramref name="result"/> of <paramref name="callee"/>, or null and why not. A layer's
        /// method (<paramref name="on"/>: <c>this</c>, or <c>this.Head</c> for a layer held in a field, see <see cref="LayerCalls"/>)
        /// is read through its twin with the fields as parameters: the result's method is the twin's (<c>PairWithFieldsResultA</c>).
        /// </summary>
        public static CallTarget? Target(IMethodSymbol callee, int result, Compilation compilation, CancellationToken cancellationToken, out string reason, string? on = null)
        {
            reason = "";
            if (callee.IsStatic == (on is not null) || callee.IsGenericMethod || !callee.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == CallTargets.DifferentiableAttribute))
            {
                reason = $"a call of a method with several results is differentiated when that method is a non-generic [Differentiable] one, static or of the layer itself "
                    + $"or of a layer it holds in a field ({callee.Name} is not)";
                return null;
            }

            if (NestedTargets.Parsed(callee, compilation, cancellationToken, out reason) is not { } parsed)
            {
                return null;
            }

            if (parsed.Parameters.Any(p => p.Kind == ParameterKind.SpanOutput && p.Buffer is null || p.HoldsStructs) || on is not null && TakesStructs(parsed))
            {
                reason = $"a call of {callee.Name}, which has several results, is differentiated when it writes no Span outputs and takes no spans of structs "
                    + "(nor structs, for a layer's method); return the outputs' values as results, pass a struct's fields as float or double";
                return null;
            }

            MethodModel model = Projected(parsed);

            if (result >= model.Results.Count || result == Returned && model.ReturnType == "void")
            {
                reason = $"{callee.Name} has no such result";
                return null;
            }

            MethodModel projection = Project(model, result);
            NestedTargets.Modes modes = NestedTargets.Cached(callee, model.Name + Infix + result.ToString(System.Globalization.CultureInfo.InvariantCulture), compilation, () => NestedTargets.Derive(projection));
            if (!modes.Derived)
            {
                reason = $"SymGrad cannot differentiate '{callee.Name}' (see its error)";
                return null;
            }

            string owner = on ?? callee.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            if (TakesStructs(model) && model.Buffers.Any())
            {
                reason = $"a call of {callee.Name}, which has several results, takes structs and keeps local buffers: not differentiated yet; pass the structs' fields as float or double";
                return null;
            }

            if (TakesStructs(model))
            {
                // Cross(Point3 a, Point3 b).X: the call is of the result's flat twin (StructCalls), each struct's fields one by one.
                MethodModel flat = StructCalls.Flat(projection);
                return new CallTarget(owner, flat.Name, owner, flat.Name + "Backward", flat.Parameters, projection.ReturnType)
                {
                    Tangent = modes.Tangent ? flat.Name + "Tangent" : null,
                    Nested = modes.Tangent && modes.HessianVector,
                    ResultsOf = parsed.HintName,
                };
            }

            // Its local buffers lent by its methods (Emit.LocalBufferWriter): not the caller's to pass.
            return new CallTarget(owner, projection.Name, owner, projection.Name + "Backward", Emit.LocalBufferWriter.Public(projection).Parameters, projection.ReturnType)
            {
                Tangent = modes.Tangent ? projection.Name + "Tangent" : null,
                Nested = modes.Nested,

                // The results' third orders are F's third-order file (written when a caller's third order needs it, and with it
                // those of the methods F calls).
                ThirdOrderOf = modes.ThirdOrderOf is null ? null : parsed.HintName,
                ResultsOf = parsed.HintName,
            };
        }

        /// <summary>What F's results' methods are projections of: F, or a layer method's twin with the fields as parameters.</summary>
        public static MethodModel Projected(MethodModel model) => model.IsInstance ? LayerCalls.Twin(model) : model;

        /// <summary>Whether F takes structs of reals: its results' methods are called through their flat twins.</summary>
        public static bool TakesStructs(MethodModel model) => model.Parameters.Any(p => p.Group is not null);

        /// <summary>The results a caller may read, in order: the returned value (when there is one), then the others.</summary>
        public static IEnumerable<int> All(MethodModel model)
            => (model.ReturnType == "void" ? Enumerable.Empty<int>() : new[] { Returned }).Concat(Enumerable.Range(0, model.Results.Count));

        /// <summary>
        /// F with one result kept, a scalar function of F's parameters: every <c>return</c> returns that result (F's returned
        /// value, or the local holding an out parameter, a tuple element or a struct's field); the other results are locals.
        /// </summary>
        public static MethodModel Project(MethodModel model, int result)
        {
            ScalarResult? kept = result == Returned ? null : model.Results[result];
            Block body = kept is null ? model.Body : Walk.Rewrite(model.Body, s => new[]
            {
                s is Return ? new Return(new Name(kept.Name, kept.Type), "return " + kept.Name + ";") : s,
            });

            // The results were F's out parameters (a tuple's elements are too, in its generated methods): here they are locals,
            // declared first; C# saw each assigned before it is read.
            body = new Block(model.Results.Select(r => (Stmt)new LocalDecl(r.Name, r.Type, null, $"{r.Type} {r.Name};"))
                .Concat(body.Statements).ToEquatableArray());
            string name = NameOf(model, result);
            return model with
            {
                Name = name,
                Accessibility = "internal",
                ReturnType = kept?.Type ?? model.ReturnType,
                Results = EquatableArray<ScalarResult>.Empty,
                Body = body,
                ForwardSource = $"internal {model.StaticModifier}{kept?.Type ?? model.ReturnType} {name}({string.Join(", ", model.Declared.Select(p => p.Type + " " + p.Name))})",
                DeclaredMembers = EquatableArray<string>.Empty,
            };
        }

        /// <summary>The name of a result's method: F's, <see cref="Infix"/>, and the result's (<c>PolarResultTheta</c>, <c>SplitResultB</c>).</summary>
        public static string NameOf(MethodModel model, int result)
        {
            var labels = model.Results.Select(Label).ToList();
            if (result == Returned)
            {
                return model.Name + Infix;
            }

            // Two results whose labels meet (r and R) are told apart by their place.
            string label = labels[result];
            return model.Name + Infix + label + (labels.Count(l => l == label) > 1 ? (result + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
        }

        /// <summary>
        /// How the result's method reads it from F's own: <c>Polar(x, y).Item2</c>, <c>Cross(a, b).X</c>, <c>Split(x, out _)</c>;
        /// for an out parameter, the call <c>Split(x, out double b)</c> and the local it declares (<paramref name="outLocal"/>).
        /// </summary>
        public static string Forward(MethodModel model, int result, out string? outLocal)
        {
            ScalarResult? kept = result == Returned ? null : model.Results[result];
            var arguments = new List<string>();
            var parameters = new Queue<ParameterSpec>(model.Declared); // its local buffers are its own
            int count = parameters.Count + model.Results.Count(r => r.Position >= 0);
            for (int i = 0; i < count; i++)
            {
                ScalarResult? output = model.Results.FirstOrDefault(r => r.Position == i);
                arguments.Add(output is null ? parameters.Dequeue().Name : output == kept ? $"out {output.Type} {output.Name}" : "out _");
            }

            string call = $"{model.Name}({string.Join(", ", arguments)})";
            outLocal = kept is { Position: >= 0 } ? kept.Name : null;
            return kept switch
            {
                null or { Position: >= 0 } => call,
                { Path: { } path } => call + path,
                _ => call + ".Item" + (result + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
        }

        private static string Label(ScalarResult result)
        {
            string label = result.Path is { } path ? path.Replace(".", "") : result.Name;
            return label.Length == 0 ? label : char.ToUpperInvariant(label[0]) + label.Substring(1);
        }
    }
}
