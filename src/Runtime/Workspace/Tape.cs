using System;
using System.Runtime.CompilerServices;

namespace SymGrad
{
    /// <summary>
    /// A last-in first-out store of values the reverse sweep needs back (a loop-carried value before it is
    /// overwritten, a loop's trip count, a branch decision). Its array grows on first use and is kept, so a
    /// steady-state call pushes and pops without allocating; <see cref="Trim"/> gives the unused part back.
    /// </summary>
    public sealed class Tape<T>
    {
        private const int FirstCapacity = 64;
        private T[] _items = new T[FirstCapacity];
        private int _count;

        /// <summary>The number of values on the tape.</summary>
        public int Count => _count;

        /// <summary>How many values the tape holds room for without growing.</summary>
        public int Capacity => _items.Length;

        /// <summary>Shrinks the array to the values on the tape (at least the first 64 places): the memory beyond goes back.</summary>
        public void Trim()
        {
            int capacity = Math.Max(FirstCapacity, _count);
            if (capacity < _items.Length)
            {
                Array.Resize(ref _items, capacity);
            }
        }

        /// <summary>Puts <paramref name="value"/> on top (the array doubles when full, then stays).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Push(T value)
        {
            if (_count == _items.Length)
            {
                Grow();
            }

            _items[_count++] = value;
        }

        /// <summary>Takes the value on top off and returns it: the last one pushed.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public T Pop() => _items[--_count];

        /// <summary>Pushes every element of <paramref name="values"/> (a span a call is about to overwrite).</summary>
        public void PushAll(ReadOnlySpan<T> values)
        {
            while (_count + values.Length > _items.Length)
            {
                Grow();
            }

            values.CopyTo(_items.AsSpan(_count));
            _count += values.Length;
        }

        /// <summary>Pops what <see cref="PushAll"/> pushed back into <paramref name="destination"/>, which has the same length.</summary>
        public void PopAll(Span<T> destination)
        {
            _count -= destination.Length;
            _items.AsSpan(_count, destination.Length).CopyTo(destination);
        }

        /// <summary>Drops every value above <paramref name="count"/> (used when a call ends, normally or not).</summary>
        public void Truncate(int count)
        {
            if ((uint)count > (uint)_count)
            {
                throw new ArgumentOutOfRangeException(nameof(count));
            }

            _count = count;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void Grow() => Array.Resize(ref _items, _items.Length * 2);
    }
}
