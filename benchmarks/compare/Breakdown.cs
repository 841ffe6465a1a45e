using System;
using System.Collections.Generic;

namespace SymGrad.Compare
{
    /// <summary>
    /// <c>--breakdown</c>: each Nn call of workloads A–D timed on its own (same shapes as the workloads), to show where a
    /// step's time goes. Not part of the race table.
    /// </summary>
    internal static class Breakdown
    {
        public static List<(string Workload, string Piece, Func<float> Step)> Pieces()
        {
            var list = new List<(string, string, Func<float>)>();
            var rng = new SeededRandom(1);

            // A: 64×1000 → 100 (σ) → 10.
            {
                const int N = 64, DIn = 1000, H = 100, DOut = 10;
                float[] x = Data.Normal(rng, N * DIn, 1), w1 = Data.Normal(rng, DIn * H, 1), w2 = Data.Normal(rng, H * DOut, 1), y = Data.Normal(rng, N * DOut, 1);
                float[] z = new float[N * H], h = new float[N * H], p = new float[N * DOut], dz = new float[N * H], dh = new float[N * H], dp = new float[N * DOut];
                float[] dw1 = new float[w1.Length], dw2 = new float[w2.Length];
                Nn.Dense(x, w1, default, z, N, DIn, H);
                Nn.Sigmoid(z, h);
                Nn.Dense(h, w2, default, p, N, H, DOut);
                list.Add(("A", "Dense fwd 64×1000→100 (GEMM AB)", () => { Nn.Dense(x, w1, default, z, N, DIn, H); return z[0]; }));
                list.Add(("A", "Sigmoid fwd 64×100", () => { Nn.Sigmoid(z, h); return h[0]; }));
                list.Add(("A", "Dense fwd 64×100→10", () => { Nn.Dense(h, w2, default, p, N, H, DOut); return p[0]; }));
                list.Add(("A", "MseLoss fwd+bwd 640", () => { float l = Nn.MseLoss(p, y); Nn.MseLossBackward(p, y, 640, dp, default); return l; }));
                list.Add(("A", "DenseBackward 64×100→10 (dh, dw2)", () => { Nn.DenseBackward(h, w2, default, p, N, H, DOut, dp, dh, dw2, default); return dh[0]; }));
                list.Add(("A", "SigmoidBackward 64×100", () => { Nn.SigmoidBackward(z, h, dh, dz); return dz[0]; }));
                list.Add(("A", "DenseBackward 64×1000→100 (dw1 only, GEMM AtB)", () => { Nn.DenseBackward(x, w1, default, z, N, DIn, H, dz, default, dw1, default); return dw1[0]; }));
                list.Add(("A", "clear + SGD (VectorOps.Axpy) w1, w2", () =>
                {
                    VectorOps.Clear(dw1.AsSpan());
                    VectorOps.Clear(dw2.AsSpan());
                    VectorOps.Axpy(-1e-12f, dw1, w1);
                    VectorOps.Axpy(-1e-12f, dw2, w2);
                    return w1[0];
                }));
            }

            // B: 256×784 → 256 (ReLU) → 10, softmax-CE.
            {
                const int N = 256, DIn = 784, H = 256, DOut = 10;
                float[] x = Data.Normal(rng, N * DIn, 1), w1 = Data.Normal(rng, DIn * H, 0.05f), b1 = new float[H], w2 = Data.Normal(rng, H * DOut, 0.09f), b2 = new float[DOut];
                float[] z = new float[N * H], a = new float[N * H], lg = new float[N * DOut], dz = new float[N * H], da = new float[N * H], dlg = new float[N * DOut];
                float[] dw1 = new float[w1.Length], db1 = new float[H], dw2 = new float[w2.Length], db2 = new float[DOut];
                int[] labels = new int[N];
                for (int i = 0; i < N; i++) labels[i] = rng.NextInt32(DOut);
                Nn.Dense(x, w1, b1, z, N, DIn, H);
                Nn.Relu(z, a);
                Nn.Dense(a, w2, b2, lg, N, H, DOut);
                list.Add(("B", "Dense fwd 256×784→256 +bias (GEMM AB)", () => { Nn.Dense(x, w1, b1, z, N, DIn, H); return z[0]; }));
                list.Add(("B", "Relu fwd 256×256", () => { Nn.Relu(z, a); return a[0]; }));
                list.Add(("B", "Dense fwd 256×256→10 +bias", () => { Nn.Dense(a, w2, b2, lg, N, H, DOut); return lg[0]; }));
                list.Add(("B", "SoftmaxCE fwd+bwd 256×10", () => { float l = Nn.SoftmaxCrossEntropy(lg, labels, N, DOut); Nn.SoftmaxCrossEntropyBackward(lg, labels, N, DOut, 1, dlg); return l; }));
                list.Add(("B", "DenseBackward 256×256→10 (da, dw2, db2)", () => { Nn.DenseBackward(a, w2, b2, lg, N, H, DOut, dlg, da, dw2, db2); return da[0]; }));
                list.Add(("B", "ReluBackward 256×256", () => { Nn.ReluBackward(z, a, da, dz); return dz[0]; }));
                list.Add(("B", "DenseBackward 256×784→256 (dw1, db1; GEMM AtB)", () => { Nn.DenseBackward(x, w1, b1, z, N, DIn, H, dz, default, dw1, db1); return dw1[0]; }));
            }

            // C: conv 32×3×32×32, 16×5×5.
            {
                var shape = new Conv2DShape(32, 3, 32, 32, 16, 5, 5);
                float[] x = Data.Normal(rng, shape.InputLength, 1), w = Data.Normal(rng, shape.WeightLength, 0.1f), b = Data.Normal(rng, shape.Filters, 0.1f);
                float[] z = new float[shape.OutputLength], r = new float[shape.OutputLength], dr = new float[shape.OutputLength], dz = new float[shape.OutputLength];
                float[] dx = new float[x.Length], dw = new float[w.Length], db = new float[b.Length];
                Nn.Conv2D(x, w, b, z, shape);
                Nn.Relu(z, r);
                list.Add(("C", "Conv2D fwd", () => { Nn.Conv2D(x, w, b, z, shape); return z[0]; }));
                list.Add(("C", "Relu fwd 401k", () => { Nn.Relu(z, r); return r[0]; }));
                list.Add(("C", "SumOfSquares fwd+bwd 401k (Σr²)", () => { float l = Nn.SumOfSquares(r); Nn.SumOfSquaresBackwardAssign(r, 1, dr); return l; }));
                list.Add(("C", "ReluBackward 401k", () => { Nn.ReluBackward(z, r, dr, dz); return dz[0]; }));
                list.Add(("C", "Conv2D.BackwardInput", () => { Conv2D.BackwardInput(w, dz, dx, shape, accumulate: true); return dx[0]; }));
                list.Add(("C", "Conv2D.BackwardWeights (and db)", () => { Conv2D.BackwardWeights(x, dz, dw, db, shape, accumulate: true); return dw[0]; }));
                list.Add(("C", "Nn.Conv2DBackward (dx, dw, db in one pass)", () => { Nn.Conv2DBackward(x, w, b, z, shape, dz, dx, dw, db); return dw[0]; }));
                list.Add(("C", "generated ConvReluSquaresGradient (whole step)", () => Workloads.ConvReluSquaresGradient(x, w, b, z, r, shape, dx, dw, db)));
                list.Add(("C", "clear dx, dw, db", () => { Array.Clear(dx); Array.Clear(dw); Array.Clear(db); return dx[0]; }));
            }

            // D: mean subtraction, 4096 contiguous rows of 256.
            {
                float[] x = Data.Normal(rng, 4096 * 256, 1), dh = Data.Normal(rng, 4096 * 256, 1), h = new float[x.Length], dx = new float[x.Length];
                list.Add(("D", "MeanSubtract fwd", () => { Nn.MeanSubtract(x, h, 4096, 256); return h[0]; }));
                list.Add(("D", "clear dx (4 MB, VectorOps.Clear)", () => { VectorOps.Clear(dx.AsSpan()); return dx[0]; }));
                list.Add(("D", "MeanSubtractBackward (accumulates)", () => { Nn.MeanSubtractBackward(x, h, 4096, 256, dh, dx); return dx[0]; }));
            }

            return list;
        }
    }
}
