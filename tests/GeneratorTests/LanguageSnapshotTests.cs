using System;
using System.IO;
using System.Linq;
using SymGrad.GeneratorTests.Infrastructure;
using Xunit;

namespace SymGrad.GeneratorTests
{
    /// <summary>
    /// Snapshots of the code emitted for the C# constructs beyond the lecture (<c>tests/RuntimeTests/Language/*Cases.cs</c>,
    /// gradient-checked by the RuntimeTests next to them): each compiles with no diagnostic and no warning.
    /// </summary>
    public sealed class LanguageSnapshotTests
    {
        [Fact]
        public void MathLibrary() => VerifyCases("MathLibraryCases");

        [Fact]
        public void Arrays() => VerifyCases("ArrayCases");

        [Fact]
        public void ForEach() => VerifyCases("ForEachCases");

        [Fact]
        public void While() => VerifyCases("WhileCases");

        [Fact]
        public void Switch() => VerifyCases("SwitchCases");

        [Fact]
        public void Ranges() => VerifyCases("RangeCases");

        [Fact]
        public void Registrations() => VerifyCases("RegistrationCases");

        [Fact]
        public void LocalFunctions() => VerifyCases("LocalFunctionCases");

        [Fact]
        public void Results() => VerifyCases("ResultCases");

        [Fact]
        public void ResultCalls() => VerifyCases("ResultCallCases", beside: "ResultCases");

        /// <summary>Float and double inputs and results in one method: double Jacobians and Hessians.</summary>
        [Fact]
        public void MixedPrecision() => VerifyCases("MixedPrecisionCases");

        [Fact]
        public void LayerObjects() => VerifyCases("LayerObjectCases");

        [Fact]
        public void LayerCalls() => VerifyCases("LayerCallCases");

        [Fact]
        public void HeldLayers() => VerifyCases("HeldLayerCases");

        [Fact]
        public void LocalBuffers() => VerifyCases("LocalBufferCases");

        [Fact]
        public void Structs() => VerifyCases("StructCases");

        /// <summary>Calls of methods taking structs (StructCases.Dot, Distance): the callers, and the callees' flat twins.</summary>
        [Fact]
        public void StructCalls() => VerifyCases("StructCallCases", beside: "StructCases");

        [Fact]
        public void GradientChoice() => VerifyCases("GradientChoiceCases");

        [Fact]
        public void Generics() => VerifyCases("GenericCases");

        [Fact]
        public void NestedDifferentiation() => VerifyCases("NestedCases");

        /// <summary>Span gradients of nested calls: the methods adding them (FGradientOfX, in F's .SpanGradients file) are snapshots too.</summary>
        [Fact]
        public void SpanGradients() => VerifyCases("SpanGradientCases");

        /// <summary>Nested FTangent of methods writing outputs: FTangent's own derivatives (in F's .TangentDerivatives file) are snapshots too.</summary>
        [Fact]
        public void TangentCalls() => VerifyCases("TangentCallCases");

        /// <summary>
        /// Nested FTangent of layers built of Nn primitives, one of them BackwardCallCases' (compiled beside them, whose own
        /// snapshot holds DenseTanh's FTangent-derivative file): their tangents differentiated again through their registered derivatives.
        /// </summary>
        [Fact]
        public void NnTangentCalls() => VerifyCases("NnTangentCallCases", beside: "BackwardCallCases");

        /// <summary>Nested FBackward of methods writing outputs: the methods it is read as (in F's .BackwardCalls file) are snapshots too.</summary>
        [Fact]
        public void BackwardCalls() => VerifyCases("BackwardCallCases");

        /// <summary>GradBench's bundle adjustment, k-means and Gaussian mixture, written as a user writes them.</summary>
        [Fact]
        public void GradBench() => VerifyCases("GradBenchCases");

        /// <summary>Its cases call the library of RegistrationCases (SmoothLibrary), compiled beside them: the snapshot is their own files.</summary>
        [Fact]
        public void SecondOrders() => VerifyCases("SecondOrderCases", beside: "RegistrationCases");

        [Fact]
        public void CheckpointedLoops() => VerifyCases("CheckpointCases", "Checkpointing");

        /// <summary>Losses over networks of Nn layers and of layers of one's own: their products, and the layers' MBackwardTangent files.</summary>
        [Fact]
        public void Networks() => VerifyCases("NetworkCases");

        private static void VerifyCases(string name, string folder = "Language", string? beside = null)
        {
            var result = beside is null
                ? GeneratorHarness.Run(GeneratorHarness.Embedded($"{folder}.{name}.cs"))
                : GeneratorHarness.Run(GeneratorHarness.Embedded($"{folder}.{name}.cs"), GeneratorHarness.Embedded($"{folder}.{beside}.cs"));
            GeneratorHarness.AssertCompilesCleanly(result);
            Assert.Empty(result.GeneratorDiagnostics);
            if (beside is not null)
            {
                // Its own files, and the flat twins and results' methods its calls of the other's methods have written there.
                result = result with { GeneratedSources = result.GeneratedSources.Where(s => s.Key.Contains("." + name + ".", System.StringComparison.Ordinal)
                    || s.Key.EndsWith(".Flattened.g.cs", System.StringComparison.Ordinal) || s.Key.EndsWith(".Results.g.cs", System.StringComparison.Ordinal)
                    || s.Key.EndsWith(".ThirdOrder.g.cs", System.StringComparison.Ordinal))
                    .ToDictionary(s => s.Key, s => s.Value) };
            }

            Snapshot.Verify(result, name);
        }
    }
}
