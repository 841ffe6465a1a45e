using System.CodeDom.Compiler;
using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Differentiate;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Emit
{
    /// <summary>
    /// <c>MJacobian</c>: the dense Jacobian, row-major — a row per result (the returned value, then each element of each
    /// output), a column per differentiable input element (each real field of each element of a span of structs) — from one <c>MTangent</c> per column or one <c>MBackward</c> per
    /// row, whichever is fewer at the call's sizes (forward mode only where <c>MTangent</c> exists).
    /// </summary>
    internal static class JacobianWriter
    {
        /// <summary>
        /// The element type of the method's Jacobian, when it has one SymGrad writes (else null): the type all results and
        /// inputs share, or <c>double</c> where they mix float and double — a float converts to double exactly, so the one
        /// matrix loses nothing.
        /// </summary>
        public static string? ElementType(MethodModel model)
        {
            var inputs = Inputs(model);
            var outputs = model.Arguments.Where(p => p.Kind == ParameterKind.SpanOutput).ToList();
            var types = inputs.Concat(outputs).Select(p => p.RealType).Concat(model.ReturnType == "void" ? Enumerable.Empty<string>() : new[] { model.ReturnType })
                .Concat(model.Results.Select(r => r.Type)).Distinct().ToList();
            return inputs.Count > 0 && (outputs.Count > 0 || model.ReturnType != "void" || model.Results.Count > 0) && types.All(t => t is "double" or "float")
                ? Widest(types) : null;
        }

        /// <summary>float when every type is float, else double.</summary>
        public static string Widest(IEnumerable<string> types) => types.All(t => t == "float") ? "float" : "double";

        /// <summary>
        /// The columns' inputs in parameter order: scalars, spans, and a struct parameter's real fields (<c>a.X</c>), each its
        /// own; then a layer's fields the method reads, in field order.
        /// </summary>
        private static List<ParameterSpec> Inputs(MethodModel model) => model.Inputs.ToList();

        public static void Write(IndentedTextWriter writer, MethodModel model, BackwardSignature signature, TangentProgram? tangent, string type)
        {
            var names = new NameAllocator(model.TakenNames.Concat(signature.Gradients.Values).Concat(signature.Cotangents.Values));
            string jacobian = names.Reserve("jacobian"), rows = names.Reserve("rows"), columns = names.Reserve("columns");
            string workspace = names.Reserve("workspace"), mark = names.Reserve("mark"), row = names.Reserve("row"), column = names.Reserve("column"), i = names.Reserve("i");
            var inputs = Inputs(model);
            var outputs = model.Arguments.Where(p => p.Kind == ParameterKind.SpanOutput).ToList();
            bool scalar = model.ReturnType != "void";

            // Where each input's columns and each result's rows start; a struct's fields by the slot the signature lists.
            var columnAt = inputs.ToDictionary(p => p.Name, p => names.Reserve("c" + Capital(p.Name.Replace('.', '_'))));
            string element = names.Reserve("element"), field = names.Reserve("field");
            var slots = inputs.GroupBy(p => p.Group ?? p.Name).ToList();
            string Path(ParameterSpec leaf) => leaf.Name.Substring(leaf.Group!.Length);
            var rowAt = outputs.ToDictionary(p => p.Name, p => names.Reserve("r" + Capital(p.Name)));
            string resultRow = scalar ? names.Reserve("rResult") : "";

            // Several results (out results, a tuple's elements, a struct's fields): a row each, after the returned value.
            var results = model.Results.ToList();
            string resultsRow = results.Count > 0 ? names.Reserve("rResults") : "";
            string Access(ScalarResult r) => r.Path ?? "." + r.Name;
            bool outResults = results.Any(r => r.Position >= 0);
            var outTangents = results.Where(r => r.Position >= 0).ToDictionary(r => r.Name, r => names.Reserve("t" + Capital(r.Name)));
            string tupleTangent = results.Any(r => r.Position < 0) ? names.Reserve("tangent") : "";

            string What(IEnumerable<string> parts) => string.Join(", then ", parts);
            writer.WriteLine("/// <summary>");
            writer.WriteLine($"/// The Jacobian of <c>{model.Name}</c>, derived by SymGrad, written dense and row-major into <c>{jacobian}</c>: a row per result");
            writer.WriteLine($"/// ({What((scalar ? new[] { "the returned value" } : new string[0]).Concat(results.Select(r => r.Path is null ? r.Name : "result" + r.Path)).Concat(outputs.Select(o => "each element of " + o.Name)))}), a column per differentiable input");
            writer.WriteLine($"/// ({What(inputs.Select(Columns))}). "
                + (tangent is null ? "It runs one backward pass per row." : "It runs whichever needs fewer passes at"));
            if (tangent is not null)
            {
                writer.WriteLine($"/// these sizes: one forward-mode pass (<c>{model.Name}Tangent</c>) per column, or one backward pass per row.");
            }

            writer.WriteLine("/// Like the method, it writes the outputs.");
            writer.WriteLine("/// </summary>");
            writer.WriteLine(SourceEmitter.GeneratedCode);
            var parameters = BackwardSignature.Primal(model, p => $"{p.Type} {p.Name}", r => $"out {r.Type} {r.Name}");
            parameters.Add($"global::System.Span<{type}> {jacobian}");
            writer.WriteLine($"{model.Accessibility} {model.StaticModifier}void {model.Name}Jacobian({string.Join(", ", parameters)})");
            Open(writer);

            WriteOffsets(writer, inputs.Select(p => (columnAt[p.Name], p.Reals)), columns);
            WriteOffsets(writer, (scalar ? new[] { (resultRow, "1") } : new (string, string)[0])
                .Concat(results.Count > 0 ? new[] { (resultsRow, results.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)) } : new (string, string)[0])
                .Concat(outputs.Select(o => (rowAt[o.Name], o.Name + ".Length"))), rows);
            writer.WriteLine($"global::SymGrad.Guard.JacobianLength<{type}>({jacobian}, nameof({jacobian}), {rows}, {columns});");
            SourceEmitter.InWorkspace(writer, workspace, mark, () =>
            {
                var primal = BackwardSignature.Primal(model, p => p.Name, r => "out " + r.Name);
                if (outResults)
                {
                    // C# wants the out results assigned on every path: the forward assigns them once, whatever the sweeps.
                    writer.WriteLine($"{model.Name}{model.TypeArguments}({string.Join(", ", primal)});");
                }

                if (tangent is not null)
                {
                    writer.WriteLine($"if ({columns} <= {rows})");
                    Open(writer);
                    writer.WriteLine("// Forward mode: column j is J·eⱼ, the tangent along the j-th input.");
                    if (outputs.Count > 0 && !outResults)
                    {
                        // The tangent passes write the outputs; with no input element at these sizes there is none, and the method
                        // writes them (found by the random-program tester: an output left as it was).
                        writer.WriteLine($"if ({columns} == 0)");
                        Open(writer);
                        writer.WriteLine($"{model.Name}{model.TypeArguments}({string.Join(", ", primal)}); // no input element, no tangent pass to write the outputs");
                        Close(writer);
                    }

                    var tangents = new Dictionary<string, string>();
                    foreach (ParameterSpec p in inputs.Concat(outputs).Where(p => p.Kind != ParameterKind.Scalar))
                    {
                        tangents[p.Name] = names.Reserve("t" + p.Name);
                        writer.WriteLine(Rent(p, tangents[p.Name], workspace));
                    }

                    writer.WriteLine($"for (int {column} = 0; {column} < {columns}; {column}++)");
                    Open(writer);
                    var arguments = new List<string>(primal);
                    foreach (var slot in slots)
                    {
                        ParameterSpec p = slot.First();
                        if (p.Group is not null)
                        {
                            // A struct's tangent is the unit struct of the column's field.
                            arguments.Add(StructInitializer.Of(p.GroupType, slot.Select(leaf => (Path(leaf), $"{column} == {columnAt[leaf.Name]} ? 1 : 0"))));
                            continue;
                        }

                        if (p.Kind == ParameterKind.Scalar)
                        {
                            arguments.Add($"{column} == {columnAt[p.Name]} ? 1 : 0");
                            continue;
                        }

                        string t = tangents[p.Name];
                        arguments.Add(t);
                        WriteUnit(writer, t, column, columnAt[p.Name], p, element, field);
                    }

                    arguments.AddRange(outputs.Select(o => tangents[o.Name]));
                    arguments.AddRange(results.Where(r => r.Position >= 0).Select(r => $"out {r.Type} {outTangents[r.Name]}"));
                    string call = $"{model.Name}Tangent({string.Join(", ", arguments)})";
                    writer.WriteLine(scalar ? $"{jacobian}[{resultRow} * {columns} + {column}] = {call};" : tupleTangent.Length > 0 ? $"var {tupleTangent} = {call};" : call + ";");
                    for (int k = 0; k < results.Count; k++)
                    {
                        string value = results[k].Position >= 0 ? outTangents[results[k].Name] : tupleTangent + Access(results[k]);
                        writer.WriteLine($"{jacobian}[{(k == 0 ? resultsRow : $"({resultsRow} + {k})")} * {columns} + {column}] = {value};");
                    }

                    foreach (ParameterSpec o in outputs)
                    {
                        writer.WriteLine($"for (int {i} = 0; {i} < {o.Name}.Length; {i}++)");
                        Open(writer);
                        writer.WriteLine($"{jacobian}[({rowAt[o.Name]} + {i}) * {columns} + {column}] = {tangents[o.Name]}[{i}];");
                        Close(writer);
                    }

                    Close(writer);
                    Close(writer);
                    writer.WriteLine("else");
                    Open(writer);
                }

                writer.WriteLine("// Reverse mode: row i is eᵢᵀ·J, the gradient of the i-th result.");
                if (outputs.Count > 0 && !outResults)
                {
                    writer.WriteLine($"{model.Name}{model.TypeArguments}({string.Join(", ", primal)}); // the backward reads the outputs the forward writes");
                }

                var gradients = new Dictionary<string, string>();
                foreach (ParameterSpec p in slots.Select(s => s.First()))
                {
                    string slot = p.Group ?? p.Name;
                    gradients[slot] = names.Reserve("d" + slot);
                    writer.WriteLine(p.IsField ? LayerMembers.Bind(p, gradients[slot])
                        : p.Group is not null ? $"{p.GroupType} {gradients[slot]};"
                        : p.Kind == ParameterKind.Scalar ? $"{p.Type} {gradients[slot]};" : Rent(p, gradients[slot], workspace));
                }

                // A layer's fields' gradients are its d-fields, which the backward accumulates into: what they hold is set aside
                // and put back after the rows, whatever happens.
                var fields = inputs.Where(p => p.IsField).ToList();
                var kept = fields.ToDictionary(p => p.Name, p => names.Reserve("kept" + Capital(p.Name)));
                foreach (ParameterSpec p in fields)
                {
                    writer.WriteLine(p.Kind == ParameterKind.Scalar ? $"{p.Type} {kept[p.Name]} = {gradients[p.Name]};"
                        : $"global::System.Span<{p.ElementType}> {kept[p.Name]} = {workspace}.Copy({gradients[p.Name]});");
                }

                if (fields.Count > 0)
                {
                    writer.WriteLine("try");
                    Open(writer);
                }

                var cotangents = outputs.ToDictionary(o => o.Name, o => names.Reserve("d" + o.Name));
                foreach (ParameterSpec o in outputs)
                {
                    writer.WriteLine(Rent(o, cotangents[o.Name], workspace));
                }

                writer.WriteLine($"for (int {row} = 0; {row} < {rows}; {row}++)");
                Open(writer);
                var backward = model.Arguments.Select(p => p.Name).ToList();
                if (scalar)
                {
                    backward.Add($"{row} == {resultRow} ? 1 : 0");
                }

                // A cotangent per result, a struct's as one unit struct (as MBackward takes it).
                string Unit(int k) => k == 0 ? $"{row} == {resultsRow} ? 1 : 0" : $"{row} == {resultsRow} + {k} ? 1 : 0";
                backward.AddRange(results.Where(r => r.Path is null).Select(r => Unit(results.IndexOf(r))));
                if (results.FirstOrDefault(r => r.Path is not null) is { } structResult)
                {
                    backward.Add(StructInitializer.Of(structResult.GroupType, results.Select((r, k) => (r.Path!, Unit(k)))));
                }

                foreach (ParameterSpec o in outputs)
                {
                    string dy = cotangents[o.Name];
                    backward.Add(dy);
                    WriteUnit(writer, dy, row, rowAt[o.Name], o, element, field);
                }

                foreach (ParameterSpec p in slots.Select(s => s.First()))
                {
                    string g = gradients[p.Group ?? p.Name];
                    writer.WriteLine(p.Group is not null ? $"{g} = default;" : p.Kind == ParameterKind.Scalar ? $"{g} = 0;" : $"{g}.Clear();");
                    if (!p.IsField)
                    {
                        backward.Add((p.Kind == ParameterKind.Scalar ? "ref " : "") + g);
                    }
                }

                writer.WriteLine($"{model.Name}Backward({string.Join(", ", backward)});");
                foreach (ParameterSpec p in inputs)
                {
                    string g = gradients[p.Group ?? p.Name];
                    if (p.Group is not null || p.Kind == ParameterKind.Scalar)
                    {
                        writer.WriteLine($"{jacobian}[{row} * {columns} + {columnAt[p.Name]}] = {g}{(p.Group is null ? "" : Path(p))};");
                        continue;
                    }

                    WriteCopy(writer, g, jacobian, $"{row} * {columns} + {columnAt[p.Name]}", p, type, i);
                }

                Close(writer);
                if (fields.Count > 0)
                {
                    Close(writer);
                    writer.WriteLine("finally");
                    Open(writer);
                    foreach (ParameterSpec p in fields)
                    {
                        writer.WriteLine(p.Kind == ParameterKind.Scalar ? $"{gradients[p.Name]} = {kept[p.Name]};" : $"{kept[p.Name]}.CopyTo({gradients[p.Name]});");
                    }

                    Close(writer);
                }

                if (tangent is not null)
                {
                    Close(writer);
                }
            });
            Close(writer);
        }

        /// <summary>
        /// <c>MHessian</c>: the dense Hessian (n × n over the differentiable input elements), one <c>MHessianVector</c> per
        /// column; the Hessian is symmetric, so column j is written as row j, straight into place.
        /// </summary>
        public static void WriteHessian(IndentedTextWriter writer, MethodModel model, string type)
        {
            var names = new NameAllocator(model.TakenNames);
            string hessian = names.Reserve("hessian"), size = names.Reserve("size"), column = names.Reserve("column");
            string workspace = names.Reserve("workspace"), mark = names.Reserve("mark");
            // The columns are the input elements: a struct parameter's real fields (a.X, a.Y), each its own.
            var inputs = model.Inputs.ToList();
            var columnAt = inputs.ToDictionary(p => p.Name, p => names.Reserve("c" + Capital(p.Name.Replace('.', '_'))));
            string element = names.Reserve("element"), field = names.Reserve("field"), i = names.Reserve("i");
            writer.WriteLine("/// <summary>");
            writer.WriteLine($"/// The Hessian of <c>{model.Name}</c>, derived by SymGrad, written dense into <c>{hessian}</c> (n × n, n the number of");
            writer.WriteLine($"/// differentiable input elements: {string.Join(", then ", inputs.Select(Columns))}),");
            writer.WriteLine($"/// one <c>{model.Name}HessianVector</c> per column. Meant for small inputs: it costs n Hessian-vector products.");
            writer.WriteLine("/// </summary>");
            writer.WriteLine(SourceEmitter.GeneratedCode);
            var parameters = BackwardSignature.Primal(model, p => $"{p.Type} {p.Name}", r => $"out {r.Type} {r.Name}");
            parameters.Add($"global::System.Span<{type}> {hessian}");
            writer.WriteLine($"{model.Accessibility} {model.StaticModifier}void {model.Name}Hessian({string.Join(", ", parameters)})");
            Open(writer);
            WriteOffsets(writer, inputs.Select(p => (columnAt[p.Name], p.Reals)), size);
            writer.WriteLine($"global::SymGrad.Guard.JacobianLength<{type}>({hessian}, nameof({hessian}), {size}, {size});");
            writer.WriteLine($"{hessian}.Clear();");
            // Span directions are rented unit vectors: only then is the workspace held.
            System.Action columns = () =>
            {
                var directions = inputs.Where(p => p.Kind != ParameterKind.Scalar).ToDictionary(p => p.Name, p => names.Reserve("v" + p.Name));
                // Products of spans of structs, or of float spans in a double matrix: rented, copied into the column after.
                var copiedProducts = inputs.Where(p => p.Kind != ParameterKind.Scalar && (p.HoldsStructs || p.ElementType != type)).ToDictionary(p => p.Name, p => names.Reserve("hv" + p.Name));
                foreach (ParameterSpec p in inputs.Where(p => p.Kind != ParameterKind.Scalar))
                {
                    writer.WriteLine(Rent(p, directions[p.Name], workspace));
                    if (p.HoldsStructs || p.ElementType != type)
                    {
                        writer.WriteLine(Rent(p, copiedProducts[p.Name], workspace)); // a product not of the matrix's type, copied out after each column
                    }
                }

                writer.WriteLine($"for (int {column} = 0; {column} < {size}; {column}++)");
                Open(writer);
                var arguments = BackwardSignature.Primal(model, p => p.Name, r => "out " + r.Name);
                var products = new List<string>();
                var after = new List<System.Action>(); // copying the products that are not the Hessian's own rows into them
                foreach (var slot in inputs.GroupBy(p => p.Group ?? p.Name))
                {
                    ParameterSpec p = slot.First();
                    if (p.Group is { } group)
                    {
                        // A struct's direction is the unit struct of the column's field; its product a local, copied out after.
                        string product = names.Reserve("hv" + Capital(group));
                        string Path(ParameterSpec leaf) => leaf.Name.Substring(group.Length);
                        arguments.Add(StructInitializer.Of(p.GroupType, slot.Select(leaf => (Path(leaf), $"{column} == {columnAt[leaf.Name]} ? 1 : 0"))));
                        writer.WriteLine($"{p.GroupType} {product} = default;");
                        products.Add("ref " + product);
                        after.AddRange(slot.Select(leaf => (System.Action)(() => writer.WriteLine($"{hessian}[{column} * {size} + {columnAt[leaf.Name]}] = {product}{Path(leaf)};"))));
                    }
                    else if (p.Kind == ParameterKind.Scalar && p.Type != type)
                    {
                        // A float input's product is a float local, copied into the double matrix after.
                        string product = names.Reserve("hv" + Capital(p.Name));
                        arguments.Add($"{column} == {columnAt[p.Name]} ? 1 : 0");
                        writer.WriteLine($"{p.Type} {product} = 0;");
                        products.Add("ref " + product);
                        after.Add(() => writer.WriteLine($"{hessian}[{column} * {size} + {columnAt[p.Name]}] = {product};"));
                    }
                    else if (p.Kind == ParameterKind.Scalar)
                    {
                        arguments.Add($"{column} == {columnAt[p.Name]} ? 1 : 0");
                        products.Add($"ref {hessian}[{column} * {size} + {columnAt[p.Name]}]");
                    }
                    else
                    {
                        string v = directions[p.Name];
                        arguments.Add(v);
                        WriteUnit(writer, v, column, columnAt[p.Name], p, element, field);
                        if (copiedProducts.TryGetValue(p.Name, out string? product))
                        {
                            writer.WriteLine($"{product}.Clear();");
                            products.Add(product);
                            after.Add(() => WriteCopy(writer, product, hessian, $"{column} * {size} + {columnAt[p.Name]}", p, type, i));
                        }
                        else
                        {
                            products.Add($"{hessian}.Slice({column} * {size} + {columnAt[p.Name]}, {p.Name}.Length)");
                        }
                    }
                }

                writer.WriteLine($"{model.Name}HessianVector({string.Join(", ", arguments.Concat(products))});");
                foreach (System.Action copy in after)
                {
                    copy();
                }

                Close(writer);
            };
            if (inputs.Any(p => p.Kind != ParameterKind.Scalar))
            {
                SourceEmitter.InWorkspace(writer, workspace, mark, columns);
            }
            else
            {
                columns();
            }

            Close(writer);
        }

        /// <summary><c>int cX = 0; int cA = cX + x.Length; int total = cA + 1;</c>: where each block starts, and the total.</summary>
        private static void WriteOffsets(IndentedTextWriter writer, IEnumerable<(string Name, string Size)> blocks, string total)
        {
            string previous = "0";
            foreach ((string name, string size) in blocks)
            {
                writer.WriteLine($"int {name} = {previous};");
                previous = $"{name} + {size}";
            }

            writer.WriteLine($"int {total} = {previous};");
        }

        /// <summary>How the summaries name an input's columns: <c>x</c>, <c>each element of xs</c>, <c>the X, Y of each element of pts</c>.</summary>
        private static string Columns(ParameterSpec p) => p.Kind == ParameterKind.Scalar ? p.Name
            : p.HoldsStructs ? $"the {string.Join(", ", p.Fields.Select(f => f.TrimStart('.')))} of each element of {p.Name}" : "each element of " + p.Name;

        /// <summary>A zeroed scratch span for a span parameter's tangent, direction or gradient: of its reals, or of its structs.</summary>
        private static string Rent(ParameterSpec p, string name, string workspace) => p.HoldsStructs
            ? $"global::System.Span<{p.ElementType}> {name} = {workspace}.Rent<{p.ElementType}>({p.Name}.Length);"
            : $"global::System.Span<{p.ElementType}> {name} = {SourceEmitter.Rent(workspace, p.ElementType, p.Name + ".Length")};";

        /// <summary>
        /// A span's gradient or product into a matrix row from <paramref name="at"/>: copied where it is of the matrix's type,
        /// converted element by element where it is float in a double matrix, field by field for a span of structs.
        /// </summary>
        private static void WriteCopy(IndentedTextWriter writer, string span, string matrix, string at, ParameterSpec p, string type, string i)
        {
            if (p.HoldsStructs)
            {
                WriteFields(writer, span, at, matrix, p, i);
            }
            else if (p.ElementType == type)
            {
                writer.WriteLine($"{span}.CopyTo({matrix}.Slice({at}, {p.Name}.Length));");
            }
            else
            {
                writer.WriteLine($"for (int {i} = 0; {i} < {p.Name}.Length; {i}++)");
                Open(writer);
                writer.WriteLine($"{matrix}[{at} + {i}] = {span}[{i}];");
                Close(writer);
            }
        }

        /// <summary>
        /// The span for <paramref name="of"/> as the unit vector of <paramref name="index"/> when it falls in that block, else
        /// zeros; for a span of structs, the unit struct of the index's field at the index's element.
        /// </summary>
        private static void WriteUnit(IndentedTextWriter writer, string span, string index, string start, ParameterSpec of, string element, string field)
        {
            writer.WriteLine($"{span}.Clear();");
            writer.WriteLine($"if ({index} >= {start} && {index} < {start} + {of.Reals})");
            Open(writer);
            if (of.HoldsStructs)
            {
                writer.WriteLine($"int {element} = global::System.Math.DivRem({index} - {start}, {of.Fields.Count}, out int {field});");
                writer.WriteLine($"{span}[{element}] = {StructInitializer.Of(of.ElementType, of.Fields.Select((path, k) => (path, $"{field} == {k} ? 1 : 0")))};");
            }
            else
            {
                writer.WriteLine($"{span}[{index} - {start}] = 1;");
            }

            Close(writer);
        }

        /// <summary>A span of structs' fields into a matrix row, element by element, field after field: <c>m[at + i * 3 + 1] = g[i].Y</c>.</summary>
        private static void WriteFields(IndentedTextWriter writer, string structs, string at, string matrix, ParameterSpec p, string i)
        {
            writer.WriteLine($"for (int {i} = 0; {i} < {p.Name}.Length; {i}++)");
            Open(writer);
            for (int k = 0; k < p.Fields.Count; k++)
            {
                writer.WriteLine($"{matrix}[{at} + {i} * {p.Fields.Count}{(k == 0 ? "" : " + " + k)}] = {structs}[{i}]{p.Fields[k]};");
            }

            Close(writer);
        }

        internal static string Capital(string name) => char.ToUpperInvariant(name[0]) + name.Substring(1);

        private static void Open(IndentedTextWriter writer) => SourceEmitter.Open(writer);

        private static void Close(IndentedTextWriter writer) => SourceEmitter.Close(writer);
    }
}
