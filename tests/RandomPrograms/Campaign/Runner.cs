using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CsCheck;
using SymGrad.RandomPrograms.Check;
using SymGrad.RandomPrograms.Compile;
using SymGrad.RandomPrograms.Generate;
using SymGrad.RandomPrograms.Model;

namespace SymGrad.RandomPrograms.Campaign
{
    public sealed class CampaignOptions
    {
        public int Count { get; init; } = 1000;

        /// <summary>The run's seed (a ulong); null draws a fresh one.</summary>
        public ulong? Seed { get; init; }

        public int Threads { get; init; } = 2;

        /// <summary>Programs compiled together (one generator run, one emit).</summary>
        public int BatchSize { get; init; } = 40;

        public FeatureSet Features { get; init; } = FeatureSet.Default;

        /// <summary>How many programs' cases to re-check with PyTorch at the end.</summary>
        public int Torch { get; init; }

        /// <summary>Failures shrunk per failure class (the others are reported as generated).</summary>
        public int ShrinkPerClass { get; init; } = 1;

        public TimeSpan ShrinkBudget { get; init; } = TimeSpan.FromSeconds(60);

        /// <summary>At most this many failure classes are shrunk (most frequent first).</summary>
        public int MaxShrunkClasses { get; init; } = int.MaxValue;

        public Action<string>? Progress { get; init; }
    }

    /// <summary>A failing program with its smallest failing form (or itself when not shrunk).</summary>
    public sealed record FailureReport(ProgramResult Result, ProgramModel Program, Failure Failure, ProgramModel Shrunk, Failure ShrunkFailure, bool WasShrunk);

    public sealed class CampaignReport
    {
        public ulong Seed { get; init; }

        public List<ProgramResult> Results { get; } = new();

        public Dictionary<int, ProgramModel> Programs { get; } = new();

        public SortedDictionary<string, int> Constructs { get; } = new(StringComparer.Ordinal);

        public List<FailureReport> Failures { get; } = new();

        public TimeSpan Elapsed { get; set; }

        public int TorchChecked { get; set; }

        /// <summary>Of <see cref="TorchChecked"/> (methods, two per program at most), methods calling a generated FGradient, FBackward or FTangent (nested differentiation).</summary>
        public int TorchNestedChecked { get; set; }

        /// <summary>Of <see cref="TorchNestedChecked"/>, methods calling HTangent of an H writing outputs (TangentCalls).</summary>
        public int TorchTangentCallsChecked { get; set; }

        /// <summary>Of <see cref="TorchChecked"/>, the methods calling HBackward of a method writing outputs (TangentCalls).</summary>
        public int TorchBackwardCallsChecked { get; set; }

        /// <summary>P17: per failure key (<c>TorchTangent</c>, <c>TorchHessianVector</c>, <c>TorchJacobian</c>), the cases compared and those that agreed.</summary>
        public SortedDictionary<string, (int Compared, int Agreed)> TorchModes { get; } = new(StringComparer.Ordinal);

        public string? TorchError { get; set; }

        public int Passed => Results.Count(r => r.Kind == OutcomeKind.Passed);

        public int Failed => Results.Count(r => r.Failed);
    }

    /// <summary>
    /// Runs a campaign: programs from per-program PCG seeds (drawn from the run's seed), compiled in batches on
    /// <see cref="CampaignOptions.Threads"/> workers, checked, counted; failures are grouped by class and the first of
    /// each class is shrunk.
    /// </summary>
    public static class Runner
    {
        private static long s_compileTicks, s_generateTicks, s_checkTicks;

        /// <summary>Time spent (summed over threads) compiling (of which running the generator) and checking.</summary>
        public static (TimeSpan Compile, TimeSpan Generate, TimeSpan Check) Timings
            => (TimeSpan.FromTicks(s_compileTicks), TimeSpan.FromTicks(s_generateTicks), TimeSpan.FromTicks(s_checkTicks));

        public static ulong FreshSeed() => (ulong)Random.Shared.NextInt64() ^ (ulong)Stopwatch.GetTimestamp();

        /// <summary>The seed of program <paramref name="index"/> of a run: a CsCheck PCG seed string.</summary>
        public static string ProgramSeed(ulong runSeed, int index)
        {
            var pcg = new PCG(1, runSeed ^ (0x9E3779B97F4A7C15UL * (ulong)(index + 1)));
            return new PCG(1, pcg.Next64()).ToString();
        }

        public static ProgramModel Generate(string seed, FeatureSet features) => new ProgramGenerator(features).FromSeed(seed);

        /// <summary>Compiles and checks programs (one batch); returns per program its result and PyTorch cases.</summary>
        /// <param name="programs">The programs with their ids and seeds.</param>
        /// <param name="extraSources">Further files compiled with them (see <see cref="BatchCompiler.Compile"/>).</param>
        /// <param name="mutate">Replaces the compiled entry points before the checks: how the tests feed the checker a wrong backward.</param>
        public static List<(ProgramResult Result, List<TorchCase> Torch)> CheckBatch(IReadOnlyList<(int Id, string Seed, ProgramModel Program)> programs,
            IReadOnlyList<string>? extraSources = null, Func<Runnable, Runnable>? mutate = null)
        {
            var output = new List<(ProgramResult, List<TorchCase>)>();
            var sw = Stopwatch.StartNew();
            using var batch = BatchCompiler.Compile(programs.Select(p => (p.Id, p.Program)).ToList(), extraSources);
            Interlocked.Add(ref s_compileTicks, sw.Elapsed.Ticks);
            Interlocked.Add(ref s_generateTicks, batch.GenerateTime.Ticks);
            sw.Restart();
            foreach (var c in batch.Programs.OrderBy(c => c.Id))
            {
                string seed = programs.First(p => p.Id == c.Id).Seed;
                var result = new ProgramResult(c.Id, seed) { Generated = c.Generated };
                result.Failures.AddRange(c.Failures);
                if (RefusedAsExpected(c.Program, result.Failures))
                {
                    result.Failures.Clear();
                    result.RefusedAsExpected = true;
                    output.Add((result, new List<TorchCase>()));
                    continue;
                }

                var cases = new List<TorchCase>();
                if (c.Run is not null)
                {
                    var checker = new Checker(mutate is null ? c : c with { Run = mutate(c.Run) }, result, InputPcg(seed));
                    checker.Run();
                    cases = Print.PythonPrinter.Translates(c.Program) ? checker.TorchCases : new List<TorchCase>();
                }

                output.Add((result, cases));
            }

            Interlocked.Add(ref s_checkTicks, sw.Elapsed.Ticks);
            return output;
        }

        /// <summary>
        /// SG0007 at a call without a derivative (<c>Smooth.Bump</c>) of something that reads a variable — which SymGrad may
        /// find varying — and no other refusal but what follows from it: the program is refused as it should be. Bump of
        /// literals alone is a constant: refused, a failure.
        /// </summary>
        private static bool RefusedAsExpected(ProgramModel program, List<Failure> failures)
        {
            bool Bump(Failure f) => f.Kind == OutcomeKind.Refused && f.Key == "Refused SG0007" && f.Details.Contains("'Smooth.Bump(", StringComparison.Ordinal);
            bool varying = program.Methods.SelectMany(m => Measure.All(m.Body)).Any(n => n is MathCall { Function: "Bump" } call
                && Measure.All(call.Args[0]).Any(a => a is Var or ElemRead or CallExpr or LocalCall));
            // What follows from it: a nested call of the method refused (SG0019: it has no FTangent; the program's own call of
            // N0Tangent then names nothing, CS0103, or a stub, CS0619), a call of it through a flat twin (SG0006: "see its error"), callers'
            // generated code naming its missing methods, the driver's.
            bool Cascade(Failure f) => (f.Kind == OutcomeKind.Refused && f.Key is "Refused SG0019" or "Refused SG0006"
                    && (f.Details.Contains("needs a generated", StringComparison.Ordinal) || f.Details.Contains("(see its error)", StringComparison.Ordinal)))
                // The program's own call of a method not generated (CS0103), or generated as a stub saying why not (CS0619).
                || (f.Kind == OutcomeKind.TesterBug && (f.Details.Contains("CS0103", StringComparison.Ordinal) || f.Details.Contains("CS0619", StringComparison.Ordinal)));
            return varying && failures.Any(Bump) && failures.All(f => Bump(f) || Cascade(f) || f.Kind is OutcomeKind.DoesNotCompile or OutcomeKind.Warnings);
        }

        /// <summary>
        /// Gradients that were NaN or ±∞ where central differences were finite (<see cref="Checker.NotFinite"/>) go to
        /// PyTorch autograd: where it gives the same values, an intermediate overflowed and the draw was bad — the failure is
        /// withdrawn and counted (<see cref="ProgramResult.OverflowsAgreed"/>). Without PyTorch the failures stand.
        /// </summary>
        public static void Arbitrate(IReadOnlyList<(ProgramResult Result, List<TorchCase> Torch)> results, Action<string>? progress = null)
        {
            var cases = results.SelectMany(r => r.Torch.Where(c => c.Arbitrate)).ToList();
            if (cases.Count == 0) return;
            progress?.Invoke($"PyTorch: arbitrating {cases.Count} gradient(s) off central differences, or float twins off the double twin…");
            List<(TorchCase Case, Failure? Disagreement)> verdicts;
            try
            {
                verdicts = TorchOracle.ArbitrateOverflows(cases);
            }
            catch (TorchUnavailableException)
            {
                return;
            }

            foreach (var (c, disagreement) in verdicts)
            {
                var result = results.First(r => r.Result.Id == c.ProgramId).Result;
                int at = result.Failures.FindIndex(f => c.Arbitrates(f.Key) && f.Method == c.Method.Name);
                if (at < 0) continue;
                if (disagreement is null)
                {
                    string key = result.Failures[at].Key;
                    result.Failures.RemoveAt(at);
                    if (c.IsFloat || c.IsFloatHessianVector) result.FloatStrayAgreed++;
                    else if (key == Checker.NotFinite) result.OverflowsAgreed++;
                    else result.CancellationsAgreed++;
                    if (result.Failures.Count == 0) result.SkippedBadDraw = true;
                }
                else
                {
                    // PyTorch says otherwise: the failure stands, with what PyTorch gave.
                    var f = result.Failures[at];
                    result.Failures[at] = f with { Details = f.Details + "\n  PyTorch autograd (arbiter): " + disagreement.Details };
                }
            }
        }

        /// <summary>The PCG the checks draw inputs from: its own stream of the program's seed.</summary>
        public static PCG InputPcg(string seed) => new(7, PCG.Parse(seed).Seed);

        public static CampaignReport Run(CampaignOptions options)
        {
            ulong seed = options.Seed ?? FreshSeed();
            var report = new CampaignReport { Seed = seed };
            var sw = Stopwatch.StartNew();
            var results = new ConcurrentBag<(ProgramResult, ProgramModel, List<TorchCase>)>();
            int next = 0, done = 0;
            var counts = new ConcurrentDictionary<string, int>();
            void Worker()
            {
                while (true)
                {
                    int start = Interlocked.Add(ref next, options.BatchSize) - options.BatchSize;
                    if (start >= options.Count) return;
                    int end = Math.Min(options.Count, start + options.BatchSize);
                    var programs = Enumerable.Range(start, end - start)
                        .Select(i => (i, ProgramSeed(seed, i), (ProgramModel?)null))
                        .Select(t => (t.i, t.Item2, Generate(t.Item2, options.Features)))
                        .ToList();
                    foreach (var (result, cases) in CheckBatch(programs))
                    {
                        results.Add((result, programs.First(p => p.i == result.Id).Item3, cases));
                        counts.AddOrUpdate(result.Kind.ToString(), 1, (_, v) => v + 1);
                        if (result.Failures.Count > 0)
                        {
                            // Said at once, not only in the report at the end: a long campaign's failures can be
                            // examined (--check SEED) while it runs, and survive an interrupted run.
                            var f = result.Failures[0];
                            options.Progress?.Invoke($"program {result.Id} (seed {result.Seed}): {f.Key} in {f.Method ?? "compilation"}");
                        }
                    }

                    int now = Interlocked.Add(ref done, end - start);
                    if (options.Progress is { } progress)
                    {
                        double rate = now / sw.Elapsed.TotalSeconds;
                        var eta = TimeSpan.FromSeconds((options.Count - now) / Math.Max(rate, 1e-9));
                        string tally = string.Join(" ", counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}"));
                        progress(string.Create(CultureInfo.InvariantCulture, $"{now}/{options.Count} programs, {rate:F1}/s, ETA {eta:hh\\:mm\\:ss} | {tally}"));
                    }
                }
            }

            var threads = Enumerable.Range(0, Math.Max(1, options.Threads)).Select(_ => new Thread(Worker, 64 << 20)).ToList();
            foreach (var t in threads) t.Start();
            foreach (var t in threads) t.Join();

            var all = results.OrderBy(r => r.Item1.Id).ToList();
            foreach (var (result, program, _) in all)
            {
                report.Results.Add(result);
                report.Programs[result.Id] = program;
                foreach (var c in ConstructCounter.Constructs(program).Concat(ConstructCounter.Generated(result.Generated)).Distinct())
                {
                    report.Constructs[c] = report.Constructs.GetValueOrDefault(c) + 1;
                }
            }

            Arbitrate(all.Select(r => (r.Item1, r.Item3)).ToList(), options.Progress);
            if (options.Torch > 0)
            {
                // Two methods per program: those that call a generated derivative (nested differentiation) first, whose
                // translation is the one PyTorch can get wrong apart from ours, then the last — the program's F, which calls
                // the helpers before it (the first method alone was mostly a helper N0 of a few lines).
                var cases = all.Where(r => !r.Item1.Failed).Take(options.Torch).SelectMany(r => r.Item3.Where(c => !c.IsFloat && !c.IsFloatHessianVector)
                    .Select((c, at) => (Case: c, At: at)).OrderBy(c => NestedCalls.Calls(c.Case.Method) ? 0 : 1).ThenByDescending(c => c.At)
                    .Select(c => c.Case).Take(2)).ToList();
                options.Progress?.Invoke($"PyTorch: checking {cases.Count} methods of {cases.Select(c => c.ProgramId).Distinct().Count()} programs in one python process…");
                try
                {
                    var torchFailures = TorchOracle.Check(cases);
                    report.TorchChecked = cases.Count;
                    report.TorchNestedChecked = cases.Count(c => NestedCalls.Calls(c.Method));
                    report.TorchTangentCallsChecked = cases.Count(c => TangentCalls.Calls(c.Method));
                    report.TorchBackwardCallsChecked = cases.Count(c => TangentCalls.CallsBackward(c.Method));
                    foreach (var c in cases)
                    {
                        foreach (string key in TorchOracle.ModesAsked(c))
                        {
                            // Not agreed: a failure of this comparison, or PyTorch could not run the case.
                            bool agreed = !torchFailures.Any(f => f.ProgramId == c.ProgramId && f.Failure.Method == c.Method.Name && (f.Failure.Key == key || f.Failure.Kind == OutcomeKind.TesterBug));
                            var (compared, agreedCount) = report.TorchModes.GetValueOrDefault(key);
                            report.TorchModes[key] = (compared + 1, agreedCount + (agreed ? 1 : 0));
                        }
                    }
                    foreach (var (id, failure) in torchFailures)
                    {
                        var r = report.Results.First(x => x.Id == id);
                        r.Failures.Add(failure);
                    }
                }
                catch (TorchUnavailableException e)
                {
                    report.TorchError = e.Message;
                }
            }

            // Group failures by class; shrink the first few of each class.
            var classes = report.Results.Where(r => r.Failed)
                .SelectMany(r => r.Failures.Select(f => (Result: r, Failure: f)))
                .GroupBy(x => x.Failure.Key)
                .OrderByDescending(g => g.Count());
            var shrunkIds = new HashSet<int>();
            int classIndex = 0;
            foreach (var g in classes)
            {
                int shrunk = classIndex++ < options.MaxShrunkClasses ? 0 : int.MaxValue;
                foreach (var (r, f) in g.OrderBy(x => Measure.Nodes(report.Programs[x.Result.Id])))
                {
                    var program = report.Programs[r.Id];
                    if (shrunk < options.ShrinkPerClass && options.ShrinkPerClass > 0 && f.Kind != OutcomeKind.TesterBug && f.Property != Properties.TorchAgrees)
                    {
                        options.Progress?.Invoke($"shrinking {f.Key} (program {r.Id}, seed {r.Seed})…");
                        var (small, smallFailure) = Reducer.Shrink(program, f, r.Seed, options.ShrinkBudget);
                        report.Failures.Add(new FailureReport(r, program, f, small, smallFailure, true));
                        shrunk++;
                    }
                    else if (shrunkIds.Add(r.Id))
                    {
                        report.Failures.Add(new FailureReport(r, program, f, program, f, false));
                    }
                }
            }

            report.Elapsed = sw.Elapsed;
            return report;
        }
    }
}
