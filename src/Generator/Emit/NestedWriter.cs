using System.CodeDom.Compiler;
using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Differentiate;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Emit
{
    /// <summary>
    /// What makes <c>FTangent</c> differentiable again (nested differentiation, see <see cref="Parse.NestedTargets"/>): its
    /// pullback <c>FTangentBackward</c> and its tangent <c>FTangentTangent</c>, each a few lines over F's backward, tangent and
    /// Hessian-vector product — second derivatives of F are exactly what those two need, so nothing is derived twice. Where
    /// F's Hessian-vector product has a tangent of its own (<c>FHessianVectorTangent</c>, a third derivative), also
    /// <c>FTangentTangentBackward</c>, the pullback of FTangentTangent: a caller's own Hessian-vector product needs it.
    /// </summary>
    internal static class NestedWriter
    {
        /// <summary>
        /// A static method of scalars and span inputs with a real result (no outputs), its inputs float or double — each one's
        /// tangents, directions and gradients of its own type, as in F's other methods: what the nested methods are written for.
        /// A generic one's are written per real type, overloads as its other methods are (a caller's Hessian-vector product
        /// calls them).
        /// </summary>
        public static bool Shape(MethodModel model) => (!model.IsInstance || model.LayerTwin)
            && !model.Parameters.Any(p => p.Group is not null || p.IsField || p.HoldsStructs || p.Kind == ParameterKind.SpanOutput) && model.ReturnType is "double" or "float"
            && model.Arguments.Where(p => p.IsDifferentiable).All(p => p.ElementType is "double" or "float");

        /// <param name="secondOrder">Write FTangentBackward and FTangentTangent (next to F's other methods).</param>
        /// <param name="thirdOrder">Write FTangentTangentBackward (in F's third-order file, only when a method calls F nested).</param>
        public static void Write(IndentedTextWriter writer, MethodModel model, string workspace, bool secondOrder, bool thirdOrder)
        {
            string type = model.ReturnType, name = model.Name;
            var inputs = model.Arguments.Where(p => p.IsDifferentiable).ToList();
            var names = new NameAllocator(model.TakenNames.Append(workspace));
            string Reserve(string prefix, ParameterSpec p) => names.Reserve(prefix + p.Name);
            var tangent = inputs.ToDictionary(p => p.Name, p => Reserve("t", p));
            var gradient = inputs.ToDictionary(p => p.Name, p => Reserve("d", p));
            var tangentGradient = inputs.ToDictionary(p => p.Name, p => Reserve("dt", p));
            var direction = inputs.ToDictionary(p => p.Name, p => Reserve("u", p));
            var directionTangent = inputs.ToDictionary(p => p.Name, p => Reserve("ut", p));
            var scaled = inputs.ToDictionary(p => p.Name, p => Reserve("v", p));
            var product = inputs.ToDictionary(p => p.Name, p => Reserve("hu", p));
            var directionGradient = inputs.ToDictionary(p => p.Name, p => Reserve("du", p));
            var directionTangentGradient = inputs.ToDictionary(p => p.Name, p => Reserve("dut", p));
            var scaledTangent = inputs.ToDictionary(p => p.Name, p => Reserve("st", p));
            var scaledDirection = inputs.ToDictionary(p => p.Name, p => Reserve("su", p));
            var scaledDirectionTangent = inputs.ToDictionary(p => p.Name, p => Reserve("sut", p));
            string dResult = names.Reserve("dResult"), mark = names.Reserve("mark");
            bool spans = inputs.Any(p => p.Kind == ParameterKind.SpanInput);
            // Each input's tangents, directions and gradients are of its own type (a float input of a double F: float ones).
            string Span(ParameterSpec p, bool readOnly) => $"global::System.{(readOnly ? "ReadOnlySpan" : "Span")}<{p.ElementType}>";
            string In(ParameterSpec p, Dictionary<string, string> of) => p.Kind == ParameterKind.Scalar ? $"{p.ElementType} {of[p.Name]}" : $"{Span(p, true)} {of[p.Name]}";
            string Out(ParameterSpec p, Dictionary<string, string> of) => p.Kind == ParameterKind.Scalar ? $"ref {p.ElementType} {of[p.Name]}" : $"{Span(p, false)} {of[p.Name]}";
            // dResult (the result's type) times an input's direction, in the input's type; the seed as the input's type for a span's scale.
            string Times(ParameterSpec p, string value) => p.ElementType == "float" && type == "double" ? $"(float)({dResult} * {value})" : $"{dResult} * {value}";
            string Seed(ParameterSpec p) => p.ElementType == "float" && type == "double" ? $"(float){dResult}" : dResult;
            // A term of an input's type in a sum of the result's type.
            string AsResult(ParameterSpec p, string term) => p.ElementType == "double" && type == "float" ? $"(float)({term})" : term;
            string Pass(ParameterSpec p, Dictionary<string, string> of) => (p.Kind == ParameterKind.Scalar ? "ref " : "") + of[p.Name];
            var primal = BackwardSignature.Primal(model, p => $"{p.Type} {p.Name}", r => $"out {r.Type} {r.Name}");
            string arguments = string.Join(", ", model.Arguments.Select(p => p.Name));

            if (secondOrder)
            {
                WriteSecondOrder();
            }

            if (thirdOrder)
            {
                WriteTangentTangentBackward();
            }

            void WriteSecondOrder()
            {
                // FTangentBackward: (x, ẋ, dResult, dx, dẋ).
                var parameters = primal.Concat(inputs.Select(p => In(p, tangent))).Append($"{type} {dResult}")
                    .Concat(inputs.Select(p => Out(p, gradient))).Concat(inputs.Select(p => Out(p, tangentGradient)));
                writer.WriteLineNoTabs(string.Empty);
                writer.WriteLine("/// <summary>");
                writer.WriteLine($"/// Reverse mode over <c>{name}Tangent</c> (nested differentiation), derived by SymGrad: {name}Tangent(x, ẋ) = ∇{name}(x)·ẋ, so it");
                writer.WriteLine($"/// accumulates dResult·H·ẋ into the gradients of the inputs (<c>{name}HessianVector</c>) and dResult·∇{name}(x) into those");
                writer.WriteLine($"/// of the tangents (<c>{name}Backward</c>).");
                writer.WriteLine("/// </summary>");
                writer.WriteLine(SourceEmitter.GeneratedCode);
                writer.WriteLine($"{model.Accessibility} {model.StaticModifier}void {name}TangentBackward({string.Join(", ", parameters)})");
                SourceEmitter.Open(writer);
                writer.WriteLine($"{name}Backward({Join(arguments, dResult, string.Join(", ", inputs.Select(p => Pass(p, tangentGradient))))});");
                Scratch(() =>
                {
                    foreach (ParameterSpec p in inputs.Where(p => p.Kind == ParameterKind.SpanInput))
                    {
                        writer.WriteLine($"{Span(p, false)} {scaled[p.Name]} = {workspace}.Rent{Plural(p.ElementType)}({tangent[p.Name]}.Length, clear: false);");
                        writer.WriteLine($"global::SymGrad.VectorOps.Scale({Seed(p)}, {tangent[p.Name]}, {scaled[p.Name]});");
                    }

                    var directions = inputs.Select(p => p.Kind == ParameterKind.Scalar ? Times(p, tangent[p.Name]) : scaled[p.Name]);
                    var into = inputs.Select(p => p.Kind == ParameterKind.Scalar ? "ref " + gradient[p.Name]
                        : $"global::SymGrad.Workspace.DiscardIfEmpty({gradient[p.Name]}, {p.Name}.Length)");
                    writer.WriteLine($"{name}HessianVector({Join(arguments, string.Join(", ", directions), string.Join(", ", into))});");
                });
                SourceEmitter.Close(writer);

                // FTangentTangent: (x, ẋ, u, u̇) → ∇F·u̇ + (H·u)·ẋ.
                parameters = primal.Concat(inputs.Select(p => In(p, tangent))).Concat(inputs.Select(p => In(p, direction))).Concat(inputs.Select(p => In(p, directionTangent)));
                writer.WriteLineNoTabs(string.Empty);
                writer.WriteLine("/// <summary>");
                writer.WriteLine($"/// Forward mode over <c>{name}Tangent</c> (nested differentiation), derived by SymGrad: the tangent of ∇{name}(x)·ẋ along");
                writer.WriteLine($"/// (u, u̇), that is ∇{name}(x)·u̇ + (H·u)·ẋ, by <c>{name}Tangent</c> and <c>{name}HessianVector</c>. Empty spans are zero.");
                writer.WriteLine("/// </summary>");
                writer.WriteLine(SourceEmitter.GeneratedCode);
                writer.WriteLine($"{model.Accessibility} {model.StaticModifier}{type} {name}TangentTangent({string.Join(", ", parameters)})");
                SourceEmitter.Open(writer);
                foreach (ParameterSpec p in inputs.Where(p => p.Kind == ParameterKind.Scalar))
                {
                    writer.WriteLine($"{p.ElementType} {product[p.Name]} = 0;");
                }

                Scratch(() =>
                {
                    foreach (ParameterSpec p in inputs.Where(p => p.Kind == ParameterKind.SpanInput))
                    {
                        writer.WriteLine($"{Span(p, false)} {product[p.Name]} = {workspace}.Rent{Plural(p.ElementType)}({p.Name}.Length);");
                    }

                    writer.WriteLine($"{name}HessianVector({Join(arguments, string.Join(", ", inputs.Select(p => direction[p.Name])), string.Join(", ", inputs.Select(p => Pass(p, product))))});");
                    var terms = inputs.Select(p => AsResult(p, p.Kind == ParameterKind.Scalar
                        ? $"{product[p.Name]} * {tangent[p.Name]}"
                        : $"({tangent[p.Name]}.IsEmpty ? 0 : global::SymGrad.VectorOps.Dot<{p.ElementType}>({product[p.Name]}, {tangent[p.Name]}))"));
                    writer.WriteLine($"return {name}Tangent({Join(arguments, string.Join(", ", inputs.Select(p => directionTangent[p.Name])))}) + {string.Join(" + ", terms)};");
                });
                SourceEmitter.Close(writer);
            }

            // FTangentTangentBackward: (x, ẋ, u, u̇, dResult, dx, dẋ, du, du̇). FTangentTangent = ∇F·u̇ + uᵀ·H·ẋ, so ∂/∂u̇ = ∇F,
            // ∂/∂u = H·ẋ, ∂/∂ẋ = H·u and ∂/∂x = H·u̇ + T[u, ẋ], the third derivative FHessianVectorTangent gives.
            void WriteTangentTangentBackward()
            {
                var ttParameters = primal.Concat(inputs.Select(p => In(p, tangent))).Concat(inputs.Select(p => In(p, direction))).Concat(inputs.Select(p => In(p, directionTangent)))
                    .Append($"{type} {dResult}").Concat(inputs.Select(p => Out(p, gradient))).Concat(inputs.Select(p => Out(p, tangentGradient)))
                    .Concat(inputs.Select(p => Out(p, directionGradient))).Concat(inputs.Select(p => Out(p, directionTangentGradient)));
                writer.WriteLineNoTabs(string.Empty);
                writer.WriteLine("/// <summary>");
                writer.WriteLine($"/// Reverse mode over <c>{name}TangentTangent</c>, derived by SymGrad: {name}TangentTangent(x, ẋ, u, u̇) = ∇{name}·u̇ + uᵀ·H·ẋ, so it");
                writer.WriteLine($"/// accumulates dResult·∇{name} into the gradients of u̇ (<c>{name}Backward</c>), dResult·H·ẋ into those of u, dResult·H·u into those");
                writer.WriteLine($"/// of ẋ (<c>{name}HessianVector</c>) and dResult·(H·u̇ + T[u, ẋ]) into those of x (<c>{name}HessianVectorTangent</c>).");
                writer.WriteLine("/// Empty spans are zero; empty gradient spans are not wanted.");
                writer.WriteLine("/// </summary>");
                writer.WriteLine(SourceEmitter.GeneratedCode);
                writer.WriteLine($"{model.Accessibility} {model.StaticModifier}void {name}TangentTangentBackward({string.Join(", ", ttParameters)})");
                SourceEmitter.Open(writer);
                string Into(ParameterSpec p, Dictionary<string, string> of) => p.Kind == ParameterKind.Scalar ? "ref " + of[p.Name]
                    : $"global::SymGrad.Workspace.DiscardIfEmpty({of[p.Name]}, {p.Name}.Length)";
                writer.WriteLine($"{name}Backward({Join(arguments, dResult, string.Join(", ", inputs.Select(p => Pass(p, directionTangentGradient))))});");
                Scratch(() =>
                {
                    // dResult times each direction: scaled copies of the spans, products of the scalars.
                    var scaled = new (Dictionary<string, string> Of, Dictionary<string, string> Into)[] { (tangent, scaledTangent), (direction, scaledDirection), (directionTangent, scaledDirectionTangent) };
                    foreach ((Dictionary<string, string> of, Dictionary<string, string> into) in scaled)
                    {
                        foreach (ParameterSpec p in inputs.Where(p => p.Kind == ParameterKind.SpanInput))
                        {
                            writer.WriteLine($"{Span(p, false)} {into[p.Name]} = {workspace}.Rent{Plural(p.ElementType)}({of[p.Name]}.Length, clear: false);");
                            writer.WriteLine($"global::SymGrad.VectorOps.Scale({Seed(p)}, {of[p.Name]}, {into[p.Name]});");
                        }
                    }

                    string Scaled(Dictionary<string, string> of, Dictionary<string, string> into) => string.Join(", ", inputs.Select(p => p.Kind == ParameterKind.Scalar ? Times(p, of[p.Name]) : into[p.Name]));
                    string Products(Dictionary<string, string> into) => string.Join(", ", inputs.Select(p => Into(p, into)));
                    writer.WriteLine($"{name}HessianVector({Join(arguments, Scaled(tangent, scaledTangent), Products(directionGradient))});");
                    writer.WriteLine($"{name}HessianVector({Join(arguments, Scaled(direction, scaledDirection), Products(tangentGradient))});");
                    writer.WriteLine($"{name}HessianVector({Join(arguments, Scaled(directionTangent, scaledDirectionTangent), Products(gradient))});");
                    writer.WriteLine($"{name}HessianVectorTangent({Join(arguments, Scaled(tangent, scaledTangent), string.Join(", ", inputs.Select(p => direction[p.Name])), Products(gradient))});");
                });
                SourceEmitter.Close(writer);
            }

            // Span directions and products are workspace scratch, returned when the method ends.
            void Scratch(System.Action body)
            {
                if (!spans)
                {
                    body();
                    return;
                }

                SourceEmitter.InWorkspace(writer, workspace, mark, body);
            }
        }

        private static string Plural(string type) => type == "float" ? "Floats" : "Doubles";

        private static string Join(params string[] parts) => string.Join(", ", parts.Where(p => p.Length > 0));
    }
}
