using System;
using System.Numerics;

namespace SymGrad.Compare
{
    /// <summary>Seeded standard-normal data (scaled), as the baselines draw it.</summary>
    internal static class Data
    {
        public static float[] Normal(SeededRandom random, int count, float scale)
        {
            var values = new float[count];
            Init.Normal<float>(values, 0, scale, random);
            return values;
        }

        public static T[] Normal<T>(SeededRandom random, int count)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var values = new T[count];
            Init.Normal<T>(values, 0, 1, random);
            return values;
        }
    }
}
