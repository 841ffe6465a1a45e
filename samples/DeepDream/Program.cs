using System;
using System.CommandLine;
using System.IO;
using SymGrad;
using SymGrad.Samples;
using SymGrad.Samples.DeepDream;
using SymGrad.Samples.FashionMnist;

// Saliency and "DeepDream"-style input gradients of the Fashion-MNIST network: ∂(class score)/∂(input pixel),
// from a backward pass SymGrad derived with every weight marked [NoDerivative].
var data = new Option<string>("--data") { Description = "Directory of the Fashion-MNIST IDX files.", DefaultValueFactory = _ => FashionMnist.DefaultDirectory };
var load = new Option<string?>("--load") { Description = "A checkpoint written by samples/FashionMnist --save; without it a network is trained briefly first." };
var train = SampleCommandLine.Int("--train-limit", "Without --load: train one epoch on this many images.", 12800, min: 64);
var index = SampleCommandLine.Int("--index", "Which test image to explain.", 0, min: 0);
var target = SampleCommandLine.OptionalInt("--class", "The class whose score to explain (default: the image's true class).", min: 0, max: 9);
var method = SampleCommandLine.Choice("--method", "integrated (integrated gradients from a black image, smoothed with noise), smoothgrad (the gradient averaged over noisy copies) or gradient (the raw gradient).", SaliencyMethod.Integrated);
var samples = SampleCommandLine.Int("--samples", "Path steps (integrated) or noisy copies (smoothgrad), one gradient each.", 200, min: 1);
var steps = SampleCommandLine.Int("--dream-steps", "Gradient-ascent steps on the image to raise the class score.", 30, min: 0);
var output = new Option<string?>("--output") { Description = "The image | saliency PGM to write (default out/saliency-INDEX.pgm); a PNG of image, saliency and overlay goes next to it." };

var root = new RootCommand("Explain a Fashion-MNIST prediction with the gradient of a class score with respect to the input image.")
{
    data, load, train, index, target, method, samples, steps, output,
};
root.SetAction(parsed => Dream.Run(new DreamOptions(parsed.GetValue(data)!, parsed.GetValue(load), parsed.GetValue(train), parsed.GetValue(index),
    parsed.GetValue(target), parsed.GetValue(method), parsed.GetValue(samples), parsed.GetValue(steps), parsed.GetValue(output))));
return SampleCommandLine.Run(root, args);

namespace SymGrad.Samples.DeepDream
{
    /// <summary>How the saliency map is computed from input gradients.</summary>
    public enum SaliencyMethod
    {
        /// <summary>Integrated gradients from a black image, with SmoothGrad's noise along the path: the default.</summary>
        Integrated,

        /// <summary>The gradient averaged over noisy copies of the image (SmoothGrad).</summary>
        SmoothGrad,

        /// <summary>The raw gradient of the score: speckle on a ReLU network, shown for comparison.</summary>
        Gradient,
    }

    public sealed record DreamOptions(
        string DataDirectory, string? Checkpoint = null, int TrainLimit = 12800, int Index = 0, int? TargetClass = null,
        SaliencyMethod Method = SaliencyMethod.Integrated, int Samples = 200, int DreamSteps = 30, string? Output = null);

    public static class Dream
    {
        /// <summary>SmoothGrad's noise: 15 % of the pixels' [0, 1] range, in the 10–20 % its paper recommends.</summary>
        public const float Noise = 0.15f;

        public static int Run(DreamOptions options)
        {
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
                var test = Dataset.Load(files.TestImages, files.TestLabels);
                int index = options.Index;
                if (index >= test.Count)
                {
                    Console.Error.WriteLine($"--index {index} is past the {test.Count} test images.");
                    return 1;
                }

                var model = new Model(batch: 64, seed: 1);
                if (options.Checkpoint is not null)
                {
                    model.Store.Load(options.Checkpoint);
                    Console.WriteLine($"Loaded {options.Checkpoint}.");
                }
                else
                {
                    Console.WriteLine($"No --load: training one epoch on {options.TrainLimit} images first (samples/FashionMnist --save gives a better network).");
                    var trainSet = Dataset.Load(files.TrainImages, files.TrainLabels);
                    Trainer.Train(new TrainingOptions(options.DataDirectory, Epochs: 1, Limit: options.TrainLimit), model, trainSet, test, new Quiet());
                }

                var image = new float[28 * 28];
                var label = new int[1];
                test.Gather(new[] { index }, image, label);
                int target = options.TargetClass ?? label[0];
                var map = new SaliencyMap(model.Store);

                var gradient = new float[image.Length];
                float score = map.Gradient(image, target, gradient);
                int predicted = ArgMax(map.Logits);
                float[] attribution = gradient;
                if (options.Method == SaliencyMethod.SmoothGrad)
                {
                    attribution = map.SmoothGrad(image, target, options.Samples, Noise, seed: index);
                }
                else if (options.Method == SaliencyMethod.Integrated)
                {
                    attribution = map.IntegratedGradients(image, target, options.Samples, Noise, seed: index, out _);
                }

                var saliency = new float[image.Length];
                for (int i = 0; i < saliency.Length; i++) saliency[i] = Math.Abs(attribution[i]);

                string pgm = SampleOutput.Prepare(options.Output ?? SampleOutput.Default($"saliency-{index}.pgm"));
                string png = Path.ChangeExtension(pgm, ".png");
                Pgm.WriteSideBySide(pgm, image, saliency);
                SaliencyImage.Write(png, image, saliency);

                string Name(int c) => SymGrad.FashionMnist.ClassNames[c];
                Console.WriteLine($"Test image {index}: a {Name(label[0])}, predicted {Name(predicted)}; score of {Name(target)}: {score:F3}.");
                Console.WriteLine($"Saliency ({Describe(options)}), brighter = more influence:");
                Console.Write(Ascii(saliency));
                Console.WriteLine($"Wrote {png} (image | saliency | overlay)");
                Console.WriteLine($"Wrote {pgm} (image | saliency, grey)");

                if (options.DreamSteps > 0)
                {
                    // DeepDream-style: nudge the pixels along the gradient, kept in [0, 1], and watch the score rise.
                    var dreamed = (float[])image.Clone();
                    for (int s = 0; s < options.DreamSteps; s++)
                    {
                        Array.Clear(gradient);
                        map.Gradient(dreamed, target, gradient);
                        float norm = 1e-12f;
                        foreach (float g in gradient) norm = Math.Max(norm, Math.Abs(g));
                        for (int i = 0; i < dreamed.Length; i++) dreamed[i] = Math.Clamp(dreamed[i] + (0.05f * gradient[i] / norm), 0f, 1f);
                    }

                    float after = map.Score(dreamed, target);
                    string dreamPgm = Path.ChangeExtension(pgm, null) + "-dream.pgm";
                    string dreamPng = Path.ChangeExtension(dreamPgm, ".png");
                    Pgm.WriteSideBySide(dreamPgm, image, dreamed);
                    SaliencyImage.WriteBeforeAfter(dreamPng, image, dreamed);
                    Console.WriteLine($"After {options.DreamSteps} gradient-ascent steps on the image the score of {Name(target)} went from {score:F3} to {after:F3}:");
                    Console.WriteLine($"Wrote {dreamPng} (before | after)");
                    Console.WriteLine($"Wrote {dreamPgm}");
                }

                return 0;
            }
            catch (Exception ex) when (ex is InvalidDataException or ArgumentException or InvalidOperationException or FileNotFoundException)
            {
                Console.Error.WriteLine(ex.Message);
                return 1;
            }
        }

        private static string Describe(DreamOptions options) => options.Method switch
        {
            SaliencyMethod.SmoothGrad => $"|∂score/∂pixel| averaged over {options.Samples} copies with noise σ = {Noise}",
            SaliencyMethod.Integrated => $"|integrated gradients| from a black image, {options.Samples} steps with noise σ = {Noise}",
            _ => "|∂score/∂pixel|",
        };

        /// <summary>The saliency as 28 lines of characters, darker to brighter (the 99th percentile and above brightest).</summary>
        public static string Ascii(ReadOnlySpan<float> values)
        {
            const string ramp = " .:-=+*#%@";
            float max = Math.Max(1e-12f, SaliencyImage.Percentile(values, 0.99f)); // as in the PNG
            var text = new System.Text.StringBuilder();
            for (int y = 0; y < 28; y++)
            {
                for (int x = 0; x < 28; x++)
                {
                    int level = (int)Math.Round(Math.Min(values[(y * 28) + x] / max, 1f) * (ramp.Length - 1));
                    text.Append(ramp[level]).Append(ramp[level]);
                }

                text.Append('\n');
            }

            return text.ToString();
        }

        private static int ArgMax(float[] values)
        {
            int best = 0;
            for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
            return best;
        }

        private sealed class Quiet : ITrainingObserver
        {
            public void EpochStarted(int epoch, int batches) { }

            public void BatchDone(int epoch, int batch, int batches, double loss, double examplesPerSecond) { }

            public void EpochDone(EpochResult result) => Console.WriteLine($"trained: test accuracy {result.TestAccuracy:P2}");
        }
    }
}
