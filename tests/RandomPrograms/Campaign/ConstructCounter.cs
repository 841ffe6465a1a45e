using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using SymGrad.RandomPrograms.Model;
using ValueType = SymGrad.RandomPrograms.Model.ValueType;

namespace SymGrad.RandomPrograms.Campaign
{
    /// <summary>Which constructs a program contains, read off the model (not the weights that were asked for).</summary>
    public static class ConstructCounter
    {
        /// <summary>What the generated code did with constructs whose handling it decides (checkpointing a marked loop or not).</summary>
        public static IEnumerable<string> Generated(IReadOnlyDictionary<string, string>? generated)
        {
            string all = generated is null ? "" : string.Concat(generated.Values);
            if (all.Contains(".Revolve(", StringComparison.Ordinal) || all.Contains(".RevolveFromStart(", StringComparison.Ordinal)) yield return "generated: a loop driven by a Revolve schedule";
            if (all.Contains(".RevolveFromStart(", StringComparison.Ordinal)) yield return "generated: a Revolve schedule started by the forward sweep";
            if (all.Contains("Math.SinCos(", StringComparison.Ordinal)) yield return "generated: a sine and a cosine of one angle in one call (Math.SinCos)";
            if (all.Contains("MathF.SinCos(", StringComparison.Ordinal)) yield return "generated: a sine and a cosine of one angle in one call (MathF.SinCos)";
            foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(all, @"// Not checkpointed \(([^)]*)\)"))
            {
                yield return "generated: a marked loop left taped: " + m.Groups[1].Value;
            }
        }

        public static SortedSet<string> Constructs(ProgramModel program)
        {
            var set = new SortedSet<string>(System.StringComparer.Ordinal);
            if (program.Methods.Length > 1) set.Add("several methods");
            foreach (var m in program.Methods)
            {
                NewConstructs(program, m, set);
                set.Add(m.ReturnsReal ? "returns real" : "returns void");
                if (m.Checkpoint is { } checkpoint)
                {
                    set.Add("checkpointed loops (CheckpointLoops = true)");
                    set.Add(checkpoint.Snapshots == 0 ? "checkpointed loops, automatic snapshots" : checkpoint.Snapshots == 1 ? "checkpointed loops, one snapshot" : "checkpointed loops, a few snapshots");
                    if (checkpoint.Above > 0) set.Add("checkpointed loops above a trip count (taped below)");
                    if (m.Body.Any(s => s is While)) set.Add("checkpointed while loop");
                    // A top-level loop storing into a span: its state holds the span (h[i]) or it writes a sequence (y[t]).
                    if (m.Body.Any(s => s is For or While && Measure.All(s).Any(n => n is Store))) set.Add("checkpointed loop writing span elements (a state vector or a sequence)");
                }

                if (m.ExpressionBodied) set.Add(m.ReturnsReal || m.ReturnsStruct ? "expression body" : "void expression body (one call)");
                if (Measure.All(m.Body).OfType<OmittedArg>().Any()) set.Add("call leaving optional arguments out (the callee's defaults)");
                if (Measure.All(m.Body).Any(n => n is CallExpr { Named: true } or CallStmt { Named: true })) set.Add("call naming its arguments (F(k: 2, x: a))");
                if (m.Held) set.Add("a layer held in a field of the layer, its method called as Sub.H(…) (HeldLayers)");
                if (m.Instance && m != program.Entry && (m.HasOutResult || m.TupleResult)) set.Add("a layer's method with an out or tuple result, called by another (LayerResults)");
                if (m.Params.Any(q => q.Held is not null)) set.Add("calling a method of a layer held in a field (its fields the caller's inputs SubX…)");
                if (m.Instance)
                {
                    set.Add(m.Fields.Any() ? "layer object (instance method with fields)" : "layer object (instance method, no fields)");
                    var read = Measure.Names(m.Body);
                    foreach (var f in m.Fields)
                    {
                        set.Add(f.Kind switch
                        {
                            ParamKind.RealScalar => f.NoDerivative ? "layer field [NoDerivative] double" : f.Other ? "layer field float, differentiable, of a double method" : "layer field double (scalar parameter)",
                            ParamKind.RealSpanIn when f.Other => f.NoDerivative ? "layer field [NoDerivative] float[] of a double method" : "layer field float[], differentiable, of a double method (a float d-field)",
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
                    if (m != program.Entry) set.Add("layer's own method called by another (LayerCalls)");
                    if (Measure.All(m.Body).OfType<FieldArg>().Any()) set.Add("calling a method of its own layer (through its twin HWithFields)");
                    if (m.Params.Any(p => p.Kind == ParamKind.Size && p.Field) && Measure.All(m.Body).OfType<For>().Any(f => Measure.All(f.Bound).OfType<Var>().Any(v => m.Fields.Any(x => x.Name == v.Name))))
                    {
                        set.Add("layer int field as a loop bound");
                    }
                }

                foreach (var p in m.Signature)
                {
                    set.Add(p.Kind switch
                    {
                        ParamKind.RealScalar => p.NoDerivative ? "param [NoDerivative] scalar" : p.Other ? "param float, differentiable, of a double method (double Jacobian and Hessian)"
                            : p.Wide ? "param double, differentiable, of a called method (of a float method in the float twin)" : "param scalar",
                        ParamKind.RealSpanIn when p.Other => p.NoDerivative ? "param [NoDerivative] ReadOnlySpan<float> of a double method (elements read by casts)"
                            : "param ReadOnlySpan<float>, differentiable, of a double method (float gradients, tangents and products; double Jacobian and Hessian)",
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
                if (m != program.Entry && Measure.Buffers(m).Any()) set.Add("a called method reading an input through a local buffer (its callers' modes through it)");
                if (m != program.Entry && Measure.Buffers(m).Any(b => b.Length.IsConstant && b.Length.Const == 1)) set.Add("a called method reading a scalar input through a buffer of one element");
                if (m.HasOutResult && Measure.Buffers(m).Any())
                {
                    set.Add(m == program.Entry ? "a method with an out result and a local buffer" : "a called method with an out result and a local buffer (its results' methods lend it)");
                }

                if (m != program.Entry && (m.Instance || m.Held) && Measure.Buffers(m).Any())
                {
                    set.Add(m.Held ? "a held layer's method with a local buffer, called by the holder" : "a layer's method with a local buffer, called by another of its methods");
                }
                if (Measure.Buffers(m).Any() && program.Methods.SelectMany(c => Measure.All(c.Body)).Any(n => n is CallExpr { IsNested: true } c && c.Callee == m.Name || n is CallStmt { IsNested: true } s && s.Callee == m.Name))
                {
                    set.Add("a method with a local buffer called nested (its FTangentBackward, FTangentTangent)");
                }
                set.Add(ForwardMode.HasTangent(program, m) ? "MTangent (forward mode) generated" : "no MTangent (calls without a forward mode)");
                Statements(m.Body, 0, false, set);
                foreach (var n in Measure.All(m.Body))
                {
                    switch (n)
                    {
                        case MathCall c:
                            set.Add(MathNames.Library.Contains(c.Function) ? "library call, [DerivativeOf] in a third type"
                                : MathNames.Underivable.Contains(c.Function) ? "library call with no derivative"
                                : (MathNames.NumericOnly.Contains(c.Function) ? "double." : "Math.") + c.Function);
                            if (c.Function == "ScaledSoftplus") set.Add("library call with a [NoDerivative] real argument (Smooth.ScaledSoftplus)");
                            if (MathNames.Underivable.Contains(c.Function))
                            {
                                set.Add(c.Args[0] is RealLit ? "call with no derivative of constants (Smooth.Bump(3.0)): a constant in every mode"
                                    : "call with no derivative of an expression (Smooth.Bump(x * y)): SG0007 where it varies, else a constant");
                            }

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
                        case CallExpr c when program.Methods.Any(x => x.Name == c.Callee && x.ReturnsStruct):
                            set.Add(program.Find(c.Callee).Params.Any(q => q.Struct is not null) ? "call of a method returning a struct and taking one (its fields' flat twins)"
                                : "call of a method returning a struct, as a struct value (each field's method)");
                            break;
                        case CallExpr c when c.Args.OfType<OutArg>().Any():
                            set.Add(Results(program, c, "value"));
                            break;
                        case CallExpr:
                            set.Add("call (scalar method)");
                            break;
                        case CallStmt { IsNn: true } c:
                            set.Add("Nn." + c.Callee);
                            break;
                        case CallStmt c when c.Args.OfType<OutArg>().Any():
                            set.Add(Results(program, new CallExpr(c.Callee, c.Args, false), "statement"));
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

        /// <summary>Structs of reals, generic math, gradients chosen at the call.</summary>
        private static void NewConstructs(ProgramModel program, Method m, SortedSet<string> set)
        {
            // A stage buffer: an output a top-level loop's pass writes first, nothing before the loop writing it.
            var outputs = m.Params.Where(p => p.Kind == ParamKind.RealSpanOut).Select(p => p.Name).ToHashSet();
            IEnumerable<string> Writes(Stmt s) => Measure.All(s).OfType<Store>().Select(w => w.Span)
                .Concat(Measure.All(s).OfType<CallStmt>().SelectMany(c => c.Args.OfType<SpanArg>().Select(a => a.Span))).Where(outputs.Contains);
            for (int i = 0; i < m.Body.Length; i++)
            {
                if (m.Body[i] is For { Bound: IntLit } stage && stage.Body.Length > 0
                    && Writes(stage.Body[0]).Any(o => !m.Body.Take(i).SelectMany(Writes).Contains(o)))
                {
                    set.Add("an output first written in a loop's pass and read back in it (a stage buffer)");
                    if (Measure.All(stage.Body[0]).OfType<CallStmt>().Any()) set.Add("a stage buffer written by a call");
                }
            }

            foreach (var g in m.Params.Where(p => p.InStructSpan).GroupBy(p => p.Struct!))
            {
                var first = g.First();
                set.Add((first.AsArray ? "array of structs V3[]" : "span of structs ReadOnlySpan<V3>") + (first.NoDerivative ? " [NoDerivative]" : " (gradient Span<V3>)"));
                set.Add($"span of structs with {g.Count()} of 3 fields");
                if (Measure.All(m.Body).OfType<LocalFunction>().Any(f => Measure.All(f.Body).OfType<ElemRead>().Any(e => g.Any(p => p.Name == e.Span))))
                {
                    set.Add("span of structs read in a local function");
                }
            }

            foreach (var g in m.Params.Where(p => p.Struct is not null && !p.InStructSpan).GroupBy(p => p.Struct!))
            {
                set.Add(g.First().NoDerivative ? "struct param [NoDerivative] V3" : "struct param V3 (gradient ref V3)");
                set.Add($"struct param with {g.Count()} of 3 fields");
                if (m.ReadsWhole(g.Key)) set.Add("struct param read whole (V3 q = pt)");
                if (m.Instance) set.Add("struct param of a layer's instance method");
                if (Measure.All(m.Body).OfType<LocalFunction>().Any(f => !f.Static && Measure.All(f.Body).OfType<Var>().Any(v => g.Any(p => p.Name == v.Name))))
                {
                    set.Add("struct param field read in a capturing local function");
                }
            }

            if (m.ReturnsStruct)
            {
                set.Add("struct result (cotangent V3 dResult, no MGradient)");
                if (Measure.All(m.Body).OfType<Return>().Count() > 1) set.Add("struct result, several returns");
            }

            if (!m.IsGeneric && Measure.All(m.Body).Any(n => n is RealLit { Value: Math.PI or Math.E or Math.Tau })) set.Add("Math.PI, Math.E, Math.Tau");

            if (Measure.All(m.Body).Any(n => n is CallExpr { IsNested: true } c && program.Methods.Any(x => x.Name == c.Callee && x.IsGeneric)
                || n is CallStmt { IsNested: true } s && program.Methods.Any(x => x.Name == s.Callee && x.IsGeneric)))
            {
                set.Add("nested call of a generic F (the overload its arguments pick)");
            }

            if (Measure.All(m.Body).Any(n => n is CallExpr { IsNested: true, Suffix: "Tangent" } c && program.Methods.Any(x => x.Name == c.Callee && x.Params.Any(p => p.IsSpan))))
            {
                set.Add("nested FTangent of an F with span inputs (span directions)");
            }

            if (Measure.All(m.Body).OfType<CallStmt>().FirstOrDefault(n => n is { IsNested: true, Suffix: "Backward" } && Generate.TangentCalls.IsHelper(n.Callee)) is { } backwardCall)
            {
                set.Add("nested HBackward of an H writing outputs, right after H (TangentCalls: read as HBackwardOfX per input)");
                var h = program.Methods.First(x => x.Name == backwardCall.Callee);
                int k = h.Params.Length;
                if (backwardCall.Args.Skip(k).FirstOrDefault() is SpanArg { Span: var u } && backwardCall.Args.Take(k).OfType<SpanArg>().Any(a => a.Span == u && h.Params[backwardCall.Args.IndexOf(a)].Kind == ParamKind.RealSpanOut))
                {
                    set.Add("nested HBackward of an H writing outputs at its own values (the gradient of ½‖H‖²)");
                }

                if (backwardCall.Args.OfType<RefArg>().Any()) set.Add("nested HBackward of an H writing outputs, a scalar's gradient into a local");
                if (backwardCall.Args.Skip(k).OfType<SpanArg>().Skip(1).Any()) set.Add("nested HBackward of an H writing outputs, a span's gradient added to an output");
                if (Measure.All(m.Body).Any(n => n is For or While or ForEach && Measure.All(System.Collections.Immutable.ImmutableArray.Create((Stmt)n)).Any(x => x is CallStmt { IsNested: true, Suffix: "Backward" } b && b == backwardCall))) set.Add("nested HBackward of an H writing outputs, in a loop");
                if (h.Name == Generate.TangentCalls.Outer) set.Add("nested HBackward of an H writing outputs that calls another such method");
                if (h.Checkpoint is not null) set.Add("nested HBackward of an H writing outputs that checkpoints its loops");
                if (h.Params.Count(p => p.Kind == ParamKind.RealSpanOut) > 1) set.Add("nested HBackward of an H writing two outputs (a cotangent of each)");
                if (h.ReturnsReal) set.Add("nested HBackward of an H returning a value as well (its seed passed)");
                if (Generate.TangentCalls.CallsLibrary(h)) set.Add("nested HBackward of an H writing outputs that calls Nn primitives or library functions (its HTangent read as a method unless it calls LogCosh)");
            }

            if (Measure.All(m.Body).OfType<CallStmt>().FirstOrDefault(n => n is { IsNested: true, Suffix: "Tangent" }) is { } tangentCall)
            {
                set.Add("nested HTangent of an H writing outputs (TangentCalls: its values into buffers, the outputs' tangents read)");
                var h = program.Methods.First(x => x.Name == tangentCall.Callee);
                if (h.ReturnsReal) set.Add("nested HTangent of an H writing outputs and returning a value");
                if (Measure.All(m.Body).Any(n => n is For or While or ForEach && Measure.All(System.Collections.Immutable.ImmutableArray.Create((Stmt)n)).Any(x => x is CallStmt { IsNested: true, Suffix: "Tangent" }))) set.Add("nested HTangent of an H writing outputs, in a loop");
                int k = h.Params.Length;
                if (Measure.All(h.Body).Any(n => n is CallStmt { IsNn: false, IsNested: false })) set.Add("nested HTangent of an H writing outputs that calls another such method (its HTangent read as a method too)");
                if (Measure.Buffers(h).Any()) set.Add("nested HTangent of an H writing outputs that keeps a local buffer (lent with its tangent)");
                static bool CallsNn(Method x) => Measure.All(x.Body).Any(n => n is CallStmt { IsNn: true } or CallExpr { IsNn: true });
                if (CallsNn(h) || h.Name == Generate.TangentCalls.Outer && program.Methods.FirstOrDefault(x => x.Name == Generate.TangentCalls.Helper) is { } t0 && CallsNn(t0))
                {
                    set.Add("nested HTangent of an H writing outputs that calls Nn primitives (their tangents' registered derivatives)");
                }

                static bool ReadsOff(Method x) => Measure.All(x.Body).Any(n => n is MathCall c && MathNames.Library.Contains(c.Function));
                if (ReadsOff(h) || h.Name == Generate.TangentCalls.Outer && program.Methods.FirstOrDefault(x => x.Name == Generate.TangentCalls.Helper) is { } t0l && ReadsOff(t0l))
                {
                    set.Add("nested HTangent of an H writing outputs that calls library functions (their tangents read off backwards: partials written as methods)");
                }

                if (h.Checkpoint is not null) set.Add("nested HTangent of an H writing outputs that checkpoints its loops (so does HTangentBackward)");
                if (Measure.All(h.Body).Any(n => n is CallExpr { IsNn: false, IsNested: false })) set.Add("nested HTangent of an H writing outputs whose forward mode calls a scalar method's FTangent");
                if (tangentCall.Args.Skip(k).Any(a => a is DefaultArg)) set.Add("nested HTangent of an H writing outputs with a direction left out (default: zeros)");
                if (tangentCall.Args.Skip(k).Take(h.Params.Count(p => p.IsDifferentiable)).Zip(tangentCall.Args.Take(k).Where((_, i) => h.Params[i].IsDifferentiable), (d, a) => d != a).Any(x => x))
                {
                    set.Add("nested HTangent of an H writing outputs along another direction than its argument");
                }
            }

            if (Measure.All(m.Body).Any(n => n is DefaultArg))
            {
                set.Add("nested FGradient/FBackward of an F with span inputs (their gradients default: not needed)");
            }

            // A span's gradient added to an output (SpanGradients): the arguments after F's (and the seed) that are spans.
            foreach (var gradients in Measure.All(m.Body).Select(n => n switch
            {
                CallStmt { IsNested: true } s => s.Args.Skip(program.Methods.First(x => x.Name == s.Callee).Params.Length).OfType<SpanArg>(),
                CallExpr { IsNested: true, Suffix: "Gradient" } c => c.Args.Skip(program.Methods.First(x => x.Name == c.Callee).Params.Length).OfType<SpanArg>(),
                _ => Enumerable.Empty<SpanArg>(),
            }))
            {
                foreach (var into in gradients)
                {
                    set.Add(into.Start is null ? "nested FGradient/FBackward adding a span's gradient to an output (N0GradientOfX)" : "nested FGradient/FBackward adding a span's gradient to a slice of an output");
                }
            }

            // Calls (nested, as a value, as a statement) of a method taking what a predicate asks about.
            void CallRows(Func<string, bool> takes, string nested, string value, string statement)
            {
                foreach (var n in Measure.All(m.Body))
                {
                    switch (n)
                    {
                        case CallExpr { IsNested: true } c when takes(c.Callee):
                        case CallStmt { IsNested: true } s when takes(s.Callee):
                            set.Add(nested);
                            break;
                        case CallExpr { IsNested: false, IsNn: false } c when takes(c.Callee):
                            set.Add(value);
                            break;
                        case CallStmt { IsNested: false, IsNn: false } s when takes(s.Callee):
                            set.Add(statement);
                            break;
                    }
                }
            }

            // A double input (Param.Wide): in the float twin, float and double mixed across a call.
            const string WideCall = "call of a method with a double input (float and double mixed in the float twin)";
            CallRows(callee => program.Methods.FirstOrDefault(x => x.Name == callee)?.Params.Any(p => p.Wide) == true,
                "nested call of an F with a double input (float and double mixed in the float twin)", WideCall, WideCall);

            // A differentiable span of the other real type (Param.Other): its tangents, gradients, second and third orders of that type.
            CallRows(callee => program.Methods.FirstOrDefault(x => x.Name == callee)?.Params.Any(p => p.Other && p.IsSpan && p.IsDifferentiable) == true,
                "nested call of an F with a span of the other real type (float directions and products in a double F)",
                "call of a method returning a value with a span of the other real type",
                "call of a method writing outputs with a span of the other real type (its MBackwardTangent in a caller's H·v)");

            // A struct passed to a method taking one (its flat twin), by the form of the value.
            foreach (var f in Measure.All(m.Body).OfType<StructFieldArg>().Where(f => f.First))
            {
                set.Add("call of a method taking a struct (read as its flat twin, the fields one by one)");
                set.Add(f.Value switch
                {
                    StructNew { Ctor: true } => "struct argument new V3(x, y, z)",
                    StructNew => "struct argument new V3 { X = … }",
                    StructDefault => "struct argument default",
                    _ => "struct argument a struct variable",
                });
            }

            // FTangent typed by SymGrad before the call around it binds (FOUND.md N1, T8).
            static bool TangentIn(ImmutableArray<Arg> args) => args.OfType<ValueArg>().Any(a => Measure.All(a.Value).Any(n => n is CallExpr { IsNested: true, Suffix: "Tangent" }));
            foreach (var n in Measure.All(m.Body))
            {
                switch (n)
                {
                    case CallExpr { IsNested: true } c when TangentIn(c.Args):
                    case CallStmt { IsNested: true } s when TangentIn(s.Args):
                        set.Add("FTangent in an argument of FGradient, FBackward or FTangent");
                        break;
                    case CallExpr { IsNested: false, IsNn: false } c when TangentIn(c.Args):
                    case CallStmt { IsNested: false, IsNn: false } s when TangentIn(s.Args):
                        set.Add("FTangent in an argument of a method of the program");
                        break;
                    case MathCall mc when mc.Args.Any(a => Measure.All(a).Any(x => x is CallExpr { IsNested: true, Suffix: "Tangent" })):
                        set.Add("FTangent in an argument of Math." + mc.Function);
                        break;
                }
            }

            var structLocals = Measure.All(m.Body).OfType<StructDecl>().Select(d => d.Name).ToHashSet();
            foreach (var n in Measure.All(m.Body))
            {
                switch (n)
                {
                    case StructDecl d:
                        set.Add("struct local " + StructValue(d.Init));
                        break;
                    case StructAssign a:
                        set.Add("struct local assigned whole: " + StructValue(a.Value));
                        if (Measure.All(a.Value).OfType<Var>().Any(v => v.Name.StartsWith(a.Target + ".", System.StringComparison.Ordinal)))
                        {
                            set.Add("struct local assigned a value built from itself (p = new V3 { X = p.Y })");
                        }

                        break;
                    case Assign { Op: "=" } a when a.Target.Contains('.'):
                        set.Add("struct field assigned (p.X = …)");
                        break;
                    case Assign a when a.Target.Contains('.'):
                        set.Add("struct field compound (p.X += …)");
                        break;
                    case IncDec i when i.Target.Contains('.'):
                        set.Add("struct field ++/--");
                        break;
                    case Return { Value: StructNew or StructDefault or Var } r when m.ReturnsStruct:
                        set.Add("struct result returned as " + StructValue(r.Value!));
                        break;
                }
            }

            if (structLocals.Count > 0 && LoopBodies(m.Body).Any(b => Measure.All(b).Any(n => n is StructAssign)))
            {
                set.Add("struct local assigned whole in a loop");
            }

            if (m.IsGeneric)
            {
                set.Add(m == program.Entry ? "generic method (the entry)" : "generic method (a helper)");
                if (m.Generic == GenericForm.StructIeee754) set.Add("generic method where T : struct, IFloatingPointIeee754<T>");
                if (m.Generic == GenericForm.UnmanagedIeee754) set.Add("generic method where T : unmanaged, … with a stackalloc T[n] buffer");
                if (m.IsGeneric && Measure.Buffers(m).Any()) set.Add("local buffer in a generic method (Span<T>, T[])");
                if (Measure.All(m.Body).Any(n => n is Cast { To: ValueType.Real })) set.Add("generic T.CreateChecked of an int");
                if (Measure.All(m.Body).OfType<LocalFunction>().Any()) set.Add("generic method with a local function");
                if (Measure.All(m.Body).Any(n => n is RealLit { Value: Math.PI or Math.E or Math.Tau })) set.Add("generic T.Pi, T.E, T.Tau");
            }

            var genericCalls = Measure.All(m.Body).Select(n => n switch { CallExpr { IsNn: false } c => c.Callee, CallStmt { IsNn: false } c => c.Callee, _ => null })
                .OfType<string>().Where(c => program.Find(c).IsGeneric).ToList();
            if (genericCalls.Count > 0)
            {
                set.Add(m.IsGeneric ? "generic call from a generic method" : "generic call from a non-generic method");
                set.Add(program.ExplicitTypeArguments ? "generic call with explicit type arguments (all)" : "generic call, T inferred where it can be");
            }

            if (m.Params.Any(p => p.EmptyGradient && !p.Field))
            {
                set.Add("empty span gradient passed (default): MBackward");
                if (m.ReturnsReal) set.Add("empty span gradient passed (default): MGradient");
                if (m.Params.Count(p => p.IsDifferentiable) > m.Params.Count(p => p.EmptyGradient && !p.Field)) set.Add("empty span gradient beside gradients compared");
                if (m.Params.Count(p => p.EmptyGradient && !p.Field) > 1) set.Add("several span gradients passed empty");
            }

            foreach (var p in m.Params.Where(p => p.Default is not null))
            {
                set.Add(p.Kind switch { ParamKind.Size => "default value: int", ParamKind.Bool => "default value: bool", _ => "default value: [NoDerivative] real" });
            }

            if (Print.DriverPrinter.KeepsDefaults(m)) set.Add("MGradient called without its defaults, gradients named (dx: dx)");
            if (Print.DriverPrinter.KeepsDefaults(m) && m.Params.Any(p => p.EmptyGradient && !p.Field)) set.Add("MGradient called with gradients left out (default: not needed)");
            if (m.IsGeneric && m.Params.Any(p => p.AsArray)) set.Add("generic method with a T[] parameter");
        }

        private static string StructValue(Expr e) => e switch
        {
            StructNew { Ctor: true } => "new V3(x, y, z)",
            StructNew n when n.Fields.All(f => f is null) => "new V3()",
            StructNew n when n.Fields.Any(f => f is null) => "new V3 { X = … } (missing fields zero)",
            StructNew => "new V3 { X = …, Y = …, Z = … }",
            StructDefault => "default",
            _ => "a copy (V3 q = p)",
        };

        private static IEnumerable<ImmutableArray<Stmt>> LoopBodies(IEnumerable<Stmt> body) => Measure.All(body).Select(n => n switch
        {
            For f => f.Body,
            While l => l.Body,
            ForEach f => f.Body,
            _ => default(ImmutableArray<Stmt>?),
        }).Where(b => b is not null).Select(b => b!.Value);

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
                    case BufferDecl b:
                        set.Add(LocalBufferForms[b.Form]);
                        if (b.Sized) set.Add("local buffer sized by a local (int yLen = n; new double[yLen])");
                        if (loopDepth > 0) set.Add("local buffer in a loop's body (from zero at each pass)");
                        else if (inIf) set.Add("local buffer in a branch");
                        break;
                }
            }
        }

        /// <summary>The forms of <see cref="BufferDecl.Form"/>, as <c>CSharpPrinter</c> prints them.</summary>
        private static readonly string[] LocalBufferForms =
        {
            "local buffer Span<double> h = stackalloc double[n]", "local buffer Span<double> h = new double[n]",
            "local buffer double[] h = new double[n]", "local buffer var h = new double[n]",
        };

        /// <summary>The forms of <see cref="OutArg.TupleForm"/>, as <c>CSharpPrinter.Deconstruction</c> prints them.</summary>
        private static readonly string[] TupleForms =
        {
            "tuple local read by element (pair1.Value, pair1.O)", "tuple local copied to another (var pair1c = pair1; pair1c.Item2)",
            "tuple local deconstructed (var (v, o) = pair1)", "tuple local assigned a literal of its elements swapped (pair1 = (pair1.O, pair1.Value))",
            "tuple local with an element written in place (pair1.Value *= 2)",
        };

        /// <summary>A call of a method with an out result (ResultCalls): how its results are read.</summary>
        private static string Results(ProgramModel program, CallExpr call, string where)
        {
            var o = call.Args.OfType<OutArg>().First();
            bool pair = program.Methods.FirstOrDefault(m => m.Name == call.Callee) is { TupleResult: true };
            string read = o.Local is null ? "its out result discarded" : o.Declare ? "its out result into a new local" : "its out result into a local of the method";
            return pair
                ? $"call of a tuple-returning method (H1Pair) as a {(o.Local is null ? "value (.Value)" : o.Tuple ? TupleForms[o.TupleForm] : where == "statement" ? "deconstruction (_, o2)" : "deconstruction (v, o2)")}, {read}"
                : $"call with an out result as a {where}, {read}";
        }
    }
}
