using System.Collections.Generic;

namespace SymGrad.RandomPrograms.Model
{
    /// <summary>The functions of <c>double</c>/<c>float</c> (generic math) that <c>Math</c>/<c>MathF</c> do not have.</summary>
    public static class MathNames
    {
        /// <summary>
        /// Functions of a library outside the program (<c>Smooth.Softplus</c>) with no derivative of their own: their
        /// <c>[DerivativeOf]</c> backwards are registered in a third type, <c>SmoothDerivatives</c> (<see cref="Library"/>).
        /// </summary>
        public static readonly HashSet<string> Library = new() { "Softplus" };

        /// <summary>The library every batch compiles with the programs (and a standalone program prints after itself).</summary>
        public const string LibrarySource = """
            public static class Smooth
            {
                public static double Softplus(double x) => System.Math.Max(x, 0) + System.Math.Log(1 + System.Math.Exp(-System.Math.Abs(x)));

                public static float Softplus(float x) => System.MathF.Max(x, 0) + System.MathF.Log(1 + System.MathF.Exp(-System.MathF.Abs(x)));
            }

            public static class SmoothDerivatives
            {
                [SymGrad.DerivativeOf(typeof(Smooth), nameof(Smooth.Softplus))]
                public static void SoftplusBackward(double x, double dResult, ref double dx) => dx += dResult / (1 + System.Math.Exp(-x));

                [SymGrad.DerivativeOf(typeof(Smooth), nameof(Smooth.Softplus))]
                public static void SoftplusBackward(float x, float dResult, ref float dx) => dx += dResult / (1 + System.MathF.Exp(-x));
            }
            """;

        public static readonly HashSet<string> NumericOnly = new()
        {
            "Exp2", "Exp10", "ExpM1", "Exp2M1", "Exp10M1", "LogP1", "Log2P1", "Log10P1", "Hypot", "SinPi", "CosPi", "TanPi",
            "AsinPi", "AcosPi", "AtanPi", "Atan2Pi", "DegreesToRadians", "RadiansToDegrees", "Lerp", "MaxNumber", "MinNumber",
        };
    }
}
