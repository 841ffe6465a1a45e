using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SymGrad.Generator;

namespace SymGrad.Benchmarks
{
    /// <summary>The generator's own cost: one full run over every catalogue method (a cold, non-incremental build).</summary>
    [MemoryDiagnoser]
    [MedianColumn]
    public class GeneratorBenchmarks
    {
        private CSharpCompilation _compilation = null!;

        [GlobalSetup]
        public void Setup()
        {
            var assembly = typeof(GeneratorBenchmarks).Assembly;
            var trees = assembly.GetManifestResourceNames()
                .Where(n => n.EndsWith(".cs", StringComparison.Ordinal))
                .Select(n =>
                {
                    using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                    return CSharpSyntaxTree.ParseText(reader.ReadToEnd(), new CSharpParseOptions(LanguageVersion.Latest), path: n);
                })
                .ToList();
            var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Select(p => MetadataReference.CreateFromFile(p))
                .Append(MetadataReference.CreateFromFile(typeof(DifferentiableAttribute).Assembly.Location))
                .Append(MetadataReference.CreateFromFile(typeof(Workspace).Assembly.Location));
            _compilation = CSharpCompilation.Create("Catalogue", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            int generated = Run();
            if (generated < 40)
            {
                throw new InvalidOperationException($"expected the whole catalogue to be generated, got {generated} files");
            }
        }

        [Benchmark]
        public int GenerateCatalogue() => Run();

        private int Run()
        {
            GeneratorDriver driver = CSharpGeneratorDriver.Create(new DifferentiableGenerator());
            driver = driver.RunGenerators(_compilation);
            return driver.GetRunResult().GeneratedTrees.Length;
        }
    }
}
