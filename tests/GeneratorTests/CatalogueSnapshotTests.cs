using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SymGrad.GeneratorTests.Infrastructure;
using Xunit;

namespace SymGrad.GeneratorTests
{
    /// <summary>
    /// Snapshots of the code emitted for every catalogue entry (1–24). The forward methods are the files of
    /// <c>tests/RuntimeTests/Catalogue</c>, embedded in this assembly (see the .csproj), so there is one source of truth
    /// and no path to find at run time. All the files are compiled together (the two-layer network calls
    /// <c>Activations.Sigmoid</c>); each test snapshots the files generated for one of them.
    /// </summary>
    public sealed class CatalogueSnapshotTests
    {
        private const string Namespace = "SymGrad.RuntimeTests.Catalogue";

        private static readonly string[] s_files = { "Scalars", "Activations", "Layers", "Convolutions", "Composition" };

        private static readonly Lazy<GeneratorResult> s_result = new(() =>
        {
            var sources = s_files.Select(ReadCatalogue).ToArray();
            return GeneratorHarness.Run(sources[0], sources[1..]);
        });

        /// <summary>The text of <c>tests/RuntimeTests/Catalogue/{name}.cs</c>.</summary>
        public static string ReadCatalogue(string name) => GeneratorHarness.Embedded($"Catalogue.{name}.cs");

        [Fact]
        public void CatalogueCompilesCleanly()
        {
            GeneratorHarness.AssertCompilesCleanly(s_result.Value);
            Assert.Empty(s_result.Value.GeneratorDiagnostics);
        }

        [Fact]
        public void Scalars() => Verify(nameof(Scalars), 17);

        [Fact]
        public void Activations() => Verify(nameof(Activations), 7 + 2); // + the second orders of two activations the composition calls

        [Fact]
        public void Layers() => Verify(nameof(Layers), 11 + 1); // + the second order of a layer the composition calls

        [Fact]
        public void Convolutions() => Verify(nameof(Convolutions), 3);

        [Fact]
        public void Composition() => Verify(nameof(Composition), 5);

        /// <summary>
        /// The networks over <see cref="Nn"/> primitives (<c>tests/RuntimeTests/Nn/Networks.cs</c>, gradient-checked by the
        /// RuntimeTests' CompositionTests): their backwards call the primitives' registered backwards, the assigning variants
        /// for each intermediate's first contribution, with the buffers rented uncleared and the callers' cotangents added.
        /// </summary>
        [Fact]
        public void NnNetworks()
        {
            string source = GeneratorHarness.Embedded("Nn.Networks.cs");
            var result = GeneratorHarness.Run(source);
            GeneratorHarness.AssertCompilesCleanly(result);
            Assert.Empty(result.GeneratorDiagnostics);
            Assert.Equal(CountOccurrences(source, "[Differentiable]"), result.GeneratedSources.Count);
            Assert.Contains(result.GeneratedSources.Values, text => text.Contains("BackwardAssign(", StringComparison.Ordinal));

            // Overloads (a float and a double network) get hints with their whole signature, too long for a file name:
            // the snapshot names them by the element type of their first parameter instead.
            var named = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (hint, text) in result.GeneratedSources)
            {
                int open = hint.IndexOf('(', StringComparison.Ordinal);
                string shortHint = open < 0 ? hint
                    : hint[..open] + "." + hint[(hint.IndexOf('{', open) + 1)..hint.IndexOf('}', open)] + ".g.cs";
                named.Add(shortHint, text);
            }

            Snapshot.Verify(result with { GeneratedSources = named });
        }

        /// <summary>
        /// Every [Differentiable] method of the catalogue has a generated file, and each file is one method's; a method writing
        /// outputs that another calls has a second file, its MBackwardTangent (what the caller's MHessianVector calls).
        /// </summary>
        [Fact]
        public void EveryDifferentiableMethodHasAGeneratedFile()
        {
            int methods = s_files.Sum(f => CountOccurrences(ReadCatalogue(f), "[Differentiable]"));
            var secondOrder = s_result.Value.GeneratedSources.Keys.Where(k => k.EndsWith(".SecondOrder.g.cs", StringComparison.Ordinal)).ToList();
            Assert.Equal(methods, s_result.Value.GeneratedSources.Count - secondOrder.Count);
            Assert.Equal(3, secondOrder.Count);
            Assert.All(secondOrder, k => Assert.Contains(k.Replace(".SecondOrder", "", StringComparison.Ordinal), s_result.Value.GeneratedSources.Keys));
            Assert.Equal(17 + 7 + 11 + 3 + 5, methods);
        }

        private static void Verify(string type, int expectedFiles, [System.Runtime.CompilerServices.CallerMemberName] string scenario = "")
        {
            var result = s_result.Value;
            GeneratorHarness.AssertCompilesCleanly(result);
            string prefix = $"{Namespace}.{type}.";
            var mine = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (hint, text) in result.GeneratedSources.Where(s => s.Key.StartsWith(prefix, StringComparison.Ordinal)))
            {
                mine.Add(hint, text);
            }

            Assert.Equal(expectedFiles, mine.Count);
            Snapshot.Verify(result with { GeneratedSources = mine }, scenario);
        }

        private static int CountOccurrences(string text, string value)
        {
            int count = 0;
            for (int i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
            {
                count++;
            }

            return count;
        }
    }
}
