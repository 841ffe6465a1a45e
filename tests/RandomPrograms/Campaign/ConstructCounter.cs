using System.Collections.Generic;
using System.Linq;
using SymGrad.RandomPrograms.Model;
using ValueType = SymGrad.RandomPrograms.Model.ValueType;

namespace SymGrad.RandomPrograms.Campaign
{
    /// <summary>Which constructs a program contains, read off the model (not the weights that were asked for).</summary>
    public static class ConstructCounter
    {
        public static SortedSet<string> Constructs(ProgramModel program)
        {
            var set = new SortedSet<string>(System.StringComparer.Ordinal);
            if (program.Methods.Length > 1) set.Add("several methods");
            foreach (var m in program.Methods)
            {
                set.Add(m.ReturnsReal ? "returns real" : "returns void");
                if (m.ExpressionBodied) set.Add("expression body");
                if (m.Instance)
                {
                    set.Add(m.Fields.Any() ? "layer object (instance method with fields)" : "layer object (instance method, no fields)");
                    var read = Measure.Names(m.Body);
                    foreach (var f in m.Fields)
                    {
                        set.Add(f.Kind switch
                        {
                            ParamKind.RealScalar => f.NoDerivative ? "layer field [NoDerivative] double" : "layer field double (scalar parameter)",
                            ParamKind.RealSpanIn => f.NoDerivative ? "layer field [NoDerivative] double[]" : "layer field double[] (array parameter)",
                            ParamKind.Size => "layer field int (a size)",
                            ParamKind.IntSpan => "layer field int[]",
                            ParamKind.Bool => "layer field bool",
                            _ => "layer field [NoDerivative] other precision",
                        });
                        if (f.This) set.Add("layer field read as this.name");
                        if (!read.Contains(f.Name)) set.Add("layer field not read (no d-field)");
                    }

                    if (Measure.All(m.Body).OfType<SpanArg>().Any(a => a.Start is not null && !a.AsRange && m.Fields.Any(f => f.Name == a.Span))) set.Add("layer field part x.AsSpan(a, n)");
                    if (m.Params.Any(p => p.Kind == ParamKind.Size && p.Field) && Measure.All(m.Body).OfType<For>().Any(f => Measure.All(f.Bound).OfType<Var>().Any(v => m.Fields.Any(x => x.Name == v.Name))))
                    {
                        set.Add("layer int field as a loop bound");
                    }
                }

                foreach (var p in m.Signature)
                {
                    set.Add(p.Kind switch
                    {
                        ParamKind.RealScalar => p.NoDerivative ? "param [NoDerivative] scalar" : "param scalar",
                        ParamKind.RealSpanIn => p.NoDerivative ? "param [NoDerivative] span" : "param ReadOnlySpan input",
                        ParamKind.RealSpanOut => "param Span output",
                        ParamKind.RealOut => "param out double (a second result)",
                        ParamKind.Size => "param int size",
                        ParamKind.IntSpan => "param ReadOnlySpan<int>",
                        ParamKind.Bool => "param bool",
                        _ => "param other-precision scalar (float↔double cast)",
                    });
                    if (p.Length is { Sizes.Length: 2 }) set.Add("2-D span (i * cols + j)");
                    if (p.AsArray)
                    {
                        set.Add(p.Kind switch { ParamKind.RealSpanIn => "param double[] input", ParamKind.RealSpanOut => "param double[] output", _ => "param int[]" });
                    }
                }

                if (m.Params.Count(p => p.Kind == ParamKind.RealSpanOut) > 1) set.Add("several outputs");
                set.Add(ForwardMode.HasTangent(m) ? "MTangent (forward mode) generated" : "no MTangent (calls, out, layer fields)");
                Statements(m.Body, 0, false, set);
                foreach (var n in Measure.All(m.Body))
                {
                    switch (n)
                    {
                        case MathCall c:
                            set.Add(MathNames.Library.Contains(c.Function) ? "library call, [DerivativeOf] in a third type"
                                : (MathNames.NumericOnly.Contains(c.Function) ? "double." : "Math.") + c.Function);
                            if (c.Wide) set.Add("wide (double) local in float twin");
                            break;
                        case Binary { Op: "/", Left: RealLit { Value: 1 }, Right: Binary { Right: MathCall { Function: "Exp" } } }:
                            set.Add("sigmoid 1/(1+exp(-u))");
                            break;
                        case Binary { Op: "/" }:
                            set.Add("division");
                            break;
                        case Binary { Op: "-", Left: ElemRead, Right: Var { Name: var shift } } when shift.StartsWith("m", System.StringComparison.Ordinal) && char.IsDigit(shift[^1]):
                            set.Add("stable log-sum-exp (max carries no derivative)");
                            break;
                        case Binary { Op: "&&" or "||" }:
                            set.Add("&& ||");
                            break;
                        case Binary { Op: "%" }:
                            set.Add("index (i + 1) % n");
                            break;
                        case Binary { Op: "-", Left: Binary { Op: "-" }, Right: Var }:
                            set.Add("index n - 1 - i");
                            break;
                        case Unary { Op: "!" }:
                            set.Add("!");
                            break;
                        case SwitchExpr x when x.Arms[0].Cases[0].Value is IntLit:
                            set.Add("switch expression on an int");
                            break;
                        case SwitchExpr:
                            set.Add("switch expression on a real (relational patterns)");
                            break;
                        case LocalFunction f:
                            set.Add(f.Static ? "static local function" : "local function capturing parameters");
                            break;
                        case FromEnd:
                            set.Add("index from the end s[^k]");
                            break;
                        case SpanArg { AsRange: true }:
                            set.Add("range argument s[a..b]");
                            break;
                        case Conditional:
                            set.Add("?:");
                            break;
                        case Cast { To: ValueType.Wide }:
                            set.Add("wide (double) local in float twin");
                            break;
                        case Cast { Operand: Var or ElemRead or Binary }:
                            set.Add("cast");
                            break;
                        case SpanLength:
                            set.Add("s.Length bound");
                            break;
                        case CallExpr { IsNn: true } c:
                            set.Add("Nn." + c.Callee);
                            break;
                        case CallExpr:
                            set.Add("call (scalar method)");
                            break;
                        case CallStmt { IsNn: true } c:
                            set.Add("Nn." + c.Callee);
                            break;
                        case CallStmt:
                            set.Add("call (span-writing method)");
                            break;
                        case SpanArg { Start: not null }:
                            set.Add("x.Slice(a, b) argument");
                            break;
                        case Decl { Vars.Length: > 1 }:
                            set.Add("several declarators");
                            break;
                        case Decl { Type: ValueType.Wide }:
                            set.Add("wide (double) local in float twin");
                            break;
                        case Assign { Op: "=" } a when a.Value is MathCall { Function: "Tanh" } t && Measure.All(t).OfType<Var>().Any(v => v.Name == a.Target):
                            set.Add("loop-carried h = tanh(… h …)");
                            break;
                        case Assign { Op: not "=" } a:
                            set.Add("compound " + a.Op);
                            break;
                        case IncDec i:
                            set.Add(i.Op);
                            break;
                        case Store { Value: var v } st when Measure.All(v).OfType<ElemRead>().Any(r => r.Span == st.Span):
                            set.Add("output read back");
                            break;
                        case ElemRead { Span: var s } when m.Params.Any(p => p.Name == s && p.Kind == ParamKind.RealSpanOut):
                            set.Add("output read back");
                            break;
                    }
                }
            }

            return set;
        }

        private static void Statements(IEnumerable<Stmt> body, int loopDepth, bool inIf, SortedSet<string> set)
        {
            foreach (var s in body)
            {
                switch (s)
                {
                    case If i:
                        set.Add(i.Else is null ? "if" : "if/else");
                        Statements(i.Then, loopDepth, true, set);
                        if (i.Else is { } e) Statements(e, loopDepth, true, set);
                        break;
                    case For f:
                        set.Add($"for (depth {loopDepth + 1})");
                        if (f.Step is 2 or -2) set.Add("for step ±2");
                        if (f.Step < 0) set.Add("for descending");
                        if (f.Start is IntLit { Value: 1 }) set.Add("for starting at 1");
                        if (f.Cmp == "<=") set.Add("for i <= n - 1");
                        Statements(f.Body, loopDepth + 1, inIf, set);
                        break;
                    case ForEach f:
                        set.Add(f.From == 0 ? "foreach over a span or array" : "foreach over a range s[1..]");
                        Statements(f.Body, loopDepth, inIf, set);
                        break;
                    case Switch sw:
                        set.Add("switch statement" + (sw.Sections.Any(s => s.Cases[0].Op != "==") ? " (relational section)" : ""));
                        foreach (var section in sw.Sections) Statements(section.Body, loopDepth, true, set);
                        if (sw.Default is { } d) Statements(d, loopDepth, true, set);
                        break;
                    case While l:
                        set.Add(l.Do ? "do … while (data-dependent trips)" : "while (data-dependent trips)");
                        Statements(l.Body, loopDepth + 1, inIf, set);
                        break;
                    case Break:
                        set.Add("break");
                        break;
                    case Continue:
                        set.Add("continue");
                        break;
                    case Return when loopDepth > 0:
                        set.Add("return inside a loop");
                        break;
                    case Return when inIf:
                        set.Add("early return");
                        break;
                    case Store:
                        set.Add("element write y[i] = …");
                        break;
                }
            }
        }
    }
}
