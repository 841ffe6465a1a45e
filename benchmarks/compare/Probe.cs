using System;
using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Threading;

namespace SymGrad.Compare
{
    /// <summary>
    /// <c>--probe</c>: what the two vCPUs deliver right now, printed next to a race so its figures can be read against
    /// the machine's state. FMA throughput of one thread, then of two threads at once (a host that time-slices both
    /// vCPUs on one physical core shows up as two-thread throughput ≈ one thread's), and streaming bandwidth (one and
    /// two threads). Each figure is the median of several short samples, with the min and max, because the host's
    /// contention moves within seconds.
    /// </summary>
    internal static class Probe
    {
        private const int Samples = 9;

        public static void Run()
        {
            Console.WriteLine("# probe (median of 9 samples, [min–max]):");
            Console.WriteLine($"#   FMA GFLOP/s, 1 thread        {Format(Sample(() => Fma(1)))}");
            Console.WriteLine($"#   FMA GFLOP/s, 2 threads (sum) {Format(Sample(() => Fma(2)))}");
            Console.WriteLine($"#   copy GB/s (64 MB), 1 thread  {Format(Sample(() => Copy(1)))}");
            Console.WriteLine($"#   copy GB/s (64 MB), 2 threads {Format(Sample(() => Copy(2)))}");
        }

        private static string Format(double[] values)
        {
            Array.Sort(values);
            return $"{values[values.Length / 2],7:F1} [{values[0]:F1}–{values[^1]:F1}]";
        }

        private static double[] Sample(Func<double> measure)
        {
            measure(); // warm-up: tier-up, page faults of the buffers
            var values = new double[Samples];
            for (int i = 0; i < Samples; i++)
            {
                values[i] = measure();
            }

            return values;
        }

        /// <summary>GFLOP/s summed over <paramref name="threads"/> threads, each running 12 independent FMA chains for ~40 ms.</summary>
        private static double Fma(int threads)
        {
            const long Iterations = 400_000;
            double seconds = RunOnThreads(threads, _ => FmaChains(Iterations));
            return threads * Iterations * 12 * Vector512<float>.Count * 2 / seconds / 1e9;
        }

        private static float FmaChains(long iterations)
        {
            var m = Vector512.Create(0.999999f);
            var a = Vector512.Create(1e-7f);
            Vector512<float> c0 = m, c1 = m, c2 = m, c3 = m, c4 = m, c5 = m, c6 = m, c7 = m, c8 = m, c9 = m, c10 = m, c11 = m;
            for (long i = 0; i < iterations; i++)
            {
                c0 = Vector512.FusedMultiplyAdd(c0, m, a);
                c1 = Vector512.FusedMultiplyAdd(c1, m, a);
                c2 = Vector512.FusedMultiplyAdd(c2, m, a);
                c3 = Vector512.FusedMultiplyAdd(c3, m, a);
                c4 = Vector512.FusedMultiplyAdd(c4, m, a);
                c5 = Vector512.FusedMultiplyAdd(c5, m, a);
                c6 = Vector512.FusedMultiplyAdd(c6, m, a);
                c7 = Vector512.FusedMultiplyAdd(c7, m, a);
                c8 = Vector512.FusedMultiplyAdd(c8, m, a);
                c9 = Vector512.FusedMultiplyAdd(c9, m, a);
                c10 = Vector512.FusedMultiplyAdd(c10, m, a);
                c11 = Vector512.FusedMultiplyAdd(c11, m, a);
            }

            return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
        }

        private static readonly float[][] Buffers = { new float[16 << 20], new float[16 << 20] };

        /// <summary>GB/s (read + write) summed over threads, each copying one half of a 64 MB buffer into the other 4 times.</summary>
        private static double Copy(int threads)
        {
            const int Passes = 4;
            int half = Buffers[0].Length / 2 / threads;
            double seconds = RunOnThreads(threads, t =>
            {
                for (int p = 0; p < Passes; p++)
                {
                    Buffers[t].AsSpan(0, half).CopyTo(Buffers[t].AsSpan(half, half));
                }

                return 0;
            });
            return threads * Passes * 2.0 * half * sizeof(float) / seconds / 1e9;
        }

        /// <summary>
        /// Where each run's result goes, so the JIT cannot drop the work as dead code: once the probe's lambdas reached tier 1
        /// with the FMA loop inlined and its result unused, later one-thread samples read 1,400 GFLOP/s.
        /// </summary>
        private static float s_sink;

        private static void Keep(float result) => Volatile.Write(ref s_sink, s_sink + result);

        /// <summary>Runs <paramref name="work"/> on the caller and <paramref name="threads"/> − 1 fresh threads, started together; wall seconds.</summary>
        private static double RunOnThreads(int threads, Func<int, float> work)
        {
            using var start = new Barrier(threads);
            var others = new Thread[threads - 1];
            for (int t = 1; t < threads; t++)
            {
                int id = t;
                others[t - 1] = new Thread(() => { start.SignalAndWait(); Keep(work(id)); });
                others[t - 1].Start();
            }

            start.SignalAndWait();
            long begin = Stopwatch.GetTimestamp();
            Keep(work(0));
            foreach (Thread other in others)
            {
                other.Join();
            }

            return Stopwatch.GetElapsedTime(begin).TotalSeconds;
        }
    }
}
