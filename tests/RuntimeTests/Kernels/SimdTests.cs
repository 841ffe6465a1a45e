using System;
using Xunit;

namespace SymGrad.RuntimeTests
{
    public unsafe class SimdTests
    {
        [Theory]
        [InlineData(16, false)]
        [InlineData(5, false)]
        [InlineData(16, true)]
        public void Transpose16x16MatchesTheScalarTranspose(int rows, bool add)
        {
            if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
            {
                return; // the kernel's callers check the same; nothing to run here
            }

            var rng = new Random(rows);
            const int SrcStride = 19, DstStride = 23;
            float[] src = new float[16 * SrcStride], dst = new float[16 * DstStride];
            for (int i = 0; i < src.Length; i++) src[i] = (float)rng.NextDouble();
            for (int i = 0; i < dst.Length; i++) dst[i] = (float)rng.NextDouble();
            float[] expected = (float[])dst.Clone();
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < 16; j++)
                {
                    float v = src[(j * SrcStride) + i];
                    expected[(i * DstStride) + j] = add ? expected[(i * DstStride) + j] + v : v;
                }
            }

            fixed (float* s = src, d = dst)
            {
                Simd.Transpose16x16(s, SrcStride, d, DstStride, rows, add);
            }

            Assert.Equal(expected, dst);
        }
    }
}
