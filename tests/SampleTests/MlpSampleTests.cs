using Xunit;

namespace SymGrad.SampleTests
{
    public class MlpSampleTests
    {
        [Fact]
        public void AShortRunLowersTheLossAndSaysWhereTheGeneratedBackwardIs()
        {
            (int exit, string output) = SampleProcess.Run("Mlp.dll", "--steps 101");
            Assert.True(exit == 0, output);
            Assert.Contains("step    0  loss", output);
            Assert.Contains("step  100  loss", output);
            Assert.Contains("TwoLayerNet.Loss.g.cs", output);
        }

        [Theory]
        [InlineData("--steps abc", "--steps must be a whole number ≥ 1; got 'abc'.")]
        [InlineData("--steps 0", "--steps must be a whole number ≥ 1; got '0'.")]
        [InlineData("--step 5", "Unrecognized command or argument '--step'")]
        public void BadOptionsAreRefusedInOneLine(string arguments, string message)
            => SampleProcess.AssertRefused("Mlp.dll", arguments, message);
    }
}
