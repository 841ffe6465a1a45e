using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Diagnostics;

namespace SymGrad.Generator.Model
{
    /// <summary>The role a parameter plays in differentiation.</summary>
    internal enum ParameterKind
    {
        /// <summary>A float/double the gradient is taken with respect to: <c>ref T dx</c>.</summary>
        Scalar,

        /// <summary>A <c>ReadOnlySpan&lt;float|double&gt;</c> input: <c>Span&lt;T&gt; dx</c>.</summary>
        SpanInput,

        /// <summary>A <c>Span&lt;float|double&gt;</c> the method writes: cotangent <c>ReadOnlySpan&lt;T&gt; dy</c>.</summary>
        SpanOutput,

        /// <summary>Anything that carries no derivative: integers, bools, enums, int spans, geometry structs, <c>[NoDerivative]</c>.</summary>
        Constant,
    }

    /// <summary>A parameter: its name, its C# type as written in generated code, and its role.</summary>
    /// <param name="ElementType">For spans, <c>float</c> or <c>double</c>; for scalars the type itself.</param>
    internal sealed record ParameterSpec(string Name, string Type, string ElementType, ParameterKind Kind)
    {
        public bool IsDifferentiable => Kind is ParameterKind.Scalar or ParameterKind.SpanInput;

        /// <summary>A span or a one-dimensional array: indexed, sliced and passed as a buffer.</summary>
        public bool IsBuffer => Type.Contains("Span<") || IsArray;

        /// <summary>A differentiable span (or array) of structs of reals: <c>ReadOnlySpan&lt;Point3&gt; pts</c>, read as <c>pts[i].X</c>.</summary>
        public bool HoldsStructs => Kind == ParameterKind.SpanInput && ElementType is not ("float" or "double");

        /// <summary>
        /// For a span of structs whose real fields share one type (<see cref="FieldType"/>): their paths in declaration order
        /// (<c>.X</c>, <c>.From.X</c>), the columns <c>MJacobian</c> and <c>MHessian</c> give each element; else empty.
        /// </summary>
        public EquatableArray<string> Fields { get; init; } = EquatableArray<string>.Empty;

        public string FieldType { get; init; } = "";

        /// <summary>The real type of the elements' reals: a span's element type, a span of structs' <see cref="FieldType"/> (empty when mixed).</summary>
        public string RealType => HoldsStructs ? FieldType : ElementType;

        /// <summary>How many reals it holds, as C#: <c>1</c>, <c>x.Length</c>, <c>(pts.Length * 3)</c> for a span of structs.</summary>
        public string Reals => Kind == ParameterKind.Scalar ? "1" : HoldsStructs ? $"({Name}.Length * {Fields.Count})" : Name + ".Length";

        /// <summary>A <c>T[]</c> parameter: generated code keeps the array type where it passes the parameter on.</summary>
        public bool IsArray => Type.EndsWith("[]", System.StringComparison.Ordinal);

        /// <summary>
        /// A field of a layer object (an instance method's type) the method reads: a parameter of the derivation, but not of
        /// the generated signatures; its gradient accumulates into the field <c>d</c> + its name, which the generator declares.
        /// </summary>
        public bool IsField { get; init; }

        /// <summary>A field whose gradient field the user declared: the generator uses it and declares nothing.</summary>
        public bool GradientDeclared { get; init; }

        /// <summary>
        /// For a field of a layer held in a field of this one (<c>Head.W</c>, read by a call <c>Head.Score(x)</c>): the holding
        /// field (<c>Head</c>); <see cref="Member"/> is the field's name there (<c>W</c>), and <see cref="Name"/> (<c>HeadW</c>) a
        /// property SymGrad declares in this layer for it, with <c>d</c> + Name for its gradient, <c>Head.dW</c>
        /// (<see cref="Emit.LayerMembers"/>): every generated method then reads it as one of the layer's own fields.
        /// </summary>
        public string? Owner { get; init; }

        /// <summary>The field's name in the layer <see cref="Owner"/> holds.</summary>
        public string Member { get; init; } = "";

        /// <summary>
        /// For a field of a struct-of-reals parameter (<see cref="Name"/> <c>a.X</c>): the parameter (<c>a</c>); its type is
        /// <see cref="GroupType"/>, and its gradient a <c>ref GroupType da</c> whose field <c>da.X</c> this one's is.
        /// </summary>
        public string? Group { get; init; }

        public string GroupType { get; init; } = "";

        /// <summary>The parameter's default value as C# (<c>0.5</c>, <c>true</c>, <c>(global::K)1</c>), if the user gave one.</summary>
        public string? Default { get; init; }

        /// <summary>
        /// For a local buffer of the body (<c>Span&lt;double&gt; h = stackalloc double[n];</c>, <c>double[] h = new double[n];</c>):
        /// its length as C# over the method's parameters (<c>n</c>, <c>x.Length</c>). A <see cref="ParameterKind.SpanOutput"/> of
        /// the derivation, written from zero where it is declared, and a parameter of the method's twin
        /// <c>MWithBuffers</c> (<see cref="Emit.LocalBufferWriter"/>), not of the method's generated signatures; null otherwise.
        /// </summary>
        public string? Buffer { get; init; }

        /// <summary>
        /// For a span input an empty span stands for zeros of (a direction of FTangent read as a method of its own,
        /// <see cref="Parse.TangentCalls"/>): the parameter whose length the zeros take. Null otherwise.
        /// </summary>
        public string? EmptyAs { get; init; }

        /// <summary>The parameter as the generated signatures list it: a struct's fields as the one struct parameter.</summary>
        public ParameterSpec Slot => Group is null ? this : new ParameterSpec(Group, GroupType, GroupType, Kind);
    }

    /// <summary>One type around the method, outermost first: <c>partial class Outer</c>.</summary>
    internal sealed record ContainingType(string Keyword, string Name);

    /// <summary>
    /// Everything the later stages need to know about one <c>[Differentiable]</c> method: the incremental cache
    /// boundary. Only strings, numbers, enums and equatable arrays — no symbols, syntax or locations.
    /// </summary>
    internal sealed record MethodModel(
        string Namespace,
        EquatableArray<ContainingType> ContainingTypes,
        string Name,
        string OverloadSuffix,
        string Accessibility,
        string ReturnType,
        EquatableArray<ParameterSpec> Parameters,
        EquatableArray<LocalSpec> Locals,
        Block Body,
        string ForwardSource)
    {
        /// <summary>The results besides the return value: out parameters and tuple elements, each with its own cotangent.</summary>
        public EquatableArray<ScalarResult> Results { get; init; } = EquatableArray<ScalarResult>.Empty;

        /// <summary>For an instantiation of a generic method (<c>&lt;double&gt;</c>): how MGradient calls the forward.</summary>
        public string TypeArguments { get; init; } = "";

        /// <summary>An instance method of a layer object: its generated methods are instance methods too.</summary>
        public bool IsInstance { get; init; }

        /// <summary>
        /// The twin of a layer object's method with its fields as parameters (<see cref="Parse.LayerCalls"/>): an instance
        /// method only so that it can call the layer's methods; its derivatives are those of a function of its parameters.
        /// </summary>
        public bool LayerTwin { get; init; }

        /// <summary>The names of the members the user declared in the containing type (a stand-in for a mode not generated is not written over one).</summary>
        public EquatableArray<string> DeclaredMembers { get; init; } = EquatableArray<string>.Empty;

        /// <summary>How the backward reverses its top-level loops: checkpointed (<c>[Differentiable(CheckpointLoops = true)]</c>), or null for a tape.</summary>
        public CheckpointOptions? Checkpoint { get; init; }

        /// <summary>
        /// The parameters the generated signatures list: a layer object's fields are reached through <c>this</c>, a struct's
        /// fields are the one struct parameter.
        /// </summary>
        public IEnumerable<ParameterSpec> Arguments => Parameters.Where(p => !p.IsField).Select(p => p.Slot).Distinct();

        /// <summary>The arguments a caller passes: <see cref="Arguments"/> without the method's local buffers, which its generated methods lend.</summary>
        public IEnumerable<ParameterSpec> Declared => Arguments.Where(p => p.Buffer is null);

        /// <summary>
        /// The differentiable inputs as the derivative modes list them: the parameters (a struct's real fields each), then a
        /// layer object's fields the method reads, in field order (their tangents, directions and Jacobian columns follow the
        /// parameters').
        /// </summary>
        public IEnumerable<ParameterSpec> Inputs => Parameters.Where(p => !p.IsField && p.IsDifferentiable).Concat(Parameters.Where(p => p.IsField && p.IsDifferentiable));

        /// <summary>The local buffers of the body (<see cref="ParameterSpec.Buffer"/>), after the parameters.</summary>
        public IEnumerable<ParameterSpec> Buffers => Parameters.Where(p => p.Buffer is not null);

        /// <summary>Names generated code must not reuse: parameters, struct parameters, locals and the method's own.</summary>
        public IEnumerable<string> TakenNames => Arguments.Select(p => p.Name).Concat(Parameters.Select(p => p.Name)).Concat(Locals.Select(l => l.Name)).Append(Name);

        /// <summary><c>static </c>, or nothing for a layer object's method.</summary>
        public string StaticModifier => IsInstance ? "" : "static ";

        public string HintName => (Namespace.Length > 0 ? Namespace + "." : "")
            + string.Join(".", ContainingTypes.Select(t => t.Name.Replace('<', '{').Replace('>', '}')))
            + "." + Name + OverloadSuffix + ".g.cs";
    }

    /// <summary>
    /// A result besides the return value: an <c>out double</c> parameter (at <paramref name="Position"/> in the method's
    /// parameter list) or an element of a returned tuple (<paramref name="Position"/> −1). A local of the body.
    /// </summary>
    internal sealed record ScalarResult(string Name, string Type, int Position)
    {
        /// <summary>For a field of a returned struct: its path (<c>.X</c>) and the struct's type; its cotangent is <c>dResult.X</c>.</summary>
        public string? Path { get; init; }

        public string GroupType { get; init; } = "";
    }

    /// <summary>A local variable declared in the body (names are unique within a method after parsing).</summary>
    internal sealed record LocalSpec(string Name, string Type);

    /// <summary>
    /// <c>[Differentiable(CheckpointLoops = true, Snapshots = …, CheckpointAbove = …)]</c>: the snapshots per loop (0: chosen
    /// per call) and the trip count above which a loop is checkpointed rather than taped (0: always).
    /// </summary>
    internal sealed record CheckpointOptions(int Snapshots, int Above);

    /// <summary>What the parse stage produces: a model to emit, or the diagnostics that stop it (or both empty).</summary>
    /// <param name="Location">Where the method's name is, for diagnostics raised after parsing.</param>
    internal sealed record ParseResult(MethodModel? Model, EquatableArray<DiagnosticInfo> Diagnostics, LocationInfo? Location = null);
}
