using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Differentiate
{
    /// <summary>
    /// Builds forward code for the backward: the forward sweep (the whole body, run once before the reverse sweep) and
    /// the replay of a replayed loop's body (run at the start of each of its reversed iterations).
    /// <para>
    /// Every write that the reverse sweep may need undone is preceded by a save (a push), every decision the reverse
    /// sweep cannot recompute is recorded (a branch taken, a trip count) — all of them; the optimiser removes those
    /// whose pop nothing needs. A save belongs to exactly one construction: the forward sweep, or the replay of the
    /// innermost replayed loop around the write (see <see cref="SweepContext.Saved"/>); copies elsewhere save nothing.
    /// </para>
    /// </summary>
    internal sealed class ForwardSweep
    {
        private readonly SweepContext _context;

        public ForwardSweep(SweepContext context) => _context = context;

        /// <summary>The forward code of <paramref name="block"/>.</summary>
        /// <param name="owned">Whether this construction makes the saves and records (false inside a replayed loop's forward copy).</param>
        /// <param name="replaying">When building a replay: the loop, whose statements that do not write its locals are left out.</param>
        public List<Stmt> Block(Block block, bool owned, For? replaying)
        {
            var output = new List<Stmt>();
            foreach (Stmt s in block.Statements)
            {
                if (replaying is null || _context.Strategies.IsReplayedStatement(s, replaying))
                {
                    Statement(s, owned, replaying, output);
                }
            }

            return output;
        }

        private void Statement(Stmt s, bool owned, For? replaying, List<Stmt> output)
        {
            switch (s)
            {
                case LocalDecl { Init: null }:
                    break;
                case LocalDecl d:
                    SaveCallWrites(s, owned, output);
                    Save(s, new Name(d.Name, d.Type), owned, output);
                    output.Add(new Assign(new Name(d.Name, d.Type), "=", Fwd(d.Init), d.Source));
                    break;
                case Assign { Target: Name n } a:
                    SaveCallWrites(s, owned, output);
                    Save(s, n, owned, output);
                    output.Add(new Assign(n, a.Op, Fwd(a.Value), a.Source));
                    break;
                case Assign { Target: Element e } a:
                    SaveCallWrites(s, owned, output);
                    if (_context.WorkCopy(e.Span) is null)
                    {
                        // The caller's span holds this output's final values: only the effects of calls in the value are kept.
                        Discard(a.Value, output);
                        break;
                    }

                    Save(s, e, owned, output);
                    output.Add(new Assign(Fwd(e), a.Op, Fwd(a.Value), a.Source));
                    break;
                case If i:
                {
                    var then = Block(i.Then, owned, replaying);
                    var otherwise = Block(i.Else, owned, replaying);
                    if (owned && LoopStrategies.TapesDecision(i))
                    {
                        int pair = _context.Pair(i, "decision");
                        then.Add(new Push(new Literal("true", "bool"), pair));
                        otherwise.Add(new Push(new Literal("false", "bool"), pair));
                    }

                    output.Add(new If(Fwd(i.Condition), new Block(then.ToEquatableArray()), new Block(otherwise.ToEquatableArray()), i.Source));
                    break;
                }

                case For f:
                    Loop(f, owned, replaying, output);
                    break;
                case CallStatement c:
                    Call(c, owned, output);
                    break;
                case Return r when r.Value is not null:
                    SaveCallWrites(s, owned, output);
                    Discard(r.Value, output);
                    break;
            }
        }

        private void Loop(For f, bool owned, For? replaying, List<Stmt> output)
        {
            // A replayed loop's iterations are redone by its reversal: its forward copy saves nothing itself.
            bool replayed = _context.Strategies.IsReplayed(f);
            var body = Block(f.Body, owned && !replayed, replaying);
            if (owned && replayed)
            {
                foreach (string v in _context.Strategies.OuterScalars(f))
                {
                    output.Add(new Push(new Name(v, _context.Facts.TypeOf(v)), _context.Pair(f, "snapshot " + v)));
                }
            }

            string? trips = null;
            if (owned && LoopStrategies.Canonical(f) is null)
            {
                trips = _context.Trips(f);
                output.Add(new Assign(new Name(trips, "int"), "=", new Literal("0", "int"), ""));
                body.Insert(0, new Assign(new Name(trips, "int"), "+=", new Literal("1", "int"), ""));
            }

            output.Add(f with
            {
                Init = Fwd(f.Init),
                Condition = Fwd(f.Condition),
                Step = Fwd(f.Step),
                Body = new Block(body.ToEquatableArray()),
                Checkpoint = owned ? _context.CheckpointId(f) : 0,
            });
            if (trips is not null)
            {
                output.Add(new Push(new Name(trips, "int"), _context.Pair(f, "trips")));
            }
        }

        private void Call(CallStatement c, bool owned, List<Stmt> output)
        {
            var written = Reads.WrittenSpans(c.Call).ToList();
            if (written.All(w => _context.WorkCopy(w) is null))
            {
                return; // everything it writes is in the caller's spans already
            }

            SaveCallWrites(c, owned, output);
            output.Add(new CallStatement((UserCall)Fwd(c.Call), c.Source));
        }

        /// <summary>Keeps the calls in a value whose result nothing needs (they may write outputs the reverse sweep reads).</summary>
        private void Discard(Expr value, List<Stmt> output)
        {
            if (Reads.Calls(value).Any(call => Reads.WrittenSpans(call).Any(w => _context.WorkCopy(w) is not null)))
            {
                string sink = _context.Temporary("discarded", value.Type, Role.Primal);
                output.Add(new Assign(new Name(sink, value.Type), "=", Fwd(value), ""));
            }
        }

        /// <summary>Saves what the calls of a statement are about to overwrite in outputs the forward code rebuilds.</summary>
        private void SaveCallWrites(Stmt s, bool owned, List<Stmt> output)
        {
            if (!owned || !_context.Saved(s))
            {
                return;
            }

            foreach (SpanRef span in SweepContext.CallWrites(s).Where(span => _context.WorkCopy(span.Span) is not null))
            {
                output.Add(new Push(_context.Use(span), _context.Pair(s, "save " + ExprPrinterKey(span))));
            }
        }

        /// <summary>A key for the pair of one span a statement's calls write.</summary>
        public static string ExprPrinterKey(SpanRef span) => Emit.ExprPrinter.Print(span);

        private void Save(Stmt s, Expr target, bool owned, List<Stmt> output)
        {
            if (owned && _context.Saved(s) && SweepContext.CanTape(target.Type))
            {
                output.Add(new Push(_context.Use(target), _context.Pair(s, "save")));
            }
        }

        /// <summary>
        /// A forward expression as the forward code runs it: outputs it rebuilds are written to their work copies; an output
        /// whose final values the caller's span already holds is written to scratch (that span is read-only here).
        /// </summary>
        private Expr Fwd(Expr e) => _context.Use(Walk.Transform(e, node => node is UserCall call ? call with
        {
            Args = call.Args.Select((a, i) => call.Target.Parameters[i].Kind == ParameterKind.SpanOutput && a is SpanRef span && _context.WorkCopy(span.Span) is null
                ? call.Target.Parameters[i].IsArray ? _context.ArrayScratch(span) : _context.Scratch(span)
                : Fwd(a)).ToEquatableArray(),
        } : null));
    }
}
