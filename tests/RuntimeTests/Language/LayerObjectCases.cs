using System;

namespace SymGrad.RuntimeTests.Language
{
    // Layer objects: [Differentiable] instance methods whose real fields are parameters. The generated backward is an
    // instance method too; each field's gradient accumulates into the field d + its name. Gradient-checked in LayerObjectTests.

    /// <summary>The seeds' dense layer as an object: y = W·x + b, W row-major (Out × In).</summary>
    public partial class DenseLayer
    {
        public double[] W;
        public double[] B;
        public int In, Out;

        public DenseLayer(int inputs, int outputs, Random rng)
        {
            (In, Out) = (inputs, outputs);
            W = new double[inputs * outputs];
            B = new double[outputs];
            for (int i = 0; i < W.Length; i++) W[i] = (rng.NextDouble() - 0.5) / Math.Sqrt(inputs);
            for (int i = 0; i < B.Length; i++) B[i] = (rng.NextDouble() - 0.5) * 0.1;
        }

        [Differentiable]
        public void Forward(ReadOnlySpan<double> x, Span<double> y)
        {
            for (int o = 0; o < Out; o++)
            {
                double s = B[o];
                for (int i = 0; i < In; i++)
                {
                    s += this.W[(o * In) + i] * x[i];
                }

                y[o] = s;
            }
        }
    }

    /// <summary>The seeds' sigmoid layer: no parameters, an instance method all the same (a network's layers look alike).</summary>
    public partial class SigmoidLayer
    {
        [Differentiable]
        public void Forward(ReadOnlySpan<double> x, Span<double> y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = 1 / (1 + Math.Exp(-x[i]));
            }
        }
    }

    /// <summary>Scalar fields: a learnable gain, and a [NoDerivative] temperature that is a constant.</summary>
    public partial class SoftClip
    {
        public double Gain = 1.5;

        [NoDerivative]
        public double Temperature = 2;

        [Differentiable]
        public double Loss(ReadOnlySpan<double> x)
        {
            double sum = 0;
            foreach (double v in x)
            {
                sum += Gain * Math.Tanh(v / Temperature);
            }

            return sum * sum;
        }
    }

    /// <summary>A float layer whose two methods read the same field: one gradient field for both.</summary>
    public partial class FloatScale
    {
        public float[] W = { 0.5f, -1, 2 };

        [Differentiable]
        public void Forward(ReadOnlySpan<float> x, Span<float> y)
        {
            for (int i = 0; i < W.Length; i++)
            {
                y[i] = W[i] * x[i];
            }
        }

        [Differentiable]
        public float Penalty() => (W[0] * W[0]) + (W[1] * W[1]) + (W[2] * W[2]);
    }

    /// <summary>A struct layer declares its gradient fields itself (a partial struct's fields live in one declaration).</summary>
    public partial struct Affine
    {
        public double Scale, Shift;
        public double dScale, dShift;

        [Differentiable]
        public double Apply(double x) => (Scale * x) + Shift;
    }
}

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// What the random-program tester found refused in layer objects (each once an error): a negated element of an array
    /// field (taken for a write), an output read bounded by an int field or by this.x.Length (not seen as sizes), an int[]
    /// field (not readable).
    /// </summary>
    public partial class FieldRegressions
    {
        public double[] W = { 0.5, -1.5 };
        public int Count = 2;
        public int[] Labels = { 1, 0 };

        [Differentiable]
        public double Negated() => -W[0] * W[1];

        [Differentiable]
        public double SizedByAField(Span<double> y, double a)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = a * W[i % 2];
            }

            double s = 0.0;
            for (int t = 0; t < Count; t++)
            {
                s += y[t];
            }

            y[0] = s;
            return s;
        }

        [Differentiable]
        public void ThisLength(Span<double> y)
        {
            for (int i = 0; i < this.W.Length; i++)
            {
                y[i] = W[i] * W[i];
            }

            y[0] = y[0] * 2.0;
        }

        [Differentiable]
        public double Labelled(ReadOnlySpan<double> logits) => Nn.SoftmaxCrossEntropy(logits, Labels, 2, 2) + (Labels[0] == 1 ? W[0] : 0);
    }
}

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>A struct of reals of this file's own (the snapshot test compiles each cases file alone).</summary>
    public struct Triple
    {
        public double X, Y, Z;

        public Triple(double x, double y, double z)
        {
            X = x;
            Y = y;
            Z = z;
        }
    }

    /// <summary>Layer objects with the other constructs: struct parameters and results, out and tuple results, generic math.</summary>
    public partial class MixedLayer
    {
        public double[] W = { 0.5, -2 };
        public double Bias = 0.25;
        public int Scale = 3;

        [NoDerivative]
        public Triple Offset = new(1, 2, 3);

        [Differentiable]
        public double Apply(Triple p, out double side)
        {
            side = p.Y * W[1];
            return (p.X * W[0]) + Bias + Offset.Z;
        }

        [Differentiable]
        public (double A, double B) Pair(double x) => (x * Bias, x * W[0]);

        [Differentiable]
        public Triple Move(Triple p) => new Triple { X = p.X + Bias, Y = p.Y * W[1], Z = p.Z };

        [Differentiable]
        public T Cube<T>(T x)
            where T : System.Numerics.IFloatingPointIeee754<T> => x * x * x * T.CreateChecked(Scale);
    }
}
