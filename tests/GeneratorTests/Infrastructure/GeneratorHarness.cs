using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.PortableExecutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using SymGrad.Generator;
using Xunit;

namespace SymGrad.GeneratorTests.Infrastructure
{
    /// <summary>
    /// Runs a generator (by default <see cref="DifferentiableGenerator"/>) over C# source text in a compilation that
    /// references the .NET runtime, SymGrad.Attributes and SymGrad.Runtime, with step tracking on, and returns
    /// everything a test looks at as a <see cref="GeneratorResult"/>.
    /// The first source may carry <c>[|…|]</c> markers (<see cref="MarkedSource"/>) for <see cref="AssertDiagnostic(GeneratorResult, string, int)"/>.
    /// </summary>
    public static class GeneratorHarness
    {
        /// <summary>Path of the first (marked-up) source tree; the others are <c>Test1.cs</c>, <c>Test2.cs</c>, ….</summary>
        public const string MainPath = "Test0.cs";

        public static CSharpParseOptions ParseOptions { get; } =
            new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Diagnose);

        /// <summary>
        /// A library with nullable and unsafe code on, at the highest warning level; CS1701/CS1702 (assembly version
        /// unification, which the SDK also silences) are suppressed.
        /// </summary>
        public static CSharpCompilationOptions CompilationOptions { get; } =
            new CSharpCompilationOptions(
                    OutputKind.DynamicallyLinkedLibrary,
                    nullableContextOptions: NullableContextOptions.Enable,
                    allowUnsafe: true,
                    warningLevel: 9999,
                    deterministic: true)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
                {
                    ["CS1701"] = ReportDiagnostic.Suppress,
                    ["CS1702"] = ReportDiagnostic.Suppress,
                });

        private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(SymGrad.Testing.ReferenceAssemblies.Load);

        /// <summary>The .NET runtime assemblies, SymGrad.Attributes, SymGrad.Runtime and what SymGrad.Runtime references.</summary>
        public static ImmutableArray<MetadataReference> References => s_references.Value;

        /// <summary>Runs <see cref="DifferentiableGenerator"/> over <paramref name="source"/> (markup allowed) and any further sources.</summary>
        /// <summary>
        /// The text of a file of <c>tests/RuntimeTests</c> embedded in this assembly under <paramref name="logicalName"/>
        /// (<c>Catalogue.Layers.cs</c>, <c>Regressions.EngineCases.cs</c>; see SymGrad.GeneratorTests.csproj).
        /// </summary>
        public static string Embedded(string logicalName)
        {
            using var stream = typeof(GeneratorHarness).Assembly.GetManifestResourceStream(logicalName)
                ?? throw new InvalidOperationException($"'{logicalName}' is not embedded; see SymGrad.GeneratorTests.csproj.");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }

        public static GeneratorResult Run(string source, params string[] additionalSources)
            => Run(new DifferentiableGenerator(), source, additionalSources);

        /// <summary>Runs <paramref name="generator"/> over <paramref name="source"/> (markup allowed) and any further sources.</summary>
        public static GeneratorResult Run(IIncrementalGenerator generator, string source, params string[] additionalSources)
        {
            var marked = MarkedSource.Parse(source);
            var trees = new List<SyntaxTree> { Parse(marked.Text, MainPath) };
            for (int i = 0; i < additionalSources.Length; i++)
            {
                trees.Add(Parse(additionalSources[i], $"Test{i + 1}.cs"));
            }

            GeneratorDriver driver = CSharpGeneratorDriver.Create(
                new[] { generator.AsSourceGenerator() },
                additionalTexts: null,
                parseOptions: ParseOptions,
                optionsProvider: null,
                driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
            return RunDriver(driver, CreateCompilation(trees), marked);
        }

        public static SyntaxTree Parse(string text, string path)
            => CSharpSyntaxTree.ParseText(text, ParseOptions, path, Encoding.UTF8);

        public static CSharpCompilation CreateCompilation(IEnumerable<SyntaxTree> trees)
            => CSharpCompilation.Create("SymGradTests", trees, References, CompilationOptions);

        internal static GeneratorResult RunDriver(GeneratorDriver driver, CSharpCompilation input, MarkedSource marked)
        {
            driver = driver.RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);
            var run = driver.GetRunResult();
            var sources = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var generated in run.Results.SelectMany(r => r.GeneratedSources))
            {
                sources.Add(generated.HintName, generated.SourceText.ToString());
            }

            return new GeneratorResult(
                input, output, driver, run, sources, generatorDiagnostics, output.GetDiagnostics(), marked);
        }

        /// <summary>
        /// Fails, listing each with its location and source line, if the output compilation has an error anywhere or a
        /// warning in generated code (user projects build with warnings as errors), if the generator reported an
        /// error, or if it threw.
        /// </summary>
        public static void AssertCompilesCleanly(GeneratorResult result)
        {
            var generatedTrees = result.GeneratedTrees.ToHashSet();
            var problems = result.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)
                .Concat(result.OutputDiagnostics.Where(d =>
                    d.Severity == DiagnosticSeverity.Error ||
                    (d.Severity == DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && generatedTrees.Contains(tree))))
                .Distinct()
                .ToList();
            var exceptions = result.RunResult.Results.Where(r => r.Exception is not null).Select(r => r.Exception!).ToList();
            if (problems.Count == 0 && exceptions.Count == 0)
            {
                return;
            }

            var message = new StringBuilder();
            message.AppendLine(CultureInfo.InvariantCulture, $"Expected a clean compilation, got {problems.Count} problem(s):");
            foreach (var d in problems)
            {
                message.Append("  ").AppendLine(Format(d));
                if (SourceLine(result, d) is { } line) message.Append("      | ").AppendLine(line);
            }

            foreach (var e in exceptions)
            {
                message.Append("  generator threw: ").AppendLine(e.ToString());
            }

            message.Append("Generated: ").Append(result.GeneratedSources.Count == 0 ? "(nothing)" : string.Join(", ", result.GeneratedSources.Keys));
            Assert.Fail(message.ToString());
        }

        /// <summary>
        /// Finds the one diagnostic with <paramref name="id"/> (from the generator or the output compilation) and
        /// asserts it covers exactly the <paramref name="markedSpan"/>-th <c>[|…|]</c> span of the first source.
        /// </summary>
        public static Diagnostic AssertDiagnostic(GeneratorResult result, string id, int markedSpan = 0)
        {
            if (markedSpan >= result.Source.Spans.Length)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(markedSpan), $"The source has {result.Source.Spans.Length} [|…|] span(s).");
            }

            var expected = result.Source.Spans[markedSpan];
            var d = Single(result, id);
            var tree = result.InputCompilation.SyntaxTrees.First(t => t.FilePath == MainPath);
            if (PathOf(d) != MainPath || d.Location.SourceSpan != expected)
            {
                var actualTree = TreeOf(result, d);
                Assert.Fail(
                    $"{id} is at {Where(d)}, expected {MainPath}{Position(tree.GetLineSpan(expected))}.{Environment.NewLine}" +
                    $"  expected: {Excerpt(tree, expected)}{Environment.NewLine}" +
                    $"  actual:   {(actualTree is null ? "(no source location)" : Excerpt(actualTree, d.Location.SourceSpan))}");
            }

            return d;
        }

        /// <summary>
        /// Finds the one diagnostic with <paramref name="id"/> and asserts it starts at 1-based
        /// <paramref name="line"/>:<paramref name="column"/> of the first source.
        /// </summary>
        public static Diagnostic AssertDiagnostic(GeneratorResult result, string id, int line, int column)
        {
            var d = Single(result, id);
            var start = d.Location.GetLineSpan().StartLinePosition;
            if (PathOf(d) != MainPath || start.Line + 1 != line || start.Character + 1 != column)
            {
                Assert.Fail($"{id} is at {Where(d)}, expected {MainPath}({line},{column}).");
            }

            return d;
        }

        /// <summary>
        /// Fails unless every output of the tracked step <paramref name="stepName"/> was reused in the last run
        /// (<see cref="IncrementalStepRunReason.Cached"/>, or <see cref="IncrementalStepRunReason.Unchanged"/>: recomputed
        /// to an equal value, so nothing downstream runs).
        /// </summary>
        public static void AssertReused(GeneratorResult result, string stepName)
        {
            var reasons = result.StepReasons(stepName);
            if (reasons.Any(r => r is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged)))
            {
                Assert.Fail($"Step '{stepName}' was not reused: {string.Join(", ", reasons)}.");
            }
        }

        /// <summary>Compiler-style text: <c>Test0.cs(3,17,3,23): error SG0001: message</c>.</summary>
        public static string Format(Diagnostic d)
            => string.Create(
                CultureInfo.InvariantCulture,
                $"{Where(d)}: {d.Severity.ToString().ToLowerInvariant()} {d.Id}: {d.GetMessage(CultureInfo.InvariantCulture)}");

        /// <summary>
        /// Fails if any output of the named tracked steps holds, anywhere in its object graph, a Roslyn object that would
        /// defeat caching (symbol, syntax node, semantic model, compilation, location) — the incremental cache boundary.
        /// </summary>
        public static void AssertNoRoslynObjectsInSteps(GeneratorResult result, params string[] stepNames)
        {
            var found = new List<string>();
            foreach (var name in stepNames)
            {
                foreach (var (value, _) in result.StepOutputs(name))
                {
                    FindRoslynObjects(value, $"{name}: {value?.GetType().Name}", found, new HashSet<object>(ReferenceEqualityComparer.Instance));
                }
            }

            if (found.Count > 0)
            {
                Assert.Fail("Roslyn objects in cached step outputs:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", found.Distinct()));
            }
        }

        private static void FindRoslynObjects(object? value, string path, List<string> found, HashSet<object> seen)
        {
            if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
            {
                return;
            }

            string? kind = value switch
            {
                ISymbol => nameof(ISymbol),
                SyntaxNode => nameof(SyntaxNode),
                SyntaxTree => nameof(SyntaxTree),
                SemanticModel => nameof(SemanticModel),
                Compilation => nameof(Compilation),
                Location => nameof(Location),
                _ => null,
            };
            if (kind is not null)
            {
                found.Add($"{path}: {kind} ({value.GetType().Name})");
                return;
            }

            if (value is System.Collections.IEnumerable items)
            {
                int i = 0;
                foreach (var item in items) FindRoslynObjects(item, $"{path}[{i++}]", found, seen);
                return;
            }

            for (var type = value.GetType(); type is not null && type != typeof(object); type = type.BaseType)
            {
                foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    FindRoslynObjects(field.GetValue(value), $"{path}.{field.Name}", found, seen);
                }
            }
        }

        private static Diagnostic Single(GeneratorResult result, string id)
        {
            var matches = result.AllDiagnostics.Where(d => d.Id == id).ToList();
            if (matches.Count != 1)
            {
                Assert.Fail(
                    $"Expected one {id}, found {matches.Count}. All diagnostics:{Environment.NewLine}  " +
                    (result.AllDiagnostics.IsEmpty ? "(none)" : string.Join(Environment.NewLine + "  ", result.AllDiagnostics.Select(Format))));
            }

            return matches[0];
        }

        // A generator's diagnostic may carry a source location or, when it was rebuilt from cached data
        // (Location.Create(path, span, lineSpan)), an external-file location with the same path and span.
        private static string? PathOf(Diagnostic d)
            => d.Location.Kind is LocationKind.SourceFile or LocationKind.ExternalFile ? d.Location.GetLineSpan().Path : null;

        private static SyntaxTree? TreeOf(GeneratorResult result, Diagnostic d)
            => d.Location.SourceTree ?? result.OutputCompilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == PathOf(d));

        private static string Where(Diagnostic d)
            => PathOf(d) is { } path ? Path.GetFileName(path) + Position(d.Location.GetLineSpan()) : "(no location)";

        private static string Position(FileLinePositionSpan span)
            => string.Create(
                CultureInfo.InvariantCulture,
                $"({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1},{span.EndLinePosition.Line + 1},{span.EndLinePosition.Character + 1})");

        private static string? SourceLine(GeneratorResult result, Diagnostic d)
        {
            if (TreeOf(result, d) is not { } tree || d.Location.SourceSpan.End > tree.Length) return null;
            var text = tree.GetText();
            int line = text.Lines.GetLinePosition(d.Location.SourceSpan.Start).Line;
            return text.Lines[line].ToString();
        }

        private static string Excerpt(SyntaxTree tree, TextSpan span)
        {
            var text = tree.GetText();
            var line = text.Lines.GetLineFromPosition(span.Start);
            int end = Math.Min(span.End, line.End);
            return text.ToString(TextSpan.FromBounds(line.Start, span.Start)) + "[|" +
                   text.ToString(TextSpan.FromBounds(span.Start, end)) + "|]" +
                   text.ToString(TextSpan.FromBounds(end, line.End)) + (span.End > line.End ? " …" : "");
        }
    }

    /// <summary>
    /// One generator run: the input and output compilations, the driver after the run (to run again incrementally),
    /// its run result, the generated sources by hint name (ordinal order), the generator's diagnostics, the output
    /// compilation's diagnostics (so errors in generated code are visible), and the marked-up first source.
    /// </summary>
    public sealed record GeneratorResult(
        CSharpCompilation InputCompilation,
        Compilation OutputCompilation,
        GeneratorDriver Driver,
        GeneratorDriverRunResult RunResult,
        IReadOnlyDictionary<string, string> GeneratedSources,
        ImmutableArray<Diagnostic> GeneratorDiagnostics,
        ImmutableArray<Diagnostic> OutputDiagnostics,
        MarkedSource Source)
    {
        /// <summary>Generator diagnostics, then the output compilation's.</summary>
        public ImmutableArray<Diagnostic> AllDiagnostics => GeneratorDiagnostics.AddRange(OutputDiagnostics);

        /// <summary>The syntax trees the generator added to the output compilation.</summary>
        public IEnumerable<SyntaxTree> GeneratedTrees => RunResult.GeneratedTrees;

        /// <summary>Runs the same driver again on the compilation <paramref name="edit"/> returns (use <c>c => c</c> for no change).</summary>
        public GeneratorResult Rerun(Func<CSharpCompilation, CSharpCompilation> edit)
            => GeneratorHarness.RunDriver(Driver, edit(InputCompilation), Source);

        /// <summary>Runs the same driver again with the first source replaced by <paramref name="newSource"/> (markup allowed).</summary>
        public GeneratorResult WithSource(string newSource)
        {
            var marked = MarkedSource.Parse(newSource);
            var old = InputCompilation.SyntaxTrees.First(t => t.FilePath == GeneratorHarness.MainPath);
            var edited = InputCompilation.ReplaceSyntaxTree(old, GeneratorHarness.Parse(marked.Text, GeneratorHarness.MainPath));
            return GeneratorHarness.RunDriver(Driver, edited, marked);
        }

        /// <summary>Runs the same driver again with one more source file (say, code unrelated to any differentiable method).</summary>
        public GeneratorResult WithAddedSource(string source)
            => Rerun(c => c.AddSyntaxTrees(GeneratorHarness.Parse(source, $"Added{c.SyntaxTrees.Count()}.cs")));

        /// <summary>
        /// The outputs of the tracked step <paramref name="stepName"/> (<c>WithTrackingName</c>, or an output step such as
        /// <c>SourceOutput</c>) in this run, with the reason each was produced.
        /// </summary>
        public ImmutableArray<(object Value, IncrementalStepRunReason Reason)> StepOutputs(string stepName)
        {
            var result = RunResult.Results.Single();
            if (!result.TrackedSteps.TryGetValue(stepName, out var steps) && !result.TrackedOutputSteps.TryGetValue(stepName, out steps))
            {
                Assert.Fail(
                    $"No tracked step named '{stepName}'. Tracked steps: " +
                    string.Join(", ", result.TrackedSteps.Keys.Concat(result.TrackedOutputSteps.Keys).OrderBy(k => k, StringComparer.Ordinal)));
            }

            return steps.SelectMany(s => s.Outputs).ToImmutableArray();
        }

        /// <summary>The <see cref="IncrementalStepRunReason"/> of every output of the tracked step <paramref name="stepName"/>.</summary>
        public ImmutableArray<IncrementalStepRunReason> StepReasons(string stepName)
            => StepOutputs(stepName).Select(o => o.Reason).ToImmutableArray();
    }
}
