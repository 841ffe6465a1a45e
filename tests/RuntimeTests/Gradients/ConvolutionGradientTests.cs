using System;
using SymGrad.RuntimeTests.Catalogue;
using Xunit;
using static SymGrad.RuntimeTests.Gradients.Check;

namespace SymGrad.RuntimeTests.Gradients
{
    /// <summary>Gradient checks of the generated backward passes of convolution, locally connected and pooling layers.</summary>
    public class ConvolutionGradientTests
    {
        public static TheoryData<Geometry, int> ConvShapes => new()
        {
            { new Geometry(Channels: 1, Height: 1, Width: 1, Filters: 1, KernelH: 1, KernelW: 1, Stride: 1, Pad: 0), 1 },
            { new Geometry(Channels: 2, Height: 5, Width: 6, Filters: 3, KernelH: 3, KernelW: 3, Stride: 1, Pad: 0), 2 }, // valid
            { new Geometry(Channels: 2, Height: 5, Width: 7, Filters: 2, KernelH: 3, KernelW: 3, Stride: 1, Pad: 1), 3 }, // same
            { new Geometry(Channels: 3, Height: 7, Width: 5, Filters: 2, KernelH: 3, KernelW: 2, Stride: 2, Pad: 1), 4 }, // strided
        };

        [Theory]
        [MemberData(nameof(ConvShapes))]
        public void Conv2D(Geometry g, int seed)
        {
            var rng = new Random(seed);
            double[] x = Random(rng, g.Channels * g.Height * g.Width), w = Random(rng, g.Filters * g.Channels * g.KernelH * g.KernelW), b = Random(rng, g.Filters);
            double[] y = new double[g.Filters * g.OutH * g.OutW], dy = Random(rng, y.Length);
            double[] dx = new double[x.Length], dw = new double[w.Length], db = new double[b.Length];
            Convolutions.Conv2D(x, w, b, y, g);
            Convolutions.Conv2DBackward(x, w, b, y, g, dy, dx, dw, db);
            Verify(() => { Convolutions.Conv2D(x, w, b, y, g); return GradCheck.Contract(y, dy); },
                Param("x", x, dx), Param("w", w, dw), Param("b", b, db));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public void LocallyConnected(int seed)
        {
            var g = new Geometry(Channels: 2, Height: 5, Width: 4, Filters: 2, KernelH: 2, KernelW: 3, Stride: 1, Pad: 0);
            var rng = new Random(seed);
            double[] x = Random(rng, g.Channels * g.Height * g.Width), w = Random(rng, g.OutH * g.OutW * g.Filters * g.Channels * g.KernelH * g.KernelW);
            double[] y = new double[g.Filters * g.OutH * g.OutW], dy = Random(rng, y.Length), dx = new double[x.Length], dw = new double[w.Length];
            Convolutions.LocallyConnected(x, w, y, g);
            Convolutions.LocallyConnectedBackward(x, w, y, g, dy, dx, dw);
            Verify(() => { Convolutions.LocallyConnected(x, w, y, g); return GradCheck.Contract(y, dy); }, Param("x", x, dx), Param("w", w, dw));
        }

        [Theory]
        [InlineData(2, 2, 1)]
        [InlineData(3, 2, 2)]
        [InlineData(2, 1, 3)]
        public void MaxPoolRoutesToTheArgMax(int k, int stride, int seed)
        {
            var g = new Geometry(Channels: 2, Height: 7, Width: 5, Filters: 0, KernelH: k, KernelW: k, Stride: stride, Pad: 0);
            var rng = new Random(seed);
            double[] x = Random(rng, g.Channels * g.Height * g.Width), y = new double[g.Channels * g.OutH * g.OutW];
            double[] dy = Random(rng, y.Length), dx = new double[x.Length];
            Convolutions.MaxPool(x, y, g);
            Convolutions.MaxPoolBackward(x, y, g, dy, dx);
            Verify(() => { Convolutions.MaxPool(x, y, g); return GradCheck.Contract(y, dy); }, Param("x", x, dx));
            int routed = 0;
            foreach (double v in dx) if (v != 0) routed++;
            Assert.True(routed <= y.Length, "each window passes its gradient to one element");
        }
    }
}
