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
            ? new Layer(model.Namespace, model.ContainingTypes, model.Parameters.Where(p => p.IsField && (p.IsDifferentiable || p.Owner is not null)).ToEquatableArray())
            : null;

        /// <summary>One file per type, its fields the union of its methods' (the same field in two methods is one gradient).</summary>
        public static IEnumerable<(string HintName, string Source)> Emit(ImmutableArray<Layer?> layers) =>
            layers.Where(l => l is not null).GroupBy(l => l!.HintName).OrderBy(g => g.Key, System.StringComparer.Ordinal).Select(g =>
            {
                Layer first = g.First()!;
                var fields = g.SelectMany(l => l!.Fields).GroupBy(f => f.Name).Select(f => f.First()).ToList();
                return (g.Key, Source(first, fields));
            });

        private static string Source(Layer layer, List<ParameterSpec> all)
        {
            var model = new MethodModel(layer.Namespace, layer.ContainingTypes, "", "", "", "void", EquatableArray<ParameterSpec>.Empty,
                EquatableArray<LocalSpec>.Empty, Block.Empty, "");
            var fields = all.Where(f => f.IsDifferentiable).ToList();
            return SourceEmitter.Wrap(model, writer =>
            {
                // The fields of a layer held in a field, read by calls of its methods: properties of this layer, so that every
                // generated method reads them, and their gradients, as this layer's own (a ref to the held layer's d-field).
                foreach (ParameterSpec field in all.Where(f => f.Owner is not null))
                {
                    writer.WriteLine($"/// <summary><c>{field.Owner}.{field.Member}</c>, which calls of {field.Owner}'s differentiable methods read: a parameter of this layer's derivations.</summary>");
                    writer.WriteLine(SourceEmitter.GeneratedCode);
                    writer.WriteLine($"internal {field.Type} {field.Name} => this.{field.Owner}.{field.Member};");
                    writer.WriteLineNoTabs(string.Empty);
                    if (field.IsDifferentiable)
                    {
                        writer.WriteLine($"/// <summary>∂L/∂{field.Owner}.{field.Member}: {field.Owner}'s own gradient field, which this layer's backward methods accumulate (+=) into.</summary>");
                        writer.WriteLine(SourceEmitter.GeneratedCode);
                        writer.WriteLine($"internal ref {field.Type} {Gradient(field)} => ref this.{field.Owner}.d{field.Member};");
                        writer.WriteLineNoTabs(string.Empty);
                    }
                }

                foreach (ParameterSpec field in fields.Where(f => !f.GradientDeclared && f.Owner is null))
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
                    : fields.Any(f => f.Owner is not null)
                    ? "/// <summary>Sets every gradient field to zero, each array sized as its parameter (allocated when that changed), those of the layers it holds that its methods' calls read too.</summary>"
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
