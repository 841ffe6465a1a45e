using System;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using SymGrad.Samples.FashionMnist;
using Xunit;

namespace SymGrad.SampleTests
{
    public class ChartTests
    {
        private static EpochResult Epoch(int epoch, double train, double test, double accuracy) => new(epoch, train, test, accuracy, TimeSpan.FromSeconds(14), 4000);

        private static readonly EpochResult[] s_sevenEpochs =
        {
            Epoch(1, 0.38, 0.30, 0.888), Epoch(2, 0.25, 0.263, 0.9026), Epoch(3, 0.21, 0.245, 0.911), Epoch(4, 0.18, 0.25, 0.910),
            Epoch(5, 0.15, 0.243, 0.915), Epoch(6, 0.13, 0.232, 0.922), Epoch(7, 0.11, 0.23, 0.9222),
        };

        private static XElement[] Texts(string svg) => XDocument.Parse(svg).Descendants().Where(e => e.Name.LocalName == "text").ToArray();

        [Fact]
        public void TheSvgIsStandaloneAndWellFormed()
        {
            string svg = Chart.Render(s_sevenEpochs);
            XDocument document = XDocument.Parse(svg);
            Assert.Equal("svg", document.Root!.Name.LocalName);
            Assert.DoesNotContain("<script", svg);
            Assert.DoesNotContain("href", svg);
        }

        [Fact]
        public void TickValuesAreRound()
        {
            // Left axis: loss ticks end at the plot's left edge; right axis: accuracy ticks in %.
            var texts = Texts(Chart.Render(s_sevenEpochs));
            double[] loss = texts.Where(t => (string?)t.Attribute("text-anchor") == "end" && double.Parse((string)t.Attribute("x")!, CultureInfo.InvariantCulture) < Chart.Left)
                .Select(t => double.Parse(t.Value, CultureInfo.InvariantCulture)).ToArray();
            double[] accuracy = texts.Where(t => t.Value.EndsWith(" %", StringComparison.Ordinal) && double.Parse((string)t.Attribute("x")!, CultureInfo.InvariantCulture) > Chart.Left + Chart.PlotWidth)
                .Select(t => double.Parse(t.Value[..^2], CultureInfo.InvariantCulture)).ToArray();

            Assert.Equal(new[] { 0.0, 0.1, 0.2, 0.3, 0.4 }, loss);
            Assert.Equal(new[] { 86.0, 88, 90, 92, 94 }, accuracy);
        }

        [Theory]
        [InlineData(0, 0.38, 0.1)]
        [InlineData(0, 2.3, 0.5)]
        [InlineData(0, 0.0731, 0.02)]
        [InlineData(88.1, 93.2, 2)]
        [InlineData(88.1, 92.9, 1)]
        [InlineData(0, 1e-12, 2e-13)]
        public void TicksAreOneTwoTwoAndAHalfOrFiveTimesAPowerOfTen(double low, double high, double step)
        {
            var ticks = Chart.Ticks.For(low, high);
            Assert.Equal(step, ticks.Step, step * 1e-9);
            Assert.True(ticks.Low <= low && ticks.High >= high, $"{ticks} does not cover [{low}, {high}]");
            Assert.InRange((ticks.High - ticks.Low) / ticks.Step, 2.99, 10.01);
        }

        [Fact]
        public void EachAxisHasATitleAndTheLegendIsUnderThePlot()
        {
            var texts = Texts(Chart.Render(s_sevenEpochs));
            Assert.Contains(texts, t => t.Value == "epoch");
            Assert.Contains(texts, t => t.Value.StartsWith("loss", StringComparison.Ordinal) && ((string?)t.Attribute("transform") ?? "").Contains("rotate(-90)"));
            Assert.Contains(texts, t => t.Value == "test accuracy" && ((string?)t.Attribute("transform") ?? "").Contains("rotate(90)"));

            double plotBottom = Chart.Top + Chart.PlotHeight;
            foreach (string entry in new[] { "training loss", "test loss", "test accuracy" })
            {
                XElement legend = texts.Single(t => t.Value == entry && t.Attribute("transform") is null);
                Assert.True(double.Parse((string)legend.Attribute("y")!, CultureInfo.InvariantCulture) > plotBottom + 30, $"the legend entry '{entry}' is not under the plot");
            }
        }

        [Fact]
        public void ASingleEpochIsAReadablePointWithItsValuesNextToIt()
        {
            string svg = Chart.Render(new[] { Epoch(1, 0.52, 0.43, 0.846) });
            var texts = Texts(svg);
            Assert.DoesNotContain("<polyline", svg); // a one-point line draws nothing
            var circles = XDocument.Parse(svg).Descendants().Where(e => e.Name.LocalName == "circle" && (string?)e.Attribute("r") == "5.0").ToArray();
            Assert.Equal(3, circles.Length);
            Assert.Contains(texts, t => t.Value == "training loss 0.520");
            Assert.Contains(texts, t => t.Value == "test loss 0.430");
            Assert.Contains(texts, t => t.Value == "test accuracy 84.6 %");

            // Each label sits just right of its point, and no two labels overlap.
            double[] ys = texts.Where(t => Regex.IsMatch(t.Value, @"^(training loss|test loss|test accuracy) \d")).Select(t => double.Parse((string)t.Attribute("y")!, CultureInfo.InvariantCulture)).Order().ToArray();
            Assert.All(ys.Zip(ys.Skip(1)), pair => Assert.True(pair.Second - pair.First >= 14));
        }
    }
}
