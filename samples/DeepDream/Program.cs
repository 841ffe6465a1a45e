using System;
using System.CommandLine;
using System.IO;
using SymGrad;
using SymGrad.Samples.DeepDream;
using SymGrad.Samples.FashionMnist;

// Saliency and "DeepDream"-style input gradients of the Fashion-MNIST network: ∂(class score)/∂(input pixel),
// from a backward pass SymGrad derived with every weight marked [NoDerivative].
var data = new Option<string>("--data") { Description = "Directory of the Fashion-MNIST IDX files.", DefaultValueFactory = _ => FashionMnist.DefaultDirectory };
var load = new Option<string?>("--load") { Description = "A checkpoint written by samples/FashionMnist --save; without it a network is trained briefly first." };
var train = new Option<int>("--train-limit") { Description = "Without --load: train one epoch on this many images.", DefaultValueFactory = _ => 12800 };
var index = new Option<int>("--index") { Description = "Which test image to explain.", DefaultValueFactory = _ => 0 };
var target = new Option<int?>("--class") { Description = "The class whose score to explain (default: the image's true class)." };
var steps = new Option<int>("--dream-steps") { Description = "Gradient-ascent steps on the image to raise the class score.", DefaultValueFactory = _ => 30 };
var output = new Option<string>("--output") { Description = "Where to write the image | saliency PGM.", DefaultValueFactory = _ => "saliency.pgm" };
index.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) r.AddError("--index must be 0 or more."); });
target.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 0 or > 9) r.AddError("--class must be between 0 and 9."); });
steps.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) r.AddError("--dream-steps must be 0 or more."); });
train.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 64) r.AddError("--train-limit must be at least 64."); });

var root = new RootCommand("Explain a Fashion-MNIST prediction with the gradient of a class score with respect to the input image.")
{
    data, load, train, index, target, steps, output,
};
root.SetAction(parsed => Dream.Run(parsed.GetValue(data)!, parsed.GetValue(load), parsed.GetValue(train), parsed.GetValue(index),
    parsed.GetValue(target), parsed.GetValue(steps), parsed.GetValue(output)!));
return root.Parse(args).Invoke();

namespace SymGrad.Samples.DeepDream
{
    public static class Dream
    {
        public static int Run(string dataDirectory, string? checkpoint, int trainLimit, int index, int? targetClass, int steps, string output)
        {
            FashionMnistFiles files;
            try
            {
                files = SymGrad.FashionMnist.Locate(dataDirectory);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                Console.Error.WriteLine(ex.Message);
                return 2;
            }

            try
            {
                var test = Dataset.Load(files.TestImages, files.TestLabels);
                if (index >= test.Count)
                {
                    Console.Error.WriteLine($"--index {index} is past the {test.Count} test images.");
                    return 1;
                }

                var model = new Model(batch: 64, seed: 1);
                if (checkpoint is not null)
                {
                    model.Store.Load(checkpoint);
                    Console.WriteLine($"Loaded {checkpoint}.");
                }
                else
                {
                    Console.WriteLine($"No --load: training one epoch on {trainLimit} images first (samples/FashionMnist --save gives a better network).");
                    var trainSet = Dataset.Load(files.TrainImages, files.TrainLabels);
                    Trainer.Train(new TrainingOptions(dataDirectory, Epochs: 1, Limit: trainLimit), model, trainSet, test, new Quiet());
                }

                var image = new float[28 * 28];
                var label = new int[1];
                test.Gather(new[] { index }, image, label);
                int target = targetClass ?? label[0];
                var map = new SaliencyMap(model.Store);

                var gradient = new float[image.Length];
                float score = map.Gradient(image, target, gradient);
                int predicted = ArgMax(map.Logits);
                var saliency = new float[image.Length];
                for (int i = 0; i < saliency.Length; i++) saliency[i] = Math.Abs(gradient[i]);
                Pgm.WriteSideBySide(output, image, saliency);

                string Name(int c) => SymGrad.FashionMnist.ClassNames[c];
                Console.WriteLine($"Test image {index}: a {Name(label[0])}, predicted {Name(predicted)}; score of {Name(target)}: {score:F3}.");
                Console.WriteLine($"|∂score/∂pixel| (brighter = more influence), left the image, right the saliency → {Path.GetFullPath(output)}");
                Console.Write(Ascii(saliency));

                if (steps > 0)
                {
                    // DeepDream-style: nudge the pixels along the gradient, kept in [0, 1], and watch the score rise.
                    var dreamed = (float[])image.Clone();
                    for (int s = 0; s < steps; s++)
                    {
                        Array.Clear(gradient);
                        map.Gradient(dreamed, target, gradient);
                        float norm = 1e-12f;
                        foreach (float g in gradient) norm = Math.Max(norm, Math.Abs(g));
                        for (int i = 0; i < dreamed.Length; i++) dreamed[i] = Math.Clamp(dreamed[i] + (0.05f * gradient[i] / norm), 0f, 1f);
                    }

                    float after = map.Score(dreamed, target);
                    string dreamPath = Path.ChangeExtension(output, null) + "-dream.pgm";
                    Pgm.WriteSideBySide(dreamPath, image, dreamed);
                    Console.WriteLine($"After {steps} gradient-ascent steps on the image the score of {Name(target)} went from {score:F3} to {after:F3} → {Path.GetFullPath(dreamPath)}");
                }

                return 0;
            }
            catch (Exception ex) when (ex is InvalidDataException or ArgumentException or InvalidOperationException or FileNotFoundException)
            {
                Console.Error.WriteLine(ex.Message);
                return 1;
            }
        }

        /// <summary>The saliency as 28 lines of characters, darker to brighter.</summary>
        public static string Ascii(ReadOnlySpan<float> values)
        {
            const string ramp = " .:-=+*#%@";
            float max = 1e-12f;
            foreach (float v in values) max = Math.Max(max, v);
            var text = new System.Text.StringBuilder();
            for (int y = 0; y < 28; y++)
            {
                for (int x = 0; x < 28; x++)
                {
                    int level = (int)Math.Round(values[(y * 28) + x] / max * (ramp.Length - 1));
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
