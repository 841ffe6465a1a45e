// Measures checkpointed loops against taped ones, one loop and one mode per process so that the peak resident set
// (VmHWM in /proc/self/status) is that mode's:
//
//   dotnet run -c Release --project samples/Checkpointing -- <rollout|driven|recurrence|vector> <taped|checkpointed|taped-hvp|checkpointed-hvp> [steps] [repeats]
//
// It prints the gradient (or, for the -hvp modes, the Hessian-vector product along (1, ½, ¼) of the scalars and ½ of each
// x), the median time of the untaped forward and of the gradient (forward + backward) or product, their ratio,
// the untaped forward steps the schedule adds per step, the workspace's reserve, the bytes a steady-state call allocates,
// and the peak resident set. samples/Checkpointing/measure.sh runs every combination.
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using SymGrad;
using SymGrad.Samples.Checkpointing;

string[] loops = { "rollout", "driven", "recurrence", "vector" }, modes = { "taped", "checkpointed", "taped-hvp", "checkpointed-hvp" };
string loop = args.Length > 0 ? args[0] : "rollout";
string mode = args.Length > 1 ? args[1] : "checkpointed";
if (args.Length > 4 || !loops.Contains(loop) || !modes.Contains(mode)
    || !TryCount(args, 2, 10_000_000, out int steps) || !TryCount(args, 3, 5, out int repeats) || repeats < 1)
{
    Console.Error.WriteLine("usage: <rollout|driven|recurrence|vector> <taped|checkpointed|taped-hvp|checkpointed-hvp> [steps ≥ 0, default 10000000] [repeats ≥ 1, default 5]; got '" + string.Join(" ", args) + "'.");
    return 1;
}

bool checkpointed = mode.StartsWith("checkpointed", StringComparison.Ordinal), hvp = mode.EndsWith("-hvp", StringComparison.Ordinal);
long baseline = PeakKiB();

double[] x = loop == "recurrence" ? Enumerable.Range(0, steps).Select(i => Math.Sin(0.001 * i)).ToArray() : Array.Empty<double>();
double[] dx = new double[x.Length], vx = x.Select(_ => 0.5).ToArray();
double[] gradient = new double[3];

// The vector loop's state h, its weights and start, their gradients, directions and products (8 elements each).
double[] w = Enumerable.Range(0, 8).Select(i => 0.3 + (0.05 * i)).ToArray(), h0 = Enumerable.Range(0, 8).Select(i => 0.1 * i).ToArray(), h = new double[8];
double[] dw = new double[8], dh0 = new double[8], vw = w.Select(_ => 0.5).ToArray(), vh0 = h0.Select(_ => 0.25).ToArray();

Func<double> forward = loop switch
{
    "rollout" => () => Loops.Rollout(1.0, 0.0, 4.0, steps),
    "driven" => () => Loops.Driven(0.9, 0.5, steps),
    "vector" => () => Loops.Vector(w, h0, h, steps),
    _ => () => Loops.Recurrence(x, 0.9),
};

string kind = hvp ? loop + "-hvp" : loop; // what Gradient() runs, named once: a string built per call would allocate

double Gradient()
{
    double d0 = 0, d1 = 0, d2 = 0, value = 0;
    switch (kind, checkpointed)
    {
        case ("rollout-hvp", false): Loops.RolloutHessianVector(1.0, 0.0, 4.0, steps, 1, 0.5, 0.25, ref d0, ref d1, ref d2); break;
        case ("rollout-hvp", true): Loops.RolloutCheckpointedHessianVector(1.0, 0.0, 4.0, steps, 1, 0.5, 0.25, ref d0, ref d1, ref d2); break;
        case ("driven-hvp", false): Loops.DrivenHessianVector(0.9, 0.5, steps, 1, 0.5, ref d0, ref d1); break;
        case ("driven-hvp", true): Loops.DrivenCheckpointedHessianVector(0.9, 0.5, steps, 1, 0.5, ref d0, ref d1); break;
        case ("recurrence-hvp", false): dx.AsSpan().Clear(); Loops.RecurrenceHessianVector(x, 0.9, vx, 1, dx, ref d0); break;
        case ("recurrence-hvp", true): dx.AsSpan().Clear(); Loops.RecurrenceCheckpointedHessianVector(x, 0.9, vx, 1, dx, ref d0); break;
        case ("rollout", false): value = Loops.RolloutGradient(1.0, 0.0, 4.0, steps, ref d0, ref d1, ref d2); break;
        case ("rollout", true): value = Loops.RolloutCheckpointedGradient(1.0, 0.0, 4.0, steps, ref d0, ref d1, ref d2); break;
        case ("driven", false): value = Loops.DrivenGradient(0.9, 0.5, steps, ref d0, ref d1); break;
        case ("driven", true): value = Loops.DrivenCheckpointedGradient(0.9, 0.5, steps, ref d0, ref d1); break;
        case ("vector-hvp", false): dw.AsSpan().Clear(); dh0.AsSpan().Clear(); Loops.VectorHessianVector(w, h0, h, steps, vw, vh0, dw, dh0); break;
        case ("vector-hvp", true): dw.AsSpan().Clear(); dh0.AsSpan().Clear(); Loops.VectorCheckpointedHessianVector(w, h0, h, steps, vw, vh0, dw, dh0); break;
        case ("vector", false): dw.AsSpan().Clear(); dh0.AsSpan().Clear(); value = Loops.VectorGradient(w, h0, h, steps, dw, dh0); break;
        case ("vector", true): dw.AsSpan().Clear(); dh0.AsSpan().Clear(); value = Loops.VectorCheckpointedGradient(w, h0, h, steps, dw, dh0); break;
        case (_, false): dx.AsSpan().Clear(); value = Loops.RecurrenceGradient(x, 0.9, dx, ref d0); break;
        default: dx.AsSpan().Clear(); value = Loops.RecurrenceCheckpointedGradient(x, 0.9, dx, ref d0); break;
    }

    gradient[0] = loop == "vector" ? dw[0] : d0; // the vector loop: dw[0], dw[7], dh0[0]
    gradient[1] = loop == "vector" ? dw[7] : d1;
    gradient[2] = loop == "vector" ? dh0[0] : d2;
    return value;
}

double Median(Func<double> run)
{
    run();
    var times = new double[repeats];
    for (int i = 0; i < repeats; i++)
    {
        var sw = Stopwatch.StartNew();
        run();
        times[i] = sw.Elapsed.TotalMilliseconds;
    }

    Array.Sort(times);
    return times[repeats / 2];
}

double forwardMs = Median(forward);
double gradientMs = Median(Gradient);
long before = GC.GetAllocatedBytesForCurrentThread();
double result = Gradient();
long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
int snapshots = Revolve.DefaultSnapshots(steps);
long advances = Revolve.OptimalForwardSteps(steps, snapshots);
Console.WriteLine($"{loop} {mode}, {steps:N0} steps: {(hvp ? "" : $"value {result:R}, ")}{(hvp ? "H·v" : "gradient")} [{string.Join(", ", gradient.Select(g => g.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}]{(x.Length > 0 ? $", dx[0] {dx[0]:R}" : "")}");
Console.WriteLine($"  forward (untaped) {forwardMs:F1} ms, {(hvp ? "Hessian-vector product" : "gradient")} {gradientMs:F1} ms (medians of {repeats}): {gradientMs / forwardMs:F2}× the forward");
if (checkpointed)
{
    // These loops' trip counts are known where they start: the schedule's first sweep is the loop's forward run.
    Console.WriteLine($"  schedule: {snapshots} snapshots, {advances:N0} untaped steps (its first sweep included) = {(double)advances / steps:F2} per step; with the taped turns each step runs {(double)(advances + steps) / steps:F2} times in {(hvp ? "MHessianVector" : "MBackward")}");
}

Console.WriteLine($"  workspace reserve after the call {Workspace.Current.ReservedBytes / 1024.0:N0} KiB; a steady-state call allocated {allocated} bytes");
Console.WriteLine($"  peak resident set (VmHWM) {PeakKiB() / 1024.0:N1} MiB (at start {baseline / 1024.0:N1} MiB)");

return 0;

static bool TryCount(string[] args, int at, int fallback, out int value)
{
    value = fallback;
    return args.Length <= at || (int.TryParse(args[at], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value) && value >= 0);
}

static long PeakKiB()
{
    string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
    return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
}
