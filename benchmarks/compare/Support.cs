using System;
using System.Numerics;
using System.Reflection;
using System.Reflection.Emit;

namespace SymGrad.Compare
{
    /// <summary>Seeded standard-normal data (scaled), as the baselines draw it.</summary>
    internal static class Data
    {
        public static float[] Normal(SeededRandom random, int count, float scale)
        {
            var values = new float[count];
            Init.Normal<float>(values, 0, scale, random);
            return values;
        }

        public static T[] Normal<T>(SeededRandom random, int count)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var values = new T[count];
            Init.Normal<T>(values, 0, 1, random);
            return values;
        }
    }

    /// <summary>
    /// A one-thread GEMM for workload E. The public <see cref="Gemm"/> methods always allow two threads (products of at
    /// least <see cref="Gemm.ParallelThreshold"/> multiply-adds are split with the GEMM worker) and have no public
    /// switch; the internal entry point <c>Gemm.Run&lt;T&gt;(form, a, b, c, m, k, n, accumulate, path, maxThreads)</c>
    /// the kernel tests use takes a thread cap. This benchmark-only shim binds it once through a
    /// <see cref="DynamicMethod"/> (the enums go through as their int values) so that the runtime stays unchanged.
    /// </summary>
    internal static class GemmOneThread
    {
        public delegate void Multiply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n);

        public static Multiply<T> Get<T>()
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            Assembly runtime = typeof(Gemm).Assembly;
            MethodInfo run = typeof(Gemm).GetMethod("Run", BindingFlags.NonPublic | BindingFlags.Static)
                ?? throw new InvalidOperationException("Gemm.Run (internal) not found: the one-thread switch of the kernels changed.");
            MethodInfo closed = run.MakeGenericMethod(typeof(T));
            Type form = runtime.GetType("SymGrad.GemmForm", throwOnError: true)!;
            Type driver = runtime.GetType("SymGrad.GemmDriver", throwOnError: true)!;
            int ab = Convert.ToInt32(Enum.Parse(form, "AB"));
            object bestPath = driver.GetField("BestPath", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
            int path = Convert.ToInt32(bestPath);

            var method = new DynamicMethod("GemmOneThread_" + typeof(T).Name, typeof(void),
                new[] { typeof(ReadOnlySpan<T>), typeof(ReadOnlySpan<T>), typeof(Span<T>), typeof(int), typeof(int), typeof(int) },
                typeof(Gemm).Module, skipVisibility: true);
            ILGenerator il = method.GetILGenerator();
            il.Emit(OpCodes.Ldc_I4, ab);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Ldarg_2);
            il.Emit(OpCodes.Ldarg_3);
            il.Emit(OpCodes.Ldarg_S, (byte)4);
            il.Emit(OpCodes.Ldarg_S, (byte)5);
            il.Emit(OpCodes.Ldc_I4_0); // accumulate: false
            il.Emit(OpCodes.Ldc_I4, path);
            il.Emit(OpCodes.Ldc_I4_1); // maxThreads: 1
            il.Emit(OpCodes.Call, closed);
            il.Emit(OpCodes.Ret);
            return method.CreateDelegate<Multiply<T>>();
        }
    }
}
