using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;

namespace SymGrad.RuntimeTests.NnPrimitives
{
    /// <summary>
    /// The derivatives of the primitives' tangents (Nn.NestedTangents.cs): each <c>…TangentBackward</c> against central
    /// differences of ⟨ȳ, y⟩ + ⟨ẏ̄, ẏ⟩ as <c>…Tangent</c> computes them, each <c>…TangentTangent</c> against central differences
    /// of <c>…Tangent</c>'s two outputs along a direction, and their empty spans: an empty cotangent zero, an empty output not
    /// written but still taken into account where another output reads it.
    /// </summary>
    public class NestedTangentTests
    {
        private const int N = 7;
        private const double LeakyAlpha = 0.1, EluAlpha = 0.7;

        /// <summary>An element-wise primitive's tangent, its pullback and its tangent, and its pullback's tangent (the third order), in double.</summary>
        public sealed record Elementwise(
            Action<double[], double[], double[]?, double[]?> Tangent,
            Action<double[], double[], double[]?, double[]?, double[]?, double[]?, double[]?, double[]?> TangentBackward,
            Action<double[], double[], double[]?, double[]?, double[]?, double[]?, double[]?, double[]?> TangentTangent)
        {
            /// <summary>(x, y, tx, ty, dy, dty, dx, dtx, and a tangent of each: vx, vy, vtx, vty, vdy, vdty, vdx, vdtx).</summary>
            public required Action<double[], double[], double[], double[], double[], double[], double[], double[], double[], double[], double[], double[], double[], double[], double[], double[]> ThirdOrder { get; init; }
        }

        private static readonly Dictionary<string, Elementwise> Kinds = new()
        {
            ["Relu"] = new((x, y, tx, ty) => Nn.ReluTangent(x, y, tx, ty),
                (x, y, tx, ty, dy, dty, dx, dtx) => Nn.ReluTangentBackward(x, y, tx, ty, dy, dty, dx, dtx),
                (x, y, tx, ty, ux, utx, uy, uty) => Nn.ReluTangentTangent(x, y, tx, ty, ux, utx, uy, uty))
            {
                ThirdOrder = (x, y, tx, ty, dy, dty, dx, dtx, vx, vy, vtx, vty, vdy, vdty, vdx, vdtx) => Nn.ReluTangentBackwardTangent(x, y, tx, ty, dy, dty, dx, dtx, vx, vy, vtx, vty, vdy, vdty, vdx, vdtx),
            },
            ["LeakyRelu"] = new((x, y, tx, ty) => Nn.LeakyReluTangent(x, y, LeakyAlpha, tx, ty),
                (x, y, tx, ty, dy, dty, dx, dtx) => Nn.LeakyReluTangentBackward(x, y, LeakyAlpha, tx, ty, dy, dty, dx, dtx),
                (x, y, tx, ty, ux, utx, uy, uty) => Nn.LeakyReluTangentTangent(x, y, LeakyAlpha, tx, ty, ux, utx, uy, uty))
            {
                ThirdOrder = (x, y, tx, ty, dy, dty, dx, dtx, vx, vy, vtx, vty, vdy, vdty, vdx, vdtx) => Nn.LeakyReluTangentBackwardTangent(x, y, LeakyAlpha, tx, ty, dy, dty, dx, dtx, vx, vy, vtx, vty, vdy, vdty, vdx, vdtx),
            },
            ["Sigmoid"] = new((x, y, tx, ty) => Nn.SigmoidTangent(x, y, tx, ty),
                (x, y, tx, ty, dy, dty, dx, dtx) => Nn.SigmoidTangentBackward(x, y, tx, ty, dy, dty, dx, dtx),
                (x, y, tx, ty, ux, utx, uy, uty) => Nn.SigmoidTangentTangent(x, y, tx, ty, ux, utx, uy, uty))
            {
                ThirdOrder = (x, y, tx, ty, dy, dty, dx, dtx, vx, vy, vtx, vty, vdy, vdty, vdx, vdtx) => Nn.SigmoidTangentBackwardTangent(x, y, tx, ty, dy, dty, dx, dtx, vx, vy, vtx, vty, vdy, vdty, vdx, vdtx),
            },
            ["Tanh"] = new((x, y, tx, ty) => Nn.TanhTangent(x, y, tx, ty),
                (x, y, tx, ty, dy, dty, dx, dtx) => Nn.TanhTangentBackward(x, y, tx, ty, dy, dty, dx, dtx),
                (x, y, tx, ty, ux, utx, uy, uty) => Nn.TanhTangentTangent(x, y, tx, ty, ux, utx, uy, uty))
            {
                ThirdOrder = (x, y, tx, ty, dy, dty, dx, dtx, vx, vy, vtx, vty, vdy, vdty, vdx, vdtx) => Nn.TanhTangentBackwardTangent(x, y, tx, ty, dy, dty, dx, dtx, vx, vy, vtx, vty, vdy, vdty, vdx, vdtx),
            },
            ["Elu"] = new((x, y, tx, ty) => Nn.EluTangent(x, y, EluAlpha, tx, ty),
                (x, y, tx, ty, dy, dty, dx, dtx) => Nn.EluTangentBackward(x, y, EluAlpha, tx, ty, dy, dty, dx, dtx),
                (x, y, tx, ty, ux, utx, uy, uty) => Nn.EluTangentTangent(x, y, EluAlpha, tx, ty, ux, utx, uy, uty))
            {
                ThirdOrder = (x, y, tx, ty, dy, dty, dx, dtx, vx, vy, vtx, vty, vdy, vdty, vdx, vdtx) => Nn.EluTangentBackwardTangent(x, y, EluAlpha, tx, ty, dy, dty, dx, dtx, vx, vy, vtx, vty, vdy, vdty, vdx, vdtx),
            },
        };

        public static TheoryData<string, int> ElementwiseData()
        {
            var data = new TheoryData<string, int>();
            foreach (string kind in Kinds.Keys)
            {
                foreach (int seed in Seeds)
                {
                    data.Add(kind, seed);
                }
            }

            return data;
        }

        /// <summary>x away from the kinks at 0, so that central differences see one piece.</summary>
        private static double[] AwayFromZero(Random rng) => Random(rng, N).Select(a => a + (0.1 * Math.Sign(a))).ToArray();

        [Theory]
        [MemberData(nameof(ElementwiseData))]
        public void AnActivationsTangentBackward_IsThePullbackOfItsTangent(string kind, int seed)
        {
            Elementwise f = Kinds[kind];
            var rng = new Random(seed);
            double[] x = AwayFromZero(rng), tx = Random(rng, N), dy = Random(rng, N), dty = Random(rng, N);
            double Loss(double[] at, double[] along)
            {
                double[] y = new double[N], ty = new double[N];
                f.Tangent(at, y, along, ty);
                return Dot(dy, y) + Dot(dty, ty);
            }

            double[] yv = new double[N], tyv = new double[N], dx = Random(rng, N), dtx = Random(rng, N);
            double[] dx0 = (double[])dx.Clone(), dtx0 = (double[])dtx.Clone();
            f.Tangent(x, yv, tx, tyv);
            f.TangentBackward(x, yv, tx, tyv, dy, dty, dx, dtx);
            for (int i = 0; i < N; i++)
            {
                const double h = 1e-6;
                double[] up = (double[])x.Clone(), down = (double[])x.Clone(), tup = (double[])tx.Clone(), tdown = (double[])tx.Clone();
                up[i] += h;
                down[i] -= h;
                tup[i] += h;
                tdown[i] -= h;
                AssertClose((Loss(up, tx) - Loss(down, tx)) / (2 * h), dx[i] - dx0[i]); // accumulated
                AssertClose((Loss(x, tup) - Loss(x, tdown)) / (2 * h), dtx[i] - dtx0[i]);
            }

            // An empty ẏ̄ is zero: x's gradient is the plain backward's, ẋ's untouched (and may be empty).
            double[] plain = new double[N], onlyDy = new double[N];
            f.TangentBackward(x, yv, tx, tyv, dy, null, onlyDy, null);
            f.TangentBackward(x, yv, tx, tyv, dy, new double[N], plain, new double[N]);
            Assert.Equal(plain, onlyDy);
        }

        [Theory]
        [MemberData(nameof(ElementwiseData))]
        public void AnActivationsTangentTangent_IsTheTangentOfItsTangent(string kind, int seed)
        {
            Elementwise f = Kinds[kind];
            var rng = new Random(seed);
            double[] x = AwayFromZero(rng), tx = Random(rng, N), ux = Random(rng, N), utx = Random(rng, N);
            (double[] Y, double[] Ty) At(double s)
            {
                double[] y = new double[N], ty = new double[N];
                f.Tangent(x.Zip(ux, (a, u) => a + (s * u)).ToArray(), y, tx.Zip(utx, (a, u) => a + (s * u)).ToArray(), ty);
                return (y, ty);
            }

            double[] yv = new double[N], tyv = new double[N], uy = new double[N], uty = Random(rng, N);
            f.TangentTangent(x, yv, tx, tyv, ux, utx, uy, uty);
            (double[] y0, double[] ty0) = At(0);
            Assert.Equal(y0, yv);
            Assert.Equal(ty0, tyv);
            const double h = 1e-6;
            (double[] yUp, double[] tyUp) = At(h);
            (double[] yDown, double[] tyDown) = At(-h);
            for (int i = 0; i < N; i++)
            {
                AssertClose((yUp[i] - yDown[i]) / (2 * h), uy[i]);
                AssertClose((tyUp[i] - tyDown[i]) / (2 * h), uty[i]); // assigned, not accumulated
            }

            // uy not wanted: ẏ's tangent still reads y's along u (the curvature of sigmoid, tanh and ELU is read off y).
            double[] utyAlone = new double[N];
            f.TangentTangent(x, new double[N], tx, null, ux, utx, null, utyAlone);
            Assert.Equal(uty, utyAlone);

            // ẋ empty (zero): ẏ = 0 and its tangent is f′·u̇.
            double[] tyZero = Random(rng, N), utyOfZero = new double[N], fPrimeUtx = new double[N];
            f.TangentTangent(x, new double[N], null, tyZero, ux, utx, null, utyOfZero);
            f.Tangent(x, new double[N], utx, fPrimeUtx);
            Assert.All(tyZero, t => Assert.Equal(0, t));
            Assert.Equal(fPrimeUtx, utyOfZero);
        }

        [Theory]
        [MemberData(nameof(ElementwiseData))]
        public void AnActivationsTangentBackwardTangent_IsTheTangentOfItsPullback(string kind, int seed)
        {
            // The pullback as a function of all it reads — x, y, tx, ty, dy, dty, independent — and its tangent along them.
            Elementwise f = Kinds[kind];
            var rng = new Random(seed);
            double[][] at = [AwayFromZero(rng), AwayFromZero(rng), Random(rng, N), Random(rng, N), Random(rng, N), Random(rng, N)];
            double[][] along = Enumerable.Range(0, 6).Select(_ => Random(rng, N)).ToArray();
            double[][] Pullback(double s)
            {
                double[][] p = at.Select((a, k) => a.Zip(along[k], (u, v) => u + (s * v)).ToArray()).ToArray();
                double[] dx = new double[N], dtx = new double[N];
                f.TangentBackward(p[0], p[1], p[2], p[3], p[4], p[5], dx, dtx);
                return [dx, dtx];
            }

            double[] gx = new double[N], gtx = new double[N], vdx = new double[N], vdtx = new double[N];
            f.ThirdOrder(at[0], at[1], at[2], at[3], at[4], at[5], gx, gtx, along[0], along[1], along[2], along[3], along[4], along[5], vdx, vdtx);
            double[][] at0 = Pullback(0), up = Pullback(1e-6), down = Pullback(-1e-6);
            Assert.Equal(at0[0], gx);
            Assert.Equal(at0[1], gtx);
            for (int i = 0; i < N; i++)
            {
                AssertClose((up[0][i] - down[0][i]) / 2e-6, vdx[i]);
                AssertClose((up[1][i] - down[1][i]) / 2e-6, vdtx[i]);
            }
        }

        /// <summary>A third order whose tangent gradient is one of its gradients throws before it writes anything.</summary>
        [Fact]
        public void AThirdOrderWritingOneSpanTwice_ThrowsBeforeWriting()
        {
            var rng = new Random(5);
            double[] x = Random(rng, N), y = new double[N], tx = Random(rng, N), ty = new double[N], dy = Random(rng, N), dty = Random(rng, N);
            Nn.TanhTangent(x, y, tx, ty);
            double[] dx = new double[N], dtx = new double[N];
            var e = Assert.Throws<ArgumentException>(() => Nn.TanhTangentBackwardTangent(x, y, tx, ty, dy, dty, dx, dtx, tx, ty, tx, ty, dy, dty, dx, new double[N]));
            Assert.Equal("vdx", e.ParamName);
            Assert.All(dx, v => Assert.Equal(0, v));

            double[] w = Random(rng, In * Out), b = Random(rng, Out), dense = new double[Rows * Out], tdense = new double[Rows * Out], xs = Random(rng, Rows * In);
            double[] dxs = new double[Rows * In], dw = new double[In * Out];
            Assert.Throws<ArgumentException>(() => Nn.DenseTangentBackwardTangent(xs, w, b, dense, Rows, In, Out, xs, w, b, tdense, dense, tdense, dxs, dw, default, default, default, default,
                xs, w, b, dense, xs, w, b, tdense, dense, tdense, default, dw, default, default, default, default));
            Assert.All(dw, v => Assert.Equal(0, v));

            // BatchNorm's: a tangent gradient that is a gradient too, or that is what it reads (it reads a feature's column while
            // writing it).
            double[] gamma = Random(rng, In), beta = Random(rng, In), bn = new double[Rows * In], tbn = new double[Rows * In], dgamma = new double[In];
            Nn.BatchNormTangent(xs, gamma, beta, bn, Rows, In, 1e-3, xs, gamma, beta, tbn);
            double[] dys = Random(rng, Rows * In), dtys = Random(rng, Rows * In), dtysBefore = (double[])dtys.Clone();
            e = Assert.Throws<ArgumentException>(() => Nn.BatchNormTangentBackwardTangent(xs, gamma, beta, bn, Rows, In, 1e-3, xs, gamma, beta, tbn, dys, dtys, dxs, dgamma, default, default, default, default,
                xs, gamma, beta, bn, xs, gamma, beta, tbn, dys, dtys, default, dgamma, default, default, default, default));
            Assert.Equal("vdgamma", e.ParamName);
            e = Assert.Throws<ArgumentException>(() => Nn.BatchNormTangentBackwardTangent(xs, gamma, beta, bn, Rows, In, 1e-3, xs, gamma, beta, tbn, dys, dtys, dxs, dgamma, default, default, default, default,
                xs, gamma, beta, bn, xs, gamma, beta, tbn, dys, dtys, dtys, default, default, default, default, default));
            Assert.Equal("vdx", e.ParamName);
            Assert.All(dxs.Concat(dgamma), v => Assert.Equal(0, v));
            Assert.Equal(dtysBefore, dtys);
        }

        private const int Rows = 2, In = 3, Out = 4;

        [Theory]
        [MemberData(nameof(SeedData))]
        public void DensesTangentBackwardAndTangentTangent_AreThoseOfItsTangent_AndItsThirdOrderThatOfThePullback(int seed)
        {
            // (x, w, b, tx, tw, tb) as one vector.
            int[] sizes = [Rows * In, In * Out, Out, Rows * In, In * Out, Out];
            int[] at = sizes.Select((_, i) => sizes.Take(i).Sum()).ToArray();
            int all = sizes.Sum();
            double[] Part(double[] z, int k) => z[at[k]..(at[k] + sizes[k])];
            var rng = new Random(seed);
            double[] z = Random(rng, all), dy = Random(rng, Rows * Out), dty = Random(rng, Rows * Out), dir = Random(rng, all);
            (double[] Y, double[] Ty) Run(double[] s)
            {
                double[] y = new double[Rows * Out], ty = new double[Rows * Out];
                Nn.DenseTangent(Part(s, 0), Part(s, 1), Part(s, 2), y, Rows, In, Out, Part(s, 3), Part(s, 4), Part(s, 5), ty);
                return (y, ty);
            }

            double Loss(double[] s)
            {
                (double[] y, double[] ty) = Run(s);
                return Dot(dy, y) + Dot(dty, ty);
            }

            (double[] yv, double[] tyv) = Run(z);
            double[] g = new double[all];
            Nn.DenseTangentBackward(Part(z, 0), Part(z, 1), Part(z, 2), yv, Rows, In, Out, Part(z, 3), Part(z, 4), Part(z, 5), tyv, dy, dty,
                g.AsSpan(at[0], sizes[0]), g.AsSpan(at[1], sizes[1]), g.AsSpan(at[2], sizes[2]), g.AsSpan(at[3], sizes[3]), g.AsSpan(at[4], sizes[4]), g.AsSpan(at[5], sizes[5]));
            for (int i = 0; i < all; i++)
            {
                double[] up = (double[])z.Clone(), down = (double[])z.Clone();
                up[i] += 1e-6;
                down[i] -= 1e-6;
                AssertClose((Loss(up) - Loss(down)) / 2e-6, g[i]);
            }

            double[] y2 = new double[Rows * Out], ty2 = new double[Rows * Out], uy = new double[Rows * Out], uty = new double[Rows * Out];
            Nn.DenseTangentTangent(Part(z, 0), Part(z, 1), Part(z, 2), y2, Rows, In, Out, Part(z, 3), Part(z, 4), Part(z, 5), ty2,
                Part(dir, 0), Part(dir, 1), Part(dir, 2), Part(dir, 3), Part(dir, 4), Part(dir, 5), uy, uty);
            Assert.Equal(yv, y2);
            Assert.Equal(tyv, ty2);
            (double[] yUp, double[] tyUp) = Run(z.Zip(dir, (a, d) => a + (1e-6 * d)).ToArray());
            (double[] yDown, double[] tyDown) = Run(z.Zip(dir, (a, d) => a - (1e-6 * d)).ToArray());
            for (int i = 0; i < uy.Length; i++)
            {
                AssertClose((yUp[i] - yDown[i]) / 2e-6, uy[i]);
                AssertClose((tyUp[i] - tyDown[i]) / 2e-6, uty[i]);
            }

            // The pullback's tangent along everything it reads (x, w, b, y, tx, tw, tb, ty, dy, dty), against central differences.
            int[] reads = [.. sizes, Rows * Out, Rows * Out, Rows * Out, Rows * Out]; // then y, ty, dy, dty
            double[] point = [.. z, .. yv, .. tyv, .. dy, .. dty], line = Random(rng, point.Length);
            int[] from = reads.Select((_, i) => reads.Take(i).Sum()).ToArray();
            double[] R(double[] s, int k) => s[from[k]..(from[k] + reads[k])];
            double[][] Pullback(double[] s)
            {
                double[][] gs = sizes.Select(n => new double[n]).ToArray();
                Nn.DenseTangentBackward(R(s, 0), R(s, 1), R(s, 2), R(s, 6), Rows, In, Out, R(s, 3), R(s, 4), R(s, 5), R(s, 7), R(s, 8), R(s, 9), gs[0], gs[1], gs[2], gs[3], gs[4], gs[5]);
                return gs;
            }

            double[][] gv = sizes.Select(n => new double[n]).ToArray(), vg = sizes.Select(n => new double[n]).ToArray();
            Nn.DenseTangentBackwardTangent(R(point, 0), R(point, 1), R(point, 2), R(point, 6), Rows, In, Out, R(point, 3), R(point, 4), R(point, 5), R(point, 7), R(point, 8), R(point, 9),
                gv[0], gv[1], gv[2], gv[3], gv[4], gv[5], R(line, 0), R(line, 1), R(line, 2), R(line, 6), R(line, 3), R(line, 4), R(line, 5), R(line, 7), R(line, 8), R(line, 9),
                vg[0], vg[1], vg[2], vg[3], vg[4], vg[5]);
            double[][] p0 = Pullback(point), pUp = Pullback(point.Zip(line, (a, d) => a + (1e-6 * d)).ToArray()), pDown = Pullback(point.Zip(line, (a, d) => a - (1e-6 * d)).ToArray());
            for (int k = 0; k < sizes.Length; k++)
            {
                Assert.Equal(p0[k], gv[k]);
                for (int i = 0; i < sizes[k]; i++)
                {
                    AssertClose((pUp[k][i] - pDown[k][i]) / 2e-6, vg[k][i]);
                }
            }

            // Empty cotangent ẏ̄: the plain backward.
            double[] dxPlain = new double[Rows * In], dxOnly = new double[Rows * In];
            Nn.DenseBackward(Part(z, 0), Part(z, 1), Part(z, 2), yv, Rows, In, Out, dy, dxPlain, default, default);
            Nn.DenseTangentBackward(Part(z, 0), Part(z, 1), Part(z, 2), yv, Rows, In, Out, Part(z, 3), Part(z, 4), Part(z, 5), tyv, dy, default, dxOnly, default, default, default, default, default);
            Assert.Equal(dxPlain, dxOnly);
        }

        public static TheoryData<int> SeedData => new(Seeds);

        private static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();
    }
}
