using System;

namespace SymGrad.Samples.DeepDream
{
    /// <summary>
    /// The saliency as a picture: the image in grey, the map in a black–red–yellow–white heat scale, and the two
    /// overlaid, side by side, each 28 × 28 pixel enlarged <see cref="Scale"/> times, written as PNG.
    /// </summary>
    public static class SaliencyImage
    {
        /// <summary>How many screen pixels an image pixel becomes along each side.</summary>
        public const int Scale = 8;

        private const int Size = 28, Gap = 4;

        /// <summary>image | saliency | overlay. The map is scaled so its 99th percentile is full brightness (a few extreme pixels do not darken the rest).</summary>
        public static void Write(string path, ReadOnlySpan<float> image, ReadOnlySpan<float> saliency)
        {
            float[] heat = Normalize(saliency, Percentile(saliency, 0.99f));
            float[] grey = Normalize(image, Max(image));
            Render(path, 3, (panel, i) => panel switch
            {
                0 => Grey(grey[i]),
                1 => Heat(heat[i]),
                // overlay: the image dimmed, the heat added where the map is bright
                _ => Blend(Grey(0.6f * grey[i]), Heat(heat[i]), heat[i]),
            });
        }

        /// <summary>before | after, both in grey on the same [0, 1] scale.</summary>
        public static void WriteBeforeAfter(string path, ReadOnlySpan<float> before, ReadOnlySpan<float> after)
        {
            float[] a = Clamp(before), b = Clamp(after);
            Render(path, 2, (panel, i) => Grey(panel == 0 ? a[i] : b[i]));
        }

        /// <summary>The heat scale at <paramref name="v"/> in [0, 1]: black, red, yellow, white.</summary>
        public static (byte R, byte G, byte B) Heat(float v)
        {
            v = Math.Clamp(v, 0f, 1f);
            return (Byte(3 * v), Byte((3 * v) - 1), Byte((3 * v) - 2));
        }

        private static void Render(string path, int panels, Func<int, int, (byte R, byte G, byte B)> color)
        {
            int side = Size * Scale, width = (panels * side) + ((panels - 1) * Gap), height = side;
            var rgb = new byte[width * height * 3];
            rgb.AsSpan().Fill(255); // white gaps between the panels
            for (int panel = 0; panel < panels; panel++)
            {
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < side; x++)
                    {
                        (byte r, byte g, byte b) = color(panel, (y / Scale * Size) + (x / Scale));
                        int o = ((y * width) + (panel * (side + Gap)) + x) * 3;
                        rgb[o] = r;
                        rgb[o + 1] = g;
                        rgb[o + 2] = b;
                    }
                }
            }

            Png.Write(path, width, height, rgb);
        }

        private static (byte R, byte G, byte B) Grey(float v) => (Byte(v), Byte(v), Byte(v));

        private static (byte R, byte G, byte B) Blend((byte R, byte G, byte B) under, (byte R, byte G, byte B) over, float alpha)
        {
            alpha = Math.Clamp(alpha, 0f, 1f);
            byte Mix(byte u, byte o) => (byte)Math.Round(u + (alpha * (o - u)));
            return (Mix(under.R, over.R), Mix(under.G, over.G), Mix(under.B, over.B));
        }

        private static byte Byte(float v) => (byte)Math.Round(255 * Math.Clamp(v, 0f, 1f));

        private static float[] Normalize(ReadOnlySpan<float> values, float top)
        {
            var result = new float[values.Length];
            float scale = top > 0 ? 1 / top : 0;
            for (int i = 0; i < values.Length; i++) result[i] = Math.Clamp(values[i] * scale, 0f, 1f);
            return result;
        }

        private static float[] Clamp(ReadOnlySpan<float> values)
        {
            var result = new float[values.Length];
            for (int i = 0; i < values.Length; i++) result[i] = Math.Clamp(values[i], 0f, 1f);
            return result;
        }

        private static float Max(ReadOnlySpan<float> values)
        {
            float max = 0;
            foreach (float v in values) max = Math.Max(max, v);
            return max;
        }

        /// <summary>The value below which <paramref name="fraction"/> of <paramref name="values"/> lie (nearest rank).</summary>
        public static float Percentile(ReadOnlySpan<float> values, float fraction)
        {
            float[] sorted = values.ToArray();
            Array.Sort(sorted);
            return sorted[(int)Math.Round(fraction * (sorted.Length - 1))];
        }
    }
}
