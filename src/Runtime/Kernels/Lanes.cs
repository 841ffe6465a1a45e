using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SymGrad
{
    /// <summary>
    /// The few vector operations a kernel written once for two vector widths needs (.NET's own <c>ISimdVector</c> is not
    /// public). Implemented by empty structs, so the JIT specialises each kernel per width and inlines every call.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TV">The vector type.</typeparam>
    internal unsafe interface ILanes<T, TV>
        where T : unmanaged
    {
        static abstract int Count { get; }

        static abstract TV Zero { get; }

        static abstract TV Load(T* source);

        static abstract TV Broadcast(T value);

        static abstract TV Fma(TV a, TV b, TV c);

        static abstract TV Add(TV a, TV b);

        static abstract void Store(TV value, T* destination);
    }

    /// <summary><see cref="ILanes{T, TV}"/> over <see cref="Vector512{T}"/>.</summary>
    internal readonly unsafe struct Lanes512<T> : ILanes<T, Vector512<T>>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static int Count => Vector512<T>.Count;

        public static Vector512<T> Zero => Vector512<T>.Zero;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<T> Load(T* source) => Vector512.Load(source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<T> Broadcast(T value) => Vector512.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<T> Fma(Vector512<T> a, Vector512<T> b, Vector512<T> c) => Simd.Fma(a, b, c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<T> Add(Vector512<T> a, Vector512<T> b) => a + b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector512<T> value, T* destination) => value.Store(destination);
    }

    /// <summary><see cref="ILanes{T, TV}"/> over <see cref="Vector256{T}"/>.</summary>
    internal readonly unsafe struct Lanes256<T> : ILanes<T, Vector256<T>>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static int Count => Vector256<T>.Count;

        public static Vector256<T> Zero => Vector256<T>.Zero;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<T> Load(T* source) => Vector256.Load(source);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<T> Broadcast(T value) => Vector256.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<T> Fma(Vector256<T> a, Vector256<T> b, Vector256<T> c) => Simd.Fma(a, b, c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<T> Add(Vector256<T> a, Vector256<T> b) => a + b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector256<T> value, T* destination) => value.Store(destination);
    }
}
