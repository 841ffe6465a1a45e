using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SymGrad.Generator;
using SymGrad.GeneratorTests.Infrastructure;
using Xunit;

namespace SymGrad.GeneratorTests
{
    /// <summary>A <c>[DerivativeOf]</c> registration is used by every caller, wherever it is declared.</summary>
    public sealed class RegistrationTests
    {
        private const string Library = """
            using System;
            using SymGrad;
            namespace Demo;
            public static class Lib
            {
                public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));
            }
            """;

        private const string Registry = """
            using System;
            using SymGrad;
            namespace Demo.Derivatives;
            public static class Registry
            {
                [DerivativeOf(typeof(Lib), nameof(Lib.Softplus))]
                public static void SoftplusBackward(double x, double dResult, ref double dx) => dx += dResult / (1 + Math.Exp(-x));

                [DerivativeOf(typeof(Math), nameof(Math.ReciprocalSqrtEstimate))]
                public static void RsqrtBackward(double d, double dResult, ref double dd) => dd += -0.5 * dResult / (d * Math.Sqrt(d));
            }
            """;

        private const string Caller = """
            using System;
            using SymGrad;
            namespace Demo;
            public static partial class K
            {
                [Differentiable]
                public static double F(double x) => Lib.Softplus(x) * Math.ReciprocalSqrtEstimate(x * x + 1);
            }
            """;

        [Fact]
        public void RegistrationsInAThirdTypeAreUsed()
        {
            var result = GeneratorHarness.Run(Caller, Library, Registry.Replace("using SymGrad;", "using SymGrad;\nusing Demo;"));
            GeneratorHarness.AssertCompilesCleanly(result);
            string f = result.GeneratedSources["Demo.K.F.g.cs"];
            Assert.Contains("global::Demo.Derivatives.Registry.SoftplusBackward(x, ", f, System.StringComparison.Ordinal);
            Assert.Contains("global::Demo.Derivatives.Registry.RsqrtBackward(x * x + 1.0, ", f, System.StringComparison.Ordinal);
        }

        /// <summary>
        /// A mode SymGrad does not generate for a method is a stand-in marked obsolete as an error: calling it is CS0619 with
        /// the reason at the call (before: CS0117, "K has no definition for FHessianVector", with the reason only in a comment).
        /// Here F calls a registered backward with no registered tangent: no second order. Nothing warns where it is not called.
        /// </summary>
        [Fact]
        public void CallingAModeNotGeneratedSaysWhyAtTheCall()
        {
            const string caller = """
                using System;
                using SymGrad;
                namespace Demo;
                public static partial class K
                {
                    [Differentiable]
                    public static double F(double x) => Lib.Softplus(x * x);

                    public static double Curvature(double x)
                    {
                        double h = 0;
                        FHessianVector(x, 1, ref h);
                        return h;
                    }
                }
                """;
            var result = GeneratorHarness.Run(caller, Library, Registry.Replace("using SymGrad;", "using SymGrad;\nusing Demo;"));
            Assert.Empty(result.GeneratorDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
            var obsolete = Assert.Single(result.OutputDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
            Assert.Equal("CS0619", obsolete.Id);
            Assert.Contains("SymGrad did not generate FHessianVector: it calls Softplus, whose registered backward SoftplusBackward has no registered tangent",
                obsolete.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
            Assert.True(obsolete.Location.SourceTree?.FilePath == GeneratorHarness.MainPath, obsolete.ToString()); // at the call, in the user's file

            // Not called: the stand-ins compile without a warning. One the user wrote is the user's: no stand-in beside it (CS0111).
            GeneratorHarness.AssertCompilesCleanly(GeneratorHarness.Run(caller.Replace("FHessianVector(x, 1, ref h);", ""), Library,
                Registry.Replace("using SymGrad;", "using SymGrad;\nusing Demo;")));
            var own = GeneratorHarness.Run(caller.Replace("public static double Curvature", "public static void FHessianVector(double x, double vx, ref double hvx) => hvx += 2 * vx;\n\n    public static double Curvature"),
                Library, Registry.Replace("using SymGrad;", "using SymGrad;\nusing Demo;"));
            GeneratorHarness.AssertCompilesCleanly(own);
            Assert.Contains("SymGrad did not generate FHessian:", own.GeneratedSources["Demo.K.F.g.cs"], System.StringComparison.Ordinal);
        }

        /// <summary>
        /// CI on da0d500 (default campaign seed 2738898425616740975, 6WekI7mzvgE1): F calls HGradient (nested), so F's product
        /// needs H's third order, which differentiated H's call of a registered second order as if it were the backward again
        /// (CS1501: ScaledSoftplusBackwardTangent with 16 arguments). A registered second order has no derivative: H has no
        /// third order, F no product, and each file says why.
        /// </summary>
        [Fact]
        public void ARegisteredSecondOrderIsNotDifferentiatedAgain()
        {
            const string source = """
                using System;
                using SymGrad;
                public static class Smooth
                {
                    public static double ScaledSoftplus(double x, [NoDerivative] double k) => k * Math.Log(1 + Math.Exp(x));

                    [DerivativeOf(typeof(Smooth), nameof(ScaledSoftplus))]
                    public static void ScaledSoftplusBackward(double x, double k, double dResult, ref double dx) => dx += dResult * k / (1 + Math.Exp(-x));

                    [TangentOf(typeof(Smooth), nameof(ScaledSoftplusBackward))]
                    public static void ScaledSoftplusBackwardTangent(double x, double k, double dResult, ref double dx, double tx, double tk, double tdResult, ref double tdx)
                    {
                        double s = 1 / (1 + Math.Exp(-x));
                        dx += dResult * k * s;
                        tdx += ((tdResult * k) + (dResult * tk)) * s + dResult * k * s * (1 - s) * tx;
                    }
                }

                public static partial class P
                {
                    [Differentiable]
                    public static double H(double a) => Smooth.ScaledSoftplus(a, 1.5) + a;

                    [Differentiable]
                    public static double F(double a)
                    {
                        double g = 0.0;
                        HGradient(Math.Sin(a * a), ref g);
                        return g * a;
                    }
                }
                """;
            var result = GeneratorHarness.Run(source);
            GeneratorHarness.AssertCompilesCleanly(result);
            string h = result.GeneratedSources["P.H.g.cs"], f = result.GeneratedSources["P.F.g.cs"];
            Assert.Contains("public static void HHessianVector(", h, System.StringComparison.Ordinal);
            Assert.DoesNotContain(result.GeneratedSources.Keys, k => k.Contains("ThirdOrder", System.StringComparison.Ordinal));
            Assert.Contains("[global::System.Obsolete(\"SymGrad did not generate FHessianVector: it calls H", f, System.StringComparison.Ordinal); // a stand-in saying why
            Assert.Contains("// Not generated: FHessianVector and FHessian (second order): it calls H", f, System.StringComparison.Ordinal);
        }

        [Fact]
        public void RegistrationsInAReferencedAssemblyAreUsed()
        {
            // The library and its registrations are compiled on their own, and the caller's project references the DLL.
            var library = GeneratorHarness.CreateCompilation(new[]
            {
                GeneratorHarness.Parse(Library, "Lib.cs"),
                GeneratorHarness.Parse(Registry.Replace("using SymGrad;", "using SymGrad;\nusing Demo;"), "Registry.cs"),
            }).WithAssemblyName("Demo.Library");
            using var image = new MemoryStream();
            Assert.True(library.Emit(image).Success);
            MetadataReference reference = MetadataReference.CreateFromImage(image.ToArray());

            var caller = CSharpCompilation.Create("Demo.App", new[] { GeneratorHarness.Parse(Caller, "Test0.cs") },
                GeneratorHarness.References.Add(reference), GeneratorHarness.CompilationOptions);
            GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new DifferentiableGenerator().AsSourceGenerator() }, parseOptions: GeneratorHarness.ParseOptions);
            driver.RunGeneratorsAndUpdateCompilation(caller, out Compilation output, out var diagnostics);

            Assert.Empty(diagnostics);
            Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
            string f = output.SyntaxTrees.Single(t => t.FilePath.EndsWith("Demo.K.F.g.cs", System.StringComparison.Ordinal)).ToString();
            Assert.Contains("global::Demo.Derivatives.Registry.SoftplusBackward(x, ", f, System.StringComparison.Ordinal);
        }

        [Fact]
        public void ARegistrationNextToTheMethodWinsOverOneElsewhere()
        {
            const string nearby = """
                using System;
                using SymGrad;
                namespace Demo;
                public static class Lib
                {
                    public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));

                    [DerivativeOf(typeof(Lib), nameof(Softplus))]
                    public static void SoftplusBackward(double x, double dResult, ref double dx) => dx += dResult / (1 + Math.Exp(-x));
                }
                """;
            var result = GeneratorHarness.Run(Caller.Replace(" * Math.ReciprocalSqrtEstimate(x * x + 1)", ""), nearby,
                Registry.Replace("using SymGrad;", "using SymGrad;\nusing Demo;"));
            GeneratorHarness.AssertCompilesCleanly(result);
            Assert.Contains("global::Demo.Lib.SoftplusBackward(", result.GeneratedSources["Demo.K.F.g.cs"], System.StringComparison.Ordinal);
        }
    }
}
