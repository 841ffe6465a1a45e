using System;
using System.CommandLine;
using System.IO;
using SymGrad;
using SymGrad.Samples;
using SymGrad.Samples.FashionMnist;
using Spectre.Console;

// Train the two-convolution network on Fashion-MNIST. Everything below the command line is in Trainer/Model.
var data = new Option<string>("--data") { Description = "Directory of the Fashion-MNIST IDX files (.gz or raw).", DefaultValueFactory = _ => FashionMnist.DefaultDirectory };
var epochs = SampleCommandLine.Int("--epochs", "Passes over the training set (0: only evaluate a --load'ed model).", 7, min: 0);
var batch = SampleCommandLine.Int("--batch", "Examples per step.", 64, min: 1);
var lr = SampleCommandLine.PositiveDouble("--lr", "Adam learning rate.", 1e-3);
var seed = SampleCommandLine.Long("--seed", "Seed of the initialisation and of the shuffling.", 1);
var threads = SampleCommandLine.Int("--threads", "Threads for the matrix products: 1 or 2.", 2, min: 1, max: 2);
var limit = SampleCommandLine.OptionalInt("--limit", "Use only the first N training (and test) examples, for a quick run.", min: 1);
var save = new Option<string?>("--save") { Description = "Write the trained parameters to this checkpoint file." };
var load = new Option<string?>("--load") { Description = "Start from the parameters in this checkpoint file." };
var chart = new Option<string>("--chart") { Description = "Where to write the loss/accuracy chart (SVG).", DefaultValueFactory = _ => TrainingOptions.DefaultChart };

var root = new RootCommand("Train a CNN (2 × conv 3×3 + ReLU + max-pool, dense 128, dense 10) on Fashion-MNIST with SymGrad-derived gradients and Adam.")
{
    data, epochs, batch, lr, seed, threads, limit, save, load, chart,
};
root.SetAction(parsed => App.Run(new TrainingOptions(
    parsed.GetValue(data)!, parsed.GetValue(epochs), parsed.GetValue(batch), parsed.GetValue(lr), parsed.GetValue(seed),
    parsed.GetValue(threads), parsed.GetValue(limit), parsed.GetValue(save), parsed.GetValue(load), parsed.GetValue(chart)!)));
return SampleCommandLine.Run(root, args);

namespace SymGrad.Samples.FashionMnist
{
    public static class App
    {
        public static int Run(TrainingOptions options)
        {
            if (Console.IsOutputRedirected)
            {
                // A log file or a pipe gets plain text: no colours, no cursor movement.
                AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
                {
                    Ansi = AnsiSupport.No,
                    ColorSystem = ColorSystemSupport.NoColors,
                    Interactive = InteractionSupport.No,
                    Out = new AnsiConsoleOutput(Console.Out),
                });
            }

            FashionMnistFiles files;
            try
            {
                files = SymGrad.FashionMnist.Locate(options.DataDirectory);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                Console.Error.WriteLine(ex.Message);
                return 2;
            }

            try
            {
                Gemm.MaxThreads = options.Threads;
                var train = Dataset.Load(files.TrainImages, files.TrainLabels);
                var test = Dataset.Load(files.TestImages, files.TestLabels);
                var model = new Model(options.Batch, options.Seed);
                if (options.Load is not null)
                {
                    model.Store.Load(options.Load);
                    AnsiConsole.MarkupLine($"Loaded [bold]{Markup.Escape(options.Load)}[/].");
                }

                AnsiConsole.MarkupLine($"Fashion-MNIST from [bold]{Markup.Escape(options.DataDirectory)}[/]: {Math.Min(options.Limit ?? train.Count, train.Count)} training, {Math.Min(options.Limit ?? test.Count, test.Count)} test images; " +
                    $"{model.Store.Length:N0} parameters; batch {options.Batch}, Adam lr {options.Lr()}, {options.Threads} thread(s).");

                TrainingResult result = Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive
                    ? Trainer.Train(options, model, train, test, new PlainObserver())
                    : RunWithProgress(options, model, train, test);

                int[,] confusion = new int[10, 10];
                (double testLoss, double accuracy) = Trainer.Evaluate(model, test, options.Limit, confusion);
                Report.Confusion(confusion);
                AnsiConsole.MarkupLine($"Test accuracy [bold green]{accuracy:P2}[/] (loss {testLoss:F4}) after {options.Epochs} epoch(s) in {result.WallTime:hh\\:mm\\:ss}.");
                if (result.Epochs.Count > 0)
                {
                    string chartPath = SampleOutput.Prepare(options.Chart);
                    Chart.Write(chartPath, result.Epochs);
                    Console.WriteLine($"Wrote {chartPath} (loss and accuracy chart)"); // plain: a long path is not wrapped
                }

                if (options.Save is not null)
                {
                    string checkpoint = SampleOutput.Prepare(options.Save);
                    model.Store.Save(checkpoint);
                    Console.WriteLine($"Wrote {checkpoint} (checkpoint of the parameters)");
                }

                return 0;
            }
            catch (Exception ex) when (ex is InvalidDataException or ArgumentException or InvalidOperationException or FileNotFoundException)
            {
                Console.Error.WriteLine(ex.Message);
                return 1;
            }
        }

        private static string Lr(this TrainingOptions options) => options.LearningRate.ToString("G3", System.Globalization.CultureInfo.InvariantCulture);

        private static TrainingResult RunWithProgress(TrainingOptions options, Model model, Dataset train, Dataset test)
        {
            TrainingResult? result = null;
            AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(context => result = Trainer.Train(options, model, train, test, new ProgressObserver(context)));
            return result!;
        }
    }

    /// <summary>A live bar per epoch: batch, loss, examples per second; the ETA column estimates the rest.</summary>
    internal sealed class ProgressObserver : ITrainingObserver
    {
        private readonly ProgressContext _context;
        private ProgressTask? _task;

        public ProgressObserver(ProgressContext context) => _context = context;

        public void EpochStarted(int epoch, int batches) => _task = _context.AddTask($"epoch {epoch}", maxValue: batches);

        public void BatchDone(int epoch, int batch, int batches, double loss, double examplesPerSecond)
        {
            _task!.Value = batch;
            _task.Description = $"epoch {epoch} · batch {batch}/{batches} · loss {loss:F4} · {examplesPerSecond:N0} ex/s";
        }

        public void EpochDone(EpochResult result)
        {
            _task!.Description = $"epoch {result.Epoch} · train loss {result.TrainLoss:F4} · test loss {result.TestLoss:F4} · test accuracy {result.TestAccuracy:P2} · {result.ExamplesPerSecond:N0} ex/s";
            _task.StopTask();
        }
    }

    /// <summary>Lines instead of bars when the output is a file or a pipe.</summary>
    internal sealed class PlainObserver : ITrainingObserver
    {
        public void EpochStarted(int epoch, int batches) => Console.WriteLine($"epoch {epoch}: {batches} batches");

        public void BatchDone(int epoch, int batch, int batches, double loss, double examplesPerSecond)
        {
            if (batch % 100 == 0 || batch == batches)
            {
                Console.WriteLine($"  batch {batch}/{batches}  loss {loss:F4}  {examplesPerSecond:N0} ex/s");
            }
        }

        public void EpochDone(EpochResult r) => Console.WriteLine(
            $"epoch {r.Epoch}: train loss {r.TrainLoss:F4}, test loss {r.TestLoss:F4}, test accuracy {r.TestAccuracy:P2}, {r.Elapsed.TotalSeconds:F1} s, {r.ExamplesPerSecond:N0} ex/s");
    }

    internal static class Report
    {
        public static void Confusion(int[,] confusion)
        {
            var table = new Table().Title("Confusion matrix (rows: true class, columns: predicted)");
            table.AddColumn("");
            for (int j = 0; j < 10; j++) table.AddColumn(new TableColumn(j.ToString(System.Globalization.CultureInfo.InvariantCulture)).RightAligned());
            for (int i = 0; i < 10; i++)
            {
                var row = new string[11];
                row[0] = Markup.Escape(SymGrad.FashionMnist.ClassNames[i]);
                for (int j = 0; j < 10; j++) row[j + 1] = i == j ? $"[bold]{confusion[i, j]}[/]" : confusion[i, j].ToString(System.Globalization.CultureInfo.InvariantCulture);
                table.AddRow(row);
            }

            AnsiConsole.Write(table);
        }
    }
}
