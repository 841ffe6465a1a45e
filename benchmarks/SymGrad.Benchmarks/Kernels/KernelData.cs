using System;

namespace SymGrad.Benchmarks.Kernels
{
    /// <summary>Seeded uniform(−1, 1) inputs for the kernel micro-benchmarks.</summary>
    internal static class KernelData
    {
        public static float[] Uniform(int count, int seed)
        {
            var random = new Random(seed);
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = (float)((random.NextDouble() * 2) - 1);
            }

            return values;
        }
    }
}
