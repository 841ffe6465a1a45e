using System;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace SymGrad
{
    /// <summary>
    /// A single background thread that runs part 1 of a GEMM while the caller runs part 0: the machine has two
    /// cores, and unlike <c>Parallel.For</c> handing it a job allocates nothing. After a job it spins briefly for the
    /// next one (the GEMMs of a training step come back to back), then sleeps on an event.
    /// </summary>
    internal static unsafe class GemmWorker
    {
        /// <summary>How long the worker spins for the next job before it blocks: a wake-up from sleep costs tens of µs.</summary>
        private static readonly long SpinTicks = Stopwatch.Frequency / 10_000; // 100 µs

        /// <summary>Serialises callers: a second thread that finds the worker busy computes alone instead of waiting.</summary>
        private static readonly object Gate = new();

        private static readonly ManualResetEventSlim Wake = new(false, 0);

        private static Thread? s_thread;
        private static GemmJob s_job;
        private static delegate*<in GemmJob, int, void> s_work;
        private static int s_requested;
        private static int s_completed;
        private static ExceptionDispatchInfo? s_error;

        /// <summary>
        /// Runs <c>work(job, 0)</c> here and <c>work(job, 1)</c> on the worker and returns when both are done; returns
        /// false without running anything when another caller holds the worker.
        /// </summary>
        internal static bool TryRunPair(in GemmJob job, delegate*<in GemmJob, int, void> work)
        {
            if (!Monitor.TryEnter(Gate))
            {
                return false;
            }

            try
            {
                if (s_thread is null)
                {
                    s_thread = new Thread(Loop) { IsBackground = true, Name = "SymGrad GEMM worker" };
                    s_thread.Start();
                }

                s_job = job;
                s_work = work;
                s_error = null;
                int generation = Interlocked.Increment(ref s_requested);
                Wake.Set();

                ExceptionDispatchInfo? mine = null;
                try
                {
                    work(job, 0);
                }
                catch (Exception e)
                {
                    mine = ExceptionDispatchInfo.Capture(e);
                }

                // The worker has the same amount of work, so it finishes about now: yield, never sleep.
                SpinWait spin = default;
                while (Volatile.Read(ref s_completed) != generation)
                {
                    spin.SpinOnce(sleep1Threshold: -1);
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
                        // Reset before re-checking: a job posted after the check sets the event again, so none is lost.
                        Wake.Wait();
                        Wake.Reset();
                        deadline = Stopwatch.GetTimestamp() + SpinTicks;
                    }
                    else
                    {
                        // Yields after a few spins, so a caller the scheduler put on this same core still runs.
                        spin.SpinOnce(sleep1Threshold: -1);
                    }
                }

                seen = Volatile.Read(ref s_requested);
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
