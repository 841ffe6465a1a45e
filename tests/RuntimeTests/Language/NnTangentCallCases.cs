using System;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Nested calls of <c>FTangent</c> where F writes Span outputs through <c>Nn</c> primitives: FTangent, read as a method of
    /// its own, calls the primitives' registered tangents, which are differentiated again through their own registered
    /// derivatives (<c>Nn.DenseTangentBackward</c>, <c>Nn.TanhTangentTangent</c>, and for a Hessian-vector product their third
    /// order, <c>Nn.TanhTangentBackwardTangent</c>, …) — so a loss reading a Jacobian-vector product of a layer built of them
    /// has every mode.
    /// </summary>
    public static partial class NnTangentCallCases
    {
        /// <summary>Batch normalisation of x (rows × gamma.Length) and a tanh: its tangent's tangent has cross terms through the batch statistics.</summary>
        [Differentiable]
        public static void Normalized(ReadOnlySpan<double> x, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta, Span<double> y)
        {
            Span<double> z = stackalloc double[x.Length];
            Nn.BatchNorm(x, gamma, beta, z, x.Length / gamma.Length, gamma.Length, 1e-3);
            Nn.Tanh(z, y);
        }

        /// <summary>
        /// Its Jacobian-vector product along v in x and along γ itself: every mode, MHessianVector through BatchNorm's third
        /// order (<c>Nn.BatchNormTangentBackwardTangent</c>).
        /// </summary>
        [Differentiable]
        public static double NormalizedRates(ReadOnlySpan<double> x, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta, ReadOnlySpan<double> v, Span<double> y, Span<double> ty)
        {
            NormalizedTangent(x, gamma, beta, y, v, gamma, default, ty);
            double s = 0;
            for (int i = 0; i < ty.Length; i++)
            {
                s += (ty[i] * ty[i]) + (y[i] * ty[i]);
            }

            return s;
        }

        /// <summary>
        /// A gradient penalty over the same layer, through its nested <c>NormalizedBackward</c> (a vector-Jacobian product
        /// uᵀ·J inside the loss): every mode, MHessianVector through BatchNorm's third order as well.
        /// </summary>
        [Differentiable]
        public static double NormalizedPenalty(ReadOnlySpan<double> x, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta, ReadOnlySpan<double> u, Span<double> y, Span<double> gx)
        {
            Normalized(x, gamma, beta, y);
            for (int i = 0; i < gx.Length; i++)
            {
                gx[i] = 0;
            }

            NormalizedBackward(x, gamma, beta, y, u, gx, default, default);
            double s = 0;
            for (int i = 0; i < gx.Length; i++)
            {
                s += gx[i] * gx[i];
            }

            return s;
        }

        /// <summary>A layer of one's own registered function (<see cref="CubeLibrary"/>), y = x³ element by element.</summary>
        [Differentiable]
        public static void Cubed(ReadOnlySpan<double> x, double a, Span<double> y)
        {
            Span<double> z = stackalloc double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                z[i] = a * x[i];
            }

            CubeLibrary.Cube(z, y);
        }

        /// <summary>Its Jacobian-vector product along v in a loss: through CubeLibrary's registered derivatives of CubeTangent.</summary>
        [Differentiable]
        public static double CubeRates(ReadOnlySpan<double> x, double a, ReadOnlySpan<double> v, Span<double> y, Span<double> ty)
        {
            CubedTangent(x, a, y, v, 0.5, ty);
            double s = 0;
            for (int i = 0; i < ty.Length; i++)
            {
                s += (ty[i] * ty[i]) + (y[i] * ty[i]);
            }

            return s;
        }

        /// <summary>
        /// A contractive penalty Σ (J·v)ᵢ²·hᵢ, J the Jacobian in x of <see cref="BackwardCallCases.DenseTanh"/> — h = tanh(x·W + b),
        /// its pre-activation a local buffer — (W's and b's directions left out: zeros); a method of another type called nested.
        /// </summary>
        [Differentiable]
        public static double Contractive(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, ReadOnlySpan<double> v, Span<double> h, Span<double> th)
        {
            BackwardCallCases.DenseTanhTangent(x, w, b, h, v, default, default, th);
            double s = 0;
            for (int i = 0; i < th.Length; i++)
            {
                s += th[i] * th[i] * h[i];
            }

            return s;
        }

        /// <summary>Every element-wise primitive in a chain: leaky ReLU, ELU, tanh, ReLU, sigmoid.</summary>
        [Differentiable]
        public static void Activations(ReadOnlySpan<double> x, Span<double> y)
        {
            Span<double> a = stackalloc double[x.Length];
            Span<double> b = stackalloc double[x.Length];
            Span<double> c = stackalloc double[x.Length];
            Span<double> d = stackalloc double[x.Length];
            Nn.LeakyRelu(x, a, 0.1);
            Nn.Elu(a, b, 0.7);
            Nn.Tanh(b, c);
            Nn.Relu(c, d);
            Nn.Sigmoid(d, y);
        }

        /// <summary>The chain's values and its Jacobian-vector product along v, each weighted: a loss of both.</summary>
        [Differentiable]
        public static double ActivationRates(ReadOnlySpan<double> x, ReadOnlySpan<double> v, Span<double> y, Span<double> ty)
        {
            ActivationsTangent(x, y, v, ty);
            double s = 0;
            for (int i = 0; i < y.Length; i++)
            {
                s += (ty[i] * ty[i]) + (y[i] * ty[i]);
            }

            return s;
        }

        /// <summary>
        /// A layer calling registered functions with no registered tangent — their tangents read off their backwards
        /// (<see cref="ProductLibrary.ScaledSoftplus"/>, <see cref="ProductLibrary.Product"/>): y = k·softplus(x)·x + x·w².
        /// </summary>
        [Differentiable]
        public static void ReadOff(ReadOnlySpan<double> x, ReadOnlySpan<double> w, Span<double> y)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = (ProductLibrary.ScaledSoftplus(x[i], 0.5) * x[i]) + ProductLibrary.Product(x[i], w[i]);
            }
        }

        /// <summary>
        /// Its Jacobian-vector product along v in x in a loss: FTangent's derivatives call the partials SymGrad writes
        /// (<c>ReadOffTangentScaledSoftplusDX</c>, …), differentiated through the backwards' registered tangents — every mode
        /// but MHessianVector (a third derivative none of the functions registers).
        /// </summary>
        [Differentiable]
        public static double ReadOffRates(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> v, Span<double> y, Span<double> ty)
        {
            ReadOffTangent(x, w, y, v, default, ty);
            double s = 0;
            for (int i = 0; i < ty.Length; i++)
            {
                s += (ty[i] * ty[i]) + (y[i] * ty[i]);
            }

            return s;
        }
    }

    /// <summary>
    /// A registered function of one's own with every derivative a nested FTangent of a layer calling it takes: its backward
    /// and tangent, its tangent's backward and tangent, and that backward's tangent (for a caller's H·v) — f = x³, f′ = 3x²,
    /// f″ = 6x, f‴ = 6.
    /// </summary>
    public static class CubeLibrary
    {
        public static void Cube(ReadOnlySpan<double> x, Span<double> y)
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = x[i] * x[i] * x[i];
            }
        }

        [DerivativeOf(typeof(CubeLibrary), nameof(Cube))]
        public static void CubeBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> dy, Span<double> dx)
        {
            for (int i = 0; i < dx.Length; i++)
            {
                dx[i] += 3 * x[i] * x[i] * dy[i];
            }
        }

        [TangentOf(typeof(CubeLibrary), nameof(Cube))]
        public static void CubeTangent(ReadOnlySpan<double> x, Span<double> y, ReadOnlySpan<double> tx, Span<double> ty)
        {
            Cube(x, y);
            for (int i = 0; i < ty.Length; i++)
            {
                ty[i] = tx.IsEmpty ? 0 : 3 * x[i] * x[i] * tx[i];
            }
        }

        /// <summary>dtx += f′·dty, dx += f′·dy + f″·tx·dty.</summary>
        [DerivativeOf(typeof(CubeLibrary), nameof(CubeTangent))]
        public static void CubeTangentBackward(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> tx, ReadOnlySpan<double> ty,
            ReadOnlySpan<double> dy, ReadOnlySpan<double> dty, Span<double> dx, Span<double> dtx)
        {
            for (int i = 0; i < x.Length; i++)
            {
                double t = tx.IsEmpty ? 0 : tx[i], c = dty.IsEmpty ? 0 : dty[i], d = dy.IsEmpty ? 0 : dy[i];
                if (!dtx.IsEmpty)
                {
                    dtx[i] += 3 * x[i] * x[i] * c;
                }

                if (!dx.IsEmpty)
                {
                    dx[i] += (3 * x[i] * x[i] * d) + (6 * x[i] * t * c);
                }
            }
        }

        /// <summary>y, ty as CubeTangent writes them, uy = f′·ux, uty = f′·utx + f″·ux·tx.</summary>
        [TangentOf(typeof(CubeLibrary), nameof(CubeTangent))]
        public static void CubeTangentTangent(ReadOnlySpan<double> x, Span<double> y, ReadOnlySpan<double> tx, Span<double> ty,
            ReadOnlySpan<double> ux, ReadOnlySpan<double> utx, Span<double> uy, Span<double> uty)
        {
            CubeTangent(x, y, tx, ty);
            for (int i = 0; i < x.Length; i++)
            {
                double u = ux.IsEmpty ? 0 : ux[i], ut = utx.IsEmpty ? 0 : utx[i], t = tx.IsEmpty ? 0 : tx[i];
                if (!uy.IsEmpty)
                {
                    uy[i] = 3 * x[i] * x[i] * u;
                }

                if (!uty.IsEmpty)
                {
                    uty[i] = (3 * x[i] * x[i] * ut) + (6 * x[i] * u * t);
                }
            }
        }

        /// <summary>CubeTangentBackward's gradients, and their tangents along (vx, vtx, vdy, vdty): vdtx += f″·vx·dty + f′·vdty, vdx += f″·vx·dy + f′·vdy + f‴·vx·tx·dty + f″·(vtx·dty + tx·vdty).</summary>
        [TangentOf(typeof(CubeLibrary), nameof(CubeTangentBackward))]
        public static void CubeTangentBackwardTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> tx, ReadOnlySpan<double> ty,
            ReadOnlySpan<double> dy, ReadOnlySpan<double> dty, Span<double> dx, Span<double> dtx,
            ReadOnlySpan<double> vx, ReadOnlySpan<double> vy, ReadOnlySpan<double> vtx, ReadOnlySpan<double> vty, ReadOnlySpan<double> vdy, ReadOnlySpan<double> vdty,
            Span<double> vdx, Span<double> vdtx)
        {
            CubeTangentBackward(x, y, tx, ty, dy, dty, dx, dtx);
            static double At(ReadOnlySpan<double> s, int i) => s.IsEmpty ? 0 : s[i];
            for (int i = 0; i < x.Length; i++)
            {
                double f1 = 3 * x[i] * x[i], f2 = 6 * x[i], v = At(vx, i);
                if (!vdtx.IsEmpty)
                {
                    vdtx[i] += (f2 * v * At(dty, i)) + (f1 * At(vdty, i));
                }

                if (!vdx.IsEmpty)
                {
                    vdx[i] += (f2 * v * At(dy, i)) + (f1 * At(vdy, i)) + (6 * v * At(tx, i) * At(dty, i)) + (f2 * ((At(vtx, i) * At(dty, i)) + (At(tx, i) * At(vdty, i))));
                }
            }
        }
    }

    /// <summary>
    /// Functions registered with their backward and that backward's tangent only (no tangent of their own): a forward mode
    /// reads their tangents off their backwards. f(a, b) = a·b² has mixed partials in its second order (∂²f/∂a∂b = 2b), which
    /// a nested FTangent's derivatives take through the swapped roles; k·softplus(x) a <c>[NoDerivative]</c> k, whose
    /// tangent the backward's tangent takes too (zero).
    /// </summary>
    public static class ProductLibrary
    {
        public static double Product(double a, double b) => a * b * b;

        public static double ScaledSoftplus(double x, [NoDerivative] double k) => k * Math.Log(1 + Math.Exp(x));

        [DerivativeOf(typeof(ProductLibrary), nameof(ScaledSoftplus))]
        public static void ScaledSoftplusBackward(double x, double k, double dResult, ref double dx) => dx += dResult * k / (1 + Math.Exp(-x));

        [TangentOf(typeof(ProductLibrary), nameof(ScaledSoftplusBackward))]
        public static void ScaledSoftplusBackwardTangent(double x, double k, double dResult, ref double dx, double tx, double tk, double tdResult, ref double tdx)
        {
            double s = 1 / (1 + Math.Exp(-x));
            dx += dResult * k * s;
            tdx += (((tdResult * k) + (dResult * tk)) * s) + (dResult * k * s * (1 - s) * tx);
        }

        [DerivativeOf(typeof(ProductLibrary), nameof(Product))]
        public static void ProductBackward(double a, double b, double dResult, ref double da, ref double db)
        {
            da += dResult * b * b;
            db += dResult * 2 * a * b;
        }

        [TangentOf(typeof(ProductLibrary), nameof(ProductBackward))]
        public static void ProductBackwardTangent(double a, double b, double dResult, ref double da, ref double db, double ta, double tb, double tdResult, ref double tda, ref double tdb)
        {
            da += dResult * b * b;
            db += dResult * 2 * a * b;
            tda += (tdResult * b * b) + (dResult * 2 * b * tb);
            tdb += (tdResult * 2 * a * b) + (dResult * 2 * ((ta * b) + (a * tb)));
        }
    }
}
