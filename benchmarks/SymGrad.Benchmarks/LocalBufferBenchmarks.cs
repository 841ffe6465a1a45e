using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using SymGrad.RuntimeTests.Language;

namespace SymGrad.Benchmarks
{
    /// <summary>
    /// What a local buffer costs: GradBench's ode (n = 10, 200 RK4 steps) with its stages k1…k4 and t as buffers the caller
    /// passes (<c>GradBenchCases.Ode</c>) against the same solver keeping them as its own local buffers
    /// (<c>LocalBufferCases.Ode</c>: its generated methods lend them from the workspace) — the forward and the backward, and
    /// the tangent. The ratio is the buffers' cost: renting five spans per call, nothing allocated.
    /// </summary>
    [MemoryDiagnoser]
    [MedianColumn]
    public class LocalBufferBenchmarks
    {
        private const int N = 10, Steps = 200;
        private double[] _x = null!, _y = null!, _dy = null!, _dx = null!, _tx = null!, _ty = null!;
        private double[] _k1 = null!, _k2 = null!, _k3 = null!, _k4 = null!, _t = null!;

        [GlobalSetup]
        public void Setup()
        {
            var random = new Random(0);
            double[] R(int n) => Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
            (_x, _dy, _tx) = (R(N), R(N), R(N));
            (_y, _dx, _ty) = (new double[N], new double[N], new double[N]);
            (_k1, _k2, _k3, _k4, _t) = (new double[N], new double[N], new double[N], new double[N], new double[N]);
        }

        [Benchmark(Baseline = true)]
        public void StagesPassedBackward()
        {
            GradBenchCases.Ode(_x, Steps, _y, _k1, _k2, _k3, _k4, _t);
            GradBenchCases.OdeBackward(_x, Steps, _y, _k1, _k2, _k3, _k4, _t, _dy, default, default, default, default, default, _dx);
        }

        [Benchmark]
        public void StagesLocalBackward()
        {
            LocalBufferCases.Ode(_x, Steps, _y);
            LocalBufferCases.OdeBackward(_x, Steps, _y, _dy, _dx);
        }

        [Benchmark]
        public void StagesPassedTangent() => GradBenchCases.OdeTangent(_x, Steps, _y, _k1, _k2, _k3, _k4, _t, _tx, _ty, default, default, default, default, default);

        [Benchmark]
        public void StagesLocalTangent() => LocalBufferCases.OdeTangent(_x, Steps, _y, _tx, _ty);
    }
}
