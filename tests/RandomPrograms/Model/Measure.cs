using System.Collections.Generic;
using System.Linq;

namespace SymGrad.RandomPrograms.Model
{
    /// <summary>Walks a program's nodes (statements, expressions, arguments) for sizes and construct counts.</summary>
    public static class Measure
    {
        /// <summary>
        /// The program's size: parameters and nodes, a layer object's instance method and each of its fields (and each read
        /// as <c>this.name</c>) one more, so that making a field a parameter again, or the method static, is a reduction.
        /// </summary>
        /// <para>Likewise a struct member, a generic method, a gradient passed empty and a default value each count one more.</para>
        public static int Nodes(ProgramModel program) => program.Methods.Sum(m => m.Params.Length + All(m.Body).Count() + Extra(m));

        /// <summary>
        /// Whether the program has more than <paramref name="limit"/> nodes, counting no further: a draw shares subtrees
        /// (<c>e / (1 + e·e)</c> holds e three times), so its tree can be exponentially larger than its memory.
        /// </summary>
        public static bool Exceeds(ProgramModel program, int limit)
        {
            long count = 0;
            foreach (var m in program.Methods)
            {
                count += m.Params.Length + Extra(m) + All(m.Body).Take(limit + 1).Count();
                if (count > limit) return true;
            }

            return false;
        }

        private static int Extra(Method m) => 0
            + (m.Instance ? 1 : 0) + m.Params.Count(p => p.Field) + m.Params.Count(p => p.This)
            + m.Params.Count(p => p.Struct is not null) + (m.IsGeneric ? 1 : 0) + m.Params.Count(p => p.EmptyGradient) + m.Params.Count(p => p.Default is not null);

        /// <summary>The names a body reads or writes: variables, spans (indexed, measured, sliced, iterated, stored to), targets.</summary>
        public static HashSet<string> Names(IEnumerable<Stmt> body)
        {
            var set = new HashSet<string>(System.StringComparer.Ordinal);
            foreach (var n in All(body))
            {
                switch (n)
                {
                    case Var v: set.Add(v.Name); break;
                    case ElemRead r: set.Add(r.Span); break;
                    case SpanLength l: set.Add(l.Span); break;
                    case SpanArg a: set.Add(a.Span); break;
                    case FieldArg a: set.Add(a.Field); break;
                    case RefArg a: set.Add(a.Local); break;
                    case OutArg { Local: { } local }: set.Add(local); break;
                    case ForEach f: set.Add(f.Span); break;
                    case Store st: set.Add(st.Span); break;
                    case Assign a: set.Add(a.Target); break;
                    case StructAssign a: set.Add(a.Target); break;
                    case IncDec i: set.Add(i.Target); break;
                }
            }

            return set;
        }

        /// <summary>Every name the body uses or declares: <see cref="Names"/>, locals, counters, items, local functions and their parameters, buffers and their sizes.</summary>
        public static HashSet<string> AllNames(IEnumerable<Stmt> body)
        {
            var set = Names(body);
            foreach (var n in All(body))
            {
                switch (n)
                {
                    case Decl d: set.UnionWith(d.Vars.Select(v => v.Name)); break;
                    case StructDecl d: set.Add(d.Name); break;
                    case For f: set.Add(f.Counter); break;
                    case While l: set.Add(l.Counter); break;
                    case ForEach f: set.Add(f.Item); break;
                    case LocalFunction f: set.Add(f.Name); set.UnionWith(f.Params); break;
                    case BufferDecl b: set.Add(b.Name); if (b.Sized) set.Add(b.SizeName); break;
                }
            }

            return set;
        }

        /// <summary>The local buffers a method declares, in blocks too.</summary>
        public static IEnumerable<BufferDecl> Buffers(Method m) => All(m.Body).OfType<BufferDecl>();

        public static IEnumerable<object> All(IEnumerable<Stmt> body)
        {
            foreach (var s in body)
            {
                foreach (var n in All(s)) yield return n;
            }
        }

        public static IEnumerable<object> All(Stmt s)
        {
            yield return s;
            IEnumerable<object> inner = s switch
            {
                Decl d => d.Vars.SelectMany(v => All(v.Init)),
                StructDecl d => All(d.Init),
                StructAssign a => All(a.Value),
                Assign a => All(a.Value),
                Store st => All(st.Index).Concat(All(st.Value)),
                If i => All(i.Test).Concat(All(i.Then)).Concat(i.Else is { } e ? All(e) : Enumerable.Empty<object>()),
                For f => All(f.Start).Concat(All(f.Bound)).Concat(All(f.Body)),
                ForEach f => All(f.Body),
                While l => All(l.Test).Concat(All(l.Body)),
                LocalFunction f => All(f.Body),
                Switch sw => All(sw.Subject).Concat(sw.Sections.SelectMany(s => s.Cases.SelectMany(k => All(k.Value)).Concat(All(s.Body))))
                    .Concat(sw.Default is { } d ? All(d) : Enumerable.Empty<object>()),
                Return { Value: { } v } => All(v),
                CallStmt c => c.Args.SelectMany(All),
                _ => Enumerable.Empty<object>(),
            };
            foreach (var n in inner) yield return n;
        }

        public static IEnumerable<object> All(Arg a)
        {
            yield return a;
            IEnumerable<object> inner = a switch
            {
                ValueArg v => All(v.Value),
                StructFieldArg { First: true } f => All(f.Value),
                OmittedArg o => All(o.Value),
                SpanArg { Start: { } s, Length: { } l } => All(s).Concat(All(l)),
                _ => Enumerable.Empty<object>(),
            };
            foreach (var n in inner) yield return n;
        }

        public static IEnumerable<object> All(Expr e)
        {
            yield return e;
            IEnumerable<object> inner = e switch
            {
                ElemRead r => All(r.Index),
                Unary u => All(u.Operand),
                Binary b => All(b.Left).Concat(All(b.Right)),
                Conditional c => All(c.Test).Concat(All(c.WhenTrue)).Concat(All(c.WhenFalse)),
                MathCall m => m.Args.SelectMany(All),
                Cast c => All(c.Operand),
                CallExpr c => c.Args.SelectMany(All),
                SwitchExpr x => All(x.Subject).Concat(x.Arms.SelectMany(a => a.Cases.SelectMany(k => All(k.Value)).Concat(All(a.Value)))).Concat(All(x.Otherwise)),
                FromEnd f => All(f.Offset),
                LocalCall l => l.Args.SelectMany(All),
                StructNew s => s.Fields.Where(f => f is not null).SelectMany(f => All(f!)),
                _ => Enumerable.Empty<object>(),
            };
            foreach (var n in inner) yield return n;
        }
    }
}
