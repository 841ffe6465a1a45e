using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Optimize
{
    /// <summary>
    /// Forward mode computes each elementary function twice where a person computes it once: the tangent of
    /// <c>cos = Math.Cos(θ)</c> is −sin θ·θ̇, written before the primal <c>sin = Math.Sin(θ)</c> two lines below, and the
    /// tangent of <c>sin</c> calls <c>Math.Cos(θ)</c> that <c>cos</c> already holds. A local declared as a call of the Math
    /// library is moved up to the first statement of its block that needs that call (nothing in between changing what it
    /// reads), then every later occurrence of the call, while what it reads is unchanged, reads the local. The values are
    /// the same bit for bit (the same call on the same arguments); a transcendental call costs as much as the rest of a
    /// small function's tangent (GradBench's reprojection error: four calls of Sin and Cos where two suffice).
    /// </summary>
    internal static class ReuseCalls
    {
        /// <param name="names">For a call two statements compute with no local holding it (the tangent of a statement and the
        /// statement itself, in a Hessian-vector product's reverse sweep), a new local before the first.</param>
        public static Block Apply(Block body, Differentiate.NameAllocator names) => Reuse(Bind(Hoist(body), names), new HeldCalls(), out _);

        /// <summary>
        /// A backward's calls that a local holds, read from the local: the reverse sweep's ∂sin/∂θ = cos θ where the forward
        /// sweep's <c>cos</c> holds it (no new locals: a backward's locals are laid out by the passes before).
        /// </summary>
        public static Block Held(Block body) => Reuse(body, new HeldCalls(), out _);

        /// <summary>Functions a comparison or two costs: a local of their own would only lengthen the code.</summary>
        private static readonly HashSet<string> Cheap = new(System.StringComparer.Ordinal)
        {
            "Abs", "Sign", "Max", "Min", "MaxMagnitude", "MinMagnitude", "CopySign", "Floor", "Ceiling", "Round", "Truncate", "Clamp",
            "FusedMultiplyAdd", "BitIncrement", "BitDecrement", "ScaleB",
        };

        /// <summary>A call the pass may move and share: a Math function of values (no tape, no call with effects).</summary>
        internal static bool Shareable(Expr e) => e is MathCall && Reads.Nodes(e).All(n => n is MathCall or Name or Literal or Element or Binary or Unary or Cast);

        /// <summary>
        /// What a statement may change, at any depth: locals, counters, elements of spans, and — conservatively, since a call of
        /// a tangent or second order passes more arguments than its target lists — every span or <c>ref</c> a call is given.
        /// </summary>
        internal static IEnumerable<string> AssignedAnywhere(Stmt s) => Walk.All(new Block(new[] { s }.ToEquatableArray())).SelectMany(Changes);

        private static IEnumerable<string> Changes(Stmt s)
        {
            IEnumerable<string> own = s switch
            {
                LocalDecl d => new[] { d.Name },
                Assign { Target: Name n } => new[] { n.Id },
                Assign { Target: Element e } => new[] { e.Span },
                Assign { Target: SpanRef r } => new[] { r.Span }, // a span popped back whole
                For f => new[] { f.Counter },
                Invoke v => v.Args.SelectMany(Passed),
                _ => Enumerable.Empty<string>(),
            };
            // A method SymGrad does not differentiate, or code kept as text that calls one, may write what it is given.
            return own.Concat(Walk.Expressions(s).SelectMany(Reads.Nodes).SelectMany(n => n switch
            {
                UserCall call => call.Args.SelectMany(Passed),
                UnknownCall unknown => unknown.Call.Reads,
                Opaque o when o.Template.Contains("(") => o.Reads,
                _ => Enumerable.Empty<string>(),
            }));
        }

        /// <summary>Whether an expression gives the same value wherever what it reads is unchanged: no call that could have effects, no pop.</summary>
        private static bool Pure(Expr e) => !Reads.Nodes(e).Any(n => n is UserCall or UnknownCall or Pop || n is Opaque o && o.Template.Contains("("));

        private static IEnumerable<string> Passed(Expr arg) => arg switch
        {
            SpanRef r => new[] { r.Span },
            Written { Target: Name n } => new[] { n.Id },
            Written { Target: SpanRef r } => new[] { r.Span },
            Written { Target: Element e } => new[] { e.Span },
            _ => Enumerable.Empty<string>(),
        };

        private static IEnumerable<Expr> ExpressionsAnywhere(Stmt s) => Walk.All(new Block(new[] { s }.ToEquatableArray())).SelectMany(Walk.Expressions);

        private static bool Contains(Stmt s, Expr call) => ExpressionsAnywhere(s).SelectMany(Reads.Nodes).Any(n => n == call);

        /// <summary>Each block's call-valued locals moved up to the first statement needing their call, inner blocks first.</summary>
        private static Block Hoist(Block block)
        {
            var statements = block.Statements.Select(s => s switch
            {
                If i => i with { Then = Hoist(i.Then), Else = Hoist(i.Else) },
                For f => f with { Body = Hoist(f.Body) },
                _ => s,
            }).ToList();
            bool moved = false;
            for (int d = 0; d < statements.Count; d++)
            {
                if (statements[d] is not LocalDecl { Init: { } call } declaration || declaration.Type != call.Type || !Shareable(call) || Reads.Of(call).Contains(declaration.Name))
                {
                    continue;
                }

                var reads = Reads.Of(call);
                int first = d;
                for (int e = d - 1; e >= 0; e--)
                {
                    Stmt s = statements[e];
                    if (AssignedAnywhere(s).Any(reads.Contains) || ExpressionsAnywhere(s).SelectMany(Reads.Of).Contains(declaration.Name))
                    {
                        break;
                    }

                    if (Contains(s, call))
                    {
                        first = e;
                    }
                }

                if (first < d)
                {
                    statements.RemoveAt(d);
                    statements.Insert(first, declaration);
                    moved = true;
                }
            }

            return moved || !statements.SequenceEqual(block.Statements) ? new Block(statements.ToEquatableArray()) : block;
        }

        /// <summary>
        /// Each block's calls that two of its statements compute (or one twice), none of them changing what the call reads
        /// before the last, bound to a new local before the first — which <see cref="Reuse"/> then reads. Statements that call
        /// methods (which may write what the call reads) are left alone.
        /// </summary>
        private static Block Bind(Block block, Differentiate.NameAllocator names)
        {
            var statements = block.Statements.Select(s => s switch
            {
                If i => i with { Then = Bind(i.Then, names), Else = Bind(i.Else, names) },
                For f => f with { Body = Bind(f.Body, names) },
                _ => s,
            }).ToList();
            var held = new HashSet<Expr>(statements.OfType<LocalDecl>().Where(d => d.Init is { } init && d.Type == init.Type).Select(d => d.Init!));
            bool Simple(Stmt s) => s is LocalDecl or Assign or Return or Push && !Walk.Expressions(s).SelectMany(Reads.Nodes).Any(n => n is UserCall);
            for (int i = 0; i < statements.Count; i++)
            {
                if (!Simple(statements[i]))
                {
                    continue;
                }

                var calls = Walk.Expressions(statements[i]).SelectMany(Reads.Nodes).Where(Shareable).ToList();
                var changed = new HashSet<string>(AssignedAnywhere(statements[i]));
                foreach (Expr call in calls.Distinct().Where(c => !held.Contains(c) && !Cheap.Contains(((MathCall)c).Function)).ToList())
                {
                    var reads = Reads.Of(call);
                    bool again = calls.Count(c => c == call) > 1 || (!reads.Overlaps(changed) && Partnered(statements, i, (MathCall)call));
                    for (int j = i + 1; !again && !reads.Overlaps(changed) && j < statements.Count; j++)
                    {
                        again = Contains(statements[j], call);
                        if (AssignedAnywhere(statements[j]).Any(reads.Contains))
                        {
                            break; // its value from here on is another (it may still be read in this statement: counted above)
                        }
                    }

                    if (again && !reads.Overlaps(changed))
                    {
                        string name = names.Reserve(((MathCall)call).Function.ToLowerInvariant());
                        statements.Insert(i, new LocalDecl(name, call.Type, call, ""));
                        held.Add(call);
                        i++;
                    }
                }
            }

            return statements.SequenceEqual(block.Statements) ? block : new Block(statements.ToEquatableArray());
        }

        /// <summary>
        /// A sine (cosine) computed at <paramref name="at"/> whose cosine (sine) a local of the block holds, nothing between them
        /// changing the angle: bound to a local of its own, the printer makes the two one <c>Math.SinCos</c> (<see cref="SinCosPairs"/>)
        /// — the tangent of <c>s = Math.Sin(x)</c> is <c>Math.Cos(x)·ẋ</c>, a second call on the same argument.
        /// </summary>
        private static bool Partnered(List<Stmt> statements, int at, MathCall call)
        {
            if (call is not { Function: "Sin" or "Cos", Args.Count: 1, Type: "double" or "float" })
            {
                return false;
            }

            var reads = Reads.Of(call);
            string other = call.Function == "Sin" ? "Cos" : "Sin";
            for (int k = 0; k < statements.Count; k++)
            {
                if (k != at && SinCosPairs.Half(statements[k]) is { Declares: true } partner && partner.Call.Function == other
                    && partner.Call.Type == call.Type && partner.Call.Args[0] == call.Args[0]
                    && statements.Skip(System.Math.Min(k, at) + 1).Take(System.Math.Abs(k - at) - 1).All(s => !AssignedAnywhere(s).Any(reads.Contains)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A statement with the locals <paramref name="copies"/> names read as the ones they copy, at any depth.</summary>
        private static Stmt Renamed(Stmt s, Dictionary<string, string> copies) => copies.Count == 0 ? s
            : Walk.Rewrite(new Block(new[] { s }.ToEquatableArray()), x => new[] { Walk.MapExpressions(x, e => Walk.Rename(e, n => copies.TryGetValue(n, out string? held) ? held : n)) }).Statements.Single();

        private static int SelfComparisonsAnywhere(Stmt s) => Walk.All(new Block(new[] { s }.ToEquatableArray())).Sum(SelfComparisons);

        private static int SelfComparisons(Stmt s) => Walk.Expressions(s).SelectMany(Reads.Nodes)
            .Count(n => n is Binary { Op: "<" or ">" or "<=" or ">=" or "==" or "!=", Left: Name } b && b.Left == b.Right);

        /// <summary>
        /// Replaces each call a local holds (<paramref name="known"/>) by that local, and leaves in <paramref name="after"/>
        /// what is known at the block's end (the locals it declares forgotten: they are out of scope).
        /// </summary>
        private static Block Reuse(Block block, HeldCalls known, out HeldCalls after)
        {
            known = known.Clone();
            var output = new List<Stmt>();
            var copies = new Dictionary<string, string>(); // a local declared as a copy of one holding the same call: read as that one
            for (int at = 0; at < block.Statements.Count; at++)
            {
                Stmt statement = Renamed(block.Statements[at], copies);
                var assigned = new HashSet<string>(AssignedAnywhere(statement));
                HeldCalls inside = known.Clone();
                inside.Forget(assigned);
                // A loop's condition and step run after its body too: they see only what the body leaves unchanged.
                Dictionary<Expr, string> here = statement is For ? inside.Calls : known.Calls;
                Stmt s = here.Count == 0 ? statement
                    : Walk.MapExpressions(statement, e => Walk.Transform(e, x => here.TryGetValue(x, out string? local) ? new Name(local, x.Type) : null));
                if (SelfComparisons(s) > SelfComparisons(statement))
                {
                    // Math.Abs(b) > Math.Abs(b) (MaxMagnitude(b, b)'s rule) would read abs > abs: CS1718, a warning in generated code
                    // (found by the random-program tester in CI, cOgurFNRUkc1). Such a statement keeps its calls.
                    s = statement;
                }

                if (s is Assign { Op: "=", Target: Name target, Value: Name value } && target.Id == value.Id && !statement.Equals(s))
                {
                    // arg = Math.Sin(s) where arg already holds it (a forward sweep recomputing a value): arg = arg is CS1717, and
                    // nothing to do (found by the random-program tester in CI, 1ZDeYIP2xoe1).
                    continue;
                }

                switch (s)
                {
                    case If i:
                    {
                        Block then = Reuse(i.Then, known.Entering(i.Condition, true), out HeldCalls thenAfter);
                        Block otherwise = Reuse(i.Else, known.Entering(i.Condition, false), out HeldCalls elseAfter);
                        s = i with { Then = then, Else = otherwise };
                        known = HeldCalls.Meet(i.Condition, Pure(i.Condition) && !Reads.Of(i.Condition).Overlaps(assigned), thenAfter, elseAfter);
                        break;
                    }

                    case For f:
                        s = f with { Body = Reuse(f.Body, inside, out _) }; // each iteration after the first sees what the body changed
                        known = inside; // what the body holds may not have run (no trip) or be stale (a break)
                        break;
                    default:
                        known = inside;
                        // Only a local of the call's own type stands for it (a float call in a double local would widen what reads it).
                        if (s is LocalDecl { Init: { } call } d && d.Type == call.Type && Shareable(call) && !Reads.Of(call).Contains(d.Name))
                        {
                            known.Hold(call, d.Name);
                        }
                        else if (s is Assign { Op: "=", Target: Name local, Value: var held } && local.Type == held.Type && Shareable(held) && !Reads.Of(held).Contains(local.Id))
                        {
                            known.Hold(held, local.Id);
                        }

                        break;
                }

                if (s is LocalDecl { Init: Name copy } c && block.Statements[at] is LocalDecl { Init: var was } && (was is not Name n || copies.ContainsKey(n.Id)) && c.Type == copy.Type
                    && !block.Statements.Skip(at + 1).SelectMany(AssignedAnywhere).Any(n => n == c.Name || n == copy.Id)
                    && !block.Statements.Skip(at + 1).Any(x => SelfComparisonsAnywhere(Renamed(x, new Dictionary<string, string>(copies) { [c.Name] = copy.Id })) > SelfComparisonsAnywhere(Renamed(x, copies))))
                {
                    // double tanh2 = Math.Tanh(a) where tanh holds it, and neither changes after: tanh2 is tanh — unless that makes a
                    // comparison of a local with itself (tanh >= tanh2, the tie of Max(b, b)'s rule: CS1718, aNptuDwXyAy1).
                    copies[c.Name] = copy.Id;
                    continue;
                }

                output.Add(s == statement ? statement : s); // unchanged statements keep their identity (later passes find some by reference)
            }

            after = known;
            after.Forget(block.Statements.OfType<LocalDecl>().Select(d => d.Name).ToList());
            return output.SequenceEqual(block.Statements) ? block : new Block(output.ToEquatableArray());
        }
    }
}
