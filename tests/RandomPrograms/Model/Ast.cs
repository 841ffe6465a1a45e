using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace SymGrad.RandomPrograms.Model
{
    // The tester's own program model: small immutable records, independent of the generator's. One model prints as the
    // double twin, the float twin (Print/CSharpPrinter) and a PyTorch function (Print/PythonPrinter). "Real" is double
    // in the double twin and float in the float twin; "Wide" is double in both (a double local inside a float method).

    /// <summary>The value types of expressions and locals.</summary>
    public enum ValueType
    {
        Real,
        Wide,
        Int,
        Bool,

        /// <summary>A struct of reals (<see cref="StructType"/>): a local whose fields are the Real locals <c>p.X</c>, <c>p.Y</c>, <c>p.Z</c>.</summary>
        Struct,
    }

    /// <summary>
    /// The struct of reals programs use (feature Structs): <c>public struct V3 { public double X, Y, Z; }</c> (float in the float
    /// twin) with a constructor that only assigns its fields, nested in each twin's class. A struct parameter is, in the
    /// model, its real scalar parameters marked with <see cref="Param.Struct"/> and <see cref="Param.Member"/> (read as
    /// <c>pt.X</c>); a struct local is a <see cref="StructDecl"/> whose fields are read and written as the locals
    /// <c>p.X</c>; a struct result is <see cref="Method.ReturnsStruct"/>.
    /// </summary>
    public static class StructType
    {
        public const string Name = "V3";

        public static readonly ImmutableArray<string> Fields = ImmutableArray.Create("X", "Y", "Z");

        /// <summary>The name of the pseudo-parameter that carries a struct result to the drivers and the checker.</summary>
        public const string ResultName = "ret";
    }

    /// <summary>How a generic method is declared (feature Generics).</summary>
    public enum GenericForm
    {
        None,

        /// <summary><c>where T : IFloatingPointIeee754&lt;T&gt;</c>.</summary>
        Ieee754,

        /// <summary><c>where T : struct, IFloatingPointIeee754&lt;T&gt;</c>.</summary>
        StructIeee754,

        /// <summary><c>where T : unmanaged, IFloatingPointIeee754&lt;T&gt;</c>: a method with a <c>stackalloc T[n]</c> buffer.</summary>
        UnmanagedIeee754,
    }

    /// <summary>What a parameter is (README's subset table).</summary>
    public enum ParamKind
    {
        /// <summary>A differentiable <c>double</c>/<c>float</c> (or a constant one when <see cref="Param.NoDerivative"/>).</summary>
        RealScalar,

        /// <summary><c>ReadOnlySpan&lt;Real&gt;</c>: an input (constant when <see cref="Param.NoDerivative"/>).</summary>
        RealSpanIn,

        /// <summary><c>Span&lt;Real&gt;</c>: an output the method writes.</summary>
        RealSpanOut,

        /// <summary>
        /// <c>out Real o</c>: a result besides the return value (the entry method only), assigned first thing and then a
        /// local of the body. The driver and the checker treat it as an output of length 1.
        /// </summary>
        RealOut,

        /// <summary>An <c>int</c> size, drawn in [<see cref="Param.Min"/>, <see cref="Param.Max"/>].</summary>
        Size,

        /// <summary><c>ReadOnlySpan&lt;int&gt;</c> constants with values in [0, <see cref="Param.ValueBound"/>).</summary>
        IntSpan,

        /// <summary>A <c>bool</c> flag.</summary>
        Bool,

        /// <summary>
        /// A <c>[NoDerivative]</c> scalar of the other precision (<c>float</c> in the double twin, <c>double</c> in the
        /// float twin): exercises float↔double casts without making central differences in double lossy.
        /// </summary>
        OtherScalar,
    }

    /// <summary>
    /// A span length: <see cref="Const"/> times the product of the named size parameters (a row-major (n, m) matrix is
    /// <c>Dim([n, m], 1)</c>, a fixed-length vector <c>Dim([], 3)</c>).
    /// </summary>
    public sealed record Dim(ImmutableArray<string> Sizes, int Const)
    {
        public static Dim Of(int c) => new(ImmutableArray<string>.Empty, c);

        public static Dim Of(params string[] sizes) => new(sizes.ToImmutableArray(), 1);

        public bool IsConstant => Sizes.IsEmpty;

        public bool Equals(Dim? other)
            => other is not null && Const == other.Const && Sizes.OrderBy(s => s, System.StringComparer.Ordinal)
                .SequenceEqual(other.Sizes.OrderBy(s => s, System.StringComparer.Ordinal));

        public override int GetHashCode() => Const ^ Sizes.Length;
    }

    /// <summary>
    /// A parameter. <see cref="Length"/> for spans; <see cref="Min"/>/<see cref="Max"/> for sizes;
    /// <see cref="ValueBound"/> for int spans (labels: the size or constant bounding their values).
    /// </summary>
    /// <see cref="AsArray"/>: printed as <c>double[]</c>/<c>int[]</c> instead of a span (see <c>Generate.Arrays</c>).
    /// <see cref="Field"/>: a field of the layer object whose instance method is the entry (<see cref="Method.Instance"/>),
    /// not a parameter of its signature (see <c>Generate.Layers</c>); a span input is then an array field. The model keeps
    /// it among the parameters, in its place: the drivers, the checker and the Python printer treat it as one.
    /// <see cref="This"/>: a field read as <c>this.name</c>.
    /// <see cref="Struct"/>, <see cref="Member"/>: a real scalar that is field <see cref="Member"/> (X, Y, Z) of the struct
    /// parameter <see cref="Struct"/> (printed in its first member's place, read as <c>pt.X</c>); the model keeps it a scalar
    /// in its place, so the checker, the Python printer and PyTorch see scalars. A real span input with them is field
    /// <see cref="Member"/> of each element of the span (or array) of structs <see cref="Struct"/>: <c>pts[i].X</c>, the
    /// model's <c>x[i]</c> (see <c>Generate.StructSpans</c>).
    /// <see cref="Result"/>: the pseudo-parameter (kind <see cref="ParamKind.RealOut"/>, length 3, never printed) through
    /// which the drivers hand a struct result's fields to the checker as an output.
    /// <see cref="EmptyGradient"/>: a span input whose gradient the checker also passes as <c>default</c> ("not needed").
    /// <see cref="Default"/>: a default value (a trailing constant parameter: a size, a flag, a <c>[NoDerivative]</c> real).
    /// <see cref="Other"/>: a differentiable real scalar of the other precision (<c>float q</c> in the double twin, <c>double q</c>
    /// in the float one), read as <c>(double)q</c>; its values are floats, and the checker's central differences step it by
    /// floats (see <c>Check.Checker</c>). The entry's only; not a struct member, not in a generic method.
    /// <see cref="Wide"/>: a differentiable real scalar of a called method that is <c>double</c> in both twins — in the float
    /// twin a double input of a float method — read as <c>(T)q</c> and passed <c>(double)…</c> by its callers (a float
    /// input of the double twin would round what its callers pass, and central differences through that rounding are
    /// noise). Not in a generic method.
    public sealed record Param(string Name, ParamKind Kind, bool NoDerivative = false, Dim? Length = null, int Min = 0, int Max = 0, Dim? ValueBound = null,
        bool AsArray = false, bool Field = false, bool This = false, string? Struct = null, string? Member = null, bool Result = false,
        bool EmptyGradient = false, double? Default = null, bool Other = false, bool Wide = false)
    {
        /// <summary>
        /// For a field of the layer held in the entry's field <see cref="Generate.HeldLayers.Holder"/> (feature HeldLayers): its
        /// name there (<c>x</c>); <see cref="Name"/> is SymGrad's name for it in the entry's class (<c>SubX</c>), where the
        /// driver sets it as <c>Sub.x</c>.
        /// </summary>
        public string? Held { get; init; }

        public bool IsSpan => Kind is ParamKind.RealSpanIn or ParamKind.RealSpanOut or ParamKind.IntSpan;

        /// <summary>Gets a gradient in MBackward: a real scalar or real input span not marked <c>[NoDerivative]</c>.</summary>
        public bool IsDifferentiable => Kind is ParamKind.RealScalar or ParamKind.RealSpanIn && !NoDerivative;

        /// <summary>A field of a span (or array) of structs: <c>pts[i].X</c> (see <see cref="Struct"/>).</summary>
        public bool InStructSpan => Struct is not null && Kind == ParamKind.RealSpanIn;
    }

    // ---- Expressions ----

    public abstract record Expr;

    /// <summary>A real literal (printed <c>0.5</c> or <c>0.5f</c>).</summary>
    public sealed record RealLit(double Value) : Expr;

    public sealed record IntLit(int Value) : Expr;

    /// <summary>A local, a counter or a scalar parameter.</summary>
    public sealed record Var(string Name) : Expr;

    /// <summary><c>s[index]</c> on a real or int span.</summary>
    public sealed record ElemRead(string Span, Expr Index) : Expr;

    /// <summary><c>s.Length</c>.</summary>
    public sealed record SpanLength(string Span) : Expr;

    /// <summary>Unary <c>-</c> (numbers) or <c>!</c> (bool).</summary>
    public sealed record Unary(string Op, Expr Operand) : Expr;

    /// <summary>Arithmetic (<c>+ - * / %</c>), comparison and logical operators.</summary>
    public sealed record Binary(string Op, Expr Left, Expr Right) : Expr;

    public sealed record Conditional(Expr Test, Expr WhenTrue, Expr WhenFalse) : Expr;

    /// <summary>
    /// <c>subject switch { p1 =&gt; v1, …, _ =&gt; otherwise }</c>: relational patterns on a real, constants and relations on
    /// an int. Its meaning is the <see cref="Conditional"/> chain of <see cref="Lowered"/> (what the Python printer writes).
    /// </summary>
    public sealed record SwitchExpr(Expr Subject, ImmutableArray<SwitchArm> Arms, Expr Otherwise) : Expr
    {
        public Expr Lowered => Arms.Reverse().Aggregate(Otherwise, (rest, arm) => new Conditional(Case.Test(Subject, arm.Cases), arm.Value, rest));
    }

    /// <summary>A call of a local function of the method (<see cref="LocalFunction"/>).</summary>
    public sealed record LocalCall(string Name, ImmutableArray<Expr> Args) : Expr;

    public sealed record SwitchArm(ImmutableArray<Case> Cases, Expr Value);

    /// <summary>One alternative of a pattern: <c>== v</c> a constant pattern (printed <c>v</c>), else a relational one (<c>&lt; v</c>).</summary>
    public sealed record Case(string Op, Expr Value)
    {
        /// <summary>The alternatives joined with <c>or</c>, as a condition on the subject.</summary>
        public static Expr Test(Expr subject, ImmutableArray<Case> cases) =>
            cases.Skip(1).Aggregate((Expr)new Binary(cases[0].Op, subject, cases[0].Value), (test, c) => new Binary("||", test, new Binary(c.Op, subject, c.Value)));
    }

    /// <summary>
    /// <c>s[^Offset]</c>: an index counted from the end of the span it indexes (only ever an <see cref="ElemRead"/>'s or a
    /// <see cref="Store"/>'s index), meaning <c>s[s.Length - Offset]</c>.
    /// </summary>
    public sealed record FromEnd(Expr Offset) : Expr;

    /// <summary>
    /// <c>Math.F(args)</c> (double twin) / <c>MathF.F(args)</c> (float twin) on Real values; on Wide values always
    /// <c>Math</c>. Functions: Exp, Log, Sqrt, Pow, Tanh, Sin, Cos, Abs, Max, Min, Floor, Ceiling, Round, Truncate, Sign.
    /// </summary>
    public sealed record MathCall(string Function, ImmutableArray<Expr> Args, bool Wide = false) : Expr;

    /// <summary>A cast to <paramref name="To"/>: int→Real, Real→Wide, Wide→Real, other-precision scalar→Real.</summary>
    public sealed record Cast(ValueType To, Expr Operand) : Expr;

    /// <summary>A call of a scalar-returning method of the program (by index name) or of <c>SymGrad.Nn</c>.</summary>
    public sealed record CallExpr(string Callee, ImmutableArray<Arg> Args, bool IsNn, string Suffix = "") : Expr
    {
        /// <summary>A call of a generated method of the callee (nested differentiation): <c>Tangent</c>, <c>Gradient</c> or <c>Backward</c>.</summary>
        public bool IsNested => Suffix.Length > 0;

        /// <summary>Printed in C# with named arguments, <c>F(k: 2, x: a)</c> (feature CallDefaults; see <c>CSharpPrinter.Args</c>).</summary>
        public bool Named { get; init; }
    }

    /// <summary>
    /// A struct value: <c>new V3(x, y, z)</c> when <see cref="Ctor"/> (all three fields set), else the initializer
    /// <c>new V3 { X = …, Z = … }</c> of the fields that are not null (the others are zero).
    /// </summary>
    public sealed record StructNew(ImmutableArray<Expr?> Fields, bool Ctor) : Expr;

    /// <summary><c>default</c> as a struct value.</summary>
    public sealed record StructDefault : Expr;

    // ---- Call arguments ----

    public abstract record Arg;

    public sealed record ValueArg(Expr Value) : Arg;

    /// <summary><c>ref g</c>: a real local a generated <c>FGradient</c>/<c>FBackward</c> accumulates a gradient into.</summary>
    public sealed record RefArg(string Local) : Arg;

    /// <summary>
    /// An out result's argument (a callee's <see cref="ParamKind.RealOut"/>): <c>out T o2</c> declaring the local
    /// (<paramref name="Declare"/>), <c>out o2</c> into a local of the caller, or <c>out _</c> when <paramref name="Local"/> is null.
    /// Only in a call that is a statement or the whole value of a declaration or an assignment — or, discarded, anywhere.
    /// <paramref name="Tuple"/>: a callee with a tuple twin is called through a tuple local read element by element
    /// (<c>var pair1 = H1Pair(…); double v = pair1.Value; o2 = pair1.O;</c>) rather than a deconstruction (feature TupleLocals),
    /// in the form <paramref name="TupleForm"/> (see <c>CSharpPrinter.Deconstruction</c>): read by element, copied to another
    /// tuple local, deconstructed, its elements swapped by a tuple literal, or an element scaled in place and back.
    /// </summary>
    public sealed record OutArg(string? Local, bool Declare = false, bool Tuple = false, int TupleForm = 0) : Arg;

    /// <summary>
    /// A layer's field <paramref name="Field"/> (a scalar or an array) as the argument of a method of the same layer that reads
    /// it (<see cref="Method.Instance"/> helper, see <c>Generate.LayerCalls</c>): not written in C#, where the callee reads the
    /// field itself; passed in Python, where the callee takes its fields as parameters, as the model does. A read of the field
    /// by the caller (<see cref="Measure.Names"/>), as SymGrad counts what the callees it calls read.
    /// </summary>
    public sealed record FieldArg(string Field) : Arg;

    /// <summary>
    /// An optional parameter's argument left out of a call (feature CallDefaults): nothing in C#, where the callee's default
    /// <paramref name="Value"/> is passed; the value in Python. At the end of a call's arguments, or anywhere in a call printed
    /// with named arguments.
    /// </summary>
    public sealed record OmittedArg(Expr Value) : Arg;

    /// <summary><c>default</c>: a span input's gradient a generated <c>FGradient</c>/<c>FBackward</c> is not asked for.</summary>
    public sealed record DefaultArg : Arg;

    /// <summary>
    /// A struct parameter's member (<see cref="Param.Struct"/>) passed its field <paramref name="Member"/> of a struct value: the
    /// struct is printed once, at its first member (<paramref name="First"/>), as the one argument C# passes.
    /// </summary>
    public sealed record StructFieldArg(Expr Value, string Member, bool First) : Arg;

    /// <summary>
    /// A span argument: <c>s</c>, or <c>s.Slice(start, length)</c> when <see cref="Start"/> is set — printed as the range
    /// <c>s[start..(start + length)]</c> when <see cref="AsRange"/>.
    /// </summary>
    public sealed record SpanArg(string Span, Expr? Start = null, Expr? Length = null, bool AsRange = false) : Arg;

    // ---- Statements ----

    public abstract record Stmt;

    /// <summary><c>T a = e1, b = e2;</c> (several declarators on one line).</summary>
    public sealed record Decl(ValueType Type, ImmutableArray<Declarator> Vars) : Stmt;

    public sealed record Declarator(string Name, Expr Init);

    /// <summary>
    /// <c>V3 p = value;</c>: a struct local, <paramref name="Init"/> a <see cref="StructNew"/>, <see cref="StructDefault"/>
    /// or the <see cref="Var"/> of a struct (a copy). Its fields are then the Real locals <c>p.X</c>, <c>p.Y</c>, <c>p.Z</c>.
    /// </summary>
    public sealed record StructDecl(string Name, Expr Init) : Stmt;

    /// <summary><c>p = value;</c>: a struct local assigned whole (the value as in <see cref="StructDecl"/>).</summary>
    public sealed record StructAssign(string Target, Expr Value) : Stmt;

    /// <summary><c>x op e;</c> with op one of <c>= += -= *= /=</c>.</summary>
    public sealed record Assign(string Target, string Op, Expr Value) : Stmt;

    /// <summary><c>x++;</c> / <c>x--;</c>.</summary>
    public sealed record IncDec(string Target, string Op) : Stmt;

    /// <summary><c>y[index] = e;</c> on an output span.</summary>
    public sealed record Store(string Span, Expr Index, Expr Value) : Stmt;

    /// <summary>
    /// A local buffer of the method's own (feature LocalBuffers), written from zero: <see cref="Form"/> 0
    /// <c>Span&lt;double&gt; y = stackalloc double[n];</c>, 1 <c>Span&lt;double&gt; y = new double[n];</c>, 2 <c>double[] y = new double[n];</c>,
    /// 3 <c>var y = new double[n];</c> (Python: a list of zeros); sized by its length or by a local holding it.
    /// </summary>
    public sealed record BufferDecl(string Name, Dim Length, int Form) : Stmt
    {
        /// <summary>Sized by a local declared right before it (<c>int yLen = n * m;</c> then <c>new double[yLen]</c>).</summary>
        public bool Sized { get; init; }

        /// <summary>The local <see cref="Sized"/> declares.</summary>
        public string SizeName => Name + "Len";

        /// <summary>An array (forms 2 and 3): a part of it is printed <c>y.AsSpan(…)</c>.</summary>
        public bool Array => Form >= 2;

        /// <summary>The length as C# and Python read it: <c>n * m</c>, <c>3</c>.</summary>
        public string LengthText => string.Join(" * ", Length.Sizes.Concat(Length.Const != 1 || Length.Sizes.IsEmpty
            ? new[] { Length.Const.ToString(System.Globalization.CultureInfo.InvariantCulture) } : System.Array.Empty<string>()));
    }

    public sealed record If(Expr Test, ImmutableArray<Stmt> Then, ImmutableArray<Stmt>? Else) : Stmt;

    /// <summary>
    /// <c>for (int v = start; v cmp bound; v += step)</c>; step ±1 prints as <c>v++</c>/<c>v--</c>. The bound is
    /// loop-invariant and the body never assigns the counter.
    /// </summary>
    public sealed record For(string Counter, Expr Start, string Cmp, Expr Bound, int Step, ImmutableArray<Stmt> Body) : Stmt;

    /// <summary>
    /// <c>foreach (double item in span) { … }</c> over a real input span — from element <see cref="From"/> on
    /// (<c>span[1..]</c>) when it is not 0; the body has no counter to index with.
    /// </summary>
    public sealed record ForEach(string Item, string Span, ImmutableArray<Stmt> Body, int From = 0) : Stmt;

    /// <summary>
    /// <c>int w = 0; while (w &lt; Limit &amp;&amp; test) { w++; … }</c>, or with <see cref="Do"/>
    /// <c>int w = 0; do { w++; … } while (w &lt; Limit &amp;&amp; test);</c>: a data-dependent trip count (the test reads reals
    /// the body changes) that always ends. The printers write the counter's declaration and increment, so no reduction
    /// can remove them.
    /// </summary>
    public sealed record While(string Counter, int Limit, Expr Test, ImmutableArray<Stmt> Body, bool Do) : Stmt
    {
        /// <summary>The condition as written: <c>w &lt; Limit &amp;&amp; test</c>.</summary>
        public Expr Condition => new Binary("&&", new Binary("<", new Var(Counter), new IntLit(Limit)), Test);
    }

    /// <summary>
    /// <c>switch (subject) { case p: … break; … default: … break; }</c> on an int: sections in order, then the default. Its
    /// meaning is the if/else chain <see cref="Lowered"/>. No break is drawn inside a section (it would leave the switch).
    /// </summary>
    public sealed record Switch(Expr Subject, ImmutableArray<SwitchSection> Sections, ImmutableArray<Stmt>? Default) : Stmt
    {
        public ImmutableArray<Stmt> Lowered => Sections.Reverse().Aggregate(Default,
            (rest, section) => (ImmutableArray<Stmt>?)ImmutableArray.Create<Stmt>(new If(Case.Test(Subject, section.Cases), section.Body, rest))) ?? ImmutableArray<Stmt>.Empty;
    }

    public sealed record SwitchSection(ImmutableArray<Case> Cases, ImmutableArray<Stmt> Body);

    /// <summary>
    /// <c>static Real name(Real p0, …) =&gt; body;</c> at the top of a method body; when not <see cref="Static"/> the body
    /// also reads the method's real scalar parameters (a closure). Python: a nested def.
    /// </summary>
    public sealed record LocalFunction(string Name, ImmutableArray<string> Params, Expr Body, bool Static) : Stmt;

    public sealed record Break : Stmt;

    public sealed record Continue : Stmt;

    /// <summary><c>return e;</c> or <c>return;</c>.</summary>
    public sealed record Return(Expr? Value) : Stmt;

    /// <summary>A call statement: a void method of the program or a void <c>SymGrad.Nn</c> primitive.</summary>
    public sealed record CallStmt(string Callee, ImmutableArray<Arg> Args, bool IsNn, string Suffix = "") : Stmt
    {
        /// <summary>A call of a generated <c>FGradient</c>/<c>FBackward</c> as a statement (nested differentiation).</summary>
        public bool IsNested => Suffix.Length > 0;

        /// <summary>Printed in C# with named arguments (see <see cref="CallExpr.Named"/>).</summary>
        public bool Named { get; init; }
    }

    // ---- Methods and programs ----

    /// <summary>The checkpoint settings of a method: snapshots (0: automatic) and the trip count above which a loop is checkpointed (0: always).</summary>
    public sealed record CheckpointMark(int Snapshots, int Above);

    /// <summary>A <c>[Differentiable] static</c> method; <see cref="ReturnsReal"/> false means <c>void</c>.</summary>
    /// <see cref="ExpressionBodied"/>: printed <c>=&gt; e;</c> (the body is one <c>return e;</c>, or a void method's one call).
    /// <see cref="Instance"/>: an instance method of a layer object (the entry, or a helper the entry calls: see
    /// <c>Generate.LayerCalls</c>), whose <see cref="Param.Field"/> parameters are fields of its class.
    /// <see cref="ReturnsStruct"/>: returns a <c>V3</c> (the entry only): <see cref="ReturnsReal"/> is false, its returns
    /// carry struct values, and its last parameter is the <see cref="Param.Result"/> pseudo-parameter.
    /// <see cref="Generic"/>: printed <c>static T M&lt;T&gt;(…) where T : IFloatingPointIeee754&lt;T&gt;</c>, Real being T.
    /// <see cref="TupleResult"/>: a called method with an out result <c>o</c>, printed returning the tuple <c>(T Value, T O)</c>
    /// instead (<c>o</c> a local of its body): its callers deconstruct it, <c>var (v, o2) = H1(…);</c>, or read <c>.Value</c>.
    public sealed record Method(string Name, bool ReturnsReal, ImmutableArray<Param> Params, ImmutableArray<Stmt> Body, bool ExpressionBodied = false,
        bool Instance = false, bool ReturnsStruct = false, GenericForm Generic = GenericForm.None, bool TupleResult = false)
    {
        /// <summary>A method of the held layer (feature HeldLayers): printed in the nested class Held, called as <c>Sub.H(…)</c>.</summary>
        public bool Held { get; init; }

        /// <summary>A result besides the returned value: an out parameter (printed as one, or as a tuple's second element).</summary>
        public bool HasOutResult => Params.Any(p => p.Kind == ParamKind.RealOut && !p.Result);

        public Param Param(string name) => Params.First(p => p.Name == name);

        public bool IsGeneric => Generic != GenericForm.None;

        /// <summary>Printed <c>[Differentiable(CheckpointLoops = true, …)]</c>: its top-level loops are reversed with binomial checkpointing.</summary>
        public CheckpointMark? Checkpoint { get; init; }

        /// <summary>The parameters of its signature (not the layer's fields, nor a struct result), struct members each on its own.</summary>
        public IEnumerable<Param> Signature => Params.Where(p => !p.Field && !p.Result);

        /// <summary>
        /// The parameters as printed: the signature with each struct parameter once, in its first member's place (the
        /// member stands for it), and the other members left out.
        /// </summary>
        public IEnumerable<Param> Printed
        {
            get
            {
                var seen = new HashSet<string>(System.StringComparer.Ordinal);
                foreach (var p in Signature)
                {
                    if (p.Struct is null || seen.Add(p.Struct)) yield return p;
                }
            }
        }

        /// <summary>The members of struct parameter <paramref name="name"/>, in parameter order.</summary>
        public IEnumerable<Param> Members(string name) => Params.Where(p => p.Struct == name);

        /// <summary>Whether the body reads struct parameter <paramref name="name"/> whole (<c>V3 q = pt;</c>).</summary>
        public bool ReadsWhole(string name) => Model.Measure.All(Body).Any(n => n is Var v && v.Name == name);

        /// <summary>The layer's fields, in declaration order.</summary>
        public IEnumerable<Param> Fields => Params.Where(p => p.Field);

        /// <summary>
        /// The differentiable fields the body reads: those the generator makes parameters of the derivation, each with a
        /// generated gradient field <c>d</c> + its name (a field it does not read gets none, and a zero gradient).
        /// </summary>
        public IEnumerable<Param> GradientFields
        {
            get
            {
                var read = Model.Measure.Names(Body);
                return Params.Where(p => p.Field && p.IsDifferentiable && read.Contains(p.Name));
            }
        }
    }

    /// <summary>
    /// A program: methods in call order (a method calls only earlier ones); the last is the entry. Every method is
    /// checked, the entry through its callees as well.
    /// </summary>
    /// <see cref="ExplicitTypeArguments"/>: calls of generic methods are written <c>H&lt;T&gt;(…)</c> even where C# infers T.
    public sealed record ProgramModel(ImmutableArray<Method> Methods, bool ExplicitTypeArguments = false)
    {
        public Method Entry => Methods[^1];

        /// <summary>Whether the entry is a layer object's instance method (its class is then not static).</summary>
        public bool IsLayer => Entry.Instance;

        public Method Find(string name) => Methods.First(m => m.Name == name);

        /// <summary>Whether some method uses the struct (a parameter, a local or a result): its twins then declare <c>V3</c>.</summary>
        public bool UsesStruct => Methods.Any(m => m.ReturnsStruct || m.Params.Any(p => p.Struct is not null) || Model.Measure.All(m.Body).Any(n => n is StructDecl));

        public bool UsesGenerics => Methods.Any(m => m.IsGeneric);
    }
}
