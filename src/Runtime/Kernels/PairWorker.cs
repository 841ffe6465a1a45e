using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace SymGrad
{
    /// <summary>
    /// A single background thread that runs part 1 of a kernel (a GEMM, a convolution, a row-wise pass) while the caller
    /// runs part 0: the machine has two cores, and unlike <c>Parallel.For</c> handing it a job allocates nothing. After a
    /// job it spins briefly for the next one (the kernels of a training step come back to back), then sleeps on an event.
    /// The job is a pointer to the caller's own struct. Part 1 is claimed once per job, by the worker when it wakes or by
    /// the caller when its own part is done first: the caller waits only for a part 1 the worker actually took, so a worker
    /// the scheduler has not run yet never stalls it, and the struct outlives every use of it.
    /// </summary>
    internal static unsafe class PairWorker
    {
        /// <summary>
        /// How long the worker spins for the next job before it blocks: a wake-up from sleep costs tens of µs (more when
        /// the VM has halted the idle vCPU). 250 µs covers the gaps inside a training step, e.g. B's ≈ 100 µs of small
        /// layers between its forward and weight-gradient GEMMs, which the earlier 100 µs did not. Measured: a 256³
        /// product 150 µs after the previous one, median 231–263 µs with a 100 µs spin, 196–201 µs with 250.
        /// </summary>
        private static readonly long SpinTicks = Stopwatch.Frequency / 4_000; // 250 µs

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

        /// <summary>The last job whose part 1 was claimed, by the worker or by the caller taking it back (<see cref="TryTake"/>).</summary>
        private static int s_taken;
        private static ExceptionDispatchInfo? s_error;

        /// <summary>
        /// Runs <c>work(job, 0)</c> here and <c>work(job, 1)</c> on the worker and returns when both are done; returns
        /// false without running anything when another caller holds the worker.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // loops run optimized from the start: no OSR or tier-up on the worker mid-benchmark
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

                // A worker that has not taken the job yet (still waking, or its core taken by another process on this
                // shared VM) may never be waited for: take part 1 back and run it here. Otherwise the worker has the same
                // amount of work, so it finishes about now: yield, never sleep.
                if (TryTake(generation))
                {
                    if (mine is null)
                    {
                        work(job, 1);
                    }
                }
                else
                {
                    SpinWait spin = default;
                    while (Volatile.Read(ref s_completed) != generation)
                    {
                        spin.SpinOnce(sleep1Threshold: -1);
                    }

                    s_error?.Throw();
                }

                mine?.Throw();
                return true;
            }
            finally
            {
                Monitor.Exit(Gate);
            }
        }

        /// <summary>
        /// Claims part 1 of job <paramref name="generation"/> for the calling thread (the worker, or the caller taking
        /// it back); exactly one of the two succeeds per job, whoever comes first.
        /// </summary>
        private static bool TryTake(int generation)
        {
            // Only forwards: a worker that read an older generation (the caller took that job back, returned and started the
            // next, whose part 1 it took too) must not take it — s_taken has moved past it, and a plain "not equal" would let
            // it run the newer job's part 1 a second time (a CI run saw part 1 run twice). Differences survive wrap-around.
            int taken = Volatile.Read(ref s_taken);
            return generation - taken > 0 && Interlocked.CompareExchange(ref s_taken, generation, taken) == taken;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // loops run optimized from the start: no OSR or tier-up on the worker mid-benchmark
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
                if (!TryTake(seen))
                {
                    // The caller took this job back (and may have returned, so its job pointer is dead): nothing to do.
                    continue;
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
