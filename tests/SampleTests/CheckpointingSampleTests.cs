using Xunit;

namespace SymGrad.SampleTests
{
    public class CheckpointingSampleTests
    {
        [Theory]
        [InlineData("rollout")]
        [InlineData("driven")]
        [InlineData("recurrence")]
        [InlineData("vector")]
        public void CheckpointedAndTapedPrintTheSameGradient(string loop)
        {
            (int exit, string taped) = SampleProcess.Run("Checkpointing.dll", $"{loop} taped 5000 1");
            Assert.True(exit == 0, taped);
            (exit, string checkpointed) = SampleProcess.Run("Checkpointing.dll", $"{loop} checkpointed 5000 1");
            Assert.True(exit == 0, checkpointed);
            string Values(string output) => output.Split('\n')[0].Split(": ")[1];
            Assert.Equal(Values(taped), Values(checkpointed));
            Assert.Contains("untaped steps (its first sweep included)", checkpointed);
            Assert.Contains("a steady-state call allocated 0 bytes", checkpointed);
            Assert.Contains("peak resident set (VmHWM)", checkpointed);
        }

        [Theory]
        [InlineData("spring taped", "usage: <rollout|driven|recurrence|vector>")]
        [InlineData("rollout fast", "got 'rollout fast'.")]
        [InlineData("rollout taped -5", "[steps ≥ 0, default 10000000]")]
        [InlineData("rollout taped 10 0", "[repeats ≥ 1, default 5]")]
        public void BadArgumentsAreRefusedInOneLine(string arguments, string message)
            => SampleProcess.AssertRefused("Checkpointing.dll", arguments, message);
    }
}
