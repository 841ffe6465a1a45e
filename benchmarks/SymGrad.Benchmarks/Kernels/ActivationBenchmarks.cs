using BenchmarkDotNet.Attributes;

namespace SymGrad.Benchmarks.Kernels
{
    /// <summary>
    /// Element-wise activations and their backward kernels over the hidden layer of workload B (256×256) and over
    /// workload C's convolution output (32×16×28×28 = 401,408 elements).
    /// </summary>
    [MemoryDiagnoser]
    public class ActivationBenchmarks
    {
        private float[] _x = null!, _y = null!, _dy = null!, _dx = null!;

        /// <summary>Element count.</summary>
        [Params(256 * 256, 32 * 16 * 28 * 28)]
        public int Length { get; set; } = 256 * 256;

        [GlobalSetup]
        public void Setup()
        {
            (_x, _dy) = (KernelData.Uniform(Length, 1), KernelData.Uniform(Length, 2));
            (_y, _dx) = (new float[Length], new float[Length]);
        }

        [Benchmark]
        public void Relu() => Activations.Relu<float>(_x, _y);

        [Benchmark]
        public void ReluBackward() => Activations.ReluBackward<float>(_x, _dy, _dx, accumulate: false);

        [Benchmark]
        public void Sigmoid() => Activations.Sigmoid<float>(_x, _y);

        [Benchmark]
        public void SigmoidBackward() => Activations.SigmoidBackward<float>(_y, _dy, _dx, accumulate: false);

        [Benchmark]
        public void Tanh() => Activations.Tanh<float>(_x, _y);

        [Benchmark]
        public void TanhBackward() => Activations.TanhBackward<float>(_y, _dy, _dx, accumulate: false);

        [Benchmark]
        public void LeakyRelu() => Activations.LeakyRelu<float>(_x, _y, 0.01f);

        [Benchmark]
        public void Elu() => Activations.Elu<float>(_x, _y, 1f);
    }
}
