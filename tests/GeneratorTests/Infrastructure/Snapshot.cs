using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using DiffPlex;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Xunit.Sdk;

namespace SymGrad.GeneratorTests.Infrastructure
{
    /// <summary>One snapshot file: <c>{BaseName}#{HintName}.verified.{Extension}</c>, or <c>{BaseName}.verified.{Extension}</c> without a hint name.</summary>
    public sealed record SnapshotFile(string? HintName, string Extension, string Text)
    {
        public string VerifiedName(string baseName) => Name(baseName, "verified");

        public string ReceivedName(string baseName) => Name(baseName, "received");

        private string Name(string baseName, string kind)
            => HintName is null ? $"{baseName}.{kind}.{Extension}" : $"{baseName}#{HintName}.{kind}.{Extension}";
    }

    /// <summary>Thrown when a snapshot is missing or differs; the message holds a unified diff per file.</summary>
    public sealed class SnapshotMismatchException : XunitException
    {
        public SnapshotMismatchException(string message, IReadOnlyList<string> receivedFiles)
            : base(message) => ReceivedFiles = receivedFiles;

        /// <summary>The <c>.received</c> files written.</summary>
        public IReadOnlyList<string> ReceivedFiles { get; }
    }

    /// <summary>
    /// A small Verify-style snapshot check (Verify.SourceGenerators' file layout, so it can replace this later).
    /// Verified files live in <c>tests/GeneratorTests/Snapshots/{TestClass}.{Scenario}#{HintName}.verified.cs</c>
    /// (the hint name without <c>.cs</c>), and the generator's diagnostics in <c>{TestClass}.{Scenario}.verified.txt</c>.
    /// The test class is the calling file's name and the scenario the calling method's. On a mismatch or a missing file
    /// a <c>.received</c> file is written next to the verified one and the test fails with a unified diff; on a match a
    /// stale <c>.received</c> file is deleted. With <c>SYMGRAD_ACCEPT=1</c> (or Verify's <c>VERIFY_AUTOVERIFY=true</c>)
    /// the verified files are overwritten instead. Line endings are compared as <c>\n</c>.
    /// </summary>
    public static class Snapshot
    {
        public const string AcceptVariable = "SYMGRAD_ACCEPT";
        public const string VerifyAcceptVariable = "VERIFY_AUTOVERIFY";
        private const int MaxDiffLines = 200;

        /// <summary>Whether the environment asks to accept received output as the new verified snapshots.</summary>
        public static bool AcceptRequested => IsAcceptRequested(Environment.GetEnvironmentVariable);

        public static bool IsAcceptRequested(Func<string, string?> getVariable)
        {
            static bool IsOn(string? v) => v is not null && (v.Trim() == "1" || v.Trim().Equals("true", StringComparison.OrdinalIgnoreCase));
            return IsOn(getVariable(AcceptVariable)) || IsOn(getVariable(VerifyAcceptVariable));
        }

        /// <summary>
        /// Verifies every generated source of <paramref name="result"/> (one file per hint name) and, when the generator
        /// reported diagnostics or generated nothing, a <c>.verified.txt</c> of its diagnostics. A verified file of this
        /// scenario that the run no longer produces fails the test too (and is deleted when accepting).
        /// </summary>
        public static void Verify(
            GeneratorResult result, [CallerMemberName] string scenario = "", [CallerFilePath] string testFile = "")
            => VerifyFiles(FindSnapshotDirectory(testFile), BaseName(testFile, scenario), FilesOf(result), AcceptRequested, removeStale: true);

        /// <summary>Verifies one text as <c>{TestClass}.{Scenario}[#{hintName}].verified.{extension}</c>.</summary>
        public static void VerifyText(
            string text,
            string? hintName = null,
            string extension = "txt",
            [CallerMemberName] string scenario = "",
            [CallerFilePath] string testFile = "")
            => VerifyFiles(
                FindSnapshotDirectory(testFile), BaseName(testFile, scenario),
                new[] { new SnapshotFile(hintName, extension, text) }, AcceptRequested, removeStale: false);

        /// <summary>The snapshot files of a generator run: the sources as <c>.cs</c>, the diagnostics as <c>.txt</c>.</summary>
        public static IReadOnlyList<SnapshotFile> FilesOf(GeneratorResult result)
        {
            var files = result.GeneratedSources
                .Select(s => new SnapshotFile(FileSafe(StripSuffix(s.Key, ".cs")), "cs", s.Value))
                .ToList();
            if (files.Count == 0 || !result.GeneratorDiagnostics.IsEmpty)
            {
                var text = result.GeneratorDiagnostics.IsEmpty
                    ? "(no generated sources, no diagnostics)\n"
                    : string.Concat(result.GeneratorDiagnostics
                        .OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal)
                        .Select(d => GeneratorHarness.Format(d) + "\n"));
                files.Add(new SnapshotFile(null, "txt", text));
            }

            return files;
        }

        /// <summary>
        /// Compares <paramref name="files"/> with the verified files named after <paramref name="baseName"/> in
        /// <paramref name="directory"/>; see <see cref="Snapshot"/>. With <paramref name="removeStale"/>, other verified
        /// files of the same base name count as mismatches (deleted when accepting).
        /// </summary>
        public static void VerifyFiles(string directory, string baseName, IReadOnlyList<SnapshotFile> files, bool accept, bool removeStale)
        {
            Directory.CreateDirectory(directory);
            var failures = new StringBuilder();
            var received = new List<string>();
            foreach (var file in files)
            {
                string verifiedPath = Path.Combine(directory, file.VerifiedName(baseName));
                string receivedPath = Path.Combine(directory, file.ReceivedName(baseName));
                string actual = Normalize(file.Text);
                string? expected = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
                if (expected == actual)
                {
                    File.Delete(receivedPath);
                }
                else if (accept)
                {
                    Write(verifiedPath, actual);
                    File.Delete(receivedPath);
                }
                else
                {
                    Write(receivedPath, actual);
                    received.Add(receivedPath);
                    failures.AppendLine(expected is null
                        ? $"New snapshot: {file.VerifiedName(baseName)} does not exist yet."
                        : $"Snapshot differs: {file.VerifiedName(baseName)}");
                    failures.AppendLine(UnifiedDiff(expected ?? "", actual, file.VerifiedName(baseName), file.ReceivedName(baseName)));
                }
            }

            if (removeStale)
            {
                var expectedNames = files.Select(f => f.VerifiedName(baseName)).ToHashSet(StringComparer.Ordinal);
                var stale = Directory.EnumerateFiles(directory, baseName + "#*.verified.*")
                    .Concat(Directory.EnumerateFiles(directory, baseName + ".verified.*"))
                    .Where(p => !expectedNames.Contains(Path.GetFileName(p)))
                    .OrderBy(p => p, StringComparer.Ordinal);
                foreach (var path in stale)
                {
                    if (accept)
                    {
                        File.Delete(path);
                    }
                    else
                    {
                        failures.AppendLine($"Stale snapshot: {Path.GetFileName(path)} was not produced by this run; delete it.");
                    }
                }
            }

            if (failures.Length > 0)
            {
                failures.Append($"To accept: review and rename the .received files in {directory}, or rerun with {AcceptVariable}=1.");
                throw new SnapshotMismatchException(failures.ToString(), received);
            }
        }

        /// <summary>
        /// <c>{project}/Snapshots</c>, where <c>{project}</c> is the nearest folder above <paramref name="testFile"/> that
        /// holds a <c>.csproj</c>. If the path does not exist on this machine (a build with mapped source paths), the
        /// test project is found above the test assembly instead.
        /// </summary>
        public static string FindSnapshotDirectory(string testFile)
        {
            for (var dir = Path.GetDirectoryName(testFile); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
            {
                if (Directory.Exists(dir) && Directory.EnumerateFiles(dir, "*.csproj").Any())
                {
                    return Path.Combine(dir, "Snapshots");
                }
            }

            for (var dir = AppContext.BaseDirectory; !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
            {
                if (File.Exists(Path.Combine(dir, "SymGrad.GeneratorTests.csproj")))
                {
                    return Path.Combine(dir, "Snapshots");
                }
            }

            throw new InvalidOperationException($"No test project (.csproj) found above '{testFile}' or '{AppContext.BaseDirectory}'.");
        }

        /// <summary>Line endings to <c>\n</c>, and a final <c>\n</c> on non-empty text.</summary>
        public static string Normalize(string text)
        {
            text = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
            return text.Length == 0 || text.EndsWith('\n') ? text : text + "\n";
        }

        /// <summary>A unified line diff (<c>---</c>/<c>+++</c> headers, <c>@@</c> hunks, 3 lines of context), at most 200 lines.</summary>
        public static string UnifiedDiff(string expected, string actual, string expectedName = "verified", string actualName = "received", int context = 3)
        {
            var lines = new InlineDiffBuilder(new Differ())
                .BuildDiffModel(WithoutFinalNewline(expected), WithoutFinalNewline(actual), ignoreWhitespace: false)
                .Lines;
            // Line numbers in each text before line i of the model.
            var oldNumber = new int[lines.Count + 1];
            var newNumber = new int[lines.Count + 1];
            for (int i = 0; i < lines.Count; i++)
            {
                oldNumber[i + 1] = oldNumber[i] + (lines[i].Type == ChangeType.Inserted ? 0 : 1);
                newNumber[i + 1] = newNumber[i] + (lines[i].Type == ChangeType.Deleted ? 0 : 1);
            }

            var changed = Enumerable.Range(0, lines.Count).Where(i => lines[i].Type != ChangeType.Unchanged).ToList();
            var sb = new StringBuilder();
            sb.Append("--- ").AppendLine(expectedName).Append("+++ ").AppendLine(actualName);
            int written = 0;
            for (int h = 0; h < changed.Count;)
            {
                int first = changed[h], last = first;
                while (h + 1 < changed.Count && changed[h + 1] - last <= 2 * context + 1) last = changed[++h];
                h++;
                int start = Math.Max(0, first - context), end = Math.Min(lines.Count, last + context + 1);
                sb.Append(CultureInfo.InvariantCulture,
                    $"@@ -{Range(oldNumber[start], oldNumber[end] - oldNumber[start])} +{Range(newNumber[start], newNumber[end] - newNumber[start])} @@\n");
                for (int i = start; i < end; i++)
                {
                    if (++written > MaxDiffLines)
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"… diff cut at {MaxDiffLines} lines; see the .received file\n");
                        return sb.ToString();
                    }

                    char mark = lines[i].Type switch { ChangeType.Deleted => '-', ChangeType.Inserted => '+', _ => ' ' };
                    sb.Append(mark).Append(lines[i].Text).Append('\n');
                }
            }

            return sb.ToString();
        }

        // DiffPlex counts the empty text after a final '\n' as one more line.
        private static string WithoutFinalNewline(string text)
        {
            text = Normalize(text);
            return text.EndsWith('\n') ? text[..^1] : text;
        }

        private static string Range(int before, int count)
        {
            // As in GNU diff: "l" for one line, "l,n" otherwise, and the line before the hunk when it is empty.
            var c = CultureInfo.InvariantCulture;
            return count == 1 ? (before + 1).ToString(c) : $"{(count == 0 ? before : before + 1).ToString(c)},{count.ToString(c)}";
        }

        private static string BaseName(string testFile, string scenario)
            => $"{Path.GetFileNameWithoutExtension(testFile)}.{scenario}";

        private static string StripSuffix(string s, string suffix)
            => s.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) ? s[..^suffix.Length] : s;

        private static string FileSafe(string name)
        {
            var invalid = Path.GetInvalidFileNameChars();
            return new string(name.Select(c => c == '/' || c == '\\' || invalid.Contains(c) ? '_' : c).ToArray());
        }

        private static void Write(string path, string text) => File.WriteAllText(path, text, new UTF8Encoding(false));
    }
}
