using System;

namespace SymGrad
{
    /// <summary>
    /// Argument checks shared by the kernels. Every public kernel calls these before it writes anything, so a
    /// failed call leaves its destination untouched.
    /// </summary>
    internal static class KernelGuard
    {
        /// <summary>Throws unless <paramref name="value"/> ≥ 1.</summary>
        internal static void Positive(int value, string name)
        {
            if (value <= 0)
            {
                throw new ArgumentOutOfRangeException(name, value, $"'{name}' must be positive.");
            }
        }

        /// <summary>Throws unless <paramref name="value"/> ≥ 0.</summary>
        internal static void NonNegative(int value, string name)
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(name, value, $"'{name}' must not be negative.");
            }
        }

        /// <summary>
        /// Throws unless a span's length is exactly <paramref name="expected"/> (a product of sizes, so a long).
        /// <paramref name="shape"/> is a constant such as "(m, k)": nothing is formatted unless the check fails.
        /// </summary>
        internal static void Length(int actual, long expected, string name, string shape)
        {
            if (actual != expected)
            {
                throw new ArgumentException($"'{name}' has length {actual} but its shape {shape} needs {expected} elements.", name);
            }
        }

        /// <summary>Throws if <paramref name="output"/> shares any element with <paramref name="input"/>.</summary>
        internal static void NoOverlap<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> output, string inputName, string outputName)
        {
            if (input.Overlaps(output) && !DiscardBuffer<T>.Holds(output))
            {
                throw new ArgumentException($"'{outputName}' overlaps '{inputName}'; the kernel reads '{inputName}' while it writes '{outputName}'.", outputName);
            }
        }

        /// <summary>
        /// For element-wise kernels: the output may be the input itself (in place, as TensorPrimitives allows)
        /// but must not partially overlap it.
        /// </summary>
        internal static void SameOrDisjoint<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> output, string inputName, string outputName)
        {
            if (input.Overlaps(output, out int offset) && (offset != 0 || input.Length != output.Length) && !DiscardBuffer<T>.Holds(output))
            {
                throw new ArgumentException($"'{outputName}' partially overlaps '{inputName}'; pass the same span for in-place or disjoint spans.", outputName);
            }
        }
    }
}
