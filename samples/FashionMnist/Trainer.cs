using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace SymGrad.Samples.FashionMnist
{
    public sealed record TrainingOptions(
        string DataDirectory, int Epochs = 7, int Batch = 64, double LearningRate = 1e-3, long Seed = 1,
        int Threads = 2, int? Limit = null, string? Save = null, string? Load = null, string Chart = TrainingOptions.DefaultChart)
    {
        /// <summary>The chart's default path: in out/ of the working directory, never over a file of the repository.</summary>
        public const string DefaultChart = "out/fashion-mnist.svg";
    }

    public sealed record EpochResult(int Epoch, double TrainLoss, double TestLoss, double TestAccuracy, TimeSpan Elapsed, double ExamplesPerSecond);

    public sealed record TrainingResult(IReadOnlyList<EpochResult> Epochs, int[,] Confusion, double FirstBatchLoss, double LastBatchLoss, TimeSpan WallTime);

    /// <summary>What a training run reports as it goes (a progress display, or nothing in tests).</summary>
    public interface ITrainingObserver
    {
        void EpochStarted(int epoch, int batches);

        void BatchDone(int epoch, int batch, int batches, double loss, double examplesPerSecond);

        void EpochDone(EpochResult result);
    }

    /// <summary>Mini-batch Adam on the training images, test accuracy after every epoch.</summary>
    public static class Trainer
    {
        public const int ImageSize = 28 * 28;

        public static TrainingResult Train(TrainingOptions options, Model model, Dataset train, Dataset test, ITrainingObserver observer, CancellationToken cancellation = default)
        {
            int count = Math.Min(options.Limit ?? train.Count, train.Count);
            int batch = model.Shape.Batch;
            int batches = count / batch; // the last partial batch is dropped, as PyTorch's drop_last would
            if (batches == 0 && options.Epochs > 0)
            {
                throw new ArgumentException($"{count} training examples make no batch of {batch}; use a smaller --batch or a larger --limit.");
            }

            var optimizer = new Adam<float>(model.Store.Length, options.LearningRate);
            var random = new SeededRandom(options.Seed);
            int[] order = new int[count];
            for (int i = 0; i < count; i++) order[i] = i;
            float[] images = new float[batch * ImageSize];
            int[] labels = new int[batch];
            var epochs = new List<EpochResult>();
            double first = double.NaN, last = double.NaN;
            var wall = Stopwatch.StartNew();
            int[,] confusion = new int[10, 10];

            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                random.Shuffle(order.AsSpan());
                observer.EpochStarted(epoch, batches);
                var watch = Stopwatch.StartNew();
                double sum = 0;
                for (int b = 0; b < batches; b++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    train.Gather(order.AsSpan(b * batch, batch), images, labels);
                    model.Store.ZeroGradients();
                    float loss = model.ForwardBackward(images, labels);
                    optimizer.Step(model.Store.AllParameters, model.Store.AllGradients);
                    if (!float.IsFinite(loss))
                    {
                        throw new InvalidOperationException($"The loss became {loss} at epoch {epoch}, batch {b + 1}; try a smaller --lr.");
                    }

                    sum += loss;
                    first = double.IsNaN(first) ? loss : first;
                    last = loss;
                    observer.BatchDone(epoch, b + 1, batches, loss, (b + 1) * batch / watch.Elapsed.TotalSeconds);
                }

                TimeSpan elapsed = watch.Elapsed;
                (double testLoss, double accuracy) = Evaluate(model, test, options.Limit, confusion);
                var result = new EpochResult(epoch, sum / batches, testLoss, accuracy, elapsed, batches * batch / elapsed.TotalSeconds);
                epochs.Add(result);
                observer.EpochDone(result);
            }

            return new TrainingResult(epochs, confusion, first, last, wall.Elapsed);
        }

        /// <summary>Mean loss and accuracy on the test images; fills <paramref name="confusion"/> (true class, predicted).</summary>
        public static (double Loss, double Accuracy) Evaluate(Model model, Dataset test, int? limit, int[,] confusion)
        {
            Array.Clear(confusion);
            int count = Math.Min(limit ?? test.Count, test.Count);
            int batch = model.Shape.Batch;
            float[] images = new float[batch * ImageSize];
            int[] labels = new int[batch];
            int[] order = new int[batch];
            double loss = 0;
            int correct = 0;
            for (int start = 0; start < count; start += batch)
            {
                int size = Math.Min(batch, count - start);
                Model sized = model.WithBatch(size);
                for (int i = 0; i < size; i++) order[i] = start + i;
                test.Gather(order.AsSpan(0, size), images.AsSpan(0, size * ImageSize), labels.AsSpan(0, size));
                loss += sized.Forward(images.AsSpan(0, size * ImageSize), labels.AsSpan(0, size)) * size;
                ReadOnlySpan<float> logits = sized.Logits;
                for (int i = 0; i < size; i++)
                {
                    int predicted = ArgMax(logits.Slice(i * 10, 10));
                    confusion[labels[i], predicted]++;
                    correct += predicted == labels[i] ? 1 : 0;
                }
            }

            return (loss / count, (double)correct / count);
        }

        private static int ArgMax(ReadOnlySpan<float> values)
        {
            int best = 0;
            for (int i = 1; i < values.Length; i++)
            {
                if (values[i] > values[best]) best = i;
            }

            return best;
        }
    }
}
