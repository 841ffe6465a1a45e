using System.Collections.Generic;
using System.Linq;

namespace SymGrad.Generator.Model
{
    /// <summary>What expressions read, and what they call.</summary>
    internal static class Reads
    {
        public static HashSet<string> Of(Expr? e)
        {
            var names = new HashSet<string>();
            Add(e, names);
            return names;
        }

        /// <summary>What an expression reads the value of: <c>y.Length</c> reads no element of y (a span's length never changes).</summary>
        public static HashSet<string> Values(Expr? e) => e is null
            ? new HashSet<string>()
            : Of(Walk.Transform(e, x => x is Opaque { Template: "{0}.Length" } ? new Literal("0", "int") : null));

        public static void Add(Expr? e, HashSet<string> names)
        {
            switch (e)
            {
                case null:
                    return;
                case Name n:
                    names.Add(n.Id);
                    return;
                case Element el:
                    names.Add(el.Span);
                    Add(el.Index, names);
                    return;
                case Unary u:
                    Add(u.Operand, names);
                    return;
                case Binary b:
                    Add(b.Left, names);
                    Add(b.Right, names);
                    return;
                case Conditional c:
                    Add(c.Test, names);
                    Add(c.WhenTrue, names);
                    Add(c.WhenFalse, names);
                    return;
                case MathCall m:
                    foreach (Expr a in m.Args) Add(a, names);
                    return;
                case Cast c:
                    Add(c.Operand, names);
                    return;
                case Opaque o:
                    foreach (string r in o.Reads) names.Add(r);
                    return;
                case UnknownCall u:
                    Add(u.Call, names);
                    return;
                case SpanRef s:
                    names.Add(s.Span);
                    Add(s.Start, names);
                    Add(s.Length, names);
                    return;
                case UserCall call:
                    foreach (Expr a in call.Args) Add(a, names);
                    return;
                case Written w:
                    Add(w.Target, names);
                    return;
            }
        }

        /// <summary>The variables (scalars, or spans written element-wise or whole) an argument list writes.</summary>
        public static IEnumerable<string> WrittenBy(IEnumerable<Expr> args) =>
            args.OfType<Written>().Select(w => w.Target switch
            {
                Name n => n.Id,
                Element el => el.Span,
                SpanRef s => s.Span,
                _ => "",
            });

        /// <summary>The span outputs a call of a differentiable method writes.</summary>
        public static IEnumerable<string> WrittenSpans(UserCall call)
        {
            for (int i = 0; i < call.Args.Count; i++)
            {
                if (call.Target.Parameters[i].Kind == ParameterKind.SpanOutput && call.Args[i] is SpanRef s)
                {
                    yield return s.Span;
                }
            }
        }

        /// <summary>The calls without a derivative in an expression.</summary>
        public static IEnumerable<UnknownCall> UnknownCalls(Expr? e) => Nodes(e).OfType<UnknownCall>();

        /// <summary>The calls of differentiable methods in an expression, outermost first.</summary>
        public static IEnumerable<UserCall> Calls(Expr? e) => Nodes(e).OfType<UserCall>();

        /// <summary>Whether evaluating <paramref name="e"/> calls a method that writes outputs (so it may not run twice).</summary>
        public static bool WritesOutputs(Expr? e) => Calls(e).Any(call => WrittenSpans(call).Any());

        /// <summary>The tape pops in an expression.</summary>
        public static IEnumerable<Pop> Pops(Expr? e) => Nodes(e).OfType<Pop>();

        /// <summary>Every node of an expression, parents before children.</summary>
        public static IEnumerable<Expr> Nodes(Expr? e)
        {
            if (e is null)
            {
                yield break;
            }

            yield return e;
            IEnumerable<Expr?> children = e switch
            {
                Element el => new[] { el.Index },
                Unary u => new[] { u.Operand },
                Binary b => new[] { b.Left, b.Right },
                Conditional c => new[] { c.Test, c.WhenTrue, c.WhenFalse },
                MathCall m => m.Args,
                Cast c => new[] { c.Operand },
                UnknownCall u => new Expr[] { u.Call },
                SpanRef s => new[] { s.Start, s.Length },
                UserCall call => call.Args,
                Written w => new[] { w.Target },
                _ => System.Array.Empty<Expr?>(),
            };
            foreach (Expr? child in children)
            {
                foreach (Expr node in Nodes(child))
                {
                    yield return node;
                }
            }
        }
    }
}
