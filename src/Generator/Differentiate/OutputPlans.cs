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
                            writers.Add(new Writer(s, "=", null, region));
                        }
                    }
                }
            }

            if (writers.Count == 0)
            {
                return new OutputPlan(span, OutputSource.Unwritten, WrittenOnce: true, Accumulated: false);
            }

            bool once = writers.Count == 1 && WritesEachElementOnce(writers[0]);
            bool allSafe = true;
            foreach (Stmt reader in Walk.All(_facts.Body))
            {
                foreach (Expr read in ReadsOf(reader, span))
                {
                    if (!IsSafe(reader, read, writers))
                    {
                        allSafe = false;
                        Diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.OutputReadBeforeWritten.Id, reader.Location,
                            new[] { span, Emit.ExprPrinter.Print(read) }.ToEquatableArray()));
                    }
                }
            }

            bool accumulated = writers.Any(w => w.Op != "=");
            return new OutputPlan(span, once && allSafe ? OutputSource.Final : OutputSource.Replayed, once, accumulated);
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
                return loops.Count == 0; // a call writes each element of its argument once
            }

            return writer.Op == "=" && Injectivity.IsInjective(writer.Index, loops, name => IsStableIn(name, loops));
        }

        /// <summary>A variable keeps its value while the loops run: a parameter, a counter, or a local they do not assign.</summary>
        private bool IsStableIn(string name, List<For> loops) =>
            (_facts.IsParameter(name) && !_facts.IsOutput(name)) || _facts.Counters.Contains(name)
            || (_facts.LocalTypes.ContainsKey(name) && (loops.Count == 0 || !Walk.Assigned(loops[0].Body).Contains(name)));

        private bool IsSafe(Stmt reader, Expr read, List<Writer> writers)
        {
            if (!writers.Any(w => MayRunAfter(w.Statement, reader)))
            {
                return true;
            }

            (Poly Min, Poly Max)? reach = read is Element element ? IndexRange.Of(element.Index, _facts.LoopsAround(reader)) : null;
            foreach (Writer w in writers.Where(w => _order[w.Statement] < _order[reader] && !ReferenceEquals(w.Statement, reader)))
            {
                // Earlier in the same pass through the block around the read (same iteration of every loop around both).
                bool sameIteration = _facts.Within(_facts.BlockOf(reader), _facts.BlockOf(w.Statement))
                    && !Reads.Of(read).Any(v => v != Name(read) && !_facts.Counters.Contains(v) && Walk.Assigned(_facts.BlockOf(w.Statement)).Contains(v));
                bool finished = !SharesLoop(w.Statement, reader);
                bool covers = w.Region is SpanRef { Start: null, Length: null }
                    || (sameIteration && (w.Region == read || (w.Index is not null && read is Element e && w.Index == e.Index)));
                if (!covers && finished && w.Index is not null && reach is { } r)
                {
                    // A loop nest that has finished wrote every element the read can reach.
                    List<For> loops = _facts.LoopsAround(w.Statement);
                    covers = Injectivity.IsInjective(w.Index, loops, name => IsStableIn(name, loops))
                        && IndexRange.Of(w.Index, loops) is { } covered && IndexRange.Contains(covered, r);
                }

                if (covers && (sameIteration || finished))
                {
                    return true;
                }
            }

            return false;
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
