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

    /// <summary>A layer's methods with several results (a tuple, an out parameter), read by another of its methods.</summary>
    public partial class PolarLayer
    {
        public double Gain = 1.5;

        [Differentiable]
        public (double R, double Theta) Polar(double x, double y) => (Gain * Math.Sqrt((x * x) + (y * y)), Math.Atan2(y, x));

        [Differentiable]
        public double Split(double x, out double half)
        {
            half = Gain * x / 2;
            return Gain * x * x;
        }

        /// <summary>f = G·r·θ + (G x²)(G x / 2), r = √(x² + y²).</summary>
        [Differentiable]
        public double Area(double x, double y)
        {
            var (r, theta) = Polar(x, y);
            double q = this.Split(x, out double h);
            return (r * theta) + (q * h);
        }
    }

    /// <summary>A held layer's method with several results, read by element of a tuple local and by member.</summary>
    public partial class PolarHolder
    {
        public PolarLayer Inner = new();
        public double Bias = 0.2;

        [Differentiable]
        public double Energy(double x, double y)
        {
            var p = Inner.Polar(x, y);
            return (p.R * p.Theta) + (Bias * this.Inner.Polar(y, x).R);
        }
    }
}
