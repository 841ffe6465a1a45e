using System;

namespace SymGrad.RuntimeTests.Language
{
    // Layers held in fields of a layer, PyTorch's module style (README "Layer objects"): Head.Score(x) in a method of the
    // holder is read as a call of Score's twin on Head (Head.ScoreWithFields), passed Head's fields under the names the
    // holder declares for them (HeadW, HeadBias: properties reading Head.W, Head.Bias, with dHeadW a ref to Head.dW). Checked
    // in HeldLayerTests.

    /// <summary>The held layer: a tanh unit.</summary>
    public partial class Unit
    {
        public double[] W = { 0.3, -0.2, 0.5, 0.1 };
        public double Bias = 0.1;
        public int Width = 4;

        [Differentiable]
        public double Score(ReadOnlySpan<double> x)
        {
            double s = Bias;
            for (int i = 0; i < Width; i++)
            {
                s += W[i] * x[i];
            }

            return Math.Tanh(s);
        }
    }

    /// <summary>Two units of one type and a field of its own: Head's and Tail's fields are inputs of Loss, apart.</summary>
    public partial class Classifier
    {
        public Unit Head = new();
        public Unit Tail = new() { W = new[] { -0.1, 0.4, 0.2, -0.3 }, Bias = -0.2 };
        public double Scale = 1.5;

        [Differentiable]
        public double Loss(ReadOnlySpan<double> x, double target)
        {
            double h = Head.Score(x);
            double d = (Scale * h * this.Tail.Score(x)) - target;
            return d * d;
        }
    }

    /// <summary>Two levels: a layer holding a Classifier, whose held units' fields are its inputs too (InnerHeadW…).</summary>
    public partial class Stack
    {
        public Classifier Inner = new();
        public double Weight = 0.8;

        [Differentiable]
        public double Objective(ReadOnlySpan<double> x, double target) => (Weight * Inner.Loss(x, target)) + (Weight * Weight);
    }

    /// <summary>A float layer writing an output, held twice by a network writing its hidden layer and its output.</summary>
    public partial class Gate
    {
        public float[] Gain = { 1.5f, -0.5f, 0.75f };

        [Differentiable]
        public void Forward(ReadOnlySpan<float> x, Span<float> y)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = Gain[i] * MathF.Tanh(x[i]);
            }
        }
    }

    public partial class TwoGates
    {
        public Gate First = new();
        public Gate Second = new() { Gain = new[] { 0.5f, 2f, -1f } };

        [Differentiable]
        public float Energy(ReadOnlySpan<float> x, Span<float> h, Span<float> y)
        {
            First.Forward(x, h);
            Second.Forward(h, y);
            float e = 0;
            for (int i = 0; i < y.Length; i++)
            {
                e += y[i] * y[i];
            }

            return e;
        }
    }
}
