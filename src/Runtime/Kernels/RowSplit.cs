using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace SymGrad
{
    /// <summary>
    /// Runs a row-range job over two cores, the caller and <see cref="PairWorker"/>, allocation-free. For memory-bound
    /// passes (mean subtraction, large element-wise layers, SGD updates) one core cannot saturate the memory system of
    /// this machine, two get close to it. The rows are cut into up to <see cref="Blocks"/> blocks that both threads claim
    /// in turn, so when the worker starts late (woken from sleep, or its core taken by another process) the caller just
    /// does more blocks instead of waiting for a fixed half. Below <see cref="MinElements"/>, when
    /// <see cref="Gemm.MaxThreads"/> is 1, or when the worker is busy with another caller, the caller runs every row.
    /// </summary>
    internal static unsafe class RowSplit
    {
        /// <summary>
        /// Elements a call must touch before the split pays. Handing a job to the worker costs about a microsecond when it
        /// is spinning (tens when it sleeps), and a 64k-float pass over L2/L3 takes ~10 µs on one core.
        /// </summary>
        internal const long MinElements = 1 << 16;

        /// <summary>Blocks the rows are cut into when split: enough that a late worker costs little, few enough that claiming one is noise.</summary>
        internal const int Blocks = 16;

        /// <summary>
        /// Calls <c>work(state, r0, r1)</c> over row ranges covering [0, <paramref name="rows"/>) once each, on two threads
        /// when <paramref name="elements"/> (the elements the whole call touches) is at least <see cref="MinElements"/>.
        /// <paramref name="state"/> is the caller's own struct; it outlives both threads' calls, as the caller waits for them.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimized from the first call: no tier-0 loops or late tier-ups inside a timed step
        internal static void Run(void* state, int rows, long elements, delegate*<void*, int, int, void> work)
        {
            if (Gemm.MaxThreads > 1 && rows >= 2 && elements >= MinElements)
            {
                int blockRows = (rows + Blocks - 1) / Blocks;
                var job = new Job { State = state, Work = work, Rows = rows, BlockRows = blockRows, BlockCount = (rows + blockRows - 1) / blockRows };
                if (PairWorker.TryRunPair(&job, &RunBlocks))
                {
                    return;
                }
            }

            work(state, 0, rows);
        }

        /// <summary>Either thread: claims and runs blocks until none is left.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimized from the first call: no tier-0 loops or late tier-ups inside a timed step
        private static void RunBlocks(void* jobPointer, int part)
        {
            ref Job job = ref *(Job*)jobPointer;
            int block;
            while ((block = Interlocked.Increment(ref job.Claimed) - 1) < job.BlockCount)
            {
                int r0 = block * job.BlockRows;
                job.Work(job.State, r0, Math.Min(r0 + job.BlockRows, job.Rows));
            }
        }

        private struct Job
        {
            public void* State;
            public delegate*<void*, int, int, void> Work;
            public int Rows;
            public int BlockRows;
            public int BlockCount;

            /// <summary>Blocks claimed so far by either thread.</summary>
            public int Claimed;
        }
    }
}
