using System;
using System.IO;
using System.Text;

namespace SymGrad.Samples.DeepDream
{
    /// <summary>Writes grey images as binary PGM (P5), viewable in most image viewers.</summary>
    public static class Pgm
    {
        /// <summary>The image and its saliency side by side, each scaled to 0–255; <paramref name="scale"/> enlarges pixels.</summary>
        public static void WriteSideBySide(string path, ReadOnlySpan<float> image, ReadOnlySpan<float> saliency, int size = 28, int scale = 8)
        {
            int width = 2 * size * scale, height = size * scale;
            var pixels = new byte[width * height];
            Paint(image, pixels, width, size, scale, offset: 0);
            Paint(saliency, pixels, width, size, scale, offset: size * scale);
            using var file = File.Create(path);
            file.Write(Encoding.ASCII.GetBytes($"P5\n{width} {height}\n255\n"));
            file.Write(pixels);
        }

        private static void Paint(ReadOnlySpan<float> values, byte[] pixels, int width, int size, int scale, int offset)
        {
            float min = float.MaxValue, max = float.MinValue;
            foreach (float v in values)
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }

            float range = max > min ? max - min : 1;
            for (int y = 0; y < size * scale; y++)
            {
                for (int x = 0; x < size * scale; x++)
                {
                    float v = (values[(y / scale * size) + (x / scale)] - min) / range;
                    pixels[(y * width) + offset + x] = (byte)Math.Round(v * 255);
                }
            }
        }
    }
}
