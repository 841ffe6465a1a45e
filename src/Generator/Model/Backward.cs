namespace SymGrad.Generator.Model
{
    // What the derivative code adds to the statement and expression model the parser produces. The backward is built
    // from these and the parsed nodes, optimised as a program, and printed by one emitter.

    /// <summary><c>// text</c>: the forward statement above its adjoint block, with its local derivatives.</summary>
    internal sealed record Comment(string Text) : Stmt("");

    /// <summary>
    /// Pushes <see cref="Value"/> on the workspace tape of its type. <see cref="Pair"/> names the one <see cref="Pop"/>
    /// that takes it back: a push whose pop was optimised away goes with it.
    /// </summary>
    internal sealed record Push(Expr Value, int Pair) : Stmt("");

    /// <summary>Takes back the value the <see cref="Push"/> statements with the same <see cref="Pair"/> pushed.</summary>
    internal sealed record Pop(string Type, int Pair) : Expr(Type);

    /// <summary>
    /// A call for its effects (a backward, a clear): <see cref="Target"/> is printed as written; arguments wrapped in
    /// <see cref="Written"/> are written (and read) by the call. <see cref="Math"/> is its line in the derivation.
    /// </summary>
    internal sealed record Invoke(string Target, EquatableArray<Expr> Args, string Math) : Stmt("")
    {
        /// <summary>A registered variant of this backward that assigns (rather than adds to) the argument at <see cref="AssignedArg"/>.</summary>
        public string? Assigning { get; init; }

        public int AssignedArg { get; init; } = -1;

        /// <summary>For the backward of a call of a differentiable method: the callee.</summary>
        public CallTarget? Call { get; init; }

        /// <summary>
        /// A registered second order put in place of a backward (<c>FBackwardTangent</c>, in a Hessian-vector product): it has
        /// no derivative of its own (a third order through a registered function is not written), whatever <see cref="Call"/> says.
        /// </summary>
        public bool IsSecondOrder { get; init; }

        /// <summary>For a backward: where the cotangents it receives are (the result's, then the outputs'); empty for other calls.</summary>
        public EquatableArray<int> Cotangents { get; init; } = EquatableArray<int>.Empty;

        private const string AddCotangentTarget = "global::SymGrad.Workspace.AddCotangent";

        /// <summary><c>Workspace.AddCotangent(from, into)</c>: a span's cotangent in scratch added to its adjoint (into += from).</summary>
        public static Invoke AddCotangent(Expr from, Expr into) => new(AddCotangentTarget, new[] { from, new Written(into) }.ToEquatableArray(), "");

        public bool IsAddCotangent => Target == AddCotangentTarget;
    }

    /// <summary>An argument the call writes: <c>ref dx</c> for a scalar, the span itself for a span.</summary>
    internal sealed record Written(Expr Target) : Expr(Target.Type);

    /// <summary>Code kept as text with no variables in it (<c>default</c>, a workspace rental).</summary>
    internal sealed record Verbatim(string Text, string Type, EquatableArray<string> Reads) : Expr(Type);
}
