using System;
using System.Linq;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;
using C = SymGrad.RuntimeTests.Language.LocalBufferCases;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Methods with local buffers (<c>stackalloc</c>, <c>new double[n]</c>): every mode against central differences and
    /// against the same method taking its buffers as outputs; MBackward writes no argument.
    /// </summary>
    public class LocalBufferTests
    {
        /// <summary>Mlp's inputs as one vector: x (3), w1 (4 × 3), w2 (2 × 4).</summary>
        private static double Mlp(double[] z) => C.Mlp(z[..3], z[3..15], z[15..], 4);

        private static double[] MlpGradient(double[] z)
        {
            double[] g = new double[z.Length];
            C.MlpGradient(z[..3], z[3..15], z[15..], 4, g.AsSpan(0, 3), g.AsSpan(3, 12), g.AsSpan(15));
            return g;
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ANetworksHiddenLayerOnTheStack(int seed)
        {
            var rng = new Random(seed);
            double[] z = Random(rng, 23);
            AllModes(rng, z, Mlp, MlpGradient, (v, d) => C.MlpTangent(v[..3], v[3..15], v[15..], 4, d[..3], d[3..15], d[15..]), (v, d) =>
            {
                double[] hv = new double[v.Length];
                C.MlpHessianVector(v[..3], v[3..15], v[15..], 4, d[..3], d[3..15], d[15..], hv.AsSpan(0, 3), hv.AsSpan(3, 12), hv.AsSpan(15));
                return hv;
            });

            // MBackward scales by its seed; MJacobian is the gradient's row; MHessian's columns are H·eⱼ.
            double[] g = MlpGradient(z), twice = new double[z.Length], jacobian = new double[z.Length], hessian = new double[z.Length * z.Length];
            C.MlpBackward(z[..3], z[3..15], z[15..], 4, 2, twice.AsSpan(0, 3), twice.AsSpan(3, 12), twice.AsSpan(15));
            Assert.Equal(g.Select(x => 2 * x), twice, (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));
            C.MlpJacobian(z[..3], z[3..15], z[15..], 4, jacobian);
            Assert.Equal(g, jacobian, (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));
            C.MlpHessian(z[..3], z[3..15], z[15..], 4, hessian);
            for (int j = 0; j < z.Length; j += 7)
            {
                double[] e = new double[z.Length], hv = new double[z.Length];
                e[j] = 1;
                C.MlpHessianVector(z[..3], z[3..15], z[15..], 4, e[..3], e[3..15], e[15..], hv.AsSpan(0, 3), hv.AsSpan(3, 12), hv.AsSpan(15));
                Assert.Equal(hv, hessian.Skip(j * z.Length).Take(z.Length), (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));
            }
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ACallerOfAMethodWithLocalBuffers(int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, 4), w1 = Random(rng, 16), w2 = Random(rng, 16);
            double[] dx = new double[4], dw1 = new double[16], dw2 = new double[16];
            double value = C.MlpTwiceGradient(x, w1, w2, dx, dw1, dw2);
            Assert.Equal(C.MlpTwice(x, w1, w2), value);
            Verify(() => C.MlpTwice(x, w1, w2), Param("x", x, dx), Param("w1", w1, dw1), Param("w2", w2, dw2));
            double[] tx = Random(rng, 4), t1 = Random(rng, 16), t2 = Random(rng, 16);
            double along = tx.Zip(dx, (a, b) => a * b).Sum() + t1.Zip(dw1, (a, b) => a * b).Sum() + t2.Zip(dw2, (a, b) => a * b).Sum();
            Assert.Equal(along, C.MlpTwiceTangent(x, w1, w2, tx, t1, t2), 1e-10 * (1 + Math.Abs(along)));

            // Its H·v goes through MlpTangentBackward (Mlp's MHessianVector and MBackward, its buffers lent): against central
            // differences of the gradient.
            double[] z = x.Concat(w1).Concat(w2).ToArray();
            AllModes(rng, z, v => C.MlpTwice(v[..4], v[4..20], v[20..]), v =>
            {
                double[] g = new double[36];
                C.MlpTwiceGradient(v[..4], v[4..20], v[20..], g.AsSpan(0, 4), g.AsSpan(4, 16), g.AsSpan(20));
                return g;
            }, (v, d) => C.MlpTwiceTangent(v[..4], v[4..20], v[20..], d[..4], d[4..20], d[20..]), (v, d) =>
            {
                double[] hv = new double[36];
                C.MlpTwiceHessianVector(v[..4], v[4..20], v[20..], d[..4], d[4..20], d[20..], hv.AsSpan(0, 4), hv.AsSpan(4, 16), hv.AsSpan(20));
                return hv;
            });
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ACallerOfALayerWritingItsOutputThroughALocalBuffer(int seed)
        {
            // z = x (3), w (2 × 3); y (2) is the layer's output, an intermediate of the loss.
            var rng = new Random(seed);
            double[] z = Random(rng, 9);
            AllModes(rng, z, v => C.SquaredLoss(v[..3], v[3..], new double[2]), v =>
            {
                double[] g = new double[9];
                C.SquaredLossGradient(v[..3], v[3..], new double[2], g.AsSpan(0, 3), g.AsSpan(3));
                return g;
            }, (v, d) => C.SquaredLossTangent(v[..3], v[3..], new double[2], d[..3], d[3..], default), (v, d) =>
            {
                double[] hv = new double[9];
                C.SquaredLossHessianVector(v[..3], v[3..], new double[2], d[..3], d[3..], hv.AsSpan(0, 3), hv.AsSpan(3));
                return hv;
            });
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ARungeKuttaStepsStagesKeptLocally(int seed)
        {
            // The same solver as GradBenchCases.Ode, which takes the stages as outputs: the same values, pullback and tangent.
            var rng = new Random(seed);
            int n = 4, s = 6;
            double[] x = Random(rng, n), dy = Random(rng, n), tx = Random(rng, n);
            double[] y = new double[n], k1 = new double[n], k2 = new double[n], k3 = new double[n], k4 = new double[n], t = new double[n];
            GradBenchCases.Ode(x, s, y, k1, k2, k3, k4, t);
            double[] mine = new double[n];
            C.Ode(x, s, mine);
            Assert.Equal(y, mine);

            double[] dxOutputs = new double[n], dxLocal = new double[n];
            GradBenchCases.OdeBackward(x, s, y, k1, k2, k3, k4, t, dy, default, default, default, default, default, dxOutputs);
            double[] before = mine.ToArray();
            C.OdeBackward(x, s, mine, dy, dxLocal);
            Assert.Equal(before, mine); // MBackward writes no argument: the twin it runs to fill the stages writes y's to scratch
            Assert.Equal(dxOutputs, dxLocal, (a, b) => Math.Abs(a - b) <= 1e-13 * (1 + Math.Abs(a)));

            double[] ty = new double[n], tyLocal = new double[n];
            GradBenchCases.OdeTangent(x, s, y, k1, k2, k3, k4, t, tx, ty, default, default, default, default, default);
            C.OdeTangent(x, s, mine, tx, tyLocal);
            Assert.Equal(ty, tyLocal, (a, b) => Math.Abs(a - b) <= 1e-13 * (1 + Math.Abs(a)));

            // The Jacobian's rows are y's alone (the stages are not results), against central differences.
            double[] jacobian = new double[n * n];
            C.OdeJacobian(x, s, mine, jacobian);
            for (int j = 0; j < n; j++)
            {
                double[] up = x.ToArray(), down = x.ToArray(), yUp = new double[n], yDown = new double[n];
                up[j] += 1e-6;
                down[j] -= 1e-6;
                C.Ode(up, s, yUp);
                C.Ode(down, s, yDown);
                for (int i = 0; i < n; i++)
                {
                    AssertClose((yUp[i] - yDown[i]) / 2e-6, jacobian[(i * n) + j]);
                }
            }
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ABufferAccumulatedFromZero(int seed)
        {
            var rng = new Random(seed);
            double[] z = Random(rng, 7);
            AllModes(rng, z, v => C.Histogram(v, 3), v =>
            {
                double[] g = new double[v.Length];
                C.HistogramGradient(v, 3, g);
                return g;
            }, (v, d) => C.HistogramTangent(v, 3, d), (v, d) =>
            {
                double[] hv = new double[v.Length];
                C.HistogramHessianVector(v, 3, d, hv);
                return hv;
            });
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ACheckpointedRecurrencesState(int seed) => AllModesOfSpanAndScalar(seed, (x, a) => C.Recurrence(x, a, 30),
            (ReadOnlySpan<double> x, double a, Span<double> dx, ref double da) => C.RecurrenceGradient(x, a, 30, dx, ref da),
            (x, a, tx, ta) => C.RecurrenceTangent(x, a, 30, tx, ta),
            (ReadOnlySpan<double> x, double a, ReadOnlySpan<double> vx, double va, Span<double> hvx, ref double hva) => C.RecurrenceHessianVector(x, a, 30, vx, va, hvx, ref hva));

        [Fact]
        public void ABufferSizedByAParameterWithADefaultValue()
        {
            // s = Σ acc², accᵢ₊ₖ += 0.5·xᵢ for k < 2: ∂s/∂xᵢ = Σₖ 2·acc[i + k]·0.5, the defaults left out as in the method's own call.
            double[] x = { 1, -2, 0.5 };
            double[] dx = new double[3];
            double value = C.SmoothedGradient(x, dx: dx);
            Assert.Equal(C.Smoothed(x), value);
            double[] acc = { 0.5, -0.5, -0.75, 0.25 };
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(acc[i] + acc[i + 1], dx[i], 12);
            }
        }

        [Fact]
        public void AFloatBufferSizedByAConstant()
        {
            float[] x = { 0.5f, -1.25f, 2f };
            float[] dx = new float[3];
            float value = C.SoftPlusSumGradient(x, dx);
            Assert.Equal(C.SoftPlusSum(x), value);
            for (int i = 0; i < 3; i++)
            {
                // s = Σ softplus(xᵢ)²: ∂s/∂xᵢ = 2·softplus(xᵢ)·σ(xᵢ).
                double softPlus = Math.Log(1 + Math.Exp(x[i])), sigmoid = 1 / (1 + Math.Exp(-x[i]));
                Assert.Equal(2 * softPlus * sigmoid, dx[i], 1e-5);
            }
        }

        /// <summary>BufferedNet's inputs as one vector: x (3), target, V (4), First's W (12) and B (4).</summary>
        private static (BufferedNet Net, double[] X, double Target) Net(double[] z) => (new BufferedNet
        {
            V = z[4..8],
            First = new TanhLayer { W = z[8..20], B = z[20..24] },
        }, z[..3], z[3]);

        private static double[] NetGradient(double[] z)
        {
            var (net, x, t) = Net(z);
            double[] dx = new double[3];
            double dt = 0;
            net.ZeroGradients();
            net.LossGradient(x, t, dx, ref dt);
            return dx.Append(dt).Concat(net.dV).Concat(net.First.dW).Concat(net.First.dB).ToArray();
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ALayersHiddenActivationsSizedByAField(int seed)
        {
            var rng = new Random(seed);
            double[] z = Random(rng, 24);
            AllModes(rng, z, v => { var (n, x, t) = Net(v); return n.Loss(x, t); }, NetGradient,
                (v, d) => { var (n, x, t) = Net(v); return n.LossTangent(x, t, d[..3], d[3], d[4..8], d[8..20], d[20..24]); },
                (v, d) =>
                {
                    var (n, x, t) = Net(v);
                    double[] hx = new double[3], hV = new double[4], hW = new double[12], hB = new double[4];
                    double ht = 0;
                    n.LossHessianVector(x, t, d[..3], d[3], d[4..8], d[8..20], d[20..24], hx, ref ht, hV, hW, hB);
                    return hx.Append(ht).Concat(hV).Concat(hW).Concat(hB).ToArray();
                });

            // The Jacobian is the gradient's row, its d-fields untouched.
            var (net, x0, t0) = Net(z);
            double[] jacobian = new double[24];
            net.LossJacobian(x0, t0, jacobian);
            Assert.Equal(NetGradient(z), jacobian, (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));
            Assert.All(net.First.dW, g => Assert.Equal(0, g));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ABufferPerPassOfALoop(int seed)
        {
            var rng = new Random(seed);
            double[] z = Random(rng, 12); // x (3), w (3 × 3)
            double[] Gradient(double[] v)
            {
                double[] g = new double[12];
                C.PerStepGradient(v[..3], v[3..], 3, g.AsSpan(0, 3), g.AsSpan(3));
                return g;
            }

            AllModes(rng, z, v => C.PerStep(v[..3], v[3..], 3), Gradient, (v, d) => C.PerStepTangent(v[..3], v[3..], 3, d[..3], d[3..]), (v, d) =>
            {
                double[] hv = new double[12];
                C.PerStepHessianVector(v[..3], v[3..], 3, d[..3], d[3..], hv.AsSpan(0, 3), hv.AsSpan(3));
                return hv;
            });

            // MBackward, run with no forward first, scales by its seed; MJacobian is the gradient's row.
            double[] g = Gradient(z), twice = new double[12], jacobian = new double[12];
            C.PerStepBackward(z[..3], z[3..], 3, 2, twice.AsSpan(0, 3), twice.AsSpan(3));
            Assert.Equal(g.Select(x => 2 * x), twice, (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));
            C.PerStepJacobian(z[..3], z[3..], 3, jacobian);
            Assert.Equal(g, jacobian, (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void BuffersInLoopsAndABranch(int seed)
        {
            var rng = new Random(seed);
            double[] z = Random(rng, 5); // x (4), a
            z[4] = Math.Abs(z[4]) + 0.1; // the branch taken
            double[] Gradient(double[] v)
            {
                double[] g = new double[5];
                C.InBlocksGradient(v[..4], v[4], 4, g.AsSpan(0, 4), ref g[4]);
                return g;
            }

            AllModes(rng, z, v => C.InBlocks(v[..4], v[4], 4), Gradient, (v, d) => C.InBlocksTangent(v[..4], v[4], 4, d[..4], d[4]), (v, d) =>
            {
                double[] hv = new double[5];
                C.InBlocksHessianVector(v[..4], v[4], 4, d[..4], d[4], hv.AsSpan(0, 4), ref hv[4]);
                return hv;
            });

            double[] twice = new double[5], hessian = new double[25];
            C.InBlocksBackward(z[..4], z[4], 4, 2, twice.AsSpan(0, 4), ref twice[4]);
            Assert.Equal(Gradient(z).Select(x => 2 * x), twice, (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));
            C.InBlocksHessian(z[..4], z[4], 4, hessian);
            double[] e = new double[5], column = new double[5];
            e[4] = 1;
            C.InBlocksHessianVector(z[..4], z[4], 4, e[..4], e[4], column.AsSpan(0, 4), ref column[4]);
            Assert.Equal(column, hessian.Skip(20), (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void BuffersSizedByLocals(int seed)
        {
            var rng = new Random(seed);
            double[] z = Random(rng, 15); // x (3), w (4 × 3)
            double[] Gradient(double[] v)
            {
                double[] g = new double[15];
                C.SizedByLocalsGradient(v[..3], v[3..], g.AsSpan(0, 3), g.AsSpan(3));
                return g;
            }

            AllModes(rng, z, v => C.SizedByLocals(v[..3], v[3..]), Gradient, (v, d) => C.SizedByLocalsTangent(v[..3], v[3..], d[..3], d[3..]), (v, d) =>
            {
                double[] hv = new double[15];
                C.SizedByLocalsHessianVector(v[..3], v[3..], d[..3], d[3..], hv.AsSpan(0, 3), hv.AsSpan(3));
                return hv;
            });
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AGenericMethodsBuffersAndItsCaller(int seed)
        {
            AllModesOfSpanAndScalar(seed, C.SoftSums, C.SoftSumsGradient, C.SoftSumsTangent, C.SoftSumsHessianVector);
            double[] z = Random(new Random(seed), 5); // x (4), a: the draw above

            // The float instantiation: its gradient is the double one's, to float's precision.
            float[] xf = z[..4].Select(v => (float)v).ToArray();
            float[] gf = new float[4];
            float gaf = 0;
            double[] g = new double[4];
            double ga = 0;
            float value = C.SoftSumGradient(xf, (float)z[4], gf, ref gaf);
            C.SoftSumGradient(xf.Select(v => (double)v).ToArray(), (double)(float)z[4], g, ref ga);
            Assert.Equal(C.SoftSum<float>(xf, (float)z[4]), value);
            Assert.Equal(g.Append(ga), gf.Append(gaf).Select(v => (double)v), (a, b) => Math.Abs(a - b) <= 1e-4 * (1 + Math.Abs(a)));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void NestedCallsOfMethodsWithLocalBuffers(int seed)
        {
            var rng = new Random(seed);
            double[] z = Random(rng, 2);
            double Slopes(double[] v) => C.BumpSlopes(v[0], v[1]);
            double[] g = new double[2];
            C.BumpSlopesGradient(z[0], z[1], ref g[0], ref g[1]);
            double[] d = Random(rng, 2);
            AssertClose(Central(Slopes, z, 0), g[0]);
            AssertClose(Central(Slopes, z, 1), g[1]);
            AssertClose(Directional(Slopes, z, d), C.BumpSlopesTangent(z[0], z[1], d[0], d[1]));

            // The kick's pullback and tangent against central differences of ⟨c, p⟩ and of p along a direction.
            double[] w = Random(rng, 5), c = Random(rng, 3); // q (3), k, h
            double Kicked(double[] v, int i)
            {
                double[] p = new double[3];
                C.Kick(v[..3], v[3], v[4], p);
                return p[i];
            }

            double Loss(double[] v) => Enumerable.Range(0, 3).Sum(i => c[i] * Kicked(v, i));
            double[] pw = new double[3], gq = new double[3];
            double gk = 0, gh = 0;
            C.Kick(w[..3], w[3], w[4], pw);
            C.KickBackward(w[..3], w[3], w[4], pw, c, gq, ref gk, ref gh);
            double[] all = gq.Append(gk).Append(gh).ToArray();
            for (int j = 0; j < 5; j++)
            {
                AssertClose(Central(Loss, w, j), all[j]);
            }

            double[] dir = Random(rng, 5), tp = new double[3], p2 = new double[3];
            C.KickTangent(w[..3], w[3], w[4], p2, dir[..3], dir[3], dir[4], tp);
            for (int i = 0; i < 3; i++)
            {
                AssertClose(Directional(v => Kicked(v, i), w, dir), tp[i]);
            }
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void AMethodWithAnOutResultAndALocalBufferAndItsCaller(int seed)
        {
            AllModesOfSpanAndScalar(seed, C.Standardized, C.StandardizedGradient, C.StandardizedTangent, C.StandardizedHessianVector);
            double[] z = Random(new Random(seed), 5); // x (4), a: the draw above

            // Moments' own: its Jacobian's rows (the mean, the variance) against central differences, its pullback with both seeds.
            double[] x = z[..4], jacobian = new double[2 * 4], dx = new double[4];
            C.MomentsJacobian(x, out double variance, jacobian);
            Assert.Equal(C.Moments(x, out double expected), x.Average(), 12);
            Assert.Equal(expected, variance, 12);
            C.MomentsBackward(x, 1, 2, dx);
            for (int j = 0; j < 4; j++)
            {
                AssertClose(Central(v => C.Moments(v, out _), x, j), jacobian[j]);
                AssertClose(Central(v => { C.Moments(v, out double s); return s; }, x, j), jacobian[4 + j]);
                AssertClose(jacobian[j] + (2 * jacobian[4 + j]), dx[j]);
            }
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ABufferInAWhileLoop(int seed)
        {
            AllModesOfSpanAndScalar(seed, C.Until, C.UntilGradient, C.UntilTangent, C.UntilHessianVector);
            double[] z = Random(new Random(seed), 5), twice = new double[5];
            C.UntilBackward(z[..4], z[4], 2, twice.AsSpan(0, 4), ref twice[4]);
            Assert.Equal(Gradient(C.UntilGradient, z).Select(x => 2 * x), twice, (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));
        }

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ABufferInACheckpointedLoop(int seed)
        {
            GradientOfSpanAndScalar gradient = (ReadOnlySpan<double> x, double a, Span<double> dx, ref double da) => C.CheckpointedStepsGradient(x, a, 20, dx, ref da);
            AllModesOfSpanAndScalar(seed, (x, a) => C.CheckpointedSteps(x, a, 20), gradient, (x, a, tx, ta) => C.CheckpointedStepsTangent(x, a, 20, tx, ta),
                (ReadOnlySpan<double> x, double a, ReadOnlySpan<double> vx, double va, Span<double> hvx, ref double hva) => C.CheckpointedStepsHessianVector(x, a, 20, vx, va, hvx, ref hva));
            double[] z = Random(new Random(seed), 5), twice = new double[5];
            C.CheckpointedStepsBackward(z[..4], z[4], 20, 2, twice.AsSpan(0, 4), ref twice[4]);
            Assert.Equal(Gradient(gradient, z).Select(x => 2 * x), twice, (a, b) => Math.Abs(a - b) <= 1e-12 * (1 + Math.Abs(a)));
        }

        /// <summary>z: x (3), t, W (4 × 3), Gain.</summary>
        private static (EnergyNet Net, double[] X, double T) Energy(double[] z) => (new EnergyNet { First = new EnergyLayer { W = z[4..16] }, Gain = z[16] }, z[..3], z[3]);

        [Theory]
        [MemberData(nameof(SeedData))]
        public void ALayersMethodWithALocalBufferCalledByAnotherAndByAHolder(int seed)
        {
            var rng = new Random(seed);
            double[] z = Random(rng, 17);

            // The layer's Loss calling its Energy: x, t, then W.
            double LayerLoss(double[] v) => new EnergyLayer { W = v[4..16] }.Loss(v[..3], v[3]);
            var layer = new EnergyLayer { W = z[4..16] };
            double[] dx = new double[3];
            double dt = 0;
            layer.LossGradient(z[..3], z[3], dx, ref dt);
            double[] layerGradient = dx.Append(dt).Concat(layer.dW).ToArray();
            for (int j = 0; j < 16; j++)
            {
                AssertClose(Central(LayerLoss, z, j), layerGradient[j]);
            }

            // The holder's, every mode: x, then Gain, then First's W (the tangent's order), t unused.
            AllModes(rng, z, v => { var (n, x, _) = Energy(v); return n.Loss(x); }, v =>
            {
                var (n, x, _) = Energy(v);
                double[] g = new double[17];
                n.LossGradient(x, g.AsSpan(0, 3));
                n.First.dW.CopyTo(g, 4);
                g[16] = n.dGain;
                return g;
            }, (v, d) => { var (n, x, _) = Energy(v); return n.LossTangent(x, d[..3], d[16], d[4..16]); }, (v, d) =>
            {
                var (n, x, _) = Energy(v);
                double[] hx = new double[3], hW = new double[12];
                double hGain = 0;
                n.LossHessianVector(x, d[..3], d[16], d[4..16], hx, ref hGain, hW);
                return hx.Append(0).Concat(hW).Append(hGain).ToArray();
            });
        }

        private delegate double OfSpanAndScalar(ReadOnlySpan<double> x, double a);

        private delegate double GradientOfSpanAndScalar(ReadOnlySpan<double> x, double a, Span<double> dx, ref double da);

        private delegate double TangentOfSpanAndScalar(ReadOnlySpan<double> x, double a, ReadOnlySpan<double> tx, double ta);

        private delegate void HessianVectorOfSpanAndScalar(ReadOnlySpan<double> x, double a, ReadOnlySpan<double> vx, double va, Span<double> hvx, ref double hva);

        /// <summary>
        /// Every mode of a method of a span x (4 elements) and a scalar a, against central differences (<see cref="AllModes"/>),
        /// its generated methods given as they are called.
        /// </summary>
        private static void AllModesOfSpanAndScalar(int seed, OfSpanAndScalar f, GradientOfSpanAndScalar gradient, TangentOfSpanAndScalar tangent, HessianVectorOfSpanAndScalar hessianVector)
        {
            var rng = new Random(seed);
            double[] z = Random(rng, 5); // x (4), a
            AllModes(rng, z, v => f(v[..4], v[4]), v => Gradient(gradient, v), (v, d) => tangent(v[..4], v[4], d[..4], d[4]), (v, d) =>
            {
                double[] hv = new double[5];
                hessianVector(v[..4], v[4], d[..4], d[4], hv.AsSpan(0, 4), ref hv[4]);
                return hv;
            });
        }

        /// <summary>x's gradient, then a's.</summary>
        private static double[] Gradient(GradientOfSpanAndScalar gradient, double[] z)
        {
            double[] g = new double[5];
            gradient(z[..4], z[4], g.AsSpan(0, 4), ref g[4]);
            return g;
        }

        /// <summary>∂f/∂zⱼ by central differences.</summary>
        private static double Central(Func<double[], double> f, double[] z, int j)
        {
            double[] e = new double[z.Length];
            e[j] = 1;
            return Directional(f, z, e);
        }

        /// <summary>The derivative of f along d by central differences.</summary>
        private static double Directional(Func<double[], double> f, double[] z, double[] d)
            => (f(z.Select((v, i) => v + (1e-6 * d[i])).ToArray()) - f(z.Select((v, i) => v - (1e-6 * d[i])).ToArray())) / 2e-6;

        public static TheoryData<int> SeedData => new() { 1, 2, 3 };
    }
}
