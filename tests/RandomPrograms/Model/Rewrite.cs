using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace SymGrad.RandomPrograms.Model
{
    /// <summary>Rewrites every statement of a body, nested blocks included (the blocks first, then the statement holding them).</summary>
    public static class Rewrite
    {
        public static ImmutableArray<Stmt> Statements(ImmutableArray<Stmt> body, Func<Stmt, Stmt> f) => body.Select(s => Statement(s, f)).ToImmutableArray();

        /// <summary>Like <see cref="Statements(ImmutableArray{Stmt}, Func{Stmt, Stmt})"/>, each statement replaced by several (spliced into its block).</summary>
        public static ImmutableArray<Stmt> Splice(ImmutableArray<Stmt> body, Func<Stmt, IEnumerable<Stmt>> f) => body.SelectMany(s => f(s switch
        {
            If i => i with { Then = Splice(i.Then, f), Else = i.Else is { } e ? Splice(e, f) : null },
            For l => l with { Body = Splice(l.Body, f) },
            ForEach l => l with { Body = Splice(l.Body, f) },
            While l => l with { Body = Splice(l.Body, f) },
            Switch sw => sw with
            {
                Sections = sw.Sections.Select(x => x with { Body = Splice(x.Body, f) }).ToImmutableArray(),
                Default = sw.Default is { } d ? Splice(d, f) : null,
            },
            _ => s,
        })).ToImmutableArray();

        /// <summary>
        /// Rewrites every expression of a body bottom-up (operands and arguments first, then the expression holding them), and
        /// then each statement by <paramref name="statement"/>, nested blocks included.
        /// </summary>
        public static ImmutableArray<Stmt> Expressions(ImmutableArray<Stmt> body, Func<Expr, Expr> f, Func<Stmt, Stmt>? statement = null)
            => Statements(body, s => (statement ?? (x => x))(s switch
            {
                Decl d => d with { Vars = d.Vars.Select(v => v with { Init = Expression(v.Init, f) }).ToImmutableArray() },
                StructDecl d => d with { Init = Expression(d.Init, f) },
                StructAssign a => a with { Value = Expression(a.Value, f) },
                Assign a => a with { Value = Expression(a.Value, f) },
                Store st => st with { Index = Expression(st.Index, f), Value = Expression(st.Value, f) },
                If i => i with { Test = Expression(i.Test, f) },
                For l => l with { Start = Expression(l.Start, f), Bound = Expression(l.Bound, f) },
                While l => l with { Test = Expression(l.Test, f) },
                Switch sw => sw with
                {
                    Subject = Expression(sw.Subject, f),
                    Sections = sw.Sections.Select(x => x with { Cases = Cases(x.Cases, f) }).ToImmutableArray(),
                },
                LocalFunction l => l with { Body = Expression(l.Body, f) },
                Return { Value: { } v } r => r with { Value = Expression(v, f) },
                CallStmt c => c with { Args = Args(c.Args, f) },
                _ => s,
            }));

        /// <summary>An expression rewritten bottom-up (see <see cref="Expressions"/>).</summary>
        public static Expr Expression(Expr e, Func<Expr, Expr> f) => f(e switch
        {
            ElemRead r => r with { Index = Expression(r.Index, f) },
            Unary u => u with { Operand = Expression(u.Operand, f) },
            Binary b => b with { Left = Expression(b.Left, f), Right = Expression(b.Right, f) },
            Conditional c => c with { Test = Expression(c.Test, f), WhenTrue = Expression(c.WhenTrue, f), WhenFalse = Expression(c.WhenFalse, f) },
            SwitchExpr x => x with
            {
                Subject = Expression(x.Subject, f),
                Arms = x.Arms.Select(a => a with { Cases = Cases(a.Cases, f), Value = Expression(a.Value, f) }).ToImmutableArray(),
                Otherwise = Expression(x.Otherwise, f),
            },
            LocalCall l => l with { Args = l.Args.Select(a => Expression(a, f)).ToImmutableArray() },
            FromEnd x => x with { Offset = Expression(x.Offset, f) },
            MathCall m => m with { Args = m.Args.Select(a => Expression(a, f)).ToImmutableArray() },
            Cast c => c with { Operand = Expression(c.Operand, f) },
            CallExpr c => c with { Args = Args(c.Args, f) },
            StructNew n => n with { Fields = n.Fields.Select(x => x is null ? null : Expression(x, f)).ToImmutableArray() },
            _ => e,
        });

        private static ImmutableArray<Arg> Args(ImmutableArray<Arg> args, Func<Expr, Expr> f) => args.Select(a => a switch
        {
            ValueArg v => v with { Value = Expression(v.Value, f) },
            StructFieldArg x => x with { Value = Expression(x.Value, f) },
            SpanArg { Start: { } start, Length: { } length } s => s with { Start = Expression(start, f), Length = Expression(length, f) },
            _ => a,
        }).ToImmutableArray();

        private static ImmutableArray<Case> Cases(ImmutableArray<Case> cases, Func<Expr, Expr> f) => cases.Select(k => k with { Value = Expression(k.Value, f) }).ToImmutableArray();

        public static Stmt Statement(Stmt s, Func<Stmt, Stmt> f) => f(s switch
        {
            If i => i with { Then = Statements(i.Then, f), Else = i.Else is { } e ? Statements(e, f) : null },
            For l => l with { Body = Statements(l.Body, f) },
            ForEach l => l with { Body = Statements(l.Body, f) },
            While l => l with { Body = Statements(l.Body, f) },
            Switch sw => sw with
            {
                Sections = sw.Sections.Select(x => x with { Body = Statements(x.Body, f) }).ToImmutableArray(),
                Default = sw.Default is { } d ? Statements(d, f) : null,
            },
            _ => s,
        });
    }
}
