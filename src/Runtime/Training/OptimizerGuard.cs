using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace SymGrad
{
    /// <summary>Argument checks shared by the optimizers: hyper-parameters at construction, spans at each step.</summary>
    internal static class OptimizerGuard
    {
        public static void Count(int parameterCount, string name)
        {
            if (parameterCount < 0)
            {
                throw new ArgumentOutOfRangeException(name, parameterCount, $"{name} must be ≥ 0; got {parameterCount}.");
            }
        }

        /// <summary>Finite and ≥ 0 (learning rate, weight decay).</summary>
        public static T NonNegative<T>(double value, string name)
            where T : IFloatingPointIeee754<T>
        {
            if (!double.IsFinite(value) || value < 0)
            {
                throw new ArgumentException($"{name} must be a finite number ≥ 0; got {Describe(value)}.", name);
            }

            return Convert<T>(value, name);
        }

        /// <summary>Finite and &gt; 0 (Adam's epsilon).</summary>
        public static T Positive<T>(double value, string name)
            where T : IFloatingPointIeee754<T>
        {
            if (!double.IsFinite(value) || value <= 0)
            {
                throw new ArgumentException($"{name} must be a finite number > 0; got {Describe(value)}.", name);
            }

            T converted = Convert<T>(value, name);
            if (converted == T.Zero)
            {
                throw new ArgumentException($"{name} = {value} rounds to 0 in {typeof(T).Name}; use a larger value.", name);
            }

            return converted;
        }

        /// <summary>In [0, 1) (momentum, Adam's betas).</summary>
        public static T UnitInterval<T>(double value, string name)
            where T : IFloatingPointIeee754<T>
        {
            if (!(value >= 0 && value < 1))
            {
                throw new ArgumentException($"{name} must be in [0, 1); got {Describe(value)}.", name);
            }

            return Convert<T>(value, name);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Spans<T>(Span<T> parameters, ReadOnlySpan<T> gradients, int parameterCount)
        {
            if (parameters.Length != parameterCount)
            {
                ThrowLength("parameters", parameters.Length, parameterCount);
            }

            if (gradients.Length != parameterCount)
            {
                ThrowLength("gradients", gradients.Length, parameterCount);
            }

            if (parameters.Overlaps(gradients))
            {
                ThrowOverlap();
            }
        }

        private static T Convert<T>(double value, string name)
            where T : IFloatingPointIeee754<T>
        {
            T converted = T.CreateChecked(value);
            if (!T.IsFinite(converted))
            {
                throw new ArgumentException($"{name} = {value} overflows {typeof(T).Name}.", name);
            }

            return converted;
        }

        private static string Describe(double value) => double.IsNaN(value) ? "NaN" : value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowLength(string name, int length, int expected) => throw new ArgumentException(
            $"{name} has {length} elements but the optimizer was constructed for {expected}; they must match.", name);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowOverlap() => throw new ArgumentException(
            "parameters overlaps gradients: the step would overwrite gradients it still reads. Pass separate buffers.", "parameters");
    }
}
