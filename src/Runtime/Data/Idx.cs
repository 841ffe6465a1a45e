using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Numerics.Tensors;

namespace SymGrad
{
    /// <summary>
    /// Reader for IDX files, the format of MNIST and Fashion-MNIST: a big-endian header
    /// <c>00 00 TT DD</c> (TT the element type, 0x08 for unsigned bytes; DD the number of dimensions), then DD
    /// big-endian 32-bit sizes, then the elements. Images are <c>0x00000803</c> (count, rows, columns); labels are
    /// <c>0x00000801</c> (count). A file is read gzip-compressed or raw, told apart by its first two bytes
    /// (0x1F 0x8B), whatever its name. The header is checked, and the file must hold exactly the bytes the sizes
    /// announce; every problem is an <see cref="InvalidDataException"/> naming the file and what is wrong.
    /// </summary>
    public static class Idx
    {
        /// <summary>The magic number of an IDX file of unsigned-byte images: 3 dimensions (count, rows, columns).</summary>
        public const int ImagesMagic = 0x00000803;

        /// <summary>The magic number of an IDX file of unsigned-byte labels: 1 dimension (count).</summary>
        public const int LabelsMagic = 0x00000801;

        /// <summary>Reads an image file (<c>…-images-idx3-ubyte</c>, optionally <c>.gz</c>).</summary>
        /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
        /// <exception cref="InvalidDataException">The file is not an IDX image file of unsigned bytes, or is truncated or too long.</exception>
        public static IdxImages ReadImages(string path)
        {
            (int[] sizes, byte[] data) = Read(path, dimensions: 3, "image");
            return new IdxImages(sizes[0], sizes[1], sizes[2], data);
        }

        /// <summary>Reads a label file (<c>…-labels-idx1-ubyte</c>, optionally <c>.gz</c>): one byte per item.</summary>
        /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
        /// <exception cref="InvalidDataException">The file is not an IDX label file of unsigned bytes, or is truncated or too long.</exception>
        public static byte[] ReadLabels(string path) => Read(path, dimensions: 1, "label").data;

        /// <summary>destination[i] = source[i] / 255, mapping pixels to [0, 1].</summary>
        public static void Normalize(ReadOnlySpan<byte> source, Span<float> destination)
        {
            if (source.Length != destination.Length)
            {
                throw new ArgumentException(
                    $"destination has length {destination.Length} but source has length {source.Length}; they must match.", nameof(destination));
            }

            TensorPrimitives.ConvertTruncating(source, destination);
            TensorPrimitives.Multiply(destination, 1f / 255f, destination);
        }

        private static (int[] sizes, byte[] data) Read(string path, int dimensions, string kind)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            if (!File.Exists(path))
            {
                string why = Directory.Exists(path) ? "it is a directory" : "no such file";
                throw new FileNotFoundException($"Cannot read IDX {kind} file '{path}': {why}.", path);
            }

            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            Span<byte> probe = stackalloc byte[2];
            int probed = ReadFully(file, probe);
            file.Position = 0;
            bool gzip = probed == 2 && probe[0] == 0x1F && probe[1] == 0x8B;
            string source = gzip ? $"'{path}' (gzip-compressed; byte counts are after decompression)" : $"'{path}'";
            try
            {
                using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : new BufferedStream(file, 1 << 16);
                return Parse(stream, source, dimensions, kind);
            }
            catch (InvalidDataException e) when (gzip && !e.Message.StartsWith("IDX", StringComparison.Ordinal))
            {
                throw new InvalidDataException($"IDX {kind} file {source} is not valid gzip data: {e.Message}", e);
            }
        }

        private static (int[] sizes, byte[] data) Parse(Stream stream, string source, int dimensions, string kind)
        {
            int expectedMagic = dimensions == 3 ? ImagesMagic : LabelsMagic;
            int headerLength = 4 + 4 * dimensions;
            Span<byte> header = stackalloc byte[headerLength];
            int got = ReadFully(stream, header[..4]);
            if (got < 4)
            {
                throw Invalid(source, kind, $"truncated: an IDX header needs {headerLength} bytes but the file holds {got}");
            }

            int magic = BinaryPrimitives.ReadInt32BigEndian(header);
            if (header[0] != 0 || header[1] != 0)
            {
                string hint = header[0] == 0x1F && header[1] == 0x8B ? " (gzip data inside gzip? decompress it once)" : string.Empty;
                throw Invalid(source, kind, $"not an IDX file: it starts with magic 0x{magic:X8}, expected 0x{expectedMagic:X8}{hint}");
            }

            if (header[2] != 0x08)
            {
                throw Invalid(source, kind,
                    $"magic 0x{magic:X8} declares element type 0x{header[2]:X2} ({TypeName(header[2])}); only unsigned bytes (0x08, magic 0x{expectedMagic:X8}) are supported");
            }

            if (header[3] != dimensions)
            {
                string other = header[3] switch
                {
                    1 => " (a label file?)",
                    3 => " (an image file?)",
                    _ => string.Empty,
                };
                throw Invalid(source, kind,
                    $"magic 0x{magic:X8} declares {header[3]} dimension(s){other} but an IDX {kind} file has {dimensions} (magic 0x{expectedMagic:X8})");
            }

            got = ReadFully(stream, header[4..]);
            if (got < headerLength - 4)
            {
                throw Invalid(source, kind, $"truncated: the header needs {headerLength} bytes but the file holds {4 + got}");
            }

            var sizes = new int[dimensions];
            long payload = 1;
            for (int d = 0; d < dimensions; d++)
            {
                sizes[d] = BinaryPrimitives.ReadInt32BigEndian(header.Slice(4 + 4 * d));
                if (sizes[d] < 0)
                {
                    throw Invalid(source, kind, $"dimension {d} has a negative size ({sizes[d]})");
                }

                payload *= sizes[d];
                if (payload > Array.MaxLength)
                {
                    throw Invalid(source, kind, $"the header announces {Describe(header, dimensions)}, more than {Array.MaxLength} bytes");
                }
            }

            var data = new byte[payload];
            got = ReadFully(stream, data);
            if (got < payload)
            {
                throw Invalid(source, kind,
                    $"truncated: the header announces {Describe(header, dimensions)} = {payload} bytes after the {headerLength}-byte header, " +
                    $"{headerLength + payload} bytes in all, but the file holds {headerLength + got} ({payload - got} missing)");
            }

            long extra = CountRemaining(stream);
            if (extra > 0)
            {
                throw Invalid(source, kind,
                    $"{extra} byte(s) follow the {headerLength + payload} the header announces ({Describe(header, dimensions)}); " +
                    $"the file holds {headerLength + payload + extra} bytes");
            }

            return (sizes, data);
        }

        /// <summary>"60000 images of 28 × 28" or "60000 labels".</summary>
        private static string Describe(ReadOnlySpan<byte> header, int dimensions)
        {
            var sizes = new int[dimensions];
            for (int d = 0; d < dimensions; d++)
            {
                sizes[d] = BinaryPrimitives.ReadInt32BigEndian(header.Slice(4 + 4 * d));
            }

            return dimensions == 3 ? $"{sizes[0]} images of {sizes[1]} × {sizes[2]}" : $"{sizes[0]} labels";
        }

        private static string TypeName(byte type) => type switch
        {
            0x08 => "unsigned byte",
            0x09 => "signed byte",
            0x0B => "int16",
            0x0C => "int32",
            0x0D => "float32",
            0x0E => "float64",
            _ => "unknown type",
        };

        private static int ReadFully(Stream stream, Span<byte> buffer)
        {
            int total = 0;
            while (total < buffer.Length)
            {
                int n = stream.Read(buffer[total..]);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }

            return total;
        }

        private static long CountRemaining(Stream stream)
        {
            Span<byte> sink = stackalloc byte[4096];
            long total = 0;
            int n;
            while ((n = stream.Read(sink)) > 0)
            {
                total += n;
            }

            return total;
        }

        private static InvalidDataException Invalid(string source, string kind, string what) =>
            new($"IDX {kind} file {source} is invalid: {what}.");
    }
}
