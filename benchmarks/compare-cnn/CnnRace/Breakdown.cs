using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using SymGrad;
using SymGrad.Samples.FashionMnist;

/// <summary>
/// <c>CnnRace --breakdown [threads] [name filter]</c>: each call of the CNN's training step (batch 64) timed alone and in
/// sequence (the step's order), to show where a step's time goes. Not part of the race.
/// </summary>
internal static class Breakdown
{
    public static void Run(int threads, string? only = null)
    {
        Gemm.MaxThreads = threads;
        NetShape s = NetShape.ForBatch(64);
        var rng = new SeededRandom(1);
        float[] Random(int length, double scale)
        {
            float[] values = new float[length];
            for (int i = 0; i < length; i++) values[i] = (float)(rng.NextNormal() * scale);
            return values;
        }

        float[] images = Random(s.Conv1.InputLength, 1), c1w = Random(s.Conv1.WeightLength, 0.3), c1b = new float[32], c2w = Random(s.Conv2.WeightLength, 0.06), c2b = new float[64];
        float[] d1w = Random(s.Flat * s.Hidden, 0.025), d1b = new float[s.Hidden], d2w = Random(s.Hidden * s.Classes, 0.12), d2b = new float[s.Classes];
        float[] conv1 = new float[s.Conv1.OutputLength], pool1 = new float[s.Pool1.OutputLength];
        float[] conv2 = new float[s.Conv2.OutputLength], pool2 = new float[s.Pool2.OutputLength];
        float[] hidden = new float[s.Batch * s.Hidden], hiddenRelu = new float[hidden.Length], logits = new float[s.Batch * s.Classes];
        float[] dLogits = new float[logits.Length], dHidden = new float[hidden.Length], dHiddenRelu = new float[hidden.Length];
        float[] dPool2 = new float[pool2.Length], dConv2 = new float[conv2.Length], dPool1 = new float[pool1.Length];
        float[] dConv1 = new float[conv1.Length];
        float[] dc1w = new float[c1w.Length], dc1b = new float[32], dc2w = new float[c2w.Length], dc2b = new float[64];
        float[] dd1w = new float[d1w.Length], dd1b = new float[d1b.Length], dd2w = new float[d2w.Length], dd2b = new float[d2b.Length];
        int[] labels = new int[s.Batch];
        for (int i = 0; i < labels.Length; i++) labels[i] = i % s.Classes;
        var adam = new Adam<float>(d1w.Length, 1e-3);

        var pieces = new List<(string, Action)>
        {
            ("conv1 fwd 1→32 3×3 p1 28²", () => Nn.Conv2D(images, c1w, c1b, conv1, s.Conv1)),
            ("relu1 + pool1 fwd (ReluMaxPool2D)", () => Nn.ReluMaxPool2D(conv1, pool1, s.Pool1)),
            ("conv2 fwd 32→64 3×3 p1 14²", () => Nn.Conv2D(pool1, c2w, c2b, conv2, s.Conv2)),
            ("relu2 + pool2 fwd (ReluMaxPool2D)", () => Nn.ReluMaxPool2D(conv2, pool2, s.Pool2)),
            ("dense1 fwd 64×3136→128", () => Nn.Dense(pool2, d1w, d1b, hidden, s.Batch, s.Flat, s.Hidden)),
            ("relu3 fwd", () => Nn.Relu(hidden, hiddenRelu)),
            ("dense2 fwd 64×128→10", () => Nn.Dense(hiddenRelu, d2w, d2b, logits, s.Batch, s.Hidden, s.Classes)),
            ("softmax-CE fwd", () => Nn.SoftmaxCrossEntropy(logits, labels, s.Batch, s.Classes)),
            ("softmax-CE bwd", () => Nn.SoftmaxCrossEntropyBackward(logits, labels, s.Batch, s.Classes, 1f, dLogits)),
            ("dense2 bwd (dx, dw, db)", () => Nn.DenseBackward(hiddenRelu, d2w, d2b, logits, s.Batch, s.Hidden, s.Classes, dLogits, dHiddenRelu, dd2w, dd2b)),
            ("relu3 bwd", () => Nn.ReluBackward(hidden, hiddenRelu, dHiddenRelu, dHidden)),
            ("dense1 bwd (dx, dw, db)", () => Nn.DenseBackward(pool2, d1w, d1b, hidden, s.Batch, s.Flat, s.Hidden, dHidden, dPool2, dd1w, dd1b)),
            ("pool2 + relu2 bwd (assigning, as the step)", () => Nn.ReluMaxPool2DBackwardAssign(conv2, pool2, s.Pool2, dPool2, dConv2)),
            ("conv2 bwd (dx, dw, db)", () => Nn.Conv2DBackward(pool1, c2w, c2b, conv2, s.Conv2, dConv2, dPool1, dc2w, dc2b)),
            ("  of which dx alone", () => Conv2D.BackwardInput(c2w, dConv2, dPool1, s.Conv2)),
            ("  of which dw, db alone", () => Conv2D.BackwardWeights(pool1, dConv2, dc2w, dc2b, s.Conv2)),
            ("pool1 + relu1 bwd (assigning, as the step)", () => Nn.ReluMaxPool2DBackwardAssign(conv1, pool1, s.Pool1, dPool1, dConv1)),
            ("conv1 bwd (dw, db)", () => Nn.Conv2DBackward(images, c1w, c1b, conv1, s.Conv1, dConv1, default, dc1w, dc1b)),
            ("Adam step 401k (dense1 weights)", () => adam.Step(d1w, dd1w)),
        };

        // Alone, each piece runs with its own data hot in cache; in sequence (the order of a training step, every piece
        // once per step), it finds what the step's earlier pieces left in cache. Where the two columns differ is memory.
        var selected = pieces.FindAll(p => only is null || p.Item1.Contains(only, StringComparison.Ordinal));
        double[] inSequence = InSequence(selected.FindAll(p => !p.Item1.StartsWith(' ')).ConvertAll(p => p.Item2));
        Console.WriteLine($"| piece ({threads} thread(s), batch 64) | alone: median µs | alone: min µs | in sequence: median µs |");
        Console.WriteLine("|---|---:|---:|---:|");
        double total = 0, sequenceTotal = 0;
        int next = 0;
        foreach ((string name, Action run) in selected)
        {
            (double median, double min) = Time(run);
            bool part = name.StartsWith(' '); // "of which" lines are parts of the line above
            double sequence = part ? double.NaN : inSequence[next++];
            total += part ? 0 : median;
            sequenceTotal += part ? 0 : sequence;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {median:F1} | {min:F1} | {(part ? "" : sequence.ToString("F1", CultureInfo.InvariantCulture))} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| sum | {total:F1} | | {sequenceTotal:F1} |"));
    }

    /// <summary>Runs the pieces in order as one step, 20 steps of warm-up then 100 timed; each piece's median over the timed steps.</summary>
    private static double[] InSequence(List<Action> step)
    {
        const int Warm = 20, Steps = 100;
        var times = new double[step.Count, Steps];
        for (int i = 0; i < Warm + Steps; i++)
        {
            for (int p = 0; p < step.Count; p++)
            {
                long start = Stopwatch.GetTimestamp();
                step[p]();
                if (i >= Warm)
                {
                    times[p, i - Warm] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                }
            }
        }

        var medians = new double[step.Count];
        var row = new double[Steps];
        for (int p = 0; p < step.Count; p++)
        {
            for (int i = 0; i < Steps; i++) row[i] = times[p, i];
            Array.Sort(row);
            medians[p] = row[Steps / 2];
        }

        return medians;
    }

    /// <summary>Median and minimum over 7 repeats of the mean time of a call, each repeat ≈ 0.1 s, after a 0.2 s warm-up.</summary>
    private static (double Median, double Min) Time(Action run)
    {
        long warmEnd = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 5);
        int calls = 0;
        while (Stopwatch.GetTimestamp() < warmEnd || calls < 3)
        {
            run();
            calls++;
        }

        double perCall = 0.2 / calls;
        int iterations = Math.Max(1, (int)(0.1 / perCall));
        double[] repeats = new double[7];
        for (int r = 0; r < repeats.Length; r++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < iterations; i++) run();
            repeats[r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / iterations;
        }

        Array.Sort(repeats);
        return (repeats[repeats.Length / 2], repeats[0]);
    }
}
