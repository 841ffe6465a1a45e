using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
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
            program.Methods.SelectMany(m => Measure.All(m.Body)).Any(n => n is MathCall c && MathNames.Library.Contains(c.Function));

        public static void Class(Writer w, ProgramModel program, Precision p, string className)
        {
            // A layer object: the entry is an instance method, its fields are the class's (the helpers stay static).
            w.Line($"public {(program.IsLayer ? "" : "static ")}partial class {className}");
            w.Open();
            if (program.IsLayer)
            {
                foreach (var f in program.Entry.Fields) w.Line(FieldDecl(f, p));
                w.Line();
            }

            for (int i = 0; i < program.Methods.Length; i++)
            {
                if (i > 0) w.Line();
                Method(w, program.Methods[i], p);
            }

            w.Close();
        }

        public static string Type(ValueType t, Precision p) => t switch
        {
            ValueType.Real => p == Precision.Double ? "double" : "float",
            ValueType.Wide => "double",
            ValueType.Int => "int",
            _ => "bool",
        };

        private static string Real(Precision p) => Type(ValueType.Real, p);

        private static string Other(Precision p) => p == Precision.Double ? "float" : "double";

        public static string ParamDecl(Param q, Precision p) => q.Kind switch
        {
            ParamKind.RealScalar => $"{(q.NoDerivative ? "[NoDerivative] " : "")}{Real(p)} {q.Name}",
            ParamKind.RealSpanIn when q.AsArray => $"{(q.NoDerivative ? "[NoDerivative] " : "")}{Real(p)}[] {q.Name}",
            ParamKind.RealSpanIn => $"{(q.NoDerivative ? "[NoDerivative] " : "")}ReadOnlySpan<{Real(p)}> {q.Name}",
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
                ParamKind.RealScalar => $"{nd}public {Real(p)} {q.Name};",
                ParamKind.RealSpanIn => $"{nd}public {Real(p)}[] {q.Name} = Array.Empty<{Real(p)}>();",
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

        /// <summary>A name as the body reads it: <c>this.a</c> for a field marked <see cref="Param.This"/>.</summary>
        private static string Ref(string name) => s_this is { } t && t.Contains(name) ? "this." + name : name;

        public static void Method(Writer w, Method m, Precision p)
        {
            w.Line("[Differentiable]");
            string header = $"public {(m.Instance ? "" : "static ")}{(m.ReturnsReal ? Real(p) : "void")} {m.Name}({string.Join(", ", m.Signature.Select(q => ParamDecl(q, p)))})";
            s_this = m.Params.Where(q => q.Field && q.This).Select(q => q.Name).ToHashSet();
            s_arrays = m.Params.Where(q => q.AsArray && q.IsSpan).Select(q => q.Name).ToHashSet();
            try
            {
                if (m.ExpressionBodied && m.Body is [Return { Value: { } e }])
                {
                    w.Line($"{header} => {Expression(e, p)};");
                    return;
                }

                w.Line(header);
                Block(w, m.Body, p);
            }
            finally
            {
                s_this = null;
                s_arrays = null;
            }
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
                case Decl d:
                    w.Line($"{Type(d.Type, p)} {string.Join(", ", d.Vars.Select(v => $"{v.Name} = {Expression(v.Init, p, d.Type)}"))};");
                    break;
                case Assign a:
                    w.Line($"{a.Target} {a.Op} {Expression(a.Value, p)};");
                    break;
                case IncDec i:
                    w.Line($"{i.Target}{i.Op};");
                    break;
                case Store st:
                    w.Line($"{st.Span}[{Expression(st.Index, p)}] = {Expression(st.Value, p)};");
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
                case CallStmt c:
                    w.Line($"{(c.IsNn ? "Nn." : "")}{c.Callee}({Args(c.Args, p)});");
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

        private static string Args(IEnumerable<Arg> args, Precision p) => string.Join(", ", args.Select(a => a switch
        {
            ValueArg v => Expression(v.Value, p),
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
            RealLit l => Literal(l.Value, context == ValueType.Wide ? Precision.Double : p),
            IntLit i => i.Value.ToString(CultureInfo.InvariantCulture),
            Var v => Ref(v.Name),
            ElemRead r => $"{Ref(r.Span)}[{Expression(r.Index, p)}]",
            SpanLength l => $"{Ref(l.Span)}.Length",
            Unary u => u.Op + Operand(u.Operand, p, context, unary: true),
            Binary b => $"{Operand(b.Left, p, context)} {b.Op} {Operand(b.Right, p, context)}",
            Conditional c => $"{Operand(c.Test, p, context)} ? {Operand(c.WhenTrue, p, context)} : {Operand(c.WhenFalse, p, context)}",
            SwitchExpr x => $"{Operand(x.Subject, p, context)} switch {{ {string.Join(", ", x.Arms.Select(a => $"{Pattern(a.Cases, p, context)} => {Expression(a.Value, p, context)}"))}, _ => {Expression(x.Otherwise, p, context)} }}",
            FromEnd f => "^" + Operand(f.Offset, p, context),
            LocalCall l => $"{l.Name}({string.Join(", ", l.Args.Select(a => Expression(a, p)))})",
            MathCall m => $"{Owner(m, p)}.{m.Function}({string.Join(", ", m.Args.Select(a => Expression(a, p, m.Wide ? ValueType.Wide : ValueType.Real)))})",
            Cast c => $"({Type(c.To, p)}){Operand(c.Operand, p, c.To == ValueType.Wide ? ValueType.Real : ValueType.Wide, unary: true)}",
            CallExpr c => $"{(c.IsNn ? "Nn." : "")}{c.Callee}({Args(c.Args, p)})",
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name),
        };

        /// <summary><c>1 or &lt; 0</c>: constants as themselves, relations with their operator.</summary>
        private static string Pattern(IEnumerable<Case> cases, Precision p, ValueType context) =>
            string.Join(" or ", cases.Select(c => (c.Op == "==" ? "" : c.Op + " ") + Expression(c.Value, p, context)));

        /// <summary>Math or MathF; double or float for the functions only they have (double.Exp2).</summary>
        private static string Owner(MathCall m, Precision p)
        {
            bool wide = m.Wide || p == Precision.Double;
            if (Model.MathNames.Library.Contains(m.Function)) return "Smooth";
            if (Model.MathNames.NumericOnly.Contains(m.Function)) return wide ? "double" : "float";
            return wide || m.Function == "Clamp" ? "Math" : "MathF";
        }

        private static string Operand(Expr e, Precision p, ValueType context, bool unary = false)
        {
            string s = Expression(e, p, context);
            bool atom = e switch
            {
                Var or ElemRead or SpanLength or MathCall or CallExpr or LocalCall or IntLit { Value: >= 0 } => true,
                RealLit l => l.Value >= 0 || double.IsNaN(l.Value),
                _ => false,
            };
            return atom ? s : "(" + s + ")";
        }

        public static string Literal(double v, Precision p)
        {
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

        public void Line(string text = "")
        {
            if (text.Length > 0) _sb.Append(' ', 4 * _indent).Append(text);
            _sb.Append('\n');
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
