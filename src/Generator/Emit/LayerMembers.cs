using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Emit
{
    /// <summary>One layer object's gradient fields: those its <c>[Differentiable]</c> instance methods need, in field order.</summary>
    internal sealed record Layer(string Namespace, EquatableArray<ContainingType> ContainingTypes, EquatableArray<ParameterSpec> Fields)
    {
        public string HintName => (Namespace.Length > 0 ? Namespace + "." : "")
            + string.Join(".", ContainingTypes.Select(t => t.Name.Replace('<', '{').Replace('>', '}'))) + ".LayerGradients.g.cs";
    }

    /// <summary>
    /// Emits what a layer object gets besides its methods' backwards, once per type: a public gradient field
    /// <c>d</c> + name for each real field the methods differentiate (<c>double[] dW</c>, <c>double dAlpha</c>), which the
    /// backwards accumulate into, and <c>ZeroGradients()</c>, which sizes and clears them (call it before each step, as
    /// PyTorch's <c>zero_grad</c>).
    /// </summary>
    internal static class LayerMembers
    {
        public static string Gradient(ParameterSpec field) => "d" + field.Name;

        /// <summary>
        /// A local that is a field's gradient, as backwards bind it: <c>ref double dGain = ref this.dGain;</c>, or the span of
        /// <c>this.dW</c>, allocated at the field's length the first time.
        /// </summary>
        public static string Bind(ParameterSpec field, string local) => field.Kind == ParameterKind.Scalar
            ? $"ref {field.Type} {local} = ref this.{Gradient(field)};"
            : $"global::System.Span<{field.ElementType}> {local} = this.{Gradient(field)} = global::SymGrad.Guard.GradientOf(this.{Gradient(field)}, {field.Name});";

        public static Layer? Of(ParseResult result) => result.Model is { IsInstance: true } model
            ? new Layer(model.Namespace, model.ContainingTypes, model.Parameters.Where(p => p.IsField && p.IsDifferentiable).ToEquatableArray())
            : null;

        /// <summary>One file per type, its fields the union of its methods' (the same field in two methods is one gradient).</summary>
        public static IEnumerable<(string HintName, string Source)> Emit(ImmutableArray<Layer?> layers) =>
            layers.Where(l => l is not null).GroupBy(l => l!.HintName).OrderBy(g => g.Key, System.StringComparer.Ordinal).Select(g =>
            {
                Layer first = g.First()!;
                var fields = g.SelectMany(l => l!.Fields).GroupBy(f => f.Name).Select(f => f.First()).ToList();
                return (g.Key, Source(first, fields));
            });

        private static string Source(Layer layer, List<ParameterSpec> fields)
        {
            var model = new MethodModel(layer.Namespace, layer.ContainingTypes, "", "", "", "void", EquatableArray<ParameterSpec>.Empty,
                EquatableArray<LocalSpec>.Empty, Block.Empty, "");
            return SourceEmitter.Wrap(model, writer =>
            {
                foreach (ParameterSpec field in fields.Where(f => !f.GradientDeclared))
                {
                    string gradient = Gradient(field);
                    writer.WriteLine($"/// <summary>");
                    writer.WriteLine($"/// ∂L/∂{field.Name}: the generated backward methods accumulate (+=) into it. Clear it with <see cref=\"ZeroGradients\"/>");
                    writer.WriteLine(field.IsArray ? $"/// before each step; that, or the first backward, allocates it with {field.Name}'s length." : "/// before each step.");
                    writer.WriteLine($"/// </summary>");
                    writer.WriteLine(SourceEmitter.GeneratedCode);
                    writer.WriteLine(field.IsArray ? $"public {field.Type} {gradient} = global::System.Array.Empty<{field.ElementType}>();" : $"public {field.Type} {gradient};");
                    writer.WriteLineNoTabs(string.Empty);
                }

                writer.WriteLine(fields.Count == 0
                    ? "/// <summary>Clears the layer's gradient fields: it has none (no real fields its methods read), so there is nothing to do.</summary>"
                    : "/// <summary>Sets every gradient field to zero, each array sized as its parameter (allocated when that changed).</summary>");
                writer.WriteLine(SourceEmitter.GeneratedCode);
                writer.WriteLine("public void ZeroGradients()");
                SourceEmitter.Open(writer);
                foreach (ParameterSpec field in fields)
                {
                    string gradient = Gradient(field);
                    if (field.IsArray)
                    {
                        writer.WriteLine($"this.{gradient} = global::SymGrad.Guard.GradientOf(this.{gradient}, this.{field.Name});");
                        writer.WriteLine($"global::System.Array.Clear(this.{gradient});");
                    }
                    else
                    {
                        writer.WriteLine($"this.{gradient} = 0;");
                    }
                }

                SourceEmitter.Close(writer);
            });
        }
    }
}
