using System;
using System.Collections.Generic;
using System.Numerics;

namespace SymGrad
{
    /// <summary>A named block of a <see cref="ParameterStore{T}"/>: its position in the store's two buffers.</summary>
    /// <param name="Name">The name given to <see cref="ParameterStore{T}.Add"/>.</param>
    /// <param name="Index">The order in which it was added (0, 1, …).</param>
    /// <param name="Offset">Where its elements start in <see cref="ParameterStore{T}.AllParameters"/> and <see cref="ParameterStore{T}.AllGradients"/>.</param>
    /// <param name="Length">Its number of elements.</param>
    public readonly record struct ParameterHandle(string Name, int Index, int Offset, int Length);

    /// <summary>
    /// All of a model's parameters in ONE contiguous buffer and their gradients in ONE other, handed out as
    /// named spans, so that an optimizer updates everything in one pass
    /// (<c>optimizer.Step(store.AllParameters, store.AllGradients)</c>) and <see cref="ZeroGradients"/> is one clear.
    /// <para>
    /// Two phases. Layout: <see cref="Add"/> declares each block (names unique, ordinal, case-sensitive).
    /// Use: the first access to any span (or <see cref="Freeze"/>) allocates both buffers, zeroed, at their
    /// exact size and freezes the layout; a later <see cref="Add"/> throws. Freezing rather than growing means a
    /// span taken from the store can never silently go stale, and an optimizer built for <see cref="Length"/>
    /// parameters stays valid.
    /// </para>
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    public sealed class ParameterStore<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly List<ParameterHandle> _handles = new();
        private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);
        private T[]? _parameters;
        private T[]? _gradients;
        private int _length;

        /// <summary>The total number of elements over all blocks.</summary>
        public int Length => _length;

        /// <summary>The number of named blocks.</summary>
        public int Count => _handles.Count;

        /// <summary>Whether the buffers exist and the layout is fixed.</summary>
        public bool IsFrozen => _parameters is not null;

        /// <summary>The blocks in the order they were added (their offsets increase in that order).</summary>
        public IReadOnlyList<ParameterHandle> Handles => _handles;

        /// <summary>Every parameter, block after block in the order added. Freezes the layout.</summary>
        public Span<T> AllParameters => ParameterBuffer;

        /// <summary>Every gradient, laid out as <see cref="AllParameters"/>. Freezes the layout.</summary>
        public Span<T> AllGradients => GradientBuffer;

        /// <summary>The block called <paramref name="name"/>.</summary>
        /// <exception cref="KeyNotFoundException">No block has that name; the message lists the names there are.</exception>
        public ParameterHandle this[string name]
        {
            get
            {
                if (TryGetHandle(name, out ParameterHandle handle))
                {
                    return handle;
                }

                string known = _handles.Count == 0 ? "the store is empty" : "it holds " + string.Join(", ", _byName.Keys);
                throw new KeyNotFoundException($"No parameter is named '{name}'; {known}.");
            }
        }

        /// <summary>
        /// Declares a block of <paramref name="length"/> elements called <paramref name="name"/>, placed after
        /// the blocks already added.
        /// </summary>
        /// <exception cref="ArgumentException">The name is empty or already used, or the length is not positive or overflows the store.</exception>
        /// <exception cref="InvalidOperationException">The layout is frozen.</exception>
        public ParameterHandle Add(string name, int length)
        {
            ArgumentNullException.ThrowIfNull(name);
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("A parameter's name must not be empty or white space.", nameof(name));
            }

            if (length <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(length), length, $"Parameter '{name}' must have a length > 0; got {length}.");
            }

            if (_byName.ContainsKey(name))
            {
                throw new ArgumentException($"A parameter named '{name}' was already added; names must be unique.", nameof(name));
            }

            if ((long)_length + length > Array.MaxLength)
            {
                throw new ArgumentException(
                    $"Adding '{name}' ({length} elements) to the {_length} already declared exceeds the largest array ({Array.MaxLength} elements).", nameof(length));
            }

            if (IsFrozen)
            {
                throw new InvalidOperationException(
                    $"Cannot add '{name}': the store's buffers were allocated when its spans were first used, which fixed the layout. Add every parameter first.");
            }

            var handle = new ParameterHandle(name, _handles.Count, _length, length);
            _handles.Add(handle);
            _byName.Add(name, handle.Index);
            _length += length;
            return handle;
        }

        /// <summary>Looks a block up by name.</summary>
        public bool TryGetHandle(string name, out ParameterHandle handle)
        {
            ArgumentNullException.ThrowIfNull(name);
            if (_byName.TryGetValue(name, out int index))
            {
                handle = _handles[index];
                return true;
            }

            handle = default;
            return false;
        }

        /// <summary>The parameters of one block (a slice of <see cref="AllParameters"/>). Freezes the layout.</summary>
        public Span<T> Parameters(ParameterHandle handle) => ParameterBuffer.AsSpan(Check(handle).Offset, handle.Length);

        /// <summary>The parameters of the block called <paramref name="name"/>. Freezes the layout.</summary>
        public Span<T> Parameters(string name) => Parameters(this[name]);

        /// <summary>The gradients of one block (a slice of <see cref="AllGradients"/>). Freezes the layout.</summary>
        public Span<T> Gradients(ParameterHandle handle) => GradientBuffer.AsSpan(Check(handle).Offset, handle.Length);

        /// <summary>The gradients of the block called <paramref name="name"/>. Freezes the layout.</summary>
        public Span<T> Gradients(string name) => Gradients(this[name]);

        /// <summary>Sets every gradient to zero (generated backward passes accumulate with <c>+=</c>). Freezes the layout.</summary>
        public void ZeroGradients() => Array.Clear(GradientBuffer);

        /// <summary>
        /// Writes every parameter, by name, to the checkpoint file <paramref name="path"/>, atomically: see
        /// <see cref="Checkpoint"/> for the format. Freezes the layout.
        /// </summary>
        public void Save(string path) => Checkpoint.Save(path, this);

        /// <summary>
        /// Replaces every parameter with the one of the same name in the checkpoint file <paramref name="path"/>, after
        /// checking the whole file: a truncated, corrupted or foreign file, or one of another model, throws
        /// <see cref="System.IO.InvalidDataException"/> and changes nothing. See <see cref="Checkpoint"/>. Freezes the layout.
        /// </summary>
        public void Load(string path) => Checkpoint.Load(path, this);

        /// <summary>Allocates both buffers (zeroed) if they are not yet, fixing the layout. Idempotent.</summary>
        public void Freeze()
        {
            if (_parameters is null || _gradients is null)
            {
                _gradients = new T[_length];
                _parameters = new T[_length];
            }
        }

        private T[] ParameterBuffer
        {
            get
            {
                Freeze();
                return _parameters!;
            }
        }

        private T[] GradientBuffer
        {
            get
            {
                Freeze();
                return _gradients!;
            }
        }

        private ParameterHandle Check(ParameterHandle handle)
        {
            if ((uint)handle.Index >= (uint)_handles.Count || _handles[handle.Index] != handle)
            {
                throw new ArgumentException($"The handle for '{handle.Name}' does not belong to this store.", nameof(handle));
            }

            return handle;
        }
    }
}
