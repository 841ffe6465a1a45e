using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using SymGrad.RandomPrograms.Generate;
using SymGrad.RandomPrograms.Model;
using ValueType = SymGrad.RandomPrograms.Model.ValueType;

namespace SymGrad.RandomPrograms.Print
{
    /// <summary>The precision a program is printed in: the double twin or the float twin.</summary>
    public enum Precision
    {
        Double,
        Float,
    }

    /// <summary>
    /// Prints a program as C#: the double twin (Real = double, <c>Math</c>) or the float twin (Real = float, <c>MathF</c>,
    /// <c>f</c> literals) as the methods of one static partial class, and the array-based driver class that calls them.
    /// </summary>
    public static class CSharpPrinter
    {
        /// <summary>Class of the double twin, of the float twin, and of the drivers, in each program's namespace.</summary>
        public const string DoubleClass = "D", FloatClass = "S", DriverClass = "Driver";

        /// <summary>The program as a standalone source file (a class <paramref name="className"/>), as a user would write it.</summary>
        public static string Source(ProgramModel program, Precision precision = Precision.Double, string className = "P", string? ns = null)
        {
            var w = new Writer();
            w.Line("using System;");
            if (program.UsesGenerics) w.Line("using System.Numerics;");
            w.Line("using SymGrad;");
            w.Line();
            if (ns is not null)
            {
                w.Line($"namespace {ns};");
                w.Line();
            }

            Class(w, program, precision, className);
            if (UsesLibrary(program))
            {
                w.Line();
                foreach (string line in MathNames.LibrarySource.Split('\n')) w.Line(line);
            }

            return w.ToString();
        }

        /// <summary>One program's compilation unit: both twins in namespace <paramref name="ns"/>.</summary>
        public static string Unit(ProgramModel program, string ns)
        {
            var w = new Writer();
            w.Line("using System;");
            if (program.UsesGenerics) w.Line("using System.Numerics;");
            w.Line("using SymGrad;");
            w.Line();
            w.Line($"namespace {ns}");
            w.Open();
            Class(w, program, Precision.Double, DoubleClass);
            w.Line();
            Class(w, program, Precision.Float, FloatClass);
            w.Close();
            return w.ToString();
        }

        /// <summary>Whether the program calls the library of <see cref="MathNames.LibrarySource"/>.</summary>
        public static bool UsesLibrary(ProgramModel program) =>
            program.Methods.SelectMany(m => Measure.All(m.Body)).Any(n => n is MathCall c && MathNames.InLibrary(c.Function));

        public static void Class(Writer w, ProgramModel program, Precision p, string className)
        {
            // A layer object: the entry is an instance method, its fields are the class's (the helpers stay static).
            w.Line($"public {(program.IsLayer ? "" : "static ")}partial class {className}");
            w.Open();
            if (program.UsesStruct)
            {
                // The struct of reals, nested in each twin's class (V3 of doubles in D, of floats in S).
                w.Line($"public struct {StructType.Name}");
                w.Open();
                w.Line($"public {Real(p)} {string.Join(", ", StructType.Fields)};");
                w.Line();
                w.Line($"public {StructType.Name}({string.Join(", ", StructType.Fields.Select(f => $"{Real(p)} {f.ToLowerInvariant()}"))})");
                w.Open();
                foreach (var f in StructType.Fields) w.Line($"{f} = {f.ToLowerInvariant()};");
                w.Close();
                w.Close();
                w.Line();
            }

            if (program.IsLayer)
            {
                foreach (var f in program.Entry.Fields.Where(f => f.Held is null)) w.Line(FieldDecl(f, p));
                if (program.Methods.Any(m => m.Held)) w.Line($"public {HeldLayers.Class} {HeldLayers.Holder} = new();");
                w.Line();
            }

            s_program = program;
            try
            {
                var methods = program.Methods.Where(m => !m.Held).ToList();
                for (int i = 0; i < methods.Count; i++)
                {
                    if (i > 0) w.Line();
                    Method(w, methods[i], p);
                    if (methods[i].TupleResult) PairTwin(w, methods[i], p);
                }

                // The held layer (HeldLayers): a class of its own, nested, its fields those its method reads.
                foreach (var held in program.Methods.Where(m => m.Held))
                {
                    w.Line();
                    w.Line($"public partial class {HeldLayers.Class}");
                    w.Open();
                    foreach (var f in held.Fields) w.Line(FieldDecl(f, p));
                    w.Line();
                    Method(w, held, p);
                    if (held.TupleResult) PairTwin(w, held, p);
                    w.Close();
                }
            }
            finally
            {
                s_program = null;
            }

            w.Close();
        }

        /// <summary>
        /// A callee as a call names it (<paramref name="name"/>: its tuple twin's, <c>H1Pair</c>): <c>Sub.H</c> for the held
        /// layer's method (HeldLayers).
        /// </summary>
        private static string CalleeName(string callee, string? name = null) =>
            (s_program?.Methods.FirstOrDefault(x => x.Name == callee) is { Held: true } ? HeldLayers.Holder + "." : "") + (name ?? callee);

        public static string Type(ValueType t, Precision p) => t switch
        {
            ValueType.Real when s_generic => "T",
            ValueType.Real => p == Precision.Double ? "double" : "float",
            ValueType.Struct => StructType.Name,
            ValueType.Wide => "double",
            ValueType.Int => "int",
            _ => "bool",
        };

        private static string Real(Precision p) => Type(ValueType.Real, p);

        private static string Other(Precision p) => p == Precision.Double ? "float" : "double";

        /// <summary>A parameter as printed: a struct member stands for its struct parameter; a default value follows its name.</summary>
        public static string ParamDecl(Param q, Precision p)
        {
            if (q.Struct is not null)
            {
                string type = !q.InStructSpan ? StructType.Name : q.AsArray ? StructType.Name + "[]" : $"ReadOnlySpan<{StructType.Name}>";
                return $"{(q.NoDerivative ? "[NoDerivative] " : "")}{type} {q.Struct}";
            }

            string decl = PlainParamDecl(q, p);
            return q.Default is not { } v ? decl : decl + " = " + q.Kind switch
            {
                ParamKind.Bool => v != 0 ? "true" : "false",
                ParamKind.Size => ((int)v).ToString(CultureInfo.InvariantCulture),
                _ => Literal(v, p),
            };
        }

        private static string PlainParamDecl(Param q, Precision p) => q.Kind switch
        {
            ParamKind.RealScalar => $"{(q.NoDerivative ? "[NoDerivative] " : "")}{(q.Other ? Other(p) : q.Wide ? "double" : Real(p))} {q.Name}",
            ParamKind.RealSpanIn when q.AsArray => $"{(q.NoDerivative ? "[NoDerivative] " : "")}{Real(p)}[] {q.Name}",
            ParamKind.RealSpanIn => $"{(q.NoDerivative ? "[NoDerivative] " : "")}ReadOnlySpan<{(q.Other ? Other(p) : Real(p))}> {q.Name}",
            ParamKind.RealSpanOut when q.AsArray => $"{Real(p)}[] {q.Name}",
            ParamKind.RealSpanOut => $"Span<{Real(p)}> {q.Name}",
            ParamKind.RealOut => $"out {Real(p)} {q.Name}",
            ParamKind.IntSpan when q.AsArray => $"int[] {q.Name}",
            ParamKind.Size => $"int {q.Name}",
            ParamKind.IntSpan => $"ReadOnlySpan<int> {q.Name}",
            ParamKind.Bool => $"bool {q.Name}",
            ParamKind.OtherScalar => $"[NoDerivative] {Other(p)} {q.Name}",
            _ => throw new ArgumentOutOfRangeException(nameof(q)),
        };

        /// <summary>A layer object's field: arrays start empty (the driver sets every field before a call).</summary>
        public static string FieldDecl(Param q, Precision p)
        {
            string nd = q.NoDerivative ? "[NoDerivative] " : "";
            return q.Kind switch
            {
                ParamKind.RealScalar => $"{nd}public {(q.Other ? Other(p) : Real(p))} {q.Name};",
                ParamKind.RealSpanIn => $"{nd}public {(q.Other ? Other(p) : Real(p))}[] {q.Name} = Array.Empty<{(q.Other ? Other(p) : Real(p))}>();",
                ParamKind.Size => $"public int {q.Name};",
                ParamKind.IntSpan => $"public int[] {q.Name} = Array.Empty<int>();",
                ParamKind.Bool => $"public bool {q.Name};",
                ParamKind.OtherScalar => $"[NoDerivative] public {Other(p)} {q.Name};",
                _ => throw new ArgumentOutOfRangeException(nameof(q), q.Kind + " cannot be a field"),
            };
        }

        // While a method prints: the layer's fields read as this.name, and the arrays (fields included: a part of one is x.AsSpan(a, n)).
        [ThreadStatic]
        private static HashSet<string>? s_this;

        [ThreadStatic]
        private static HashSet<string>? s_arrays;

        // While a method prints: its struct members (a → pt.X), whether it is generic (Real is T), its int-valued names
        // (sizes, counters: an int operand of a real operation is converted with T.CreateChecked), the method and program.
        [ThreadStatic]
        private static Dictionary<string, string>? s_members;

        // The fields of a span of structs: x → (pts, X), read as pts[i].X.
        [ThreadStatic]
        private static Dictionary<string, (string Struct, string Member)>? s_spanMembers;

        [ThreadStatic]
        private static bool s_generic;

        [ThreadStatic]
        private static HashSet<string>? s_ints;

        [ThreadStatic]
        private static Method? s_method;

        /// <summary>The tuple locals a method's calls through tuple twins declared so far (<c>pair1</c>, <c>pair2</c>…).</summary>
        [ThreadStatic]
        private static int s_pairs;

        [ThreadStatic]
        private static ProgramModel? s_program;

        /// <summary>A name as the body reads it: <c>this.a</c> for a field marked <see cref="Param.This"/>, <c>pt.X</c> for a struct member.</summary>
        private static string Ref(string name) => s_members is { } ms && ms.TryGetValue(name, out var member) ? member
            : s_this is { } t && t.Contains(name) ? "this." + name : name;

        /// <summary>The where clause of a generic method.</summary>
        public static string Constraint(GenericForm g) => g switch
        {
            GenericForm.StructIeee754 => " where T : struct, IFloatingPointIeee754<T>",
            GenericForm.Ieee754 => " where T : IFloatingPointIeee754<T>",
            GenericForm.UnmanagedIeee754 => " where T : unmanaged, IFloatingPointIeee754<T>",
            _ => "",
        };

        public static void Method(Writer w, Method m, Precision p)
        {
            w.Line(m.Checkpoint is { } mark
                ? "[Differentiable(CheckpointLoops = true" + (mark.Snapshots > 0 ? $", Snapshots = {mark.Snapshots}" : "") + (mark.Above > 0 ? $", CheckpointAbove = {mark.Above}" : "") + ")]"
                : "[Differentiable]");
            s_generic = m.IsGeneric;
            string result = m.ReturnsStruct ? StructType.Name : m.ReturnsReal ? Real(p) : "void";
            string header = $"public {(m.Instance ? "" : "static ")}{result} {m.Name}{(m.IsGeneric ? "<T>" : "")}({string.Join(", ", m.Printed.Select(q => ParamDecl(q, p)))}){Constraint(m.Generic)}";
            s_this = m.Params.Where(q => q.Field && q.This).Select(q => q.Name).ToHashSet();
            s_arrays = m.Params.Where(q => q.AsArray && q.IsSpan).Select(q => q.Name).Concat(Measure.Buffers(m).Where(b => b.Array).Select(b => b.Name)).ToHashSet();
            s_members = m.Params.Where(q => q.Struct is not null && !q.InStructSpan).ToDictionary(q => q.Name, q => q.Struct + "." + q.Member);
            s_spanMembers = m.Params.Where(q => q.InStructSpan).ToDictionary(q => q.Name, q => (q.Struct!, q.Member!));
            s_ints = m.Params.Where(q => q.Kind == ParamKind.Size).Select(q => q.Name)
                .Concat(Measure.All(m.Body).OfType<For>().Select(f => f.Counter)).Concat(Measure.All(m.Body).OfType<While>().Select(l => l.Counter)).ToHashSet();
            s_method = m;
            s_pairs = 0;
            try
            {
                if (m.ExpressionBodied && m.Body is [Return { Value: { } e }])
                {
                    w.Line($"{header} => {Expression(e, p)};");
                    return;
                }

                if (m.ExpressionBodied && m.Body is [CallStmt c])
                {
                    w.Line($"{header} => {(c.IsNn ? "Nn." + c.Callee : CalleeName(c.Callee))}{c.Suffix}{TypeArguments(c.Callee, c.Args, c.IsNn || c.IsNested, p)}({CallArgs(c.Callee, c.Args, c.Named, p)});");
                    return;
                }

                w.Line(header);
                Block(w, m.Body, p);
            }
            finally
            {
                s_this = null;
                s_arrays = null;
                s_members = null;
                s_spanMembers = null;
                s_generic = false;
                s_ints = null;
                s_method = null;
            }
        }

        /// <summary>The name of a <see cref="Method.TupleResult"/> method's tuple twin, which its callers call.</summary>
        public static string Pair(string method) => method + "Pair";

        /// <summary>
        /// A method with an out result <c>o</c> returned as a tuple, <c>(T Value, T O) H1Pair(…)</c>: its body one call of H1
        /// reading both results, its callers deconstructing it (a result call in each direction).
        /// </summary>
        private static void PairTwin(Writer w, Method m, Precision p)
        {
            w.Line();
            w.Line("[Differentiable]");
            var ps = m.Printed.Where(q => q.Kind != ParamKind.RealOut).ToList();
            w.Line($"public {(m.Instance ? "" : "static ")}({Real(p)} Value, {Real(p)} O) {Pair(m.Name)}({string.Join(", ", ps.Select(q => ParamDecl(q, p)))})");
            w.Open();
            w.Line($"{Real(p)} value = {m.Name}({string.Join(", ", m.Printed.Select(q => q.Kind == ParamKind.RealOut ? $"out {Real(p)} {q.Name}" : q.Name))});");
            w.Line($"return (value, {m.Params.First(q => q.Kind == ParamKind.RealOut).Name});");
            w.Close();
        }

        /// <summary>
        /// A call of a method with an out result as a whole statement: <c>var (v, o2) = H1Pair(…);</c> where the callee has a
        /// tuple twin and the out result is not discarded (<paramref name="target"/> the value's: null for <c>_</c>,
        /// <paramref name="declared"/> a new local), else null (printed as C# writes the call itself).
        /// </summary>
        private static string? Deconstruction(string? target, bool declared, Expr value, Precision p)
        {
            if (value is not CallExpr { IsNn: false, IsNested: false } c || c.Args.OfType<OutArg>().FirstOrDefault() is not { Local: { } o } outArg
                || s_program?.Methods.FirstOrDefault(x => x.Name == c.Callee) is not { TupleResult: true })
            {
                return null;
            }

            var args = c.Args.Where(a => a is not OutArg).ToImmutableArray();
            string call = $"{CalleeName(c.Callee, Pair(c.Callee))}({Args(args, p)})";
            if (outArg.Tuple)
            {
                // The tuple held whole, each element read from it (one line: a declaration's value or an assignment's is one
                // statement), in one of five forms that all leave the value and the out result what the call gave.
                string pair = "pair" + ++s_pairs, two = Expression(new RealLit(2), p), half = Expression(new RealLit(0.5), p);
                (string prelude, string valueElement, string resultElement) = outArg.TupleForm switch
                {
                    1 => ($" var {pair}c = {pair};", $"{pair}c.Value", $"{pair}c.Item2"), // another tuple local, an element by its position
                    2 => ($" var ({pair}v, {pair}o) = {pair};", $"{pair}v", $"{pair}o"), // deconstructed
                    3 => ($" {pair} = ({pair}.O, {pair}.Value);", $"{pair}.O", $"{pair}.Value"), // swapped: both elements read before either is written
                    4 => ($" {pair}.Value *= {two};", $"{half} * {pair}.Value", $"{pair}.O"), // an element written in place (exactly: by 2, back by 0.5)
                    _ => ("", $"{pair}.Value", $"{pair}.O"),
                };
                string valueRead = target is null ? "" : $" {(declared ? Real(p) + " " : "")}{target} = {valueElement};";
                return $"var {pair} = {call};{prelude}{valueRead} {(outArg.Declare ? Real(p) + " " : "")}{o} = {resultElement};";
            }

            if (declared && outArg.Declare) return $"var ({target ?? "_"}, {o}) = {call};";
            string first = target is null ? "_" : declared ? $"{Real(p)} {target}" : target;
            string second = outArg.Declare ? $"{Real(p)} {o}" : o;
            return $"({first}, {second}) = {call};";
        }

        private static void Block(Writer w, IEnumerable<Stmt> body, Precision p)
        {
            w.Open();
            foreach (var s in body) Statement(w, s, p);
            w.Close();
        }

        public static void Statement(Writer w, Stmt s, Precision p)
        {
            switch (s)
            {
                case Decl { Vars: [var only] } d when Deconstruction(only.Name, true, only.Init, p) is { } deconstruction:
                    w.Line(deconstruction);
                    break;
                case Decl d:
                    w.Line($"{Type(d.Type, p)} {string.Join(", ", d.Vars.Select(v => $"{v.Name} = {Expression(v.Init, p, d.Type)}"))};");
                    break;
                case Assign { Op: "=" } a when Deconstruction(a.Target, false, a.Value, p) is { } deconstruction:
                    w.Line(deconstruction);
                    break;
                case Assign a:
                    w.Line($"{a.Target} {a.Op} {Expression(a.Value, p)};");
                    break;
                case StructDecl d:
                    w.Line($"{StructType.Name} {d.Name} = {Expression(d.Init, p)};");
                    break;
                case StructAssign a:
                    w.Line($"{a.Target} = {Expression(a.Value, p)};");
                    break;
                case IncDec i:
                    w.Line($"{i.Target}{i.Op};");
                    break;
                case Store st:
                    w.Line($"{st.Span}[{Expression(st.Index, p)}] = {Expression(st.Value, p)};");
                    break;
                case BufferDecl b:
                    if (b.Sized)
                    {
                        w.Line($"int {b.SizeName} = {b.LengthText};");
                    }

                    string length = b.Sized ? b.SizeName : b.LengthText;
                    w.Line(b.Form switch
                    {
                        0 => $"Span<{Real(p)}> {b.Name} = stackalloc {Real(p)}[{length}];",
                        1 => $"Span<{Real(p)}> {b.Name} = new {Real(p)}[{length}];",
                        2 => $"{Real(p)}[] {b.Name} = new {Real(p)}[{length}];",
                        _ => $"var {b.Name} = new {Real(p)}[{length}];",
                    });
                    break;
                case If i:
                    w.Line($"if ({Expression(i.Test, p)})");
                    Block(w, i.Then, p);
                    if (i.Else is { } e)
                    {
                        w.Line("else");
                        Block(w, e, p);
                    }

                    break;
                case LocalFunction f:
                    w.Line($"{(f.Static ? "static " : "")}{Real(p)} {f.Name}({string.Join(", ", f.Params.Select(x => Real(p) + " " + x))}) => {Expression(f.Body, p)};");
                    break;
                case Switch sw:
                    w.Line($"switch ({Expression(sw.Subject, p)})");
                    w.Open();
                    foreach (var section in sw.Sections) Section($"case {Pattern(section.Cases, p, ValueType.Real)}:", section.Body);
                    if (sw.Default is { } otherwise) Section("default:", otherwise);
                    w.Close();
                    break;

                    void Section(string label, ImmutableArray<Stmt> body)
                    {
                        w.Line(label);
                        w.Open();
                        foreach (var x in body) Statement(w, x, p);
                        if (!AlwaysJumps(body)) w.Line("break;"); // after a jump it would be unreachable (CS0162)
                        w.Close();
                    }

                case While l:
                    w.Line($"int {l.Counter} = 0;");
                    if (!l.Do) w.Line($"while ({Expression(l.Condition, p)})");
                    else w.Line("do");
                    Block(w, l.Body.Insert(0, new IncDec(l.Counter, "++")), p);
                    if (l.Do) w.Line($"while ({Expression(l.Condition, p)});");
                    break;
                case ForEach f:
                    w.Line($"foreach ({Real(p)} {f.Item} in {Ref(f.Span)}{(f.From == 0 ? "" : $"[{f.From}..]")})");
                    Block(w, f.Body, p);
                    break;
                case For f:
                {
                    string step = f.Step switch
                    {
                        1 => $"{f.Counter}++",
                        -1 => $"{f.Counter}--",
                        > 0 => $"{f.Counter} += {f.Step}",
                        _ => $"{f.Counter} -= {-f.Step}",
                    };
                    w.Line($"for (int {f.Counter} = {Expression(f.Start, p)}; {f.Counter} {f.Cmp} {Expression(f.Bound, p)}; {step})");
                    Block(w, f.Body, p);
                    break;
                }

                case Break:
                    w.Line("break;");
                    break;
                case Continue:
                    w.Line("continue;");
                    break;
                case Return r:
                    w.Line(r.Value is null ? "return;" : $"return {Expression(r.Value, p)};");
                    break;
                case CallStmt c when Deconstruction(null, c.Args.OfType<OutArg>().Any(o => o.Declare), new CallExpr(c.Callee, c.Args, c.IsNn, c.Suffix), p) is { } deconstruction:
                    w.Line(deconstruction);
                    break;
                case CallStmt c:
                    w.Line($"{(c.IsNn ? "Nn." + c.Callee : CalleeName(c.Callee))}{c.Suffix}{TypeArguments(c.Callee, c.Args, c.IsNn || c.IsNested, p)}({CallArgs(c.Callee, c.Args, c.Named, p)});");
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(s), s.GetType().Name);
            }
        }

        /// <summary>Whether every path through a block ends in a jump (a section needs no break then).</summary>
        private static bool AlwaysJumps(ImmutableArray<Stmt> body) => body.Length > 0 && body[^1] switch
        {
            Return or Break or Continue => true,
            If { Else: { } e } i => AlwaysJumps(i.Then) && AlwaysJumps(e),
            Switch { Default: { } d } sw => sw.Sections.All(s => AlwaysJumps(s.Body)) && AlwaysJumps(d),
            _ => false,
        };

        /// <summary>
        /// A call's arguments: in order, or, for a call drawn <c>Named</c>, each as <c>name: value</c> — reversed, unless an
        /// argument calls a method writing outputs (C# evaluates arguments as written, and another argument may read what it
        /// writes), so that SymGrad has to place them by the callee's parameters; an argument left out anywhere is not written.
        /// </summary>
        private static string CallArgs(string callee, ImmutableArray<Arg> args, bool named, Precision p)
        {
            if (!named || s_program?.Methods.FirstOrDefault(x => x.Name == callee) is not { } target || target.Params.Length != args.Length) return Args(args, p);
            var written = Enumerable.Range(0, args.Length).Where(i => args[i] is not (StructFieldArg { First: false } or FieldArg or OmittedArg)).ToList();
            bool writes = written.Any(i => Measure.All(args[i]).Any(n => n is OutArg || n is SpanArg a && s_method?.Params.Any(q => q.Name == a.Span && q.Kind == ParamKind.RealSpanOut) != false));
            if (!writes) written.Reverse();
            return string.Join(", ", written.Select(i => target.Params[i].Name + ": " + Args(new[] { args[i] }, p)));
        }

        private static string Args(IEnumerable<Arg> args, Precision p) => string.Join(", ", args.Where(a => a is not (StructFieldArg { First: false } or FieldArg or OmittedArg)).Select(a => a switch
        {
            ValueArg v => Expression(v.Value, p),
            StructFieldArg f => Expression(f.Value, p), // the struct, once
            RefArg r => "ref " + r.Local,
            DefaultArg => "default",
            OutArg { Local: null } => "out _",
            OutArg { Declare: true } o => $"out {Real(p)} {o.Local}",
            OutArg o => "out " + Ref(o.Local!),
            SpanArg { Start: null } s => Ref(s.Span),
            SpanArg { AsRange: true } s => $"{Ref(s.Span)}[{Range(s, p)}]",
            SpanArg s when s_arrays?.Contains(s.Span) == true => $"{Ref(s.Span)}.AsSpan({Expression(s.Start!, p)}, {Expression(s.Length!, p)})",
            SpanArg s => $"{s.Span}.Slice({Expression(s.Start!, p)}, {Expression(s.Length!, p)})",
            _ => throw new ArgumentOutOfRangeException(nameof(args)),
        }));

        /// <summary><c>a..(a + n)</c>, or <c>..n</c> from the start.</summary>
        private static string Range(SpanArg s, Precision p) => s.Start is IntLit { Value: 0 }
            ? ".." + Operand(s.Length!, p, ValueType.Real)
            : $"{Operand(s.Start!, p, ValueType.Real)}..{Operand(new Binary("+", s.Start!, s.Length!), p, ValueType.Real)}";

        /// <summary>An expression; <paramref name="context"/> is the type its literals take (Real unless inside a Wide expression).</summary>
        public static string Expression(Expr e, Precision p, ValueType context = ValueType.Real) => e switch
        {
            RealLit l when s_generic && context != ValueType.Wide => GenericLiteral(l.Value),
            RealLit l => Literal(l.Value, context == ValueType.Wide ? Precision.Double : p),
            IntLit i => i.Value.ToString(CultureInfo.InvariantCulture),
            Var v => Ref(v.Name),
            ElemRead r when s_spanMembers?.TryGetValue(r.Span, out var field) == true => $"{field.Struct}[{Expression(r.Index, p)}].{field.Member}",
            SpanLength l when s_spanMembers?.TryGetValue(l.Span, out var field) == true => $"{field.Struct}.Length",
            ElemRead r => $"{Ref(r.Span)}[{Expression(r.Index, p)}]",
            SpanLength l => $"{Ref(l.Span)}.Length",
            Unary u => u.Op + Operand(u.Operand, p, context, unary: true),
            // In a generic method an int operand of a real operation is converted (T * int does not compile).
            Binary b when s_generic && b.Op is not ("&&" or "||") && IsInt(b.Left) != IsInt(b.Right)
                => $"{GenericOperand(b.Left, p, context)} {b.Op} {GenericOperand(b.Right, p, context)}",
            Binary b => $"{Operand(b.Left, p, context)} {b.Op} {Operand(b.Right, p, context)}",
            Conditional c => $"{Operand(c.Test, p, context)} ? {Operand(c.WhenTrue, p, context)} : {Operand(c.WhenFalse, p, context)}",
            SwitchExpr x => $"{Operand(x.Subject, p, context)} switch {{ {string.Join(", ", x.Arms.Select(a => $"{Pattern(a.Cases, p, context)} => {Expression(a.Value, p, context)}"))}, _ => {Expression(x.Otherwise, p, context)} }}",
            FromEnd f => "^" + Operand(f.Offset, p, context),
            LocalCall l => $"{l.Name}({string.Join(", ", l.Args.Select(a => Expression(a, p)))})",
            MathCall m => $"{Owner(m, p)}.{m.Function}({string.Join(", ", m.Args.Select(a => Expression(a, p, m.Wide ? ValueType.Wide : ValueType.Real)))})",
            Cast { To: ValueType.Real } c when s_generic => GenericConversion(Expression(c.Operand, p, ValueType.Wide)),
            Cast c => $"({Type(c.To, p)}){Operand(c.Operand, p, c.To == ValueType.Wide ? ValueType.Real : ValueType.Wide, unary: true)}",
            // A method with a tuple twin, its out result discarded: the twin's value, H1Pair(…).Value.
            CallExpr { IsNn: false, IsNested: false } c when c.Args.Any(a => a is OutArg { Local: null }) && s_program?.Methods.FirstOrDefault(x => x.Name == c.Callee) is { TupleResult: true }
                => $"{CalleeName(c.Callee, Pair(c.Callee))}({Args(c.Args.Where(a => a is not OutArg).ToImmutableArray(), p)}).Value",
            CallExpr c => $"{(c.IsNn ? "Nn." + c.Callee : CalleeName(c.Callee))}{c.Suffix}{TypeArguments(c.Callee, c.Args, c.IsNn || c.IsNested, p)}({CallArgs(c.Callee, c.Args, c.Named, p)})",
            StructNew { Ctor: true } n => $"new {StructType.Name}({string.Join(", ", n.Fields.Select(f => Expression(f!, p)))})",
            StructNew n when n.Fields.All(f => f is null) => $"new {StructType.Name}()",
            StructNew n => $"new {StructType.Name} {{ {string.Join(", ", n.Fields.Select((f, k) => (f, k)).Where(x => x.f is not null).Select(x => $"{StructType.Fields[x.k]} = {Expression(x.f!, p)}"))} }}",
            StructDefault => "default",
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name),
        };

        /// <summary>A real literal in a generic method: <c>T.Zero</c>, <c>T.One</c>, <c>T.NegativeOne</c> or <c>T.CreateChecked(0.5)</c>.</summary>
        private static string GenericLiteral(double v) => v switch
        {
            0 => "T.Zero",
            1 => "T.One",
            -1 => "T.NegativeOne",
            Math.PI => "T.Pi",
            Math.E => "T.E",
            Math.Tau => "T.Tau",
            _ when v == Math.Round(v) && Math.Abs(v) < 100 => $"T.CreateChecked({(int)v})", // an int literal converted
            _ => $"T.CreateChecked({Literal(v, Precision.Double)})",
        };

        /// <summary>
        /// An int converted to T: <c>T.CreateChecked(i)</c>, or <c>CreateSaturating</c>/<c>CreateTruncating</c> (README: each a
        /// conversion), which one by the operand's text so that a program always prints the same.
        /// </summary>
        private static string GenericConversion(string operand) => (operand.Length % 4) switch
        {
            1 => $"T.CreateSaturating({operand})",
            2 => $"T.CreateTruncating({operand})",
            _ => $"T.CreateChecked({operand})",
        };

        /// <summary>An operand of a mixed int/real operation in a generic method: the int side as <c>T.CreateChecked(i)</c>.</summary>
        private static string GenericOperand(Expr e, Precision p, ValueType context)
            => IsInt(e) ? GenericConversion(Expression(e, p, ValueType.Wide)) : Operand(e, p, context);

        /// <summary>Whether an expression is int-valued (sizes, counters, int elements, lengths, literals and their arithmetic).</summary>
        private static bool IsInt(Expr e) => e switch
        {
            IntLit or SpanLength => true,
            Var v => s_ints?.Contains(v.Name) == true,
            ElemRead r => s_method?.Params.Any(q => q.Name == r.Span && q.Kind == ParamKind.IntSpan) == true,
            Binary { Op: "+" or "-" or "*" or "%" or "/" } b => IsInt(b.Left) && IsInt(b.Right),
            Unary { Op: "-" } u => IsInt(u.Operand),
            MathCall { Function: "Sign" } => true,
            _ => false,
        };

        /// <summary>
        /// <c>&lt;T&gt;</c> (or <c>&lt;double&gt;</c>) after the name of a generic callee (not after its generated methods', which
        /// are overloads for double and float, called nested): always when the program says so, else
        /// only where C# could not infer T — no argument of the callee's real parameters has exactly their type (a
        /// <c>double[]</c> or a slice passed for a <c>ReadOnlySpan&lt;T&gt;</c> infers nothing).
        /// </summary>
        private static string TypeArguments(string callee, ImmutableArray<Arg> args, bool nn, Precision p)
        {
            if (nn || s_program?.Methods.FirstOrDefault(x => x.Name == callee) is not { IsGeneric: true } target) return "";
            bool Exact(Param q, Arg a) => q.Kind switch
            {
                ParamKind.RealScalar => a is ValueArg,
                ParamKind.RealSpanIn or ParamKind.RealSpanOut => a is SpanArg { Start: null } s
                    && s_method?.Params.FirstOrDefault(x => x.Name == s.Span) is { } from && from.Kind == q.Kind && from.AsArray == q.AsArray,
                _ => false,
            };
            bool inferred = Enumerable.Range(0, Math.Min(args.Length, target.Params.Length)).Any(i => Exact(target.Params[i], args[i]));
            return s_program.ExplicitTypeArguments || !inferred ? $"<{Real(p)}>" : "";
        }

        /// <summary><c>1 or &lt; 0</c>: constants as themselves, relations with their operator.</summary>
        private static string Pattern(IEnumerable<Case> cases, Precision p, ValueType context) =>
            string.Join(" or ", cases.Select(c => (c.Op == "==" ? "" : c.Op + " ") + Expression(c.Value, p, context)));

        /// <summary>Math or MathF; double or float for the functions only they have (double.Exp2).</summary>
        private static string Owner(MathCall m, Precision p)
        {
            bool wide = m.Wide || p == Precision.Double;
            if (s_generic && !m.Wide) return "T";
            if (Model.MathNames.InLibrary(m.Function)) return "Smooth";
            if (Model.MathNames.NumericOnly.Contains(m.Function)) return wide ? "double" : "float";
            return wide || m.Function == "Clamp" ? "Math" : "MathF";
        }

        private static string Operand(Expr e, Precision p, ValueType context, bool unary = false)
        {
            string s = Expression(e, p, context);
            bool atom = e switch
            {
                Var or ElemRead or SpanLength or MathCall or CallExpr or LocalCall or IntLit { Value: >= 0 } or StructNew or StructDefault => true,
                RealLit when s_generic && context != ValueType.Wide => true,
                Cast { To: ValueType.Real } when s_generic => true,
                RealLit l => l.Value >= 0 || double.IsNaN(l.Value),
                _ => false,
            };
            return atom ? s : "(" + s + ")";
        }

        public static string Literal(double v, Precision p)
        {
            // π, e and τ as the constants people write.
            string owner = p == Precision.Float ? "MathF" : "Math";
            if (v == Math.PI) return owner + ".PI";
            if (v == Math.E) return owner + ".E";
            if (v == Math.Tau) return owner + ".Tau";

            string s = v.ToString("R", CultureInfo.InvariantCulture);
            if (!s.Contains('.') && !s.Contains('E')) s += ".0";
            return p == Precision.Float ? s + "f" : s;
        }
    }

    /// <summary>An indented text writer (four spaces, braces on their own lines).</summary>
    public sealed class Writer
    {
        private readonly StringBuilder _sb = new();
        private int _indent;
        private bool _continued;

        public void Line(string text = "")
        {
            if (text.Length > 0 && !_continued) _sb.Append(' ', 4 * _indent);
            _sb.Append(text).Append('\n');
            _continued = false;
        }

        /// <summary>Text the next line continues (<c>else </c> before an <c>if</c>).</summary>
        public void Write(string text)
        {
            if (!_continued) _sb.Append(' ', 4 * _indent);
            _sb.Append(text);
            _continued = true;
        }

        public void Open()
        {
            Line("{");
            _indent++;
        }

        public void Close(string suffix = "")
        {
            _indent--;
            Line("}" + suffix);
        }

        public override string ToString() => _sb.ToString();
    }
}
