using System;

namespace SymGrad.RuntimeTests.Regressions
{
    /// <summary>
    /// The reproductions of the "correct on every program" issue: programs inside the subset that the first engine
    /// differentiated wrongly without a word, or into code that did not compile. Each is gradient-checked
    /// (EngineRegressionTests) and snapshotted (tests/GeneratorTests, RegressionSnapshotTests).
    /// </summary>
    public static partial class EngineCases
    {
        /// <summary>A cast of a double to double around a local it assigns: its tangent was ṡ = (double)ṡ (CS1717; e7QZF2LVi0Z1).</summary>
        [Differentiable]
        public static double CastToItsOwnType(double a, double b)
        {
            double s = a * b;
            s = (double)(((double)s) + ((double)(a - a)));
            return s * s;
        }

        /// <summary>
        /// A switch arm keeping s through casts to its own type: its tangent kept s = (double)((double)s) where s = s went
        /// (CS1717; campaign seed 902, 0tj6rGbGtIw1).
        /// </summary>
        [Differentiable]
        public static double ArmKeepingItsValueThroughCasts(double a)
        {
            double s = a;
            for (int j = 0; j <= 3; j++)
            {
                s = s switch { < -0.5 => (double)((double)s), >= 1.0 => s, _ => s * a };
            }

            return s;
        }

        /// <summary>
        /// Max of one call twice: its tie test compares two locals holding Math.Tanh(a); the tangent's copy of one (tanh2 =
        /// tanh) read as the other made it tanh >= tanh (CS1718; campaign seed 907, aNptuDwXyAy1).
        /// </summary>
        [Differentiable]
        public static double MaxOfOneCallTwice(double a)
        {
            double s = Math.Max(Math.Tanh(a), Math.Tanh(a));
            return a * s;
        }

        /// <summary>
        /// A span without derivative read at an index that reads a differentiable span (c[x.Length - 1]): every mode looked
        /// for c's adjoint or tangent (SG9999 in the backward, tc in the tangent; b-p5_BcuvMy1, in a third-order product).
        /// </summary>
        [Differentiable]
        public static double IndexedByALength(ReadOnlySpan<double> x, [NoDerivative] ReadOnlySpan<double> c)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                s += Math.Sin(x[i]) * c[x.Length - 1 - i];
            }

            return s * s;
        }

        // ── Silently wrong: a rule reused a forward value that later code had changed, or an output copy nothing rebuilt ──

        [Differentiable]
        public static double ExpThenIncrement(double x)
        {
            double s = Math.Exp(x);
            s++;
            return s * 0.5;
        }

        [Differentiable]
        public static double Softplus(double x)
        {
            double e = Math.Exp(x);
            e += 1;
            return Math.Log(e);
        }

        [Differentiable]
        public static double SigmoidThenAdd(double x)
        {
            double s = 1 / (1 + Math.Exp(-x));
            s += 0.5;
            return s * s;
        }

        [Differentiable]
        public static double TanhThenOverwrite(double a, double b)
        {
            double u = Math.Tanh(a);
            double s = u;
            u = b * b;
            return s + u * b;
        }

        [Differentiable]
        public static double SqrtThenSubtract(double x)
        {
            double r = Math.Sqrt(1 + x * x);
            r -= 2;
            return r * r;
        }

        [Differentiable]
        public static void TwoWrites(ReadOnlySpan<double> x, Span<double> y, int n)
        {
            for (int i = 0; i < n; i++) y[i] = 0.5;
            for (int i = 0; i < n; i++) y[i] = Math.Tanh(x[i]);
        }

        [Differentiable]
        public static void Rotated(ReadOnlySpan<double> x, Span<double> y, int n)
        {
            for (int i = 0; i < n; i++) y[(i + 1) % n] = Math.Sqrt(1 + x[i] * x[i]);
        }

        [Differentiable]
        public static void TanhThenReverse(ReadOnlySpan<double> x, Span<double> y, int n)
        {
            for (int i = 0; i < n; i++) y[i] = Math.Tanh(x[i]);
            for (int i = 0; i < n; i++) y[i] = y[n - 1 - i];
        }

        [Differentiable]
        public static void Polar(double x, double y, Span<double> r)
        {
            r[0] = Math.Sqrt(x);
            r[1] = y;
        }

        /// <summary>An output the method never writes is a constant it reads: the caller's values.</summary>
        [Differentiable]
        public static double ReadsUnwrittenOutput(ReadOnlySpan<double> x, Span<double> y)
        {
            double s = x[0] * x[0];
            return s * y[0];
        }

        /// <summary>Calls a method above: the caller inherits its backward.</summary>
        [Differentiable]
        public static double CallsSoftplus(double x) => 2 * Softplus(x * x);

        // ── Did not compile: a value the backward needed was not declared where it read it ──

        [Differentiable]
        public static double LogSumExp(ReadOnlySpan<double> x)
        {
            double sum = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double e = Math.Exp(x[i]);
                sum += e;
            }

            return Math.Log(sum);
        }

        [Differentiable]
        public static void TanhThroughALocal(ReadOnlySpan<double> x, Span<double> y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                double t = Math.Tanh(x[i]);
                y[i] = t;
            }
        }

        [Differentiable]
        public static double Hypot(double x, double y)
        {
            double r = Math.Sqrt(x * x + y * y);
            return r;
        }

        [Differentiable]
        public static double EarlyReturnInLoop(ReadOnlySpan<double> x)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                if (x[i] > 2) return Math.Tanh(x[i]);
                s += x[i];
            }

            return s;
        }

        [Differentiable]
        public static double CallResultInCondition(double x, ReadOnlySpan<double> w)
        {
            double norm = Nn.SumOfSquares(w);
            if (norm > 10) return 0;
            return x * w[0];
        }

        [Differentiable]
        public static double UnusedCallResult(ReadOnlySpan<double> x)
        {
            double unused = Nn.SumOfSquares(x);
            return x[0] * 3;
        }

        /// <summary>A constant local the backward does not need: no CS0219 in generated code.</summary>
        [Differentiable]
        public static double ConstantLocal(ReadOnlySpan<double> x)
        {
            double bias = 0.0;
            double v = x[0];
            return (bias + v) * 0.5;
        }

        /// <summary>Named like its parameter: the gradient method calls the forward through its type (CS0149 before).</summary>
        [Differentiable]
        public static double x(double x) => x * x;

        /// <summary>A char in arithmetic is its code ('a' = 97); an internal InvalidCastException before.</summary>
        [Differentiable]
        public static double TimesChar(double x) => x * 'a';

        /// <summary>A long the reverse sweep needs back travels on the long tape (a limitation, SG9999, before).</summary>
        [Differentiable]
        public static double LongCounter(double x, int n)
        {
            double s = 1;
            long k = 1;
            for (int i = 0; i < n; i++)
            {
                k += i;
                s = s * x * k;
            }

            return s;
        }

        // ── The max of a stable softmax carries no derivative: its reverse (branches, tape) is not generated ──

        /// <summary>m + log Σ exp(x − m): the same for every m.</summary>
        [Differentiable]
        public static double StableLogSumExp(ReadOnlySpan<double> x)
        {
            double m = x[0];
            for (int j = 1; j < x.Length; j++) m = Math.Max(m, x[j]);
            double sum = 0;
            for (int j = 0; j < x.Length; j++) sum += Math.Exp(x[j] - m);
            return m + Math.Log(sum);
        }

        /// <summary>The softmax written through the shifted exponentials: p_j = exp(x_j − m) / Σ exp(x_k − m).</summary>
        [Differentiable]
        public static void StableSoftmax(ReadOnlySpan<double> x, Span<double> p)
        {
            double m = x[0];
            for (int j = 1; j < x.Length; j++) m = Math.Max(m, x[j]);
            double sum = 0;
            for (int j = 0; j < x.Length; j++) sum += Math.Exp(x[j] - m);
            for (int j = 0; j < x.Length; j++) p[j] = Math.Exp(x[j] - m) / sum;
        }

        /// <summary>Not invariant (m + 2 log Σ exp(x − m) moves with m): m's derivative is kept.</summary>
        [Differentiable]
        public static double ShiftedTwice(ReadOnlySpan<double> x)
        {
            double m = x[0];
            for (int j = 1; j < x.Length; j++) m = Math.Max(m, x[j]);
            double sum = 0;
            for (int j = 0; j < x.Length; j++) sum += Math.Exp(x[j] - m);
            return m + 2 * Math.Log(sum);
        }

        /// <summary>
        /// A local written to an output before its last assignment: the result depends on it (the random-program tester
        /// found the first invariance test looking only after that assignment).
        /// </summary>
        [Differentiable]
        public static void UsedThenShifted(ReadOnlySpan<double> x, double b, Span<double> y)
        {
            double s = b * b;
            for (int i = 0; i < y.Length; i++) y[i] = s;
            double sum = 0;
            for (int j = 0; j < x.Length; j++) sum += Math.Exp(x[j] - s);
            s += Math.Log(sum);
        }

        /// <summary>A copy of a local reassigned in one branch only: the result depends on the local when the branch is not taken.</summary>
        [Differentiable]
        public static double KeptInOneBranch(ReadOnlySpan<double> x, double b, int n)
        {
            double m = x[0] * b;
            double kept = m;
            if (n < 1) kept = b;
            for (int i = 0; i < n - 5; i++) kept = b;
            return kept * kept;
        }

        /// <summary>Fills y with a constant: a helper for the cases below.</summary>
        [Differentiable]
        public static double FillQuarter(double a, Span<double> y)
        {
            for (int i = 0; i < y.Length; i++) y[i] = 0.25;
            return a * a;
        }

        /// <summary>
        /// A call that overwrites outputs inside a step function: its derivative is zero, but the overwritten elements still
        /// stop the cotangent (the call was once kept as text, and its outputs went unreversed).
        /// </summary>
        [Differentiable]
        public static void StepOfACall(ReadOnlySpan<double> x, Span<double> y)
        {
            for (int i = 0; i < 3; i++) y[i] = x[1];
            double sum = 0;
            for (int k = 0; k < 2; k++)
            {
                double r = Math.Ceiling(FillQuarter(y[k], y.Slice(1, 2)) * 2.0);
                sum += r * x[0];
            }

            y[0] = x[1] + sum;
        }

        /// <summary>SquaresOf writes all of y, and its result then overwrites y[0]: its backward needs y from between the two.</summary>
        [Differentiable]
        public static double SquaresOf(ReadOnlySpan<double> x, Span<double> y)
        {
            for (int i = 0; i < y.Length; i++) y[i] = Math.Tanh(x[i]);
            double s = 0;
            for (int i = 0; i < y.Length; i++) s += y[i] * y[i];
            return s;
        }

        [Differentiable]
        public static void AssignedFromACallThatWritesIt(ReadOnlySpan<double> x, Span<double> y)
        {
            y[0] = SquaresOf(x, y);
        }

        /// <summary>h gets constants, and Dense overwrites what the call wrote to y: the backward needs neither h nor the call's result.</summary>
        [Differentiable]
        public static void ResultNotNeeded(ReadOnlySpan<double> x, ReadOnlySpan<double> w, Span<double> h, Span<double> y)
        {
            h[0] = 0.5;
            h[1] = FillQuarter(0.5, y);
            Nn.Dense(x, w, x, y, 1, 1, 1);
        }

        /// <summary>Real arithmetic folded to a whole number inside Math calls: Math.Floor(6) does not compile, Math.Abs(-6) / 4 is 1.</summary>
        [Differentiable]
        public static double FoldedArguments(double x) => Math.Floor(3.0 * 2.0) * x + Math.Abs(-3.0 * 2.0) / 4 * x * x;

        // ── Found by the 100,000-program campaign: 0 · ∞ where an overflowed value was dead on this execution ──

        /// <summary>sign(b)·b²: Math.Sign throws on NaN.</summary>
        [Differentiable]
        public static double SignedSquare(double b) => Math.Sign(b) * b * b;

        /// <summary>
        /// A call in the arm of ?: that is not taken: for x &gt; 0 C# never evaluates SignedSquare(log(−x)), a NaN it would throw
        /// on. MTangent computed the call before the ?: (held for its value and its tangent) and threw where the method does not
        /// (found by the random-program tester, 4NCzn55ostj1).
        /// </summary>
        [Differentiable]
        public static double UntakenArm(double x) => x > 0 ? x * x : SignedSquare(Math.Log(-x)) * x;

        /// <summary>
        /// W14 (5an_VD1nZ8b1): max takes its constant, so ṡ = 0 exactly, then s = s·s leaves float's range: MTangent's
        /// ṡ = 2·s·ṡ was ∞·0 = NaN where the derivative is 0.
        /// </summary>
        [Differentiable]
        public static float ZeroTangentTimesOverflow(float a, int n)
        {
            float s = MathF.Max(MathF.Tanh(1f), a);
            s = MathF.Pow(MathF.Exp(1f / (1f + MathF.Exp(-s))), 1.5f);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    s = s * s;
                }
            }

            return s;
        }

        /// <summary>The last outer iteration's s2 is never read, and it overflows: its adjoint is zero, its partial ∞.</summary>
        [Differentiable]
        public static double DeadTailOverflows(double a)
        {
            double s2 = a, s4 = 0;
            for (int i5 = 3; i5 >= 0; i5 -= 2)
            {
                s4 = s4 * 0.5 + (a - s2);
                for (int i6 = 2; i6 >= 0; i6--)
                {
                    s2 = Math.Sqrt(Math.Exp(s2 * i5));
                }
            }

            return s4;
        }

        /// <summary>Exp(1000a) overflows, then is overwritten on the branch taken: nothing reaches it.</summary>
        [Differentiable]
        public static double KilledOnATakenBranch(double a, bool c)
        {
            double t = Math.Exp(1000 * a);
            if (c) t = 1;
            return t + a;
        }

        /// <summary>Elements of an output overwritten where Exp overflowed: their cotangent is killed, their partial ∞.</summary>
        [Differentiable]
        public static void OverwrittenWhereLarge(ReadOnlySpan<double> x, Span<double> y, int n)
        {
            for (int i = 0; i < n; i++) y[i] = Math.Exp(1000 * x[i]);
            for (int i = 0; i < n; i++)
            {
                if (x[i] > 0.5) y[i] = x[i];
            }
        }

        /// <summary>
        /// Found by the 100,000-program campaign: s2 = s5 − s2 in a branch. The shift-invariance test ran the statements after
        /// s5 twice, and the second pass cancelled the tangent the first gave s2: s5 was judged not to reach the result.
        /// </summary>
        [Differentiable]
        public static double ShiftedByItsOwnNegation(double a, double b, int n)
        {
            double s2 = a;
            if (n > 1)
            {
                double s5 = Math.Cos(b);
                s2 = s5 - s2;
            }

            return s2 * b;
        }

        /// <summary>
        /// Found by a 12,000-program campaign: the tidy-up folded <c>s2 = s; s = s2 * b;</c> into <c>s *= b;</c> in the forward
        /// sweep while the reverse sweep still read s2 (declared there as 0: db lost half).
        /// </summary>
        [Differentiable]
        public static double CopyThenScaled(double b)
        {
            double s = 0.5;
            double s2 = s;
            s = s2 * b;
            return b * s;
        }

        /// <summary>A library backward whose cotangent was killed: y overflows under repeated MseLoss, then is overwritten.</summary>
        [Differentiable]
        public static double OverflowThroughALibraryCall(ReadOnlySpan<double> x, Span<double> y, int n)
        {
            Nn.Elu(x, y, 1.0);
            for (int j2 = n - 1; j2 >= 0; j2--)
            {
                for (int i8 = 0; i8 < n * n; i8++)
                {
                    y[j2] = Nn.MseLoss(x, y);
                }
            }

            for (int j = 0; j < n; j++)
            {
                y[j] = 0.5;
            }

            return 0.5;
        }

        [Differentiable]
        public static double Explode(double a) => Math.Exp(1000 * a);

        /// <summary>The same through a call: its backward is not called with a zero cotangent.</summary>
        [Differentiable]
        public static double CallKilledOnATakenBranch(double a, bool c)
        {
            double t = Explode(a);
            if (c) t = 1;
            return t * a;
        }

        [Differentiable]
        public static double LogAndDouble(double s, ReadOnlySpan<double> x, Span<double> y, int n)
        {
            for (int i = 0; i < n; i++) y[i] = 2 * x[i];
            return Math.Log(1 + s * s);
        }

        /// <summary>
        /// Found by the 100,000-program campaign (float twin): the call's result is dead, so its cotangent is zero, but its
        /// backward still runs for y's; s squared twelve times is ∞ there, and 0 · ∂log(1 + s²)/∂s = 0 · NaN.
        /// </summary>
        [Differentiable]
        public static void ResultDeadOutputLive(double a, ReadOnlySpan<double> x, Span<double> y, int n)
        {
            double s = a;
            for (int i = 0; i < 12; i++) s = s * s;
            double unused = LogAndDouble(s, x, y, n);
        }

        /// <summary>
        /// Found by the 100,000-program campaign: s3 = s2 − s3 three times is a − ½. The shift-invariance test ran the loop's
        /// body twice, saw s3's tangent cancel (1, then 0) and judged s2 not to reach the result: da was 0.
        /// </summary>
        [Differentiable]
        public static double AlternatingInALoop(double a, int n)
        {
            double s2 = a, s3 = 0.5;
            for (int j = 0; j < n; j++)
            {
                s3 = s2 - s3;
            }

            return s3;
        }

        /// <summary>
        /// Found by the 100,000-program campaign: <c>s = c ? s : s</c> is <c>s = s</c>; the tidy-up dropped it after dead-code
        /// removal ran, leaving <c>double s2 = 1.0;</c> that nothing read (CS0219 in generated code).
        /// </summary>
        [Differentiable]
        public static double ConditionalOfTheSameValue(double a)
        {
            double s = a, s2 = 1.0;
            s = (Math.Atanh(0.9 * Math.Sin(s2)) <= 0.0) ? s : s;
            return Math.CopySign(a, s);
        }

        /// <summary>
        /// A comparison of two equal constants ((1 != 1) ? a : a, found by the random-program tester): it stays a constant the
        /// compiler folds, so the derivative has no branch on it to warn about (CS0162).
        /// </summary>
        [Differentiable]
        public static void ConstantComparisonInAConditional(double a, Span<double> h)
        {
            double s = (1 != 1) ? a : a * 2;
            for (int i = 0; i < h.Length; i++)
            {
                h[i] = s;
            }
        }

        /// <summary>
        /// Parameters whose gradient names would be keywords (d + o is do, d + ouble is double; found by the random-program
        /// tester with an out parameter named o): the names get a suffix, as on a collision.
        /// </summary>
        [Differentiable]
        public static double KeywordGradientNames(double o, double ouble, ReadOnlySpan<double> efault) => (o * ouble) + efault[0];

        /// <summary>
        /// A void method whose expression body is one call (found by the random-program tester): it was read as a return of
        /// nothing, and its backward was empty — a wrong gradient with no error. It is the statement it is.
        /// </summary>
        [Differentiable]
        public static void SquaresByArrow(ReadOnlySpan<double> x, Span<double> y) => Squares(x, y);

        [Differentiable]
        public static void Squares(ReadOnlySpan<double> x, Span<double> y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = x[i] * x[i];
            }
        }

        /// <summary>
        /// A local halved in place (found by the random-program tester): its adjoint is halved in place too (ds /= 2.0), and
        /// MHessianVector took that statement's tangent as tds /= 0, which it left out — H·v had the term through s twice.
        /// </summary>
        [Differentiable]
        public static double HalvedInPlace(double c, double a)
        {
            double s = a;
            s /= 2.0;
            return c * a * s;
        }

        /// <summary>
        /// Zero-padding, x into the front of y and zeros after it, called with x empty (found by the random-program tester):
        /// MJacobian had no column, so no forward-mode pass, and left y as it was. The method writes it then.
        /// </summary>
        [Differentiable]
        public static void ZeroPad(ReadOnlySpan<double> x, Span<double> y)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = i < x.Length ? x[i] : 0;
            }
        }

        /// <summary>Writes 0.5 into y and returns a: a call whose effect on y is all its callers' tangents of y see.</summary>
        [Differentiable]
        public static double OverwriteHalf(double a, Span<double> y)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = 0.5;
            }

            return a;
        }

        /// <summary>u², for a nested call (<c>SquareOfGradient</c>) in <see cref="UnreadCallValueNested"/>.</summary>
        [Differentiable]
        public static double SquareOf(double u) => u * u;

        /// <summary>
        /// A local nothing reads, assigned a value that calls a method writing an output (found by the random-program tester:
        /// the call was an argument of a nested <c>FGradient</c>): MTangent kept the call and lost its tangent, so ẏ stayed
        /// what the loop wrote (ȧ) where y is 0.5 — the local is out of activity, and with it the call's forward mode.
        /// </summary>
        [Differentiable]
        public static void UnreadCallValue(Span<double> y, double a)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = a;
            }

            double g = 2.0 * OverwriteHalf(a, y);
        }

        /// <summary>The same through a nested call whose gradient nothing reads (the tester's program, shrunk).</summary>
        [Differentiable]
        public static void UnreadCallValueNested(Span<double> y, double a)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = a;
            }

            double g = 0;
            SquareOfGradient(OverwriteHalf(a, y), ref g);
        }

        /// <summary>u²·w, for <see cref="GradientIntoAnArgument"/>.</summary>
        [Differentiable]
        public static double SquareScaled(double u, double w) => u * u * w;

        /// <summary>
        /// A nested <c>FGradient</c> accumulating into a local one of its arguments reads (found by the random-program tester):
        /// read as s += FTangent(Sin(s), x, 1, 0); g += FTangent(Sin(s), x, 0, 1), the second call and the value saw the
        /// updated s, where C# evaluates the arguments once, before the call — P1 off central differences.
        /// </summary>
        [Differentiable]
        public static double GradientIntoAnArgument(double x)
        {
            double s = x, g = 0;
            double v = SquareScaledGradient(Math.Sin(s), x, ref s, ref g);
            return v + s * g;
        }

        /// <summary>A constant of three reals, for <see cref="UnreadGradientOfANestedCall"/>.</summary>
        [Differentiable]
        public static double HalfOf(bool flag, double a, double c, double b, int n, int m) => 0.5;

        /// <summary>
        /// A call whose argument calls the same method twice, with an argument no input reaches (the tester's program,
        /// shrunk): MHessianVector passed <c>ref dHalfOfA2</c> to HalfOfBackward after dropping its declaration, unread as it
        /// is (CS0103).
        /// </summary>
        [Differentiable]
        public static double UnreadGradientOfANestedCall(double a, bool flag, double b, int n, int m)
        {
            double s = 0.5;
            s = HalfOf(n > 1, 1.5 / (1.0 + (1.5 * 1.5)), 1.0 / (1.0 + Math.Exp(-(b / 1.5))), 1.0 / (1.0 + Math.Exp(-Math.Log(1.0 + (HalfOf(n < 2, (1.0 / (1.0 + Math.Exp(-s))) / (1.0 + ((1.0 / (1.0 + Math.Exp(-s))) * (1.0 / (1.0 + Math.Exp(-s))))), Math.Tanh(b), 1.0 / (1.0 + Math.Exp(-b)), m, m) * HalfOf(n < 2, (1.0 / (1.0 + Math.Exp(-s))) / (1.0 + ((1.0 / (1.0 + Math.Exp(-s))) * (1.0 / (1.0 + Math.Exp(-s))))), Math.Tanh(b), 1.0 / (1.0 + Math.Exp(-b)), m, m))))), m, m);
            return a * b;
        }

        /// <summary>
        /// A switch expression, as an assignment's whole value, whose discard arm keeps the variable (found by the
        /// random-program tester): the lowered arm s = s was printed in MTangent (CS1717).
        /// </summary>
        [Differentiable]
        public static double SwitchArmKeepsTheValue(double a)
        {
            double s = a * 0.5;
            s = Math.Log(Math.Abs(a) + 0.5) switch { < -0.5 => a, _ => s };
            return s * a;
        }
    

        /// <summary>
        /// |x| of a value that overflowed to NaN (found by the random-program tester in a float twin): the derivative of Abs
        /// was Math.Sign(x), which throws on NaN, so the backward threw where the forward had returned NaN. It is NaN.
        /// </summary>
        [Differentiable]
        public static double AbsOfOverflow(double x) => Math.Abs(x * 1e308 * 1e308 - x * 1e308 * 1e308) * x + Math.Abs(x);
    

        /// <summary>
        /// Two outputs whose tangents the caller does not want, the second computed from the first: MTangent gave both
        /// the one per-thread discard buffer, so the first's tangent was overwritten before it was read — a wrong tangent
        /// with no error. An output tangent the body reads back is scratch of its own.
        /// </summary>
        [Differentiable]
        public static double ChainedOutputs(ReadOnlySpan<double> x, Span<double> y, Span<double> z)
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = x[i] * x[i];
            }

            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                z[i] = Math.Sin(y[i]) + y[i];
                s += z[i] * y[i];
            }

            return s;
        }

        /// <summary>
        /// Found by the random-program tester (float twin): the Hessian-vector product's forward sweep declared s8's tangent in a
        /// copy of the loop where nothing read it (CS0219); the name was read in the other copy, so it was kept. Locals are
        /// now dropped per scope. The method's own unreachable code and unused local are the program's as generated.
        /// </summary>
#pragma warning disable CS0162, CS0219
        [Differentiable]
        public static float ScopedTangentLocal([NoDerivative] float c, [NoDerivative] float b, ReadOnlySpan<float> x, int n)
        {
            switch (n)
            {
                case 3:
                {
                    break;
                }
                case >= 4:
                {
                    for (int j7 = 0; j7 < n; j7++)
                    {
                        float s8 = 0.5f;
                        if (MathF.Cbrt(-MathF.Exp(b)) > MathF.Tan(0.5f * (0.9f * MathF.Sin(s8))))
                        {
                            float m9 = 0f, sum10 = 0f;
                            for (int k12 = 0; k12 < x.Length; k12++)
                            {
                                sum10 += x[k12];
                            }
                            s8 += MathF.Log(sum10);
                            s8 = 1f / (1f + MathF.Exp(-(s8 - x[(j7 + 1) % n])));
                        }
                        return s8;
                    }
                    break;
                }
                default:
                {
                    break;
                }
            }
            return c;
        }
#pragma warning restore CS0162, CS0219
    

        [Differentiable]
        public static double TwoArguments(double a, double b) => (a * b * b) + b;

        /// <summary>
        /// A callee's backward in a Hessian-vector product (found by the random-program tester, seed adCUOZC4JFW1): its gradient
        /// of the constant argument is read by nothing, but the call stays for the other — its local was dropped with it
        /// declared nowhere (CS0103). A backward that stays keeps every local it writes.
        /// </summary>
        [Differentiable]
        public static double OneGradientLive(double b)
        {
            double s = TwoArguments(Math.Sin(0.25), Math.Sin(b));
            return s * s;
        }
    

        [Differentiable]
        public static double SigmoidOf(ReadOnlySpan<double> x, Span<double> y, double a)
        {
            Nn.Sigmoid(x, y);
            return 0.5 - a;
        }

        /// <summary>
        /// An output written, then passed to a callee that writes another output, the call's value read by nothing (found by
        /// the random-program tester, P14, seed efJJCi8NirI1): MTangent kept the plain call, so h's tangent was never written
        /// (∂h/∂a = 0), and an output passed as an input would have had an empty (zero) tangent.
        /// </summary>
        [Differentiable]
        public static void OutputIntoACall(Span<double> y, Span<double> h, double a)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = a * (i + 1);
            }

            double unused = Math.Tanh(Math.Abs(SigmoidOf(y, h, Math.Sin(a))));
        }
    

        [Differentiable(CheckpointLoops = true)]
        public static double Half([NoDerivative] double c, double a, Span<double> y, double b, ReadOnlySpan<double> x, int n, int m) => 0.5;

        /// <summary>
        /// A local assigned, in a loop, a call writing outputs whose arguments read the local (found by the random-program
        /// tester, seed aZTi85HHI171): MTangent took the tangent local as read only by its own update, dropped its declaration
        /// and kept the call reading it (CS0103). A statement that writes outputs is kept, so what it reads is read.
        /// </summary>
        [Differentiable]
        public static void CallReadsItsTarget(ReadOnlySpan<double> w, Span<double> y, ReadOnlySpan<double> x, double a, int n, int m)
        {
            Nn.LeakyRelu(w, y, 1.0);
            double s3 = 2.0;
            for (int t4 = 0; t4 < n; t4++)
            {
                s3 = Half(0.25, Math.Tanh(s3), y[(t4 * m)..((t4 * m) + m)], Math.Sin((s3 / 2.0) - Math.Sin(a)), x[(t4 * m)..((t4 * m) + m)], m, m);
            }
        }
    

        /// <summary>
        /// A Hessian-vector product whose tape pops a tangent the reverse sweep no longer reads (found by CI's random-program
        /// campaign, P15, program 2yZZPXor3uZ1: H·v was 0): the pop was pruned with its local, so the value's pop took the
        /// tangent's place. A pop stays, read or not.
        /// </summary>
#pragma warning disable CS0162 // the program's own loop that returns at once, as generated
        [Differentiable]
        public static T UnreadTangentPop<T>(ReadOnlySpan<T> w, T b, T a, ReadOnlySpan<T> x, int n, int m)
            where T : System.Numerics.IFloatingPointIeee754<T>
        {
            for (int k = n - 1; k >= 0; k--)
            {
                return T.Cos(T.FusedMultiplyAdd(a, b, x[0]));
            }

            T s2 = T.CreateTruncating(T.Sign(T.CopySign(x[0], x[1]))) * (x[0] + T.CreateChecked(0.5));
            T s3 = T.One / (T.One + T.Exp(-(s2 + T.CreateChecked(1.5))));
            s3 = T.Sqrt(T.Exp(T.Sin(T.CreateTruncating(T.Sign(s3)) * x[0])));
            int w8 = 0;
            do
            {
                w8++;
                s2 = T.CreateSaturating(3) * (T.MaxMagnitude(s3, s2) - s3);
            }
            while ((w8 < 4) && (T.Min(s2, s3) >= T.Zero));
            return (x[1] + s2) + s3;
        }
#pragma warning restore CS0162
    }
}
