using System.Collections.Generic;

namespace SymGrad.RandomPrograms.Model
{
    /// <summary>The functions of <c>double</c>/<c>float</c> (generic math) that <c>Math</c>/<c>MathF</c> do not have.</summary>
    public static class MathNames
    {
        public static readonly HashSet<string> NumericOnly = new()
        {
            "Exp2", "Exp10", "ExpM1", "Exp2M1", "Exp10M1", "LogP1", "Log2P1", "Log10P1", "Hypot", "SinPi", "CosPi", "TanPi",
            "AsinPi", "AcosPi", "AtanPi", "Atan2Pi", "DegreesToRadians", "RadiansToDegrees", "Lerp", "MaxNumber", "MinNumber",
        };
    }
}
