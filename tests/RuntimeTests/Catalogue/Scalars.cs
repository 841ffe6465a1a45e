using System;

namespace SymGrad.RuntimeTests.Catalogue
{
    /// <summary>Catalogue 1–3: scalar functions of the backprop lecture.</summary>
    public static partial class Scalars
    {
        // 1. computational-graph toy
        [Differentiable]
        public static double Toy(double x, double y, double z) => (x + y) * z;

        // 2. multiply gate
        [Differentiable]
        public static double Multiply(double x, double y) => x * y;

        // 3. sigmoid neuron (SPEC example)
        [Differentiable]
        public static double Neuron(double w0, double x0, double w1, double x1, double w2)
            => 1.0 / (1.0 + Math.Exp(-(w0 * x0 + w1 * x1 + w2)));
    }
}
