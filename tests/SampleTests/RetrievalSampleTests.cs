using System.IO;
using SymGrad.Samples.Retrieval;
using Xunit;

namespace SymGrad.SampleTests
{
    public class RetrievalSampleTests
    {
        [Fact]
        public void TrainingImprovesRecallAndSeparatesTheDistances()
        {
            var options = new RetrievalOptions("unused", Synthetic: true, Steps: 300, Pairs: 64, Dims: 8, Margin: 2f, LearningRate: 1e-3, Seed: 2, Queries: 200, Gallery: 400);
            RetrievalReport report = Learner.Train(options, Images.Synthetic(seed: 2, train: 2000, test: 600), TextWriter.Null);
            Assert.True(report.LastLoss < report.FirstLoss, $"loss {report.FirstLoss} → {report.LastLoss}");
            Assert.True(report.RecallAfter > report.RecallBefore, $"recall@1 {report.RecallBefore} → {report.RecallAfter}");
            Assert.True(report.OverlapAfter < report.OverlapBefore, $"overlap {report.OverlapBefore} → {report.OverlapAfter}");
        }

        [Fact]
        public void WithoutTheDataItSaysSoAndUsesTheSyntheticSet()
        {
            (int exit, string output) = SampleProcess.Run("Retrieval.dll", "--data /nonexistent --steps 50 --pairs 32 --queries 50 --gallery 100");
            Assert.True(exit == 0, output);
            Assert.Contains("using a synthetic set", output);
            Assert.Contains("recall@1", output);
        }

        [Theory]
        [InlineData("--steps abc", "--steps must be a whole number ≥ 1; got 'abc'.")]
        [InlineData("--pairs 0", "--pairs must be a whole number ≥ 1; got '0'.")]
        [InlineData("--margin -2", "--margin must be a positive number; got '-2'.")]
        [InlineData("--lr x", "--lr must be a positive number; got 'x'.")]
        [InlineData("--seed 1.5", "--seed must be a whole number; got '1.5'.")]
        public void BadOptionsAreRefusedInOneLine(string arguments, string message)
            => SampleProcess.AssertRefused("Retrieval.dll", arguments, message);

        [Fact]
        public void MetricsOnKnownDescriptors()
        {
            // Two tight clusters far apart: every query finds its class, and the distance histograms do not overlap.
            float[] gallery = { 0, 0, 0.1f, 0, 10, 10, 10.1f, 10 };
            int[] labels = { 0, 0, 1, 1 };
            float[] queries = { 0.05f, 0, 10, 10.05f };
            Assert.Equal(1.0, Metrics.RecallAt1(queries, new[] { 0, 1 }, gallery, labels, dims: 2));
            Assert.Equal(0.0, Metrics.DistanceOverlap(gallery, labels, dims: 2), 12);
        }
    }
}
