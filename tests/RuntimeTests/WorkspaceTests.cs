using System;
using Xunit;

namespace SymGrad.RuntimeTests
{
    // Allocation counts are per thread; a kernel's parallel wait can run another test's work inline: not in parallel with others.
    [Collection(nameof(AllocationCollection))]
    public class WorkspaceTests
    {
        /// <summary>Lent arrays: of the exact length asked, zeroed, distinct while lent, back on the shelf at the release, gone at a trim.</summary>
        [Fact]
        public void ArraysAreLentByExactLengthAndReturnedAtTheRelease()
        {
            var workspace = new Workspace();
            WorkspaceMark mark = workspace.Mark();
            double[] a = workspace.CopyArray(new double[] { 1, 2, 3 }), b = workspace.RentArray<double>(3);
            float[] f = workspace.RentArray<float>(3);
            Assert.Equal(new double[] { 1, 2, 3 }, a);
            Assert.Equal(new double[3], b);
            Assert.NotSame(a, b);
            Assert.Equal(3, f.Length);
            Assert.False(workspace.IsEmpty);
            b[0] = 9;
            workspace.Release(mark);
            Assert.True(workspace.IsEmpty);

            double[] again = workspace.RentArray<double>(3), other = workspace.RentArray<double>(3);
            Assert.True(ReferenceEquals(again, a) || ReferenceEquals(again, b)); // from the shelf, not new
            Assert.True(ReferenceEquals(other, a) || ReferenceEquals(other, b));
            Assert.NotSame(again, other);
            Assert.Equal(new double[3], again); // zeroed on the way out
            Assert.Equal(new double[3], other);
            Assert.Equal(4, workspace.RentArray<double>(4).Length);
            workspace.Release(mark);
            long reserved = workspace.ReservedBytes;
            Assert.True(workspace.Trim());
            Assert.Equal(reserved - ((3 + 3 + 4) * sizeof(double)) - (3 * sizeof(float)), workspace.ReservedBytes);
        }

        [Fact]
        public void ReleaseReturnsTapesAndScratchToTheMark()
        {
            var ws = new Workspace();
            var outer = ws.Mark();
            ws.Doubles.Push(1.0);
            var inner = ws.Mark();
            ws.Doubles.Push(2.0);
            var span = ws.RentDoubles(5000);
            span[4999] = 3;
            ws.Release(inner);
            Assert.Equal(1, ws.Doubles.Count);
            Assert.Equal(1.0, ws.Doubles.Pop());
            ws.Release(outer);
            Assert.All(ws.RentDoubles(5000).ToArray(), v => Assert.Equal(0.0, v));
        }

        [Fact]
        public void SteadyStateRentAndPushAllocateNothing()
        {
            var ws = new Workspace();
            void Step()
            {
                var mark = ws.Mark();
                for (int i = 0; i < 10_000; i++) ws.Doubles.Push(i);
                ws.RentDoubles(3000);
                ws.RentDoubles(7000);
                ws.Release(mark);
            }

            Step();
            Step();
            long before = System.GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++) Step();
            Assert.Equal(0, System.GC.GetAllocatedBytesForCurrentThread() - before);
        }

        private struct Odd
        {
            public float A, B, C; // 12 bytes: not a whole number of doubles
        }

        [Fact]
        public void RentedStructsAreZeroedDisjointAndReleasedWithTheMark()
        {
            var ws = new Workspace();
            var mark = ws.Mark();
            ws.RentDoubles(64).Fill(9); // dirty the arena
            ws.Release(mark);
            Span<Odd> first = ws.Rent<Odd>(5);
            Span<Odd> second = ws.Rent<Odd>(3);
            Assert.Equal(5, first.Length);
            Assert.All(first.ToArray(), o => Assert.Equal(default, o));
            Assert.All(second.ToArray(), o => Assert.Equal(default, o));
            first.Fill(new Odd { A = 1, B = 2, C = 3 });
            Assert.All(second.ToArray(), o => Assert.Equal(default, o)); // the last struct's tail does not reach the next rent
            Assert.Equal(0, ws.Rent<Odd>(0).Length);
            ws.Release(mark);
            Assert.Equal(0, ws.DoubleScratch.Mark() & 0xFFFF_FFFF);

            void Step()
            {
                var m = ws.Mark();
                ws.Rent<Odd>(1000);
                ws.Release(m);
            }

            Step();
            long before = System.GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++) Step();
            Assert.Equal(0, System.GC.GetAllocatedBytesForCurrentThread() - before);
        }

        [Fact]
        public void CopyHoldsTheSourceAndLaterRentsAreStillZeroed()
        {
            var ws = new Workspace();
            var mark = ws.Mark();
            ws.RentFloats(100).Fill(7f); // dirty the arena
            ws.Release(mark);
            float[] source = { 1, -2, 3.5f };
            Span<float> copy = ws.Copy(source);
            Assert.Equal(source, copy.ToArray());
            Assert.All(ws.RentFloats(50).ToArray(), v => Assert.Equal(0f, v));
            Assert.Equal(new double[] { 4, 5 }, ws.Copy(new double[] { 4, 5 }).ToArray());
            Assert.Equal(0, ws.Copy(ReadOnlySpan<float>.Empty).Length);
            ws.Release(mark);
        }
    

        [Fact]
        public void EmptyCotangentsBecomeZeros()
        {
            var ws = new Workspace();
            var mark = ws.Mark();
            ws.RentFloats(64).Fill(3f); // dirty the arena
            ws.Release(mark);
            Span<float> zeros = ws.CopyOrZeros(ReadOnlySpan<float>.Empty, 40);
            Assert.Equal(40, zeros.Length);
            Assert.All(zeros.ToArray(), v => Assert.Equal(0f, v));
            float[] source = { 1, 2, 3 };
            Span<float> copy = ws.CopyOrZeros(source, 3);
            copy[0] = 9;
            Assert.Equal(new float[] { 1, 2, 3 }, source); // a copy, not the caller's memory
            Assert.Equal(new double[] { 4, 5 }, ws.CopyOrZeros(new double[] { 4, 5 }, 2).ToArray());
            ws.Release(mark);

            Assert.Equal(new double[300], Workspace.ZerosIfEmpty(ReadOnlySpan<double>.Empty, 300).ToArray());
            Assert.Equal(new float[7], Workspace.ZerosIfEmpty(ReadOnlySpan<float>.Empty, 7).ToArray());
            Assert.True(Workspace.ZerosIfEmpty(source, 3) == source.AsSpan()); // a non-empty cotangent is passed through
        }

        [Fact]
        public void DiscardMemoryStaysDiscardMemoryWhenTheBufferGrows()
        {
            // Unwanted gradients land in a per-thread discard buffer; a longer request replaces it, and slices of the old
            // one (held by a backward still running) must still pass the overlap checks (found by the random-program tester).
            Span<double> dw = Workspace.DiscardIfEmpty(Span<double>.Empty, 4), db = Workspace.DiscardIfEmpty(Span<double>.Empty, 2);
            Span<double> dz = Workspace.DiscardIfEmpty(Span<double>.Empty, 1 << 16);
            Guard.Disjoint<double>(db, nameof(db), dw, nameof(dw));
            Guard.Disjoint<double>(dz, nameof(dz), dw, nameof(dw));
            double[] user = new double[4];
            Assert.Throws<ArgumentException>(() => Guard.Disjoint<double>(user, nameof(user), user.AsSpan(1), "part"));
        }

        /// <summary>Guard.Disjoint's written-out test throws exactly where MemoryExtensions.Overlaps says the spans share memory.</summary>
        [Fact]
        public void DisjointThrowsExactlyWhereSpansOverlap()
        {
            var rng = new Random(7);
            double[] buffer = new double[40];
            float[] floats = new float[40];
            for (int i = 0; i < 20000; i++)
            {
                int s1 = rng.Next(41), s2 = rng.Next(41);
                int l1 = rng.Next(41 - s1), l2 = rng.Next(41 - s2);
                bool overlaps = ((ReadOnlySpan<double>)buffer.AsSpan(s1, l1)).Overlaps(buffer.AsSpan(s2, l2));
                bool threw = Throws(() => Guard.Disjoint<double>(buffer.AsSpan(s1, l1), "a", buffer.AsSpan(s2, l2), "b"));
                Assert.True(overlaps == threw, $"[{s1}, {s1 + l1}) and [{s2}, {s2 + l2}): overlap {overlaps}, threw {threw}");
                Assert.Equal(((ReadOnlySpan<float>)floats.AsSpan(s1, l1)).Overlaps(floats.AsSpan(s2, l2)), Throws(() => Guard.Disjoint<float>(floats.AsSpan(s1, l1), "a", floats.AsSpan(s2, l2), "b")));
            }

            Assert.False(Throws(() => Guard.Disjoint<double>(buffer, "a", new double[40], "b"))); // two arrays
            static bool Throws(Action check)
            {
                try
                {
                    check();
                    return false;
                }
                catch (ArgumentException)
                {
                    return true;
                }
            }
        }
    }
}
