using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using SymGrad;
using SymGrad.Samples.FashionMnist;

// The SymGrad side of the CNN race: the samples/FashionMnist network and training step, timed per step.
// usage: CnnRace <data dir> <threads> <steps> [epochs]   → one JSON line
//        CnnRace --breakdown [threads] [filter]             → each call of the step timed alone (markdown)
if (args.Length > 0 && args[0] == "--breakdown")
{
    Breakdown.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2, args.Length > 2 ? args[2] : null);
    return;
}

string data = args.Length > 0 ? args[0] : FashionMnist.DefaultDirectory;
int threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
int steps = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 300;
int epochs = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 0;
const int Batch = 64;

Gemm.MaxThreads = threads;
FashionMnistFiles files = FashionMnist.Locate(data);
var train = Dataset.Load(files.TrainImages, files.TrainLabels);
var test = Dataset.Load(files.TestImages, files.TestLabels);
var model = new Model(Batch, seed: 1);
var adam = new Adam<float>(model.Store.Length, 1e-3);
float[] images = new float[Batch * Trainer.ImageSize];
int[] labels = new int[Batch];
int[] order = new int[Batch];
int batches = train.Count / Batch;

void Step(int i)
{
    for (int k = 0; k < Batch; k++) order[k] = (i * Batch) + k;
    train.Gather(order, images, labels);
    model.Store.ZeroGradients();
    model.ForwardBackward(images, labels);
    adam.Step(model.Store.AllParameters, model.Store.AllGradients);
}

for (int i = 0; i < 10; i++) Step(i); // warm-up
var times = new List<double>(steps); // sized up front: the timing itself must not allocate
long allocated = GC.GetAllocatedBytesForCurrentThread();
for (int i = 0; i < steps; i++)
{
    long start = Stopwatch.GetTimestamp();
    Step((10 + i) % batches);
    times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
}

allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
var curve = new List<double>();
if (epochs > 0)
{
    var options = new TrainingOptions(data, Epochs: epochs, Batch: Batch, Seed: 1, Threads: threads);
    TrainingResult result = Trainer.Train(options, new Model(Batch, seed: 1), train, test, new Silent());
    curve.AddRange(result.Epochs.Select(e => e.TestAccuracy));
}

times.Sort();
Console.WriteLine(FormattableString.Invariant(
    $"{{\"ms_per_step\": {times[times.Count / 2]:F3}, \"threads\": {threads}, \"bytes_per_step\": {allocated / steps}, \"accuracy_per_epoch\": [{string.Join(", ", curve.Select(a => a.ToString("F4", CultureInfo.InvariantCulture)))}]}}"));

internal sealed class Silent : ITrainingObserver
{
    public void EpochStarted(int epoch, int batches) { }

    public void BatchDone(int epoch, int batch, int batches, double loss, double examplesPerSecond) { }

    public void EpochDone(EpochResult result) { }
}
