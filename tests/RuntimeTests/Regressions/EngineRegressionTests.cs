using System;
using System.Linq;
using Xunit;
using SymGrad.RuntimeTests.Gradients;
using static SymGrad.RuntimeTests.Gradients.Check;

namespace SymGrad.RuntimeTests.Regressions
{
    /// <summary>
    /// The reproductions, gradient-checked in double (central differences, relative error below 1e-6), with the
    /// closed forms the issue gives where it gives them.
    /// </summary>
    public class EngineRegressionTests
    {
        private static void CheckScalar(Func<double, double> f, GradientOf gradient, double x)
        {
            double dx = 0;
            double value = gradient(x, ref dx);
            Assert.Equal(f(x), value);
            double[] at = { x };
            Verify(() => f(at[0]), Check.Scalar("x", at, dx));
        }

        private delegate double GradientOf(double x, ref double dx);

        [Theory]
        [InlineData(0.3)]
        [InlineData(-1.2)]
        public void ExpThenIncrement(double x)
        {
            double dx = 0;
            EngineCases.ExpThenIncrementGradient(x, ref dx);
            Assert.Equal(0.5 * Math.Exp(x), dx, 12); // 0.675 at 0.3; the first engine gave 1.17
            CheckScalar(EngineCases.ExpThenIncrement, EngineCases.ExpThenIncrementGradient, x);
        }

        [Theory]
        [InlineData(0.3)]
        [InlineData(-2.0)]
        public void SoftplusIsTheSigmoid(double x)
        {
            double dx = 0;
            EngineCases.SoftplusGradient(x, ref dx);
            Assert.Equal(1 / (1 + Math.Exp(-x)), dx, 12); // the first engine gave 1
            CheckScalar(EngineCases.Softplus, EngineCases.SoftplusGradient, x);
        }

        [Theory]
        [InlineData(0.7)]
        [InlineData(-0.4)]
        public void SigmoidThenAdd(double x)
        {
            double dx = 0;
            EngineCases.SigmoidThenAddGradient(x, ref dx);
            double s = 1 / (1 + Math.Exp(-x));
            Assert.Equal(2 * (s + 0.5) * s * (1 - s), dx, 12); // the first engine had the sign wrong
            CheckScalar(EngineCases.SigmoidThenAdd, EngineCases.SigmoidThenAddGradient, x);
        }

        [Theory]
        [InlineData(0.5, -1.5)]
        [InlineData(-0.9, 0.8)]
        public void TanhThenOverwrite(double a, double b)
        {
            double da = 0, db = 0;
            EngineCases.TanhThenOverwriteGradient(a, b, ref da, ref db);
            Assert.Equal(1 - Math.Tanh(a) * Math.Tanh(a), da, 12);
            Assert.Equal(3 * b * b, db, 12);
        }

        [Theory]
        [InlineData(0.4)]
        [InlineData(-1.7)]
        public void SqrtThenSubtract(double x)
        {
            double dx = 0;
            EngineCases.SqrtThenSubtractGradient(x, ref dx);
            double r = Math.Sqrt(1 + x * x);
            Assert.Equal(2 * (r - 2) * x / r, dx, 12);
            CheckScalar(EngineCases.SqrtThenSubtract, EngineCases.SqrtThenSubtractGradient, x);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(5)]
        public void TwoWrites(int n)
        {
            var rng = new Random(n);
            double[] x = Random(rng, n), y = new double[n], dy = Random(rng, n), dx = new double[n];
            EngineCases.TwoWrites(x, y, n);
            EngineCases.TwoWritesBackward(x, y, n, dy, dx);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(dy[i] * (1 - Math.Tanh(x[i]) * Math.Tanh(x[i])), dx[i], 12); // the first engine gave dy
            }

            Verify(() => { EngineCases.TwoWrites(x, y, n); return GradCheck.Contract(y, dy); }, Param("x", x, dx));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(6)]
        public void Rotated(int n)
        {
            var rng = new Random(n);
            double[] x = Random(rng, n), y = new double[n], dy = Random(rng, n), dx = new double[n];
            EngineCases.Rotated(x, y, n);
            EngineCases.RotatedBackward(x, y, n, dy, dx);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(dy[(i + 1) % n] * x[i] / Math.Sqrt(1 + x[i] * x[i]), dx[i], 12); // ±Infinity before
            }

            Verify(() => { EngineCases.Rotated(x, y, n); return GradCheck.Contract(y, dy); }, Param("x", x, dx));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(4)]
        [InlineData(7)]
        public void TanhThenReverse(int n)
        {
            var rng = new Random(n);
            double[] x = Random(rng, n), y = new double[n], dy = Random(rng, n), dx = new double[n];
            EngineCases.TanhThenReverse(x, y, n);
            EngineCases.TanhThenReverseBackward(x, y, n, dy, dx);
            Verify(() => { EngineCases.TanhThenReverse(x, y, n); return GradCheck.Contract(y, dy); }, Param("x", x, dx));
        }

        /// <summary>Max of one call twice: MTangent compiled with CS1718 before; its gradient and tangent.</summary>
        [Theory]
        [InlineData(0.4)]
        [InlineData(-1.2)]
        public void MaxOfOneCallTwice(double value)
        {
            double[] a = { value };
            double da = 0;
            EngineCases.MaxOfOneCallTwiceGradient(a[0], ref da);
            Verify(() => EngineCases.MaxOfOneCallTwice(a[0]), Scalar("a", a, da));
            Assert.Equal(da * 0.3, EngineCases.MaxOfOneCallTwiceTangent(a[0], 0.3), 12);
        }

        /// <summary>A switch arm keeping a value through casts: MTangent compiled with CS1717 before; its gradient and tangent on each arm.</summary>
        [Theory]
        [InlineData(-0.9)]
        [InlineData(0.7)]
        [InlineData(1.2)]
        public void ArmKeepingItsValueThroughCasts(double value)
        {
            double[] a = { value };
            double da = 0;
            EngineCases.ArmKeepingItsValueThroughCastsGradient(a[0], ref da);
            Verify(() => EngineCases.ArmKeepingItsValueThroughCasts(a[0]), Scalar("a", a, da));
            Assert.Equal(da * 0.3, EngineCases.ArmKeepingItsValueThroughCastsTangent(a[0], 0.3), 12);
        }

        /// <summary>A cast to a double's own type: MTangent compiled with CS1717 before; its gradient and tangent here.</summary>
        [Fact]
        public void CastToItsOwnType()
        {
            double[] a = { 0.7 }, b = { -1.3 };
            double da = 0, db = 0;
            EngineCases.CastToItsOwnTypeGradient(a[0], b[0], ref da, ref db);
            Verify(() => EngineCases.CastToItsOwnType(a[0], b[0]), Scalar("a", a, da), Scalar("b", b, db));
            Assert.Equal((da * 0.3) + (db * -0.2), EngineCases.CastToItsOwnTypeTangent(a[0], b[0], 0.3, -0.2), 12);
        }

        /// <summary>A span without derivative indexed by a differentiable span's length: refused (SG9999) before; every mode here.</summary>
        [Fact]
        public void IndexedByALength()
        {
            double[] x = { 0.7, -1.3, 0.4 }, c = { 1.5, -0.5, 2 }, dx = new double[3], v = { 0.3, -0.2, 0.5 }, hv = new double[3];
            EngineCases.IndexedByALengthGradient(x, c, dx);
            Verify(() => EngineCases.IndexedByALength(x, c), Param("x", x, dx));
            Assert.Equal((dx[0] * 0.3) + (dx[1] * -0.2) + (dx[2] * 0.5), EngineCases.IndexedByALengthTangent(x, c, v), 12);
            EngineCases.IndexedByALengthHessianVector(x, c, v, hv);
            const double h = 1e-5;
            double[] Along(double t)
            {
                double[] g = new double[3];
                EngineCases.IndexedByALengthGradient(x.Zip(v, (p, q) => p + (t * q)).ToArray(), c, g);
                return g;
            }

            double[] up = Along(h), down = Along(-h);
            for (int i = 0; i < 3; i++) AssertClose((up[i] - down[i]) / (2 * h), hv[i]);
        }

        [Fact]
        public void Polar()
        {
            double[] r = new double[2], dr = { 0.7, -1.3 };
            double dx = 0, dy = 0;
            EngineCases.Polar(2.5, 0.4, r);
            EngineCases.PolarBackward(2.5, 0.4, r, dr, ref dx, ref dy);
            Assert.Equal(0.7 / (2 * Math.Sqrt(2.5)), dx, 12); // +Infinity before
            Assert.Equal(-1.3, dy, 12);
        }

        [Fact]
        public void ReadsUnwrittenOutput_ReadsTheCallersValues()
        {
            double[] x = { 0.8 }, y = { 1.7 }, dx = new double[1];
            double value = EngineCases.ReadsUnwrittenOutputGradient(x, y, dx);
            Assert.Equal(0.8 * 0.8 * 1.7, value, 12);
            Assert.Equal(2 * 0.8 * 1.7, dx[0], 12); // 0 before
        }

        [Theory]
        [InlineData(0.6)]
        [InlineData(-1.1)]
        public void CallerOfACaseInheritsItsRightDerivative(double x)
            => CheckScalar(EngineCases.CallsSoftplus, EngineCases.CallsSoftplusGradient, x);

        [Theory]
        [InlineData(1)]
        [InlineData(9)]
        public void LogSumExp(int n)
        {
            double[] x = Random(new Random(n), n, -3, 3), dx = new double[n];
            EngineCases.LogSumExpGradient(x, dx);
            double sum = 0;
            foreach (double v in x) sum += Math.Exp(v);
            for (int i = 0; i < n; i++) Assert.Equal(Math.Exp(x[i]) / sum, dx[i], 12);
            Verify(() => EngineCases.LogSumExp(x), Param("x", x, dx));
        }

        [Fact]
        public void TanhThroughALocal()
        {
            double[] x = Random(new Random(3), 11, -2, 2), y = new double[11], dy = Random(new Random(4), 11), dx = new double[11];
            EngineCases.TanhThroughALocal(x, y);
            EngineCases.TanhThroughALocalBackward(x, y, dy, dx);
            Verify(() => { EngineCases.TanhThroughALocal(x, y); return GradCheck.Contract(y, dy); }, Param("x", x, dx));
        }

        [Fact]
        public void Hypot()
        {
            double dx = 0, dy = 0;
            EngineCases.HypotGradient(3, 4, ref dx, ref dy);
            Assert.Equal(0.6, dx, 12);
            Assert.Equal(0.8, dy, 12);
        }

        [Theory]
        [InlineData(new[] { 0.5, 1.0, 3.0, 0.25 })]
        [InlineData(new[] { 0.5, -1.0, 0.5 })]
        public void EarlyReturnInLoop(double[] x)
        {
            double[] dx = new double[x.Length];
            EngineCases.EarlyReturnInLoopGradient(x, dx);
            Verify(() => EngineCases.EarlyReturnInLoop(x), Param("x", x, dx));
        }

        [Theory]
        [InlineData(1.0)]
        [InlineData(4.0)]
        public void CallResultInCondition(double scale)
        {
            double[] w = { 0.9 * scale, -0.7 * scale }, dw = new double[2];
            double dx = 0;
            EngineCases.CallResultInConditionGradient(1.5, w, ref dx, dw);
            bool large = 0.81 * scale * scale + 0.49 * scale * scale > 10;
            Assert.Equal(large ? 0 : w[0], dx, 12);
            Assert.Equal(large ? 0 : 1.5, dw[0], 12);
            Assert.Equal(0, dw[1]);
        }

        [Fact]
        public void UnusedCallResultAndConstantLocal()
        {
            double[] x = { 0.3, -2 }, dx = new double[2];
            EngineCases.UnusedCallResultGradient(x, dx);
            Assert.Equal(new[] { 3.0, 0 }, dx);
            dx = new double[2];
            EngineCases.ConstantLocalGradient(x, dx);
            Assert.Equal(new[] { 0.5, 0 }, dx);
        }

        [Fact]
        public void NamedLikeItsParameterAndTimesChar()
        {
            double dx = 0;
            Assert.Equal(9, EngineCases.xGradient(3, ref dx));
            Assert.Equal(6, dx);
            dx = 0;
            EngineCases.TimesCharGradient(2, ref dx);
            Assert.Equal('a', dx);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(4)]
        public void LongCounter(int n)
        {
            double dx = 0;
            EngineCases.LongCounterGradient(1.3, n, ref dx);
            double[] at = { 1.3 };
            Verify(() => EngineCases.LongCounter(at[0], n), Check.Scalar("x", at, dx));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(6)]
        public void StableSoftmaxFamily(int n)
        {
            double[] x = Random(new Random(n), n, -3, 3), dx = new double[n];
            double sum = 0;
            foreach (double v in x) sum += Math.Exp(v);
            EngineCases.StableLogSumExpGradient(x, dx);
            for (int i = 0; i < n; i++) Assert.Equal(Math.Exp(x[i]) / sum, dx[i], 12);
            Verify(() => EngineCases.StableLogSumExp(x), Param("x", x, dx));

            double[] p = new double[n], dp = Random(new Random(n + 1), n), dxs = new double[n];
            EngineCases.StableSoftmax(x, p);
            EngineCases.StableSoftmaxBackward(x, p, dp, dxs);
            Verify(() => { EngineCases.StableSoftmax(x, p); return GradCheck.Contract(p, dp); }, Param("x", x, dxs));

            double[] dxt = new double[n];
            EngineCases.ShiftedTwiceGradient(x, dxt);
            Verify(() => EngineCases.ShiftedTwice(x), Param("x", x, dxt));

            double[] y = new double[3], dy = { 0.3, -1.1, 0.7 }, dxu = new double[n];
            double db = 0;
            EngineCases.UsedThenShifted(x, 0.8, y);
            EngineCases.UsedThenShiftedBackward(x, 0.8, y, dy, dxu, ref db);
            Assert.Equal(2 * 0.8 * (0.3 - 1.1 + 0.7), db, 12);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(3)]
        public void KeptInOneBranch(int n)
        {
            double[] x = { 0.7 }, dx = new double[1];
            double db = 0;
            EngineCases.KeptInOneBranchGradient(x, 1.3, n, dx, ref db);
            double kept = n < 1 ? 1.3 : 0.7 * 1.3;
            Assert.Equal(n < 1 ? 0 : 2 * kept * 1.3, dx[0], 12);
            Assert.Equal(n < 1 ? 2 * kept : 2 * kept * 0.7, db, 12);
        }

        /// <summary>MGradient checks every length and overlap before the forward pass writes an output.</summary>
        [Fact]
        public void GradientWithAnOutputValidatesBeforeWriting()
        {
            double[] x = { 0.3, 0.4 }, y = { 7, 7 }, dw = new double[1], wrong = new double[3];
            Assert.Throws<ArgumentException>(() => EngineCases.CallResultInConditionGradient(1, x, ref wrong[0], wrong));
            double value = 0;
            var ex = Assert.Throws<ArgumentException>(() => value = Regressions.Outputs.ScaledGradient(x, y, wrong));
            Assert.Equal("dx", ex.ParamName);
            Assert.Equal(new double[] { 7, 7 }, y);
            _ = dw;
        }

        /// <summary>Sizes whose product passes the range of long are an ArgumentException, not a wrapped check.</summary>
        [Fact]
        public void SizeCheckDoesNotOverflow()
        {
            double[] x = new double[4], dx = new double[4];
            var ex = Assert.Throws<ArgumentException>(() => Regressions.Outputs.CubeGradient(x, 1 << 21, 1 << 21, 1 << 21, dx));
            Assert.Equal("x", ex.ParamName);
            Assert.Equal(new double[4], dx);
        }

        [Fact]
        public void StepOfACall()
        {
            double[] x = { 0.4, -0.9, 0.3 }, y = new double[3], dy = { 0.7, -1.1, 0.6 }, dx = new double[3];
            EngineCases.StepOfACall(x, y);
            EngineCases.StepOfACallBackward(x, y, dy, dx);
            // y[1], y[2] end as 0.25 whatever x is; y[0] = x[1] + (r0 + r1)·x[0] with the steps r constant.
            double r0 = Math.Ceiling(2 * x[1] * x[1]), r1 = Math.Ceiling(2 * 0.25 * 0.25);
            Assert.Equal(dy[0] * (r0 + r1), dx[0], 12);
            Assert.Equal(dy[0], dx[1], 12); // the first engine also passed dy[1] + dy[2] on
            Assert.Equal(0, dx[2]);
            Verify(() => { EngineCases.StepOfACall(x, y); return GradCheck.Contract(y, dy); }, Param("x", x, dx));
        }

        [Fact]
        public void AssignedFromACallThatWritesIt()
        {
            double[] x = { 0.4, -0.9, 0.3 }, y = new double[3], dy = { 0.7, -1.1, 0.6 }, dx = new double[3];
            EngineCases.AssignedFromACallThatWritesIt(x, y);
            EngineCases.AssignedFromACallThatWritesItBackward(x, y, dy, dx);
            double t0 = Math.Tanh(x[0]);
            Assert.Equal(dy[0] * 2 * t0 * (1 - t0 * t0), dx[0], 12); // the first engine read y[0] after the assignment
            Verify(() => { EngineCases.AssignedFromACallThatWritesIt(x, y); return GradCheck.Contract(y, dy); }, Param("x", x, dx));
        }

        [Fact]
        public void ResultNotNeeded()
        {
            double[] x = { 0.4 }, w = { -0.9 }, h = new double[3], y = new double[1], dh = { 0.7, -1.1, 0.6 }, dy = { 0.3 };
            double[] dx = new double[1], dw = new double[1];
            EngineCases.ResultNotNeeded(x, w, h, y);
            EngineCases.ResultNotNeededBackward(x, w, h, y, dh, dy, dx, dw); // threw IndexOutOfRange: wrote h[1] into an empty copy
            Assert.Equal(dy[0] * (w[0] + 1), dx[0], 12);
            Verify(() => { EngineCases.ResultNotNeeded(x, w, h, y); return GradCheck.Contract(h, dh) + GradCheck.Contract(y, dy); },
                Param("x", x, dx), Param("w", w, dw));
        }

        [Fact]
        public void FoldedArguments()
        {
            double dx = 0;
            EngineCases.FoldedArgumentsGradient(0.5, ref dx);
            Assert.Equal(6 + 2 * 1.5 * 0.5, dx, 12);
        }

        [Theory]
        [InlineData(-0.336558)] // the campaign's draw: s2 reaches Exp(4.8e8) = ∞ in the last, unread, iterations
        [InlineData(0.2)]
        public void DeadTailOverflows(double a)
        {
            double da = 0;
            EngineCases.DeadTailOverflowsGradient(a, ref da);
            Assert.True(double.IsFinite(da), $"da = {da}"); // was NaN: 0 · ∞
            CheckScalar(EngineCases.DeadTailOverflows, EngineCases.DeadTailOverflowsGradient, a);
        }

        /// <summary>W14: a tangent zero because max took its constant, times a value past float's range, is 0 (was NaN), as the gradient is.</summary>
        [Theory]
        [InlineData(0.0153f, 3)] // the campaign's draw: s = 2.77^512 = ∞ in float
        [InlineData(0.0153f, 1)]
        [InlineData(0.9f, 1)] // max takes a: the tangent moves
        public void ZeroTangentTimesOverflow(float a, int n)
        {
            float da = 0;
            EngineCases.ZeroTangentTimesOverflowGradient(a, n, ref da);
            float tangent = EngineCases.ZeroTangentTimesOverflowTangent(a, n, 0.5f);
            Assert.True(float.IsFinite(tangent), $"tangent = {tangent}");
            Assert.Equal(0.5f * da, tangent, 0.5f * Math.Abs(da) * 1e-5f);
            if (a > MathF.Tanh(1f))
            {
                float h = 1e-3f;
                double central = (EngineCases.ZeroTangentTimesOverflow(a + h, n) - (double)EngineCases.ZeroTangentTimesOverflow(a - h, n)) / (2 * h);
                Assert.Equal(central, da, Math.Abs(central) * 2e-2);
                Assert.NotEqual(0, da);
            }
        }

        [Theory]
        [InlineData(1.5)] // the arm with the call not taken: its NaN never computed
        [InlineData(-2.5)] // taken
        public void ACallInAnUntakenArmIsNotMade(double x)
        {
            double dx = 0;
            EngineCases.UntakenArmGradient(x, ref dx);
            double h = 1e-6, central = (EngineCases.UntakenArm(x + h) - EngineCases.UntakenArm(x - h)) / (2 * h);
            Assert.Equal(central, dx, 1e-6 * (1 + Math.Abs(central)));
            Assert.Equal(0.5 * dx, EngineCases.UntakenArmTangent(x, 0.5), 1e-12 * (1 + Math.Abs(dx)));
            double hx = 0;
            EngineCases.UntakenArmHessianVector(x, 1, ref hx);
            Assert.True(double.IsFinite(hx), $"H·v = {hx}");
        }

        [Fact]
        public void KilledOnATakenBranch()
        {
            double da = 0;
            EngineCases.KilledOnATakenBranchGradient(1, true, ref da);
            Assert.Equal(1, da); // was NaN: the killed adjoint times Exp(1000) = ∞
            da = 0;
            EngineCases.KilledOnATakenBranchGradient(-0.001, false, ref da);
            Assert.Equal(1000 * Math.Exp(-1) + 1, da, 9);
        }

        [Fact]
        public void OverwrittenWhereLarge()
        {
            double[] x = { 1, -0.001, 0.7 }, y = new double[3], dy = { 0.5, -2, 3 }, dx = new double[3];
            EngineCases.OverwrittenWhereLarge(x, y, 3);
            EngineCases.OverwrittenWhereLargeBackward(x, y, 3, dy, dx);
            Assert.Equal(0.5, dx[0]); // was NaN: Exp(1000) = ∞ times the killed cotangent
            Assert.Equal(-2 * 1000 * Math.Exp(-1), dx[1], 9);
            Assert.Equal(3, dx[2]);
        }

        [Theory]
        [InlineData(0.3, 0.48168, 4)]
        [InlineData(0.3, -1.1, 1)]
        public void ShiftedByItsOwnNegation(double a, double b, int n)
        {
            double da = 0, db = 0;
            EngineCases.ShiftedByItsOwnNegationGradient(a, b, n, ref da, ref db);
            double s2 = n > 1 ? Math.Cos(b) - a : a;
            Assert.Equal(n > 1 ? -b : b, da, 12);
            Assert.Equal(s2 + (n > 1 ? -Math.Sin(b) * b : 0), db, 12); // was s2 alone: −sin(b)·b lost
        }

        [Theory]
        [InlineData(1.47447)]
        [InlineData(-0.3)]
        public void CopyThenScaled(double b)
        {
            double db = 0;
            EngineCases.CopyThenScaledGradient(b, ref db);
            Assert.Equal(b, db, 12); // d/db ½b² ; was b/2
        }

        [Fact]
        public void OverflowThroughALibraryCall()
        {
            double[] x = { 0.0661576, 0.933222, 0.18209, 0.3836, -1.42941 }, y = new double[5], dx = new double[5];
            double[] dy = { 0.499451648, 0.277218581, -0.590501629, -0.670124367, 0.785938817 };
            EngineCases.OverflowThroughALibraryCall(x, y, 5);
            EngineCases.OverflowThroughALibraryCallBackward(x, y, 5, -0.713362212, dy, dx);
            Assert.Equal(new double[5], dx); // everything is overwritten with constants; was NaN (MseLossBackward(…, 0, …) on ∞)
        }

        [Theory]
        [InlineData(1.5)] // s = a^4096 = ∞
        [InlineData(0.9)]
        public void ResultDeadOutputLive(double a)
        {
            double[] x = { 0.5, -1 }, y = new double[2], dy = { 0.25, 3 }, dx = new double[2];
            double da = 0;
            EngineCases.ResultDeadOutputLive(a, x, y, 2);
            EngineCases.ResultDeadOutputLiveBackward(a, x, y, 2, dy, ref da, dx);
            Assert.Equal(0, da); // was NaN: LogAndDoubleBackward(…, dResult: 0, …) at s = ∞
            Assert.Equal(new[] { 0.5, 6 }, dx);
        }

        [Theory]
        [InlineData(3, 1)] // the campaign's: was 0
        [InlineData(4, 0)]
        [InlineData(0, 0)]
        public void AlternatingInALoop(int n, double expected)
        {
            double da = 0;
            EngineCases.AlternatingInALoopGradient(1.11552, n, ref da);
            Assert.Equal(expected, da);
        }

        [Theory]
        [InlineData(0.7)]
        [InlineData(-0.4)]
        public void ConditionalOfTheSameValue(double a)
        {
            double da = 0;
            EngineCases.ConditionalOfTheSameValueGradient(a, ref da);
            Assert.Equal(1, da); // CopySign(a, a) = a
        }

        [Fact]
        public void KeywordGradientNames()
        {
            double do2 = 0, double2 = 0;
            double[] default2 = new double[2];
            EngineCases.KeywordGradientNamesGradient(3, 5, new[] { 1.0, 2 }, ref do2, ref double2, default2);
            Assert.Equal((5.0, 3.0), (do2, double2));
            Assert.Equal(new[] { 1.0, 0 }, default2);
        }

        [Fact]
        public void ConstantComparisonInAConditional()
        {
            double[] dh = { 1, 0.5, 2 };
            double da = 0;
            EngineCases.ConstantComparisonInAConditionalBackward(0.3, new double[3], dh, ref da);
            Assert.Equal(2 * 3.5, da); // s = 2a fills h: 2·Σ dh
        }

        [Fact]
        public void CallKilledOnATakenBranch()
        {
            double da = 0;
            EngineCases.CallKilledOnATakenBranchGradient(1, true, ref da);
            Assert.Equal(1, da);
            da = 0;
            EngineCases.CallKilledOnATakenBranchGradient(-0.001, false, ref da);
            Assert.Equal(Math.Exp(-1) * (1 - 1), da, 9); // d/da (e^(1000a)·a) = e^(1000a)(1000a + 1) = 0 at a = −0.001
        }

        [Fact]
        public void UnwantedOutputTangentsReadBackAreNotShared()
        {
            double[] x = { 0.3, -1.2, 0.8 }, tx = { 1, -0.5, 2 }, dx = new double[3], y = new double[3], z = new double[3];
            EngineCases.ChainedOutputsGradient(x, y, z, dx);
            double expected = dx.Zip(tx, (g, t) => g * t).Sum();
            Assert.Equal(expected, EngineCases.ChainedOutputsTangent(x, y, z, tx, default, default), 12);
            double[] ty = new double[3], tz = new double[3];
            Assert.Equal(expected, EngineCases.ChainedOutputsTangent(x, y, z, tx, ty, tz), 12);
            Assert.Equal(x.Zip(tx, (v, t) => 2 * v * t), ty);
        }

        [Theory]
        [InlineData(0.4)]
        [InlineData(-1.2)]
        public void ACalleeBackwardKeepsTheLocalsItWritesInTheHessianVectorProduct(double b)
        {
            double h = 0, up = 0, down = 0;
            EngineCases.OneGradientLiveHessianVector(b, 1, ref h);
            EngineCases.OneGradientLiveGradient(b + 1e-5, ref up);
            EngineCases.OneGradientLiveGradient(b - 1e-5, ref down);
            Assert.Equal((up - down) / 2e-5, h, 5);
        }

        [Fact]
        public void AnOutputPassedToACalleeCarriesItsTangent()
        {
            double a = 0.3;
            double[] y = new double[3], h = new double[3], ty = new double[3], th = new double[3];
            EngineCases.OutputIntoACallTangent(y, h, a, 1, ty, th);
            for (int i = 0; i < 3; i++)
            {
                double s = 1 / (1 + Math.Exp(-a * (i + 1)));
                Assert.Equal(i + 1, ty[i], 12);
                Assert.Equal(s * (1 - s) * (i + 1), th[i], 12);
            }
        }

        [Fact]
        public void AnUnreadValueOfACallWritingAnOutputKeepsTheCallsTangent()
        {
            double[] y = new double[3], ty = { 7, 7, 7 };
            EngineCases.UnreadCallValueTangent(y, 1.5, 1, ty);
            Assert.Equal(new[] { 0.5, 0.5, 0.5 }, y);
            Assert.Equal(new double[3], ty); // y = 0.5 whatever a is
            ty = new double[] { 7, 7, 7 };
            EngineCases.UnreadCallValueNestedTangent(y, 1.5, 1, ty);
            Assert.Equal(new double[3], ty);
            double da = 0;
            EngineCases.UnreadCallValueNestedBackward(y, 1.5, new double[] { 1, 1, 1 }, ref da);
            Assert.Equal(0, da);
        }

        [Fact]
        public void ANestedGradientIntoALocalItsArgumentsReadSeesItBeforeTheCall()
        {
            const double x = 0.7, h = 1e-6;
            double dx = 0;
            double value = EngineCases.GradientIntoAnArgumentGradient(x, ref dx);
            Assert.Equal(EngineCases.GradientIntoAnArgument(x), value, 12);
            double central = (EngineCases.GradientIntoAnArgument(x + h) - EngineCases.GradientIntoAnArgument(x - h)) / (2 * h);
            Assert.Equal(central, dx, 7);
            Assert.Equal(central, EngineCases.GradientIntoAnArgumentTangent(x, 1), 7);
        }

        [Fact]
        public void AnUnreadGradientOfANestedCallKeepsItsDeclarationInTheHessianVectorProduct()
        {
            double ha = 0, hb = 0;
            EngineCases.UnreadGradientOfANestedCallHessianVector(1.5, true, -0.5, 1, 2, 1, 2, ref ha, ref hb);
            Assert.Equal(2, ha, 12); // H of a·b is [[0, 1], [1, 0]]: H·(1, 2) = (2, 1)
            Assert.Equal(1, hb, 12);
        }

        [Fact]
        public void AHessianVectorProductKeepsEveryPop()
        {
            double[] x = { -0.206911, 1.25133 }, hv = new double[2];
            double hb = 0, ha = 0;
            EngineCases.UnreadTangentPopHessianVector(default, -0.599118, 1.1353, x, 0, 1, default, 0, 0, new double[] { 1, 0 }, default, ref hb, ref ha, hv);
            double[] Gradient(double h)
            {
                double[] g = new double[2];
                double db = 0, da = 0;
                EngineCases.UnreadTangentPopGradient(default, -0.599118, 1.1353, new[] { x[0] + h, x[1] }, 0, 1, default, ref db, ref da, g);
                return g;
            }

            double[] up = Gradient(1e-6), down = Gradient(-1e-6);
            Assert.Equal((up[0] - down[0]) / 2e-6, hv[0], 6);
            Assert.True(Math.Abs(hv[0]) > 0.1);
        }

        [Fact]
        public void AbsOfNaNHasANaNDerivativeAndDoesNotThrow()
        {
            double dx = 0;
            Assert.True(double.IsNaN(EngineCases.AbsOfOverflowGradient(2, ref dx)));
            Assert.True(double.IsNaN(dx));
            Assert.True(double.IsNaN(EngineCases.AbsOfOverflowTangent(2, 1)));
            dx = 0;
            EngineCases.AbsOfOverflowGradient(-1e-320, ref dx); // finite: the overflowing terms cancel to |0|, whose slope is 0
            Assert.Equal(-1, dx);
        }
    }

    public static partial class Outputs
    {
        [Differentiable]
        public static double Scaled(ReadOnlySpan<double> x, Span<double> y)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = 2 * x[i];
                s += y[i];
            }

            return s;
        }

        [Differentiable]
        public static double Cube(ReadOnlySpan<double> x, int a, int b, int c)
        {
            double s = 0;
            for (int i = 0; i < a; i++)
                for (int j = 0; j < b; j++)
                    for (int k = 0; k < c; k++)
                        s += x[(i * b + j) * c + k];
            return s;
        }

    }
}
