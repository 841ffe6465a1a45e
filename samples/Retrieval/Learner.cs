using System;
using System.Collections.Generic;
using System.IO;

namespace SymGrad.Samples.Retrieval
{
    /// <summary>Images as normalised floats with labels: training images, and held-out images for queries and gallery.</summary>
    public sealed class Images
    {
        public const int Size = 28 * 28;

        private Images(float[] train, int[] trainLabels, float[] test, int[] testLabels)
        {
            Train = train;
            TrainLabels = trainLabels;
            Test = test;
            TestLabels = testLabels;
        }

        public float[] Train { get; }

        public int[] TrainLabels { get; }

        public float[] Test { get; }

        public int[] TestLabels { get; }

        public int TrainCount => TrainLabels.Length;

        public int TestCount => TestLabels.Length;

        public static Images FromIdx(FashionMnistSplit train, FashionMnistSplit test) => new(
            train.Images.ToNormalizedFloats(), Array.ConvertAll(train.Labels, b => (int)b),
            test.Images.ToNormalizedFloats(), Array.ConvertAll(test.Labels, b => (int)b));

        /// <summary>Ten random prototypes, each example a prototype with strong noise on top: hard for raw pixels, easy to learn.</summary>
        public static Images Synthetic(long seed, int train = 6000, int test = 2000)
        {
            var random = new SeededRandom(seed);
            var prototypes = new float[10 * Size];
            for (int i = 0; i < prototypes.Length; i++) prototypes[i] = random.NextSingle();
            (float[] X, int[] Y) Make(int count)
            {
                var x = new float[count * Size];
                var y = new int[count];
                for (int n = 0; n < count; n++)
                {
                    y[n] = random.NextInt32(10);
                    for (int p = 0; p < Size; p++)
                    {
                        x[(n * Size) + p] = Math.Clamp(prototypes[(y[n] * Size) + p] + (float)(0.6 * random.NextNormal()), 0f, 1f);
                    }
                }

                return (x, y);
            }

            (float[] trainX, int[] trainY) = Make(train);
            (float[] testX, int[] testY) = Make(test);
            return new Images(trainX, trainY, testX, testY);
        }
    }

    /// <summary>Samples pairs, trains the embedding with Adam on the contrastive loss, evaluates before and after.</summary>
    public static class Learner
    {
        public const int Hidden = 128;

        public static RetrievalReport Train(RetrievalOptions o, Images images, TextWriter log)
        {
            var store = new ParameterStore<float>();
            store.Add("w1", Images.Size * Hidden);
            store.Add("b1", Hidden);
            store.Add("w2", Hidden * o.Dims);
            store.Add("b2", o.Dims);
            store.Freeze();
            var random = new SeededRandom(o.Seed);
            Init.HeNormal(store.Parameters("w1"), Images.Size, random);
            Init.XavierNormal(store.Parameters("w2"), Hidden, o.Dims, random);

            (double recallBefore, double overlapBefore) = Evaluate(o, images, store);
            log.WriteLine($"before training: recall@1 {recallBefore:P1}, overlap {overlapBefore:F3}");

            // Class → indices, to draw similar pairs.
            var byClass = new List<int>[10];
            for (int c = 0; c < 10; c++) byClass[c] = new List<int>();
            for (int i = 0; i < images.TrainCount; i++) byClass[images.TrainLabels[i]].Add(i);

            int n = o.Pairs;
            float[] a = new float[n * Images.Size], b = new float[n * Images.Size];
            int[] similar = new int[n];
            float[] ha = new float[n * Hidden], ra = new float[n * Hidden], ea = new float[n * o.Dims];
            float[] hb = new float[n * Hidden], rb = new float[n * Hidden], eb = new float[n * o.Dims];
            var adam = new Adam<float>(store.Length, o.LearningRate);
            double first = double.NaN, last = double.NaN, window = 0;
            for (int step = 1; step <= o.Steps; step++)
            {
                for (int p = 0; p < n; p++)
                {
                    int i = random.NextInt32(images.TrainCount);
                    int label = images.TrainLabels[i];
                    int j;
                    if (p % 2 == 0)
                    {
                        List<int> same = byClass[label];
                        j = same[random.NextInt32(same.Count)];
                        similar[p] = 1;
                    }
                    else
                    {
                        do { j = random.NextInt32(images.TrainCount); } while (images.TrainLabels[j] == label);
                        similar[p] = 0;
                    }

                    images.Train.AsSpan(i * Images.Size, Images.Size).CopyTo(a.AsSpan(p * Images.Size));
                    images.Train.AsSpan(j * Images.Size, Images.Size).CopyTo(b.AsSpan(p * Images.Size));
                }

                store.ZeroGradients();
                float loss = Embedding.ContrastiveLossGradient(
                    a, b, similar, store.Parameters("w1"), store.Parameters("b1"), store.Parameters("w2"), store.Parameters("b2"),
                    ha, ra, ea, hb, rb, eb, n, Images.Size, Hidden, o.Dims, o.Margin,
                    store.Gradients("w1"), store.Gradients("b1"), store.Gradients("w2"), store.Gradients("b2"));
                adam.Step(store.AllParameters, store.AllGradients);
                first = double.IsNaN(first) ? loss : first;
                last = loss;
                window += loss;
                if (step % 250 == 0 || step == o.Steps)
                {
                    int count = step % 250 == 0 ? 250 : step % 250;
                    log.WriteLine($"step {step,5}: contrastive loss {window / count:F4}");
                    window = 0;
                }
            }

            (double recallAfter, double overlapAfter) = Evaluate(o, images, store);
            return new RetrievalReport(recallBefore, recallAfter, overlapBefore, overlapAfter, first, last);
        }

        private static (double Recall, double Overlap) Evaluate(RetrievalOptions o, Images images, ParameterStore<float> store)
        {
            float[] Describe(int start, int count)
            {
                var h = new float[count * Hidden];
                var r = new float[count * Hidden];
                var e = new float[count * o.Dims];
                Embedding.Embed(images.Test.AsSpan(start * Images.Size, count * Images.Size), store.Parameters("w1"), store.Parameters("b1"),
                    store.Parameters("w2"), store.Parameters("b2"), h, r, e, count, Images.Size, Hidden, o.Dims);
                return e;
            }

            float[] queries = Describe(0, o.Queries), gallery = Describe(o.Queries, o.Gallery);
            ReadOnlySpan<int> queryLabels = images.TestLabels.AsSpan(0, o.Queries), galleryLabels = images.TestLabels.AsSpan(o.Queries, o.Gallery);
            return (Metrics.RecallAt1(queries, queryLabels, gallery, galleryLabels, o.Dims), Metrics.DistanceOverlap(gallery, galleryLabels, o.Dims));
        }
    }
}
