using System;
using System.Collections.Generic;

namespace SymGrad
{
    /// <summary>
    /// Hands out zeroed spans for the cotangents of intermediate arrays, stack-wise. When the current block is
    /// too small a larger one is added; blocks handed out earlier stay alive while their spans are in use, and
    /// when the arena empties the blocks are merged into one, so after the first call nothing is allocated.
    /// </summary>
    public sealed class ScratchArena<T>
        where T : unmanaged
    {
        private readonly List<T[]> _retired = new();
        private readonly int _first;
        private T[] _block;
        private int _used;
        private int _peak;

        /// <summary>An arena whose first block holds 1024 elements.</summary>
        public ScratchArena()
            : this(1024)
        {
        }

        /// <summary>An arena whose first block holds <paramref name="firstBlock"/> elements.</summary>
        public ScratchArena(int firstBlock)
        {
            _first = firstBlock;
            _block = new T[firstBlock];
        }

        /// <summary>The elements the arena holds room for, in use or not.</summary>
        public long Capacity
        {
            get
            {
                long total = _block.Length;
                foreach (T[] block in _retired)
                {
                    total += block.Length;
                }

                return total;
            }
        }

        /// <summary>
        /// When nothing is rented, goes back to one first-size block (the memory beyond goes back) and forgets the peak, so the
        /// next release does not grow it again; while spans are rented, nothing changes.
        /// </summary>
        public void Trim()
        {
            if (_used == 0 && _retired.Count == 0)
            {
                _peak = 0;
                if (_block.Length > _first)
                {
                    _block = new T[_first];
                }
            }
        }

        /// <summary>A position to return to with <see cref="Release"/>.</summary>
        public long Mark() => ((long)_retired.Count << 32) | (uint)_used;

        /// <summary>Returns a zeroed span of <paramref name="length"/> elements.</summary>
        public Span<T> Rent(int length)
        {
            Span<T> span = Take(length);
            VectorOps.Clear(span); // long spans (a layer's cotangent) by both cores
            return span;
        }

        /// <summary>A span of <paramref name="length"/> elements holding whatever the arena last held there: the caller writes all of it.</summary>
        public Span<T> RentUncleared(int length) => Take(length);

        /// <summary>A span holding a copy of <paramref name="source"/>.</summary>
        public Span<T> Copy(ReadOnlySpan<T> source)
        {
            Span<T> span = Take(source.Length);
            VectorOps.Copy(source, span);
            return span;
        }

        private Span<T> Take(int length)
        {
            if (length < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(length), length, "A scratch buffer cannot have a negative length.");
            }

            if (_block.Length - _used < length)
            {
                _retired.Add(_block);
                _block = new T[Math.Max(length, _block.Length * 2)];
                _used = 0;
            }

            Span<T> span = _block.AsSpan(_used, length);
            _used += length;
            _peak = Math.Max(_peak, TotalUsed());
            return span;
        }

        /// <summary>Frees everything rented since <paramref name="mark"/>.</summary>
        public void Release(long mark)
        {
            int retired = (int)(mark >> 32);
            int used = (int)(uint)mark;
            if (retired < _retired.Count)
            {
                _block = _retired[retired];
                _retired.RemoveRange(retired, _retired.Count - retired);
            }

            _used = used;
            if (_used == 0 && _retired.Count == 0 && _block.Length < _peak)
            {
                // Several blocks were needed at once: one block of the peak size serves every later call.
                _block = new T[_peak];
            }
        }

        private int TotalUsed()
        {
            int total = _used;
            foreach (T[] block in _retired)
            {
                total += block.Length;
            }

            return total;
        }
    }
}
