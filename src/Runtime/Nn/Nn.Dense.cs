using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace SymGrad
{
    /// <summary>
    /// Differentiable neural-network primitives over row-major spans, callable from <c>[Differentiable]</c> code: each
    /// forward is a plain static method (a float and a double overload) over the SIMD kernels, and each has a hand-written
    /// backward registered with <c>[DerivativeOf]</c> whose signature is the <c>…Backward</c> SymGrad would generate, and a
    /// forward mode registered with <c>[TangentOf]</c> whose signature is the <c>…Tangent</c> it would generate (the forward's
    /// outputs written as the forward writes them, an empty input tangent zero, an empty output tangent not computed).
    /// Backwards accumulate (+=) into every non-empty gradient; an empty gradient span means the caller's input is a
    /// constant and its gradient is skipped. Every call validates sizes, lengths and overlaps before it writes anything,
    /// and a steady-state call allocates nothing (scratch comes from <see cref="Workspace.Current"/>).
    /// </summary>
    public static partial class Nn
    {
        // x is (n, inputs), w is (inputs, outputs), b is (outputs) or empty for no bias, y is (n, outputs).
        // y = x·w + b
        // dx += dy·wᵀ,  dw += xᵀ·dy,  db += Σ_rows dy
        // ty = tx·w + x·tw + tb   (bilinear in x and w; tb broadcast over the rows)

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

        /// <summary>
        /// Tangent of Dense: y as Dense writes it and ty = tx·w + x·tw + tb (tb broadcast over the rows), by the GEMM kernels.
        /// An empty tx, tw or tb is zero (tb must be empty when b is); an empty ty is skipped. tx is (n, inputs), tw
        /// (inputs, outputs), tb (outputs), ty (n, outputs); y and ty must not overlap anything read or each other.
        /// </summary>
        [TangentOf(typeof(Nn), nameof(Dense))]
        public static void DenseTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, int n, int inputs, int outputs,
            ReadOnlySpan<float> tx, ReadOnlySpan<float> tw, ReadOnlySpan<float> tb, Span<float> ty)
            => DenseCore(x, w, b, y, n, inputs, outputs, tx, tw, tb, ty);

        /// <inheritdoc cref="DenseTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(Dense))]
        public static void DenseTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, Span<double> y, int n, int inputs, int outputs,
            ReadOnlySpan<double> tx, ReadOnlySpan<double> tw, ReadOnlySpan<double> tb, Span<double> ty)
            => DenseCore(x, w, b, y, n, inputs, outputs, tx, tw, tb, ty);

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

        /// <summary>The forward, and with tangents given its tangent (all default: the plain forward).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // loops optimized from the first call: no OSR or tier-up landing inside a timed step
        private static void DenseCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y, int n, int inputs, int outputs,
            ReadOnlySpan<T> tx = default, ReadOnlySpan<T> tw = default, ReadOnlySpan<T> tb = default, Span<T> ty = default)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateDense<T>(x, w, b, y, n, inputs, outputs);
            NnGuard.Gradient(tx.Length, NnGuard.Size(n, inputs), nameof(tx), "(n, inputs)");
            NnGuard.Gradient(tw.Length, NnGuard.Size(inputs, outputs), nameof(tw), "(inputs, outputs)");
            BiasGradient(tb.Length, b.IsEmpty, outputs, nameof(tb), "(outputs)");
            NnGuard.Gradient(ty.Length, NnGuard.Size(n, outputs), nameof(ty), "(n, outputs)");
            ValidateTangentWrites<T>(x, w, b, y, tx, tw, tb, ty);

            DenseAffine(x, w, b, y, n, inputs, outputs);
            DenseTangentPart(x, w, tx, tw, tb, ty, n, inputs, outputs);
        }

        /// <summary>ty = tx·w + x·tw + tb (tb broadcast over the rows; an empty tx, tw or tb zero), unless ty is empty: Dense's tangent, its sizes checked.</summary>
        private static void DenseTangentPart<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> tx, ReadOnlySpan<T> tw, ReadOnlySpan<T> tb, Span<T> ty, int n, int inputs, int outputs)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (ty.IsEmpty)
            {
                return;
            }

            if (!tx.IsEmpty)
            {
                DenseAffine(tx, w, tb, ty, n, inputs, outputs);
                if (!tw.IsEmpty)
                {
                    Gemm.Run<T>(GemmForm.AB, x, tw, ty, n, inputs, outputs, true, GemmDriver.BestPath, Gemm.MaxThreads);
                }
            }
            else if (!tw.IsEmpty)
            {
                DenseAffine(x, tw, tb, ty, n, inputs, outputs);
            }
            else
            {
                BroadcastRows(tb, ty, n, outputs);
            }
        }

        /// <summary>result (n, outputs) = a (n, inputs) · m (inputs, outputs) + bias, the bias (outputs, or empty for none) broadcast over the rows.</summary>
        private static void DenseAffine<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> m, ReadOnlySpan<T> bias, Span<T> result, int n, int inputs, int outputs)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            BroadcastRows(bias, result, n, outputs);
            Gemm.Run<T>(GemmForm.AB, a, m, result, n, inputs, outputs, !bias.IsEmpty, GemmDriver.BestPath, Gemm.MaxThreads);
        }

        /// <summary>Every row of result (rows, length) = bias; zeros when the bias is empty (the GEMM that follows then assigns).</summary>
        private static void BroadcastRows<T>(ReadOnlySpan<T> bias, Span<T> result, int rows, int length)
        {
            if (bias.IsEmpty)
            {
                result.Clear();
                return;
            }

            for (int i = 0; i < rows; i++)
            {
                bias.CopyTo(result.Slice(i * length, length));
            }
        }

        /// <summary>A bias's gradient or tangent: empty when the bias is (no bias), else empty or <paramref name="length"/> long.</summary>
        private static void BiasGradient(int actual, bool biasEmpty, int length, string name, string shape)
        {
            if (biasEmpty)
            {
                NnGuard.Length(actual, 0, name, "empty, as b");
            }
            else
            {
                NnGuard.Gradient(actual, length, name, shape);
            }
        }

        /// <summary>
        /// For a three-input forward with a tangent: y and ty share nothing with what the call reads (the primal inputs and
        /// their tangents, named as in the Dense and Conv2D signatures unless other names are given) nor with each other.
        /// </summary>
        private static void ValidateTangentWrites<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, ReadOnlySpan<T> y,
            ReadOnlySpan<T> tx, ReadOnlySpan<T> tw, ReadOnlySpan<T> tb, ReadOnlySpan<T> ty, string wName = "w", string bName = "b", string twName = "tw", string tbName = "tb")
        {
            NnGuard.Disjoint(y, nameof(y), x, nameof(x), w, wName, b, bName);
            NnGuard.Disjoint(y, nameof(y), tx, nameof(tx), tw, twName, tb, tbName);
            NnGuard.Disjoint(ty, nameof(ty), x, nameof(x), w, wName, b, bName);
            NnGuard.Disjoint(ty, nameof(ty), tx, nameof(tx), tw, twName, tb, tbName);
            NnGuard.Disjoint(ty, nameof(ty), y, nameof(y));
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
            BiasGradient(db.Length, b.IsEmpty, outputs, nameof(db), "(outputs)");

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
