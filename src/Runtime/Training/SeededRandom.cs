using System;
using System.Numerics;

namespace SymGrad
{
    /// <summary>
    /// A small deterministic random generator for initialisers and data shuffling: xoshiro256** (Blackman &amp;
    /// Vigna, 2018) seeded through SplitMix64, so a seed gives the same stream on every platform and .NET
    /// version (unlike <see cref="Random"/>, whose seeded algorithm is an implementation detail).
    /// Normal deviates use the Box–Muller transform, keeping the second value of each pair for the next call.
    /// Not thread-safe; not for cryptography.
    /// </summary>
    public sealed class SeededRandom
    {
        private ulong _s0, _s1, _s2, _s3;
        private double _spareNormal;
        private bool _hasSpareNormal;

        /// <summary>Starts the stream for <paramref name="seed"/>.</summary>
        public SeededRandom(long seed)
        {
            ulong x = unchecked((ulong)seed);
            _s0 = SplitMix64(ref x);
            _s1 = SplitMix64(ref x);
            _s2 = SplitMix64(ref x);
            _s3 = SplitMix64(ref x); // SplitMix64 never yields four zero words in a row, so the state is valid
        }

        /// <summary>The next 64 uniformly distributed bits.</summary>
        public ulong NextUInt64()
        {
            ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
            ulong t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = BitOperations.RotateLeft(_s3, 45);
            return result;
        }

        /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
        public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

        /// <summary>A uniform float in [0, 1) with 24 random bits.</summary>
        public float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1U << 24));

        /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias (Lemire's method).</summary>
        public int NextInt32(int maxExclusive)
        {
            if (maxExclusive <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "maxExclusive must be > 0.");
            }

            ulong range = (ulong)maxExclusive;
            ulong product = Math.BigMul(NextUInt64(), range, out ulong low);
            if (low < range)
            {
                ulong threshold = (0UL - range) % range;
                while (low < threshold)
                {
                    product = Math.BigMul(NextUInt64(), range, out low);
                }
            }

            return (int)product;
        }

        /// <summary>A standard normal deviate (mean 0, variance 1) by Box–Muller.</summary>
        public double NextNormal()
        {
            if (_hasSpareNormal)
            {
                _hasSpareNormal = false;
                return _spareNormal;
            }

            double u1 = 1.0 - NextDouble(); // (0, 1]: the logarithm stays finite
            double u2 = NextDouble();
            double radius = Math.Sqrt(-2.0 * Math.Log(u1));
            (double sin, double cos) = Math.SinCos(2.0 * Math.PI * u2);
            _spareNormal = radius * sin;
            _hasSpareNormal = true;
            return radius * cos;
        }

        /// <summary>Fisher–Yates shuffle of <paramref name="values"/> in place (e.g. an epoch's sample order).</summary>
        public void Shuffle<T>(Span<T> values)
        {
            for (int i = values.Length - 1; i > 0; i--)
            {
                int j = NextInt32(i + 1);
                (values[i], values[j]) = (values[j], values[i]);
            }
        }

        private static ulong SplitMix64(ref ulong x)
        {
            ulong z = x += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
