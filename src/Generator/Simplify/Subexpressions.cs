using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Model;

namespace SymGrad.Generator
{
    /// <summary>Finds and replaces repeated sub-expressions, so an expensive call in a derivative is computed once.</summary>
    internal static class Subexpressions
    {
        /// <summary>The calls (elementary functions, differentiable methods) that occur more than once in <paramref name="e"/>, largest first.</summary>
        public static List<Expr> RepeatedCalls(Expr e)
        {
            var counts = new Dictionary<Expr, int>();
            Count(e, counts);
            return counts.Where(c => c.Value > 1).Select(c => c.Key).OrderByDescending(Size).ToList();
        }

        public static Expr Replace(Expr e, Expr from, Expr to)
        {
            if (e == from)
            {
                return to;
            }

            return e switch
            {
                Unary u => u with { Operand = Replace(u.Operand, from, to) },
                Binary b => b with { Left = Replace(b.Left, from, to), Right = Replace(b.Right, from, to) },
                Conditional c => c with { Test = Replace(c.Test, from, to), WhenTrue = Replace(c.WhenTrue, from, to), WhenFalse = Replace(c.WhenFalse, from, to) },
                MathCall m => m with { Args = m.Args.Select(a => Replace(a, from, to)).ToEquatableArray() },
                UserCall u => u with { Args = u.Args.Select(a => Replace(a, from, to)).ToEquatableArray() },
                Cast c => c with { Operand = Replace(c.Operand, from, to) },
                Element el => el with { Index = Replace(el.Index, from, to) },
                _ => e,
            };
        }

        private static void Count(Expr e, Dictionary<Expr, int> counts)
        {
            if (e is MathCall or UserCall)
            {
                counts[e] = counts.TryGetValue(e, out int n) ? n + 1 : 1;
            }

            switch (e)
            {
                case Unary u: Count(u.Operand, counts); break;
                case Binary b: Count(b.Left, counts); Count(b.Right, counts); break;
                case Conditional c: Count(c.WhenTrue, counts); Count(c.WhenFalse, counts); break;
                case MathCall m: foreach (Expr a in m.Args) Count(a, counts); break;
                case UserCall u: foreach (Expr a in u.Args) Count(a, counts); break;
                case Cast c: Count(c.Operand, counts); break;
            }
        }

        private static int Size(Expr e) => e switch
        {
            Unary u => 1 + Size(u.Operand),
            Binary b => 1 + Size(b.Left) + Size(b.Right),
            Conditional c => 1 + Size(c.Test) + Size(c.WhenTrue) + Size(c.WhenFalse),
            MathCall m => 1 + m.Args.Sum(Size),
            Cast c => 1 + Size(c.Operand),
            _ => 1,
        };
    }
}
