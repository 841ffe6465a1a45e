using System;
using System.Globalization;
using System.IO;
using System.Linq;
using SymGrad.Samples.CharRnn;
using Xunit;

namespace SymGrad.SampleTests
{
    public class CharRnnSampleTests
    {
        private const string Text = "the quick brown fox jumps over the lazy dog. the dog sleeps; the fox runs.\n";

        /// <summary>The backward through time SymGrad generated from Rnn.Loss, against central differences, in double.</summary>
        [Theory]
        [InlineData(5, 4, 6, 1)]
        [InlineData(7, 3, 9, 2)]
        [InlineData(3, 6, 1, 3)]
        public void TheGeneratedBackwardThroughTimePassesGradCheck(int vocab, int hidden, int steps, int seed)
        {
            var random = new Random(seed);
            double[] Random(int n, double scale) => Enumerable.Range(0, n).Select(_ => scale * ((2 * random.NextDouble()) - 1)).ToArray();
            int[] inputs = Enumerable.Range(0, steps).Select(_ => random.Next(vocab)).ToArray();
            int[] targets = Enumerable.Range(0, steps).Select(_ => random.Next(vocab)).ToArray();
            // Weights large enough that tanh is well away from linear, and a non-zero starting state.
            double[] wxh = Random(vocab * hidden, 1), whh = Random(hidden * hidden, 1), why = Random(hidden * vocab, 1);
            double[] bh = Random(hidden, 0.5), by = Random(vocab, 0.5), hprev = Random(hidden, 0.9);
            double[] xs = new double[steps * hidden], pre = new double[steps * hidden], hs = new double[(steps + 1) * hidden], ys = new double[steps * vocab];
            double[] dwxh = new double[wxh.Length], dwhh = new double[whh.Length], dwhy = new double[why.Length], dbh = new double[bh.Length], dby = new double[by.Length];

            double loss = Rnn.LossGradient(inputs, targets, wxh, whh, why, bh, by, hprev, xs, pre, hs, ys, steps, vocab, hidden, dwxh, dwhh, dwhy, dbh, dby);
            double Loss() => Rnn.Loss(inputs, targets, wxh, whh, why, bh, by, hprev, xs, pre, hs, ys, steps, vocab, hidden);

            Assert.Equal(Loss(), loss, 12);
            GradCheckReport report = GradCheck.Run(Loss, new("Wxh", wxh, dwxh), new("Whh", whh, dwhh), new("Why", why, dwhy), new("bh", bh, dbh), new("by", by, dby));
            Assert.True(report.Passes(), report.ToString());
            Assert.Equal(GradCheck.DoubleTolerance, report["Whh"].Tolerance);
        }

        [Fact]
        public void TheFirstLossIsAUniformGuessAndTrainingLowersIt()
        {
            var options = new CharRnnOptions(Iterations: 600, Hidden: 32, SeqLength: 10, PrintEvery: 0, SampleEvery: 300, SampleLength: 40);
            CharRnnResult result = Trainer.Train(options, Text, TextWriter.Null);
            int vocab = Text.Distinct().Count();
            Assert.Equal(10 * Math.Log(vocab), result.Losses[0].Loss, 0.05); // weights of 0.01: logits ≈ 0
            Assert.Equal(600, result.Losses.Count);
            double early = result.Losses.Take(50).Average(p => p.Loss), late = result.Losses.TakeLast(50).Average(p => p.Loss);
            Assert.True(late < early / 2, $"mean loss of the first 50 iterations {early:F2}, of the last 50 {late:F2}");
            Assert.Equal(2, result.Samples.Count);
            Assert.All(result.Samples, s => Assert.Equal(40, s.Length));
            Assert.All(result.Samples, s => Assert.True(s.All(Text.Contains)));
        }

        [Fact]
        public void TrainingIsDeterministicForASeed()
        {
            var options = new CharRnnOptions(Iterations: 50, Hidden: 16, SeqLength: 8, PrintEvery: 0, SampleEvery: 0);
            double[] first = Trainer.Train(options, Text, TextWriter.Null).Losses.Select(p => p.Loss).ToArray();
            double[] again = Trainer.Train(options, Text, TextWriter.Null).Losses.Select(p => p.Loss).ToArray();
            double[] other = Trainer.Train(options with { Seed = 2 }, Text, TextWriter.Null).Losses.Select(p => p.Loss).ToArray();
            Assert.Equal(first, again);
            Assert.NotEqual(first, other);
        }

        /// <summary>The program as a user runs it: the loss CSV goes to out/ of the working directory, --save where asked; both printed.</summary>
        [Fact]
        public void TheProgramWritesItsLossCurveToOutAndPrintsThePaths()
        {
            string here = SampleProcess.EmptyDirectory();
            string text = Path.Combine(here, "text.txt");
            File.WriteAllText(text, string.Concat(Enumerable.Repeat(Text, 5)));
            (int exit, string output) = SampleProcess.Run("CharRnn.dll", $"--text {text} --iterations 120 --hidden 20 --print-every 50 --sample-every 100 --sample-length 30 --save model.ckpt", here);
            Assert.True(exit == 0, output);
            Assert.Contains("iter      0  loss", output);
            Assert.Contains("iter    119  loss", output);
            Assert.Contains("----- sample at iteration 100", output);
            Assert.Contains("µs/iteration", output);

            string csv = Path.Combine(here, "out", "charrnn-loss.csv"), checkpoint = Path.Combine(here, "model.ckpt");
            Assert.Contains($"Wrote {csv}", output);
            Assert.Contains($"Wrote {checkpoint}", output);
            string[] lines = File.ReadAllLines(csv);
            Assert.Equal("iteration,loss,smooth_loss", lines[0]);
            Assert.Equal(121, lines.Length);
            Assert.StartsWith("119,", lines[^1]);
            double.Parse(lines[1].Split(',')[1], CultureInfo.InvariantCulture);

            var model = new CharModel(Text.Distinct().Count(), hidden: 20, steps: 25, seed: 9);
            model.Store.Load(checkpoint); // the checkpoint holds this model's parameters
        }

        [Fact]
        public void AMissingTextSaysSoAndExitsWith2()
        {
            (int exit, string output) = SampleProcess.Run("CharRnn.dll", "--text /nonexistent/gpl.txt");
            Assert.Equal(2, exit);
            Assert.Contains("'/nonexistent/gpl.txt' does not exist", output);
        }

        [Theory]
        [InlineData("--iterations abc", "--iterations must be a whole number ≥ 1; got 'abc'.")]
        [InlineData("--hidden 0", "--hidden must be a whole number ≥ 1; got '0'.")]
        [InlineData("--seq-length 2.5", "--seq-length must be a whole number ≥ 1; got '2.5'.")]
        [InlineData("--lr -0.1", "--lr must be a positive number; got '-0.1'.")]
        [InlineData("--seed x", "--seed must be a whole number; got 'x'.")]
        [InlineData("--sample-every many", "--sample-every must be a whole number ≥ 0; got 'many'.")]
        [InlineData("--hiden 10", "Unrecognized command or argument '--hiden'")]
        public void BadOptionsAreRefusedInOneLine(string arguments, string message)
            => SampleProcess.AssertRefused("CharRnn.dll", arguments, message);
    }
}
