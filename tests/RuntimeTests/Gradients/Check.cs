using System;
using System.Linq;
using Xunit;

namespace SymGrad.RuntimeTests.Gradients
{
    /// <summary>Helpers for gradient checks of generated backward passes.</summary>
    internal static class Check
    {
        /// <summary>The quality bar: relative error below 1e-6 in double.</summary>
        public const double Tolerance = 1e-6;

        public static readonly int[] Seeds = { 1, 2, 3 };

        /// <summary>Within the quality bar of <paramref name="expected"/> (relative, absolute near zero): a central difference against a product.</summary>
        public static void AssertClose(double expected, double actual)
            => Assert.True(Math.Abs(expected - actual) <= Tolerance * (1 + Math.Abs(expected)), $"expected {expected}, got {actual}");

        /// <summary>n class labels drawn uniformly from [0, classes).</summary>
        public static int[] Labels(Random rng, int n, int classes)
        {
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) labels[i] = rng.Next(classes);
            return labels;
        }

        public static double[] Random(Random rng, int length, double low = -1, double high = 1)
        {
            var values = new double[length];
            for (int i = 0; i < length; i++)
            {
                values[i] = low + ((high - low) * rng.NextDouble());
            }

            return values;
        }

        /// <summary>Runs <see cref="GradCheck"/> and fails with its per-parameter table.</summary>
        public static void Verify(Func<double> loss, params GradCheckParam[] parameters)
        {
            GradCheckReport report = GradCheck.Run(loss, parameters);
            Assert.True(report.Passes(Tolerance), report.ToString());
        }

        public static GradCheckParam Param(string name, double[] value, double[] analytic) => new(name, value, analytic);

        /// <summary>A scalar as a one-element parameter: the loss reads <c>value[0]</c>.</summary>
        public static GradCheckParam Scalar(string name, double[] value, double analytic) => new(name, value, new[] { analytic });

        /// <summary>
        /// The gradient against central differences of the value, the tangent along a random direction against the gradient
        /// along it, and H·v against central differences of the gradient along v.
        /// </summary>
        public static void AllModes(Random rng, double[] z, Func<double[], double> f, Func<double[], double[]> gradient,
            Func<double[], double[], double> tangent, Func<double[], double[], double[]> hessianVector)
        {
            const double H = 1e-5;
            double[] At(double[] at, double[] along, double h) => at.Select((x, i) => x + (h * along[i])).ToArray();
            double[] g = gradient(z);
            for (int i = 0; i < z.Length; i++)
            {
                double[] e = new double[z.Length];
                e[i] = 1;
                AssertClose((f(At(z, e, H)) - f(At(z, e, -H))) / (2 * H), g[i]);
            }

            double[] v = Random(rng, z.Length);
            double along = g.Select((x, i) => x * v[i]).Sum();
            Assert.Equal(along, tangent(z, v), 1e-10 * (1 + Math.Abs(along)));
            double[] hv = hessianVector(z, v), up = gradient(At(z, v, H)), down = gradient(At(z, v, -H));
            for (int i = 0; i < z.Length; i++)
            {
                AssertClose((up[i] - down[i]) / (2 * H), hv[i]);
            }
        }
    }
}
