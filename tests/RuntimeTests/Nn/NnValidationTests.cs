using System;
using System.Linq;
using Xunit;

namespace SymGrad.RuntimeTests.NnPrimitives
{
    /// <summary>Every primitive validates before it writes: the exception type, the parameter it names, and nothing written.</summary>
    public class NnValidationTests
    {
        /// <summary>Runs <paramref name="call"/>, expects exactly <typeparamref name="TException"/> naming <paramref name="param"/>, and checks <paramref name="written"/> kept their contents.</summary>
        private static void Rejects<TException>(string param, Action call, params double[][] written)
            where TException : ArgumentException
        {
            double[][] before = written.Select(a => (double[])a.Clone()).ToArray();
            TException error = Assert.Throws<TException>(call);
            Assert.Equal(param, error.ParamName);
            for (int i = 0; i < written.Length; i++)
            {
                Assert.Equal(before[i], written[i]);
            }
        }

        private static double[] Ones(int length) => Enumerable.Repeat(1.0, length).ToArray();

        private static double[] Sentinel(int length) => Enumerable.Repeat(-7.0, length).ToArray();

        [Fact]
        public void Dense()
        {
            int n = 3, i = 4, o = 5;
            double[] x = Ones(n * i), w = Ones(i * o), b = Ones(o), y = Sentinel(n * o), dy = Ones(n * o);
            double[] dx = new double[n * i], dw = new double[i * o], db = new double[o];
            Rejects<ArgumentOutOfRangeException>("n", () => Nn.Dense(x, w, b, y, 0, i, o), y);
            Rejects<ArgumentOutOfRangeException>("inputs", () => Nn.Dense(x, w, b, y, n, -1, o), y);
            Rejects<ArgumentOutOfRangeException>("outputs", () => Nn.Dense(x, w, b, y, n, i, 0), y);
            Rejects<ArgumentException>("x", () => Nn.Dense(x.AsSpan(1), w, b, y, n, i, o), y);
            Rejects<ArgumentException>("w", () => Nn.Dense(x, w.AsSpan(1), b, y, n, i, o), y);
            Rejects<ArgumentException>("b", () => Nn.Dense(x, w, b.AsSpan(1), y, n, i, o), y);
            Rejects<ArgumentException>("y", () => Nn.Dense(x, w, b, y.AsSpan(1), n, i, o), y);
            double[] shared = Ones(n * i + n * o);
            Rejects<ArgumentException>("y", () => Nn.Dense(shared.AsSpan(0, n * i), w, b, shared.AsSpan(n * i - 1, n * o), n, i, o), shared);

            Rejects<ArgumentException>("dy", () => Nn.DenseBackward(x, w, b, y, n, i, o, dy.AsSpan(1), dx, dw, db), dx, dw, db);
            Rejects<ArgumentException>("dx", () => Nn.DenseBackward(x, w, b, y, n, i, o, dy, dx.AsSpan(1), dw, db), dx, dw, db);
            Rejects<ArgumentException>("dw", () => Nn.DenseBackward(x, w, b, y, n, i, o, dy, dx, dw.AsSpan(1), db), dx, dw, db);
            Rejects<ArgumentException>("db", () => Nn.DenseBackward(x, w, b, y, n, i, o, dy, dx, dw, db.AsSpan(1)), dx, dw, db);
            Rejects<ArgumentException>("db", () => Nn.DenseBackward(x, w, ReadOnlySpan<double>.Empty, y, n, i, o, dy, dx, dw, db), dx, dw, db);
            Rejects<ArgumentException>("dx", () => Nn.DenseBackward(x, w, b, y, n, i, o, dy, x, dw, db), x, dw, db);
            Rejects<ArgumentException>("dw", () => Nn.DenseBackward(x, w, b, y, n, i, o, dy, dx, w, db), dx, w, db);
            double[] grads = new double[n * i + i * o];
            Rejects<ArgumentException>("dw", () => Nn.DenseBackward(x, w, b, y, n, i, o, dy, grads.AsSpan(0, n * i), grads.AsSpan(n * i - 1, i * o), db), grads, db);
        }

        [Theory]
        [MemberData(nameof(NnGradientTests.ActivationNames), MemberType = typeof(NnGradientTests))]
        public void Activations(string name)
        {
            double[] x = Ones(6), y = Sentinel(6), dy = Ones(6), dx = new double[6];
            Rejects<ArgumentException>("y", () => NnGradientTests.Forward(name, x, new double[5]));
            double[] buffer = Ones(9);
            Rejects<ArgumentException>("y", () => ForwardSpans(name, buffer.AsSpan(0, 6), buffer.AsSpan(3, 6)), buffer);
            Rejects<ArgumentException>("y", () => NnGradientTests.Backward(name, x, new double[5], dy, dx), dx);
            Rejects<ArgumentException>("dy", () => NnGradientTests.Backward(name, x, y, new double[5], dx), dx);
            Rejects<ArgumentException>("dx", () => NnGradientTests.Backward(name, x, y, dy, new double[5]));
            Rejects<ArgumentException>("dx", () => NnGradientTests.Backward(name, x, y, dy, dy), dy);
        }

        private static void ForwardSpans(string name, ReadOnlySpan<double> x, Span<double> y)
        {
            switch (name)
            {
                case "Relu": Nn.Relu(x, y); break;
                case "LeakyRelu": Nn.LeakyRelu(x, y, 0.1); break;
                case "Sigmoid": Nn.Sigmoid(x, y); break;
                case "Tanh": Nn.Tanh(x, y); break;
                default: Nn.Elu(x, y, 1); break;
            }
        }

        [Fact]
        public void EluNeedsPositiveAlpha()
        {
            double[] x = Ones(3), y = Sentinel(3), dx = new double[3];
            Rejects<ArgumentOutOfRangeException>("alpha", () => Nn.Elu(x, y, 0), y);
            Rejects<ArgumentOutOfRangeException>("alpha", () => Nn.EluBackward(x, y, double.NaN, x, dx), dx);
        }

        [Fact]
        public void SoftmaxCrossEntropy()
        {
            double[] logits = Ones(6), dlogits = new double[6];
            int[] labels = { 0, 2 };
            Rejects<ArgumentOutOfRangeException>("rows", () => Nn.SoftmaxCrossEntropy(logits, labels, 0, 3));
            Rejects<ArgumentOutOfRangeException>("classes", () => Nn.SoftmaxCrossEntropy(logits, labels, 2, 0));
            Rejects<ArgumentException>("logits", () => Nn.SoftmaxCrossEntropy(logits.AsSpan(1), labels, 2, 3));
            Rejects<ArgumentException>("labels", () => Nn.SoftmaxCrossEntropy(logits, new[] { 0 }, 2, 3));
            Rejects<ArgumentOutOfRangeException>("labels", () => Nn.SoftmaxCrossEntropy(logits, new[] { 0, 3 }, 2, 3));
            Rejects<ArgumentOutOfRangeException>("labels", () => Nn.SoftmaxCrossEntropyBackward(logits, new[] { -1, 0 }, 2, 3, 1, dlogits), dlogits);
            Rejects<ArgumentException>("dlogits", () => Nn.SoftmaxCrossEntropyBackward(logits, labels, 2, 3, 1, dlogits.AsSpan(1)), dlogits);
            Rejects<ArgumentException>("dlogits", () => Nn.SoftmaxCrossEntropyBackward(logits, labels, 2, 3, 1, logits), logits);
        }

        [Fact]
        public void SumOfSquares()
        {
            double[] x = Ones(4), dx = new double[4];
            Rejects<ArgumentException>("dx", () => Nn.SumOfSquaresBackward(x, 1, dx.AsSpan(1)), dx);
            Rejects<ArgumentException>("dx", () => Nn.SumOfSquaresBackwardAssign(x, 1, x.AsSpan(2)), x);
            Assert.Equal(0.0, Nn.SumOfSquares(ReadOnlySpan<double>.Empty)); // a sum of nothing, unlike a mean
        }

        [Fact]
        public void MseLoss()
        {
            double[] p = Ones(4), t = Ones(4), dp = new double[4], dt = new double[4];
            Rejects<ArgumentException>("prediction", () => Nn.MseLoss(ReadOnlySpan<double>.Empty, ReadOnlySpan<double>.Empty));
            Rejects<ArgumentException>("target", () => Nn.MseLoss(p, t.AsSpan(1)));
            Rejects<ArgumentException>("dprediction", () => Nn.MseLossBackward(p, t, 1, dp.AsSpan(1), dt), dp, dt);
            Rejects<ArgumentException>("dtarget", () => Nn.MseLossBackward(p, t, 1, dp, dt.AsSpan(1)), dp, dt);
            Rejects<ArgumentException>("dtarget", () => Nn.MseLossBackward(p, t, 1, dp, dp), dp);
            Rejects<ArgumentException>("dprediction", () => Nn.MseLossBackward(p, t, 1, t, dt), t, dt);
        }

        [Fact]
        public void MeanSubtract()
        {
            double[] x = Ones(6), h = Sentinel(6), dh = Ones(6), dx = new double[6];
            Rejects<ArgumentOutOfRangeException>("rows", () => Nn.MeanSubtract(x, h, 0, 3), h);
            Rejects<ArgumentOutOfRangeException>("d", () => Nn.MeanSubtract(x, h, 2, 0), h);
            Rejects<ArgumentException>("x", () => Nn.MeanSubtract(x.AsSpan(1), h, 2, 3), h);
            Rejects<ArgumentException>("h", () => Nn.MeanSubtract(x, h.AsSpan(1), 2, 3), h);
            Rejects<ArgumentException>("h", () => Nn.MeanSubtract(x, x, 2, 3), x);
            Rejects<ArgumentException>("dh", () => Nn.MeanSubtractBackward(x, h, 2, 3, dh.AsSpan(1), dx), dx);
            Rejects<ArgumentException>("dx", () => Nn.MeanSubtractBackward(x, h, 2, 3, dh, dx.AsSpan(1)), dx);
            Rejects<ArgumentException>("dx", () => Nn.MeanSubtractBackward(x, h, 2, 3, dh, dh), dh);
        }

        [Fact]
        public void BatchNorm()
        {
            int n = 3, d = 2;
            double[] x = { 1, 2, 3, 4, 5, 7 }, gamma = Ones(d), beta = Ones(d), y = Sentinel(n * d), dy = Ones(n * d);
            double[] dx = new double[n * d], dgamma = new double[d], dbeta = new double[d];
            Rejects<ArgumentOutOfRangeException>("n", () => Nn.BatchNorm(x, gamma, beta, y, 0, d, 1e-5), y);
            Rejects<ArgumentOutOfRangeException>("d", () => Nn.BatchNorm(x, gamma, beta, y, n, 0, 1e-5), y);
            Rejects<ArgumentOutOfRangeException>("eps", () => Nn.BatchNorm(x, gamma, beta, y, n, d, -1e-5), y);
            Rejects<ArgumentException>("x", () => Nn.BatchNorm(x.AsSpan(1), gamma, beta, y, n, d, 1e-5), y);
            Rejects<ArgumentException>("gamma", () => Nn.BatchNorm(x, gamma.AsSpan(1), beta, y, n, d, 1e-5), y);
            Rejects<ArgumentException>("beta", () => Nn.BatchNorm(x, gamma, beta.AsSpan(1), y, n, d, 1e-5), y);
            Rejects<ArgumentException>("y", () => Nn.BatchNorm(x, gamma, beta, y.AsSpan(1), n, d, 1e-5), y);
            Rejects<ArgumentException>("y", () => Nn.BatchNorm(x, gamma, beta, x, n, d, 1e-5), x);
            Rejects<ArgumentException>("dy", () => Nn.BatchNormBackward(x, gamma, beta, y, n, d, 1e-5, dy.AsSpan(1), dx, dgamma, dbeta), dx, dgamma, dbeta);
            Rejects<ArgumentException>("dx", () => Nn.BatchNormBackward(x, gamma, beta, y, n, d, 1e-5, dy, dx.AsSpan(1), dgamma, dbeta), dx, dgamma, dbeta);
            Rejects<ArgumentException>("dgamma", () => Nn.BatchNormBackward(x, gamma, beta, y, n, d, 1e-5, dy, dx, dgamma.AsSpan(1), dbeta), dx, dgamma, dbeta);
            Rejects<ArgumentException>("dbeta", () => Nn.BatchNormBackward(x, gamma, beta, y, n, d, 1e-5, dy, dx, dgamma, dbeta.AsSpan(1)), dx, dgamma, dbeta);
            Rejects<ArgumentException>("dbeta", () => Nn.BatchNormBackward(x, gamma, beta, y, n, d, 1e-5, dy, dx, dgamma, dgamma), dx, dgamma);
            Rejects<ArgumentException>("dgamma", () => Nn.BatchNormBackward(x, gamma, beta, y, n, d, 1e-5, dy, dx, gamma, dbeta), dx, gamma, dbeta);
        }

        [Fact]
        public void Conv2D()
        {
            var s = new Conv2DShape(2, 2, 4, 4, 3, 3, 3, padding: 1);
            double[] x = Ones(s.InputLength), w = Ones(s.WeightLength), b = Ones(3), y = Sentinel(s.OutputLength), dy = Ones(s.OutputLength);
            double[] dx = new double[x.Length], dw = new double[w.Length], db = new double[3];
            Rejects<ArgumentException>("shape", () => Nn.Conv2D(x, w, b, y, default), y);
            Rejects<ArgumentException>("x", () => Nn.Conv2D(x.AsSpan(1), w, b, y, s), y);
            Rejects<ArgumentException>("w", () => Nn.Conv2D(x, w.AsSpan(1), b, y, s), y);
            Rejects<ArgumentException>("b", () => Nn.Conv2D(x, w, b.AsSpan(1), y, s), y);
            Rejects<ArgumentException>("y", () => Nn.Conv2D(x, w, b, y.AsSpan(1), s), y);
            double[] shared = Ones(s.InputLength + s.OutputLength);
            Rejects<ArgumentException>("y", () => Nn.Conv2D(shared.AsSpan(0, s.InputLength), w, b, shared.AsSpan(1, s.OutputLength), s), shared);
            Rejects<ArgumentException>("shape", () => Nn.Conv2DBackward(x, w, b, y, default, dy, dx, dw, db), dx, dw, db);
            Rejects<ArgumentException>("dy", () => Nn.Conv2DBackward(x, w, b, y, s, dy.AsSpan(1), dx, dw, db), dx, dw, db);
            Rejects<ArgumentException>("dx", () => Nn.Conv2DBackward(x, w, b, y, s, dy, dx.AsSpan(1), dw, db), dx, dw, db);
            Rejects<ArgumentException>("dw", () => Nn.Conv2DBackward(x, w, b, y, s, dy, dx, dw.AsSpan(1), db), dx, dw, db);
            Rejects<ArgumentException>("db", () => Nn.Conv2DBackward(x, w, b, y, s, dy, dx, dw, db.AsSpan(1)), dx, dw, db);
            Rejects<ArgumentException>("db", () => Nn.Conv2DBackward(x, w, ReadOnlySpan<double>.Empty, y, s, dy, dx, dw, db), dx, dw, db);
            Rejects<ArgumentException>("dx", () => Nn.Conv2DBackward(x, w, b, y, s, dy, dy.AsSpan(0, x.Length), dw, db), dy, dw, db);
        }

        [Fact]
        public void MaxPool2D()
        {
            var s = new Pool2DShape(2, 2, 4, 4, 2, 2, 2);
            double[] x = Ones(s.InputLength), y = Sentinel(s.OutputLength), dy = Ones(s.OutputLength), dx = new double[x.Length];
            Rejects<ArgumentException>("shape", () => Nn.MaxPool2D(x, y, default), y);
            Rejects<ArgumentException>("x", () => Nn.MaxPool2D(x.AsSpan(1), y, s), y);
            Rejects<ArgumentException>("y", () => Nn.MaxPool2D(x, y.AsSpan(1), s), y);
            Rejects<ArgumentException>("y", () => Nn.MaxPool2D(x, x.AsSpan(0, s.OutputLength), s), x);
            Rejects<ArgumentException>("dy", () => Nn.MaxPool2DBackward(x, y, s, dy.AsSpan(1), dx), dx);
            Rejects<ArgumentException>("dx", () => Nn.MaxPool2DBackward(x, y, s, dy, dx.AsSpan(1)), dx);
            Rejects<ArgumentException>("dx", () => Nn.MaxPool2DBackward(x, y, s, dy, x), x);
        }
    }
}
