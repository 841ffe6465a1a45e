using System.Globalization;
using System.Linq;
using SymGrad.Generator.Model;

namespace SymGrad.Generator
{
    /// <summary>
    /// Algebraic clean-up of derivative expressions: constants folded, <c>x * 1</c>, <c>x + 0</c>, <c>0 * x</c>,
    /// <c>-(-x)</c> and friends removed, signs pulled to the front, so the emitted code reads as a person would write it.
    /// </summary>
    internal static class Simplifier
    {
        public static Expr Simplify(Expr e)
        {
            switch (e)
            {
                case Unary { Op: "-" } u:
                {
                    Expr operand = Simplify(u.Operand);
                    if (TryValue(operand, out double v))
                    {
                        return Constant(-v, u.Type);
                    }

                    if (operand is Unary { Op: "-" } inner)
                    {
                        return inner.Operand;
                    }

                    if (operand is Binary { Op: "-" } difference && u.IsReal)
                    {
                        return difference with { Left = difference.Right, Right = difference.Left }; // -(a - b) = b - a
                    }

                    return u with { Operand = operand };
                }

                case Unary { Op: "!" } not:
                {
                    Expr operand = Simplify(not.Operand);
                    return operand is Literal { Text: "true" or "false" } b ? Bool(b.Text == "false") : not with { Operand = operand };
                }

                case Unary u:
                    return u with { Operand = Simplify(u.Operand) };
                case Binary b:
                    return SimplifyBinary(b.Op, Simplify(b.Left), Simplify(b.Right), b.Type);
                case Conditional c:
                {
                    Expr t = Simplify(c.WhenTrue), f = Simplify(c.WhenFalse), test = Simplify(c.Test);
                    if (test is Literal { Text: "true" or "false" } decided)
                    {
                        return decided.Text == "true" ? t : f;
                    }

                    return t == f ? t : c with { Test = test, WhenTrue = t, WhenFalse = f };
                }

                case MathCall m:
                    return m with { Args = m.Args.Select(Simplify).ToEquatableArray() };
                case Cast c:
                {
                    Expr operand = Simplify(c.Operand);
                    if (operand.Type == c.Type)
                    {
                        return operand;
                    }

                    if (TryValue(operand, out double v) && c.IsReal)
                    {
                        return Constant(v, c.Type);
                    }

                    return c with { Operand = operand };
                }

                case Element el:
                    return el with { Index = Simplify(el.Index) };
                default:
                    return e;
            }
        }

        private static Expr SimplifyBinary(string op, Expr l, Expr r, string type)
        {
            bool real = type is "double" or "float";
            bool integral = type is "int" or "long";
            if ((real || integral) && TryValue(l, out double a) && TryValue(r, out double b) && op is "+" or "-" or "*" or "/")
            {
                if (op != "/" || (real && b != 0))
                {
                    return Constant(op switch { "+" => a + b, "-" => a - b, "*" => a * b, _ => a / b }, type);
                }
            }

            if (type == "bool")
            {
                return SimplifyLogic(op, l, r);
            }

            if (!(real || integral))
            {
                return new Binary(op, l, r, type);
            }

            switch (op)
            {
                case "+":
                    if (IsConstant(l, 0)) return r;
                    if (IsConstant(r, 0)) return l;
                    if (l == r || SwappedProduct(l, r)) return SimplifyBinary("*", Constant(2, type), l, type); // a·b + b·a = 2·a·b, bit for bit
                    if (real && l is Binary { Op: "+" } sum && (sum.Right == r || SwappedProduct(sum.Right, r)))
                    {
                        return SimplifyBinary("+", sum.Left, SimplifyBinary("*", Constant(2, type), r, type), type); // c + r·u + u·r = c + 2·u·r
                    }

                    if (l is Binary { Op: "*" } lm && r is Binary { Op: "*" } rm && lm.Right == rm.Right && TryValue(lm.Left, out double lc) && TryValue(rm.Left, out double rc))
                    {
                        return SimplifyBinary("*", Constant(lc + rc, type), lm.Right, type); // 0.5·d + 0.5·d = d
                    }

                    if (r is Unary { Op: "-" } nr) return SimplifyBinary("-", l, nr.Operand, type);
                    if (TryValue(r, out double rv) && rv < 0) return SimplifyBinary("-", l, Constant(-rv, type), type);
                    if (l is Unary { Op: "-" } nl) return SimplifyBinary("-", r, nl.Operand, type);
                    break;
                case "-":
                    if (IsConstant(r, 0)) return l;
                    if (IsConstant(l, 0)) return Simplify(new Unary("-", r, type));
                    if (r is Unary { Op: "-" } nr2) return SimplifyBinary("+", l, nr2.Operand, type);
                    if (l == r) return Constant(0, type);
                    break;
                case "*":
                    if (IsConstant(l, 0) || IsConstant(r, 0)) return Constant(0, type);
                    if (IsConstant(l, 1)) return r;
                    if (IsConstant(r, 1)) return l;
                    if (IsConstant(l, -1)) return Simplify(new Unary("-", r, type));
                    if (IsConstant(r, -1)) return Simplify(new Unary("-", l, type));
                    if (l is Unary { Op: "-" } ml && r is Unary { Op: "-" } mr) return SimplifyBinary("*", ml.Operand, mr.Operand, type);
                    if (l is Unary { Op: "-" } ml2) return new Unary("-", SimplifyBinary("*", ml2.Operand, r, type), type);
                    if (r is Unary { Op: "-" } mr2) return new Unary("-", SimplifyBinary("*", l, mr2.Operand, type), type);
                    // Constants first: 2 * x rather than x * 2.
                    if (TryValue(r, out _) && !TryValue(l, out _)) return new Binary("*", r, l, type);

                    // s · (1 / b) = s / b; s · (a · b) = s · a · b (as a person writes it).
                    if (real && r is Binary { Op: "/" } quotient && IsConstant(quotient.Left, 1)) return SimplifyBinary("/", l, quotient.Right, type);
                    if (TryValue(l, out double c1) && r is Binary { Op: "*" } scaled && TryValue(scaled.Left, out double c2)) return SimplifyBinary("*", Constant(c1 * c2, type), scaled.Right, type);
                    if (real && l is Binary { Op: "/" } inverse && IsConstant(inverse.Left, 1)) return SimplifyBinary("/", r, inverse.Right, type);
                    if (real && r is Binary { Op: "*" } product && product.Type == type && (l is Name or Element or Binary { Op: "*" } || ExactScale(l))) return new Binary("*", SimplifyBinary("*", l, product.Left, type), product.Right, type);
                    break;
                case "/":
                    if (IsConstant(r, 1)) return l;
                    if (real && IsConstant(l, 0)) return Constant(0, type);
                    if (l is Unary { Op: "-" } dl) return new Unary("-", SimplifyBinary("/", dl.Operand, r, type), type);
                    break;
            }

            return new Binary(op, l, r, type);
        }

        /// <summary>A power of two: 2·(a·b) = (2·a)·b bit for bit, so the product may be written without parentheses.</summary>
        private static bool ExactScale(Expr e) => TryValue(e, out double v) && v != 0 && System.Math.Abs(v) is var m && System.Math.Pow(2, System.Math.Round(System.Math.Log(m, 2))) == m;

        /// <summary>a·b and b·a: the derivative of a product of a variable with itself (u·r·r) lists its terms in both orders.</summary>
        private static bool SwappedProduct(Expr l, Expr r) => l is Binary { Op: "*" } a && r is Binary { Op: "*" } b && a.Left == b.Right && a.Right == b.Left;

        /// <summary>The logical negation, written as a person would (<c>a &lt; b</c> for <c>!(a &gt;= b)</c>).</summary>
        public static Expr Negate(Expr test) => test switch
        {
            Binary { Op: ">=" } b => b with { Op = "<" },
            Binary { Op: "<=" } b => b with { Op = ">" },
            Binary { Op: ">" } b => b with { Op = "<=" },
            Binary { Op: "<" } b => b with { Op = ">=" },
            Binary { Op: "==" } b => b with { Op = "!=" },
            Binary { Op: "!=" } b => b with { Op = "==" },
            Unary { Op: "!" } u => u.Operand,
            _ => new Unary("!", test, "bool"),
        };

        /// <summary>Comparisons of two constants and logic on constant operands are decided (no unreachable code emitted).</summary>
        private static Expr SimplifyLogic(string op, Expr l, Expr r)
        {
            if (TryValue(l, out double a) && TryValue(r, out double b))
            {
                switch (op)
                {
                    case "<": return Bool(a < b);
                    case "<=": return Bool(a <= b);
                    case ">": return Bool(a > b);
                    case ">=": return Bool(a >= b);
                    case "==": return Bool(a == b);
                    case "!=": return Bool(a != b);
                }
            }

            bool? lb = l is Literal { Text: "true" or "false" } x ? x.Text == "true" : null;
            bool? rb = r is Literal { Text: "true" or "false" } y ? y.Text == "true" : null;
            switch (op)
            {
                case "&&" when lb == false || rb == false: return Bool(false);
                case "&&" when lb == true: return r;
                case "&&" when rb == true: return l;
                case "||" when lb == true || rb == true: return Bool(true);
                case "||" when lb == false: return r;
                case "||" when rb == false: return l;
            }

            // x >= x in a derivative (after x * 1.0 became x): decided as a tie is, with no comparison of a variable to itself.
            return DecideTie(new Binary(op, l, r, "bool"));
        }

        /// <summary>
        /// A test of a derivative rule between two identical operands (<c>max(s, s)</c>: <c>s &gt;= s</c>) is decided as a tie
        /// is (the first argument); pure operands only. Forward code keeps its tests as written (<c>x != x</c> tests for NaN).
        /// </summary>
        public static Expr DecideTie(Expr test) => test is Binary { Op: ">=" or "<=" or "==" or ">" or "<" or "!=" } b && b.Left == b.Right
            && !Model.Reads.Nodes(b.Left).Any(n => n is MathCall or UserCall or UnknownCall or Pop)
            ? Bool(b.Op is ">=" or "<=" or "==")
            : test;

        public static Literal Bool(bool value) => new(value ? "true" : "false", "bool");

        public static bool IsConstant(Expr e, double value) => TryValue(e, out double v) && v == value;

        public static bool TryValue(Expr e, out double value)
        {
            value = 0;
            if (e is Cast { Operand: var inner })
            {
                return TryValue(inner, out value);
            }

            if (e is Unary { Op: "-", Operand: var negated } && TryValue(negated, out double positive))
            {
                value = -positive;
                return true;
            }

            if (e is not Literal { Type: "double" or "float" or "int" or "long" } literal)
            {
                return false;
            }

            string text = literal.Text.TrimEnd('f', 'F', 'd', 'D', 'm', 'M', 'L', 'l', 'u', 'U');
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }

        /// <summary>A literal of <paramref name="type"/>: integers without a suffix, fractions with one where float needs it.</summary>
        public static Expr Constant(double value, string type)
        {
            if (value < 0)
            {
                return new Unary("-", Constant(-value, type), type);
            }

            string text;
            if (type is "int" or "long")
            {
                text = ((long)value).ToString(CultureInfo.InvariantCulture);
            }
            else if (value == System.Math.Floor(value) && value < 1e15)
            {
                text = value.ToString("0", CultureInfo.InvariantCulture);
            }
            else
            {
                text = type == "float"
                    ? ((float)value).ToString("R", CultureInfo.InvariantCulture) + "f"
                    : value.ToString("R", CultureInfo.InvariantCulture);
            }

            return new Literal(text, type);
        }
    }
}
