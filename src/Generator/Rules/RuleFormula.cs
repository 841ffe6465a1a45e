using System.Collections.Generic;
using System.Globalization;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Rules
{
    /// <summary>
    /// Reads the partials of <see cref="DerivativeRules"/> (<c>y * Pow(x, y - 1)</c>, <c>x &gt;= y ? 1 : 0</c>) into
    /// expression templates, and instantiates a template for one call. A small recursive-descent parser: the rules are
    /// a handful of C#-like formulas, and Roslyn's parser would bring syntax nodes into a stage that holds none.
    /// </summary>
    internal static class RuleFormula
    {
        // Placeholders carry this type until they are instantiated.
        private const string Template = "?";

        public static Expr Parse(string formula)
        {
            var parser = new Parser(formula);
            Expr e = parser.Conditional();
            parser.Expect('\0');
            return e;
        }

        public static bool Mentions(Expr template, string name) => template switch
        {
            Name n => n.Id == name,
            Unary u => Mentions(u.Operand, name),
            Binary b => Mentions(b.Left, name) || Mentions(b.Right, name),
            Conditional c => Mentions(c.Test, name) || Mentions(c.WhenTrue, name) || Mentions(c.WhenFalse, name),
            MathCall m => System.Linq.Enumerable.Any(m.Args, a => Mentions(a, name)),
            _ => false,
        };

        /// <summary>The template with its placeholders bound and its types set: reals of <paramref name="type"/>, comparisons bool, <c>Sign</c> int.</summary>
        public static Expr Instantiate(Expr template, IReadOnlyDictionary<string, Expr> bindings, string type)
        {
            switch (template)
            {
                case Name { Id: "Pi" } when !bindings.ContainsKey("Pi"):
                    return Simplifier.Constant(System.Math.PI, type);
                case Name n:
                    return bindings[n.Id];
                case Literal l:
                    return Simplifier.Constant(double.Parse(l.Text, CultureInfo.InvariantCulture), type);
                case Unary u:
                {
                    Expr operand = Instantiate(u.Operand, bindings, type);
                    return new Unary(u.Op, operand, operand.Type);
                }

                case Binary b:
                {
                    Expr left = Instantiate(b.Left, bindings, type), right = Instantiate(b.Right, bindings, type);
                    return new Binary(b.Op, left, right, b.Op is ">=" or "<=" or ">" or "<" or "==" or "!=" or "&&" or "||" ? "bool" : type);
                }

                case Conditional c:
                    return new Conditional(Instantiate(c.Test, bindings, type), Instantiate(c.WhenTrue, bindings, type), Instantiate(c.WhenFalse, bindings, type), type);
                case MathCall m:
                {
                    var args = new List<Expr>();
                    foreach (Expr a in m.Args)
                    {
                        args.Add(Instantiate(a, bindings, type));
                    }

                    return new MathCall(m.Function, args.ToEquatableArray(), m.Function == "Sign" ? "int" : type);
                }

                default:
                    throw new System.InvalidOperationException("Not a rule template: " + template);
            }
        }

        private sealed class Parser
        {
            private readonly string _text;
            private int _at;

            public Parser(string text) => _text = text;

            private char Peek()
            {
                while (_at < _text.Length && _text[_at] == ' ') _at++;
                return _at < _text.Length ? _text[_at] : '\0';
            }

            public void Expect(char c)
            {
                if (Peek() != c) throw new System.FormatException($"'{c}' expected at {_at} in '{_text}'");
                _at++;
            }

            private bool Accept(string token)
            {
                Peek();
                if (string.CompareOrdinal(_text, _at, token, 0, token.Length) != 0) return false;
                _at += token.Length;
                return true;
            }

            public Expr Conditional()
            {
                Expr test = Or();
                if (!Accept("?")) return test;
                Expr whenTrue = Conditional();
                Expect(':');
                return new Conditional(test, whenTrue, Conditional(), Template);
            }

            private Expr Or()
            {
                Expr e = And();
                while (Accept("||")) e = new Binary("||", e, And(), Template);
                return e;
            }

            private Expr And()
            {
                Expr e = Comparison();
                while (Accept("&&")) e = new Binary("&&", e, Comparison(), Template);
                return e;
            }

            private Expr Comparison()
            {
                Expr left = Sum();
                foreach (string op in new[] { ">=", "<=", "==", "!=", ">", "<" })
                {
                    if (Accept(op)) return new Binary(op, left, Sum(), Template);
                }

                return left;
            }

            private Expr Sum()
            {
                Expr e = Product();
                while (Peek() is '+' or '-') e = new Binary(_text[_at++].ToString(), e, Product(), Template);
                return e;
            }

            private Expr Product()
            {
                Expr e = Factor();
                while (Peek() is '*' or '/') e = new Binary(_text[_at++].ToString(), e, Factor(), Template);
                return e;
            }

            private Expr Factor()
            {
                char c = Peek();
                if (c == '-')
                {
                    _at++;
                    return new Unary("-", Factor(), Template);
                }

                if (c == '(')
                {
                    _at++;
                    Expr inner = Conditional();
                    Expect(')');
                    return inner;
                }

                int start = _at;
                if (char.IsDigit(c))
                {
                    while (_at < _text.Length && (char.IsDigit(_text[_at]) || _text[_at] == '.')) _at++;
                    return new Literal(_text.Substring(start, _at - start), Template);
                }

                while (_at < _text.Length && char.IsLetterOrDigit(_text[_at])) _at++;
                if (_at == start) throw new System.FormatException($"Unexpected '{c}' at {_at} in '{_text}'");
                string name = _text.Substring(start, _at - start);
                if (Peek() != '(') return new Name(name, Template);
                _at++;
                var args = new List<Expr> { Conditional() };
                while (Accept(",")) args.Add(Conditional());
                Expect(')');
                return new MathCall(name, args.ToEquatableArray(), Template);
            }
        }
    }
}
