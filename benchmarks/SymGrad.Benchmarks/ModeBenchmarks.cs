using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using SymGrad.RuntimeTests.Language;
using BenchmarkDotNet.Configs;

namespace SymGrad.Benchmarks
{
    /// <summary>
    /// The cost of the other modes against their baselines (issue 14's bars): a forward-mode tangent (MTangent) against
    /// the function itself (≤ 2×), and a Hessian-vector product (MHessianVector) against a gradient (MGradient, ≤ 4×).
    /// Same sizes as <see cref="LayerBenchmarks"/>; and two of GradBench's evals, functions of scalars.
    /// </summary>
    [MemoryDiagnoser]
    [MedianColumn]
    [GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
    [CategoriesColumn]
    public class ModeBenchmarks
    {
        private const int N = 64, In = 1000, Out = 100, Rows = 256, D = 4096, Batch = 256, Classes = 10;

        private float[] _x = null!, _w = null!, _b = null!, _y = null!, _tx = null!, _tw = null!, _tb = null!, _ty = null!;
        private float[] _m = null!, _h = null!, _tm = null!, _th = null!;
        private float[] _s = null!, _ds = null!, _v = null!, _hv = null!;
        private int[] _labels = null!;

        // The Mlp sample's network: 64 × 784 inputs, 128 tanh units, 10 classes.
        private const int MlpIn = 784, MlpHidden = 128;
        private float[] _images = null!, _w1 = null!, _b1 = null!, _w2 = null!, _b2 = null!, _hid = null!, _act = null!, _z = null!;
        private float[] _dw1 = null!, _db1 = null!, _dw2 = null!, _db2 = null!, _vw1 = null!, _vb1 = null!, _vw2 = null!, _vb2 = null!;

        private const int Observations = 1000, MixtureK = 5, MixtureD = 4, MixtureN = 200;
        private double[] _cam = null!, _point = null!, _feat = null!, _err = null!, _tcam = null!, _tpoint = null!, _terr = null!;
        private double[] _derr = null!, _dcam = null!, _dpoint = null!;
        private double _dw;
        private double[] _alpha = null!, _means = null!, _q = null!, _points = null!, _dalpha = null!, _dmeans = null!, _dq = null!, _valpha = null!, _vmeans = null!, _vq = null!;

        // A gradient penalty over a tanh layer (BackwardCallCases.Penalty): 256 inputs, 128 units.
        private const int PenaltyIn = 256, PenaltyOut = 128;
        private double[] _px = null!, _pw = null!, _pu = null!, _ph = null!, _pgx = null!, _pdx = null!, _pdw = null!, _pdu = null!;
        private double _pb, _pdb;

        [GlobalSetup]
        public void Setup()
        {
            var random = new Random(0);
            float[] R(int n)
            {
                var a = new float[n];
                for (int i = 0; i < n; i++) a[i] = (float)(random.NextDouble() * 2 - 1);
                return a;
            }

            (_x, _w, _b, _y) = (R(N * In), R(In * Out), R(Out), new float[N * Out]);
            (_tx, _tw, _tb, _ty) = (R(N * In), R(In * Out), R(Out), new float[N * Out]);
            (_m, _h, _tm, _th) = (R(Rows * D), new float[Rows * D], R(Rows * D), new float[Rows * D]);
            (_s, _ds, _v, _hv, _labels) = (R(Batch * Classes), new float[Batch * Classes], R(Batch * Classes), new float[Batch * Classes], new int[Batch]);
            for (int i = 0; i < Batch; i++) _labels[i] = random.Next(Classes);
            (_images, _w1, _b1, _w2, _b2) = (R(N * MlpIn), R(MlpIn * MlpHidden), R(MlpHidden), R(MlpHidden * Classes), R(Classes));
            (_hid, _act, _z) = (new float[N * MlpHidden], new float[N * MlpHidden], new float[N * Classes]);
            (_dw1, _db1, _dw2, _db2) = (new float[_w1.Length], new float[_b1.Length], new float[_w2.Length], new float[_b2.Length]);
            (_vw1, _vb1, _vw2, _vb2) = (R(_w1.Length), R(_b1.Length), R(_w2.Length), R(_b2.Length));
            double[] Doubles(int n, double scale = 1) => R(n).Select(v => scale * v).ToArray();
            _cam = new[] { 0.1, -0.05, 0.08, 0.05, -0.02, -3.5, 450, 0.05, 0.03, 0.005, 0.0005 };
            (_point, _feat, _err, _tcam, _tpoint, _terr) = (new[] { 0.2, -0.3, 1.5 }, new[] { 1.0, 2.0 }, new double[2], Doubles(11, 0.1), Doubles(3), new double[2]);
            (_derr, _dcam, _dpoint) = (new[] { 1.0, -0.5 }, new double[11], new double[3]);
            (_alpha, _means, _q, _points) = (Doubles(MixtureK), Doubles(MixtureK * MixtureD), Doubles(MixtureK * MixtureD, 0.5), Doubles(MixtureN * MixtureD, 2));
            (_dalpha, _dmeans, _dq) = (new double[MixtureK], new double[MixtureK * MixtureD], new double[MixtureK * MixtureD]);
            (_valpha, _vmeans, _vq) = (Doubles(MixtureK), Doubles(MixtureK * MixtureD), Doubles(MixtureK * MixtureD));
            (_px, _pw, _pu, _pb) = (Doubles(PenaltyIn), Doubles(PenaltyIn * PenaltyOut, 0.1), Doubles(PenaltyOut), 0.2);
            (_ph, _pgx, _pdx, _pdw, _pdu) = (new double[PenaltyOut], new double[PenaltyIn], new double[PenaltyIn], new double[PenaltyIn * PenaltyOut], new double[PenaltyOut]);
        }

        /// <summary>The penalty itself: the layer, then its backward at u (LayerBackward, nested), then ‖Jₓᵀu‖² + (∂⟨u,h⟩/∂b)².</summary>
        [BenchmarkCategory("DoubleBackward"), Benchmark(Baseline = true)]
        public double PenaltyValue() => BackwardCallCases.Penalty(_px, _pw, _pb, _pu, _ph, _pgx);

        /// <summary>Its gradient in x, W, b and u: through LayerBackwardOfXBackward and LayerBackwardOfBBackward (a double backward).</summary>
        [BenchmarkCategory("DoubleBackward"), Benchmark]
        public double PenaltyGradient()
        {
            Array.Clear(_pdx);
            Array.Clear(_pdw);
            Array.Clear(_pdu);
            _pdb = 0;
            return BackwardCallCases.PenaltyGradient(_px, _pw, _pb, _pu, _ph, _pgx, _pdx, _pdw, ref _pdb, _pdu);
        }

        [BenchmarkCategory("DenseTangent"), Benchmark(Baseline = true)]
        public void DenseForward() => Layers.Dense(_x, _w, _b, _y, N, In, Out);

        [BenchmarkCategory("DenseTangent"), Benchmark]
        public void DenseTangent() => Layers.DenseTangent(_x, _w, _b, _y, N, In, Out, _tx, _tw, _tb, _ty);

        [BenchmarkCategory("MeanSubtractTangent"), Benchmark(Baseline = true)]
        public void MeanSubtractForward() => Layers.MeanSubtract(_m, _h, Rows, D);

        [BenchmarkCategory("MeanSubtractTangent"), Benchmark]
        public void MeanSubtractTangent() => Layers.MeanSubtractTangent(_m, _h, Rows, D, _tm, _th);

        /// <summary>MlpGradient: the forward and the backward, the gradients cleared first (as the product's are).</summary>
        [BenchmarkCategory("MlpHessianVector"), Benchmark(Baseline = true)]
        public float MlpGradient()
        {
            Array.Clear(_dw1);
            Array.Clear(_db1);
            Array.Clear(_dw2);
            Array.Clear(_db2);
            return Networks.MlpGradient(_images, _labels.AsSpan(0, N), _w1, _b1, _w2, _b2, _hid, _act, _z, N, MlpIn, MlpHidden, Classes, _dw1, _db1, _dw2, _db2);
        }

        /// <summary>MlpHessianVector: MlpTangent (the forward and its tangent), then the backward and its tangent through each layer's registered second order.</summary>
        [BenchmarkCategory("MlpHessianVector"), Benchmark]
        public void MlpHessianVector()
        {
            Array.Clear(_dw1);
            Array.Clear(_db1);
            Array.Clear(_dw2);
            Array.Clear(_db2);
            Networks.MlpHessianVector(_images, _labels.AsSpan(0, N), _w1, _b1, _w2, _b2, _hid, _act, _z, N, MlpIn, MlpHidden, Classes, _vw1, _vb1, _vw2, _vb2, _dw1, _db1, _dw2, _db2);
        }

        // GradBench's bundle adjustment: one observation's reprojection error, its tangent along one direction (a column of
        // its Jacobian) and its backward along one cotangent (a row of it, accumulated) — code of scalars, where the layers
        // above are loops over arrays.
        [BenchmarkCategory("Reprojection"), Benchmark(Baseline = true)]
        public void ReprojectionForward()
        {
            for (int o = 0; o < Observations; o++) GradBenchCases.ReprojectionError(_cam, _point, 0.8, _feat, _err);
        }

        [BenchmarkCategory("Reprojection"), Benchmark]
        public void ReprojectionTangent()
        {
            for (int o = 0; o < Observations; o++) GradBenchCases.ReprojectionErrorTangent(_cam, _point, 0.8, _feat, _err, _tcam, _tpoint, 0.3, _terr);
        }

        [BenchmarkCategory("Reprojection"), Benchmark]
        public void ReprojectionBackward()
        {
            for (int o = 0; o < Observations; o++) GradBenchCases.ReprojectionErrorBackward(_cam, _point, 0.8, _feat, _err, _derr, _dcam, _dpoint, ref _dw);
        }

        // GradBench's Gaussian mixture (k = 5 components, d = 4, n = 200 points): the gradient, and H·v by forward over reverse.
        [BenchmarkCategory("MixtureHessianVector"), Benchmark(Baseline = true)]
        public double MixtureGradient()
        {
            Array.Clear(_dalpha);
            Array.Clear(_dmeans);
            Array.Clear(_dq);
            return GradBenchCases.GaussianMixtureGradient(_alpha, _means, _q, _points, MixtureD, _dalpha, _dmeans, _dq);
        }

        [BenchmarkCategory("MixtureHessianVector"), Benchmark]
        public void MixtureHessianVector()
        {
            Array.Clear(_dalpha);
            Array.Clear(_dmeans);
            Array.Clear(_dq);
            GradBenchCases.GaussianMixtureHessianVector(_alpha, _means, _q, _points, MixtureD, _valpha, _vmeans, _vq, _dalpha, _dmeans, _dq);
        }

        [BenchmarkCategory("SoftmaxCEHessianVector"), Benchmark(Baseline = true)]
        public float SoftmaxCEGradient()
        {
            Array.Clear(_ds);
            return Layers.SoftmaxCrossEntropyGradient(_s, _labels, Batch, Classes, _ds);
        }

        [BenchmarkCategory("SoftmaxCEHessianVector"), Benchmark]
        public void SoftmaxCEHessianVector()
        {
            Array.Clear(_hv);
            Layers.SoftmaxCrossEntropyHessianVector(_s, _labels, Batch, Classes, _v, _hv);
        }
    }
}
