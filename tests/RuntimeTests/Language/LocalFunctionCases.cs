using System;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Local functions (static or capturing), inlined where they are called and differentiated with the method.
    /// Gradient-checked in LocalFunctionTests.
    /// </summary>
    public static partial class LocalFunctionCases
    {
        /// <summary>A static helper, a capturing one with locals and a default, one calling the other, in a loop.</summary>
        [Differentiable]
        public static double Features(ReadOnlySpan<double> x, double w)
        {
            static double Square(double a) => a * a;

            double Scaled(double a, double k = 2)
            {
                double t = a * w;
                double u = Math.Tanh(t) * k;
                return u + Square(t);
            }

            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                s += Scaled(x[i]) + Square(x[i] + 1) - Scaled(x[i], 0.5);
            }

            return s;
        }

        /// <summary>A local function reading a local that changes between its calls: each call reads the value at that point.</summary>
        [Differentiable]
        public static float Running(float x)
        {
            float h = x;
            float Step(float a) => MathF.Sin(a * h) + h;
            h = Step(x);
            h = Step(h * 0.5f);
            return h;
        }

        /// <summary>
        /// Inlining that compares a variable with itself (First(x, y) is x; Min(x, x)): the test stays (it is false for NaN)
        /// and the generated code has no CS1718 warning (found by the random-program tester).
        /// </summary>
        [Differentiable]
        public static double Smaller(double x, double y)
        {
            static double First(double a, double b) => a;
            static double Min(double a, double b) => a <= b ? a : b;
            double s = 0;
            if (x <= First(x, y))
            {
                s = Min(x, x) * y;
            }

            return s;
        }

        /// <summary>A method with no derivative, of constants.</summary>
        public static double Doubled(double y) => y * 2;

        /// <summary>
        /// Code kept as written (a call with no derivative, of constants) holding a local function's call and a local function's
        /// parameter: each is what it stands for — the call inlined, the parameter its argument (they were a member the
        /// generated code does not have, CS0117, and a name it does not declare, CS0103) — also where the parameter shadows
        /// the method's own x (read by name, it was the method's x).
        /// </summary>
        [Differentiable]
        public static double KeptAsWritten(double x, int n)
        {
            static double Half(double t) => t / 2;
            static double Scaled(double t, int x) => t * Doubled(x + 0.5);
            return (x * Doubled(Half(3.0))) + Scaled(x * x, n);
        }
    }
}
