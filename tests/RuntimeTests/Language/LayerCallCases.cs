using System;

namespace SymGrad.RuntimeTests.Language
{
    // A layer object's differentiable methods calling each other (README "Layer objects"): each call is read as one of the
    // callee's twin with the layer's fields as parameters (ScoreWithFields, in the callee's .WithFields.g.cs), so the
    // fields the callee reads are inputs of every mode of the caller. Checked in LayerCallTests.

    /// <summary>An attention-style scorer: a score of its own, read twice by a loss (as Score(x) and this.Score(x)).</summary>
    public partial class ScoredLayer
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

        /// <summary>Reads no field itself: W, Bias and Width come in through Score.</summary>
        [Differentiable]
        public double Loss(ReadOnlySpan<double> x, double target)
        {
            double s = Score(x);
            double t = this.Score(x) * target;
            return (s * s) + t;
        }

        /// <summary>Reads W itself and through Score: its gradient accumulates from both.</summary>
        [Differentiable]
        public double Regularised(ReadOnlySpan<double> x)
        {
            double r = 0;
            for (int i = 0; i < Width; i++)
            {
                r += W[i] * W[i];
            }

            return Score(x) + (0.01 * r);
        }
    }

    /// <summary>
    /// A float layer: Scale writes an output, Energy reads it back and adds its Penalty, which reads a field of its own
    /// (Decay) and a [NoDerivative] one (Floor): calls two deep, outputs and a loss over them.
    /// </summary>
    public partial class GatedLayer
    {
        public float[] Gain = { 1.5f, -0.5f, 0.75f };
        public float Decay = 0.2f;

        [NoDerivative]
        public float Floor = 0.05f;

        [Differentiable]
        public void Scale(ReadOnlySpan<float> x, Span<float> y)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = Gain[i] * MathF.Sin(x[i]);
            }
        }

        [Differentiable]
        public float Penalty(float s) => (Decay * s * s) + Floor;

        [Differentiable]
        public float Energy(ReadOnlySpan<float> x, Span<float> y)
        {
            Scale(x, y);
            float e = 0;
            for (int i = 0; i < y.Length; i++)
            {
                e += Penalty(y[i]);
            }

            return e;
        }
    }

    /// <summary>A struct layer (it declares its gradient fields itself) whose method calls another of its own, an argument named, one left out.</summary>
    public partial struct QuadraticCell
    {
        public double A, B;
        public double dA, dB;

        [Differentiable]
        public double Cell(double x, double scale = 1) => scale * ((A * x * x) + (B * x));

        /// <summary>The inner call leaves scale out, the outer names it first.</summary>
        [Differentiable]
        public double Twice(double x) => Cell(scale: 1.5, x: Cell(x));
    }
}
