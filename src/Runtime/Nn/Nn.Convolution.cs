using System;
using System.Numerics;
using System.Numerics.Tensors;
using ConvKernel = SymGrad.Conv2D;

namespace SymGrad
{
    public static partial class Nn
    {
        // x is (N, C, H, W), w is (F, C, KH, KW), b is (F) or empty, y is (N, F, OH, OW); geometry in shape.
        // y[n, f, i, j] = b[f] + Σ_c Σ_u Σ_v w[f, c, u, v] · x[n, c, i·s − p + u, j·s − p + v]
        // dx = col2im(wᵀ·dy),  dw += dy·col(x)ᵀ,  db += Σ_n Σ_ij dy[n, f, i, j]
        // ty = conv(tx, w) + conv(x, tw) + tb   (bilinear in x and w, as Dense)

        /// <summary>
        /// 2-D convolution (cross-correlation, as PyTorch) by im2col + GEMM. x is (N, C, H, W), w is (F, C, KH, KW), b is (F)
        /// or empty for no bias, y is (N, F, OH, OW) and must not overlap x, w or b; <paramref name="shape"/> holds the geometry.
        /// </summary>
        public static void Conv2D(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, Conv2DShape shape)
            => Conv2DCore(x, w, b, y, shape);

        /// <inheritdoc cref="Conv2D(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Conv2DShape)"/>
        public static void Conv2D(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, Span<double> y, Conv2DShape shape)
            => Conv2DCore(x, w, b, y, shape);

        /// <summary>Backward of Conv2D: dx += col2im(wᵀ·dy), dw += dy·col(x)ᵀ, db += Σ dy per filter; each skipped when empty (db must be empty when b is).</summary>
        [DerivativeOf(typeof(Nn), nameof(Conv2D))]
        public static void Conv2DBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> y, Conv2DShape shape,
            ReadOnlySpan<float> dy, Span<float> dx, Span<float> dw, Span<float> db)
            => Conv2DBackwardCore(x, w, b, y, shape, dy, dx, dw, db);

        /// <inheritdoc cref="Conv2DBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Conv2DShape, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(Conv2D))]
        public static void Conv2DBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, ReadOnlySpan<double> y, Conv2DShape shape,
            ReadOnlySpan<double> dy, Span<double> dx, Span<double> dw, Span<double> db)
            => Conv2DBackwardCore(x, w, b, y, shape, dy, dx, dw, db);

        /// <summary>Conv2DBackward that assigns dx (every element written) and accumulates dw and db; generated code calls it for a fresh cotangent.</summary>
        [DerivativeOf(typeof(Nn), nameof(Conv2D), Assigns = "dx")]
        public static void Conv2DBackwardAssign(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> y, Conv2DShape shape,
            ReadOnlySpan<float> dy, Span<float> dx, Span<float> dw, Span<float> db)
            => Conv2DBackwardCore(x, w, b, y, shape, dy, dx, dw, db, assign: true);

        /// <inheritdoc cref="Conv2DBackwardAssign(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Conv2DShape, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(Conv2D), Assigns = "dx")]
        public static void Conv2DBackwardAssign(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, ReadOnlySpan<double> y, Conv2DShape shape,
            ReadOnlySpan<double> dy, Span<double> dx, Span<double> dw, Span<double> db)
            => Conv2DBackwardCore(x, w, b, y, shape, dy, dx, dw, db, assign: true);

        /// <summary>
        /// Tangent of Conv2D: y as Conv2D writes it and ty = conv(tx, w) + conv(x, tw) + tb (tb per filter), by the
        /// convolution kernels. An empty tx, tw or tb is zero (tb must be empty when b is); an empty ty is skipped. The
        /// tangents have their primals' shapes; y and ty must not overlap anything read or each other.
        /// </summary>
        [TangentOf(typeof(Nn), nameof(Conv2D))]
        public static void Conv2DTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, Conv2DShape shape,
            ReadOnlySpan<float> tx, ReadOnlySpan<float> tw, ReadOnlySpan<float> tb, Span<float> ty)
            => Conv2DCore(x, w, b, y, shape, tx, tw, tb, ty);

        /// <inheritdoc cref="Conv2DTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Conv2DShape, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(Conv2D))]
        public static void Conv2DTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, Span<double> y, Conv2DShape shape,
            ReadOnlySpan<double> tx, ReadOnlySpan<double> tw, ReadOnlySpan<double> tb, Span<double> ty)
            => Conv2DCore(x, w, b, y, shape, tx, tw, tb, ty);

        private static void ValidateConv2D<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, ReadOnlySpan<T> y, in Conv2DShape shape)
        {
            shape.Validate(nameof(shape));
            NnGuard.Length(x.Length, shape.InputLength, nameof(x), "(N, C, H, W)");
            NnGuard.Length(w.Length, shape.WeightLength, nameof(w), "(F, C, KH, KW)");
            if (!b.IsEmpty)
            {
                NnGuard.Length(b.Length, shape.Filters, nameof(b), "(F) or empty");
            }

            NnGuard.Length(y.Length, shape.OutputLength, nameof(y), "(N, F, OH, OW)");
        }

        /// <summary>The forward, and with tangents given its tangent (all default: the plain forward).</summary>
        private static void Conv2DCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y, in Conv2DShape shape,
            ReadOnlySpan<T> tx = default, ReadOnlySpan<T> tw = default, ReadOnlySpan<T> tb = default, Span<T> ty = default)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateConv2D<T>(x, w, b, y, shape);
            NnGuard.Gradient(tx.Length, shape.InputLength, nameof(tx), "(N, C, H, W)");
            NnGuard.Gradient(tw.Length, shape.WeightLength, nameof(tw), "(F, C, KH, KW)");
            BiasGradient(tb.Length, b.IsEmpty, shape.Filters, nameof(tb), "(F)");
            NnGuard.Gradient(ty.Length, shape.OutputLength, nameof(ty), "(N, F, OH, OW)");
            ValidateTangentWrites<T>(x, w, b, y, tx, tw, tb, ty);

            ConvKernel.ForwardCore(x, w, b, y, shape);
            if (ty.IsEmpty)
            {
                return;
            }

            if (!tx.IsEmpty)
            {
                ConvKernel.ForwardCore(tx, w, tb, ty, shape);
                if (!tw.IsEmpty)
                {
                    // + conv(x, tw): the kernels assign, so this term goes through scratch.
                    Workspace workspace = Workspace.Current;
                    WorkspaceMark mark = workspace.Mark();
                    try
                    {
                        Span<T> term = NnGuard.Rent<T>(workspace, ty.Length);
                        ConvKernel.ForwardCore(x, tw, default, term, shape);
                        TensorPrimitives.Add(ty, term, ty);
                    }
                    finally
                    {
                        workspace.Release(mark);
                    }
                }
            }
            else if (!tw.IsEmpty)
            {
                ConvKernel.ForwardCore(x, tw, tb, ty, shape);
            }
            else if (tb.IsEmpty)
            {
                ty.Clear();
            }
            else
            {
                int plane = shape.OutHeight * shape.OutWidth; // ty[n, f, ·, ·] = tb[f]
                for (int t = 0; t < shape.Batch * shape.Filters; t++)
                {
                    ty.Slice(t * plane, plane).Fill(tb[t % shape.Filters]);
                }
            }
        }

        private static unsafe void Conv2DBackwardCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, ReadOnlySpan<T> y, in Conv2DShape shape,
            ReadOnlySpan<T> dy, Span<T> dx, Span<T> dw, Span<T> db, bool assign = false)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateConv2D(x, w, b, y, shape);
            NnGuard.Length(dy.Length, shape.OutputLength, nameof(dy), "(N, F, OH, OW)");
            NnGuard.Gradient(dx.Length, shape.InputLength, nameof(dx), "(N, C, H, W)");
            NnGuard.Gradient(dw.Length, shape.WeightLength, nameof(dw), "(F, C, KH, KW)");
            BiasGradient(db.Length, b.IsEmpty, shape.Filters, nameof(db), "(F)");

            DisjointFromAll<T>(dx, nameof(dx), x, w, b, y, dy);
            DisjointFromAll<T>(dw, nameof(dw), x, w, b, y, dy);
            DisjointFromAll<T>(db, nameof(db), x, w, b, y, dy);
            NnGuard.Disjoint<T>(dw, nameof(dw), dx, nameof(dx));
            NnGuard.Disjoint<T>(db, nameof(db), dx, nameof(dx));
            NnGuard.Disjoint<T>(db, nameof(db), dw, nameof(dw));

            ConvKernel.BackwardCore(x, w, dy, dx, dw, db, shape, assignDx: assign);
            if (dw.IsEmpty && !db.IsEmpty)
            {
                // Constant filters but a trained bias: db[f] += Σ over images and positions of dy[n, f, ·, ·].
                fixed (T* pdy = dy, pdb = db)
                {
                    Conv2DDirect.AddBiasSums(pdy, pdb, shape, shape.Batch, 0, shape.Filters);
                }
            }
        }

        // x is (N, C, H, W), y is (N, C, OH, OW); a (PH, PW) window moved by the stride, padding never wins.
        // y[n, c, i, j] = max over the window of x;  dx[argmax] += dy[n, c, i, j]
        // The backward finds each arg-max again in x with the forward's own rule (first maximum of the window), so it routes
        // dy to exactly the element the forward picked with no index output; y is only validated.

        /// <summary>2-D max pooling. x is (N, C, H, W), y is (N, C, OH, OW) and must not overlap x; ties go to the first position of the window.</summary>
        public static void MaxPool2D(ReadOnlySpan<float> x, Span<float> y, Pool2DShape shape) => MaxPool2DCore(x, y, default, default, shape);

        /// <inheritdoc cref="MaxPool2D(ReadOnlySpan{float}, Span{float}, Pool2DShape)"/>
        public static void MaxPool2D(ReadOnlySpan<double> x, Span<double> y, Pool2DShape shape) => MaxPool2DCore(x, y, default, default, shape);

        /// <summary>Backward of MaxPool2D: dx[argmax of each window] += dy, the arg-max recomputed from x by the forward's rule; skipped when dx is empty.</summary>
        [DerivativeOf(typeof(Nn), nameof(MaxPool2D))]
        public static void MaxPool2DBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Pool2DShape shape, ReadOnlySpan<float> dy, Span<float> dx)
            => MaxPool2DBackwardCore(x, y, shape, dy, dx);

        /// <inheritdoc cref="MaxPool2DBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, Pool2DShape, ReadOnlySpan{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(MaxPool2D))]
        public static void MaxPool2DBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Pool2DShape shape, ReadOnlySpan<double> dy, Span<double> dx)
            => MaxPool2DBackwardCore(x, y, shape, dy, dx);

        /// <summary>MaxPool2DBackward that assigns: dx = dy routed to each window's arg-max, zeros elsewhere; generated code calls it for a fresh cotangent.</summary>
        [DerivativeOf(typeof(Nn), nameof(MaxPool2D), Assigns = "dx")]
        public static void MaxPool2DBackwardAssign(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Pool2DShape shape, ReadOnlySpan<float> dy, Span<float> dx)
            => MaxPool2DBackwardCore(x, y, shape, dy, dx, assign: true);

        /// <inheritdoc cref="MaxPool2DBackwardAssign(ReadOnlySpan{float}, ReadOnlySpan{float}, Pool2DShape, ReadOnlySpan{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(MaxPool2D), Assigns = "dx")]
        public static void MaxPool2DBackwardAssign(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Pool2DShape shape, ReadOnlySpan<double> dy, Span<double> dx)
            => MaxPool2DBackwardCore(x, y, shape, dy, dx, assign: true);

        /// <summary>
        /// Tangent of MaxPool2D: y as MaxPool2D writes it and ty = tx at each window's arg-max (the element the forward and the
        /// backward pick: the first maximum). tx is (N, C, H, W), empty for zero; ty is (N, C, OH, OW), empty when not wanted.
        /// </summary>
        [TangentOf(typeof(Nn), nameof(MaxPool2D))]
        public static void MaxPool2DTangent(ReadOnlySpan<float> x, Span<float> y, Pool2DShape shape, ReadOnlySpan<float> tx, Span<float> ty)
            => MaxPool2DCore(x, y, default, default, shape, tx: tx, ty: ty);

        /// <inheritdoc cref="MaxPool2DTangent(ReadOnlySpan{float}, Span{float}, Pool2DShape, ReadOnlySpan{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(MaxPool2D))]
        public static void MaxPool2DTangent(ReadOnlySpan<double> x, Span<double> y, Pool2DShape shape, ReadOnlySpan<double> tx, Span<double> ty)
            => MaxPool2DCore(x, y, default, default, shape, tx: tx, ty: ty);

        // ReLU then max pooling, fused: the ReLU is monotone, so max(0, max of a window) = max of the window's ReLUs, the
        // same element wins, and y is the composition's bit for bit. One pass reads x and writes y: the ReLU's own output
        // (as large as x) is never written, and the backward writes dx straight from dy, with no pooled-gradient buffer.
        // y[n, c, i, j] = max(0, max over the window of x);  dx[argmax] += dy[n, c, i, j] where that maximum is > 0

        /// <summary>
        /// <c>MaxPool2D(Relu(x))</c> in one pass: y = max(0, the window maximum), the same values as the two calls (ties to
        /// the first position) without writing the ReLU's output. x is (N, C, H, W), y is (N, C, OH, OW) and must not overlap x.
        /// </summary>
        public static void ReluMaxPool2D(ReadOnlySpan<float> x, Span<float> y, Pool2DShape shape) => MaxPool2DCore(x, y, default, default, shape, relu: true);

        /// <inheritdoc cref="ReluMaxPool2D(ReadOnlySpan{float}, Span{float}, Pool2DShape)"/>
        public static void ReluMaxPool2D(ReadOnlySpan<double> x, Span<double> y, Pool2DShape shape) => MaxPool2DCore(x, y, default, default, shape, relu: true);

        /// <summary>Backward of ReluMaxPool2D: dx[argmax of each window] += dy where the window's maximum is positive (the ReLU's sub-gradient 0 at 0); skipped when dx is empty.</summary>
        [DerivativeOf(typeof(Nn), nameof(ReluMaxPool2D))]
        public static void ReluMaxPool2DBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Pool2DShape shape, ReadOnlySpan<float> dy, Span<float> dx)
            => MaxPool2DBackwardCore(x, y, shape, dy, dx, relu: true);

        /// <inheritdoc cref="ReluMaxPool2DBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, Pool2DShape, ReadOnlySpan{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(ReluMaxPool2D))]
        public static void ReluMaxPool2DBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Pool2DShape shape, ReadOnlySpan<double> dy, Span<double> dx)
            => MaxPool2DBackwardCore(x, y, shape, dy, dx, relu: true);

        /// <summary>ReluMaxPool2DBackward that assigns: dx = dy routed to each positive window's arg-max, zeros elsewhere; generated code calls it for a fresh cotangent.</summary>
        [DerivativeOf(typeof(Nn), nameof(ReluMaxPool2D), Assigns = "dx")]
        public static void ReluMaxPool2DBackwardAssign(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Pool2DShape shape, ReadOnlySpan<float> dy, Span<float> dx)
            => MaxPool2DBackwardCore(x, y, shape, dy, dx, assign: true, relu: true);

        /// <inheritdoc cref="ReluMaxPool2DBackwardAssign(ReadOnlySpan{float}, ReadOnlySpan{float}, Pool2DShape, ReadOnlySpan{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(ReluMaxPool2D), Assigns = "dx")]
        public static void ReluMaxPool2DBackwardAssign(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Pool2DShape shape, ReadOnlySpan<double> dy, Span<double> dx)
            => MaxPool2DBackwardCore(x, y, shape, dy, dx, assign: true, relu: true);

        /// <summary>
        /// Tangent of ReluMaxPool2D: y as ReluMaxPool2D writes it and ty = tx at each window's arg-max where that maximum is
        /// positive, 0 elsewhere (the ReLU's 0 at 0, as the backward). tx empty is zero; ty empty is not wanted.
        /// </summary>
        [TangentOf(typeof(Nn), nameof(ReluMaxPool2D))]
        public static void ReluMaxPool2DTangent(ReadOnlySpan<float> x, Span<float> y, Pool2DShape shape, ReadOnlySpan<float> tx, Span<float> ty)
            => MaxPool2DCore(x, y, default, default, shape, relu: true, tx: tx, ty: ty);

        /// <inheritdoc cref="ReluMaxPool2DTangent(ReadOnlySpan{float}, Span{float}, Pool2DShape, ReadOnlySpan{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(ReluMaxPool2D))]
        public static void ReluMaxPool2DTangent(ReadOnlySpan<double> x, Span<double> y, Pool2DShape shape, ReadOnlySpan<double> tx, Span<double> ty)
            => MaxPool2DCore(x, y, default, default, shape, relu: true, tx: tx, ty: ty);

        private static void ValidateMaxPool<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, in Pool2DShape shape)
        {
            shape.Validate(nameof(shape));
            NnGuard.Length(x.Length, shape.InputLength, nameof(x), "(N, C, H, W)");
            NnGuard.Length(y.Length, shape.OutputLength, nameof(y), "(N, C, OH, OW)");
        }

        private static void MaxPool2DBackwardCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, in Pool2DShape shape, ReadOnlySpan<T> dy, Span<T> dx, bool assign = false, bool relu = false)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateMaxPool(x, y, shape);
            NnGuard.Length(dy.Length, shape.OutputLength, nameof(dy), "(N, C, OH, OW)");
            NnGuard.Gradient(dx.Length, shape.InputLength, nameof(dx), "(N, C, H, W)");
            NnGuard.Disjoint<T>(dx, nameof(dx), x, nameof(x));
            NnGuard.Disjoint<T>(dx, nameof(dx), y, nameof(y));
            NnGuard.Disjoint<T>(dx, nameof(dx), dy, nameof(dy));
            if (!dx.IsEmpty)
            {
                MaxPool2DCore(x, default, dy, dx, shape, assign, relu);
            }
        }

        /// <summary>
        /// One sweep over the windows, shared so the forward, the backward and the tangent pick the same arg-max. Forward
        /// (dx empty): y = the window maximum, the first on ties, and, when ty is not empty, its tangent ty = tx at that
        /// element (tx empty: ty cleared). Backward (dx not empty, y unused): dx[arg-max] += dy. With <paramref name="relu"/>,
        /// a ReLU follows: y = max(that, 0) (IEEE maximum, as <see cref="Relu(ReadOnlySpan{float}, Span{float})"/>), and dy
        /// reaches, and ty is taken from, only windows whose maximum is positive.
        /// </summary>
        private static unsafe void MaxPool2DCore<T>(ReadOnlySpan<T> x, Span<T> y, ReadOnlySpan<T> dy, Span<T> dx, in Pool2DShape shape, bool assign = false, bool relu = false,
            ReadOnlySpan<T> tx = default, Span<T> ty = default)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            bool forward = dx.IsEmpty;
            if (forward)
            {
                ValidateMaxPool<T>(x, y, shape);
                NnGuard.Gradient(tx.Length, shape.InputLength, nameof(tx), "(N, C, H, W)");
                NnGuard.Gradient(ty.Length, shape.OutputLength, nameof(ty), "(N, C, OH, OW)");
                DisjointWrites(x, y, tx, ty);
                if (!TangentWanted(tx, ty))
                {
                    ty = default;
                }
            }

            Pool2DShape s = shape;
            if (MaxPool2x2.Supports(s))
            {
                fixed (T* px = x, py = y, pdy = dy, pdx = dx, ptx = tx, pty = ty)
                {
                    if (forward)
                    {
                        MaxPool2x2.Forward(px, py, s, relu, ptx, pty);
                    }
                    else
                    {
                        MaxPool2x2.Backward(px, pdy, pdx, s, assign, relu);
                    }
                }

                return;
            }

            if (assign)
            {
                dx.Clear(); // the window scan routes by +=
            }

            int oh = s.OutHeight, ow = s.OutWidth, hw = s.Height * s.Width;
            for (int plane = 0; plane < s.Batch * s.Channels; plane++)
            {
                ReadOnlySpan<T> xp = x.Slice(plane * hw, hw);
                int outBase = plane * oh * ow;
                for (int i = 0; i < oh; i++)
                {
                    for (int j = 0; j < ow; j++)
                    {
                        int best = SymGrad.MaxPool2D.WindowArgMax(xp, s, i, j);
                        T max = xp[best];
                        int t = outBase + (i * ow) + j;
                        if (forward)
                        {
                            y[t] = relu ? T.Max(max, T.Zero) : max;
                            if (!ty.IsEmpty)
                            {
                                ty[t] = !relu || max > T.Zero ? tx[(plane * hw) + best] : T.Zero;
                            }
                        }
                        else if (!relu || max > T.Zero)
                        {
                            dx[(plane * hw) + best] += dy[t];
                        }
                    }
                }
            }
        }
    }
}
