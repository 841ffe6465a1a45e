using System;
using System.CommandLine;
using System.IO;
using SymGrad;
using SymGrad.Samples;
using SymGrad.Samples.Retrieval;

// Learn low-dimensional image descriptors with the contrastive loss, then retrieve: for each held-out query, is
// the nearest gallery descriptor of the same class (recall@1)? And how much do the distance distributions of
// same-class and different-class pairs overlap (Bhattacharyya coefficient)? Both before and after training.
var data = new Option<string>("--data") { Description = "Directory of the Fashion-MNIST IDX files; a synthetic set is used when they are absent.", DefaultValueFactory = _ => FashionMnist.DefaultDirectory };
var synthetic = new Option<bool>("--synthetic") { Description = "Use the synthetic set even if Fashion-MNIST is installed." };
var steps = SampleCommandLine.Int("--steps", "Training steps (one batch of pairs each).", 4000, min: 1);
var pairs = SampleCommandLine.Int("--pairs", "Pairs per step, half similar, half dissimilar.", 128, min: 1);
var dims = SampleCommandLine.Int("--dims", "Descriptor dimensions.", 16, min: 1);
var margin = SampleCommandLine.PositiveDouble("--margin", "Dissimilar pairs are pushed this far apart.", 2);
var lr = SampleCommandLine.PositiveDouble("--lr", "Adam learning rate.", 1e-3);
var seed = SampleCommandLine.Long("--seed", "Seed of the initialisation and the pair sampling.", 1);
var queries = SampleCommandLine.Int("--queries", "Held-out queries.", 500, min: 1);
var gallery = SampleCommandLine.Int("--gallery", "Held-out gallery the queries search.", 1000, min: 1);

var root = new RootCommand("Descriptor learning for retrieval with the contrastive loss (SymGrad-derived gradients).")
{
    data, synthetic, steps, pairs, dims, margin, lr, seed, queries, gallery,
};
root.SetAction(parsed => RetrievalApp.Run(new RetrievalOptions(
    parsed.GetValue(data)!, parsed.GetValue(synthetic), parsed.GetValue(steps), parsed.GetValue(pairs), parsed.GetValue(dims), (float)parsed.GetValue(margin),
    parsed.GetValue(lr), parsed.GetValue(seed), parsed.GetValue(queries), parsed.GetValue(gallery))));
return SampleCommandLine.Run(root, args);

namespace SymGrad.Samples.Retrieval
{
    public sealed record RetrievalOptions(string Data, bool Synthetic, int Steps, int Pairs, int Dims, float Margin, double LearningRate, long Seed, int Queries, int Gallery);

    public sealed record RetrievalReport(double RecallBefore, double RecallAfter, double OverlapBefore, double OverlapAfter, double FirstLoss, double LastLoss);

    public static class RetrievalApp
    {
        public static int Run(RetrievalOptions options)
        {
            Images images;
            if (!options.Synthetic && FashionMnist.TryLocate(options.Data, out FashionMnistFiles? files, out _))
            {
                FashionMnistSplit train = FashionMnist.Load(files!.TrainImages, files.TrainLabels);
                FashionMnistSplit test = FashionMnist.Load(files.TestImages, files.TestLabels);
                images = Images.FromIdx(train, test);
                Console.WriteLine($"Fashion-MNIST from {options.Data}: {images.TrainCount} training images; queries and gallery from the test images.");
            }
            else
            {
                images = Images.Synthetic(options.Seed);
                Console.WriteLine(options.Synthetic
                    ? "Using the synthetic set (--synthetic): 10 classes of noisy 28×28 patterns."
                    : $"Fashion-MNIST is not in '{options.Data}' (apt-get install dataset-fashion-mnist): using a synthetic set of 10 classes of noisy 28×28 patterns instead.");
            }

            if (options.Queries + options.Gallery > images.TestCount)
            {
                Console.Error.WriteLine($"--queries {options.Queries} + --gallery {options.Gallery} is more than the {images.TestCount} held-out images.");
                return 1;
            }

            RetrievalReport report = Learner.Train(options, images, Console.Out);
            Console.WriteLine($"recall@1:                        {report.RecallBefore:P1} → {report.RecallAfter:P1}");
            Console.WriteLine($"Bhattacharyya overlap of same- and different-class distance histograms: {report.OverlapBefore:F3} → {report.OverlapAfter:F3} (lower is better)");
            return 0;
        }
    }
}
