using System;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>A point in space: a struct of reals, differentiated field by field.</summary>
    public struct Point3
    {
        public double X, Y, Z;

        public Point3(double x, double y, double z)
        {
            X = x;
            Y = y;
            Z = z;
        }
    }

    /// <summary>Nested structs, and a field that carries no derivative.</summary>
    public struct Segment
    {
        public Point3 From, To;
        public int Weight;
    }

    public enum Shape
    {
        Linear,
        Exponential,
    }

    /// <summary>A float struct with an enum field.</summary>
    public struct Tagged
    {
        public float Value;
        public Shape Shape;
    }

    /// <summary>
    /// Structs of reals as parameters (gradient <c>ref Point3 da</c>), locals (a local per field) and results (a cotangent
    /// <c>Point3 dResult</c>). Gradient-checked in StructTests.
    /// </summary>
    public static partial class StructCases
    {
        /// <summary>
        /// Span outputs as intermediates in a method taking a struct and a span of structs: MHessianVector's direction and
        /// product of each are of its struct type, and MTangent, which writes y and its tangent first, takes them as its tangents.
        /// </summary>
        [Differentiable]
        public static double ReadBackThroughStructs(Point3 p, ReadOnlySpan<Point3> q, Span<double> y)
        {
            for (int i = 0; i < q.Length; i++)
            {
                y[i] = Math.Tanh((p.X * q[i].X) + (p.Y * q[i].Y) + q[i].Z);
            }

            double s = 0;
            for (int i = 0; i < q.Length; i++)
            {
                s += y[i] * y[i] * p.Z;
            }

            return s;
        }

        [Differentiable]
        public static double Dot(Point3 a, Point3 b) => (a.X * b.X) + (a.Y * b.Y) + (a.Z * b.Z);

        /// <summary>Nested fields, a local built by an initializer and field by field, copied, and an int field read.</summary>
        [Differentiable]
        public static double Length(Segment s, double scale)
        {
            Point3 d = new Point3 { X = s.To.X - s.From.X, Y = s.To.Y - s.From.Y };
            d.Z = s.To.Z - s.From.Z;
            d.X *= scale;
            Point3 e = d;
            e.Y += s.Weight;
            return Math.Sqrt((e.X * e.X) + (e.Y * e.Y) + (e.Z * e.Z));
        }

        /// <summary>A struct result, built by a constructor that assigns its fields.</summary>
        [Differentiable]
        public static Point3 Cross(Point3 a, Point3 b)
        {
            var c = new Point3((a.Y * b.Z) - (a.Z * b.Y), (a.Z * b.X) - (a.X * b.Z), (a.X * b.Y) - (a.Y * b.X));
            return c;
        }

        /// <summary>A struct result; a [NoDerivative] struct is a constant whose fields are read as written.</summary>
        [Differentiable]
        public static Point3 Scale(Point3 a, double k, [NoDerivative] Point3 offset) => new Point3 { X = (a.X * k) + offset.X, Y = a.Y * k, Z = (a.Z * k) - offset.Z };

        /// <summary>A nested struct result: its tangent is built by a nested initializer (From = { X = … }).</summary>
        [Differentiable]
        public static Segment Stretch(Segment s, double k)
        {
            Segment r = s;
            r.To.X = s.From.X + (k * (s.To.X - s.From.X));
            r.To.Y = Math.Sin(s.To.Y) * k;
            r.From.Z *= k;
            return r;
        }

        [Differentiable]
        public static float Shaped(Tagged t, ReadOnlySpan<float> w) => t.Shape == Shape.Linear ? t.Value * w[0] : MathF.Exp(t.Value) * w[0];

        /// <summary>A struct parameter and a span output: MJacobian's columns are the struct's fields, then x, then k.</summary>
        [Differentiable]
        public static void Translate(Point3 a, ReadOnlySpan<double> x, double k, Span<double> y)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = (x[i] * a.X * k) + (a.Z * x[i] * x[i]) + a.Y;
            }
        }

        /// <summary>A span of structs, its elements' fields read in a loop (gradient Span&lt;Point3&gt;).</summary>
        [Differentiable]
        public static double Weighted(ReadOnlySpan<Point3> points, double w)
        {
            double s = 0;
            for (int i = 0; i < points.Length; i++)
            {
                s += (w * points[i].X * points[i].X) + (points[i].Y * points[i].Z);
            }

            return s;
        }

        /// <summary>
        /// A span of structs and a span output whose length is free: MJacobian's columns are each element's X, Y, Z, then k;
        /// forward sweeps for one point and six results, backward sweeps for three points and two.
        /// </summary>
        [Differentiable]
        public static void Powers(ReadOnlySpan<Point3> points, double k, Span<double> y)
        {
            double s = 0;
            for (int j = 0; j < points.Length; j++)
            {
                s += (points[j].X * points[j].Z) + Math.Sin(points[j].Y);
            }

            for (int i = 0; i < y.Length; i++)
            {
                y[i] = (s * s * (i + 1)) + (k * i * points[0].X);
            }
        }

        /// <summary>An array of structs: foreach over it, and an element copied into a struct local.</summary>
        [Differentiable]
        public static double Spread(Point3[] points)
        {
            double s = 0;
            foreach (Point3 p in points)
            {
                s += Math.Sqrt((p.X * p.X) + (p.Y * p.Y) + (p.Z * p.Z));
            }

            Point3 first = points[0];
            return s + (first.Z * first.X);
        }

        /// <summary>
        /// A struct assigned a value that reads its own fields (a rotation; found by the random-program tester): the value is
        /// evaluated whole before any field changes, as C# does.
        /// </summary>
        [Differentiable]
        public static double Rotated(Point3 a, double c, double s)
        {
            Point3 p = a;
            p = new Point3 { X = (c * p.X) - (s * p.Y), Y = (s * p.X) + (c * p.Y), Z = p.Z };
            p = new Point3(p.Y, p.X, p.Z * p.X);
            return (p.X * 2) + (p.Y * 3) + p.Z;
        }

        /// <summary>A struct local carried through a loop, assigned whole inside it.</summary>
        [Differentiable]
        public static double Moments(ReadOnlySpan<double> x)
        {
            Point3 acc = default;
            for (int i = 0; i < x.Length; i++)
            {
                acc.X += x[i];
                acc.Y += x[i] * x[i];
                acc = new Point3 { X = acc.X, Y = acc.Y, Z = Math.Sin(acc.X) };
            }

            return acc.X + (acc.Y * acc.Z);
        }
    }
}
