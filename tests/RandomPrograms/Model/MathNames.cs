using System.Collections.Generic;

namespace SymGrad.RandomPrograms.Model
{
    /// <summary>The functions of <c>double</c>/<c>float</c> (generic math) that <c>Math</c>/<c>MathF</c> do not have.</summary>
    public static class MathNames
    {
        /// <summary>
        /// Functions of a library outside the program (<c>Smooth.Softplus</c>, <c>Smooth.LogCosh</c>,
        /// <c>Smooth.ScaledSoftplus(x, [NoDerivative] k)</c>, called with a literal <c>k</c>) with no derivative of their own:
        /// their <c>[DerivativeOf]</c> backwards are registered in a third type, <c>SmoothDerivatives</c>
        /// (<see cref="LibrarySource"/>), without a <c>[TangentOf]</c> tangent (MTangent reads theirs off the backward).
        /// </summary>
        public static readonly HashSet<string> Library = new() { "Softplus", "LogCosh", "ScaledSoftplus" };

        /// <summary>
        /// The library functions whose backward has a registered tangent of its own (a second order), so that a caller
        /// has <c>MHessianVector</c>: Softplus, and ScaledSoftplus (whose second order takes a tangent of its
        /// <c>[NoDerivative]</c> k too: a real parameter of the backward); LogCosh has none.
        /// </summary>
        public static readonly HashSet<string> SecondOrder = new() { "Softplus", "ScaledSoftplus" };

        /// <summary>
        /// Library functions with no derivative at all (no <c>[DerivativeOf]</c>), called with constants only (a literal, an
        /// integer): a constant, in every mode (SG0007 where what they read varies). <c>Smooth.Bump(c) = 1 + c²/(1 + c²)</c>.
        /// </summary>
        public static readonly HashSet<string> Underivable = new() { "Bump" };

        /// <summary>Every function of <see cref="LibrarySource"/>'s <c>Smooth</c>.</summary>
        public static bool InLibrary(string function) => Library.Contains(function) || Underivable.Contains(function);

        /// <summary>The library every batch compiles with the programs (and a standalone program prints after itself).</summary>
        public const string LibrarySource = """
            public static class Smooth
            {
                public static double Softplus(double x) => System.Math.Max(x, 0) + System.Math.Log(1 + System.Math.Exp(-System.Math.Abs(x)));

                public static float Softplus(float x) => System.MathF.Max(x, 0) + System.MathF.Log(1 + System.MathF.Exp(-System.MathF.Abs(x)));

                public static double LogCosh(double x) => System.Math.Abs(x) + System.Math.Log(1 + System.Math.Exp(-2 * System.Math.Abs(x))) - System.Math.Log(2);

                public static float LogCosh(float x) => System.MathF.Abs(x) + System.MathF.Log(1 + System.MathF.Exp(-2 * System.MathF.Abs(x))) - System.MathF.Log(2);

                public static double ScaledSoftplus(double x, [SymGrad.NoDerivative] double k) => k * Softplus(x);

                public static float ScaledSoftplus(float x, [SymGrad.NoDerivative] float k) => k * Softplus(x);

                public static double Bump(double c) => 1 + c * c / (1 + c * c);

                public static float Bump(float c) => 1 + c * c / (1 + c * c);
            }

            public static class SmoothDerivatives
            {
                [SymGrad.DerivativeOf(typeof(Smooth), nameof(Smooth.Softplus))]
                public static void SoftplusBackward(double x, double dResult, ref double dx) => dx += dResult / (1 + System.Math.Exp(-x));

                [SymGrad.DerivativeOf(typeof(Smooth), nameof(Smooth.Softplus))]
                public static void SoftplusBackward(float x, float dResult, ref float dx) => dx += dResult / (1 + System.MathF.Exp(-x));

                [SymGrad.TangentOf(typeof(SmoothDerivatives), nameof(SoftplusBackward))]
                public static void SoftplusBackwardTangent(double x, double dResult, ref double dx, double tx, double tdResult, ref double tdx)
                {
                    double s = 1 / (1 + System.Math.Exp(-x));
                    dx += dResult * s;
                    tdx += tdResult * s + dResult * s * (1 - s) * tx;
                }

                [SymGrad.TangentOf(typeof(SmoothDerivatives), nameof(SoftplusBackward))]
                public static void SoftplusBackwardTangent(float x, float dResult, ref float dx, float tx, float tdResult, ref float tdx)
                {
                    float s = 1 / (1 + System.MathF.Exp(-x));
                    dx += dResult * s;
                    tdx += tdResult * s + dResult * s * (1 - s) * tx;
                }

                [SymGrad.DerivativeOf(typeof(Smooth), nameof(Smooth.ScaledSoftplus))]
                public static void ScaledSoftplusBackward(double x, double k, double dResult, ref double dx) => dx += dResult * k / (1 + System.Math.Exp(-x));

                [SymGrad.DerivativeOf(typeof(Smooth), nameof(Smooth.ScaledSoftplus))]
                public static void ScaledSoftplusBackward(float x, float k, float dResult, ref float dx) => dx += dResult * k / (1 + System.MathF.Exp(-x));

                [SymGrad.TangentOf(typeof(SmoothDerivatives), nameof(ScaledSoftplusBackward))]
                public static void ScaledSoftplusBackwardTangent(double x, double k, double dResult, ref double dx, double tx, double tk, double tdResult, ref double tdx)
                {
                    double s = 1 / (1 + System.Math.Exp(-x));
                    dx += dResult * k * s;
                    tdx += ((tdResult * k) + (dResult * tk)) * s + dResult * k * s * (1 - s) * tx;
                }

                [SymGrad.TangentOf(typeof(SmoothDerivatives), nameof(ScaledSoftplusBackward))]
                public static void ScaledSoftplusBackwardTangent(float x, float k, float dResult, ref float dx, float tx, float tk, float tdResult, ref float tdx)
                {
                    float s = 1 / (1 + System.MathF.Exp(-x));
                    dx += dResult * k * s;
                    tdx += ((tdResult * k) + (dResult * tk)) * s + dResult * k * s * (1 - s) * tx;
                }

                [SymGrad.DerivativeOf(typeof(Smooth), nameof(Smooth.LogCosh))]
                public static void LogCoshBackward(double x, double dResult, ref double dx) => dx += dResult * System.Math.Tanh(x);

                [SymGrad.DerivativeOf(typeof(Smooth), nameof(Smooth.LogCosh))]
                public static void LogCoshBackward(float x, float dResult, ref float dx) => dx += dResult * System.MathF.Tanh(x);
            }
            """;

        public static readonly HashSet<string> NumericOnly = new()
        {
            "Exp2", "Exp10", "ExpM1", "Exp2M1", "Exp10M1", "LogP1", "Log2P1", "Log10P1", "Hypot", "SinPi", "CosPi", "TanPi",
            "AsinPi", "AcosPi", "AtanPi", "Atan2Pi", "DegreesToRadians", "RadiansToDegrees", "Lerp", "MaxNumber", "MinNumber",
        };
    }
}
