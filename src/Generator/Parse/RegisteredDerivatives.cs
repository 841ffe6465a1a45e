using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace SymGrad.Generator.Parse
{
    /// <summary>
    /// Every <c>[DerivativeOf]</c> and <c>[TangentOf]</c> method a compilation can see: in any type of its source, and in any referenced assembly
    /// that references SymGrad (only those can carry the attribute). Indexed by the method it differentiates, and built
    /// once per compilation (a weak table: a new compilation, as after an edit, builds its own).
    /// </summary>
    internal sealed class RegisteredDerivatives
    {
        private static readonly ConditionalWeakTable<Compilation, RegisteredDerivatives> s_cache = new();

        private readonly Dictionary<(ISymbol Type, string Name), List<IMethodSymbol>> _byTarget = new(new TargetComparer());
        private readonly Dictionary<(ISymbol Type, string Name), List<IMethodSymbol>> _tangents = new(new TargetComparer());

        private RegisteredDerivatives(Compilation compilation)
        {
            Add(compilation.Assembly.GlobalNamespace);
            string? symGrad = compilation.GetTypeByMetadataName(CallTargets.DerivativeOfAttribute)?.ContainingAssembly.Name;
            foreach (IAssemblySymbol assembly in compilation.SourceModule.ReferencedAssemblySymbols)
            {
                if (symGrad is not null && assembly.Name != symGrad && assembly.Modules.Any(m => m.ReferencedAssemblies.Any(r => r.Name == symGrad)))
                {
                    Add(assembly.GlobalNamespace);
                }
            }
        }

        public static RegisteredDerivatives For(Compilation compilation) => s_cache.GetValue(compilation, c => new RegisteredDerivatives(c));

        /// <summary>The registrations of <paramref name="type"/>.<paramref name="name"/>, in source order, source first.</summary>
        public IReadOnlyList<IMethodSymbol> Of(INamedTypeSymbol type, string name) => Find(_byTarget, type, name);

        /// <summary>The <c>[TangentOf]</c> registrations of <paramref name="type"/>.<paramref name="name"/>, in source order, source first.</summary>
        public IReadOnlyList<IMethodSymbol> TangentsOf(INamedTypeSymbol type, string name) => Find(_tangents, type, name);

        private static IReadOnlyList<IMethodSymbol> Find(Dictionary<(ISymbol Type, string Name), List<IMethodSymbol>> index, INamedTypeSymbol type, string name) =>
            index.TryGetValue((type, name), out List<IMethodSymbol>? list) ? list : (IReadOnlyList<IMethodSymbol>)System.Array.Empty<IMethodSymbol>();

        private void Add(INamespaceSymbol ns)
        {
            foreach (INamespaceOrTypeSymbol member in ns.GetMembers())
            {
                if (member is INamespaceSymbol inner)
                {
                    Add(inner);
                }
                else if (member is INamedTypeSymbol type)
                {
                    Add(type);
                }
            }
        }

        private void Add(INamedTypeSymbol type)
        {
            foreach (ISymbol member in type.GetMembers())
            {
                if (member is INamedTypeSymbol nested)
                {
                    Add(nested);
                }
                else if (member is IMethodSymbol { IsStatic: true } method)
                {
                    if (CallTargets.RegisteredTarget(method) is { } target)
                    {
                        Index(_byTarget, target.Type, target.Name, method);
                    }

                    if (CallTargets.RegisteredTarget(method, CallTargets.TangentOfAttribute) is { } tangentOf)
                    {
                        Index(_tangents, tangentOf.Type, tangentOf.Name, method);
                    }
                }
            }
        }

        private static void Index(Dictionary<(ISymbol Type, string Name), List<IMethodSymbol>> index, INamedTypeSymbol type, string name, IMethodSymbol method)
        {
            var key = ((ISymbol)type.OriginalDefinition, name);
            if (!index.TryGetValue(key, out List<IMethodSymbol>? list))
            {
                index[key] = list = new List<IMethodSymbol>();
            }

            list.Add(method);
        }

        private sealed class TargetComparer : IEqualityComparer<(ISymbol Type, string Name)>
        {
            public bool Equals((ISymbol Type, string Name) x, (ISymbol Type, string Name) y) =>
                x.Name == y.Name && SymbolEqualityComparer.Default.Equals(x.Type, y.Type);

            public int GetHashCode((ISymbol Type, string Name) key) => SymbolEqualityComparer.Default.GetHashCode(key.Type) ^ key.Name.GetHashCode();
        }
    }
}
