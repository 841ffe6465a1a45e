using System;
using System.CommandLine;
using System.IO;
using SymGrad.Samples;
using SymGrad.Samples.CharRnn;

// min-char-rnn in C#: a character-level vanilla RNN language model (hidden 100, sequences of 25, Adagrad lr 0.1,
// gradients clipped to [−5, 5]) whose forward pass over time steps is all that is written by hand; SymGrad derives the
// backpropagation through time.
var text = new Option<string>("--text") { Description = "The text to learn (UTF-8).", DefaultValueFactory = _ => CharRnnOptions.DefaultText };
var iterations = SampleCommandLine.Int("--iterations", "Training iterations, one sequence each.", 50000, min: 1);
var hidden = SampleCommandLine.Int("--hidden", "Hidden units.", 100, min: 1);
var seqLength = SampleCommandLine.Int("--seq-length", "Characters per sequence (steps unrolled).", 25, min: 1);
var lr = SampleCommandLine.PositiveDouble("--lr", "Adagrad learning rate.", 0.1);
var seed = SampleCommandLine.Long("--seed", "Seed of the initialisation (and, plus one, of the sampling).", 1);
var printEvery = SampleCommandLine.Int("--print-every", "Print the loss every N iterations (0: never).", 5000, min: 0);
var sampleEvery = SampleCommandLine.Int("--sample-every", "Print generated text every N iterations (0: never).", 10000, min: 0);
var sampleLength = SampleCommandLine.Int("--sample-length", "Characters per sample.", 200, min: 1);
var lossCsv = new Option<string>("--loss-csv") { Description = "Where to write the loss of every iteration (CSV).", DefaultValueFactory = _ => CharRnnOptions.DefaultLossCsv };
var save = new Option<string?>("--save") { Description = "Write the trained parameters to this checkpoint file." };

var root = new RootCommand("Train min-char-rnn, a character-level RNN language model written forward-only, with SymGrad's backpropagation through time.")
{
    text, iterations, hidden, seqLength, lr, seed, printEvery, sampleEvery, sampleLength, lossCsv, save,
};
root.SetAction(parsed => CharRnnApp.Run(new CharRnnOptions(
    parsed.GetValue(text)!, parsed.GetValue(iterations), parsed.GetValue(hidden), parsed.GetValue(seqLength), parsed.GetValue(lr),
    parsed.GetValue(seed), parsed.GetValue(printEvery), parsed.GetValue(sampleEvery), parsed.GetValue(sampleLength),
    parsed.GetValue(lossCsv)!, parsed.GetValue(save))));
return SampleCommandLine.Run(root, args);

namespace SymGrad.Samples.CharRnn
{
    public static class CharRnnApp
    {
        public static int Run(CharRnnOptions options)
        {
            if (!File.Exists(options.Text))
            {
                Console.Error.WriteLine($"The text '{options.Text}' does not exist; pass a UTF-8 file with --text (Debian's base-files installs {CharRnnOptions.DefaultText}).");
                return 2;
            }

            try
            {
                string csv = SampleOutput.Prepare(options.LossCsv);
                string? checkpoint = options.Save is null ? null : SampleOutput.Prepare(options.Save);
                CharRnnResult result = Trainer.Train(options with { Save = checkpoint }, File.ReadAllText(options.Text), Console.Out);
                double perIteration = result.TrainingTime.TotalMicroseconds / result.Losses.Count;
                Console.WriteLine($"{result.Losses.Count} iterations in {result.TrainingTime.TotalSeconds:F2} s of training steps: {perIteration:F1} µs/iteration");
                Trainer.WriteLosses(csv, result.Losses);
                Console.WriteLine($"Wrote {csv} (loss per iteration)");
                if (checkpoint is not null)
                {
                    Console.WriteLine($"Wrote {checkpoint} (checkpoint of the parameters)");
                }

                return 0;
            }
            catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine(ex.Message);
                return 1;
            }
        }
    }
}
