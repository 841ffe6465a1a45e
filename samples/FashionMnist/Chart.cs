using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security;
using System.Text;

namespace SymGrad.Samples.FashionMnist
{
    /// <summary>
    /// A standalone SVG (no script, no external file) of training loss and test loss (left axis) and test accuracy
    /// (right axis) per epoch: round tick values, a title on each axis, the legend under the plot where no curve runs,
    /// and the values written next to the points of a one-epoch run.
    /// </summary>
    public static class Chart
    {
        internal const int Width = 760, Height = 460, Left = 78, Right = 82, Top = 48, Bottom = 104;
        internal const int PlotWidth = Width - Left - Right, PlotHeight = Height - Top - Bottom;
        private const string TrainColor = "#1f77b4", TestColor = "#ff7f0e", AccuracyColor = "#2ca02c";

        public static void Write(string path, IReadOnlyList<EpochResult> epochs) => File.WriteAllText(path, Render(epochs));

        public static string Render(IReadOnlyList<EpochResult> epochs)
        {
            var svg = new StringBuilder();
            svg.AppendLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"13\">");
            svg.AppendLine($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>");
            Text(svg, Width / 2.0, 26, "Fashion-MNIST: loss and test accuracy per epoch (SymGrad)", "middle", size: 16);

            if (epochs.Count > 0)
            {
                double maxLoss = epochs.Max(e => Math.Max(e.TrainLoss, e.TestLoss));
                Ticks loss = Ticks.For(0, maxLoss);
                double lowAccuracy = epochs.Min(e => e.TestAccuracy) * 100, highAccuracy = epochs.Max(e => e.TestAccuracy) * 100;
                Ticks accuracy = Ticks.For(Math.Max(0, lowAccuracy - 1), Math.Min(100, highAccuracy + 1), ceiling: 100);
                double X(int i) => Left + (epochs.Count == 1 ? PlotWidth / 2.0 : i * PlotWidth / (double)(epochs.Count - 1));
                double LossY(double v) => Top + PlotHeight - ((v - loss.Low) / (loss.High - loss.Low) * PlotHeight);
                double AccuracyY(double fraction) => Top + PlotHeight - (((fraction * 100) - accuracy.Low) / (accuracy.High - accuracy.Low) * PlotHeight);

                // Grid and ticks: loss on the left (with the grid lines), accuracy on the right.
                foreach (double t in loss.Values)
                {
                    double y = LossY(t);
                    svg.AppendLine($"<line x1=\"{Left}\" y1=\"{F(y)}\" x2=\"{Left + PlotWidth}\" y2=\"{F(y)}\" stroke=\"#e6e6e6\"/>");
                    Text(svg, Left - 8, y + 4, loss.Format(t), "end", TrainColor);
                }

                foreach (double t in accuracy.Values)
                {
                    Text(svg, Left + PlotWidth + 8, AccuracyY(t / 100) + 4, accuracy.Format(t) + " %", "start", AccuracyColor);
                }

                // At most about 15 epoch labels, at round epochs (every 1, 2, 5, 10, 20, 50, … epochs) and the first.
                int every = new[] { 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000 }.FirstOrDefault(k => epochs.Count / k <= 15, 1000);
                for (int i = 0; i < epochs.Count; i++)
                {
                    if (i == 0 || epochs[i].Epoch % every == 0)
                    {
                        svg.AppendLine($"<line x1=\"{F(X(i))}\" y1=\"{Top + PlotHeight}\" x2=\"{F(X(i))}\" y2=\"{Top + PlotHeight + 5}\" stroke=\"#999\"/>");
                        Text(svg, X(i), Top + PlotHeight + 20, epochs[i].Epoch.ToString(CultureInfo.InvariantCulture), "middle");
                    }
                }

                svg.AppendLine($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{PlotWidth}\" height=\"{PlotHeight}\" fill=\"none\" stroke=\"#999\"/>");
                var series = new (string Name, string Color, double[] Y, string[] Labels)[]
                {
                    ("training loss", TrainColor, epochs.Select(e => LossY(e.TrainLoss)).ToArray(), epochs.Select(e => F(e.TrainLoss, "0.000")).ToArray()),
                    ("test loss", TestColor, epochs.Select(e => LossY(e.TestLoss)).ToArray(), epochs.Select(e => F(e.TestLoss, "0.000")).ToArray()),
                    ("test accuracy", AccuracyColor, epochs.Select(e => AccuracyY(e.TestAccuracy)).ToArray(), epochs.Select(e => F(e.TestAccuracy * 100, "0.0") + " %").ToArray()),
                };
                foreach (var s in series)
                {
                    Curve(svg, s.Y.Select((y, i) => (X(i), y)).ToList(), s.Color, epochs.Count == 1 ? 5 : 3.5);
                }

                if (epochs.Count == 1)
                {
                    // One epoch is a point per series, not a line: say what each is, next to it (spread apart if close).
                    double previous = double.NegativeInfinity;
                    foreach (var s in series.OrderBy(s => s.Y[0]))
                    {
                        double y = Math.Max(s.Y[0] + 4, previous + 16);
                        Text(svg, X(0) + 12, y, $"{s.Name} {s.Labels[0]}", "start", s.Color);
                        previous = y;
                    }
                }
                else
                {
                    // The last accuracy, above its point (below it when the point is at the top of the plot).
                    double y = series[2].Y[^1] - 10 < Top + 14 ? series[2].Y[^1] + 20 : series[2].Y[^1] - 10;
                    Text(svg, X(epochs.Count - 1) - 4, y, series[2].Labels[^1], "end", AccuracyColor, size: 13);
                }
            }

            // Axis titles.
            Text(svg, Left + (PlotWidth / 2.0), Top + PlotHeight + 42, "epoch", "middle");
            svg.AppendLine($"<text x=\"0\" y=\"0\" transform=\"translate({Left - 54},{F(Top + (PlotHeight / 2.0))}) rotate(-90)\" text-anchor=\"middle\" fill=\"{TrainColor}\">loss (cross-entropy, mean per image)</text>");
            svg.AppendLine($"<text x=\"0\" y=\"0\" transform=\"translate({Left + PlotWidth + 66},{F(Top + (PlotHeight / 2.0))}) rotate(90)\" text-anchor=\"middle\" fill=\"{AccuracyColor}\">test accuracy</text>");

            // The legend, in a row under the plot: never over a curve.
            double legendY = Height - 24;
            double x = Left + (PlotWidth / 2.0) - 210;
            foreach ((string name, string color) in new[] { ("training loss", TrainColor), ("test loss", TestColor), ("test accuracy", AccuracyColor) })
            {
                svg.AppendLine($"<line x1=\"{F(x)}\" y1=\"{F(legendY - 4)}\" x2=\"{F(x + 24)}\" y2=\"{F(legendY - 4)}\" stroke=\"{color}\" stroke-width=\"2.5\"/>");
                svg.AppendLine($"<circle cx=\"{F(x + 12)}\" cy=\"{F(legendY - 4)}\" r=\"3.5\" fill=\"{color}\"/>");
                Text(svg, x + 30, legendY, name, "start");
                x += 150;
            }

            svg.AppendLine("</svg>");
            return svg.ToString();
        }

        private static void Curve(StringBuilder svg, List<(double X, double Y)> points, string color, double radius)
        {
            if (points.Count > 1)
            {
                svg.AppendLine($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2.5\" points=\"{string.Join(" ", points.Select(p => F(p.X) + "," + F(p.Y)))}\"/>");
            }

            foreach ((double x, double y) in points)
            {
                svg.AppendLine($"<circle cx=\"{F(x)}\" cy=\"{F(y)}\" r=\"{F(radius)}\" fill=\"{color}\"/>");
            }
        }

        private static void Text(StringBuilder svg, double x, double y, string text, string anchor, string color = "#222", int size = 13)
            => svg.AppendLine($"<text x=\"{F(x)}\" y=\"{F(y)}\" text-anchor=\"{anchor}\" fill=\"{color}\" font-size=\"{size}\">{SecurityElement.Escape(text)}</text>");

        private static string F(double value, string format = "0.0") => value.ToString(format, CultureInfo.InvariantCulture);

        /// <summary>Round tick values covering [low, high]: a step of 1, 2, 2.5 or 5 × 10^k, about five intervals.</summary>
        internal readonly record struct Ticks(double Low, double High, double Step)
        {
            public IEnumerable<double> Values
            {
                get
                {
                    int count = (int)Math.Round((High - Low) / Step);
                    for (int i = 0; i <= count; i++)
                    {
                        yield return Low + (i * Step);
                    }
                }
            }

            public static Ticks For(double low, double high, double ceiling = double.PositiveInfinity)
            {
                if (!(high > low))
                {
                    high = low + Math.Max(1e-9, Math.Abs(low) * 0.1);
                }

                double raw = (high - low) / 5;
                double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
                double step = new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw * 0.999);
                double first = Math.Floor((low / step) + 1e-9) * step;
                double last = Math.Min(Math.Ceiling((high / step) - 1e-9) * step, Math.Max(ceiling, first + step));
                return new Ticks(first, Math.Max(last, first + step), step);
            }

            /// <summary>A tick value with as many decimals as the step needs (0.05 → two, 2.5 → one, 10 → none).</summary>
            public string Format(double value)
            {
                int decimals = 0;
                while (decimals < 6 && Math.Abs((Step * Math.Pow(10, decimals)) - Math.Round(Step * Math.Pow(10, decimals))) > 1e-6)
                {
                    decimals++;
                }

                return value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            }
        }
    }
}
