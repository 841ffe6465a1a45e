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

        // double.X and float.X: the functions of generic math that Math and MathF do not have, and Math's own through them.
        [Differentiable] public static double Exp2(double x) => double.Exp2(x);
        [Differentiable] public static double Exp10(double x) => double.Exp10(x);
        [Differentiable] public static double ExpM1(double x) => double.ExpM1(x);
        [Differentiable] public static double Exp2M1(double x) => double.Exp2M1(x);
        [Differentiable] public static double Exp10M1(double x) => double.Exp10M1(x);
        [Differentiable] public static double LogP1(double x) => double.LogP1(x);
        [Differentiable] public static double Log2P1(double x) => double.Log2P1(x);
        [Differentiable] public static double Log10P1(double x) => double.Log10P1(x);
        [Differentiable] public static double SinPi(double x) => double.SinPi(x);
        [Differentiable] public static double CosPi(double x) => double.CosPi(x);
        [Differentiable] public static double TanPi(double x) => double.TanPi(x);
        [Differentiable] public static double AsinPi(double x) => double.AsinPi(x);
        [Differentiable] public static double AcosPi(double x) => double.AcosPi(x);
        [Differentiable] public static double AtanPi(double x) => double.AtanPi(x);
        [Differentiable] public static double DegreesToRadians(double x) => double.DegreesToRadians(x);
        [Differentiable] public static double RadiansToDegrees(double x) => double.RadiansToDegrees(x);
        [Differentiable] public static double Hypot(double x, double y) => double.Hypot(x, y);
        [Differentiable] public static double Atan2Pi(double y, double x) => double.Atan2Pi(y, x);
        [Differentiable] public static double MaxNumber(double x, double y) => double.MaxNumber(x, y);
        [Differentiable] public static double MinNumber(double x, double y) => double.MinNumber(x, y);
        [Differentiable] public static double Lerp(double a, double b, double t) => double.Lerp(a, b, t);
        [Differentiable] public static double ExpThroughDouble(double x) => double.Exp(x) * double.Atan2(x, 2.0);
        [Differentiable] public static float Exp2F(float x) => float.Exp2(x);
        [Differentiable] public static float Exp10F(float x) => float.Exp10(x);
        [Differentiable] public static float ExpM1F(float x) => float.ExpM1(x);
        [Differentiable] public static float Exp2M1F(float x) => float.Exp2M1(x);
        [Differentiable] public static float Exp10M1F(float x) => float.Exp10M1(x);
        [Differentiable] public static float LogP1F(float x) => float.LogP1(x);
        [Differentiable] public static float Log2P1F(float x) => float.Log2P1(x);
        [Differentiable] public static float Log10P1F(float x) => float.Log10P1(x);
        [Differentiable] public static float SinPiF(float x) => float.SinPi(x);
        [Differentiable] public static float CosPiF(float x) => float.CosPi(x);
        [Differentiable] public static float TanPiF(float x) => float.TanPi(x);
        [Differentiable] public static float AsinPiF(float x) => float.AsinPi(x);
        [Differentiable] public static float AcosPiF(float x) => float.AcosPi(x);
        [Differentiable] public static float AtanPiF(float x) => float.AtanPi(x);
        [Differentiable] public static float DegreesToRadiansF(float x) => float.DegreesToRadians(x);
        [Differentiable] public static float RadiansToDegreesF(float x) => float.RadiansToDegrees(x);
        [Differentiable] public static float HypotF(float x, float y) => float.Hypot(x, y);
        [Differentiable] public static float Atan2PiF(float y, float x) => float.Atan2Pi(y, x);
        [Differentiable] public static float MaxNumberF(float x, float y) => float.MaxNumber(x, y);
        [Differentiable] public static float MinNumberF(float x, float y) => float.MinNumber(x, y);
        [Differentiable] public static float LerpF(float a, float b, float t) => float.Lerp(a, b, t);

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

        /// <summary>
        /// Three inputs, four results, so MJacobian runs forward sweeps. At x = 0, √x and atan2(x, x) have no derivative, and
        /// only the column of x says so: the sweeps along y and z do not move x, and √x, atan2 move by nothing (FOUND.md U2).
        /// </summary>
        [Differentiable]
        public static void SingularAtZero(double x, double y, double z, Span<double> r)
        {
            r[0] = Math.Sqrt(x) + y;
            r[1] = y * z;
            r[2] = Math.Atan2(x, x) + Math.Pow(x, 0.5) * z;
            r[3] = Math.Acos(1 - x) - z;
        }
    }
}
