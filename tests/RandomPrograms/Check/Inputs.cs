using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using CsCheck;
using SymGrad.RandomPrograms.Model;

namespace SymGrad.RandomPrograms.Check
{
    /// <summary>
    /// One call's arguments in the drivers' array layout (<see cref="Print.DriverPrinter"/>): real scalars, real spans
    /// (inputs and outputs, in parameter order), sizes, int spans, flags; <see cref="OutputInit"/> holds what each output
    /// array contains before a forward call (arbitrary values: the programs never read an element before writing it).
    /// </summary>
    public sealed class Inputs
    {
        public required double[] R { get; init; }

        public required double[][] S { get; init; }

        public required int[] N { get; init; }

        public required int[][] NS { get; init; }

        public required bool[] B { get; init; }

        /// <summary>Per real span (index into <see cref="S"/>): the initial contents of an output, null for an input.</summary>
        public required double[]?[] OutputInit { get; init; }

        /// <summary>A copy whose output spans hold their initial contents again.</summary>
        public Inputs Fresh() => new()
        {
            R = (double[])R.Clone(),
            S = S.Select((s, i) => OutputInit[i] is { } init ? (double[])init.Clone() : (double[])s.Clone()).ToArray(),
            N = N,
            NS = NS,
            B = B,
            OutputInit = OutputInit,
        };

        /// <summary>Draws arguments for <paramref name="m"/>: sizes in their ranges, reals in [-1.5, 1.5], labels in range.</summary>
        public static Inputs Draw(Method m, PCG pcg)
        {
            double U() => (pcg.Next64() >> 11) * (1.0 / (1UL << 53));
            int I(int lo, int hi) => lo >= hi ? lo : lo + (int)pcg.Next((uint)(hi - lo + 1));
            var sizes = new Dictionary<string, int>();
            // A parameter with a default value takes it half the time (the driver then leaves it out of MGradient's call).
            bool AtDefault(Param p) => p.Default is not null && U() < 0.5;
            foreach (var p in m.Params.Where(p => p.Kind == ParamKind.Size)) sizes[p.Name] = AtDefault(p) ? (int)p.Default!.Value : I(p.Min, p.Max);
            int Eval(Dim d) => d.Sizes.Aggregate(d.Const, (acc, s) => acc * sizes[s]);
            var r = new List<double>();
            var s = new List<double[]>();
            var init = new List<double[]?>();
            var ns = new List<int[]>();
            var b = new List<bool>();
            foreach (var p in m.Params)
            {
                switch (p.Kind)
                {
                    case ParamKind.RealScalar:
                        double v = AtDefault(p) ? p.Default!.Value : -1.5 + 3 * U();
                        r.Add(p.Other ? (float)v : v); // a float input's value is a float in both twins
                        break;
                    case ParamKind.OtherScalar:
                        r.Add((float)(-1.5 + 3 * U())); // representable in both twins
                        break;
                    case ParamKind.RealSpanIn:
                        // A span of the other real type holds floats in both twins, as a float scalar input does.
                        s.Add(Enumerable.Range(0, Eval(p.Length!)).Select(_ => -1.5 + 3 * U()).Select(v => p.Other ? (float)v : v).ToArray());
                        init.Add(null);
                        break;
                    case ParamKind.RealSpanOut or ParamKind.RealOut:
                    {
                        var contents = Enumerable.Range(0, Eval(p.Length!)).Select(_ => Math.Round(-100 + 200 * U())).ToArray();
                        s.Add((double[])contents.Clone());
                        init.Add(contents);
                        break;
                    }

                    case ParamKind.IntSpan:
                    {
                        int bound = Math.Max(1, Eval(p.ValueBound!));
                        ns.Add(Enumerable.Range(0, Eval(p.Length!)).Select(_ => I(0, bound - 1)).ToArray());
                        break;
                    }

                    case ParamKind.Bool:
                        b.Add(AtDefault(p) ? p.Default != 0 : U() < 0.5);
                        break;
                }
            }

            return new Inputs
            {
                R = r.ToArray(),
                S = s.ToArray(),
                N = m.Params.Where(p => p.Kind == ParamKind.Size).Select(p => sizes[p.Name]).ToArray(),
                NS = ns.ToArray(),
                B = b.ToArray(),
                OutputInit = init.ToArray(),
            };
        }

        public string Describe(Method m)
        {
            var parts = new List<string>();
            int ri = 0, si = 0, ni = 0, nsi = 0, bi = 0;
            string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
            foreach (var p in m.Params)
            {
                parts.Add(p.Kind switch
                {
                    ParamKind.RealScalar when p.Struct is not null => $"{p.Struct}.{p.Member} = {F(R[ri++])}",
                    ParamKind.RealScalar or ParamKind.OtherScalar => $"{p.Name} = {F(R[ri++])}",
                    ParamKind.RealSpanIn => $"{p.Name} = [{string.Join(", ", S[si++].Select(F))}]",
                    ParamKind.RealSpanOut or ParamKind.RealOut => $"{p.Name} = (output of {S[si++].Length})",
                    ParamKind.Size => $"{p.Name} = {N[ni++]}",
                    ParamKind.IntSpan => $"{p.Name} = [{string.Join(", ", NS[nsi++])}]",
                    _ => $"{p.Name} = {(B[bi++] ? "true" : "false")}",
                });
            }

            return string.Join(", ", parts);
        }
    }
}
