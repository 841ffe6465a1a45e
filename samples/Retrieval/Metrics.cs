using System;

namespace SymGrad.Samples.Retrieval
{
    /// <summary>Retrieval quality: recall@1 and the overlap of the positive and negative distance distributions.</summary>
    public static class Metrics
    {
        /// <summary>The share of queries whose nearest gallery descriptor (Euclidean) has the query's class.</summary>
        public static double RecallAt1(ReadOnlySpan<float> queries, ReadOnlySpan<int> queryLabels, ReadOnlySpan<float> gallery, ReadOnlySpan<int> galleryLabels, int dims)
        {
            int hits = 0;
            for (int q = 0; q < queryLabels.Length; q++)
            {
                int best = -1;
                float bestDistance = float.MaxValue;
                for (int g = 0; g < galleryLabels.Length; g++)
                {
                    float d = Distance2(queries.Slice(q * dims, dims), gallery.Slice(g * dims, dims));
                    if (d < bestDistance)
                    {
                        bestDistance = d;
                        best = g;
                    }
                }

                hits += galleryLabels[best] == queryLabels[q] ? 1 : 0;
            }

            return (double)hits / queryLabels.Length;
        }

        /// <summary>
        /// Bhattacharyya coefficient BC(p, q) = Σ √(p_i q_i) (catalogue 21) of the histograms of same-class and
        /// different-class distances among <paramref name="descriptors"/>: 1 when they coincide, 0 when they are apart.
        /// </summary>
        public static double DistanceOverlap(ReadOnlySpan<float> descriptors, ReadOnlySpan<int> labels, int dims, int bins = 32)
        {
            int n = labels.Length;
            float max = 0;
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                    max = Math.Max(max, MathF.Sqrt(Distance2(descriptors.Slice(i * dims, dims), descriptors.Slice(j * dims, dims))));

            var positive = new double[bins];
            var negative = new double[bins];
            for (int i = 0; i < n; i++)
            {
                for (int j = i + 1; j < n; j++)
                {
                    float d = MathF.Sqrt(Distance2(descriptors.Slice(i * dims, dims), descriptors.Slice(j * dims, dims)));
                    int bin = Math.Min(bins - 1, (int)(d / Math.Max(max, 1e-12f) * bins));
                    (labels[i] == labels[j] ? positive : negative)[bin]++;
                }
            }

            Normalize(positive);
            Normalize(negative);
            double bc = 0;
            for (int k = 0; k < bins; k++) bc += Math.Sqrt(positive[k] * negative[k]);
            return bc;
        }

        private static void Normalize(double[] histogram)
        {
            double sum = 0;
            foreach (double v in histogram) sum += v;
            if (sum > 0) for (int k = 0; k < histogram.Length; k++) histogram[k] /= sum;
        }

        private static float Distance2(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        {
            float sum = 0;
            for (int k = 0; k < a.Length; k++)
            {
                float diff = a[k] - b[k];
                sum += diff * diff;
            }

            return sum;
        }
    }
}
