using System;
using System.CommandLine;
using System.IO;
using SymGrad;
using SymGrad.Samples.Retrieval;

// Learn low-dimensional image descriptors with the contrastive loss, then retrieve: for each held-out query, is
// the nearest gallery descriptor of the same class (recall@1)? And how much do the distance distributions of
// same-class and different-class pairs overlap (Bhattacharyya coefficient)? Both before and after training.
var data = new Option<string>("--data") { Description = "Directory of the Fashion-MNIST IDX files; a synthetic set is used when they are absent.", DefaultValueFactory = _ => FashionMnist.DefaultDirectory };
var synthetic = new Option<bool>("--synthetic") { Description = "Use the synthetic set even if Fashion-MNIST is installed." };
var steps = new Option<int>("--steps") { Description = "Training steps (one batch of pairs each).", DefaultValueFactory = _ => 4000 };
var pairs = new Option<int>("--pairs") { Description = "Pairs per step, half similar, half dissimilar.", DefaultValueFactory = _ => 128 };
var dims = new Option<int>("--dims") { Description = "Descriptor dimensions.", DefaultValueFactory = _ => 16 };
var margin = new Option<float>("--margin") { Description = "Dissimilar pairs are pushed this far apart.", DefaultValueFactory = _ => 2f };
var lr = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 1e-3 };
var seed = new Option<long>("--seed") { Description = "Seed of the initialisation and the pair sampling.", DefaultValueFactory = _ => 1 };
var queries = new Option<int>("--queries") { Description = "Held-out queries.", DefaultValueFactory = _ => 500 };
var gallery = new Option<int>("--gallery") { Description = "Held-out gallery the queries search.", DefaultValueFactory = _ => 1000 };
foreach (Option<int> positive in new[] { steps, pairs, dims, queries, gallery })
{
    positive.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError($"{positive.Name} must be at least 1."); });
}

margin.Validators.Add(r => { if (!(r.GetValueOrDefault<float>() > 0)) r.AddError("--margin must be positive."); });
lr.Validators.Add(r => { if (!(r.GetValueOrDefault<double>() > 0)) r.AddError("--lr must be positive."); });

var root = new RootCommand("Descriptor learning for retrieval with the contrastive loss (SymGrad-derived gradients).")
{
    data, synthetic, steps, pairs, dims, margin, lr, seed, queries, gallery,
};
root.SetAction(parsed => RetrievalApp.Run(new RetrievalOptions(
    parsed.GetValue(data)!, parsed.GetValue(synthetic), parsed.GetValue(steps), parsed.GetValue(pairs), parsed.GetValue(dims), parsed.GetValue(margin),
    parsed.GetValue(lr), parsed.GetValue(seed), parsed.GetValue(queries), parsed.GetValue(gallery))));
return root.Parse(args).Invoke();

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
