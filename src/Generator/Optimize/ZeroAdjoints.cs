using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Differentiate;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Optimize
{
    /// <summary>
    /// Adjoints that are zero everywhere: nothing non-zero is ever added to them (the local they belong to is never read,
    /// or only through other such adjoints, around a loop). Their contributions, <c>dx += ds3 · f(…)</c>, are dropped rather
    /// than computed — 0 · ∞ is NaN in floating point, while the derivative it stands for is 0 (a value overflowing in code
    /// that does not reach the result must not poison the gradient). The largest such set: assume all are zero, then drop
    /// those with a write that is not zero under that assumption, until none is dropped.
    /// </summary>
    internal static class ZeroAdjoints
    {
        public static void Run(BackwardProgram program)
        {
            var zeros = new HashSet<string>(program.Variables.Values
                .Where(v => v.Role is Role.Adjoint or Role.Temporary && v.Type is "double" or "float").Select(v => v.Name));
            var statements = program.Blocks.SelectMany(Walk.All).ToList();
            bool changed = true;
            while (changed)
            {
                changed = false;
                foreach (Stmt s in statements)
                {
                    foreach ((string name, Expr? value) in Writes(s))
                    {
                        if (zeros.Contains(name) && (value is null || !Simplifier.IsConstant(Zeroed(value, zeros), 0)))
                        {
                            zeros.Remove(name);
                            changed = true;
                        }
                    }
                }
            }

            var read = new HashSet<string>(statements.SelectMany(Walk.Expressions).SelectMany(Reads.Of));
            zeros.IntersectWith(read);
            if (zeros.Count > 0)
            {
                program.Forward = Substitute(program.Forward, zeros);
                program.Reverse = Substitute(program.Reverse, zeros);
            }
        }

        /// <summary>The variables a statement writes and the value (null: not known).</summary>
        private static IEnumerable<(string Name, Expr? Value)> Writes(Stmt s)
        {
            switch (s)
            {
                case Assign { Target: Name n } a:
                    yield return (n.Id, a.Value);
                    break;
                case LocalDecl d:
                    yield return (d.Name, d.Init);
                    break;
                case Invoke v:
                    foreach (string w in Reads.WrittenBy(v.Args)) yield return (w, null);
                    break;
            }
        }

        private static Block Substitute(Block block, HashSet<string> zeros) => Walk.Rewrite(block, s =>
        {
            Stmt mapped = s switch
            {
                Assign { Target: Name n } a => a with { Value = Zeroed(a.Value, zeros) },
                Assign a => a with { Target = Zeroed(a.Target, zeros), Value = Zeroed(a.Value, zeros) },
                _ => Walk.MapExpressions(s, e => Zeroed(e, zeros)),
            };

            // An accumulation of zero does nothing; nor does a backward every cotangent of which is zero.
            bool nothing = mapped is Assign { Op: "+=" or "-=", Value: var v } && Simplifier.IsConstant(v, 0)
                || mapped is Invoke { Cotangents.Count: > 0 } call && call.Cotangents.All(i => Simplifier.IsConstant(call.Args[i], 0) || call.Args[i] is Opaque { Template: "default" });
            return nothing ? System.Array.Empty<Stmt>() : new[] { mapped };
        });

        private static Expr Zeroed(Expr e, HashSet<string> zeros)
        {
            bool any = false;
            Expr replaced = Walk.Transform(e, x =>
            {
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
