using System.Linq;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Lower
{
    /// <summary>Recognises compound forms whose derivative has a better closed form than the chain rule gives.</summary>
    internal static class Patterns
    {
        /// <summary>Rewrites <c>1 / (1 + Exp(-u))</c> to <c>Sigmoid(u)</c>, whose derivative is σ(1 − σ).</summary>
        public static Expr Recognise(Expr expr)
        {
            Expr e = Map(expr);
            if (e is Binary { Op: "/", Left: var one, Right: Binary { Op: "+", Left: var one2, Right: MathCall { Function: "Exp", Args: var args } } }
                && IsOne(one) && IsOne(one2) && args.Count == 1 && args[0] is Unary { Op: "-", Operand: var u })
            {
                return new MathCall("Sigmoid", new[] { u }.ToEquatableArray(), e.Type);
            }

            return e;
        }

        private static bool IsOne(Expr e) => Simplifier.IsConstant(e, 1);

        private static Expr Map(Expr e) => e switch
        {
            Unary u => u with { Operand = Recognise(u.Operand) },
            Binary b => b with { Left = Recognise(b.Left), Right = Recognise(b.Right) },
            Conditional c => c with { WhenTrue = Recognise(c.WhenTrue), WhenFalse = Recognise(c.WhenFalse) },
            MathCall m => m with { Args = m.Args.Select(Recognise).ToEquatableArray() },
            Cast c => c with { Operand = Recognise(c.Operand) },
            UserCall c => c with { Args = c.Args.Select(Recognise).ToEquatableArray() },
            _ => e,
        };
    }
}
