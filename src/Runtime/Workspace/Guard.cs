using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SymGrad
{
    /// <summary>
    /// Argument checks the generated backward passes run before they write anything: a gradient or cotangent span
    /// has the length of its primal, and a span being written overlaps nothing the pass still reads.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class Guard
    {
        /// <summary>
        /// A layer object's gradient array for <paramref name="parameter"/>: <paramref name="gradient"/> itself when it has the
        /// parameter's length, otherwise a new zeroed array that has (the first call, or after the parameter was resized).
        /// </summary>
        public static T[] GradientOf<T>(T[]? gradient, T[]? parameter)
        {
            int length = parameter?.Length ?? 0;
            return gradient is not null && gradient.Length == length ? gradient : length == 0 ? Array.Empty<T>() : new T[length];
        }

        /// <summary>Throws unless <paramref name="span"/> has the length of <paramref name="primal"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void SameLength<T>(ReadOnlySpan<T> span, string spanName, ReadOnlySpan<T> primal, string primalName)
        {
            if (span.Length != primal.Length)
            {
                ThrowLength(spanName, span.Length, primalName, primal.Length);
            }
        }

        /// <summary>Throws unless the cotangent <paramref name="span"/> is empty (zeros) or has the length of <paramref name="primal"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void CotangentLength<T>(ReadOnlySpan<T> span, string spanName, ReadOnlySpan<T> primal, string primalName)
        {
            if (!span.IsEmpty && span.Length != primal.Length)
            {
                ThrowLength(spanName, span.Length, primalName, primal.Length, orEmpty: true);
            }
        }

        /// <summary>Throws unless <paramref name="jacobian"/> holds exactly <paramref name="rows"/> × <paramref name="columns"/> elements.</summary>
        public static void JacobianLength<T>(ReadOnlySpan<T> jacobian, string jacobianName, int rows, int columns)
        {
            if (jacobian.Length != (long)rows * columns)
            {
                throw new ArgumentException(
                    $"{jacobianName} has length {jacobian.Length} but the Jacobian has {rows} rows (results) × {columns} columns (inputs) = {(long)rows * columns} elements.", jacobianName);
            }
        }

        /// <summary>Throws unless the gradient <paramref name="span"/> is empty (not needed) or has the length of <paramref name="primal"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void GradientLength<T>(ReadOnlySpan<T> span, string spanName, ReadOnlySpan<T> primal, string primalName)
        {
            if (!span.IsEmpty && span.Length != primal.Length)
            {
                ThrowLength(spanName, span.Length, primalName, primal.Length, orEmpty: true, gradient: true);
            }
        }

        /// <summary>Throws if <paramref name="written"/> shares memory with <paramref name="read"/> (the discard buffer of unwanted gradients excepted).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Disjoint<T>(ReadOnlySpan<T> written, string writtenName, ReadOnlySpan<T> read, string readName)
        {
            // The test MemoryExtensions.Overlaps makes, written out (half its cost: a small function's tangent makes a dozen
            // of these, GradBench's reprojection error 12 for 50 ns of work): [w, w + |w|) and [r, r + |r|) overlap when
            // r − w < |w| bytes, or w − r < |r| bytes, as unsigned offsets, neither empty.
            nint offset = Unsafe.ByteOffset(ref MemoryMarshal.GetReference(written), ref MemoryMarshal.GetReference(read));
            if (((nuint)offset < (nuint)((nint)written.Length * Unsafe.SizeOf<T>()) && read.Length > 0)
                || ((nuint)(-offset) < (nuint)((nint)read.Length * Unsafe.SizeOf<T>()) && written.Length > 0))
            {
                ThrowOverlapUnlessDiscarded(written, writtenName, readName);
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowOverlapUnlessDiscarded<T>(ReadOnlySpan<T> written, string writtenName, string readName)
        {
            if (!DiscardBuffer<T>.Holds(written))
            {
                ThrowOverlap(writtenName, readName);
            }
        }

        /// <summary>
        /// Throws unless a span of <paramref name="length"/> elements holds the <paramref name="required"/> the loops index.
        /// The size is a double: a product of loop bounds can pass the range of long (and would wrap to pass the check),
        /// while a double is exact far beyond any span's length.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Covers(int length, string spanName, double required, string access)
        {
            if (required > length)
            {
                ThrowCovers(spanName, length, required, access);
            }
        }

        /// <summary>
        /// Throws because, at these sizes, <paramref name="read"/> would read elements of the output <paramref name="spanName"/> the
        /// method has not written yet: the caller's contents, which the backward pass cannot know.
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void ThrowReadBeforeWritten(string spanName, string read) => throw new ArgumentException(
            $"At these sizes {read} reads elements of {spanName} the method has not written yet (the caller's contents), which the backward pass cannot know; "
            + $"write every element of {spanName} the method reads before reading it.", spanName);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowCovers(string spanName, int length, double required, string access) => throw new ArgumentException(
            string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{spanName} has {length} elements but the loops read {access} up to index {required - 1:0}; pass at least {required:0} elements."),
            spanName);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowLength(string spanName, int length, string primalName, int expected, bool orEmpty = false, bool gradient = false) => throw new ArgumentException(
            $"{spanName} has length {length} but {primalName} has length {expected}; they must match"
            + (!orEmpty ? "" : gradient ? $" (or pass an empty {spanName} when that gradient is not needed)" : $" (or pass an empty {spanName} for a zero cotangent)") + ".", spanName);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowOverlap(string writtenName, string readName) => throw new ArgumentException(
            $"{writtenName} overlaps {readName}: the backward pass would overwrite values it still reads. Pass separate buffers.", writtenName);
    }
}
