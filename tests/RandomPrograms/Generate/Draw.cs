using System;
using System.Collections.Generic;
using CsCheck;

namespace SymGrad.RandomPrograms.Generate
{
    /// <summary>
    /// Draws from CsCheck generators on one PCG stream. The program generator has to thread a scope (locals, enclosing
    /// loops, which outputs are written yet) through every choice, which CsCheck's pure combinators cannot carry; so the
    /// structure is chosen by hand-written code (<see cref="ProgramGenerator"/>) and each leaf choice is a CsCheck
    /// <see cref="Gen{T}"/> drawn on the program's own <see cref="PCG"/>, which makes a program a function of its seed.
    /// </summary>
    public sealed class Draw
    {
        // Gen.Double[0, 1] leans towards small values (CsCheck favours small sizes: 60 % fall below 0.1), so a uniform
        // fraction is drawn as an int, which Gen.Int draws uniformly.
        private const int Resolution = 1 << 30;
        private static readonly Gen<int> s_unit = Gen.Int[0, Resolution - 1];
        private readonly PCG _pcg;

        public Draw(PCG pcg) => _pcg = pcg;

        /// <summary>
        /// A stream of its own from this point (stream + <paramref name="k"/>), drawing nothing from this one: what a newer
        /// choice draws from, so that the seeds of past failures give the programs they gave.
        /// </summary>
        public Draw Side(uint k) => new(new PCG(_pcg.Stream + k, _pcg.Seed));

        /// <summary>An int in [lo, hi] (both ends included).</summary>
        public int Int(int lo, int hi) => lo >= hi ? lo : Gen.Int[lo, hi].Generate(_pcg, null!, out _);

        public double Unit() => s_unit.Generate(_pcg, null!, out _) / (double)Resolution;

        public double Double(double lo, double hi) => lo + (hi - lo) * Unit();

        public bool Chance(double p) => p > 0 && Unit() < p;

        public T Pick<T>(IReadOnlyList<T> items) => items[Int(0, items.Count - 1)];

        /// <summary>One of the values with positive weight, with probability proportional to its weight.</summary>
        public T Weighted<T>(params (double Weight, T Value)[] choices)
        {
            double total = 0;
            foreach (var c in choices) total += Math.Max(0, c.Weight);
            if (total <= 0) throw new InvalidOperationException("no choice has a positive weight");
            double x = Unit() * total;
            foreach (var c in choices)
            {
                if (c.Weight <= 0) continue;
                x -= c.Weight;
                if (x < 0) return c.Value;
            }

            for (int i = choices.Length - 1; ; i--)
            {
                if (choices[i].Weight > 0) return choices[i].Value;
            }
        }

        public void Shuffle<T>(IList<T> items)
        {
            for (int i = items.Count - 1; i > 0; i--)
            {
                int j = Int(0, i);
                (items[i], items[j]) = (items[j], items[i]);
            }
        }
    }
}
