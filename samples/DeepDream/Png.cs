using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace SymGrad.Samples.DeepDream
{
    /// <summary>
    /// Writes 8-bit RGB images as PNG by hand — signature, IHDR, one zlib-compressed IDAT, IEND, each chunk with its
    /// CRC-32 — so that any desktop opens the saliency without an imaging library.
    /// </summary>
    public static class Png
    {
        private static readonly uint[] s_crcTable = CrcTable();

        /// <summary>Writes <paramref name="rgb"/> (row-major, 3 bytes a pixel) as a <paramref name="width"/> × <paramref name="height"/> PNG.</summary>
        public static void Write(string path, int width, int height, ReadOnlySpan<byte> rgb)
        {
            if (width <= 0 || height <= 0 || rgb.Length != width * height * 3)
            {
                throw new ArgumentException($"{rgb.Length} bytes are not a {width} × {height} RGB image.", nameof(rgb));
            }

            using var file = File.Create(path);
            file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);

            Span<byte> header = stackalloc byte[13];
            BinaryPrimitives.WriteInt32BigEndian(header, width);
            BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
            header[8] = 8;  // bits per channel
            header[9] = 2;  // colour type: RGB
            header[10] = 0; // deflate
            header[11] = 0; // adaptive filtering (every row uses filter 0, none)
            header[12] = 0; // no interlace
            Chunk(file, "IHDR", header);

            using var compressed = new MemoryStream();
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                for (int y = 0; y < height; y++)
                {
                    zlib.WriteByte(0); // the row's filter type
                    zlib.Write(rgb.Slice(y * width * 3, width * 3));
                }
            }

            Chunk(file, "IDAT", compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
            Chunk(file, "IEND", ReadOnlySpan<byte>.Empty);
        }

        /// <summary>The CRC-32 (ISO 3309, as PNG uses it) of <paramref name="bytes"/>.</summary>
        public static uint Crc32(ReadOnlySpan<byte> bytes) => ~Update(0xFFFFFFFFu, bytes);

        private static void Chunk(Stream output, string type, ReadOnlySpan<byte> data)
        {
            Span<byte> word = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
            output.Write(word);
            byte[] typeBytes = Encoding.ASCII.GetBytes(type);
            output.Write(typeBytes);
            output.Write(data);
            BinaryPrimitives.WriteUInt32BigEndian(word, ~Update(Update(0xFFFFFFFFu, typeBytes), data));
            output.Write(word);
        }

        private static uint Update(uint crc, ReadOnlySpan<byte> bytes)
        {
            foreach (byte b in bytes)
            {
                crc = s_crcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
            }

            return crc;
        }

        private static uint[] CrcTable()
        {
            var table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                }

                table[n] = c;
            }

            return table;
        }
    }
}
