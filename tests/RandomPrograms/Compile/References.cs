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

        private static readonly Lazy<ImmutableArray<MetadataReference>> s_all = new(SymGrad.Testing.ReferenceAssemblies.Load);

        public static ImmutableArray<MetadataReference> All => s_all.Value;
    }
}
