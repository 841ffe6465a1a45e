using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Diagnostics;
using SymGrad.Generator.Differentiate;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Lower
{
    /// <summary>
    /// A call that writes span outputs, inside a larger expression (<c>s = 2 * F(x, h);</c>, <c>if (F(x, h) &gt; 0)</c>),
    /// becomes a statement of its own before it: <c>double f = F(x, h); s = 2 * f;</c>; inside a branch of <c>?:</c>, <c>&amp;&amp;</c>
    /// or <c>||</c>, the branch becomes an <c>if</c> that computes its value. The sweeps then meet such calls only as a
    /// statement or as a whole right-hand side, where the reversal of what they wrote has a place. Evaluation order is
    /// kept: an operand read before a call that writes what it read goes to a local first. A call in a loop's condition or
    /// step (it runs every iteration), or one returning no real, is SG0021.
    /// </summary>
    internal sealed class CallHoisting
    {
        private readonly NameAllocator _names;
        private readonly List<DiagnosticInfo> _diagnostics = new();

        public CallHoisting(NameAllocator names) => _names = names;

        /// <summary>The locals the hoisting introduced.</summary>
        public List<LocalSpec> NewLocals { get; } = new();

        public Block Rewrite(Block body)
        {
            Block result = Walk.Rewrite(body, Statement);
            if (_diagnostics.Count > 0)
            {
                throw new Emit.DiagnosticsException(_diagnostics);
            }

            return result;
        }

        private IEnumerable<Stmt> Statement(Stmt s)
        {
            var before = new List<Stmt>();
            Stmt rewritten;
            switch (s)
            {
                case LocalDecl { Init: { } init } d:
                    rewritten = d with { Init = Whole(init, s, before) };
                    break;
                case Assign { Target: Element target } a when Reads.Calls(a.Value).Any(c => WritesSpans(c) && Reads.WrittenSpans(c).Contains(target.Span)):
                    // y[0] = F(y): the call's outputs, before the assignment overwrites one, are what F's backward reads.
                    rewritten = a with { Value = Hoist(a.Value, s, before) };
                    break;
                case Assign a:
                    rewritten = a with { Value = Whole(a.Value, s, before) };
                    break;
                case Return { Value: { } value } r:
                    rewritten = r with { Value = Whole(value, s, before) };
                    break;
                case CallStatement c:
                    rewritten = c with { Call = (UserCall)Whole(c.Call, s, before) };
                    break;
                case If i:
                    rewritten = i with { Condition = Hoist(i.Condition, s, before) };
                    break;
                case For f:
                    rewritten = f with { Init = Hoist(f.Init, s, before) };
                    if (Reads.Calls(f.Condition).Concat(Reads.Calls(f.Step)).Any(WritesSpans))
                    {
                        Refuse(s, Reads.Calls(f.Condition).Concat(Reads.Calls(f.Step)).First(WritesSpans));
                    }

                    break;
                default:
                    rewritten = s;
                    break;
            }

            before.Add(rewritten);
            return before;
        }

        /// <summary>A whole right-hand side that is itself the call stays; calls inside its arguments are hoisted.</summary>
        private Expr Whole(Expr value, Stmt statement, List<Stmt> before) => value is UserCall call && WritesSpans(call)
            ? Arguments(call, statement, before)
            : Hoist(value, statement, before);

        /// <summary>
        /// The arguments of a call that writes spans: an argument that reads what the call writes (<c>F(Math.Sin(y[0]), y)</c>)
        /// goes to a local first, so the reversal finds its value from before the call in a variable of its own.
        /// </summary>
        private UserCall Arguments(UserCall call, Stmt statement, List<Stmt> before)
        {
            List<Expr> args = Sequence(call.Args, statement, before);
            var written = new HashSet<string>(Reads.WrittenSpans(call));
            for (int i = 0; i < args.Count; i++)
            {
                if (call.Target.Parameters[i].Kind != ParameterKind.SpanOutput && args[i] is not (Name or Literal or SpanRef)
                    && args[i].Type is "double" or "float" or "int" or "long" or "bool" && SpansRead(args[i]).Overlaps(written))
                {
                    args[i] = Temporary(args[i], args[i].Type, call.Target.Parameters[i].Name, statement, before);
                }
            }

            return call with { Args = args.ToEquatableArray() };
        }

        /// <summary>Hoists the span-writing calls of <paramref name="e"/>, keeping C#'s order of evaluation.</summary>
        private Expr Hoist(Expr e, Stmt statement, List<Stmt> before)
        {
            if (!Reads.Calls(e).Any(WritesSpans))
            {
                return e;
            }

            switch (e)
            {
                case UserCall call:
                {
                    if (!WritesSpans(call))
                    {
                        return call with { Args = Sequence(call.Args, statement, before).ToEquatableArray() };
                    }

                    UserCall hoisted = Arguments(call, statement, before);

                    if (call.Type is not ("double" or "float"))
                    {
                        Refuse(statement, call);
                        return hoisted;
                    }

                    return Temporary(hoisted, call.Type, char.ToLowerInvariant(call.Target.Method[0]) + call.Target.Method.Substring(1), statement, before);
                }

                case Conditional c:
                {
                    // c ? F(x, h) : e — the branch that runs computes its value: if (c) { t = F(x, h); } else { t = e; }
                    Expr test = Hoist(c.Test, statement, before);
                    var then = new List<Stmt>();
                    var otherwise = new List<Stmt>();
                    Expr whenTrue = Hoist(c.WhenTrue, statement, then);
                    Expr whenFalse = Hoist(c.WhenFalse, statement, otherwise);
                    return Branches(test, then, whenTrue, otherwise, whenFalse, c.Type, statement, before);
                }

                case Binary { Op: "&&" or "||" } b:
                {
                    // a && F(…) > 0 — the right side runs only when it decides: t = a; if (t) { t = F(…) > 0; }
                    Expr left = Hoist(b.Left, statement, before);
                    var right = new List<Stmt>();
                    Expr rightValue = Hoist(b.Right, statement, right);
                    string name = NewLocal("decided", "bool");
                    var t = new Name(name, "bool");
                    before.Add(new LocalDecl(name, "bool", left, "") { Location = statement.Location });
                    right.Add(new Assign(t, "=", rightValue, "") { Location = statement.Location });
                    before.Add(new If(b.Op == "&&" ? t : new Unary("!", t, "bool"), new Block(right.ToEquatableArray()), Block.Empty, "") { Location = statement.Location });
                    return t;
                }

                case Binary b:
                {
                    List<Expr> operands = Sequence(new[] { b.Left, b.Right }, statement, before);
                    return b with { Left = operands[0], Right = operands[1] };
                }

                case MathCall m:
                    return m with { Args = Sequence(m.Args, statement, before).ToEquatableArray() };
                case Element el:
                    return el with { Index = Hoist(el.Index, statement, before) };
                case Unary u:
                    return u with { Operand = Hoist(u.Operand, statement, before) };
                case Cast c:
                    return c with { Operand = Hoist(c.Operand, statement, before) };
                default:
                    return e;
            }
        }

        /// <summary>
        /// Operands evaluated left to right. An operand whose calls write what an earlier operand read (<c>y[i] + F(y)</c>) must
        /// see the earlier operand evaluated first: that operand goes to a local before the call.
        /// </summary>
        private List<Expr> Sequence(IEnumerable<Expr> operands, Stmt statement, List<Stmt> before)
        {
            var results = new List<Expr>();
            foreach (Expr operand in operands)
            {
                var writes = new HashSet<string>(Reads.Calls(operand).Where(WritesSpans).SelectMany(Reads.WrittenSpans));
                for (int j = 0; j < results.Count && writes.Count > 0; j++)
                {
                    if (results[j] is not (Name or Literal) && SpansRead(results[j]).Overlaps(writes))
                    {
                        results[j] = Temporary(results[j], results[j].Type, "value", statement, before);
                    }
                }

                results.Add(Hoist(operand, statement, before));
            }

            return results;
        }

        /// <summary>The spans an expression reads: its elements, and spans passed to calls as inputs.</summary>
        private static HashSet<string> SpansRead(Expr e)
        {
            var read = new HashSet<string>();
            foreach (Expr node in Reads.Nodes(e))
            {
                if (node is Element el)
                {
                    read.Add(el.Span);
                }
                else if (node is UserCall call)
                {
                    for (int i = 0; i < call.Args.Count; i++)
                    {
                        if (call.Target.Parameters[i].Kind != ParameterKind.SpanOutput && call.Args[i] is SpanRef s) read.Add(s.Span);
                    }
                }
            }

            return read;
        }

        private Name Temporary(Expr value, string type, string baseName, Stmt statement, List<Stmt> before)
        {
            string name = NewLocal(baseName, type);
            before.Add(new LocalDecl(name, type, value, $"{type} {name} = {Emit.ExprPrinter.Readable(value)};") { Location = statement.Location });
            return new Name(name, type);
        }

        private Name Branches(Expr test, List<Stmt> then, Expr whenTrue, List<Stmt> otherwise, Expr whenFalse, string type, Stmt statement, List<Stmt> before)
        {
            string name = NewLocal("chosen", type);
            var t = new Name(name, type);
            before.Add(new LocalDecl(name, type, null, "") { Location = statement.Location });
            then.Add(new Assign(t, "=", whenTrue, "") { Location = statement.Location });
            otherwise.Add(new Assign(t, "=", whenFalse, "") { Location = statement.Location });
            before.Add(new If(test, new Block(then.ToEquatableArray()), new Block(otherwise.ToEquatableArray()), "") { Location = statement.Location });
            return t;
        }

        private string NewLocal(string baseName, string type)
        {
            string name = _names.Reserve(baseName);
            NewLocals.Add(new LocalSpec(name, type));
            return name;
        }

        private static bool WritesSpans(UserCall call) => Reads.WrittenSpans(call).Any();

        private void Refuse(Stmt statement, UserCall call) => _diagnostics.Add(new DiagnosticInfo(
            DiagnosticDescriptors.CallWritingSpansInExpression.Id, statement.Location,
            new[] { call.Target.Method, string.Join(", ", Reads.WrittenSpans(call)) }.ToEquatableArray()));
    }
}
