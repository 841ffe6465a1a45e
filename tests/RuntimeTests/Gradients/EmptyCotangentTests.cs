using System;
using SymGrad.RuntimeTests.Catalogue;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;

namespace SymGrad.RuntimeTests.Gradients
{
    /// <summary>
    /// An empty output cotangent stands for zeros: what MGradient passes for outputs that are not its result. Each case
    /// compares a backward given <c>default</c> with the same backward given explicit zeros, bit for bit.
    /// </summary>
    public class EmptyCotangentTests
    {
        [Fact]
        public void CotangentReadInPlace()
        {
            // Relu's dy is read where it is (no workspace copy).
            var rng = new Random(1);
            double[] x = Random(rng, 17), y = new double[17], dy = Random(rng, 17), viaEmpty = (double[])dy.Clone(), viaZeros = (double[])dy.Clone();
            Catalogue.Activations.Relu(x, y);
            Catalogue.Activations.ReluBackward(x, y, default, viaEmpty);
            Catalogue.Activations.ReluBackward(x, y, new double[17], viaZeros);
            Assert.Equal(viaZeros, viaEmpty);
            Assert.Equal(dy, viaEmpty); // zero cotangent: nothing added
        }

        [Fact]
        public void CotangentCopiedIntoTheWorkspace()
        {
            // Softmax writes p twice and reads it back: its cotangent is a workspace copy.
            var rng = new Random(2);
            double[] s = Random(rng, 9), p = new double[9], viaEmpty = Random(rng, 9), viaZeros = (double[])viaEmpty.Clone();
            Composition.Softmax(s, p);
            Composition.SoftmaxBackward(s, p, default, viaEmpty);
            Composition.SoftmaxBackward(s, p, new double[9], viaZeros);
            Assert.Equal(viaZeros, viaEmpty);
        }

        [Fact]
        public void SomeOutputsEmptyOthersNot()
        {
            // Halves: dResult and dtop reach x, dbottom is left empty; the same as passing zeros for it.
            var rng = new Random(3);
            const int Half = 6;
            double[] x = Random(rng, 2 * Half), top = new double[Half], bottom = new double[Half], dtop = Random(rng, Half);
            double[] viaEmpty = new double[2 * Half], viaZeros = new double[2 * Half];
            Composition.Halves(x, top, bottom, Half);
            Composition.HalvesBackward(x, top, bottom, Half, 0.7, dtop, default, viaEmpty);
            Composition.HalvesBackward(x, top, bottom, Half, 0.7, dtop, new double[Half], viaZeros);
            Assert.Equal(viaZeros, viaEmpty);
            Assert.Contains(viaEmpty, v => v != 0);
        }

        [Fact]
        public void GradientPassesEmptyCotangentsAndStaysCorrect()
        {
            var rng = new Random(4);
            const int Half = 5;
            double[] x = Random(rng, 2 * Half), top = new double[Half], bottom = new double[Half], dx = new double[2 * Half];
            Composition.HalvesGradient(x, top, bottom, Half, dx);
            Verify(() => Composition.Halves(x, top, bottom, Half), Param("x", x, dx));
        }

        [Fact]
        public void WrongLengthCotangentIsRefusedAndNamesTheEmptyOption()
        {
            double[] x = { 1, -1, 2 }, y = new double[3], dx = new double[3];
            Catalogue.Activations.Relu(x, y);
            var error = Assert.Throws<ArgumentException>(() => Catalogue.Activations.ReluBackward(x, y, new double[2], dx));
            Assert.Equal("dy", error.ParamName);
            Assert.Contains("pass an empty dy for a zero cotangent", error.Message);
            Assert.Equal(new double[3], dx); // nothing written
        }
    }
}
