using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Xunit;

namespace SymGrad.RuntimeTests.Training
{
    public class ParameterStoreTests
    {
        private static ParameterStore<float> TwoLayer(out ParameterHandle w1, out ParameterHandle b1, out ParameterHandle w2)
        {
            var store = new ParameterStore<float>();
            w1 = store.Add("W1", 6);
            b1 = store.Add("b1", 2);
            w2 = store.Add("W2", 4);
            return store;
        }

        [Fact]
        public void BlocksAreConsecutiveSlicesOfOneBuffer()
        {
            var store = TwoLayer(out var w1, out var b1, out var w2);
            Assert.Equal(12, store.Length);
            Assert.Equal(3, store.Count);
            Assert.Equal(new ParameterHandle("W1", 0, 0, 6), w1);
            Assert.Equal(new ParameterHandle("b1", 1, 6, 2), b1);
            Assert.Equal(new ParameterHandle("W2", 2, 8, 4), w2);
            Assert.Equal(new[] { w1, b1, w2 }, store.Handles);

            Span<float> all = store.AllParameters, grads = store.AllGradients;
            Assert.Equal(12, all.Length);
            Assert.False(all.Overlaps(grads));
            foreach (ParameterHandle h in store.Handles)
            {
                Assert.True(Unsafe.AreSame(ref all[h.Offset], ref store.Parameters(h)[0]));
                Assert.True(Unsafe.AreSame(ref grads[h.Offset], ref store.Gradients(h)[0]));
                Assert.Equal(h.Length, store.Parameters(h).Length);
                Assert.Equal(h.Length, store.Gradients(h.Name).Length);
            }

            store.Parameters("b1")[1] = 5;
            Assert.Equal(5, all[7]);
        }

        [Fact]
        public void OneOptimizerStepUpdatesEveryBlock()
        {
            var store = TwoLayer(out var w1, out var b1, out var w2);
            var sgd = new Sgd<float>(store.Length, learningRate: 0.5);
            store.Gradients(w1).Fill(1);
            store.Gradients(b1).Fill(2);
            store.Gradients(w2).Fill(4);
            sgd.Step(store.AllParameters, store.AllGradients);
            Assert.All(store.Parameters(w1).ToArray(), x => Assert.Equal(-0.5f, x));
            Assert.All(store.Parameters(b1).ToArray(), x => Assert.Equal(-1f, x));
            Assert.All(store.Parameters(w2).ToArray(), x => Assert.Equal(-2f, x));

            store.ZeroGradients();
            Assert.All(store.AllGradients.ToArray(), x => Assert.Equal(0f, x));
            Assert.Equal(-2f, store.Parameters(w2)[3]); // parameters untouched
        }

        [Fact]
        public void NamesAreUniqueAndLookedUp()
        {
            var store = TwoLayer(out _, out var b1, out _);
            var ex = Assert.Throws<ArgumentException>(() => store.Add("b1", 3));
            Assert.Equal("name", ex.ParamName);
            Assert.Contains("'b1'", ex.Message);
            Assert.Equal(b1, store["b1"]);
            Assert.True(store.TryGetHandle("W2", out var w2));
            Assert.Equal(8, w2.Offset);
            Assert.False(store.TryGetHandle("w2", out _)); // ordinal, case-sensitive
            var missing = Assert.Throws<KeyNotFoundException>(() => store["W3"]);
            Assert.Contains("W1, b1, W2", missing.Message);
        }

        [Fact]
        public void AddValidatesFirst()
        {
            var store = new ParameterStore<double>();
            Assert.Equal("name", Assert.ThrowsAny<ArgumentException>(() => store.Add(" ", 3)).ParamName);
            Assert.Equal("name", Assert.ThrowsAny<ArgumentException>(() => store.Add(null!, 3)).ParamName);
            Assert.Equal("length", Assert.ThrowsAny<ArgumentException>(() => store.Add("W", 0)).ParamName);
            store.Add("big", Array.MaxLength - 1);
            Assert.Equal("length", Assert.ThrowsAny<ArgumentException>(() => store.Add("more", 2)).ParamName);
            Assert.Equal(1, store.Count);
            Assert.False(store.IsFrozen); // nothing allocated yet
        }

        [Fact]
        public void LayoutFreezesAtFirstUse()
        {
            var store = TwoLayer(out var w1, out _, out _);
            Assert.False(store.IsFrozen);
            _ = store.Parameters(w1);
            Assert.True(store.IsFrozen);
            var ex = Assert.Throws<InvalidOperationException>(() => store.Add("W3", 1));
            Assert.Contains("W3", ex.Message);

            store.AllParameters[0] = 3;
            store.Freeze(); // idempotent: keeps the buffers
            Assert.Equal(3, store.AllParameters[0]);
        }

        [Fact]
        public void ForeignHandlesAreRejected()
        {
            var store = TwoLayer(out _, out _, out _);
            var other = new ParameterStore<float>();
            var foreign = other.Add("X", 12);
            Assert.Equal("handle", Assert.Throws<ArgumentException>(() => store.Parameters(foreign)).ParamName);
            Assert.Throws<ArgumentException>(() => store.Gradients(default(ParameterHandle) with { Index = 7, Name = "?" }));
        }

        [Fact]
        public void EmptyStoreHasEmptySpans()
        {
            var store = new ParameterStore<float>();
            Assert.Equal(0, store.AllParameters.Length);
            store.ZeroGradients();
            new Adam<float>(store.Length).Step(store.AllParameters, store.AllGradients);
        }
    }
}
