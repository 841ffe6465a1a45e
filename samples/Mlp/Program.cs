using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Numerics.Tensors;
using System.Reflection;
using SymGrad.Samples;
using SymGrad.Samples.Mlp;

// The 20-line NumPy network of the backprop lecture, in C#: N=64, D_in=1000, H=100, D_out=10, sigmoid hidden
// layer, squared-error loss, plain SGD with lr 1e-4 for 2000 steps. Only the forward pass is written by hand.
var stepsOption = SampleCommandLine.Int("--steps", "SGD steps.", 2000, min: 1);
var root = new RootCommand("Train the backprop lecture's two-layer network, whose backward pass SymGrad derives.") { stepsOption };
root.SetAction(parsed => Train(parsed.GetValue(stepsOption)));
return SampleCommandLine.Run(root, args);

static int Train(int steps)
{
    const int N = 64, DIn = 1000, H = 100, DOut = 10;
    const float LearningRate = 1e-4f;

    var random = new Random(0);
    float[] x = Normal(random, N * DIn), y = Normal(random, N * DOut);
    float[] w1 = Normal(random, DIn * H), w2 = Normal(random, H * DOut);
    float[] dw1 = new float[w1.Length], dw2 = new float[w2.Length], h = new float[N * H];

    Console.WriteLine($"Two-layer network {N}×{DIn} → {H} (sigmoid) → {DOut}, squared error, SGD lr {LearningRate}, {steps} steps");
    var watch = new Stopwatch();
    var window = new double[100];
    for (int step = 0; step < steps; step++)
    {
        watch.Restart();
        Array.Clear(dw1);
        Array.Clear(dw2);
        float loss = TwoLayerNet.LossGradient(x, w1, w2, y, h, N, DIn, H, DOut, dw1, dw2);
        TensorPrimitives.MultiplyAdd(dw1, -LearningRate, w1, w1); // w1 −= lr · ∂L/∂w1
        TensorPrimitives.MultiplyAdd(dw2, -LearningRate, w2, w2);
        window[step % window.Length] = watch.Elapsed.TotalMilliseconds;
        if (step % 100 == 0 || step == steps - 1)
        {
            Console.WriteLine($"step {step,4}  loss {loss,12:F4}  {Median(window, Math.Min(step + 1, window.Length)),7:F3} ms/step (median of the last {Math.Min(step + 1, window.Length)})");
        }
    }

    string generated = typeof(TwoLayerNet).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "GeneratedFilesDirectory")?.Value ?? "obj/<configuration>/net10.0/generated";
    string file = Directory.Exists(generated)
        ? Directory.EnumerateFiles(generated, "*.Loss.g.cs", SearchOption.AllDirectories).FirstOrDefault() ?? generated
        : generated;
    Console.WriteLine($"The backward pass SymGrad derived (TwoLayerNet.LossBackward / LossGradient) is in:\n  {Path.GetFullPath(file)}");
    return 0;
}

static float[] Normal(Random random, int count)
{
    // Box–Muller: pairs of uniforms to pairs of standard normals.
    var values = new float[count];
    for (int i = 0; i < count; i += 2)
    {
        double radius = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())), angle = 2 * Math.PI * random.NextDouble();
        values[i] = (float)(radius * Math.Cos(angle));
        if (i + 1 < count)
        {
            values[i + 1] = (float)(radius * Math.Sin(angle));
        }
    }

    return values;
}

static double Median(double[] values, int count)
{
    double[] sorted = values.Take(count).Order().ToArray();
    return sorted[sorted.Length / 2];
}
