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
    /// Hessian-vector product — second derivatives of F are exactly what those two need, so nothing is derived twice.
    /// </summary>
    internal static class NestedWriter
    {
        /// <summary>A static, non-generic method of scalars and spans with a real result: what the nested methods are written for.</summary>
        public static bool Shape(MethodModel model) => !model.IsInstance && model.TypeArguments.Length == 0
            && !model.Parameters.Any(p => p.Group is not null || p.IsField || p.HoldsStructs) && model.ReturnType is "double" or "float";

        public static void Write(IndentedTextWriter writer, MethodModel model, string workspace)
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
            string dResult = names.Reserve("dResult"), mark = names.Reserve("mark");
            bool spans = inputs.Any(p => p.Kind == ParameterKind.SpanInput);
            string Span(ParameterSpec p, bool readOnly) => $"global::System.{(readOnly ? "ReadOnlySpan" : "Span")}<{type}>";
            string In(ParameterSpec p, Dictionary<string, string> of) => p.Kind == ParameterKind.Scalar ? $"{type} {of[p.Name]}" : $"{Span(p, true)} {of[p.Name]}";
            string Out(ParameterSpec p, Dictionary<string, string> of) => p.Kind == ParameterKind.Scalar ? $"ref {type} {of[p.Name]}" : $"{Span(p, false)} {of[p.Name]}";
            string Pass(ParameterSpec p, Dictionary<string, string> of) => (p.Kind == ParameterKind.Scalar ? "ref " : "") + of[p.Name];
            var primal = BackwardSignature.Primal(model, p => $"{p.Type} {p.Name}", r => $"out {r.Type} {r.Name}");
            string arguments = string.Join(", ", model.Arguments.Select(p => p.Name));

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
            writer.WriteLine($"{model.Accessibility} static void {name}TangentBackward({string.Join(", ", parameters)})");
            SourceEmitter.Open(writer);
            writer.WriteLine($"{name}Backward({Join(arguments, dResult, string.Join(", ", inputs.Select(p => Pass(p, tangentGradient))))});");
            Scratch(() =>
            {
                foreach (ParameterSpec p in inputs.Where(p => p.Kind == ParameterKind.SpanInput))
                {
                    writer.WriteLine($"{Span(p, false)} {scaled[p.Name]} = {workspace}.Rent{Plural(type)}({tangent[p.Name]}.Length, clear: false);");
                    writer.WriteLine($"global::SymGrad.VectorOps.Scale({dResult}, {tangent[p.Name]}, {scaled[p.Name]});");
                }

                var directions = inputs.Select(p => p.Kind == ParameterKind.Scalar ? $"{dResult} * {tangent[p.Name]}" : scaled[p.Name]);
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
            writer.WriteLine($"{model.Accessibility} static {type} {name}TangentTangent({string.Join(", ", parameters)})");
            SourceEmitter.Open(writer);
            foreach (ParameterSpec p in inputs.Where(p => p.Kind == ParameterKind.Scalar))
            {
                writer.WriteLine($"{type} {product[p.Name]} = 0;");
            }

            Scratch(() =>
            {
                foreach (ParameterSpec p in inputs.Where(p => p.Kind == ParameterKind.SpanInput))
                {
                    writer.WriteLine($"{Span(p, false)} {product[p.Name]} = {workspace}.Rent{Plural(type)}({p.Name}.Length);");
                }

                writer.WriteLine($"{name}HessianVector({Join(arguments, string.Join(", ", inputs.Select(p => direction[p.Name])), string.Join(", ", inputs.Select(p => Pass(p, product))))});");
                var terms = inputs.Select(p => p.Kind == ParameterKind.Scalar
                    ? $"{product[p.Name]} * {tangent[p.Name]}"
                    : $"({tangent[p.Name]}.IsEmpty ? 0 : global::SymGrad.VectorOps.Dot<{type}>({product[p.Name]}, {tangent[p.Name]}))");
                writer.WriteLine($"return {name}Tangent({Join(arguments, string.Join(", ", inputs.Select(p => directionTangent[p.Name])))}) + {string.Join(" + ", terms)};");
            });
            SourceEmitter.Close(writer);

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
