using System.CodeDom.Compiler;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SymGrad.Generator.Differentiate;
using SymGrad.Generator.Lower;
using SymGrad.Generator.Model;
using SymGrad.Generator.Optimize;

namespace SymGrad.Generator.Emit
{
    /// <summary>Diagnostics found after parsing (they need activity analysis): nothing is emitted for the method.</summary>
    internal sealed class DiagnosticsException : System.Exception
    {
        public DiagnosticsException(IEnumerable<Diagnostics.DiagnosticInfo> diagnostics)
            : base("The method cannot be differentiated.") => Diagnostics = diagnostics.ToEquatableArray();

        public EquatableArray<Diagnostics.DiagnosticInfo> Diagnostics { get; }
    }

    /// <summary>Emit stage: writes the partial type with <c>MBackward</c> and <c>MGradient</c> as formatted C#.</summary>
    internal static class SourceEmitter
    {
        internal const string GeneratedCode = "[global::System.CodeDom.Compiler.GeneratedCode(\"SymGrad\", \"0.1.0\")]";

        /// <summary>
        /// The generated methods of a method that cannot be differentiated, with the signatures they would have and bodies
        /// that throw: SymGrad reported an error for it, so this build fails anyway, and callers' backwards still compile
        /// (no CS0117 in generated code on top of the real error).
        /// </summary>
        public static string EmitStubs(MethodModel model)
        {
            model = LocalBufferWriter.Public(model); // its local buffers are not in its signatures
            var names = new NameAllocator(model.TakenNames);
            var signature = new BackwardSignature(model, names);
            string reason = $"throw new global::System.NotSupportedException(\"SymGrad could not differentiate {model.Name}: see the error it reported for it.\");";
            return Wrap(model, writer =>
            {
                writer.WriteLine($"/// <summary>Not generated: SymGrad reported why <c>{Xml(model.Name)}</c> cannot be differentiated.</summary>");
                writer.WriteLine(GeneratedCode);
                writer.WriteLine($"{model.Accessibility} {model.StaticModifier}void {model.Name}Backward({string.Join(", ", signature.BackwardParameters(model))}) => {reason}");
                if (model.ReturnType != "void")
                {
                    writer.WriteLineNoTabs(string.Empty);
                    writer.WriteLine($"/// <summary>Not generated: SymGrad reported why <c>{Xml(model.Name)}</c> cannot be differentiated.</summary>");
                    writer.WriteLine(GeneratedCode);
                    writer.WriteLine($"{model.Accessibility} {model.StaticModifier}{model.ReturnType} {model.Name}Gradient({string.Join(", ", signature.GradientMethodParameters(model))}) => {reason}");
                }
            });
        }

        /// <summary>Everything derived from one method before it is written: its backward, and its forward modes where they apply.</summary>
        internal sealed record Derived(BackwardProgram Program, TangentProgram? Tangent, HessianVectorProgram? HessianVector, List<SizeCheck> Sizes)
        {
            /// <summary>Why <see cref="Tangent"/> is null, for the user.</summary>
            public string? TangentRefusal { get; init; }

            /// <summary>Why <see cref="HessianVector"/> is null, for the user (null also where the method has no scalar result).</summary>
            public string? HessianVectorRefusal { get; init; }
        }

        /// <summary>Lowers <paramref name="model"/> and derives its backward, tangent and Hessian-vector product.</summary>
        /// <param name="thirdOrder">Also the Hessian-vector product's own tangent (for a method called nested): not for its own file.</param>
        internal static Derived Derive(MethodModel model, bool thirdOrder = false)
        {
            var names = new NameAllocator(model.TakenNames);
            // Lower: calls that write outputs become statements, constant branches go, jumps become structured code.
            var hoisting = new CallHoisting(names);
            Block lowered = ConstantBranches.Fold(hoisting.Rewrite(model.Body));
            var normalizer = new Normalizer(names, model.ReturnType);
            Block body = Walk.Fresh(normalizer.Normalize(lowered));
            var tangentNames = names.Clone();
            BackwardProgram program = BackwardBuilder.Build(model, body, hoisting.NewLocals.Concat(normalizer.NewLocals), names);
            TangentProgram? tangent = TangentBuilder.Build(model, body, hoisting.NewLocals.Concat(normalizer.NewLocals), tangentNames, out string? tangentRefusal);
            HessianVectorProgram? hessianVector = BuildHessianVector(model, program, tangent is not null, thirdOrder, out string? hessianVectorRefusal);
            return new Derived(program, tangent, hessianVector, SizeChecks.Find(body, model))
            {
                TangentRefusal = tangentRefusal,
                HessianVectorRefusal = hessianVectorRefusal,
            };
        }

        public static string Emit(MethodModel model) => model.Buffers.Any() ? LocalBufferWriter.Emit(model) : Wrap(model, writer => WriteMembers(writer, model));

        /// <summary>The generated methods of <paramref name="model"/>, inside its type.</summary>
        /// <param name="forCallers">
        /// Only what differentiable callers call (a result's method, <see cref="ResultWriter"/>): no <c>MGradient</c>,
        /// <c>MHessian</c>, <c>MJacobian</c>, nor stand-ins for absent modes.
        /// </param>
        /// <param name="gradient"><c>MGradient</c> too, where <paramref name="forCallers"/> (a twin whose method's MGradient calls it: <see cref="LocalBufferWriter"/>).</param>
        /// <param name="derived">What <see cref="Derive"/> gave for <paramref name="model"/>, where the caller already has it.</param>
        /// <param name="sayAbsent">The comment naming the modes it does not get: not for a twin (LocalBufferWriter says them under the method's names).</param>
        internal static void WriteMembers(IndentedTextWriter writer, MethodModel model, bool forCallers = false, bool gradient = false, Derived? derived = null, bool sayAbsent = true)
        {
            derived ??= Derive(model);
            (BackwardProgram program, TangentProgram? tangent, HessianVectorProgram? hessianVector, List<SizeCheck> sizes) = derived;

            // The modes a user may look for and not find, each with why (a missing method is otherwise only CS0103 at its call);
            // a twin's (MWithBuffers) are said under the method's own names (LocalBufferWriter).
            if (sayAbsent)
            {
                WriteAbsentComment(writer, model, derived);
            }

            WriteBackward(writer, model, program, sizes);
            if (model.ReturnType != "void" && (!forCallers || gradient))
            {
                writer.WriteLineNoTabs(string.Empty);
                WriteGradient(writer, model, program, sizes);
            }

            if (tangent is not null)
            {
                writer.WriteLineNoTabs(string.Empty);
                WriteTangent(writer, model, tangent, sizes, program.Workspace, program.Signature.WorkspaceMark);
            }

            if (hessianVector is not null)
            {
                WriteHessianVector(writer, model, program, hessianVector);
                if (hessianVector.Inputs.All(p => p.RealType is "double" or "float") && !forCallers)
                {
                    // Its columns are the inputs' reals (a span of structs' when all its real fields are of one type): double
                    // where they mix float and double.
                    writer.WriteLineNoTabs(string.Empty);
                    JacobianWriter.WriteHessian(writer, model, JacobianWriter.Widest(hessianVector.Inputs.Select(p => p.RealType).Append(model.ReturnType)));
                }
            }

            if (JacobianWriter.ElementType(model) is { } type && !forCallers)
            {
                writer.WriteLineNoTabs(string.Empty);
                JacobianWriter.Write(writer, model, program.Signature, tangent, type);
            }

            if (!forCallers)
            {
                WriteAbsentModes(writer, model, derived);
            }

            if (tangent is not null && hessianVector is not null && NestedWriter.Shape(model))
            {
                NestedWriter.Write(writer, model, program.Workspace, secondOrder: true, thirdOrder: false);
            }
        }

        /// <summary>
        /// The third-order methods of a method some differentiable method calls nested (<c>FHessianVectorTangent</c>,
        /// <c>FTangentTangentBackward</c>: a caller's Hessian-vector product needs them), in a file of their own; null when it
        /// has none (<see cref="Parse.NestedTargets.Modes.ThirdOrderOf"/> says the same to its callers).
        /// </summary>
        public static string? EmitThirdOrder(MethodModel model) => model.Buffers.Any() ? null // not through local buffers yet
            : model.Results.Count > 0 ? ResultWriter.EmitThirdOrder(model)
            : ThirdOrderMembers(model) is { } members ? Wrap(model, members) : null;

        /// <summary>What writes the third-order methods of <paramref name="model"/> inside its type, or null when it has none.</summary>
        internal static System.Action<IndentedTextWriter>? ThirdOrderMembers(MethodModel model)
        {
            (BackwardProgram program, TangentProgram? tangent, HessianVectorProgram? hessianVector, _) = Derive(model, thirdOrder: true);
            if (tangent is null || hessianVector?.Tangent is not { } third || !NestedWriter.Shape(model))
            {
                return null;
            }

            return writer =>
            {
                WriteHessianVectorTangent(writer, model, program, hessianVector, third);
                NestedWriter.Write(writer, model, program.Workspace, secondOrder: false, thirdOrder: true);
            };
        }

        /// <summary>
        /// The second-order method of a method that writes outputs and that a differentiable method calls
        /// (<c>MBackwardTangent</c>: a caller's Hessian-vector product needs it), in a file of its own; null when it has none
        /// (<see cref="Parse.NestedTargets.Modes.SecondOrderOf"/> says the same to its callers).
        /// </summary>
        public static string? EmitSecondOrder(MethodModel model) => model.Buffers.Any() ? LocalBufferWriter.EmitSecondOrder(model)
            : EmitSecondOrderMembers(model) is { } members ? Wrap(model, members) : null;

        /// <summary>What writes <c>MBackwardTangent</c> inside the method's type, or null when it has none.</summary>
        internal static System.Action<IndentedTextWriter>? EmitSecondOrderMembers(MethodModel model)
        {
            (BackwardProgram program, TangentProgram? tangent, _, _) = Derive(model);
            if (tangent is null || BuildBackwardTangent(model, program) is not { } backwardTangent)
            {
                return null;
            }

            return writer => WriteBackwardTangent(writer, model, program, backwardTangent);
        }

        /// <summary>
        /// The tangent of <c>MBackward</c> along a tangent of everything it reads: its body, and the names of what it reads
        /// (<see cref="CallTarget.GeneratedBackwardReads"/>'s order) and of their tangents and of the gradients' tangents.
        /// </summary>
        internal sealed record BackwardTangentProgram(Block Body, List<(string Name, bool Span, int Length)> Reads, Dictionary<string, string> Tangents, List<ParameterSpec> Inputs);

        /// <summary>
        /// <c>MBackwardTangent</c> of a method that writes <c>Span</c> outputs, in the shape of a registered backward's tangent
        /// (<c>[TangentOf]</c> on the backward): <c>MBackward</c>'s parameters, a tangent of each real it reads (the inputs', the
        /// outputs' values', the seed's, the outputs' cotangents'), then a tangent per gradient — forward mode over the
        /// backward, which writes the gradients as <c>MBackward</c> does and adds their tangents to the tangent gradients. A caller's
        /// <c>MHessianVector</c> differentiates a call of the method through it (a generic one's per real type). For static methods with no out
        /// results (its inputs and outputs may mix float and double, each one's cotangent, gradient and tangents of its own
        /// type, the seed of the result's); null otherwise.
        /// </summary>
        internal static BackwardTangentProgram? BuildBackwardTangent(MethodModel model, BackwardProgram program)
        {
            var parameters = model.Arguments.ToList();
            var outputs = parameters.Where(p => p.Kind == ParameterKind.SpanOutput).ToList();
            var inputs = parameters.Where(p => p.IsDifferentiable).ToList();
            if (outputs.Count == 0 || inputs.Count == 0 || model.IsInstance && !model.LayerTwin || model.Results.Count > 0
                || model.Parameters.Any(p => p.Group is not null || p.IsField || p.HoldsStructs)
                || inputs.Concat(outputs).Any(p => p.ElementType is not ("double" or "float"))
                || model.ReturnType is not ("void" or "double" or "float"))
            {
                return null;
            }

            Block body = BackwardBody(program, checkpointed: model);
            var names = new NameAllocator(model.TakenNames.Concat(Walk.All(body).SelectMany(Walk.Expressions).SelectMany(Reads.Of))
                .Concat(Walk.All(body).OfType<LocalDecl>().Select(d => d.Name)).Concat(program.Variables.Keys).Concat(program.Gradients.Values)
                .Append(program.Workspace).Append(program.Signature.WorkspaceMark).Append(program.Signature.DResult));
            // What the backward reads, in the order its tangent takes their tangents; the index of the span whose length each has.
            int n = parameters.Count, seed = model.ReturnType != "void" ? 1 : 0;
            var reads = new List<(string Name, bool Span, int Length)>();
            foreach (int i in CallTarget.GeneratedBackwardReads(parameters, model.ReturnType))
            {
                reads.Add(i < n ? (parameters[i].Name, parameters[i].Kind != ParameterKind.Scalar, i)
                    : i < n + seed ? (program.Signature.DResult, false, -1)
                    : (program.Cotangents[outputs[i - n - seed].Name], true, parameters.IndexOf(outputs[i - n - seed])));
            }

            var tangents = new Dictionary<string, string>();
            foreach ((string name, _, _) in reads)
            {
                tangents[name] = names.Reserve("t" + name);
            }

            foreach (ParameterSpec p in inputs)
            {
                tangents[program.Gradients[p.Name]] = names.Reserve("t" + program.Gradients[p.Name]);
            }

            return TangentBuilder.OverReverse(body, reads.Select(r => r.Name), tangents, new HashSet<string>(), names, Primal(program)) is { } tangentBody
                ? new BackwardTangentProgram(tangentBody, reads, tangents, inputs)
                : null;
        }

        /// <summary><c>MBackwardTangent</c>'s parameters: MBackward's, then a tangent of each read, then a tangent per gradient.</summary>
        internal static List<string> BackwardTangentParameters(MethodModel model, BackwardProgram program, BackwardTangentProgram backwardTangent)
        {
            (_, var reads, Dictionary<string, string> tangents, List<ParameterSpec> inputs) = backwardTangent;
            var parameters = model.Arguments.ToList();
            var outputs = parameters.Where(p => p.Kind == ParameterKind.SpanOutput).ToList();
            // Each input's and output's cotangent, gradient and tangents are of its own type (a float span of a double method:
            // floats), the seed's of the result's.
            string Of(int index) => index >= 0 ? parameters[index].ElementType : model.ReturnType;
            // An array output stays an array, as MBackward takes it (its work copy is an array: CopyArray; found by the
            // random-program tester, dH-Dq0gEzK31: CS0411 where it was a span).
            var signature = parameters.Select(p => p.Kind == ParameterKind.SpanOutput && !p.IsArray ? $"global::System.ReadOnlySpan<{p.ElementType}> {p.Name}" : $"{p.Type} {p.Name}").ToList();
            if (model.ReturnType != "void")
            {
                signature.Add($"{model.ReturnType} {program.Signature.DResult}");
            }

            signature.AddRange(outputs.Select(p => $"global::System.ReadOnlySpan<{p.ElementType}> {program.Cotangents[p.Name]}"));
            signature.AddRange(inputs.Select(p => p.Kind == ParameterKind.Scalar ? $"ref {p.ElementType} {program.Gradients[p.Name]}" : $"global::System.Span<{p.ElementType}> {program.Gradients[p.Name]}"));
            signature.AddRange(reads.Select(r => r.Span ? $"global::System.ReadOnlySpan<{Of(r.Length)}> {tangents[r.Name]}" : $"{Of(r.Length)} {tangents[r.Name]}"));
            signature.AddRange(inputs.Select(p => p.Kind == ParameterKind.Scalar ? $"ref {p.ElementType} {tangents[program.Gradients[p.Name]]}" : $"global::System.Span<{p.ElementType}> {tangents[program.Gradients[p.Name]]}"));
            return signature;
        }

        internal static void WriteBackwardTangent(IndentedTextWriter writer, MethodModel model, BackwardProgram program, BackwardTangentProgram backwardTangent)
        {
            (Block body, var reads, Dictionary<string, string> tangents, List<ParameterSpec> inputs) = backwardTangent;
            var parameters = model.Arguments.ToList();
            var outputs = parameters.Where(p => p.Kind == ParameterKind.SpanOutput).ToList();
            var signature = BackwardTangentParameters(model, program, backwardTangent);
            writer.WriteLine("/// <summary>"); // the first member of its file
            writer.WriteLine($"/// The tangent of <c>{Xml(model.Name)}Backward</c>, derived by SymGrad (forward mode over its backward pass): writes the gradients");
            writer.WriteLine($"/// as <c>{Xml(model.Name)}Backward</c> does and adds (+=) to the <c>t</c>-prefixed gradients their tangents along the <c>t</c>-prefixed");
            writer.WriteLine("/// tangents of everything it reads (the inputs, the outputs' values, the seeds). What a caller's Hessian-vector product calls");
            writer.WriteLine("/// for a call of this method; an empty tangent is zero, an empty gradient or tangent gradient is not needed.");
            writer.WriteLine("/// </summary>");
            writer.WriteLine(GeneratedCode);
            writer.WriteLine($"{model.Accessibility} {model.StaticModifier}void {model.Name}BackwardTangent({string.Join(", ", signature)})");
            Open(writer);
            WriteEmptyAsZeros(writer, model);
            WriteGradientChecks(writer, model, program);
            foreach (ParameterSpec p in outputs)
            {
                string dy = program.Cotangents[p.Name];
                writer.WriteLine($"{dy} = global::SymGrad.Workspace.ZerosIfEmpty({dy}, {p.Name}.Length);");
            }

            foreach ((string name, _, int length) in reads.Where(r => r.Span))
            {
                string of = parameters[length].Name;
                writer.WriteLine($"global::SymGrad.Guard.CotangentLength<{parameters[length].ElementType}>({tangents[name]}, nameof({tangents[name]}), {of}, nameof({of}));");
                writer.WriteLine($"{tangents[name]} = global::SymGrad.Workspace.ZerosIfEmpty({tangents[name]}, {of}.Length);");
            }

            foreach (ParameterSpec p in inputs.Where(p => p.Kind == ParameterKind.SpanInput))
            {
                string dx = program.Gradients[p.Name], tdx = tangents[dx];
                writer.WriteLine($"global::SymGrad.Guard.GradientLength<{p.ElementType}>({tdx}, nameof({tdx}), {p.Name}, nameof({p.Name}));");
                writer.WriteLine($"{dx} = global::SymGrad.Workspace.DiscardIfEmpty({dx}, {p.Name}.Length);");
                writer.WriteLine($"{tdx} = global::SymGrad.Workspace.DiscardIfEmpty({tdx}, {p.Name}.Length);");
            }

            WriteProductBody(writer, model, program, body, seedGiven: true);
            Close(writer);
        }

        /// <summary>A file with the method's namespace and partial types around what <paramref name="members"/> writes.</summary>
        internal static string Wrap(MethodModel model, System.Action<IndentedTextWriter> members)
        {
            var text = new StringWriter();
            var writer = new IndentedTextWriter(text, "    ");
            writer.WriteLine("// <auto-generated/>");
            writer.WriteLine("#nullable enable");
            writer.WriteLine();
            int depth = 0;
            if (model.Namespace.Length > 0)
            {
                writer.WriteLine("namespace " + model.Namespace);
                Open(writer);
                depth++;
            }

            foreach (ContainingType type in model.ContainingTypes)
            {
                writer.WriteLine($"partial {type.Keyword} {type.Name}");
                Open(writer);
                depth++;
            }

            members(writer);
            for (; depth > 0; depth--)
            {
                Close(writer);
            }

            return text.ToString().Replace("\r\n", "\n");
        }

        private static void WriteBackward(IndentedTextWriter writer, MethodModel model, BackwardProgram program, List<SizeCheck> sizes)
        {
            List<string> parameters = program.Signature.BackwardParameters(model);
            WriteDoc(writer, model, program);
            writer.WriteLine(GeneratedCode);
            writer.WriteLine($"{model.Accessibility} {model.StaticModifier}void {model.Name}Backward({string.Join(", ", parameters)})");
            Open(writer);
            WriteEmptyAsZeros(writer, model);
            WriteSizeChecks(writer, sizes);
            WriteCoverageChecks(writer, program);
            WriteFieldGradients(writer, model, program);
            WriteGradientChecks(writer, model, program);

            Block body = BackwardBody(program, checkpointed: model);
            var used = new HashSet<string>(Walk.All(body).SelectMany(Walk.Expressions).SelectMany(Reads.Of));
            foreach (ParameterSpec p in model.Parameters.Where(p => program.CotangentsInPlace.Contains(p.Name) && used.Contains(program.Cotangents[p.Name])))
            {
                // An empty cotangent stands for zeros: MGradient passes default for every output instead of cleared buffers.
                string dy = program.Cotangents[p.Name];
                writer.WriteLine($"{dy} = global::SymGrad.Workspace.ZerosIfEmpty({dy}, {p.Name}.Length);");
            }

            // An empty gradient is one the caller does not need: the work only it needs is skipped (with two gradients or more:
            // with one, not calling the backward is the skip), the rest lands in a buffer nobody reads.
            var flags = new Dictionary<string, string>();
            var taken = new NameAllocator(model.TakenNames.Concat(used).Concat(program.Variables.Keys).Concat(program.Gradients.Values));
            foreach (ParameterSpec p in model.Arguments.Where(p => p.Kind == ParameterKind.SpanInput && used.Contains(program.Gradients[p.Name])))
            {
                string dx = program.Gradients[p.Name];
                if (program.Gradients.Count > 1 && UnneededGradients.Guard(body, new Dictionary<string, string> { [dx] = "_" }) != body)
                {
                    flags[dx] = taken.Reserve("need" + JacobianWriter.Capital(dx));
                    writer.WriteLine($"bool {flags[dx]} = !{dx}.IsEmpty;");
                }

                writer.WriteLine($"{dx} = global::SymGrad.Workspace.DiscardIfEmpty({dx}, {p.Name}.Length);");
            }

            body = ReuseCalls.Held(UnneededGradients.Guard(body, flags));

            var arrays = new HashSet<string>(model.Parameters.Where(p => p.IsArray).Select(p => p.Name)
                .Concat(program.Variables.Values.Where(v => v.Type.EndsWith("[]", System.StringComparison.Ordinal)).Select(v => v.Name)));
            var printer = new StatementPrinter(writer, program.Workspace, arrays);
            if (UsesWorkspace(body, program.Workspace))
            {
                InWorkspace(writer, program.Workspace, program.Signature.WorkspaceMark, () => printer.Block(body));
            }
            else
            {
                printer.Block(body);
            }

            Close(writer);
        }

        /// <summary>
        /// The backward's statements, declarations placed: setup, forward sweep, reverse sweep — for <c>MBackward</c>, with
        /// the loops of a method that checkpoints them rewritten (<paramref name="checkpointed"/>).
        /// </summary>
        private static Block BackwardBody(BackwardProgram program, MethodModel? checkpointed = null)
        {
            (Block forward, Block reverse, Dictionary<string, Variable> variables) = checkpointed is null
                ? (program.Forward, program.Reverse, program.Variables)
                : LoopCheckpoints.Apply(program, checkpointed);
            var statements = new List<Stmt>(program.Setup.Statements);
            if (forward.Statements.Count > 0)
            {
                statements.Add(new Comment("Forward sweep: recompute what the reverse sweep reads."));
                statements.AddRange(forward.Statements);
            }

            if (reverse.Statements.Count > 0)
            {
                statements.Add(new Comment("Reverse sweep: adjoints, last statement first."));
                statements.AddRange(reverse.Statements);
            }

            return Declarations.Place(new Block(statements.ToEquatableArray()), variables, program.Gradients.Values);
        }

        /// <summary>The tangent of the backward body along directions <c>v</c> of the inputs, and the names it uses.</summary>
        internal sealed record HessianVectorProgram(Block Body, List<ParameterSpec> Inputs, Dictionary<string, string> Direction, Dictionary<string, string> Product)
        {
            /// <summary>Its own tangent along the inputs (<c>MHessianVectorTangent</c>), for nested methods of third order; or null.</summary>
            public HessianVectorTangentProgram? Tangent { get; init; }
        }

        /// <summary>
        /// The tangent of a Hessian-vector product along a direction <c>t</c> of the inputs, the direction <c>v</c> held:
        /// the third derivative T[t, v], accumulated into the <c>thv</c>-prefixed spans and refs.
        /// </summary>
        internal sealed record HessianVectorTangentProgram(Block Body, Dictionary<string, string> Tangent, Dictionary<string, string> Product);

        /// <summary>The comment at the top of a method's file naming each mode it does not get, and why.</summary>
        internal static void WriteAbsentComment(IndentedTextWriter writer, MethodModel model, Derived derived)
        {
            foreach (string absent in AbsentModes(model, derived))
            {
                writer.WriteLine("// Not generated: " + absent);
            }
        }

        /// <summary>"MTangent — why", "MHessianVector — why", … for the modes README describes that this method does not get.</summary>
        private static IEnumerable<string> AbsentModes(MethodModel model, Derived derived)
        {
            if (derived.Tangent is null && derived.TangentRefusal is { } tangent)
            {
                yield return $"{model.Name}Tangent (forward mode): {tangent}.";
            }

            if (derived.HessianVector is null && derived.HessianVectorRefusal is { } hessianVector)
            {
                yield return $"{model.Name}HessianVector and {model.Name}Hessian (second order): {hessianVector}.";
            }
            else if (derived.HessianVector is { } product && product.Inputs.FirstOrDefault(p => p.RealType is not ("double" or "float")) is { } other)
            {
                yield return $"{model.Name}Hessian: {other.Name}'s elements' real fields are of both types, float and double (a column holds one; {model.Name}HessianVector takes each input's).";
            }

            // A span of structs whose real fields mix float and double has no one type for its columns.
            if (JacobianWriter.ElementType(model) is null && model.Inputs.FirstOrDefault(p => p.RealType is not ("double" or "float")) is { } mixed)
            {
                yield return $"{model.Name}Jacobian: {mixed.Name}'s elements' real fields are of both types, float and double (a column holds one).";
            }
        }

        /// <summary>
        /// <c>MHessianVector</c>, forward over reverse: the tangent of the gradient along a direction <c>v</c> of the inputs,
        /// H·v, accumulated (+=) into the <c>hv</c>-prefixed spans and refs. For scalar results of methods with no outputs,
        /// no calls and one real type; null when this method is not one.
        /// </summary>
        /// <param name="refusal">Why there is none, for the user; null where the method has no scalar result (README: none is meant).</param>
        private static HessianVectorProgram? BuildHessianVector(MethodModel model, BackwardProgram program, bool hasTangent, bool thirdOrder, out string? refusal)
        {
            refusal = null;
            var inputs = model.Inputs.ToList(); // a struct's fields, each a leaf; a layer's fields after the parameters
            string type = model.ReturnType;
            // A span of structs takes a direction and a product of its struct type: the fields read must be of the one real type.
            var fieldTypes = Walk.All(model.Body).SelectMany(Walk.Expressions).SelectMany(Reads.Nodes).OfType<Element>().Where(e => e.Member.Length > 0)
                .Select(e => (e.Span, e.Type)).ToList();
            var outputs = model.Parameters.Where(p => p.Kind == ParameterKind.SpanOutput).ToList();
            if (type is not ("double" or "float") || inputs.Count == 0)
            {
                return null; // no scalar result, or nothing to differentiate: none is meant
            }

            refusal = inputs.Any(p => p.HoldsStructs && fieldTypes.Any(f => f.Span == p.Name && f.Type != type))
                    ? $"a span of structs' fields it reads are not all of its result's type, {type}"
                : model.Results.Count > 0 ? "it has several results (out parameters, a tuple): the Hessian is of one scalar"
                : outputs.Count == 0 ? null
                : !hasTangent ? "it writes outputs, which it needs MTangent to write along the direction, and has none"
                : outputs.Any(p => p.ElementType != type) ? $"it writes outputs not of its result's type, {type}"
                : null;
            if (refusal is not null)
            {
                return null;
            }

            Block body = BackwardBody(program, checkpointed: model); // the loops MBackward checkpoints, checkpointed here too: the state and its tangent snapshotted
            var names = new NameAllocator(model.TakenNames.Concat(Walk.All(body).SelectMany(Walk.Expressions).SelectMany(Reads.Of))
                .Concat(Walk.All(body).OfType<LocalDecl>().Select(d => d.Name)).Concat(program.Variables.Keys).Concat(program.Gradients.Values)
                .Append(program.Workspace).Append(program.Signature.WorkspaceMark).Append(program.Signature.DResult));
            var direction = Leaves(inputs, names, "v");
            var product = Leaves(inputs, names, "hv");
            var tangents = new Dictionary<string, string>();
            foreach (ParameterSpec p in inputs)
            {
                tangents[p.Name] = direction[p.Name];
                tangents[program.Gradients[p.Name]] = product[p.Name];
            }

            // Outputs are intermediates of the returned value here (H is its Hessian): MTangent writes them and their tangents
            // (workspace scratch) first, as the backward reads them; their cotangents are zeros.
            foreach (ParameterSpec p in outputs)
            {
                tangents[p.Name] = names.Reserve("t" + p.Name);
            }

            // (An output only ever written constants does not vary: what reads it is not differentiated.)
            if (TangentBuilder.OverReverse(body, inputs.Concat(outputs.Where(p => program.ActiveOutputs.Contains(p.Name))).Select(p => p.Name), tangents,
                new HashSet<string>(inputs.Select(p => program.Gradients[p.Name])), names, Primal(program)) is not { } hessian)
            {
                refusal = TangentBuilder.OverReverseRefusal(Walk.All(body)) ?? "its backward cannot be differentiated once more";
                return null;
            }

            hessian = outputs.Count == 0 ? hessian : Intermediates(model, hessian, inputs, direction, outputs, tangents, program);
            return new HessianVectorProgram(hessian, inputs, direction, product) { Tangent = thirdOrder ? BuildHessianVectorTangent(model, hessian, inputs, product, names) : null };
        }

        /// <summary>
        /// Before a Hessian-vector product of a method with outputs: the outputs and their tangents along v written by
        /// <c>MTangent</c> (the tangents in workspace scratch), and the outputs' zero cotangents where the backward reads them.
        /// </summary>
        private static Block Intermediates(MethodModel model, Block hessian, List<ParameterSpec> inputs, Dictionary<string, string> direction,
            List<ParameterSpec> outputs, Dictionary<string, string> tangents, BackwardProgram program)
        {
            var read = new HashSet<string>(Walk.All(hessian).SelectMany(Walk.Expressions).SelectMany(Reads.Of));
            var declarations = new List<Stmt>();
            foreach (ParameterSpec p in outputs.Where(p => read.Contains(tangents[p.Name])))
            {
                declarations.Add(new LocalDecl(tangents[p.Name], $"global::System.Span<{p.ElementType}>", new Opaque(Rent(program.Workspace, p.ElementType, "{0}.Length"), new[] { p.Name }.ToEquatableArray(), "span"), ""));
            }

            // An output tangent the product does not read is not asked for (empty).
            var arguments = BackwardSignature.Primal(model, p => p.Name, r => "out " + r.Name).Select(a => (Expr)new Name(a, "span"))
                .Concat(Slots(inputs).Select(p => new Name(Slot(direction, p), p.Group is not null ? p.GroupType : p.Kind == ParameterKind.Scalar ? p.ElementType : "span")))
                .Concat(outputs.Select(p => read.Contains(tangents[p.Name]) ? new Name(tangents[p.Name], "span") : (Expr)new Opaque("default", EquatableArray<string>.Empty, "span")));
            declarations.Add(new Invoke(model.Name + "Tangent", arguments.ToEquatableArray(), ""));
            foreach (ParameterSpec p in outputs.Where(p => program.Cotangents.TryGetValue(p.Name, out string? cotangent) && read.Contains(cotangent)))
            {
                declarations.Add(new LocalDecl(program.Cotangents[p.Name], $"global::System.ReadOnlySpan<{p.ElementType}>",
                    new Opaque($"global::SymGrad.Workspace.ZerosIfEmpty<{p.ElementType}>(default, {{0}}.Length)", new[] { p.Name }.ToEquatableArray(), "span"), ""));
            }

            return new Block(declarations.Concat(hessian.Statements).ToEquatableArray());
        }

        /// <summary>
        /// Forward over forward over reverse: the tangent of the Hessian-vector product's body along a direction <c>t</c> of
        /// the inputs (v held), for <c>FTangentTangentBackward</c>'s T[u, ẋ]. Only where the nested methods are written and the
        /// product's body calls only methods with a third order of their own (a registered function's is not written).
        /// </summary>
        private static HessianVectorTangentProgram? BuildHessianVectorTangent(MethodModel model, Block hessian, List<ParameterSpec> inputs, Dictionary<string, string> product, NameAllocator names)
        {
            if (!NestedWriter.Shape(model))
            {
                return null;
            }

            var tangent = inputs.ToDictionary(p => p.Name, p => names.Reserve("t" + p.Name));
            var productTangent = inputs.ToDictionary(p => p.Name, p => names.Reserve("thv" + p.Name));
            var tangents = new Dictionary<string, string>();
            foreach (ParameterSpec p in inputs)
            {
                tangents[p.Name] = tangent[p.Name];
                tangents[product[p.Name]] = productTangent[p.Name];
            }

            return TangentBuilder.OverReverse(hessian, inputs.Select(p => p.Name), tangents, new HashSet<string>(inputs.Select(p => product[p.Name])), names) is { } third
                ? new HessianVectorTangentProgram(third, tangent, productTangent)
                : null;
        }

        /// <summary>A name per input leaf: a struct's fields are the fields of one direction and one product (v.X of Point3 va, hva.X of ref Point3 hva).</summary>
        /// <summary>The backward's values that are not adjoints: their tangents' zeros come from the program's branches.</summary>
        private static System.Func<string, bool> Primal(BackwardProgram program)
            => name => program.Variables.TryGetValue(name, out Variable? v) && v.Role is Role.Primal or Role.Temporary;

        private static Dictionary<string, string> Leaves(List<ParameterSpec> inputs, NameAllocator names, string prefix)
        {
            var slots = new Dictionary<string, string>();
            return inputs.ToDictionary(p => p.Name, p => p.Group is { } group
                ? (slots.TryGetValue(group, out string? slot) ? slot : slots[group] = names.Reserve(prefix + group)) + p.Name.Substring(group.Length)
                : names.Reserve(prefix + p.Name));
        }

        /// <summary>MHessianVector's parameters: the original ones, then a direction and a product per parameter as the signature lists it.</summary>
        internal static List<string> HessianVectorParameters(MethodModel model, List<ParameterSpec> inputs, Dictionary<string, string> direction, Dictionary<string, string> product)
        {
            var parameters = BackwardSignature.Primal(model, p => $"{p.Type} {p.Name}", r => $"out {r.Type} {r.Name}");
            var slots = Slots(inputs);
            parameters.AddRange(slots.Select(p => p.Group is not null ? $"{p.GroupType} {Slot(direction, p)}" : p.Kind == ParameterKind.Scalar ? $"{p.Type} {direction[p.Name]}" : $"global::System.ReadOnlySpan<{p.ElementType}> {direction[p.Name]}"));
            parameters.AddRange(slots.Select(p => p.Group is not null ? $"ref {p.GroupType} {Slot(product, p)}" : p.Kind == ParameterKind.Scalar ? $"ref {p.Type} {product[p.Name]}" : $"global::System.Span<{p.ElementType}> {product[p.Name]}"));
            return parameters;
        }

        /// <summary>One input per parameter as a signature lists it: a struct whole (its first field stands for it), then the layer's fields.</summary>
        private static List<ParameterSpec> Slots(IEnumerable<ParameterSpec> inputs) => inputs.GroupBy(p => p.Group ?? p.Name).Select(g => g.First()).ToList();

        /// <summary>The direction's or product's name for a slot: a struct's (<c>va</c>), not its field's (<c>va.X</c>).</summary>
        private static string Slot(Dictionary<string, string> of, ParameterSpec p) => p.Group is null ? of[p.Name] : of[p.Name].Substring(0, of[p.Name].Length - (p.Name.Length - p.Group.Length));

        private static void WriteHessianVector(IndentedTextWriter writer, MethodModel model, BackwardProgram program, HessianVectorProgram hessianVector)
        {
            (Block hessian, List<ParameterSpec> inputs, Dictionary<string, string> direction, Dictionary<string, string> product) = hessianVector;
            string type = model.ReturnType;
            var parameters = HessianVectorParameters(model, inputs, direction, product);
            writer.WriteLineNoTabs(string.Empty);
            writer.WriteLine("/// <summary>");
            writer.WriteLine($"/// Hessian-vector product of <c>{Xml(model.Name)}</c>, derived by SymGrad (forward mode over its backward pass): accumulates");
            writer.WriteLine("/// (+=) H·v, the tangent of the gradient along the direction <c>v</c> of the inputs, into the <c>hv</c>-prefixed spans and refs.");
            writer.WriteLine("/// An empty direction span is zero.");
            writer.WriteLine("/// </summary>");
            writer.WriteLine(GeneratedCode);
            writer.WriteLine($"{model.Accessibility} {model.StaticModifier}void {model.Name}HessianVector({string.Join(", ", parameters)})");
            Open(writer);
            foreach (ParameterSpec p in inputs.Where(p => p.Kind == ParameterKind.SpanInput))
            {
                writer.WriteLine($"global::SymGrad.Guard.CotangentLength<{p.ElementType}>({direction[p.Name]}, nameof({direction[p.Name]}), {p.Name}, nameof({p.Name}));");
                writer.WriteLine($"global::SymGrad.Guard.SameLength<{p.ElementType}>({product[p.Name]}, nameof({product[p.Name]}), {p.Name}, nameof({p.Name}));");
                writer.WriteLine($"{direction[p.Name]} = global::SymGrad.Workspace.ZerosIfEmpty({direction[p.Name]}, {p.Name}.Length);");
            }

            WriteProductBody(writer, model, program, hessian);
            Close(writer);
        }

        /// <summary>
        /// <c>MHessianVectorTangent</c> (for the nested methods' third order): the original parameters, a direction <c>v</c>
        /// and a direction <c>t</c> per input, then the products <c>thv</c>, into which it accumulates (+=) the tangent of H·v
        /// along t, v held: the third derivative T[t, v].
        /// </summary>
        private static void WriteHessianVectorTangent(IndentedTextWriter writer, MethodModel model, BackwardProgram program, HessianVectorProgram hessianVector, HessianVectorTangentProgram third)
        {
            var inputs = hessianVector.Inputs; // scalars and spans (NestedWriter.Shape), each direction, tangent and product of its input's type
            string In(ParameterSpec p, string name) => p.Kind == ParameterKind.Scalar ? $"{p.ElementType} {name}" : $"global::System.ReadOnlySpan<{p.ElementType}> {name}";
            var parameters = BackwardSignature.Primal(model, p => $"{p.Type} {p.Name}", r => $"out {r.Type} {r.Name}");
            parameters.AddRange(inputs.Select(p => In(p, hessianVector.Direction[p.Name])));
            parameters.AddRange(inputs.Select(p => In(p, third.Tangent[p.Name])));
            parameters.AddRange(inputs.Select(p => p.Kind == ParameterKind.Scalar ? $"ref {p.ElementType} {third.Product[p.Name]}" : $"global::System.Span<{p.ElementType}> {third.Product[p.Name]}"));
            writer.WriteLine("/// <summary>"); // the first member of its file
            writer.WriteLine($"/// The tangent of <c>{Xml(model.Name)}HessianVector</c> along the direction <c>t</c> of the inputs, <c>v</c> held, derived by SymGrad");
            writer.WriteLine("/// (forward mode over forward mode over its backward pass): accumulates (+=) the third derivative T[t, v] into the");
            writer.WriteLine($"/// <c>thv</c>-prefixed spans and refs. What <c>{Xml(model.Name)}TangentTangentBackward</c> needs; empty direction spans are zero.");
            writer.WriteLine("/// </summary>");
            writer.WriteLine(GeneratedCode);
            writer.WriteLine($"{model.Accessibility} {model.StaticModifier}void {model.Name}HessianVectorTangent({string.Join(", ", parameters)})");
            Open(writer);
            foreach (ParameterSpec p in inputs.Where(p => p.Kind == ParameterKind.SpanInput))
            {
                foreach (string direction in new[] { hessianVector.Direction[p.Name], third.Tangent[p.Name] })
                {
                    writer.WriteLine($"global::SymGrad.Guard.CotangentLength<{p.ElementType}>({direction}, nameof({direction}), {p.Name}, nameof({p.Name}));");
                    writer.WriteLine($"{direction} = global::SymGrad.Workspace.ZerosIfEmpty({direction}, {p.Name}.Length);");
                }

                writer.WriteLine($"global::SymGrad.Guard.SameLength<{p.ElementType}>({third.Product[p.Name]}, nameof({third.Product[p.Name]}), {p.Name}, nameof({p.Name}));");
            }

            WriteProductBody(writer, model, program, third.Body);
            Close(writer);
        }

        /// <summary>The body of a product method (MHessianVector and its tangent): dResult = 1 if read, the workspace if taped.</summary>
        private static void WriteProductBody(IndentedTextWriter writer, MethodModel model, BackwardProgram program, Block body, bool seedGiven = false)
        {
            // Arrays, whose parts are MemoryExtensions.AsSpan: the array parameters (MBackwardTangent takes an output array as an
            // array, as MBackward does: W31) and the arrays the body declares (an output array's work copy: a nested call's
            // empty direction of it was yWork.Slice(0, 0), CS1061; found by the random-program tester in CI, 5AN89Mle0kA1).
            var printer = new StatementPrinter(writer, program.Workspace, new HashSet<string>(model.Parameters.Where(p => p.IsArray).Select(p => p.Name)
                .Concat(program.Variables.Values.Where(v => v.Type.EndsWith("[]", System.StringComparison.Ordinal)).Select(v => v.Name))
                .Concat(Walk.All(body).OfType<LocalDecl>().Where(d => d.Type.EndsWith("[]", System.StringComparison.Ordinal)).Select(d => d.Name)))); // and their tangents
            if (!seedGiven && Walk.All(body).SelectMany(Walk.Expressions).SelectMany(Reads.Of).Contains(program.Signature.DResult))
            {
                writer.WriteLine($"{model.ReturnType} {program.Signature.DResult} = 1;");
            }

            if (UsesWorkspace(body, program.Workspace))
            {
                InWorkspace(writer, program.Workspace, program.Signature.WorkspaceMark, () => printer.Block(body));
            }
            else
            {
                printer.Block(body);
            }
        }

        private static bool UsesWorkspace(Block body, string workspace) => Walk.All(body).Any(s =>
            s is Push || Walk.Expressions(s).SelectMany(Reads.Nodes).Any(e => e is Pop || e is Opaque o && o.Template.StartsWith(workspace + ".", System.StringComparison.Ordinal)));

        private static void WriteGradient(IndentedTextWriter writer, MethodModel model, BackwardProgram program, List<SizeCheck> sizes)
        {
            List<string> parameters = program.Signature.GradientMethodParameters(model);

            writer.WriteLine("/// <summary>");
            writer.WriteLine($"/// Runs <c>{Xml(model.Name)}</c> and its backward pass with ∂L/∂result = 1: returns the value and accumulates (+=)");
            writer.WriteLine("/// the gradient of every differentiable input into the <c>d</c>-prefixed spans and refs.");
            WriteFieldGradientsDoc(writer, model);
            writer.WriteLine("/// </summary>");
            writer.WriteLine(GeneratedCode);
            writer.WriteLine($"{model.Accessibility} {model.StaticModifier}{model.ReturnType} {model.Name}Gradient({string.Join(", ", parameters)})");
            Open(writer);

            // Everything is checked before the forward pass writes its outputs: sizes, overlaps, gradient lengths.
            WriteSizeChecks(writer, sizes);
            WriteCoverageChecks(writer, program);
            foreach (ParameterSpec output in model.Parameters.Where(p => p.Kind == ParameterKind.SpanOutput))
            {
                foreach (ParameterSpec input in model.Parameters.Where(p => p != output && p.IsBuffer && p.ElementType == output.ElementType))
                {
                    WriteOverlapCheck(writer, output.ElementType, output.Name, input.Name);
                }
            }

            WriteGradientChecks(writer, model, program, cotangents: false);
            var taken = new HashSet<string>(model.Arguments.Select(p => p.Name).Concat(program.Signature.GradientSlots.Values));
            var names = new NameAllocator(taken.Append(program.Workspace));
            string result = names.Reserve("result");

            // A parameter named like the method hides it: call it through its type (or this).
            string forward = !taken.Contains(model.Name) ? model.Name + model.TypeArguments : model.IsInstance ? "this." + model.Name + model.TypeArguments
                : "global::" + (model.Namespace.Length > 0 ? model.Namespace + "." : "") + string.Join(".", model.ContainingTypes.Select(t => t.Name)) + "." + model.Name + model.TypeArguments;
            writer.WriteLine($"{model.ReturnType} {result} = {forward}({string.Join(", ", BackwardSignature.Primal(model, p => p.Name, r => "out " + r.Name))});");
            var backward = model.Arguments.Select(p => p.Name).ToList();
            backward.Add("1");

            // The other results are not part of the result either: their cotangents are zero.
            backward.AddRange(model.Results.Select(_ => "0"));

            // The outputs are not part of the result: their cotangents are zero, passed as empty spans (see MBackward).
            backward.AddRange(model.Arguments.Where(p => p.Kind == ParameterKind.SpanOutput).Select(_ => "default"));
            backward.AddRange(model.Arguments.Where(p => p.IsDifferentiable).Select(p => (p.Kind == ParameterKind.Scalar ? "ref " : "") + program.Signature.GradientSlots[p.Name]));
            writer.WriteLine($"{model.Name}Backward({string.Join(", ", backward)});");
            writer.WriteLine($"return {result};");
            Close(writer);
        }

        /// <summary>
        /// <c>MTangent</c>, forward mode: the original parameters, a tangent for each differentiable input (an empty span is
        /// zero), a tangent output for each output (empty: not needed); returns the result's tangent.
        /// </summary>
        /// <summary>The inputs MTangent takes a tangent of: the differentiable parameters, then a layer object's differentiable fields.</summary>
        private static List<ParameterSpec> TangentInputs(MethodModel model)
            => model.Arguments.Where(p => p.IsDifferentiable).Concat(model.Parameters.Where(p => p.IsField && p.IsDifferentiable)).ToList();

        /// <summary>MTangent's parameters: the original ones, a tangent per input, a tangent output per output, an out tangent per out result.</summary>
        internal static List<string> TangentParameters(MethodModel model, System.Func<string, string> slot)
        {
            var parameters = BackwardSignature.Primal(model, p => $"{p.Type} {p.Name}", r => $"out {r.Type} {r.Name}");
            parameters.AddRange(TangentInputs(model).Select(p => p.Kind == ParameterKind.Scalar
                ? $"{p.Type} {slot(p.Name)}"
                : $"global::System.ReadOnlySpan<{p.ElementType}> {slot(p.Name)}"));
            parameters.AddRange(model.Arguments.Where(p => p.Kind == ParameterKind.SpanOutput).Select(p => $"global::System.Span<{p.ElementType}> {slot(p.Name)}"));
            parameters.AddRange(model.Results.Where(r => r.Position >= 0).Select(r => $"out {r.Type} {slot(r.Name)}"));
            return parameters;
        }

        /// <summary>MTangent's return type: the result's, a struct result's type, or the tuple of the results' tangents.</summary>
        internal static string TangentReturnType(MethodModel model) => model.Results.Any(r => r.Path is not null) ? model.Results[0].GroupType
            : model.Results.Any(r => r.Position < 0) ? "(" + string.Join(", ", model.Results.Select(r => r.Type + " " + r.Name)) + ")" : model.ReturnType;

        /// <summary>
        /// A mode README describes that this method does not get, as a method that says why where it is called: marked obsolete
        /// as an error (CS0619 with the reason, not CS0117 "no definition"), its body throwing the same.
        /// </summary>
        private static void WriteAbsent(IndentedTextWriter writer, MethodModel model, string name, string returnType, IEnumerable<string> parameters, string reason)
        {
            if (model.DeclaredMembers.Contains(name))
            {
                return; // the user wrote one (CS0111 if the signatures matched): the comment at the top says why SymGrad did not
            }

            string message = $"SymGrad did not generate {name}: {reason}".Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", " ");
            writer.WriteLineNoTabs(string.Empty);
            writer.WriteLine($"/// <summary>Not generated: {Xml(reason)}</summary>");
            writer.WriteLine($"[global::System.Obsolete(\"{message}\", true)]");
            writer.WriteLine(GeneratedCode);
            writer.WriteLine($"{model.Accessibility} {model.StaticModifier}{returnType} {name}({string.Join(", ", parameters)}) => throw new global::System.NotSupportedException(\"{message}\");");
        }

        /// <summary>The stand-ins of the modes this method does not get (<see cref="WriteAbsent"/>), named as those it gets would be.</summary>
        internal static void WriteAbsentModes(IndentedTextWriter writer, MethodModel model, Derived derived)
        {
            if (derived.Tangent is null && derived.TangentRefusal is { } tangent)
            {
                var names = new NameAllocator(model.TakenNames);
                var slots = new Dictionary<string, string>();
                WriteAbsent(writer, model, model.Name + "Tangent", TangentReturnType(model),
                    TangentParameters(model, n => slots.TryGetValue(n, out string? t) ? t : slots[n] = names.Reserve("t" + n)), tangent + ".");
            }

            if (derived.HessianVector is null && derived.HessianVectorRefusal is { } hessianVector)
            {
                var inputs = model.Inputs.ToList();
                var names = new NameAllocator(model.TakenNames);
                WriteAbsent(writer, model, model.Name + "HessianVector", "void", HessianVectorParameters(model, inputs, Leaves(inputs, names, "v"), Leaves(inputs, names, "hv")), hessianVector + ".");
                string type = JacobianWriter.Widest(inputs.Select(p => p.RealType).Where(t => t is "double" or "float").Append(model.ReturnType));
                WriteAbsent(writer, model, model.Name + "Hessian", "void",
                    BackwardSignature.Primal(model, p => $"{p.Type} {p.Name}", r => $"out {r.Type} {r.Name}").Append($"global::System.Span<{type}> {new NameAllocator(model.TakenNames).Reserve("hessian")}"),
                    hessianVector + ".");
            }
        }

        private static void WriteTangent(IndentedTextWriter writer, MethodModel model, TangentProgram tangent, List<SizeCheck> sizes, string workspace, string mark)
        {
            var inputs = TangentInputs(model);
            var parameters = TangentParameters(model, name => tangent.Slots[name]);
            bool structResult = model.Results.Any(r => r.Path is not null);
            string returnType = TangentReturnType(model);

            writer.WriteLine("/// <summary>");
            writer.WriteLine($"/// Forward mode (Jacobian-vector product) of <c>{Xml(model.Name)}</c>, derived by SymGrad: given a tangent (direction) of");
            writer.WriteLine("/// each differentiable input, the <c>t</c>-prefixed parameters, " + (structResult ? "returns the struct of its real fields' tangents, writes"
                : model.Results.Any(r => r.Position < 0) ? "returns the tangents of the tuple's elements, writes"
                : model.Results.Count > 0 ? (model.ReturnType == "void" ? "" : "returns the tangent of the result, ") + "sets the tangent of each out result, writes"
                : model.ReturnType == "void" ? "writes" : "returns the tangent of the result and writes"));
            writer.WriteLine("/// the tangent of each output. It runs the forward computation too, writing the outputs as the method does.");
            writer.WriteLine("/// An empty input tangent (<c>default</c>) is zero; an empty output tangent is not needed.");
            writer.WriteLine("/// </summary>");
            writer.WriteLine(GeneratedCode);
            writer.WriteLine($"{model.Accessibility} {model.StaticModifier}{returnType} {model.Name}Tangent({string.Join(", ", parameters)})");
            Open(writer);
            WriteEmptyAsZeros(writer, model);
            WriteSizeChecks(writer, sizes);
            foreach (ParameterSpec p in inputs.Concat(model.Arguments).Distinct().Where(p => p.Kind is ParameterKind.SpanInput or ParameterKind.SpanOutput))
            {
                string t = tangent.Slots[p.Name];
                writer.WriteLine($"global::SymGrad.Guard.{(p.Kind == ParameterKind.SpanInput ? "CotangentLength" : "GradientLength")}<{p.ElementType}>({t}, nameof({t}), {p.Name}, nameof({p.Name}));");
            }

            var outputs = model.Arguments.Where(p => p.Kind == ParameterKind.SpanOutput).ToList();
            HashSet<string>? readLate = ReadFromFirstWrite(tangent.Body, outputs.SelectMany(o => new[] { o.Name, tangent.Slots[o.Name] }));
            foreach (ParameterSpec output in outputs)
            {
                WriteOverlapCheck(writer, output.ElementType, tangent.Slots[output.Name], output.Name);
                foreach (string read in model.Arguments.Where(p => p != output && p.IsBuffer && p.ElementType == output.ElementType).Select(p => p.Name)
                    .Concat(model.Arguments.Where(p => p.Kind is ParameterKind.SpanInput or ParameterKind.SpanOutput && p.ElementType == output.ElementType).Select(p => tangent.Slots[p.Name]))
                    .Where(n => n != tangent.Slots[output.Name] && (readLate is null || readLate.Contains(n))))
                {
                    WriteOverlapCheck(writer, output.ElementType, output.Name, read);
                    WriteOverlapCheck(writer, output.ElementType, tangent.Slots[output.Name], read);
                }
            }

            // An output's tangent the caller does not want is discard memory where it is only written, and scratch of its own
            // where the body reads it back (a recurrence, the input of the next layer's tangent): two discarded outputs
            // would otherwise share one buffer.
            var used = new HashSet<string>(Walk.All(tangent.Body).SelectMany(Walk.Expressions).SelectMany(Reads.Of));
            var readBack = new HashSet<string>(Walk.All(tangent.Body).SelectMany(s => Walk.Expressions(s).Where(e => !(s is Assign a && ReferenceEquals(e, a.Target)))).SelectMany(Reads.Of));
            var scratch = model.Arguments.Where(p => p.Kind == ParameterKind.SpanOutput && readBack.Contains(tangent.Slots[p.Name])).ToList();
            foreach (ParameterSpec p in inputs.Concat(model.Arguments).Distinct().Where(p => p.Kind is ParameterKind.SpanInput or ParameterKind.SpanOutput && used.Contains(tangent.Slots[p.Name]) && !scratch.Contains(p)))
            {
                string t = tangent.Slots[p.Name];
                writer.WriteLine(p.Kind == ParameterKind.SpanInput
                    ? $"{t} = global::SymGrad.Workspace.ZerosIfEmpty({t}, {p.Name}.Length);"
                    : $"{t} = global::SymGrad.Workspace.DiscardIfEmpty({t}, {p.Name}.Length);");
            }

            var arrays = new HashSet<string>(model.Parameters.Where(p => p.IsArray).Select(p => p.Name));
            var printer = new StatementPrinter(writer, workspace, arrays);
            if (scratch.Count == 0)
            {
                printer.Block(tangent.Body);
                Close(writer);
                return;
            }

            InWorkspace(writer, workspace, mark, () =>
            {
                foreach (ParameterSpec p in scratch)
                {
                    string t = tangent.Slots[p.Name];
                    writer.WriteLine($"{t} = {t}.IsEmpty ? {workspace}.Rent{(p.ElementType == "float" ? "Floats" : "Doubles")}({p.Name}.Length) : {t};");
                }

                printer.Block(tangent.Body);
            });
            Close(writer);
        }

        /// <summary>
        /// A layer object's gradients live in its <c>d</c>-prefixed fields (see <see cref="LayerMembers"/>): the reverse sweep
        /// accumulates into locals that are those fields, an array allocated at its parameter's length the first time.
        /// </summary>
        private static void WriteFieldGradients(IndentedTextWriter writer, MethodModel model, BackwardProgram program)
        {
            foreach (ParameterSpec p in model.Parameters.Where(p => p.IsField && p.IsDifferentiable))
            {
                writer.WriteLine(LayerMembers.Bind(p, program.Gradients[p.Name]));
            }
        }

        /// <summary>
        /// The names read from the first top-level statement that mentions an output on, or null when that cannot be told. A
        /// buffer read only before anything is written cannot see a write however it overlaps: GradBench's reprojection
        /// error reads its point before writing its two errors, and four of its tangent's fourteen overlap checks go (they
        /// are a tenth of a 50 ns tangent). Told only when the statements before hold scalar locals alone (what a tape takes)
        /// — a span local could carry a buffer past the first write under another name.
        /// </summary>
        private static HashSet<string>? ReadFromFirstWrite(Block body, IEnumerable<string> outputs)
        {
            var written = new HashSet<string>(outputs);
            var late = new HashSet<string>();
            bool writing = false;
            foreach (Stmt top in body.Statements)
            {
                var statements = new[] { top }.Concat(Walk.Children(top).SelectMany(Walk.All)).ToList();
                var names = new HashSet<string>(statements.SelectMany(Walk.Expressions).SelectMany(Reads.Of));
                writing |= names.Overlaps(written) || statements.Any(s => s is CallStatement || s is Invoke || Walk.Expressions(s).Any(e => Reads.Calls(e).Any()));
                if (writing)
                {
                    late.UnionWith(names);
                }
                else if (statements.Any(s => s is LocalDecl d && !SweepContext.CanTape(d.Type) || s is Assign { Target: Name n } && !SweepContext.CanTape(n.Type)))
                {
                    return null;
                }
            }

            return late;
        }

        /// <summary>Gradient (and cotangent) lengths, and that nothing written overlaps anything read, before any write.</summary>
        private static void WriteGradientChecks(IndentedTextWriter writer, MethodModel model, BackwardProgram program, bool cotangents = true)
        {
            var pairs = new List<(string Gradient, string Of, string Check)>();
            pairs.AddRange(model.Arguments.Where(p => p.Kind == ParameterKind.SpanInput).Select(p => (program.Gradients[p.Name], p.Name, "GradientLength")));
            if (cotangents)
            {
                pairs.AddRange(program.Cotangents.Select(c => (c.Value, c.Key, "CotangentLength")));
            }

            foreach ((string gradient, string of, string check) in pairs)
            {
                writer.WriteLine($"global::SymGrad.Guard.{check}<{ElementOf(model, of)}>({gradient}, nameof({gradient}), {of}, nameof({of}));");
            }

            var read = model.Parameters.Where(p => p.IsBuffer).Select(p => (p.Name, p.ElementType)).ToList();
            if (cotangents)
            {
                read.AddRange(program.Cotangents.Select(c => (c.Value, ElementOf(model, c.Key))));
            }

            var written = model.Arguments.Where(p => p.Kind == ParameterKind.SpanInput).Select(p => (Name: program.Gradients[p.Name], p.ElementType)).ToList();
            for (int i = 0; i < written.Count; i++)
            {
                foreach ((string other, string type) in read.Concat(written.Skip(i + 1)))
                {
                    if (type == written[i].ElementType)
                    {
                        WriteOverlapCheck(writer, type, written[i].Name, other);
                    }
                }
            }
        }

        /// <summary>The span inputs an empty span stands for zeros of (<see cref="ParameterSpec.EmptyAs"/>): made zeros first, so the checks see their length.</summary>
        private static void WriteEmptyAsZeros(IndentedTextWriter writer, MethodModel model)
        {
            foreach (ParameterSpec p in model.Parameters.Where(p => p.EmptyAs is not null))
            {
                writer.WriteLine($"{p.Name} = global::SymGrad.Workspace.ZerosIfEmpty({p.Name}, {p.EmptyAs}.Length);");
            }
        }

        private static void WriteSizeChecks(IndentedTextWriter writer, List<SizeCheck> sizes)
        {
            foreach (SizeCheck check in sizes)
            {
                string call = $"global::SymGrad.Guard.Covers({check.Span}.Length, nameof({check.Span}), {check.Required}, \"{check.Access}\");";
                if (check.Condition.Length == 0)
                {
                    writer.WriteLine(call);
                }
                else
                {
                    writer.WriteLine($"if ({check.Condition})");
                    Open(writer);
                    writer.WriteLine(call);
                    Close(writer);
                }
            }
        }

        private static void WriteCoverageChecks(IndentedTextWriter writer, BackwardProgram program)
        {
            foreach (CoverageCheck check in program.CoverageChecks.Distinct())
            {
                string condition = (check.When.Length > 0 ? check.When + " && " : "") + "!(" + check.Requirement + ")";
                writer.WriteLine($"if ({condition})");
                Open(writer);
                writer.WriteLine($"global::SymGrad.Guard.ThrowReadBeforeWritten(nameof({check.Span}), \"{check.Read}\");");
                Close(writer);
            }
        }

        private static void WriteOverlapCheck(IndentedTextWriter writer, string type, string written, string other)
        {
            writer.WriteLine($"global::SymGrad.Guard.Disjoint<{type}>({written}, nameof({written}), {other}, nameof({other}));");
        }

        private static void WriteDoc(IndentedTextWriter writer, MethodModel model, BackwardProgram program)
        {
            writer.WriteLine("/// <summary>");
            writer.WriteLine($"/// Backward pass (vector-Jacobian product) of <c>{Xml(model.Name)}</c>, derived by SymGrad: given the cotangent of");
            writer.WriteLine("/// the result and of each output, accumulates (+=) the gradient of every differentiable input.");
            if (program.Cotangents.Count > 0)
            {
                writer.WriteLine("/// An empty output cotangent (<c>default</c>) stands for zeros.");
            }

            WriteFieldGradientsDoc(writer, model);

            writer.WriteLine("/// </summary>");
            writer.WriteLine("/// <remarks>");
            writer.WriteLine($"/// Forward: <c>{Xml(model.ForwardSource)}</c>");
            List<string> derivation = program.Derivation;
            if (derivation.Count > 0)
            {
                writer.WriteLine("/// <para>Derivation, last statement first (L is the loss, ∂L/∂v the adjoint of v):</para>");
                writer.WriteLine("/// <code>");
                foreach (string line in derivation)
                {
                    writer.WriteLine("/// " + Xml(line));
                }

                writer.WriteLine("/// </code>");
            }

            writer.WriteLine("/// </remarks>");
        }

        private static void WriteFieldGradientsDoc(IndentedTextWriter writer, MethodModel model)
        {
            var fields = model.Parameters.Where(p => p.IsField && p.IsDifferentiable).ToList();
            if (fields.Count > 0)
            {
                string Cref(string name) => $"<see cref=\"{name}\"/>";
                writer.WriteLine($"/// The gradients of the layer's fields accumulate into its fields {string.Join(", ", fields.Select(f => Cref(LayerMembers.Gradient(f))))}.");
            }
        }

        internal static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

        private static string ElementOf(MethodModel model, string span) => model.Parameters.First(p => p.Name == span).ElementType;

        /// <summary>The thread's workspace and a mark on it around what <paramref name="body"/> writes, released in a <c>finally</c>.</summary>
        internal static void InWorkspace(IndentedTextWriter writer, string workspace, string mark, System.Action body)
        {
            writer.WriteLine($"global::SymGrad.Workspace {workspace} = global::SymGrad.Workspace.Current;");
            writer.WriteLine($"global::SymGrad.WorkspaceMark {mark} = {workspace}.Mark();");
            writer.WriteLine("try");
            Open(writer);
            body();
            Close(writer);
            writer.WriteLine("finally");
            Open(writer);
            writer.WriteLine($"{workspace}.Release({mark});");
            Close(writer);
        }

        /// <summary>A generated member's doc summary, a line each, and its [GeneratedCode] attribute.</summary>
        internal static void Summary(IndentedTextWriter writer, params string[] lines)
        {
            writer.WriteLine("/// <summary>");
            foreach (string line in lines)
            {
                writer.WriteLine("/// " + line);
            }

            writer.WriteLine("/// </summary>");
            writer.WriteLine(GeneratedCode);
        }

        /// <summary>Scratch of <paramref name="length"/> reals of <paramref name="element"/>'s type from <paramref name="workspace"/>, zeroed: C#.</summary>
        internal static string Rent(string workspace, string element, string length)
            => $"{workspace}.{(element == "float" ? "RentFloats" : "RentDoubles")}({length})";

        /// <summary><c>if (condition) { return; }</c> and a blank line: the early exit of a generated method with nothing to do.</summary>
        internal static void ReturnIf(IndentedTextWriter writer, string condition)
        {
            writer.WriteLine($"if ({condition})");
            Open(writer);
            writer.WriteLine("return;");
            Close(writer);
            writer.WriteLineNoTabs(string.Empty);
        }

        internal static void Open(IndentedTextWriter writer)
        {
            writer.WriteLine("{");
            writer.Indent++;
        }

        internal static void Close(IndentedTextWriter writer)
        {
            writer.Indent--;
            writer.WriteLine("}");
        }
    }
}
