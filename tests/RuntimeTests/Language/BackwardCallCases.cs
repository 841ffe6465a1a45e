using System;

namespace SymGrad.RuntimeTests.Language
{
    /// <summary>
    /// Nested calls of <c>FBackward</c> where F writes Span outputs: a vector-Jacobian product Jᵀ·u inside a differentiable
    /// method, differentiated again (double backward) — each input's gradient read as a method of its own,
    /// <c>FBackwardOfX</c>, whose pullback is the Hessian of ⟨u, F⟩ times the cotangent (F's <c>FBackwardTangent</c>).
    /// </summary>
    public static partial class BackwardCallCases
    {
        /// <summary>A layer h = tanh(W·x + b), W of h.Length × x.Length, row-major.</summary>
        [Differentiable]
        public static void Layer(ReadOnlySpan<double> x, ReadOnlySpan<double> w, double b, Span<double> h)
        {
            for (int i = 0; i < h.Length; i++)
            {
                double z = b;
                for (int j = 0; j < x.Length; j++)
                {
                    z += w[(i * x.Length) + j] * x[j];
                }

                h[i] = Math.Tanh(z);
            }
        }

        /// <summary>
        /// A gradient penalty: ‖Jₓᵀ·u‖² + (∂⟨u, h⟩/∂b)² plus the layer's mean — the layer's input gradient at the cotangent
        /// u, squared, differentiated in x, W, b and u (a double backward).
        /// </summary>
        [Differentiable]
        public static double Penalty(ReadOnlySpan<double> x, ReadOnlySpan<double> w, double b, ReadOnlySpan<double> u, Span<double> h, Span<double> gx)
        {
            for (int i = 0; i < gx.Length; i++)
            {
                gx[i] = 0;
            }

            Layer(x, w, b, h);
            double db = 0;
            LayerBackward(x, w, b, h, u, gx, default, ref db);
            double s = db * db;
            for (int i = 0; i < gx.Length; i++)
            {
                s += gx[i] * gx[i];
            }

            for (int i = 0; i < h.Length; i++)
            {
                s += h[i] / h.Length;
            }

            return s;
        }

        /// <summary>A float layer keeping a local buffer (its methods lend it): h = sin(s·x)·x with s·x held first.</summary>
        [Differentiable]
        public static void Scaled(ReadOnlySpan<float> x, float s, Span<float> h)
        {
            Span<float> sx = stackalloc float[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                sx[i] = s * x[i];
            }

            for (int i = 0; i < h.Length; i++)
            {
                h[i] = MathF.Sin(sx[i]) * x[i];
            }
        }

        /// <summary>Its input gradient at the cotangent h itself (the gradient of ½‖h‖²), squared and summed, with s's: in float.</summary>
        [Differentiable]
        public static float ScaledPenalty(ReadOnlySpan<float> x, float s, Span<float> h, Span<float> gx)
        {
            for (int i = 0; i < gx.Length; i++)
            {
                gx[i] = 0;
            }

            Scaled(x, s, h);
            float ds = 0;
            ScaledBackward(x, s, h, h, gx, ref ds);
            float r = ds;
            for (int i = 0; i < gx.Length; i++)
            {
                r += gx[i] * gx[i];
            }

            return r;
        }

        /// <summary>
        /// The same layer of library primitives, h = tanh(x·W + b) by <c>Nn.Dense</c> and <c>Nn.Tanh</c> (W of x.Length × h.Length,
        /// the activations before tanh in a local buffer): its forward mode calls their registered tangents, so its FTangent is
        /// not read as a method of its own — its nested FBackward goes through FTangent and FBackwardTangent alone.
        /// </summary>
        [Differentiable]
        public static void DenseTanh(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, Span<double> h)
        {
            Span<double> z = stackalloc double[h.Length];
            Nn.Dense(x, w, b, z, 1, x.Length, h.Length);
            Nn.Tanh(z, h);
        }

        /// <summary>A gradient penalty over it: ‖Jₓᵀ·u‖² + ‖J_bᵀ·u‖² plus the layer's sum — differentiated in x, W, b and u, in every mode.</summary>
        [Differentiable]
        public static double DenseTanhPenalty(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, ReadOnlySpan<double> u, Span<double> h, Span<double> gx, Span<double> gb)
        {
            for (int i = 0; i < gx.Length; i++)
            {
                gx[i] = 0;
            }

            for (int i = 0; i < gb.Length; i++)
            {
                gb[i] = 0;
            }

            DenseTanh(x, w, b, h);
            DenseTanhBackward(x, w, b, h, u, gx, default, gb);
            double s = 0;
            for (int i = 0; i < gx.Length; i++)
            {
                s += gx[i] * gx[i];
            }

            for (int i = 0; i < gb.Length; i++)
            {
                s += (gb[i] * gb[i]) + h[i];
            }

            return s;
        }

        /// <summary>
        /// Two outputs: the layer h = tanh(W·x + b), and r = h·x + b·x² element-wise, computed from h's values (the methods
        /// the nested call is read as recompute both into scratch).
        /// </summary>
        [Differentiable]
        public static void Both(ReadOnlySpan<double> x, ReadOnlySpan<double> w, double b, Span<double> h, Span<double> r)
        {
            for (int i = 0; i < h.Length; i++)
            {
                double z = b;
                for (int j = 0; j < x.Length; j++)
                {
                    z += w[(i * x.Length) + j] * x[j];
                }

                h[i] = Math.Tanh(z);
            }

            for (int i = 0; i < r.Length; i++)
            {
                r[i] = (h[i] * x[i]) + (b * x[i] * x[i]);
            }
        }

        /// <summary>
        /// Its vector-Jacobian product at the cotangents (u, v) for (h, r): ‖Jₓᵀ·(u, v)‖² + (∂/∂b)² plus ⟨r, r⟩ —
        /// differentiated in x, W, b, u and v, through both outputs' cotangents.
        /// </summary>
        [Differentiable]
        public static double BothPenalty(ReadOnlySpan<double> x, ReadOnlySpan<double> w, double b, ReadOnlySpan<double> u, ReadOnlySpan<double> v, Span<double> h, Span<double> r, Span<double> gx)
        {
            for (int i = 0; i < gx.Length; i++)
            {
                gx[i] = 0;
            }

            Both(x, w, b, h, r);
            double db = 0;
            BothBackward(x, w, b, h, r, u, v, gx, default, ref db);
            double s = db * db;
            for (int i = 0; i < gx.Length; i++)
            {
                s += gx[i] * gx[i];
            }

            for (int i = 0; i < r.Length; i++)
            {
                s += r[i] * r[i];
            }

            return s;
        }

        /// <summary>The layer writing h = tanh(W·x + b) and returning its energy ½‖h‖² + b·Σx.</summary>
        [Differentiable]
        public static double Energy(ReadOnlySpan<double> x, ReadOnlySpan<double> w, double b, Span<double> h)
        {
            Layer(x, w, b, h);
            double e = 0;
            for (int i = 0; i < h.Length; i++)
            {
                e += 0.5 * h[i] * h[i];
            }

            for (int j = 0; j < x.Length; j++)
            {
                e += b * x[j];
            }

            return e;
        }

        /// <summary>
        /// Its vector-Jacobian product at the seed s for the value and u for h: ‖s·∇ₓE + Jₓᵀ·u‖² + (∂/∂b)² plus the energy —
        /// differentiated in x, W, b, s and u (the seed's gradient: ⟨∇E, c⟩ by EnergyTangent).
        /// </summary>
        [Differentiable]
        public static double EnergyPenalty(ReadOnlySpan<double> x, ReadOnlySpan<double> w, double b, double s, ReadOnlySpan<double> u, Span<double> h, Span<double> gx)
        {
            for (int i = 0; i < gx.Length; i++)
            {
                gx[i] = 0;
            }

            double e = Energy(x, w, b, h);
            double db = 0;
            EnergyBackward(x, w, b, h, s, u, gx, default, ref db);
            double p = e + (db * db);
            for (int i = 0; i < gx.Length; i++)
            {
                p += gx[i] * gx[i];
            }

            return p;
        }

        /// <summary>The layer's pullback written out: gx = Jₓᵀ·u and gw = J_wᵀ·u, a method writing outputs whose derivatives go through the nested call.</summary>
        [Differentiable]
        public static void Pullback(ReadOnlySpan<double> x, ReadOnlySpan<double> w, double b, ReadOnlySpan<double> u, Span<double> h, Span<double> gx, Span<double> gw)
        {
            for (int i = 0; i < gx.Length; i++)
            {
                gx[i] = 0;
            }

            for (int i = 0; i < gw.Length; i++)
            {
                gw[i] = 0;
            }

            Layer(x, w, b, h);
            double db = 0;
            LayerBackward(x, w, b, h, u, gx, gw, ref db);
        }
    }
}
