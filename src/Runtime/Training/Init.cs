using System;
using System.Globalization;
using System.Numerics;

namespace SymGrad
{
    /// <summary>
    /// Seeded weight initialisers. Each fills a span from a <see cref="SeededRandom"/> (xoshiro256**, normal
    /// deviates by Box–Muller), either a fresh one from a seed — the same seed gives the same values on every
    /// platform — or one the caller passes along so that several layers draw from one stream.
    /// The variance rules follow <c>torch.nn.init</c>, with <c>fanIn</c>/<c>fanOut</c> the number of inputs
    /// and outputs of one unit (for a dense layer <c>x (N, C) · W (C, K)</c>: fanIn = C, fanOut = K; for a
    /// convolution: channels × kernel height × kernel width, and filters × kernel height × kernel width).
    /// </summary>
    public static class Init
    {
        /// <summary>w ← 0.</summary>
        public static void Zeros<T>(Span<T> w)
            where T : unmanaged, IFloatingPointIeee754<T>
            => w.Clear();

        /// <summary>w ← <paramref name="value"/>.</summary>
        public static void Constant<T>(Span<T> w, T value)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (!T.IsFinite(value))
            {
                throw new ArgumentException($"value must be finite; got {value}.", nameof(value));
            }

            w.Fill(value);
        }

        /// <summary>w ~ U(<paramref name="low"/>, <paramref name="high"/>).</summary>
        public static void Uniform<T>(Span<T> w, double low, double high, long seed)
            where T : unmanaged, IFloatingPointIeee754<T>
            => Uniform(w, low, high, new SeededRandom(seed));

        /// <inheritdoc cref="Uniform{T}(Span{T}, double, double, long)"/>
        public static void Uniform<T>(Span<T> w, double low, double high, SeededRandom random)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Finite(low, nameof(low));
            Finite(high, nameof(high));
            if (!(low < high))
            {
                throw new ArgumentException($"low must be less than high; got low = {Format(low)}, high = {Format(high)}.", nameof(low));
            }

            ArgumentNullException.ThrowIfNull(random);
            FillUniform(w, low, high, random);
        }

        /// <summary>w ~ N(<paramref name="mean"/>, <paramref name="standardDeviation"/>²).</summary>
        public static void Normal<T>(Span<T> w, double mean, double standardDeviation, long seed)
            where T : unmanaged, IFloatingPointIeee754<T>
            => Normal(w, mean, standardDeviation, new SeededRandom(seed));

        /// <inheritdoc cref="Normal{T}(Span{T}, double, double, long)"/>
        public static void Normal<T>(Span<T> w, double mean, double standardDeviation, SeededRandom random)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Finite(mean, nameof(mean));
            Finite(standardDeviation, nameof(standardDeviation));
            if (standardDeviation < 0)
            {
                throw new ArgumentException($"standardDeviation must be ≥ 0; got {Format(standardDeviation)}.", nameof(standardDeviation));
            }

            ArgumentNullException.ThrowIfNull(random);
            FillNormal(w, mean, standardDeviation, random);
        }

        /// <summary>
        /// Xavier/Glorot uniform: w ~ U(−a, a) with a = gain · √(6 / (fanIn + fanOut)), so Var(w) = gain² · 2 / (fanIn + fanOut).
        /// Use gain 1 for tanh/sigmoid/linear layers.
        /// </summary>
        public static void XavierUniform<T>(Span<T> w, int fanIn, int fanOut, long seed, double gain = 1)
            where T : unmanaged, IFloatingPointIeee754<T>
            => XavierUniform(w, fanIn, fanOut, new SeededRandom(seed), gain);

        /// <inheritdoc cref="XavierUniform{T}(Span{T}, int, int, long, double)"/>
        public static void XavierUniform<T>(Span<T> w, int fanIn, int fanOut, SeededRandom random, double gain = 1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Fan(fanIn, nameof(fanIn));
            Fan(fanOut, nameof(fanOut));
            Gain(gain);
            ArgumentNullException.ThrowIfNull(random);
            double a = gain * Math.Sqrt(6.0 / ((double)fanIn + fanOut));
            FillUniform(w, -a, a, random);
        }

        /// <summary>Xavier/Glorot normal: w ~ N(0, σ²) with σ = gain · √(2 / (fanIn + fanOut)).</summary>
        public static void XavierNormal<T>(Span<T> w, int fanIn, int fanOut, long seed, double gain = 1)
            where T : unmanaged, IFloatingPointIeee754<T>
            => XavierNormal(w, fanIn, fanOut, new SeededRandom(seed), gain);

        /// <inheritdoc cref="XavierNormal{T}(Span{T}, int, int, long, double)"/>
        public static void XavierNormal<T>(Span<T> w, int fanIn, int fanOut, SeededRandom random, double gain = 1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Fan(fanIn, nameof(fanIn));
            Fan(fanOut, nameof(fanOut));
            Gain(gain);
            ArgumentNullException.ThrowIfNull(random);
            FillNormal(w, 0, gain * Math.Sqrt(2.0 / ((double)fanIn + fanOut)), random);
        }

        /// <summary>
        /// He/Kaiming uniform for ReLU layers (fan-in mode): w ~ U(−a, a) with a = √(6 / fanIn), so Var(w) = 2 / fanIn.
        /// </summary>
        public static void HeUniform<T>(Span<T> w, int fanIn, long seed)
            where T : unmanaged, IFloatingPointIeee754<T>
            => HeUniform(w, fanIn, new SeededRandom(seed));

        /// <inheritdoc cref="HeUniform{T}(Span{T}, int, long)"/>
        public static void HeUniform<T>(Span<T> w, int fanIn, SeededRandom random)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Fan(fanIn, nameof(fanIn));
            ArgumentNullException.ThrowIfNull(random);
            double a = Math.Sqrt(6.0 / fanIn);
            FillUniform(w, -a, a, random);
        }

        /// <summary>He/Kaiming normal for ReLU layers (fan-in mode): w ~ N(0, σ²) with σ = √(2 / fanIn).</summary>
        public static void HeNormal<T>(Span<T> w, int fanIn, long seed)
            where T : unmanaged, IFloatingPointIeee754<T>
            => HeNormal(w, fanIn, new SeededRandom(seed));

        /// <inheritdoc cref="HeNormal{T}(Span{T}, int, long)"/>
        public static void HeNormal<T>(Span<T> w, int fanIn, SeededRandom random)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Fan(fanIn, nameof(fanIn));
            ArgumentNullException.ThrowIfNull(random);
            FillNormal(w, 0, Math.Sqrt(2.0 / fanIn), random);
        }

        // The generator is sequential, so these two loops are scalar; everything is drawn and scaled in double.
        private static void FillUniform<T>(Span<T> w, double low, double high, SeededRandom random)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            double width = high - low;
            for (int i = 0; i < w.Length; i++)
            {
                w[i] = T.CreateTruncating(low + width * random.NextDouble());
            }
        }

        private static void FillNormal<T>(Span<T> w, double mean, double standardDeviation, SeededRandom random)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int i = 0; i < w.Length; i++)
            {
                w[i] = T.CreateTruncating(mean + standardDeviation * random.NextNormal());
            }
        }

        private static void Fan(int fan, string name)
        {
            if (fan <= 0)
            {
                throw new ArgumentOutOfRangeException(name, fan, $"{name} must be > 0; got {fan}.");
            }
        }

        private static void Gain(double gain)
        {
            if (!double.IsFinite(gain) || gain <= 0)
            {
                throw new ArgumentException($"gain must be a finite number > 0; got {Format(gain)}.", nameof(gain));
            }
        }

        private static void Finite(double value, string name)
        {
            if (!double.IsFinite(value))
            {
                throw new ArgumentException($"{name} must be a finite number; got {Format(value)}.", name);
            }
        }

        private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
