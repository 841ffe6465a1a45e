using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;

namespace SymGrad.RuntimeTests.NnPrimitives
{
    /// <summary>
    /// The derivatives of the other primitives' tangents (Nn.NestedTangents.Layers.cs), as <see cref="NestedTangentTests"/>
    /// checks the activations' and Dense's: each pullback against central differences of ⟨ȳ, y⟩ + ⟨ẏ̄, ẏ⟩ (a loss: ẏ̄ times
    /// its tangent), each tangent of a tangent against central differences of the tangent along a direction.
    /// </summary>
    public class NestedTangentLayerTests
    {
        /// <summary>
        /// A primitive's tangent as a function of its inputs and their tangents (each array a span): its outputs (y, ẏ — for a
        /// loss none and its value's tangent), its pullback at cotangents of those, and its tangent along directions of the same.
        /// </summary>
        public sealed record Case(
            int[] Sizes,
            Func<double[][], double[][], double[][]> Tangent,
            Action<double[][], double[][], double[][], double[][], double[][], double[][]> Backward,
            Func<double[][], double[][], double[][], double[][], double[][]> TangentTangent)
        {
            /// <summary>
            /// The pullback's tangent (its third order: (inputs, tangents, outputs' values, cotangents, gradients, tangent
            /// gradients), then a tangent of each of the first four and the tangent gradients of the last two), or null where
            /// it has none yet.
            /// </summary>
            public Action<double[][], double[][], double[][], double[][], double[][], double[][], double[][], double[][], double[][], double[][], double[][], double[][]>? ThirdOrder { get; init; }
        }

        private static readonly Conv2DShape Conv = new(1, 2, 4, 4, 2, 3, 3, stride: 1, padding: 1);
        private static readonly Pool2DShape Pool = new(1, 2, 4, 4, 2, 2, 2);
        private const int Rows = 3, D = 4;
        private const double Eps = 1e-3;
        private static readonly int[] Labels = [1, 0, 3];

        private static readonly Dictionary<string, Case> Cases = new()
        {
            ["Conv2D"] = new([Conv.InputLength, Conv.WeightLength, Conv.Filters],
                (p, t) => Two(Conv.OutputLength, (y, ty) => Nn.Conv2DTangent(p[0], p[1], p[2], y, Conv, t[0], t[1], t[2], ty)),
                (p, t, o, c, g, gt) => Nn.Conv2DTangentBackward(p[0], p[1], p[2], o[0], Conv, t[0], t[1], t[2], o[1], c[0], c[1], g[0], g[1], g[2], gt[0], gt[1], gt[2]),
                (p, t, u, ut) => Four(Conv.OutputLength, (y, ty, uy, uty) => Nn.Conv2DTangentTangent(p[0], p[1], p[2], y, Conv, t[0], t[1], t[2], ty, u[0], u[1], u[2], ut[0], ut[1], ut[2], uy, uty)))
            {
                ThirdOrder = (p, t, o, c, g, gt, vp, vt, vo, vc, vg, vgt) => Nn.Conv2DTangentBackwardTangent(p[0], p[1], p[2], o[0], Conv, t[0], t[1], t[2], o[1], c[0], c[1], g[0], g[1], g[2], gt[0], gt[1], gt[2], vp[0], vp[1], vp[2], vo[0], vt[0], vt[1], vt[2], vo[1], vc[0], vc[1], vg[0], vg[1], vg[2], vgt[0], vgt[1], vgt[2]),
            },
            ["MaxPool2D"] = new([Pool.InputLength],
                (p, t) => Two(Pool.OutputLength, (y, ty) => Nn.MaxPool2DTangent(p[0], y, Pool, t[0], ty)),
                (p, t, o, c, g, gt) => Nn.MaxPool2DTangentBackward(p[0], o[0], Pool, t[0], o[1], c[0], c[1], g[0], gt[0]),
                (p, t, u, ut) => Four(Pool.OutputLength, (y, ty, uy, uty) => Nn.MaxPool2DTangentTangent(p[0], y, Pool, t[0], ty, u[0], ut[0], uy, uty)))
            {
                ThirdOrder = (p, t, o, c, g, gt, vp, vt, vo, vc, vg, vgt) => Nn.MaxPool2DTangentBackwardTangent(p[0], o[0], Pool, t[0], o[1], c[0], c[1], g[0], gt[0], vp[0], vo[0], vt[0], vo[1], vc[0], vc[1], vg[0], vgt[0]),
            },
            ["ReluMaxPool2D"] = new([Pool.InputLength],
                (p, t) => Two(Pool.OutputLength, (y, ty) => Nn.ReluMaxPool2DTangent(p[0], y, Pool, t[0], ty)),
                (p, t, o, c, g, gt) => Nn.ReluMaxPool2DTangentBackward(p[0], o[0], Pool, t[0], o[1], c[0], c[1], g[0], gt[0]),
                (p, t, u, ut) => Four(Pool.OutputLength, (y, ty, uy, uty) => Nn.ReluMaxPool2DTangentTangent(p[0], y, Pool, t[0], ty, u[0], ut[0], uy, uty)))
            {
                ThirdOrder = (p, t, o, c, g, gt, vp, vt, vo, vc, vg, vgt) => Nn.ReluMaxPool2DTangentBackwardTangent(p[0], o[0], Pool, t[0], o[1], c[0], c[1], g[0], gt[0], vp[0], vo[0], vt[0], vo[1], vc[0], vc[1], vg[0], vgt[0]),
            },
            ["MeanSubtract"] = new([Rows * D],
                (p, t) => Two(Rows * D, (y, ty) => Nn.MeanSubtractTangent(p[0], y, Rows, D, t[0], ty)),
                (p, t, o, c, g, gt) => Nn.MeanSubtractTangentBackward(p[0], o[0], Rows, D, t[0], o[1], c[0], c[1], g[0], gt[0]),
                (p, t, u, ut) => Four(Rows * D, (y, ty, uy, uty) => Nn.MeanSubtractTangentTangent(p[0], y, Rows, D, t[0], ty, u[0], ut[0], uy, uty)))
            {
                ThirdOrder = (p, t, o, c, g, gt, vp, vt, vo, vc, vg, vgt) => Nn.MeanSubtractTangentBackwardTangent(p[0], o[0], Rows, D, t[0], o[1], c[0], c[1], g[0], gt[0], vp[0], vo[0], vt[0], vo[1], vc[0], vc[1], vg[0], vgt[0]),
            },
            ["BatchNorm"] = new([Rows * D, D, D],
                (p, t) => Two(Rows * D, (y, ty) => Nn.BatchNormTangent(p[0], p[1], p[2], y, Rows, D, Eps, t[0], t[1], t[2], ty)),
                (p, t, o, c, g, gt) => Nn.BatchNormTangentBackward(p[0], p[1], p[2], o[0], Rows, D, Eps, t[0], t[1], t[2], o[1], c[0], c[1], g[0], g[1], g[2], gt[0], gt[1], gt[2]),
                (p, t, u, ut) => Four(Rows * D, (y, ty, uy, uty) => Nn.BatchNormTangentTangent(p[0], p[1], p[2], y, Rows, D, Eps, t[0], t[1], t[2], ty, u[0], u[1], u[2], ut[0], ut[1], ut[2], uy, uty)))
            {
                ThirdOrder = (p, t, o, c, g, gt, vp, vt, vo, vc, vg, vgt) => Nn.BatchNormTangentBackwardTangent(p[0], p[1], p[2], o[0], Rows, D, Eps, t[0], t[1], t[2], o[1], c[0], c[1], g[0], g[1], g[2], gt[0], gt[1], gt[2], vp[0], vp[1], vp[2], vo[0], vt[0], vt[1], vt[2], vo[1], vc[0], vc[1], vg[0], vg[1], vg[2], vgt[0], vgt[1], vgt[2]),
            },
            ["SumOfSquares"] = new([5],
                (p, t) => [[Nn.SumOfSquaresTangent(p[0], t[0])]],
                (p, t, o, c, g, gt) => Nn.SumOfSquaresTangentBackward(p[0], t[0], c[0][0], g[0], gt[0]),
                (p, t, u, ut) => [[Nn.SumOfSquaresTangent(p[0], t[0])], [Nn.SumOfSquaresTangentTangent(p[0], t[0], u[0], ut[0])]])
            {
                ThirdOrder = (p, t, o, c, g, gt, vp, vt, vo, vc, vg, vgt) => Nn.SumOfSquaresTangentBackwardTangent(p[0], t[0], c[0][0], g[0], gt[0], vp[0], vt[0], vc[0][0], vg[0], vgt[0]),
            },
            ["MseLoss"] = new([5, 5],
                (p, t) => [[Nn.MseLossTangent(p[0], p[1], t[0], t[1])]],
                (p, t, o, c, g, gt) => Nn.MseLossTangentBackward(p[0], p[1], t[0], t[1], c[0][0], g[0], g[1], gt[0], gt[1]),
                (p, t, u, ut) => [[Nn.MseLossTangent(p[0], p[1], t[0], t[1])], [Nn.MseLossTangentTangent(p[0], p[1], t[0], t[1], u[0], u[1], ut[0], ut[1])]])
            {
                ThirdOrder = (p, t, o, c, g, gt, vp, vt, vo, vc, vg, vgt) => Nn.MseLossTangentBackwardTangent(p[0], p[1], t[0], t[1], c[0][0], g[0], g[1], gt[0], gt[1], vp[0], vp[1], vt[0], vt[1], vc[0][0], vg[0], vg[1], vgt[0], vgt[1]),
            },
            ["SoftmaxCrossEntropy"] = new([Rows * D],
                (p, t) => [[Nn.SoftmaxCrossEntropyTangent(p[0], Labels, Rows, D, t[0])]],
                (p, t, o, c, g, gt) => Nn.SoftmaxCrossEntropyTangentBackward(p[0], Labels, Rows, D, t[0], c[0][0], g[0], gt[0]),
                (p, t, u, ut) => [[Nn.SoftmaxCrossEntropyTangent(p[0], Labels, Rows, D, t[0])], [Nn.SoftmaxCrossEntropyTangentTangent(p[0], Labels, Rows, D, t[0], u[0], ut[0])]])
            {
                ThirdOrder = (p, t, o, c, g, gt, vp, vt, vo, vc, vg, vgt) => Nn.SoftmaxCrossEntropyTangentBackwardTangent(p[0], Labels, Rows, D, t[0], c[0][0], g[0], gt[0], vp[0], vt[0], vc[0][0], vg[0], vgt[0]),
            },
        };

        public static TheoryData<string, int> CaseData()
        {
            var data = new TheoryData<string, int>();
            foreach (string name in Cases.Keys)
            {
                foreach (int seed in Seeds)
                {
                    data.Add(name, seed);
                }
            }

            return data;
        }

        private static double[][] Two(int length, Action<double[], double[]> run)
        {
            double[] y = new double[length], ty = new double[length];
            run(y, ty);
            return [y, ty];
        }

        private static double[][] Four(int length, Action<double[], double[], double[], double[]> run)
        {
            double[] y = new double[length], ty = new double[length], uy = new double[length], uty = new double[length];
            run(y, ty, uy, uty);
            return [y, ty, uy, uty];
        }

        private static double[][] Split(double[] z, int[] sizes) => sizes.Select((s, i) => z.Skip(sizes.Take(i).Sum()).Take(s).ToArray()).ToArray();

        [Theory]
        [MemberData(nameof(CaseData))]
        public void ATangentsPullbackAndTangent_AreThoseOfTheTangent(string name, int seed)
        {
            Case c = Cases[name];
            var rng = new Random(seed);
            int n = c.Sizes.Sum();
            double[] z = Random(rng, 2 * n), dir = Random(rng, 2 * n);
            int[] all = c.Sizes.Concat(c.Sizes).ToArray();
            double[][] Outputs(double[] s)
            {
                double[][] parts = Split(s, all);
                return c.Tangent(parts[..c.Sizes.Length], parts[c.Sizes.Length..]);
            }

            double[][] outputs = Outputs(z);
            double[][] cotangents = outputs.Select(o => Random(rng, o.Length)).ToArray();
            double Loss(double[] s) => Outputs(s).Zip(cotangents, (o, ct) => o.Zip(ct, (a, b) => a * b).Sum()).Sum();

            double[][] parts = Split(z, all), gradients = c.Sizes.Concat(c.Sizes).Select(s => new double[s]).ToArray();
            double[][] values = outputs.Length == 2 ? outputs : [], seeds = outputs.Length == 2 ? cotangents : [cotangents[0]];
            c.Backward(parts[..c.Sizes.Length], parts[c.Sizes.Length..], values, seeds, gradients[..c.Sizes.Length], gradients[c.Sizes.Length..]);
            double[] g = gradients.SelectMany(x => x).ToArray();
            for (int i = 0; i < z.Length; i++)
            {
                double[] up = (double[])z.Clone(), down = (double[])z.Clone();
                up[i] += 1e-6;
                down[i] -= 1e-6;
                AssertClose((Loss(up) - Loss(down)) / 2e-6, g[i]);
            }

            if (outputs.Length == 2)
            {
                // An empty ẏ̄ is zero: the same gradients as with zeros.
                double[][] empty = c.Sizes.Concat(c.Sizes).Select(s => new double[s]).ToArray(), zeros = c.Sizes.Concat(c.Sizes).Select(s => new double[s]).ToArray();
                c.Backward(parts[..c.Sizes.Length], parts[c.Sizes.Length..], values, [cotangents[0], []], empty[..c.Sizes.Length], empty[c.Sizes.Length..]);
                c.Backward(parts[..c.Sizes.Length], parts[c.Sizes.Length..], values, [cotangents[0], new double[values[1].Length]], zeros[..c.Sizes.Length], zeros[c.Sizes.Length..]);
                Assert.Equal(zeros.SelectMany(x => x), empty.SelectMany(x => x));
            }

            if (c.ThirdOrder is not null)
            {
                // The pullback as a function of all it reads — the inputs, their tangents, the outputs' values, the
                // cotangents, independent — and its tangent along them.
                double[][] reads = [.. parts, .. values, .. seeds];
                double[][] line = reads.Select(r => Random(rng, r.Length)).ToArray();
                double[][] Pullback(double s)
                {
                    double[][] q = reads.Select((r, j) => r.Zip(line[j], (a, b) => a + (s * b)).ToArray()).ToArray();
                    double[][] gs = c.Sizes.Concat(c.Sizes).Select(n => new double[n]).ToArray();
                    int m = c.Sizes.Length;
                    c.Backward(q[..m], q[m..(2 * m)], q[(2 * m)..(2 * m + values.Length)], q[(2 * m + values.Length)..], gs[..m], gs[m..]);
                    return gs;
                }

                int k0 = c.Sizes.Length, kv = 2 * k0, ks = kv + values.Length;
                double[][] gv = c.Sizes.Concat(c.Sizes).Select(n => new double[n]).ToArray(), vg = c.Sizes.Concat(c.Sizes).Select(n => new double[n]).ToArray();
                c.ThirdOrder(reads[..k0], reads[k0..kv], reads[kv..ks], reads[ks..], gv[..k0], gv[k0..], line[..k0], line[k0..kv], line[kv..ks], line[ks..], vg[..k0], vg[k0..]);
                double[][] p0 = Pullback(0), pUp = Pullback(1e-6), pDown = Pullback(-1e-6);
                for (int j = 0; j < gv.Length; j++)
                {
                    Assert.Equal(p0[j], gv[j]);
                    for (int i = 0; i < gv[j].Length; i++)
                    {
                        AssertClose((pUp[j][i] - pDown[j][i]) / 2e-6, vg[j][i]);
                    }
                }
            }

            double[][] d = Split(dir, all);
            double[][] both = c.TangentTangent(parts[..c.Sizes.Length], parts[c.Sizes.Length..], d[..c.Sizes.Length], d[c.Sizes.Length..]);
            double[][] upOut = Outputs(z.Zip(dir, (a, b) => a + (1e-6 * b)).ToArray()), downOut = Outputs(z.Zip(dir, (a, b) => a - (1e-6 * b)).ToArray());
            int k = outputs.Length;
            for (int j = 0; j < k; j++)
            {
                Assert.Equal(outputs[j], both[j]);
                for (int i = 0; i < outputs[j].Length; i++)
                {
                    AssertClose((upOut[j][i] - downOut[j][i]) / 2e-6, both[k + j][i]);
                }
            }
        }
    }
}
