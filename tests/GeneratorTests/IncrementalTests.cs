using System.Linq;
using Microsoft.CodeAnalysis;
using SymGrad.Generator;
using SymGrad.GeneratorTests.Infrastructure;
using Xunit;

namespace SymGrad.GeneratorTests
{
    /// <summary>
    /// The incremental cache (after Mapperly's <c>IncrementalGeneratorTest</c> and Regex's
    /// <c>RegexGeneratorIncrementalTests</c>): edits that cannot change a method's backward must not regenerate it.
    /// </summary>
    public sealed class IncrementalTests
    {
        private const string Square = """
            using System;
            using SymGrad;

            namespace Demo;

            public static partial class Kernels
            {
                [Differentiable]
                public static double Square(double x)
                {
                    double y = x * x;
                    return y;
                }
            }
            """;

        private const string Layer = """
            using System;
            using SymGrad;

            namespace Demo;

            public static partial class Layers
            {
                [Differentiable]
                public static void Scale(ReadOnlySpan<double> x, Span<double> y, [NoDerivative] double k)
                {
                    for (int i = 0; i < x.Length; i++)
                    {
                        y[i] = k * x[i];
                    }
                }
            }
            """;

        private const string Unrelated = """
            namespace Demo;

            public static class Unrelated
            {
                public static int Answer() => 42;
            }
            """;

        private static IncrementalStepRunReason[] Reasons(GeneratorResult result, string step)
            => result.StepReasons(step).OrderBy(r => r).ToArray();

        private static bool IsReused(IncrementalStepRunReason r)
            => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged;

        [Fact]
        public void RerunWithNoChangeReusesEverything()
        {
            var first = GeneratorHarness.Run(Square, Layer);
            var second = first.Rerun(c => c);

            GeneratorHarness.AssertReused(second, StepNames.Parse);
            GeneratorHarness.AssertReused(second, StepNames.Emit);
            Assert.Equal(first.GeneratedSources, second.GeneratedSources);
        }

        [Fact]
        public void AddingUnrelatedCodeDoesNotRegenerate()
        {
            var first = GeneratorHarness.Run(Square, Layer);
            GeneratorHarness.AssertCompilesCleanly(first);

            var second = first.WithAddedSource(Unrelated);

            GeneratorHarness.AssertCompilesCleanly(second);
            Assert.Equal(2, second.StepReasons(StepNames.Parse).Length);
            GeneratorHarness.AssertReused(second, StepNames.Parse);
            GeneratorHarness.AssertReused(second, StepNames.Emit);
            Assert.Equal(first.GeneratedSources, second.GeneratedSources);
        }

        [Fact]
        public void EditingUnrelatedCodeInTheSameFileDoesNotRegenerate()
        {
            var first = GeneratorHarness.Run(Square + "\npublic static class Other { public static int A() => 1; }\n", Layer);

            var second = first.WithSource(Square + "\npublic static class Other { public static int A() => 2; public static int B() => 3; }\n");

            GeneratorHarness.AssertReused(second, StepNames.Emit);
            Assert.Equal(first.GeneratedSources, second.GeneratedSources);
        }

        [Fact]
        public void ChangingForwardBodyRegeneratesOnlyThatMethod()
        {
            var first = GeneratorHarness.Run(Square, Layer);

            var second = first.WithSource(Square.Replace("double y = x * x;", "double y = x * x * x;"));

            GeneratorHarness.AssertCompilesCleanly(second);
            var emit = second.StepReasons(StepNames.Emit);
            Assert.Equal(1, emit.Count(r => r == IncrementalStepRunReason.Modified));
            Assert.Equal(1, emit.Count(IsReused));
            Assert.Equal(2, emit.Length);
            Assert.NotEqual(first.GeneratedSources["Demo.Kernels.Square.g.cs"], second.GeneratedSources["Demo.Kernels.Square.g.cs"]);
            Assert.Equal(first.GeneratedSources["Demo.Layers.Scale.g.cs"], second.GeneratedSources["Demo.Layers.Scale.g.cs"]);
        }

        [Fact]
        public void ChangingAMethodsSignatureRegeneratesIt()
        {
            var first = GeneratorHarness.Run(Square, Layer);

            var second = first.WithSource(Square.Replace("Square(double x)", "Square(double x, [NoDerivative] int unused)"));

            GeneratorHarness.AssertCompilesCleanly(second);
            Assert.Contains(IncrementalStepRunReason.Modified, second.StepReasons(StepNames.Emit));
            Assert.Contains("ref double dx", second.GeneratedSources["Demo.Kernels.Square.g.cs"], System.StringComparison.Ordinal);
            Assert.Contains("int unused, double dResult", second.GeneratedSources["Demo.Kernels.Square.g.cs"], System.StringComparison.Ordinal);
        }

        [Fact]
        public void AddingADifferentiableMethodGeneratesOnlyIt()
        {
            var first = GeneratorHarness.Run(Square, Layer);

            // After the existing method: Roslyn matches a file's outputs by position, so a method inserted before another
            // makes that one's slot Modified too.
            var second = first.WithSource(Square.Replace("        return y;\n    }\n", "        return y;\n    }\n\n    [Differentiable]\n    public static double Cube(double x) => x * x * x;\n"));

            GeneratorHarness.AssertCompilesCleanly(second);
            Assert.Equal(3, second.GeneratedSources.Count);
            var emit = Reasons(second, StepNames.Emit);
            Assert.Equal(1, emit.Count(r => r == IncrementalStepRunReason.New));
            Assert.True(2 == emit.Count(IsReused), string.Join(", ", emit));
        }

        /// <summary>
        /// Moving a method down by a line changes only where it is (its location is kept for diagnostics), not the
        /// emitted code: the Emit output is recomputed to an equal value and nothing is re-added.
        /// </summary>
        [Fact]
        public void MovingAMethodDoesNotChangeItsOutput()
        {
            var first = GeneratorHarness.Run(Square, Layer);

            var second = first.WithSource(Square.Replace("namespace Demo;\n", "namespace Demo;\n\n\n"));

            GeneratorHarness.AssertReused(second, StepNames.Emit);
            Assert.Equal(first.GeneratedSources, second.GeneratedSources);
        }

        [Fact]
        public void EditingACommentAboveTheMethodDoesNotChangeOutput()
        {
            const string Commented = "    // Squares its argument.\n    [Differentiable]";
            var first = GeneratorHarness.Run(Square.Replace("    [Differentiable]", Commented), Layer);

            var second = first.WithSource(Square.Replace("    [Differentiable]", "    // Squares x: y = x².\n    [Differentiable]"));

            GeneratorHarness.AssertReused(second, StepNames.Emit);
            Assert.Equal(first.GeneratedSources, second.GeneratedSources);
        }

        [Fact]
        public void ModelsHoldNoRoslynObjects()
        {
            var result = GeneratorHarness.Run(Square, Layer, CatalogueSnapshotTests.ReadCatalogue("Layers"), CatalogueSnapshotTests.ReadCatalogue("Activations"));
            GeneratorHarness.AssertNoRoslynObjectsInSteps(result, StepNames.Parse, StepNames.Emit);

            var withDiagnostics = GeneratorHarness.Run("""
                using SymGrad;
                public static partial class K { [Differentiable] public static double F(double x) { lock (typeof(K)) { } return x; } }
                public static class R { public static double G(double x) => x; [DerivativeOf(typeof(R), "Nope")] public static void B() { } }
                """);
            Assert.NotEmpty(withDiagnostics.GeneratorDiagnostics);
            GeneratorHarness.AssertNoRoslynObjectsInSteps(withDiagnostics, StepNames.Parse, StepNames.Emit, StepNames.Registrations);
        }

        [Fact]
        public void DiagnosticsSurviveACachedRun()
        {
            var first = GeneratorHarness.Run("""
                using SymGrad;
                public static partial class K
                {
                    [Differentiable]
                    public static double F(double x) { [|lock|] (typeof(K)) { } return x; }
                }
                """, Layer);
            GeneratorHarness.AssertDiagnostic(first, "SG0005");

            var second = first.WithAddedSource(Unrelated);

            GeneratorHarness.AssertReused(second, StepNames.Parse);
            GeneratorHarness.AssertDiagnostic(second, "SG0005");
        }
    }
}
