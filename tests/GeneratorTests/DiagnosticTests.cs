using System;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using SymGrad.GeneratorTests.Infrastructure;
using Xunit;

namespace SymGrad.GeneratorTests
{
    /// <summary>
    /// One test per diagnostic ID: the ID, its exact location (the <c>[|…|]</c> span of the source), that it is an error
    /// with a help link, that its message names the construct and says what to do instead, and that no code is emitted
    /// for the method in question.
    /// </summary>
    public sealed class DiagnosticTests
    {
        private static string Wrap(string members) => $$"""
            using System;
            using SymGrad;

            namespace Demo;

            public static partial class K
            {
            {{members}}
            }
            """;

        private static string Body(string statements, string parameters = "double x, ReadOnlySpan<double> v, Span<double> y, int n")
            => Wrap($$"""
                    [Differentiable]
                    public static void M({{parameters}})
                    {
                {{statements}}
                    }
                """);

        private static string Scalar(string statements, string parameters = "double x, ReadOnlySpan<double> v, int n")
            => Wrap($$"""
                    [Differentiable]
                    public static double M({{parameters}})
                    {
                {{statements}}
                    }
                """);

        /// <summary>Runs, asserts the one <paramref name="id"/> at the marked span, and returns its message.</summary>
        private static string Expect(string source, string id, params string[] messageParts)
        {
            var result = GeneratorHarness.Run(source);
            Assert.Null(result.RunResult.Results[0].Exception);
            var d = GeneratorHarness.AssertDiagnostic(result, id);
            Assert.Equal(DiagnosticSeverity.Error, d.Severity);
            Assert.StartsWith("https://", d.Descriptor.HelpLinkUri, StringComparison.Ordinal);
            Assert.EndsWith("#" + id.ToLowerInvariant(), d.Descriptor.HelpLinkUri, StringComparison.Ordinal);
            string message = d.GetMessage(CultureInfo.InvariantCulture);
            foreach (var part in messageParts)
            {
                Assert.Contains(part, message, StringComparison.Ordinal);
            }

            return message;
        }

        // ── SG0001 ────────────────────────────────────────────────────────────────

        [Fact]
        public void SG0001_TypeNotPartial()
        {
            var message = Expect("""
                using SymGrad;

                public static class [|Plain|]
                {
                    [Differentiable]
                    public static double Square(double x) => x * x;
                }
                """, "SG0001");
            Assert.Equal("Type 'Plain' must be declared 'partial' so SymGrad can add the backward of 'Square' to it", message);
        }

        [Fact]
        public void SG0001_OuterTypeOfNestedTypeNotPartial()
        {
            var result = GeneratorHarness.Run("""
                using SymGrad;

                namespace Demo;

                public class [|Outer|]
                {
                    public static partial class Inner
                    {
                        [Differentiable]
                        public static double Square(double x) => x * x;
                    }
                }
                """);
            var d = GeneratorHarness.AssertDiagnostic(result, "SG0001");
            Assert.Contains("'Outer'", d.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            Assert.Empty(result.GeneratedSources);
        }

        // ── SG0002 ────────────────────────────────────────────────────────────────

        [Theory]
        [InlineData("public double Gain { get; set; }", "return x * [|Gain|];", "reads the property 'Gain'", "make it a field of K")]
        [InlineData("public double[] W = new double[2];", "[|W[0]|] = x; return x;", "writes its field 'W'", "write results to a Span<double> output")]
        [InlineData("public double A; public int dA;", "return x * A;", "needs the gradient field 'dA' (double)", "remove it (SymGrad declares the field)")]
        [InlineData("public double A;", "[|A|] = x; return x;", "assigns its field 'A'", "copy it into a local first")]
        [InlineData("public double x;", "return x * this.x;", "has a parameter named like its field 'x'", "rename one of them")]
        [InlineData("public double A; public void ZeroGradients() { }", "return x * A;", "whose ZeroGradients() clashes", "rename yours")]
        public void SG0002_LayerObjectState(string fields, string body, string problem, string instead)
        {
            // Markers go where the diagnostic points: a member, the write, or the method's name.
            string name = body.Contains("[|", StringComparison.Ordinal) || fields.Contains("dA", StringComparison.Ordinal) || fields.Contains("ZeroGradients", StringComparison.Ordinal) ? "M" : "[|M|]";
            fields = fields.Replace("public int dA;", "public int [|dA|];", StringComparison.Ordinal).Replace("void ZeroGradients", "void [|ZeroGradients|]", StringComparison.Ordinal);
            Expect($$"""
                using SymGrad;

                public partial class K
                {
                    {{fields}}

                    [Differentiable]
                    public double {{name}}(double x)
                    {
                        {{body}}
                    }
                }
                """, "SG0002", problem, instead);
        }

        [Fact]
        public void SG0002_StructFieldOfALayer()
        {
            Expect("""
                using SymGrad;

                public struct P2 { public double X, Y; }

                public partial class K
                {
                    public P2 Offset;

                    [Differentiable]
                    public double M(double x) => x * [|Offset|].X;
                }
                """, "SG0002", "reads the struct field 'Offset'", "mark it [NoDerivative] if it is a constant");
        }

        [Fact]
        public void SG0002_StructLayerMustDeclareItsGradientFields()
        {
            Expect("""
                using SymGrad;

                public partial struct K
                {
                    public double [|Slope|];

                    [Differentiable]
                    public double M(double x) => x * Slope;
                }
                """, "SG0002", "declare public double dSlope; next to 'Slope'", "a partial struct's fields must all be in one declaration");
        }

        [Fact]
        public void SG0002_BaseTypeField()
        {
            Expect("""
                using SymGrad;

                public class Base { public double Bias; }

                public partial class K : Base
                {
                    [Differentiable]
                    public double M(double x) => x + [|Bias|];
                }
                """, "SG0002", "reads the field 'Bias' of its base type Base", "declare the layer's parameters in K itself");
        }

        [Theory]
        [InlineData("return [|Norm(p)|];", "SG0006", "a call of a method taking structs of reals is differentiated when that method is a static, non-generic [Differentiable] one")]
        [InlineData("return [|Weighed(new Tagged { V = p.X, N = 2 })|];", "SG0006", "'t' of Weighed is passed field by field, so it must be a struct of float and double fields")]
        [InlineData("Point3 q = p; return [|q|].GetHashCode();", "SG0006", "a struct of reals is differentiated field by field")]
        [InlineData("return [|Twin(p)|].X;", "SG0006", "calls of methods that return structs of reals are differentiated when the method is [Differentiable]")]
        [InlineData("Tagged t = [|Tag(p.X)|]; return t.V;", "SG0006", "Tagged has fields that are not float or double, which a call's struct result does not carry; read its real fields one by one (Tag(p.X).V)")]
        [InlineData("Point3 q = [|new Point3(p.X)|]; return q.X;", "SG0006", "only constructors that assign fields from their parameters")]
        [InlineData("[|p.X|] = 1; return p.Y;", "SG0012", "Parameter 'p' is assigned")]
        public void SG0006_StructsOutsideTheSubset(string body, string id, string problem)
        {
            var result = GeneratorHarness.Run($$"""
                using SymGrad;

                public struct Point3
                {
                    public double X, Y, Z;
                    public Point3(double x) { X = x; Y = x * x; }
                }

                public struct Tagged
                {
                    public double V;
                    public int N;
                }

                public static partial class K
                {
                    static double Norm(Point3 p) => p.X;

                    [Differentiable]
                    public static double Weighed(Tagged t) => t.V * t.N;

                    static Point3 Twin(Point3 p) => p;

                    [Differentiable]
                    public static Tagged Tag(double v) => new Tagged { V = v, N = 2 };

                    [Differentiable]
                    public static double M(Point3 p)
                    {
                        {{body}}
                    }
                }
                """);
            var d = GeneratorHarness.AssertDiagnostic(result, id);
            Assert.Contains(problem, d.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        [Fact]
        public void SG0003_SpanOfStructsWritten()
        {
            Expect("""
                using System;
                using SymGrad;

                public struct P2 { public double X, Y; }

                public static partial class K
                {
                    [Differentiable]
                    public static void M(ReadOnlySpan<double> x, Span<P2> [|y|]) { y[0].X = x[0]; }
                }
                """, "SG0003", "spans and arrays of structs of reals are inputs for now");
        }

        [Fact]
        public void SG0003_StructWithProperties()
        {
            Expect("""
                using SymGrad;

                public record struct Point(double X, double Y);

                public static partial class K
                {
                    [Differentiable]
                    public static double M(Point [|p|]) => p.X;
                }
                """, "SG0003", "a struct's reals must be fields, not properties");
        }

        [Fact]
        public void SG0006_AnotherLayersMethodCalledInsideADifferentiableMethod()
        {
            // A layer's own methods and those of a layer held in a field are differentiated through (LayerCallTests,
            // HeldLayerTests); another object's, in a static field, is not.
            Expect("""
                using System;
                using SymGrad;

                public partial class K
                {
                    public double[] W = new double[2];
                    public static K Shared = new();

                    [Differentiable]
                    public void Forward(ReadOnlySpan<double> x, Span<double> y) { y[0] = W[0] * x[0]; }

                    [Differentiable]
                    public double Twice(ReadOnlySpan<double> x, Span<double> y)
                    {
                        [|Shared.Forward(x, y)|];
                        return y[0];
                    }
                }
                """, "SG0006", "a method of another layer object is differentiated when that object is held in an instance field of this one");
        }

        [Fact]
        public void SG0006_ALayerHeldInAProperty()
        {
            Expect("""
                using System;
                using SymGrad;

                public partial class Unit
                {
                    public double W = 2;

                    [Differentiable]
                    public double Score(double x) => W * x;
                }

                public partial class Net
                {
                    public Unit Head { get; set; } = new();

                    [Differentiable]
                    public double Loss(double x) => [|Head.Score(x)|] * x;
                }
                """, "SG0006", "not a static field, a local, a parameter, a property or a struct");
        }

        [Fact]
        public void SG0002_AHeldLayersFieldTheHolderCannotReach()
        {
            Expect("""
                using System;
                using SymGrad;

                public partial class Unit
                {
                    private double W = 2;

                    [Differentiable]
                    public double Score(double x) => W * x;
                }

                public partial class Net
                {
                    public Unit Head = new();

                    [Differentiable]
                    public double Loss(double x) => [|Head.Score(x)|] * x;
                }
                """, "SG0002", "reads the field 'W' (or its gradient) of Unit that Net cannot reach: make it internal or public");
        }

        [Fact]
        public void SG0002_AHeldLayersFieldNamedLikeAMemberOfTheHolder()
        {
            Expect("""
                using System;
                using SymGrad;

                public partial class Unit
                {
                    public double W = 2;

                    [Differentiable]
                    public double Score(double x) => W * x;
                }

                public partial class Net
                {
                    public Unit [|Head|] = new();
                    public double HeadW = 1;

                    [Differentiable]
                    public double Loss(double x) => Head.Score(x) * x;
                }
                """, "SG0002", "which SymGrad names HeadW in Net (its gradient dHeadW), and that name is taken");
        }

        [Fact]
        public void SG0006_ALayersOwnMethodWithSeveralResultsWritingAnOutput()
        {
            // A layer's methods with several results are read a result at a time (HeldLayerTests); one writing a Span output is not.
            Expect("""
                using System;
                using SymGrad;

                public partial class K
                {
                    public double W = 2;

                    [Differentiable]
                    public (double A, double B) Pair(double x, Span<double> y)
                    {
                        y[0] = x;
                        return (W * x, x);
                    }

                    [Differentiable]
                    public double M(double x, Span<double> y) => [|Pair(x, y)|].A + x;
                }
                """, "SG0006", "which has several results, is differentiated when it writes no Span outputs");
        }

        // ── SG0003 ────────────────────────────────────────────────────────────────

        [Theory]
        [InlineData("ref double [|x|]", "ref and in parameters (and out parameters other than float or double)")]
        [InlineData("out int [|x|]", "ref and in parameters (and out parameters other than float or double)")]
        [InlineData("in double [|x|]", "ref and in parameters (and out parameters other than float or double)")]
        [InlineData("string [|x|]", "use float or double")]
        [InlineData("double[,] [|x|]", "use float or double")]
        [InlineData("string[] [|x|]", "arrays may hold float or double")]
        [InlineData("object [|x|]", "use float or double")]
        [InlineData("ReadOnlySpan<string> [|x|]", "spans may hold float or double")]
        [InlineData("[NoDerivative] Span<double> [|x|]", "remove [NoDerivative]")]
        public void SG0003_UnsupportedParameter(string parameter, string advice)
        {
            var message = Expect(Wrap($$"""
                    [Differentiable]
                    public static double M(double a, {{parameter}}) => a;
                """), "SG0003", "Parameter 'x'", advice);
            Assert.StartsWith("Parameter 'x' of type '", message, StringComparison.Ordinal);
        }

        // ── SG0004 ────────────────────────────────────────────────────────────────

        [Theory]
        [InlineData("int")]
        [InlineData("bool")]
        [InlineData("decimal")]
        [InlineData("double[]")]
        [InlineData("ref double")]
        public void SG0004_UnsupportedReturnType(string type)
        {
            string body = type == "ref double" ? "throw new InvalidOperationException();" : "return default!;";
            Expect(Wrap($$"""
                    [Differentiable]
                    public static [|{{type}}|] M(double x) { {{body}} }
                """), "SG0004", "return float or double", "void (a layer writing Span outputs)");
        }

        [Theory]
        [InlineData("(double A, double B)", "return (x, x);")]
        [InlineData("P2", "return new P2 { X = x };")]
        public void SG0004_TupleOrStructWithOutResults(string type, string body)
        {
            Expect($$"""
                using SymGrad;

                public struct P2 { public double X, Y; }

                public static partial class K
                {
                    [Differentiable]
                    public static [|{{type}}|] M(double x, out double o) { o = x; {{body}} }
                }
                """, "SG0004", "a tuple or struct result and out parameters together are not supported yet");
        }

        // ── SG0005 ────────────────────────────────────────────────────────────────

        [Theory]
        [InlineData("try", "[|try|] { } finally { }", "wrapper")]
        [InlineData("throw", "if (n < 0) [|throw|] new ArgumentException();", "wrapper")]
        [InlineData("using", "[|using|] (var s = new System.IO.MemoryStream()) { }", "resources")]
        [InlineData("lock", "[|lock|] (typeof(K)) { }", "synchronisation")]
        [InlineData("checked", "[|checked|] { }", "remove the checked block")]
        public void SG0005_UnsupportedStatement(string what, string statement, string advice)
            => Expect(Body(statement), "SG0005", $"'{what}' statements cannot be differentiated", advice);

        /// <summary>What a switch is lowered to is an if/else chain: what has no if/else form is reported where it stands.</summary>
        [Theory]
        [InlineData("string k = \"a\"; [|switch|] (k) { case \"a\": y[0] = x; break; default: y[0] = 0; break; }", "SG0005", "switch on a number, an enum, a bool or a char")]
        [InlineData("switch (n) { case 0: if (x > 0) [|break;|] y[0] = x; break; default: y[0] = 1; break; }", "SG0005", "a break before the end of a switch section leaves the switch")]
        [InlineData("y[0] = x switch { [|double d|] => d };", "SG0006", "use constant (1, Kind.A), relational (< 0), and/or/not and discard (_) patterns")]
        [InlineData("y[0] = (object)x [|switch|] { double d => d, _ => 0 };", "SG0006", "switch on a number, an enum, a bool or a char")]
        public void SwitchOutsideTheSubset(string statement, string id, string message) => Expect(Body(statement), id, message);

        /// <summary>A local function is inlined where it is called: one that has no expression form is reported at the call.</summary>
        [Theory]
        [InlineData("double Sum(double a) { double t = 0; for (int i = 0; i < 3; i++) t += a; return t; }\n        y[0] = [|Sum(x)|];", "its body is not an expression or declarations ending in a return")]
        [InlineData("double acc = 0;\n        double Add(double a) => acc += a;\n        y[0] = [|Add(x)|];", "it assigns 'acc', declared outside it")]
        [InlineData("double Twice(ReadOnlySpan<double> a) => 2 * a[0];\n        y[0] = [|Twice(v)|];", "parameter 'a' is not a number passed by value")]
        [InlineData("double Fact(double a) => a < 1 ? 1 : a * [|Fact(a - 1)|];\n        y[0] = Fact(x);", "it calls itself")]
        public void LocalFunctionsThatCannotBeInlined(string statements, string problem)
            => Expect(Body(statements), "SG0006", "local functions are inlined where they are called, and " + problem, "make it a [Differentiable] static method");

        /// <summary>Several results are the method's own: calls of such methods are not differentiated yet, and a tuple is returned as a literal.</summary>
        [Fact]
        public void CallOfAMethodWithSeveralResults() => Expect(Wrap("""
                [Differentiable]
                public static double Half(double x, out double rest) { rest = x / 2; return x - rest; }

                [Differentiable]
                public static double M(double x) { return [|Half(x, out double r)|] * r; }
            """), "SG0006", "a call with several results is differentiated as a deconstruction (var (r, theta) = Polar(x, y);), one element");

        [Fact]
        public void SeveralResultsOfAMethodWritingOutputs() => Expect(Wrap("""
                [Differentiable]
                public static double Fill(double x, Span<double> y, out double last) { y[0] = x; last = 2 * x; return x * x; }

                [Differentiable]
                public static double M(double x, Span<double> y) { var s = [|Fill(x, y, out double l)|]; return s * l; }
            """), "SG0006", "a call of Fill, which has several results, is differentiated when it writes no Span outputs and takes no spans of structs");

        [Fact]
        public void SeveralResultsOfAGenericMethod() => Expect(Wrap("""
                [Differentiable]
                public static (T A, T B) Pair<T>(T x) where T : System.Numerics.IFloatingPointIeee754<T> => (x * x, x + x);

                [Differentiable]
                public static double M(double x) { var (a, b) = [|Pair(x)|]; return a * b; }
            """), "SG0006", "a call of a method with several results is differentiated when that method is a non-generic [Differentiable] one, static or of the layer itself or of a layer it holds in a field (Pair is not)");

        [Fact]
        public void ANestedDeconstruction() => Expect(Wrap("""
                [Differentiable]
                public static (double R, double Theta) Polar(double x, double y) => (x * y, x + y);

                [Differentiable]
                public static double M(double x) { var (a, b) = (x, x); (a, [|(b, a)|]) = (x, (x, x)); return a * b; }
            """), "SG0006", "deconstruct into locals, variables or discards, one level deep");

        [Fact]
        public void ATupleLocalPassedWhole() => Expect(Wrap("""
                [Differentiable]
                public static (double R, double Theta) Polar(double x, double y) => (x * y, x + y);

                public static double First((double, double) t) => t.Item1;

                [Differentiable]
                public static double M(double x) { var p = Polar(x, 2); return First([|p|]) * p.Theta; }
            """), "SG0006", "a tuple local is differentiated element by element: read or assign its elements (p.R, p.Item1)");

        [Fact]
        public void ATupleLocalOfAnotherValue() => Expect(Wrap("""
                public static (double R, double Theta) Polar(double x, double y) => (x * y, x + y);

                [Differentiable]
                public static double M(double x) { var p = [|Polar(x, 2)|]; return p.R * p.Theta; }
            """), "SG0006", "a tuple local's value is a call of a [Differentiable] method returning a tuple of as many elements, a tuple literal (a, b) or another tuple local");

        [Fact]
        public void TupleReturnedOtherwiseThanAsALiteral() => Expect(Wrap("""
                public static (double, double) Pair(double x) => (x, x);

                [Differentiable]
                public static (double A, double B) M(double x) { return [|Pair(x)|]; }
            """), "SG0006", "return a tuple literal, as in 'return (r, theta);'");

        /// <summary>Each pattern reads the value switched on again: a call writing outputs there would run once per pattern.</summary>
        [Fact]
        public void SwitchOnACallThatWritesOutputs() => Expect(Wrap("""
                [Differentiable]
                public static double Twice(Span<double> y, double x) { y[0] = x; return 2 * x; }

                [Differentiable]
                public static double M(Span<double> y, double x)
                {
                    [|switch|] (Twice(y, x)) { case > 0: return x; default: return 0; }
                }
            """), "SG0005", "store the call's result in a local and switch on the local");

        /// <summary>A goto needs a label, and a labeled statement is reported too.</summary>
        [Fact]
        public void SG0005_GotoAndItsLabel()
        {
            var result = GeneratorHarness.Run(Body("[|goto|] end;\n[|end: ;|]"));
            var all = result.GeneratorDiagnostics.Where(d => d.Id == "SG0005").OrderBy(d => d.Location.SourceSpan.Start).ToList();
            Assert.Equal(2, all.Count);
            Assert.Equal(result.Source.Spans[0], all[0].Location.SourceSpan);
            Assert.Equal("'goto' statements cannot be differentiated: use if/else, break or continue", all[0].GetMessage(CultureInfo.InvariantCulture));
            Assert.Equal(result.Source.Spans[1].Start, all[1].Location.SourceSpan.Start);
            Assert.Contains("'labeled' statements", all[1].GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        // ── SG0006 ────────────────────────────────────────────────────────────────

        [Theory]
        [InlineData("return x [|%|] 2.0;", "'%'", "no derivative rule")]
        [InlineData("return [|new double()|] + x;", "'new double()'", "outside the differentiable subset")]
        [InlineData("Func<double, double> [|f|] = a => a * a; return x;", "'System.Func<double, double> f'", "write a local function, as in 'double f(double v) => v * v;'")]
        [InlineData("double t = 0; t = x * ([|t = 2|]); return t;", "'t = 2'", "outside the differentiable subset")]
        [InlineData("double t = x; t [|%=|] 2; return t;", "'%='", "use =, +=")]
        [InlineData("[|Math.Exp(x)|]; return x;", "'Math.Exp(x)'", "assign it to a local")]
        [InlineData("int m = n + 1; m *= 2; double[] [|a|] = new double[m]; return x;", "'double[] a = new double[m]'", "reads the local 'm', which is not declared with a value the method keeps")]
        [InlineData("int m; m = n; double[] [|a|] = new double[m]; return x;", "'double[] a = new double[m]'", "reads the local 'm', which is not declared with a value the method keeps")]
        [InlineData("int m = n, k = 0; (m, k) = (k, m); double[] [|a|] = new double[m]; return x;", "'double[] a = new double[m]'", "reads the local 'm', which is not declared with a value the method keeps")]
        [InlineData("int m = (int)x; double[] [|a|] = new double[m]; return x;", "'double[] a = new double[m]'", "and 'x' is none of them")]
        [InlineData("double L(double u) { Span<double> a = stackalloc double[n]; return a[0] + u; } return [|L(x)|];", "'L(x)'", "its local 'a' is System.Span<double>, not a number (a buffer of the method's own is declared among its statements)")]
        [InlineData("switch (n) { case 1: Span<double> [|a|] = stackalloc double[n]; a[0] = x; return a[0]; default: return x; }", "'Span<double> a = stackalloc double[n]'", "not in a switch section; declare it before the switch")]
        [InlineData("for (int i = 1; i < n; i++) { double[] [|a|] = new double[i]; } return x;", "'double[] a = new double[i]'", "reads the loop counter 'i'; the generated methods lend the buffer, of one length, before the method runs")]
        [InlineData("n++; double[] [|a|] = new double[n]; return x;", "'double[] a = new double[n]'", "its length reads 'n', which the method changes")]
        [InlineData("Span<double> [|a|] = v.ToArray(); return x;", "'System.Span<double> a'", "buffers of the method's own (Span<double> h = stackalloc double[n];")]
        public void SG0006_UnsupportedExpression(string statements, string construct, string advice)
            => Expect(Scalar(statements), "SG0006", construct + " cannot be differentiated", advice);

        /// <summary>
        /// A result of a method taking a struct and keeping a local buffer: its callers would go through a flat twin of the
        /// result's method, not written over buffers yet — SG0006 at the call, saying what to pass instead.
        /// </summary>
        [Fact]
        public void SG0006_AResultOfAMethodTakingAStructWithALocalBuffer()
        {
            var result = GeneratorHarness.Run("""
                using System;
                using SymGrad;

                public struct P2 { public double X, Y; }

                public static partial class K
                {
                    [Differentiable]
                    public static double Spread(P2 p, int n, out double s)
                    {
                        var h = new double[n];
                        for (int i = 0; i < n; i++) h[i] = p.X * i + p.Y;
                        s = h[0] * h[0];
                        return h[n - 1];
                    }

                    [Differentiable]
                    public static double M(P2 p, int n)
                    {
                        double v = [|Spread(p, n, out double s)|];
                        return v * s;
                    }
                }
                """);
            var error = GeneratorHarness.AssertDiagnostic(result, "SG0006");
            Assert.Contains("takes structs and keeps local buffers: not differentiated yet; pass the structs' fields as float or double", error.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        /// <summary>A method returning a tuple keeps no local buffers yet (one with out results does): said where it is declared.</summary>
        [Fact]
        public void SG0006_ALocalBufferInAMethodReturningATuple()
            => Expect(Wrap("""
                    [Differentiable]
                    public static (double A, double B) M(double x, int n)
                    {
                        Span<double> [|a|] = stackalloc double[n];
                        a[0] = x;
                        return (a[0], x);
                    }
                """), "SG0006", "'Span<double> a = stackalloc double[n]' cannot be differentiated", "a method returning a tuple or a struct keeps no local buffers yet (out results may)");

        [Fact]
        public void SG0006_IncrementInsideAnExpression()
            => Expect(Body("y[0] = 2 * [|y[1]++|];"), "SG0006", "'y[1]++' cannot be differentiated");

        /// <summary>Code kept as written (here a rounding mode SymGrad has no rule for) must not hide a call that writes outputs.</summary>
        [Fact]
        public void SG0006_CallThatWritesOutputsInsideCodeKeptAsWritten()
            => Expect(Wrap("""
                    [Differentiable]
                    public static double Fill(double a, Span<double> y)
                    {
                        y[0] = a;
                        return a;
                    }

                    [Differentiable]
                    public static double M(double x, Span<double> y) => x * Math.Round([|Fill(x, y)|], MidpointRounding.AwayFromZero);
                """), "SG0006", "'Fill(x, y)' cannot be differentiated", "call it in a statement of its own first");

        // ── SG0007 ────────────────────────────────────────────────────────────────

        [Fact]
        public void SG0007_UserHelperWithoutDerivative()
        {
            var message = Expect(Wrap("""
                    public static double Helper(double a) => a * a;

                    [Differentiable]
                    public static double M(double x) => 1 + [|Helper(x)|];
                """), "SG0007");
            Assert.Equal(
                "Method 'K.Helper(double)' has no derivative: mark it [Differentiable]; or register a backward, in any type of this " +
                "compilation or of an assembly it references, as '[DerivativeOf(typeof(K), nameof(K.Helper))] " +
                "static void HelperBackward(double a, double dResult, ref double da)'; or mark the parameters it depends on [NoDerivative]",
                message);
        }

        /// <summary>
        /// An out result read by a call with no derivative (found by the random-program tester, 14Q47aT6WdT1: the call's
        /// derivative was dropped without a word — the out result was not seen as a differentiable read).
        /// </summary>
        [Fact]
        public void SG0007_AHelperReadingAnOutResult()
            => Expect(Wrap("""
                    public static double Helper(double a) => a * a;

                    [Differentiable]
                    public static double M(out double o, double x)
                    {
                        o = x * x;
                        return [|Helper(o)|] + o;
                    }
                """), "SG0007", "K.Helper(double)");

        /// <summary>
        /// A call with no derivative reading a local computed from the inputs (W27: the shift-invariance test took code kept as
        /// written for free of what it reads, so u — read only by the call — was found to leave the results unchanged, lost its
        /// activity, and the call's derivative was dropped without a word: 2·sin(a) where 2·sin(a) + 2a·cos(a)).
        /// </summary>
        [Fact]
        public void SG0007_AHelperReadingALocal()
            => Expect(Wrap("""
                    public static double Helper(double a) => a * 2;

                    [Differentiable]
                    public static double M(double x)
                    {
                        double u = Math.Sin(x);
                        return [|Helper(u)|] * x;
                    }
                """), "SG0007", "K.Helper(double)");

        /// <summary>
        /// A call with no derivative inside an inlined local function, reading its parameter (found while fixing the above: the
        /// parameter was not a read of the code kept as written, so the call's derivative was dropped without a word).
        /// </summary>
        [Fact]
        public void SG0007_AHelperInALocalFunction()
            => Expect(Wrap("""
                    public static double Helper(double a) => a * a;

                    [Differentiable]
                    public static double M(double x)
                    {
                        static double L(double t) => [|Helper(t)|] + t;
                        return L(x * x);
                    }
                """), "SG0007", "K.Helper(double)");

        [Fact]
        public void SG0007_MathFunctionOutsideTheSubset()
            => Expect(Wrap("""
                    [Differentiable]
                    public static double M(double x) => 2 * [|Math.ReciprocalSqrtEstimate(x)|];
                """), "SG0007", "Math.ReciprocalSqrtEstimate(double)", "nameof(Math.ReciprocalSqrtEstimate)");

        [Fact]
        public void SG0007_NumericTypeFunctionOutsideTheSubset()
            => Expect(Wrap("""
                    [Differentiable]
                    public static double M(double x) => double.Exp2(x) * [|double.ReciprocalEstimate(x)|];
                """), "SG0007", "double.ReciprocalEstimate(double)", "nameof(Double.ReciprocalEstimate)");

        // ── SG0008 ────────────────────────────────────────────────────────────────

        [Fact]
        public void SG0008_Recursion()
            => Expect(Wrap("""
                    [Differentiable]
                    public static double M(double x, int n) => n == 0 ? x : x * [|M(x, n - 1)|];
                """), "SG0008", "Method 'M' calls itself", "write it as a for loop");

        // ── SG0009 ────────────────────────────────────────────────────────────────

        [Theory]
        [InlineData("[|for|] (int i = 0; ; i++) { s += x; break; }", "needs a condition")]
        [InlineData("[|for|] (int i = 0, j = 0; i < n; i++, j++) { s += x; }", "exactly one integer counter")]
        [InlineData("int i = 0; [|for|] (i = 0; i < n; i++) { s += x; }", "exactly one integer counter")]
        [InlineData("[|for|] (double t = 0; t < n; t++) { s += x; }", "exactly one integer counter")]
        [InlineData("for (int i = 0; i < n; i++) { s += x; [|i|] += 2; }", "the body assigns the counter 'i'")]
        [InlineData("for (int i = 0; i < n; i++) { s += x; [|i|]++; }", "the body assigns the counter 'i'")]
        [InlineData("[|for|] (int i = 1; i < n; i *= 2) { s += x; }", "i++, i--, i += k or i -= k")]
        [InlineData("[|for|] (int i = 0; i < n; ) { s += x; }", "must change by one step per iteration")]
        [InlineData("[|foreach|] (double u in new[] { 1.0, 2.0 }) { s += u * x; }", "foreach runs over a span or array parameter or a part of one")]
        [InlineData("int k = n; [|foreach|] (double u in v[..k]) { s += u * x; k--; }", "the body changes 'k', which the part it runs over uses")]
        public void SG0009_UnsupportedLoop(string loop, string advice)
            => Expect(Scalar("double s = 0;\n" + loop + "\nreturn s;"), "SG0009", "This loop cannot be reversed", advice);

        // ── SG0010 ────────────────────────────────────────────────────────────────

        [Fact]
        public void SG0010_DerivativeOfWithTheWrongSignature()
        {
            var message = Expect("""
                using System;
                using SymGrad;

                public static class Ops
                {
                    public static double Cube(double x) => x * x * x;

                    [DerivativeOf(typeof(Ops), nameof(Cube))]
                    public static void [|CubeBackward|](double x, ref double dx) => dx += 3 * x * x;
                }
                """, "SG0010");
            Assert.Equal(
                "[DerivativeOf] method 'CubeBackward' does not match the backward of 'Ops.Cube'; expected: " +
                "static void CubeBackward(double x, double dResult, ref double dx)",
                message);
        }

        /// <summary>A registered tangent is checked against the MTangent signature: spans of tangents, outputs' tangents, the result.</summary>
        [Fact]
        public void SG0023_TangentOfWithTheWrongSignature()
            => Expect("""
                using System;
                using SymGrad;

                public static class Ops
                {
                    public static double Scale(ReadOnlySpan<double> x, Span<double> y, [NoDerivative] double k) => 0;

                    [TangentOf(typeof(Ops), nameof(Scale))]
                    public static double [|ScaleTangent|](ReadOnlySpan<double> x, Span<double> y, double k, Span<double> tx, Span<double> ty) => 0;
                }
                """, "SG0023",
                "[TangentOf] method 'ScaleTangent' does not match the forward mode of 'Ops.Scale'; expected: "
                + "static double ScaleTangent(ReadOnlySpan<double> x, Span<double> y, double k, ReadOnlySpan<double> tx, Span<double> ty)");

        /// <summary>A second order (the tangent of a registered backward) with the wrong signature: the ref gradient's tangent is a ref.</summary>
        [Fact]
        public void SG0023_ASecondOrderWithTheWrongSignature()
            => Expect("""
                using SymGrad;

                public static class Ops
                {
                    public static double Softplus(double x) => System.Math.Log(1 + System.Math.Exp(x));

                    [DerivativeOf(typeof(Ops), nameof(Softplus))]
                    public static void SoftplusBackward(double x, double dResult, ref double dx) => dx += dResult / (1 + System.Math.Exp(-x));

                    [TangentOf(typeof(Ops), nameof(SoftplusBackward))]
                    public static void [|SoftplusBackwardTangent|](double x, double dResult, ref double dx, double tx, ref double tdx) { }
                }
                """, "SG0023",
                "[TangentOf] method 'SoftplusBackwardTangent' does not match the forward mode of 'Ops.SoftplusBackward'; expected: "
                + "static void SoftplusBackwardTangent(double x, double dResult, ref double dx, double tx, double tdResult, ref double tdx)");

        [Fact]
        public void SG0010_SpanLayerSignatureIsSpelledOut()
            => Expect("""
                using System;
                using SymGrad;

                public static class Ops
                {
                    public static void Scale(ReadOnlySpan<double> x, Span<double> y, [NoDerivative] double k) { }

                    [DerivativeOf(typeof(Ops), nameof(Scale))]
                    public static void [|ScaleBackward|](ReadOnlySpan<double> x, Span<double> y, double k, ReadOnlySpan<double> dy, Span<double> dx) { }
                }
                """, "SG0010",
                "expected: static void ScaleBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double k, ReadOnlySpan<double> dy, Span<double> dx)");

        // ── SG0011 ────────────────────────────────────────────────────────────────

        [Fact]
        public void SG0011_DerivativeOfNamesNoMethod()
        {
            var message = Expect("""
                using SymGrad;

                public static class Ops
                {
                    public static double Cube(double x) => x * x * x;

                    [[|DerivativeOf(typeof(Ops), "Cub")|]]
                    public static void CubeBackward(double x, double dResult, ref double dx) => dx += 3 * x * x * dResult;
                }
                """, "SG0011");
            Assert.Equal("The [DerivativeOf] or [TangentOf] registration names 'Ops.Cub', which is not a static method of that type", message);
        }

        // ── SG0017 ────────────────────────────────────────────────────────────────

        [Theory]
        [InlineData("\"dy\"", "name one of \"dx\"")]
        [InlineData("\"x\"", "name one of \"dx\"")]
        public void SG0017_AssignsNamesNoSpanGradient(string assigns, string advice)
            => Expect($$"""
                using System;
                using SymGrad;

                public static class Ops
                {
                    public static void Scale(ReadOnlySpan<double> x, Span<double> y, [NoDerivative] double k) { }

                    [DerivativeOf(typeof(Ops), nameof(Scale))]
                    public static void ScaleBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double k, ReadOnlySpan<double> dy, Span<double> dx) { }

                    [[|DerivativeOf(typeof(Ops), nameof(Scale), Assigns = {{assigns}})|]]
                    public static void ScaleBackwardAssign(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double k, ReadOnlySpan<double> dy, Span<double> dx) { }
                }
                """, "SG0017", "'ScaleBackwardAssign' is registered with Assigns = " + assigns, advice);

        // ── SG0012 ────────────────────────────────────────────────────────────────

        [Theory]
        [InlineData("[|x|] = 2 * x; return x;")]
        [InlineData("[|x|] *= 2; return x;")]
        [InlineData("[|x|]++; return x;")]
        [InlineData("[|n|] = 3; return x * n;")]
        public void SG0012_ParameterAssigned(string statements)
            => Expect(Scalar(statements), "SG0012", "is assigned: copy it into a local first");

        // ── SG0013 ────────────────────────────────────────────────────────────────

        [Fact]
        public void SG0013_UnsafeMethod()
            => Expect(Wrap("""
                    [Differentiable]
                    public static unsafe double [|M|](double x) { double* p = &x; return *p; }
                """), "SG0013", "Method 'M' uses unsafe code", "use spans");

        [Fact]
        public void SG0013_UnsafeBlock()
            => Expect(Wrap("""
                    [Differentiable]
                    public static double [|M|](double x) { unsafe { } return x; }
                """), "SG0013", "Method 'M' uses unsafe code");

        // ── SG0014 ────────────────────────────────────────────────────────────────

        [Theory]
        [InlineData("<T>(double x) where T : struct")]
        [InlineData("<T, U>(double x) where T : System.Numerics.INumber<T> where U : System.Numerics.INumber<U>")]
        [InlineData("<T>(double x) where T : class")]
        [InlineData("<T>(double x) where T : System.Numerics.IBinaryInteger<T>")]
        public void SG0014_GenericMethodSymGradCannotInstantiate(string signature)
            => Expect(Wrap($$"""
                    [Differentiable]
                    public static double [|M|]{{signature}} => x;
                """), "SG0014", "Method 'M' is generic in a way SymGrad cannot instantiate", "where T : IFloatingPointIeee754<T>");

        [Fact]
        public void SG0009_LoopWhoseStepChangesInItsBody()
            => Expect(Scalar("""
                        double s = 0;
                        int step = 1;
                        for (int i = 0; i < n; i += [|step|])
                        {
                            s = s * x;
                            step = 2;
                        }

                        return s;
                """, "double x, int n"),
                "SG0009", "This loop cannot be reversed", "the body changes 'step'");

        /// <summary>A call without a derivative is fine when nothing differentiable flows into it.</summary>
        [Fact]
        public void CallWithoutDerivativeOnConstantsIsAConstant()
        {
            var result = GeneratorHarness.Run("""
                using System;
                using SymGrad;
                public static partial class K
                {
                    static double Helper(double a) => a * a;
                    [Differentiable]
                    public static double F(double x, [NoDerivative] double c) => x * Helper(c) + Math.Atan(c);
                }
                """);
            GeneratorHarness.AssertCompilesCleanly(result);
            Assert.Single(result.GeneratedSources);
        }

        [Fact]
        public void SG0016_OutputAccumulatedIntoAndReadBack()
            => Expect("""
                using System;
                using SymGrad;
                public static partial class K
                {
                    [Differentiable]
                    public static double [|F|](ReadOnlySpan<double> x, Span<double> y)
                    {
                        double s = 0;
                        for (int i = 0; i < x.Length; i++)
                        {
                            y[i] += x[i];
                            s += y[i] * y[i];
                        }

                        return s;
                    }
                }
                """, "SG0016", "Span output 'y' is accumulated into", "assign 'y' with '='");

        /// <summary>
        /// A call reading the span it writes (in place): the generated backward passed one span for the output's cotangent and
        /// the input's gradient, which its overlap check threw on when it ran, and an Nn primitive refuses it in the forward.
        /// </summary>
        [Fact]
        public void SG0025_ACallReadingTheSpanItWrites()
            => Expect("""
                using System;
                using SymGrad;
                public static partial class K
                {
                    [Differentiable]
                    public static void Square(ReadOnlySpan<double> x, double b, Span<double> r)
                    {
                        for (int i = 0; i < r.Length; i++)
                        {
                            r[i] = b * x[i] * x[i];
                        }
                    }

                    [Differentiable]
                    public static double F(ReadOnlySpan<double> x, Span<double> r, Span<double> z)
                    {
                        Square(x, 2, r);
                        [|Square(r, 2, r);|]
                        Square(r[..1], 2, z[..1]);
                        Square(r[..1], 3, r[1..2]);
                        return r[0] + z[0];
                    }
                }
                """, "SG0025", "The call passes 'r' to Square both as 'x', which it reads, and as 'r', which it writes", "write into another span");

        /// <summary>An Nn primitive in place, in a method keeping a local buffer.</summary>
        [Fact]
        public void SG0025_AnNnPrimitiveInPlaceOnALocalBuffer()
            => Expect("""
                using System;
                using SymGrad;
                public static partial class K
                {
                    [Differentiable]
                    public static double F(ReadOnlySpan<double> x)
                    {
                        Span<double> h = stackalloc double[x.Length];
                        Nn.Tanh(x, h);
                        [|Nn.Tanh(h, h);|]
                        return h[0];
                    }
                }
                """, "SG0025", "The call passes 'h' to Tanh both as 'x'", "as 'y', which it writes");

        /// <summary>An output read where the method may not have written that element yet (the caller's contents).</summary>
        [Fact]
        public void SG0018_OutputReadBeforeItIsWritten()
            => Expect("""
                using System;
                using SymGrad;
                public static partial class K
                {
                    [Differentiable]
                    public static double F(ReadOnlySpan<double> x, Span<double> y)
                    {
                        double s = 0;
                        for (int i = 0; i < x.Length; i++)
                        {
                            [|s += y[i] * x[i];|]
                            y[i] = x[i] * x[i];
                        }

                        return s;
                    }
                }
                """, "SG0018", "Span output 'y' is read ('y[i]') where the method may not have written that element yet", "read an element after");

        /// <summary>Reads after the loop that wrote every element, or of the element just written, are fine.</summary>
        [Fact]
        public void OutputReadAfterItIsWrittenIsFine()
        {
            var result = GeneratorHarness.Run("""
                using System;
                using SymGrad;
                public static partial class K
                {
                    [Differentiable]
                    public static double F(ReadOnlySpan<double> x, Span<double> y, int n)
                    {
                        double s = 0;
                        for (int i = 0; i < n; i++)
                        {
                            y[i] = Math.Tanh(x[i]);
                            s += y[i];
                        }

                        for (int i = 0; i < n; i++) s += y[n - 1 - i] * x[i];
                        return s;
                    }
                }
                """);
            GeneratorHarness.AssertCompilesCleanly(result);
        }

        /// <summary>
        /// A call of a generated derivative is differentiated again where SymGrad can (nested differentiation); where it
        /// cannot, a diagnostic that says why — never a silent skip. A span input's gradient is added to a Span output of the
        /// caller (SpanGradients): not to an input, which C# would not let it write either.
        /// </summary>
        /// <summary>
        /// A nested call of a method with local buffers is differentiated (its FTangentBackward and FTangentTangent lend them);
        /// its caller's Hessian-vector product, which takes F's third derivative, is not written through them yet — a stand-in
        /// says why, no SG0019.
        /// </summary>
        [Fact]
        public void ANestedCallOfAMethodWithLocalBuffers_HasNoHessianVectorProductAndSaysWhy()
        {
            var result = GeneratorHarness.Run("""
                using System;
                using SymGrad;
                public static partial class K
                {
                    [Differentiable]
                    public static double F(double a, double b)
                    {
                        Span<double> h = stackalloc double[2];
                        h[0] = a * b;
                        h[1] = Math.Sin(a);
                        return h[0] + h[1];
                    }

                    [Differentiable]
                    public static double G(double a)
                    {
                        double d = FTangent(a, a, 1, 0);
                        return d * a;
                    }
                }
                """);
            GeneratorHarness.AssertCompilesCleanly(result);
            string g = result.GeneratedSources["K.G.g.cs"];
            Assert.Contains("public static double GGradient(", g, StringComparison.Ordinal);
            Assert.Contains("public static double GTangent(", g, StringComparison.Ordinal);
            Assert.Contains("// Not generated: GHessianVector and GHessian (second order): it calls FTangent nested, whose pullback's tangent takes the third derivative", g, StringComparison.Ordinal);
            Assert.Contains("keeping no local buffers", g, StringComparison.Ordinal);
        }

        [Fact]
        public void SG0019_TheGradientOfASpanInputIntoAnInput()
            => Expect("""
                using System;
                using SymGrad;
                public static partial class K
                {
                    [Differentiable]
                    public static double F(ReadOnlySpan<double> x) => x[0] * x[1];

                    [Differentiable]
                    public static double G(ReadOnlySpan<double> x, ReadOnlySpan<double> g)
                    {
                        [|FGradient(x, g)|];
                        return x[0];
                    }
                }
                """, "SG0019", "'G' calls the generated 'FGradient'", "the gradient of F's span 'x' is added to a Span<double> output of G");

        /// <summary>The gradient added to the span F reads (FGradient refuses overlapping spans when it runs): refused where it is written.</summary>
        [Fact]
        public void SG0019_TheGradientOfASpanInputIntoWhatFReads()
            => Expect("""
                using System;
                using SymGrad;
                public static partial class K
                {
                    [Differentiable]
                    public static double F(ReadOnlySpan<double> x) => x[0] * x[1];

                    [Differentiable]
                    public static void G(ReadOnlySpan<double> x, Span<double> g)
                    {
                        for (int i = 0; i < g.Length; i++) g[i] = x[i];
                        [|FGradient(g, g)|];
                    }
                }
                """, "SG0019", "'G' calls the generated 'FGradient'", "the arguments of F read 'g' while its gradient is added to it");

        /// <summary>The seed read from the span the gradient is added to: refused as an argument F reads would be.</summary>
        [Fact]
        public void SG0019_TheSeedReadFromTheSpanTheGradientIsAddedTo()
            => Expect("""
                using System;
                using SymGrad;
                public static partial class K
                {
                    [Differentiable]
                    public static double F(ReadOnlySpan<double> x) => x[0] * x[1];

                    [Differentiable]
                    public static void G(ReadOnlySpan<double> x, Span<double> g)
                    {
                        for (int i = 0; i < g.Length; i++) g[i] = x[i];
                        [|FBackward(x, g[0], g)|];
                    }
                }
                """, "SG0019", "'G' calls the generated 'FBackward'", "the arguments of F read 'g' while its gradient is added to it");

        /// <summary>F calls a method with only a registered backward: it has no MTangent, so its tangent cannot be differentiated again.</summary>
        [Fact]
        public void SG0019_ACalleeWithoutAHessianVectorProduct()
            => Expect("""
                using System;
                using SymGrad;
                public static partial class K
                {
                    public static double Sq(double x) => x * x;

                    [DerivativeOf(typeof(K), nameof(Sq))]
                    public static void SqBackward(double x, double dResult, ref double dx) => dx += 2 * x * dResult;

                    [Differentiable]
                    public static double F(double x) => Sq(x) * x;

                    [Differentiable]
                    public static double G(double x)
                    {
                        double d = [|FTangent(x, 1)|];
                        return d * x;
                    }
                }
                """, "SG0019", "'G' calls the generated 'FTangent'", "'F' needs a generated FTangent and FHessianVector");

        /// <summary>A method writing outputs, F(x, y), its FBackward called nested right after F(x, y): differentiated (FBackwardOfX).</summary>
        [Fact]
        public void TheBackwardOfAMethodWritingOutputsAfterIt_IsDifferentiated()
            => GeneratorHarness.AssertCompilesCleanly(GeneratorHarness.Run(Writer + """
                    [Differentiable]
                    public static double G(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> y, Span<double> dx)
                    {
                        F(x, y);
                        for (int i = 0; i < dx.Length; i++)
                        {
                            dx[i] = 0;
                        }

                        FBackward(x, y, u, dx);
                        return dx[0];
                    }
                }
                """));

        /// <summary>FBackward of a method writing outputs where y is not F(x) just computed: its derivative would be of Jᵀ·dy at another y.</summary>
        [Fact]
        public void SG0019_TheBackwardOfAMethodWritingOutputsWithoutItsForward()
            => Expect(Writer + """
                    [Differentiable]
                    public static double G(ReadOnlySpan<double> x, Span<double> y, Span<double> dx)
                    {
                        for (int i = 0; i < dx.Length; i++)
                        {
                            dx[i] = 0;
                        }

                        [|FBackward(x, y, x, dx)|];
                        return dx[0];
                    }
                }
                """, "SG0019", "'G' calls the generated 'FBackward'", "reads 'y' as what F wrote: call F(x, y) right before it");

        /// <summary>FBackward of a method writing outputs after F(x, y), but y changed in between: refused as well.</summary>
        [Fact]
        public void SG0019_TheBackwardOfAMethodWritingOutputsWhoseOutputChanged()
            => Expect(Writer + """
                    [Differentiable]
                    public static double G(ReadOnlySpan<double> x, Span<double> y, Span<double> dx)
                    {
                        F(x, y);
                        y[0] = 2 * y[0];
                        for (int i = 0; i < dx.Length; i++)
                        {
                            dx[i] = 0;
                        }

                        [|FBackward(x, y, x, dx)|];
                        return dx[0];
                    }
                }
                """, "SG0019", "'G' calls the generated 'FBackward'", "reads 'y' as what F wrote", "nothing in between writing its arguments");

        /// <summary>FBackward of K.F right after another type's F of the same name and arguments: y is not K.F's values.</summary>
        [Fact]
        public void SG0019_TheBackwardOfAMethodWritingOutputsAfterAnotherTypesMethod()
            => Expect(Writer + """
                    [Differentiable]
                    public static double G(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> y, Span<double> dx)
                    {
                        for (int i = 0; i < dx.Length; i++)
                        {
                            dx[i] = 0;
                        }

                        Other.F(x, y);
                        [|FBackward(x, y, u, dx)|];
                        return dx[0];
                    }
                }

                public static partial class Other
                {
                    [Differentiable]
                    public static void F(ReadOnlySpan<double> x, Span<double> y)
                    {
                        for (int i = 0; i < y.Length; i++)
                        {
                            y[i] = x[i] * x[i];
                        }
                    }
                }
                """, "SG0019", "'G' calls the generated 'FBackward'", "reads 'y' as what F wrote");

        /// <summary>
        /// FBackward of a method writing two outputs, the second computed from what the first held before F (a constant of
        /// F's): the methods the call is read as run F again into scratch, where that would differ — refused.
        /// </summary>
        [Fact]
        public void SG0019_TheBackwardOfAMethodWritingTwoOutputs()
            => Expect("""
                using System;
                using SymGrad;
                public static partial class K
                {
                    [Differentiable]
                    public static void F(ReadOnlySpan<double> x, Span<double> y, Span<double> z)
                    {
                        for (int i = 0; i < z.Length; i++)
                        {
                            z[i] = Math.Sin(x[i]) * y[i];
                        }
                    }

                    [Differentiable]
                    public static double G(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> y, Span<double> z, Span<double> dx)
                    {
                        for (int i = 0; i < dx.Length; i++)
                        {
                            dx[i] = 0;
                        }

                        F(x, y, z);
                        [|FBackward(x, y, z, u, u, dx)|];
                        return dx[0];
                    }
                }
                """, "SG0019", "'G' calls the generated 'FBackward'", "'F' writes 2 outputs and reads 'y' without writing it", "run F again into scratch");


        /// <summary>FBackward of a method writing outputs with its cotangent left out (default): it adds nothing.</summary>
        [Fact]
        public void SG0019_TheBackwardOfAMethodWritingOutputsWithoutACotangent()
            => Expect(Writer + """
                    [Differentiable]
                    public static double G(ReadOnlySpan<double> x, Span<double> y, Span<double> dx)
                    {
                        F(x, y);
                        for (int i = 0; i < dx.Length; i++)
                        {
                            dx[i] = 0;
                        }

                        [|FBackward(x, y, default, dx)|];
                        return dx[0];
                    }
                }
                """, "SG0019", "'G' calls the generated 'FBackward'", "pass a span for the cotangent 'default'");

        /// <summary>
        /// FBackward of a method that writes outputs and returns a value, its seed a literal, F's value discarded: differentiated
        /// (FBackwardOfX takes the seed, and its pullback's tangent for the caller's Hessian-vector product).
        /// </summary>
        [Fact]
        public void TheBackwardOfAMethodWritingOutputsAndReturningAValue_IsDifferentiated()
            => GeneratorHarness.AssertCompilesCleanly(GeneratorHarness.Run("""
                using System;
                using SymGrad;
                public static partial class K
                {
                    [Differentiable]
                    public static double F(ReadOnlySpan<double> x, Span<double> y)
                    {
                        double s = 0;
                        for (int i = 0; i < y.Length; i++)
                        {
                            y[i] = Math.Sin(x[i]) * x[i];
                            s += y[i];
                        }

                        return s;
                    }

                    [Differentiable]
                    public static double G(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> y, Span<double> dx)
                    {
                        F(x, y);
                        for (int i = 0; i < dx.Length; i++)
                        {
                            dx[i] = 0;
                        }

                        FBackward(x, y, 1, u, dx);
                        return dx[0];
                    }
                }
                """));

        /// <summary>F's value assigned to one of its own arguments before FBackward reads it: the arguments are not F's any more.</summary>
        [Fact]
        public void SG0019_TheBackwardOfAMethodWhoseValueOverwritesItsArgument()
            => Expect("""
                using System;
                using SymGrad;
                public static partial class K
                {
                    [Differentiable]
                    public static double F(ReadOnlySpan<double> x, double a, Span<double> y)
                    {
                        for (int i = 0; i < y.Length; i++)
                        {
                            y[i] = Math.Sin(a * x[i]);
                        }

                        return a * a;
                    }

                    [Differentiable]
                    public static double G(ReadOnlySpan<double> x, double b, ReadOnlySpan<double> u, Span<double> y, Span<double> dx)
                    {
                        for (int i = 0; i < dx.Length; i++)
                        {
                            dx[i] = 0;
                        }

                        double a = b;
                        a = F(x, a, y);
                        double da = 0;
                        [|FBackward(x, a, y, 1, u, dx, ref da)|];
                        return dx[0] + da;
                    }
                }
                """, "SG0019", "'G' calls the generated 'FBackward'", "call F(x, a, y) right before it");

        /// <summary>FTangent of a method writing outputs with an output's tangent left out (default): its derivatives read it.</summary>
        [Fact]
        public void SG0019_ATangentOfAMethodWritingOutputsWithoutAnOutputsTangent()
            => Expect(Writer + """
                    [Differentiable]
                    public static double G(ReadOnlySpan<double> x, ReadOnlySpan<double> v, Span<double> y)
                    {
                        [|FTangent(x, y, v, default)|];
                        return y[0];
                    }
                }
                """, "SG0019", "'G' calls the generated 'FTangent'", "pass a span for 'ty', not default", "writes each output's tangent");

        /// <summary>FTangent of a method writing outputs with an out result: not yet read as a method of its own.</summary>
        [Fact]
        public void SG0019_ATangentOfAMethodWritingOutputsWithAnOutResult()
            => Expect("""
                using System;
                using SymGrad;
                public static partial class K
                {
                    [Differentiable]
                    public static void F(ReadOnlySpan<double> x, Span<double> y, out double s)
                    {
                        s = 0;
                        for (int i = 0; i < y.Length; i++)
                        {
                            y[i] = Math.Sin(x[i]);
                            s += x[i];
                        }
                    }

                    [Differentiable]
                    public static double G(ReadOnlySpan<double> x, ReadOnlySpan<double> v, Span<double> y, Span<double> ty)
                    {
                        [|FTangent(x, y, out double s, v, ty, out double ts)|];
                        return ty[0] + ts;
                    }
                }
                """, "SG0019", "'G' calls the generated 'FTangent'", "without out results");

        /// <summary>
        /// F writing outputs calls a registered function whose registered tangent has no registered backward of its own: its
        /// FTangent, read as a method, cannot be differentiated again (every Nn primitive's tangent has one: NnTangentCalls).
        /// </summary>
        [Fact]
        public void SG0019_ATangentOfAMethodWritingOutputsThatCallsARegisteredTangentWithoutABackward()
            => Expect("""
                using System;
                using SymGrad;
                public static class Ops
                {
                    public static void Cube(ReadOnlySpan<double> x, Span<double> y)
                    {
                        for (int i = 0; i < y.Length; i++) y[i] = x[i] * x[i] * x[i];
                    }

                    [DerivativeOf(typeof(Ops), nameof(Cube))]
                    public static void CubeBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx)
                    {
                        for (int i = 0; i < dx.Length; i++) dx[i] += 3 * x[i] * x[i] * dy[i];
                    }

                    [TangentOf(typeof(Ops), nameof(Cube))]
                    public static void CubeTangent(ReadOnlySpan<double> x, Span<double> y, ReadOnlySpan<double> tx, Span<double> ty)
                    {
                        Cube(x, y);
                        for (int i = 0; i < ty.Length; i++) ty[i] = 3 * x[i] * x[i] * tx[i];
                    }
                }

                public static partial class K
                {
                    [Differentiable]
                    public static void F(ReadOnlySpan<double> x, Span<double> h, Span<double> y)
                    {
                        Ops.Cube(x, h);
                        for (int i = 0; i < y.Length; i++)
                        {
                            y[i] = h[i] * x[i];
                        }
                    }

                    [Differentiable]
                    public static double G(ReadOnlySpan<double> x, ReadOnlySpan<double> v, Span<double> h, Span<double> th, Span<double> y, Span<double> ty)
                    {
                        [|FTangent(x, h, y, v, th, ty)|];
                        return ty[0];
                    }
                }
                """, "SG0019", "'G' calls the generated 'FTangent'", "it calls CubeTangent, a registered tangent without a registered backward of its own",
                "[DerivativeOf(typeof(Ops), nameof(Ops.CubeTangent))]");

        /// <summary>
        /// F writes outputs and calls a registered scalar function with no registered tangent: F's forward mode reads its
        /// derivative off its backward (<c>SoftplusBackward(x, 1, ref d)</c>), which FTangent's own derivatives took for a
        /// constant — G's gradient was silently wrong (no f″; found by hand, a contractive penalty). Where the backward has a
        /// registered tangent the partial becomes a method of SymGrad's (NnTangentCallCases.ReadOff); without one, SG0019,
        /// naming the registration to write.
        /// </summary>
        [Fact]
        public void SG0019_ATangentOfAMethodWritingOutputsThatCallsARegisteredFunctionWithoutATangentNorASecondOrder()
            => Expect("""
                using System;
                using SymGrad;
                public static class Smooth
                {
                    public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));

                    [DerivativeOf(typeof(Smooth), nameof(Softplus))]
                    public static void SoftplusBackward(double x, double dResult, ref double dx) => dx += dResult / (1 + Math.Exp(-x));
                }

                public static partial class K
                {
                    [Differentiable]
                    public static void F(ReadOnlySpan<double> x, Span<double> y)
                    {
                        for (int i = 0; i < y.Length; i++)
                        {
                            y[i] = Smooth.Softplus(x[i]) * x[i];
                        }
                    }

                    [Differentiable]
                    public static double G(ReadOnlySpan<double> x, ReadOnlySpan<double> v, Span<double> y, Span<double> ty)
                    {
                        [|FTangent(x, y, v, ty)|];
                        return ty[0] * ty[0];
                    }
                }
                """, "SG0019", "'G' calls the generated 'FTangent'", "it calls Smooth.Softplus, whose tangent SymGrad reads off its registered backward (Smooth.SoftplusBackward), which has no registered tangent",
                "[TangentOf(typeof(Smooth), nameof(Smooth.SoftplusBackward))]");

        /// <summary>
        /// H writes outputs and calls TTangent nested: F calling H is differentiated (deriving it read H's FTangent as a method,
        /// which threw: SG9999 at F — found by the random-program tester, eDCf_9nAsUw1), and G calling HTangent nested is SG0019,
        /// a third derivative.
        /// </summary>
        private const string CallsATangentNested = """
            using System;
            using SymGrad;
            public static partial class K
            {
                [Differentiable]
                public static void T(ReadOnlySpan<double> x, Span<double> y)
                {
                    for (int i = 0; i < y.Length; i++)
                    {
                        y[i] = Math.Sin(x[i]) * x[i];
                    }
                }

                [Differentiable]
                public static void H(ReadOnlySpan<double> x, Span<double> y, Span<double> ty)
                {
                    TTangent(x, y, x, ty);
                }

                [Differentiable]
                public static double F(ReadOnlySpan<double> x, Span<double> y, Span<double> ty)
                {
                    H(x, y, ty);
                    return ty[0] * ty[0];
                }

            """;

        [Fact]
        public void AMethodWritingOutputsThatCallsATangentNested_IsDifferentiated()
            => GeneratorHarness.AssertCompilesCleanly(GeneratorHarness.Run(CallsATangentNested + "}"));

        [Fact]
        public void SG0019_ATangentOfAMethodCallingATangentNested()
            => Expect(CallsATangentNested + """
                    [Differentiable]
                    public static double G(ReadOnlySpan<double> x, ReadOnlySpan<double> v, Span<double> y, Span<double> ty, Span<double> ty2, Span<double> tty)
                    {
                        [|HTangent(x, y, ty, v, ty2, tty)|];
                        return tty[0];
                    }
                }
                """, "SG0019", "'G' calls the generated 'HTangent'", "it calls TTangentTangent", "a third derivative");

        /// <summary>FTangent of a generic method writing outputs: not yet read as a method of its own (its methods are overloads per real type).</summary>
        [Fact]
        public void SG0019_ATangentOfAGenericMethodWritingOutputs()
            => Expect("""
                using System;
                using System.Numerics;
                using SymGrad;
                public static partial class K
                {
                    [Differentiable]
                    public static void F<T>(ReadOnlySpan<T> x, Span<T> y) where T : IFloatingPointIeee754<T>
                    {
                        for (int i = 0; i < y.Length; i++)
                        {
                            y[i] = T.Sin(x[i]) * x[i];
                        }
                    }

                    [Differentiable]
                    public static double G(ReadOnlySpan<double> x, ReadOnlySpan<double> v, Span<double> y, Span<double> ty)
                    {
                        [|FTangent(x, y, v, ty)|];
                        return ty[0];
                    }
                }
                """, "SG0019", "'G' calls the generated 'FTangent'", "not generic or overloaded");

        /// <summary>FTangent of a method writing outputs that checkpoints its loops: read as a method of its own, which keeps the setting.</summary>
        [Fact]
        public void ATangentOfACheckpointedMethodWritingOutputs_IsDifferentiated()
            => GeneratorHarness.AssertCompilesCleanly(GeneratorHarness.Run("""
                using System;
                using SymGrad;
                public static partial class K
                {
                    [Differentiable(CheckpointLoops = true)]
                    public static void F(ReadOnlySpan<double> x, Span<double> y, int steps)
                    {
                        for (int i = 0; i < y.Length; i++)
                        {
                            y[i] = x[i];
                        }

                        for (int t = 0; t < steps; t++)
                        {
                            for (int i = 0; i < y.Length; i++)
                            {
                                y[i] = Math.Sin(y[i]);
                            }
                        }
                    }

                    [Differentiable]
                    public static double G(ReadOnlySpan<double> x, ReadOnlySpan<double> v, Span<double> y, Span<double> ty)
                    {
                        FTangent(x, y, 3, v, ty);
                        return ty[0];
                    }
                }
                """));

        /// <summary>A method writing an output, F(x, y): y = sin(x)·x.</summary>
        private const string Writer = """
            using System;
            using SymGrad;
            public static partial class K
            {
                [Differentiable]
                public static void F(ReadOnlySpan<double> x, Span<double> y)
                {
                    for (int i = 0; i < y.Length; i++)
                    {
                        y[i] = Math.Sin(x[i]) * x[i];
                    }
                }

            """;

        /// <summary>FTangent in a switch expression's arm (found by the random-program tester, N5: the other arms' derivatives were lost, silently).</summary>
        [Fact]
        public void SG0019_ATangentInASwitchArm()
            => Expect("""
                using System;
                using SymGrad;
                public static partial class K
                {
                    [Differentiable]
                    public static double F(double x) => x * x * x;

                    [Differentiable]
                    public static double G(double x, int n)
                    {
                        double d = n switch { 0 => x * x, _ => [|FTangent(x, 1)|] };
                        return d * x;
                    }
                }
                """, "SG0019", "'G' calls the generated 'FTangent'", "a switch", "assign it to a local first");

        /// <summary>
        /// FTangent as the argument of a call with overloads to choose between by its type (N1: was a misleading "does not
        /// bind" SG0006). With one candidate (Math.Tanh, a method of one's own) the call is read as that method's.
        /// </summary>
        [Fact]
        public void SG0019_ATangentAsACallsArgument()
            => Expect("""
                using System;
                using SymGrad;
                public static partial class K
                {
                    [Differentiable]
                    public static double F(double x) => x * x * x;

                    [Differentiable]
                    public static double G(double x) => Math.Max([|FTangent(x, 1)|], x) * x;
                }
                """, "SG0019", "'G' calls the generated 'FTangent'", "a call's argument", "assign it to a local first");

        /// <summary>FTangent as the argument a generic method infers T from: the call has no candidate to read it as.</summary>
        [Fact]
        public void SG0019_ATangentAGenericCallInfersItsTypeFrom()
            => Expect("""
                using System;
                using System.Numerics;
                using SymGrad;
                public static partial class K
                {
                    [Differentiable]
                    public static double F(double x) => x * x * x;

                    [Differentiable]
                    public static T Sq<T>(T x) where T : IFloatingPointIeee754<T> => x * x;

                    [Differentiable]
                    public static double G(double x) => Sq([|FTangent(x, 1)|]) * x;
                }
                """, "SG0019", "'G' calls the generated 'FTangent'", "a call's argument", "assign it to a local first");

        /// <summary>FGradient inside a larger expression: its gradients have no statement to accumulate in.</summary>
        [Fact]
        public void SG0019_AGradientCallInsideAnExpression()
            => Expect(CallerOfF("double dx = 0; return 2 * [|FGradient(x, ref dx)|] + dx;"), "SG0019", "'G' calls the generated 'FGradient'", "call FGradient as a statement");

        /// <summary>A class with F(x) = x³ and a [Differentiable] G(x) whose body is <paramref name="statements"/>.</summary>
        private static string CallerOfF(string statements) => $$"""
            using System;
            using SymGrad;
            public static partial class K
            {
                [Differentiable]
                public static double F(double x) => x * x * x;

                [Differentiable]
                public static double G(double x)
                {
                    {{statements}}
                }
            }
            """;

        /// <summary>
        /// A call of a generated method of higher order (FHessianVector, FTangentTangent, FJacobian…) binds once SymGrad has
        /// added it, so the caller compiled without a word and had no derivatives (found by trying it as a user would).
        /// </summary>
        [Theory]
        [InlineData("double h = 0; [|FHessianVector(x, 1.0, ref h)|]; return h * x;", "'FHessianVector'")]
        [InlineData("double t = [|FTangentTangent(x, 1.0, 1.0, 0.0)|]; return t * x;", "'FTangentTangent'")]
        [InlineData("double d = 0, dt = 0; [|FTangentBackward(x, 1.0, 1.0, ref d, ref dt)|]; return d * x;", "'FTangentBackward'")]
        [InlineData("[|K.FHessian(x, default)|]; return x;", "'FHessian'")]
        public void SG0019_AGeneratedMethodOfHigherOrder(string statements, string name)
            => Expect(CallerOfF(statements), "SG0019", "'G' calls the generated " + name, "differentiates calls of FTangent, FGradient and FBackward again", "outside the [Differentiable] method");

        /// <summary>
        /// [Differentiable] where SymGrad adds nothing — a method without a body, a local function, a lambda, an operator, an
        /// accessor — had no derivatives and no word.
        /// </summary>
        [Theory]
        [InlineData("public static partial class K { [Differentiable] public static partial double [|F|](double x); public static partial double F(double x) => x * x; }",
            "'F' (a partial method's declaration, without its body)", "on its implementing declaration")]
        [InlineData("public abstract partial class K { [Differentiable] public abstract double [|F|](double x); }", "'F' (an abstract method, without a body)", "mark the methods that have a body")]
        [InlineData("public partial interface K { [Differentiable] double [|F|](double x); }", "'F' (an interface method, without a body)", "mark the methods that have a body")]
        [InlineData("public static partial class K { public static double G(double y) { [Differentiable] static double [|F|](double x) => x * x; return F(y); } }",
            "'F' (a local function)", "differentiated where it is called")]
        [InlineData("public static partial class K { public static System.Func<double, double> G = [|[Differentiable] (double x) => x * x|]; }", "'(double x) => …' (a lambda)", "a static method of a partial type")]
        [InlineData("public partial struct K { public double X; [Differentiable] public static K operator [|*|](K a, double k) => new K { X = a.X * k }; }", "'operator *' (an operator)", "the operator calls")]
        [InlineData("public static partial class K { public static double P { [Differentiable] [|get|] => 3.0; } }", "'P { get }' (a property accessor)", "the accessor calls")]
        public void SG0024_NoMethodToAddDerivativesBeside(string type, string what, string fix)
            => Expect("using SymGrad;\n" + type, "SG0024", what + " gets no derivatives", fix);

        /// <summary>The attribute on a partial method's implementing declaration: differentiated as any method.</summary>
        [Fact]
        public void APartialMethodsImplementationIsDifferentiated()
        {
            var result = GeneratorHarness.Run("""
                using SymGrad;
                public static partial class K
                {
                    public static partial double F(double x);

                    [Differentiable]
                    public static partial double F(double x) => x * x;
                }
                """);
            Assert.Empty(result.RunResult.Diagnostics);
            Assert.Contains(result.GeneratedSources.Values, s => s.Contains("FGradient(double x, ref double dx)", StringComparison.Ordinal));
        }

        /// <summary>A generated method named but not called in a differentiable method: its error went once generated, and G had no derivatives and no word.</summary>
        [Theory]
        [InlineData("double k = nameof([|FGradient|]).Length; return k * x;")]
        [InlineData("System.Func<double, double, double> t = K.[|FTangent|]; return x;")]
        public void SG0019_AGeneratedMethodNamedNotCalled(string statements)
            => Expect(CallerOfF(statements), "SG0019", "'G' calls the generated 'F", "named otherwise (nameof, a method group)");

        /// <summary>A layer's generated method called through <c>this.</c>: was skipped without a word (the call's owner is an object, not a type).</summary>
        [Fact]
        public void SG0019_AnInstanceMethodsTangentThroughThis()
            => Expect("""
                using System;
                using SymGrad;
                public partial class L
                {
                    public double W;

                    [Differentiable]
                    public double F(double x) => W * x * x;

                    [Differentiable]
                    public double G(double x)
                    {
                        double t = [|this.FTangent(x, 1.0, 0.0)|];
                        return t * x;
                    }
                }
                """, "SG0019", "'G' calls the generated 'FTangent'", "must be a static");

        // ── SG0022 ────────────────────────────────────────────────────────────────

        [Theory]
        [InlineData("CheckpointLoops = true, [|Snapshots = -2|]", "[Differentiable(Snapshots = …)] is -2: it is 0 (the default) or positive")]
        [InlineData("CheckpointLoops = true, [|CheckpointAbove = -1|]", "[Differentiable(CheckpointAbove = …)] is -1")]
        [InlineData("[|Snapshots = 8|]", "[Differentiable(Snapshots = …)] has no effect without CheckpointLoops = true")]
        [InlineData("[|CheckpointAbove = 1000|]", "[Differentiable(CheckpointAbove = …)] has no effect without CheckpointLoops = true")]
        public void SG0022_CheckpointSetting(string settings, string message)
            => Expect(Wrap($$"""
                    [Differentiable({{settings}})]
                    public static double M(ReadOnlySpan<double> x, double a)
                    {
                        double h = 0;
                        for (int t = 0; t < x.Length; t++) h = Math.Tanh(a * h + x[t]);
                        return h;
                    }
                """), "SG0022", message);

        /// <summary>
        /// A checkpointed loop writing a sequence y[t] that no step reads before writing it: y is no state (rerun steps write
        /// the same elements again), so its snapshots hold h alone; y is saved once, before the loop, for the reverse sweep
        /// before it.
        /// </summary>
        [Fact]
        public void CheckpointedLoopWritingASequenceSnapshotsItsScalarsOnly()
        {
            var result = GeneratorHarness.Run(Wrap("""
                    [Differentiable(CheckpointLoops = true)]
                    public static void M(ReadOnlySpan<double> x, double a, Span<double> y)
                    {
                        double h = 0;
                        for (int t = 0; t < x.Length; t++)
                        {
                            h = Math.Tanh(a * h + x[t]);
                            y[t] = h;
                            y[t] = y[t] * h;
                        }
                    }
                """));
            GeneratorHarness.AssertCompilesCleanly(result);
            string backward = result.RunResult.GeneratedTrees[0].ToString();
            Assert.Contains("Revolve", backward, StringComparison.Ordinal);
            Assert.Contains("from snapshots of the state (h)", backward, StringComparison.Ordinal);
            Assert.Contains(".PushAll(yWork);", backward, StringComparison.Ordinal); // once, before the start's snapshot: the reruns overwrite y
            Assert.Single(backward.Split(".PushAll(").Skip(1)); // no other (a void method has no MHessianVector)
        }

        /// <summary>A checkpointed loop rewriting a state vector h[i] each step snapshots it whole, its tangent beside it in H·v.</summary>
        [Fact]
        public void CheckpointedLoopRewritingAStateVectorSnapshotsItWhole()
        {
            var result = GeneratorHarness.Run(Wrap("""
                    [Differentiable(CheckpointLoops = true)]
                    public static double M(ReadOnlySpan<double> w, ReadOnlySpan<double> h0, Span<double> h, int steps)
                    {
                        for (int i = 0; i < h.Length; i++) h[i] = h0[i];
                        for (int t = 0; t < steps; t++)
                        {
                            for (int i = 0; i < h.Length; i++) h[i] = Math.Tanh(w[i] * h[i]);
                        }

                        return h[0];
                    }
                """));
            GeneratorHarness.AssertCompilesCleanly(result);
            string backward = result.RunResult.GeneratedTrees[0].ToString();
            Assert.Contains("from snapshots of the state (h)", backward, StringComparison.Ordinal);
            Assert.Contains(".PushAll(hWork);", backward, StringComparison.Ordinal);
            Assert.Contains(".PopAll(hWork);", backward, StringComparison.Ordinal);
            Assert.Contains(".PushAll(thWork);", backward, StringComparison.Ordinal); // MHessianVector's snapshots hold h's tangent too
        }

        /// <summary>
        /// A checkpointed loop reading y[t − 1], which the step before wrote: y would be state at indices that move with the
        /// step, every snapshot a copy of all of y, so the loop keeps its tape, and says so above it.
        /// </summary>
        [Fact]
        public void CheckpointedLoopReadingBackASequenceIsTapedWithAComment()
        {
            var result = GeneratorHarness.Run(Wrap("""
                    [Differentiable(CheckpointLoops = true)]
                    public static void M(ReadOnlySpan<double> x, double a, Span<double> y)
                    {
                        y[0] = x[0];
                        for (int t = 1; t < y.Length; t++)
                        {
                            y[t] = Math.Tanh(a * y[t - 1] + x[t]);
                        }
                    }
                """));
            GeneratorHarness.AssertCompilesCleanly(result);
            string backward = result.RunResult.GeneratedTrees[0].ToString();
            Assert.Contains("// Not checkpointed (a step reads elements of y before writing them, at indices that move with the step: a snapshot would hold all of y): taped.", backward, StringComparison.Ordinal);
            Assert.DoesNotContain("Revolve", backward, StringComparison.Ordinal);
        }

        /// <summary>
        /// The same where the step reads y through a call that takes it whole (Nn.MseLoss(y, x) reads y's later elements, which
        /// the step before wrote): checkpointed, the reverse sweep reran the steps with y's last values — a wrong gradient
        /// (found by the random-program tester in CI, 62V0mlSinQ21). A slice passed is read the same way.
        /// </summary>
        [Theory]
        [InlineData("Nn.MseLoss(y, x)")]
        [InlineData("Nn.SumOfSquares(y.Slice(t))")]
        public void CheckpointedLoopPassingASequenceToACallIsTapedWithAComment(string read)
        {
            var result = GeneratorHarness.Run(Wrap($$"""
                    [Differentiable(CheckpointLoops = true)]
                    public static void M(ReadOnlySpan<double> x, Span<double> y)
                    {
                        for (int i = 0; i < y.Length; i++) y[i] = 0.5;
                        for (int t = 0; t < y.Length; t++)
                        {
                            y[t] = Math.Tanh(x[t] + {{read}});
                        }
                    }
                """));
            GeneratorHarness.AssertCompilesCleanly(result);
            string backward = result.RunResult.GeneratedTrees[0].ToString();
            Assert.Contains("// Not checkpointed (a step reads elements of y before writing them, at indices that move with the step: a snapshot would hold all of y): taped.", backward, StringComparison.Ordinal);
            Assert.DoesNotContain("Revolve", backward, StringComparison.Ordinal);
        }

        /// <summary>
        /// A value the backward tapes only for the reversal (here s = 1.5, the result's own value is never read) is left out of
        /// the untaped copies of a checkpointed loop: kept, it was CS0219 (found by the random-program tester, 15v_P8gQ20b1).
        /// </summary>
        [Fact]
        public void CheckpointedLoopsUntapedCopiesComputeNothingOnlyTheTapeRead()
        {
            var result = GeneratorHarness.Run(Wrap("""
                    [Differentiable(CheckpointLoops = true, Snapshots = 3)]
                    public static double F([NoDerivative] double b, double a)
                    {
                        double s = 0.5;
                        int w2 = 0;
                        while ((w2 < 1) && (Math.Cos(b) >= (-0.25)))
                        {
                            w2++;
                            s = 1.5;
                            s = double.Lerp(3.0 - s, a / (1.0 + (s * s)), Math.Tanh(b));
                        }
                        return s;
                    }
                """));
            GeneratorHarness.AssertCompilesCleanly(result);
            Assert.Contains(".Revolve(", result.RunResult.GeneratedTrees[0].ToString(), StringComparison.Ordinal);
        }

        /// <summary>Assigning the output first and accumulating afterwards is fine when nothing reads the old values.</summary>
        [Fact]
        public void OutputAssignedThenAccumulatedIsFine()
        {
            var result = GeneratorHarness.Run("""
                using System;
                using SymGrad;
                public static partial class K
                {
                    [Differentiable]
                    public static void F(ReadOnlySpan<double> x, Span<double> y)
                    {
                        for (int i = 0; i < x.Length; i++) y[i] = x[i];
                        for (int i = 0; i < x.Length; i++) y[i] += x[i] * x[i];
                    }
                }
                """);
            GeneratorHarness.AssertCompilesCleanly(result);
        }

        [Fact]
        public void SG0015_FileLocalType()
            => Expect("""
                using SymGrad;
                file static partial class [|K|]
                {
                    [Differentiable]
                    public static double F(double x) => x * x;
                }
                """, "SG0015", "Type 'K' is file-local", "make 'K' a non-file partial type");

        /// <summary>Overloads each get a file of their own (their parameter types are in the hint name).</summary>
        [Fact]
        public void OverloadsAreBothGenerated()
        {
            var result = GeneratorHarness.Run("""
                using SymGrad;
                public static partial class K
                {
                    [Differentiable] public static double F(double x) => x * x;
                    [Differentiable] public static float F(float x) => x * x;
                }
                """);
            GeneratorHarness.AssertCompilesCleanly(result);
            Assert.Equal(2, result.GeneratedSources.Count);
        }

        // ── all ───────────────────────────────────────────────────────────────────

        /// <summary>
        /// A method with a signature problem is reported (its body is not looked at until the signature is fixed) and
        /// gets no code; the other methods of the type are still generated.
        /// </summary>
        [Fact]
        public void OneBadMethodDoesNotStopTheOthers()
        {
            var result = GeneratorHarness.Run(Wrap("""
                    [Differentiable]
                    public static double M(double x, string label, int n)
                    {
                        double s = 0;
                        while (n > 0) { }
                        x = 2;
                        return s + Math.Atan(x) + x % 2.0;
                    }

                    [Differentiable]
                    public static double Ok(double x) => x * x;
                """));

            Assert.Equal(new[] { "Demo.K.Ok.g.cs" }, result.GeneratedSources.Keys);
            Snapshot.Verify(result with { GeneratedSources = new System.Collections.Generic.Dictionary<string, string>() });
        }

        /// <summary>
        /// A stackalloc'd state is a local buffer: its cell read before the first step is written reads the zeros stackalloc
        /// gives, and the generated methods lend it (no diagnostic, no warning in the generated code).
        /// </summary>
        [Fact]
        public void StackallocStateIsALocalBuffer()
        {
            var result = GeneratorHarness.Run(Wrap("""
                    [Differentiable]
                    public static double Lstm(ReadOnlySpan<double> x, ReadOnlySpan<double> w, int n)
                    {
                        Span<double> h = stackalloc double[4];
                        Span<double> c = stackalloc double[4];
                        double loss = 0;
                        for (int t = 0; t < n; t++)
                        {
                            for (int k = 0; k < 4; k++)
                            {
                                double g = Math.Tanh(w[k] * x[t] + h[k]);
                                c[k] = c[k] * 0.5 + g;
                                h[k] = Math.Tanh(c[k]);
                                loss += h[k];
                            }
                        }

                        return loss;
                    }
                """));
            GeneratorHarness.AssertCompilesCleanly(result);
            Assert.Contains(result.GeneratedSources.Values, s => s.Contains("internal static double LstmWithBuffers(", StringComparison.Ordinal));
        }

        /// <summary>One error per root cause: a stackalloc'd state SymGrad cannot lend is reported where it is declared, not at each of its uses.</summary>
        [Fact]
        public void StackallocStateIsOneErrorNotOnePerUse()
        {
            var result = GeneratorHarness.Run(Wrap("""
                    [Differentiable]
                    public static double Lstm(ReadOnlySpan<double> x, ReadOnlySpan<double> w, int n)
                    {
                        int size = 4;
                        if (n > 8) size = 8;
                        Span<double> [|h|] = stackalloc double[size];
                        Span<double> [|c|] = stackalloc double[size];
                        double loss = 0;
                        for (int t = 0; t < n; t++)
                        {
                            for (int k = 0; k < 4; k++)
                            {
                                double g = Math.Tanh(w[k] * x[t] + h[k]);
                                c[k] = c[k] * 0.5 + g;
                                h[k] = Math.Tanh(c[k]);
                                loss += h[k];
                            }
                        }

                        return loss;
                    }
                """));
            var errors = result.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.Equal(new[] { "SG0006", "SG0006" }, errors.Select(d => d.Id));
            Assert.Equal(result.Source.Spans, errors.Select(d => d.Location.SourceSpan).OrderBy(s => s.Start));
            Assert.All(errors, d => Assert.Contains("reads the local 'size', which is not declared with a value the method keeps", d.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        /// <summary>
        /// A layer's method with a local buffer called by another of its methods: through its twin with the fields as parameters,
        /// derived as a method with local buffers in turn (ScoreWithFieldsWithBuffers), its methods lending them.
        /// </summary>
        [Fact]
        public void ALayersMethodWithALocalBufferCalledByAnother()
        {
            var result = GeneratorHarness.Run("""
                using System;
                using SymGrad;

                public partial class Net
                {
                    public double[] W = new double[4];
                    public int Hidden = 4;

                    [Differentiable]
                    public double Score(ReadOnlySpan<double> x)
                    {
                        Span<double> h = stackalloc double[Hidden];
                        for (int i = 0; i < h.Length; i++) h[i] = Math.Tanh(W[i] * x[i]);
                        return h[0] + h[3];
                    }

                    [Differentiable]
                    public double Loss(ReadOnlySpan<double> x) => Score(x) * 2;
                }
                """);
            GeneratorHarness.AssertCompilesCleanly(result);
            string twin = result.GeneratedSources["Net.Score.WithFields.g.cs"];
            Assert.Contains("internal double ScoreWithFields(double[] W, int Hidden, global::System.ReadOnlySpan<double> x) => Score(x);", twin, StringComparison.Ordinal);
            Assert.Contains("internal double ScoreWithFieldsWithBuffers(double[] W, int Hidden, global::System.ReadOnlySpan<double> x, global::System.Span<double> h)", twin, StringComparison.Ordinal);
            Assert.Contains("workspace.Rent<double>(Hidden)", twin, StringComparison.Ordinal);
        }

        [Fact]
        public void LinqQueryIsOneErrorSayingToWriteTheLoop()
        {
            var result = GeneratorHarness.Run("using System.Linq;\n" + Wrap("""
                    [Differentiable]
                    public static double L2(double[] x) => [|x.Select(v => v * v).Sum()|];
                """));
            Assert.Single(result.GeneratorDiagnostics);
            var error = GeneratorHarness.AssertDiagnostic(result, "SG0006");
            Assert.Contains("LINQ queries and lambdas are outside the subset; write the loop", error.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        [Fact]
        public void SimdVectorLocalSaysToWriteTheScalarLoop()
        {
            var result = GeneratorHarness.Run("using System.Numerics;\n" + Wrap("""
                    [Differentiable]
                    public static double SumOfSquares(ReadOnlySpan<double> x)
                    {
                        var [|v|] = new Vector<double>(x);
                        return Vector.Sum(v * v);
                    }
                """));
            Assert.Single(result.GeneratorDiagnostics);
            var error = GeneratorHarness.AssertDiagnostic(result, "SG0006");
            Assert.Contains("SIMD vectors are outside the subset; write the scalar loop", error.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        /// <summary>Every problem in a body is reported at once, in source order.</summary>
        [Fact]
        public void BodyDiagnosticsTogether()
        {
            var result = GeneratorHarness.Run(Wrap("""
                    [Differentiable]
                    public static double M(double x, int n)
                    {
                        double s = 0;
                        lock (typeof(K)) { }
                        x = 2;
                        for (int i = 0; ; i++) { }
                        return s + Math.Atan(x) + x % 2.0 + M(x, n);
                    }
                """));

            // Only stubs with the signatures callers need, bodies that throw (the build fails on the errors anyway).
            Assert.Contains("NotSupportedException", Assert.Single(result.GeneratedSources).Value);
            Snapshot.Verify(result with { GeneratedSources = new System.Collections.Generic.Dictionary<string, string>() });
        }

        /// <summary>A caller of a method that cannot be differentiated still compiles: only the callee's errors are reported.</summary>
        [Fact]
        public void CallerOfARefusedMethodCompiles()
        {
            var result = GeneratorHarness.Run(Wrap("""
                    [Differentiable]
                    public static double Bad(double x)
                    {
                        double s = 0;
                        lock (typeof(K)) { s += x; }
                        return s * x;
                    }

                    [Differentiable]
                    public static double Caller(double x) => Bad(x) * 2;
                """));
            Assert.Equal(new[] { "SG0005" }, result.GeneratorDiagnostics.Select(d => d.Id).Distinct());
            Assert.DoesNotContain(result.OutputDiagnostics, d => d.Location.SourceTree is { } t && result.GeneratedTrees.Contains(t));
        }
    }
}
