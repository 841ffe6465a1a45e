using System;
using System.Numerics;
using Xunit;
using Xunit.Sdk;

namespace SymGrad.RuntimeTests
{
    /// <summary>Seeded data and tolerance-aware comparisons shared by the kernel tests.</summary>
    internal static class KernelTestHelpers
    {
        /// <summary>
        /// Asserts that <paramref name="step"/> (already warmed up: worker started, buffers grown) allocates nothing, on the
        /// calling thread and on the whole process, in the best of 20 one-step windows. GetTotalAllocatedBytes counts every
        /// thread, including the test host's, whose background work (seen here: 168 bytes in some windows on a loaded
        /// machine, never in a standalone program) can land in any one window, and under load the runtime allocates now and
        /// then on the calling thread itself (see <see cref="AssertSteadyStateAllocatesNothing"/>; this test failed so once,
        /// beside a two-thread campaign); an allocation in the code under test would show in every window.
        /// </summary>
        internal static void AssertAllocatesNothingOnAnyThread(Action step)
        {
            long least = long.MaxValue, callerLeast = long.MaxValue;
            for (int attempt = 0; attempt < 20 && least != 0; attempt++)
            {
                long before = GC.GetTotalAllocatedBytes(precise: true);
                long callerBefore = GC.GetAllocatedBytesForCurrentThread();
                step();
                callerLeast = Math.Min(callerLeast, GC.GetAllocatedBytesForCurrentThread() - callerBefore);
                least = Math.Min(least, GC.GetTotalAllocatedBytes(precise: true) - before);
            }

            Assert.True(callerLeast == 0, $"{callerLeast} bytes allocated on the calling thread in the best of the attempts");
            Assert.True(least == 0, $"{least} bytes allocated in the best of the attempts");
        }

        /// <summary>
        /// Asserts that <paramref name="step"/> (already warmed up) allocates nothing on the calling thread: in one round of
        /// <paramref name="steps"/> steps of three. Under load the runtime allocates now and then on the thread itself, outside
        /// the code under test (ArrayPool's shared pool trimmed on a gen-2 collection: 8,112 bytes once on net8.0; 144 bytes
        /// once around a GEMM below the parallel threshold, CI with a build beside it); code that allocates per step fails
        /// every round.
        /// </summary>
        internal static void AssertSteadyStateAllocatesNothing(Action step, int steps = 10)
        {
            long least = long.MaxValue;
            for (int round = 0; round < 3 && least > 0; round++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < steps; i++)
                {
                    step();
                }

                least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
            }

            Assert.Equal(0, least);
        }

        /// <summary>Asserts the two arrays hold the same bits element by element (−0 ≠ +0, a NaN equals only the same NaN).</summary>
        internal static void AssertBitwiseEqual<T>(T[] expected, T[] actual, string what)
            where T : unmanaged
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(BitsEqual(expected[i], actual[i]), $"{what} [{i}]: expected {expected[i]}, got {actual[i]}");
            }
        }

        private static bool BitsEqual<T>(T a, T b)
            where T : unmanaged
            => typeof(T) == typeof(float)
                ? BitConverter.SingleToInt32Bits((float)(object)a) == BitConverter.SingleToInt32Bits((float)(object)b)
                : BitConverter.DoubleToInt64Bits((double)(object)a) == BitConverter.DoubleToInt64Bits((double)(object)b);

        /// <summary>Unit roundoff u = ε/2 (2⁻²⁴ for float, 2⁻⁵³ for double): the bound on one rounding's relative error.</summary>
        internal static double UnitRoundoff<T>()
            where T : IFloatingPointIeee754<T>
            => double.CreateChecked(T.BitIncrement(T.One) - T.One) / 2;

        /// <summary>Uniform values in [-1, 1) from a fixed seed, so every run sees the same data.</summary>
        internal static T[] Random<T>(int length, int seed, double scale = 1)
            where T : IFloatingPointIeee754<T>
        {
            var rng = new Random(seed);
            var values = new T[length];
            for (int i = 0; i < length; i++)
            {
                values[i] = T.CreateChecked(((rng.NextDouble() * 2) - 1) * scale);
            }

            return values;
        }

        /// <summary>
        /// Asserts |actual − expected| ≤ bound element-wise and, on failure, reports the worst element (index, both
        /// values, its bound) and how many elements failed, as llm.c's check_tensor does.
        /// </summary>
        internal static void AssertWithin<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, ReadOnlySpan<double> bound, string label)
            where T : IFloatingPointIeee754<T>
        {
            Assert.Equal(expected.Length, actual.Length);
            int failures = 0, worst = -1;
            double worstRatio = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                double e = double.CreateChecked(expected[i]), a = double.CreateChecked(actual[i]);
                double diff = Math.Abs(e - a);
                bool ok = diff <= bound[i] || (double.IsNaN(e) && double.IsNaN(a)) || e == a;
                double ratio = diff / Math.Max(bound[i], double.Epsilon);
                if (!ok)
                {
                    failures++;
                }

                if (!ok && (worst < 0 || ratio > worstRatio))
                {
                    worst = i;
                    worstRatio = ratio;
                }
            }

            if (failures > 0)
            {
                throw new XunitException(
                    $"{label}: {failures} of {expected.Length} elements outside tolerance; worst at [{worst}]: expected {expected[worst]}, actual {actual[worst]}, " +
                    $"|diff| {Math.Abs(double.CreateChecked(expected[worst]) - double.CreateChecked(actual[worst])):G3} > bound {bound[worst]:G3}");
            }
        }

        /// <summary>Same bound for every element.</summary>
        internal static void AssertWithin<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, double bound, string label)
            where T : IFloatingPointIeee754<T>
        {
            var bounds = new double[expected.Length];
            Array.Fill(bounds, bound);
            AssertWithin(expected, actual, bounds, label);
        }

        /// <summary>Asserts the exception names <paramref name="paramName"/> and that the guarded destination still holds its sentinel.</summary>
        internal static void AssertRejected<TException>(Action call, string paramName, params float[][] untouched)
            where TException : ArgumentException
        {
            float[][] copies = Array.ConvertAll(untouched, a => (float[])a.Clone());
            TException ex = Assert.Throws<TException>(call);
            Assert.Equal(paramName, ex.ParamName);
            for (int i = 0; i < untouched.Length; i++)
            {
                Assert.Equal(copies[i], untouched[i]);
            }
        }
    }
}
