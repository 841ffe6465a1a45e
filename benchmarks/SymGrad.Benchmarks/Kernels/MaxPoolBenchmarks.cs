using BenchmarkDotNet.Attributes;

namespace SymGrad.Benchmarks.Kernels
{
    /// <summary>2×2 stride-2 max pooling of workload C's convolution output: 32×16×28×28 → 32×16×14×14.</summary>
    [MemoryDiagnoser]
    public class MaxPoolBenchmarks
    {
        private readonly Pool2DShape _shape = new(32, 16, 28, 28, 2, 2, 2);
        private float[] _x = null!, _y = null!, _dy = null!, _dx = null!;
        private int[] _indices = null!;

        [GlobalSetup]
        public void Setup()
        {
            _x = KernelData.Uniform(32 * 16 * 28 * 28, 1);
            (_y, _indices, _dy) = (new float[32 * 16 * 14 * 14], new int[32 * 16 * 14 * 14], KernelData.Uniform(32 * 16 * 14 * 14, 2));
            _dx = new float[_x.Length];
            MaxPool2D.Forward<float>(_x, _y, _indices, _shape);
        }

        [Benchmark]
        public void Forward() => MaxPool2D.Forward<float>(_x, _y, _indices, _shape);

        [Benchmark]
        public void Backward() => MaxPool2D.Backward<float>(_dy, _indices, _dx, _shape, accumulate: false);
    }
}
