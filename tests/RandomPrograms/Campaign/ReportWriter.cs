using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using SymGrad.RandomPrograms.Check;
using SymGrad.RandomPrograms.Print;

namespace SymGrad.RandomPrograms.Campaign
{
    /// <summary>The campaign's closing table and the failing programs, as text.</summary>
    public static class ReportWriter
    {
        public static string Summary(CampaignReport r)
        {
            var sb = new StringBuilder();
            void Row(string name, object value) => sb.Append(CultureInfo.InvariantCulture, $"  {name,-58} {value,8}\n");
            int n = r.Results.Count;
            sb.Append(CultureInfo.InvariantCulture, $"Seed {r.Seed}: {n} programs in {r.Elapsed.TotalSeconds:F1} s ({n / Math.Max(r.Elapsed.TotalSeconds, 1e-9):F1} programs/s)\n");
            var (compile, generate, check) = Runner.Timings;
            sb.Append(CultureInfo.InvariantCulture, $"  (thread time: compiling {compile.TotalSeconds:F1} s, of which the generator and parsing {generate.TotalSeconds:F1} s; checking {check.TotalSeconds:F1} s)\n");
            Row("programs generated", n);
            Row("checked (compiled and ran)", r.Results.Count(x => x.Kind is OutcomeKind.Passed or OutcomeKind.WrongValue or OutcomeKind.RuntimeException or OutcomeKind.SkippedKink or OutcomeKind.SkippedBadDraw or OutcomeKind.Warnings));
            Row("passed", r.Passed);
            Row("  of which refused as expected (SG0007 at a call without a derivative of what may vary)", r.Results.Count(x => x.RefusedAsExpected));
            Row("skipped: kink at every draw", r.Results.Count(x => x.Kind == OutcomeKind.SkippedKink));
            Row("skipped: bad draw (not finite, > 1e8) at every draw", r.Results.Count(x => x.Kind == OutcomeKind.SkippedBadDraw));
            Row("input draws redrawn for a kink", r.Results.Sum(x => x.KinkRedraws));
            Row("input draws redrawn as bad", r.Results.Sum(x => x.BadDraws));
            Row("gradients not finite as PyTorch's too (an intermediate overflowed: bad draw)", r.Results.Sum(x => x.OverflowsAgreed));
            Row("float twin gradients or H·v off as PyTorch float32's too (float's range or rounding: bad draw)", r.Results.Sum(x => x.FloatStrayAgreed));
            Row("gradients or H·v off central differences where PyTorch agrees with ours (cancellation: bad draw)", r.Results.Sum(x => x.CancellationsAgreed));
            Row("float twin values differ (branch flips; gradients not compared)", r.Results.Sum(x => x.FloatValueMismatches));
            Row("float twin forward mode not finite where the double twin's is right (past float's range: not compared)", r.Results.Sum(x => x.FloatForwardPastRange));
            Row("methods checked in forward mode (MTangent = MBackward), double twin", r.Results.Sum(x => x.TangentChecked));
            Row("methods checked in forward mode, float twin", r.Results.Sum(x => x.TangentFloatChecked));
            Row("methods skipped in forward mode (no MTangent: calls without a forward mode)", r.Results.Sum(x => x.TangentSkipped));
            Row("  of which MTangent was generated all the same (the calls in dead code)", r.Results.Sum(x => x.TangentSkippedGenerated));
            Row("methods checked with MJacobian (P14), double twin", r.Results.Sum(x => x.JacobianForwardChecked + x.JacobianBackwardChecked));
            Row("  where it runs forward sweeps (an MTangent, no more columns than rows)", r.Results.Sum(x => x.JacobianForwardChecked));
            Row("  where it runs backward sweeps", r.Results.Sum(x => x.JacobianBackwardChecked));
            Row("methods checked with MJacobian, float twin", r.Results.Sum(x => x.JacobianFloatChecked));
            Row("methods with no MJacobian by README's conditions, generated all the same", r.Results.Sum(x => x.JacobianSkippedGenerated));
            Row("methods checked with MHessianVector (P15), double twin", r.Results.Sum(x => x.HessianVectorChecked));
            Row("  central differences of MGradient not compared (kink or bad value along v)", r.Results.Sum(x => x.HessianVectorKinks));
            Row("methods checked with MHessianVector, float twin", r.Results.Sum(x => x.HessianVectorFloatChecked));
            Row("methods with no MHessianVector by README's conditions, generated all the same", r.Results.Sum(x => x.HessianVectorSkippedGenerated));
            Row("methods checked with MHessian (P16), double twin", r.Results.Sum(x => x.HessianChecked));
            Row("methods checked with MHessian, float twin", r.Results.Sum(x => x.HessianFloatChecked));
            foreach (string what in r.Results.SelectMany(x => x.ConstructsChecked.Keys).Distinct().Order(System.StringComparer.Ordinal))
            {
                Row(what, r.Results.Sum(x => x.ConstructsChecked.GetValueOrDefault(what)));
            }

            Row("failed", r.Failed);
            if (r.TorchChecked > 0 || r.TorchError is not null)
            {
                Row("methods checked against PyTorch (two per program at most)", r.TorchChecked);
                Row("  of which a method calling FGradient, FBackward or FTangent (nested)", r.TorchNestedChecked);
                Row("  of which a method calling HTangent or HBackward of an H writing outputs (TangentCalls)", r.TorchTangentCallsChecked);
                Row("  of which a method calling HBackward of an H writing outputs (TangentCalls)", r.TorchBackwardCallsChecked);
                foreach (var (key, (compared, agreed)) in r.TorchModes)
                {
                    string what = key switch { "TorchTangent" => "jvp = MTangent", "TorchHessianVector" => "hvp = MHessianVector", _ => "jacobian = MJacobian" };
                    Row($"  PyTorch {what} (P17): agreed / compared", $"{agreed} / {compared}");
                }
                if (r.TorchError is not null) sb.Append("  PyTorch: ").Append(r.TorchError).Append('\n');
            }

            var overflows = r.Results.Where(x => x.OverflowsAgreed + x.FloatStrayAgreed + x.CancellationsAgreed > 0).ToList();
            if (overflows.Count > 0)
            {
                sb.Append("\nArbitrated by PyTorch (gradients as PyTorch's where central differences or the float twin disagree; --check SEED shows each):\n");
                foreach (var x in overflows) sb.Append(CultureInfo.InvariantCulture, $"  program {x.Id}, seed {x.Seed}\n");
            }

            sb.Append("\nPrograms by outcome (each program counted once, by its first failure):\n");
            foreach (var g in r.Results.GroupBy(x => x.Kind).OrderBy(g => g.Key))
            {
                Row(g.Key.ToString(), g.Count());
            }

            sb.Append("\nFailures by class (a program may have several):\n");
            foreach (var g in r.Results.SelectMany(x => x.Failures.Select(f => f.Key).Distinct()).GroupBy(k => k).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
            {
                Row(g.Key, g.Count());
            }

            sb.Append("\nFailures by property:\n");
            foreach (var g in r.Results.SelectMany(x => x.Failures.Select(f => f.Property).Distinct()).GroupBy(k => k).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                Row(g.Key, g.Count());
            }

            sb.Append("\nPrograms containing each construct:\n");
            foreach (var (k, v) in r.Constructs.OrderByDescending(kv => kv.Value))
            {
                Row(k, v);
            }

            return sb.ToString();
        }

        /// <summary>One failure as a report: seed, property, numbers, and the smallest failing program as C#.</summary>
        public static string Describe(FailureReport f)
        {
            var sb = new StringBuilder();
            sb.Append(CultureInfo.InvariantCulture, $"// Failure: {f.Failure.Key} — {f.Failure.Property}\n");
            sb.Append(CultureInfo.InvariantCulture, $"// Program seed: {f.Result.Seed} (program {f.Result.Id}); method {f.ShrunkFailure.Method ?? "(compilation)"}\n");
            sb.Append(CultureInfo.InvariantCulture, $"// {(f.WasShrunk ? "Shrunk" : "Not shrunk")}: {Model.Measure.Nodes(f.Shrunk)} nodes (generated program: {Model.Measure.Nodes(f.Program)})\n");
            foreach (var line in f.ShrunkFailure.Details.Split('\n'))
            {
                sb.Append("// ").Append(line).Append('\n');
            }

            sb.Append('\n').Append(CSharpPrinter.Source(f.Shrunk));
            return sb.ToString();
        }

        public static void WriteFailures(CampaignReport r, string directory)
        {
            Directory.CreateDirectory(directory);
            foreach (var f in r.Failures)
            {
                string key = new string(f.Failure.Key.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());
                File.WriteAllText(Path.Combine(directory, $"{key}-{f.Result.Id}{(f.WasShrunk ? "-shrunk" : "")}.cs"), Describe(f));
            }

            File.WriteAllText(Path.Combine(directory, "summary.txt"), Summary(r));
        }
    }
}
