using System;
using System.IO;
using SymGrad.Samples.FashionMnist;
using Xunit;

namespace SymGrad.SampleTests
{
    public class CheckpointTests
    {
        private static string TempFile() => Path.Combine(Path.GetTempPath(), "symgrad-" + Guid.NewGuid().ToString("N") + ".ckpt");

        [Fact]
        public void RoundTripRestoresEveryParameter()
        {
            var trained = new Model(batch: 4, seed: 1);
            var fresh = new Model(batch: 4, seed: 2);
            Assert.False(trained.Store.AllParameters.SequenceEqual(fresh.Store.AllParameters));
            string path = TempFile();
            Checkpoint.Save(path, trained.Store);
            Checkpoint.Load(path, fresh.Store);
            Assert.True(trained.Store.AllParameters.SequenceEqual(fresh.Store.AllParameters));
        }

        [Fact]
        public void TruncatedCorruptedAndForeignFilesAreRefusedAndNothingIsLoaded()
        {
            var model = new Model(batch: 4, seed: 1);
            string path = TempFile();
            Checkpoint.Save(path, new Model(batch: 4, seed: 5).Store);
            byte[] good = File.ReadAllBytes(path);
            float[] before = model.Store.AllParameters.ToArray();

            File.WriteAllBytes(path, good[..(good.Length / 2)]);
            Assert.Contains("corrupted or truncated", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, model.Store)).Message);

            byte[] flipped = (byte[])good.Clone();
            flipped[good.Length / 3] ^= 0x40;
            File.WriteAllBytes(path, flipped);
            Assert.Contains("checksum", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, model.Store)).Message);

            File.WriteAllText(path, "P5\n28 28\n255\n");
            Assert.Contains("not a SymGrad checkpoint", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, model.Store)).Message);

            Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(path + ".missing", model.Store));
            Assert.True(before.AsSpan().SequenceEqual(model.Store.AllParameters), "a refused checkpoint must leave the model unchanged");
        }

        [Fact]
        public void ACheckpointOfAnotherModelIsRefused()
        {
            var other = new ParameterStore<float>();
            other.Add(Model.Conv1W, 5);
            other.Freeze();
            string path = TempFile();
            Checkpoint.Save(path, other);
            var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, new Model(batch: 4, seed: 1).Store));
            Assert.Contains("conv1.W", error.Message);
        }
    }
}
