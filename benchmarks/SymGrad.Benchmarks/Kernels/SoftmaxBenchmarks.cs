using BenchmarkDotNet.Attributes;

namespace SymGrad.Benchmarks.Kernels
{
    /// <summary>Softmax, log-softmax, log-sum-exp and softmax cross-entropy at the head of workload B: 256 rows × 10 classes.</summary>
    [MemoryDiagnoser]
    public class SoftmaxBenchmarks
    {
        private const int Rows = 256, Classes = 10;
        private float[] _x = null!, _y = null!, _dy = null!, _dx = null!, _lse = null!, _p = null!;
        private int[] _labels = null!;

        [GlobalSetup]
        public void Setup()
        {
            (_x, _dy) = (KernelData.Uniform(Rows * Classes, 1), KernelData.Uniform(Rows * Classes, 2));
            (_y, _dx, _lse, _p) = (new float[Rows * Classes], new float[Rows * Classes], new float[Rows], new float[Rows * Classes]);
            _labels = new int[Rows];
            for (int i = 0; i < Rows; i++)
            {
                _labels[i] = (i * 7) % Classes;
            }

            Softmax.Forward<float>(_x, _y, Rows, Classes);
            Softmax.CrossEntropyForward<float>(_x, _labels, Rows, Classes, _p);
        }

        [Benchmark]
        public void SoftmaxForward() => Softmax.Forward<float>(_x, _y, Rows, Classes);

        [Benchmark]
        public void SoftmaxBackward() => Softmax.Backward<float>(_y, _dy, _dx, Rows, Classes, accumulate: false);

        [Benchmark]
        public void LogSoftmaxForward() => Softmax.LogForward<float>(_x, _y, Rows, Classes);

        [Benchmark]
        public void LogSumExp() => Softmax.LogSumExp<float>(_x, _lse, Rows, Classes);

        [Benchmark]
        public float CrossEntropyForward() => Softmax.CrossEntropyForward<float>(_x, _labels, Rows, Classes, _p);

        [Benchmark]
        public void CrossEntropyBackward() => Softmax.CrossEntropyBackward<float>(_p, _labels, _dx, Rows, Classes, 1f / Rows, accumulate: false);
    }
}
