using System.CodeDom.Compiler;
using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Differentiate;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Emit
{
    /// <summary>
    /// A method with local buffers (<c>Span&lt;double&gt; h = stackalloc double[n];</c>, <c>double[] h = new double[n];</c>) is
    /// derived as its twin <c>MWithBuffers</c>, whose parameters the buffers are: outputs written from zero where they were
    /// declared (<see cref="Parse.BodyParser"/>), so the engine reverses, tapes and checkpoints them as any output the method
    /// writes and reads back. The twin's forward is the method's body printed with the buffers as parameters. The method's
    /// own generated methods keep its signatures and call the twin's with the buffers lent, zeroed, from the workspace, so
    /// nothing is allocated per call — <c>MBackward</c> too: written from zero where it is declared, a buffer is either written
    /// again by the twin's backward as the forward writes it (an output written twice is replayed) or all zeros.
    /// <c>MJacobian</c> and <c>MHessian</c> are written over the method's own, as for any method; so are, for a caller's
    /// Hessian-vector product, <c>MTangentBackward</c> and <c>MTangentTangent</c> (a method returning a value and writing no
    /// output); <c>MBackwardTangent</c> (one writing outputs) calls its twin's, in its own file (<see cref="EmitSecondOrder"/>).
    /// </summary>
    internal static class LocalBufferWriter
    {
        /// <summary>What the twin's name adds to the method's.</summary>
        public const string Suffix = "WithBuffers";

        /// <summary>The method as its generated signatures see it: without its local buffers.</summary>
        public static MethodModel Public(MethodModel model) => model.Buffers.Any()
            ? model with { Parameters = model.Parameters.Where(p => p.Buffer is null).ToEquatableArray() }
            : model;

        /// <summary>The twin: the buffers parameters of its own, after the method's (<c>MWithBuffers(x, n, Span&lt;double&gt; h)</c>), internal.</summary>
        public static MethodModel Twin(MethodModel model)
        {
            string name = model.Name + Suffix;
            MethodModel twin = model with
            {
                Name = name,
                Accessibility = "internal",
                TypeArguments = "", // an instantiation of a generic method has a twin of its own, an overload
                Parameters = model.Parameters.Select(p => p.Buffer is null ? p : p with { Buffer = null }).ToEquatableArray(),
                DeclaredMembers = EquatableArray<string>.Empty,
            };
            // Its out results in their places, as the method declares them; the buffers after the method's parameters.
            var declared = BackwardSignature.Primal(twin, p => p.Type + " " + p.Name, r => "out " + r.Type + " " + r.Name);
            return twin with { ForwardSource = $"internal {twin.StaticModifier}{twin.ReturnType} {name}({string.Join(", ", declared)})" };
        }

        public static string Emit(MethodModel model) => SourceEmitter.Wrap(model, writer => WriteMembers(writer, model));

        /// <summary>
        /// What callers' modes call of a method SymGrad writes for callers (a result's method, a layer method's twin with the
        /// fields as parameters): over its twin when it keeps local buffers, as for any method otherwise.
        /// </summary>
        internal static void WriteMembersForCallers(IndentedTextWriter writer, MethodModel model)
        {
            if (model.Buffers.Any())
            {
                WriteMembers(writer, model, forCallers: true);
            }
            else
            {
                SourceEmitter.WriteMembers(writer, model, forCallers: true);
            }
        }

        /// <summary>
        /// The twin and the method's generated methods over it, inside its type; <paramref name="forCallers"/>: only what callers'
        /// modes call (<c>MBackward</c>, <c>MTangent</c>, <c>MHessianVector</c>, <c>MTangentBackward</c>, <c>MTangentTangent</c>) —
        /// for a layer's method's twin with the fields as parameters (<see cref="LayerCallWriter"/>).
        /// </summary>
        internal static void WriteMembers(IndentedTextWriter writer, MethodModel model, bool forCallers = false)
        {
            MethodModel twin = Twin(model), @public = Public(model);
            SourceEmitter.Derived derived = SourceEmitter.Derive(twin);
            var buffers = model.Buffers.ToList();
            string list = string.Join(", ", buffers.Select(b => b.Name));
            if (!forCallers)
            {
                SourceEmitter.WriteAbsentComment(writer, @public, derived); // under the method's own names, not its twin's
            }

            SourceEmitter.Summary(writer, $"<c>{SourceEmitter.Xml(model.Name)}</c> with its local buffers ({SourceEmitter.Xml(list)}) as parameters, written from zero where the",
                "method declares them: what SymGrad derives below, and what the method's generated methods call with the buffers lent from the workspace.");
            writer.WriteLine(twin.ForwardSource);
            SourceEmitter.Open(writer);

            // The method's own statements: what C# says of them (a loop's step after a break, a local never read), it said at the method.
            writer.WriteLineNoTabs("#pragma warning disable CS0162, CS0168, CS0219, CS1717, CS1718");
            new StatementPrinter(writer, derived.Program.Workspace, new HashSet<string>(twin.Parameters.Where(p => p.IsArray).Select(p => p.Name))).Block(model.Body);
            writer.WriteLineNoTabs("#pragma warning restore CS0162, CS0168, CS0219, CS1717, CS1718");
            SourceEmitter.Close(writer);
            writer.WriteLineNoTabs(string.Empty);
            SourceEmitter.WriteMembers(writer, twin, forCallers: true, gradient: true, derived, sayAbsent: false);

            var taken = new HashSet<string>(twin.TakenNames);
            BackwardSignature signature = derived.Program.Signature;

            // The method's own signatures, its default values kept (a buffer's parameter in the twin's ends their run), named
            // apart from the buffers; the twin's are the same, a buffer's parameters among them.
            var own = new BackwardSignature(@public, new NameAllocator(@public.TakenNames.Concat(buffers.Select(b => b.Name))));
            var lent = buffers.ToDictionary(b => b.Name, b => b.Name);

            // MBackward: the buffers lent zeroed. Each is written from zero where it is declared, so the twin's backward either
            // writes it again, as the forward does, before it reads it (an output written more than once is replayed), or reads
            // the zeros no other statement writes over: no forward run first.
            WriteMethod(writer, model, twin, "Backward", "void", signature.BackwardParameters(twin), own.BackwardParameters(@public),
                Lent(lent, buffers.Select(b => signature.Cotangents[b.Name])), taken,
                "Backward pass (vector-Jacobian product) of", "given the cotangent of the result and of each output, accumulates (+=) the gradient of every differentiable input.",
                $"it calls <c>{twin.Name}Backward</c>, which writes them from their zeros as the method does.");

            if (model.ReturnType != "void" && !forCallers)
            {
                WriteMethod(writer, model, twin, "Gradient", model.ReturnType, signature.GradientMethodParameters(twin), own.GradientMethodParameters(@public), lent, taken,
                    "Value and gradient of", "runs it and its backward pass with ∂L/∂result = 1, accumulating (+=) the gradient of every differentiable input.",
                    $"it calls <c>{twin.Name}Gradient</c>.");
            }

            if (derived.Tangent is { } tangent)
            {
                WriteMethod(writer, model, twin, "Tangent", SourceEmitter.TangentReturnType(twin), SourceEmitter.TangentParameters(twin, n => tangent.Slots[n]),
                    SourceEmitter.TangentParameters(@public, n => tangent.Slots[n]), Lent(lent, buffers.Select(b => tangent.Slots[b.Name])), taken,
                    "Forward mode (Jacobian-vector product) of", "given a tangent of each differentiable input, returns the tangent of the result and writes the tangent of each output, and the outputs as the method does.",
                    $"it calls <c>{twin.Name}Tangent</c>, the buffers' tangents not needed.");
            }

            if (derived.HessianVector is { } hessianVector)
            {
                WriteMethod(writer, model, twin, "HessianVector", "void", SourceEmitter.HessianVectorParameters(twin, hessianVector.Inputs, hessianVector.Direction, hessianVector.Product),
                    SourceEmitter.HessianVectorParameters(@public, hessianVector.Inputs, hessianVector.Direction, hessianVector.Product), lent, taken,
                    "Hessian-vector product of", "accumulates (+=) H·v, the tangent of the gradient along the direction v of the inputs, into the hv-prefixed spans and refs.",
                    $"it calls <c>{twin.Name}HessianVector</c>.");
                if (hessianVector.Inputs.All(p => p.RealType is "double" or "float") && !forCallers)
                {
                    writer.WriteLineNoTabs(string.Empty);
                    JacobianWriter.WriteHessian(writer, @public, JacobianWriter.Widest(hessianVector.Inputs.Select(p => p.RealType).Append(model.ReturnType)));
                }
            }

            if (JacobianWriter.ElementType(@public) is { } type && !forCallers)
            {
                writer.WriteLineNoTabs(string.Empty);
                JacobianWriter.Write(writer, @public, new BackwardSignature(@public, new NameAllocator(@public.TakenNames.Concat(taken))), derived.Tangent, type);
            }

            if (!forCallers)
            {
                SourceEmitter.WriteAbsentModes(writer, @public, derived);
            }

            // MTangentBackward and MTangentTangent over the method's own MBackward, MTangent and MHessianVector: a caller's
            // Hessian-vector product differentiates a call of it through them, as of any scalar method.
            if (derived.Tangent is not null && derived.HessianVector is not null && NestedWriter.Shape(@public))
            {
                NestedWriter.Write(writer, @public, derived.Program.Workspace, secondOrder: true, thirdOrder: false);
            }
        }

        /// <summary>
        /// <c>MBackwardTangent</c> of a method with local buffers that writes outputs (a caller's Hessian-vector product calls it):
        /// the twin's, and the method's own over it, the buffers lent zeroed, their cotangents and the tangents of both empty
        /// (zeros) — the twin's backward writes each buffer again from its zeros, and its tangent with it. Null when the twin has
        /// none or the method writes no output of its own (a scalar one's callers go through MTangentBackward).
        /// </summary>
        public static string? EmitSecondOrder(MethodModel model) => SecondOrderMembers(model) is { } members ? SourceEmitter.Wrap(model, members) : null;

        /// <summary>What writes <see cref="EmitSecondOrder"/>'s methods inside the method's type, or null when it has none.</summary>
        internal static System.Action<IndentedTextWriter>? SecondOrderMembers(MethodModel model)
        {
            MethodModel twin = Twin(model), @public = Public(model);
            SourceEmitter.Derived derived = SourceEmitter.Derive(twin);
            if (!@public.Arguments.Any(p => p.Kind == ParameterKind.SpanOutput) || SourceEmitter.BuildBackwardTangent(twin, derived.Program) is not { } backwardTangent)
            {
                return null;
            }

            return writer =>
            {
                SourceEmitter.WriteBackwardTangent(writer, twin, derived.Program, backwardTangent);
                var buffers = model.Buffers.ToList();
                var twinParameters = SourceEmitter.BackwardTangentParameters(twin, derived.Program, backwardTangent);
                var lent = Lent(buffers.ToDictionary(b => b.Name, b => b.Name), buffers.SelectMany(b =>
                {
                    string cotangent = derived.Program.Cotangents[b.Name];
                    return new[] { cotangent }.Concat(new[] { b.Name, cotangent }.Where(backwardTangent.Tangents.ContainsKey).Select(n => backwardTangent.Tangents[n]));
                }));
                WriteMethod(writer, model, twin, "BackwardTangent", "void", twinParameters, twinParameters.Where(p => !lent.ContainsKey(NameOf(p))).ToList(), lent,
                    new HashSet<string>(twin.TakenNames),
                    $"The tangent of <c>{SourceEmitter.Xml(model.Name)}Backward</c>, forward mode over its backward pass, of", "what a caller's Hessian-vector product calls for a call of it.",
                    $"it calls <c>{twin.Name}BackwardTangent</c>, the buffers' cotangents and tangents empty (zeros).");
            };
        }

        /// <summary>What the twin's parameters of the buffers get: the buffer itself, <c>default</c> for its cotangent or tangent (zeros, or not needed).</summary>
        private static Dictionary<string, string> Lent(Dictionary<string, string> buffers, IEnumerable<string> empty)
            => buffers.Concat(empty.Select(name => new KeyValuePair<string, string>(name, "default"))).ToDictionary(kv => kv.Key, kv => kv.Value);

        /// <summary>
        /// <c>M{mode}</c> with the method's own parameters: a call of the twin's, each of its parameters the method's in the same
        /// place or, for a buffer's, what <paramref name="lent"/> gives — the buffer lent from the workspace, or <c>default</c>.
        /// </summary>
        private static void WriteMethod(IndentedTextWriter writer, MethodModel model, MethodModel twin, string mode, string returnType, List<string> twinParameters,
            List<string> parameters, Dictionary<string, string> lent, HashSet<string> taken, string what, string does, string how)
        {
            var buffers = model.Buffers.ToList();
            var own = new Queue<string>(parameters);
            var arguments = twinParameters.Select(p => lent.TryGetValue(NameOf(p), out string? given) ? given
                : own.Count > 0 ? Passing(p) + NameOf(own.Dequeue())
                : throw new GenerationLimitation($"{model.Name}{mode}'s parameters do not match its twin's")).ToList();
            var names = new NameAllocator(taken.Concat(twinParameters.Select(NameOf)).Concat(parameters.Select(NameOf)));
            string workspace = names.Reserve("workspace"), mark = names.Reserve("workspaceMark");

            writer.WriteLineNoTabs(string.Empty);
            SourceEmitter.Summary(writer, $"{what} <c>{SourceEmitter.Xml(model.Name)}</c>, derived by SymGrad: {SourceEmitter.Xml(does)}",
                $"Its local buffers ({string.Join(", ", buffers.Select(b => b.Name))}) are lent from the workspace: {how}");
            writer.WriteLine($"{model.Accessibility} {model.StaticModifier}{returnType} {model.Name}{mode}({string.Join(", ", parameters)})");
            SourceEmitter.Open(writer);
            writer.WriteLine($"global::SymGrad.Workspace {workspace} = global::SymGrad.Workspace.Current;");
            writer.WriteLine($"global::SymGrad.WorkspaceMark {mark} = {workspace}.Mark();");
            writer.WriteLine("try");
            SourceEmitter.Open(writer);
            foreach (ParameterSpec b in buffers)
            {
                writer.WriteLine(Rent(b.Type, b.Name, b.ElementType, b.IsArray, b.Buffer!, workspace));
            }

            writer.WriteLine($"{(returnType == "void" ? "" : "return ")}{twin.Name}{mode}({string.Join(", ", arguments)});");
            SourceEmitter.Close(writer);
            writer.WriteLine("finally");
            SourceEmitter.Open(writer);
            writer.WriteLine($"{workspace}.Release({mark});");
            SourceEmitter.Close(writer);
            SourceEmitter.Close(writer);
        }

        /// <summary>A buffer of <paramref name="length"/> zeros from the workspace: an array of exactly that length, or a span.</summary>
        private static string Rent(string type, string name, string element, bool array, string length, string workspace)
            => $"{type} {name} = {workspace}.{(array ? "RentArray" : "Rent")}<{element}>({length});";

        /// <summary>How an argument is passed to a parameter of a generated signature: <c>ref </c>, <c>out </c> or by value.</summary>
        private static string Passing(string parameter) => parameter.StartsWith("ref ", System.StringComparison.Ordinal) ? "ref "
            : parameter.StartsWith("out ", System.StringComparison.Ordinal) ? "out " : "";

        /// <summary>The name a parameter of a generated signature declares (<c>ref double dx</c>, <c>ReadOnlySpan&lt;double&gt; dy = default</c>).</summary>
        private static string NameOf(string parameter)
        {
            int defaultAt = parameter.IndexOf(" = ", System.StringComparison.Ordinal);
            string declared = defaultAt < 0 ? parameter : parameter.Substring(0, defaultAt);
            return declared.Substring(declared.LastIndexOf(' ') + 1);
        }
    }
}
