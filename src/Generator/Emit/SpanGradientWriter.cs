using System.CodeDom.Compiler;
using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Differentiate;
using SymGrad.Generator.Model;
using SymGrad.Generator.Parse;

namespace SymGrad.Generator.Emit
{
    /// <summary>
    /// For a method F whose span input's gradient a differentiable method asks of a nested <c>FGradient</c> or <c>FBackward</c>
    /// (<see cref="SpanGradients"/>): per span input x, <c>FGradientOfX(…, s, g)</c> (g += s·∂F/∂x, by FBackward), its pullback
    /// <c>FGradientOfXBackward</c> (one <c>FHessianVector</c> along the cotangent, one <c>FTangent</c> for the seed's gradient) and
    /// its tangent <c>FGradientOfXTangent</c> (one <c>FHessianVector</c> along the inputs' tangents). Nothing is derived again:
    /// each is a few lines over F's own generated methods.
    /// </summary>
    internal static class SpanGradientWriter
    {
        /// <summary>The methods' file, or null when F has no Hessian-vector product (then no caller reads such a call: SG0019).</summary>
        public static string? Emit(MethodModel model)
        {
            SourceEmitter.Derived derived = SourceEmitter.Derive(model, thirdOrder: true);
            if (derived.Tangent is null || derived.HessianVector is null)
            {
                return null;
            }

            // Where F has a third order (FHessianVectorTangent, its file written for this call too), the pullback's tangent —
            // not through local buffers yet (they are outputs of the twin derived here, which has no nested shape).
            bool thirdOrder = derived.HessianVector.Tangent is not null && NestedWriter.Shape(model);
            MethodModel own = LocalBufferWriter.Public(model); // called as declared: its methods lend its buffers

            return SourceEmitter.Wrap(model, writer =>
            {
                bool first = true;
                foreach (ParameterSpec input in own.Arguments.Where(p => p.Kind == ParameterKind.SpanInput))
                {
                    if (!first)
                    {
                        writer.WriteLineNoTabs(string.Empty);
                    }

                    first = false;
                    Write(writer, own, input, thirdOrder);
                }
            });
        }

        private static void Write(IndentedTextWriter writer, MethodModel model, ParameterSpec input, bool thirdOrder)
        {
            var primal = model.Arguments.ToList();
            var inputs = primal.Where(p => p.IsDifferentiable).ToList();
            var parameters = SpanGradients.Parameters(primal, input, model.ReturnType);
            var names = new NameAllocator(model.TakenNames.Concat(parameters.Select(p => p.Name)));
            string type = model.ReturnType, element = input.ElementType, f = model.Name;
            string name = SpanGradients.Name(f, input.Name), s = parameters[parameters.Count - 2].Name, g = parameters[parameters.Count - 1].Name;
            string seedGradient = names.Reserve("d" + s), seedTangent = names.Reserve("t" + s);
            string cotangent = names.Reserve("d" + g), tangent = names.Reserve("t" + g);
            var gradients = inputs.ToDictionary(p => p.Name, p => names.Reserve("d" + p.Name));
            var tangents = inputs.ToDictionary(p => p.Name, p => names.Reserve("t" + p.Name));
            var unwanted = inputs.Where(p => p.Kind == ParameterKind.Scalar).ToDictionary(p => p.Name, p => names.Reserve("unwanted" + char.ToUpperInvariant(p.Name[0]) + p.Name.Substring(1)));
            string workspace = names.Reserve("workspace"), mark = names.Reserve("mark"), scaled = names.Reserve("v"), product = names.Reserve("hv"), i = names.Reserve("i");

            string Values() => string.Join(", ", primal.Select(p => p.Name));
            string Decl(IEnumerable<ParameterSpec> ps) => string.Join(", ", ps.Select(p => $"{p.Type} {p.Name}"));
            string Span(string e) => $"global::System.Span<{e}>";
            string ReadOnly(string e) => $"global::System.ReadOnlySpan<{e}>";
            string Rent(string e, string length) => SourceEmitter.Rent(workspace, e, length);
            string Zero(ParameterSpec p) => p.Kind == ParameterKind.Scalar ? "0" : "default";
            // Directions of F's generated methods: along x only (the others zero), or along each input's own.
            string Along(string span) => string.Join(", ", inputs.Select(p => p == input ? span : Zero(p)));
            string Each(System.Func<ParameterSpec, string> of) => string.Join(", ", inputs.Select(of));

            void Summary(params string[] lines) => SourceEmitter.Summary(writer, lines);

            void Unwanted()
            {
                foreach (ParameterSpec p in inputs.Where(p => p.Kind == ParameterKind.Scalar))
                {
                    writer.WriteLine($"{p.ElementType} {unwanted[p.Name]} = 0;");
                }
            }

            string Discarded(ParameterSpec p, string into) => p == input ? into : p.Kind == ParameterKind.Scalar ? "ref " + unwanted[p.Name] : Rent(p.ElementType, p.Name + ".Length");

            // (H·ẋ)ₓ, the product along the inputs' tangents, into scratch of x's length (the other products discarded).
            void ProductAlongTangents(string into, string length)
            {
                writer.WriteLine($"{Span(element)} {into} = {Rent(element, length)};");
                Unwanted();
                writer.WriteLine($"{f}HessianVector({Values()}, {Each(p => tangents[p.Name])}, {Each(p => Discarded(p, into))});");
            }

            void ReturnIf(string condition) => SourceEmitter.ReturnIf(writer, condition);

            // g += s·∂F/∂x: FBackward's gradient in x alone.
            Summary($"<c>{g} += {s}·∂{f}/∂{input.Name}</c>, by <c>{f}Backward</c>: what a differentiable method calling <c>{f}Gradient</c> or <c>{f}Backward</c>",
                $"with a span <c>{input.Name}</c>'s gradient calls, differentiated by the two methods below.");
            writer.WriteLine($"internal static void {name}({Decl(parameters)})");
            SourceEmitter.Open(writer);
            Unwanted();
            writer.WriteLine($"{f}Backward({Values()}, {s}, {Each(p => p == input ? g : p.Kind == ParameterKind.Scalar ? "ref " + unwanted[p.Name] : "default")});");
            SourceEmitter.Close(writer);

            // The pullback: the cotangent ḡ of g gives s·H·ḡ (ḡ along x) to the inputs and ⟨∇ₓF, ḡ⟩ to s.
            var backward = parameters.Select(p => p.Name == g ? $"{ReadOnly(element)} {g}" : $"{p.Type} {p.Name}").ToList();
            backward.Add($"{ReadOnly(element)} {cotangent}");
            backward.AddRange(inputs.Select(p => p.Kind == ParameterKind.Scalar ? $"ref {p.ElementType} {gradients[p.Name]}" : $"{Span(p.ElementType)} {gradients[p.Name]}"));
            backward.Add($"ref {type} {seedGradient}");
            writer.WriteLineNoTabs(string.Empty);
            Summary($"The pullback of <c>{name}</c>: accumulates (+=) {s}·H·{cotangent} ({cotangent} along {input.Name}, zero elsewhere: one <c>{f}HessianVector</c>)",
                $"into the inputs' gradients and ⟨∇<sub>{input.Name}</sub>{f}, {cotangent}⟩ (one <c>{f}Tangent</c>) into {seedGradient}. An empty {cotangent} is zero, an empty gradient not needed.");
            writer.WriteLine($"internal static void {name}Backward({string.Join(", ", backward)})");
            SourceEmitter.Open(writer);
            ReturnIf(cotangent + ".IsEmpty");
            writer.WriteLine($"{seedGradient} += {f}Tangent({Values()}, {Along(cotangent)});");
            foreach (ParameterSpec p in inputs.Where(p => p.Kind != ParameterKind.Scalar))
            {
                writer.WriteLine($"{gradients[p.Name]} = global::SymGrad.Workspace.DiscardIfEmpty({gradients[p.Name]}, {p.Name}.Length);");
            }

            writer.WriteLine($"global::SymGrad.Workspace {workspace} = global::SymGrad.Workspace.Current;");
            writer.WriteLine($"global::SymGrad.WorkspaceMark {mark} = {workspace}.Mark();");
            writer.WriteLine($"{Span(element)} {scaled} = {Rent(element, cotangent + ".Length")};");
            writer.WriteLine($"for (int {i} = 0; {i} < {cotangent}.Length; {i}++)");
            SourceEmitter.Open(writer);
            writer.WriteLine($"{scaled}[{i}] = {Cast(element, type, $"{s} * {cotangent}[{i}]")};");
            SourceEmitter.Close(writer);
            writer.WriteLineNoTabs(string.Empty);
            writer.WriteLine($"{f}HessianVector({Values()}, {Along(scaled)}, {Each(p => (p.Kind == ParameterKind.Scalar ? "ref " : "") + gradients[p.Name])});");
            writer.WriteLine($"{workspace}.Release({mark});");
            SourceEmitter.Close(writer);

            // The tangent: ġ += ṡ·∇ₓF + s·(H·ẋ)ₓ, one Hessian-vector product along the inputs' tangents.
            var forward = parameters.Take(primal.Count + 2).Select(p => $"{p.Type} {p.Name}").ToList();
            forward.AddRange(inputs.Select(p => p.Kind == ParameterKind.Scalar ? $"{p.ElementType} {tangents[p.Name]}" : $"{ReadOnly(p.ElementType)} {tangents[p.Name]}"));
            forward.Add($"{type} {seedTangent}");
            forward.Add($"{Span(element)} {tangent}");
            writer.WriteLineNoTabs(string.Empty);
            Summary($"The tangent of <c>{name}</c>: {g} as it adds, and {tangent} += {seedTangent}·∇<sub>{input.Name}</sub>{f} + {s}·(H·ẋ)<sub>{input.Name}</sub> (one <c>{f}HessianVector</c>",
                $"along the inputs' tangents, an empty one zero). An empty {tangent} is not wanted.");
            writer.WriteLine($"internal static void {name}Tangent({string.Join(", ", forward)})");
            SourceEmitter.Open(writer);
            writer.WriteLine($"{name}({Values()}, {s}, {g});");
            ReturnIf(tangent + ".IsEmpty");
            writer.WriteLine($"{name}({Values()}, {seedTangent}, {tangent});");
            writer.WriteLine($"global::SymGrad.Workspace {workspace} = global::SymGrad.Workspace.Current;");
            writer.WriteLine($"global::SymGrad.WorkspaceMark {mark} = {workspace}.Mark();");
            ProductAlongTangents(product, tangent + ".Length");
            writer.WriteLine($"for (int {i} = 0; {i} < {tangent}.Length; {i}++)");
            SourceEmitter.Open(writer);
            writer.WriteLine($"{tangent}[{i}] += {Cast(element, type, $"{s} * {product}[{i}]")};");
            SourceEmitter.Close(writer);
            writer.WriteLineNoTabs(string.Empty);
            writer.WriteLine($"{workspace}.Release({mark});");
            SourceEmitter.Close(writer);
            if (!thirdOrder)
            {
                return;
            }

            // The pullback's tangent, in the shape of a registered backward's (what a caller's Hessian-vector product calls):
            // along ẋ, ṡ and ḋg, the gradients' tangents take H·(ṡ·dg + s·ḋg) + s·T[ẋ, dg] (dg along x), the seed's
            // ⟨∇ₓF, ḋg⟩ + ⟨(H·ẋ)ₓ, dg⟩ — two Hessian-vector products, one third-order product, one tangent.
            var tangentGradients = inputs.ToDictionary(p => p.Name, p => names.Reserve("td" + p.Name));
            string seedTangentGradient = names.Reserve("td" + s), valueTangent = names.Reserve("t" + g + "Value"), cotangentTangent = names.Reserve("td" + g);
            string zeros = names.Reserve("dgOrZeros"), tangentZeros = names.Reserve("tdgOrZeros"), along = names.Reserve("u"), held = names.Reserve("w"), slope = names.Reserve("hx");
            var pullback = new List<string>(backward);
            pullback.AddRange(inputs.Select(p => p.Kind == ParameterKind.Scalar ? $"{p.ElementType} {tangents[p.Name]}" : $"{ReadOnly(p.ElementType)} {tangents[p.Name]}"));
            pullback.Add($"{type} {seedTangent}");
            pullback.Add($"{ReadOnly(element)} {valueTangent}");
            pullback.Add($"{ReadOnly(element)} {cotangentTangent}");
            pullback.AddRange(inputs.Select(p => p.Kind == ParameterKind.Scalar ? $"ref {p.ElementType} {tangentGradients[p.Name]}" : $"{Span(p.ElementType)} {tangentGradients[p.Name]}"));
            pullback.Add($"ref {type} {seedTangentGradient}");
            string Ref(ParameterSpec p, Dictionary<string, string> of) => (p.Kind == ParameterKind.Scalar ? "ref " : "") + of[p.Name];
            writer.WriteLineNoTabs(string.Empty);
            Summary($"The tangent of <c>{name}Backward</c> (what a caller's Hessian-vector product calls): the gradients as it writes them, and, along the",
                $"<c>t</c>-prefixed tangents, H·(t{s}·{cotangent} + {s}·t{cotangent}) + {s}·T[t, {cotangent}] added to the <c>td</c>-prefixed gradients (one <c>{f}HessianVector</c>,",
                $"one <c>{f}HessianVectorTangent</c>) and ⟨∇<sub>{input.Name}</sub>{f}, t{cotangent}⟩ + ⟨(H·t)<sub>{input.Name}</sub>, {cotangent}⟩ to {seedTangentGradient}. Empty tangents are zero; an empty tangent gradient is not needed.");
            writer.WriteLine($"internal static void {name}BackwardTangent({string.Join(", ", pullback)})");
            SourceEmitter.Open(writer);
            writer.WriteLine($"{name}Backward({Values()}, {s}, {g}, {cotangent}, {Each(p => Ref(p, gradients))}, ref {seedGradient});");
            ReturnIf($"{cotangent}.IsEmpty && {cotangentTangent}.IsEmpty");
            foreach (ParameterSpec p in inputs.Where(p => p.Kind != ParameterKind.Scalar))
            {
                writer.WriteLine($"{tangentGradients[p.Name]} = global::SymGrad.Workspace.DiscardIfEmpty({tangentGradients[p.Name]}, {p.Name}.Length);");
            }

            writer.WriteLine($"{ReadOnly(element)} {zeros} = global::SymGrad.Workspace.ZerosIfEmpty({cotangent}, {input.Name}.Length);");
            writer.WriteLine($"{ReadOnly(element)} {tangentZeros} = global::SymGrad.Workspace.ZerosIfEmpty({cotangentTangent}, {input.Name}.Length);");
            writer.WriteLine($"global::SymGrad.Workspace {workspace} = global::SymGrad.Workspace.Current;");
            writer.WriteLine($"global::SymGrad.WorkspaceMark {mark} = {workspace}.Mark();");
            writer.WriteLine($"{Span(element)} {along} = {Rent(element, input.Name + ".Length")};");
            writer.WriteLine($"{Span(element)} {held} = {Rent(element, input.Name + ".Length")};");
            writer.WriteLine($"for (int {i} = 0; {i} < {input.Name}.Length; {i}++)");
            SourceEmitter.Open(writer);
            writer.WriteLine($"{along}[{i}] = {Cast(element, type, $"{seedTangent} * {zeros}[{i}] + {s} * {tangentZeros}[{i}]")};");
            writer.WriteLine($"{held}[{i}] = {Cast(element, type, $"{s} * {zeros}[{i}]")};");
            SourceEmitter.Close(writer);
            writer.WriteLineNoTabs(string.Empty);
            writer.WriteLine($"{f}HessianVector({Values()}, {Along(along)}, {Each(p => Ref(p, tangentGradients))});");
            writer.WriteLine($"{f}HessianVectorTangent({Values()}, {Along(held)}, {Each(p => tangents[p.Name])}, {Each(p => Ref(p, tangentGradients))});");
            writer.WriteLine($"{seedTangentGradient} += {f}Tangent({Values()}, {Along(tangentZeros)});");
            ProductAlongTangents(slope, input.Name + ".Length");
            writer.WriteLine($"for (int {i} = 0; {i} < {input.Name}.Length; {i}++)");
            SourceEmitter.Open(writer);
            writer.WriteLine($"{seedTangentGradient} += {Cast(type, element, $"{slope}[{i}] * {zeros}[{i}]")};");
            SourceEmitter.Close(writer);
            writer.WriteLineNoTabs(string.Empty);
            writer.WriteLine($"{workspace}.Release({mark});");
            SourceEmitter.Close(writer);
        }

        /// <summary>A product of the seed's type as the span's element type: narrowed where they differ.</summary>
        private static string Cast(string element, string type, string value) => element == type ? value : $"({element})({value})";
    }
}
