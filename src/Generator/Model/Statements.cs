namespace SymGrad.Generator.Model
{
    // Statements of a differentiable body. Source is the statement as the user wrote it (one line), written
    // above its adjoint block in the emitted code.

    internal abstract record Stmt(string Source)
    {
        /// <summary>Where the user wrote it, for diagnostics found after parsing (none for generated statements).</summary>
        public Diagnostics.LocationInfo? Location { get; init; }
    }

    internal sealed record Block(EquatableArray<Stmt> Statements)
    {
        public static readonly Block Empty = new(EquatableArray<Stmt>.Empty);
    }

    /// <summary><c>T name = init;</c></summary>
    internal sealed record LocalDecl(string Name, string Type, Expr? Init, string Source) : Stmt(Source);

    /// <summary><c>target op value;</c> with op one of <c>= += -= *= /=</c>; target a <see cref="Name"/> or an <see cref="Element"/>.</summary>
    internal sealed record Assign(Expr Target, string Op, Expr Value, string Source) : Stmt(Source);

    internal sealed record If(Expr Condition, Block Then, Block Else, string Source) : Stmt(Source)
    {
        /// <summary>
        /// A strong zero of the reverse sweep, <c>if (ds != 0) { dx += ds/(2√x); }</c>: where ds is zero the contributions
        /// are (not 0·∞). Its derivative keeps the contributions' where the adjoint moves, <c>if (ds != 0 || ṫds != 0)</c>.
        /// </summary>
        public bool StrongZero { get; init; }
    }

    /// <summary><c>for (T counter = init; condition; counter += step)</c>; step is a signed integer expression.</summary>
    internal sealed record For(string Counter, string CounterType, Expr Init, Expr Condition, Expr Step, Block Body, string Source) : Stmt(Source)
    {
        /// <summary>Names a reversed loop for the passes after it is built (0 for a forward loop).</summary>
        public int Tag { get; init; }

        /// <summary>How the user wrote the loop, so the forward code reads the same (the meaning is always the for loop's).</summary>
        public LoopForm Form { get; init; }

        /// <summary>For a top-level loop of a method that checkpoints its loops: the same number on its forward and reversed copies (0 otherwise).</summary>
        public int Checkpoint { get; init; }

        /// <summary>A local buffer's zeros where it is declared (<see cref="Parse.BodyParser"/>): the buffer whose every element it writes.</summary>
        public string? Fills { get; init; }
    }

    /// <summary>
    /// A <c>while (c)</c> is the loop <c>for (int k = 0; c; k++)</c> and a <c>do … while (c);</c> the loop
    /// <c>for (int k = 0; k == 0 || c; k++)</c>, with a counter nothing else reads: every pass sees an ordinary loop
    /// whose trips are counted on the tape, and the printer writes the user's form back.
    /// </summary>
    internal enum LoopForm
    {
        For,
        While,
        DoWhile,
    }

    internal sealed record Break(string Source) : Stmt(Source);

    internal sealed record Continue(string Source) : Stmt(Source);

    internal sealed record Return(Expr? Value, string Source) : Stmt(Source);

    /// <summary>A call of a differentiable method as a statement (a layer writing its output spans).</summary>
    internal sealed record CallStatement(UserCall Call, string Source) : Stmt(Source);
}
