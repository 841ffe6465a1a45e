using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using Xunit;

namespace SymGrad.RuntimeTests.NnPrimitives
{
    /// <summary>
    /// The layers' second order (Nn.SecondOrder.Layers.cs): each backward's registered tangent writes the gradients as the
    /// plain backward does, adds to each tangent gradient the central difference of that backward along the tangents of
    /// everything it reads (each read perturbed independently: a y-reading activation's curvature comes from ty), takes an
    /// empty tangent input as zeros and skips an empty tangent gradient, and validates lengths and overlaps before writing.
    /// </summary>
    public class LayerSecondOrderTests
    {
        /// <summary>
        /// One backward and its tangent. The reads are the spans the backward reads, in the order of their tangents (x, w,
        /// b, y, dy ...); the gradients are the spans it writes (dx, dw, db), each the length of the read it belongs to.
        /// </summary>
        internal sealed class Case<T>
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            /// <summary>Names of the reads, in tangent order; the tangent of "x" is "tx".</summary>
            public required string[] Reads { get; init; }

            /// <summary>Per gradient: its name and the index of the read whose length it has.</summary>
            public required (string Name, int Read)[] Gradients { get; init; }

            /// <summary>Inputs for a seed, in double, away from every kink (ReLU at 0, pooling ties, ELU at 0).</summary>
            public required Func<Random, double[][]> Inputs { get; init; }

            /// <summary>(reads, gradients): the plain backward, accumulating; a null gradient passes an empty span.</summary>
            public required Action<T[][], T[]?[]> Backward { get; init; }

            /// <summary>(reads, gradients, tangents of the reads, tangent gradients); a null array passes an empty span.</summary>
            public required Action<T[][], T[]?[], T[]?[], T[]?[]> Tangent { get; init; }
        }

        private const int DenseN = 3, DenseInputs = 4, DenseOutputs = 2;
        private const int MeanRows = 3, MeanD = 5;
        private const int BatchN = 4, BatchD = 3;
        private const double BatchEps = 1e-3;
        private const double LeakyAlpha = 0.1, EluAlpha = 0.7;

        private static readonly Conv2DShape Conv = new(2, 2, 5, 5, 3, 3, 3, stride: 1, padding: 1);
        private static readonly Pool2DShape Pool = new(2, 2, 5, 5, 2, 2, 2);
        private static readonly Pool2DShape PoolOverlapping = new(2, 2, 5, 5, 3, 3, 2); // windows share a row and a column

        private static readonly string[] ElementwiseReads = ["x", "y", "dy"];
        private static readonly (string, int)[] ElementwiseGradients = [("dx", 0)];

        private static Dictionary<string, Case<double>> DoubleCases { get; } = new()
        {
            ["Dense"] = new()
            {
                Reads = ["x", "w", "b", "y", "dy"],
                Gradients = [("dx", 0), ("dw", 1), ("db", 2)],
                Inputs = DenseInputsOf,
                Backward = (r, g) => Nn.DenseBackward(r[0], r[1], r[2], r[3], DenseN, DenseInputs, DenseOutputs, r[4], g[0], g[1], g[2]),
                Tangent = (r, g, t, tg) => Nn.DenseBackwardTangent(r[0], r[1], r[2], r[3], DenseN, DenseInputs, DenseOutputs, r[4], g[0], g[1], g[2], t[0], t[1], t[2], t[3], t[4], tg[0], tg[1], tg[2]),
            },
            ["Conv2D"] = new()
            {
                Reads = ["x", "w", "b", "y", "dy"],
                Gradients = [("dx", 0), ("dw", 1), ("db", 2)],
                Inputs = ConvInputsOf,
                Backward = (r, g) => Nn.Conv2DBackward(r[0], r[1], r[2], r[3], Conv, r[4], g[0], g[1], g[2]),
                Tangent = (r, g, t, tg) => Nn.Conv2DBackwardTangent(r[0], r[1], r[2], r[3], Conv, r[4], g[0], g[1], g[2], t[0], t[1], t[2], t[3], t[4], tg[0], tg[1], tg[2]),
            },
            ["BatchNorm"] = new()
            {
                Reads = ["x", "gamma", "beta", "y", "dy"],
                Gradients = [("dx", 0), ("dgamma", 1), ("dbeta", 2)],
                Inputs = BatchNormInputsOf,
                Backward = (r, g) => Nn.BatchNormBackward(r[0], r[1], r[2], r[3], BatchN, BatchD, BatchEps, r[4], g[0], g[1], g[2]),
                Tangent = (r, g, t, tg) => Nn.BatchNormBackwardTangent(r[0], r[1], r[2], r[3], BatchN, BatchD, BatchEps, r[4], g[0], g[1], g[2], t[0], t[1], t[2], t[3], t[4], tg[0], tg[1], tg[2]),
            },
            ["Relu"] = new()
            {
                Reads = ElementwiseReads,
                Gradients = ElementwiseGradients,
                Inputs = rng => ActivationInputs(rng, (x, y) => Nn.Relu(x, y)),
                Backward = (r, g) => Nn.ReluBackward(r[0], r[1], r[2], g[0]),
                Tangent = (r, g, t, tg) => Nn.ReluBackwardTangent(r[0], r[1], r[2], g[0], t[0], t[1], t[2], tg[0]),
            },
            ["LeakyRelu"] = new()
            {
                Reads = ElementwiseReads,
                Gradients = ElementwiseGradients,
                Inputs = rng => ActivationInputs(rng, (x, y) => Nn.LeakyRelu(x, y, LeakyAlpha)),
                Backward = (r, g) => Nn.LeakyReluBackward(r[0], r[1], LeakyAlpha, r[2], g[0]),
                Tangent = (r, g, t, tg) => Nn.LeakyReluBackwardTangent(r[0], r[1], LeakyAlpha, r[2], g[0], t[0], t[1], t[2], tg[0]),
            },
            ["Sigmoid"] = new()
            {
                Reads = ElementwiseReads,
                Gradients = ElementwiseGradients,
                Inputs = rng => ActivationInputs(rng, (x, y) => Nn.Sigmoid(x, y)),
                Backward = (r, g) => Nn.SigmoidBackward(r[0], r[1], r[2], g[0]),
                Tangent = (r, g, t, tg) => Nn.SigmoidBackwardTangent(r[0], r[1], r[2], g[0], t[0], t[1], t[2], tg[0]),
            },
            ["Tanh"] = new()
            {
                Reads = ElementwiseReads,
                Gradients = ElementwiseGradients,
                Inputs = rng => ActivationInputs(rng, (x, y) => Nn.Tanh(x, y)),
                Backward = (r, g) => Nn.TanhBackward(r[0], r[1], r[2], g[0]),
                Tangent = (r, g, t, tg) => Nn.TanhBackwardTangent(r[0], r[1], r[2], g[0], t[0], t[1], t[2], tg[0]),
            },
            ["Elu"] = new()
            {
                Reads = ElementwiseReads,
                Gradients = ElementwiseGradients,
                Inputs = rng => ActivationInputs(rng, (x, y) => Nn.Elu(x, y, EluAlpha)),
                Backward = (r, g) => Nn.EluBackward(r[0], r[1], EluAlpha, r[2], g[0]),
                Tangent = (r, g, t, tg) => Nn.EluBackwardTangent(r[0], r[1], EluAlpha, r[2], g[0], t[0], t[1], t[2], tg[0]),
            },
            ["MeanSubtract"] = new()
            {
                Reads = ["x", "h", "dh"],
                Gradients = ElementwiseGradients,
                Inputs = MeanSubtractInputsOf,
                Backward = (r, g) => Nn.MeanSubtractBackward(r[0], r[1], MeanRows, MeanD, r[2], g[0]),
                Tangent = (r, g, t, tg) => Nn.MeanSubtractBackwardTangent(r[0], r[1], MeanRows, MeanD, r[2], g[0], t[0], t[1], t[2], tg[0]),
            },
            ["MaxPool2D"] = new()
            {
                Reads = ElementwiseReads,
                Gradients = ElementwiseGradients,
                Inputs = rng => PoolInputs(rng, Pool, relu: false),
                Backward = (r, g) => Nn.MaxPool2DBackward(r[0], r[1], Pool, r[2], g[0]),
                Tangent = (r, g, t, tg) => Nn.MaxPool2DBackwardTangent(r[0], r[1], Pool, r[2], g[0], t[0], t[1], t[2], tg[0]),
            },
            ["MaxPool2DOverlapping"] = new()
            {
                Reads = ElementwiseReads,
                Gradients = ElementwiseGradients,
                Inputs = rng => PoolInputs(rng, PoolOverlapping, relu: false),
                Backward = (r, g) => Nn.MaxPool2DBackward(r[0], r[1], PoolOverlapping, r[2], g[0]),
                Tangent = (r, g, t, tg) => Nn.MaxPool2DBackwardTangent(r[0], r[1], PoolOverlapping, r[2], g[0], t[0], t[1], t[2], tg[0]),
            },
            ["ReluMaxPool2D"] = new()
            {
                Reads = ElementwiseReads,
                Gradients = ElementwiseGradients,
                Inputs = rng => PoolInputs(rng, Pool, relu: true),
                Backward = (r, g) => Nn.ReluMaxPool2DBackward(r[0], r[1], Pool, r[2], g[0]),
                Tangent = (r, g, t, tg) => Nn.ReluMaxPool2DBackwardTangent(r[0], r[1], Pool, r[2], g[0], t[0], t[1], t[2], tg[0]),
            },
        };

        /// <summary>The float overloads of one layer per family (Dense, Conv2D, an activation that reads y, batch normalisation, max pooling).</summary>
        private static Dictionary<string, Case<float>> FloatCases { get; } = new()
        {
            ["Dense"] = new()
            {
                Reads = ["x", "w", "b", "y", "dy"],
                Gradients = [("dx", 0), ("dw", 1), ("db", 2)],
                Inputs = DenseInputsOf,
                Backward = (r, g) => Nn.DenseBackward(r[0], r[1], r[2], r[3], DenseN, DenseInputs, DenseOutputs, r[4], g[0], g[1], g[2]),
                Tangent = (r, g, t, tg) => Nn.DenseBackwardTangent(r[0], r[1], r[2], r[3], DenseN, DenseInputs, DenseOutputs, r[4], g[0], g[1], g[2], t[0], t[1], t[2], t[3], t[4], tg[0], tg[1], tg[2]),
            },
            ["Conv2D"] = new()
            {
                Reads = ["x", "w", "b", "y", "dy"],
                Gradients = [("dx", 0), ("dw", 1), ("db", 2)],
                Inputs = ConvInputsOf,
                Backward = (r, g) => Nn.Conv2DBackward(r[0], r[1], r[2], r[3], Conv, r[4], g[0], g[1], g[2]),
                Tangent = (r, g, t, tg) => Nn.Conv2DBackwardTangent(r[0], r[1], r[2], r[3], Conv, r[4], g[0], g[1], g[2], t[0], t[1], t[2], t[3], t[4], tg[0], tg[1], tg[2]),
            },
            ["Tanh"] = new()
            {
                Reads = ElementwiseReads,
                Gradients = ElementwiseGradients,
                Inputs = rng => ActivationInputs(rng, (x, y) => Nn.Tanh(x, y)),
                Backward = (r, g) => Nn.TanhBackward(r[0], r[1], r[2], g[0]),
                Tangent = (r, g, t, tg) => Nn.TanhBackwardTangent(r[0], r[1], r[2], g[0], t[0], t[1], t[2], tg[0]),
            },
            ["BatchNorm"] = new()
            {
                Reads = ["x", "gamma", "beta", "y", "dy"],
                Gradients = [("dx", 0), ("dgamma", 1), ("dbeta", 2)],
                Inputs = BatchNormInputsOf,
                Backward = (r, g) => Nn.BatchNormBackward(r[0], r[1], r[2], r[3], BatchN, BatchD, (float)BatchEps, r[4], g[0], g[1], g[2]),
                Tangent = (r, g, t, tg) => Nn.BatchNormBackwardTangent(r[0], r[1], r[2], r[3], BatchN, BatchD, (float)BatchEps, r[4], g[0], g[1], g[2], t[0], t[1], t[2], t[3], t[4], tg[0], tg[1], tg[2]),
            },
            ["MaxPool2D"] = new()
            {
                Reads = ElementwiseReads,
                Gradients = ElementwiseGradients,
                Inputs = rng => PoolInputs(rng, Pool, relu: false),
                Backward = (r, g) => Nn.MaxPool2DBackward(r[0], r[1], Pool, r[2], g[0]),
                Tangent = (r, g, t, tg) => Nn.MaxPool2DBackwardTangent(r[0], r[1], Pool, r[2], g[0], t[0], t[1], t[2], tg[0]),
            },
        };

        public static TheoryData<string, int> DoubleNames => Seeded(DoubleCases.Keys);

        public static TheoryData<string, int> FloatNames => Seeded(FloatCases.Keys);

        public static TheoryData<string> DoubleNamesOnly
        {
            get
            {
                var data = new TheoryData<string>();
                foreach (string name in DoubleCases.Keys)
                {
                    data.Add(name);
                }

                return data;
            }
        }

        private static TheoryData<string, int> Seeded(IEnumerable<string> names)
        {
            var data = new TheoryData<string, int>();
            foreach (string name in names)
            {
                foreach (int seed in new[] { 1, 2, 3 })
                {
                    data.Add(name, seed);
                }
            }

            return data;
        }

        // ---- inputs ----

        private static double[] Uniform(Random rng, int length) => Enumerable.Range(0, length).Select(_ => (4 * rng.NextDouble()) - 2).ToArray();

        /// <summary>Values with |v| in [0.1, 2]: a step of 1e-6 along a tangent of |t| ≤ 2 never crosses 0.</summary>
        private static double[] AwayFromZero(Random rng, int length)
            => Enumerable.Range(0, length).Select(_ => (0.1 + (1.9 * rng.NextDouble())) * (rng.Next(2) == 0 ? -1 : 1)).ToArray();

        private static double[][] DenseInputsOf(Random rng)
        {
            double[] x = Uniform(rng, DenseN * DenseInputs), w = Uniform(rng, DenseInputs * DenseOutputs), b = Uniform(rng, DenseOutputs);
            double[] y = new double[DenseN * DenseOutputs];
            Nn.Dense(x, w, b, y, DenseN, DenseInputs, DenseOutputs);
            return [x, w, b, y, Uniform(rng, y.Length)];
        }

        private static double[][] ConvInputsOf(Random rng)
        {
            double[] x = Uniform(rng, Conv.InputLength), w = Uniform(rng, Conv.WeightLength), b = Uniform(rng, Conv.Filters);
            double[] y = new double[Conv.OutputLength];
            Nn.Conv2D(x, w, b, y, Conv);
            return [x, w, b, y, Uniform(rng, y.Length)];
        }

        /// <summary>x away from 0 (the kinks of ReLU, leaky ReLU and ELU), y the forward's output of x, dy uniform.</summary>
        private static double[][] ActivationInputs(Random rng, Action<double[], double[]> forward)
        {
            double[] x = AwayFromZero(rng, 37), y = new double[37];
            forward(x, y);
            return [x, y, Uniform(rng, 37)];
        }

        private static double[][] BatchNormInputsOf(Random rng)
        {
            double[] x = Uniform(rng, BatchN * BatchD), gamma = Uniform(rng, BatchD), beta = Uniform(rng, BatchD), y = new double[x.Length];
            Nn.BatchNorm(x, gamma, beta, y, BatchN, BatchD, BatchEps);
            return [x, gamma, beta, y, Uniform(rng, y.Length)];
        }

        private static double[][] MeanSubtractInputsOf(Random rng)
        {
            double[] x = Uniform(rng, MeanRows * MeanD), h = new double[x.Length];
            Nn.MeanSubtract(x, h, MeanRows, MeanD);
            return [x, h, Uniform(rng, x.Length)];
        }

        /// <summary>
        /// x a shuffle of distinct values 0.05 apart and never 0 (±0.025, ±0.075 …): no window has a tie, and no window's
        /// maximum is near the ReLU's 0, so a step of 1e-6 along a tangent moves no arg-max. y the forward's output.
        /// </summary>
        private static double[][] PoolInputs(Random rng, Pool2DShape shape, bool relu)
        {
            int length = shape.InputLength;
            double[] x = Enumerable.Range(0, length).Select(k => (k + 0.5 - (length / 2)) * 0.05).ToArray();
            rng.Shuffle(x);
            double[] y = new double[shape.OutputLength];
            if (relu)
            {
                Nn.ReluMaxPool2D(x, y, shape);
            }
            else
            {
                Nn.MaxPool2D(x, y, shape);
            }

            return [x, y, Uniform(rng, y.Length)];
        }

        // ---- helpers ----

        private static int[] GradientLengths<T>(Case<T> c, double[][] reads)
            where T : unmanaged, IFloatingPointIeee754<T>
            => c.Gradients.Select(g => reads[g.Read].Length).ToArray();

        private static double[][] Randoms(Random rng, IEnumerable<int> lengths) => lengths.Select(n => Uniform(rng, n)).ToArray();

        private static double[]?[] Copy(double[]?[] arrays) => arrays.Select(a => (double[]?)a?.Clone()).ToArray();

        private static double[][] Zeros(IEnumerable<int> lengths) => lengths.Select(n => new double[n]).ToArray();

        private static void AssertClose(double expected, double actual, double tolerance, string what)
            => Assert.True(
                Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)),
                $"{what}: expected {expected:R}, got {actual:R}, difference {Math.Abs(expected - actual):E3} > {tolerance:E1} · max(1, |expected|)");

        private static void AssertAllClose(double[] expected, double[] actual, double tolerance, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                AssertClose(expected[i], actual[i], tolerance, $"{what} [{i}]");
            }
        }

        /// <summary>The draws of one check: inputs, their tangents, prefilled gradients and prefilled tangent gradients.</summary>
        private static (double[][] Reads, double[][] Tangents, double[][] Gradients, double[][] TangentGradients) Draw(Case<double> c, int seed)
        {
            var rng = new Random(seed);
            double[][] reads = c.Inputs(rng);
            double[][] tangents = Randoms(rng, reads.Select(r => r.Length));
            double[][] gradients = Randoms(rng, GradientLengths(c, reads));
            double[][] tangentGradients = Randoms(rng, GradientLengths(c, reads));
            return (reads, tangents, gradients, tangentGradients);
        }

        /// <summary>(backward(reads + h·t) − backward(reads − h·t)) / 2h, each into zeroed gradients.</summary>
        private static double[][] CentralDifference(Case<double> c, double[][] reads, double[]?[] tangents)
        {
            const double H = 1e-6;
            int[] lengths = GradientLengths(c, reads);
            double[][] Run(double h)
            {
                double[][] moved = reads.Select((r, k) => tangents[k] is double[] t ? r.Select((v, i) => v + (h * t[i])).ToArray() : (double[])r.Clone()).ToArray();
                double[][] g = Zeros(lengths);
                c.Backward(moved, g);
                return g;
            }

            double[][] up = Run(H), down = Run(-H);
            return up.Select((u, k) => u.Select((v, i) => (v - down[k][i]) / (2 * H)).ToArray()).ToArray();
        }

        /// <summary>The tangent gradients the call adds: it runs on the prefilled ones and the prefill is subtracted.</summary>
        private static double[][] Added(Case<double> c, double[][] reads, double[]?[] tangents, double[][] prefill)
        {
            double[]?[] tangentGradients = Copy(prefill);
            c.Tangent(reads, Zeros(GradientLengths(c, reads)), tangents, tangentGradients);
            return tangentGradients.Select((g, k) => g!.Select((v, i) => v - prefill[k][i]).ToArray()).ToArray();
        }

        private static void AssertAddedIsTheCentralDifference(Case<double> c, double[][] reads, double[]?[] tangents, double[][] prefill, string along)
        {
            double[][] added = Added(c, reads, tangents, prefill);
            double[][] fd = CentralDifference(c, reads, tangents);

            // Central differences in double: the backwards are at most quadratic in what they read here (truncation ~h²·|f‴|
            // only for sigmoid, tanh), cancellation ~1e-16·|g|/h ≈ 1e-10·|g|: 1e-6 relative with a floor of 1 is loose.
            for (int k = 0; k < added.Length; k++)
            {
                for (int i = 0; i < added[k].Length; i++)
                {
                    AssertClose(fd[k][i], added[k][i], 1e-6, $"t{c.Gradients[k].Name}[{i}] along {along}");
                }
            }
        }

        // ---- 1. the gradients are the backward's ----

        /// <summary>dx, dw, db as the plain backward writes them, bit for bit, accumulated into prefilled gradients.</summary>
        [Theory]
        [MemberData(nameof(DoubleNames))]
        public void GradientsAreTheBackwards(string name, int seed)
        {
            Case<double> c = DoubleCases[name];
            (double[][] reads, double[][] tangents, double[][] prefill, double[][] tangentPrefill) = Draw(c, seed);

            double[]?[] expected = Copy(prefill), written = Copy(prefill);
            c.Backward(reads, expected);
            c.Tangent(reads, written, tangents, Copy(tangentPrefill));
            for (int k = 0; k < expected.Length; k++)
            {
                Assert.Equal(expected[k], written[k]);
                Assert.NotEqual(prefill[k], written[k]); // the backward did write
            }

            // Without tangent gradients (none wanted) and without tangents (all zero): the same gradients.
            double[]?[] noTangents = Copy(prefill);
            c.Tangent(reads, noTangents, new double[]?[c.Reads.Length], new double[]?[c.Gradients.Length]);
            for (int k = 0; k < expected.Length; k++)
            {
                Assert.Equal(expected[k], noTangents[k]);
            }
        }

        // ---- 2. the tangent gradients are the backward's central differences ----

        /// <summary>Every read perturbed along its own tangent at once; the tangent gradients prefilled, so what is added is checked (+=).</summary>
        [Theory]
        [MemberData(nameof(DoubleNames))]
        public void TangentGradientsAreCentralDifferencesOfTheBackward(string name, int seed)
        {
            Case<double> c = DoubleCases[name];
            (double[][] reads, double[][] tangents, _, double[][] tangentPrefill) = Draw(c, seed);
            AssertAddedIsTheCentralDifference(c, reads, tangents, tangentPrefill, "all the reads");

            // Not a trivial check: along every read at once, each tangent gradient moves.
            double[][] fd = CentralDifference(c, reads, tangents);
            for (int k = 0; k < fd.Length; k++)
            {
                Assert.True(fd[k].Any(v => Math.Abs(v) > 1e-3), $"t{c.Gradients[k].Name} is zero along all the reads: a trivial check");
            }
        }

        /// <summary>One read at a time perturbed (the other tangents empty): which term of the tangent is wrong, if one is.</summary>
        [Theory]
        [MemberData(nameof(DoubleNames))]
        public void EachReadsTermIsItsCentralDifference(string name, int seed)
        {
            Case<double> c = DoubleCases[name];
            (double[][] reads, double[][] tangents, _, double[][] tangentPrefill) = Draw(c, seed);
            for (int k = 0; k < c.Reads.Length; k++)
            {
                var only = new double[]?[c.Reads.Length];
                only[k] = tangents[k];
                AssertAddedIsTheCentralDifference(c, reads, only, tangentPrefill, c.Reads[k]);
            }
        }

        /// <summary>The y-reading activations' curvature is in ty alone: tx changes nothing; dy·(∂f′/∂y)·ty is what ty adds.</summary>
        [Theory]
        [InlineData("Sigmoid")]
        [InlineData("Tanh")]
        [InlineData("Elu")]
        [InlineData("Relu")]
        [InlineData("LeakyRelu")]
        [InlineData("MaxPool2D")]
        [InlineData("ReluMaxPool2D")]
        [InlineData("MeanSubtract")]
        public void TxOfAnElementwiseBackwardAddsNothing(string name)
        {
            Case<double> c = DoubleCases[name];
            (double[][] reads, double[][] tangents, _, double[][] tangentPrefill) = Draw(c, 5);
            double[][] added = Added(c, reads, [tangents[0], null, null], tangentPrefill);
            Assert.All(added[0], v => Assert.Equal(0.0, v));
        }

        // ---- 3. empty tangents ----

        /// <summary>An empty tangent input gives what a span of zeros gives, one input at a time; all empty: nothing added.</summary>
        [Theory]
        [MemberData(nameof(DoubleNames))]
        public void EmptyTangentInputsAreZeros(string name, int seed)
        {
            Case<double> c = DoubleCases[name];
            (double[][] reads, double[][] tangents, double[][] prefill, double[][] tangentPrefill) = Draw(c, seed);
            for (int k = 0; k < c.Reads.Length; k++)
            {
                double[]?[] zero = Copy(tangents), empty = Copy(tangents);
                zero[k] = new double[tangents[k].Length];
                empty[k] = null;
                double[]?[] gZero = Copy(prefill), gEmpty = Copy(prefill), tgZero = Copy(tangentPrefill), tgEmpty = Copy(tangentPrefill);
                c.Tangent(reads, gZero, zero, tgZero);
                c.Tangent(reads, gEmpty, empty, tgEmpty);
                for (int j = 0; j < tgZero.Length; j++)
                {
                    Assert.Equal(gZero[j], gEmpty[j]);
                    for (int i = 0; i < tgZero[j]!.Length; i++)
                    {
                        AssertClose(tgZero[j]![i], tgEmpty[j]![i], 1e-14, $"t{c.Gradients[j].Name}[{i}] with t{c.Reads[k]} empty against zeros");
                    }
                }
            }

            double[]?[] untouched = Copy(tangentPrefill);
            c.Tangent(reads, Copy(prefill), new double[]?[c.Reads.Length], untouched);
            for (int j = 0; j < untouched.Length; j++)
            {
                Assert.Equal(tangentPrefill[j], untouched[j]);
            }
        }

        /// <summary>
        /// An empty tangent gradient is skipped without throwing, the others as when all are wanted; an empty gradient
        /// (a constant input) changes no tangent gradient. Within rounding, not bit for bit: with dw empty, Conv2D sums the
        /// bias's gradient in another order than fused into the weights' pass.
        /// </summary>
        [Theory]
        [MemberData(nameof(DoubleNames))]
        public void EmptyTangentGradientsAreSkipped(string name, int seed)
        {
            Case<double> c = DoubleCases[name];
            (double[][] reads, double[][] tangents, double[][] prefill, double[][] tangentPrefill) = Draw(c, seed);
            double[]?[] gAll = Copy(prefill), tgAll = Copy(tangentPrefill);
            c.Tangent(reads, gAll, tangents, tgAll);

            for (int k = 0; k < c.Gradients.Length; k++)
            {
                double[]?[] g = Copy(prefill), tg = Copy(tangentPrefill);
                tg[k] = null;
                c.Tangent(reads, g, tangents, tg);
                for (int j = 0; j < tg.Length; j++)
                {
                    Assert.Equal(gAll[j], g[j]);
                    if (j != k)
                    {
                        AssertAllClose(tgAll[j]!, tg[j]!, 1e-14, $"t{c.Gradients[j].Name} with t{c.Gradients[k].Name} empty");
                    }
                }
            }

            double[]?[] none = Copy(prefill);
            c.Tangent(reads, none, tangents, new double[]?[c.Gradients.Length]);
            for (int j = 0; j < none.Length; j++)
            {
                Assert.Equal(gAll[j], none[j]);
            }

            double[]?[] tgWithoutGradients = Copy(tangentPrefill);
            c.Tangent(reads, new double[]?[c.Gradients.Length], tangents, tgWithoutGradients);
            for (int j = 0; j < tgAll.Length; j++)
            {
                AssertAllClose(tgAll[j]!, tgWithoutGradients[j]!, 1e-14, $"t{c.Gradients[j].Name} with the gradients empty");
            }
        }

        // ---- 4. validation ----

        private static void Rejects(string param, Action call, params double[]?[][] written)
        {
            double[]?[][] before = written.Select(Copy).ToArray();
            ArgumentException error = Assert.ThrowsAny<ArgumentException>(call);
            Assert.Equal(param, error.ParamName);
            for (int s = 0; s < written.Length; s++)
            {
                for (int k = 0; k < written[s].Length; k++)
                {
                    Assert.Equal(before[s][k], written[s][k]); // nothing written before the throw
                }
            }
        }

        /// <summary>Each tangent, input or gradient, one element short throws, naming it, before anything is written.</summary>
        [Theory]
        [MemberData(nameof(DoubleNamesOnly))]
        public void WrongLengthTangentsThrow(string name)
        {
            Case<double> c = DoubleCases[name];
            (double[][] reads, double[][] tangents, double[][] prefill, double[][] tangentPrefill) = Draw(c, 1);
            for (int k = 0; k < c.Reads.Length; k++)
            {
                double[]?[] t = Copy(tangents), g = Copy(prefill), tg = Copy(tangentPrefill);
                t[k] = new double[tangents[k].Length - 1];
                Rejects("t" + c.Reads[k], () => c.Tangent(reads, g, t, tg), g, tg);
            }

            for (int k = 0; k < c.Gradients.Length; k++)
            {
                double[]?[] g = Copy(prefill), tg = Copy(tangentPrefill);
                tg[k] = new double[tangentPrefill[k].Length - 1];
                Rejects("t" + c.Gradients[k].Name, () => c.Tangent(reads, g, tangents, tg), g, tg);
            }
        }

        /// <summary>The first tangent gradient (tdx) aliasing the first tangent input (tx), or the cotangent's tangent, throws before any write.</summary>
        [Theory]
        [MemberData(nameof(DoubleNamesOnly))]
        public void OverlappingTangentGradientsThrow(string name)
        {
            Case<double> c = DoubleCases[name];
            (double[][] reads, double[][] tangents, double[][] prefill, _) = Draw(c, 1);
            string tdx = "t" + c.Gradients[0].Name;

            double[]?[] g = Copy(prefill), t = Copy(tangents), tg = new double[]?[c.Gradients.Length];
            tg[0] = t[0]; // tdx is tx
            Rejects(tdx, () => c.Tangent(reads, g, t, tg), g, t);

            // tdx is dx (the primal gradient written beside it)
            double[]?[] g2 = Copy(prefill), tg2 = new double[]?[c.Gradients.Length];
            tg2[0] = g2[0];
            Rejects(tdx, () => c.Tangent(reads, g2, tangents, tg2), g2);
        }

        // ---- 5. float ----

        /// <summary>
        /// The float overloads against the double ones on the same (float-representable) inputs: the gradients and the tangent
        /// gradients, prefilled, within 1e-3 relative (floor 1).
        /// </summary>
        [Theory]
        [MemberData(nameof(FloatNames))]
        public void FloatAgreesWithDouble(string name, int seed)
        {
            Case<float> f = FloatCases[name];
            Case<double> d = DoubleCases[name];
            (double[][] reads, double[][] tangents, double[][] prefill, double[][] tangentPrefill) = Draw(d, seed);
            static double[][] Round(double[][] a) => a.Select(r => r.Select(v => (double)(float)v).ToArray()).ToArray();
            static float[]?[] ToFloat(double[][] a) => a.Select(r => (float[]?)r.Select(v => (float)v).ToArray()).ToArray();
            (reads, tangents, prefill, tangentPrefill) = (Round(reads), Round(tangents), Round(prefill), Round(tangentPrefill));

            double[]?[] gd = Copy(prefill), tgd = Copy(tangentPrefill);
            d.Tangent(reads, gd, tangents, tgd);
            float[]?[] gf = ToFloat(prefill), tgf = ToFloat(tangentPrefill);
            f.Tangent(ToFloat(reads).Select(r => r!).ToArray(), gf, ToFloat(tangents), tgf);

            for (int k = 0; k < gd.Length; k++)
            {
                for (int i = 0; i < gd[k]!.Length; i++)
                {
                    AssertClose(gd[k]![i], gf[k]![i], 1e-3, $"float {f.Gradients[k].Name}[{i}]");
                    AssertClose(tgd[k]![i], tgf[k]![i], 1e-3, $"float t{f.Gradients[k].Name}[{i}]");
                }
            }
        }
    }
}
