using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Diagnostics;
using SymGrad.Generator.Differentiate;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Lower
{
    /// <summary>
    /// A call that writes span outputs, inside a larger expression (<c>s = 2 * F(x, h);</c>, <c>if (F(x, h) &gt; 0)</c>),
    /// becomes a statement of its own before it: <c>double f = F(x, h); s = 2 * f;</c>. The sweeps then meet such calls only as
    /// a statement or as a whole right-hand side, where the reversal of what they wrote has a place. Evaluation order is
    /// kept: a call is hoisted only when it runs unconditionally and nothing the statement evaluates before it reads what
    /// it writes; otherwise SG0021 asks for the local the user would write.
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
                    rewritten = i with { Condition = Hoist(i.Condition, s, before, new HashSet<string>(), conditional: false) };
                    break;
                case For f:
                    rewritten = f with { Init = Hoist(f.Init, s, before, new HashSet<string>(), conditional: false) };
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
        private Expr Whole(Expr value, Stmt statement, List<Stmt> before)
        {
            var read = new HashSet<string>();
            if (value is UserCall call && WritesSpans(call))
            {
                return call with { Args = call.Args.Select(a => Hoist(a, statement, before, read, conditional: false)).ToEquatableArray() };
            }

            return Hoist(value, statement, before, read, conditional: false);
        }

        /// <summary>Hoists the span-writing calls of <paramref name="e"/>, walking it in evaluation order.</summary>
        /// <param name="read">The spans the statement has read so far, in evaluation order.</param>
        private Expr Hoist(Expr e, Stmt statement, List<Stmt> before, HashSet<string> read, bool conditional)
        {
            switch (e)
            {
                case UserCall call:
                {
                    // Its own arguments are evaluated before it runs: only what the statement read before them counts.
                    var readBefore = new HashSet<string>(read);
                    var args = call.Args.Select(a => Hoist(a, statement, before, read, conditional)).ToEquatableArray();
                    UserCall hoisted = call with { Args = args };
                    if (!WritesSpans(call))
                    {
                        foreach (SpanRef span in args.OfType<SpanRef>()) read.Add(span.Span);
                        return hoisted;
                    }

                    if (conditional || Reads.WrittenSpans(call).Any(readBefore.Contains) || call.Type is not ("double" or "float"))
                    {
                        Refuse(statement, call);
                        return hoisted;
                    }

                    string name = _names.Reserve(char.ToLowerInvariant(call.Target.Method[0]) + call.Target.Method.Substring(1));
                    NewLocals.Add(new LocalSpec(name, call.Type));
                    before.Add(new LocalDecl(name, call.Type, hoisted, $"{call.Type} {name} = {Emit.ExprPrinter.Print(hoisted)};") { Location = statement.Location });
                    foreach (SpanRef span in args.OfType<SpanRef>()) read.Add(span.Span);
                    return new Name(name, call.Type);
                }

                case Element el:
                {
                    Expr index = Hoist(el.Index, statement, before, read, conditional);
                    read.Add(el.Span);
                    return el with { Index = index };
                }

                case Unary u:
                    return u with { Operand = Hoist(u.Operand, statement, before, read, conditional) };
                case Binary { Op: "&&" or "||" } b:
                    return b with { Left = Hoist(b.Left, statement, before, read, conditional), Right = Hoist(b.Right, statement, before, read, conditional: true) };
                case Binary b:
                    return b with { Left = Hoist(b.Left, statement, before, read, conditional), Right = Hoist(b.Right, statement, before, read, conditional) };
                case Conditional c:
                    return c with
                    {
                        Test = Hoist(c.Test, statement, before, read, conditional),
                        WhenTrue = Hoist(c.WhenTrue, statement, before, read, conditional: true),
                        WhenFalse = Hoist(c.WhenFalse, statement, before, read, conditional: true),
                    };
                case MathCall m:
                    return m with { Args = m.Args.Select(a => Hoist(a, statement, before, read, conditional)).ToEquatableArray() };
                case Cast c:
                    return c with { Operand = Hoist(c.Operand, statement, before, read, conditional) };
                case SpanRef s:
                    read.Add(s.Span);
                    return s;
                default:
                    return e;
            }
        }

        private static bool WritesSpans(UserCall call) => Reads.WrittenSpans(call).Any();

        private void Refuse(Stmt statement, UserCall call) => _diagnostics.Add(new DiagnosticInfo(
            DiagnosticDescriptors.CallWritingSpansInExpression.Id, statement.Location,
            new[] { call.Target.Method, string.Join(", ", Reads.WrittenSpans(call)) }.ToEquatableArray()));
    }
}
