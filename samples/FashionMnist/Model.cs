using System;

namespace SymGrad.Samples.FashionMnist
{
    /// <summary>The network's parameters (one contiguous store) and activation buffers for one batch size.</summary>
    public sealed class Model
    {
        public const string Conv1W = "conv1.W", Conv1B = "conv1.b", Conv2W = "conv2.W", Conv2B = "conv2.b";
        public const string Dense1W = "dense1.W", Dense1B = "dense1.b", Dense2W = "dense2.W", Dense2B = "dense2.b";

        private readonly float[] _conv1, _pool1, _conv2, _pool2, _hidden, _hiddenRelu, _logits;

        public Model(int batch, long seed)
            : this(batch, NewStore(seed))
        {
        }

        private Model(int batch, ParameterStore<float> store)
        {
            Shape = NetShape.ForBatch(batch);
            Store = store;
            _conv1 = new float[Shape.Conv1.OutputLength];
            _pool1 = new float[Shape.Pool1.OutputLength];
            _conv2 = new float[Shape.Conv2.OutputLength];
            _pool2 = new float[Shape.Pool2.OutputLength];
            _hidden = new float[batch * Shape.Hidden];
            _hiddenRelu = new float[batch * Shape.Hidden];
            _logits = new float[batch * Shape.Classes];
        }

        /// <summary>The same parameters with activation buffers for another batch size (a last, partial batch).</summary>
        public Model WithBatch(int batch) => batch == Shape.Batch ? this : new Model(batch, Store);

        private static ParameterStore<float> NewStore(long seed)
        {
            var shape = NetShape.ForBatch(1);
            var store = new ParameterStore<float>();
            store.Add(Conv1W, 32 * 1 * 3 * 3);
            store.Add(Conv1B, 32);
            store.Add(Conv2W, 64 * 32 * 3 * 3);
            store.Add(Conv2B, 64);
            store.Add(Dense1W, shape.Flat * shape.Hidden);
            store.Add(Dense1B, shape.Hidden);
            store.Add(Dense2W, shape.Hidden * shape.Classes);
            store.Add(Dense2B, shape.Classes);
            store.Freeze();

            // He initialisation for the ReLU layers, Xavier for the classifier; biases start at zero.
            var random = new SeededRandom(seed);
            Init.HeNormal(store.Parameters(Conv1W), fanIn: 1 * 3 * 3, random);
            Init.HeNormal(store.Parameters(Conv2W), fanIn: 32 * 3 * 3, random);
            Init.HeNormal(store.Parameters(Dense1W), fanIn: shape.Flat, random);
            Init.XavierUniform(store.Parameters(Dense2W), shape.Hidden, shape.Classes, random);
            return store;
        }

        public NetShape Shape { get; }

        public ParameterStore<float> Store { get; }

        /// <summary>The logits of the last forward pass, (batch, 10).</summary>
        public ReadOnlySpan<float> Logits => _logits;

        /// <summary>Forward pass only: the mean loss; fills <see cref="Logits"/>.</summary>
        public float Forward(ReadOnlySpan<float> images, ReadOnlySpan<int> labels) => ConvNet.Loss(
            images, labels, P(Conv1W), P(Conv1B), P(Conv2W), P(Conv2B), P(Dense1W), P(Dense1B), P(Dense2W), P(Dense2B),
            _conv1, _pool1, _conv2, _pool2, _hidden, _hiddenRelu, _logits, Shape);

        /// <summary>Forward and backward: the mean loss; accumulates every gradient into the store.</summary>
        public float ForwardBackward(ReadOnlySpan<float> images, ReadOnlySpan<int> labels) => ConvNet.LossGradient(
            images, labels, P(Conv1W), P(Conv1B), P(Conv2W), P(Conv2B), P(Dense1W), P(Dense1B), P(Dense2W), P(Dense2B),
            _conv1, _pool1, _conv2, _pool2, _hidden, _hiddenRelu, _logits, Shape,
            G(Conv1W), G(Conv1B), G(Conv2W), G(Conv2B), G(Dense1W), G(Dense1B), G(Dense2W), G(Dense2B));

        private Span<float> P(string name) => Store.Parameters(name);

        private Span<float> G(string name) => Store.Gradients(name);
    }
}
