using System;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// The Math library beyond the lecture's functions, one method per function as a user writes it, in double and (as
    /// MathF) in float. Gradient-checked in MathLibraryTests; the rules are SymGrad.Generator.Rules.DerivativeRules.
    /// </summary>
    public static partial class MathLibraryCases
    {
        [Differentiable] public static double Log2(double x) => Math.Log2(x);
        [Differentiable] public static double Log10(double x) => Math.Log10(x);
        [Differentiable] public static double LogBase(double x, double b) => Math.Log(x, b);
        [Differentiable] public static double Cbrt(double x) => Math.Cbrt(x);
        [Differentiable] public static double Tan(double x) => Math.Tan(x);
        [Differentiable] public static double Asin(double x) => Math.Asin(x);
        [Differentiable] public static double Acos(double x) => Math.Acos(x);
        [Differentiable] public static double Atan(double x) => Math.Atan(x);
        [Differentiable] public static double Atan2(double y, double x) => Math.Atan2(y, x);
        [Differentiable] public static double Sinh(double x) => Math.Sinh(x);
        [Differentiable] public static double Cosh(double x) => Math.Cosh(x);
        [Differentiable] public static double Asinh(double x) => Math.Asinh(x);
        [Differentiable] public static double Acosh(double x) => Math.Acosh(x);
        [Differentiable] public static double Atanh(double x) => Math.Atanh(x);
        [Differentiable] public static double Clamp(double x, double lo, double hi) => Math.Clamp(x, lo, hi);
        [Differentiable] public static double Fma(double a, double b, double c) => Math.FusedMultiplyAdd(a, b, c);
        [Differentiable] public static double CopySign(double x, double y) => Math.CopySign(x, y);
        [Differentiable] public static double MaxMagnitude(double x, double y) => Math.MaxMagnitude(x, y);
        [Differentiable] public static double MinMagnitude(double x, double y) => Math.MinMagnitude(x, y);

        [Differentiable] public static float Log2F(float x) => MathF.Log2(x);
        [Differentiable] public static float Log10F(float x) => MathF.Log10(x);
        [Differentiable] public static float LogBaseF(float x, float b) => MathF.Log(x, b);
        [Differentiable] public static float CbrtF(float x) => MathF.Cbrt(x);
        [Differentiable] public static float TanF(float x) => MathF.Tan(x);
        [Differentiable] public static float AsinF(float x) => MathF.Asin(x);
        [Differentiable] public static float AcosF(float x) => MathF.Acos(x);
        [Differentiable] public static float AtanF(float x) => MathF.Atan(x);
        [Differentiable] public static float Atan2F(float y, float x) => MathF.Atan2(y, x);
        [Differentiable] public static float SinhF(float x) => MathF.Sinh(x);
        [Differentiable] public static float CoshF(float x) => MathF.Cosh(x);
        [Differentiable] public static float AsinhF(float x) => MathF.Asinh(x);
        [Differentiable] public static float AcoshF(float x) => MathF.Acosh(x);
        [Differentiable] public static float AtanhF(float x) => MathF.Atanh(x);
        [Differentiable] public static float ClampF(float x, float lo, float hi) => Math.Clamp(x, lo, hi);
        [Differentiable] public static float FmaF(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);
        [Differentiable] public static float CopySignF(float x, float y) => MathF.CopySign(x, y);
        [Differentiable] public static float MaxMagnitudeF(float x, float y) => MathF.MaxMagnitude(x, y);
        [Differentiable] public static float MinMagnitudeF(float x, float y) => MathF.MinMagnitude(x, y);

        /// <summary>Cartesian to polar over a batch of points: Atan2 and a hypotenuse in a loop, two outputs.</summary>
        [Differentiable]
        public static void ToPolar(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> r, Span<double> theta, int n)
        {
            for (int i = 0; i < n; i++)
            {
                r[i] = Math.Sqrt(x[i] * x[i] + y[i] * y[i]);
                theta[i] = Math.Atan2(y[i], x[i]);
            }
        }

        /// <summary>A clamped, soft-signed activation: the selections feed later arithmetic.</summary>
        [Differentiable]
        public static double ClampedActivation(ReadOnlySpan<double> x, double lo, double hi, int n)
        {
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                double c = Math.Clamp(x[i], lo, hi);
                s += Math.Asinh(c) * Math.CopySign(c, x[i]) + Math.FusedMultiplyAdd(c, c, Math.Atan(c));
            }

            return s;
        }

        [Differentiable]
        public static double TiedEverywhere(double a) => Math.MinMagnitude(Math.Abs(a), a);

        [Differentiable]
        public static double MagnitudeOfAProduct(double a, double b, double c)
            => Math.MaxMagnitude(-Math.Sqrt(1.0 + ((b * a) * (b * a))), Math.Cos(0.5) + c);

        /// <summary>
        /// Found by the random-program tester: Log(x, b) depends on its base too. Shift-invariance analysis looked at the
        /// first argument only and dropped t's derivative (dc was 0).
        /// </summary>
        [Differentiable]
        public static double LogBaseThroughMin(double c, double x, double b)
        {
            double t = c * c;
            return Math.Log(b, 1.5 + Math.Min(t, x));
        }
    }
}
