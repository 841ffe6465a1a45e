using System;
using System.CommandLine;
using System.Diagnostics;
using System.Linq;
using SymGrad;
using SymGrad.Samples;
using SymGrad.Samples.Layers;

// The backprop lecture's two-layer network again (N=64, D_in=1000, H=100, D_out=10, sigmoid, squared error), built
// from layer objects as in Caffe: a class per layer holding its weights, Forward written by hand, the backward
// generated as an instance method that accumulates into the layer's gradient fields; trained with Adam.
var stepsOption = SampleCommandLine.Int("--steps", "Adam steps.", 500, min: 1);
var root = new RootCommand("Train a network of layer objects whose backward passes SymGrad derives.") { stepsOption };
root.SetAction(parsed => Train(parsed.GetValue(stepsOption)));
return SampleCommandLine.Run(root, args);

static int Train(int steps)
{
    const int N = 64, DIn = 1000, H = 100, DOut = 10;
    const double LearningRate = 1e-3;

    var random = new SeededRandom(0);
    float[] x = new float[N * DIn], y = new float[N * DOut];
    Init.Normal<float>(x, 0, 1, random);
    Init.Normal<float>(y, 0, 1, random);
    var network = new Network(N, DIn, H, DOut, LearningRate, random);

    Console.WriteLine($"Layer objects: Dense {DIn}→{H}, Sigmoid, Dense {H}→{DOut}, SquaredError; batch {N}, Adam lr {LearningRate}, {steps} steps");
    var watch = new Stopwatch();
    var window = new double[100];
    for (int step = 0; step < steps; step++)
    {
        watch.Restart();
        float loss = network.Step(x, y);
        window[step % window.Length] = watch.Elapsed.TotalMilliseconds;
        if (step % 100 == 0 || step == steps - 1)
        {
            int count = Math.Min(step + 1, window.Length);
            double median = window.Take(count).Order().ElementAt(count / 2);
            Console.WriteLine($"step {step,4}  loss {loss,12:F4}  {median,7:F3} ms/step (median of the last {count})");
        }
    }

    Console.WriteLine($"final loss {network.Loss(x, y):F4}");
    return 0;
}
