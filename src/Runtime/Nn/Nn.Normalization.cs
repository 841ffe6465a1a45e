using System;
using System.Runtime.CompilerServices;
using System.Numerics;
using System.Numerics.Tensors;

namespace SymGrad
{
    public static partial class Nn
    {
        // x and h are (rows, d).
        // h_ri = x_ri − (1/d) Σ_k x_rk
        // ∂L/∂x_ri += ∂L/∂h_ri − (1/d) Σ_k ∂L/∂h_rk
        // ḣ_ri = ẋ_ri − (1/d) Σ_k ẋ_rk   (linear: the tangent is the map itself)

        /// <summary>Mean subtraction per row: h_ri = x_ri − (1/d) Σ_k x_rk. x and h are (rows, d); h must not overlap x.</summary>
        public static void MeanSubtract(ReadOnlySpan<float> x, Span<float> h, int rows, int d) => MeanSubtractCore(x, h, rows, d);

        /// <inheritdoc cref="MeanSubtract(ReadOnlySpan{float}, Span{float}, int, int)"/>
        public static void MeanSubtract(ReadOnlySpan<double> x, Span<double> h, int rows, int d) => MeanSubtractCore(x, h, rows, d);

        /// <summary>Backward of MeanSubtract: dx_ri += dh_ri − (1/d) Σ_k dh_rk; skipped when dx is empty.</summary>
        [DerivativeOf(typeof(Nn), nameof(MeanSubtract))]
        public static void MeanSubtractBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> h, int rows, int d, ReadOnlySpan<float> dh, Span<float> dx)
            => MeanSubtractBackwardCore(x, h, rows, d, dh, dx);

        /// <inheritdoc cref="MeanSubtractBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(MeanSubtract))]
        public static void MeanSubtractBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> h, int rows, int d, ReadOnlySpan<double> dh, Span<double> dx)
            => MeanSubtractBackwardCore(x, h, rows, d, dh, dx);

        /// <summary>Tangent of MeanSubtract, which is linear: h as MeanSubtract writes it and th = MeanSubtract(tx). An empty tx is zero; an empty th is skipped.</summary>
        [TangentOf(typeof(Nn), nameof(MeanSubtract))]
        public static void MeanSubtractTangent(ReadOnlySpan<float> x, Span<float> h, int rows, int d, ReadOnlySpan<float> tx, Span<float> th)
            => MeanSubtractCore(x, h, rows, d, tx, th);

        /// <inheritdoc cref="MeanSubtractTangent(ReadOnlySpan{float}, Span{float}, int, int, ReadOnlySpan{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(MeanSubtract))]
        public static void MeanSubtractTangent(ReadOnlySpan<double> x, Span<double> h, int rows, int d, ReadOnlySpan<double> tx, Span<double> th)
            => MeanSubtractCore(x, h, rows, d, tx, th);

        private static void ValidateRows<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> h, int rows, int d)
        {
            NnGuard.Positive(rows, nameof(rows));
            NnGuard.Positive(d, nameof(d));
            NnGuard.Length(x.Length, NnGuard.Size(rows, d), nameof(x), "(rows, d)");
            NnGuard.Length(h.Length, NnGuard.Size(rows, d), nameof(h), "(rows, d)");
        }

        /// <summary>The forward, and with tangents given its tangent (both default: the plain forward).</summary>
        private static void MeanSubtractCore<T>(ReadOnlySpan<T> x, Span<T> h, int rows, int d, ReadOnlySpan<T> tx = default, Span<T> th = default)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateRows<T>(x, h, rows, d);
            NnGuard.Gradient(tx.Length, NnGuard.Size(rows, d), nameof(tx), "(rows, d)");
            NnGuard.Gradient(th.Length, NnGuard.Size(rows, d), nameof(th), "(rows, d)");
            DisjointWrites(x, h, tx, th, nameof(h), nameof(th));
            SubtractRowMeans(x, h, rows, d);
            if (TangentWanted(tx, th))
            {
                SubtractRowMeans(tx, th, rows, d);
            }
        }

        /// <summary>h = x with each row's mean subtracted, the rows shared between both cores.</summary>
        private static unsafe void SubtractRowMeans<T>(ReadOnlySpan<T> x, Span<T> h, int rows, int d)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            fixed (T* px = x, ph = h)
            {
                // One pass over memory: a row (d elements) is summed, then subtracted while it is still in L1.
                var job = new MeanSubtractJob<T> { Source = px, Destination = ph, D = d };
                RowSplit.Run(&job, rows, 2L * rows * d, &MeanSubtractRows<T>);
            }
        }

        /// <summary>The pointers of one MeanSubtract/MeanSubtractBackward call, for <see cref="RowSplit"/> (the caller keeps them pinned).</summary>
        private unsafe struct MeanSubtractJob<T>
            where T : unmanaged
        {
            public T* Source;
            public T* Destination;
            public int D;
        }

        /// <summary>h_r = x_r − mean(x_r) for rows [r0, r1).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimized from the first call: no tier-0 loops or late tier-ups inside a timed step
        private static unsafe void MeanSubtractRows<T>(void* jobPointer, int r0, int r1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref MeanSubtractJob<T> job = ref *(MeanSubtractJob<T>*)jobPointer;
            int d = job.D;
            T count = T.CreateTruncating(d);
            for (int r = r0; r < r1; r++)
            {
                var xr = new ReadOnlySpan<T>(job.Source + ((nint)r * d), d);
                TensorPrimitives.Subtract(xr, TensorPrimitives.Sum(xr) / count, new Span<T>(job.Destination + ((nint)r * d), d));
            }
        }

        /// <summary>dx_r += dh_r − mean(dh_r) for rows [r0, r1).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimized from the first call: no tier-0 loops or late tier-ups inside a timed step
        private static unsafe void MeanSubtractBackwardRows<T>(void* jobPointer, int r0, int r1)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ref MeanSubtractJob<T> job = ref *(MeanSubtractJob<T>*)jobPointer;
            int d = job.D;
            T count = T.CreateTruncating(d);
            for (int r = r0; r < r1; r++)
            {
                var dhr = new ReadOnlySpan<T>(job.Source + ((nint)r * d), d);
                var dxr = new Span<T>(job.Destination + ((nint)r * d), d);
                T mean = TensorPrimitives.Sum(dhr) / count;
                TensorPrimitives.Add(dxr, dhr, dxr);
                TensorPrimitives.Subtract(dxr, mean, dxr);
            }
        }

        private static void MeanSubtractBackwardCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> h, int rows, int d, ReadOnlySpan<T> dh, Span<T> dx)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateRows(x, h, rows, d);
            NnGuard.Length(dh.Length, NnGuard.Size(rows, d), nameof(dh), "(rows, d)");
            NnGuard.Gradient(dx.Length, NnGuard.Size(rows, d), nameof(dx), "(rows, d)");
            NnGuard.Disjoint<T>(dx, nameof(dx), x, nameof(x));
            NnGuard.Disjoint<T>(dx, nameof(dx), h, nameof(h));
            NnGuard.Disjoint<T>(dx, nameof(dx), dh, nameof(dh));
            if (dx.IsEmpty)
            {
                return;
            }

            unsafe
            {
                fixed (T* pdh = dh, pdx = dx)
                {
                    var job = new MeanSubtractJob<T> { Source = pdh, Destination = pdx, D = d };
                    RowSplit.Run(&job, rows, 3L * rows * d, &MeanSubtractBackwardRows<T>);
                }
            }
        }

        // x and y are (n, d); gamma and beta are (d); training mode: statistics per feature j over the batch.
        // μ_j = (1/n) Σ_i x_ij,  σ²_j = (1/n) Σ_i (x_ij − μ_j)²,  x̂_ij = (x_ij − μ_j)/√(σ²_j + ε),  y_ij = γ_j·x̂_ij + β_j
        // ∂L/∂β_j += Σ_i dy_ij                      (term 1)
        // ∂L/∂γ_j += Σ_i dy_ij·x̂_ij                 (term 2)
        // ∂L/∂x_ij += γ_j/(n√(σ²_j + ε))·(n·dy_ij − Σ_k dy_kj − x̂_ij·Σ_k dy_kj·x̂_kj)   (term 3)
        // ẏ_ij = γ̇_j·x̂_ij + β̇_j + γ_j/√(σ²_j + ε)·(ẋ_ij − mean_k ẋ_kj − x̂_ij·mean_k ẋ_kj·x̂_kj)   (the tangent; ε a constant)

        /// <summary>
        /// Batch normalisation, training mode: each feature j of x (n, d) is normalised with its mean and (biased) variance
        /// over the n rows, then scaled by gamma_j and shifted by beta_j (gamma, beta are (d)); eps ≥ 0 is a constant. y is
        /// (n, d) and must not overlap x, gamma or beta.
        /// </summary>
        public static void BatchNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, int n, int d, [NoDerivative] float eps)
            => BatchNormCore(x, gamma, beta, y, n, d, eps);

        /// <inheritdoc cref="BatchNorm(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, float)"/>
        public static void BatchNorm(ReadOnlySpan<double> x, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta, Span<double> y, int n, int d, [NoDerivative] double eps)
            => BatchNormCore(x, gamma, beta, y, n, d, eps);

        /// <summary>Backward of BatchNorm (the three terms above, statistics recomputed from x); each empty gradient is skipped.</summary>
        [DerivativeOf(typeof(Nn), nameof(BatchNorm))]
        public static void BatchNormBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> y, int n, int d, [NoDerivative] float eps,
            ReadOnlySpan<float> dy, Span<float> dx, Span<float> dgamma, Span<float> dbeta)
            => BatchNormBackwardCore(x, gamma, beta, y, n, d, eps, dy, dx, dgamma, dbeta);

        /// <inheritdoc cref="BatchNormBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, float, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>
        [DerivativeOf(typeof(Nn), nameof(BatchNorm))]
        public static void BatchNormBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta, ReadOnlySpan<double> y, int n, int d, [NoDerivative] double eps,
            ReadOnlySpan<double> dy, Span<double> dx, Span<double> dgamma, Span<double> dbeta)
            => BatchNormBackwardCore(x, gamma, beta, y, n, d, eps, dy, dx, dgamma, dbeta);

        /// <summary>
        /// Tangent of BatchNorm (eps a constant, no tangent): y as BatchNorm writes it and ty = tgamma·x̂ + tbeta + γ/√(σ² + ε)·(tx −
        /// mean(tx) − x̂·mean(tx·x̂)), means over the n rows per feature. An empty tx, tgamma or tbeta is zero; an empty ty is skipped.
        /// </summary>
        [TangentOf(typeof(Nn), nameof(BatchNorm))]
        public static void BatchNormTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y, int n, int d, [NoDerivative] float eps,
            ReadOnlySpan<float> tx, ReadOnlySpan<float> tgamma, ReadOnlySpan<float> tbeta, Span<float> ty)
            => BatchNormCore(x, gamma, beta, y, n, d, eps, tx, tgamma, tbeta, ty);

        /// <inheritdoc cref="BatchNormTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, float, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(BatchNorm))]
        public static void BatchNormTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta, Span<double> y, int n, int d, [NoDerivative] double eps,
            ReadOnlySpan<double> tx, ReadOnlySpan<double> tgamma, ReadOnlySpan<double> tbeta, Span<double> ty)
            => BatchNormCore(x, gamma, beta, y, n, d, eps, tx, tgamma, tbeta, ty);

        private static void ValidateBatchNorm<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, ReadOnlySpan<T> y, int n, int d, T eps)
            where T : IFloatingPointIeee754<T>
        {
            NnGuard.Positive(n, nameof(n));
            NnGuard.Positive(d, nameof(d));
            if (!(eps >= T.Zero) || T.IsInfinity(eps))
            {
                throw new ArgumentOutOfRangeException(nameof(eps), eps, "'eps' must be finite and not negative.");
            }

            NnGuard.Length(x.Length, NnGuard.Size(n, d), nameof(x), "(n, d)");
            NnGuard.Length(gamma.Length, d, nameof(gamma), "(d)");
            NnGuard.Length(beta.Length, d, nameof(beta), "(d)");
            NnGuard.Length(y.Length, NnGuard.Size(n, d), nameof(y), "(n, d)");
        }

        /// <summary>mean (d) and inv = 1/√(σ² + ε) (d) of x's columns, two passes over the rows; tmp is a (d) scratch row.</summary>
        private static void BatchStatistics<T>(ReadOnlySpan<T> x, int n, int d, T eps, Span<T> mean, Span<T> inv, Span<T> tmp)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            mean.Clear();
            inv.Clear();
            for (int i = 0; i < n; i++)
            {
                TensorPrimitives.Add(mean, x.Slice(i * d, d), mean);
            }

            T count = T.CreateTruncating(n);
            TensorPrimitives.Divide(mean, count, mean);
            for (int i = 0; i < n; i++)
            {
                TensorPrimitives.Subtract(x.Slice(i * d, d), mean, tmp);
                TensorPrimitives.FusedMultiplyAdd(tmp, tmp, inv, inv);
            }

            // inv = 1/√(Σ/n + ε)
            TensorPrimitives.Divide(inv, count, inv);
            TensorPrimitives.Add(inv, eps, inv);
            TensorPrimitives.ReciprocalSqrt(inv, inv);
        }

        /// <summary>The forward, and with tangents given its tangent (all default: the plain forward).</summary>
        private static void BatchNormCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, Span<T> y, int n, int d, T eps,
            ReadOnlySpan<T> tx = default, ReadOnlySpan<T> tgamma = default, ReadOnlySpan<T> tbeta = default, Span<T> ty = default)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateBatchNorm<T>(x, gamma, beta, y, n, d, eps);
            NnGuard.Gradient(tx.Length, NnGuard.Size(n, d), nameof(tx), "(n, d)");
            NnGuard.Gradient(tgamma.Length, d, nameof(tgamma), "(d)");
            NnGuard.Gradient(tbeta.Length, d, nameof(tbeta), "(d)");
            NnGuard.Gradient(ty.Length, NnGuard.Size(n, d), nameof(ty), "(n, d)");
            ValidateTangentWrites<T>(x, gamma, beta, y, tx, tgamma, tbeta, ty, nameof(gamma), nameof(beta), nameof(tgamma), nameof(tbeta));
            Workspace workspace = Workspace.Current;
            WorkspaceMark mark = workspace.Mark();
            try
            {
                Span<T> mean = NnGuard.Rent<T>(workspace, d), inv = NnGuard.Rent<T>(workspace, d), tmp = NnGuard.Rent<T>(workspace, d);
                Span<T> scale = NnGuard.Rent<T>(workspace, d);
                BatchStatistics(x, n, d, eps, mean, inv, tmp);
                TensorPrimitives.Multiply(inv, gamma, scale); // γ_j/√(σ²_j + ε)
                for (int i = 0; i < n; i++)
                {
                    Span<T> yi = y.Slice(i * d, d);
                    TensorPrimitives.Subtract(x.Slice(i * d, d), mean, yi);
                    TensorPrimitives.FusedMultiplyAdd(yi, scale, beta, yi);
                }

                if (!ty.IsEmpty)
                {
                    BatchNormTangentRows(x, n, d, mean, inv, scale, tx, tgamma, tbeta, ty, workspace);
                }
            }
            finally
            {
                workspace.Release(mark);
            }
        }

        /// <summary>ty from the batch statistics (mean, inv = 1/√(σ² + ε), scale = γ·inv), each empty tangent a zero term.</summary>
        private static void BatchNormTangentRows<T>(ReadOnlySpan<T> x, int n, int d, ReadOnlySpan<T> mean, ReadOnlySpan<T> inv, ReadOnlySpan<T> scale,
            ReadOnlySpan<T> tx, ReadOnlySpan<T> tgamma, ReadOnlySpan<T> tbeta, Span<T> ty, Workspace workspace)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Span<T> xhat = NnGuard.Rent<T>(workspace, d), meanTx = NnGuard.Rent<T>(workspace, d), meanTxXhat = NnGuard.Rent<T>(workspace, d);
            T count = T.CreateTruncating(n);
            if (!tx.IsEmpty)
            {
                // mean_k ẋ_kj and mean_k ẋ_kj·x̂_kj
                for (int i = 0; i < n; i++)
                {
                    ReadOnlySpan<T> txi = tx.Slice(i * d, d);
                    TensorPrimitives.Subtract(x.Slice(i * d, d), mean, xhat);
                    TensorPrimitives.Multiply(xhat, inv, xhat);
                    TensorPrimitives.Add(meanTx, txi, meanTx);
                    TensorPrimitives.FusedMultiplyAdd(txi, xhat, meanTxXhat, meanTxXhat);
                }

                TensorPrimitives.Divide(meanTx, count, meanTx);
                TensorPrimitives.Divide(meanTxXhat, count, meanTxXhat);
            }

            for (int i = 0; i < n; i++)
            {
                Span<T> tyi = ty.Slice(i * d, d);
                TensorPrimitives.Subtract(x.Slice(i * d, d), mean, xhat);
                TensorPrimitives.Multiply(xhat, inv, xhat);
                if (tx.IsEmpty)
                {
                    tyi.Clear();
                }
                else
                {
                    // scale·(ẋ − mean ẋ − x̂·mean(ẋ·x̂))
                    TensorPrimitives.Multiply(xhat, meanTxXhat, tyi);
                    TensorPrimitives.Subtract(tx.Slice(i * d, d), tyi, tyi);
                    TensorPrimitives.Subtract(tyi, meanTx, tyi);
                    TensorPrimitives.Multiply(tyi, scale, tyi);
                }

                if (!tgamma.IsEmpty)
                {
                    TensorPrimitives.FusedMultiplyAdd(tgamma, xhat, tyi, tyi);
                }

                if (!tbeta.IsEmpty)
                {
                    TensorPrimitives.Add(tyi, tbeta, tyi);
                }
            }
        }

        private static void BatchNormBackwardCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, ReadOnlySpan<T> y, int n, int d, T eps,
            ReadOnlySpan<T> dy, Span<T> dx, Span<T> dgamma, Span<T> dbeta)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ValidateBatchNorm(x, gamma, beta, y, n, d, eps);
            NnGuard.Length(dy.Length, NnGuard.Size(n, d), nameof(dy), "(n, d)");
            NnGuard.Gradient(dx.Length, NnGuard.Size(n, d), nameof(dx), "(n, d)");
            NnGuard.Gradient(dgamma.Length, d, nameof(dgamma), "(d)");
            NnGuard.Gradient(dbeta.Length, d, nameof(dbeta), "(d)");
            BatchNormDisjoint<T>(dx, nameof(dx), x, gamma, beta, y, dy);
            BatchNormDisjoint<T>(dgamma, nameof(dgamma), x, gamma, beta, y, dy);
            BatchNormDisjoint<T>(dbeta, nameof(dbeta), x, gamma, beta, y, dy);
            NnGuard.Disjoint<T>(dgamma, nameof(dgamma), dx, nameof(dx));
            NnGuard.Disjoint<T>(dbeta, nameof(dbeta), dx, nameof(dx));
            NnGuard.Disjoint<T>(dbeta, nameof(dbeta), dgamma, nameof(dgamma));
            if (dx.IsEmpty && dgamma.IsEmpty && dbeta.IsEmpty)
            {
                return;
            }

            Workspace workspace = Workspace.Current;
            WorkspaceMark mark = workspace.Mark();
            try
            {
                Span<T> mean = NnGuard.Rent<T>(workspace, d), inv = NnGuard.Rent<T>(workspace, d), xhat = NnGuard.Rent<T>(workspace, d);
                Span<T> sumDy = NnGuard.Rent<T>(workspace, d), sumDyXhat = NnGuard.Rent<T>(workspace, d), u = NnGuard.Rent<T>(workspace, d);
                BatchStatistics(x, n, d, eps, mean, inv, xhat);
                for (int i = 0; i < n; i++)
                {
                    ReadOnlySpan<T> dyi = dy.Slice(i * d, d);
                    TensorPrimitives.Subtract(x.Slice(i * d, d), mean, xhat);
                    TensorPrimitives.Multiply(xhat, inv, xhat);
                    TensorPrimitives.Add(sumDy, dyi, sumDy);
                    TensorPrimitives.FusedMultiplyAdd(dyi, xhat, sumDyXhat, sumDyXhat);
                }

                if (!dbeta.IsEmpty)
                {
                    TensorPrimitives.Add(dbeta, sumDy, dbeta); // term 1
                }

                if (!dgamma.IsEmpty)
                {
                    TensorPrimitives.Add(dgamma, sumDyXhat, dgamma); // term 2
                }

                if (!dx.IsEmpty)
                {
                    // term 3: dx_i += coef ⊙ (n·dy_i − sumDy − x̂_i ⊙ sumDyXhat), coef = γ/(n√(σ² + ε))
                    T count = T.CreateTruncating(n);
                    Span<T> coef = NnGuard.Rent<T>(workspace, d);
                    TensorPrimitives.Multiply(inv, gamma, coef);
                    TensorPrimitives.Divide(coef, count, coef);
                    for (int i = 0; i < n; i++)
                    {
                        ReadOnlySpan<T> dyi = dy.Slice(i * d, d);
                        Span<T> dxi = dx.Slice(i * d, d);
                        TensorPrimitives.Subtract(x.Slice(i * d, d), mean, xhat);
                        TensorPrimitives.Multiply(xhat, inv, xhat);
                        TensorPrimitives.Multiply(dyi, count, u);
                        TensorPrimitives.Subtract(u, sumDy, u);
                        TensorPrimitives.Multiply(xhat, sumDyXhat, xhat);
                        TensorPrimitives.Subtract(u, xhat, u);
                        TensorPrimitives.FusedMultiplyAdd(u, coef, dxi, dxi);
                    }
                }
            }
            finally
            {
                workspace.Release(mark);
            }
        }

        private static void BatchNormDisjoint<T>(ReadOnlySpan<T> written, string writtenName, ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, ReadOnlySpan<T> y, ReadOnlySpan<T> dy)
        {
            NnGuard.Disjoint(written, writtenName, x, nameof(x));
            NnGuard.Disjoint(written, writtenName, gamma, nameof(gamma));
            NnGuard.Disjoint(written, writtenName, beta, nameof(beta));
            NnGuard.Disjoint(written, writtenName, y, nameof(y));
            NnGuard.Disjoint(written, writtenName, dy, nameof(dy));
        }
    }
}
