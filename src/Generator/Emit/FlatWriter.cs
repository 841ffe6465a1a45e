using System.CodeDom.Compiler;
using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Differentiate;
using SymGrad.Generator.Model;
using SymGrad.Generator.Parse;

namespace SymGrad.Generator.Emit
{
    /// <summary>
    /// The flat twin of a method taking structs of reals that a differentiable method calls (<see cref="StructCalls"/>):
    /// <c>DotFlattened(a_X, a_Y, a_Z, b_X, …)</c> and its <c>Backward</c>, <c>Tangent</c> and <c>HessianVector</c>, each building
    /// the structs from the fields, calling the method's own generated method and, for a struct gradient or product, adding
    /// its fields back one by one — and, over those, the twin's <c>TangentBackward</c>/<c>TangentTangent</c>
    /// (<see cref="NestedWriter"/>), which a caller's Hessian-vector product calls. Nothing is derived again.
    /// </summary>
    internal static class FlatWriter
    {
        /// <summary>The twins' file.</summary>
        public static string? Emit(MethodModel model) => SourceEmitter.Wrap(model, writer => Write(writer, model));

        /// <summary>The twins of <paramref name="model"/>'s methods, inside its type (a result's method's too, <see cref="ResultWriter"/>).</summary>
        internal static void Write(IndentedTextWriter writer, MethodModel model)
        {
            SourceEmitter.Derived derived = SourceEmitter.Derive(model);
            bool tangent = derived.Tangent is not null, hessianVector = tangent && derived.HessianVector is not null;

            MethodModel flat = StructCalls.Flat(model);
            var names = new NameAllocator(model.TakenNames.Concat(flat.TakenNames));
            var slots = model.Arguments.ToList();
            var inputs = flat.Arguments.Where(p => p.IsDifferentiable).ToList();
            List<ParameterSpec> Fields(ParameterSpec slot) => model.Parameters.Where(p => p.Group == slot.Name).ToList();
            bool IsStruct(ParameterSpec slot) => model.Parameters.Any(p => p.Group == slot.Name);
            string Path(ParameterSpec field, ParameterSpec slot) => field.Name.Substring(slot.Name.Length);

            // The slots as the method takes them, from the twin's names with a prefix (its values, tangents, directions).
            var tangents = inputs.ToDictionary(p => p.Name, p => names.Reserve("t" + p.Name));
            var gradients = inputs.ToDictionary(p => p.Name, p => names.Reserve("d" + p.Name));
            var products = inputs.ToDictionary(p => p.Name, p => names.Reserve("hv" + p.Name));
            var directions = inputs.ToDictionary(p => p.Name, p => names.Reserve("v" + p.Name));
            string dResult = names.Reserve("dResult");
            string Build(ParameterSpec slot, System.Func<string, string> of)
                => IsStruct(slot) ? StructInitializer.Of(slot.Type, Fields(slot).Select(f => (Path(f, slot), of(StructCalls.FlatName(f.Name))))) : of(slot.Name);
            string Values() => string.Join(", ", slots.Select(s => Build(s, n => n)));
            string Along(Dictionary<string, string> of) => string.Join(", ", slots.Where(s => s.IsDifferentiable).Select(s => Build(s, n => of[n])));

            // A struct's gradient (or product) is a local of its type, its fields added to the twin's after the call.
            // Named as what they hold: da for a gradient, hva for a product.
            var temporaries = new[] { "d", "hv" }.ToDictionary(prefix => prefix, prefix => slots.Where(s => s.IsDifferentiable && IsStruct(s))
                .ToDictionary(s => s.Name, s => names.Reserve(prefix + s.Name)));
            string Into(Dictionary<string, string> of, string prefix) => string.Join(", ", slots.Where(s => s.IsDifferentiable).Select(s => IsStruct(s) ? "ref " + temporaries[prefix][s.Name]
                : s.Kind == ParameterKind.Scalar ? "ref " + of[s.Name] : of[s.Name]));
            void Call(string method, string arguments, Dictionary<string, string> into, string prefix)
            {
                foreach (ParameterSpec slot in slots.Where(s => s.IsDifferentiable && IsStruct(s)))
                {
                    writer.WriteLine($"{slot.Type} {temporaries[prefix][slot.Name]} = default;");
                }

                writer.WriteLine($"{model.Name}{method}({arguments});");
                foreach (ParameterSpec slot in slots.Where(s => s.IsDifferentiable && IsStruct(s)))
                {
                    foreach (ParameterSpec field in Fields(slot))
                    {
                        writer.WriteLine($"{into[StructCalls.FlatName(field.Name)]} += {temporaries[prefix][slot.Name]}{Path(field, slot)};");
                    }
                }
            }

            string Parameters(params IEnumerable<string>[] parts) => string.Join(", ", parts.SelectMany(p => p));
            IEnumerable<string> Primal() => flat.Arguments.Select(p => $"{p.Type} {p.Name}");
            IEnumerable<string> In(Dictionary<string, string> of) => inputs.Select(p => p.Kind == ParameterKind.Scalar ? $"{p.Type} {of[p.Name]}" : $"global::System.ReadOnlySpan<{p.ElementType}> {of[p.Name]}");
            IEnumerable<string> Out(Dictionary<string, string> of) => inputs.Select(p => p.Kind == ParameterKind.Scalar ? $"ref {p.Type} {of[p.Name]}" : $"global::System.Span<{p.ElementType}> {of[p.Name]}");
            string type = model.ReturnType, name = flat.Name;

            Summary($"<c>{model.Name}</c> with its structs' fields passed one by one: what a differentiable method calling it calls.");
            writer.WriteLine($"internal static {type} {name}({Parameters(Primal())}) => {model.Name}({Values()});");

            writer.WriteLineNoTabs(string.Empty);
            Summary($"<c>{model.Name}Backward</c> of the fields: accumulates (+=) each field's gradient.");
            writer.WriteLine($"internal static void {name}Backward({Parameters(Primal(), new[] { $"{type} {dResult}" }, Out(gradients))})");
            SourceEmitter.Open(writer);
            Call("Backward", string.Join(", ", new[] { Values(), dResult, Into(gradients, "d") }.Where(p => p.Length > 0)), gradients, "d");
            SourceEmitter.Close(writer);

            if (tangent)
            {
                writer.WriteLineNoTabs(string.Empty);
                Summary($"<c>{model.Name}Tangent</c> of the fields.");
                writer.WriteLine($"internal static {type} {name}Tangent({Parameters(Primal(), In(tangents))}) => {model.Name}Tangent({Values()}, {Along(tangents)});");
            }

            if (hessianVector)
            {
                writer.WriteLineNoTabs(string.Empty);
                Summary($"<c>{model.Name}HessianVector</c> of the fields: accumulates (+=) each field's product.");
                writer.WriteLine($"internal static void {name}HessianVector({Parameters(Primal(), In(directions), Out(products))})");
                SourceEmitter.Open(writer);
                Call("HessianVector", string.Join(", ", Values(), Along(directions), Into(products, "hv")), products, "hv");
                SourceEmitter.Close(writer);
                NestedWriter.Write(writer, flat, names.Reserve("workspace"), secondOrder: true, thirdOrder: false);
            }

            void Summary(string text) => SourceEmitter.Summary(writer, text);
        }
    }
}
