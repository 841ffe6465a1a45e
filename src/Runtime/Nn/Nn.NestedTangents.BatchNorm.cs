using System;
using System.Numerics;

namespace SymGrad
{
    public static partial class Nn
    {
        // BatchNormTangentBackward is BatchNormBackwardTangent with the roles swapped (Nn.NestedTangents.Layers.cs): per feature
        // j, with P = ẏ̄ (dty) and Q = ȳ (dy), s = 1/√(σ² + ε), x̂ = (x − μ)·s, c = γ·s/n, and dots along (ẋ, γ̇):
        //   A = Σ P,  B = Σ P·x̂                                         ẋ̄ += c·(n·P − A − x̂·B),  γ̇̄ += B,  β̇̄ += A
        //   x̂̇ = s·(ẋ − mean ẋ − x̂·mean(ẋ·x̂)),  ṡ = −s²·mean(ẋ·x̂),  ċ = (γ̇·s + γ·ṡ)/n
        //   Ȧ = Σ Q,  Ḃ = Σ Q·x̂ + Σ P·x̂̇          x̄ += ċ·(n·P − A − x̂·B) + c·(n·Q − Ȧ − x̂̇·B − x̂·Ḃ),  γ̄ += Ḃ,  β̄ += Ȧ
        // Its tangent along v differentiates all of that once more through the batch statistics — μ, σ², s, x̂, x̂̇ and the sums
        // all move with v_x. Rather than a third page of formulas by hand, the same lines run on dual numbers (value + ε·v,
        // Dual below), each read carrying its v-tangent: the ε parts are exactly the tangents, with no truncation error.

        /// <summary>
        /// Tangent of BatchNormTangentBackward (the third order of batch normalization, for a caller's Hessian-vector product
        /// through a nested <c>FTangent</c> or <c>FBackward</c> of a layer calling <c>BatchNorm</c>): its gradients as it
        /// writes them, and their tangents along the tangents of everything it reads (vbeta, vy, vtbeta and vty are read by
        /// nothing: the backward reads neither beta nor y). Per feature, the pullback's lines run on dual numbers.
        /// </summary>
        [TangentOf(typeof(Nn), nameof(BatchNormTangentBackward))]
        public static void BatchNormTangentBackwardTangent(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> y, int n, int d, [NoDerivative] float eps, ReadOnlySpan<float> tx, ReadOnlySpan<float> tgamma, ReadOnlySpan<float> tbeta, ReadOnlySpan<float> ty, ReadOnlySpan<float> dy, ReadOnlySpan<float> dty, Span<float> dx, Span<float> dgamma, Span<float> dbeta, Span<float> dtx, Span<float> dtgamma, Span<float> dtbeta, ReadOnlySpan<float> vx, ReadOnlySpan<float> vgamma, ReadOnlySpan<float> vbeta, ReadOnlySpan<float> vy, ReadOnlySpan<float> vtx, ReadOnlySpan<float> vtgamma, ReadOnlySpan<float> vtbeta, ReadOnlySpan<float> vty, ReadOnlySpan<float> vdy, ReadOnlySpan<float> vdty, Span<float> vdx, Span<float> vdgamma, Span<float> vdbeta, Span<float> vdtx, Span<float> vdtgamma, Span<float> vdtbeta)
            => BatchNormTangentBackwardTangentCore(x, gamma, beta, y, n, d, eps, tx, tgamma, tbeta, ty, dy, dty, dx, dgamma, dbeta, dtx, dtgamma, dtbeta, vx, vgamma, vtx, vtgamma, vdy, vdty, vdx, vdgamma, vdbeta, vdtx, vdtgamma, vdtbeta);

        /// <inheritdoc cref="BatchNormTangentBackwardTangent(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, float, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, Span{float}, Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, Span{float}, Span{float}, Span{float})"/>
        [TangentOf(typeof(Nn), nameof(BatchNormTangentBackward))]
        public static void BatchNormTangentBackwardTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta, ReadOnlySpan<double> y, int n, int d, [NoDerivative] double eps, ReadOnlySpan<double> tx, ReadOnlySpan<double> tgamma, ReadOnlySpan<double> tbeta, ReadOnlySpan<double> ty, ReadOnlySpan<double> dy, ReadOnlySpan<double> dty, Span<double> dx, Span<double> dgamma, Span<double> dbeta, Span<double> dtx, Span<double> dtgamma, Span<double> dtbeta, ReadOnlySpan<double> vx, ReadOnlySpan<double> vgamma, ReadOnlySpan<double> vbeta, ReadOnlySpan<double> vy, ReadOnlySpan<double> vtx, ReadOnlySpan<double> vtgamma, ReadOnlySpan<double> vtbeta, ReadOnlySpan<double> vty, ReadOnlySpan<double> vdy, ReadOnlySpan<double> vdty, Span<double> vdx, Span<double> vdgamma, Span<double> vdbeta, Span<double> vdtx, Span<double> vdtgamma, Span<double> vdtbeta)
            => BatchNormTangentBackwardTangentCore(x, gamma, beta, y, n, d, eps, tx, tgamma, tbeta, ty, dy, dty, dx, dgamma, dbeta, dtx, dtgamma, dtbeta, vx, vgamma, vtx, vtgamma, vdy, vdty, vdx, vdgamma, vdbeta, vdtx, vdtgamma, vdtbeta);

        private static void BatchNormTangentBackwardTangentCore<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, ReadOnlySpan<T> y, int n, int d, T eps,
            ReadOnlySpan<T> tx, ReadOnlySpan<T> tgamma, ReadOnlySpan<T> tbeta, ReadOnlySpan<T> ty, ReadOnlySpan<T> dy, ReadOnlySpan<T> dty,
            Span<T> dx, Span<T> dgamma, Span<T> dbeta, Span<T> dtx, Span<T> dtgamma, Span<T> dtbeta,
            ReadOnlySpan<T> vx, ReadOnlySpan<T> vgamma, ReadOnlySpan<T> vtx, ReadOnlySpan<T> vtgamma, ReadOnlySpan<T> vdy, ReadOnlySpan<T> vdty,
            Span<T> vdx, Span<T> vdgamma, Span<T> vdbeta, Span<T> vdtx, Span<T> vdtgamma, Span<T> vdtbeta)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            // Every check before anything is written: the lengths, the twelve gradients apart, and the six tangent gradients apart
            // from all the per-feature pass reads (it reads a column while it writes it).
            ValidateBatchNorm(x, gamma, beta, y, n, d, eps);
            long size = NnGuard.Size(n, d);
            NnGuard.Gradient(tx.Length, size, nameof(tx), "(n, d)");
            NnGuard.Gradient(tgamma.Length, d, nameof(tgamma), "(d)");
            NnGuard.Gradient(dy.Length, size, nameof(dy), "(n, d)");
            NnGuard.Gradient(dty.Length, size, nameof(dty), "(n, d)");
            NnGuard.Gradient(vx.Length, size, nameof(vx), "(n, d)");
            NnGuard.Gradient(vgamma.Length, d, nameof(vgamma), "(d)");
            NnGuard.Gradient(vtx.Length, size, nameof(vtx), "(n, d)");
            NnGuard.Gradient(vtgamma.Length, d, nameof(vtgamma), "(d)");
            NnGuard.Gradient(vdy.Length, size, nameof(vdy), "(n, d)");
            NnGuard.Gradient(vdty.Length, size, nameof(vdty), "(n, d)");
            NnGuard.Gradient(vdx.Length, size, nameof(vdx), "(n, d)");
            NnGuard.Gradient(vdtx.Length, size, nameof(vdtx), "(n, d)");
            NnGuard.Gradient(vdgamma.Length, d, nameof(vdgamma), "(d)");
            NnGuard.Gradient(vdbeta.Length, d, nameof(vdbeta), "(d)");
            NnGuard.Gradient(vdtgamma.Length, d, nameof(vdtgamma), "(d)");
            NnGuard.Gradient(vdtbeta.Length, d, nameof(vdtbeta), "(d)");
            BilinearThirdOrderApart(dx, dgamma, dbeta, dtx, dtgamma, dtbeta, vdx, vdgamma, vdbeta, vdtx, vdtgamma, vdtbeta, BatchNormThirdOrderNames);
            ApartFromTwelve(vdx, nameof(vdx), BatchNormThirdOrderReads, x, gamma, tx, tgamma, dy, dty, vx, vgamma, vtx, vtgamma, vdy, vdty);
            ApartFromTwelve(vdgamma, nameof(vdgamma), BatchNormThirdOrderReads, x, gamma, tx, tgamma, dy, dty, vx, vgamma, vtx, vtgamma, vdy, vdty);
            ApartFromTwelve(vdbeta, nameof(vdbeta), BatchNormThirdOrderReads, x, gamma, tx, tgamma, dy, dty, vx, vgamma, vtx, vtgamma, vdy, vdty);
            ApartFromTwelve(vdtx, nameof(vdtx), BatchNormThirdOrderReads, x, gamma, tx, tgamma, dy, dty, vx, vgamma, vtx, vtgamma, vdy, vdty);
            ApartFromTwelve(vdtgamma, nameof(vdtgamma), BatchNormThirdOrderReads, x, gamma, tx, tgamma, dy, dty, vx, vgamma, vtx, vtgamma, vdy, vdty);
            ApartFromTwelve(vdtbeta, nameof(vdtbeta), BatchNormThirdOrderReads, x, gamma, tx, tgamma, dy, dty, vx, vgamma, vtx, vtgamma, vdy, vdty);

            // The second order, as BatchNormTangentBackward writes it.
            BatchNormTangentBackwardCore(x, gamma, beta, y, n, d, eps, tx, tgamma, tbeta, ty, dy, dty, dx, dgamma, dbeta, dtx, dtgamma, dtbeta);
            if (vdx.IsEmpty && vdgamma.IsEmpty && vdbeta.IsEmpty && vdtx.IsEmpty && vdtgamma.IsEmpty && vdtbeta.IsEmpty)
            {
                return;
            }

            var count = new Dual<T>(T.CreateTruncating(n), T.Zero);
            for (int j = 0; j < d; j++)
            {
                // The statistics, then the sums of one pass over the rows.
                Dual<T> mean = default, variance = default;
                for (int i = 0; i < n; i++)
                {
                    mean += Dual<T>.At(x, vx, i * d + j);
                }

                mean /= count;
                for (int i = 0; i < n; i++)
                {
                    Dual<T> centred = Dual<T>.At(x, vx, i * d + j) - mean;
                    variance += centred * centred;
                }

                Dual<T> s = Dual<T>.ReciprocalSqrt(variance / count + new Dual<T>(eps, T.Zero));
                Dual<T> a = default, b = default, aq = default, bq = default, meanTx = default, meanTxXhat = default;
                for (int i = 0; i < n; i++)
                {
                    int k = i * d + j;
                    Dual<T> xhat = (Dual<T>.At(x, vx, k) - mean) * s, p = Dual<T>.At(dty, vdty, k), q = Dual<T>.At(dy, vdy, k), t = Dual<T>.At(tx, vtx, k);
                    a += p;
                    b += p * xhat;
                    aq += q;
                    bq += q * xhat;
                    meanTx += t;
                    meanTxXhat += t * xhat;
                }

                meanTx /= count;
                meanTxXhat /= count;
                Dual<T> g = Dual<T>.At(gamma, vgamma, j), tg = Dual<T>.At(tgamma, vtgamma, j);
                Dual<T> sDot = -(s * s * meanTxXhat);
                Dual<T> c = g * s / count, cDot = (tg * s + g * sDot) / count;
                Dual<T> bDot = bq;
                for (int i = 0; i < n; i++)
                {
                    int k = i * d + j;
                    Dual<T> xhat = (Dual<T>.At(x, vx, k) - mean) * s;
                    bDot += Dual<T>.At(dty, vdty, k) * (s * (Dual<T>.At(tx, vtx, k) - meanTx - xhat * meanTxXhat));
                }

                AddTangent(vdtbeta, j, a);
                AddTangent(vdtgamma, j, b);
                AddTangent(vdbeta, j, aq);
                AddTangent(vdgamma, j, bDot);
                if (vdx.IsEmpty && vdtx.IsEmpty)
                {
                    continue;
                }

                for (int i = 0; i < n; i++)
                {
                    int k = i * d + j;
                    Dual<T> xhat = (Dual<T>.At(x, vx, k) - mean) * s, p = Dual<T>.At(dty, vdty, k), q = Dual<T>.At(dy, vdy, k);
                    Dual<T> xhatDot = s * (Dual<T>.At(tx, vtx, k) - meanTx - xhat * meanTxXhat);
                    Dual<T> plain = count * p - a - xhat * b;
                    AddTangent(vdtx, k, c * plain);
                    AddTangent(vdx, k, cDot * plain + c * (count * q - aq - xhatDot * b - xhat * bDot));
                }
            }
        }

        /// <summary>The names of BatchNorm's tangent gradients, in the order BilinearThirdOrderApart takes them.</summary>
        private static readonly string[] BatchNormThirdOrderNames = ["vdx", "vdgamma", "vdbeta", "vdtx", "vdtgamma", "vdtbeta"];

        /// <summary>gradient[k] += the ε part of <paramref name="value"/>, where the gradient is asked for.</summary>
        private static void AddTangent<T>(Span<T> gradient, int k, Dual<T> value)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (!gradient.IsEmpty)
            {
                gradient[k] += value.Tangent;
            }
        }

        /// <summary>What BatchNorm's third order reads, in the order ApartFromTwelve takes them.</summary>
        private static readonly string[] BatchNormThirdOrderReads = ["x", "gamma", "tx", "tgamma", "dy", "dty", "vx", "vgamma", "vtx", "vtgamma", "vdy", "vdty"];

        /// <summary>
        /// A dual number a + ε·ȧ (ε² = 0): arithmetic on it carries one directional derivative exactly. Written here because
        /// nothing on the machine's package list provides one, and only BatchNorm's third order needs it (a few scalar lines
        /// per feature, off the training path).
        /// </summary>
        private readonly struct Dual<T>(T value, T tangent)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            public T Value { get; } = value;

            public T Tangent { get; } = tangent;

            /// <summary>The element of a span and of its tangent (an empty span is zeros).</summary>
            public static Dual<T> At(ReadOnlySpan<T> values, ReadOnlySpan<T> tangents, int k)
                => new(values.IsEmpty ? T.Zero : values[k], tangents.IsEmpty ? T.Zero : tangents[k]);

            /// <summary>1/√a, and its derivative −ȧ/(2·a^{3/2}).</summary>
            public static Dual<T> ReciprocalSqrt(Dual<T> a)
            {
                T r = T.One / T.Sqrt(a.Value);
                return new(r, -a.Tangent * r * r * r / (T.One + T.One));
            }

            public static Dual<T> operator +(Dual<T> a, Dual<T> b) => new(a.Value + b.Value, a.Tangent + b.Tangent);

            public static Dual<T> operator -(Dual<T> a, Dual<T> b) => new(a.Value - b.Value, a.Tangent - b.Tangent);

            public static Dual<T> operator -(Dual<T> a) => new(-a.Value, -a.Tangent);

            public static Dual<T> operator *(Dual<T> a, Dual<T> b) => new(a.Value * b.Value, a.Tangent * b.Value + a.Value * b.Tangent);

            public static Dual<T> operator /(Dual<T> a, Dual<T> b) => new(a.Value / b.Value, (a.Tangent * b.Value - a.Value * b.Tangent) / (b.Value * b.Value));
        }
    }
}
