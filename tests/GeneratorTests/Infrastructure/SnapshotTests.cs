using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace SymGrad.GeneratorTests.Infrastructure
{
    public sealed class SnapshotTests : IDisposable
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

        private readonly string _dir = Path.Combine(Path.GetTempPath(), "symgrad-snapshots-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
        }

        private static SnapshotFile[] One(string text) => new[] { new SnapshotFile("Hint.g", "cs", text) };

        private string PathOf(string name) => Path.Combine(_dir, name);

        [Fact]
        public void MissingVerifiedFileWritesReceivedAndFails()
        {
            var e = Assert.Throws<SnapshotMismatchException>(
                () => Snapshot.VerifyFiles(_dir, "T.S", One("class A {}\n"), accept: false, removeStale: false));

            Assert.Contains("New snapshot: T.S#Hint.g.verified.cs does not exist yet.", e.Message);
            Assert.Contains("+class A {}", e.Message);
            Assert.Contains("SYMGRAD_ACCEPT=1", e.Message);
            Assert.Equal(new[] { PathOf("T.S#Hint.g.received.cs") }, e.ReceivedFiles);
            Assert.Equal("class A {}\n", File.ReadAllText(PathOf("T.S#Hint.g.received.cs")));
            Assert.False(File.Exists(PathOf("T.S#Hint.g.verified.cs")));
        }

        [Fact]
        public void MismatchWritesReceivedAndFailsWithAUnifiedDiff()
        {
            Directory.CreateDirectory(_dir);
            var verified = string.Concat(Enumerable.Range(1, 20).Select(i => $"line {i}\n"));
            File.WriteAllText(PathOf("T.S#Hint.g.verified.cs"), verified);
            var received = verified.Replace("line 10\n", "line ten\n");

            var e = Assert.Throws<SnapshotMismatchException>(
                () => Snapshot.VerifyFiles(_dir, "T.S", One(received), accept: false, removeStale: false));

            Assert.Contains("Snapshot differs: T.S#Hint.g.verified.cs", e.Message);
            Assert.Contains(
                "--- T.S#Hint.g.verified.cs\n+++ T.S#Hint.g.received.cs\n@@ -7,7 +7,7 @@\n line 7\n line 8\n line 9\n-line 10\n+line ten\n line 11\n line 12\n line 13\n",
                e.Message);
            Assert.Equal(received, File.ReadAllText(PathOf("T.S#Hint.g.received.cs")));
            Assert.Equal(verified, File.ReadAllText(PathOf("T.S#Hint.g.verified.cs")));
        }

        [Fact]
        public void MatchPassesAndDeletesAStaleReceivedFile()
        {
            Directory.CreateDirectory(_dir);
            File.WriteAllText(PathOf("T.S#Hint.g.verified.cs"), "a\r\nb\r\n");
            File.WriteAllText(PathOf("T.S#Hint.g.received.cs"), "old attempt\n");

            Snapshot.VerifyFiles(_dir, "T.S", One("a\nb"), accept: false, removeStale: false);

            Assert.False(File.Exists(PathOf("T.S#Hint.g.received.cs")));
        }

        [Fact]
        public void AcceptOverwritesTheVerifiedFile()
        {
            Directory.CreateDirectory(_dir);
            File.WriteAllText(PathOf("T.S#Hint.g.verified.cs"), "old\n");
            File.WriteAllText(PathOf("T.S#Hint.g.received.cs"), "old attempt\n");

            Snapshot.VerifyFiles(_dir, "T.S", One("new\r\n"), accept: true, removeStale: false);

            Assert.Equal("new\n", File.ReadAllText(PathOf("T.S#Hint.g.verified.cs")));
            Assert.False(File.Exists(PathOf("T.S#Hint.g.received.cs")));
            Snapshot.VerifyFiles(_dir, "T.S", One("new\n"), accept: false, removeStale: false);
        }

        [Theory]
        [InlineData("SYMGRAD_ACCEPT", "1", true)]
        [InlineData("SYMGRAD_ACCEPT", "true", true)]
        [InlineData("SYMGRAD_ACCEPT", "0", false)]
        [InlineData("VERIFY_AUTOVERIFY", "true", true)]
        [InlineData("VERIFY_AUTOVERIFY", "True", true)]
        [InlineData("VERIFY_AUTOVERIFY", "false", false)]
        [InlineData("OTHER", "1", false)]
        public void AcceptIsRequestedByEitherVariable(string name, string value, bool expected)
        {
            var env = new Dictionary<string, string> { [name] = value };
            Assert.Equal(expected, Snapshot.IsAcceptRequested(n => env.GetValueOrDefault(n)));
        }

        [Fact]
        public void GeneratorResultIsOneFilePerHintNameAndDiagnosticsAsText()
        {
            var files = Snapshot.FilesOf(GeneratorHarness.Run(new ProbeGenerator(), Square));
            var sourceFile = Assert.Single(files);
            Assert.Equal("T.S#Demo.Kernels.Square.g.verified.cs", sourceFile.VerifiedName("T.S"));

            var diagnosticsOnly = Snapshot.FilesOf(GeneratorHarness.Run(
                new ProbeGenerator(), "partial class K { [SymGrad.Differentiable] double M() => 1; }"));
            var diagnostics = Assert.Single(diagnosticsOnly);
            Assert.Equal("T.S.verified.txt", diagnostics.VerifiedName("T.S"));
            Assert.Equal("Test0.cs(1,51,1,52): error PROBE01: Method 'M' must be static\n", diagnostics.Text);

            var nothing = Snapshot.FilesOf(GeneratorHarness.Run(new ProbeGenerator(), "class C {}"));
            Assert.Equal("(no generated sources, no diagnostics)\n", Assert.Single(nothing).Text);
        }

        [Fact]
        public void VerifiedFileNoLongerGeneratedIsStale()
        {
            Directory.CreateDirectory(_dir);
            File.WriteAllText(PathOf("T.S#Hint.g.verified.cs"), "x\n");
            File.WriteAllText(PathOf("T.S#Gone.g.verified.cs"), "y\n");
            File.WriteAllText(PathOf("T.Sibling#Other.g.verified.cs"), "z\n");

            var e = Assert.Throws<SnapshotMismatchException>(
                () => Snapshot.VerifyFiles(_dir, "T.S", One("x\n"), accept: false, removeStale: true));
            Assert.Contains("Stale snapshot: T.S#Gone.g.verified.cs", e.Message);
            Assert.DoesNotContain("Sibling", e.Message);

            Snapshot.VerifyFiles(_dir, "T.S", One("x\n"), accept: true, removeStale: true);
            Assert.False(File.Exists(PathOf("T.S#Gone.g.verified.cs")));
            Assert.True(File.Exists(PathOf("T.Sibling#Other.g.verified.cs")));
        }

        [Fact]
        public void SnapshotDirectoryIsTheTestProjectsSnapshotsFolder()
        {
            string dir = Snapshot.FindSnapshotDirectory(ThisFile());

            Assert.Equal("Snapshots", Path.GetFileName(dir));
            Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(dir)!, "SymGrad.GeneratorTests.csproj")));
        }

        [Fact]
        public void UnifiedDiffOfEqualTextsHasNoHunks()
        {
            Assert.Equal("--- verified\n+++ received\n", Snapshot.UnifiedDiff("a\nb\n", "a\r\nb"));
        }

        /// <summary>End to end, against the committed file <c>Snapshots/SnapshotTests.ProbeGeneratorOutput#Demo.Kernels.Square.g.verified.cs</c>.</summary>
        [Fact]
        public void ProbeGeneratorOutput()
        {
            var result = GeneratorHarness.Run(new ProbeGenerator(), Square);

            GeneratorHarness.AssertCompilesCleanly(result);
            Snapshot.Verify(result);
        }

        private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
    }
}
