using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace SymGrad
{
    /// <summary>
    /// Saves the parameters of a <see cref="ParameterStore{T}"/> to a file and loads them back: a small binary format,
    /// little-endian, that a loader can check whole before it changes anything.
    /// <code>
    /// "SYMGRADC"            8 bytes  magic
    /// version               u32      2
    /// element size          u32      4 (float32) or 8 (float64)
    /// parameter count n     u32
    /// n × { name length u16, UTF-8 name, element count i32, elements × count }
    /// checksum              u64      FNV-1a (64-bit) of every byte before it
    /// </code>
    /// Version 1 (written by the Fashion-MNIST sample before the format moved here) is version 2 without the element
    /// size, always float32; it is still read.
    /// <para><b>Save</b> writes the whole file to a temporary name in the same folder, flushes it to disk and renames it
    /// over the target, so an interrupted save leaves the previous file as it was. The gradients are not saved.</para>
    /// <para><b>Load</b> reads the whole file and checks everything — magic, version, element size, checksum, and every
    /// name and length against the store — before it writes a single parameter. A truncated, corrupted or foreign file,
    /// or one of another model, throws <see cref="InvalidDataException"/> with a message saying which, and leaves the
    /// store as it was.</para>
    /// </summary>
    public static class Checkpoint
    {
        /// <summary>The first eight bytes of every checkpoint: <c>SYMGRADC</c> in ASCII.</summary>
        public static ReadOnlySpan<byte> Magic => "SYMGRADC"u8;

        /// <summary>The format version <see cref="Save{T}"/> writes.</summary>
        public const uint Version = 2;

        private const int ChecksumSize = sizeof(ulong);

        /// <summary>Writes every parameter of <paramref name="store"/> to <paramref name="path"/>, atomically (see the class remarks).</summary>
        /// <param name="path">The file to write; its folder is created if it does not exist. An existing file is replaced.</param>
        /// <param name="store">The parameters to save, with their names.</param>
        public static void Save<T>(string path, ParameterStore<T> store)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ArgumentNullException.ThrowIfNull(path);
            ArgumentNullException.ThrowIfNull(store);
            using var buffer = new MemoryStream();
            using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Magic);
                writer.Write(Version);
                writer.Write((uint)ElementSize<T>());
                writer.Write((uint)store.Count);
                foreach (ParameterHandle handle in store.Handles)
                {
                    byte[] name = Encoding.UTF8.GetBytes(handle.Name);
                    if (name.Length > ushort.MaxValue)
                    {
                        throw new ArgumentException($"Parameter name '{handle.Name[..40]}…' is longer than {ushort.MaxValue} bytes.", nameof(store));
                    }

                    writer.Write((ushort)name.Length);
                    writer.Write(name);
                    writer.Write(handle.Length);
                    Span<T> values = store.Parameters(handle);
                    if (BitConverter.IsLittleEndian)
                    {
                        writer.Write(MemoryMarshal.AsBytes(values));
                    }
                    else
                    {
                        foreach (T value in values)
                        {
                            WriteElement(writer, value);
                        }
                    }
                }
            }

            Span<byte> checksum = stackalloc byte[ChecksumSize];
            BinaryPrimitives.WriteUInt64LittleEndian(checksum, Fnv1a(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
            buffer.Write(checksum);

            string full = Path.GetFullPath(path);
            string? directory = Path.GetDirectoryName(full);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            string temporary = $"{full}.{Guid.NewGuid():N}.tmp";
            try
            {
                using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
                {
                    buffer.Position = 0;
                    buffer.CopyTo(file);
                    file.Flush(flushToDisk: true);
                }

                File.Move(temporary, full, overwrite: true);
            }
            finally
            {
                File.Delete(temporary); // nothing left behind when the write or the rename failed; no-op after a rename
            }
        }

        /// <summary>
        /// Replaces the parameters of <paramref name="store"/> with those saved in <paramref name="path"/>, after checking
        /// the whole file (see the class remarks). The gradients are left as they are.
        /// </summary>
        /// <exception cref="FileNotFoundException">The file does not exist.</exception>
        /// <exception cref="InvalidDataException">The file is not a checkpoint, is truncated or corrupted, holds the other
        /// precision, or does not hold exactly the store's parameters with the store's lengths; nothing was loaded.</exception>
        public static void Load<T>(string path, ParameterStore<T> store)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ArgumentNullException.ThrowIfNull(path);
            ArgumentNullException.ThrowIfNull(store);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
            }

            byte[] bytes = File.ReadAllBytes(path);
            if (bytes.Length < Magic.Length || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            {
                throw new InvalidDataException($"'{path}' is not a SymGrad checkpoint: it does not start with \"SYMGRADC\".");
            }

            if (bytes.Length < Magic.Length + sizeof(uint) + sizeof(uint) + ChecksumSize)
            {
                throw new InvalidDataException($"Checkpoint '{path}' is truncated: {bytes.Length} bytes is shorter than an empty checkpoint.");
            }

            ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(bytes.Length - ChecksumSize));
            if (stored != Fnv1a(bytes.AsSpan(0, bytes.Length - ChecksumSize)))
            {
                throw new InvalidDataException($"Checkpoint '{path}' is corrupted or truncated: its checksum does not match its contents.");
            }

            var values = new Dictionary<string, T[]>(StringComparer.Ordinal);
            using (var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - ChecksumSize), Encoding.UTF8))
            {
                reader.ReadBytes(Magic.Length);
                try
                {
                    uint version = reader.ReadUInt32();
                    if (version is not (1 or Version))
                    {
                        throw new InvalidDataException($"Checkpoint '{path}' has format version {version}; this SymGrad reads versions 1 and {Version}.");
                    }

                    uint elementSize = version == 1 ? sizeof(float) : reader.ReadUInt32();
                    if (elementSize != ElementSize<T>())
                    {
                        throw new InvalidDataException(
                            $"Checkpoint '{path}' holds {Precision(elementSize)} values; this store holds {Precision((uint)ElementSize<T>())}.");
                    }

                    uint count = reader.ReadUInt32();
                    for (uint i = 0; i < count; i++)
                    {
                        string name = Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadUInt16()));
                        int length = reader.ReadInt32();
                        if (length < 0)
                        {
                            throw new InvalidDataException($"Checkpoint '{path}' has '{name}' with a negative length.");
                        }

                        if (!store.TryGetHandle(name, out ParameterHandle handle))
                        {
                            throw new InvalidDataException($"Checkpoint '{path}' has a parameter '{name}' this model does not have.");
                        }

                        if (length != handle.Length)
                        {
                            throw new InvalidDataException($"Checkpoint '{path}' has '{name}' with {length} values; this model's has {handle.Length}.");
                        }

                        if (values.ContainsKey(name))
                        {
                            throw new InvalidDataException($"Checkpoint '{path}' has '{name}' twice.");
                        }

                        var data = new T[length];
                        if (BitConverter.IsLittleEndian)
                        {
                            Span<byte> target = MemoryMarshal.AsBytes(data.AsSpan());
                            if (reader.Read(target) != target.Length)
                            {
                                throw new EndOfStreamException();
                            }
                        }
                        else
                        {
                            for (int k = 0; k < length; k++)
                            {
                                data[k] = ReadElement<T>(reader);
                            }
                        }

                        values[name] = data;
                    }

                    if (reader.BaseStream.Position != reader.BaseStream.Length)
                    {
                        throw new InvalidDataException($"Checkpoint '{path}' has {reader.BaseStream.Length - reader.BaseStream.Position} bytes after its parameters.");
                    }
                }
                catch (EndOfStreamException)
                {
                    throw new InvalidDataException($"Checkpoint '{path}' is truncated: it ends inside its parameters.");
                }
            }

            foreach (ParameterHandle handle in store.Handles)
            {
                if (!values.ContainsKey(handle.Name))
                {
                    throw new InvalidDataException($"Checkpoint '{path}' has no '{handle.Name}', which this model needs.");
                }
            }

            // Everything checked: only now does the store change.
            foreach (ParameterHandle handle in store.Handles)
            {
                values[handle.Name].CopyTo(store.Parameters(handle));
            }
        }

        private static int ElementSize<T>()
            where T : unmanaged
            => typeof(T) == typeof(float) ? sizeof(float)
                : typeof(T) == typeof(double) ? sizeof(double)
                : throw new NotSupportedException($"Checkpoints hold float or double parameters, not {typeof(T).Name}.");

        private static string Precision(uint elementSize) => elementSize switch
        {
            4 => "float32",
            8 => "float64",
            _ => $"{elementSize}-byte",
        };

        private static void WriteElement<T>(BinaryWriter writer, T value)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (typeof(T) == typeof(float))
            {
                writer.Write((float)(object)value);
            }
            else
            {
                writer.Write((double)(object)value);
            }
        }

        private static T ReadElement<T>(BinaryReader reader)
            where T : unmanaged, IFloatingPointIeee754<T>
            => typeof(T) == typeof(float) ? (T)(object)reader.ReadSingle() : (T)(object)reader.ReadDouble();

        private static ulong Fnv1a(ReadOnlySpan<byte> bytes)
        {
            ulong hash = 14695981039346656037UL;
            foreach (byte b in bytes)
            {
                hash = (hash ^ b) * 1099511628211UL;
            }

            return hash;
        }
    }
}
