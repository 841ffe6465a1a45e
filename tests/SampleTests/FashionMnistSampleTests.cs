using System;
using System.Diagnostics;
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

            (int again, string evaluated) = RunProgram($"--data {directory} --epochs 0 --load {checkpoint} --limit 60");
            Assert.True(again == 0, evaluated);
            Assert.Contains("Loaded", evaluated);
        }

        [Fact]
        public void MissingDataSaysHowToGetItAndExitsNonZero()
        {
            (int exit, string output) = RunProgram("--data /nonexistent/fashion --epochs 1");
            Assert.Equal(2, exit);
            Assert.Contains("apt-get install dataset-fashion-mnist", output);
        }

        [Fact]
        public void BadOptionsAreRefused()
        {
            (int exit, string output) = RunProgram("--threads 3");
            Assert.NotEqual(0, exit);
            Assert.Contains("--threads must be 1 or 2", output);
        }

        internal static (int Exit, string Output) RunProgram(string arguments, string program = "FashionMnist.dll")
        {
            program = Path.Combine(AppContext.BaseDirectory, program);
            var start = new ProcessStartInfo("dotnet", $"\"{program}\" {arguments}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using Process process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("The sample did not finish in 2 minutes:\n" + output);
            }

            return (process.ExitCode, output);
        }
    }
}
