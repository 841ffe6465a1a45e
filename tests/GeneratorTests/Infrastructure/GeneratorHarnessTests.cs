using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using Xunit.Sdk;

namespace SymGrad.GeneratorTests.Infrastructure
{
    public class GeneratorHarnessTests
    {
        private const string Square = """
            using SymGrad;

            namespace Demo;

            public static partial class Kernels
            {
                [Differentiable]
                public static double Square(double x) => x * x;
            }
            """;

        [Fact]
        public void SourceWithoutDifferentiableCompilesCleanlyAndGeneratesNothing()
        {
            var result = GeneratorHarness.Run("""
                using System;

                namespace Demo;

                public static class Plain
                {
                    public static double Twice(double x) => 2 * x;
                }
                """);

            GeneratorHarness.AssertCompilesCleanly(result);
            Assert.Empty(result.GeneratedSources);
            Assert.Empty(result.GeneratorDiagnostics);
        }

        [Fact]
        public void ReferencesTheRuntimeAttributesAndRuntimeDependencies()
        {
            var result = GeneratorHarness.Run("""
                using System;
                using System.Linq;
                using System.Numerics.Tensors;
                using SymGrad;

                public static class Uses
                {
                    public static double All(ReadOnlySpan<double> x, [NoDerivative] int n)
                    {
                        var ws = Workspace.Current;
                        var mark = ws.Mark();
                        ws.Release(mark);
                        _ = typeof(DifferentiableAttribute);
                        _ = new[] { 1, 2 }.Select(i => i).ToList();
                        return TensorPrimitives.Sum(x) + Math.Exp(n);
                    }
                }
                """);

            GeneratorHarness.AssertCompilesCleanly(result);
        }

        [Fact]
        public void GeneratedSourcesAreKeyedByHintName()
        {
            var result = GeneratorHarness.Run(new ProbeGenerator(), Square);

            GeneratorHarness.AssertCompilesCleanly(result);
            var (hint, text) = Assert.Single(result.GeneratedSources);
            Assert.Equal("Demo.Kernels.Square.g.cs", hint);
            Assert.Contains("public static int SquareProbe() => 42;", text);
        }

        [Fact]
        public void ErrorsInGeneratedCodeAreVisible()
        {
            var result = GeneratorHarness.Run(
                new ProbeGenerator(),
                "public static partial class K { [SymGrad.Differentiable] public static double Broken(double x) => x; }");

            Assert.Contains(result.OutputDiagnostics, d => d.Id == "CS0103");
            var e = Assert.ThrowsAny<XunitException>(() => GeneratorHarness.AssertCompilesCleanly(result));
            Assert.Contains("K.Broken.g.cs(6,40,6,53): error CS0103: The name 'undefinedName' does not exist", e.Message);
            Assert.Contains("|     public static int BrokenProbe() => undefinedName;", e.Message);
        }

        [Fact]
        public void ErrorsInTheTestSourceAreVisible()
        {
            var result = GeneratorHarness.Run(new ProbeGenerator(), "class C { int M() => \"no\"; }");

            var e = Assert.ThrowsAny<XunitException>(() => GeneratorHarness.AssertCompilesCleanly(result));
            Assert.Contains("Test0.cs(1,22,1,26): error CS0029", e.Message);
        }

        [Fact]
        public void DiagnosticIsFoundAtTheMarkedSpan()
        {
            var result = GeneratorHarness.Run(new ProbeGenerator(), """
                public partial class K
                {
                    [SymGrad.Differentiable]
                    public double [|Instance|](double x) => x;
                }
                """);

            var d = GeneratorHarness.AssertDiagnostic(result, "PROBE01");
            Assert.Equal("Method 'Instance' must be static", d.GetMessage());
            GeneratorHarness.AssertDiagnostic(result, "PROBE01", line: 4, column: 19);
            Assert.DoesNotContain("[|", result.InputCompilation.SyntaxTrees.Single().ToString());
        }

        [Fact]
        public void MisplacedDiagnosticFailsShowingBothSpans()
        {
            var result = GeneratorHarness.Run(new ProbeGenerator(), """
                public partial class K
                {
                    [SymGrad.Differentiable]
                    public [|double|] Instance(double x) => x;
                }
                """);

            var e = Assert.ThrowsAny<XunitException>(() => GeneratorHarness.AssertDiagnostic(result, "PROBE01"));
            Assert.Contains("PROBE01 is at Test0.cs(4,19,4,27), expected Test0.cs(4,12,4,18)", e.Message);
            Assert.Contains("actual:       public double [|Instance|](double x) => x;", e.Message);
            e = Assert.ThrowsAny<XunitException>(() => GeneratorHarness.AssertDiagnostic(result, "PROBE01", line: 4, column: 20));
            Assert.Contains("expected Test0.cs(4,20)", e.Message);
            e = Assert.ThrowsAny<XunitException>(() => GeneratorHarness.AssertDiagnostic(result, "SG0001"));
            Assert.Contains("Expected one SG0001, found 0", e.Message);
            Assert.Contains("error PROBE01", e.Message);
        }

        [Fact]
        public void AddingUnrelatedCodeLeavesTrackedStepsCached()
        {
            var first = GeneratorHarness.Run(new ProbeGenerator(), Square);
            Assert.Equal(new[] { IncrementalStepRunReason.New }, first.StepReasons(ProbeGenerator.MethodsStep));

            var second = first.WithAddedSource("public static class Unrelated { public static int One() => 1; }");

            GeneratorHarness.AssertReused(second, ProbeGenerator.MethodsStep);
            GeneratorHarness.AssertReused(second, "SourceOutput");
            Assert.Equal(first.GeneratedSources, second.GeneratedSources);
        }

        [Fact]
        public void EditingTheMethodModifiesTheStep()
        {
            var first = GeneratorHarness.Run(new ProbeGenerator(), Square);

            var renamed = first.WithSource(Square.Replace("Square(", "Cube("));

            Assert.Equal(new[] { IncrementalStepRunReason.Modified }, renamed.StepReasons(ProbeGenerator.MethodsStep));
            var e = Assert.ThrowsAny<XunitException>(() => GeneratorHarness.AssertReused(renamed, ProbeGenerator.MethodsStep));
            Assert.Contains("Step 'Probe.Methods' was not reused: Modified.", e.Message);
            Assert.Equal("Demo.Kernels.Cube.g.cs", Assert.Single(renamed.GeneratedSources).Key);
            GeneratorHarness.AssertCompilesCleanly(renamed);

            GeneratorHarness.AssertReused(renamed.Rerun(c => c), ProbeGenerator.MethodsStep);
        }

        [Fact]
        public void UnknownStepNameFailsListingTheTrackedSteps()
        {
            var result = GeneratorHarness.Run(new ProbeGenerator(), Square);

            var e = Assert.ThrowsAny<XunitException>(() => result.StepReasons("Nope"));
            Assert.Contains("No tracked step named 'Nope'", e.Message);
            Assert.Contains(ProbeGenerator.MethodsStep, e.Message);
        }

        [Fact]
        public void StepOutputsHoldNoRoslynObjects()
        {
            var result = GeneratorHarness.Run(new ProbeGenerator(), Square);

            GeneratorHarness.AssertNoRoslynObjectsInSteps(result, ProbeGenerator.MethodsStep);
        }

        [Fact]
        public void RoslynObjectsInStepOutputsAreReported()
        {
            var result = GeneratorHarness.Run(new SymbolLeakingGenerator(), Square);

            var e = Assert.ThrowsAny<XunitException>(() => GeneratorHarness.AssertNoRoslynObjectsInSteps(result, "Leak"));
            Assert.Contains("Leak: ValueTuple`2.Item2: ISymbol (", e.Message);
        }

        [Fact]
        public void MarkupIsStrippedAndSpansRecordedInOrder()
        {
            var marked = MarkedSource.Parse("a[|bc|]d[|e[|f|]|]g");

            Assert.Equal("abcdefg", marked.Text);
            Assert.Equal(new[] { new TextSpan(1, 2), new TextSpan(4, 2), new TextSpan(5, 1) }, marked.Spans);
            Assert.Throws<System.ArgumentException>(() => MarkedSource.Parse("a[|b"));
            Assert.Throws<System.ArgumentException>(() => MarkedSource.Parse("a|]b"));
        }

        private sealed class SymbolLeakingGenerator : IIncrementalGenerator
        {
            public void Initialize(IncrementalGeneratorInitializationContext context)
            {
                var leak = context.SyntaxProvider.ForAttributeWithMetadataName(
                        "SymGrad.DifferentiableAttribute", static (_, _) => true, static (c, _) => (Name: "x", Symbol: c.TargetSymbol))
                    .WithTrackingName("Leak");
                context.RegisterSourceOutput(leak, static (_, _) => { });
            }
        }
    }
}
