using System;
using System.Numerics;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Nested differentiation: [Differentiable] methods that call generated derivatives (FTangent, FGradient, FBackward) and
    /// are differentiated again — GradBench's particle and saddle evals, ported in their four forward/reverse combinations.
    /// </summary>
    public static partial class NestedCases
    {
        [Differentiable]
        public static double F(double x, double y) => (x * x * y) + Math.Sin(y);

        /// <summary>∂F/∂x at (a, 2a), times a: 2·a·2a·a = 4a³.</summary>
        [Differentiable]
        public static double SlopeTimesA(double a)
        {
            double d = FTangent(a, 2 * a, 1, 0);
            return d * a;
        }

        /// <summary>F + ∂F/∂x·∂F/∂y, the gradient by FGradient (reverse over reverse).</summary>
        [Differentiable]
        public static double ValuePlusGradientProduct(double a, double b)
        {
            double gx = 0, gy = 0;
            double v = FGradient(a, b, ref gx, ref gy);
            return v + (gx * gy);
        }

        /// <summary>FBackward with a seed that depends on the input: gx += s·∂F/∂x.</summary>
        [Differentiable]
        public static double SeededBackward(double a, double b)
        {
            double gx = 0.5, gy = 0;
            FBackward(a, b, a * b, ref gx, ref gy);
            return gx * gy;
        }

        [Differentiable]
        public static double LogSumExp(ReadOnlySpan<double> w, double s)
        {
            double acc = 0;
            for (int i = 0; i < w.Length; i++)
            {
                acc += Math.Exp(s * w[i]);
            }

            return Math.Log(acc);
        }

        /// <summary>A directional derivative of a span function, differentiated in the span, the direction and the scale.</summary>
        [Differentiable]
        public static double DirectionalSlope(ReadOnlySpan<double> w, ReadOnlySpan<double> direction, double s) => LogSumExpTangent(w, s, direction, 1.0) * s;

        /// <summary>The potential of two unit charges at (10, 10 − w) and (10, 0), seen at (x1, x2): GradBench's particle.</summary>
        [Differentiable]
        public static double Potential(double x1, double x2, double w)
        {
            double a1 = x1 - 10, a2 = x2 - (10 - w), b1 = x1 - 10, b2 = x2;
            return (1 / Math.Sqrt((a1 * a1) + (a2 * a2))) + (1 / Math.Sqrt((b1 * b1) + (b2 * b2)));
        }

        /// <summary>
        /// The particle, reverse over reverse: Euler steps of a particle pushed by −∇ₓ potential (FGradient inside the loop);
        /// the loss is where it lands, x1², differentiated in the charge's offset w.
        /// </summary>
        [Differentiable]
        public static double ParticleByGradient(double w)
        {
            double x1 = 0, x2 = 8, v1 = 0.75, v2 = 0;
            for (int t = 0; t < 40; t++)
            {
                double g1 = 0, g2 = 0, gw = 0;
                PotentialGradient(x1, x2, w, ref g1, ref g2, ref gw);
                v1 -= 0.1 * g1;
                v2 -= 0.1 * g2;
                x1 += 0.1 * v1;
                x2 += 0.1 * v2;
            }

            return x1 * x1;
        }

        /// <summary>The particle again, the force by forward mode (PotentialTangent along each axis): reverse over forward.</summary>
        [Differentiable]
        public static double ParticleByTangent(double w)
        {
            double x1 = 0, x2 = 8, v1 = 0.75, v2 = 0;
            for (int t = 0; t < 40; t++)
            {
                double f1 = -PotentialTangent(x1, x2, w, 1, 0, 0), f2 = -PotentialTangent(x1, x2, w, 0, 1, 0);
                v1 += 0.1 * f1;
                v2 += 0.1 * f2;
                x1 += 0.1 * v1;
                x2 += 0.1 * v2;
            }

            return x1 * x1;
        }

        [Differentiable]
        public static double Cubed(double x, double a) => a * x * x * x;

        /// <summary>Calls of methods that have a Hessian-vector product: the caller's MHessianVector calls their tangents.</summary>
        [Differentiable]
        public static double CallsForASecondOrder(ReadOnlySpan<double> w, double a)
        {
            double s = LogSumExp(w, a) * a;
            for (int i = 0; i < w.Length; i++)
            {
                s += Cubed(w[i], a);
            }

            return s * s;
        }

        /// <summary>GradBench's saddle: f = (x1² + y1²) − (x2² + y2²) + x1·y2, one argument of each side.</summary>
        [Differentiable]
        public static double Saddle(double x1, double x2, double y1, double y2) => (x1 * x1) + (y1 * y1) - ((x2 * x2) + (y2 * y2)) + (x1 * y2);

        /// <summary>
        /// max over y of the saddle by gradient steps on y (the inner gradient, FGradient), its value at x: differentiated in x
        /// through the steps (reverse over reverse). The inner problem: ∂f/∂y1 = 2y1 (a minimum in y1, stepped down), ∂f/∂y2 = x1 − 2y2.
        /// </summary>
        [Differentiable]
        public static double SaddleMax(double x1, double x2)
        {
            double y1 = 1, y2 = 1;
            int step = 0;
            while (step < 30)
            {
                double g1 = 0, g2 = 0, gx1 = 0, gx2 = 0;
                SaddleGradient(x1, x2, y1, y2, ref gx1, ref gx2, ref g1, ref g2);
                y1 -= 0.2 * g1;
                y2 += 0.2 * g2;
                step++;
            }

            return Saddle(x1, x2, y1, y2);
        }

        /// <summary>A double method with a float input, called nested: each input's tangent, gradient and direction of its own type.</summary>
        [Differentiable]
        public static double Mixed(double x, float y) => Math.Sin(x * y) + (x * y * y);

        /// <summary>Mixed's gradient (a double and a float) and its tangent along (0.5, 2), differentiated again.</summary>
        [Differentiable]
        public static double MixedNested(double a, float b)
        {
            double gx = 0;
            float gy = 0;
            MixedGradient(a, b, ref gx, ref gy);
            return (gx * gx) + (gy * a) + MixedTangent(a, b, 0.5, 2f);
        }

        /// <summary>A float method with a double input, called nested with a seed (FBackward).</summary>
        [Differentiable]
        public static float MixedF(float x, double y) => (float)(Math.Sin(x * y) + (x * y * y));

        /// <summary>MixedF's gradients (a float and a double) by FBackward with the seed a, and its tangent, differentiated again.</summary>
        [Differentiable]
        public static float MixedFNested(float a, double b)
        {
            float gx = 0;
            double gy = 0;
            MixedFBackward(a, b, a, ref gx, ref gy);
            return (gx * gx) + (float)(gy * a) + MixedFTangent(a, b, 0.5f, 2.0);
        }

        /// <summary>
        /// MixedF's methods given floats where they take doubles — its input y, the tangent ẏ: C# converts them at the call,
        /// and the derivative must too (the generated methods do not exist when the call is read, so nothing converted them).
        /// </summary>
        [Differentiable]
        public static float MixedFConverted(float a)
        {
            float gx = 0;
            double gy = 0;
            MixedFBackward(a, a * a, a, ref gx, ref gy);
            return gx + (float)gy + MixedFTangent(a, a, 0.5f, a * 0.5f);
        }

        /// <summary>A generic F: its generated methods are overloads for double and float, and a call picks one by its arguments.</summary>
        [Differentiable]
        public static T Bowl<T>(ReadOnlySpan<T> w, T x)
            where T : IFloatingPointIeee754<T>
        {
            T s = T.Zero;
            for (int i = 0; i < w.Length; i++)
            {
                s += w[i] * T.Sin(x * w[i]);
            }

            return s * x;
        }

        /// <summary>BowlTangent of the double overload along a span direction and x's: reverse and forward over it.</summary>
        [Differentiable]
        public static double BowlSlope(ReadOnlySpan<double> w, ReadOnlySpan<double> v, double x)
        {
            double t = BowlTangent(w, x, v, 0.5);
            return (t * t) + (t * x);
        }

        /// <summary>
        /// BowlGradient and BowlBackward with the span's gradient not needed (default): read as x's alone, the span's direction an
        /// empty span — a gradient step in x against fixed weights.
        /// </summary>
        [Differentiable]
        public static double BowlStep(ReadOnlySpan<double> w, double a)
        {
            double x = a;
            for (int t = 0; t < 3; t++)
            {
                double gx = 0;
                BowlGradient(w, x, default, ref gx);
                x -= 0.1 * gx;
            }

            double g = 0;
            BowlBackward(w, x, 2.0, Span<double>.Empty, ref g);
            return (x * x) + g;
        }

        /// <summary>A generic F of scalars.</summary>
        [Differentiable]
        public static T Pair<T>(T a, T b)
            where T : IFloatingPointIeee754<T> => (a * a * b) + T.Exp(a * b / (T.One + (b * b)));

        /// <summary>PairGradient and PairTangent of the double overload.</summary>
        [Differentiable]
        public static double PairSlopes(double a, double b)
        {
            double ga = 0, gb = 0;
            PairGradient(a, b, ref ga, ref gb);
            return (ga * gb) + PairTangent(a, b, 1, 0.5);
        }

        /// <summary>The float overload, picked by float arguments (the seed 2 an int, which C# converts to float as well).</summary>
        [Differentiable]
        public static float PairSlopesInFloat(float a, float b)
        {
            float ga = 0, gb = 0;
            PairBackward(a, b, 2, ref ga, ref gb);
            return (ga * b) + gb;
        }

        /// <summary>Integer arguments where Pair takes T: C# picks the float overload (int converts better to float than to double), and so does SymGrad.</summary>
        [Differentiable]
        public static float PairAtIntegers(float s)
        {
            float t = PairTangent(1, 2, 1, 0);
            return t * s * s;
        }

        /// <summary>a·Σ uᵢ·sin(a·zᵢ).</summary>
        [Differentiable]
        public static double SpanPair(ReadOnlySpan<double> u, double a, ReadOnlySpan<double> z)
        {
            double s = 0;
            for (int i = 0; i < u.Length; i++)
            {
                s += u[i] * Math.Sin(a * z[i]);
            }

            return s * a;
        }

        /// <summary>SpanPair with a constant span where it takes z: z's tangent is empty, and so is its direction in a third order.</summary>
        [Differentiable]
        public static double FixedSide(ReadOnlySpan<double> x, double a, [NoDerivative] ReadOnlySpan<double> k) => SpanPair(x, a, k) * a;

        /// <summary>
        /// FixedSide's tangent differentiated again: this method's H·v takes FixedSide's third order, which differentiates the call
        /// of SpanPair a third time (found by the random-program tester, 78Fd38hSAnU1: the empty span's direction was written 0
        /// and its gradient ref unwanted, CS1503 and CS1615 in generated code).
        /// </summary>
        [Differentiable]
        public static double FixedSideSlope(ReadOnlySpan<double> x, [NoDerivative] ReadOnlySpan<double> k, double a)
        {
            double t = FixedSideTangent(x, a, k, x, 1.0);
            return t * t;
        }

        /// <summary>a·Σ uᵢ·tanh(wᵢ).</summary>
        [Differentiable]
        public static double TanhDot(ReadOnlySpan<double> u, ReadOnlySpan<double> w, double a)
        {
            double s = 0;
            for (int i = 0; i < u.Length; i++)
            {
                s += u[i] * Math.Tanh(w[i]);
            }

            return s * a;
        }

        /// <summary>
        /// One span passed for both span inputs of a call: the second gradient goes to scratch, and its tangent too (CI's
        /// campaign, program cVqXRXMZqfx1: MHessianVector was not generated, with no word).
        /// </summary>
        [Differentiable]
        public static double OneSpanTwice(ReadOnlySpan<double> w, double a) => Math.Sin(TanhDot(w, w, a)) * a;

        /// <summary>
        /// FTangent inside the arguments of a generated call and of calls with one candidate, a method of one's own and
        /// Math.Tanh (CI's campaign, program eSz6ybt71wR1: refused as SG0019, "a call's argument").
        /// </summary>
        [Differentiable]
        public static double TangentsAsArguments(double a, double b)
        {
            double gx = 0, gy = 0;
            double v = FGradient(a, (b > FTangent(a, b, 1, 0)) ? b : 2 * b, ref gx, ref gy);
            return v + Cubed(FTangent(a, b, 0, 1), a) + (gx * gy) + Math.Tanh(FTangent(a, b, 1, 0));
        }

        /// <summary>Writes all of y (three elements) from a and b, and returns y[2]·n + b.</summary>
        [Differentiable]
        public static double WritesThree(double a, Span<double> y, double b, int n)
        {
            y[0] = a * b;
            y[1] = Math.Tanh(a) * b;
            y[2] = Math.Exp(Math.Tanh(a));
            return (y[2] * n) + b;
        }

        /// <summary>
        /// FGradient whose argument calls a method writing an output the argument also reads (CI's campaign, bFoFLxZ30AF1):
        /// C# evaluates it once; read as one FTangent per input it ran again on what it wrote, and y's cotangent was lost.
        /// </summary>
        [Differentiable]
        public static void GradientOfAWritingArgument(double a, Span<double> y, ReadOnlySpan<double> x)
        {
            Nn.Sigmoid(x, y);
            double ga = 0, gb = 0;
            FGradient(a, WritesThree(y[2], y, a, 2), ref ga, ref gb);
            y[1] = y[2] * ga * gb;
        }

        [Differentiable]
        public static double Bump(double x, double y) => (Math.Exp(-x * x) * y) + (x * y * y);

        /// <summary>Calls Bump twice, one call inside a Math function's argument.</summary>
        [Differentiable]
        public static double Layered(double x, double y) => (Bump(x * y, y) * x) + Math.Sin(Bump(y, x));

        /// <summary>Calls Layered (which calls Bump) for each element: two levels of calls below it.</summary>
        [Differentiable]
        public static double SpanOfLayered(ReadOnlySpan<double> w, double s)
        {
            double acc = 0;
            for (int i = 0; i < w.Length; i++)
            {
                acc += Layered(w[i], s);
            }

            return acc * s;
        }

        /// <summary>
        /// The slope of SpanOfLayered along (d, 1), times s: its Hessian-vector product needs SpanOfLayered's third derivative,
        /// which calls Layered's and Bump's (SpanOfLayeredHessianVectorTangent → LayeredTangentTangentBackward → …).
        /// </summary>
        [Differentiable]
        public static double SlopeThroughCalls(ReadOnlySpan<double> w, ReadOnlySpan<double> d, double s) => SpanOfLayeredTangent(w, s, d, 1.0) * s;

        [Differentiable]
        public static T SoftClip<T>(T x)
            where T : IFloatingPointIeee754<T> => x / T.Sqrt(T.One + (x * x));

        /// <summary>Calls a generic method (SoftClip&lt;double&gt;), whose third order is written for double as its other methods are.</summary>
        [Differentiable]
        public static double OverAGeneric(double x, double y) => SoftClip(x * y) * y;

        /// <summary>The slope of OverAGeneric along (1, 0.5), times a: its Hessian-vector product needs SoftClip&lt;double&gt;'s third derivative.</summary>
        [Differentiable]
        public static double SlopeOverAGeneric(double a, double b) => OverAGenericTangent(a, b, 1.0, 0.5) * a;

        /// <summary>Layered's value and gradient by LayeredGradient (reverse over reverse through Layered's calls of Bump).</summary>
        [Differentiable]
        public static double GradientThroughCalls(double a, double b)
        {
            double ga = 0, gb = 0;
            double v = LayeredGradient(a, b, ref ga, ref gb);
            return (v * ga) + (gb * gb);
        }

        /// <summary>y·√x: at y = 0 the backward passes √x a zero seed, which moves along y (its Hessian's ∂²/∂x∂y = 1/(2√x)).</summary>
        [Differentiable]
        public static double ScaledRoot(double x, double y) => y * Math.Sqrt(x);

        [Differentiable]
        public static double Root(double x) => Math.Sqrt(x);

        /// <summary>√x's slope along t, t/(2√x): at t = 0 RootTangent's tangent is zero and moves along t.</summary>
        [Differentiable]
        public static double RootSlope(double x, double t) => RootTangent(x, t);

        /// <summary>A double F with a float span: its nested methods take float directions and gradients for it, as its MTangent does.</summary>
        [Differentiable]
        public static double Weighted(ReadOnlySpan<float> q, ReadOnlySpan<double> w, double x)
        {
            double s = 0;
            for (int i = 0; i < w.Length; i++)
            {
                s += q[i] * Math.Sin((x * w[i]) + q[i]);
            }

            return s * x;
        }

        /// <summary>WeightedTangent along a float and a double span direction, and WeightedGradient in x alone, differentiated again.</summary>
        [Differentiable]
        public static double WeightedSlope(ReadOnlySpan<float> q, ReadOnlySpan<double> w, ReadOnlySpan<float> u, double x)
        {
            double t = WeightedTangent(q, w, x, u, w, 0.5);
            double gx = 0;
            WeightedGradient(q, w, x, default, default, ref gx);
            return (t * t) + (gx * x);
        }

        /// <summary>Weighted with q in double: the all-double twin WeightedSlope's second derivatives are compared with.</summary>
        [Differentiable]
        public static double WeightedInDouble(ReadOnlySpan<double> q, ReadOnlySpan<double> w, double x)
        {
            double s = 0;
            for (int i = 0; i < w.Length; i++)
            {
                s += q[i] * Math.Sin((x * w[i]) + q[i]);
            }

            return s * x;
        }

        /// <summary>WeightedSlope with q and u in double.</summary>
        [Differentiable]
        public static double WeightedSlopeInDouble(ReadOnlySpan<double> q, ReadOnlySpan<double> w, ReadOnlySpan<double> u, double x)
        {
            double t = WeightedInDoubleTangent(q, w, x, u, w, 0.5);
            double gx = 0;
            WeightedInDoubleGradient(q, w, x, default, default, ref gx);
            return (t * t) + (gx * x);
        }

        /// <summary>A float F with a double span.</summary>
        [Differentiable]
        public static float Squashed(ReadOnlySpan<double> k, float x)
        {
            float s = 0;
            for (int i = 0; i < k.Length; i++)
            {
                s += (float)k[i] * MathF.Tanh(x * (float)k[i]);
            }

            return s;
        }

        /// <summary>SquashedTangent along k itself and x's, differentiated again.</summary>
        [Differentiable]
        public static float SquashedSlope(ReadOnlySpan<double> k, float x) => SquashedTangent(k, x, k, 1f) * x;

        /// <summary>Σ a·xᵢ·wᵢ² + sin(a)·x₀.</summary>
        [Differentiable]
        public static double Bilinear(ReadOnlySpan<double> x, ReadOnlySpan<double> w, double a)
        {
            double s = Math.Sin(a) * x[0];
            for (int i = 0; i < x.Length; i++)
            {
                s += a * x[i] * w[i] * w[i];
            }

            return s;
        }

        /// <summary>
        /// One output passed for both of Bilinear's span inputs, their gradients not needed: its values are constants (each
        /// a choice), so under MHessianVector the second's gradient (in scratch) has no tangent — an empty span, not a ref
        /// local (found by the random-program tester, 9ouidTnDPTe1: `span unwanted8 = 0;`, CS0246).
        /// </summary>
        [Differentiable]
        public static double SameSpanTwice(ReadOnlySpan<double> x, double a, Span<double> y)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = x[i] * a > 0 ? 1.5 : 2.5;
            }

            double g = 0;
            BilinearBackward(y, y, a, 1.5, default, default, ref g);
            return (g * a) + (x[0] * a * a);
        }
    }
}
