using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace SymGrad
{
    /// <summary>
    /// The checks every <see cref="Nn"/> primitive runs before it writes anything, and its scratch helper.
    /// Sizes that are not positive throw <see cref="ArgumentOutOfRangeException"/>; spans of the wrong length and
    /// written spans that overlap a span the call reads throw <see cref="ArgumentException"/>; each names the parameter.
    /// </summary>
    internal static class NnGuard
    {
        /// <summary>Throws unless <paramref name="value"/> ≥ 1.</summary>
        internal static void Positive(int value, string name) => KernelGuard.Positive(value, name);

        /// <summary>Throws unless a span has exactly <paramref name="expected"/> elements.</summary>
        internal static void Length(int actual, long expected, string name, string shape) => KernelGuard.Length(actual, expected, name, shape);

        /// <summary>A gradient span is either empty (its input is a constant: skip it) or exactly the size of its input.</summary>
        internal static void Gradient(int actual, long expected, string name, string shape)
        {
            if (actual != 0 && actual != expected)
            {
                // The message is formatted only when the check fails, so a passing call allocates nothing.
                KernelGuard.Length(actual, expected, name, shape + " or empty");
            }
        }

        /// <summary>Throws if <paramref name="written"/> shares any element with <paramref name="read"/>.</summary>
        internal static void Disjoint<T>(ReadOnlySpan<T> written, string writtenName, ReadOnlySpan<T> read, string readName)
            => KernelGuard.NoOverlap(read, written, readName, writtenName);

        /// <summary>Throws if <paramref name="written"/> shares any element with any of three spans it is written after or while they are read.</summary>
        internal static void Disjoint<T>(ReadOnlySpan<T> written, string writtenName, ReadOnlySpan<T> a, string aName, ReadOnlySpan<T> b, string bName, ReadOnlySpan<T> c, string cName)
        {
            Disjoint(written, writtenName, a, aName);
            Disjoint(written, writtenName, b, bName);
            Disjoint(written, writtenName, c, cName);
        }

        /// <summary>A product of two sizes as the element count it describes.</summary>
        internal static long Size(int a, int b) => (long)a * b;

        /// <summary>A zeroed scratch span from the calling thread's workspace, valid until the caller's mark is released.</summary>
        internal static Span<T> Rent<T>(Workspace workspace, int length)
            where T : unmanaged, IFloatingPointIeee754<T>
            => typeof(T) == typeof(float)
                ? MemoryMarshal.Cast<float, T>(workspace.RentFloats(length))
                : MemoryMarshal.Cast<double, T>(workspace.RentDoubles(length));
    }
}
