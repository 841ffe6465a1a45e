using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;

namespace SymGrad.Testing
{
    /// <summary>
    /// What test compilations compile against: the running .NET's own assemblies (not the test's dependencies, which the
    /// trusted-platform list also names), SymGrad.Attributes, SymGrad.Runtime and what those reference. Linked into the
    /// generator tests and the random-program tester, so both compile exactly as a user's project does.
    /// </summary>
    public static class ReferenceAssemblies
    {
        public static ImmutableArray<MetadataReference> Load()
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
