using System;
using System.IO;
using System.Linq;
using SymGrad.Samples.FashionMnist;
using Xunit;

namespace SymGrad.SampleTests
{
    public class FashionMnistSampleTests
    {
        private sealed class Silent : ITrainingObserver
        {
            public void EpochStarted(int epoch, int batches) { }

            public void BatchDone(int epoch, int batch, int batches, double loss, double examplesPerSecond) { }

            public void EpochDone(EpochResult result) { }
        }

        private static (Dataset Train, Dataset Test) Data(int train = 320, int test = 100)
        {
            string directory = SyntheticIdx.Create(train, test);
            FashionMnistFiles files = SymGrad.FashionMnist.Locate(directory);
            return (Dataset.Load(files.TrainImages, files.TrainLabels), Dataset.Load(files.TestImages, files.TestLabels));
        }

        [Fact]
        public void TrainingLowersTheLossAndLearnsTheSyntheticClasses()
        {
            (Dataset train, Dataset test) = Data();
            var model = new Model(batch: 32, seed: 3);
            var options = new TrainingOptions("unused", Epochs: 3, Batch: 32, LearningRate: 2e-3, Seed: 3);
            TrainingResult result = Trainer.Train(options, model, train, test, new Silent());
            Assert.Equal(3, result.Epochs.Count);
            Assert.True(result.Epochs[^1].TrainLoss < result.Epochs[0].TrainLoss / 2, $"training loss {result.Epochs[0].TrainLoss} → {result.Epochs[^1].TrainLoss}");
            Assert.True(result.Epochs[^1].TestAccuracy > 0.8, $"test accuracy {result.Epochs[^1].TestAccuracy}");
            Assert.Equal(100, Enumerable.Range(0, 10).Sum(i => Enumerable.Range(0, 10).Sum(j => result.Confusion[i, j])));
        }

        /// <summary>The program itself, as a user runs it: a smoke run with --limit exits 0 and writes its chart and checkpoint.</summary>
        [Fact]
        public void TheProgramRunsEndToEnd()
        {
            string directory = SyntheticIdx.Create(train: 200, test: 60, gzip: false);
            string chart = Path.Combine(directory, "chart.svg"), checkpoint = Path.Combine(directory, "model.ckpt");
            (int exit, string output) = RunProgram($"--data {directory} --epochs 2 --batch 32 --limit 160 --threads 1 --chart {chart} --save {checkpoint}");
            Assert.True(exit == 0, output);
            Assert.Contains("test accuracy", output);
            Assert.Contains("<polyline", File.ReadAllText(chart));
            Assert.True(new FileInfo(checkpoint).Length > 421_642 * 4);
            Assert.Contains($"Wrote {chart} (loss and accuracy chart)", output);
            Assert.Contains($"Wrote {checkpoint} (checkpoint of the parameters)", output);

            (int again, string evaluated) = RunProgram($"--data {directory} --epochs 0 --load {checkpoint} --limit 60");
            Assert.True(again == 0, evaluated);
            Assert.Contains("Loaded", evaluated);
        }

        /// <summary>
        /// Without --chart the chart goes to out/ of the working directory — never over a file of the repository when
        /// run from its root — and a relative --save is written where the user stands; both paths are printed.
        /// </summary>
        [Fact]
        public void DefaultOutputsGoToOutInTheWorkingDirectoryAndArePrinted()
        {
            string data = SyntheticIdx.Create(train: 100, test: 40);
            string here = SampleProcess.EmptyDirectory();
            (int exit, string output) = SampleProcess.Run("FashionMnist.dll", $"--data {data} --epochs 1 --batch 32 --limit 64 --threads 1 --save runs/model.ckpt", here);
            Assert.True(exit == 0, output);
            string chart = Path.Combine(here, "out", "fashion-mnist.svg"), checkpoint = Path.Combine(here, "runs", "model.ckpt");
            Assert.True(File.Exists(chart), output);
            Assert.True(File.Exists(checkpoint), output);
            Assert.Contains($"Wrote {chart}", output);
            Assert.Contains($"Wrote {checkpoint}", output);
            Assert.Equal(new[] { "out", "runs" }, Directory.GetDirectories(here).Select(Path.GetFileName).Order());
        }

        [Fact]
        public void MissingDataSaysHowToGetItAndExitsNonZero()
        {
            (int exit, string output) = RunProgram("--data /nonexistent/fashion --epochs 1");
            Assert.Equal(2, exit);
            Assert.Contains("apt-get install dataset-fashion-mnist", output);
        }

        [Theory]
        [InlineData("--epochs abc", "--epochs must be a whole number ≥ 0; got 'abc'.")]
        [InlineData("--epochs -1", "--epochs must be a whole number ≥ 0; got '-1'.")]
        [InlineData("--batch 1.5", "--batch must be a whole number ≥ 1; got '1.5'.")]
        [InlineData("--lr fast", "--lr must be a positive number; got 'fast'.")]
        [InlineData("--lr 0", "--lr must be a positive number; got '0'.")]
        [InlineData("--seed one", "--seed must be a whole number; got 'one'.")]
        [InlineData("--threads 3", "--threads must be 1 or 2; got '3'.")]
        [InlineData("--limit none", "--limit must be a whole number ≥ 1; got 'none'.")]
        [InlineData("--epoch 3", "Unrecognized command or argument '--epoch'")]
        public void BadOptionsAreRefusedInOneLine(string arguments, string message)
            => SampleProcess.AssertRefused("FashionMnist.dll", arguments, message);

        internal static (int Exit, string Output) RunProgram(string arguments, string program = "FashionMnist.dll")
            => SampleProcess.Run(program, arguments);
    }
}
