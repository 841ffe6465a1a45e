using System;
using System.IO;
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

        private static void VerifyCases(string name)
        {
            using var stream = typeof(LanguageSnapshotTests).Assembly.GetManifestResourceStream($"Language.{name}.cs")
                ?? throw new InvalidOperationException($"Language/{name}.cs is not embedded; see SymGrad.GeneratorTests.csproj.");
            var result = GeneratorHarness.Run(new StreamReader(stream).ReadToEnd());
            GeneratorHarness.AssertCompilesCleanly(result);
            Assert.Empty(result.GeneratorDiagnostics);
            Snapshot.Verify(result, name);
        }
    }
}
