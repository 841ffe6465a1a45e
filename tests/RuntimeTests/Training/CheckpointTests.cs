using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace SymGrad.RuntimeTests.Training
{
    public class CheckpointTests
    {
        private static string TempFile() => Path.Combine(SymGrad.Testing.TestTemp.NewPath("checkpoint"), "model.ckpt");

        /// <summary>A small model: two named blocks, seeded values.</summary>
        private static ParameterStore<T> Store<T>(long seed, int wLength = 37, int bLength = 5)
            where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            var store = new ParameterStore<T>();
            store.Add("layer.W", wLength);
            store.Add("layer.b", bLength);
            Init.Normal(store.AllParameters, 0.0, 1.0, seed);
            return store;
        }

        [Fact]
        public void RoundTripRestoresEveryParameterBitForBit()
        {
            ParameterStore<float> trained = Store<float>(1), fresh = Store<float>(2);
            Assert.False(trained.AllParameters.SequenceEqual(fresh.AllParameters));
            string path = TempFile(); // in a folder that does not exist yet
            trained.Save(path);
            fresh.Load(path);
            Assert.True(trained.AllParameters.SequenceEqual(fresh.AllParameters));
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!)); // no temporary file left behind
        }

        [Fact]
        public void DoubleStoresRoundTripAndTheOtherPrecisionIsRefused()
        {
            ParameterStore<double> trained = Store<double>(1), fresh = Store<double>(2);
            string path = TempFile();
            Checkpoint.Save(path, trained);
            Checkpoint.Load(path, fresh);
            Assert.True(trained.AllParameters.SequenceEqual(fresh.AllParameters));

            var floats = Store<float>(3);
            var error = Assert.Throws<InvalidDataException>(() => floats.Load(path));
            Assert.Contains("holds float64 values; this store holds float32", error.Message);
        }

        [Fact]
        public void TheFileIsTheDocumentedFormat()
        {
            var store = Store<float>(4, wLength: 2, bLength: 1);
            string path = TempFile();
            store.Save(path);
            byte[] bytes = File.ReadAllBytes(path);

            Assert.Equal("SYMGRADC", Encoding.ASCII.GetString(bytes, 0, 8));
            Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));  // version
            Assert.Equal(4u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12))); // element size
            Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(16))); // parameter count
            Assert.Equal(7, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(20)));  // "layer.W"
            Assert.Equal("layer.W", Encoding.UTF8.GetString(bytes, 22, 7));
            Assert.Equal(2, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(29)));
            Assert.Equal(store.Parameters("layer.W")[0], BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(33)));
            int expected = 8 + 4 + 4 + 4 + (2 + 7 + 4 + (2 * 4)) + (2 + 7 + 4 + 4) + 8;
            Assert.Equal(expected, bytes.Length);
        }

        [Fact]
        public void VersionOneFilesOfTheFashionMnistSampleAreStillRead()
        {
            // Version 1: no element size, float32 elements.
            var store = Store<float>(5, wLength: 3, bLength: 2);
            using var body = new MemoryStream();
            using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Encoding.ASCII.GetBytes("SYMGRADC"));
                writer.Write(1u);
                writer.Write(2u);
                foreach ((string name, float[] values) in new[] { ("layer.W", new[] { 1f, 2f, 3f }), ("layer.b", new[] { -1f, -2f }) })
                {
                    writer.Write((ushort)name.Length);
                    writer.Write(Encoding.UTF8.GetBytes(name));
                    writer.Write(values.Length);
                    foreach (float v in values) writer.Write(v);
                }
            }

            ulong hash = 14695981039346656037UL;
            foreach (byte b in body.ToArray()) hash = (hash ^ b) * 1099511628211UL;
            var checksum = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(checksum, hash);
            string path = TempFile();
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, body.ToArray().Concat(checksum).ToArray());

            store.Load(path);
            Assert.Equal(new[] { 1f, 2f, 3f, -1f, -2f }, store.AllParameters.ToArray());
        }

        [Fact]
        public void TruncatedCorruptedAndForeignFilesAreRefusedAndNothingIsLoaded()
        {
            var model = Store<float>(1);
            string path = TempFile();
            Store<float>(5).Save(path);
            byte[] good = File.ReadAllBytes(path);
            float[] before = model.AllParameters.ToArray();

            File.WriteAllBytes(path, good[..(good.Length / 2)]);
            Assert.Contains("corrupted or truncated", Assert.Throws<InvalidDataException>(() => model.Load(path)).Message);

            File.WriteAllBytes(path, good[..10]);
            Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => model.Load(path)).Message);

            byte[] flipped = (byte[])good.Clone();
            flipped[good.Length / 3] ^= 0x40;
            File.WriteAllBytes(path, flipped);
            Assert.Contains("checksum", Assert.Throws<InvalidDataException>(() => model.Load(path)).Message);

            File.WriteAllText(path, "P5\n28 28\n255\n");
            Assert.Contains("not a SymGrad checkpoint", Assert.Throws<InvalidDataException>(() => model.Load(path)).Message);

            Assert.Throws<FileNotFoundException>(() => model.Load(path + ".missing"));
            Assert.True(before.AsSpan().SequenceEqual(model.AllParameters), "a refused checkpoint must leave the model unchanged");
        }

        [Fact]
        public void ACheckpointOfAnotherModelIsRefusedWhole()
        {
            var model = Store<float>(1);
            float[] before = model.AllParameters.ToArray();

            var fewer = new ParameterStore<float>();
            fewer.Add("layer.W", 37);
            fewer.Freeze();
            string path = TempFile();
            fewer.Save(path);
            Assert.Contains("has no 'layer.b'", Assert.Throws<InvalidDataException>(() => model.Load(path)).Message);

            Store<float>(2, wLength: 36).Save(path);
            Assert.Contains("'layer.W' with 36 values; this model's has 37", Assert.Throws<InvalidDataException>(() => model.Load(path)).Message);

            var other = new ParameterStore<float>();
            other.Add("conv1.W", 5);
            other.Freeze();
            other.Save(path);
            Assert.Contains("'conv1.W' this model does not have", Assert.Throws<InvalidDataException>(() => model.Load(path)).Message);

            Assert.True(before.AsSpan().SequenceEqual(model.AllParameters), "a refused checkpoint must leave the model unchanged");
        }

        [Fact]
        public void SavingOverAnExistingCheckpointReplacesIt()
        {
            string path = TempFile();
            Store<float>(1).Save(path);
            var second = Store<float>(2);
            second.Save(path);
            var loaded = Store<float>(3);
            loaded.Load(path);
            Assert.True(second.AllParameters.SequenceEqual(loaded.AllParameters));
        }
    }
}
