using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace SymGrad.Benchmarks
{
    /// <summary>
    /// The cost of the other modes against their baselines (issue 14's bars): a forward-mode tangent (MTangent) against
    /// the function itself (≤ 2×), and a Hessian-vector product (MHessianVector) against a gradient (MGradient, ≤ 4×).
    /// Same sizes as <see cref="LayerBenchmarks"/>.
    /// </summary>
    [MemoryDiagnoser]
    [MedianColumn]
    [GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
    [CategoriesColumn]
    public class ModeBenchmarks
    {
        private const int N = 64, In = 1000, Out = 100, Rows = 256, D = 4096, Batch = 256, Classes = 10;

        private float[] _x = null!, _w = null!, _b = null!, _y = null!, _tx = null!, _tw = null!, _tb = null!, _ty = null!;
        private float[] _m = null!, _h = null!, _tm = null!, _th = null!;
        private float[] _s = null!, _ds = null!, _v = null!, _hv = null!;
        private int[] _labels = null!;

        [GlobalSetup]
        public void Setup()
        {
            var random = new Random(0);
            float[] R(int n)
            {
                var a = new float[n];
                for (int i = 0; i < n; i++) a[i] = (float)(random.NextDouble() * 2 - 1);
                return a;
            }

            (_x, _w, _b, _y) = (R(N * In), R(In * Out), R(Out), new float[N * Out]);
            (_tx, _tw, _tb, _ty) = (R(N * In), R(In * Out), R(Out), new float[N * Out]);
            (_m, _h, _tm, _th) = (R(Rows * D), new float[Rows * D], R(Rows * D), new float[Rows * D]);
            (_s, _ds, _v, _hv, _labels) = (R(Batch * Classes), new float[Batch * Classes], R(Batch * Classes), new float[Batch * Classes], new int[Batch]);
            for (int i = 0; i < Batch; i++) _labels[i] = random.Next(Classes);
        }

        [BenchmarkCategory("DenseTangent"), Benchmark(Baseline = true)]
        public void DenseForward() => Layers.Dense(_x, _w, _b, _y, N, In, Out);

        [BenchmarkCategory("DenseTangent"), Benchmark]
        public void DenseTangent() => Layers.DenseTangent(_x, _w, _b, _y, N, In, Out, _tx, _tw, _tb, _ty);

        [BenchmarkCategory("MeanSubtractTangent"), Benchmark(Baseline = true)]
        public void MeanSubtractForward() => Layers.MeanSubtract(_m, _h, Rows, D);

        [BenchmarkCategory("MeanSubtractTangent"), Benchmark]
        public void MeanSubtractTangent() => Layers.MeanSubtractTangent(_m, _h, Rows, D, _tm, _th);

        [BenchmarkCategory("SoftmaxCEHessianVector"), Benchmark(Baseline = true)]
        public float SoftmaxCEGradient()
        {
            Array.Clear(_ds);
            return Layers.SoftmaxCrossEntropyGradient(_s, _labels, Batch, Classes, _ds);
        }

        [BenchmarkCategory("SoftmaxCEHessianVector"), Benchmark]
        public void SoftmaxCEHessianVector()
        {
            Array.Clear(_hv);
            Layers.SoftmaxCrossEntropyHessianVector(_s, _labels, Batch, Classes, _v, _hv);
        }
    }
}
