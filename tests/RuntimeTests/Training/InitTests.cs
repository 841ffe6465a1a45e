using System;
using Xunit;

namespace SymGrad.RuntimeTests.Training
{
    public class InitTests
    {
        private const int N = 200_000;

        private static (double mean, double variance, double maxAbs) Stats(ReadOnlySpan<float> w)
        {
            double sum = 0, maxAbs = 0;
            foreach (float x in w)
            {
                sum += x;
                maxAbs = Math.Max(maxAbs, Math.Abs(x));
            }

            double mean = sum / w.Length, squares = 0;
            foreach (float x in w) squares += (x - mean) * (x - mean);
            return (mean, squares / (w.Length - 1), maxAbs);
        }

        /// <summary>
        /// The sample mean has standard error σ/√N and the sample variance σ²·√(2/N) (normal) or less (uniform);
        /// 5 standard errors keep a false failure below one in a million, and the seeds are fixed anyway.
        /// </summary>
        private static void AssertMoments(ReadOnlySpan<float> w, double expectedVariance)
        {
            (double mean, double variance, _) = Stats(w);
            double sigma = Math.Sqrt(expectedVariance);
            Assert.True(Math.Abs(mean) < 5 * sigma / Math.Sqrt(w.Length), $"mean {mean} is not 0 within 5 standard errors (σ = {sigma}).");
            Assert.True(
                Math.Abs(variance - expectedVariance) < 5 * expectedVariance * Math.Sqrt(2.0 / w.Length),
                $"variance {variance} is not {expectedVariance} within 5 standard errors.");
        }

        [Fact]
        public void XavierUniformHasItsBoundAndVariance()
        {
            var w = new float[N];
            Init.XavierUniform<float>(w, fanIn: 300, fanOut: 100, seed: 1);
            double bound = Math.Sqrt(6.0 / 400);
            Assert.True(Stats(w).maxAbs <= bound * (1 + 1e-7));
            Assert.True(Stats(w).maxAbs > bound * 0.999);
            AssertMoments(w, 2.0 / 400);
        }

        [Fact]
        public void XavierNormalHasItsVariance()
        {
            var w = new float[N];
            Init.XavierNormal<float>(w, 300, 100, seed: 2, gain: 2);
            AssertMoments(w, 4 * 2.0 / 400);
        }

        [Fact]
        public void HeUniformHasItsBoundAndVariance()
        {
            var w = new float[N];
            Init.HeUniform<float>(w, fanIn: 50, seed: 3);
            Assert.True(Stats(w).maxAbs <= Math.Sqrt(6.0 / 50) * (1 + 1e-7));
            AssertMoments(w, 2.0 / 50);
        }

        [Fact]
        public void HeNormalHasItsVarianceAndNormalTails()
        {
            var w = new float[N];
            Init.HeNormal<float>(w, fanIn: 50, seed: 4);
            AssertMoments(w, 2.0 / 50);

            // P(|z| > 2) = 4.55 %, P(|z| > 3) = 0.27 % for a normal; a uniform of the same variance has none past 1.73σ.
            double sigma = Math.Sqrt(2.0 / 50);
            int beyond2 = 0, beyond3 = 0;
            foreach (float x in w)
            {
                if (Math.Abs(x) > 2 * sigma) beyond2++;
                if (Math.Abs(x) > 3 * sigma) beyond3++;
            }

            Assert.InRange(beyond2 / (double)N, 0.0435, 0.0475);
            Assert.InRange(beyond3 / (double)N, 0.0022, 0.0032);
        }

        [Fact]
        public void UniformAndNormalHonourTheirParameters()
        {
            var w = new float[N];
            Init.Uniform<float>(w, 2, 4, seed: 5);
            Assert.All(new[] { Stats(w).mean }, m => Assert.Equal(3, m, 2));
            foreach (float x in w) Assert.InRange(x, 2f, 4f);
            Init.Normal<float>(w, -1, 0.5, seed: 6);
            Assert.Equal(-1, Stats(w).mean, 2);
            Assert.Equal(0.25, Stats(w).variance, 2);
            Init.Normal<float>(w, 7, 0, seed: 6);
            Assert.All(w, x => Assert.Equal(7f, x));
        }

        [Fact]
        public void SameSeedSameValuesOtherSeedOtherValues()
        {
            float[] a = new float[1000], b = new float[1000], c = new float[1000];
            Init.HeNormal<float>(a, 10, seed: 42);
            Init.HeNormal<float>(b, 10, seed: 42);
            Init.HeNormal<float>(c, 10, seed: 43);
            Assert.Equal(a, b);
            Assert.NotEqual(a, c);

            // double draws the same stream: the float values are the double values rounded.
            var d = new double[1000];
            Init.HeNormal<double>(d, 10, seed: 42);
            Assert.Equal(a, Array.ConvertAll(d, x => (float)x));
        }

        [Fact]
        public void ASharedGeneratorContinuesItsStream()
        {
            float[] both = new float[20], first = new float[10], second = new float[10];
            Init.XavierUniform<float>(both, 4, 4, seed: 9);
            var rng = new SeededRandom(9);
            Init.XavierUniform<float>(first, 4, 4, rng);
            Init.XavierUniform<float>(second, 4, 4, rng);
            Assert.Equal(both, (float[])[.. first, .. second]);
        }

        [Fact]
        public void ZerosAndConstant()
        {
            float[] w = { 1, 2, 3 };
            Init.Constant<float>(w, 0.25f);
            Assert.Equal(new[] { 0.25f, 0.25f, 0.25f }, w);
            Init.Zeros<float>(w);
            Assert.Equal(new float[3], w);
        }

        [Fact]
        public void ArgumentsAreValidatedByName()
        {
            void Expect(string name, Action call) => Assert.Equal(name, Assert.ThrowsAny<ArgumentException>(call).ParamName);
            var w = new float[4];
            Expect("fanIn", () => Init.HeNormal<float>(w, 0, 1));
            Expect("fanIn", () => Init.HeUniform<float>(w, -3, 1));
            Expect("fanOut", () => Init.XavierUniform<float>(w, 3, 0, 1));
            Expect("gain", () => Init.XavierNormal<float>(w, 3, 3, 1, gain: double.NaN));
            Expect("low", () => Init.Uniform<float>(w, 1, 1, 1));
            Expect("high", () => Init.Uniform<float>(w, 0, double.PositiveInfinity, 1));
            Expect("standardDeviation", () => Init.Normal<float>(w, 0, -1, 1));
            Expect("mean", () => Init.Normal<float>(w, double.NaN, 1, 1));
            Expect("value", () => Init.Constant<float>(w, float.NaN));
            Expect("random", () => Init.HeNormal<float>(w, 3, (SeededRandom)null!));
        }
    }

    public class SeededRandomTests
    {
        [Fact]
        public void StreamIsXoshiro256StarStarSeededBySplitMix64()
        {
            // Reference values from a direct transcription of Vigna's xoshiro256starstar.c and splitmix64.c.
            var zero = new SeededRandom(0);
            Assert.Equal(0x99EC5F36CB75F2B4UL, zero.NextUInt64());
            Assert.Equal(0xBF6E1F784956452AUL, zero.NextUInt64());
            Assert.Equal(0x1A5F849D4933E6E0UL, zero.NextUInt64());
            var fortyTwo = new SeededRandom(42);
            Assert.Equal(0x15780B2E0C2EC716UL, fortyTwo.NextUInt64());
            Assert.Equal(0x8F5520D52A7EAD08UL, new SeededRandom(-1).NextUInt64());
        }

        [Fact]
        public void UniformsStayInRange()
        {
            var rng = new SeededRandom(7);
            int[] counts = new int[7];
            for (int i = 0; i < 70_000; i++)
            {
                double d = rng.NextDouble();
                float f = rng.NextSingle();
                Assert.InRange(d, 0.0, 0.9999999999999999);
                Assert.InRange(f, 0f, 0.99999994f);
                counts[rng.NextInt32(7)]++;
            }

            Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
            Assert.Throws<ArgumentOutOfRangeException>(() => rng.NextInt32(0));
        }

        [Fact]
        public void ShuffleIsASeededPermutation()
        {
            int[] a = new int[100], b = new int[100];
            for (int i = 0; i < 100; i++) a[i] = b[i] = i;
            new SeededRandom(5).Shuffle<int>(a);
            new SeededRandom(5).Shuffle<int>(b);
            Assert.Equal(a, b);
            Assert.NotEqual(System.Linq.Enumerable.Range(0, 100), a);
            int[] sorted = (int[])a.Clone();
            Array.Sort(sorted);
            Assert.Equal(System.Linq.Enumerable.Range(0, 100), sorted);
        }
    }
}
