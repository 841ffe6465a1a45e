using BenchmarkDotNet.Attributes;

namespace SymGrad.Benchmarks.Kernels
{
    /// <summary>
    /// Workload C's loss Σ r² over its ReLU output (32×16×28×28 = 401,408 elements), forward and assigning backward:
    /// <c>Nn.SumOfSquares</c> beside <c>Nn.MseLoss</c> against a span of zeros (scaled, the same value), which C used before.
    /// </summary>
    [MemoryDiagnoser]
    [MedianColumn]
    public class LossBenchmarks
    {
        private const int Length = 32 * 16 * 28 * 28;
        private float[] _r = null!, _zeros = null!, _dr = null!;

        [GlobalSetup]
        public void Setup() => (_r, _zeros, _dr) = (KernelData.Uniform(Length, 1), new float[Length], new float[Length]);

        [Benchmark(Baseline = true)]
        public float MseLossAgainstZeros()
        {
            float loss = Nn.MseLoss(_r, _zeros) * Length;
            Nn.MseLossBackwardAssign(_r, _zeros, Length, _dr, default);
            return loss;
        }

        [Benchmark]
        public float SumOfSquares()
        {
            float loss = Nn.SumOfSquares(_r);
            Nn.SumOfSquaresBackwardAssign(_r, 1, _dr);
            return loss;
        }
    }
}
