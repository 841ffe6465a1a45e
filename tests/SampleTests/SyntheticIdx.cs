using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace SymGrad.SampleTests
{
    /// <summary>
    /// Writes a small Fashion-MNIST-shaped data set (28×28 images, labels 0–9) as IDX files, so the sample runs in CI
    /// without the real data: each class is a bright 8×8 square at its own place on noise, which a CNN learns in a
    /// few epochs.
    /// </summary>
    internal static class SyntheticIdx
    {
        public static string Create(int train, int test, bool gzip = true, int seed = 1)
        {
            string directory = SymGrad.Testing.TestTemp.NewDirectory("fmnist");
            var random = new Random(seed);
            Write(directory, "train", train, gzip, random);
            Write(directory, "t10k", test, gzip, random);
            return directory;
        }

        private static void Write(string directory, string prefix, int count, bool gzip, Random random)
        {
            var pixels = new byte[count * 28 * 28];
            var labels = new byte[count];
            for (int i = 0; i < count; i++)
            {
                int label = i % 10;
                labels[i] = (byte)label;
                int top = 2 + (label / 5 * 12), left = 1 + (label % 5 * 5);
                for (int p = 0; p < 28 * 28; p++)
                {
                    int row = p / 28, column = p % 28;
                    bool square = row >= top && row < top + 8 && column >= left && column < left + 8;
                    pixels[(i * 784) + p] = (byte)(square ? 180 + random.Next(60) : random.Next(60));
                }
            }

            string suffix = gzip ? ".gz" : "";
            File.WriteAllBytes(Path.Combine(directory, $"{prefix}-images-idx3-ubyte{suffix}"), Encode(Header(0x803, count, 28, 28), pixels, gzip));
            File.WriteAllBytes(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte{suffix}"), Encode(Header(0x801, count), labels, gzip));
        }

        private static byte[] Header(int magic, params int[] dimensions)
        {
            var header = new byte[4 + (4 * dimensions.Length)];
            BinaryPrimitives.WriteInt32BigEndian(header, magic);
            for (int i = 0; i < dimensions.Length; i++)
            {
                BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + (4 * i)), dimensions[i]);
            }

            return header;
        }

        private static byte[] Encode(byte[] header, byte[] data, bool gzip)
        {
            using var output = new MemoryStream();
            using (Stream target = gzip ? new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true) : output)
            {
                target.Write(header);
                target.Write(data);
            }

            return output.ToArray();
        }
    }
}
