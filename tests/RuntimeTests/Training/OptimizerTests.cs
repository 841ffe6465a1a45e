using System;
using Xunit;

namespace SymGrad.RuntimeTests.Training
{
    // Alone: a step's RowSplit waits on the thread pool, and a waiting thread may run other tests' work items, whose
    // allocations then count as this thread's (a 5,344-byte failure of StepsAllocateNothingAfterConstruction on net8.0).
    [Collection(nameof(AllocationCollection))]
    public class OptimizerTests
    {
        // Lengths that run every SIMD width and tail (Vector512/256/128 of floats and doubles, and the scalar rest), more than
        // one L1 chunk of Adam, and enough chunks to be shared between both cores.
        public static readonly TheoryData<int> Lengths = new() { 0, 1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100, 257, 1025, 20_000 };

        private const int Steps = 5;

        /// <summary>A gradient that changes with the parameters and the step, as a real loss's would.</summary>
        private static void Gradient(ReadOnlySpan<double> p, Span<double> g, int step)
        {
            for (int i = 0; i < p.Length; i++)
            {
                g[i] = 2 * (p[i] - 0.1 * i) + 0.3 * Math.Sin(i + step) * (i % 3 == 0 ? 5 : 0.5);
            }
        }

        private static double[] Start(int n)
        {
            var p = new double[n];
            for (int i = 0; i < n; i++)
            {
                p[i] = Math.Cos(1.7 * i) * (1 + i % 5);
            }

            return p;
        }

        /// <summary>
        /// Runs <paramref name="optimizer"/> in float and the reference in double from the same start, feeding both
        /// the reference's gradient, and returns the largest difference relative to max(1, |θ|).
        /// </summary>
        private static (double worst, int at) CompareFloat(int n, IOptimizer<float> optimizer, Action<double[], double[], int> reference)
        {
            double[] expected = Start(n), g = new double[n];
            float[] actual = Array.ConvertAll(expected, x => (float)x);
            float[] gf = new float[n];
            for (int step = 1; step <= Steps; step++)
            {
                Gradient(expected, g, step);
                for (int i = 0; i < n; i++) gf[i] = (float)g[i];
                optimizer.Step(actual, gf);
                reference(expected, g, step);
            }

            return Worst(expected, Array.ConvertAll(actual, x => (double)x));
        }

        private static (double worst, int at) CompareDouble(int n, IOptimizer<double> optimizer, Action<double[], double[], int> reference)
        {
            double[] expected = Start(n), actual = Start(n), g = new double[n];
            for (int step = 1; step <= Steps; step++)
            {
                Gradient(expected, g, step);
                double[] gCopy = (double[])g.Clone();
                optimizer.Step(actual, g);
                Assert.Equal(gCopy, g); // gradients are only read
                reference(expected, g, step);
            }

            return Worst(expected, actual);
        }

        private static (double worst, int at) Worst(double[] expected, double[] actual)
        {
            double worst = 0;
            int at = -1;
            for (int i = 0; i < expected.Length; i++)
            {
                double error = Math.Abs(expected[i] - actual[i]) / Math.Max(1, Math.Abs(expected[i]));
                if (error > worst)
                {
                    (worst, at) = (error, i);
                }
            }

            return (worst, at);
        }

        // float carries 24 bits (ε ≈ 6e-8); five steps of a handful of roundings each stay well inside 1e-5.
        private const double FloatTolerance = 1e-5;

        // double: the vectorised forms (Lerp, the ε̂ form of Adam) differ from the textbook order only by rounding.
        private const double DoubleTolerance = 1e-12;

        private static void AssertClose((double worst, int at) result, double tolerance, string what) =>
            Assert.True(result.worst <= tolerance, $"{what}: worst relative difference {result.worst:E3} at index {result.at} exceeds {tolerance:E0}.");

        [Theory]
        [MemberData(nameof(Lengths))]
        public void SgdMatchesTheReference(int n)
        {
            foreach (double wd in new[] { 0.0, 0.05 })
            {
                void Reference(double[] p, double[] g, int t) => OptimizerReference.Sgd(p, g, 0.1, wd);
                AssertClose(CompareFloat(n, new Sgd<float>(n, 0.1, wd), Reference), FloatTolerance, $"float wd={wd}");
                AssertClose(CompareDouble(n, new Sgd<double>(n, 0.1, wd), Reference), DoubleTolerance, $"double wd={wd}");
            }
        }

        [Theory]
        [MemberData(nameof(Lengths))]
        public void MomentumMatchesTheReference(int n)
        {
            foreach (bool nesterov in new[] { false, true })
            {
                foreach (double wd in new[] { 0.0, 0.05 })
                {
                    double[] vf = new double[n], vd = new double[n];
                    string what = $"nesterov={nesterov} wd={wd}";
                    AssertClose(
                        CompareFloat(n, new SgdMomentum<float>(n, 0.05, 0.9, wd, nesterov), (p, g, t) => OptimizerReference.Momentum(p, g, vf, 0.05, 0.9, wd, nesterov)),
                        FloatTolerance, "float " + what);
                    AssertClose(
                        CompareDouble(n, new SgdMomentum<double>(n, 0.05, 0.9, wd, nesterov), (p, g, t) => OptimizerReference.Momentum(p, g, vd, 0.05, 0.9, wd, nesterov)),
                        DoubleTolerance, "double " + what);
                }
            }
        }

        [Theory]
        [MemberData(nameof(Lengths))]
        public void AdamMatchesTheReference(int n)
        {
            foreach (AdamWeightDecay mode in new[] { AdamWeightDecay.L2, AdamWeightDecay.Decoupled })
            {
                foreach (double wd in new[] { 0.0, 0.1 })
                {
                    double[] mf = new double[n], vf = new double[n], md = new double[n], vd = new double[n];
                    bool decoupled = mode == AdamWeightDecay.Decoupled;
                    string what = $"{mode} wd={wd}";
                    AssertClose(
                        CompareFloat(n, new Adam<float>(n, 0.01, 0.9, 0.999, 1e-8, wd, mode), (p, g, t) => OptimizerReference.Adam(p, g, mf, vf, t, 0.01, 0.9, 0.999, 1e-8, wd, decoupled)),
                        FloatTolerance, "float " + what);
                    AssertClose(
                        CompareDouble(n, new Adam<double>(n, 0.01, 0.9, 0.999, 1e-8, wd, mode), (p, g, t) => OptimizerReference.Adam(p, g, md, vd, t, 0.01, 0.9, 0.999, 1e-8, wd, decoupled)),
                        DoubleTolerance, "double " + what);
                }
            }
        }

        [Fact]
        public void AdamFirstStepsOnATinyVectorByHand()
        {
            // Step 1 of Adam moves every coordinate by lr · sign(g) (m̂ = g, v̂ = g², up to ε); step 2 with the same
            // gradient again moves by lr: m̂ = g, v̂ = g². Hand values for θ = (1, −2, 0.5), g = (0.5, −4, 1e-3), lr = 0.1.
            var adam = new Adam<double>(3, learningRate: 0.1, epsilon: 1e-12);
            double[] p = { 1, -2, 0.5 };
            double[] g = { 0.5, -4, 1e-3 };
            adam.Step(p, g);
            Assert.Equal(new[] { 0.9, -1.9, 0.4 }, p, (a, b) => Math.Abs(a - b) < 1e-9);
            adam.Step(p, g);
            Assert.Equal(new[] { 0.8, -1.8, 0.3 }, p, (a, b) => Math.Abs(a - b) < 1e-9);
            Assert.Equal(2, adam.StepCount);

            // m after two steps: g (1 − 0.9²) = 0.19 g; v: g² (1 − 0.999²) = 0.001999 g².
            Assert.Equal(0.19 * 0.5, adam.FirstMoment[0], 12);
            Assert.Equal(0.001999 * 16, adam.SecondMoment[1], 12);
        }

        [Fact]
        public void AdamWDecaysIndependentlyOfTheGradientScale()
        {
            // With a zero gradient Adam's moments stay 0, so only the decoupled decay moves θ: θ (1 − ηλ) per step.
            var adamW = Adam<float>.AdamW(2, learningRate: 0.1, weightDecay: 0.5);
            float[] p = { 2, -4 };
            adamW.Step(p, new float[2]);
            Assert.Equal(new[] { 1.9f, -3.8f }, p);

            // L2 weight decay instead enters the gradient and is normalised: the first step moves by lr·sign(θ).
            var adam = new Adam<float>(2, learningRate: 0.1, weightDecay: 0.5);
            float[] q = { 2, -4 };
            adam.Step(q, new float[2]);
            Assert.Equal(1.9f, q[0], 5);
            Assert.Equal(-3.9f, q[1], 5);
        }

        [Fact]
        public void ResetStartsOver()
        {
            var adam = new Adam<float>(4, 0.1);
            var momentum = new SgdMomentum<float>(4, 0.1, nesterov: true);
            float[] g = { 1, -2, 3, -4 };
            foreach (IOptimizer<float> optimizer in new IOptimizer<float>[] { adam, momentum })
            {
                float[] first = new float[4];
                optimizer.Step(first, g);
                optimizer.Step(first, g);
                optimizer.Reset();
                Assert.Equal(0, optimizer.StepCount);
                float[] again = new float[4];
                optimizer.Step(again, g);
                float[] fresh = new float[4];
                (optimizer is Adam<float> ? (IOptimizer<float>)new Adam<float>(4, 0.1) : new SgdMomentum<float>(4, 0.1, nesterov: true)).Step(fresh, g);
                Assert.Equal(fresh, again);
            }
        }

        [Fact]
        public void LearningRateCanChangeBetweenSteps()
        {
            var sgd = new Sgd<float>(1, 1.0);
            float[] p = { 0 };
            sgd.Step(p, new float[] { 1 });
            sgd.LearningRate = 0.5;
            sgd.Step(p, new float[] { 1 });
            Assert.Equal(-1.5f, p[0]);
            Assert.Equal(0.5, sgd.LearningRate);
        }

        /// <summary>f(θ) = ½ Σ aᵢ (θᵢ − cᵢ)², an ill-conditioned bowl (curvatures 0.5 … 5), minimum at c.</summary>
        private static double Converge(IOptimizer<double> optimizer, int steps)
        {
            int n = optimizer.ParameterCount;
            double[] p = new double[n], g = new double[n], a = new double[n], c = new double[n];
            for (int i = 0; i < n; i++)
            {
                a[i] = 0.5 + 4.5 * i / (n - 1);
                c[i] = Math.Sin(i) * 3;
            }

            for (int s = 0; s < steps; s++)
            {
                for (int i = 0; i < n; i++) g[i] = a[i] * (p[i] - c[i]);
                optimizer.Step(p, g);
            }

            double worst = 0;
            for (int i = 0; i < n; i++) worst = Math.Max(worst, Math.Abs(p[i] - c[i]));
            return worst;
        }

        [Fact]
        public void EveryOptimizerConvergesOnAQuadratic()
        {
            const int n = 37;
            Assert.True(Converge(new Sgd<double>(n, 0.3), 200) < 1e-6);
            Assert.True(Converge(new SgdMomentum<double>(n, 0.05, 0.9), 400) < 1e-6);
            Assert.True(Converge(new SgdMomentum<double>(n, 0.05, 0.9, nesterov: true), 400) < 1e-6);
            Assert.True(Converge(new Adam<double>(n, 0.05), 2000) < 1e-3);
            Assert.True(Converge(Adam<double>.AdamW(n, 0.05, weightDecay: 0), 2000) < 1e-3);
            Assert.True(Converge(new Adagrad<double>(n, 0.5), 2000) < 1e-3);
        }

        [Fact]
        public void AdagradFirstStepsByHand()
        {
            // min-char-rnn's update: G += g²; θ −= η g / √(G + ε).
            var adagrad = new Adagrad<double>(2, learningRate: 0.1, epsilon: 1e-8);
            double[] p = { 1.0, -2.0 };
            adagrad.Step(p, new[] { 0.5, -3.0 });
            Assert.Equal(1.0 - (0.1 * 0.5 / Math.Sqrt(0.25 + 1e-8)), p[0], 15);
            Assert.Equal(-2.0 + (0.1 * 3.0 / Math.Sqrt(9.0 + 1e-8)), p[1], 15);
            adagrad.Step(p, new[] { 0.5, 1.0 });
            Assert.Equal(1.0 - (0.1 * 0.5 / Math.Sqrt(0.25 + 1e-8)) - (0.1 * 0.5 / Math.Sqrt(0.5 + 1e-8)), p[0], 15);
            Assert.Equal(new[] { 0.5, 10.0 }, adagrad.SumOfSquares.ToArray());
            Assert.Equal(2, adagrad.StepCount);
            adagrad.Reset();
            Assert.Equal(new[] { 0.0, 0.0 }, adagrad.SumOfSquares.ToArray());
            Assert.Equal(0, adagrad.StepCount);
        }

        [Fact]
        public void StepsAllocateNothingAfterConstruction()
        {
            const int n = 1000;
            var floats = new IOptimizer<float>[]
            {
                new Sgd<float>(n, 0.1, 0.01), new SgdMomentum<float>(n, 0.1, 0.9, 0.01, nesterov: true),
                new SgdMomentum<float>(n, 0.1), new Adam<float>(n, weightDecay: 0.01), Adam<float>.AdamW(n), new Adagrad<float>(n, 0.1),
            };
            var doubles = new IOptimizer<double>[] { new Sgd<double>(n, 0.1), new SgdMomentum<double>(n, 0.1, 0.9, 0.01), new Adam<double>(n, weightDecay: 0.01), new Adagrad<double>(n, 0.1) };
            float[] pf = new float[n], gf = new float[n];
            double[] pd = new double[n], gd = new double[n];
            gf.AsSpan().Fill(0.5f);
            gd.AsSpan().Fill(0.5);
            void Run()
            {
                foreach (var o in floats) o.Step(pf, gf);
                foreach (var o in doubles) o.Step(pd, gd);
            }

            Run();
            Run(); // warm-up: JIT tiers settle
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 50; i++) Run();
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        [Fact]
        public void StepValidatesLengthsAndOverlap()
        {
            var adam = new Adam<float>(4);
            var ex = Assert.Throws<ArgumentException>(() => adam.Step(new float[3], new float[4]));
            Assert.Equal("parameters", ex.ParamName);
            Assert.Contains("3", ex.Message);
            ex = Assert.Throws<ArgumentException>(() => adam.Step(new float[4], new float[5]));
            Assert.Equal("gradients", ex.ParamName);
            float[] shared = new float[6];
            ex = Assert.Throws<ArgumentException>(() => adam.Step(shared.AsSpan(0, 4), shared.AsSpan(2, 4)));
            Assert.Contains("overlaps", ex.Message);
            Assert.Equal(0, adam.StepCount);
        }

        [Fact]
        public void HyperParametersAreValidatedByName()
        {
            void Expect(string name, Action construct) => Assert.Equal(name, Assert.ThrowsAny<ArgumentException>(construct).ParamName);

            Expect("parameterCount", () => new Sgd<float>(-1, 0.1));
            Expect("learningRate", () => new Sgd<float>(1, double.NaN));
            Expect("learningRate", () => new Sgd<float>(1, -0.1));
            Expect("learningRate", () => new Adam<float>(1, 1e300)); // overflows float
            Expect("weightDecay", () => new Sgd<double>(1, 0.1, double.PositiveInfinity));
            Expect("momentum", () => new SgdMomentum<float>(1, 0.1, 1.0));
            Expect("momentum", () => new SgdMomentum<float>(1, 0.1, -0.5));
            Expect("nesterov", () => new SgdMomentum<float>(1, 0.1, 0, nesterov: true));
            Expect("beta1", () => new Adam<float>(1, beta1: double.NaN));
            Expect("beta2", () => new Adam<float>(1, beta2: 1));
            Expect("epsilon", () => new Adam<float>(1, epsilon: 0));
            Expect("epsilon", () => new Adam<float>(1, epsilon: 1e-60)); // rounds to 0 in float
            Expect("weightDecay", () => new Adam<float>(1, weightDecay: -1));
            Expect("weightDecayMode", () => new Adam<float>(1, weightDecayMode: (AdamWeightDecay)7));
            Expect("value", () => new Adam<float>(1).LearningRate = double.NaN);
        }
    }
}
