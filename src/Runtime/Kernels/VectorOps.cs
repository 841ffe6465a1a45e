using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace SymGrad
{
    /// <summary>Level-1 helpers for optimizers and gradient bookkeeping, as thin TensorPrimitives wrappers.</summary>
    public static class VectorOps
    {
        /// <summary>y += α·x (BLAS axpy). x and y have equal length; y may be x itself but must not partially overlap it.</summary>
        public static void Axpy<T>(T alpha, ReadOnlySpan<T> x, Span<T> y)
            where T : IFloatingPointIeee754<T>
        {
            KernelGuard.Length(y.Length, x.Length, nameof(y), "x.Length");
            KernelGuard.SameOrDisjoint<T>(x, y, nameof(x), nameof(y));
            TensorPrimitives.MultiplyAdd(x, alpha, y, y);
        }

        /// <summary>x *= α, in place (BLAS scal).</summary>
        public static void Scale<T>(T alpha, Span<T> x)
            where T : IFloatingPointIeee754<T>
            => TensorPrimitives.Multiply(x, alpha, x);

        /// <summary>destination = α·x. destination has x's length and may be x itself but must not partially overlap it.</summary>
        public static void Scale<T>(T alpha, ReadOnlySpan<T> x, Span<T> destination)
            where T : IFloatingPointIeee754<T>
        {
            KernelGuard.Length(destination.Length, x.Length, nameof(destination), "x.Length");
            KernelGuard.SameOrDisjoint<T>(x, destination, nameof(x), nameof(destination));
            TensorPrimitives.Multiply(x, alpha, destination);
        }

        /// <summary>Reference for <see cref="Axpy{T}"/>.</summary>
        public static void AxpyNaive<T>(T alpha, ReadOnlySpan<T> x, Span<T> y)
            where T : IFloatingPointIeee754<T>
        {
            KernelGuard.Length(y.Length, x.Length, nameof(y), "x.Length");
            KernelGuard.SameOrDisjoint<T>(x, y, nameof(x), nameof(y));
            for (int i = 0; i < x.Length; i++)
            {
                y[i] += alpha * x[i];
            }
        }
    }
}
