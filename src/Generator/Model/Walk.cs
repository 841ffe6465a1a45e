using System;
using System.Collections.Generic;
using System.Linq;

namespace SymGrad.Generator.Model
{
    /// <summary>Traversals and rewrites of statement trees.</summary>
    internal static class Walk
    {
        /// <summary>The blocks directly inside a statement.</summary>
        public static IEnumerable<Block> Children(Stmt s) => s switch
        {
            If i => new[] { i.Then, i.Else },
            For f => new[] { f.Body },
            _ => Array.Empty<Block>(),
        };

        /// <summary>Every statement of a block, at any depth, parents before children.</summary>
        public static IEnumerable<Stmt> All(Block block)
        {
            foreach (Stmt s in block.Statements)
            {
                yield return s;
                foreach (Block child in Children(s))
                {
                    foreach (Stmt inner in All(child))
                    {
                        yield return inner;
                    }
                }
            }
        }

        /// <summary>The expressions a statement evaluates itself (not those of the blocks inside it).</summary>
        public static IEnumerable<Expr> Expressions(Stmt s) => s switch
        {
            LocalDecl d => d.Init is null ? Array.Empty<Expr>() : new[] { d.Init },
            Assign a => new[] { a.Target, a.Value },
            If i => new[] { i.Condition },
            For f => new[] { f.Init, f.Condition, f.Step },
            Return r => r.Value is null ? Array.Empty<Expr>() : new[] { r.Value },
            CallStatement c => new Expr[] { c.Call },
            Push p => new[] { p.Value },
            Invoke v => v.Args,
            _ => Array.Empty<Expr>(),
        };

        /// <summary>The variables a statement (with the blocks inside it) assigns, at any depth: locals, counters, spans.</summary>
        public static IEnumerable<string> Assigned(Block block) => block.Statements.SelectMany(Assigned);

        public static IEnumerable<string> Assigned(Stmt s)
        {
            switch (s)
            {
                case LocalDecl d:
                    yield return d.Name;
                    break;
                case Assign { Target: Name n }:
                    yield return n.Id;
                    break;
                case Assign { Target: Element e }:
                    yield return e.Span;
                    break;
                case For f:
                    yield return f.Counter;
                    break;
                case CallStatement c:
                    foreach (string w in Reads.WrittenSpans(c.Call)) yield return w;
                    break;
                case Invoke v:
                    foreach (string w in Reads.WrittenBy(v.Args)) yield return w;
                    break;
            }

            foreach (Expr e in Expressions(s))
            {
                foreach (UserCall call in Reads.Calls(e))
                {
                    foreach (string w in Reads.WrittenSpans(call)) yield return w;
                }
            }

            foreach (Block child in Children(s))
            {
                foreach (string a in Assigned(child)) yield return a;
            }
        }

        /// <summary>Rebuilds a tree with a new object for every statement, so reference-keyed tables see each place once.</summary>
        public static Block Fresh(Block block) => new(block.Statements.Select(Fresh).ToEquatableArray());

        public static Stmt Fresh(Stmt s) => s switch
        {
            If i => i with { Then = Fresh(i.Then), Else = Fresh(i.Else) },
            For f => f with { Body = Fresh(f.Body) },
            _ => s with { },
        };

        /// <summary>Applies <paramref name="map"/> to each statement, children first; it returns the statements to put in its place.</summary>
        public static Block Rewrite(Block block, Func<Stmt, IEnumerable<Stmt>> map)
        {
            var output = new List<Stmt>();
            foreach (Stmt s in block.Statements)
            {
                Stmt inner = s switch
                {
                    If i => i with { Then = Rewrite(i.Then, map), Else = Rewrite(i.Else, map) },
                    For f => f with { Body = Rewrite(f.Body, map) },
                    _ => s,
                };
                output.AddRange(map(inner));
            }

            return new Block(output.ToEquatableArray());
        }

        /// <summary>Applies <paramref name="map"/> to every expression a tree evaluates.</summary>
        public static Block MapExpressions(Block block, Func<Expr, Expr> map) => Rewrite(block, s => new[] { MapExpressions(s, map) });

        public static Stmt MapExpressions(Stmt s, Func<Expr, Expr> map) => s switch
        {
            LocalDecl d => d with { Init = d.Init is null ? null : map(d.Init) },
            Assign a => a with { Target = map(a.Target), Value = map(a.Value) },
            If i => i with { Condition = map(i.Condition) },
            For f => f with { Init = map(f.Init), Condition = map(f.Condition), Step = map(f.Step) },
            Return r => r with { Value = r.Value is null ? null : map(r.Value) },
            CallStatement c => map(c.Call) is UserCall call ? c with { Call = call } : s,
            Push p => p with { Value = map(p.Value) },
            Invoke v => v with { Args = v.Args.Select(map).ToEquatableArray() },
            _ => s,
        };
    
        /// <summary>
        /// Rewrites an expression top-down: where <paramref name="replace"/> returns a node it takes the place of the
        /// subtree; elsewhere the children are rewritten.
        /// </summary>
        public static Expr Transform(Expr e, Func<Expr, Expr?> replace)
        {
            if (replace(e) is { } replaced)
            {
                return replaced;
            }

            Expr? T(Expr? x) => x is null ? null : Transform(x, replace);
            return e switch
            {
                Element el => el with { Index = T(el.Index)! },
                Unary u => u with { Operand = T(u.Operand)! },
                Binary b => b with { Left = T(b.Left)!, Right = T(b.Right)! },
                Conditional c => c with { Test = T(c.Test)!, WhenTrue = T(c.WhenTrue)!, WhenFalse = T(c.WhenFalse)! },
                MathCall m => m with { Args = m.Args.Select(a => T(a)!).ToEquatableArray() },
                Cast c => c with { Operand = T(c.Operand)! },
                SpanRef s => s with { Start = T(s.Start), Length = T(s.Length) },
                UserCall call => call with { Args = call.Args.Select(a => T(a)!).ToEquatableArray() },
                Written w => w with { Target = T(w.Target)! },
                _ => e,
            };
        }

        /// <summary>Renames variables in an expression (an <see cref="Opaque"/>'s reads too).</summary>
        public static Expr Rename(Expr e, Func<string, string> rename) => Transform(e, x => x switch
        {
            Name n => n with { Id = rename(n.Id) },
            Element el => el with { Span = rename(el.Span), Index = Rename(el.Index, rename) },
            SpanRef s => s with { Span = rename(s.Span), Start = s.Start is null ? null : Rename(s.Start, rename), Length = s.Length is null ? null : Rename(s.Length, rename) },
            Opaque o => o with { Reads = o.Reads.Select(rename).ToEquatableArray() },
            UnknownCall u => u with { Call = (Opaque)Rename(u.Call, rename) },
            _ => null,
        });
    }
}
