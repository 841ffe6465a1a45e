using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Differentiate;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Optimize
{
    /// <summary>
    /// Adjoints known to be zero where they are read: nothing non-zero has been added to them on any path there (the
    /// local they belong to is not read after that point, or only through other such adjoints). Their contributions,
    /// <c>dx += ds3 · f(…)</c> or <c>ds = 2 · ds · s</c>, are dropped or become <c>ds = 0</c> rather than computed — 0 · ∞ is NaN
    /// in floating point, while the derivative it stands for is 0 (a value that overflows in code whose result is never
    /// used must not poison the gradient). A must-be-zero dataflow over the backward: a variable is zero after
    /// <c>v = e</c> when e is zero there; branches meet by intersection; loops are iterated to their fixed point.
    /// </summary>
    internal static class ZeroAdjoints
    {
        public static void Run(BackwardProgram program)
        {
            var tracked = new HashSet<string>(program.Variables.Values
                .Where(v => v.Role is Role.Adjoint or Role.Temporary && v.Type is "double" or "float").Select(v => v.Name));
            var zeros = new HashSet<string>();
            program.Forward = Block(program.Forward, tracked, ref zeros, rewrite: true);
            program.Reverse = Block(program.Reverse, tracked, ref zeros, rewrite: true);
        }

        private static Block Block(Block block, HashSet<string> tracked, ref HashSet<string> zeros, bool rewrite)
        {
            var output = new List<Stmt>();
            foreach (Stmt s in block.Statements)
            {
                switch (s)
                {
                    case If branch:
                    {
                        HashSet<string> thenZeros = new(zeros), elseZeros = new(zeros);
                        Block then = Block(branch.Then, tracked, ref thenZeros, rewrite);
                        Block otherwise = Block(branch.Else, tracked, ref elseZeros, rewrite);
                        thenZeros.IntersectWith(elseZeros);
                        output.Add(branch with { Condition = Zeroed(branch.Condition, zeros), Then = then, Else = otherwise });
                        zeros = thenZeros;
                        break;
                    }

                    case For loop:
                    {
                        // The head of the loop: zero only if zero on entry and after every iteration.
                        var head = new HashSet<string>(zeros);
                        while (true)
                        {
                            var after = new HashSet<string>(head);
                            Block(loop.Body, tracked, ref after, rewrite: false);
                            int count = head.Count;
                            head.IntersectWith(after);
                            if (head.Count == count) break;
                        }

                        var inside = new HashSet<string>(head);
                        Block body = Block(loop.Body, tracked, ref inside, rewrite);
                        output.Add(loop with { Body = body });
                        zeros = head;
                        break;
                    }

                    default:
                    {
                        Stmt mapped = rewrite ? Rewrite(s, zeros) : s;

                        // v = 0 where v is zero already.
                        bool redundant = mapped is Assign { Op: "=", Target: Name target, Value: var assigned } && zeros.Contains(target.Id) && Simplifier.IsConstant(assigned, 0);
                        foreach ((string name, Expr? value) in Writes(mapped))
                        {
                            bool zero = tracked.Contains(name) && value is not null && Simplifier.IsConstant(Zeroed(value, zeros), 0);
                            if (zero) zeros.Add(name);
                            else zeros.Remove(name);
                        }

                        if (!Nothing(mapped) && !redundant)
                        {
                            output.Add(mapped);
                        }

                        break;
                    }
                }
            }

            return new Block(output.ToEquatableArray());
        }

        /// <summary>The variables a statement writes and their new value (null: not known).</summary>
        private static IEnumerable<(string Name, Expr? Value)> Writes(Stmt s)
        {
            switch (s)
            {
                case Assign { Target: Name n } a:
                    yield return (n.Id, a.Op == "=" ? a.Value : new Binary(a.Op == "+=" ? "+" : a.Op == "-=" ? "-" : "?", n, a.Value, n.Type));
                    break;
                case LocalDecl d:
                    yield return (d.Name, d.Init);
                    break;
                case Invoke v:
                    foreach (string w in Reads.WrittenBy(v.Args)) yield return (w, null);
                    break;
            }
        }

        private static Stmt Rewrite(Stmt s, HashSet<string> zeros) => s switch
        {
            Assign { Target: Name } a => a with { Value = Zeroed(a.Value, zeros) },
            Assign a => a with { Target = Zeroed(a.Target, zeros), Value = Zeroed(a.Value, zeros) },
            _ => Walk.MapExpressions(s, e => Zeroed(e, zeros)),
        };

        /// <summary>An accumulation of zero does nothing; nor does a backward every cotangent of which is zero.</summary>
        private static bool Nothing(Stmt s) =>
            s is Assign { Op: "+=" or "-=", Value: var v } && Simplifier.IsConstant(v, 0)
            || s is Invoke { Cotangents.Count: > 0 } call && call.Cotangents.All(i => Simplifier.IsConstant(call.Args[i], 0) || call.Args[i] is Opaque { Template: "default" });

        private static Expr Zeroed(Expr e, HashSet<string> zeros)
        {
            if (zeros.Count == 0)
            {
                return e;
            }

            bool any = false;
            Expr replaced = Walk.Transform(e, x =>
            {
                if (x is Written)
                {
                    return x; // what a call writes (ref dx) is a place, not a value
                }

                if (x is Name n && zeros.Contains(n.Id))
                {
                    any = true;
                    return Simplifier.Constant(0, n.Type);
                }

                return null;
            });
            return any ? Simplifier.Simplify(replaced) : e;
        }
    }
}
