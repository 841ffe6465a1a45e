using System;
using System.Collections.Generic;
using Xunit;

namespace SymGrad.RuntimeTests.Checkpointing
{
    /// <summary>The binomial checkpointing schedule on its own: a simulated loop whose state is its step number.</summary>
    public class RevolveTests
    {
        public static IEnumerable<object[]> Cases()
        {
            foreach (int steps in new[] { 0, 1, 2, 3, 4, 5, 7, 10, 16, 33, 100, 257 })
            {
                foreach (int snapshots in new[] { 1, 2, 3, 4, 5, 8, 20, 300 })
                {
                    yield return new object[] { steps, snapshots };
                }
            }
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void ReversesEveryStepOnceLastFirstWithinTheBudget(int steps, int snapshots)
        {
            foreach (bool fromStart in new[] { false, true })
            {
                (long forward, int maxHeld) = Simulate(steps, snapshots, fromStart: fromStart);
                Assert.True(maxHeld <= Math.Max(1, Math.Min(snapshots, steps + 1)), $"held {maxHeld} snapshots, budget {snapshots}");
                Assert.Equal(Revolve.OptimalForwardSteps(steps, snapshots), forward);
            }
        }

        [Fact]
        public void FromStartTheFirstSweepIsTheForwardRunAndANegativeTripCountIsNone()
        {
            var revolve = Revolve.FromStart(-3, 2, new int[2]);
            Assert.Equal(0, revolve.Steps);
            Assert.True(revolve.NextForward()); // no step: the start's snapshot goes back at once
            Assert.Equal(RevolveAction.Restore, revolve.Action);
            Assert.False(revolve.NextForward());
            Assert.False(revolve.Next());

            // 10 steps, 3 snapshots: the forward sweep advances and stores up to step 9, which it tapes.
            revolve = Revolve.FromStart(10, 3, new int[3]);
            int advanced = 0;
            while (revolve.NextForward())
            {
                Assert.NotEqual(RevolveAction.Restore, revolve.Action);
                advanced += revolve.Action == RevolveAction.Advance ? revolve.To - revolve.From : 0;
            }

            Assert.Equal(RevolveAction.Turn, revolve.Action);
            Assert.Equal(9, revolve.From);
            Assert.Equal(9, advanced);
            Assert.True(revolve.Next());
            Assert.Equal(RevolveAction.Reverse, revolve.Action);
            Assert.Equal(9, revolve.From);
        }

        [Fact]
        public void ForwardStepsAreTheOptimumOfTheRecurrence()
        {
            // T(l, c) = min over the first snapshot's place m of m + T(l − m, c − 1) + T(m, c): the fewest untaped steps,
            // computed by brute force and compared with the closed form and with what the schedule runs.
            const int maxSteps = 60, maxSnapshots = 7;
            var t = new long[maxSteps + 1, maxSnapshots + 1];
            for (int c = 1; c <= maxSnapshots; c++)
            {
                for (int l = 2; l <= maxSteps; l++)
                {
                    if (c == 1)
                    {
                        t[l, c] = (long)l * (l - 1) / 2;
                        continue;
                    }

                    long best = long.MaxValue;
                    for (int m = 1; m < l; m++)
                    {
                        best = Math.Min(best, m + t[l - m, c - 1] + t[m, c]);
                    }

                    t[l, c] = best;
                }
            }

            for (int c = 1; c <= maxSnapshots; c++)
            {
                for (int l = 0; l <= maxSteps; l++)
                {
                    long optimum = l <= 1 ? 0 : t[l, Math.Min(c, l + 1)];
                    Assert.Equal(optimum, Revolve.OptimalForwardSteps(l, c));
                    Assert.Equal(optimum, Simulate(l, c).Forward);
                    Assert.Equal(optimum, Simulate(l, c, fromStart: true).Forward);
                }
            }
        }

        [Theory]
        [InlineData(10_000_000, 0)]
        [InlineData(10_000_000, 24)]
        [InlineData(1_000_000, 2)]
        public void LongLoopsStayWithinTheirBudget(int steps, int snapshots)
        {
            (long forward, int maxHeld) = Simulate(steps, snapshots, check: false);
            int budget = snapshots == 0 ? Revolve.DefaultSnapshots(steps) : snapshots;
            Assert.True(maxHeld <= budget);
            Assert.Equal(Revolve.OptimalForwardSteps(steps, snapshots), forward);
        }

        [Fact]
        public void DefaultSnapshotsRunNoStepMoreThanThreeTimesForward()
        {
            foreach (int steps in new[] { 1, 2, 10, 1000, 123_457, 10_000_000 })
            {
                int c = Revolve.DefaultSnapshots(steps);
                Assert.True(Revolve.OptimalForwardSteps(steps, c) <= 3L * steps);
                Assert.True(c == 1 || Revolve.OptimalForwardSteps(steps, c - 1) > 2L * steps || c - 1 < 1);
            }

            Assert.InRange(Revolve.DefaultSnapshots(10_000_000), 350, 420);
        }

        [Fact]
        public void RefusesNegativeArguments()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new Revolve(-1, 1, new int[4]));
            Assert.Throws<ArgumentOutOfRangeException>(() => new Revolve(3, -1, new int[4]));
            Assert.Throws<ArgumentException>(() => new Revolve(30, 5, new int[4]));
        }

        /// <summary>
        /// Runs the schedule on a loop whose state is its step number and a stack of snapshots: every action must find the
        /// state it expects, every step be turned once from last to first, and the end leave step 0's state and no snapshot.
        /// </summary>
        private static (long Forward, int MaxHeld) Simulate(int steps, int snapshots, bool check = true, bool fromStart = false)
        {
            int[] positions = new int[Revolve.PositionsLength(steps, snapshots)];
            var revolve = fromStart ? Revolve.FromStart(steps, snapshots, positions) : new Revolve(steps, snapshots, positions);

            // Taped: the state after the forward loop is that of the end, which the schedule never uses. From the start:
            // the schedule's first sweep is the loop's run, up to the last step, which the forward sweep tapes.
            var loop = new Loop(steps, check) { State = fromStart ? 0 : -1 };
            while (fromStart ? revolve.NextForward() : revolve.Next())
            {
                Assert.True(!fromStart || revolve.Action != RevolveAction.Restore || steps == 0, "a restore in the forward sweep");
                loop.Apply(revolve);
            }

            if (fromStart && revolve.Action == RevolveAction.Turn)
            {
                Assert.Equal(loop.State, revolve.From);
                loop.Taped = revolve.From;
                loop.State = -1;
            }

            while (revolve.Next())
            {
                loop.Apply(revolve);
            }

            Assert.Equal(-1, loop.Next);
            Assert.Equal(0, loop.State);
            Assert.Empty(loop.Stack);
            Assert.Equal(loop.Forward, revolve.ForwardSteps);
            Assert.Equal(loop.MaxHeld, revolve.MaxHeld);
            return (loop.Forward, loop.MaxHeld);
        }

        /// <summary>A loop whose state is its step number, and the snapshots on its tape.</summary>
        private sealed class Loop
        {
            private readonly int _steps;
            private readonly bool _check;

            public Loop(int steps, bool check)
            {
                _steps = steps;
                _check = check;
                Next = steps - 1;
                Stack.Push(0); // the caller's snapshot of the start
            }

            public Stack<int> Stack { get; } = new();

            public int State { get; set; }

            public int Next { get; private set; }

            public int Taped { get; set; } = -1;

            public long Forward { get; private set; }

            public int MaxHeld { get; private set; } = 1;

            public void Apply(in Revolve revolve)
            {
                switch (revolve.Action)
                {
                    case RevolveAction.Restore:
                        State = Stack.Pop();
                        Assert.Equal(State, revolve.From);
                        break;
                    case RevolveAction.Store:
                        Assert.Equal(State, revolve.From);
                        Stack.Push(State);
                        MaxHeld = Math.Max(MaxHeld, Stack.Count);
                        break;
                    case RevolveAction.Advance:
                        Assert.Equal(State, revolve.From);
                        Assert.True(revolve.To > revolve.From && revolve.To < _steps);
                        Forward += revolve.To - revolve.From;
                        State = revolve.To;
                        break;
                    case RevolveAction.Turn:
                        Assert.Equal(Next, revolve.From);
                        Assert.Equal(State, revolve.From);
                        Next--;
                        State = -1;
                        break;
                    case RevolveAction.Reverse:
                        Assert.Equal(Next, revolve.From);
                        Assert.Equal(Taped, revolve.From);
                        Next--;
                        Taped = -1;
                        break;
                }

                if (_check)
                {
                    Assert.True(Stack.Count <= revolve.Snapshots);
                }
            }
        }
    }
}

namespace SymGrad.RuntimeTests.Checkpointing
{
    // Allocation counts are per thread: not in parallel with the others.
    [Collection(nameof(AllocationCollection))]
    public class RevolveWorkspaceTests
    {
        [Fact]
        public void ASteadyStateScheduleAllocatesNothing()
        {
            var ws = new Workspace();
            long Run()
            {
                WorkspaceMark mark = ws.Mark();
                Revolve revolve = ws.Revolve(100_000, 0);
                long turns = 0;
                while (revolve.Next())
                {
                    turns += revolve.Action == RevolveAction.Turn ? 1 : 0;
                }

                ws.Release(mark);
                return turns;
            }

            Assert.Equal(100_000, Run());
            long before = GC.GetAllocatedBytesForCurrentThread();
            Run();
            Run();
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        [Fact]
        public void TrimGivesBackWhatATapedLoopLeftAndKeepsWhatIsInUse()
        {
            var ws = new Workspace();
            long fresh = ws.ReservedBytes;
            WorkspaceMark mark = ws.Mark();
            for (int i = 0; i < 1_000_000; i++) ws.Doubles.Push(i);
            ws.RentDoubles(100_000);
            ws.Release(mark);
            Assert.True(ws.ReservedBytes > 8_000_000);
            Assert.False(ws.Trim(keepBytes: 1L << 40));
            Assert.True(ws.Trim(keepBytes: 1 << 20));
            Assert.Equal(fresh, ws.ReservedBytes);

            // Values on the tapes and rented spans survive a trim.
            ws.Doubles.Push(42);
            Span<double> rented = ws.RentDoubles(5000);
            rented[4999] = 7;
            ws.Trim();
            Assert.Equal(42, ws.Doubles.Pop());
            Assert.Equal(7, rented[4999]);
        }

        /// <summary>The discard memory an unwanted gradient went to (per thread) and the zeros an empty cotangent read (shared) go too.</summary>
        [Fact]
        public void TrimGivesBackDiscardMemoryWhenNoBackwardRuns()
        {
            Workspace ws = Workspace.Current;
            Workspace.DiscardIfEmpty(Span<double>.Empty, 1_000_000)[999_999] = 1; // 8 MB written nowhere anyone reads
            Assert.True(ws.ReservedBytes >= 8_000_000);

            // A backward running on the thread may hold a slice of it: kept.
            ws.Doubles.Push(1);
            ws.Trim();
            Assert.True(ws.ReservedBytes >= 8_000_000);
            ws.Doubles.Pop();

            long idle = ws.ReservedBytes;
            Assert.True(ws.Trim());
            Assert.True(ws.ReservedBytes <= idle - 7_000_000, $"{idle} → {ws.ReservedBytes} bytes");
            Assert.Equal(3, Workspace.DiscardIfEmpty(Span<double>.Empty, 3).Length); // grows again on demand
        }

        [Fact]
        public void ReleaseCurrentDropsAnIdleWorkspaceOnly()
        {
            Workspace current = Workspace.Current;
            current.Doubles.Push(1);
            Assert.False(Workspace.ReleaseCurrent());
            Assert.Same(current, Workspace.Current);
            current.Doubles.Pop();
            Assert.True(Workspace.ReleaseCurrent());
            Assert.NotSame(current, Workspace.Current);
        }
    }
}
