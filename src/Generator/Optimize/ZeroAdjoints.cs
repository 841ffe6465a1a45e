using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Differentiate;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Optimize
{
    /// <summary>
    /// An adjoint nothing ever adds to (the local it belongs to is never read) is zero everywhere: its contributions,
    /// <c>dx += ds3 · f(…)</c>, are dropped rather than computed — 0 · ∞ is NaN in floating point, while the derivative
    /// it stands for is 0 (a value overflowing in a dead branch of float code must not poison the gradient).
    /// </summary>
    internal static class ZeroAdjoints
    {
        public static void Run(BackwardProgram program)
        {
            for (int round = 0; round < 16; round++)
            {
                var writes = new Dictionary<string, bool>(); // variable → every write sets it to zero
                foreach (Stmt s in program.Blocks.SelectMany(Walk.All))
                {
                    foreach ((string name, bool zero) in Writes(s))
                    {
                        writes[name] = (!writes.TryGetValue(name, out bool before) || before) && zero;
                    }
                }

                var zeros = new HashSet<string>(program.Variables.Values
                    .Where(v => v.Role is Role.Adjoint or Role.Temporary && v.Type is "double" or "float" && writes.TryGetValue(v.Name, out bool zero) && zero)
                    .Select(v => v.Name));
                var reads = new HashSet<string>(program.Blocks.SelectMany(Walk.All).SelectMany(ReadsOf));
                zeros.IntersectWith(reads);
                if (zeros.Count == 0)
                {
                    return;
                }

                program.Forward = Substitute(program.Forward, zeros);
                program.Reverse = Substitute(program.Reverse, zeros);
            }
        }

        private static IEnumerable<(string Name, bool Zero)> Writes(Stmt s)
        {
            switch (s)
            {
                case Assign { Target: Name n } a:
                    yield return (n.Id, a.Op == "=" && Simplifier.IsConstant(a.Value, 0));
                    break;
                case LocalDecl d:
                    yield return (d.Name, d.Init is not null && Simplifier.IsConstant(d.Init, 0));
                    break;
                case Invoke v:
                    foreach (string w in Reads.WrittenBy(v.Args)) yield return (w, false);
                    break;
            }
        }

        /// <summary>The variables a statement reads (an assignment's target is read only when it accumulates).</summary>
        private static IEnumerable<string> ReadsOf(Stmt s) => s switch
        {
            Assign { Target: Name n } a => Reads.Of(a.Value).Concat(a.Op == "=" ? Enumerable.Empty<string>() : new[] { n.Id }),
            _ => Walk.Expressions(s).SelectMany(Reads.Of),
        };

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
