using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace SymGrad
{
    /// <summary>One element of a parameter: the analytic and the numerical derivative at <see cref="Index"/>.</summary>
    public readonly record struct GradCheckSample(int Index, double Analytic, double Numerical);

    /// <summary>
    /// The result of <see cref="GradCheck"/> for one parameter: the worst absolute error <c>|a − n|</c> and the worst
    /// relative error <c>|a − n| / max(|a|, |n|, floor)</c>, where each is and the two derivatives there, the first
    /// <see cref="GradCheck.SampleCount"/> elements, and the full numerical gradient. A NaN or infinite derivative
    /// makes both errors NaN or infinite at that element, and it is reported as the worst.
    /// </summary>
    public sealed record GradCheckParamResult(
        string Name,
        int Length,
        double MaxAbsoluteError,
        int MaxAbsoluteIndex,
        double MaxRelativeError,
        int MaxRelativeIndex,
        GradCheckSample AtMaxAbsolute,
        GradCheckSample AtMaxRelative,
        IReadOnlyList<GradCheckSample> Samples,
        IReadOnlyList<double> Numerical)
    {
        /// <summary>
        /// The relative tolerance <see cref="Passes()"/> applies: <see cref="GradCheck.DoubleTolerance"/> for a
        /// <see cref="double"/> parameter, <see cref="GradCheck.FloatTolerance"/> for a <see cref="float"/> one.
        /// </summary>
        public double Tolerance { get; init; } = GradCheck.DoubleTolerance;

        /// <summary>Whether every element agrees within <see cref="Tolerance"/> (an empty parameter passes).</summary>
        public bool Passes() => Passes(Tolerance);

        /// <summary>Whether every element agrees within <paramref name="relativeTolerance"/> (an empty parameter passes).</summary>
        public bool Passes(double relativeTolerance) => MaxRelativeError <= relativeTolerance;

        internal static GradCheckParamResult Create(string name, double[] analytic, double[] numerical, double floor, double tolerance)
        {
            int n = numerical.Length;
            double maxAbs = 0, maxRel = 0;
            int absIndex = -1, relIndex = -1;
            for (int i = 0; i < n; i++)
            {
                double a = analytic[i], d = numerical[i];
                double abs = Math.Abs(a - d);
                double rel = abs / Math.Max(Math.Max(Math.Abs(a), Math.Abs(d)), floor);
                if (!double.IsFinite(a) || !double.IsFinite(d))
                {
                    // ∞ − ∞ is NaN and ∞ / ∞ is NaN: any non-finite derivative is a failure, whatever it is compared with.
                    abs = rel = double.NaN;
                }

                if (absIndex < 0 || Worse(abs, maxAbs))
                {
                    maxAbs = abs;
                    absIndex = i;
                }

                if (relIndex < 0 || Worse(rel, maxRel))
                {
                    maxRel = rel;
                    relIndex = i;
                }
            }

            var samples = new GradCheckSample[Math.Min(n, GradCheck.SampleCount)];
            for (int i = 0; i < samples.Length; i++)
            {
                samples[i] = new GradCheckSample(i, analytic[i], numerical[i]);
            }

            GradCheckSample At(int i) => i < 0 ? default : new GradCheckSample(i, analytic[i], numerical[i]);
            return new GradCheckParamResult(
                name, n, maxAbs, absIndex, maxRel, relIndex, At(absIndex), At(relIndex), samples, numerical) { Tolerance = tolerance };
        }

        // NaN ranks above everything, so that it is what the report points at; the first NaN wins.
        private static bool Worse(double candidate, double current)
            => !double.IsNaN(current) && (double.IsNaN(candidate) || candidate > current);
    }

    /// <summary>
    /// The result of <see cref="GradCheck.Run(Func{double}, GradCheckParam[])"/>: one
    /// <see cref="GradCheckParamResult"/> per parameter, in the order given. <see cref="ToString()"/> is a table meant
    /// for assertion messages: <c>Assert.True(report.Passes(), report.ToString())</c>.
    /// </summary>
    public sealed class GradCheckReport
    {
        internal GradCheckReport(IReadOnlyList<GradCheckParamResult> parameters, double step, double floor, double loss)
        {
            Parameters = parameters;
            Step = step;
            Floor = floor;
            Loss = loss;
        }

        /// <summary>The per-parameter results, in the order the parameters were given.</summary>
        public IReadOnlyList<GradCheckParamResult> Parameters { get; }

        /// <summary>The step <c>h</c> before scaling by <c>max(1, |x_i|)</c>.</summary>
        public double Step { get; }

        /// <summary>The denominator floor of the relative error: <see cref="GradCheck.RelativeErrorFloor"/> · max(1, |<see cref="Loss"/>|).</summary>
        public double Floor { get; }

        /// <summary>The loss at the unperturbed values.</summary>
        public double Loss { get; }

        /// <summary>The worst relative error over all parameters (NaN if any derivative is not finite).</summary>
        public double MaxRelativeError => Worst(p => p.MaxRelativeError);

        /// <summary>The worst absolute error over all parameters (NaN if any derivative is not finite).</summary>
        public double MaxAbsoluteError => Worst(p => p.MaxAbsoluteError);

        /// <summary>The result for the parameter called <paramref name="name"/>.</summary>
        public GradCheckParamResult this[string name]
            => Parameters.FirstOrDefault(p => p.Name == name)
               ?? throw new KeyNotFoundException($"No parameter named '{name}' was checked.");

        /// <summary>
        /// Whether every element of every parameter agrees within its parameter's <see cref="GradCheckParamResult.Tolerance"/>
        /// (<see cref="GradCheck.DoubleTolerance"/> for doubles, <see cref="GradCheck.FloatTolerance"/> for floats).
        /// </summary>
        public bool Passes() => Parameters.All(p => p.Passes());

        /// <summary>Whether every element of every parameter agrees within <paramref name="relativeTolerance"/>.</summary>
        public bool Passes(double relativeTolerance) => Parameters.All(p => p.Passes(relativeTolerance));

        /// <summary>The table of <see cref="ToString(double)"/>, each parameter judged at its own <see cref="GradCheckParamResult.Tolerance"/>.</summary>
        public override string ToString()
        {
            var tolerances = Parameters.Select(p => p.Tolerance).Distinct().ToList();
            return tolerances.Count == 1 ? ToString(tolerances[0]) : Table(p => p.Tolerance, "the parameters' own relative tolerances (float " +
                GradCheck.FloatTolerance.ToString("0.#e+00", CultureInfo.InvariantCulture) + ", double " +
                GradCheck.DoubleTolerance.ToString("0.#e+00", CultureInfo.InvariantCulture) + ")");
        }

        /// <summary>
        /// A multi-line table, one row per parameter, marked <c>ok</c> or <c>FAIL</c> at
        /// <paramref name="relativeTolerance"/>, then the first few analytic and numerical values of each parameter.
        /// </summary>
        public string ToString(double relativeTolerance)
            => Table(_ => relativeTolerance, "relative tolerance " + relativeTolerance.ToString("0.#e+00", CultureInfo.InvariantCulture));

        private string Table(Func<GradCheckParamResult, double> tolerance, string at)
        {
            var c = CultureInfo.InvariantCulture;
            var sb = new StringBuilder();
            var failing = Parameters.Where(p => !p.Passes(tolerance(p))).ToList();
            if (failing.Count == 0)
            {
                sb.Append(c, $"GradCheck passed at {at}");
            }
            else
            {
                var worst = failing[0];
                foreach (var p in failing)
                {
                    if (double.IsNaN(p.MaxRelativeError) || p.MaxRelativeError > worst.MaxRelativeError) worst = p;
                    if (double.IsNaN(worst.MaxRelativeError)) break;
                }

                sb.Append(c, $"GradCheck FAILED at {at}: ");
                sb.Append(c, $"{string.Join(", ", failing.Select(p => p.Name))} ");
                sb.Append(c, $"(worst: relative error {E(worst.MaxRelativeError)} at {worst.Name}[{worst.MaxRelativeIndex}])");
            }

            sb.AppendLine();
            sb.AppendLine(c, $"loss {E(Loss)}; step {Step:0.#e+00}·max(1,|x|); relative error |a-n| / max(|a|, |n|, {E(Floor)})");

            int nameWidth = Math.Max("parameter".Length, Parameters.Select(p => p.Name.Length).DefaultIfEmpty(0).Max());
            sb.Append("parameter".PadRight(nameWidth)).Append("  ")
              .Append("length".PadLeft(6)).Append("  ")
              .Append("max |a-n|".PadRight(11)).Append("at".PadRight(8))
              .Append("max rel".PadRight(11)).Append("at".PadRight(8))
              .Append("analytic".PadRight(18)).Append("numerical");
            sb.AppendLine("   (at the worst relative error)");
            foreach (var p in Parameters)
            {
                sb.Append(p.Name.PadRight(nameWidth)).Append("  ")
                  .Append(p.Length.ToString(c).PadLeft(6)).Append("  ")
                  .Append(E(p.MaxAbsoluteError).PadRight(11)).Append(Index(p.MaxAbsoluteIndex).PadRight(8))
                  .Append(E(p.MaxRelativeError).PadRight(11)).Append(Index(p.MaxRelativeIndex).PadRight(8))
                  .Append(Value(p.AtMaxRelative.Analytic, p.Length).PadRight(18))
                  .Append(Value(p.AtMaxRelative.Numerical, p.Length).PadRight(18))
                  .Append(p.Passes(tolerance(p)) ? "ok" : "FAIL")
                  .AppendLine();
            }

            foreach (var p in Parameters.Where(p => p.Samples.Count > 0))
            {
                sb.Append(c, $"{p.Name}: first {p.Samples.Count} of {p.Length} (analytic / numerical):");
                foreach (var s in p.Samples)
                {
                    sb.Append(c, $"  [{s.Index}] {Value(s.Analytic, 1)} / {Value(s.Numerical, 1)}");
                }

                sb.AppendLine();
            }

            return sb.ToString().TrimEnd('\n', '\r');
        }

        private double Worst(Func<GradCheckParamResult, double> error)
        {
            double worst = 0;
            foreach (var p in Parameters)
            {
                double e = error(p);
                if (double.IsNaN(e)) return double.NaN;
                worst = Math.Max(worst, e);
            }

            return worst;
        }

        private static string E(double v) => v.ToString("0.000e+00", CultureInfo.InvariantCulture);

        private static string Value(double v, int length)
            => length == 0 ? "-" : v.ToString("0.000000000e+00", CultureInfo.InvariantCulture);

        private static string Index(int i) => i < 0 ? "-" : $"[{i.ToString(CultureInfo.InvariantCulture)}]";
    }
}
