using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Differentiate
{
    /// <summary>
    /// What the sweeps share while they build one backward: the facts and plans, the names they hand out, the adjoint
    /// of every active variable, and the pairing of each tape push with its pop.
    /// </summary>
    internal sealed class SweepContext
    {
        private readonly Dictionary<string, string> _adjoints = new();
        private readonly Dictionary<string, string> _workCopies = new();
        private readonly Dictionary<(Stmt, string), int> _pairs = new(new PairKeyComparer());
        private int _nextPair;

        public SweepContext(Facts facts, OutputPlans plans, LoopStrategies strategies, NameAllocator names)
        {
            Facts = facts;
            Plans = plans;
            Strategies = strategies;
            Names = names;
            var signature = new BackwardSignature(facts.Model, names);
            Program = new BackwardProgram(signature);

            // An array output the forward sweep rebuilds and passes where a method takes an array: its work copy is an array
            // (lent by the workspace's ArrayShelf: a span from its arenas does not convert to T[]).
            ArrayCopies = new HashSet<string>(Walk.All(facts.Model.Body).SelectMany(Walk.Expressions).SelectMany(Reads.Calls)
                .SelectMany(call => call.Args.Where((a, i) => call.Target.Parameters[i].IsArray && a is SpanRef).Select(a => ((SpanRef)a).Span))
                .Where(span => facts.Model.Parameters.Any(p => p.Name == span && p.IsArray)));
            foreach (ParameterSpec p in facts.Model.Parameters)
            {
                if (p.Kind == ParameterKind.SpanOutput)
                {
                    if (facts.Active.Contains(p.Name))
                    {
                        string work = names.Reserve("d" + p.Name + "Work");
                        _adjoints[p.Name] = work;
                        Program.Declare(work, $"global::System.Span<{p.ElementType}>", Role.Adjoint, p.Name);
                    }

                    if (plans.Plans[p.Name].Source == OutputSource.Replayed)
                    {
                        string copy = names.Reserve(p.Name + "Work");
                        _workCopies[p.Name] = copy;
                        Program.Declare(copy, ArrayCopies.Contains(p.Name) ? p.Type : $"global::System.Span<{p.ElementType}>", Role.Primal, p.Name);
                    }
                }
                else if (p.IsDifferentiable)
                {
                    _adjoints[p.Name] = Program.Gradients[p.Name];
                }
            }

            foreach (KeyValuePair<string, string> local in facts.LocalTypes)
            {
                Program.Declare(local.Key, local.Value, Role.Primal);
                if (facts.Active.Contains(local.Key) && local.Value is "double" or "float")
                {
                    string adjoint = names.Reserve("d" + local.Key);
                    _adjoints[local.Key] = adjoint;
                    Program.Declare(adjoint, local.Value, Role.Adjoint, local.Key);
                }
            }
        }

        public Facts Facts { get; }

        public OutputPlans Plans { get; }

        public LoopStrategies Strategies { get; }

        public NameAllocator Names { get; }

        public BackwardProgram Program { get; }

        public string Workspace => Program.Workspace;

        public bool HasAdjoint(string name) => _adjoints.ContainsKey(name);

        public string Adjoint(string name) => _adjoints[name];

        /// <summary>
        /// Whether an expression carries a derivative: it is real and reads an active variable (arguments of calls included).
        /// An element read is active by its span alone: c[x.Length - 1] with x differentiable and c not carries none (it was taken
        /// for active, and c's adjoint looked for: SG9999; the tangents had the same defect, found by the random-program tester).
        /// </summary>
        public bool IsActive(Expr e) => e.IsReal && (e is Element el ? IsActive(el.Span) : Reads.Of(e).Any(IsActive));

        /// <summary>Whether a variable or span carries a derivative: active, with an adjoint.</summary>
        public bool IsActive(string name) => Facts.Active.Contains(name) && _adjoints.ContainsKey(name);

        /// <summary>The adjoint of a variable or element read: <c>dv</c>, <c>dx[i]</c>.</summary>
        public Expr AdjointOf(Expr leaf) => leaf switch
        {
            Name n => new Name(Adjoint(n.Id), n.Type),
            Element el => el with { Span = Adjoint(el.Span), Index = Use(el.Index) },
            _ => throw new System.InvalidOperationException("No adjoint for " + leaf),
        };

        /// <summary>A forward expression as the backward reads it: an output the forward sweep rebuilds is read from its work copy.</summary>
        public Expr Use(Expr e) => _workCopies.Count == 0 ? e : Walk.Rename(e, n => _workCopies.TryGetValue(n, out string? copy) ? copy : n);

        /// <summary>Array outputs whose work copy must be an array (see the constructor).</summary>
        public HashSet<string> ArrayCopies { get; }

        public string? WorkCopy(string output) => _workCopies.TryGetValue(output, out string? copy) ? copy : null;

        /// <summary>
        /// Whether a write is saved before it happens: by the forward sweep, or — inside a replayed loop — by that loop's
        /// replay when it writes the loop's own locals. The outer scalars a replayed loop writes are saved once around it.
        /// </summary>
        public bool Saved(Stmt statement)
        {
            For? replayed = Facts.LoopsAround(statement).LastOrDefault(Strategies.IsReplayed);
            return replayed is null || Strategies.IsReplayedStatement(statement, replayed);
        }

        /// <summary>The span arguments that the calls of a statement write (its own expressions, not its blocks').</summary>
        public static IEnumerable<SpanRef> CallWrites(Stmt statement) =>
            Walk.Expressions(statement).SelectMany(Reads.Calls).SelectMany(call =>
                call.Args.Where((a, i) => call.Target.Parameters[i].Kind == ParameterKind.SpanOutput).OfType<SpanRef>());

        /// <summary>Whether values of a type can be pushed on a tape.</summary>
        public static bool CanTape(string type) => Tape(type) is not null;

        /// <summary>The workspace tape for a type (integers other than int travel as long).</summary>
        public static string? Tape(string type) => type switch
        {
            "double" => "Doubles",
            "float" => "Floats",
            "int" => "Ints",
            "bool" => "Bools",
            "long" or "short" or "byte" or "uint" or "ulong" or "sbyte" or "ushort" => "Longs",
            _ => null,
        };

        /// <summary>
        /// Links the forward and reversed copies of a top-level loop of a method that checkpoints its loops (1, 2, … by
        /// place; 0 for any other loop): <see cref="LoopCheckpoints"/> finds the pair in the finished backward.
        /// </summary>
        public int CheckpointId(For loop)
        {
            if (Facts.Model.Checkpoint is null)
            {
                return 0;
            }

            int index = Facts.Body.Statements.ToList().FindIndex(s => ReferenceEquals(s, loop));
            return index + 1;
        }

        /// <summary>The trip counter of a loop the reverse sweep replays by count.</summary>
        public string Trips(For loop)
        {
            if (!_trips.TryGetValue(loop, out string? name))
            {
                _trips[loop] = name = Temporary("trips", "int", Role.Control);
            }

            return name;
        }

        private readonly Dictionary<For, string> _trips = new(ReferenceComparer<For>.Instance);

        /// <summary>Scratch the size of <paramref name="span"/> (a call writes into it; nothing reads it back).</summary>
        /// <summary>
        /// Scratch where a callee takes an array (<c>double[] y</c>) for an output whose final values the caller already holds:
        /// an array of its length lent by the workspace (a span from its arenas does not convert to T[]; found by the
        /// random-program tester, dH-Dq0gEzK31, CS1503).
        /// </summary>
        public Opaque ArrayScratch(SpanRef span) => span.Start is null && span.Length is null
            ? new Opaque($"{Workspace}.RentArray<{span.ElementType}>({{0}}.Length)", new[] { span.Span }.ToEquatableArray(), span.ElementType + "[]")
            : Scratch(span);

        public Opaque Scratch(SpanRef span)
        {
            string rent = span.ElementType == "float" ? "RentFloats" : "RentDoubles";
            if (span.Length is { } length)
            {
                Expr used = Use(length);
                var reads = Reads.Of(used).ToList();
                string text = Emit.ExprPrinter.Print(used, n => "{" + reads.IndexOf(n).ToString(System.Globalization.CultureInfo.InvariantCulture) + "}");
                return new Opaque($"{Workspace}.{rent}({text})", reads.ToEquatableArray(), "span");
            }

            var names = new List<string> { span.Span };
            string whole = "{0}.Length";
            if (span.Start is not null)
            {
                Expr start = Use(span.Start);
                var reads = Reads.Of(start).ToList();
                names.AddRange(reads);
                whole += " - (" + Emit.ExprPrinter.Print(start, n => "{" + (reads.IndexOf(n) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + "}") + ")";
            }

            return new Opaque($"{Workspace}.{rent}({whole})", names.ToEquatableArray(), "span");
        }

        /// <summary>A fresh variable for the backward.</summary>
        public string Temporary(string name, string type, Role role = Role.Temporary)
        {
            string unique = Names.Reserve(name);
            Program.Declare(unique, type, role);
            return unique;
        }

        /// <summary>The pair that links a statement's push (<paramref name="slot"/>: its save, a trip count, a decision) with its pop.</summary>
        public int Pair(Stmt statement, string slot)
        {
            if (!_pairs.TryGetValue((statement, slot), out int pair))
            {
                _pairs[(statement, slot)] = pair = ++_nextPair;
            }

            return pair;
        }

        private sealed class PairKeyComparer : IEqualityComparer<(Stmt Statement, string Slot)>
        {
            public bool Equals((Stmt Statement, string Slot) x, (Stmt Statement, string Slot) y) =>
                ReferenceEquals(x.Statement, y.Statement) && x.Slot == y.Slot;

            public int GetHashCode((Stmt Statement, string Slot) key) =>
                System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(key.Statement) * 31 + key.Slot.GetHashCode();
        }
    }
}
