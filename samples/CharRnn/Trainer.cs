using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Numerics.Tensors;

namespace SymGrad.Samples.CharRnn
{
    public sealed record CharRnnOptions(
        string Text = CharRnnOptions.DefaultText, int Iterations = 50000, int Hidden = 100, int SeqLength = 25, double LearningRate = 0.1,
        long Seed = 1, int PrintEvery = 5000, int SampleEvery = 10000, int SampleLength = 200, string LossCsv = CharRnnOptions.DefaultLossCsv,
        string? Save = null)
    {
        /// <summary>A text every Debian machine has (base-files).</summary>
        public const string DefaultText = "/usr/share/common-licenses/GPL-3";

        public const string DefaultLossCsv = "out/charrnn-loss.csv";
    }

    /// <summary>One iteration's loss (summed over the sequence) and min-char-rnn's smoothed loss after it.</summary>
    public readonly record struct LossPoint(int Iteration, double Loss, double SmoothLoss);

    public sealed record CharRnnResult(IReadOnlyList<LossPoint> Losses, IReadOnlyList<string> Samples, TimeSpan TrainingTime);

    /// <summary>
    /// min-char-rnn's loop: consecutive sequences of <c>SeqLength</c> characters (back to the start, with a zero hidden
    /// state, when the text runs out), backpropagation through each, gradients clipped to [−5, 5], Adagrad.
    /// </summary>
    public static class Trainer
    {
        public const double Clip = 5;

        public static CharRnnResult Train(CharRnnOptions options, string text, TextWriter log)
        {
            int t = options.SeqLength;
            if (text.Length < t + 2)
            {
                throw new ArgumentException($"The text has {text.Length} characters; a sequence of {t} needs at least {t + 2}.");
            }

            var vocabulary = new Vocabulary(text);
            int[] data = vocabulary.Encode(text);
            var model = new CharModel(vocabulary.Count, options.Hidden, t, options.Seed);
            var optimizer = new Adagrad<double>(model.Store.Length, options.LearningRate);
            var sampling = new SeededRandom(options.Seed + 1);
            log.WriteLine($"{text.Length:N0} characters, {vocabulary.Count} distinct; hidden {options.Hidden}, sequence {t}, Adagrad lr {options.LearningRate.ToString(CultureInfo.InvariantCulture)}, {options.Iterations:N0} iterations");

            var losses = new List<LossPoint>(options.Iterations);
            var samples = new List<string>();
            double smooth = -Math.Log(1.0 / vocabulary.Count) * t; // the loss of a uniform guess, where training starts
            var watch = new Stopwatch();
            for (int n = 0, p = 0; n < options.Iterations; n++, p += t)
            {
                if (p + t + 1 >= data.Length || n == 0)
                {
                    Array.Clear(model.HiddenState); // back to the start of the text, with no memory
                    p = 0;
                }

                ReadOnlySpan<int> inputs = data.AsSpan(p, t), targets = data.AsSpan(p + 1, t);
                if (options.SampleEvery > 0 && n % options.SampleEvery == 0)
                {
                    string sample = Decode.Text(vocabulary, model.Sample(inputs[0], options.SampleLength, sampling));
                    samples.Add(sample);
                    log.WriteLine($"----- sample at iteration {n}\n{sample}\n-----");
                }

                watch.Start();
                double loss = model.LossAndGradients(inputs, targets);
                Span<double> gradients = model.Store.AllGradients;
                TensorPrimitives.Clamp(gradients, -Clip, Clip, gradients); // mitigate exploding gradients
                optimizer.Step(model.Store.AllParameters, gradients);
                watch.Stop();

                smooth = (smooth * 0.999) + (loss * 0.001);
                losses.Add(new LossPoint(n, loss, smooth));
                if (options.PrintEvery > 0 && (n % options.PrintEvery == 0 || n == options.Iterations - 1))
                {
                    log.WriteLine($"iter {n,6}  loss {loss,8:F3}  smooth loss {smooth,8:F3}");
                }
            }

            if (options.Save is not null)
            {
                model.Store.Save(options.Save);
            }

            return new CharRnnResult(losses, samples, watch.Elapsed);
        }

        /// <summary>iteration,loss,smooth_loss per line, invariant culture: what the NumPy version writes too.</summary>
        public static void WriteLosses(string path, IReadOnlyList<LossPoint> losses)
        {
            using var writer = new StreamWriter(path);
            writer.WriteLine("iteration,loss,smooth_loss");
            foreach (LossPoint point in losses)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{point.Iteration},{point.Loss:R},{point.SmoothLoss:R}"));
            }
        }
    }
}
