using System;
using System.Globalization;
using System.Linq;
using SymGrad.RandomPrograms.Campaign;
using SymGrad.RandomPrograms.Generate;
using SymGrad.RandomPrograms.Print;

// dotnet run -c Release --project tests/RandomPrograms -- --count 100000 [--seed S] [--threads 2] [--torch 200]
//     [--features SPEC] [--out DIR] [--batch 40] [--shrink 1] [--shrink-seconds 60] [--print SEED] [--check SEED]
//     [--compile FILE] (a hand-written repro: its diagnostics and generated code) [--print-driver SEED]
// Options are parsed by hand: a handful of flags, each a name and a value.
int count = 1000, threads = 2, torch = 0, batch = 40, shrink = -1, shrinkSeconds = 60;
ulong? seed = null;
string? outDir = null, print = null, check = null, compileFile = null, printDriver = null;
var features = FeatureSet.Default;
try
{
    for (int i = 0; i < args.Length; i++)
    {
        string name = args[i];
        if (name is "-h" or "--help")
        {
            Console.WriteLine("usage: --count N [--seed S] [--threads T] [--torch N] [--features SPEC] [--out DIR] [--batch N] [--shrink N] [--shrink-seconds S] [--print SEED] [--print-driver SEED] [--check SEED] [--compile FILE]");
            Console.WriteLine("features: " + string.Join(", ", Enum.GetNames<Feature>()) + " (SPEC: Name, -Name, Name=w, only:Name,Name)");
            return 0;
        }

        if (i + 1 >= args.Length) throw new FormatException($"{name} needs a value.");
        string value = args[++i];
        int Int() => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= 0
            ? v
            : throw new FormatException($"{name}: '{value}' is not a non-negative integer.");
        switch (name)
        {
            case "--count": count = Int(); break;
            case "--threads": threads = Math.Max(1, Int()); break;
            case "--torch": torch = Int(); break;
            case "--batch": batch = Math.Max(1, Int()); break;
            case "--shrink": shrink = Int(); break;
            case "--shrink-seconds": shrinkSeconds = Int(); break;
            case "--seed":
                seed = ulong.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong s) ? s : throw new FormatException($"--seed: '{value}' is not a number.");
                break;
            case "--features": features = FeatureSet.Parse(value); break;
            case "--out": outDir = value; break;
            case "--print": print = value; break;
            case "--check": check = value; break;
            case "--compile": compileFile = value; break;
            case "--print-driver": printDriver = value; break;
            default: throw new FormatException($"Unknown option {name} (--help lists them).");
        }
    }
}
catch (FormatException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 1;
}

if (compileFile is not null)
{
    // A C# file compiled as the campaign compiles programs: the generator's diagnostics, the compiler's, the generated code.
    var (diagnostics, generated) = SymGrad.RandomPrograms.Compile.BatchCompiler.CompileFile(System.IO.File.ReadAllText(compileFile));
    foreach (var (name, text) in generated)
    {
        Console.WriteLine("// ---- " + name);
        Console.WriteLine(text);
    }

    foreach (string d in diagnostics) Console.WriteLine(d);
    Console.WriteLine(diagnostics.Count == 0 ? "// compiles cleanly" : $"// {diagnostics.Count} diagnostic(s)");
    return diagnostics.Count == 0 ? 0 : 1;
}

if (check is not null)
{
    // One program seed (as printed with a failure), checked unshrunk: its failures in full.
    var program = Runner.Generate(check, features);
    Console.WriteLine(CSharpPrinter.Source(program));
    var checkedOne = Runner.CheckBatch(new[] { (0, check, program) });
    Runner.Arbitrate(checkedOne, Console.WriteLine);
    var (result, _) = checkedOne[0];
    if (result.OverflowsAgreed > 0)
    {
        Console.WriteLine($"// {result.OverflowsAgreed} method(s) with a gradient that is not finite where central differences are, as PyTorch autograd's: an intermediate overflowed (a bad draw)");
    }

    if (result.FloatStrayAgreed > 0)
    {
        Console.WriteLine($"// {result.FloatStrayAgreed} float twin(s) off the double twin as PyTorch float32 is too: float's range or rounding (a bad draw)");
    }

    foreach (var failure in result.Failures)
    {
        Console.WriteLine($"// {failure.Key} — {failure.Property} ({failure.Method ?? "compilation"})");
        Console.WriteLine(failure.Details);
    }

    Console.WriteLine(result.Failures.Count == 0 ? "// passed" : $"// {result.Failures.Count} failure(s)");
    if (result.Failures.Count > 0 && shrink > 0)
    {
        // --check SEED --shrink 1: also the smallest program that fails the same way.
        var (small, smallFailure) = Reducer.Shrink(program, result.Failures[0], check, TimeSpan.FromSeconds(shrinkSeconds));
        Console.WriteLine("// Shrunk:");
        Console.WriteLine(CSharpPrinter.Source(small));
        Console.WriteLine("// " + smallFailure.Key + " — " + smallFailure.Details.Replace("\n", "\n// ", StringComparison.Ordinal));
    }

    return result.Failures.Count == 0 ? 0 : 1;
}

if (printDriver is not null)
{
    // The compilation unit of one program seed as the campaign compiles it: both twins, then the driver.
    var program = Runner.Generate(printDriver, features);
    Console.WriteLine(CSharpPrinter.Unit(program, "RP0"));
    Console.WriteLine(DriverPrinter.Unit(program, "RP0"));
    return 0;
}

if (print is not null)
{
    // The program of one program seed (as printed with a failure), in C# and as PyTorch.
    var program = Runner.Generate(print, features);
    Console.WriteLine(CSharpPrinter.Source(program));
    return 0;
}

if (shrink < 0) shrink = 1;
ulong runSeed = seed ?? Runner.FreshSeed();
Console.WriteLine($"Random programs: seed {runSeed} (reproduce with --seed {runSeed}), {count} programs, {threads} thread(s), batches of {batch}" +
                  (features.ToString() is { Length: > 0 } fs ? $", features {fs}" : ""));
bool interactive = !Console.IsOutputRedirected;
var last = DateTime.MinValue;
var report = Runner.Run(new CampaignOptions
{
    Count = count,
    Seed = runSeed,
    Threads = threads,
    BatchSize = batch,
    Features = features,
    Torch = torch,
    ShrinkPerClass = shrink,
    ShrinkBudget = TimeSpan.FromSeconds(shrinkSeconds),
    Progress = line =>
    {
        lock (Console.Out)
        {
            if (interactive)
            {
                Console.Write("\r" + line.PadRight(Math.Min(Console.WindowWidth - 1, 160))[..Math.Min(line.Length, Math.Max(40, Console.WindowWidth - 1))]);
            }
            else if ((DateTime.UtcNow - last).TotalSeconds >= 10 || !line.Contains("programs,", StringComparison.Ordinal))
            {
                Console.WriteLine(line);
                last = DateTime.UtcNow;
            }
        }
    },
});
if (interactive) Console.WriteLine();
Console.WriteLine();
Console.WriteLine(ReportWriter.Summary(report));
foreach (var f in report.Failures.Where(f => f.WasShrunk))
{
    Console.WriteLine(ReportWriter.Describe(f));
}

if (outDir is not null)
{
    ReportWriter.WriteFailures(report, outDir);
    Console.WriteLine($"Failing programs written to {outDir} ({report.Failures.Count} files).");
}

return report.Failed > 0 ? 1 : 0;
