using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SymGrad
{
    /// <summary>The activations <see cref="Activations"/> implements, for the naive references.</summary>
    public enum ActivationKind
    {
        /// <summary>σ(x) = 1 / (1 + e^−x); σ' = σ(1 − σ).</summary>
        Sigmoid,

        /// <summary>tanh(x); tanh' = 1 − tanh².</summary>
        Tanh,

        /// <summary>max(x, 0); ' = [x &gt; 0].</summary>
        Relu,

        /// <summary>x &gt; 0 ? x : α·x; ' = x &gt; 0 ? 1 : α.</summary>
        LeakyRelu,

        /// <summary>x &gt; 0 ? x : α·(e^x − 1); ' = x &gt; 0 ? 1 : y + α.</summary>
        Elu,
    }

    /// <summary>
    /// Element-wise activations and their backwards over spans of equal length. Forwards are TensorPrimitives calls
    /// where it has the operation (Sigmoid, Tanh, Max, ExpM1); the backwards and leaky ReLU, which it lacks, are one
    /// Vector512 → Vector256 → scalar loop over a small operator struct. Backwards accumulate (dx += …) unless
    /// <c>accumulate</c> is false. Outputs may be the input span itself (in place) but must not partially overlap it.
    /// <see cref="ForwardNaive{T}"/> and <see cref="BackwardNaive{T}"/> are the scalar references.
    /// </summary>
    public static partial class Activations
    {
        /// <summary>y = σ(x) = 1 / (1 + e^−x).</summary>
        public static void Sigmoid<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidatePair(x, y, nameof(x), nameof(y));
            if (x.IsEmpty)
            {
                // TensorPrimitives.Sigmoid rejects empty spans; an empty layer is a no-op here like every other kernel.
                return;
            }

            if (typeof(T) == typeof(double))
            {
                // The double vector exp goes scalar for |x| ≳ 709 (measured: 6.7 → 63 µs for 6400 values up to ±800).
                // σ is exactly 1.0 in double from x = 37 on; below −708, σ(x) ≤ σ(−708) ≈ 3.3e-308 and the clamp returns
                // that instead: an absolute difference of at most 3.3e-308. (Float has no such slow range: measured
                // flat up to |x| = 300, so float inputs are not touched.)
                ClampedThen(x, y, T.CreateTruncating(-708.0), T.CreateTruncating(40.0), static (c, o) => TensorPrimitives.Sigmoid<T>(c, o));
                return;
            }

            TensorPrimitives.Sigmoid(x, y);
        }

        /// <summary>dx (+)= dy · y · (1 − y), with y = σ(x) the forward's output.</summary>
        public static void SigmoidBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, bool accumulate = true)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateBackward(y, dy, dx, nameof(y));
            Apply(default(SigmoidGrad<T>), y, dy, dx, accumulate);
        }

        /// <summary>y = tanh(x).</summary>
        public static void Tanh<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidatePair(x, y, nameof(x), nameof(y));
            if (typeof(T) == typeof(double))
            {
                // The double vector tanh goes scalar for |x| ≳ 200 (measured: 14 → 170 µs for 6400 values up to ±700).
                // tanh is exactly ±1.0 in double from |x| = 19.1 on, so clamping to ±20 changes no result. (Float: flat.)
                ClampedThen(x, y, T.CreateTruncating(-20.0), T.CreateTruncating(20.0), static (c, o) => TensorPrimitives.Tanh<T>(c, o));
                return;
            }

            TensorPrimitives.Tanh(x, y);
        }

        /// <summary>dx (+)= dy · (1 − y²), with y = tanh(x) the forward's output.</summary>
        public static void TanhBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, bool accumulate = true)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateBackward(y, dy, dx, nameof(y));
            Apply(default(TanhGrad<T>), y, dy, dx, accumulate);
        }

        /// <summary>y = max(x, 0).</summary>
        public static void Relu<T>(ReadOnlySpan<T> x, Span<T> y)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidatePair(x, y, nameof(x), nameof(y));
            if (x.Length >= SplitLength)
            {
                SplitRelu(x, y);
                return;
            }

            TensorPrimitives.Max(x, T.Zero, y);
        }

        /// <summary>dx (+)= x &gt; 0 ? dy : 0 (the sub-gradient 0 at x = 0, as PyTorch).</summary>
        public static void ReluBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx, bool accumulate = true)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateBackward(x, dy, dx, nameof(x));
            if (x.Length >= SplitLength)
            {
                SplitReluBackward(x, dy, dx, accumulate);
                return;
            }

            Apply(new LeakyReluGrad<T>(T.Zero), x, dy, dx, accumulate);
        }

        /// <summary>y = x &gt; 0 ? x : α·x.</summary>
        public static void LeakyRelu<T>(ReadOnlySpan<T> x, Span<T> y, T alpha)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidatePair(x, y, nameof(x), nameof(y));
            Apply(new LeakyReluSelect<T>(alpha), x, x, y, accumulate: false);
        }

        /// <summary>dx (+)= x &gt; 0 ? dy : α·dy.</summary>
        public static void LeakyReluBackward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx, T alpha, bool accumulate = true)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateBackward(x, dy, dx, nameof(x));
            Apply(new LeakyReluGrad<T>(alpha), x, dy, dx, accumulate);
        }

        /// <summary>y = x &gt; 0 ? x : α·(e^x − 1), with e^x − 1 from TensorPrimitives.ExpM1 (accurate near 0).</summary>
        public static void Elu<T>(ReadOnlySpan<T> x, Span<T> y, T alpha)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidatePair(x, y, nameof(x), nameof(y));

            // ExpM1 goes to a stack chunk, then a select reads x and the chunk at the same index: safe when y is x.
            const int Chunk = 256;
            Span<T> expm1 = stackalloc T[Chunk];
            for (int start = 0; start < x.Length; start += Chunk)
            {
                int length = Math.Min(Chunk, x.Length - start);
                ReadOnlySpan<T> xs = x.Slice(start, length);
                TensorPrimitives.ExpM1(xs, expm1[..length]);
                Apply(new EluSelect<T>(alpha), xs, expm1[..length], y.Slice(start, length), accumulate: false);
            }
        }

        /// <summary>
        /// dx (+)= y &gt; 0 ? dy : dy·(y + α), with y the forward's output: for x ≤ 0, d/dx α(e^x − 1) = αe^x = y + α.
        /// Requires α &gt; 0, so that y &gt; 0 exactly when x &gt; 0.
        /// </summary>
        public static void EluBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, T alpha, bool accumulate = true)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateBackward(y, dy, dx, nameof(y));
            if (!(alpha > T.Zero))
            {
                throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "ELU's backward from its output needs α > 0.");
            }

            Apply(new EluGrad<T>(alpha), y, dy, dx, accumulate);
        }

        /// <summary>
        /// y = f(clamp(x, lo, hi)), the clamp going to a stack chunk so that x is not written (and y may be x: each chunk
        /// of x is read into the buffer before the same chunk of y is written).
        /// </summary>
        private static void ClampedThen<T>(ReadOnlySpan<T> x, Span<T> y, T lo, T hi, ChunkFunction<T> f)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            const int Chunk = 256;
            Span<T> clamped = stackalloc T[Chunk];
            for (int start = 0; start < x.Length; start += Chunk)
            {
                int length = Math.Min(Chunk, x.Length - start);
                Span<T> c = clamped[..length];
                TensorPrimitives.Clamp(x.Slice(start, length), lo, hi, c);
                f(c, y.Slice(start, length));
            }
        }

        /// <summary>An element-wise TensorPrimitives function over one chunk.</summary>
        private delegate void ChunkFunction<T>(ReadOnlySpan<T> x, Span<T> destination);

        /// <summary>Reference forward: y_i = f(x_i) with scalar <c>T</c> math.</summary>
        public static void ForwardNaive<T>(ActivationKind kind, ReadOnlySpan<T> x, Span<T> y, T alpha)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidatePair(x, y, nameof(x), nameof(y));
            for (int i = 0; i < x.Length; i++)
            {
                T v = x[i];
                y[i] = kind switch
                {
                    ActivationKind.Sigmoid => T.One / (T.One + T.Exp(-v)),
                    ActivationKind.Tanh => T.Tanh(v),
                    ActivationKind.Relu => v > T.Zero ? v : T.Zero,
                    ActivationKind.LeakyRelu => v > T.Zero ? v : alpha * v,
                    _ => v > T.Zero ? v : alpha * (T.Exp(v) - T.One),
                };
            }
        }

        /// <summary>Reference backward: dx_i (+)= f'(x_i) · dy_i from the forward's input x and output y.</summary>
        public static void BackwardNaive<T>(ActivationKind kind, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, T alpha, bool accumulate = true)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateBackward(x, dy, dx, nameof(x));
            KernelGuard.Length(y.Length, x.Length, nameof(y), "x.Length");
            for (int i = 0; i < x.Length; i++)
            {
                T derivative = kind switch
                {
                    ActivationKind.Sigmoid => y[i] * (T.One - y[i]),
                    ActivationKind.Tanh => T.One - (y[i] * y[i]),
                    ActivationKind.Relu => x[i] > T.Zero ? T.One : T.Zero,
                    ActivationKind.LeakyRelu => x[i] > T.Zero ? T.One : alpha,
                    _ => x[i] > T.Zero ? T.One : alpha * T.Exp(x[i]),
                };
                dx[i] = (accumulate ? dx[i] : T.Zero) + (derivative * dy[i]);
            }
        }

        private static void ValidatePair<T>(ReadOnlySpan<T> x, Span<T> y, string xName, string yName)
        {
            KernelGuard.Length(y.Length, x.Length, yName, "x.Length");
            KernelGuard.SameOrDisjoint<T>(x, y, xName, yName);
        }

        private static void ValidateBackward<T>(ReadOnlySpan<T> saved, ReadOnlySpan<T> dy, Span<T> dx, string savedName)
        {
            KernelGuard.Length(dy.Length, saved.Length, nameof(dy), savedName == "x" ? "x.Length" : "y.Length");
            KernelGuard.Length(dx.Length, saved.Length, nameof(dx), savedName == "x" ? "x.Length" : "y.Length");
            KernelGuard.SameOrDisjoint(saved, dx, savedName, nameof(dx));
            KernelGuard.SameOrDisjoint(dy, dx, nameof(dy), nameof(dx));
        }

        /// <summary>d_i = op(a_i, g_i) (+ d_i when accumulating): Vector512, then Vector256, then scalar for the tail.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // loops optimized from the first call: no OSR or tier-up landing inside a timed step
        private static void Apply<T, TOp>(TOp op, ReadOnlySpan<T> a, ReadOnlySpan<T> g, Span<T> d, bool accumulate)
            where T : unmanaged, IFloatingPointIeee754<T>
            where TOp : struct, IBinaryOp<T>
        {
            ref T ra = ref MemoryMarshal.GetReference(a);
            ref T rg = ref MemoryMarshal.GetReference(g);
            ref T rd = ref MemoryMarshal.GetReference(d);
            nuint n = (nuint)a.Length, i = 0;
            if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
            {
                for (; i + (nuint)Vector512<T>.Count <= n; i += (nuint)Vector512<T>.Count)
                {
                    Vector512<T> r = op.Invoke(Vector512.LoadUnsafe(ref ra, i), Vector512.LoadUnsafe(ref rg, i));
                    (accumulate ? r + Vector512.LoadUnsafe(ref rd, i) : r).StoreUnsafe(ref rd, i);
                }
            }

            if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
            {
                for (; i + (nuint)Vector256<T>.Count <= n; i += (nuint)Vector256<T>.Count)
                {
                    Vector256<T> r = op.Invoke(Vector256.LoadUnsafe(ref ra, i), Vector256.LoadUnsafe(ref rg, i));
                    (accumulate ? r + Vector256.LoadUnsafe(ref rd, i) : r).StoreUnsafe(ref rd, i);
                }
            }

            for (; i < n; i++)
            {
                T r = op.Invoke(Unsafe.Add(ref ra, i), Unsafe.Add(ref rg, i));
                Unsafe.Add(ref rd, i) = accumulate ? Unsafe.Add(ref rd, i) + r : r;
            }
        }

        /// <summary>An element-wise function of a saved value a and an incoming value g, in scalar and vector forms.</summary>
        private interface IBinaryOp<T>
            where T : unmanaged
        {
            T Invoke(T a, T g);

            Vector512<T> Invoke(Vector512<T> a, Vector512<T> g);

            Vector256<T> Invoke(Vector256<T> a, Vector256<T> g);
        }

        /// <summary>g · y · (1 − y).</summary>
        private readonly struct SigmoidGrad<T> : IBinaryOp<T>
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            public T Invoke(T y, T g) => g * y * (T.One - y);

            public Vector512<T> Invoke(Vector512<T> y, Vector512<T> g) => g * y * (Vector512<T>.One - y);

            public Vector256<T> Invoke(Vector256<T> y, Vector256<T> g) => g * y * (Vector256<T>.One - y);
        }

        /// <summary>g · (1 − y²).</summary>
        private readonly struct TanhGrad<T> : IBinaryOp<T>
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            public T Invoke(T y, T g) => g * (T.One - (y * y));

            public Vector512<T> Invoke(Vector512<T> y, Vector512<T> g) => g * (Vector512<T>.One - (y * y));

            public Vector256<T> Invoke(Vector256<T> y, Vector256<T> g) => g * (Vector256<T>.One - (y * y));
        }

        /// <summary>x &gt; 0 ? g : α·g (ReLU is α = 0).</summary>
        private readonly struct LeakyReluGrad<T>(T alpha) : IBinaryOp<T>
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            public T Invoke(T x, T g) => x > T.Zero ? g : alpha * g;

            public Vector512<T> Invoke(Vector512<T> x, Vector512<T> g)
                => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<T>.Zero), g, g * Vector512.Create(alpha));

            public Vector256<T> Invoke(Vector256<T> x, Vector256<T> g)
                => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<T>.Zero), g, g * Vector256.Create(alpha));
        }

        /// <summary>x &gt; 0 ? x : α·x (called with g = x).</summary>
        private readonly struct LeakyReluSelect<T>(T alpha) : IBinaryOp<T>
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            public T Invoke(T x, T g) => x > T.Zero ? x : alpha * x;

            public Vector512<T> Invoke(Vector512<T> x, Vector512<T> g)
                => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<T>.Zero), x, x * Vector512.Create(alpha));

            public Vector256<T> Invoke(Vector256<T> x, Vector256<T> g)
                => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<T>.Zero), x, x * Vector256.Create(alpha));
        }

        /// <summary>
        /// x &gt; 0 ? x : α·min(m, 0), with m = e^x − 1. The vector ExpM1 may return a tiny positive m at x = 0; clamping
        /// keeps y ≤ 0 whenever x ≤ 0, which the backward relies on to tell the two branches apart from y alone.
        /// </summary>
        private readonly struct EluSelect<T>(T alpha) : IBinaryOp<T>
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            public T Invoke(T x, T m) => x > T.Zero ? x : alpha * T.Min(m, T.Zero);

            public Vector512<T> Invoke(Vector512<T> x, Vector512<T> m)
                => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<T>.Zero), x, Vector512.Min(m, Vector512<T>.Zero) * Vector512.Create(alpha));

            public Vector256<T> Invoke(Vector256<T> x, Vector256<T> m)
                => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<T>.Zero), x, Vector256.Min(m, Vector256<T>.Zero) * Vector256.Create(alpha));
        }

        /// <summary>y &gt; 0 ? g : g·(y + α).</summary>
        private readonly struct EluGrad<T>(T alpha) : IBinaryOp<T>
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            public T Invoke(T y, T g) => y > T.Zero ? g : g * (y + alpha);

            public Vector512<T> Invoke(Vector512<T> y, Vector512<T> g)
                => Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<T>.Zero), g, g * (y + Vector512.Create(alpha)));

            public Vector256<T> Invoke(Vector256<T> y, Vector256<T> g)
                => Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<T>.Zero), g, g * (y + Vector256.Create(alpha)));
        }
    }
}
