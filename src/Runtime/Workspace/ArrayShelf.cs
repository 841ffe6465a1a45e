using System;
using System.Collections.Generic;

namespace SymGrad
{
    /// <summary>
    /// Arrays of an exact length lent stack-wise, for the work copy of an output array that a generated backward passes to
    /// a method taking an array (a span from the arenas does not convert to <c>T[]</c>). A release puts the arrays lent
    /// since the mark back on the shelf, by element type and length, so a steady-state call allocates nothing.
    /// (<see cref="System.Buffers.ArrayPool{T}"/> hands out arrays at least as long as asked, and a callee reads
    /// <c>y.Length</c>: hence a shelf of its own.)
    /// </summary>
    public sealed class ArrayShelf
    {
        private readonly List<Array> _lent = new();
        private readonly Dictionary<(Type Element, int Length), Stack<Array>> _free = new();

        /// <summary>How many arrays are lent now: a <see cref="WorkspaceMark"/>'s depth.</summary>
        public int Mark() => _lent.Count;

        /// <summary>The bytes the arrays on the shelf and those lent hold.</summary>
        public long Capacity { get; private set; }

        /// <summary>A zeroed array of exactly <paramref name="length"/> elements, lent until the mark before it is released.</summary>
        public T[] Rent<T>(int length)
        {
            T[] array;
            if (_free.TryGetValue((typeof(T), length), out var shelf) && shelf.Count > 0)
            {
                array = (T[])shelf.Pop();
                Array.Clear(array, 0, length);
            }
            else
            {
                array = new T[length];
                Capacity += (long)length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
            }

            _lent.Add(array);
            return array;
        }

        /// <summary>Puts the arrays lent since <paramref name="mark"/> back on the shelf.</summary>
        public void Release(int mark)
        {
            for (int i = _lent.Count - 1; i >= mark; i--)
            {
                Array array = _lent[i];
                var key = (array.GetType().GetElementType()!, array.Length);
                if (!_free.TryGetValue(key, out var shelf))
                {
                    _free[key] = shelf = new Stack<Array>();
                }

                shelf.Push(array);
            }

            _lent.RemoveRange(mark, _lent.Count - mark);
        }

        /// <summary>Drops the arrays on the shelf (those lent stay lent).</summary>
        public void Trim()
        {
            foreach (var shelf in _free)
            {
                foreach (Array array in shelf.Value)
                {
                    Capacity -= (long)array.Length * System.Runtime.InteropServices.Marshal.SizeOf(shelf.Key.Element);
                }
            }

            _free.Clear();
        }
    }
}
