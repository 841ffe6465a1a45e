using System;
using System.IO;
using SymGrad.GeneratorTests.Infrastructure;
using Xunit;

namespace SymGrad.GeneratorTests
{
    /// <summary>
    /// Snapshots of the code emitted for the reproductions of the "correct on every program" issue
    /// (<c>tests/RuntimeTests/Regressions/EngineCases.cs</c>, gradient-checked by the RuntimeTests' EngineRegressionTests):
    /// each compiles with no diagnostic and no warning, and its derivation is reviewed here.
    /// </summary>
    public sealed class RegressionSnapshotTests
    {
        [Fact]
        public void EngineCases()
        {
            var result = GeneratorHarness.Run(GeneratorHarness.Embedded("Regressions.EngineCases.cs"));
            GeneratorHarness.AssertCompilesCleanly(result);
            Assert.Empty(result.GeneratorDiagnostics);
            Snapshot.Verify(result);
        }
    }
}
