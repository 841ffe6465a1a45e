using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace SymGrad.Benchmarks
{
    /// <summary>
    /// Generated backward vs the same backward written by hand (the baseline of each category), and each layer's
    /// forward for the backward/forward cost ratio. Sizes are the workloads of shared/baselines (A, B, C, D).
    /// </summary>
    [MemoryDiagnoser]
    [MedianColumn]
    [GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
    [CategoriesColumn]
    public class LayerBenchmarks
    {
        // Dense: the first layer of workload A, 64×1000 → 100.
        private const int N = 64, In = 1000, Out = 100;

        // Mean subtraction: workload D, 256×4096.
        private const int Rows = 256, D = 4096;

        // Softmax-CE: the head of workload B, 256 × 10 classes.
        private const int Batch = 256, Classes = 10;

        // Conv: one image of workload C, 3×32×32 → 16 filters 5×5.
        private const int C = 3, H = 32, W = 32, F = 16, K = 5;

        private float[] _x = null!, _w = null!, _b = null!, _y = null!, _dy = null!, _dx = null!, _dw = null!, _db = null!;
        private float[] _m = null!, _h = null!, _dh = null!, _dm = null!;
        private float[] _s = null!, _ds = null!;
        private int[] _labels = null!;
        private float[] _img = null!, _k = null!, _kb = null!, _conv = null!, _dconv = null!, _dimg = null!, _dk = null!, _dkb = null!;

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

            (_x, _w, _b, _y, _dy) = (R(N * In), R(In * Out), R(Out), new float[N * Out], R(N * Out));
            (_dx, _dw, _db) = (new float[N * In], new float[In * Out], new float[Out]);
            Layers.Dense(_x, _w, _b, _y, N, In, Out);
            (_m, _h, _dh, _dm) = (R(Rows * D), new float[Rows * D], R(Rows * D), new float[Rows * D]);
            Layers.MeanSubtract(_m, _h, Rows, D);
            (_s, _ds, _labels) = (R(Batch * Classes), new float[Batch * Classes], new int[Batch]);
            for (int i = 0; i < Batch; i++) _labels[i] = random.Next(Classes);
            int outH = H - K + 1, outW = W - K + 1;
            (_img, _k, _kb, _conv, _dconv) = (R(C * H * W), R(F * C * K * K), R(F), new float[F * outH * outW], R(F * outH * outW));
            (_dimg, _dk, _dkb) = (new float[C * H * W], new float[F * C * K * K], new float[F]);
            Layers.Conv2D(_img, _k, _kb, _conv, C, H, W, F, K);
        }

        [BenchmarkCategory("Dense"), Benchmark]
        public void DenseForward() => Layers.Dense(_x, _w, _b, _y, N, In, Out);

        [BenchmarkCategory("Dense"), Benchmark(Baseline = true)]
        public void DenseBackwardByHand() => HandWritten.DenseBackward(_x, _w, _dy, _dx, _dw, _db, N, In, Out);

        [BenchmarkCategory("Dense"), Benchmark]
        public void DenseBackwardGenerated() => Layers.DenseBackward(_x, _w, _b, _y, N, In, Out, _dy, _dx, _dw, _db);

        [BenchmarkCategory("MeanSubtract"), Benchmark]
        public void MeanSubtractForward() => Layers.MeanSubtract(_m, _h, Rows, D);

        [BenchmarkCategory("MeanSubtract"), Benchmark(Baseline = true)]
        public void MeanSubtractBackwardByHand() => HandWritten.MeanSubtractBackward(_dh, _dm, Rows, D);

        [BenchmarkCategory("MeanSubtract"), Benchmark]
        public void MeanSubtractBackwardGenerated() => Layers.MeanSubtractBackward(_m, _h, Rows, D, _dh, _dm);

        [BenchmarkCategory("SoftmaxCE"), Benchmark]
        public float SoftmaxCEForward() => Layers.SoftmaxCrossEntropy(_s, _labels, Batch, Classes);

        [BenchmarkCategory("SoftmaxCE"), Benchmark(Baseline = true)]
        public void SoftmaxCEBackwardByHand() => HandWritten.SoftmaxCrossEntropyBackward(_s, _labels, _ds, Batch, Classes);

        [BenchmarkCategory("SoftmaxCE"), Benchmark]
        public void SoftmaxCEBackwardGenerated() => Layers.SoftmaxCrossEntropyBackward(_s, _labels, Batch, Classes, 1f, _ds);

        [BenchmarkCategory("Conv"), Benchmark]
        public void ConvForward() => Layers.Conv2D(_img, _k, _kb, _conv, C, H, W, F, K);

        [BenchmarkCategory("Conv"), Benchmark(Baseline = true)]
        public void ConvBackwardByHand() => HandWritten.Conv2DBackward(_img, _k, _dconv, _dimg, _dk, _dkb, C, H, W, F, K);

        [BenchmarkCategory("Conv"), Benchmark]
        public void ConvBackwardGenerated() => Layers.Conv2DBackward(_img, _k, _kb, _conv, C, H, W, F, K, _dconv, _dimg, _dk, _dkb);
    }
}
