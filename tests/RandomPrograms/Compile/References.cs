using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SymGrad.RandomPrograms.Compile
{
    /// <summary>
    /// What a program compiles against, as tests/GeneratorTests' harness builds it: the .NET runtime's assemblies,
    /// SymGrad.Attributes, SymGrad.Runtime and what the runtime references; nullable on, warning level 9999.
    /// </summary>
    public static class References
    {
        public static CSharpParseOptions ParseOptions { get; } =
            new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Diagnose);

        /// <summary>A library with nullable on at the highest warning level; CS1701/CS1702 (unification) are silenced as the SDK does.</summary>
        public static CSharpCompilationOptions Options { get; } =
            new CSharpCompilationOptions(
                    OutputKind.DynamicallyLinkedLibrary,
                    nullableContextOptions: NullableContextOptions.Enable,
                    warningLevel: 9999,
                    optimizationLevel: OptimizationLevel.Release,
                    deterministic: true)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
                {
                    ["CS1701"] = ReportDiagnostic.Suppress,
                    ["CS1702"] = ReportDiagnostic.Suppress,
                    // Public members of the programs and drivers have no XML comments; generated code's own comments are still checked.
                    ["CS1591"] = ReportDiagnostic.Suppress,
                });

        private static readonly Lazy<ImmutableArray<MetadataReference>> s_all = new(Load);

        public static ImmutableArray<MetadataReference> All => s_all.Value;

        private static ImmutableArray<MetadataReference> Load()
        {
            string runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
            var paths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            void Add(string path)
            {
                if (!string.IsNullOrEmpty(path) && File.Exists(path) && IsManaged(path))
                {
                    paths.TryAdd(Path.GetFileNameWithoutExtension(path), path);
                }
            }

            var trusted = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string)?.Split(Path.PathSeparator);
            var runtime = trusted?.Where(p => string.Equals(Path.GetDirectoryName(p), runtimeDirectory, StringComparison.OrdinalIgnoreCase))
                          ?? Directory.EnumerateFiles(runtimeDirectory, "*.dll");
            foreach (var path in runtime) Add(path);

            var symgrad = new[] { typeof(DifferentiableAttribute).Assembly, typeof(Workspace).Assembly };
            foreach (var assembly in symgrad) Add(assembly.Location);
            foreach (var name in symgrad.SelectMany(a => a.GetReferencedAssemblies()))
            {
                try
                {
                    Add(Assembly.Load(name).Location);
                }
                catch (FileNotFoundException)
                {
                    // A facade the runtime never loads is not needed to compile against it.
                }
            }

            return paths.Values.OrderBy(p => p, StringComparer.Ordinal)
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
                .ToImmutableArray();
        }

        private static bool IsManaged(string path)
        {
            try
            {
                using var stream = File.OpenRead(path);
                using var reader = new PEReader(stream);
                return reader.HasMetadata;
            }
            catch (BadImageFormatException)
            {
                return false;
            }
        }
    }
}
