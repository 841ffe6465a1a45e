using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace SymGrad.RuntimeTests.Data
{
    /// <summary>
    /// A temporary directory of hand-built IDX files, deleted on dispose. The bytes are assembled here from the
    /// format's description (big-endian magic, big-endian sizes, payload), independently of the reader under test.
    /// </summary>
    internal sealed class IdxFiles : IDisposable
    {
        public IdxFiles()
        {
            Directory = Path.Combine(Path.GetTempPath(), "symgrad-idx-" + Guid.NewGuid().ToString("N"));
            System.IO.Directory.CreateDirectory(Directory);
        }

        public string Directory { get; }

        public static byte[] Header(int magic, params int[] sizes)
        {
            var bytes = new byte[4 + 4 * sizes.Length];
            BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
            for (int d = 0; d < sizes.Length; d++)
            {
                BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), sizes[d]);
            }

            return bytes;
        }

        public static byte[] Images(int count, int rows, int columns, out byte[] pixels)
        {
            pixels = new byte[count * rows * columns];
            for (int i = 0; i < pixels.Length; i++)
            {
                pixels[i] = (byte)(i * 37 + 11);
            }

            return [.. Header(0x00000803, count, rows, columns), .. pixels];
        }

        public static byte[] Labels(params byte[] labels) => [.. Header(0x00000801, labels.Length), .. labels];

        public static byte[] Gzip(byte[] content)
        {
            using var buffer = new MemoryStream();
            using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(content);
            }

            return buffer.ToArray();
        }

        public string Write(string name, byte[] content)
        {
            string path = Path.Combine(Directory, name);
            File.WriteAllBytes(path, content);
            return path;
        }

        public void Dispose()
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // best effort: a temp directory left behind is harmless
            }
        }
    }
}
