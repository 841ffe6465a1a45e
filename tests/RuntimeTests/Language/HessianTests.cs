using System;
using System.Linq;
using SymGrad.RuntimeTests.Catalogue;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// MHessianVector (forward mode over the backward pass) against central differences of the gradient along the
    /// direction: H·v ≈ (∇f(x + h·v) − ∇f(x − h·v)) / 2h — through a taped recurrence, a stable softmax, a while loop.
    /// </summary>
    public class HessianTests
    {
        private const double H = 1e-5;

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ATapedRecurrence(int seed) => AgainstGradients(seed, Scalars.RecurrenceHessianVector, Scalars.RecurrenceGradient);

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AStableLogSumExpAndAWhileLoop(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 6, -3, 3), v = Random(rng, 6), hv = new double[6];
            Regressions.EngineCases.LogSumExpHessianVector(x, v, hv);
            double[] Gradient(double step)
            {
                double[] dx = new double[6];
                Regressions.EngineCases.LogSumExpGradient(x.Zip(v, (p, q) => p + (step * q)).ToArray(), dx);
                return dx;
            }

            double[] up = Gradient(H), down = Gradient(-H);
            for (int i = 0; i < 6; i++) AssertClose((up[i] - down[i]) / (2 * H), hv[i]);

            // The softmax's Hessian: diag(p) − p·pᵀ, so H·v = p ⊙ (v − p·v).
            double m = x.Max(), z = x.Sum(t => Math.Exp(t - m));
            double[] p = x.Select(t => Math.Exp(t - m) / z).ToArray();
            double pv = p.Zip(v, (a, b) => a * b).Sum();
            for (int i = 0; i < 6; i++) AssertClose(p[i] * (v[i] - pv), hv[i]);

            double[] w = { 0.8 + rng.NextDouble() };
            double[] xs = Random(rng, 4, 0.1, 2), vs = Random(rng, 4), hvs = new double[4];
            double hvw = 0;
            WhileCases.PositiveWeightedHessianVector(xs, w[0], vs, 0.3, hvs, ref hvw);
            (double[], double) G(double step)
            {
                double[] dx = new double[4];
                double dw = 0;
                WhileCases.PositiveWeightedGradient(xs.Zip(vs, (a, b) => a + (step * b)).ToArray(), w[0] + (step * 0.3), dx, ref dw);
                return (dx, dw);
            }

            var (u, uw) = G(H);
            var (d, dw2) = G(-H);
            for (int i = 0; i < 4; i++) AssertClose((u[i] - d[i]) / (2 * H), hvs[i]);
            AssertClose((uw - dw2) / (2 * H), hvw);
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void TheDenseHessianIsSymmetricAndMatchesTheProducts(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 4), hessian = new double[5 * 5];
            double a = 0.5 + rng.NextDouble();
            Scalars.RecurrenceHessian(x, a, hessian);
            for (int i = 0; i < 5; i++)
            {
                for (int j = 0; j < 5; j++) AssertClose(hessian[(j * 5) + i], hessian[(i * 5) + j]);
            }

            // Column j is H·eⱼ.
            double[] v = Random(rng, 4), hv = new double[4];
            double va = 0.7, hva = 0;
            Scalars.RecurrenceHessianVector(x, a, v, va, hv, ref hva);
            double[] full = v.Append(va).ToArray();
            for (int i = 0; i < 5; i++)
            {
                double expected = Enumerable.Range(0, 5).Sum(j => hessian[(i * 5) + j] * full[j]);
                AssertClose(expected, i < 4 ? hv[i] : hva);
            }

            Assert.Throws<ArgumentException>(() => Scalars.RecurrenceHessian(x, a, new double[24]));
        }

        /// <summary>Struct parameters: one direction and one product of the struct's type, field by field (nested structs too).</summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void StructParameters(int seed)
        {
            var rng = new Random(seed);
            Point3 P() => new(rng.NextDouble() + 0.5, rng.NextDouble() - 0.5, rng.NextDouble());
            var s = new Segment { From = P(), To = P(), Weight = 2 };
            var v = new Segment { From = P(), To = P() };
            double scale = 0.5 + rng.NextDouble(), vscale = rng.NextDouble() - 0.5;
            Segment hv = default;
            double hvscale = 0;
            StructCases.LengthHessianVector(s, scale, v, vscale, ref hv, ref hvscale);
            (Segment G, double Scale) Gradient(double h)
            {
                Segment ds = default;
                double dscale = 0;
                var at = new Segment { From = Add(s.From, v.From, h), To = Add(s.To, v.To, h), Weight = s.Weight };
                StructCases.LengthGradient(at, scale + (h * vscale), ref ds, ref dscale);
                return (ds, dscale);
            }

            var (up, upScale) = Gradient(H);
            var (down, downScale) = Gradient(-H);
            double[] expected = Fields(up).Zip(Fields(down), (a, b) => (a - b) / (2 * H)).ToArray();
            double[] actual = Fields(hv);
            for (int i = 0; i < 6; i++) AssertClose(expected[i], actual[i]);
            AssertClose((upScale - downScale) / (2 * H), hvscale);

            // MHessian over the struct's six fields, then scale: H·v from its rows is the product's.
            double[] hessian = new double[7 * 7];
            StructCases.LengthHessian(s, scale, hessian);
            double[] direction = Fields(v).Append(vscale).ToArray(), product = actual.Append(hvscale).ToArray();
            for (int i = 0; i < 7; i++)
            {
                AssertClose(product[i], Enumerable.Range(0, 7).Sum(j => hessian[(i * 7) + j] * direction[j]));
                for (int j = 0; j < i; j++) AssertClose(hessian[(i * 7) + j], hessian[(j * 7) + i]);
            }
        }

        /// <summary>
        /// Span outputs as intermediates of a method taking a struct and a span of structs, and of a layer's method reading
        /// its field W: MHessianVector (its MTangent given the struct directions, and the field's) against central differences
        /// of MGradient along the same direction; y written as the method writes it.
        /// </summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void IntermediateOutputsWithStructsAndFields(int seed)
        {
            var rng = new Random(seed);
            Point3 Draw() => new(rng.NextDouble() - 0.5, rng.NextDouble() - 0.5, rng.NextDouble() - 0.5);
            Point3 p = Draw(), vp = Draw(), hp = default;
            Point3[] q = { Draw(), Draw(), Draw() }, vq = { Draw(), Draw(), Draw() }, hq = new Point3[3];
            double[] y = new double[3], expectedY = new double[3];
            StructCases.ReadBackThroughStructsHessianVector(p, q, y, vp, vq, ref hp, hq);
            StructCases.ReadBackThroughStructs(p, q, expectedY);
            Assert.Equal(expectedY, y);
            double[] Gradient(double h)
            {
                Point3 dp = default;
                var dq = new Point3[3];
                StructCases.ReadBackThroughStructsGradient(Add(p, vp, h), q.Zip(vq, (a, v) => Add(a, v, h)).ToArray(), new double[3], ref dp, dq);
                return Fields(dp).Concat(dq.SelectMany(Fields)).ToArray();
            }

            double[] up = Gradient(H), down = Gradient(-H), product = Fields(hp).Concat(hq.SelectMany(Fields)).ToArray();
            for (int i = 0; i < product.Length; i++) AssertClose((up[i] - down[i]) / (2 * H), product[i]);

            var layer = new FieldRegressions { W = new[] { rng.NextDouble() - 0.5, rng.NextDouble() + 0.5 } };
            double a = rng.NextDouble() + 0.5, va = rng.NextDouble() - 0.5, ha = 0;
            double[] vW = { rng.NextDouble() - 0.5, rng.NextDouble() - 0.5 }, hW = new double[2], ly = new double[4];
            layer.SizedByAFieldHessianVector(ly, a, va, vW, ref ha, hW);
            double[] LayerGradient(double h)
            {
                var moved = new FieldRegressions { W = layer.W.Zip(vW, (w, v) => w + (h * v)).ToArray() };
                moved.ZeroGradients();
                double da = 0;
                moved.SizedByAFieldGradient(new double[4], a + (h * va), ref da);
                return moved.dW.Prepend(da).ToArray();
            }

            double[] lup = LayerGradient(H), ldown = LayerGradient(-H), lproduct = hW.Prepend(ha).ToArray();
            for (int i = 0; i < lproduct.Length; i++) AssertClose((lup[i] - ldown[i]) / (2 * H), lproduct[i]);
        }

        /// <summary>
        /// Span outputs as intermediates: MHessianVector (MTangent writes y and its tangent first, the outputs' cotangents are
        /// zero) against central differences of MGradient, which passes no cotangent for y either; MHessian symmetric and
        /// its columns the products; y written as the method writes it. And the catalogue's two-layer softmax classifier,
        /// whose hidden layer is an output.
        /// </summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void IntermediateOutputs(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 4), vx = Random(rng, 4), hx = new double[4], y = new double[4], expectedY = new double[4];
            double w = 0.5 + rng.NextDouble(), b = rng.NextDouble() - 0.5, vw = rng.NextDouble() - 0.5, vb = rng.NextDouble() - 0.5, hw = 0, hb = 0;
            SecondOrderCases.ReadBackOutputsHessianVector(x, w, b, y, vx, vw, vb, hx, ref hw, ref hb);
            SecondOrderCases.ReadBackOutputs(x, w, b, expectedY);
            Assert.Equal(expectedY, y);
            double[] Gradient(double h)
            {
                double[] dx = new double[4];
                double dw = 0, db = 0;
                SecondOrderCases.ReadBackOutputsGradient(x.Zip(vx, (p, q) => p + (h * q)).ToArray(), w + (h * vw), b + (h * vb), new double[4], dx, ref dw, ref db);
                return dx.Append(dw).Append(db).ToArray();
            }

            double[] up = Gradient(H), down = Gradient(-H), product = hx.Append(hw).Append(hb).ToArray();
            for (int i = 0; i < product.Length; i++) AssertClose((up[i] - down[i]) / (2 * H), product[i]);

            double[] hessian = new double[6 * 6];
            SecondOrderCases.ReadBackOutputsHessian(x, w, b, y, hessian);
            double[] direction = vx.Append(vw).Append(vb).ToArray();
            for (int i = 0; i < 6; i++)
            {
                AssertClose(product[i], Enumerable.Range(0, 6).Sum(j => hessian[(i * 6) + j] * direction[j]));
                for (int j = 0; j < i; j++) AssertClose(hessian[(i * 6) + j], hessian[(j * 6) + i]);
            }

            // An output's cotangent assigned by an Nn loss's backward in MBackward, accumulated into here: the workspace's
            // leftovers (a product run just before, along another direction) must not leak in.
            double[] lx = Random(rng, 5), lvx = Random(rng, 5), ly = new double[5];
            double la = 0.5 + rng.NextDouble(), lva = rng.NextDouble() - 0.5;
            double[] LossProduct()
            {
                double[] hlx = new double[5];
                double hla = 0;
                SecondOrderCases.LossOfAnOutputHessianVector(lx, la, ly, lvx, lva, hlx, ref hla);
                return hlx.Append(hla).ToArray();
            }

            double[] first = LossProduct();
            SecondOrderCases.LossOfAnOutputHessianVector(lx, la, ly, Random(rng, 5), 3.0, new double[5], ref hw); // other leftovers
            Assert.Equal(first, LossProduct());
            double[] LossGradient(double h)
            {
                double[] dx = new double[5];
                double da = 0;
                SecondOrderCases.LossOfAnOutputGradient(lx.Zip(lvx, (p, q) => p + (h * q)).ToArray(), la + (h * lva), new double[5], dx, ref da);
                return dx.Append(da).ToArray();
            }

            up = LossGradient(H);
            down = LossGradient(-H);
            for (int i = 0; i < first.Length; i++) AssertClose((up[i] - down[i]) / (2 * H), first[i]);

            // x → w1 → sigmoid (h, an output) → w2 → softmax → −log p_y: 3 inputs, 4 hidden, 2 classes.
            double[] cx = Random(rng, 3), w1 = Random(rng, 12), w2 = Random(rng, 8), hidden = new double[4];
            double[] vcx = Random(rng, 3), vw1 = Random(rng, 12), vw2 = Random(rng, 8), hcx = new double[3], hw1 = new double[12], hw2 = new double[8];
            Catalogue.Layers.SoftmaxClassifierHessianVector(cx, w1, w2, 1, hidden, 3, 4, 2, vcx, vw1, vw2, hcx, hw1, hw2);
            double[] ClassifierGradient(double h)
            {
                double[] dx = new double[3], dw1 = new double[12], dw2 = new double[8];
                static double[] Moved(double[] a, double[] v, double h) => a.Zip(v, (p, q) => p + (h * q)).ToArray();
                Catalogue.Layers.SoftmaxClassifierGradient(Moved(cx, vcx, h), Moved(w1, vw1, h), Moved(w2, vw2, h), 1, new double[4], 3, 4, 2, dx, dw1, dw2);
                return dx.Concat(dw1).Concat(dw2).ToArray();
            }

            up = ClassifierGradient(H);
            down = ClassifierGradient(-H);
            product = hcx.Concat(hw1).Concat(hw2).ToArray();
            for (int i = 0; i < product.Length; i++) AssertClose((up[i] - down[i]) / (2 * H), product[i]);
        }

        /// <summary>A method calling differentiable methods: their backwards' tangents are their MBackward and MTangentBackward.</summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void CallsOfMethodsWithASecondOrder(int seed)
        {
            AgainstGradients(seed, NestedCases.CallsForASecondOrderHessianVector, NestedCases.CallsForASecondOrderGradient);
            var rng = new Random(seed);
            double[] w = Random(rng, 5);
            double a = 0.5 + rng.NextDouble();
            double[] hessian = new double[6 * 6];
            NestedCases.CallsForASecondOrderHessian(w, a, hessian);
            for (int i = 0; i < 5; i++) AssertClose(hessian[(i * 6) + 5], hessian[(5 * 6) + i]);
        }

        /// <summary>Callers in the regression and range cases that got a Hessian-vector product with calls.</summary>
        /// <summary>
        /// The backward skips √x's contributions where their seed is zero (not 0·∞ at x = 0); its derivative does not where
        /// the seed moves: y·√x at y = 0 has ∂²/∂x∂y = 1/(2√x), and √x's slope along t, t/(2√x), has 1/(2√x) in t at t = 0.
        /// </summary>
        [Theory]
        [InlineData(1.0)]
        [InlineData(0.25)]
        public void ASeedThatIsZeroButMovesKeepsItsSecondOrder(double x)
        {
            double half = 1 / (2 * Math.Sqrt(x)), hx = 0, hy = 0;
            NestedCases.ScaledRootHessianVector(x, 0, 0, 1, ref hx, ref hy);
            Assert.Equal((half, 0.0), (hx, hy));

            var hessian = new double[4];
            NestedCases.ScaledRootHessian(x, 0, hessian);
            Assert.Equal(new[] { 0, half, half, 0 }, hessian);

            // RootSlope(x, t) = t/(2√x): its tangent along t and its gradient at t = 0.
            Assert.Equal(half, NestedCases.RootSlopeTangent(x, 0, 0, 1));
            double gx = 0, gt = 0;
            NestedCases.RootSlopeGradient(x, 0, ref gx, ref gt);
            Assert.Equal((0.0, half), (gx, gt));
        }

        [Theory]
        [InlineData(0.3)]
        [InlineData(-1.4)]
        public void CallersOfTheOtherCases(double x)
        {
            // 2·softplus(x²): f″ = 4σ(x²) + 8x²·σ(x²)(1 − σ(x²)).
            double sigma = 1 / (1 + Math.Exp(-x * x)), h = 0;
            Regressions.EngineCases.CallsSoftplusHessianVector(x, 1, ref h);
            AssertClose((4 * sigma) + (8 * x * x * sigma * (1 - sigma)), h);

            foreach (bool c in new[] { false, true })
            {
                double ha = 0, up = 0, down = 0;
                Regressions.EngineCases.CallKilledOnATakenBranchHessianVector(x * 0.01, c, 0.5, ref ha);
                Regressions.EngineCases.CallKilledOnATakenBranchGradient((x * 0.01) + (0.5 * H), c, ref up);
                Regressions.EngineCases.CallKilledOnATakenBranchGradient((x * 0.01) - (0.5 * H), c, ref down);
                double expected = (up - down) / (2 * H); // e^(1000a)·a: central differences good to a few parts in 10⁶
                Assert.True(Math.Abs(expected - ha) <= 1e-4 * (1 + Math.Abs(expected)), $"expected {expected}, got {ha}");
            }

            float[] xs = { 0.5f, (float)x, 1.5f, -0.75f }, v = { 0.2f, -0.4f, 1f, 0.3f }, hv = new float[4];
            RangeCases.TailHessianVector(xs, v, hv);
            // x₃·(x₁² + x₂² + x₃²): H·v is (0, 2x₃v₁ + 2x₁v₃, 2x₃v₂ + 2x₂v₃, 2x₁v₁ + 2x₂v₂ + 6x₃v₃).
            float[] expectedHv = { 0, (2 * xs[3] * v[1]) + (2 * xs[1] * v[3]), (2 * xs[3] * v[2]) + (2 * xs[2] * v[3]), (2 * xs[1] * v[1]) + (2 * xs[2] * v[2]) + (6 * xs[3] * v[3]) };
            for (int i = 0; i < 4; i++) Assert.Equal(expectedHv[i], hv[i], 5);
        }

        /// <summary>One span passed for both span inputs of a call: its second gradient goes through scratch (CI's campaign, cVqXRXMZqfx1: no MHessianVector).</summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void OneSpanForTwoInputsOfACall(int seed) => AgainstGradients(seed, NestedCases.OneSpanTwiceHessianVector, NestedCases.OneSpanTwiceGradient);

        /// <summary>
        /// Calls of the Nn losses (SoftmaxCrossEntropy, MseLoss, SumOfSquares), whose seeds vary: their backwards' registered
        /// tangents (second orders) give H·v, against central differences of the gradient; float against double.
        /// </summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void CallsOfTheNnLosses(int seed)
        {
            var rng = new Random(seed);
            const int rows = 3, classes = 4, n = 5;
            int[] labels = Labels(rng, rows, classes);
            double[] logits = Random(rng, rows * classes, -2, 2), p = Random(rng, n), t = Random(rng, n);
            double lambda = 0.5 + rng.NextDouble();
            double[] vl = Random(rng, rows * classes), vp = Random(rng, n), vt = Random(rng, n);
            double vlambda = rng.NextDouble() - 0.5;
            double[] hl = new double[rows * classes], hp = new double[n], ht = new double[n];
            double hlambda = 0;
            SecondOrderCases.LossesHessianVector(logits, labels, p, t, lambda, rows, classes, vl, vp, vt, vlambda, hl, hp, ht, ref hlambda);
            double[] Gradient(double h)
            {
                double[] dl = new double[rows * classes], dp = new double[n], dt = new double[n];
                double dlambda = 0;
                static double[] Move(double[] x, double[] v, double h) => x.Zip(v, (a, b) => a + (h * b)).ToArray();
                SecondOrderCases.LossesGradient(Move(logits, vl, h), labels, Move(p, vp, h), Move(t, vt, h), lambda + (h * vlambda), rows, classes, dl, dp, dt, ref dlambda);
                return dl.Concat(dp).Concat(dt).Append(dlambda).ToArray();
            }

            double[] up = Gradient(H), down = Gradient(-H), product = hl.Concat(hp).Concat(ht).Append(hlambda).ToArray();
            for (int i = 0; i < product.Length; i++) AssertClose((up[i] - down[i]) / (2 * H), product[i]);

            // The float overloads: the same function in float against it in double, within float rounding.
            float[] lf = logits.Select(v => (float)v).ToArray(), tf = Random(rng, rows * classes).Select(v => (float)v).ToArray(), vf = vl.Select(v => (float)v).ToArray();
            float[] hf = new float[rows * classes], htf = new float[rows * classes];
            double[] hd = new double[rows * classes], htd = new double[rows * classes];
            SecondOrderCases.FloatLossesHessianVector(lf, labels, tf, rows, classes, vf, default, hf, htf);
            SecondOrderCases.DoubleLossesHessianVector(lf.Select(v => (double)v).ToArray(), labels, tf.Select(v => (double)v).ToArray(), rows, classes, vf.Select(v => (double)v).ToArray(), default, hd, htd);
            for (int i = 0; i < rows * classes; i++) Assert.True(Math.Abs(hd[i] - hf[i]) <= 1e-4 * (1 + Math.Abs(hd[i])), $"[{i}] float {hf[i]}, double {hd[i]}");
            for (int i = 0; i < rows * classes; i++) Assert.True(Math.Abs(htd[i] - htf[i]) <= 1e-4 * (1 + Math.Abs(htd[i])), $"t[{i}] float {htf[i]}, double {htd[i]}");
        }

        /// <summary>
        /// Spans and arrays of structs: a direction ReadOnlySpan&lt;Point3&gt; and a product Span&lt;Point3&gt;, field by field,
        /// against central differences of the gradient (and an empty direction is zero); MHessian with each element's fields
        /// as columns of their own.
        /// </summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void SpansOfStructs(int seed)
        {
            var rng = new Random(seed);
            Point3 P() => new(rng.NextDouble() + 0.5, rng.NextDouble() - 0.5, rng.NextDouble() + 0.2);
            Point3[] points = { P(), P(), P(), P() }, v = { P(), P(), P(), P() }, hv = new Point3[4];
            double w = 0.5 + rng.NextDouble(), vw = rng.NextDouble() - 0.5, hvw = 0;
            static Point3[] Move(Point3[] a, Point3[] d, double h) => a.Zip(d, (p, q) => new Point3(p.X + (h * q.X), p.Y + (h * q.Y), p.Z + (h * q.Z))).ToArray();
            static double[] Flat(Point3[] a) => a.SelectMany(p => new[] { p.X, p.Y, p.Z }).ToArray();

            StructCases.WeightedHessianVector(points, w, v, vw, hv, ref hvw);
            (double[] G, double W) Weighted(double h)
            {
                var g = new Point3[4];
                double gw = 0;
                StructCases.WeightedGradient(Move(points, v, h), w + (h * vw), g, ref gw);
                return (Flat(g), gw);
            }

            var (up, upW) = Weighted(H);
            var (down, downW) = Weighted(-H);
            double[] product = Flat(hv);
            for (int i = 0; i < product.Length; i++) AssertClose((up[i] - down[i]) / (2 * H), product[i]);
            AssertClose((upW - downW) / (2 * H), hvw);

            var spread = new Point3[4];
            StructCases.SpreadHessianVector(points, v, spread);
            double[] Spread(double h)
            {
                var g = new Point3[4];
                StructCases.SpreadGradient(Move(points, v, h), g);
                return Flat(g);
            }

            double[] su = Spread(H), sd = Spread(-H), sp = Flat(spread);
            for (int i = 0; i < sp.Length; i++) AssertClose((su[i] - sd[i]) / (2 * H), sp[i]);

            var none = new Point3[4];
            StructCases.SpreadHessianVector(points, default, none);
            Assert.All(Flat(none), x => Assert.Equal(0, x));

            // MHessian: each element's X, Y, Z are columns of their own (then w), each column the gradient's central difference.
            double[] hessian = new double[13 * 13];
            StructCases.WeightedHessian(points, w, hessian);
            for (int j = 0; j < 13; j++)
            {
                var unit = new Point3[4];
                double[] flat = new double[13];
                flat[j] = 1;
                for (int e = 0; e < 4; e++) unit[e] = new Point3(flat[3 * e], flat[(3 * e) + 1], flat[(3 * e) + 2]);
                (double[] G, double W) Column(double h)
                {
                    var g = new Point3[4];
                    double gw = 0;
                    StructCases.WeightedGradient(Move(points, unit, h), w + (h * flat[12]), g, ref gw);
                    return (Flat(g), gw);
                }

                var (cu, cuW) = Column(H);
                var (cd, cdW) = Column(-H);
                double[] expected = cu.Zip(cd, (a, b) => (a - b) / (2 * H)).Append((cuW - cdW) / (2 * H)).ToArray();
                for (int i = 0; i < 13; i++) AssertClose(expected[i], hessian[(j * 13) + i]);
            }

            double[] spreadHessian = new double[12 * 12];
            StructCases.SpreadHessian(points, spreadHessian);
            for (int j = 0; j < 12; j++)
            {
                var unit = new Point3[4];
                var column = new Point3[4];
                unit[j / 3] = new Point3(j % 3 == 0 ? 1 : 0, j % 3 == 1 ? 1 : 0, j % 3 == 2 ? 1 : 0);
                StructCases.SpreadHessianVector(points, unit, column);
                double[] expected = Flat(column);
                for (int i = 0; i < 12; i++) Assert.Equal(expected[i], spreadHessian[(j * 12) + i]);
            }
        }

        /// <summary>
        /// A layer object's loss: the field it reads (Gain) takes a direction and a product after the parameters' (MHessianVector)
        /// and is a column after them (MHessian), against central differences of the gradient, the d-field untouched.
        /// </summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void LayerFields(int seed)
        {
            var rng = new Random(seed);
            var layer = new SoftClip { Gain = 0.5 + rng.NextDouble() };
            double[] x = Random(rng, 4), v = Random(rng, 4), hv = new double[4];
            double vGain = rng.NextDouble() - 0.5, hvGain = 0;
            layer.dGain = 7;
            layer.LossHessianVector(x, v, vGain, hv, ref hvGain);
            double[] hessian = new double[5 * 5];
            layer.LossHessian(x, hessian);
            Assert.Equal(7, layer.dGain);
            double[] Gradient(double[] at)
            {
                var moved = new SoftClip { Gain = at[4] };
                double[] dx = new double[4];
                moved.LossGradient(at[..4], dx);
                return dx.Append(moved.dGain).ToArray();
            }

            double[] point = x.Append(layer.Gain).ToArray(), direction = v.Append(vGain).ToArray(), product = hv.Append(hvGain).ToArray();
            double[] Along(double[] d, double h) => Gradient(point.Zip(d, (p, q) => p + (h * q)).ToArray());
            double[] up = Along(direction, H), down = Along(direction, -H);
            for (int i = 0; i < 5; i++) AssertClose((up[i] - down[i]) / (2 * H), product[i]);
            for (int j = 0; j < 5; j++)
            {
                double[] unit = new double[5];
                unit[j] = 1;
                double[] cu = Along(unit, H), cd = Along(unit, -H);
                for (int i = 0; i < 5; i++) AssertClose((cu[i] - cd[i]) / (2 * H), hessian[(j * 5) + i]);
            }
        }

        /// <summary>A registered scalar function whose backward has a registered tangent (SmoothDerivatives.SoftplusBackwardTangent).</summary>
        [Theory]
        [MemberData(nameof(SeedData))]
        public void CallsOfARegisteredSecondOrder(int seed)
        {
            AgainstGradients(seed, SecondOrderCases.SoftplusChainHessianVector, SecondOrderCases.SoftplusChainGradient);

            // A [NoDerivative] real argument: the second order still takes its tangent (it is a plain double of the backward).
            var rng = new Random(seed);
            double x = rng.NextDouble() - 0.5, a = 0.5 + rng.NextDouble(), vx = rng.NextDouble() - 0.5, va = rng.NextDouble() - 0.5, hx = 0, ha = 0;
            SecondOrderCases.ScaledChainHessianVector(x, a, vx, va, ref hx, ref ha);
            (double Dx, double Da) G(double h)
            {
                double dx = 0, da = 0;
                SecondOrderCases.ScaledChainGradient(x + (h * vx), a + (h * va), ref dx, ref da);
                return (dx, da);
            }

            var (ux, ua) = G(H);
            var (dx2, da2) = G(-H);
            AssertClose((ux - dx2) / (2 * H), hx);
            AssertClose((ua - da2) / (2 * H), ha);
        }

        private delegate void HessianVectorOf(ReadOnlySpan<double> x, double a, ReadOnlySpan<double> vx, double va, Span<double> hvx, ref double hva);

        private delegate double GradientOf(ReadOnlySpan<double> x, double a, Span<double> dx, ref double da);

        /// <summary>H·v of f(x, a), x of five elements, against central differences of its gradient along v, at a random point.</summary>
        private static void AgainstGradients(int seed, HessianVectorOf hessianVector, GradientOf gradient)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 5), v = Random(rng, 5), hv = new double[5];
            double a = 0.5 + rng.NextDouble(), va = rng.NextDouble() - 0.5, hva = 0;
            hessianVector(x, a, v, va, hv, ref hva);
            (double[] Dx, double Da) Gradient(double step)
            {
                double[] dx = new double[5];
                double da = 0;
                gradient(x.Zip(v, (p, q) => p + (step * q)).ToArray(), a + (step * va), dx, ref da);
                return (dx, da);
            }

            var (upX, upA) = Gradient(H);
            var (downX, downA) = Gradient(-H);
            for (int i = 0; i < 5; i++) AssertClose((upX[i] - downX[i]) / (2 * H), hv[i]);
            AssertClose((upA - downA) / (2 * H), hva);
        }

        private static Point3 Add(Point3 a, Point3 b, double h) => new(a.X + (h * b.X), a.Y + (h * b.Y), a.Z + (h * b.Z));

        private static double[] Fields(Point3 p) => new[] { p.X, p.Y, p.Z };

        private static double[] Fields(Segment s) => new[] { s.From.X, s.From.Y, s.From.Z, s.To.X, s.To.Y, s.To.Z };

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AnAdjointScaledInPlace(int seed)
        {
            // c·a·(a / 2) = c·a²/2, whose Hessian is [[0, a], [a, c]]; the backward halves ds in place (found by the
            // random-program tester: H·v had the term through s twice).
            var rng = new Random(seed);
            double c = rng.NextDouble() - 0.5, a = rng.NextDouble() - 0.5, vc = rng.NextDouble() - 0.5, va = rng.NextDouble() - 0.5, hvc = 0, hva = 0;
            Regressions.EngineCases.HalvedInPlaceHessianVector(c, a, vc, va, ref hvc, ref hva);
            (double Dc, double Da) Gradient(double step)
            {
                double dc = 0, da = 0;
                Regressions.EngineCases.HalvedInPlaceGradient(c + (step * vc), a + (step * va), ref dc, ref da);
                return (dc, da);
            }

            var (upC, upA) = Gradient(H);
            var (downC, downA) = Gradient(-H);
            AssertClose((upC - downC) / (2 * H), hvc);
            AssertClose((upA - downA) / (2 * H), hva);
            AssertClose(a * va, hvc);
            AssertClose((a * vc) + (c * va), hva);
        }

        [Fact]
        public void AccumulatesAndAnEmptyDirectionIsZero()
        {
            double[] x = { 0.3, -1.2, 2 }, hv = { 1, 1, 1 };
            Regressions.EngineCases.LogSumExpHessianVector(x, default, hv);
            Assert.Equal(new double[] { 1, 1, 1 }, hv);
        }

        public static TheoryData<int> SeedData() => new(Seeds);
    }
}
