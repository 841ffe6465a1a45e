using System.Linq;
using Microsoft.CodeAnalysis;
using SymGrad.GeneratorTests.Infrastructure;
using Xunit;

namespace SymGrad.GeneratorTests
{
    /// <summary>
    /// Code as an editor sees it while it is being typed: broken, half-written, unresolved. The generator must never
    /// throw into the compiler (no exception in the run result, no "generator failed" warning CS8784/CS8785) and may
    /// report at most its own diagnostics; whatever it does generate must not add errors of its own beyond the user's.
    /// </summary>
    public sealed class RobustnessTests
    {
        private const string Prelude = "using System;\nusing SymGrad;\n\n";

        public static TheoryData<string, string> Snippets() => new()
        {
            { "empty file", "" },
            { "only whitespace", "   \n\t\n" },
            { "only the attribute", "[Differentiable]" },
            { "attribute with nothing after it in a class", "public static partial class K { [Differentiable] }" },
            { "missing closing braces", "public static partial class K { [Differentiable] public static double F(double x) { return x * x;" },
            { "missing class closing brace", "public static partial class K { [Differentiable] public static double F(double x) => x * x;" },
            { "no body", "public static partial class K { [Differentiable] public static double F(double x); }" },
            { "partial method with no body", "public static partial class K { [Differentiable] public static partial double F(double x); }" },
            { "extern method", "public static partial class K { [Differentiable] public static extern double F(double x); }" },
            { "abstract method", "public abstract partial class K { [Differentiable] public abstract double F(double x); }" },
            { "interface method", "public partial interface I { [Differentiable] static abstract double F(double x); }" },
            { "incomplete binary expression", "public static partial class K { [Differentiable] public static double F(double x) { return x * ; } }" },
            { "incomplete expression body", "public static partial class K { [Differentiable] public static double F(double x) => x + ; }" },
            { "missing semicolon", "public static partial class K { [Differentiable] public static double F(double x) { double y = x * x return y; } }" },
            { "for with nothing after the parenthesis", "public static partial class K { [Differentiable] public static double F(double x) { for ( } }" },
            { "for header cut short", "public static partial class K { [Differentiable] public static double F(ReadOnlySpan<double> x) { double s = 0; for (int i = 0; i < x.Length } }" },
            { "for without a body", "public static partial class K { [Differentiable] public static double F(ReadOnlySpan<double> x) { double s = 0; for (int i = 0; i < x.Length; i++) return s; } }" },
            { "syntax error inside a loop", "public static partial class K { [Differentiable] public static double F(ReadOnlySpan<double> x) { double s = 0; for (int i = 0; i < x.Length; i++) { s += x[i] * ; s = } return s; } }" },
            { "unbalanced parentheses in a loop", "public static partial class K { [Differentiable] public static double F(ReadOnlySpan<double> x) { double s = 0; for (int i = 0; i < x.Length; i++) { s += Math.Exp((x[i]); } return s; } }" },
            { "unresolved identifier", "public static partial class K { [Differentiable] public static double F(double x) => x * unknown; }" },
            { "unresolved local type", "public static partial class K { [Differentiable] public static double F(double x) { Foo y = x; return y; } }" },
            { "unresolved parameter type", "public static partial class K { [Differentiable] public static double F(Foo x) => 1.0; }" },
            { "unresolved return type", "public static partial class K { [Differentiable] public static Foo F(double x) => x; }" },
            { "unresolved method", "public static partial class K { [Differentiable] public static double F(double x) => Nope(x) * x; }" },
            { "unresolved member of Math", "public static partial class K { [Differentiable] public static double F(double x) => Math.Nope(x); }" },
            { "wrong argument count to Math", "public static partial class K { [Differentiable] public static double F(double x) => Math.Exp(x, x); }" },
            { "call to a differentiable method with missing arguments", "public static partial class K { [Differentiable] public static double G(double a, double b) => a * b; [Differentiable] public static double F(double x) => G(x); }" },
            { "call to a differentiable layer with a wrong argument", "public static partial class K { [Differentiable] public static void L(ReadOnlySpan<double> a, Span<double> b) { } [Differentiable] public static void F(ReadOnlySpan<double> x, Span<double> y) { L(x, 3.0); } }" },
            { "unresolved span element", "public static partial class K { [Differentiable] public static double F(ReadOnlySpan<double> x) => x[i]; }" },
            { "indexing a scalar", "public static partial class K { [Differentiable] public static double F(double x) => x[0]; }" },
            { "missing return", "public static partial class K { [Differentiable] public static double F(double x) { double y = x * x; } }" },
            { "return without a value", "public static partial class K { [Differentiable] public static double F(double x) { return; } }" },
            { "return of a value from void", "public static partial class K { [Differentiable] public static void F(double x) { return x; } }" },
            { "type mismatch", "public static partial class K { [Differentiable] public static double F(double x) { bool b = x; return x; } }" },
            { "duplicate local", "public static partial class K { [Differentiable] public static double F(double x) { double y = x; double y = 2 * x; return y; } }" },
            { "duplicate parameter names", "public static partial class K { [Differentiable] public static double F(double x, double x) => x; }" },
            { "missing parameter name", "public static partial class K { [Differentiable] public static double F(double) => 1.0; }" },
            { "missing parameter list", "public static partial class K { [Differentiable] public static double F => 1.0; }" },
            { "missing method name", "public static partial class K { [Differentiable] public static double (double x) => x; }" },
            { "attribute on a property", "public static partial class K { [Differentiable] public static double P => 1.0; }" },
            { "attribute on a class", "[Differentiable] public static partial class K { public static double F(double x) => x; }" },
            { "attribute on a field", "public static partial class K { [Differentiable] public static double f; }" },
            { "attribute on a local function", "public static partial class K { public static double F(double x) { [Differentiable] static double G(double a) => a * a; return G(x); } }" },
            { "attribute on a lambda", "public static partial class K { public static Func<double, double> F = [Differentiable] (double a) => a * a; }" },
            { "attribute on a constructor", "public partial class K { [Differentiable] public K(double x) { } }" },
            { "attribute on an operator", "public partial struct V { public double X; [Differentiable] public static V operator +(V a, V b) => a; }" },
            { "attribute with arguments", "public static partial class K { [Differentiable(1)] public static double F(double x) => x; }" },
            { "attribute twice", "public static partial class K { [Differentiable, Differentiable] public static double F(double x) => x; }" },
            { "DerivativeOf without arguments", "public static class K { public static double F(double x) => x; [DerivativeOf] public static void FBackward(double x, double dResult, ref double dx) { } }" },
            { "DerivativeOf with a null type", "public static class K { public static double F(double x) => x; [DerivativeOf(null, \"F\")] public static void FBackward(double x, double dResult, ref double dx) { } }" },
            { "DerivativeOf with an unresolved type", "public static class K { [DerivativeOf(typeof(Nope), \"F\")] public static void FBackward(double x, double dResult, ref double dx) { } }" },
            { "DerivativeOf naming a differentiable method", "public static partial class K { [Differentiable] public static double F(double x) => x * x; [DerivativeOf(typeof(K), nameof(F))] public static void Custom(double x, double dResult, ref double dx) { dx += 2 * x * dResult; } }" },
            { "DerivativeOf on a generic type's method", "public static class K<T> { public static double F(double x) => x; [DerivativeOf(typeof(K<>), \"F\")] public static void FBackward(double x, double dResult, ref double dx) { } }" },
            { "method in a generic type", "public static partial class K<T> { [Differentiable] public static double F(double x) => x * x; }" },
            { "method in an enum-like broken type", "public static partial enum K { [Differentiable] public static double F(double x) => x * x; }" },
            { "top-level statements around a method", "double v = 1;\n[Differentiable] static double F(double x) => x * x;\nConsole.WriteLine(F(v));" },
            { "namespace never closed", "namespace N { public static partial class K { [Differentiable] public static double F(double x) => x * x; }" },
            { "stray tokens", "public static partial class K { ]]] [Differentiable] public static double F(double x) => x * x; ))) }" },
            { "conditional with a missing branch", "public static partial class K { [Differentiable] public static double F(double x) => x > 0 ? x : ; }" },
            { "if with no condition", "public static partial class K { [Differentiable] public static double F(double x) { if () return x; return 0; } }" },
            { "else without if", "public static partial class K { [Differentiable] public static double F(double x) { else return x; } }" },
            { "break outside a loop", "public static partial class K { [Differentiable] public static double F(double x) { break; return x; } }" },
            { "continue outside a loop", "public static partial class K { [Differentiable] public static double F(double x) { continue; } }" },
            { "assignment to an input span", "public static partial class K { [Differentiable] public static void F(ReadOnlySpan<double> x) { x[0] = 1; } }" },
            { "write to a const", "public static partial class K { const double C = 1; [Differentiable] public static double F(double x) { C = x; return C; } }" },
            { "loop counter of an unresolved type", "public static partial class K { [Differentiable] public static double F(double x) { double s = 0; for (Nope i = 0; i < 3; i++) s += x; return s; } }" },
            { "loop bound unresolved", "public static partial class K { [Differentiable] public static double F(double x) { double s = 0; for (int i = 0; i < count; i++) s += x; return s; } }" },
            { "step of an unresolved variable", "public static partial class K { [Differentiable] public static double F(double x) { double s = 0; for (int i = 0; i < 3; i += k) s += x; return s; } }" },
            { "local used before declaration", "public static partial class K { [Differentiable] public static double F(double x) { s += x; double s = 0; return s; } }" },
            { "unassigned local", "public static partial class K { [Differentiable] public static double F(double x) { double s; s += x; return s; } }" },
            { "span sliced oddly", "public static partial class K { [Differentiable] public static void L(ReadOnlySpan<double> a, Span<double> b) { } [Differentiable] public static void F(ReadOnlySpan<double> x, Span<double> y) { L(x.Slice(), y[1..]); } }" },
            { "deeply nested parentheses", "public static partial class K { [Differentiable] public static double F(double x) => " + new string('(', 200) + "x" + new string(')', 200) + "; }" },
            { "long sum", "public static partial class K { [Differentiable] public static double F(double x) => " + string.Join(" + ", Enumerable.Repeat("x * x", 300)) + "; }" },
            { "literal overflow", "public static partial class K { [Differentiable] public static double F(double x) => x * 1e999; }" },
            { "division by a zero constant", "public static partial class K { [Differentiable] public static double F(double x) => x / 0.0 + 1 / 0; }" },
            { "NaN and infinity constants", "public static partial class K { [Differentiable] public static double F(double x) => x * double.NaN + double.PositiveInfinity; }" },
            { "char and string literals", "public static partial class K { [Differentiable] public static double F(double x) => x * 'a' + \"b\".Length; }" },
            { "default literal", "public static partial class K { [Differentiable] public static double F(double x) => x * default; }" },
            { "typeof and nameof", "public static partial class K { [Differentiable] public static double F(double x) => x * nameof(x).Length; }" },
            { "is pattern", "public static partial class K { [Differentiable] public static double F(double x) => x is > 0 and < 1 ? x : 0; }" },
            { "switch expression", "public static partial class K { [Differentiable] public static double F(double x, int n) => n switch { 0 => x, _ => 2 * x }; }" },
            { "tuple", "public static partial class K { [Differentiable] public static double F(double x) { var (a, b) = (x, 2 * x); return a * b; } }" },
            { "out var in an expression", "public static partial class K { static bool T(double a, out double b) { b = a; return true; } [Differentiable] public static double F(double x) => T(x, out var y) ? y : x; }" },
            { "throw expression", "public static partial class K { [Differentiable] public static double F(double x) => x > 0 ? x : throw new ArgumentException(); }" },
            { "await in a non-async method", "public static partial class K { [Differentiable] public static double F(double x) => await x; }" },
            { "async method", "public static partial class K { [Differentiable] public static async System.Threading.Tasks.Task<double> F(double x) => x; }" },
            { "stackalloc", "public static partial class K { [Differentiable] public static double F(double x) { Span<double> t = stackalloc double[4]; t[0] = x; return t[0]; } }" },
            { "ref local", "public static partial class K { [Differentiable] public static double F(ReadOnlySpan<double> x) { ref readonly double r = ref x[0]; return r; } }" },
            { "compound assignment to an element of an input", "public static partial class K { [Differentiable] public static double F(ReadOnlySpan<double> x) { x[0] += 1; return x[0]; } }" },
            { "increment of an output element", "public static partial class K { [Differentiable] public static void F(ReadOnlySpan<double> x, Span<double> y) { y[0]++; --y[1]; } }" },
            { "nested differentiable call cycle", "public static partial class K { [Differentiable] public static double F(double x) => G(x); [Differentiable] public static double G(double x) => F(x); }" },
            { "preprocessor mess", "#if DEBUG\npublic static partial class K { [Differentiable] public static double F(double x) => x;\n#else\n}\n#endif" },
            { "unterminated comment", "public static partial class K { [Differentiable] public static double F(double x) => x; /* " },
            { "unterminated string", "public static partial class K { [Differentiable] public static double F(double x) { string s = \"abc; return x; } }" },
        };

        [Theory]
        [MemberData(nameof(Snippets))]
        public void HalfTypedCodeNeverCrashesTheGenerator(string name, string snippet)
        {
            var result = GeneratorHarness.Run(Prelude + snippet);

            var run = Assert.Single(result.RunResult.Results);
            Assert.True(run.Exception is null, $"{name}: the generator threw {run.Exception}");
            var failures = result.AllDiagnostics.Where(d => d.Id is "CS8784" or "CS8785").Select(GeneratorHarness.Format).ToList();
            Assert.True(failures.Count == 0, $"{name}: {string.Join("; ", failures)}");

            // The generator reports only its own diagnostics (SG…); the compiler's errors are the compiler's to report.
            var foreign = result.GeneratorDiagnostics.Where(d => !d.Id.StartsWith("SG", System.StringComparison.Ordinal)).Select(GeneratorHarness.Format).ToList();
            Assert.True(foreign.Count == 0, $"{name}: {string.Join("; ", foreign)}");
            var location = result.GeneratorDiagnostics.Where(d => d.Location == Location.None).Select(GeneratorHarness.Format).ToList();
            Assert.True(location.Count == 0, $"{name}: diagnostics without a location: {string.Join("; ", location)}");
        }

        /// <summary>Where the user's code is otherwise valid, nothing generated may fail to compile: it is a diagnostic or nothing.</summary>
        [Theory]
        [MemberData(nameof(Snippets))]
        public void GeneratedCodeAddsNoErrorsOfItsOwn(string name, string snippet)
        {
            var result = GeneratorHarness.Run(Prelude + snippet);
            var generated = result.GeneratedTrees.ToHashSet();
            bool userCodeIsValid = !result.InputCompilation.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error);
            var errors = result.OutputDiagnostics
                .Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree is { } t && generated.Contains(t))
                .Select(GeneratorHarness.Format)
                .ToList();
            if (userCodeIsValid)
            {
                Assert.True(errors.Count == 0, $"{name}: generated code does not compile: {string.Join("; ", errors)}");
            }
        }

        /// <summary>Typing a method character by character: every prefix of the text is a state an editor runs the generator on.</summary>
        [Fact]
        public void EveryPrefixOfAMethodIsSafe()
        {
            const string Text = Prelude + """
                public static partial class K
                {
                    [Differentiable]
                    public static double F(ReadOnlySpan<double> x, double a)
                    {
                        double s = 0;
                        for (int i = 0; i < x.Length; i++)
                        {
                            s += Math.Exp(a * x[i]) / (1 + x[i] * x[i]);
                        }

                        return s > 1 ? Math.Log(s) : s;
                    }
                }
                """;

            var result = GeneratorHarness.Run("");
            for (int length = 0; length <= Text.Length; length += 3)
            {
                result = result.WithSource(Text[..length]);
                var run = Assert.Single(result.RunResult.Results);
                Assert.True(run.Exception is null, $"prefix of {length} characters: the generator threw {run.Exception}");
                Assert.DoesNotContain(result.AllDiagnostics, d => d.Id is "CS8784" or "CS8785");
            }

            result = result.WithSource(Text);
            GeneratorHarness.AssertCompilesCleanly(result);
        }
    }
}
