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
