using System;
using System.Diagnostics;
using System.Linq;

namespace SymGrad.Compare
{
    /// <summary>
    /// <c>--alternate</c>: one workload's step on one thread and on two (<see cref="Gemm.MaxThreads"/>) in alternating
    /// blocks of 40 ms, 200 pairs. The two blocks of a pair see the same state of the host, so this answers whether a
    /// fallback to one thread while the second vCPU is slow would pay: how often one thread won its pair, and what an
    /// oracle that picked the faster side of every pair would reach, beside each side alone.
    /// </summary>
    internal static class Alternate
    {
        private const int Pairs = 200;
        private const double BlockSeconds = 0.04;

        public static void Run(string id, Func<float> step)
        {
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed.TotalSeconds < 1)
            {
                step();
            }

            double[] one = new double[Pairs], two = new double[Pairs];
            for (int pair = 0; pair < Pairs; pair++)
            {
                one[pair] = Block(step, threads: 1);
                two[pair] = Block(step, threads: 2);
            }

            Gemm.MaxThreads = 2;
            double[] oracle = one.Zip(two, Math.Min).ToArray(), ratio = one.Zip(two, (a, b) => a / b).ToArray();
            int oneWins = one.Zip(two).Count(p => p.First < p.Second);
            Console.WriteLine(FormattableString.Invariant(
                $"{id} µs per step (p10 / median / p90 over {Pairs} pairs of {BlockSeconds * 1000:F0} ms blocks): one thread {Percentiles(one)}, two threads {Percentiles(two)}, faster of each pair {Percentiles(oracle)}; one thread won {oneWins} of {Pairs}; one ÷ two {Percentiles(ratio, "F2")}"));
        }

        /// <summary>Mean µs per step over one block at <paramref name="threads"/> threads (after one untimed step to switch).</summary>
        private static double Block(Func<float> step, int threads)
        {
            Gemm.MaxThreads = threads;
            step();
            long start = Stopwatch.GetTimestamp();
            int steps = 0;
            while (Stopwatch.GetElapsedTime(start).TotalSeconds < BlockSeconds)
            {
                step();
                steps++;
            }

            return Stopwatch.GetElapsedTime(start).TotalMicroseconds / steps;
        }

        /// <summary>p10 / median / p90.</summary>
        private static string Percentiles(double[] values, string format = "F0")
            => string.Join(" / ", new[] { 10, 50, 90 }.Select(p => values.Order().ElementAt(p * values.Length / 100)
                .ToString(format, System.Globalization.CultureInfo.InvariantCulture)));
    }
}
