using System;
using System.Linq;
using Xunit;

namespace SymGrad.RuntimeTests
{
    public class GradCheckTests
    {
        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(7)]
        [InlineData(33)]
        public void SquarePasses(int length)
        {
            double[] x = GradCheck.RandomCotangent(length, seed: length);
            double[] dx = x.Select(v => 2 * v).ToArray();

            var report = GradCheck.Run(() => x.Sum(v => v * v), new GradCheckParam("x", x, dx));

            Assert.True(report.Passes(), report.ToString());
            Assert.Equal(length, report["x"].Length);
        }

        [Fact]
        public void SinPasses()
        {
            double[] x = GradCheck.RandomCotangent(16, seed: 2).Select(v => 4 * v).ToArray();
            double[] dx = x.Select(Math.Cos).ToArray();

            var report = GradCheck.Run(() => x.Sum(Math.Sin), new GradCheckParam("x", x, dx));

            Assert.True(report.Passes(), report.ToString());
            Assert.True(report.MaxRelativeError < 1e-8, report.ToString());
        }

        [Fact]
        public void ProductOfSpansWithRandomCotangentPasses()
        {
            // y = a ⊙ b, L = Σ y·dy  ⇒  ∂L/∂a = dy ⊙ b, ∂L/∂b = dy ⊙ a.
            const int n = 37;
            double[] a = GradCheck.RandomCotangent(n, seed: 3), b = GradCheck.RandomCotangent(n, seed: 4);
            double[] dy = GradCheck.RandomCotangent(n, seed: 5);
            double[] y = new double[n];
            double Loss()
            {
                for (int i = 0; i < n; i++) y[i] = a[i] * b[i];
                return GradCheck.Contract(y, dy);
            }

            double[] da = new double[n], db = new double[n];
            for (int i = 0; i < n; i++)
            {
                da[i] = dy[i] * b[i];
                db[i] = dy[i] * a[i];
            }

            var report = GradCheck.Run(Loss, new GradCheckParam("a", a, da), new GradCheckParam("b", b, db));

            Assert.True(report.Passes(), report.ToString());
            Assert.Equal(new[] { "a", "b" }, report.Parameters.Select(p => p.Name));
        }

        [Fact]
        public void WrongGradientFailsAndNamesParameterAndIndex()
        {
            const int n = 8;
            double[] a = GradCheck.RandomCotangent(n, seed: 6), b = GradCheck.RandomCotangent(n, seed: 7);
            double Loss() => Enumerable.Range(0, n).Sum(i => a[i] * b[i]);
            double[] da = (double[])b.Clone(), db = (double[])a.Clone();
            db[3] += 0.1;

            var report = GradCheck.Run(Loss, new GradCheckParam("a", a, da), new GradCheckParam("b", b, db));

            Assert.False(report.Passes());
            Assert.True(report["a"].Passes());
            var bad = report["b"];
            Assert.False(bad.Passes());
            Assert.Equal(3, bad.MaxRelativeIndex);
            Assert.Equal(3, bad.MaxAbsoluteIndex);
            Assert.Equal(0.1, bad.MaxAbsoluteError, 1e-8);
            Assert.Equal(a[3] + 0.1, bad.AtMaxRelative.Analytic);
            Assert.Equal(a[3], bad.AtMaxRelative.Numerical, 1e-8);
            string text = report.ToString();
            Assert.Contains("FAILED", text);
            Assert.Contains("b[3]", text);
            Assert.Matches(@"(?m)^b\s.*FAIL$", text);
            Assert.Matches(@"(?m)^a\s.*ok$", text);
        }

        [Fact]
        public void ValuesAreRestoredBitForBit()
        {
            double[] x = { 0.1, -3.7, 1e6, 1e-300, 123.456 };
            double[] before = (double[])x.Clone();
            double[] wrong = new double[x.Length];

            GradCheck.Run(() => x.Sum(v => v * v), new GradCheckParam("x", x, wrong));

            Assert.Equal(before.Select(BitConverter.DoubleToInt64Bits), x.Select(BitConverter.DoubleToInt64Bits));
        }

        [Fact]
        public void ValuesAreRestoredWhenTheLossThrows()
        {
            double[] x = { 1, 2, 3 };
            int calls = 0;
            double Loss() => ++calls == 3 ? throw new InvalidOperationException("boom") : x.Sum();

            Assert.Throws<InvalidOperationException>(() => GradCheck.Run(Loss, new GradCheckParam("x", x, new double[3])));
            Assert.Equal(new double[] { 1, 2, 3 }, x);
        }

        [Fact]
        public void ExactlyZeroGradientIsNotDrownedInNoise()
        {
            // relu(x) summed with a large constant: the dead side's gradient is exactly 0, while the loss's magnitude
            // makes each difference quotient carry rounding noise of ~1e-8.
            double[] x = { -2, -1e-3, 0.5, 3 };
            double[] dx = x.Select(v => v > 0 ? 1.0 : 0.0).ToArray();

            var report = GradCheck.Run(() => 1e3 + x.Sum(v => Math.Max(v, 0)), new GradCheckParam("x", x, dx));

            Assert.True(report.Passes(), report.ToString());
        }

        [Fact]
        public void SmallButWrongGradientStillFails()
        {
            // The true derivative is 1e-4; claiming 0 is a bug the floor must not hide.
            double[] x = { 1.0 };
            var report = GradCheck.Run(() => 1e-4 * x[0], new GradCheckParam("x", x, new[] { 0.0 }));

            Assert.False(report.Passes(), report.ToString());
        }

        [Fact]
        public void LargeValuesUseAScaledStep()
        {
            double[] x = { 1e6, -3e7 };
            double[] dx = x.Select(v => 3 * v * v).ToArray();

            var report = GradCheck.Run(() => x.Sum(v => v * v * v), new GradCheckParam("x", x, dx));

            Assert.True(report.Passes(), report.ToString());
        }

        [Fact]
        public void NonFiniteAnalyticGradientFails()
        {
            double[] x = { 1, 2, 3 };
            var report = GradCheck.Run(() => x.Sum(), new GradCheckParam("x", x, new[] { 1, double.NaN, 1 }));

            Assert.False(report.Passes(1e300));
            Assert.Equal(1, report["x"].MaxRelativeIndex);
            Assert.True(double.IsNaN(report.MaxRelativeError));
            Assert.Contains("x[1]", report.ToString());
        }

        [Fact]
        public void MismatchedLengthsThrowNamingTheParameter()
        {
            var e = Assert.Throws<ArgumentException>(
                () => GradCheck.Run(() => 0, new GradCheckParam("W", new double[3], new double[2])));
            Assert.Contains("'W'", e.Message);
            Assert.Throws<ArgumentOutOfRangeException>(
                () => GradCheck.RunWithStep(() => 0, 0.0, new GradCheckParam("W", new double[1], new double[1])));
        }

        [Fact]
        public void TheNaturalCallWithTargetTypedParametersCompilesAndPasses()
        {
            // CS0121 before: new(…) also converted to the step overload's double.
            double[] w = { 0.5, -1.5, 2 }, dw = w.Select(v => 2 * v).ToArray();
            double[] b = { 3 }, db = { 1 };
            double Loss() => w.Sum(v => v * v) + b[0];

            Assert.True(GradCheck.Run(Loss, new("w", w, dw)).Passes());
            Assert.True(GradCheck.Run(Loss, new("w", w, dw), new("b", b, db)).Passes());
            Assert.True(GradCheck.RunWithStep(Loss, 1e-5, new("w", w, dw)).Passes());
        }

        [Fact]
        public void ScalarsNeedNoOneElementArrays()
        {
            // The sigmoid neuron of the README: f = σ(w0·x0 + w1·x1 + w2) at w = (2, −3, −3), x = (−1, −2).
            var w0 = new GradCheckParam("w0", 2.0, -0.19661193324148185);
            var x0 = new GradCheckParam("x0", -1.0, 0.3932238664829637);
            var w1 = new GradCheckParam("w1", -3.0, -0.3932238664829637);
            var x1 = new GradCheckParam("x1", -2.0, -0.5898357997244456);
            var w2 = new GradCheckParam("w2", -3.0, 0.19661193324148185);
            double Neuron() => 1 / (1 + Math.Exp(-((w0.Scalar * x0.Scalar) + (w1.Scalar * x1.Scalar) + w2.Scalar)));

            var report = GradCheck.Run(Neuron, w0, x0, w1, x1, w2);

            Assert.True(report.Passes(), report.ToString());
            Assert.Equal(2.0, w0.Scalar);
            Assert.True(w0.IsScalar);
            Assert.Throws<InvalidOperationException>(() => new GradCheckParam("v", new double[2], new double[2]).Scalar);
        }

        [Fact]
        public void AWrongScalarGradientFails()
        {
            var x = new GradCheckParam("x", 1.5, 2 * 1.5 + 0.01);
            Assert.False(GradCheck.Run(() => x.Scalar * x.Scalar, x).Passes());
        }

        [Theory]
        [InlineData(1)]
        [InlineData(17)]
        [InlineData(100)]
        [InlineData(10_000)]
        public void FloatParametersAreCheckedAtFloatPrecision(int length)
        {
            // L = Σ tanh(a_i)·b_i·dy_i in float: ∂L/∂a_i = (1 − tanh²a_i)·b_i·dy_i.
            var random = new Random(length);
            float[] a = new float[length], b = new float[length], dy = new float[length], da = new float[length];
            for (int i = 0; i < length; i++)
            {
                a[i] = (float)((4 * random.NextDouble()) - 2);
                b[i] = (float)((2 * random.NextDouble()) - 1);
                dy[i] = (float)((2 * random.NextDouble()) - 1);
                float t = MathF.Tanh(a[i]);
                da[i] = (1 - (t * t)) * b[i] * dy[i];
            }

            float Loss()
            {
                float sum = 0;
                for (int i = 0; i < length; i++) sum += MathF.Tanh(a[i]) * b[i] * dy[i];
                return sum;
            }

            float[] before = (float[])a.Clone();
            GradCheckReport report = GradCheck.Run(Loss, new("a", a, da)); // a method group returning float

            Assert.True(report.Passes(), report.ToString());
            Assert.Equal(GradCheck.FloatTolerance, report["a"].Tolerance);
            Assert.False(report.Passes(1e-6), "float rounding is above the double bar, so the float tolerance is what makes it pass");
            Assert.Equal(before.Select(BitConverter.SingleToInt32Bits), a.Select(BitConverter.SingleToInt32Bits));

            // A wrong derivative — tanh' taken as 1 − tanh instead of 1 − tanh² — fails at float precision.
            float[] wrong = new float[length];
            for (int i = 0; i < length; i++) wrong[i] = (1 - MathF.Tanh(a[i])) * b[i] * dy[i];
            Assert.False(GradCheck.Run(Loss, new("a", a, wrong)).Passes());
        }

        [Fact]
        public void FloatScalarsAndMixedPrecisionReportEachAtItsOwnTolerance()
        {
            // f = s·Σ x_i² with a float scalar s and double x: ∂f/∂s = Σ x², ∂f/∂x_i = 2 s x_i.
            double[] x = { 0.5, -1.25 };
            var s = GradCheckParam.FloatScalar("s", 0.75f, (float)((0.5 * 0.5) + (1.25 * 1.25)));
            double Loss() => (float)s.Scalar * x.Sum(v => v * v);

            var report = GradCheck.Run(Loss, s, new("x", x, x.Select(v => 2 * 0.75 * v).ToArray()));

            Assert.True(report.Passes(), report.ToString());
            Assert.Equal(GradCheck.FloatTolerance, report["s"].Tolerance);
            Assert.Equal(GradCheck.DoubleTolerance, report["x"].Tolerance);
            Assert.StartsWith("GradCheck passed at the parameters' own relative tolerances", report.ToString());
            Assert.Equal(0.75f, (float)s.Scalar);
        }

        [Fact]
        public void ContractIsTheDotProductForEveryTailLength()
        {
            for (int n = 0; n <= 257; n++)
            {
                double[] y = GradCheck.RandomCotangent(n, seed: n), dy = GradCheck.RandomCotangent(n, seed: n + 1000);
                double expected = 0;
                for (int i = 0; i < n; i++) expected += y[i] * dy[i];

                Assert.Equal(expected, GradCheck.Contract(y, dy), 1e-12);
            }

            Assert.Throws<ArgumentException>(() => GradCheck.Contract(new double[2], new double[3]));
        }

        [Fact]
        public void ReportTableIsReadable()
        {
            double[] w = { 1, 2 };
            var report = GradCheck.Run(() => w[0] * w[1], new GradCheckParam("w", w, new[] { 2.0, 1.5 }));
            string text = report.ToString();

            string[] lines = text.Split('\n');
            Assert.StartsWith("GradCheck FAILED at relative tolerance 1e-06: w (worst: relative error 3.333e-01 at w[1])", lines[0]);
            Assert.StartsWith("parameter", lines[2]);
            Assert.Contains("w: first 2 of 2 (analytic / numerical):  [0] 2.000000000e+00 / 2.000000000e+00", text);
        }
    }
}
