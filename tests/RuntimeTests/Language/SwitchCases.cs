using System;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>The activations a layer can be built with: a switch on it picks one.</summary>
    public enum Activation
    {
        Relu,
        Tanh,
        Identity,
        Square,
    }

    /// <summary>
    /// <c>switch</c> statements and expressions (lowered to if/else chains and ?:): constant, relational, and/or/not and
    /// discard patterns on enums, integers and reals, with when clauses. Gradient-checked in SwitchTests.
    /// </summary>
    public static partial class SwitchCases
    {
        /// <summary>A switch statement on an enum: a section with two labels, a when clause, and a default in the middle.</summary>
        [Differentiable]
        public static double Activate(double x, Activation act)
        {
            double y;
            switch (act)
            {
                case Activation.Relu:
                    y = Math.Max(0, x);
                    break;
                default:
                    y = x;
                    break;
                case Activation.Tanh:
                    y = Math.Tanh(x);
                    break;
                case Activation.Square or Activation.Identity when x > 3:
                    y = x * x;
                    break;
            }

            return y;
        }

        /// <summary>The Huber loss as a switch expression on |r|: relational patterns on a real.</summary>
        [Differentiable]
        public static double Huber(double r, double delta) => Math.Abs(r) switch
        {
            <= 1.0 => 0.5 * r * r,
            _ => delta * (Math.Abs(r) - (0.5 * delta)),
        };

        /// <summary>A switch expression inside an expression (a ?: chain), with and/not patterns, in float.</summary>
        [Differentiable]
        public static float Piecewise(float x, float w) => w * (x switch
        {
            < -1 => -1,
            >= -1 and < 1 => x * x * x,
            not > 2 => 3 * x - 2,
            _ => MathF.Sqrt(x) + 4 - MathF.Sqrt(2),
        }) + 1;

        /// <summary>A switch on an integer in a loop: a continue in the default section, a return in another.</summary>
        [Differentiable]
        public static double EveryThird(ReadOnlySpan<double> x, int limit)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                switch (i % 3)
                {
                    case 0:
                        s += x[i];
                        break;
                    case 1 when i < limit:
                        s += x[i] * x[i];
                        break;
                    case 1:
                        return s * x[i];
                    default:
                        continue;
                }

                s *= 0.5;
            }

            return s;
        }

        /// <summary>A switch expression assigned to a declared local and to an output element.</summary>
        [Differentiable]
        public static void Banded(ReadOnlySpan<double> x, Span<double> y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                double scale = i switch
                {
                    0 => 2,
                    1 or 2 => x[i],
                    _ => Math.Exp(-x[i]),
                };
                y[i] = (i & 1) switch
                {
                    0 => scale * x[i],
                    _ => scale + x[i],
                };
            }
        }

        /// <summary>Sections written as blocks, each ending with its break inside the braces.</summary>
        [Differentiable]
        public static double Braced(double x, int n)
        {
            double s = x;
            switch (n)
            {
                case 0:
                {
                    double t = x * x;
                    s += t;
                    break;
                }

                default:
                {
                    s *= 3;
                    break;
                }
            }

            return s;
        }
    }
}
