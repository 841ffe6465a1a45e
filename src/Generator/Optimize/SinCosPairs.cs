using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Optimize
{
    /// <summary>
    /// A sine and a cosine of one angle, held by two locals of one block (<c>double sin = Math.Sin(θ)</c>, <c>double cos =
    /// Math.Cos(θ)</c>, nothing between them changing what θ reads), are one call of <c>Math.SinCos(θ)</c>: one argument
    /// reduction and one polynomial pass where two calls make two. Forward mode reads both (the tangent of each is the other
    /// times θ̇), so they meet in every tangent of a rotation (measured: 18 ns apart, 14 ns as one call, per angle; GradBench's
    /// reprojection error is 26 ns in all). <c>Math.SinCos</c> gives the values of <c>Math.Sin</c> and <c>Math.Cos</c> bit for bit
    /// on glibc (checked on 2²⁰ angles from 1e−8 to 1e300, float and double). Found at printing, after every pass: the pair is
    /// one statement of C#, not of the model, so the passes that differentiate a derived program again (a third order) keep
    /// reading two calls of the rule table.
    /// </summary>
    internal static class SinCosPairs
    {
        /// <summary>
        /// A pair: printed at <see cref="First"/> as <c>(T sin, T cos) = Math.SinCos(θ)</c> (<c>(sin, cos) = …</c> where both are
        /// assigned, not declared); the statement at <see cref="Second"/> is dropped.
        /// </summary>
        internal sealed record Pair(int First, int Second, string Sin, string Cos, Expr Angle, string Type, bool Declares);

        public static List<Pair> Find(Block block)
        {
            var pairs = new List<Pair>();
            var statements = block.Statements;
            for (int i = 0; i < statements.Count; i++)
            {
                if (pairs.Any(p => p.Second == i) || Half(statements[i]) is not { } first)
                {
                    continue;
                }

                Expr angle = first.Call.Args[0];
                int k = Enumerable.Range(i + 1, statements.Count - i - 1).FirstOrDefault(j => !pairs.Any(p => p.Second == j) && Half(statements[j]) is { } h && h.Call.Args[0] == angle
                    && h.Call.Function != first.Call.Function && h.Call.Type == first.Call.Type && h.Declares == first.Declares);
                if (k == 0)
                {
                    continue;
                }

                // Nothing between changes what θ reads; nor, for an assigned second half (moved up to the first), reads or assigns
                // its local, or leaves the block (a break, continue or return there would leave the local its new value where it
                // had its old one). A declared second half is read by nothing before its declaration, nor after its block.
                var second = Half(statements[k])!.Value;
                var reads = Reads.Of(angle);
                var between = statements.Skip(i + 1).Take(k - i - 1).ToList();
                if (between.Any(s => ReuseCalls.AssignedAnywhere(s).Any(reads.Contains))
                    || (!first.Declares && between.Any(s => Touches(s, second.Name) || Walk.All(new Block(new[] { s }.ToEquatableArray())).Any(x => x is Break or Continue or Return))))
                {
                    continue;
                }

                bool sinFirst = first.Call.Function == "Sin";
                pairs.Add(new Pair(i, k, sinFirst ? first.Name : second.Name, sinFirst ? second.Name : first.Name, angle, first.Call.Type, first.Declares));
            }

            return pairs;
        }

        private static bool Touches(Stmt s, string name)
            => ReuseCalls.AssignedAnywhere(s).Contains(name) || Walk.All(new Block(new[] { s }.ToEquatableArray())).SelectMany(Walk.Expressions).Any(e => Reads.Of(e).Contains(name));

        /// <summary>
        /// A local of a real type declared or assigned (<c>=</c>) as the sine or the cosine of a value (no call with effects in
        /// it, not reading the local).
        /// </summary>
        internal static (string Name, MathCall Call, bool Declares)? Half(Stmt? s)
        {
            (string Name, string Type, Expr? Value, bool Declares)? half = s switch
            {
                LocalDecl d => (d.Name, d.Type, d.Init, true),
                Assign { Op: "=", Target: Name n } a => (n.Id, n.Type, a.Value, false),
                _ => null,
            };
            return half is { Value: MathCall { Function: "Sin" or "Cos", Args.Count: 1 } call } h && h.Type == call.Type && h.Type is "double" or "float"
                && ReuseCalls.Shareable(call) && !Reads.Of(call).Contains(h.Name)
                ? (h.Name, call, h.Declares) : null;
        }
    }
}
