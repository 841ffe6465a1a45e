using System;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace SymGrad
{
    /// <summary>
    /// A single background thread that runs part 1 of a kernel (a GEMM, a convolution, a row-wise pass) while the caller
    /// runs part 0: the machine has two cores, and unlike <c>Parallel.For</c> handing it a job allocates nothing. After a
    /// job it spins briefly for the next one (the kernels of a training step come back to back), then sleeps on an event.
    /// The job is a pointer to the caller's own struct. Part 1 is claimed, by generation, either by the worker when it
    /// wakes or by the caller once part 0 is done: a worker the scheduler has not run yet (another process holds the other
    /// core) never makes the caller wait, it just finds its part taken. The caller waits only for a part 1 the worker
    /// actually started, so the struct outlives every use of it.
    /// </summary>
    internal static unsafe class PairWorker
    {
        /// <summary>How long the worker spins for the next job before it blocks: a wake-up from sleep costs tens of µs.</summary>
        private static readonly long SpinTicks = Stopwatch.Frequency / 1_000; // 1 ms

        /// <summary>Serialises callers: a second thread that finds the worker busy computes alone instead of waiting.</summary>
        private static readonly object Gate = new();

        /// <summary>
        /// Where the worker sleeps. An AutoResetEvent blocks in the runtime's native wait code; ManualResetEventSlim blocks
        /// through Monitor.Wait, which was measured to allocate (168 bytes per sleep) and broke the zero-allocation guarantee.
        /// </summary>
        private static readonly AutoResetEvent Wake = new(false);

        private static int s_sleeping;

        private static Thread? s_thread;
        private static void* s_job;
        private static delegate*<void*, int, void> s_work;
        private static int s_requested;
        private static int s_completed;

        /// <summary>The last generation whose part 1 someone (worker or caller) claimed.</summary>
        private static int s_claimed;
        private static ExceptionDispatchInfo? s_error;

        /// <summary>
        /// Runs <c>work(job, 0)</c> here and <c>work(job, 1)</c> on the worker and returns when both are done; returns
        /// false without running anything when another caller holds the worker.
        /// </summary>
        internal static bool TryRunPair(void* job, delegate*<void*, int, void> work)
        {
            if (!Monitor.TryEnter(Gate))
            {
                return false;
            }

            try
            {
                if (s_thread is null)
                {
                    s_thread = new Thread(Loop) { IsBackground = true, Name = "SymGrad worker" };
                    s_thread.Start();
                }

                s_job = job;
                s_work = work;
                s_error = null;
                // Increment and the read of s_sleeping are both full fences, and the worker publishes s_sleeping before
                // it re-checks s_requested: either it sees this job or we see it sleeping and wake it.
                int generation = Interlocked.Increment(ref s_requested);
                if (Volatile.Read(ref s_sleeping) != 0)
                {
                    Wake.Set();
                }

                ExceptionDispatchInfo? mine = null;
                try
                {
                    work(job, 0);
                }
                catch (Exception e)
                {
                    mine = ExceptionDispatchInfo.Capture(e);
                }

                // Part 1 not started yet: the caller takes it (the worker will find it claimed). Otherwise the worker has
                // the same amount of work and finishes about now: yield, never sleep.
                if (Interlocked.CompareExchange(ref s_claimed, generation, generation - 1) == generation - 1)
                {
                    try
                    {
                        work(job, 1);
                    }
                    catch (Exception e)
                    {
                        mine ??= ExceptionDispatchInfo.Capture(e);
                    }
                }
                else
                {
                    SpinWait spin = default;
                    while (Volatile.Read(ref s_completed) != generation)
                    {
                        spin.SpinOnce(sleep1Threshold: -1);
                    }
                }

                mine?.Throw();
                s_error?.Throw();
                return true;
            }
            finally
            {
                Monitor.Exit(Gate);
            }
        }

        private static void Loop()
        {
            int seen = 0;
            while (true)
            {
                long deadline = Stopwatch.GetTimestamp() + SpinTicks;
                SpinWait spin = default;
                while (Volatile.Read(ref s_requested) == seen)
                {
                    if (Stopwatch.GetTimestamp() > deadline)
                    {
                        Interlocked.Exchange(ref s_sleeping, 1);
                        if (Volatile.Read(ref s_requested) == seen)
                        {
                            Wake.WaitOne();
                        }

                        Interlocked.Exchange(ref s_sleeping, 0);
                        deadline = Stopwatch.GetTimestamp() + SpinTicks;
                    }
                    else
                    {
                        // Yields after a few spins, so a caller the scheduler put on this same core still runs.
                        spin.SpinOnce(sleep1Threshold: -1);
                    }
                }

                seen = Volatile.Read(ref s_requested);
                if (Interlocked.CompareExchange(ref s_claimed, seen, seen - 1) != seen - 1)
                {
                    continue; // the caller ran part 1 itself while this thread was not scheduled
                }

                try
                {
                    s_work(s_job, 1);
                }
                catch (Exception e)
                {
                    s_error = ExceptionDispatchInfo.Capture(e);
                }

                Volatile.Write(ref s_completed, seen);
            }
        }
    }
}
