using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Diagnostics;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Differentiate
{
    /// <summary>Where the backward reads a <c>Span</c> output's values from.</summary>
    internal enum OutputSource
    {
        /// <summary>The method never writes it: a constant it reads, the caller's span.</summary>
        Unwritten,

        /// <summary>Every read sees the value the element ends with: the caller's span (which holds it) serves.</summary>
        Final,

        /// <summary>A work copy the forward sweep rebuilds, starting from the caller's final values.</summary>
        Replayed,
    }

    /// <summary>How one <c>Span</c> output is handled by the backward.</summary>
    /// <param name="WrittenOnce">Each element is written at most once: its cotangent is never cleared.</param>
    /// <param name="Accumulated">Some write adds to what the caller's span held (<c>y[i] += …</c>).</param>
    internal sealed record OutputPlan(string Span, OutputSource Source, bool WrittenOnce, bool Accumulated);

    /// <summary>
    /// A read of an output that reaches only elements written before it when the sizes allow: <see cref="Requirement"/>
    /// (C#, over parameters) must hold whenever <see cref="When"/> (the loops around the read run) does.
    /// </summary>
    internal sealed record CoverageCheck(string Span, string When, string Requirement, string Read);

    /// <summary>
    /// Plans every <c>Span</c> output, and checks that the method never reads an element of one before it writes it —
    /// the backward cannot know what the caller's span held, and would silently use something else (SG0018).
    /// A read is safe when no write of the output can happen after it; when the same statement block wrote that very
    /// element before it (<c>y[i] = …; s += y[i];</c>); or when an earlier loop nest, finished by then, wrote every element
    /// the read can reach (<c>for i: y[i] = …;</c> then <c>… y[n - 1 - i] …</c>).
    /// </summary>
    internal sealed class OutputPlans
    {
        private readonly Facts _facts;
        private readonly Dictionary<Stmt, int> _order = new(ReferenceComparer<Stmt>.Instance);

        public OutputPlans(Facts facts)
        {
            _facts = facts;
            int position = 0;
            foreach (Stmt s in Walk.All(facts.Body))
            {
                _order[s] = position++;
            }

            foreach (ParameterSpec output in facts.Model.Parameters.Where(p => p.Kind == ParameterKind.SpanOutput))
            {
                Plans[output.Name] = Plan(output.Name);
            }
        }

        public Dictionary<string, OutputPlan> Plans { get; } = new();

        public List<DiagnosticInfo> Diagnostics { get; } = new();

        private sealed record Writer(Stmt Statement, string Op, Expr? Index, SpanRef? Region = null);

        private OutputPlan Plan(string span)
        {
            var writers = new List<Writer>();
            foreach (Stmt s in Walk.All(_facts.Body))
            {
                if (s is Assign { Target: Element e } a && e.Span == span)
                {
                    writers.Add(new Writer(s, a.Op, e.Index));
                }

                foreach (UserCall call in Walk.Expressions(s).SelectMany(Reads.Calls))
                {
                    for (int i = 0; i < call.Args.Count; i++)
                    {
                        if (call.Target.Parameters[i].Kind == ParameterKind.SpanOutput && call.Args[i] is SpanRef region && region.Span == span)
                        {
                            writers.Add(new Writer(s, call.Target.Accumulates ? "+=" : "=", null, region));
                            ReadInPlace(s, call, i);
                        }
                    }
                }
            }

            if (writers.Count == 0)
            {
                return new OutputPlan(span, OutputSource.Unwritten, WrittenOnce: true, Accumulated: false);
            }

            bool once = writers.Count == 1 && WritesEachElementOnce(writers[0]);

            // A local buffer's zeros wrote all of it, as a call does: whatever index a read or an accumulation after it uses
            // (counts[i % bins] += …). Only for coverage, as below: its own write stays the writer the backward sees.
            foreach (For fill in Walk.All(_facts.Body).OfType<For>().Where(loop => loop.Fills == span))
            {
                writers.Add(new Writer(fill, "=", null, new SpanRef(span, null, null, _facts.Parameters[span].ElementType)));
            }

            // An element both branches of an if/else write (a switch expression's value, lowered: if (p == 3) y[2] = 2; else
            // y[2] = -a;) is written by the if as a whole, for the reads after it (found by the random-program tester's stage
            // buffers, CI on 97bec02, 9PLK-z24_861). Only for coverage: each branch's write stays the writer the backward sees.
            foreach (If branch in Walk.All(_facts.Body).OfType<If>())
            {
                foreach (Expr index in BothWrite(branch, span))
                {
                    writers.Add(new Writer(branch, "=", index));
                }
            }

            bool allSafe = true;
            foreach (Stmt reader in Walk.All(_facts.Body))
            {
                foreach (Expr read in ReadsOf(reader, span))
                {
                    if (!IsSafe(reader, read, writers))
                    {
                        allSafe = false;
                        Diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.OutputReadBeforeWritten.Id, reader.Location,
                            new[] { span, Emit.ExprPrinter.Readable(read) }.ToEquatableArray()));
                    }
                }
            }

            // An accumulation adds to what the caller's span held unless the method wrote the element first (y[i] = 0 before the
            // steps that add to it): only such a proof counts, no size check (adding to the caller's values is allowed).
            string type = _facts.Parameters[span].ElementType;
            bool accumulated = writers.Any(w => w.Op != "=" && !(w.Index is { } index ? IsSafe(w.Statement, new Element(span, index, type), writers, allowCheck: false)
                : w.Region is { } region && IsSafe(w.Statement, region, writers, allowCheck: false)));
            return new OutputPlan(span, once && allSafe ? OutputSource.Final : OutputSource.Replayed, once, accumulated);
        }

        /// <summary>
        /// A call writing the output its argument <paramref name="output"/> names that reads the same part of it as an input
        /// (<c>F(y, y)</c>, <c>Nn.Tanh(h, h)</c>): F's derivatives take its inputs and outputs as separate spans — the inputs
        /// read whole before an output is written, a gradient of each — and the runtime refuses the overlap when they run
        /// (SG0025, at compile time). Parts apart (<c>F(y[..n], y[n..])</c>) are separate spans.
        /// </summary>
        private void ReadInPlace(Stmt statement, UserCall call, int output)
        {
            var written = (SpanRef)call.Args[output];
            for (int i = 0; i < call.Args.Count; i++)
            {
                if (call.Target.Parameters[i].Kind != ParameterKind.SpanOutput && call.Args[i] is SpanRef read && read.Span == written.Span
                    && Equals(read.Start, written.Start) && Equals(read.Length, written.Length))
                {
                    Diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.CallReadsWhatItWrites.Id, statement.Location,
                        new[] { written.Span, call.Target.Method, call.Target.Parameters[i].Name, call.Target.Parameters[output].Name }.ToEquatableArray()));
                }
            }
        }

        /// <summary>The indices both branches of <paramref name="branch"/> write unconditionally (an else-if chain's every branch).</summary>
        private static List<Expr> BothWrite(If branch, string span)
        {
            if (branch.Else.Statements.Count == 0)
            {
                return new List<Expr>();
            }

            List<Expr> Unconditional(Block block) => block.Statements
                .Select(st => st is Assign { Op: "=", Target: Element e } && e.Span == span ? new List<Expr> { e.Index } : st is If nested ? BothWrite(nested, span) : new List<Expr>())
                .SelectMany(x => x).ToList();
            var otherwise = Unconditional(branch.Else);
            return Unconditional(branch.Then).Where(otherwise.Contains).Distinct().ToList();
        }

        /// <summary>The element reads and whole-span reads (a span passed to a call as an input) of an output in one statement.</summary>
        private static IEnumerable<Expr> ReadsOf(Stmt statement, string span)
        {
            foreach (Expr e in Walk.Expressions(statement))
            {
                // The target of `y[i] = …` is written, not read. `y[i] += …` adds to whatever is there: the backward needs
                // that value only if the derivative reads the output back, which is SG0016, not a read here.
                Expr root = e;
                if (statement is Assign { Target: Element target } && ReferenceEquals(e, target))
                {
                    root = target.Index;
                }

                foreach (Expr node in Reads.Nodes(root))
                {
                    if (node is Element el && el.Span == span)
                    {
                        yield return el;
                    }
                    else if (node is UserCall call)
                    {
                        for (int i = 0; i < call.Args.Count; i++)
                        {
                            if (call.Args[i] is SpanRef s && s.Span == span && call.Target.Parameters[i].Kind != ParameterKind.SpanOutput)
                            {
                                yield return s;
                            }
                        }
                    }
                }
            }
        }

        private bool WritesEachElementOnce(Writer writer)
        {
            List<For> loops = _facts.LoopsAround(writer.Statement);
            if (writer.Index is null)
            {
                return writer.Op == "=" && loops.Count == 0; // a call writes each element of its argument once (one adding to it reads it too)
            }

            return writer.Op == "=" && Injectivity.IsInjective(writer.Index, loops, name => IsStableIn(name, loops));
        }

        /// <summary>A variable keeps its value while the loops run: a parameter, a counter, or a local they do not assign.</summary>
        private bool IsStableIn(string name, List<For> loops) =>
            (_facts.IsParameter(name) && !_facts.IsOutput(name)) || _facts.Counters.Contains(name)
            || (_facts.LocalTypes.ContainsKey(name) && (loops.Count == 0 || !Walk.Assigned(loops[0].Body).Contains(name)));

        /// <param name="allowCheck">Whether a read the sizes may leave uncovered is safe with a check when the backward runs.</param>
        private bool IsSafe(Stmt reader, Expr read, List<Writer> writers, bool allowCheck = true)
        {
            if (!writers.Any(w => MayRunAfter(w.Statement, reader)))
            {
                return true;
            }

            // Earlier in the same pass through the block around the read (same iteration of every loop around both).
            foreach (Writer w in writers.Where(w => _order[w.Statement] < _order[reader] && !ReferenceEquals(w.Statement, reader)))
            {
                bool sameIteration = _facts.Within(_facts.BlockOf(reader), _facts.BlockOf(w.Statement))
                    && !Reads.Of(read).Any(v => v != Name(read) && !_facts.Counters.Contains(v) && Walk.Assigned(_facts.BlockOf(w.Statement)).Contains(v));
                // A call writing the whole span wrote every element (a [Differentiable] method writes all of its outputs):
                // F(x, k); … k[i] … in one pass of a loop, as an RK4 step reads its stages.
                if (sameIteration && (w.Region == read || w.Region is { Start: null, Length: null } || (w.Index is not null && read is Element e && w.Index == e.Index)))
                {
                    return true;
                }
            }

            if (SamePass(reader, read, writers, out var inPass))
            {
                return true;
            }


            List<For> around = Ranging(read, _facts.LoopsAround(reader));
            // A slice lies within its span (slicing checks that): writers covering the whole span cover it, whatever the sizes —
            // finished before the loops around the read, or earlier in the same pass of them (a refill, then a span's gradient
            // added to a slice, in a loop's body: CI's campaign, dbeSDg5j61Q1).
            if (read is SpanRef slice && (slice.Start is not null || slice.Length is not null)
                && (Range(slice with { Start = null, Length = null }, around) is { } whole && Covered(reader, whole, writers, out _)
                    || SamePass(reader, slice with { Start = null, Length = null }, writers, out _)))
            {
                return true;
            }

            if (Range(read, around) is not { } reach)
            {
                return Whole(reader, writers);
            }

            if (Covered(reader, reach, writers, out var candidates))
            {
                return true;
            }

            // What this pass wrote, independently of the pass, is one more way the sizes may cover the read (checked below
            // with the others: a partial write earlier in the pass must not decide the check alone).
            candidates.AddRange(inPass);
            if (inPass.Count > 0 && allowCheck && Check(reader, read, candidates, reach, runs: false))
            {
                return true; // the sizes decide it (h[^(p + 1)] after h[0], h[1], h[2] in the pass: h.Length == 3)
            }

            if (!allowCheck)
            {
                return around.Count > 0 && around[around.Count - 1] is var own && Recurrence(reader, read, own, around, writers) is { } start
                    && Covered(own, start, writers, out _);
            }

            // A recurrence (h_t reads h_{t−1}): in a loop counting up by one, a write of iteration t − 1 covers the read of
            // iteration t, and what was written before the loop covers the first iteration's read.
            if (around.Count > 0 && around[around.Count - 1] is var loop && Recurrence(reader, read, loop, around, writers) is { } first)
            {
                if (Covered(loop, first, writers, out var before))
                {
                    return true;
                }

                return Check(loop, read, before, first, runs: true);
            }

            // Not provable here: a finished writer covers the read if the sizes allow, which the backward checks first.
            return Check(reader, read, candidates, reach, runs: false);
        }

        /// <summary>
        /// A loop nest that finished earlier in the same pass of the loops around both wrote every element the read reaches:
        /// an RK4 stage, <c>for i: t[i] = y[i] + h·k[i]/2;</c> then <c>F(x, t, k2)</c>, all inside the loop over the steps. What the
        /// nest wrote over its own loops (the shared loops' counters fixed) against what the read reaches over its own; where
        /// only the sizes decide it, the backward checks them first (as for a finished nest outside the loops).
        /// </summary>
        /// <param name="unproved">What writes independent of the pass cover (for the size check with the other writers').</param>
        private bool SamePass(Stmt reader, Expr read, List<Writer> writers, out List<(Poly Min, Poly Max)> unproved)
        {
            unproved = new List<(Poly Min, Poly Max)>();
            List<For> readerLoops = _facts.LoopsAround(reader);
            var candidates = new List<((Poly Min, Poly Max) Covered, List<For> Over)>();
            var constants = new List<long?>();
            foreach (Writer w in writers.Where(w => _order[w.Statement] < _order[reader] && !ReferenceEquals(w.Statement, reader)))
            {
                List<For> writerLoops = _facts.LoopsAround(w.Statement);
                int shared = 0;
                while (shared < writerLoops.Count && shared < readerLoops.Count && ReferenceEquals(writerLoops[shared], readerLoops[shared])) shared++;
                Stmt pass = shared < writerLoops.Count ? writerLoops[shared] : w.Statement; // what finished in this pass
                if (shared == 0 || !_facts.Within(_facts.BlockOf(reader), _facts.BlockOf(pass)))
                {
                    continue; // no loop around both (Covered), or not finished before the read in this pass
                }

                var sharedLoops = writerLoops.Take(shared).ToList();
                if (Wrote(w, writerLoops.Skip(shared).ToList(), out var own) is not { } c || Mentions(c, own))
                {
                    continue;
                }

                // Against what the read reaches over its own loops — over all of them where the write does not depend on the pass.
                candidates.Add((c, Mentions(c, sharedLoops) ? readerLoops.Skip(shared).ToList() : readerLoops));
                constants.Add(Constant(w, own)); // h[0] = …; h[1] = …; in this pass
            }

            if (Run(constants) is { } run)
            {
                candidates.Add((run, readerLoops));
            }

            foreach (var group in candidates.GroupBy(c => c.Over.Count).OrderByDescending(g => g.Key))
            {
                List<For> over = group.First().Over;
                if (Range(read, Ranging(read, over)) is not { } reach || Mentions(reach, over))
                {
                    continue;
                }

                if (group.Any(c => IndexRange.Contains(c.Covered, reach))) return true;
                if (over.Count == readerLoops.Count)
                {
                    unproved.AddRange(group.Select(c => c.Covered)); // the reach IsSafe computes too
                }
            }

            return false;
        }

        /// <summary>
        /// The loops a write's coverage depends on: those whose counter its index (or a kept loop's bounds) mentions, and those
        /// that may not run at all. A loop that surely runs and that the index does not mention only repeats the write
        /// (<c>for p &lt; 3: for i: k[i] = …</c> writes k[0 … n − 1], however many passes).
        /// </summary>
        private static List<For> Indexing(Expr? index, List<For> loops)
        {
            var kept = loops.Where(loop => index is not null && Reads.Of(index).Contains(loop.Counter) || !SurelyRuns(loop, loops)).ToList();
            for (bool changed = true; changed;)
            {
                changed = false;
                foreach (For loop in loops.Where(l => !kept.Contains(l)))
                {
                    if (kept.Any(k => Reads.Of(k.Init).Contains(loop.Counter) || Reads.Of(k.Condition).Contains(loop.Counter)))
                    {
                        kept.Add(loop);
                        changed = true;
                    }
                }
            }

            return loops.Where(kept.Contains).ToList();
        }

        /// <summary>Whether a loop makes at least one trip at every size (constant bounds, <c>for p = 0; p &lt; 3</c>).</summary>
        private static bool SurelyRuns(For loop, List<For> loops)
            => IndexRange.CounterRange(loop, loops) is { } range && range.Max.Plus(range.Min.Times(Poly.Constant(-1))) is var trips && !trips.Symbols.Any() && IndexRange.NonNegative(trips);

        /// <summary>
        /// What a writer covers over <paramref name="loops"/> (those around it that count: <see cref="Indexing"/>, given back in
        /// <paramref name="over"/>): a call's slices, or an injective element index's range; null when it is not dense.
        /// </summary>
        private (Poly Min, Poly Max)? Wrote(Writer w, List<For> loops, out List<For> over)
        {
            var counted = over = Indexing(w.Region is SpanRef r ? r.Start : w.Index, loops);
            return w.Region is SpanRef region ? Slices(region, counted)
                : Injectivity.IsInjective(w.Index!, counted, name => IsStableIn(name, counted)) ? IndexRange.Of(w.Index!, counted) : null;
        }

        /// <summary>The constant index a writer writes whatever its loops do (they surely run, and it names none of them), or null.</summary>
        private static long? Constant(Writer w, List<For> loops)
            => w.Index is { } index && Indexing(index, loops).Count == 0 && Poly.From(index) is { } single && !single.Symbols.Any()
                ? single.Terms.TryGetValue("", out long k) ? k : 0
                : null;

        /// <summary>Statements writing single elements (y[0] = …; y[1] = …;) together cover the run of indices from 0 they wrote.</summary>
        private static (Poly Min, Poly Max)? Run(IEnumerable<long?> constants)
        {
            var written = new HashSet<long>(constants.Where(k => k.HasValue).Select(k => k!.Value));
            if (!written.Contains(0))
            {
                return null;
            }

            long last = 0;
            while (written.Contains(last + 1)) last++;
            return (Poly.Constant(0), Poly.Constant(last));
        }

        /// <summary>Whether a range still names a counter of <paramref name="loops"/> (it depends on the iteration).</summary>
        private static bool Mentions((Poly Min, Poly Max) range, List<For> loops)
            => loops.Any(l => range.Min.Symbols.Contains(l.Counter) || range.Max.Symbols.Contains(l.Counter));

        /// <summary>
        /// The loops around a read that bound what it reaches: a loop whose trips no size expresses (a while loop) and whose
        /// counter neither the read nor another of the loops mentions adds nothing to it. A read in a loop that may not run
        /// reaches at most that much.
        /// </summary>
        private static List<For> Ranging(Expr read, List<For> around) => around.Where(loop =>
            IndexRange.CounterRange(loop, around, exact: false) is not null
            || Reads.Of(read).Contains(loop.Counter)
            || around.Any(other => !ReferenceEquals(other, loop) && (Reads.Of(other.Init).Contains(loop.Counter) || Reads.Of(other.Condition).Contains(loop.Counter)))).ToList();

        /// <summary>A whole-span read nothing ranges: safe if an earlier finished writer wrote the whole span.</summary>
        private bool Whole(Stmt reader, List<Writer> writers) => writers.Any(w =>
            w.Region is SpanRef { Start: null, Length: null } && _order[w.Statement] < _order[reader] && !SharesLoop(w.Statement, reader));

        /// <summary>The elements a read can reach over <paramref name="loops"/> (counters of other loops stay symbols).</summary>
        private static (Poly Min, Poly Max)? Range(Expr read, List<For> loops) => read switch
        {
            Element element => IndexRange.Of(element.Index, loops),
            SpanRef span => Reach(span, loops),
            _ => null,
        };

        /// <summary>
        /// Whether writers that finished before <paramref name="position"/> wrote every element of <paramref name="reach"/>;
        /// otherwise, the ranges they cover, for a check when the backward runs.
        /// </summary>
        private bool Covered(Stmt position, (Poly Min, Poly Max) reach, List<Writer> writers, out List<(Poly Min, Poly Max)> candidates)
        {
            candidates = new List<(Poly Min, Poly Max)>();
            var finished = writers.Where(w => _order[w.Statement] < _order[position] && !ReferenceEquals(w.Statement, position) && !SharesLoop(w.Statement, position)).ToList();
            foreach (Writer w in finished)
            {
                if (Wrote(w, _facts.LoopsAround(w.Statement), out _) is { } c)
                {
                    if (IndexRange.Contains(c, reach)) return true;
                    candidates.Add(c);
                }
            }

            // Statements writing single elements (y[0] = …; y[1] = …;) together cover the run of indices they wrote.
            if (Run(finished.Select(w => Constant(w, _facts.LoopsAround(w.Statement)))) is { } run)
            {
                if (IndexRange.Contains(run, reach)) return true;
                candidates.Add(run);
            }

            return false;
        }

        /// <summary>
        /// What calls writing slices in loops cover (<c>for i: F(…, y.Slice(i * k, k))</c>): the elements start + j, 0 ≤ j &lt; length,
        /// over the loops, when that index is injective (rows of a matrix) — then they cover their range densely.
        /// </summary>
        private (Poly Min, Poly Max)? Slices(SpanRef region, List<For> loops)
        {
            if (loops.Count == 0 || region.Start is null)
            {
                return loops.Count == 0 ? Reach(region, loops) : null;
            }

            // A loop over the slice's elements that is not there: j from 0 below the length.
            Expr length = region.Length ?? new Opaque("{0}.Length", new[] { region.Span }.ToEquatableArray(), "int");
            var j = new Name("ι", "int");
            var element = new For(j.Id, "int", new Literal("0", "int"), new Binary("<", j, length, "bool"), new Literal("1", "int"), Block.Empty, "");
            var all = new List<For>(loops) { element };
            Expr index = new Binary("+", region.Start, j, "int");
            return Injectivity.IsInjective(index, all, name => name == j.Id || IsStableIn(name, loops)) ? IndexRange.Of(index, all) : null;
        }

        /// <summary>
        /// For a read in loop <paramref name="loop"/> (counting up by one from a start ≥ 0): when a writer in the same loop covers,
        /// at iteration t − 1, what the read reaches at iteration t, the elements the first iteration reads; else null.
        /// </summary>
        private (Poly Min, Poly Max)? Recurrence(Stmt reader, Expr read, For loop, List<For> around, List<Writer> writers)
        {
            if (!Simplifier.IsConstant(loop.Step, 1) || IndexRange.CounterRange(loop, around) is not { } counter || !IndexRange.NonNegative(counter.Min))
            {
                return null;
            }

            string t = loop.Counter;
            var inner = around.Take(around.Count - 1).ToList();
            if (Range(read, inner) is not { } now)
            {
                return null;
            }

            foreach (Writer w in writers.Where(w => _facts.LoopsAround(w.Statement).LastOrDefault() is { } l && ReferenceEquals(l, loop)))
            {
                (Poly Min, Poly Max)? wrote = w.Region is SpanRef region ? Reach(region, inner) : w.Index is { } index ? IndexRange.Of(index, inner) : null;
                if (wrote is not { } range)
                {
                    continue;
                }

                Poly previous = Poly.Constant(-1).Plus(new Poly().With(t, 1));
                (Poly Min, Poly Max) before = (range.Min.Substitute(t, previous), range.Max.Substitute(t, previous));
                if (IndexRange.Contains(before, now))
                {
                    return (now.Min.Substitute(t, counter.Min), now.Max.Substitute(t, counter.Min));
                }
            }

            return null;
        }

        /// <summary>
        /// Records the runtime check that a read reaches only elements a finished loop nest wrote: the check runs only when
        /// the loops around the read run (an empty loop reads nothing). Only sizes appear in it (no local the body computes).
        /// </summary>
        /// <param name="runs">Whether <paramref name="position"/> is a loop whose first iteration is what reads: it must run too.</param>
        private bool Check(Stmt position, Expr read, List<(Poly Min, Poly Max)> candidates, (Poly Min, Poly Max) reach, bool runs)
        {
            List<For> loops = _facts.LoopsAround(position);
            if (runs && position is For self)
            {
                loops.Add(self);
            }

            var parts = new List<string>();
            foreach (For loop in loops)
            {
                if (IndexRange.CounterRange(loop, loops, exact: false) is not { } range)
                {
                    // A loop no size bounds (a while loop): the check runs whether or not it does — stricter, never weaker.
                    if (Ranging(read, loops).Contains(loop))
                    {
                        return false;
                    }

                    continue;
                }

                Poly trips = range.Max.Plus(range.Min.Times(Poly.Constant(-1)));
                if (!IndexRange.NonNegative(trips)) parts.Add($"{trips.ToCSharp()} >= 0.0");
            }

            // The read is covered if one of the writers covers it: each gives a requirement on the sizes.
            var alternatives = new List<string>();
            foreach ((Poly Min, Poly Max) covered in candidates)
            {
                Poly low = reach.Min.Plus(covered.Min.Times(Poly.Constant(-1))), high = covered.Max.Plus(reach.Max.Times(Poly.Constant(-1)));
                var open = new[] { low, high }.Where(p => !IndexRange.NonNegative(p)).ToList();
                if (open.Count == 0)
                {
                    return true;
                }

                // A requirement without sizes in it is decided already (false: this writer does not cover the read).
                if (open.All(p => p.Symbols.Any() && p.Symbols.All(IsSize)))
                {
                    alternatives.Add(string.Join(" && ", open.Select(p => $"{p.ToCSharp()} >= 0.0")));
                }
            }

            if (alternatives.Count == 0)
            {
                return false;
            }

            alternatives = alternatives.Distinct().ToList();
            string requirement = alternatives.Count == 1 ? alternatives[0] : string.Join(" || ", alternatives.Select(a => "(" + a + ")"));
            Checks.Add(new CoverageCheck(Name(read), string.Join(" && ", parts), requirement, Emit.ExprPrinter.Print(read)));
            return true;
        }

        /// <summary>A symbol of a range polynomial that the backward can evaluate at its start: an int parameter or a span's length.</summary>
        private bool IsSize(string symbol) =>
            symbol.EndsWith(".Length", System.StringComparison.Ordinal) ? _facts.IsParameter(symbol.Substring(0, symbol.Length - 7))
            : _facts.Parameters.TryGetValue(symbol, out ParameterSpec? p) && p.Kind == ParameterKind.Constant && p.Type is "int" or "long";

        /// <summary>The checks that output reads reach only written elements, which depend on the sizes.</summary>
        public List<CoverageCheck> Checks { get; } = new();

        /// <summary>The elements a span argument covers: all of it (up to its length), or its slice.</summary>
        private static (Poly Min, Poly Max)? Reach(SpanRef span, List<For> loops)
        {
            Expr length = span.Length ?? new Opaque("{0}.Length", new[] { span.Span }.ToEquatableArray(), "int");
            if (span.Start is null)
            {
                return Poly.From(length) is { } whole ? (Poly.Constant(0), whole.Plus(Poly.Constant(-1))) : null;
            }

            // A slice [start, start + length): its extremes over the loops around it.
            Expr last = new Binary("-", new Binary("+", span.Start, length, "int"), new Literal("1", "int"), "int");
            return IndexRange.Of(span.Start, loops) is { } first && IndexRange.Of(last, loops) is { } end ? (first.Min, end.Max) : null;
        }

        private static string Name(Expr read) => read is Element e ? e.Span : ((SpanRef)read).Span;

        /// <summary>Whether <paramref name="writer"/> can run after <paramref name="reader"/>: it comes later, or a loop holds both.</summary>
        private bool MayRunAfter(Stmt writer, Stmt reader) => _order[writer] >= _order[reader] || SharesLoop(writer, reader);

        private bool SharesLoop(Stmt a, Stmt b)
        {
            List<For> around = _facts.LoopsAround(b);
            if (b is For self) around.Add(self);
            return _facts.LoopsAround(a).Any(l => around.Any(m => ReferenceEquals(l, m))) || (a is For la && around.Any(m => ReferenceEquals(la, m)));
        }
    }
}
