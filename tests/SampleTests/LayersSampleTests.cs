using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;

namespace SymGrad.SampleTests
{
    public class LayersSampleTests
    {
        [Fact]
        public void ANetworkOfLayerObjectsTrains()
        {
            (int exit, string output) = SampleProcess.Run("Layers.dll", "--steps 101");
            Assert.True(exit == 0, output);
            double first = Loss(output, @"step    0  loss\s+([0-9.]+)"), last = Loss(output, @"final loss ([0-9.]+)");
            Assert.True(last < first / 100, output);
        }

        [Theory]
        [InlineData("--steps 0", "--steps must be a whole number ≥ 1; got '0'.")]
        public void BadOptionsAreRefusedInOneLine(string arguments, string message)
            => SampleProcess.AssertRefused("Layers.dll", arguments, message);

        private static double Loss(string output, string pattern)
        {
            Match match = Regex.Match(output, pattern);
            Assert.True(match.Success, output);
            return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        }
    }
}
