using System;
using BenchmarkDotNet.Attributes;

namespace SymGrad.Benchmarks.Kernels
{
    /// <summary>
    /// The three GEMM forms as a dense layer (n, inputs) → (n, outputs) uses them: forward Y = X·W, input gradient
    /// dX = dY·Wᵀ, weight gradient dW = Xᵀ·dY. Shapes: the first layer of workload A (64×1000→100) and 1024³ (workload E).
    /// The public API splits products of at least Gemm.ParallelThreshold multiply-adds over two threads.
    /// </summary>
    [MemoryDiagnoser]
    [MedianColumn]
    public class GemmBenchmarks
    {
        private float[] _x = null!, _w = null!, _y = null!, _dy = null!, _dx = null!, _dw = null!;
        private int _n, _in, _out;

        /// <summary>n × inputs × outputs.</summary>
        [Params("64x1000x100", "1024x1024x1024")]
        public string Shape { get; set; } = "64x1000x100";

        [GlobalSetup]
        public void Setup()
        {
            int[] s = Array.ConvertAll(Shape.Split('x'), int.Parse);
            (_n, _in, _out) = (s[0], s[1], s[2]);
            (_x, _w, _dy) = (KernelData.Uniform(_n * _in, 1), KernelData.Uniform(_in * _out, 2), KernelData.Uniform(_n * _out, 3));
            (_y, _dx, _dw) = (new float[_n * _out], new float[_n * _in], new float[_in * _out]);
        }

        /// <summary>Y = X·W: (n, in)·(in, out).</summary>
        [Benchmark]
        public void ForwardAB() => Gemm.Multiply(_x, _w, _y, _n, _in, _out);

        /// <summary>dX = dY·Wᵀ: (n, out)·(in, out)ᵀ.</summary>
        [Benchmark]
        public void InputGradABt() => Gemm.MultiplyTransposeB(_dy, _w, _dx, _n, _out, _in);

        /// <summary>dW = Xᵀ·dY: (n, in)ᵀ·(n, out).</summary>
        [Benchmark]
        public void WeightGradAtB() => Gemm.MultiplyTransposeA(_x, _dy, _dw, _in, _n, _out);
    }
}
