using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace SymGrad.Samples.FashionMnist
{
    /// <summary>
    /// Saves and loads a <see cref="ParameterStore{T}"/>. The format, little-endian:
    /// <code>
    /// "SYMGRADC"            8 bytes  magic
    /// version               u32      1
    /// parameter count n     u32
    /// n × { name length u16, UTF-8 name, element count i32, elements f32 × count }
    /// checksum              u64      FNV-1a of every byte before it
    /// </code>
    /// A save writes a temporary file and renames it, so an interrupted save leaves the old file. A load checks
    /// everything — magic, version, checksum, names and lengths against the model — before it changes a single
    /// parameter: a truncated, corrupted or foreign file is refused with a message saying which.
    /// </summary>
    public static class Checkpoint
    {
        private static readonly byte[] s_magic = Encoding.ASCII.GetBytes("SYMGRADC");
        private const uint Version = 1;

        public static void Save(string path, ParameterStore<float> store)
        {
            using var buffer = new MemoryStream();
            using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(s_magic);
                writer.Write(Version);
                writer.Write((uint)store.Count);
                foreach (ParameterHandle handle in store.Handles)
                {
                    byte[] name = Encoding.UTF8.GetBytes(handle.Name);
                    writer.Write((ushort)name.Length);
                    writer.Write(name);
                    writer.Write(handle.Length);
                    foreach (float value in store.Parameters(handle))
                    {
                        writer.Write(value);
                    }
                }
            }

            ulong checksum = Fnv1a(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            Span<byte> tail = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(tail, checksum);
            buffer.Write(tail);

            string full = Path.GetFullPath(path);
            string temporary = full + ".tmp";
            File.WriteAllBytes(temporary, buffer.ToArray());
            File.Move(temporary, full, overwrite: true);
        }

        public static void Load(string path, ParameterStore<float> store)
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
            }

            byte[] bytes = File.ReadAllBytes(path);
            if (bytes.Length < s_magic.Length || !bytes.AsSpan(0, s_magic.Length).SequenceEqual(s_magic))
            {
                throw new InvalidDataException($"'{path}' is not a SymGrad checkpoint: it does not start with \"SYMGRADC\".");
            }

            if (bytes.Length < s_magic.Length + 4 + 4 + 8)
            {
                throw new InvalidDataException($"Checkpoint '{path}' is truncated: {bytes.Length} bytes is shorter than an empty checkpoint.");
            }

            ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8));
            ulong actual = Fnv1a(bytes.AsSpan(0, bytes.Length - 8));
            if (stored != actual)
            {
                throw new InvalidDataException($"Checkpoint '{path}' is corrupted or truncated: its checksum does not match its contents.");
            }

            var values = new Dictionary<string, float[]>();
            using (var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - 8), Encoding.UTF8))
            {
                reader.ReadBytes(s_magic.Length);
                uint version = reader.ReadUInt32();
                if (version != Version)
                {
                    throw new InvalidDataException($"Checkpoint '{path}' has format version {version}; this program reads version {Version}.");
                }

                uint count = reader.ReadUInt32();
                try
                {
                    for (uint i = 0; i < count; i++)
                    {
                        string name = Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadUInt16()));
                        int length = reader.ReadInt32();
                        if (!store.TryGetHandle(name, out ParameterHandle handle))
                        {
                            throw new InvalidDataException($"Checkpoint '{path}' has a parameter '{name}' this model does not have.");
                        }

                        if (length != handle.Length)
                        {
                            throw new InvalidDataException($"Checkpoint '{path}' has '{name}' with {length} values; this model's has {handle.Length}.");
                        }

                        var data = new float[length];
                        for (int k = 0; k < length; k++)
                        {
                            data[k] = reader.ReadSingle();
                        }

                        values[name] = data;
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

            // Everything checked: only now does the model change.
            foreach (ParameterHandle handle in store.Handles)
            {
                values[handle.Name].CopyTo(store.Parameters(handle));
            }
        }

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
