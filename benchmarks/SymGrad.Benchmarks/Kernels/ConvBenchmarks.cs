using BenchmarkDotNet.Attributes;

namespace SymGrad.Benchmarks.Kernels
{
    /// <summary>
    /// The convolution kernels at workload C (32×3×32×32 input, 16 filters 5×5, stride 1, no padding: the direct kernel)
    /// and at the Fashion-MNIST network's second layer (64×32×14×14, 64 filters 3×3, padding 1: Winograd F(2×2, 3×3)).
    /// </summary>
    [MemoryDiagnoser]
    [MedianColumn]
    public class ConvBenchmarks
    {
        private Conv2DShape _shape;
        private float[] _x = null!, _w = null!, _b = null!, _y = null!, _dy = null!, _dx = null!, _dw = null!, _db = null!;

        [Params("C 5x5 direct", "conv2 3x3 Winograd")]
        public string Layer { get; set; } = "";

        [GlobalSetup]
        public void Setup()
        {
            _shape = Layer.StartsWith("C ", System.StringComparison.Ordinal) ? new Conv2DShape(32, 3, 32, 32, 16, 5, 5) : new Conv2DShape(64, 32, 14, 14, 64, 3, 3, stride: 1, padding: 1);
            (_x, _w, _b) = (KernelData.Uniform(_shape.InputLength, 1), KernelData.Uniform(_shape.WeightLength, 2), KernelData.Uniform(_shape.Filters, 3));
            (_y, _dy) = (new float[_shape.OutputLength], KernelData.Uniform(_shape.OutputLength, 4));
            (_dx, _dw, _db) = (new float[_shape.InputLength], new float[_shape.WeightLength], new float[_shape.Filters]);
        }

        [Benchmark]
        public void Forward() => Conv2D.Forward(_x, _w, _b, _y, _shape);

        [Benchmark]
        public void BackwardInput() => Conv2D.BackwardInput(_w, _dy, _dx, _shape, accumulate: false);

        [Benchmark]
        public void BackwardWeights() => Conv2D.BackwardWeights(_x, _dy, _dw, _db, _shape, accumulate: false);
    }
}
