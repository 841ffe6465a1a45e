using System.Linq;
using Microsoft.CodeAnalysis;
using SymGrad.GeneratorTests.Infrastructure;
using Xunit;

namespace SymGrad.GeneratorTests
{
    /// <summary>
    /// What SPEC promises about the generated members, checked on the output compilation's symbols (no execution):
    /// names, parameter order and kinds of <c>MBackward</c> and <c>MGradient</c>, accessibility, and that every shape of
    /// containing type compiles.
    /// </summary>
    public sealed class GeneratedCodeBehaviourTests
    {
        private static GeneratorResult Compile(string source)
        {
            var result = GeneratorHarness.Run(source);
            GeneratorHarness.AssertCompilesCleanly(result);
            return result;
        }

        private static IMethodSymbol Single(GeneratorResult result, string type, string name)
        {
            var symbol = result.OutputCompilation.GetTypeByMetadataName(type);
            Assert.True(symbol is not null, $"type {type} not found");
            return Assert.Single(symbol!.GetMembers(name).OfType<IMethodSymbol>());
        }

        private static bool Has(GeneratorResult result, string type, string name)
            => result.OutputCompilation.GetTypeByMetadataName(type)!.GetMembers(name).Any();

        /// <summary><c>static R M(ref T a, …)</c> in C# display form, e.g. <c>static void FBackward(double x, ref double dx)</c>.</summary>
        private static string Signature(IMethodSymbol m)
            => $"{(m.IsStatic ? "static " : "")}{m.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)} {m.Name}(" +
               string.Join(", ", m.Parameters.Select(p =>
                   (p.RefKind switch { RefKind.Ref => "ref ", RefKind.Out => "out ", RefKind.In => "in ", _ => "" }) +
                   p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + " " + p.Name)) + ")";

        /// <summary>
        /// Forward mode computes each Math call once (Optimize/ReuseCalls): the tangent of cos θ reads the local sin, moved up
        /// to it, and the tangent of sin reads cos. A float call held in a double local is read from a float local (a double
        /// would make the float expression around it double: CS0266; the file compiles).
        /// </summary>
        [Fact]
        public void ForwardModeReadsAMathCallALocalAlreadyHolds()
        {
            var result = Compile("""
                using System;
                using SymGrad;
                namespace Demo;
                public static partial class K
                {
                    [Differentiable]
                    public static double Rotate(double theta, double x, double y)
                    {
                        double cos = Math.Cos(theta), sin = Math.Sin(theta);
                        return (x * cos) - (y * sin);
                    }

                    [Differentiable]
                    public static float Widened(float a)
                    {
                        float x = a;
                        double wide = MathF.Sin(x);
                        float narrow = MathF.Cos(x) * 2;
                        float first = (float)(wide * wide) + (MathF.Sin(x) * narrow);
                        x = x * x;
                        return first + MathF.Sin(x);
                    }
                }
                """);

            string Body(string file, string method) => result.OutputCompilation.SyntaxTrees.Single(t => t.FilePath.EndsWith(file, System.StringComparison.Ordinal))
                .GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>().Single(m => m.Identifier.Text == method).Body!.ToString().Split('\n').Where(line => !line.TrimStart().StartsWith("//", System.StringComparison.Ordinal))
                .Aggregate("", (code, line) => code + line + "\n"); // the code, not the derivation's comments

            string tangent = Body("K.Rotate.g.cs", "RotateTangent");
            int Count(string text, string call) => (text.Length - text.Replace(call, "").Length) / call.Length;
            // One call for both: a sine and a cosine of one angle in two locals are Math.SinCos (SinCosPairs).
            Assert.Equal((1, 0, 0), (Count(tangent, "Math.SinCos("), Count(tangent, "Math.Sin("), Count(tangent, "Math.Cos(")));
            string product = Body("K.Rotate.g.cs", "RotateHessianVector");
            Assert.True((1, 0, 0) == (Count(product, "Math.SinCos("), Count(product, "Math.Sin("), Count(product, "Math.Cos(")), product);
            string widened = Body("K.Widened.g.cs", "WidenedTangent");
            Assert.True((1, 0) == (Count(widened, "MathF.SinCos(x)"), Count(widened, "MathF.Sin(x)")), widened); // in float locals, not the double wide
        }

        /// <summary>
        /// The reverse sweep reads a call a local of the forward sweep holds (Optimize/ReuseCalls.Held): ∂sin/∂θ = cos θ is
        /// the local cos, also inside the reverse sweep's copy of the forward's <c>if (θ != 0)</c> that assigned it; where
        /// the angle changed after the local was given its value, the call stays.
        /// </summary>
        [Fact]
        public void TheReverseSweepReadsACallALocalOfTheForwardSweepHolds()
        {
            var result = Compile("""
                using System;
                using SymGrad;
                namespace Demo;
                public static partial class K
                {
                    [Differentiable]
                    public static double Turn(double x, double y, double r)
                    {
                        double theta = r * r, qx = x, qy = y;
                        if (theta != 0)
                        {
                            double cos = Math.Cos(theta), sin = Math.Sin(theta);
                            qx = (x * cos) - (y * sin);
                            qy = (x * sin) + (y * cos);
                        }

                        return qx * qy;
                    }

                    [Differentiable]
                    public static double Moved(double x)
                    {
                        double a = x;
                        double s = Math.Sin(a);
                        a = a * 3;
                        double c = Math.Cos(a);
                        return s * c;
                    }
                }
                """);

            string Code(string file) => string.Join("\n", result.GeneratedSources[file].Split('\n').Where(line => !line.TrimStart().StartsWith("//", System.StringComparison.Ordinal)));
            int Count(string text, string call) => (text.Length - text.Replace(call, "").Length) / call.Length;
            string turn = Code("Demo.K.Turn.g.cs");
            string backward = turn.Substring(turn.IndexOf("TurnBackward(", System.StringComparison.Ordinal));
            backward = backward.Substring(0, backward.IndexOf("TurnGradient(", System.StringComparison.Ordinal));
            Assert.True((1, 0, 0) == (Count(backward, "Math.SinCos("), Count(backward, "Math.Sin("), Count(backward, "Math.Cos(")), backward);
            // s holds sin of the first a; cos of the second a has the slope −sin of the second: a call of its own.
            string moved = Code("Demo.K.Moved.g.cs");
            string movedBackward = moved.Substring(0, moved.IndexOf("MovedGradient(", System.StringComparison.Ordinal));
            Assert.True(Count(movedBackward, "Math.Sin(") == 2, movedBackward);
        }

        [Fact]
        public void ASineAndACosineOfOneAngleAreOneCall_WhereNothingBetweenChangesIt()
        {
            var result = Compile("""
                using System;
                using SymGrad;
                namespace Demo;
                public static partial class K
                {
                    [Differentiable]
                    public static double Pairs(double x, double b)
                    {
                        double a = x;
                        double s = Math.Sin(a);
                        a = a * 2;
                        double c = Math.Cos(a);
                        double s2 = Math.Sin(b), u = s2 * 3, c2 = Math.Cos(b);
                        return (s * c) + (u * c2);
                    }

                    [Differentiable]
                    public static double Stale(double x)
                    {
                        double a = x, s = 0, c = 1, r = 0;
                        for (int i = 0; i < 3; i++)
                        {
                            s = Math.Sin(a);
                            r += c;
                            c = Math.Cos(a);
                            a = a * s;
                        }
                        return (r * c) + s;
                    }
                }
                """);
            string pairs = result.GeneratedSources["Demo.K.Pairs.g.cs"], stale = result.GeneratedSources["Demo.K.Stale.g.cs"];
            // sin a and cos 2a are no pair; sin b and cos b are, across a statement that does not change b.
            Assert.True(pairs.Contains("(double s2, double c2) = global::System.Math.SinCos(b);"), pairs);
            Assert.Contains("double s = global::System.Math.Sin(a);", pairs);
            Assert.Contains("double c = global::System.Math.Cos(a);", pairs);
            // c = cos a moved up to s = sin a would change what r += c reads: the assigned halves stay two calls.
            Assert.True(!stale.Contains("(s, c) =") && stale.Contains("c = global::System.Math.Cos(a);"), stale);
        }

        [Fact]
        public void ScalarFunction_BackwardTakesParamsThenDResultThenRefGradients()
        {
            var result = Compile("""
                using System;
                using SymGrad;
                namespace Demo;
                public static partial class K
                {
                    [Differentiable]
                    public static double F(double x, [NoDerivative] double c, int n, float y, bool flag) => flag ? x * c * n + y : x;
                }
                """);

            Assert.Equal(
                "static void FBackward(double x, double c, int n, float y, bool flag, double dResult, ref double dx, ref float dy)",
                Signature(Single(result, "Demo.K", "FBackward")));
            Assert.Equal(
                "static double FGradient(double x, double c, int n, float y, bool flag, ref double dx, ref float dy)",
                Signature(Single(result, "Demo.K", "FGradient")));
        }

        [Fact]
        public void Layer_OutputsBecomeReadOnlyThenCotangentsThenSpanGradients_AndNoGradientMethod()
        {
            var result = Compile("""
                using System;
                using SymGrad;
                namespace Demo;
                public static partial class K
                {
                    [Differentiable]
                    public static void L(ReadOnlySpan<double> x, ReadOnlySpan<double> w, [NoDerivative] ReadOnlySpan<double> t,
                        Span<double> y, Span<double> z, ReadOnlySpan<int> labels, int n)
                    {
                        for (int i = 0; i < n; i++)
                        {
                            y[i] = x[i] * w[i] + t[i] + labels[i];
                            z[i] = y[i] * w[i];
                        }
                    }
                }
                """);

            Assert.Equal(
                "static void LBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> t, ReadOnlySpan<double> y, " +
                "ReadOnlySpan<double> z, ReadOnlySpan<int> labels, int n, ReadOnlySpan<double> dy, ReadOnlySpan<double> dz, Span<double> dx, Span<double> dw)",
                Signature(Single(result, "Demo.K", "LBackward")));
            Assert.False(Has(result, "Demo.K", "LGradient"), "MGradient is generated only for float/double returns");
        }

        /// <summary>
        /// An array is an output when a call writes it — also where another argument of that call is a generated method
        /// (<c>H(h, FTangent(…), y, m)</c>), with which the call binds to no method while the generator runs. Campaign seed
        /// 901, 2hBez_tYhY31: h was taken for an input, and FBackward threw (SG9999: KeyNotFoundException 'h').
        /// </summary>
        [Fact]
        public void AnArrayACallWritesIsAnOutput_WhereAnotherArgumentIsANestedTangent()
        {
            var result = Compile("""
                using System;
                using SymGrad;
                namespace Demo;
                public static partial class K
                {
                    [Differentiable]
                    public static double N(double a) => Math.Sin(a) * a;

                    [Differentiable]
                    public static void H(double[] y, double a, double[] x, int m)
                    {
                        for (int i = 0; i < m; i++)
                        {
                            y[i] = a * x[i];
                        }
                    }

                    [Differentiable]
                    public static void F(double[] x, double[] h, double s, int m)
                    {
                        H(h, NTangent(s, 1.0), x, m);
                    }
                }
                """);

            Assert.Equal(
                "static void FBackward(double[] x, double[] h, double s, int m, ReadOnlySpan<double> dh, Span<double> dx, ref double ds)",
                Signature(Single(result, "Demo.K", "FBackward")));
        }

        [Fact]
        public void ScalarWithSpanOutputs_HasBoth_DResultBeforeOutputCotangents()
        {
            var result = Compile("""
                using System;
                using SymGrad;
                namespace Demo;
                public static partial class K
                {
                    [Differentiable]
                    public static float F(ReadOnlySpan<float> x, Span<float> h, float a)
                    {
                        float s = 0;
                        for (int i = 0; i < x.Length; i++)
                        {
                            h[i] = a * x[i];
                            s += h[i] * h[i];
                        }

                        return s;
                    }
                }
                """);

            Assert.Equal(
                "static void FBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> h, float a, float dResult, ReadOnlySpan<float> dh, Span<float> dx, ref float da)",
                Signature(Single(result, "Demo.K", "FBackward")));
            Assert.Equal(
                "static float FGradient(ReadOnlySpan<float> x, Span<float> h, float a, Span<float> dx, ref float da)",
                Signature(Single(result, "Demo.K", "FGradient")));
        }

        [Fact]
        public void GradientNamesAreDPlusTheNameUnchanged()
        {
            var result = Compile("""
                using System;
                using SymGrad;
                namespace Demo;
                public static partial class K
                {
                    [Differentiable]
                    public static double F(ReadOnlySpan<double> W, double w1, ReadOnlySpan<double> scores) => W[0] * w1 + scores[0];
                }
                """);

            Assert.Equal(
                new[] { "dResult", "dW", "dw1", "dscores" },
                Single(result, "Demo.K", "FBackward").Parameters.Skip(3).Select(p => p.Name));
        }

        [Fact]
        public void NoDerivativeParametersGetNoGradient()
        {
            var result = Compile("""
                using System;
                using SymGrad;
                namespace Demo;
                public static partial class K
                {
                    [Differentiable]
                    public static double F([NoDerivative] double a, [NoDerivative] ReadOnlySpan<double> b, double x) => a * b[0] * x;
                }
                """);

            var backward = Single(result, "Demo.K", "FBackward");
            Assert.Equal("static void FBackward(double a, ReadOnlySpan<double> b, double x, double dResult, ref double dx)", Signature(backward));
        }

        [Theory]
        [InlineData("double x, double dx", "static void FBackward(double x, double dx, double dResult, ref double dx2, ref double ddx)")]
        [InlineData("double x, [NoDerivative] double dx", "static void FBackward(double x, double dx, double dResult, ref double dx2)")]
        [InlineData("double x, double dResult", "static void FBackward(double x, double dResult, double dResult2, ref double dx, ref double ddResult)")]
        public void GeneratedNamesThatCollideWithAParameterGetASuffix(string parameters, string expected)
        {
            var result = Compile($$"""
                using SymGrad;
                namespace Demo;
                public static partial class K
                {
                    [Differentiable]
                    public static double F({{parameters}}) => x * {{parameters.Split(' ').Last()}};
                }
                """);

            Assert.Equal(expected, Signature(Single(result, "Demo.K", "FBackward")));
        }

        [Fact]
        public void LayerParameterNamedLikeACotangentGetsASuffix()
        {
            var result = Compile("""
                using System;
                using SymGrad;
                public static partial class K
                {
                    [Differentiable]
                    public static void L(ReadOnlySpan<double> x, Span<double> y, double dy)
                    {
                        for (int i = 0; i < x.Length; i++)
                        {
                            y[i] = x[i] * dy;
                        }
                    }
                }
                """);

            var names = Single(result, "K", "LBackward").Parameters.Select(p => p.Name).ToArray();
            Assert.Equal(names.Length, names.Distinct().Count());
            Assert.Equal(new[] { "x", "y", "dy" }, names.Take(3));
        }

        [Theory]
        [InlineData("global namespace", "", "public static partial class K", "K")]
        [InlineData("block namespace", "namespace A.B {", "public static partial class K", "A.B.K")]
        [InlineData("internal class", "namespace Demo {", "internal static partial class K", "Demo.K")]
        [InlineData("non-static class", "namespace Demo {", "public partial class K", "Demo.K")]
        [InlineData("sealed class", "namespace Demo {", "public sealed partial class K", "Demo.K")]
        [InlineData("struct", "namespace Demo {", "public partial struct K", "Demo.K")]
        [InlineData("readonly struct", "namespace Demo {", "public readonly partial struct K", "Demo.K")]
        [InlineData("record", "namespace Demo {", "public partial record K(int A)", "Demo.K")]
        [InlineData("record struct", "namespace Demo {", "public partial record struct K(int A)", "Demo.K")]
        [InlineData("readonly record struct", "namespace Demo {", "public readonly partial record struct K(int A)", "Demo.K")]
        [InlineData("generic class", "namespace Demo {", "public static partial class K<T> where T : struct", "Demo.K`1")]
        public void ContainingTypeShapesCompile(string name, string open, string declaration, string metadataName)
        {
            string close = open.Length == 0 ? "" : "}";
            var result = Compile($$"""
                using System;
                using SymGrad;
                {{open}}
                {{declaration}}
                {
                    [Differentiable]
                    public static double F(double x) => x * x;
                }
                {{close}}
                """);

            Assert.True(Has(result, metadataName, "FBackward"), name);
            Assert.True(Has(result, metadataName, "FGradient"), name);
        }

        [Fact]
        public void NestedTypesCompileAndKeepTheirNesting()
        {
            var result = Compile("""
                using System;
                using SymGrad;
                namespace Demo;
                public static partial class Outer
                {
                    private static partial class Middle
                    {
                        internal partial struct Inner
                        {
                            [Differentiable]
                            public static double F(double x) => x * x;
                        }
                    }

                    public partial record struct R(int A)
                    {
                        [Differentiable]
                        private static double G(double x) => x * x;
                    }
                }
                """);

            Assert.True(Has(result, "Demo.Outer+Middle+Inner", "FBackward"));
            Assert.True(Has(result, "Demo.Outer+R", "GBackward"));
            Assert.Equal(
                new[] { "Demo.Outer.Middle.Inner.F.g.cs", "Demo.Outer.R.G.g.cs" },
                result.GeneratedSources.Keys);
        }

        [Theory]
        [InlineData("public", Accessibility.Public)]
        [InlineData("internal", Accessibility.Internal)]
        [InlineData("private", Accessibility.Private)]
        [InlineData("protected internal", Accessibility.ProtectedOrInternal)]
        [InlineData("private protected", Accessibility.ProtectedAndInternal)]
        public void GeneratedMethodsHaveTheForwardsAccessibility(string modifier, Accessibility expected)
        {
            var result = Compile($$"""
                using SymGrad;
                namespace Demo;
                public partial class K
                {
                    [Differentiable]
                    {{modifier}} static double F(double x) => x * x;

                    public static double Use(double x) { double dx = 0; return F(x) + FGradient(x, ref dx); }
                }
                """);

            Assert.Equal(expected, Single(result, "Demo.K", "FBackward").DeclaredAccessibility);
            Assert.Equal(expected, Single(result, "Demo.K", "FGradient").DeclaredAccessibility);
        }

        [Fact]
        public void GeneratedMethodsAreDocumentedAndMarkedGenerated()
        {
            var result = Compile("""
                using SymGrad;
                namespace Demo;
                public static partial class K
                {
                    [Differentiable]
                    public static double F(double x) => x * x;
                }
                """);

            foreach (var name in new[] { "FBackward", "FGradient" })
            {
                var method = Single(result, "Demo.K", name);
                Assert.False(string.IsNullOrWhiteSpace(method.GetDocumentationCommentXml()), name);
                Assert.Contains(method.GetAttributes(), a => a.AttributeClass?.ToDisplayString() == "System.CodeDom.Compiler.GeneratedCodeAttribute");
            }

            var text = result.GeneratedSources["Demo.K.F.g.cs"];
            Assert.StartsWith("// <auto-generated/>\n#nullable enable\n", text.Replace("\r\n", "\n"), System.StringComparison.Ordinal);
        }

        [Fact]
        public void ComposedCallsUseTheCalleesBackward()
        {
            var result = Compile("""
                using System;
                using SymGrad;
                namespace Demo;
                public static partial class K
                {
                    [Differentiable]
                    public static double Inner(double a, double b) => a * b;

                    [Differentiable]
                    public static double Outer(double x) => Inner(x, x) + Math.Exp(x);
                }
                """);

            var outer = result.OutputCompilation.SyntaxTrees.Single(t => t.FilePath.EndsWith("Demo.K.Outer.g.cs", System.StringComparison.Ordinal));
            Assert.Contains("InnerBackward(", outer.ToString(), System.StringComparison.Ordinal);
        }

        private const string Layers = """
            using System;
            using SymGrad;
            namespace Demo;
            public static class Ops
            {
                public static void Square(ReadOnlySpan<double> x, Span<double> y) { for (int i = 0; i < x.Length; i++) y[i] = x[i] * x[i]; }

                [DerivativeOf(typeof(Ops), nameof(Square))]
                public static void SquareBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx) { for (int i = 0; i < x.Length; i++) dx[i] += 2 * x[i] * dy[i]; }

                [DerivativeOf(typeof(Ops), nameof(Square), Assigns = "dx")]
                public static void SquareBackwardAssign(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx) { for (int i = 0; i < x.Length; i++) dx[i] = 2 * x[i] * dy[i]; }

                public static double Sum(ReadOnlySpan<double> x) { double s = 0; foreach (double v in x) s += v; return s; }

                [DerivativeOf(typeof(Ops), nameof(Sum))]
                public static void SumBackward(ReadOnlySpan<double> x, double dResult, Span<double> dx) { for (int i = 0; i < dx.Length; i++) dx[i] += dResult; }
            }
            """;

        private static string Body(GeneratorResult result) => string.Join("\n", result.GeneratedSources.Values);

        [Fact]
        public void AssigningDerivative_SetsAFreshCotangentBuffer_ThenAddsTheCallersCotangent()
        {
            // h is read by two squares: in the reverse sweep the later one (q) reaches dh first and assigns it, the earlier
            // (p) accumulates; h's buffer is rented uncleared, and MBackward's own dh is added after the assignment.
            var result = Compile(Layers + """
                public static partial class K
                {
                    [Differentiable]
                    public static double F(ReadOnlySpan<double> x, Span<double> h, Span<double> p, Span<double> q)
                    {
                        Ops.Square(x, h);
                        Ops.Square(h, p);
                        Ops.Square(h, q);
                        return Ops.Sum(p) + Ops.Sum(q);
                    }
                }
                """);
            string code = Body(result);
            Assert.Contains("global::System.Span<double> dhWork = workspace.RentDoubles(h.Length, clear: false);", code);
            Assert.Contains("global::Demo.Ops.SquareBackwardAssign(h, q, dqWork, dhWork);\n", code.Replace("\r", ""));
            Assert.Contains("global::SymGrad.Workspace.AddCotangent(dh, dhWork);", code);
            Assert.Contains("global::Demo.Ops.SquareBackward(h, p, dpWork, dhWork);", code);
            Assert.True(code.IndexOf("SquareBackwardAssign(h, q", System.StringComparison.Ordinal) < code.IndexOf("SquareBackward(h, p", System.StringComparison.Ordinal));
        }

        [Fact]
        public void AssigningDerivative_NotUsedInsideALoop()
        {
            // A call in a loop body runs many times (or none): only the accumulating backward is safe there.
            var result = Compile(Layers + """
                public static partial class K
                {
                    [Differentiable]
                    public static double F(ReadOnlySpan<double> x, Span<double> h, Span<double> p, int n)
                    {
                        Ops.Square(x, h);
                        double s = 0;
                        for (int k = 0; k < n; k++)
                        {
                            Ops.Square(h, p);
                            s += Ops.Sum(p);
                        }

                        return s;
                    }
                }
                """);
            string code = Body(result);
            Assert.DoesNotContain("SquareBackwardAssign", code);
            Assert.DoesNotContain("clear: false", code);
        }

        /// <summary>A long the reverse sweep needs back (it multiplies a real) travels on the workspace's long tape.</summary>
        [Fact]
        public void LongLoopCarriedValue_IsTapedAsLong()
        {
            var result = Compile("""
                using System;
                using SymGrad;
                public static partial class K
                {
                    [Differentiable]
                    public static double M(double x, int n)
                    {
                        double s = 1;
                        long k = 1;
                        for (int i = 0; i < n; i++)
                        {
                            k += i;
                            s = s * x * k;
                        }

                        return s;
                    }
                }
                """);
            Assert.Contains("workspace.Longs.Push(k)", result.GeneratedSources.Values.Single());
        }
    }
}
