using System;
using BenchmarkDotNet.Attributes;

namespace SymGrad.Benchmarks
{
    /// <summary>
    /// A 10⁵-step spring rollout: its untaped forward (the baseline), its gradient taped, and checkpointed with the
    /// automatic budget and with more snapshots. Peak memory at 10⁷ steps is measured by samples/Checkpointing (one
    /// process per mode); this measures speed and the bytes a call allocates (none, in steady state).
    /// </summary>
    [MemoryDiagnoser]
    [MedianColumn]
    public class CheckpointBenchmarks
    {
        private const int Steps = 100_000;

        [Benchmark(Baseline = true)]
        public double Forward() => Rollouts.Taped(1.0, 0.0, 4.0, Steps);

        [Benchmark]
        public double TapedGradient()
        {
            double dx0 = 0, dv0 = 0, dk = 0;
            return Rollouts.TapedGradient(1.0, 0.0, 4.0, Steps, ref dx0, ref dv0, ref dk) + dk;
        }

        [Benchmark]
        public double CheckpointedGradient()
        {
            double dx0 = 0, dv0 = 0, dk = 0;
            return Rollouts.CheckpointedGradient(1.0, 0.0, 4.0, Steps, ref dx0, ref dv0, ref dk) + dk;
        }

        [Benchmark]
        public double CheckpointedGradient500Snapshots()
        {
            double dx0 = 0, dv0 = 0, dk = 0;
            return Rollouts.Checkpointed500Gradient(1.0, 0.0, 4.0, Steps, ref dx0, ref dv0, ref dk) + dk;
        }
    }

    /// <summary>The rollout of samples/Checkpointing, taped and checkpointed.</summary>
    public static partial class Rollouts
    {
        [Differentiable]
        public static double Taped(double x0, double v0, double k, [NoDerivative] int steps)
        {
            double x = x0, v = v0;
            for (int i = 0; i < steps; i++)
            {
                double a = (-k * x - 0.1 * v * Math.Abs(v)) / 2;
                v = v + 0.001 * a;
                x = x + 0.001 * v;
            }

            return x;
        }

        [Differentiable(CheckpointLoops = true)]
        public static double Checkpointed(double x0, double v0, double k, [NoDerivative] int steps)
        {
            double x = x0, v = v0;
            for (int i = 0; i < steps; i++)
            {
                double a = (-k * x - 0.1 * v * Math.Abs(v)) / 2;
                v = v + 0.001 * a;
                x = x + 0.001 * v;
            }

            return x;
        }

        [Differentiable(CheckpointLoops = true, Snapshots = 500)]
        public static double Checkpointed500(double x0, double v0, double k, [NoDerivative] int steps)
        {
            double x = x0, v = v0;
            for (int i = 0; i < steps; i++)
            {
                double a = (-k * x - 0.1 * v * Math.Abs(v)) / 2;
                v = v + 0.001 * a;
                x = x + 0.001 * v;
            }

            return x;
        }
    }
}
