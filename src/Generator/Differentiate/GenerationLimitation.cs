namespace SymGrad.Generator.Differentiate
{
    /// <summary>A construct inside the subset that this version cannot reverse yet: reported as SG9999 with the reason.</summary>
    internal sealed class GenerationLimitation : System.Exception
    {
        public GenerationLimitation(string message)
            : base(message)
        {
        }
    }
}
