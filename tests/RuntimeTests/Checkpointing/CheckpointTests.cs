using System;
using System.Linq;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;
using C = SymGrad.RuntimeTests.Checkpointing.CheckpointCases;

namespace SymGrad.RuntimeTests.Checkpointing
{
    /// <summary>Checkpointed loops give the taped gradient (and central differences'), for many steps and snapshot budgets.</summary>
    public class CheckpointTests
    {
        private delegate double Gradient(ReadOnlySpan<double> x, double a, Span<double> dx, ref double da);

        public static TheoryData<int> Lengths => new() { 0, 1, 2, 3, 4, 7, 40, 257 };

        [Theory]
        [MemberData(nameof(Lengths))]
        public void RecurrenceEqualsTheTapedGradientForEveryBudget(int length)
        {
            var rng = new Random(length + 1);
            double[] x = Random(rng, length);
            double a = 0.9;
            (double value, double[] dx, double da) = Run(C.RecurrenceGradient, x, a);
            foreach (Gradient g in new Gradient[] { C.RecurrenceAutoGradient, C.RecurrenceOneGradient, C.RecurrenceTwoGradient, C.RecurrenceThreeGradient, C.RecurrenceFiveGradient })
            {
                (double v2, double[] dx2, double da2) = Run(g, x, a);
                Assert.Equal(value, v2);
                Assert.Equal(da, da2, 1e-12);
                for (int i = 0; i < length; i++) Assert.Equal(dx[i], dx2[i], 1e-12);
            }

            if (length is > 0 and < 50)
            {
                double[] dx3 = new double[length], av = { a };
                double da3 = 0;
                C.RecurrenceTwoGradient(x, a, dx3, ref da3);
                Verify(() => C.RecurrenceTwo(x, av[0]), Param("x", x, dx3), Scalar("a", av, da3));
            }
        }

        [Fact]
        public void FloatRecurrenceMatchesDouble()
        {
            var rng = new Random(5);
            double[] x = Random(rng, 30);
            (_, double[] dx, double da) = Run(C.RecurrenceGradient, x, 0.8);
            float[] xf = x.Select(v => (float)v).ToArray(), dxf = new float[30];
            float daf = 0;
            C.RecurrenceFloatGradient(xf, 0.8f, dxf, ref daf);
            Assert.Equal(da, daf, 1e-4);
            for (int i = 0; i < 30; i++) Assert.Equal(dx[i], dxf[i], 1e-4);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(5)]
        [InlineData(10)]
        [InlineData(11)]
        [InlineData(300)]
        public void RolloutEqualsTheTapedGradientBelowAndAboveTheThreshold(int steps)
        {
            double[] taped = Rollout(C.RolloutGradient, steps);
            Assert.Equal(taped, Rollout(C.RolloutCheckpointedGradient, steps), new Close(1e-12));
            Assert.Equal(taped, Rollout(C.RolloutAboveGradient, steps), new Close(1e-12));
            double[] x0 = { 0.3 }, v0 = { -0.2 }, k = { 4.0 };
            double[] g = Rollout(C.RolloutCheckpointedGradient, steps);
            Verify(() => C.RolloutCheckpointed(x0[0], v0[0], k[0], steps), Scalar("x0", x0, g[1]), Scalar("v0", v0, g[2]), Scalar("k", k, g[3]));
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(6)]
        [InlineData(60)]
        public void WhileLoopWithADataDependentEnd(int length)
        {
            var rng = new Random(length + 7);
            double[] x = Random(rng, length, 0.1, 0.6);
            (double value, double[] dx, double da) = Run(C.GrowthGradient, x, 0.4);
            (double v2, double[] dx2, double da2) = Run(C.GrowthCheckpointedGradient, x, 0.4);
            Assert.Equal(value, v2);
            Assert.Equal(da, da2, 1e-12);
            Assert.Equal(dx, dx2, new Close(1e-12));
            if (length > 0)
            {
                double[] av = { 0.4 };
                Verify(() => C.GrowthCheckpointed(x, av[0]), Param("x", x, dx2), Scalar("a", av, da2));
            }
        }

        [Theory]
        [InlineData(0, 1)]
        [InlineData(1, 2)]
        [InlineData(2, 3)]
        [InlineData(9, 4)]
        [InlineData(31, 5)]
        [InlineData(64, 6)]
        public void BreakEarlyReturnBranchesAndANestedLoop(int length, int seed)
        {
            var rng = new Random(seed);
            for (int draw = 0; draw < 6; draw++)
            {
                double[] x = Random(rng, length, -1.5, 1.5), w = Random(rng, 3);
                double a = 0.5 + rng.NextDouble();
                double[] dx = new double[length], dw = new double[3], dx2 = new double[length], dw2 = new double[3];
                double da = 0, da2 = 0;
                double value = C.JumpsGradient(x, w, a, dx, dw, ref da);
                Assert.Equal(value, C.JumpsCheckpointedGradient(x, w, a, dx2, dw2, ref da2));
                Assert.Equal(da, da2, 1e-12);
                Assert.Equal(dx, dx2, new Close(1e-12));
                Assert.Equal(dw, dw2, new Close(1e-12));
            }
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(13)]
        public void TwoLoopsAndALoopWritingAnOutput(int length)
        {
            var rng = new Random(length + 3);
            double[] x = Random(rng, length), dy = Random(rng, length);
            double[] y = new double[length], y2 = new double[length], dx = new double[length], dx2 = new double[length];
            double da = 0, da2 = 0;
            double value = C.TwoLoops(x, 0.3, y);
            C.TwoLoopsBackward(x, 0.3, y, 1.0, dy, dx, ref da);
            Assert.Equal(value, C.TwoLoops(x, 0.3, y2));
            C.TwoLoopsCheckpointedBackward(x, 0.3, y2, 1.0, dy, dx2, ref da2);
            Assert.Equal(da, da2, 1e-12);
            Assert.Equal(dx, dx2, new Close(1e-12));
        }

        /// <summary>
        /// A loop rewriting a state vector h (its elements read before the step writes them) is checkpointed with h saved
        /// whole in each snapshot: gradients and Hessian-vector products equal the taped twin's, and central differences.
        /// </summary>
        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(6)]
        [InlineData(41)]
        public void AStateVectorIsSnapshotWhole(int steps)
        {
            var rng = new Random(steps + 5);
            const int n = 4;
            double[] w = Random(rng, n), h0 = Random(rng, n), vw = Random(rng, n), vh0 = Random(rng, n);
            (double Value, double[] Dw, double[] Dh0, double[] H) Gradient(bool checkpointed, double[] at)
            {
                double[] dw = new double[n], dh0 = new double[n], h = new double[n];
                double value = checkpointed ? C.VectorRecurrenceCheckpointedGradient(at, h0, h, steps, dw, dh0) : C.VectorRecurrenceGradient(at, h0, h, steps, dw, dh0);
                return (value, dw, dh0, h);
            }

            var taped = Gradient(false, w);
            var checkpointed = Gradient(true, w);
            Assert.Equal(taped.Value, checkpointed.Value);
            Assert.Equal(taped.H, checkpointed.H);
            Assert.Equal(taped.Dw, checkpointed.Dw, new Close(1e-12));
            Assert.Equal(taped.Dh0, checkpointed.Dh0, new Close(1e-12));
            for (int i = 0; i < n; i++)
            {
                double[] up = (double[])w.Clone(), down = (double[])w.Clone();
                up[i] += 1e-6;
                down[i] -= 1e-6;
                AssertClose((Gradient(true, up).Value - Gradient(true, down).Value) / 2e-6, checkpointed.Dw[i]);
            }

            double[] hvw = new double[n], hvh0 = new double[n], hvw2 = new double[n], hvh02 = new double[n], h1 = new double[n], h2 = new double[n];
            C.VectorRecurrenceHessianVector(w, h0, h1, steps, vw, vh0, hvw, hvh0);
            C.VectorRecurrenceCheckpointedHessianVector(w, h0, h2, steps, vw, vh0, hvw2, hvh02);
            Assert.Equal(hvw, hvw2, new Close(1e-12));
            Assert.Equal(hvh0, hvh02, new Close(1e-12));
        }

        /// <summary>
        /// A loop writing a sequence y[t] no step reads first is checkpointed without y in its snapshots; y is saved once before
        /// the loop, for the reverse sweep of the loop before it, which reads y's earlier values (without that, its gradient is
        /// wrong).
        /// </summary>
        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(9)]
        [InlineData(64)]
        public void ASequenceIsRestoredForTheReverseSweepBeforeIt(int length)
        {
            var rng = new Random(length + 7);
            double[] x = Random(rng, length), vx = Random(rng, length);
            double[] y = new double[length], y2 = new double[length], dx = new double[length], dx2 = new double[length];
            double da = 0, da2 = 0;
            double value = C.SequenceGradient(x, 0.6, y, dx, ref da);
            Assert.Equal(value, C.SequenceCheckpointedGradient(x, 0.6, y2, dx2, ref da2));
            Assert.Equal(y, y2);
            Assert.Equal(da, da2, 1e-12);
            Assert.Equal(dx, dx2, new Close(1e-12));

            double[] hx = new double[length], hx2 = new double[length];
            double ha = 0, ha2 = 0;
            C.SequenceHessianVector(x, 0.6, y, vx, 0.3, hx, ref ha);
            C.SequenceCheckpointedHessianVector(x, 0.6, y2, vx, 0.3, hx2, ref ha2);
            Assert.Equal(ha, ha2, 1e-12);
            Assert.Equal(hx, hx2, new Close(1e-12));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(9)]
        [InlineData(64)]
        public void AValueTheStepsReadChangedAfterTheLoopIsSavedWithTheState(int length)
        {
            var rng = new Random(length + 11);
            double[] x = Random(rng, length), vx = Random(rng, length), dy = Random(rng, length);
            double[] y = new double[length], y2 = new double[length], dx = new double[length], dx2 = new double[length];
            double da = 0, da2 = 0;
            C.ChangedAfterBackward(x, 0.6, y, 0.7, dy, dx, ref da);
            C.ChangedAfterCheckpointedBackward(x, 0.6, y2, 0.7, dy, dx2, ref da2);
            Assert.Equal(da, da2, 1e-12);
            Assert.Equal(dx, dx2, new Close(1e-12));

            double[] hx = new double[length], hx2 = new double[length];
            double ha = 0, ha2 = 0;
            C.ChangedAfterHessianVector(x, 0.6, y, vx, 0.3, hx, ref ha);
            C.ChangedAfterCheckpointedHessianVector(x, 0.6, y2, vx, 0.3, hx2, ref ha2);
            Assert.Equal(ha, ha2, 1e-12);
            Assert.Equal(hx, hx2, new Close(1e-12));
        }

        private delegate void HessianVector(ReadOnlySpan<double> x, double a, ReadOnlySpan<double> vx, double va, Span<double> hvx, ref double hva);

        /// <summary>
        /// MHessianVector of a method that checkpoints its loops runs the same schedule over the loop's state and its tangent:
        /// the products equal the taped twin's, for every budget, a while loop with a data-dependent end, and break, return,
        /// branches and a nested loop — and central differences of the checkpointed gradient.
        /// </summary>
        [Theory]
        [MemberData(nameof(Lengths))]
        public void HessianVectorProductsEqualTheTapedOnes(int length)
        {
            var rng = new Random(length + 11);
            double[] x = Random(rng, length), vx = Random(rng, length);
            const double a = 0.9, va = 0.7;
            (double[] hx, double ha) = Product(C.RecurrenceHessianVector, x, a, vx, va);
            foreach (HessianVector hvp in new HessianVector[] { C.RecurrenceAutoHessianVector, C.RecurrenceOneHessianVector, C.RecurrenceTwoHessianVector, C.RecurrenceThreeHessianVector, C.RecurrenceFiveHessianVector })
            {
                (double[] hx2, double ha2) = Product(hvp, x, a, vx, va);
                Assert.Equal(ha, ha2, new Close(1e-12));
                Assert.Equal(hx, hx2, new Close(1e-12));
            }

            if (length is > 0 and < 50)
            {
                (double[] hx3, double ha3) = Product(C.RecurrenceTwoHessianVector, x, a, vx, va);
                (double[] Dx, double Da) Along(double h)
                {
                    (_, double[] dx, double da) = Run(C.RecurrenceTwoGradient, x.Zip(vx, (xi, vi) => xi + (h * vi)).ToArray(), a + (h * va));
                    return (dx, da);
                }

                var (up, down) = (Along(1e-5), Along(-1e-5));
                AssertClose((up.Da - down.Da) / 2e-5, ha3);
                for (int i = 0; i < length; i++) AssertClose((up.Dx[i] - down.Dx[i]) / 2e-5, hx3[i]);
            }

            double[] g = Random(rng, length, 0.1, 0.6), vg = Random(rng, length);
            (double[] hg, double hga) = Product(C.GrowthHessianVector, g, 0.4, vg, va);
            (double[] hg2, double hga2) = Product(C.GrowthCheckpointedHessianVector, g, 0.4, vg, va);
            Assert.Equal(hga, hga2, new Close(1e-12));
            Assert.Equal(hg, hg2, new Close(1e-12));

            double[] w = Random(rng, 3), vw = Random(rng, 3), hw = new double[3], hw2 = new double[3], hj = new double[length], hj2 = new double[length];
            double hja = 0, hja2 = 0;
            C.JumpsHessianVector(x, w, 0.8, vx, vw, va, hj, hw, ref hja);
            C.JumpsCheckpointedHessianVector(x, w, 0.8, vx, vw, va, hj2, hw2, ref hja2);
            Assert.Equal(hja, hja2, new Close(1e-12));
            Assert.Equal(hj, hj2, new Close(1e-12));
            Assert.Equal(hw, hw2, new Close(1e-12));
        }

        [Theory]
        [InlineData(0)]
        [InlineData(5)]
        [InlineData(11)]
        [InlineData(300)]
        public void RolloutHessianVectorProductsBelowAndAboveTheThreshold(int steps)
        {
            double[] Product(RolloutHessianVector hvp)
            {
                double hx0 = 0, hv0 = 0, hk = 0;
                hvp(0.3, -0.2, 4.0, steps, 0.5, -1.0, 0.25, ref hx0, ref hv0, ref hk);
                return new[] { hx0, hv0, hk };
            }

            double[] taped = Product(C.RolloutHessianVector);
            Assert.Equal(taped, Product(C.RolloutCheckpointedHessianVector), new Close(1e-12));
            Assert.Equal(taped, Product(C.RolloutAboveHessianVector), new Close(1e-12));
        }

        private delegate void RolloutHessianVector(double x0, double v0, double k, int steps, double vx0, double vv0, double vk, ref double hx0, ref double hv0, ref double hk);

        private static (double[] Hx, double Ha) Product(HessianVector hvp, double[] x, double a, double[] vx, double va)
        {
            double[] hx = new double[x.Length];
            double ha = 0;
            hvp(x, a, vx, va, hx, ref ha);
            return (hx, ha);
        }

        [Fact]
        public void TheWorkspaceIsBalancedAfterwards()
        {
            Workspace ws = Workspace.Current;
            WorkspaceMark before = ws.Mark();
            Run(C.RecurrenceTwoGradient, Random(new Random(1), 100), 0.5);
            Rollout(C.RolloutAboveGradient, 50);
            Run(C.GrowthCheckpointedGradient, Random(new Random(2), 40, 0.1, 0.6), 0.4);
            Product(C.RecurrenceThreeHessianVector, Random(new Random(4), 100), 0.5, Random(new Random(5), 100), 1.0);
            Assert.Equal(before, ws.Mark());
        }

        private static (double Value, double[] Dx, double Da) Run(Gradient gradient, double[] x, double a)
        {
            double[] dx = new double[x.Length];
            double da = 0;
            double value = gradient(x, a, dx, ref da);
            return (value, dx, da);
        }

        private delegate double RolloutGradient(double x0, double v0, double k, int steps, ref double dx0, ref double dv0, ref double dk);

        private static double[] Rollout(RolloutGradient gradient, int steps)
        {
            double dx0 = 0, dv0 = 0, dk = 0;
            double value = gradient(0.3, -0.2, 4.0, steps, ref dx0, ref dv0, ref dk);
            return new[] { value, dx0, dv0, dk };
        }

        private sealed class Close : System.Collections.Generic.IEqualityComparer<double>
        {
            private readonly double _tolerance;

            public Close(double tolerance) => _tolerance = tolerance;

            public bool Equals(double a, double b) => Math.Abs(a - b) <= _tolerance * Math.Max(1, Math.Abs(a));

            public int GetHashCode(double value) => 0;
        }
    }

    // Allocation counts are per thread: not in parallel with the others.
    [Collection(nameof(AllocationCollection))]
    public class CheckpointAllocationTests
    {
        [Fact]
        public void ASteadyStateCheckpointedGradientAllocatesNothingAndKeepsLittle()
        {
            double[] x = Random(new Random(3), 200_000, -0.5, 0.5), dx = new double[x.Length];
            double da = 0;
            Workspace.Current.Trim();
            C.RecurrenceAutoGradient(x, 0.9, dx, ref da);
            C.RecurrenceAutoGradient(x, 0.9, dx, ref da);
            long before = GC.GetAllocatedBytesForCurrentThread();
            C.RecurrenceAutoGradient(x, 0.9, dx, ref da);
            C.RecurrenceAutoGradient(x, 0.9, dx, ref da);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

            // The taped twin reserves a slot per step; the checkpointed one a few hundred.
            Assert.True(Workspace.Current.ReservedBytes < 64 * 1024, Workspace.Current.ReservedBytes.ToString());
            C.RecurrenceGradient(x, 0.9, dx, ref da);
            Assert.True(Workspace.Current.ReservedBytes > 200_000 * 8);
            Workspace.Current.Trim();
        }

        /// <summary>The checkpointed Hessian-vector product snapshots the state and its tangent, not a slot per step.</summary>
        [Fact]
        public void ASteadyStateCheckpointedHessianVectorProductAllocatesNothingAndKeepsLittle()
        {
            double[] x = Random(new Random(3), 200_000, -0.5, 0.5), vx = Random(new Random(4), 200_000, -0.5, 0.5), hvx = new double[x.Length];
            double hva = 0;
            Workspace.Current.Trim();
            C.RecurrenceAutoHessianVector(x, 0.9, vx, 1.0, hvx, ref hva);
            C.RecurrenceAutoHessianVector(x, 0.9, vx, 1.0, hvx, ref hva);
            long before = GC.GetAllocatedBytesForCurrentThread();
            C.RecurrenceAutoHessianVector(x, 0.9, vx, 1.0, hvx, ref hva);
            C.RecurrenceAutoHessianVector(x, 0.9, vx, 1.0, hvx, ref hva);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.True(Workspace.Current.ReservedBytes < 64 * 1024, Workspace.Current.ReservedBytes.ToString());
            C.RecurrenceHessianVector(x, 0.9, vx, 1.0, hvx, ref hva);
            Assert.True(Workspace.Current.ReservedBytes > 200_000 * 16);
            Workspace.Current.Trim();
        }
    }
}
