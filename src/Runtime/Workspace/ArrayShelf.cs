using System;
using System.Collections.Generic;

namespace SymGrad
{
    /// <summary>
    /// Arrays of an exact length lent stack-wise, for the work copy of an output array that a generated backward passes to
    /// a method taking an array (a span from the arenas does not convert to <c>T[]</c>). A release puts the arrays lent
    /// since the mark back on their shelf, by element type and length, so a steady-state call allocates nothing.
    /// (<see cref="System.Buffers.ArrayPool{T}"/> hands out arrays at least as long as asked, and a callee reads
    /// <c>y.Length</c>: hence a shelf of its own.)
    /// </summary>
    public sealed class ArrayShelf
    {
        /// <summary>The arrays of one element type and length not lent now.</summary>
        private sealed class Shelf
        {
            public readonly Stack<Array> Free = new();
            public long BytesEach;
        }

        private readonly List<(Shelf Shelf, Array Array)> _lent = new();
        private readonly Dictionary<(Type Element, int Length), Shelf> _shelves = new();

        /// <summary>How many arrays are lent now: a <see cref="WorkspaceMark"/>'s depth.</summary>
        public int Mark() => _lent.Count;

        /// <summary>The bytes the arrays on the shelves and those lent hold.</summary>
        public long Capacity { get; private set; }

        /// <summary>A zeroed array of exactly <paramref name="length"/> elements, lent until the mark before it is released.</summary>
        public T[] Rent<T>(int length)
        {
            if (!_shelves.TryGetValue((typeof(T), length), out Shelf? shelf))
            {
                _shelves[(typeof(T), length)] = shelf = new Shelf { BytesEach = (long)length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>() };
            }

            T[] array;
            if (shelf.Free.Count > 0)
            {
                array = (T[])shelf.Free.Pop();
                Array.Clear(array, 0, length);
            }
            else
            {
                array = new T[length];
                Capacity += shelf.BytesEach;
            }

            _lent.Add((shelf, array));
            return array;
        }

        /// <summary>Puts the arrays lent since <paramref name="mark"/> back on their shelves.</summary>
        public void Release(int mark)
        {
            for (int i = _lent.Count - 1; i >= mark; i--)
            {
                _lent[i].Shelf.Free.Push(_lent[i].Array);
            }

            _lent.RemoveRange(mark, _lent.Count - mark);
        }

        /// <summary>Drops the arrays on the shelves (those lent stay lent).</summary>
        public void Trim()
        {
            foreach (Shelf shelf in _shelves.Values)
            {
                Capacity -= shelf.Free.Count * shelf.BytesEach;
                shelf.Free.Clear();
            }
        }
    }
}
