using System;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Calls of methods taking structs of reals inside a differentiable method: read as calls of their flat twins (each
    /// struct's fields passed one by one), which SymGrad writes next to the callee. Gradient-checked in StructCallTests.
    /// </summary>
    public static partial class StructCallCases
    {
        /// <summary>A smoothed distance between two points, scaled.</summary>
        [Differentiable]
        public static double Distance(Point3 a, Point3 b, double scale)
        {
            double dx = a.X - b.X, dy = a.Y - b.Y, dz = a.Z - b.Z;
            return scale * Math.Sqrt((dx * dx) + (dy * dy) + (dz * dz) + 0.01);
        }

        /// <summary>
        /// Struct arguments of every form — a struct parameter, a local built by a constructor, an initializer with a field left
        /// out, default — to a method of this type and of another (StructCases.Dot).
        /// </summary>
        [Differentiable]
        public static double Energy(Point3 p, double k, ReadOnlySpan<double> w)
        {
            Point3 q = new Point3(w[0], w[1] * k, k);
            double e = StructCases.Dot(p, q) * k;
            e += Distance(p, new Point3 { X = k, Y = w[2] }, 0.5);
            e += Distance(default, q, k);
            return e;
        }

        /// <summary>
        /// A struct argument reading an out result (found by the random-program tester, 14Q47aT6WdT1: the out result was not a
        /// differentiable read, so the call was kept as written and its derivative dropped without a word).
        /// </summary>
        [Differentiable]
        public static double ThroughAnOutResult(out double o, double a)
        {
            o = 0.5;
            for (int p = 0; p < 2; p++)
            {
                o = (o * o) + a;
            }

            return Distance(new Point3 { X = -0.75, Y = Math.Cos(o) }, default, a) + o;
        }

        /// <summary>
        /// A struct argument of constants holding a local function's call (9oi5SdLbEyk1: such a call was kept as written, the
        /// local function's name with it — CS0117 in the generated code).
        /// </summary>
        [Differentiable]
        public static double OfConstants(double a)
        {
            static double Half(double t) => t / 2;
            return a * Distance(new Point3(Half(3.0), 1, 0), default, 1.0);
        }

        /// <summary>A method of scalars only calling one that takes structs.</summary>
        [Differentiable]
        public static double Pair(double x, double y) => StructCases.Dot(new Point3(x, y, 1), new Point3(y * y, x, x)) / Distance(new Point3(x, 0, 0), new Point3(0, y, 0), 1.5);
    }
}
