namespace SymGrad
{
    /// <summary>
    /// Runs a row-range job over two cores: the caller takes the first half of the rows and <see cref="PairWorker"/> the
    /// second, allocation-free. For memory-bound passes (mean subtraction, large element-wise layers) one core cannot
    /// saturate the memory system of this machine, two get close to it. Below <see cref="MinElements"/>, when
    /// <see cref="Gemm.MaxThreads"/> is 1, or when the worker is busy with another caller, the caller runs every row.
    /// </summary>
    internal static unsafe class RowSplit
    {
        /// <summary>
        /// Elements a call must touch before the split pays. Handing a job to the worker costs about a microsecond when it
        /// is spinning (tens when it sleeps), and a 64k-float pass over L2/L3 takes ~10 µs on one core.
        /// </summary>
        internal const long MinElements = 1 << 16;

        /// <summary>
        /// Calls <c>work(state, r0, r1)</c> over row ranges covering [0, <paramref name="rows"/>) once, split in two
        /// when <paramref name="elements"/> (the elements the whole call touches) is at least <see cref="MinElements"/>.
        /// <paramref name="state"/> is the caller's own struct; it outlives both halves, as the caller waits for them.
        /// </summary>
        internal static void Run(void* state, int rows, long elements, delegate*<void*, int, int, void> work)
        {
            if (Gemm.MaxThreads > 1 && rows >= 2 && elements >= MinElements)
            {
                var job = new Job { State = state, Work = work, Rows = rows, Split = rows / 2 };
                if (PairWorker.TryRunPair(&job, &RunPart))
                {
                    return;
                }
            }

            work(state, 0, rows);
        }

        private static void RunPart(void* jobPointer, int part)
        {
            ref Job job = ref *(Job*)jobPointer;
            if (part == 0)
            {
                job.Work(job.State, 0, job.Split);
            }
            else
            {
                job.Work(job.State, job.Split, job.Rows);
            }
        }

        private struct Job
        {
            public void* State;
            public delegate*<void*, int, int, void> Work;
            public int Rows;
            public int Split;
        }
    }
}
