using System;

namespace SymGrad.RuntimeTests.Catalogue
{
    /// <summary>The geometry of a convolution or pooling window: constants to the generator (no floating-point data).</summary>
    public readonly record struct Geometry(int Channels, int Height, int Width, int Filters, int KernelH, int KernelW, int Stride, int Pad)
    {
        public int OutH => (Height + 2 * Pad - KernelH) / Stride + 1;

        public int OutW => (Width + 2 * Pad - KernelW) / Stride + 1;
    }

    /// <summary>Catalogue 17–19: convolution, locally connected layer, max pooling, written as plain loops.</summary>
    public static partial class Convolutions
    {
        // 17. x is (C, H, W), w is (F, C, KH, KW), b is (F), y is (F, OutH, OutW); stride and zero padding.
        [Differentiable]
        public static void Conv2D(ReadOnlySpan<double> x, ReadOnlySpan<double> w, ReadOnlySpan<double> b, Span<double> y, Geometry g)
        {
            for (int f = 0; f < g.Filters; f++)
            {
                for (int oh = 0; oh < g.OutH; oh++)
                {
                    for (int ow = 0; ow < g.OutW; ow++)
                    {
                        double acc = b[f];
                        for (int c = 0; c < g.Channels; c++)
                        {
                            for (int kh = 0; kh < g.KernelH; kh++)
                            {
                                int ih = oh * g.Stride + kh - g.Pad;
                                if (ih < 0 || ih >= g.Height)
                                {
                                    continue;
                                }

                                for (int kw = 0; kw < g.KernelW; kw++)
                                {
                                    int iw = ow * g.Stride + kw - g.Pad;
                                    if (iw < 0 || iw >= g.Width)
                                    {
                                        continue;
                                    }

                                    acc += x[(c * g.Height + ih) * g.Width + iw] * w[((f * g.Channels + c) * g.KernelH + kh) * g.KernelW + kw];
                                }
                            }
                        }

                        y[(f * g.OutH + oh) * g.OutW + ow] = acc;
                    }
                }
            }
        }

        // 18. locally connected: like 17, but every output position has its own filter.
        // w is (OutH, OutW, F, C, KH, KW), no padding.
        [Differentiable]
        public static void LocallyConnected(ReadOnlySpan<double> x, ReadOnlySpan<double> w, Span<double> y, Geometry g)
        {
            for (int oh = 0; oh < g.OutH; oh++)
            {
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    for (int f = 0; f < g.Filters; f++)
                    {
                        double acc = 0;
                        for (int c = 0; c < g.Channels; c++)
                        {
                            for (int kh = 0; kh < g.KernelH; kh++)
                            {
                                for (int kw = 0; kw < g.KernelW; kw++)
                                {
                                    int weight = ((((oh * g.OutW + ow) * g.Filters + f) * g.Channels + c) * g.KernelH + kh) * g.KernelW + kw;
                                    acc += x[(c * g.Height + oh * g.Stride + kh) * g.Width + ow * g.Stride + kw] * w[weight];
                                }
                            }
                        }

                        y[(f * g.OutH + oh) * g.OutW + ow] = acc;
                    }
                }
            }
        }

        // 19. max pooling, KH×KW windows with a stride: the gradient goes to each window's arg-max.
        [Differentiable]
        public static void MaxPool(ReadOnlySpan<double> x, Span<double> y, Geometry g)
        {
            for (int c = 0; c < g.Channels; c++)
            {
                for (int oh = 0; oh < g.OutH; oh++)
                {
                    for (int ow = 0; ow < g.OutW; ow++)
                    {
                        double m = x[(c * g.Height + oh * g.Stride) * g.Width + ow * g.Stride];
                        for (int kh = 0; kh < g.KernelH; kh++)
                        {
                            for (int kw = 0; kw < g.KernelW; kw++)
                            {
                                double v = x[(c * g.Height + oh * g.Stride + kh) * g.Width + ow * g.Stride + kw];
                                if (v > m)
                                {
                                    m = v;
                                }
                            }
                        }

                        y[(c * g.OutH + oh) * g.OutW + ow] = m;
                    }
                }
            }
        }
    }
}
