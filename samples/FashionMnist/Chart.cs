using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace SymGrad.Samples.FashionMnist
{
    /// <summary>A standalone SVG of training loss, test loss and test accuracy per epoch.</summary>
    public static class Chart
    {
        private const int Width = 720, Height = 400, Left = 60, Right = 60, Top = 40, Bottom = 50;

        public static void Write(string path, IReadOnlyList<EpochResult> epochs)
        {
            File.WriteAllText(path, Render(epochs));
        }

        public static string Render(IReadOnlyList<EpochResult> epochs)
        {
            var svg = new StringBuilder();
            svg.AppendLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">");
            svg.AppendLine($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>");
            svg.AppendLine($"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">Fashion-MNIST: loss and test accuracy per epoch (SymGrad)</text>");
            int plotW = Width - Left - Right, plotH = Height - Top - Bottom;
            svg.AppendLine($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#999\"/>");
            if (epochs.Count > 0)
            {
                double maxLoss = Math.Max(1e-9, epochs.Max(e => Math.Max(e.TrainLoss, e.TestLoss)));
                double X(int i) => Left + (epochs.Count == 1 ? plotW / 2.0 : i * plotW / (double)(epochs.Count - 1));
                double LossY(double v) => Top + plotH - (v / maxLoss * plotH);
                double AccuracyY(double v) => Top + plotH - (v * plotH);
                Line(svg, epochs.Select((e, i) => (X(i), LossY(e.TrainLoss))), "#1f77b4");
                Line(svg, epochs.Select((e, i) => (X(i), LossY(e.TestLoss))), "#ff7f0e");
                Line(svg, epochs.Select((e, i) => (X(i), AccuracyY(e.TestAccuracy))), "#2ca02c");
                for (int i = 0; i < epochs.Count; i++)
                {
                    svg.AppendLine($"<text x=\"{F(X(i))}\" y=\"{Top + plotH + 18}\" text-anchor=\"middle\">{epochs[i].Epoch}</text>");
                }

                for (int t = 0; t <= 4; t++)
                {
                    double fraction = t / 4.0;
                    double y = Top + plotH - (fraction * plotH);
                    svg.AppendLine($"<text x=\"{Left - 6}\" y=\"{F(y + 4)}\" text-anchor=\"end\" fill=\"#1f77b4\">{F(fraction * maxLoss, "0.00")}</text>");
                    svg.AppendLine($"<text x=\"{Width - Right + 6}\" y=\"{F(y + 4)}\" fill=\"#2ca02c\">{F(fraction * 100, "0")}%</text>");
                }

                EpochResult lastEpoch = epochs[epochs.Count - 1];
                svg.AppendLine($"<text x=\"{Width - Right}\" y=\"{F(AccuracyY(lastEpoch.TestAccuracy) - 8)}\" text-anchor=\"end\" fill=\"#2ca02c\">{F(lastEpoch.TestAccuracy * 100, "0.0")}%</text>");
            }

            svg.AppendLine($"<text x=\"{Width / 2}\" y=\"{Height - 12}\" text-anchor=\"middle\">epoch</text>");
            Legend(svg, 0, "#1f77b4", "training loss");
            Legend(svg, 1, "#ff7f0e", "test loss");
            Legend(svg, 2, "#2ca02c", "test accuracy");
            svg.AppendLine("</svg>");
            return svg.ToString();
        }

        private static void Line(StringBuilder svg, IEnumerable<(double X, double Y)> points, string color)
        {
            var list = points.ToList();
            svg.AppendLine($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{string.Join(" ", list.Select(p => F(p.X) + "," + F(p.Y)))}\"/>");
            foreach ((double x, double y) in list)
            {
                svg.AppendLine($"<circle cx=\"{F(x)}\" cy=\"{F(y)}\" r=\"3\" fill=\"{color}\"/>");
            }
        }

        private static void Legend(StringBuilder svg, int row, string color, string text)
        {
            int y = Top + 16 + (row * 16);
            svg.AppendLine($"<line x1=\"{Left + 10}\" y1=\"{y - 4}\" x2=\"{Left + 30}\" y2=\"{y - 4}\" stroke=\"{color}\" stroke-width=\"2\"/>");
            svg.AppendLine($"<text x=\"{Left + 36}\" y=\"{y}\">{text}</text>");
        }

        private static string F(double value, string format = "0.0") => value.ToString(format, CultureInfo.InvariantCulture);
    }
}
