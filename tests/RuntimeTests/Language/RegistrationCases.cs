using System;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>A library method with no derivative of its own, as a third-party one would be.</summary>
    public static class SmoothLibrary
    {
        public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));

        /// <summary>log(eᵃ + eᵇ)·k: registered with a backward only (no tangent).</summary>
        public static double LogAddExp(double a, double b, int k) => k * (Math.Max(a, b) + Math.Log(1 + Math.Exp(-Math.Abs(a - b))));

        /// <summary>k·softplus(x), k a constant: its backward takes k as a plain double, so its second order takes a tangent of k too.</summary>
        public static double ScaledSoftplus(double x, [NoDerivative] double k) => k * Math.Log(1 + Math.Exp(x));
    }

    /// <summary>Its backward, registered in a type of its own (neither the library's nor the caller's).</summary>
    public static class SmoothDerivatives
    {
        [DerivativeOf(typeof(SmoothLibrary), nameof(SmoothLibrary.Softplus))]
        public static void SoftplusBackward(double x, double dResult, ref double dx) => dx += dResult / (1 + Math.Exp(-x));

        [DerivativeOf(typeof(SmoothLibrary), nameof(SmoothLibrary.LogAddExp))]
        public static void LogAddExpBackward(double a, double b, int k, double dResult, ref double da, ref double db)
        {
            double wa = 1 / (1 + Math.Exp(b - a));
            da += dResult * k * wa;
            db += dResult * k * (1 - wa);
        }

        /// <summary>Its forward mode: with it, callers get an MTangent too.</summary>
        [TangentOf(typeof(SmoothLibrary), nameof(SmoothLibrary.Softplus))]
        public static double SoftplusTangent(double x, double tx) => tx / (1 + Math.Exp(-x));

        /// <summary>
        /// The tangent of its backward, its second order: dx += dResult·σ(x) along (ẋ, ḋResult) adds ḋResult·σ(x) +
        /// dResult·σ(x)(1 − σ(x))·ẋ to tdx. With it, callers get an MHessianVector too.
        /// </summary>
        [DerivativeOf(typeof(SmoothLibrary), nameof(SmoothLibrary.ScaledSoftplus))]
        public static void ScaledSoftplusBackward(double x, double k, double dResult, ref double dx) => dx += dResult * k / (1 + Math.Exp(-x));

        /// <summary>Its second order: the backward's parameters, a tangent of each real one (tk too), then the gradient's.</summary>
        [TangentOf(typeof(SmoothDerivatives), nameof(ScaledSoftplusBackward))]
        public static void ScaledSoftplusBackwardTangent(double x, double k, double dResult, ref double dx, double tx, double tk, double tdResult, ref double tdx)
        {
            double s = 1 / (1 + Math.Exp(-x));
            dx += dResult * k * s;
            tdx += (tdResult * k * s) + (dResult * tk * s) + (dResult * k * s * (1 - s) * tx);
        }

        [TangentOf(typeof(SmoothDerivatives), nameof(SoftplusBackward))]
        public static void SoftplusBackwardTangent(double x, double dResult, ref double dx, double tx, double tdResult, ref double tdx)
        {
            double s = 1 / (1 + Math.Exp(-x));
            dx += dResult * s;
            tdx += (tdResult * s) + (dResult * s * (1 - s) * tx);
        }
    }

    /// <summary>Callers of a method whose <c>[DerivativeOf]</c> lives elsewhere. Gradient-checked in RegistrationTests.</summary>
    public static partial class RegistrationCases
    {
        [Differentiable]
        public static double SoftplusSum(ReadOnlySpan<double> x, double scale)
        {
            double s = 0;
            foreach (double v in x)
            {
                s += SmoothLibrary.Softplus(scale * v);
            }

            return s;
        }

        /// <summary>A registered function with a backward and no tangent: MTangent reads its tangent off the backward (∇f·ẋ).</summary>
        [Differentiable]
        public static double LogAddExpOfASquare(double x, double y) => SmoothLibrary.LogAddExp(x * x, y, 3) * x;
    }
}
