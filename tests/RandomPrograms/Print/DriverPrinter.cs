using System.Collections.Generic;
using System.Linq;
using SymGrad.RandomPrograms.Generate;
using SymGrad.RandomPrograms.Model;

namespace SymGrad.RandomPrograms.Print
{
    /// <summary>
    /// Prints the driver class of a program: span parameters cannot go through reflection, so for every method and twin
    /// the driver has array-based static methods that wrap arrays in spans and call the method, its <c>MBackward</c> and
    /// its <c>MGradient</c> (signatures as README's "generated methods" section defines them). Arguments travel as
    /// <c>double</c> arrays by parameter kind, in parameter order: real scalars (and the other-precision constant) in
    /// <c>r</c>, real spans (inputs and outputs) in <c>s</c>, sizes in <c>n</c>, int spans in <c>ns</c>, flags in
    /// <c>b</c>; gradients in <c>dr</c> (differentiable scalars) and <c>ds</c> (differentiable spans); a null cotangent
    /// in <c>dy</c> is passed as <c>default</c>. The float twin's driver converts to float arrays and back.
    /// <para>
    /// A layer object's method (<see cref="Method.Instance"/>): the driver creates the object and sets its fields from the
    /// same arrays (a field takes its parameter's place in them), calls the instance methods, and reports the gradients of
    /// the fields the method reads from the generated <c>d</c>-fields, in their places in <c>dr</c>/<c>ds</c>. With prefilled
    /// gradients (P2) it first spoils the <c>d</c>-fields (a wrong length, non-zero values), calls <c>ZeroGradients()</c>,
    /// checks that it sized and cleared them, and copies the prefill in; with zero gradients it leaves a fresh object's
    /// fields as they are, so the backward allocates them. A layer check that fails throws an
    /// <see cref="System.InvalidOperationException"/> whose message starts with <see cref="LayerCheck"/>.
    /// </para>
    /// <para>
    /// <c>MTangent</c> (where <see cref="ForwardMode.HasTangent"/>): tangents of the differentiable scalars in <c>tr</c> and
    /// spans in <c>ts</c> (the places of <c>dr</c>/<c>ds</c>; null is <c>default</c>; a layer's fields the method reads
    /// after the parameters', in field order), output tangents in <c>ty</c> (by output; null is <c>default</c>, not needed;
    /// an <c>out</c> result's <c>out T tr</c> after the span outputs', into its one-element array); returns the result's
    /// tangent (0 for a void method).
    /// </para>
    /// <para>
    /// <c>MJacobian</c> and <c>MHessian</c> (where <see cref="ForwardMode.HasJacobian"/>, <see cref="ForwardMode.HasHessian"/>):
    /// the matrix in <c>matrix</c>, dense and row-major. <c>MHessianVector</c>: the direction of the differentiable scalars
    /// in <c>vr</c> and spans in <c>vs</c> (the places of <c>dr</c>/<c>ds</c>; null is <c>default</c>, zero), the products
    /// accumulated into <c>hr</c>/<c>hs</c> (the same places).
    /// </para>
    /// </summary>
    public static class DriverPrinter
    {
        public static string Unit(ProgramModel program, string ns, Compile.Compiled? compiled = null)
        {
            var w = new Writer();
            w.Line("using System;");
            w.Line();
            w.Line($"namespace {ns}");
            w.Open();
            w.Line($"public static class {CSharpPrinter.DriverClass}");
            w.Open();
            w.Line("private static float[] F(double[] a) { var f = new float[a.Length]; for (int i = 0; i < a.Length; i++) f[i] = (float)a[i]; return f; }");
            w.Line("private static void Back(float[] f, double[] a) { for (int i = 0; i < a.Length; i++) a[i] = f[i]; }");
            if (program.IsLayer)
            {
                w.Line("private static bool Zero(double[] a) { foreach (double v in a) if (v != 0) return false; return true; }");
                foreach (string t in new[] { "double", "float" })
                {
                    w.Line($"private static void Cleared({t}[] d, int length, string name) {{ if (d.Length != length) throw new InvalidOperationException(\"{LayerCheck} ZeroGradients() left \" + name + \" of length \" + d.Length + \", not \" + length); " +
                           $"for (int i = 0; i < d.Length; i++) if (d[i] != 0) throw new InvalidOperationException(\"{LayerCheck} ZeroGradients() left \" + name + \"[\" + i + \"] = \" + d[i] + \", not 0\"); }}");
                    w.Line($"private static void Report({t}[] d, double[] g, string name, string what) {{ if (d.Length != g.Length) throw new InvalidOperationException(\"{LayerCheck} after \" + what + \" the gradient field \" + name + \" has length \" + d.Length + \", not \" + g.Length); " +
                           "for (int i = 0; i < g.Length; i++) g[i] = d[i]; }");
                }
            }

            foreach (var m in program.Methods)
            {
                foreach (var p in new[] { Precision.Double, Precision.Float })
                {
                    Forward(w, m, p);
                    Backward(w, m, p);
                    if (m.ReturnsReal) Gradient(w, m, p);
                    // What the prediction says, and what the generator made beyond it (compiled, on a second printing).
                    bool Has(string mode, bool predicted) => compiled?.Has(m, mode, predicted) ?? predicted;
                    if (Has("Tangent", ForwardMode.HasTangent(program, m))) Tangent(w, m, p);
                    if (ForwardMode.HasJacobian(m)) Matrix(w, m, p, "Jacobian");
                    if (Has("HessianVector", ForwardMode.HasHessianVector(program, m))) HessianVector(w, m, p);
                    if (Has("Hessian", ForwardMode.HasHessian(program, m))) Matrix(w, m, p, "Hessian");
                }
            }

            w.Close();
            w.Close();
            return w.ToString();
        }

        public static string Name(Method m, Precision p, string what) => $"{(p == Precision.Double ? "D" : "S")}_{m.Name}_{what}";

        /// <summary>How the message of a failed layer check starts (see the class's remarks).</summary>
        public const string LayerCheck = "Layer check:";

        /// <summary>The layer object a driver of an instance method calls.</summary>
        private const string Self = "layer";

        private const string Common = "double[] r, double[][] s, int[] n, int[][] ns, bool[] b";

        /// <summary>Declares float copies of the spans (float twin) and returns the call's argument list.</summary>
        /// <param name="backward">For <c>MBackward</c>, which takes no out parameter (its cotangent comes after dResult).</param>
        private static List<string> Arguments(Writer w, Method m, Precision p, bool backward = false)
            => ArgumentPairs(w, m, p, backward).Select(a => a.Arg).ToList();

        /// <summary>Each real scalar's index in <c>r</c> (struct members included), by name.</summary>
        private static Dictionary<string, int> ScalarIndices(Method m)
        {
            var map = new Dictionary<string, int>();
            int ri = 0;
            foreach (var q in m.Params.Where(q => q.Kind is ParamKind.RealScalar or ParamKind.OtherScalar)) map[q.Name] = ri++;
            return map;
        }

        /// <summary>Each real span's index in <c>s</c> (inputs, outputs and out results, in parameter order), by name.</summary>
        private static Dictionary<string, int> SpanIndices(Method m)
            => m.Params.Where(q => q.Kind is ParamKind.RealSpanIn or ParamKind.RealSpanOut or ParamKind.RealOut).Select((q, i) => (q.Name, i)).ToDictionary(x => x.Name, x => x.i);

        /// <summary>Each differentiable span input's index in <c>ds</c>, <c>ts</c> and <c>vs</c>, by name.</summary>
        private static Dictionary<string, int> GradientSpanIndices(Method m)
            => m.Params.Where(q => q.IsDifferentiable && q.Kind == ParamKind.RealSpanIn).Select((q, i) => (q.Name, i)).ToDictionary(x => x.Name, x => x.i);

        /// <summary>
        /// <c>var pts = new D.V3[…]; for (…) pts[i] = new D.V3 { X = a[i], … };</c>: an array of structs whose fields are the
        /// <paramref name="members"/>' elements of <paramref name="element"/> (a field without a member as <paramref name="missing"/>).
        /// </summary>
        private static void PackStructs(Writer w, Precision p, string name, string declared, string length, List<Param> members, System.Func<Param, string, string> element, string? missing = null)
        {
            string i = "i_" + name;
            w.Line($"{declared} {name} = new {StructOf(p)}[{length}];");
            var fields = StructType.Fields.Select(f => members.FirstOrDefault(x => x.Member == f) is { } x ? (f, element(x, i)) : missing is null ? default : (f, missing))
                .Where(f => f.Item1 is not null).ToList();
            w.Line($"for (int {i} = 0; {i} < {name}.Length; {i}++) {name}[{i}] = {NewStruct(p, fields!)};");
        }

        /// <summary>The struct type as the drivers name it: <c>D.V3</c>, <c>S.V3</c>.</summary>
        private static string StructOf(Precision p) => $"{Cls(p)}.{StructType.Name}";

        /// <summary>A struct value from the fields' entries of an array: <c>new D.V3 { X = r[0], Z = r[2] }</c> (missing fields as given).</summary>
        private static string NewStruct(Precision p, IEnumerable<(string Field, string Value)> fields)
            => $"new {StructOf(p)} {{ {string.Join(", ", fields.Select(f => $"{f.Field} = {(p == Precision.Double ? "" : "(float)")}{f.Value}"))} }}";

        /// <summary>Like <see cref="Arguments"/>, each argument with the parameter it is for (a struct parameter's: its first member's).</summary>
        private static List<(Param Q, string Arg)> ArgumentPairs(Writer w, Method m, Precision p, bool backward = false)
        {
            int ri = 0, si = 0, ni = 0, nsi = 0, bi = 0;
            var args = new List<(Param, string)>();
            var scalars = ScalarIndices(m);
            if (m.Instance) w.Line($"var {Self} = new {Cls(p)}{(m.Held ? "." + HeldLayers.Class : "")}();");
            foreach (var q in m.Params)
            {
                if (q.Result)
                {
                    // A struct result: no argument; the forward's driver writes its fields into s[si].
                    si++;
                    continue;
                }

                if (q.Struct is { } st)
                {
                    // A struct parameter: built from its members' entries of r, in the first member's place (missing fields zero);
                    // a span of structs from its members' spans in s.
                    if (q.InStructSpan) si++;
                    else ri++;
                    if (m.Members(st).First() != q) continue;
                    if (q.InStructSpan)
                    {
                        var at = SpanIndices(m);
                        PackStructs(w, p, st, "var", $"s[{at[q.Name]}].Length", m.Members(st).ToList(), (x, i) => $"s[{at[x.Name]}][{i}]");
                    }
                    else
                    {
                        w.Line($"var {st} = {NewStruct(p, m.Members(st).Select(x => (x.Member!, $"r[{scalars[x.Name]}]")))};");
                    }

                    args.Add((q, st));
                    continue;
                }

                if (q.Field)
                {
                    // The field takes the value its parameter would: set on the object, not passed.
                    string value = q.Kind switch
                    {
                        ParamKind.RealScalar => $"{Narrow(q, p)}r[{ri++}]",
                        ParamKind.OtherScalar => p == Precision.Double ? $"(float)r[{ri++}]" : $"r[{ri++}]",
                        ParamKind.RealSpanIn => InFloats(q, p) ? $"F(s[{si++}])" : $"s[{si++}]",
                        ParamKind.Size => $"n[{ni++}]",
                        ParamKind.IntSpan => $"ns[{nsi++}]",
                        ParamKind.Bool => $"b[{bi++}]",
                        _ => throw new System.ArgumentOutOfRangeException(nameof(m), q.Kind + " cannot be a field"),
                    };
                    w.Line(q.Held is { } member ? $"{Self}.{HeldLayers.Holder}.{member} = {value};" : $"{Self}.{q.Name} = {value};");
                    continue;
                }

                switch (q.Kind)
                {
                    case ParamKind.RealScalar:
                        args.Add((q, $"{Narrow(q, p)}r[{ri++}]"));
                        break;
                    case ParamKind.OtherScalar:
                        args.Add((q, p == Precision.Double ? $"(float)r[{ri++}]" : $"r[{ri++}]"));
                        break;
                    case ParamKind.RealOut:
                        // out double o: through the element of a one-element array (float twin: of its float copy).
                        if (p == Precision.Float) w.Line($"float[] f{si} = F(s[{si}]);");
                        if (!backward) args.Add((q, p == Precision.Double ? $"out s[{si}][0]" : $"out f{si}[0]"));
                        si++;
                        break;
                    case ParamKind.RealSpanIn or ParamKind.RealSpanOut:
                        if (InFloats(q, p))
                        {
                            w.Line($"float[] f{si} = F(s[{si}]);");
                            args.Add((q, $"f{si}"));
                        }
                        else
                        {
                            args.Add((q, $"s[{si}]"));
                        }

                        si++;
                        break;
                    case ParamKind.Size:
                        args.Add((q, $"n[{ni++}]"));
                        break;
                    case ParamKind.IntSpan:
                        args.Add((q, $"ns[{nsi++}]"));
                        break;
                    case ParamKind.Bool:
                        args.Add((q, $"b[{bi++}]"));
                        break;
                }
            }

            return args;
        }

        private static void CopyOutputsBack(Writer w, Method m, Precision p)
        {
            if (p == Precision.Double) return;
            int si = 0;
            foreach (var q in m.Params.Where(q => q.Kind is ParamKind.RealSpanIn or ParamKind.RealSpanOut or ParamKind.RealOut))
            {
                if (q.Kind is ParamKind.RealSpanOut or ParamKind.RealOut && !q.Result) w.Line($"Back(f{si}, s[{si}]);");
                si++;
            }
        }

        private static string Cls(Precision p) => p == Precision.Double ? CSharpPrinter.DoubleClass : CSharpPrinter.FloatClass;

        /// <summary>What a driver calls: <c>D.F</c>, or the layer object's <c>layer.F</c>.</summary>
        private static string Callee(Method m, Precision p) => m.Instance ? $"{Self}.{m.Name}" : $"{Cls(p)}.{m.Name}";

        /// <summary>The forward's callee: a generic method with its type argument, <c>D.F&lt;double&gt;</c> (the backwards are not generic).</summary>
        private static string ForwardCallee(Method m, Precision p) => Callee(m, p) + (m.IsGeneric ? $"<{T(p)}>" : "");

        /// <summary>The index in <c>s</c> of the struct result's pseudo-parameter.</summary>
        private static int ResultSpan(Method m)
            => m.Params.Where(q => q.Kind is ParamKind.RealSpanIn or ParamKind.RealSpanOut or ParamKind.RealOut).ToList().FindIndex(q => q.Result);

        private static string T(Precision p) => p == Precision.Double ? "double" : "float";

        /// <summary>
        /// A real scalar's type in twin <paramref name="p"/>: the twin's, the other for a float input of the double twin
        /// (<see cref="Param.Other"/>), double for a called method's double input (<see cref="Param.Wide"/>).
        /// </summary>
        private static string TypeOf(Param q, Precision p) => q.Other ? (p == Precision.Double ? "float" : "double") : q.Wide ? "double" : T(p);

        /// <summary>
        /// Whether span <paramref name="q"/> holds floats in twin <paramref name="p"/> — the float twin's spans, and a span of
        /// the other real type in the double twin (<see cref="Param.Other"/>): its arrays are float copies of the checker's.
        /// </summary>
        private static bool InFloats(Param q, Precision p) => (p == Precision.Float) != q.Other;

        /// <summary>The cast a double from the checker's arrays needs to become <paramref name="q"/>'s value: <c>(float)</c> or none.</summary>
        private static string Narrow(Param q, Precision p) => TypeOf(q, p) == "float" ? "(float)" : "";

        private static void Forward(Writer w, Method m, Precision p)
        {
            w.Line($"public static double {Name(m, p, "Forward")}({Common})");
            w.Open();
            var args = Arguments(w, m, p);
            // Every layer program's driver calls the generated ZeroGradients() (the backward's driver checks what it does).
            if (m.Instance) w.Line($"{Self}.ZeroGradients();");
            string call = $"{ForwardCallee(m, p)}({string.Join(", ", args)})";
            if (m.ReturnsReal)
            {
                w.Line($"double result = {call};");
            }
            else if (m.ReturnsStruct)
            {
                // A struct result: its fields are an output of length 3 for the checker.
                int k = ResultSpan(m);
                w.Line($"var res = {call};");
                for (int i = 0; i < StructType.Fields.Length; i++) w.Line($"s[{k}][{i}] = res.{StructType.Fields[i]};");
            }
            else
            {
                w.Line($"{call};");
            }

            CopyOutputsBack(w, m, p);
            w.Line(m.ReturnsReal ? "return result;" : "return 0;");
            w.Close();
        }

        /// <summary>What a struct parameter's gradient field that the method does not read starts as (and must end as).</summary>
        public const double Untouched = 0.5;

        /// <summary>How the message of a failed struct-gradient check starts.</summary>
        public const string StructCheck = "Struct check:";

        /// <summary>The gradient arguments (README step 4): <c>ref</c> locals for scalars, spans for span inputs.</summary>
        private static List<string> Gradients(Writer w, Method m, Precision p, List<string> after) => GradientPairs(w, m, p, after).Select(g => g.Arg).ToList();

        /// <summary>Like <see cref="Gradients"/>, each with its parameter (a struct's: its first member).</summary>
        private static List<(Param Q, string Arg)> GradientPairs(Writer w, Method m, Precision p, List<string> after)
        {
            var list = new List<(Param, string)>();
            int dri = 0, dsi = 0;
            var drOf = new Dictionary<string, int>();
            foreach (var q in m.Params.Where(q => q.IsDifferentiable && q.Kind == ParamKind.RealScalar)) drOf[q.Name] = drOf.Count;
            foreach (var q in m.Params.Where(q => q.IsDifferentiable))
            {
                if (q.Field)
                {
                    // Its gradient is the object's d-field (see LayerGradients); its place in dr/ds is kept.
                    if (q.Kind == ParamKind.RealScalar) dri++;
                    else dsi++;
                    continue;
                }

                if (q.InStructSpan)
                {
                    // Span<V3> dpts: its members' gradients in their places of ds, element by element; a field without a member
                    // starts at Untouched and must stay so.
                    dsi++;
                    if (m.Members(q.Struct!).First() != q) continue;
                    var members = m.Members(q.Struct!).ToList();
                    var at = GradientSpanIndices(m);
                    string g = "g" + q.Struct, i = "i_" + g, untouched = Untouched.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
                    PackStructs(w, p, g, "var", $"ds[{at[q.Name]}]!.Length", members, (x, k) => $"ds[{at[x.Name]}]![{k}]", untouched);
                    list.Add((q, g));
                    after.Add($"for (int {i} = 0; {i} < {g}.Length; {i}++) {{ {string.Join(" ", members.Select(x => $"ds[{at[x.Name]}]![{i}] = {g}[{i}].{x.Member};"))} }}");
                    foreach (var f in StructType.Fields.Where(f => members.All(x => x.Member != f)))
                    {
                        after.Add($"for (int {i} = 0; {i} < {g}.Length; {i}++) if ({g}[{i}].{f} != {untouched}) throw new InvalidOperationException(\"{StructCheck} the gradient of {q.Struct}[\" + {i} + \"].{f}, a field the method does not read, went from {Untouched} to \" + {g}[{i}].{f});");
                    }

                    continue;
                }

                if (q.Struct is { } st)
                {
                    // ref V3 dpt: its members' gradients in their places of dr; a field without a member starts at Untouched and,
                    // unless the method reads the struct whole, must stay so.
                    dri++;
                    if (m.Members(st).First() != q) continue;
                    var members = m.Members(st).ToList();
                    string g = "g" + st;
                    var fields = StructType.Fields.Select(f => members.FirstOrDefault(x => x.Member == f) is { } x ? (f, $"dr[{drOf[x.Name]}]") : (f, Untouched.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
                    w.Line($"var {g} = {NewStruct(p, fields)};");
                    list.Add((q, $"ref {g}"));
                    foreach (var x in members) after.Add($"dr[{drOf[x.Name]}] = {g}.{x.Member};");
                    if (!m.ReadsWhole(st))
                    {
                        foreach (var f in StructType.Fields.Where(f => members.All(x => x.Member != f)))
                        {
                            after.Add($"if ({g}.{f} != {Untouched.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}) throw new InvalidOperationException(\"{StructCheck} the gradient of {st}.{f}, a field the method does not read, went from {Untouched} to \" + {g}.{f});");
                        }
                    }

                    continue;
                }

                if (q.Kind == ParamKind.RealScalar)
                {
                    w.Line($"{TypeOf(q, p)} g{dri} = ({TypeOf(q, p)})dr[{dri}];");
                    list.Add((q, $"ref g{dri}"));
                    after.Add($"dr[{dri}] = g{dri};");
                    dri++;
                }
                else if (!InFloats(q, p))
                {
                    // A null array is an empty span: default, "not needed" (see Param.EmptyGradient).
                    list.Add((q, $"ds[{dsi++}]"));
                }
                else if (q.EmptyGradient)
                {
                    w.Line($"float[]? h{dsi} = ds[{dsi}] is null ? null : F(ds[{dsi}]);");
                    list.Add((q, $"h{dsi}"));
                    after.Add($"if (h{dsi} is not null) Back(h{dsi}, ds[{dsi}]);");
                    dsi++;
                }
                else
                {
                    w.Line($"float[] h{dsi} = F(ds[{dsi}]);");
                    list.Add((q, $"h{dsi}"));
                    after.Add($"Back(h{dsi}, ds[{dsi}]);");
                    dsi++;
                }
            }

            return list;
        }

        /// <summary>
        /// The gradients of a layer's fields (those the method reads: the generator declares <c>d</c> + name for them): before
        /// the call, with a prefill, spoil the d-fields, <c>ZeroGradients()</c>, check, copy the prefill in; after it, report
        /// the d-fields in the fields' places of <c>dr</c>/<c>ds</c> (a d-array not sized as its field fails).
        /// </summary>
        private static void LayerGradients(Writer w, Method m, Precision p, List<string> after, string what)
        {
            if (!m.Instance) return;
            var read = m.GradientFields.ToHashSet();
            var fields = new List<(Param Q, string G, int Si)>(); // a scalar's index in dr ("dr[k]") or an array's in ds ("ds[k]"), and the field's in s
            int dri = 0, dsi = 0, si = 0;
            foreach (var q in m.Params)
            {
                if (q.IsDifferentiable && read.Contains(q)) fields.Add((q, q.Kind == ParamKind.RealScalar ? $"dr[{dri}]" : $"ds[{dsi}]", si));
                if (q.IsDifferentiable && q.Kind == ParamKind.RealScalar) dri++;
                if (q.IsDifferentiable && q.Kind == ParamKind.RealSpanIn) dsi++;
                if (q.Kind is ParamKind.RealSpanIn or ParamKind.RealSpanOut or ParamKind.RealOut) si++;
            }

            if (fields.Count == 0) return;
            // An array field's elements are of its own type (float[] qf of a double layer: floats).
            string ElementOf(Param q) => InFloats(q, p) ? "float" : "double";
            w.Line($"bool prefilled = {string.Join(" || ", fields.Select(f => f.Q.Kind == ParamKind.RealScalar ? $"{f.G} != 0" : $"!Zero({f.G})"))};");
            w.Line("if (prefilled)");
            w.Open();
            foreach (var (q, g, fsi) in fields)
            {
                string d = $"{Self}.d{q.Name}";
                if (q.Kind == ParamKind.RealScalar)
                {
                    w.Line($"{d} = 7;");
                }
                else
                {
                    // Of the wrong length at odd lengths (ZeroGradients must reallocate), of the right one at even (it must clear).
                    w.Line($"{d} = new {ElementOf(q)}[s[{fsi}].Length + s[{fsi}].Length % 2];");
                    w.Line($"Array.Fill({d}, 7);");
                }
            }

            w.Line($"{Self}.ZeroGradients();");
            foreach (var (q, g, fsi) in fields)
            {
                string d = $"{Self}.d{q.Name}";
                if (q.Kind == ParamKind.RealScalar)
                {
                    w.Line($"if ({d} != 0) throw new InvalidOperationException(\"{LayerCheck} ZeroGradients() left d{q.Name} = \" + {d} + \", not 0\");");
                    w.Line($"{d} = {Narrow(q, p)}{g};");
                }
                else
                {
                    w.Line($"Cleared({d}, s[{fsi}].Length, \"d{q.Name}\");");
                    w.Line($"for (int i = 0; i < {g}.Length; i++) {d}[i] = {(ElementOf(q) == "float" ? "(float)" : "")}{g}[i];");
                }
            }

            w.Close();
            foreach (var (q, g, _) in fields)
            {
                string d = $"{Self}.d{q.Name}";
                after.Add(q.Kind == ParamKind.RealScalar ? $"{g} = {d};" : $"Report({d}, {g}, \"d{q.Name}\", \"{what}\");");
            }
        }

        private static void Backward(Writer w, Method m, Precision p)
        {
            w.Line($"public static void {Name(m, p, "Backward")}({Common}, double dResult, double[]?[] dy, double[] dr, double[][] ds)");
            w.Open();
            var args = Arguments(w, m, p, backward: true);
            if (m.ReturnsReal) args.Add(p == Precision.Double ? "dResult" : "(float)dResult");

            // Cotangents by output, in parameter order: an out parameter's is a scalar after dResult, a span's a span after those.
            var outputs = m.Params.Where(q => q.Kind is ParamKind.RealSpanOut or ParamKind.RealOut).ToList();
            for (int k = 0; k < outputs.Count; k++)
            {
                // A struct result's cotangent is dResult, a V3 (default: zeros).
                if (outputs[k].Result) args.Add($"dy[{k}] is {{ }} c{k} ? {NewStruct(p, StructType.Fields.Select((f, i) => (f, $"c{k}[{i}]")))} : default");
            }

            for (int k = 0; k < outputs.Count; k++)
            {
                if (outputs[k].Kind == ParamKind.RealOut && !outputs[k].Result) args.Add($"dy[{k}] is {{ }} c{k} ? ({T(p)})c{k}[0] : 0");
            }

            for (int k = 0; k < outputs.Count; k++)
            {
                if (outputs[k].Kind == ParamKind.RealSpanOut)
                {
                    args.Add(p == Precision.Double
                        ? $"dy[{k}] is {{ }} c{k} ? new ReadOnlySpan<double>(c{k}) : default"
                        : $"dy[{k}] is {{ }} c{k} ? new ReadOnlySpan<float>(F(c{k})) : default");
                }
            }

            var after = new List<string>();
            args.AddRange(Gradients(w, m, p, after));
            LayerGradients(w, m, p, after, "MBackward");
            w.Line($"{Callee(m, p)}Backward({string.Join(", ", args)});");
            foreach (var line in after) w.Line(line);
            w.Close();
        }

        /// <summary>The name README gives a gradient parameter: d + the parameter's name.</summary>
        public static string GradientName(Param q) => "d" + (q.Struct ?? q.Name);

        /// <summary>
        /// Whether MGradient keeps the method's default values (README: a run at the end that may all be optional): it has
        /// some, and every gradient is a span (a <c>ref</c> gradient cannot be optional), none named as a parameter — nor
        /// as a local of the body: the generator then renames the gradient too (<c>dw</c> → <c>dw2</c>), which README
        /// does not say, so the drivers do not call by those names.
        /// </summary>
        public static bool KeepsDefaults(Method m)
        {
            var names = m.Printed.Select(q => q.Struct ?? q.Name).ToHashSet();
            names.UnionWith(Measure.AllNames(m.Body));
            var gradients = m.Params.Where(q => q.IsDifferentiable && !q.Field).ToList();
            return m.ReturnsReal && m.Signature.Any(q => q.Default is not null)
                   && gradients.All(q => q.Kind == ParamKind.RealSpanIn && !names.Contains(GradientName(q)));
        }

        private static string DefaultLiteral(Param q, Precision p) => q.Kind switch
        {
            ParamKind.Bool => q.Default != 0 ? "true" : "false",
            ParamKind.Size => ((int)q.Default!.Value).ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => CSharpPrinter.Literal(q.Default!.Value, p),
        };

        private static void Gradient(Writer w, Method m, Precision p)
        {
            w.Line($"public static double {Name(m, p, "Gradient")}({Common}, double[] dr, double[][] ds)");
            w.Open();
            var args = ArgumentPairs(w, m, p);
            var after = new List<string>();
            var gradients = GradientPairs(w, m, p, after);
            LayerGradients(w, m, p, after, "MGradient");
            string all = string.Join(", ", args.Select(a => a.Arg).Concat(gradients.Select(g => g.Arg)));
            if (KeepsDefaults(m))
            {
                // MGradient keeps the defaults (README): where the drawn values are the defaults, leave them out and name the gradients.
                var defaulted = args.Where(a => a.Q.Default is not null).ToList();
                string test = string.Join(" && ", defaulted.Select(a => $"{a.Arg} == {DefaultLiteral(a.Q, p)}"));
                string shortCall = string.Join(", ", args.Where(a => a.Q.Default is null).Select(a => a.Arg).Concat(gradients.Select(g => $"{GradientName(g.Q)}: {g.Arg}")));
                w.Line("double result;");
                var empty = gradients.Where(g => g.Q.EmptyGradient).ToList();
                if (empty.Count > 0)
                {
                    // Gradients passed empty left out altogether: they default to empty, "not needed".
                    string omitted = string.Join(", ", args.Where(a => a.Q.Default is null).Select(a => a.Arg)
                        .Concat(gradients.Where(g => !g.Q.EmptyGradient).Select(g => $"{GradientName(g.Q)}: {g.Arg}")));
                    w.Line($"if ({test} && {string.Join(" && ", empty.Select(g => $"{g.Arg} is null"))}) result = {Callee(m, p)}Gradient({omitted});");
                    w.Write("else ");
                }

                w.Line($"if ({test}) result = {Callee(m, p)}Gradient({shortCall});");
                w.Line($"else result = {Callee(m, p)}Gradient({all});");
            }
            else
            {
                w.Line($"double result = {Callee(m, p)}Gradient({all});");
            }
            CopyOutputsBack(w, m, p);
            foreach (var line in after) w.Line(line);
            w.Line("return result;");
            w.Close();
        }

        private static void Tangent(Writer w, Method m, Precision p)
        {
            w.Line($"public static double {Name(m, p, "Tangent")}({Common}, double[] tr, double[]?[] ts, double[]?[] ty)");
            w.Open();
            var args = Arguments(w, m, p);
            int tri = 0, tsi = 0;
            var scalarIndex = new Dictionary<string, int>();
            foreach (var q in m.Params.Where(q => q.IsDifferentiable && q.Kind == ParamKind.RealScalar)) scalarIndex[q.Name] = tri++;
            var structsDone = new HashSet<string>();
            var read = m.GradientFields.ToHashSet();
            var fields = new List<string>();
            foreach (var q in m.Params.Where(q => q.IsDifferentiable))
            {
                bool scalar = q.Kind == ParamKind.RealScalar;
                int k = scalar ? scalarIndex[q.Name] : tsi++;
                string tangent = scalar ? $"{Narrow(q, p)}tr[{k}]"
                    : !InFloats(q, p) ? $"ts[{k}]" : $"ts[{k}] is {{ }} t{k} ? F(t{k}) : null";
                if (q.Field)
                {
                    // A layer's differentiable field the method reads: its tangent follows the parameters' (README), in field order.
                    if (read.Contains(q)) fields.Add(tangent);
                    continue;
                }

                if (q.InStructSpan)
                {
                    // A span of structs' tangent is one span of its structs, from its members' spans in ts (null: zeros; all
                    // null: default, an empty tangent, which is zero).
                    if (structsDone.Add(q.Struct!))
                    {
                        var members = m.Members(q.Struct!).ToList();
                        var at = GradientSpanIndices(m);
                        string t = "t" + q.Struct;
                        PackStructs(w, p, t, $"{StructOf(p)}[]?", $"{q.Struct}.Length", members, (x, i) => $"(ts[{at[x.Name]}]?[{i}] ?? 0)");
                        w.Line($"if ({string.Join(" && ", members.Select(x => $"ts[{at[x.Name]}] is null"))}) {t} = null;");
                        args.Add(t);
                    }

                    continue;
                }

                if (q.Struct is { } st)
                {
                    // A struct parameter's tangent is one struct of its type, from its members' entries of tr (other fields zero).
                    if (structsDone.Add(st)) args.Add(NewStruct(p, m.Members(st).Select(x => (x.Member!, $"tr[{scalarIndex[x.Name]}]"))));
                    continue;
                }

                args.Add(tangent);
            }

            args.AddRange(fields);

            // Output tangents by output (ty's places): a span output's tangent span, then an out result's out T tr each.
            var after = new List<string>();
            var outs = new List<string>();
            var outputs = m.Params.Where(q => q.Kind is ParamKind.RealSpanOut or ParamKind.RealOut).ToList();
            int structResult = -1;
            for (int k = 0; k < outputs.Count; k++)
            {
                if (outputs[k].Result)
                {
                    structResult = k; // a struct result's tangent is the struct MTangent returns
                }
                else if (outputs[k].Kind == ParamKind.RealOut)
                {
                    w.Line($"{T(p)} to{k};");
                    outs.Add($"out to{k}");
                    after.Add($"if (ty[{k}] is {{ }} o{k}) o{k}[0] = to{k};");
                }
                else if (p == Precision.Double)
                {
                    args.Add($"ty[{k}]");
                }
                else
                {
                    w.Line($"float[]? u{k} = ty[{k}] is {{ }} v{k} ? F(v{k}) : null;");
                    args.Add($"u{k}");
                    after.Add($"if (u{k} is not null) Back(u{k}, ty[{k}]!);");
                }
            }

            args.AddRange(outs);
            string call = $"{Callee(m, p)}Tangent({string.Join(", ", args)})";
            w.Line(m.ReturnsReal ? $"double result = {call};" : structResult >= 0 ? $"var tres = {call};" : $"{call};");
            CopyOutputsBack(w, m, p);
            foreach (var line in after) w.Line(line);
            if (structResult >= 0)
            {
                int k = structResult;
                w.Line($"if (ty[{k}] is {{ }} o{k}) {{ {string.Join(" ", StructType.Fields.Select((f, i) => $"o{k}[{i}] = tres.{f};"))} }}");
            }

            w.Line(m.ReturnsReal ? "return result;" : "return 0;");
            w.Close();
        }
    
        /// <summary><c>MJacobian</c> or <c>MHessian</c> (<paramref name="what"/>): the primal arguments and the matrix it fills.</summary>
        private static void Matrix(Writer w, Method m, Precision p, string what)
        {
            w.Line($"public static void {Name(m, p, what)}({Common}, double[] matrix)");
            w.Open();
            var args = Arguments(w, m, p);
            // The generated method's layout where it is not the checker's: a struct parameter's columns, several results' rows.
            bool mapped = m.Params.Any(q => q.Struct is not null && q.IsDifferentiable) || what == "Jacobian" && m.Params.Any(q => q.Kind == ParamKind.RealOut);
            if (mapped) Layout(w, m, what == "Hessian");
            // Its type: the twin's, or double where a float input meets double (README: a float converts exactly).
            bool floats = p == Precision.Float && !m.Params.Any(q => (q.Other || q.Wide) && q.IsDifferentiable && (!q.Field || m.GradientFields.Contains(q)));
            if (floats) w.Line(mapped ? "float[] fm = F(full);" : "float[] fm = F(matrix);");
            args.Add(!floats ? (mapped ? "full" : "matrix") : "fm");
            var kept = new List<string>();
            KeepGradientFields(w, m, p, what, kept);
            w.Line($"{Callee(m, p)}{what}({string.Join(", ", args)});");
            foreach (var line in kept) w.Line(line);
            CopyOutputsBack(w, m, p);
            if (floats) w.Line(mapped ? "Back(fm, full);" : "Back(fm, matrix);");
            if (mapped)
            {
                w.Line("for (int i = 0; i < rowMap.Count; i++) for (int j = 0; j < map.Count; j++) matrix[i * map.Count + j] = full[rowMap[i] * size + map[j]];");
            }

            w.Close();
        }

        /// <summary>
        /// README: MJacobian, MHessianVector and MHessian leave a layer's gradient fields as they were (MJacobian's backward
        /// sweeps accumulate into them and put them back): each d-field of a field the method reads is set to sevens (an
        /// array of its field's length) before the call, and the call fails if one holds anything else after.
        /// </summary>
        private static void KeepGradientFields(Writer w, Method m, Precision p, string what, List<string> after)
        {
            foreach (var q in m.GradientFields)
            {
                string d = $"{Self}.d{q.Name}";
                string fail = $"throw new System.InvalidOperationException(\"M{what} changed the layer's gradient field d{q.Name}\");";
                if (q.Kind == ParamKind.RealScalar)
                {
                    w.Line($"{d} = 7;");
                    after.Add($"if ({d} != 7) {fail}");
                }
                else
                {
                    w.Line($"{d} = System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Repeat(({(InFloats(q, p) ? "float" : "double")})7, {Self}.{q.Name}.Length));");
                    after.Add($"if ({d}.Length != {Self}.{q.Name}.Length || System.Linq.Enumerable.Any({d}, g => g != 7)) {fail}");
                }
            }
        }

        /// <summary>
        /// Where the generated MHessian's and MJacobian's entries are not the checker's: a struct parameter's columns are all
        /// three fields of V3, at the struct's place (the first member's), where the checker's are the members the method has,
        /// each at its own (a span of structs': each element's three fields, element after element, where the checker's are
        /// each member's span); MJacobian's rows are the returned value, then the other results (out results, a struct result's
        /// fields), then each element of each span output, where the checker's are the returned value, then the outputs in
        /// parameter order (a struct result last). <c>map</c> and <c>rowMap</c> take a checker column and row to the generated
        /// method's; <c>full</c> (rows × size, spoiled: every entry must be written; longer as <c>matrix</c> is) is what it fills.
        /// </summary>
        private static void Layout(Writer w, Method m, bool square)
        {
            w.Line("var map = new System.Collections.Generic.List<int>();");
            w.Line("int size = 0;");
            var placed = new HashSet<string>();
            string Place(string st, string size) // where a struct's (or a span of structs') columns start, at its first member
            {
                if (placed.Add(st)) w.Line($"int at_{st} = size; size += {size};");
                return "at_" + st;
            }

            var read = m.GradientFields.ToHashSet();
            foreach (bool fields in new[] { false, true }) // the parameters' columns, then those of the fields the method reads
            {
                int si = 0;
                foreach (var q in m.Params)
                {
                    bool column = q.IsDifferentiable && q.Field == fields && (!q.Field || read.Contains(q));
                    if (q.Kind is ParamKind.RealSpanIn or ParamKind.RealSpanOut or ParamKind.RealOut)
                    {
                        if (q.Kind == ParamKind.RealSpanIn && column)
                        {
                            if (q.Struct is { } ss)
                            {
                                // A span of structs: each element's X, Y, Z at the span's place, element after element.
                                string at = Place(ss, $"s[{si}].Length * {StructType.Fields.Length}");
                                w.Line($"for (int e = 0; e < s[{si}].Length; e++) map.Add({at} + e * {StructType.Fields.Length} + {StructType.Fields.IndexOf(q.Member!)});");
                            }
                            else
                            {
                                w.Line($"for (int e = 0; e < s[{si}].Length; e++) map.Add(size++);");
                            }
                        }

                        si++;
                    }
                    else if (q.Kind == ParamKind.RealScalar && column)
                    {
                        if (q.Struct is { } st)
                        {
                            w.Line($"map.Add({Place(st, StructType.Fields.Length.ToString())} + {StructType.Fields.IndexOf(q.Member!)});");
                        }
                        else
                        {
                            w.Line("map.Add(size++);");
                        }
                    }
                }
            }

            if (square)
            {
                w.Line("var rowMap = map;");
                w.Line("int rows = size;");
            }
            else
            {
                // The generated rows: the returned value, the results' block, then each span output's elements.
                var at = SpanIndices(m);
                var outputs = m.Params.Where(q => q.Kind is ParamKind.RealSpanOut or ParamKind.RealOut).ToList();
                int results = outputs.Where(q => q.Kind == ParamKind.RealOut).Sum(q => q.Result ? StructType.Fields.Length : 1);
                w.Line("var rowMap = new System.Collections.Generic.List<int>();");
                w.Line($"int rows = {(m.ReturnsReal ? 1 : 0)};");
                if (m.ReturnsReal) w.Line("rowMap.Add(0);");
                w.Line($"int at_results = rows; rows += {results};");
                foreach (var q in outputs.Where(q => q.Kind == ParamKind.RealSpanOut)) w.Line($"int at_{q.Name} = rows; rows += s[{at[q.Name]}].Length;");
                int k = 0;
                foreach (var q in outputs)
                {
                    if (q.Kind == ParamKind.RealSpanOut) w.Line($"for (int e = 0; e < s[{at[q.Name]}].Length; e++) rowMap.Add(at_{q.Name} + e);");
                    else if (q.Result) w.Line($"for (int f = 0; f < {StructType.Fields.Length}; f++) rowMap.Add(at_results + {k} + f);");
                    else w.Line($"rowMap.Add(at_results + {k});");
                    k += q.Kind == ParamKind.RealOut ? (q.Result ? StructType.Fields.Length : 1) : 0;
                }
            }

            w.Line("double[] full = new double[rows * size + (matrix.Length - rowMap.Count * map.Count)];");
            w.Line("System.Array.Fill(full, 7.25);");
        }

        private static void HessianVector(Writer w, Method m, Precision p)
        {
            w.Line($"public static void {Name(m, p, "HessianVector")}({Common}, double[] vr, double[]?[] vs, double[] hr, double[][] hs)");
            w.Open();
            var args = Arguments(w, m, p);
            var products = new List<string>();
            var after = new List<string>();
            int dri = 0, dsi = 0;
            var scalars = new Dictionary<string, int>();
            foreach (var q in m.Params.Where(q => q.IsDifferentiable && q.Kind == ParamKind.RealScalar)) scalars[q.Name] = scalars.Count;
            var index = m.Params.Where(q => q.IsDifferentiable).ToDictionary(q => q, q => q.Kind == ParamKind.RealScalar ? dri++ : dsi++); // in vr/hr or vs/hs
            // The parameters' directions and products, then those of the layer's fields the method reads (a field it does not
            // read has none).
            foreach (var q in ForwardMode.Inputs(m))
            {
                bool scalar = q.Kind == ParamKind.RealScalar;
                int k = index[q];
                if (q.InStructSpan)
                {
                    // A span of structs: direction ReadOnlySpan<V3> vpts (null: zeros; all null: default) and product Span<V3>
                    // hvpts, from and to its members' spans.
                    if (m.Members(q.Struct!).First() != q) continue;
                    var members = m.Members(q.Struct!).ToList();
                    var at = GradientSpanIndices(m);
                    string v = "v" + q.Struct, h = "h" + q.Struct, i = "i_" + h;
                    PackStructs(w, p, v, $"{StructOf(p)}[]?", $"{q.Struct}.Length", members, (x, e) => $"(vs[{at[x.Name]}]?[{e}] ?? 0)");
                    w.Line($"if ({string.Join(" && ", members.Select(x => $"vs[{at[x.Name]}] is null"))}) {v} = null;");
                    args.Add(v);
                    PackStructs(w, p, h, "var", $"{q.Struct}.Length", members, (x, e) => $"hs[{at[x.Name]}][{e}]");
                    products.Add(h);
                    after.Add($"for (int {i} = 0; {i} < {h}.Length; {i}++) {{ {string.Join(" ", members.Select(x => $"hs[{at[x.Name]}][{i}] = {h}[{i}].{x.Member};"))} }}");
                    continue;
                }

                if (q.Struct is { } st)
                {
                    // A struct parameter: direction Point3 va and product ref Point3 hva, from and to its members' places (README).
                    if (m.Members(st).First() != q) continue;
                    var members = m.Members(st).ToList();
                    args.Add(NewStruct(p, members.Select(x => (x.Member!, $"vr[{scalars[x.Name]}]"))));
                    w.Line($"var h{st} = {NewStruct(p, members.Select(x => (x.Member!, $"hr[{scalars[x.Name]}]")))};");
                    products.Add($"ref h{st}");
                    foreach (var x in members) after.Add($"hr[{scalars[x.Name]}] = h{st}.{x.Member};");
                    continue;
                }

                if (scalar)
                {
                    args.Add($"{Narrow(q, p)}vr[{k}]");
                    w.Line($"{TypeOf(q, p)} h{k} = ({TypeOf(q, p)})hr[{k}];");
                    products.Add($"ref h{k}");
                    after.Add($"hr[{k}] = h{k};");
                }
                else if (!InFloats(q, p))
                {
                    args.Add($"vs[{k}]");
                    products.Add($"hs[{k}]");
                }
                else
                {
                    args.Add($"vs[{k}] is {{ }} t{k} ? F(t{k}) : null");
                    w.Line($"float[] g{k} = F(hs[{k}]);");
                    products.Add($"g{k}");
                    after.Add($"Back(g{k}, hs[{k}]);");
                }
            }

            KeepGradientFields(w, m, p, "HessianVector", after);
            w.Line($"{Callee(m, p)}HessianVector({string.Join(", ", args.Concat(products))});");
            foreach (var line in after) w.Line(line);
            w.Close();
        }
    }
}
