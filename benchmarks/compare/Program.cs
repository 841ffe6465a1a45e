using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using SymGrad;
using SymGrad.Compare;

// The SymGrad side of the race against shared/baselines (workloads A–E). One JSON file per invocation; run.sh
// alternates this with the NumPy/PyTorch runs and aggregates. Timing mirrors shared/baselines/common.py: warm up,
// pick an iteration count so one repeat takes ~target seconds, median over repeats of the mean step time.
//
// usage: SymGrad.Compare [--quick] [--only A,B,C,D,E] [--threads 1|2] [--out file.json] | --breakdown | --probe
//        | --distribution [--only A,…] (per-step percentiles over stretches of 3,000 steps, the probe after each)
//        | --alternate [--only A,…] (one and two threads in alternating 40 ms blocks: would a one-thread fallback pay?)
bool quick = args.Contains("--quick");

string? outPath = ArgValue("--out");
var only = (ArgValue("--only") ?? "A,B,C,D,E").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
    .Select(s => s.ToUpperInvariant()).ToHashSet();
if (ArgValue("--threads") is { } threadArg)
{
    Gemm.MaxThreads = int.Parse(threadArg, CultureInfo.InvariantCulture); // the SymGrad side on one core, for comparison
}

// Warm-up 1.5 s, not the peers' 0.3 s: run.sh starts a process per workload, and a workload first in its process runs
// partly at tier 0 for its first second while the JIT's tiers settle (B read 1,460–1,760 µs after 0.3 s, 1,230–1,280 after
// 1.5 s). An interpreter calling compiled libraries has nothing to settle; a training run amortises either.
Timing timing = quick ? new Timing(0.05, 0.03, 3) : new Timing(1.5, 0.25, 7);
if (args.Contains("--probe"))
{
    Probe.Run();
    return 0;
}

if (args.Contains("--distribution"))
{
    // Each step timed alone, in stretches of 3,000 steps with the probe after each: a step time that jumps between two
    // levels while the probe's two-thread figure drops to one core's is the host, not the code.
    foreach (var (id, step) in Steps())
    {
        Distribution(id, step);
    }

    return 0;
}

if (args.Contains("--alternate"))
{
    foreach (var (id, step) in Steps())
    {
        Alternate.Run(id, step);
    }

    return 0;
}

if (args.Contains("--breakdown"))
{
    // Warm-up 0.5 s: new code keeps being compiled piece after piece, which postpones tier-1 of the next piece's
    // methods (call counting waits until compilation settles), and 0.1 s timed them partly at tier 0.
    var pieceTiming = new Timing(0.5, 0.1, 5);
    foreach (var (workload, piece, pieceStep) in Breakdown.Pieces())
    {
        timing = pieceTiming;
        Measure(workload, piece, pieceStep);
    }

    return 0;
}

var rows = new List<Row>();

Console.WriteLine($"# SymGrad | .NET {Environment.Version} | {Environment.ProcessorCount} cores | Vector512 {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated} | GEMM split threshold {Gemm.ParallelThreshold}");
if (only.Contains("A")) rows.Add(Measure("A", "seed MLP 64x1000-100-10 f32 (generated SeedMlpGradient + SGD)", SeedMlpStep()));
if (only.Contains("B")) rows.Add(Measure("B", "softmax-CE MLP 256x784-256-10 f32 (generated SoftmaxMlpGradient + SGD)", SoftmaxMlpStep()));
if (only.Contains("C")) rows.Add(Measure("C", "conv 32x3x32x32 16x5x5 +ReLU, sum sq, fwd+bwd (generated ConvReluSquaresGradient)", ConvStep()));
if (only.Contains("D")) rows.Add(Measure("D", "mean subtraction 256x4096 fwd+bwd (generated MeanSubtract/Backward)", MeanSubtractStep()));
if (only.Contains("E"))
{
    foreach (var (dtype, n) in new[] { ("float32", 256), ("float32", 1024), ("float64", 1024) })
    {
        foreach (int threads in new[] { 1, 2 })
        {
            string id = $"E_{(dtype == "float32" ? "s" : "d")}gemm{n}_{threads}t";
            Row row = Measure(id, $"{(dtype == "float32" ? "SGEMM" : "DGEMM")} {n}^3, {threads} thread(s)", dtype == "float32" ? GemmStep<float>(n, threads) : GemmStep<double>(n, threads));
            row.Gflops = 2.0 * n * n * n / (row.MedianUs * 1e-6) / 1e9;
            Console.WriteLine($"{"",-6}{"",-90} {row.Gflops,8:F1} GFLOP/s");
            rows.Add(row);
        }
    }
}

if (outPath is not null)
{
    File.WriteAllText(outPath, Row.ToJson(rows));
}

return 0;

string? ArgValue(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

// The selected A–D steps, built lazily (each allocates its buffers when reached).
IEnumerable<(string Id, Func<float> Step)> Steps()
{
    if (only.Contains("A")) yield return ("A", SeedMlpStep());
    if (only.Contains("B")) yield return ("B", SoftmaxMlpStep());
    if (only.Contains("C")) yield return ("C", ConvStep());
    if (only.Contains("D")) yield return ("D", MeanSubtractStep());
}

void Distribution(string id, Func<float> step)
{
    const int Stretch = 3000, Stretches = 5;
    var watch = Stopwatch.StartNew();
    while (watch.Elapsed.TotalSeconds < 1)
    {
        step();
    }

    var times = new double[Stretch];
    for (int r = 0; r < Stretches; r++)
    {
        for (int i = 0; i < times.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            step();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(times);
        Console.WriteLine(FormattableString.Invariant(
            $"{id} stretch {r + 1}/{Stretches}, µs per step: p5 {times[Stretch / 20]:F0}, p25 {times[Stretch / 4]:F0}, median {times[Stretch / 2]:F0}, p75 {times[3 * Stretch / 4]:F0}, p95 {times[19 * Stretch / 20]:F0}"));
        Probe.Run();
    }
}

Row Measure(string id, string name, Func<float> step)
{
    // Warm-up: at least 3 steps and warmupS seconds (tiering, workspace growth, the GEMM worker's first start).
    var watch = Stopwatch.StartNew();
    int warm = 0;
    float last = 0;
    while (warm < 3 || watch.Elapsed.TotalSeconds < timing.WarmupS)
    {
        last = step();
        warm++;
    }

    double per = watch.Elapsed.TotalSeconds / warm;
    int iters = Math.Max(1, (int)(timing.TargetS / per));
    var times = new double[timing.Repeats];
    long threadBytes = 0, totalBytes = 0;
    for (int r = 0; r < timing.Repeats; r++)
    {
        long t0 = GC.GetAllocatedBytesForCurrentThread();
        long a0 = GC.GetTotalAllocatedBytes(true);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < iters; i++)
        {
            last = step();
        }

        long stop = Stopwatch.GetTimestamp();
        threadBytes += GC.GetAllocatedBytesForCurrentThread() - t0;
        totalBytes += GC.GetTotalAllocatedBytes(true) - a0;
        times[r] = (stop - start) * 1e6 / Stopwatch.Frequency / iters;
    }

    double[] sorted = times.Order().ToArray();
    var row = new Row
    {
        Id = id,
        Name = name,
        MedianUs = sorted[sorted.Length / 2],
        MinUs = sorted[0],
        MaxUs = sorted[^1],
        Iters = iters,
        Repeats = timing.Repeats,
        BytesPerStepThread = (double)threadBytes / (iters * timing.Repeats),
        BytesPerStepTotal = (double)totalBytes / (iters * timing.Repeats),
        Finite = float.IsFinite(last),
    };
    Console.WriteLine($"{id,-6}{name,-90} {row.MedianUs,10:F1} us (min {row.MinUs:F1}, max {row.MaxUs:F1}, {iters} it x {timing.Repeats})  " +
                      $"{row.BytesPerStepThread:F1} B/step (thread), {row.BytesPerStepTotal:F1} B/step (all threads)  last={last:G6}");
    return row;
}

static Func<float> SeedMlpStep()
{
    const int N = 64, DIn = 1000, H = 100, DOut = 10;
    const float Lr = 1e-4f;
    var rng = new SeededRandom(0);
    float[] x = Data.Normal(rng, N * DIn, 1), y = Data.Normal(rng, N * DOut, 1), w1 = Data.Normal(rng, DIn * H, 1), w2 = Data.Normal(rng, H * DOut, 1);
    float[] z = new float[N * H], h = new float[N * H], p = new float[N * DOut], dw1 = new float[w1.Length], dw2 = new float[w2.Length];
    return () =>
    {
        VectorOps.Clear(dw1.AsSpan());
        VectorOps.Clear(dw2.AsSpan());
        float loss = Workloads.SeedMlpGradient(x, w1, w2, y, ReadOnlySpan<float>.Empty, z, h, p, N, DIn, H, DOut, dw1, dw2);
        VectorOps.Axpy(-Lr, dw1, w1);
        VectorOps.Axpy(-Lr, dw2, w2);
        return loss;
    };
}

static Func<float> SoftmaxMlpStep()
{
    const int N = 256, DIn = 784, H = 256, DOut = 10;
    const float Lr = 0.1f;
    var rng = new SeededRandom(0);
    float[] x = Data.Normal(rng, N * DIn, 1);
    float[] w1 = Data.Normal(rng, DIn * H, MathF.Sqrt(2f / DIn)), w2 = Data.Normal(rng, H * DOut, MathF.Sqrt(2f / H));
    float[] b1 = new float[H], b2 = new float[DOut];
    int[] labels = new int[N];
    for (int i = 0; i < N; i++) labels[i] = rng.NextInt32(DOut);
    float[] z1 = new float[N * H], a1 = new float[N * H], logits = new float[N * DOut];
    float[] dw1 = new float[w1.Length], db1 = new float[H], dw2 = new float[w2.Length], db2 = new float[DOut];
    return () =>
    {
        VectorOps.Clear(dw1.AsSpan());
        VectorOps.Clear(db1.AsSpan());
        VectorOps.Clear(dw2.AsSpan());
        VectorOps.Clear(db2.AsSpan());
        float loss = Workloads.SoftmaxMlpGradient(x, w1, b1, w2, b2, labels, z1, a1, logits, N, DIn, H, DOut, dw1, db1, dw2, db2);
        VectorOps.Axpy(-Lr, dw1, w1);
        VectorOps.Axpy(-Lr, db1, b1);
        VectorOps.Axpy(-Lr, dw2, w2);
        VectorOps.Axpy(-Lr, db2, b2);
        return loss;
    };
}

static Func<float> ConvStep()
{
    var shape = new Conv2DShape(32, 3, 32, 32, 16, 5, 5);
    var rng = new SeededRandom(0);
    float[] x = Data.Normal(rng, shape.InputLength, 1), w = Data.Normal(rng, shape.WeightLength, 0.1f), b = Data.Normal(rng, shape.Filters, 0.1f);
    float[] z = new float[shape.OutputLength], r = new float[shape.OutputLength];
    float[] dx = new float[x.Length], dw = new float[w.Length], db = new float[b.Length];
    return () =>
    {
        Array.Clear(dx);
        Array.Clear(dw);
        Array.Clear(db);
        return Workloads.ConvReluSquaresGradient(x, w, b, z, r, shape, dx, dw, db);
    };
}

static Func<float> MeanSubtractStep()
{
    // The peer subtracts the mean over the 256 rows of a row-major (256, 4096) matrix; Nn.MeanSubtract normalises
    // along the contiguous axis, so the same matrix is held feature-major: 4096 contiguous rows of 256 samples.
    const int Features = 4096, Samples = 256;
    var rng = new SeededRandom(0);
    float[] x = Data.Normal(rng, Features * Samples, 1), dh = Data.Normal(rng, Features * Samples, 1);
    float[] h = new float[x.Length], dx = new float[x.Length];
    return () =>
    {
        Workloads.MeanSubtract(x, h, Features, Samples);
        VectorOps.Clear(dx.AsSpan());
        Workloads.MeanSubtractBackward(x, h, Features, Samples, dh, dx);
        return h[0] + dx[0];
    };
}

static Func<float> GemmStep<T>(int n, int threads)
    where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
{
    var rng = new SeededRandom(0);
    T[] a = Data.Normal<T>(rng, n * n), b = Data.Normal<T>(rng, n * n), c = new T[n * n];
    return () =>
    {
        // Gemm.MaxThreads caps the product at one thread for the one-thread rows; restored after each call.
        int saved = Gemm.MaxThreads;
        Gemm.MaxThreads = threads;
        if (typeof(T) == typeof(float))
            Gemm.Multiply(System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(a), System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(b), System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(c.AsSpan()), n, n, n);
        else
            Gemm.Multiply(System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(a), System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(b), System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(c.AsSpan()), n, n, n);
        Gemm.MaxThreads = saved;
        return float.CreateTruncating(c[0]);
    };
}

internal readonly record struct Timing(double WarmupS, double TargetS, int Repeats);

internal sealed class Row
{
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public double MedianUs { get; init; }
    public double MinUs { get; init; }
    public double MaxUs { get; init; }
    public int Iters { get; init; }
    public int Repeats { get; init; }
    public double BytesPerStepThread { get; init; }
    public double BytesPerStepTotal { get; init; }
    public bool Finite { get; init; }
    public double? Gflops { get; set; }

    public static string ToJson(List<Row> rows)
    {
        static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.Append("{\"rows\": [\n");
        for (int i = 0; i < rows.Count; i++)
        {
            Row r = rows[i];
            sb.Append($"  {{\"id\": \"{r.Id}\", \"name\": \"{r.Name}\", \"median_us\": {N(r.MedianUs)}, \"min_us\": {N(r.MinUs)}, \"max_us\": {N(r.MaxUs)}, ")
              .Append($"\"iters\": {r.Iters}, \"repeats\": {r.Repeats}, \"bytes_per_step_thread\": {N(r.BytesPerStepThread)}, \"bytes_per_step_total\": {N(r.BytesPerStepTotal)}, ")
              .Append($"\"finite\": {(r.Finite ? "true" : "false")}{(r.Gflops is double g ? $", \"gflops\": {N(g)}" : "")}}}{(i + 1 < rows.Count ? "," : "")}\n");
        }

        sb.Append("]}\n");
        return sb.ToString();
    }
}
