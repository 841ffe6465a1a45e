using System.Collections.Generic;
using System.Linq;
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
    /// </summary>
    public static class DriverPrinter
    {
        public static string Unit(ProgramModel program, string ns)
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
            foreach (var m in program.Methods)
            {
                foreach (var p in new[] { Precision.Double, Precision.Float })
                {
                    Forward(w, m, p);
                    Backward(w, m, p);
                    if (m.ReturnsReal) Gradient(w, m, p);
                }
            }

            w.Close();
            w.Close();
            return w.ToString();
        }

        public static string Name(Method m, Precision p, string what) => $"{(p == Precision.Double ? "D" : "S")}_{m.Name}_{what}";

        private const string Common = "double[] r, double[][] s, int[] n, int[][] ns, bool[] b";

        /// <summary>Declares float copies of the spans (float twin) and returns the call's argument list.</summary>
        /// <param name="backward">For <c>MBackward</c>, which takes no out parameter (its cotangent comes after dResult).</param>
        private static List<string> Arguments(Writer w, Method m, Precision p, bool backward = false)
        {
            int ri = 0, si = 0, ni = 0, nsi = 0, bi = 0;
            var args = new List<string>();
            foreach (var q in m.Params)
            {
                switch (q.Kind)
                {
                    case ParamKind.RealScalar:
                        args.Add(p == Precision.Double ? $"r[{ri++}]" : $"(float)r[{ri++}]");
                        break;
                    case ParamKind.OtherScalar:
                        args.Add(p == Precision.Double ? $"(float)r[{ri++}]" : $"r[{ri++}]");
                        break;
                    case ParamKind.RealOut:
                        // out double o: through the element of a one-element array (float twin: of its float copy).
                        if (p == Precision.Float) w.Line($"float[] f{si} = F(s[{si}]);");
                        if (!backward) args.Add(p == Precision.Double ? $"out s[{si}][0]" : $"out f{si}[0]");
                        si++;
                        break;
                    case ParamKind.RealSpanIn or ParamKind.RealSpanOut:
                        if (p == Precision.Float)
                        {
                            w.Line($"float[] f{si} = F(s[{si}]);");
                            args.Add($"f{si}");
                        }
                        else
                        {
                            args.Add($"s[{si}]");
                        }

                        si++;
                        break;
                    case ParamKind.Size:
                        args.Add($"n[{ni++}]");
                        break;
                    case ParamKind.IntSpan:
                        args.Add($"ns[{nsi++}]");
                        break;
                    case ParamKind.Bool:
                        args.Add($"b[{bi++}]");
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
                if (q.Kind is ParamKind.RealSpanOut or ParamKind.RealOut) w.Line($"Back(f{si}, s[{si}]);");
                si++;
            }
        }

        private static string Cls(Precision p) => p == Precision.Double ? CSharpPrinter.DoubleClass : CSharpPrinter.FloatClass;

        private static string T(Precision p) => p == Precision.Double ? "double" : "float";

        private static void Forward(Writer w, Method m, Precision p)
        {
            w.Line($"public static double {Name(m, p, "Forward")}({Common})");
            w.Open();
            var args = Arguments(w, m, p);
            string call = $"{Cls(p)}.{m.Name}({string.Join(", ", args)})";
            if (m.ReturnsReal)
            {
                w.Line($"double result = {call};");
            }
            else
            {
                w.Line($"{call};");
            }

            CopyOutputsBack(w, m, p);
            w.Line(m.ReturnsReal ? "return result;" : "return 0;");
            w.Close();
        }

        /// <summary>The gradient arguments (README step 4): <c>ref</c> locals for scalars, spans for span inputs.</summary>
        private static List<string> Gradients(Writer w, Method m, Precision p, List<string> after)
        {
            var list = new List<string>();
            int dri = 0, dsi = 0;
            foreach (var q in m.Params.Where(q => q.IsDifferentiable))
            {
                if (q.Kind == ParamKind.RealScalar)
                {
                    w.Line($"{T(p)} g{dri} = ({T(p)})dr[{dri}];");
                    list.Add($"ref g{dri}");
                    after.Add($"dr[{dri}] = g{dri};");
                    dri++;
                }
                else if (p == Precision.Double)
                {
                    list.Add($"ds[{dsi++}]");
                }
                else
                {
                    w.Line($"float[] h{dsi} = F(ds[{dsi}]);");
                    list.Add($"h{dsi}");
                    after.Add($"Back(h{dsi}, ds[{dsi}]);");
                    dsi++;
                }
            }

            return list;
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
                if (outputs[k].Kind == ParamKind.RealOut) args.Add($"dy[{k}] is {{ }} c{k} ? ({T(p)})c{k}[0] : 0");
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
            w.Line($"{Cls(p)}.{m.Name}Backward({string.Join(", ", args)});");
            foreach (var line in after) w.Line(line);
            w.Close();
        }

        private static void Gradient(Writer w, Method m, Precision p)
        {
            w.Line($"public static double {Name(m, p, "Gradient")}({Common}, double[] dr, double[][] ds)");
            w.Open();
            var args = Arguments(w, m, p);
            var after = new List<string>();
            args.AddRange(Gradients(w, m, p, after));
            w.Line($"double result = {Cls(p)}.{m.Name}Gradient({string.Join(", ", args)});");
            CopyOutputsBack(w, m, p);
            foreach (var line in after) w.Line(line);
            w.Line("return result;");
            w.Close();
        }
    }
}
