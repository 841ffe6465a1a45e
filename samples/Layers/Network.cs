using System;
using System.Collections.Generic;

namespace SymGrad.Samples.Layers
{
    /// <summary>
    /// Dense → sigmoid → dense → squared error, as Caffe wires layers: the forward calls each layer's Forward, the backward
    /// each layer's generated ForwardBackward in reverse order, passing the cotangent down; then one Adam per parameter.
    /// </summary>
    public sealed class Network
    {
        private readonly Dense _hidden, _output;
        private readonly Sigmoid _sigmoid = new();
        private readonly SquaredError _loss = new();
        private readonly List<(float[] Parameter, Func<float[]> Gradient, Adam<float> Optimizer)> _parameters = new();
        private readonly float[] _a, _h, _y, _dy, _dh, _da;

        public Network(int batch, int inputs, int hidden, int outputs, double learningRate, SeededRandom random)
        {
            _hidden = new Dense(inputs, hidden, random);
            _output = new Dense(hidden, outputs, random);
            (_a, _h, _dh, _da) = (new float[batch * hidden], new float[batch * hidden], new float[batch * hidden], new float[batch * hidden]);
            (_y, _dy) = (new float[batch * outputs], new float[batch * outputs]);
            foreach (Dense layer in new[] { _hidden, _output })
            {
                _parameters.Add((layer.W, () => layer.dW, new Adam<float>(layer.W.Length, learningRate)));
                _parameters.Add((layer.B, () => layer.dB, new Adam<float>(layer.B.Length, learningRate)));
            }
        }

        /// <summary>The loss of a batch, without training.</summary>
        public float Loss(ReadOnlySpan<float> x, ReadOnlySpan<float> target)
        {
            _hidden.Forward(x, _a);
            _sigmoid.Forward(_a, _h);
            _output.Forward(_h, _y);
            return _loss.Forward(_y, target);
        }

        /// <summary>One training step on a batch; returns its loss before the step.</summary>
        public float Step(ReadOnlySpan<float> x, ReadOnlySpan<float> target)
        {
            _hidden.ZeroGradients();
            _output.ZeroGradients();
            Array.Clear(_dy);
            Array.Clear(_dh);
            Array.Clear(_da);

            _hidden.Forward(x, _a);
            _sigmoid.Forward(_a, _h);
            _output.Forward(_h, _y);
            float loss = _loss.ForwardGradient(_y, target, _dy);  // the loss and ∂L/∂y

            _output.ForwardBackward(_h, _y, _dy, _dh);             // ∂L/∂W₂, ∂L/∂b₂ (into dW, dB) and ∂L/∂h
            _sigmoid.ForwardBackward(_a, _h, _dh, _da);            // ∂L/∂a
            _hidden.ForwardBackward(x, _a, _da, default);          // ∂L/∂W₁, ∂L/∂b₁ (∂L/∂x is not needed: empty)

            foreach ((float[] parameter, Func<float[]> gradient, Adam<float> optimizer) in _parameters)
            {
                optimizer.Step(parameter, gradient());
            }

            return loss;
        }
    }
}
