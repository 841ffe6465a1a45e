using System;
using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Model;
using SymGrad.Generator.Rules;

namespace SymGrad.Generator.Differentiate
{
    /// <summary>
    /// The local derivatives of an expression with respect to each active variable it reads, symbolically
    /// (<c>∂acc/∂x[k] = w[k]</c>): the chain rule walked forwards, with the same <see cref="DerivativeRules"/>.
    /// </summary>
    internal static class LocalPartials
    {
        /// <param name="isActive">Whether a subexpression carries a derivative.</param>
        /// <param name="result">What holds the expression's value, for rules that reuse it (or null: the expression itself).</param>
        public static List<(Expr Leaf, Expr Partial)> Of(Expr e, Func<Expr, bool> isActive, Expr? result = null)
        {
            var terms = new List<(Expr Leaf, Expr Partial)>();
            Collect(e, Simplifier.Constant(1, e.Type), isActive, result, terms);
            return terms
                .GroupBy(t => t.Leaf)
                .Select(g => (g.Key, Simplifier.Simplify(g.Select(t => t.Partial).Aggregate((a, b) => new Binary("+", a, b, a.Type)))))
                .Where(t => !Simplifier.IsConstant(t.Item2, 0))
                .ToList();
        }

        private static void Collect(Expr e, Expr factor, Func<Expr, bool> isActive, Expr? result, List<(Expr, Expr)> terms)
        {
            if (!isActive(e))
            {
                return;
            }

            switch (e)
            {
                case Name or Element:
                    terms.Add((e, factor));
                    return;
                case Unary { Op: "-" } u:
                    Collect(u.Operand, Neg(factor), isActive, null, terms);
                    return;
                case Cast c:
                    Collect(c.Operand, factor, isActive, null, terms);
                    return;
                case Binary { Op: "+" or "-" } b:
                    Collect(b.Left, factor, isActive, null, terms);
                    Collect(b.Right, b.Op == "-" ? Neg(factor) : factor, isActive, null, terms);
                    return;
                case Binary { Op: "*" } b:
                    Collect(b.Left, Mul(factor, b.Right), isActive, null, terms);
                    Collect(b.Right, Mul(factor, b.Left), isActive, null, terms);
                    return;
                case Binary { Op: "/" } b:
                    Collect(b.Left, Div(factor, b.Right), isActive, null, terms);
                    Collect(b.Right, Neg(Div(Mul(factor, b.Left), Mul(b.Right, b.Right))), isActive, null, terms);
                    return;
                case Conditional c:
                    Collect(c.WhenTrue, new Conditional(c.Test, factor, Simplifier.Constant(0, factor.Type), factor.Type), isActive, null, terms);
                    Collect(c.WhenFalse, new Conditional(c.Test, Simplifier.Constant(0, factor.Type), factor, factor.Type), isActive, null, terms);
                    return;
                case MathCall m when DerivativeRules.IsPiecewiseConstant(m.Function):
                    return;
                case MathCall m:
                    for (int k = 0; k < m.Args.Count; k++)
                    {
                        Expr partial = DerivativeRules.Partial(m, k, result ?? m);
                        if (!Simplifier.IsConstant(partial, 0))
                        {
                            Collect(m.Args[k], Mul(factor, partial), isActive, null, terms);
                        }
                    }

                    return;

                // A call's local derivative is its own backward: not written out.
            }
        }

        private static Expr Neg(Expr e) => new Unary("-", e, e.Type);

        private static Expr Mul(Expr a, Expr b) => new Binary("*", a, b, a.Type);

        private static Expr Div(Expr a, Expr b) => new Binary("/", a, b, a.Type);
    }
}
