using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/SymGrad.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(SymGrad.Benchmarks.LayerBenchmarks).Assembly).Run(args);
