using System;
using System.Linq;
using SymGrad.RuntimeTests.NnPrimitives;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// MJacobian against central differences of the forward, column by column, in both of its strategies: forward sweeps
    /// (fewer inputs than results), backward sweeps (more), and backward only where there is no MTangent (calls of Nn).
    /// </summary>
    public class JacobianTests
    {
        [Fact]
        public void ForwardSweepsWhenThereAreFewerInputsThanResults()
        {
            // Ramp(y, v): one input, six results.
            double[] y = new double[6], jacobian = new double[6];
            RangeCases.RampJacobian(y, 0.7, jacobian);
            AssertMatches(jacobian, 6, 1, new[] { 0.7 }, v => { var yy = new double[6]; RangeCases.Ramp(yy, v[0]); return yy; });
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void BackwardSweepsWhenThereAreMoreInputsThanResults(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 5), y = new double[5], jacobian = new double[5 * 6];
            double k = rng.NextDouble();
            GenericCases.LeakyScaleJacobian(x, y, k, jacobian); // 6 inputs (x, k), 5 results
            AssertMatches(jacobian, 5, 6, x.Append(k).ToArray(), v => { var yy = new double[5]; GenericCases.LeakyScale<double>(v.AsSpan(0, 5), yy, v[5]); return yy; });

            double[] w = Random(rng, 3), X = Random(rng, 12), labels = { 1, 0, 1, 0 }, scalar = new double[3 + 12 + 4];
            ArrayCases.LogisticLossJacobian(w, X, labels, scalar);
            AssertMatches(scalar, 1, 19, w.Concat(X).Concat(labels).ToArray(), v => new[] { ArrayCases.LogisticLoss(v[..3], v[3..15], v[15..]) });
        }

        /// <summary>A struct parameter's fields are columns of their own, in field order at its place: both strategies.</summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void StructParameters(int seed)
        {
            var rng = new Random(seed);
            var a = new Point3(rng.NextDouble(), rng.NextDouble() - 0.5, rng.NextDouble() + 0.5);
            double k = 0.5 + rng.NextDouble();
            foreach (int n in new[] { 2, 7 }) // 3 + n + 1 columns: backward sweeps for 2 results, forward for 7
            {
                double[] x = Random(rng, n), y = new double[n], jacobian = new double[n * (n + 4)];
                StructCases.TranslateJacobian(a, x, k, y, jacobian);
                AssertMatches(jacobian, n, n + 4, new[] { a.X, a.Y, a.Z }.Concat(x).Append(k).ToArray(), v =>
                {
                    var yy = new double[n];
                    StructCases.Translate(new Point3(v[0], v[1], v[2]), v.AsSpan(3, n), v[3 + n], yy);
                    return yy;
                });
            }

            // A scalar result with a nested struct: its gradient as one row, each real field a column.
            var s = new Segment { From = new Point3(1, 2, 0.5), To = new Point3(0.5, -1, 2), Weight = 2 };
            double[] row = new double[7], expected = new double[7];
            StructCases.LengthJacobian(s, 1.5, row);
            Segment ds = default;
            double dscale = 0;
            StructCases.LengthGradient(s, 1.5, ref ds, ref dscale);
            new[] { ds.From.X, ds.From.Y, ds.From.Z, ds.To.X, ds.To.Y, ds.To.Z, dscale }.CopyTo(expected, 0);
            Assert.Equal(expected, row);
        }

        /// <summary>A span of structs: each element's real fields are columns of their own, element after element; both strategies.</summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void SpansOfStructs(int seed)
        {
            var rng = new Random(seed);
            double k = 0.5 + rng.NextDouble();
            foreach ((int n, int m) in new[] { (1, 6), (3, 2) }) // 3n + 1 columns, m rows: forward sweeps for (1, 6), backward for (3, 2)
            {
                var points = Enumerable.Range(0, n).Select(_ => new Point3(rng.NextDouble(), rng.NextDouble() - 0.5, rng.NextDouble() + 0.5)).ToArray();
                double[] y = new double[m], jacobian = new double[m * ((3 * n) + 1)];
                StructCases.PowersJacobian(points, k, y, jacobian);
                double[] expected = new double[m];
                StructCases.Powers(points, k, expected);
                Assert.Equal(expected, y); // like the method, it writes the outputs
                AssertMatches(jacobian, m, (3 * n) + 1, points.SelectMany(p => new[] { p.X, p.Y, p.Z }).Append(k).ToArray(), v =>
                {
                    var yy = new double[m];
                    var moved = Enumerable.Range(0, n).Select(e => new Point3(v[3 * e], v[(3 * e) + 1], v[(3 * e) + 2])).ToArray();
                    StructCases.Powers(moved, v[3 * n], yy);
                    return yy;
                });
            }

            // A scalar result: its gradient as the one row, element after element, field after field.
            Point3[] pts = { new(1, 2, 0.5), new(-0.5, 0.25, 2) };
            double[] row = new double[7];
            StructCases.WeightedJacobian(pts, 1.5, row);
            var dpts = new Point3[2];
            double dw = 0;
            StructCases.WeightedGradient(pts, 1.5, dpts, ref dw);
            Assert.Equal(dpts.SelectMany(p => new[] { p.X, p.Y, p.Z }).Append(dw).ToArray(), row);
        }

        /// <summary>
        /// A layer object's method: the fields it reads are columns after the parameters', in field order (as its MTangent
        /// takes their tangents); the backward sweeps accumulate into the layer's d-fields, which hold what they held before.
        /// </summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void LayerFields(int seed)
        {
            var rng = new Random(seed);
            var layer = new DenseLayer(4, 3, rng);
            double[] x = Random(rng, 4), y = new double[3], jacobian = new double[3 * (4 + 12 + 3)];
            layer.ZeroGradients();
            double[] dW = Random(rng, 12);
            dW.CopyTo(layer.dW, 0);
            layer.dB[1] = 2.5;
            layer.ForwardJacobian(x, y, jacobian); // 19 columns, 3 rows: backward sweeps
            Assert.Equal(dW, layer.dW);
            Assert.Equal(new[] { 0, 2.5, 0 }, layer.dB);
            AssertMatches(jacobian, 3, 19, x.Concat(layer.W).Concat(layer.B).ToArray(), v =>
            {
                var moved = new DenseLayer(4, 3, new Random(0)) { W = v[4..16], B = v[16..] };
                var yy = new double[3];
                moved.Forward(v[..4], yy);
                return yy;
            });

            // A scalar field and an array field, a returned value and an output: 3 columns (a, W), 5 rows: forward sweeps.
            var regressions = new FieldRegressions { W = new[] { 0.5 + rng.NextDouble(), rng.NextDouble() - 1.5 } };
            double a = rng.NextDouble() + 0.25;
            double[] ys = new double[4], sized = new double[5 * 3];
            regressions.SizedByAFieldJacobian(ys, a, sized);
            Assert.Empty(regressions.dW); // forward sweeps leave the gradient fields alone
            AssertMatches(sized, 5, 3, new[] { a }.Concat(regressions.W).ToArray(), v =>
            {
                var yy = new double[4];
                double s = new FieldRegressions { W = v[1..] }.SizedByAField(yy, v[0]);
                return yy.Prepend(s).ToArray();
            });
        }

        /// <summary>
        /// Several results: a row each after the returned value (an out result, a tuple's elements, a struct result's fields),
        /// then the span outputs' elements; both strategies.
        /// </summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void SeveralResults(int seed)
        {
            var rng = new Random(seed);
            double x0 = 0.5 + rng.NextDouble(), y0 = rng.NextDouble() - 0.5;
            double[] polar = new double[2 * 2];
            ResultCases.PolarJacobian(x0, y0, polar); // 2 × 2: forward sweeps
            AssertMatches(polar, 2, 2, new[] { x0, y0 }, v => { var (r, t) = ResultCases.Polar(v[0], v[1]); return new[] { r, t }; });

            foreach (int n in new[] { 2, 5 }) // the mean and the variance of n values: forward sweeps for 2, backward for 5
            {
                double[] x = Random(rng, n), stats = new double[2 * n];
                ResultCases.StatsJacobian(x, out double variance, stats); // it writes the out result as the method does
                ResultCases.Stats(x, out double expected);
                Assert.Equal(expected, variance);
                AssertMatches(stats, 2, n, x, v => new[] { ResultCases.Stats(v, out double var2), var2 });
            }

            var a = new Point3(rng.NextDouble(), rng.NextDouble(), rng.NextDouble());
            var b = new Point3(rng.NextDouble(), rng.NextDouble(), rng.NextDouble());
            double[] cross = new double[3 * 6];
            StructCases.CrossJacobian(a, b, cross); // a struct result's three fields, six inputs: backward sweeps
            AssertMatches(cross, 3, 6, new[] { a.X, a.Y, a.Z, b.X, b.Y, b.Z }, v =>
            {
                Point3 c = StructCases.Cross(new Point3(v[0], v[1], v[2]), new Point3(v[3], v[4], v[5]));
                return new[] { c.X, c.Y, c.Z };
            });

            // An unnamed float tuple with a span output besides: rows Item1, Item2, then y; d lo = 1 at the minimum, d(2·hi) = 2
            // at the maximum, dy/dx = 2x.
            float[] xs = { 0.5f, -1.25f, 2f }, ys = new float[3], minmax = new float[5 * 3];
            ResultCases.MinMaxJacobian(xs, ys, minmax);
            float[] expectedRows = { 0, 1, 0, 0, 0, 2, 1, 0, 0, 0, -2.5f, 0, 0, 0, 4 };
            Assert.Equal(expectedRows, minmax);
        }

        [Fact]
        public void WithoutATangentItRunsBackwardSweeps()
        {
            int n = 2, inputs = 3, hidden = 4, classes = 2;
            var rng = new Random(9);
            double[] x = Random(rng, n * inputs), w1 = Random(rng, inputs * hidden), b1 = Random(rng, hidden), w2 = Random(rng, hidden * classes), b2 = Random(rng, classes);
            int[] labels = { 1, 0 };
            int columns = x.Length + w1.Length + b1.Length + w2.Length + b2.Length, rows = 1 + (2 * n * hidden) + (n * classes);
            double[] jacobian = new double[rows * columns];
            Networks.MlpJacobian(x, w1, b1, w2, b2, labels, new double[n * hidden], new double[n * hidden], new double[n * classes], n, inputs, hidden, classes, jacobian);
            double[] all = x.Concat(w1).Concat(b1).Concat(w2).Concat(b2).ToArray();
            AssertMatches(jacobian, rows, columns, all, v =>
            {
                double[] z1 = new double[n * hidden], h1 = new double[n * hidden], logits = new double[n * classes];
                int o = 0;
                double[] Take(int length) { var part = v.Skip(o).Take(length).ToArray(); o += length; return part; }
                double loss = Networks.Mlp(Take(x.Length), Take(w1.Length), Take(b1.Length), Take(w2.Length), Take(b2.Length), labels, z1, h1, logits, n, inputs, hidden, classes);
                return new[] { loss }.Concat(z1).Concat(h1).Concat(logits).ToArray();
            });
        }

        [Fact]
        public void WithNoInputElementTheOutputsAreWrittenAllTheSame()
        {
            // No column, so no forward-mode pass (found by the random-program tester): y was left as it was.
            double[] y = { 7, 7, 7 };
            Regressions.EngineCases.ZeroPadJacobian(ReadOnlySpan<double>.Empty, y, Span<double>.Empty);
            Assert.Equal(new double[3], y);

            // With columns, forward sweeps (2 columns, 3 rows): the identity over the zeros of the padding.
            double[] x = { 0.3, -1.2 }, jacobian = new double[3 * 2];
            Array.Fill(y, 7);
            Regressions.EngineCases.ZeroPadJacobian(x, y, jacobian);
            Assert.Equal(new[] { 0.3, -1.2, 0 }, y);
            AssertMatches(jacobian, 3, 2, x, v => { var yy = new double[3]; Regressions.EngineCases.ZeroPad(v, yy); return yy; });
        }

        /// <summary>
        /// Forward sweeps at a point where √x, x^½, atan2(x, x) and acos(1 − x) have no derivative: the columns of y and z are
        /// the backward's rows' (a sweep that does not move x moves those functions by nothing, not by ∞·0 = NaN), x's is
        /// infinite where the backward's is (atan2's slope at the origin is 0). MTangent along a direction with ẋ = 0 likewise.
        /// </summary>
        [Fact]
        public void ColumnsOfInputsThatDoNotMoveASingularFunctionAreFinite()
        {
            double[] y = new double[4], jacobian = new double[4 * 3];
            MathLibraryCases.SingularAtZeroJacobian(0, 0.5, 2, y, jacobian);
            for (int row = 0; row < 4; row++)
            {
                double dx = 0, dy = 0, dz = 0;
                var seed = new double[4];
                seed[row] = 1;
                MathLibraryCases.SingularAtZeroBackward(0, 0.5, 2, new double[4], seed, ref dx, ref dy, ref dz);
                Assert.Equal(dy, jacobian[(row * 3) + 1]);
                Assert.Equal(dz, jacobian[(row * 3) + 2]);
                Assert.True(double.IsFinite(dy) && double.IsFinite(dz), $"row {row}: {dy}, {dz}");
                Assert.True(double.IsFinite(dx) == double.IsFinite(jacobian[row * 3]), $"row {row}: dx {dx}, J {jacobian[row * 3]}");
            }

            // Rows √x + y, y·z, atan2(x, x) + x^½·z, acos(1 − x) − z; columns x, y, z.
            Assert.Equal(new[] { double.PositiveInfinity, 1, 0, 0, 2, 0.5, double.PositiveInfinity, 0, 0, double.PositiveInfinity, 0, -1 }, jacobian);
            var ty = new double[4];
            MathLibraryCases.SingularAtZeroTangent(0, 0.5, 2, new double[4], 0, 1, -1, ty);
            Assert.Equal(new[] { 1.0, 2 - 0.5, 0, 1 }, ty);
        }

        [Fact]
        public void AJacobianOfTheWrongSizeIsRefused()
        {
            var e = Assert.Throws<ArgumentException>(() => RangeCases.RampJacobian(new double[6], 0.7, new double[5]));
            Assert.Contains("6 rows (results) × 1 columns (inputs)", e.Message, StringComparison.Ordinal);
        }

        /// <summary>Each column of the Jacobian against central differences of the results along that input.</summary>
        private static void AssertMatches(double[] jacobian, int rows, int columns, double[] at, Func<double[], double[]> results)
        {
            const double h = 1e-6;
            for (int j = 0; j < columns; j++)
            {
                double[] plus = (double[])at.Clone(), minus = (double[])at.Clone();
                plus[j] += h;
                minus[j] -= h;
                double[] up = results(plus), down = results(minus);
                for (int i = 0; i < rows; i++)
                {
                    double numeric = (up[i] - down[i]) / (2 * h);
                    Assert.True(Math.Abs(jacobian[(i * columns) + j] - numeric) <= 1e-6 * (1 + Math.Abs(numeric)), $"J[{i}, {j}] = {jacobian[(i * columns) + j]}, central differences {numeric}");
                }
            }
        }

        public static TheoryData<int> SeedData() => new(Seeds);
    }
}
