using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Differentiate
{
    /// <summary>
    /// Finds the locals a result does not depend on although they are computed from the inputs: the max of a numerically
    /// stable softmax or log-sum-exp, <c>m + log Σ exp(x_j − m)</c>, is the same for every m. Such a local carries no
    /// derivative — its adjoint would sum to zero — so its computation (the running max, its branches and tape) has no
    /// reverse at all, as JAX's <c>stop_gradient</c> in <c>logsumexp</c>.
    /// <para>
    /// The test is a forward-mode one with a tangent of 1 on m after its last assignment: each later value gets a tangent
    /// that is a constant (additive: <c>x − m</c> has −1), a multiple of itself (multiplicative: <c>exp(x − m)</c> has −1 times
    /// itself, and so does a sum of such started from zero), zero, or unknown. <c>log</c> of a multiplicative value is
    /// additive, a quotient of two with the same factor is free of m. m is invariant when everything that leaves the block —
    /// assignments to variables declared outside it, output writes, results — has tangent zero.
    /// </para>
    /// </summary>
    internal static class ShiftInvariance
    {
        private enum Kind
        {
            /// <summary>Free of m; <see cref="Tangent.Zero"/> marks a value that is exactly 0 as well.</summary>
            Free,

            /// <summary>v' = c.</summary>
            Additive,

            /// <summary>v' = c·v.</summary>
            Multiplicative,

            Unknown,
        }

        private readonly record struct Tangent(Kind Kind, double C = 0, bool Zero = false)
        {
            public static readonly Tangent Free = new(Kind.Free);
            public static readonly Tangent Unknown = new(Kind.Unknown);

            public Tangent Normal => Kind is Kind.Additive or Kind.Multiplicative && C == 0 ? Free : this;
        }

        /// <summary>The active locals of <paramref name="body"/> that the method's results do not depend on.</summary>
        public static IEnumerable<string> Find(Block body, ISet<string> active, IReadOnlyDictionary<string, string> localTypes)
        {
            foreach (Block block in Blocks(body))
            {
                foreach (LocalDecl d in block.Statements.OfType<LocalDecl>().Where(d => active.Contains(d.Name) && localTypes[d.Name] is "double" or "float"))
                {
                    if (Invariant(block, d.Name, localTypes))
                    {
                        yield return d.Name;
                    }
                }
            }
        }

        private static IEnumerable<Block> Blocks(Block block)
        {
            yield return block;
            foreach (Stmt s in block.Statements)
            {
                foreach (Block child in Walk.Children(s))
                {
                    foreach (Block inner in Blocks(child)) yield return inner;
                }
            }
        }

        private static bool Invariant(Block block, string m, IReadOnlyDictionary<string, string> localTypes)
        {
            var statements = block.Statements.ToList();
            int last = statements.FindLastIndex(s => Walk.Assigned(s).Contains(m));
            var rest = new Block(statements.Skip(last + 1).ToEquatableArray());
            if (last < 0 || !Walk.All(rest).SelectMany(Walk.Expressions).Any(e => Reads.Of(e).Contains(m)))
            {
                return false; // only interesting when m is read afterwards
            }

            // Before its last assignment, m may only be read to compute m itself (the running max): an earlier value of m
            // that went anywhere else would escape the test below, which perturbs the final value only.
            foreach (Stmt s in statements.Take(last + 1).SelectMany(x => Walk.All(new Block(new[] { x }.ToEquatableArray()))))
            {
                bool reads = Walk.Expressions(s).Any(e => Reads.Of(e).Contains(m));
                bool definesM = s is LocalDecl d && d.Name == m || s is Assign { Target: Name n } && n.Id == m;
                if (reads && !definesM)
                {
                    return false;
                }
            }

            var declaredHere = new HashSet<string>(Walk.All(block).OfType<LocalDecl>().Select(d => d.Name).Concat(Walk.All(block).OfType<For>().Select(f => f.Counter)));
            var tangents = new Dictionary<string, Tangent> { [m] = new Tangent(Kind.Additive, 1) };
            if (!Run(rest, m, tangents, declaredHere))
            {
                return false;
            }

            // The block once more from where the first pass left it — a loop body's next iteration sees what the first
            // left, its statements before m's last assignment included — and the two states merged: after the block, or
            // after any number of its iterations. Not the rest alone again: s2 = m − s2 twice would cancel the tangent
            // that one pass gives s2 (found by the random-program tester). m is recomputed in the new iteration: its
            // earlier value reaches nothing (checked above) and its new one is perturbed again.
            var again = new Dictionary<string, Tangent>(tangents) { [m] = Tangent.Free };
            if (!Run(new Block(statements.Take(last + 1).ToEquatableArray()), m, again, declaredHere))
            {
                return false;
            }

            again[m] = new Tangent(Kind.Additive, 1);
            if (!Run(rest, m, again, declaredHere))
            {
                return false;
            }

            Merge(tangents, tangents, again);
            return tangents.Where(t => !declaredHere.Contains(t.Key) && t.Key != m).All(t => t.Value.Normal.Kind == Kind.Free);
        }

        /// <summary>Propagates tangents through a block; false when something m reaches leaves with a tangent (or cannot be followed).</summary>
        private static bool Run(Block block, string m, Dictionary<string, Tangent> tangents, HashSet<string> declaredHere)
        {
            foreach (Stmt s in block.Statements)
            {
                // A call that writes outputs from something m reaches: the result depends on m through them.
                if (Walk.Expressions(s).SelectMany(Reads.Calls).Any(c => Reads.WrittenSpans(c).Any() && c.Args.Any(a => Of(a).Normal.Kind != Kind.Free)))
                {
                    return false;
                }

                switch (s)
                {
                    case LocalDecl { Init: { } init } d:
                        Set(d.Name, Of(init), init);
                        break;
                    case Assign { Target: Name n } a:
                    {
                        Tangent value = Of(a.Value);
                        Tangent now = tangents.TryGetValue(n.Id, out Tangent t) ? t : Tangent.Free;
                        Set(n.Id, a.Op switch
                        {
                            "=" => value,
                            "+=" => Add(now, value, now.Zero),
                            "-=" => Add(now, Negate(value), now.Zero),
                            _ => Tangent.Unknown,
                        }, a.Op == "=" ? a.Value : null);
                        break;
                    }

                    case Assign { Target: Element } a:
                        // An output written with a tangent: the result depends on m.
                        if (Of(a.Value).Normal.Kind != Kind.Free || Of(a.Target).Normal.Kind != Kind.Free) return false;
                        break;
                    case If i:
                    {
                        // Each branch from the same state; where they leave a variable differently, it is unknown.
                        if (Of(i.Condition).Kind != Kind.Free) return false;
                        var then = new Dictionary<string, Tangent>(tangents);
                        var otherwise = new Dictionary<string, Tangent>(tangents);
                        if (!Run(i.Then, m, then, declaredHere) || !Run(i.Else, m, otherwise, declaredHere)) return false;
                        Merge(tangents, then, otherwise);
                        break;
                    }

                    case For f:
                    {
                        // Any number of iterations: the state at the loop's head is the fixed point of merging in what one more
                        // iteration leaves. Not two passes of the body: s3 = m − s3 has tangent 1 after odd counts and 0 after
                        // even ones (found by the random-program tester).
                        if (Of(f.Condition).Kind != Kind.Free) return false;
                        for (int round = 0; ; round++)
                        {
                            var body = new Dictionary<string, Tangent>(tangents);
                            if (!Run(f.Body, m, body, declaredHere)) return false;
                            var head = new Dictionary<string, Tangent>();
                            Merge(head, tangents, body);
                            if (head.All(t => tangents.TryGetValue(t.Key, out Tangent before) && before.Normal == t.Value)) break;
                            if (round == 8) return false;
                            foreach (var t in head) tangents[t.Key] = t.Value;
                        }

                        break;
                    }

                    case Return { Value: { } value }:
                        if (Of(value).Normal.Kind != Kind.Free) return false;
                        break;
                    case CallStatement c:
                        if (Of(c.Call).Kind != Kind.Free) return false;
                        break;
                }
            }

            return true;

            void Set(string name, Tangent value, Expr? assigned)
            {
                bool zero = assigned is not null && Simplifier.IsConstant(assigned, 0);
                tangents[name] = value.Normal.Kind == Kind.Free ? Tangent.Free with { Zero = zero } : value.Normal;
            }

            Tangent Of(Expr e)
            {
                switch (e)
                {
                    case Name n:
                        return OfName(n.Id);
                    case Literal:
                        return Tangent.Free;
                    case Opaque o:
                        // Code kept as written (a call with no derivative among it) depends on what it reads, however it reads it: it
                        // was taken for free of m, so a local read only by such a call was no one's input — its derivative dropped
                        // without SG0007 (Plain(u) with u = sin(a)).
                        return o.Reads.All(r => OfName(r).Normal.Kind == Kind.Free) ? Tangent.Free : Tangent.Unknown;
                    case Element el:
                        return Of(el.Index).Kind == Kind.Free ? Tangent.Free : Tangent.Unknown;
                    case Cast c:
                        return Of(c.Operand);
                    case Unary { Op: "-" } u:
                        return Negate(Of(u.Operand));
                    case Binary { Op: "+" } b:
                        return Add(Of(b.Left), Of(b.Right), false);
                    case Binary { Op: "-" } b:
                        return Add(Of(b.Left), Negate(Of(b.Right)), false);
                    case Binary { Op: "*" } b:
                    {
                        Tangent l = Of(b.Left).Normal, r = Of(b.Right).Normal;
                        if (l.Kind == Kind.Free && r.Kind == Kind.Free) return Tangent.Free;
                        if (l.Kind == Kind.Multiplicative && r.Kind is Kind.Multiplicative or Kind.Free) return new Tangent(Kind.Multiplicative, l.C + (r.Kind == Kind.Free ? 0 : r.C));
                        if (r.Kind == Kind.Multiplicative && l.Kind == Kind.Free) return r;
                        return Tangent.Unknown;
                    }

                    case Binary { Op: "/" } b:
                    {
                        Tangent l = Of(b.Left).Normal, r = Of(b.Right).Normal;
                        if (l.Kind == Kind.Free && r.Kind == Kind.Free) return Tangent.Free;
                        if (l.Kind is Kind.Multiplicative or Kind.Free && r.Kind is Kind.Multiplicative or Kind.Free)
                        {
                            return new Tangent(Kind.Multiplicative, (l.Kind == Kind.Free ? 0 : l.C) - (r.Kind == Kind.Free ? 0 : r.C)).Normal;
                        }

                        return Tangent.Unknown;
                    }

                    case Binary b:
                        // Comparisons and logic: free of m only if their operands are.
                        return Of(b.Left).Normal.Kind == Kind.Free && Of(b.Right).Normal.Kind == Kind.Free ? Tangent.Free : Tangent.Unknown;
                    case MathCall { Function: "Exp", Args.Count: 1 } call:
                    {
                        Tangent u = Of(call.Args[0]).Normal;
                        return u.Kind == Kind.Free ? Tangent.Free : u.Kind == Kind.Additive ? new Tangent(Kind.Multiplicative, u.C) : Tangent.Unknown;
                    }

                    // Log(x) only: Log(x, b) also depends on its base (the default case).
                    case MathCall { Function: "Log", Args.Count: 1 } call:
                    {
                        Tangent u = Of(call.Args[0]).Normal;
                        return u.Kind == Kind.Free ? Tangent.Free : u.Kind == Kind.Multiplicative ? new Tangent(Kind.Additive, u.C) : Tangent.Unknown;
                    }

                    default:
                        return Reads.Of(e).All(r => OfName(r).Normal.Kind == Kind.Free) ? Tangent.Free : Tangent.Unknown;
                }
            }

            Tangent OfName(string id) => id == m ? new Tangent(Kind.Additive, 1) : tangents.TryGetValue(id, out Tangent t) ? t : Tangent.Free;
        }

        /// <summary>Where two paths join: a variable they leave with different tangents is unknown.</summary>
        private static void Merge(Dictionary<string, Tangent> into, Dictionary<string, Tangent> a, Dictionary<string, Tangent> b)
        {
            foreach (string v in a.Keys.Union(b.Keys).ToList())
            {
                Tangent x = a.TryGetValue(v, out Tangent p) ? p.Normal : Tangent.Free, y = b.TryGetValue(v, out Tangent q) ? q.Normal : Tangent.Free;
                into[v] = (x.Kind, y.Kind) switch
                {
                    (Kind.Free, Kind.Free) => Tangent.Free with { Zero = x.Zero && y.Zero },
                    // A sum of exp(x − m) that may have had no terms yet: 0 scales like any of them.
                    (Kind.Free, Kind.Multiplicative) when x.Zero => y,
                    (Kind.Multiplicative, Kind.Free) when y.Zero => x,
                    _ => x == y ? x : Tangent.Unknown,
                };
            }
        }

        private static Tangent Negate(Tangent t) => t.Kind == Kind.Additive ? t with { C = -t.C } : t.Kind == Kind.Multiplicative ? Tangent.Unknown : t;

        /// <summary>The tangent of a sum; <paramref name="leftIsZero"/>: the left value is exactly 0 (a sum starting from nothing).</summary>
        private static Tangent Add(Tangent left, Tangent right, bool leftIsZero)
        {
            left = left.Normal;
            right = right.Normal;
            if (left.Kind == Kind.Free && right.Kind == Kind.Free) return Tangent.Free;
            if (left.Kind == Kind.Free && (right.Kind == Kind.Additive || leftIsZero)) return right;
            if (right.Kind == Kind.Free && left.Kind == Kind.Additive) return left;
            if (left.Kind == Kind.Additive && right.Kind == Kind.Additive) return new Tangent(Kind.Additive, left.C + right.C).Normal;
            if (left.Kind == Kind.Multiplicative && right.Kind == Kind.Multiplicative && left.C == right.C) return left;
            return Tangent.Unknown;
        }
    }
}
