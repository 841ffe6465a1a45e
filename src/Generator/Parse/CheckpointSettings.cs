using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymGrad.Generator.Diagnostics;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Parse
{
    /// <summary>Reads <c>[Differentiable(CheckpointLoops = true, Snapshots = …, CheckpointAbove = …)]</c>; SG0022 for a setting that cannot hold.</summary>
    internal static class CheckpointSettings
    {
        public static CheckpointOptions? Read(IMethodSymbol method, List<DiagnosticInfo> diagnostics, Location fallback, System.Threading.CancellationToken cancellationToken)
        {
            AttributeData? attribute = method.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == CallTargets.DifferentiableAttribute);
            if (attribute is null || attribute.NamedArguments.Length == 0)
            {
                return null;
            }

            var named = attribute.NamedArguments.ToDictionary(a => a.Key, a => a.Value.Value);
            bool loops = named.TryGetValue("CheckpointLoops", out object? on) && on is true;
            int snapshots = named.TryGetValue("Snapshots", out object? s) && s is int sv ? sv : 0;
            int above = named.TryGetValue("CheckpointAbove", out object? a) && a is int av ? av : 0;

            Location At(string name) => (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax)?.ArgumentList?.Arguments
                .FirstOrDefault(arg => arg.NameEquals?.Name.Identifier.ValueText == name)?.GetLocation() ?? fallback;

            foreach ((string name, int value) in new[] { ("Snapshots", snapshots), ("CheckpointAbove", above) })
            {
                if (value < 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CheckpointSetting, At(name), name, $"is {value}: it is 0 (the default) or positive"));
                }
                else if (value > 0 && !loops)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CheckpointSetting, At(name), name, "has no effect without CheckpointLoops = true: add it, or remove " + name));
                }
            }

            return loops ? new CheckpointOptions(System.Math.Max(snapshots, 0), System.Math.Max(above, 0)) : null;
        }
    }
}
