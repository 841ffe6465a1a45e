using System;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>A 3-vector of reals (declared here, so that the snapshot test compiles this file alone).</summary>
    public struct Vec3
    {
        public double X, Y, Z;
    }

    /// <summary>
    /// Calls of methods with several results inside differentiable methods: a tuple deconstructed or read one element at a
    /// time, out arguments, a struct result read whole or one field, <c>Math.SinCos</c>, a tuple literal — of ResultCases'
    /// methods and of this file's. Each result read is a call of its own method (<c>PolarResultTheta</c>). Gradient-checked in
    /// ResultCallTests.
    /// </summary>
    public static partial class ResultCallCases
    {
        /// <summary>A tuple deconstructed into new locals: r·cos θ = x, so this is x + r·θ.</summary>
        [Differentiable]
        public static double PolarArea(double x, double y)
        {
            var (r, theta) = ResultCases.Polar(x, y);
            return (r * Math.Cos(theta)) + (r * theta);
        }

        /// <summary>Both results of a call with an out argument, as a declaration's value: a z-score.</summary>
        [Differentiable]
        public static double ZScore(ReadOnlySpan<double> x, int i)
        {
            double mean = ResultCases.Stats(x, out double variance);
            return (x[i] - mean) / Math.Sqrt(variance + 1e-3);
        }

        /// <summary>The returned value alone, its out result discarded, inside an expression.</summary>
        [Differentiable]
        public static double MeanGap(ReadOnlySpan<double> x) => (x[0] - ResultCases.Stats(x, out _)) * 2;

        /// <summary>Calls as statements: both out results read, then one discarded.</summary>
        [Differentiable]
        public static double SplitBoth(double a)
        {
            ResultCases.Split(a, out double lo, out float hi);
            ResultCases.Split(2 * a, out _, out float hi2);
            return (lo * hi) + hi2;
        }

        /// <summary>
        /// Variables reassigned in a loop from a call that reads them: C# reads the arguments once, before it assigns, so they
        /// are held in locals first; the overwritten values are taped.
        /// </summary>
        [Differentiable]
        public static double PolarSteps(double x, double y, int n)
        {
            double a = x, b = y;
            for (int k = 0; k < n; k++)
            {
                (a, b) = ResultCases.Polar(a + 1, b);
            }

            return a * b;
        }

        /// <summary>
        /// PolarArea's and PolarSteps' tangents called nested (differentiated again): this method's H·v goes through the third
        /// order of Polar's results' methods, in ResultCases.Polar.ThirdOrder.g.cs.
        /// </summary>
        [Differentiable]
        public static double AreaSlope(double x, double y) => (PolarAreaTangent(x, y, 1, 0) * x) + PolarStepsTangent(x, y, 2, y, 1);

        /// <summary>One element of a call at a time, inside an expression, in a loop writing an output.</summary>
        [Differentiable]
        public static void Angles(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> theta)
        {
            for (int i = 0; i < theta.Length; i++)
            {
                theta[i] = ResultCases.Polar(x[i], y[i]).Theta * ResultCases.Polar(x[i], 1).R;
            }
        }

        /// <summary><c>Math.SinCos</c> deconstructed, then a tuple literal assigning both from both (C# evaluates it whole first).</summary>
        [Differentiable]
        public static double SinCosSwap(double x, double y)
        {
            var (s, c) = Math.SinCos(x * y);
            (s, c) = (c, s + c);
            return s * s * c;
        }

        /// <summary>
        /// Tuple locals: a call's results held whole and read by element (p.R, p.Item2), a literal, Math.SinCos, an element
        /// assigned to, the tuple reassigned from another and deconstructed. f = 2r·θ + 2r·θ + sin x·… (see LayerCallTests).
        /// </summary>
        [Differentiable]
        public static double TupleLocals(double x, double y)
        {
            var p = ResultCases.Polar(x, y);
            (double A, double B) q = (p.R * 2, p.Item2);
            var s = Math.SinCos(x);
            q.A += s.Sin;
            p = q;
            var (u, v) = p;
            return (p.R * p.Theta) + (u * v) + s.Cos;
        }

        /// <summary>
        /// A tuple local assigned a literal of its own elements, swapped: both are read before either is written (as C# does),
        /// so p.Theta is r afterwards, not the 2θ just assigned to p.R. f = 2θ·r + r².
        /// </summary>
        [Differentiable]
        public static double TupleSwap(double x, double y)
        {
            var p = ResultCases.Polar(x, y);
            p = (p.Theta * 2, p.R);
            return (p.R * p.Theta) + (p.Theta * p.Theta);
        }

        /// <summary>A struct result of struct parameters.</summary>
        [Differentiable]
        public static Vec3 Cross(Vec3 a, Vec3 b) => new Vec3 { X = (a.Y * b.Z) - (a.Z * b.Y), Y = (a.Z * b.X) - (a.X * b.Z), Z = (a.X * b.Y) - (a.Y * b.X) };

        [Differentiable]
        public static double Dot(Vec3 a, Vec3 b) => (a.X * b.X) + (a.Y * b.Y) + (a.Z * b.Z);

        /// <summary>The unit normal of a plane: a struct local from a call, returned as a new struct.</summary>
        [Differentiable]
        public static Vec3 Normal(Vec3 a, Vec3 b)
        {
            Vec3 n = Cross(a, b);
            double length = Math.Sqrt(Dot(n, n));
            return new Vec3 { X = n.X / length, Y = n.Y / length, Z = n.Z / length };
        }

        /// <summary>
        /// The triple product a·(b×c) — a struct-valued call as another call's argument — plus a field of a call and of a struct
        /// local from a call of a method itself calling one.
        /// </summary>
        [Differentiable]
        public static double Triple(Vec3 a, Vec3 b, Vec3 c)
        {
            Vec3 n = Normal(b, c);
            return Dot(a, Cross(b, c)) + (Cross(a, b).Z * 0.5) + (n.X * n.Y);
        }
    }
}
