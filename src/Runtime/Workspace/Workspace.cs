using System;
using System.Collections.Generic;

namespace SymGrad
{
    /// <summary>
    /// Per-thread scratch memory for generated backward passes: tapes for values the reverse sweep needs back
    /// and zeroed buffers for the cotangents of intermediate arrays. Generated code takes a <see cref="Mark"/>
    /// on entry and releases it in a <c>finally</c>, so nested calls (a backward calling another backward)
    /// share one workspace stack-wise, and a steady-state call allocates nothing.
    /// <para>
    /// Memory is kept: a release returns the tapes and arenas to the mark's depth but keeps their arrays at the largest
    /// size any call needed, so the next call allocates nothing. A backward that taped a long loop once leaves that much
    /// reserved on its thread (<see cref="ReservedBytes"/>) until <see cref="Trim"/> or <see cref="ReleaseCurrent"/> gives
    /// it back (with the discard memory unwanted gradients went to and the zeros empty cotangents read); checkpointed
    /// loops (<c>[Differentiable(CheckpointLoops = true)]</c>) need only a few snapshots of their state.
    /// </para>
    /// </summary>
    public sealed class Workspace
    {
        [ThreadStatic]
        private static Workspace? s_current;

        /// <summary>The calling thread's workspace.</summary>
        public static Workspace Current => s_current ??= new Workspace();

        /// <summary>The tape of <see cref="double"/> values (loop-carried values before they are overwritten).</summary>
        public Tape<double> Doubles { get; } = new();

        /// <summary>The tape of <see cref="float"/> values.</summary>
        public Tape<float> Floats { get; } = new();

        /// <summary>The tape of integers (trip counts of loops with a data-dependent end, indices of a taken <c>break</c>).</summary>
        public Tape<int> Ints { get; } = new();

        /// <summary>The tape of branch decisions (which side of an <c>if</c> ran, per iteration).</summary>
        public Tape<bool> Bools { get; } = new();

        /// <summary>Integers of types other than int (long, short, byte, …), widened to long.</summary>
        public Tape<long> Longs { get; } = new();

        /// <summary>Scratch <see cref="double"/> buffers (cotangents of intermediate arrays), released stack-wise.</summary>
        public ScratchArena<double> DoubleScratch { get; } = new();

        /// <summary>Scratch <see cref="float"/> buffers, released stack-wise.</summary>
        public ScratchArena<float> FloatScratch { get; } = new();

        /// <summary>Scratch integers (the snapshot positions of a <see cref="SymGrad.Revolve"/> schedule), released stack-wise.</summary>
        public ScratchArena<int> IntScratch { get; } = new(64);

        /// <summary>Arrays lent stack-wise: the work copies of output arrays passed to methods taking arrays.</summary>
        public ArrayShelf Arrays { get; } = new();

        /// <summary>Records the current depth of every tape and arena.</summary>
        public WorkspaceMark Mark() => new(
            Doubles.Count, Floats.Count, Ints.Count, Bools.Count, DoubleScratch.Mark(), FloatScratch.Mark(), Longs.Count, IntScratch.Mark(), Arrays.Mark());

        /// <summary>
        /// A binomial checkpointing schedule for a loop of <paramref name="steps"/> steps holding at most
        /// <paramref name="snapshots"/> snapshots of its state (0: <see cref="SymGrad.Revolve.DefaultSnapshots"/>), its
        /// bookkeeping in this workspace until the enclosing mark is released. Generated checkpointed backwards call it.
        /// </summary>
        public Revolve Revolve(int steps, int snapshots)
            => new(steps, snapshots, IntScratch.RentUncleared(SymGrad.Revolve.PositionsLength(steps, snapshots)));

        /// <summary>
        /// A schedule for a loop that has not run yet (<see cref="SymGrad.Revolve.FromStart"/>): its state at the start is
        /// pushed, and the forward sweep runs the schedule's first sweep (<see cref="SymGrad.Revolve.NextForward"/>) instead of the loop.
        /// </summary>
        public Revolve RevolveFromStart(int steps, int snapshots)
            => SymGrad.Revolve.FromStart(steps, snapshots, IntScratch.RentUncleared(SymGrad.Revolve.PositionsLength(steps, snapshots)));

        /// <summary>
        /// The bytes the tapes and arenas hold in reserve (in use or not): what a <see cref="Release"/> keeps for the next call.
        /// For the calling thread's own workspace (<see cref="Current"/>) this includes the discard memory its unwanted
        /// gradients were written to and the zeros its empty cotangents read (the zeros are shared by all threads).
        /// </summary>
        public long ReservedBytes =>
            Doubles.Capacity * 8L + Floats.Capacity * 4L + Ints.Capacity * 4L + Bools.Capacity + Longs.Capacity * 8L
            + DoubleScratch.Capacity * 8L + FloatScratch.Capacity * 4L + IntScratch.Capacity * 4L + Arrays.Capacity
            + (ReferenceEquals(this, s_current) ? SharedBuffers.HeldBytes : 0);

        /// <summary>
        /// Gives back the memory the tapes and arenas hold beyond what is in use now (each keeps a small first block),
        /// when more than <paramref name="keepBytes"/> is reserved: call it after a backward of an unusually long loop, or
        /// with a budget after every step (<c>Workspace.Current.Trim(64 &lt;&lt; 20)</c>). Values on the tapes and rented
        /// spans are kept. On the calling thread's own workspace, when no backward is running on it, the discard memory and
        /// the shared zeros go too. The next call that needs more grows again (and allocates).
        /// </summary>
        /// <returns>Whether anything was given back.</returns>
        public bool Trim(long keepBytes = 0)
        {
            if (ReservedBytes <= keepBytes)
            {
                return false;
            }

            if (ReferenceEquals(this, s_current) && IsEmpty)
            {
                SharedBuffers.Drop();
            }

            Doubles.Trim();
            Floats.Trim();
            Ints.Trim();
            Bools.Trim();
            Longs.Trim();
            DoubleScratch.Trim();
            FloatScratch.Trim();
            IntScratch.Trim();
            Arrays.Trim();
            return true;
        }

        /// <summary>
        /// Drops the calling thread's workspace with all its memory, if nothing is on it (no backward is running on this
        /// thread); the next backward starts a fresh one. Returns whether it was dropped.
        /// </summary>
        public static bool ReleaseCurrent()
        {
            if (s_current is not { } current || !current.IsEmpty)
            {
                return false;
            }

            s_current = null;
            SharedBuffers.Drop();
            return true;
        }

        /// <summary>Whether no value is on any tape and no span is rented.</summary>
        public bool IsEmpty => Mark() == default;

        /// <summary>Returns every tape and arena to the depth recorded by <paramref name="mark"/>.</summary>
        public void Release(WorkspaceMark mark)
        {
            Doubles.Truncate(mark.Doubles);
            Floats.Truncate(mark.Floats);
            Ints.Truncate(mark.Ints);
            Bools.Truncate(mark.Bools);
            Longs.Truncate(mark.Longs);
            DoubleScratch.Release(mark.DoubleScratch);
            FloatScratch.Release(mark.FloatScratch);
            IntScratch.Release(mark.IntScratch);
            Arrays.Release(mark.Arrays);
        }

        /// <summary>
        /// A zeroed array of exactly <paramref name="length"/> elements, valid until the enclosing mark is released: the tangent
        /// of an output array's work copy (see <see cref="CopyArray{T}"/>).
        /// </summary>
        public T[] RentArray<T>(int length) => Arrays.Rent<T>(length);

        /// <summary>
        /// A copy of <paramref name="source"/> in an array of its length, valid until the enclosing mark is released: the work
        /// copy of an output array a generated backward rebuilds and passes to a method taking an array.
        /// </summary>
        public T[] CopyArray<T>(T[] source)
        {
            T[] copy = Arrays.Rent<T>(source.Length);
            Array.Copy(source, copy, source.Length);
            return copy;
        }

        /// <summary>A zeroed scratch span of doubles, valid until the enclosing mark is released.</summary>
        public Span<double> RentDoubles(int length) => DoubleScratch.Rent(length);

        /// <summary>A scratch span of doubles, zeroed unless <paramref name="clear"/> is false (then it holds leftovers: the caller writes all of it first).</summary>
        public Span<double> RentDoubles(int length, bool clear) => clear ? DoubleScratch.Rent(length) : DoubleScratch.RentUncleared(length);

        /// <summary>A zeroed scratch span of floats, valid until the enclosing mark is released.</summary>
        public Span<float> RentFloats(int length) => FloatScratch.Rent(length);

        /// <summary>A scratch span of floats, zeroed unless <paramref name="clear"/> is false (then it holds leftovers: the caller writes all of it first).</summary>
        public Span<float> RentFloats(int length, bool clear) => clear ? FloatScratch.Rent(length) : FloatScratch.RentUncleared(length);

        /// <summary>
        /// A zeroed scratch span of structs of reals (<c>Point3</c>: the tangents, directions and gradients <c>MJacobian</c> and
        /// <c>MHessian</c> pass for a span of structs), carved from the double arena, valid until the enclosing mark is released.
        /// The structs are reached through their fields only, so their layout is theirs; doubles keep them aligned.
        /// </summary>
        public Span<T> Rent<T>(int length)
            where T : unmanaged
        {
            int doubles = checked((int)(((long)length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>() + sizeof(double) - 1) / sizeof(double)));
            return System.Runtime.InteropServices.MemoryMarshal.Cast<double, T>(DoubleScratch.Rent(doubles)).Slice(0, length);
        }

        /// <summary>
        /// work += cotangent, unless the cotangent is empty (zeros): after an assigning backward has set a cotangent's work
        /// buffer with its first contribution, the caller's own cotangent of that output joins it.
        /// </summary>
        public static void AddCotangent(ReadOnlySpan<double> cotangent, Span<double> work)
        {
            if (!cotangent.IsEmpty)
            {
                VectorOps.Axpy(1.0, cotangent, work);
            }
        }

        /// <inheritdoc cref="AddCotangent(ReadOnlySpan{double}, Span{double})"/>
        public static void AddCotangent(ReadOnlySpan<float> cotangent, Span<float> work)
        {
            if (!cotangent.IsEmpty)
            {
                VectorOps.Axpy(1f, cotangent, work);
            }
        }

        /// <summary>A scratch copy of <paramref name="source"/> (never cleared first: the copy writes all of it), valid until the enclosing mark is released.</summary>
        public Span<double> Copy(ReadOnlySpan<double> source) => DoubleScratch.Copy(source);

        /// <inheritdoc cref="Copy(ReadOnlySpan{double})"/>
        public Span<float> Copy(ReadOnlySpan<float> source) => FloatScratch.Copy(source);

        /// <summary>
        /// The mutable cotangent a backward pass accumulates into: a scratch copy of <paramref name="cotangent"/>, or
        /// <paramref name="length"/> zeros when it is empty (an empty cotangent stands for zeros, so a caller whose output
        /// does not reach the loss passes <c>default</c> instead of a cleared buffer, and nothing is copied).
        /// </summary>
        public Span<double> CopyOrZeros(ReadOnlySpan<double> cotangent, int length)
            => cotangent.IsEmpty ? DoubleScratch.Rent(length) : DoubleScratch.Copy(cotangent);

        /// <inheritdoc cref="CopyOrZeros(ReadOnlySpan{double}, int)"/>
        public Span<float> CopyOrZeros(ReadOnlySpan<float> cotangent, int length)
            => cotangent.IsEmpty ? FloatScratch.Rent(length) : FloatScratch.Copy(cotangent);

        /// <summary>
        /// A cotangent a backward pass only reads: <paramref name="cotangent"/> itself, or <paramref name="length"/> zeros
        /// when it is empty (see <see cref="CopyOrZeros(ReadOnlySpan{double}, int)"/>). The zeros are a slice of one shared
        /// read-only buffer that only grows, so nothing is rented and nothing is cleared per call.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)] // called per call of a generated method: a branch, not a call
        public static ReadOnlySpan<double> ZerosIfEmpty(ReadOnlySpan<double> cotangent, int length)
            => cotangent.IsEmpty ? SharedZeros<double>.Of(length) : cotangent;

        /// <inheritdoc cref="ZerosIfEmpty(ReadOnlySpan{double}, int)"/>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public static ReadOnlySpan<float> ZerosIfEmpty(ReadOnlySpan<float> cotangent, int length)
            => cotangent.IsEmpty ? SharedZeros<float>.Of(length) : cotangent;

        /// <summary>
        /// The gradient a backward pass accumulates into: <paramref name="gradient"/> itself, or, when it is empty (the caller
        /// does not need that gradient), <paramref name="length"/> elements of a per-thread buffer nobody reads, where the work
        /// lands and is thrown away. Overlapping that buffer is not an error (<see cref="Guard.Disjoint{T}"/>).
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public static Span<double> DiscardIfEmpty(Span<double> gradient, int length)
            => gradient.IsEmpty && length > 0 ? DiscardBuffer<double>.Of(length) : gradient;

        /// <inheritdoc cref="DiscardIfEmpty(Span{double}, int)"/>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public static Span<float> DiscardIfEmpty(Span<float> gradient, int length)
            => gradient.IsEmpty && length > 0 ? DiscardBuffer<float>.Of(length) : gradient;

        /// <inheritdoc cref="DiscardIfEmpty(Span{double}, int)"/>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public static Span<T> DiscardIfEmpty<T>(Span<T> gradient, int length)
            => gradient.IsEmpty && length > 0 ? DiscardBuffer<T>.Of(length) : gradient;

        /// <inheritdoc cref="ZerosIfEmpty(ReadOnlySpan{double}, int)"/>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public static ReadOnlySpan<T> ZerosIfEmpty<T>(ReadOnlySpan<T> cotangent, int length)
            => cotangent.IsEmpty ? SharedZeros<T>.Of(length) : cotangent;

        /// <summary>Zeros nobody writes (handed out read-only); replaced by a longer array when a longer run is asked for.</summary>
        private static class SharedZeros<T>
        {
            private static T[] s_zeros = Array.Empty<T>();

            static SharedZeros() => SharedBuffers.Register(
                () => (long)s_zeros.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>(), () => s_zeros = Array.Empty<T>());

            public static ReadOnlySpan<T> Of(int length)
            {
                T[] zeros = s_zeros;
                if (zeros.Length < length)
                {
                    zeros = new T[Math.Max(length, zeros.Length * 2)];
                    s_zeros = zeros; // a racing thread may install another all-zero array: either serves
                }

                return zeros.AsSpan(0, length);
            }
        }
    }

    /// <summary>The depths of a <see cref="Workspace"/>'s tapes and arenas at one moment.</summary>
    public readonly record struct WorkspaceMark(int Doubles, int Floats, int Ints, int Bools, long DoubleScratch, long FloatScratch, int Longs = 0, long IntScratch = 0, int Arrays = 0);

    /// <summary>
    /// Per thread, the memory where the work on an unwanted gradient lands; it only grows, and nobody reads it. A longer
    /// request gets a new array, and the old ones are kept: a backward still holding a slice of one (a caller's unwanted
    /// gradient while a callee asks for more) must still be told it is discard memory.
    /// </summary>
    internal static class DiscardBuffer<T>
    {
        [ThreadStatic]
        private static List<T[]>? t_buffers;

        static DiscardBuffer() => SharedBuffers.Register(Held, () => t_buffers = null);

        private static long Held()
        {
            if (t_buffers is not { } buffers)
            {
                return 0;
            }

            long elements = 0;
            foreach (T[] buffer in buffers)
            {
                elements += buffer.Length;
            }

            return elements * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        }

        public static Span<T> Of(int length)
        {
            List<T[]> buffers = t_buffers ??= new List<T[]>();
            T[]? last = buffers.Count > 0 ? buffers[buffers.Count - 1] : null;
            if (last is null || last.Length < length)
            {
                last = new T[Math.Max(length, (last?.Length ?? 0) * 2)];
                buffers.Add(last);
            }

            return last.AsSpan(0, length);
        }

        /// <summary>Whether <paramref name="span"/> lies in discard memory of this thread (writes to it may overlap anything).</summary>
        public static bool Holds(ReadOnlySpan<T> span)
        {
            if (span.IsEmpty || t_buffers is not { } buffers)
            {
                return false;
            }

            foreach (T[] buffer in buffers)
            {
                if (span.Overlaps(buffer))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
