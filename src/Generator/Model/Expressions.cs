using System.Collections.Generic;
using System.Linq;
namespace SymGrad.Generator.Model
{
    // The expression language of a differentiable body, after Roslyn is gone. Every node carries its C# type
    // keyword ("double", "float", "int", "bool", …): only float and double values carry a derivative.

    internal abstract record Expr(string Type)
    {
        public bool IsReal => Type is "double" or "float";
    }

    /// <summary>A literal, already in C# syntax (<c>1.0</c>, <c>0.5f</c>, <c>3</c>, <c>true</c>).</summary>
    internal sealed record Literal(string Text, string Type) : Expr(Type);

    /// <summary>A local, a parameter or a loop counter.</summary>
    internal sealed record Name(string Id, string Type) : Expr(Type);

    /// <summary><c>span[index]</c>.</summary>
    internal sealed record Element(string Span, Expr Index, string Type) : Expr(Type)
    {
        /// <summary>For a span of structs of reals, the field read (<c>.X</c> of <c>pts[i].X</c>); empty for a span of reals.</summary>
        public string Member { get; init; } = "";
    }

    /// <summary><c>-x</c>, <c>!b</c>.</summary>
    internal sealed record Unary(string Op, Expr Operand, string Type) : Expr(Type);

    /// <summary>Arithmetic, comparison and logical operators.</summary>
    internal sealed record Binary(string Op, Expr Left, Expr Right, string Type) : Expr(Type);

    /// <summary><c>test ? whenTrue : whenFalse</c>.</summary>
    internal sealed record Conditional(Expr Test, Expr WhenTrue, Expr WhenFalse, string Type) : Expr(Type)
    {
        /// <summary>
        /// A strong zero of forward mode, <c>u̇ == 0 ? 0 : u̇/(2√u)</c>: zero where the tangent is (not 0·∞). Its derivative keeps
        /// the product's where the tangent moves, <c>u̇ == 0 &amp;&amp; ü == 0 ? 0 : …</c>.
        /// </summary>
        public bool StrongZero { get; init; }
    }

    /// <summary>
    /// An elementary function of <c>System.Math</c>/<c>MathF</c> (Exp, Log, Sqrt, Pow, Tanh, Sin, Cos, Abs, Max,
    /// Min, Sign) or the recognised <c>Sigmoid</c> (<c>1 / (1 + Exp(-u))</c>), whose derivative reuses its value.
    /// </summary>
    internal sealed record MathCall(string Function, EquatableArray<Expr> Args, string Type) : Expr(Type);

    /// <summary><c>(float)e</c>, <c>(double)e</c>, <c>(int)e</c>.</summary>
    internal sealed record Cast(Expr Operand, string Type) : Expr(Type);

    /// <summary>
    /// Non-differentiable code kept as written (<c>x.Length</c>, <c>geometry.OutH</c>, integer <c>Math.Max</c>):
    /// <see cref="Template"/> has <c>{0}</c>, <c>{1}</c>… where the variables in <see cref="Reads"/> stand.
    /// </summary>
    internal sealed record Opaque(string Template, EquatableArray<string> Reads, string Type) : Expr(Type);

    /// <summary>
    /// A call of a method with no derivative. Harmless when its arguments are constants (it is one too); an error
    /// (SG0007, at <see cref="Location"/>) when one of them carries a derivative, which only activity analysis knows.
    /// </summary>
    /// <param name="Backward">The backward a registration would declare (<c>static void MBackward(…)</c>), for SG0007's message.</param>
    internal sealed record UnknownCall(Opaque Call, string Display, string Owner, string Method, string Backward, Diagnostics.LocationInfo? Location) : Expr(Call.Type);

    /// <summary>A span argument: <c>x</c>, or <c>x.Slice(start, length)</c>.</summary>
    internal sealed record SpanRef(string Span, Expr? Start, Expr? Length, string ElementType) : Expr("span")
    {
        /// <summary>Set by the printer where <see cref="Span"/> is an array: its part is <c>x.AsSpan(start, length)</c>.</summary>
        public bool OfArray { get; init; }
    }

    /// <summary>A call of another differentiable method (one with a generated or registered backward).</summary>
    internal sealed record UserCall(CallTarget Target, EquatableArray<Expr> Args, string Type) : Expr(Type);

    /// <summary>How a callee is reached and how its backward is called.</summary>
    /// <param name="Registered">The backward is hand-written (<c>[DerivativeOf]</c>): it receives an empty span for a gradient nobody needs.</param>
    internal sealed record CallTarget(string ContainingType, string Method, string BackwardContainingType, string Backward, EquatableArray<ParameterSpec> Parameters, string ReturnType, bool Registered = false)
    {
        /// <summary>A registered variant that assigns the gradient of <see cref="AssignedInput"/> instead of accumulating (<c>[DerivativeOf(…, Assigns = …)]</c>).</summary>
        public string? AssigningBackward { get; init; }

        /// <summary>The span input whose gradient <see cref="AssigningBackward"/> assigns.</summary>
        public string? AssignedInput { get; init; }

        /// <summary>The type arguments of a call of an instantiated generic method (<c>&lt;double&gt;</c>), or empty.</summary>
        public string TypeArguments { get; init; } = "";

        /// <summary>The callee's forward mode (<c>FTangent</c>: the original arguments, then a tangent per differentiable input), or null.</summary>
        public string? Tangent { get; init; }

        /// <summary>
        /// A generated callee with <c>MHessianVector</c> and <c>MTangentBackward</c>: the tangent of its backward (in a caller's
        /// Hessian-vector product) is <c>MBackward</c> along the seed's tangent plus <c>MTangentBackward</c> along the inputs'.
        /// </summary>
        public bool Nested { get; init; }

        /// <summary>
        /// For <c>FTangent</c> called by a differentiable method (nested differentiation): F's file name, whose third-order
        /// methods (<c>FHessianVectorTangent</c>, <c>FTangentTangentBackward</c>) SymGrad writes because of this call.
        /// </summary>
        public string? NestedOf { get; init; }

        /// <summary>
        /// For a generated callee F whose third-order methods SymGrad can write (<c>FHessianVectorTangent</c>,
        /// <c>FTangentTangentBackward</c>): F's file name, so that they are written when a caller's own third order needs them.
        /// </summary>
        public string? ThirdOrderOf { get; init; }

        /// <summary>This target is a generated <c>FTangent</c> itself (its own tangent is not differentiated again).</summary>
        public bool IsTangent { get; init; }

        /// <summary>
        /// <c>FTangent</c> as a differentiable callee of its own, for a callee F whose nested methods are written (<see cref="Nested"/>):
        /// F's parameters, then a tangent per differentiable input; its pullback <c>FTangentBackward</c>, its tangent
        /// <c>FTangentTangent</c> and, where F's third order is written, the tangent of its pullback (<c>FTangentTangentBackward</c>).
        /// Null for any other callee.
        /// </summary>
        public CallTarget? TangentCallee => Nested && !IsTangent && Tangent is not null
            ? OfTangent(ContainingType, Method, Parameters, ReturnType, ThirdOrderOf)
            : null;

        /// <summary>The target of <c>FTangent</c> (see <see cref="TangentCallee"/>); <paramref name="thirdOrderOf"/> F's file name where F's third order is written.</summary>
        public static CallTarget OfTangent(string owner, string method, IEnumerable<ParameterSpec> parameters, string returnType, string? thirdOrderOf)
        {
            var all = parameters.ToList();
            all.AddRange(all.Where(p => p.IsDifferentiable).Select(p => p.Kind == ParameterKind.Scalar
                ? new ParameterSpec("t" + p.Name, p.ElementType, p.ElementType, ParameterKind.Scalar)
                : new ParameterSpec("t" + p.Name, $"global::System.ReadOnlySpan<{p.ElementType}>", p.ElementType, ParameterKind.SpanInput)).ToList());
            return new CallTarget(owner, method + "Tangent", owner, method + "TangentBackward", all.ToEquatableArray(), returnType)
            {
                Tangent = method + "TangentTangent",
                Nested = thirdOrderOf is not null, // FTangentTangentBackward: its backward's tangent, for a caller's MHessianVector
                IsTangent = true,
            };
        }

        /// <summary>
        /// For a registered callee whose registered tangent has a registered backward of its own (<c>[DerivativeOf(typeof(Nn),
        /// nameof(Nn.TanhTangent))]</c>): the target of a call of that tangent, so that a forward mode calling it — a nested
        /// <c>FTangent</c> read as a method of its own (<see cref="Parse.TangentCalls"/>) — is differentiated again. Null otherwise.
        /// </summary>
        public CallTarget? RegisteredTangentTarget { get; init; }

        /// <summary>
        /// For a method SymGrad writes next to a nested <c>FTangent</c>'s derivatives (<see cref="Parse.DerivativeReads"/>): the
        /// registered function (<c>Smooth.Softplus</c>) one of whose partial derivatives it returns, read off its backward.
        /// </summary>
        public CallTarget? DerivativeOf { get; init; }

        /// <summary>The type declaring <see cref="Tangent"/> when it is not the callee's (a <c>[TangentOf]</c> registration elsewhere).</summary>
        public string? TangentContainingType { get; init; }

        /// <summary>
        /// A registered backward's own registered tangent (<c>[TangentOf(typeof(Nn), nameof(Nn.SumOfSquaresBackward))]</c>),
        /// fully qualified: the second order a caller's Hessian-vector product differentiates the call through. Null when none.
        /// </summary>
        public string? BackwardTangent { get; init; }

        /// <summary>The parameters of the registered backward that <see cref="BackwardTangent"/> takes a tangent of, by index.</summary>
        public EquatableArray<int> BackwardTangentInputs { get; init; } = EquatableArray<int>.Empty;

        /// <summary>
        /// For a generated callee H that writes outputs and whose <c>HBackwardTangent</c> SymGrad can write (its backward's
        /// tangent, in the shape of a registered one: <see cref="BackwardTangent"/>): H's file name, so that the file holding it
        /// is written when a caller's Hessian-vector product calls it.
        /// </summary>
        public string? SecondOrderOf { get; init; }

        /// <summary>
        /// For a callee taking structs of reals (<c>Dot(Point3 a, Point3 b)</c>): its file name, so that the file of its flat
        /// adapters (<c>DotFlattened(a_X, …)</c> and their derivatives, <see cref="Parse.StructCalls"/>) is written; the call is of
        /// those, the structs' fields passed one by one.
        /// </summary>
        public string? FlatOf { get; init; }

        /// <summary>
        /// The call adds to its outputs (<c>g += …</c>) instead of writing them: what the outputs held before passes its
        /// cotangent on through the call, and its tangent is added to. A span gradient of a nested <c>FGradient</c>
        /// (<see cref="Parse.SpanGradients"/>).
        /// </summary>
        public bool Accumulates { get; init; }

        /// <summary>
        /// For <c>FGradient(…, gx)</c> with a span gradient wanted, read as a call of <c>FGradientOfX(…, s, gx)</c>
        /// (<see cref="Parse.SpanGradients"/>): F's file name, so that the file of those methods is written.
        /// </summary>
        public string? SpanGradientsOf { get; init; }

        /// <summary>
        /// For a nested <c>FBackward</c> of a method F writing outputs, read as calls of <c>FBackwardOfX</c> (<see cref="Parse.BackwardCalls"/>):
        /// F's file name, so that the file of those methods is written.
        /// </summary>
        public string? BackwardCallsOf { get; init; }

        /// <summary>
        /// For a result of a callee with several results, read as a call of a method of its own (<c>PolarResultR(x, y)</c>,
        /// <see cref="Parse.ResultCalls"/>): the callee's file name, so that the file of those methods is written.
        /// </summary>
        public string? ResultsOf { get; init; }

        /// <summary>
        /// For <c>FTangent</c> of a method F writing outputs, called by a differentiable method (<see cref="Parse.TangentCalls"/>):
        /// F's file name, so that the file of FTangent's own derivatives (<c>FTangentBackward</c>, <c>FTangentTangent</c>, …) is written.
        /// </summary>
        public string? TangentCallsOf { get; init; }

        /// <summary>
        /// For such an FTangent's target: the files of FTangent's own derivatives it needs written — F's, and those of the
        /// methods writing outputs F calls (their HTangent is in F's forward mode, <see cref="OutputsTangent"/>).
        /// </summary>
        public EquatableArray<string> TangentFiles { get; init; } = EquatableArray<string>.Empty;

        /// <summary>
        /// For a generated callee H writing outputs whose HTangent SymGrad reads as a method of its own (<see cref="Parse.TangentCalls"/>):
        /// the target of HTangent, through which a caller's forward mode calls H — so that the caller's own FTangent, read as a
        /// method in turn, is differentiated again through HTangent's. Null otherwise.
        /// </summary>
        public CallTarget? OutputsTangent { get; init; }

        /// <summary>
        /// For a layer object's own method called by another of its methods, read as a call of its twin with the fields as
        /// parameters (<c>ScoreWithFields(W, b, x)</c>, <see cref="Parse.LayerCalls"/>): the callee's file name, so that the file
        /// of the twin is written.
        /// </summary>
        public string? FieldsOf { get; init; }

        /// <summary>
        /// The parameters of a generated <c>HBackward</c> that its tangent <c>HBackwardTangent</c> takes a tangent of, by index:
        /// the differentiable inputs, the outputs (read as values), the result's seed, the outputs' cotangents — each real one
        /// the backward reads, as for a registered backward's tangent.
        /// </summary>
        public static IEnumerable<int> GeneratedBackwardReads(IReadOnlyList<ParameterSpec> parameters, string returnType)
        {
            int n = parameters.Count, outputs = parameters.Count(p => p.Kind == ParameterKind.SpanOutput);
            int seeds = (returnType is "double" or "float" ? 1 : 0) + outputs;
            return Enumerable.Range(0, n).Where(i => parameters[i].IsDifferentiable || parameters[i].Kind == ParameterKind.SpanOutput)
                .Concat(Enumerable.Range(n, seeds));
        }

        /// <summary>
        /// A registered function of scalars with no registered tangent: its tangent is read from its backward, which with the
        /// seed 1 gives ∇f, so ḟ = ∇f·ẋ (a 1 × n Jacobian: its row is its gradient).
        /// </summary>
        public bool TangentFromBackward => Registered && Tangent is null && ReturnType is "double" or "float"
            && Parameters.All(p => p.Kind is ParameterKind.Scalar or ParameterKind.Constant && !p.IsBuffer);
    }
}
