using System;
using System.Linq;
using System.Text;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Emit
{
    /// <summary>Prints model expressions as C#, with only the parentheses precedence needs.</summary>
    internal static class ExprPrinter
    {
        public static string Print(Expr e, Func<string, string>? rename = null) => Print(e, rename ?? (s => s), 99, false);

        private static readonly System.Text.RegularExpressions.Regex s_qualified = new(@"global::(?:\w+\.)*(\w+\.\w+)");

        /// <summary>C# for people (comments, messages): <c>Math.Tanh</c>, <c>Layers.Dense</c>, not their fully qualified names.</summary>
        public static string Readable(Expr e) => s_qualified.Replace(Print(e), "$1");

        private static string Print(Expr e, Func<string, string> rename, int parent, bool right)
        {
            int precedence = Precedence(e);
            string text = PrintCore(e, rename);
            bool wrap = precedence > parent || (precedence == parent && right && precedence > 1);
            return wrap ? "(" + text + ")" : text;
        }

        private static string PrintCore(Expr e, Func<string, string> rename)
        {
            switch (e)
            {
                case Literal l:
                    return l.Text;
                case Name n:
                    return rename(n.Id);
                case Element el:
                    return rename(el.Span) + "[" + Print(el.Index, rename) + "]" + el.Member;
                case Unary u:
                {
                    string operand = Print(u.Operand, rename, 1, false);
                    return u.Op + (operand.StartsWith(u.Op, StringComparison.Ordinal) ? "(" + operand + ")" : operand);
                }

                case Binary b:
                {
                    int p = Precedence(b);
                    return Print(b.Left, rename, p, false) + " " + b.Op + " " + Print(b.Right, rename, p, true);
                }

                case Conditional c:
                    // A branch in the first arm is bracketed (a ? (b ? x : y) : z); a chain in the last reads as one (a ? x : b ? y : z).
                    return Print(c.Test, rename, 11, false) + " ? " + Print(c.WhenTrue, rename, 11, false) + " : " + Print(c.WhenFalse, rename, 12, false);
                case Cast c:
                    return "(" + c.Type + ")" + Print(c.Operand, rename, 0, false);
                case MathCall { Function: "Sigmoid" } m:
                {
                    string one = m.Type == "float" ? "1f" : "1.0";
                    // Through the unary printer: -(-u) must not come out as --u, a decrement.
                    return one + " / (" + one + " + " + MathName("Exp", m.Type) + "(" + Print(new Unary("-", m.Args[0], m.Type), rename, 1, false) + "))";
                }

                case MathCall m:
                    return MathName(m.Function, m.Type) + "(" + string.Join(", ", m.Args.Select(a => Argument(a, rename))) + ")";
                case Opaque o:
                {
                    var names = o.Reads.Select(r => (object)rename(r)).ToArray();
                    return string.Format(System.Globalization.CultureInfo.InvariantCulture, o.Template, names);
                }

                case UnknownCall u:
                    return PrintCore(u.Call, rename);
                case SpanRef s:
                {
                    if (s.Start is null)
                    {
                        return rename(s.Span);
                    }

                    // An array has no Slice: its part is MemoryExtensions.AsSpan, called statically (the file has no usings).
                    string bounds = Print(s.Start, rename) + (s.Length is null ? "" : ", " + Print(s.Length, rename));
                    return s.OfArray ? $"global::System.MemoryExtensions.AsSpan({rename(s.Span)}, {bounds})" : $"{rename(s.Span)}.Slice({bounds})";
                }

                case Written w:
                    return PrintCore(w.Target, rename);
                case UserCall call:
                    return call.Target.ContainingType + "." + call.Target.Method + call.Target.TypeArguments + "(" + string.Join(", ", call.Args.Select(a => Print(a, rename))) + ")";
                default:
                    throw new InvalidOperationException("Unknown expression " + e.GetType().Name);
            }
        }

        /// <summary>
        /// A Math argument. A whole number folded from real arithmetic is written as a real (<c>6.0</c>): as <c>6</c> it would pick
        /// <c>Math.Abs(int)</c>, or be ambiguous between the double and decimal overloads of <c>Math.Floor</c>.
        /// </summary>
        private static string Argument(Expr a, Func<string, string> rename)
        {
            string text = Print(a, rename);
            Expr unsigned = a is Unary { Op: "-", Operand: var operand } ? operand : a;
            return unsigned is Literal { IsReal: true } literal && literal.Text.All(char.IsDigit)
                ? text + (a.Type == "float" ? "f" : ".0")
                : text;
        }

        // Math.Clamp has float overloads and MathF no Clamp.
        public static string MathName(string function, string type) =>
            (Rules.DerivativeRules.NumericOnly(function) ? (type == "float" ? "global::System.Single." : "global::System.Double.")
             : type == "float" && function != "Clamp" ? "global::System.MathF." : "global::System.Math.") + function;

        private static int Precedence(Expr e) => e switch
        {
            Literal l when l.Text.StartsWith("-", StringComparison.Ordinal) => 1,
            Unary or Cast => 1,
            MathCall { Function: "Sigmoid" } => 2,
            Binary b => b.Op switch
            {
                "*" or "/" or "%" => 2,
                "+" or "-" => 3,
                "<<" or ">>" => 4,
                "<" or "<=" or ">" or ">=" => 5,
                "==" or "!=" => 6,
                "&" => 7,
                "^" => 8,
                "|" => 9,
                "&&" => 10,
                _ => 11,
            },
            Conditional => 12,
            _ => 0,
        };
    }
}
