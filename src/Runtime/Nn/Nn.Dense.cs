using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace SymGrad
{
    /// <summary>
    /// Differentiable neural-network primitives over row-major spans, callable from <c>[Differentiable]</c> code: each
    /// forward is a plain static method (a float and a double overload) over the SIMD kernels, and each has a hand-written
    /// backward registered with <c>[DerivativeOf]</c> whose signature is the <c>…Backward</c> SymGrad would generate.
    /// Backwards accumulate (+=) into every non-empty gradient; an empty gradient span means the caller's input is a
    /// constant and its gradient is skipped. Every call validates sizes, lengths and overlaps before it writes anything,
    /// and a steady-state call allocates nothing (scratch comes from <see cref="Workspace.Current"/>).
    /// </summary>
    public static partial class Nn
    {
        // x is (n, inputs), w is (inputs, outputs), b is (outputs) or empty for no bias, y is (n, outputs).
        // y = x·w + b
        // dx += dy·wᵀ,  dw += xᵀ·dy,  db += Σ_rows dy

        /// <summary>
        /// Dense layer y = x·w + b. x is (n, inputs), w is (inputs, outputs), b is (outputs) or empty for a layer without
        /// bias, y is (n, outputs) and must not overlap x, w or b.
        /// </summary>
        public static void Dense(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, int n, int inputs, int outputs)
            => DenseCore(x, w, b, y, n, inputs, outputs);

        /// <inheritdoc cref="Dense(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/>
        public static void Dense(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, Span<double> y, int n, int inputs, int outputs)
            => DenseCore(x, w, b, y, n, inputs, outputs);

        /// <summary>
        /// Backward of <see cref="Dense(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int)"/>:
        /// dx += dy·wᵀ, dw += xᵀ·dy, db += Σ_rows dy; each skipped when its span is empty (db must be empty when b is).
        /// </summary>
        [DerivativeOf(typeof(Nn), nameof(Dense))]
        public static void DenseBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> y, int n, int inputs, int outputs,
            ReadOnlySpan<float> dy, Span<float> dx, Span<float> dw, Span<float> db)
            => DenseBackwardCore(x, w, b, y, n, inputs, outputs, dy, dx, dw, db);

        /// <inheritdoc cref="DenseBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(Dense))]
        public static void DenseBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, ReadOnlySpan<double> y, int n, int inputs, int outputs,
            ReadOnlySpan<double> dy, Span<double> dx, Span<double> dw, Span<double> db)
            => DenseBackwardCore(x, w, b, y, n, inputs, outputs, dy, dx, dw, db);

        /// <summary>DenseBackward that assigns dx = dy·wᵀ (every element written) and accumulates dw and db; generated code calls it for a fresh cotangent.</summary>
        [DerivativeOf(typeof(Nn), nameof(Dense), Assigns = "dx")]
        public static void DenseBackwardAssign(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> y, int n, int inputs, int outputs,
            ReadOnlySpan<float> dy, Span<float> dx, Span<float> dw, Span<float> db)
            => DenseBackwardCore(x, w, b, y, n, inputs, outputs, dy, dx, dw, db, assign: true);

        /// <inheritdoc cref="DenseBackwardAssign(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(Dense), Assigns = "dx")]
        public static void DenseBackwardAssign(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, ReadOnlySpan<double> y, int n, int inputs, int outputs,
            ReadOnlySpan<double> dy, Span<double> dx, Span<double> dw, Span<double> db)
            => DenseBackwardCore(x, w, b, y, n, inputs, outputs, dy, dx, dw, db, assign: true);

        private static void ValidateDense<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, ReadOnlySpan<T> y, int n, int inputs, int outputs)
        {
            NnGuard.Positive(n, nameof(n));
            NnGuard.Positive(inputs, nameof(inputs));
            NnGuard.Positive(outputs, nameof(outputs));
            NnGuard.Length(x.Length, NnGuard.Size(n, inputs), nameof(x), "(n, inputs)");
            NnGuard.Length(w.Length, NnGuard.Size(inputs, outputs), nameof(w), "(inputs, outputs)");
            if (!b.IsEmpty)
            {
                NnGuard.Length(b.Length, outputs, nameof(b), "(outputs) or empty");
            }

            NnGuard.Length(y.Length, NnGuard.Size(n, outputs), nameof(y), "(n, outputs)");
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // loops optimized from the first call: no OSR or tier-up landing inside a timed step
        private static void DenseCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y, int n, int inputs, int outputs)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateDense<T>(x, w, b, y, n, inputs, outputs);
            NnGuard.Disjoint<T>(y, nameof(y), x, nameof(x));
            NnGuard.Disjoint<T>(y, nameof(y), w, nameof(w));
            NnGuard.Disjoint<T>(y, nameof(y), b, nameof(b));
            if (!b.IsEmpty)
            {
                for (int i = 0; i < n; i++)
                {
                    b.CopyTo(y.Slice(i * outputs, outputs));
                }
            }

            Gemm.Run<T>(GemmForm.AB, x, w, y, n, inputs, outputs, !b.IsEmpty, GemmDriver.BestPath, Gemm.MaxThreads);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // loops optimized from the first call: no OSR or tier-up landing inside a timed step
        private static void DenseBackwardCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, ReadOnlySpan<T> y, int n, int inputs, int outputs,
            ReadOnlySpan<T> dy, Span<T> dx, Span<T> dw, Span<T> db, bool assign = false)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateDense(x, w, b, y, n, inputs, outputs);
            NnGuard.Length(dy.Length, NnGuard.Size(n, outputs), nameof(dy), "(n, outputs)");
            NnGuard.Gradient(dx.Length, NnGuard.Size(n, inputs), nameof(dx), "(n, inputs)");
            NnGuard.Gradient(dw.Length, NnGuard.Size(inputs, outputs), nameof(dw), "(inputs, outputs)");
            if (b.IsEmpty)
            {
                NnGuard.Length(db.Length, 0, nameof(db), "empty, as b");
            }
            else
            {
                NnGuard.Gradient(db.Length, outputs, nameof(db), "(outputs)");
            }

            DisjointFromAll<T>(dx, nameof(dx), x, w, b, y, dy);
            DisjointFromAll<T>(dw, nameof(dw), x, w, b, y, dy);
            DisjointFromAll<T>(db, nameof(db), x, w, b, y, dy);
            NnGuard.Disjoint<T>(dw, nameof(dw), dx, nameof(dx));
            NnGuard.Disjoint<T>(db, nameof(db), dx, nameof(dx));
            NnGuard.Disjoint<T>(db, nameof(db), dw, nameof(dw));

            if (!dx.IsEmpty)
            {
                // dx (n, inputs) += dy (n, outputs) · wᵀ, w stored (inputs, outputs); = when assigning
                Gemm.Run<T>(GemmForm.ABt, dy, w, dx, n, outputs, inputs, !assign, GemmDriver.BestPath, Gemm.MaxThreads);
            }

            if (!dw.IsEmpty)
            {
                // dw (inputs, outputs) += xᵀ · dy, x stored (n, inputs)
                Gemm.Run<T>(GemmForm.AtB, x, dy, dw, inputs, n, outputs, true, GemmDriver.BestPath, Gemm.MaxThreads);
            }

            if (!db.IsEmpty)
            {
                for (int i = 0; i < n; i++)
                {
                    TensorPrimitives.Add(db, dy.Slice(i * outputs, outputs), db);
                }
            }
        }

        /// <summary>The written span shares nothing with the forward's four spans or the cotangent (their names, as in the dense signature).</summary>
        private static void DisjointFromAll<T>(ReadOnlySpan<T> written, string writtenName, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, ReadOnlySpan<T> y, ReadOnlySpan<T> dy)
        {
            NnGuard.Disjoint(written, writtenName, x, nameof(x));
            NnGuard.Disjoint(written, writtenName, w, nameof(w));
            NnGuard.Disjoint(written, writtenName, b, nameof(b));
            NnGuard.Disjoint(written, writtenName, y, nameof(y));
            NnGuard.Disjoint(written, writtenName, dy, nameof(dy));
        }
    }
}
