using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Differentiate
{
    /// <summary>
    /// Builds the reverse sweep: the statements last to first, each followed by what undoes it.
    /// <para>
    /// The invariant: when the reversal of a statement S starts, every variable holds the value it had right after S
    /// ran forward. S's adjoint reads its result there (the value of <c>exp</c>, <c>tanh</c>), then S's save is popped back
    /// — after which every variable holds its value from before S, which is what S's operands read and what the
    /// statement before S needs. Every write pops; the optimiser keeps only the pops something reads afterwards.
    /// </para>
    /// </summary>
    internal sealed class ReverseSweep
    {
        private readonly SweepContext _context;
        private readonly ExpressionAdjoint _adjoint;
        private readonly ForwardSweep _forward;
        private int _tags;

        public ReverseSweep(SweepContext context, ForwardSweep forward)
        {
            _context = context;
            _forward = forward;
            _adjoint = new ExpressionAdjoint(context);
        }

        /// <summary>Reversed replayed loops by tag, for the builder's check that their proposal held.</summary>
        public Dictionary<int, For> ReplayedLoops { get; } = new();

        /// <summary>Reversed loops in canonical form by tag → the forward loop, for keeping the forward order when iterations commute.</summary>
        public Dictionary<int, For> CanonicalLoops { get; } = new();

        public List<Stmt> Block(Block block)
        {
            var output = new List<Stmt>();
            if (_context.Facts.Owner(block) is For loop && _context.Strategies.IsReplayed(loop))
            {
                // This iteration's forward values first: nothing crosses iterations on the tape.
                List<Stmt> replay = _forward.Block(loop.Body, owned: true, replaying: loop);
                if (replay.Count > 0)
                {
                    output.Add(new Comment(Optimize.Tidy.ReplayComment));
                    output.AddRange(replay);
                }
            }

            foreach (LocalDecl d in _context.Strategies.Recomputed(block))
            {
                output.Add(new Assign(new Name(d.Name, d.Type), "=", _context.Use(d.Init!), d.Source));
            }

            foreach (LocalDecl d in block.Statements.OfType<LocalDecl>())
            {
                if (_context.HasAdjoint(d.Name))
                {
                    output.Add(new Assign(new Name(_context.Adjoint(d.Name), d.Type), "=", Simplifier.Constant(0, d.Type), ""));
                }
            }

            for (int i = block.Statements.Count - 1; i >= 0; i--)
            {
                Statement(block.Statements[i], output);
            }

            return output;
        }

        private void Statement(Stmt s, List<Stmt> output)
        {
            _adjoint.BeginStatement();
            StatementCore(s, output);
            if (s is not (If or For))
            {
                RestoreCallWrites(s, output);
            }
        }

        private void StatementCore(Stmt s, List<Stmt> output)
        {
            switch (s)
            {
                case LocalDecl { Init: { } init } d:
                    AssignName(s, d.Name, d.Type, "=", init, output);
                    break;
                case Assign { Target: Name n } a:
                    AssignName(s, n.Id, n.Type, a.Op, a.Value, output);
                    break;
                case Assign { Target: Element e } a:
                    AssignElement(s, e, a.Op, a.Value, output);
                    break;
                case If i:
                    Branch(i, output);
                    break;
                case For f:
                    Loop(f, output);
                    break;
                case Return { Value: null } done when _context.Facts.Model.Results.Count > 0:
                    SeedResults(done, output);
                    break;
                case Return { Value: { IsReal: true } value } r when _context.Facts.Model.ReturnType != "void":
                {
                    SeedResults(r, output);

                    // return f(u) with a rule that reuses f's value: the value is computed once, under a name.
                    Name? result = null;
                    if (value is MathCall m && Rules.DerivativeRules.UsesResult(m) && _context.IsActive(value))
                    {
                        result = new Name(_context.Temporary("value", value.Type), value.Type);
                    }

                    output.Add(Comment(r.Source, "result", value, result));
                    if (result is not null)
                    {
                        output.Add(new Assign(result, "=", _context.Use(value), ""));
                    }

                    if (_context.IsActive(value))
                    {
                        _adjoint.Accumulate(value, new Name(_context.Program.DResult, _context.Facts.Model.ReturnType), output, result);
                    }
                    else
                    {
                        OutputsOfInactiveCall(value, output);
                    }

                    break;
                }
                case CallStatement c:
                    output.Add(new Comment(c.Source));
                    _adjoint.Backward(c.Call, null, output);
                    break;

                // A call for its effects (a derivative read off a registered backward, in a forward mode read as a method): never
                // a constant by default — a silently wrong gradient otherwise. Parsing refuses what reaches here (TangentCalls).
                case Invoke inv:
                    throw new GenerationLimitation($"the reverse mode has no rule for the call of {inv.Target.Replace("global::", "")} (a derivative read off a registered backward)");
            }
        }

        /// <summary>The reversal of <c>v op= value</c> for a local v.</summary>
        private void AssignName(Stmt s, string v, string type, string op, Expr value, List<Stmt> output)
        {
            var target = new Name(v, type);
            Stmt? restore = _context.Saved(s) && SweepContext.CanTape(type) ? new Assign(target, "=", new Pop(type, _context.Pair(s, "save")), "") : null;
            Reverse(s, target, _context.HasAdjoint(v) ? new Name(_context.Adjoint(v), type) : null, clear: true, op, value, restore, output);
        }

        /// <summary>The reversal of <c>y[i] op= value</c> for an output y.</summary>
        private void AssignElement(Stmt s, Element target, string op, Expr value, List<Stmt> output)
        {
            OutputPlan plan = _context.Plans.Plans[target.Span];
            Stmt? restore = _context.Saved(s) && _context.WorkCopy(target.Span) is not null
                ? new Assign(_context.Use(target), "=", new Pop(target.Type, _context.Pair(s, "save")), "")
                : null;

            // An element written once passes its adjoint on once: nothing to clear.
            Expr? adjoint = _context.HasAdjoint(target.Span) ? _context.AdjointOf(target) : null;
            Reverse(s, _context.Use(target), adjoint, clear: !plan.WrittenOnce, op, value, restore, output);
        }

        /// <summary>
        /// The adjoint of <c>target op= value</c>, in this order: the seed is read (and the result, for rules that reuse it)
        /// while the target holds its new value; then the target's adjoint is cleared (for <c>=</c>) and its old value
        /// popped back; the right-hand side is differentiated last, at the old values.
        /// </summary>
        private void Reverse(Stmt s, Expr target, Expr? adjoint, bool clear, string op, Expr value, Stmt? restore, List<Stmt> output)
        {
            string variable = target is Name n ? n.Id : ((Element)target).Span;
            bool readsSelf = Reads.Of(_context.Use(value)).Contains(variable);
            output.Add(Comment(s.Source, Emit.Notation.Math(target, _context.Program), value, op == "=" ? target : null, negate: op == "-="));
            Stmt? zero = adjoint is not null && clear && op == "=" ? new Assign(adjoint, "=", Simplifier.Constant(0, adjoint.Type), "") : null;
            if (adjoint is null || !_context.IsActive(value))
            {
                Add(zero, output);
                OutputsOfInactiveCall(value, output);
                Add(restore, output);
                return;
            }

            if (op == "=")
            {
                if (!readsSelf)
                {
                    _adjoint.Accumulate(value, adjoint, output, ReusableResult(value, target));
                    Add(zero, output);
                    Add(restore, output);
                    return;
                }

                // h = tanh(a * h): the seed and the new h are read before h is popped back.
                Expr seed = Capture(adjoint, "g", output);
                Expr? result = ReusableResult(value, target) is { } r && restore is not null ? Capture(r, "value", output) : ReusableResult(value, target);
                Add(zero, output);
                Add(restore, output);
                _adjoint.Accumulate(value, seed, output, result);
                return;
            }

            // += and -=: the adjoint passes through unchanged; only the right-hand side receives a share.
            Expr share = readsSelf ? Capture(adjoint, "g", output) : adjoint;
            Add(restore, output);
            _adjoint.Accumulate(value, op == "-=" ? new Unary("-", share, share.Type) : share, output);
        }

        /// <summary>
        /// A call whose value carries no derivative still wrote outputs that may: their cotangents go through its backward
        /// (which also clears them where the call overwrote what an earlier statement wrote).
        /// </summary>
        private void OutputsOfInactiveCall(Expr value, List<Stmt> output)
        {
            if (value is UserCall call && Reads.WrittenSpans(call).Any(_context.HasAdjoint))
            {
                _adjoint.Backward(call, null, output);
            }
        }

        /// <summary>What holds the value of <c>f(u)</c> for a rule that reuses it: the assigned target, for a top-level call.</summary>
        private static Expr? ReusableResult(Expr value, Expr target) =>
            value is MathCall m && Rules.DerivativeRules.UsesResult(m) ? target : null;

        private Expr Capture(Expr value, string baseName, List<Stmt> output)
        {
            string name = _context.Temporary(baseName, value.Type);
            output.Add(new Assign(new Name(name, value.Type), "=", value, ""));
            return new Name(name, value.Type);
        }

        private static void Add(Stmt? statement, List<Stmt> output)
        {
            if (statement is not null) output.Add(statement);
        }

        private void Branch(If branch, List<Stmt> output)
        {
            List<Stmt> then = Block(branch.Then);
            List<Stmt> otherwise = Block(branch.Else);
            Expr condition = LoopStrategies.TapesDecision(branch)
                ? new Pop("bool", _context.Pair(branch, "decision"))
                : _context.Use(branch.Condition);
            output.Add(new Comment(branch.Source));
            output.Add(new If(condition, new Block(then.ToEquatableArray()), new Block(otherwise.ToEquatableArray()), branch.Source));
        }

        private void Loop(For loop, List<Stmt> output)
        {
            List<Stmt> body = Block(loop.Body);
            int tag = ++_tags;
            string t = loop.CounterType, i = loop.Counter;
            output.Add(new Comment(loop.Source));
            if (LoopStrategies.Canonical(loop) is var (cmp, bound, up))
            {
                // Run the iterations backwards: from the last counter value down to the first.
                Expr last = cmp.Op switch
                {
                    "<" => new Binary("-", bound, Simplifier.Constant(1, t), t),
                    ">" => new Binary("+", bound, Simplifier.Constant(1, t), t),
                    _ => bound,
                };
                var counter = new Name(i, t);
                output.Add(new For(i, t, Simplifier.Simplify(_context.Use(last)),
                    new Binary(up ? ">=" : "<=", counter, _context.Use(loop.Init), "bool"),
                    Simplifier.Constant(up ? -1 : 1, t), new Block(body.ToEquatableArray()), loop.Source) { Tag = tag, Checkpoint = _context.CheckpointId(loop) });
                CanonicalLoops[tag] = loop;
            }
            else
            {
                // Any other loop: the forward code counted its trips; replay them backwards.
                string trip = _context.Temporary("trip", "int", Role.Control);
                var tripName = new Name(trip, "int");
                body.Insert(0, new Assign(new Name(i, t), "=",
                    Simplifier.Simplify(_context.Use(new Binary("+", loop.Init, new Binary("*", new Cast(tripName, t), loop.Step, t), t))), ""));
                output.Add(new For(trip, "int", new Binary("-", new Pop("int", _context.Pair(loop, "trips")), new Literal("1", "int"), "int"),
                    new Binary(">=", tripName, new Literal("0", "int"), "bool"), new Literal("-1", "int"), new Block(body.ToEquatableArray()), loop.Source) { Tag = tag, Checkpoint = _context.CheckpointId(loop) });
            }

            if (_context.Strategies.IsReplayed(loop))
            {
                ReplayedLoops[tag] = loop;
                if (_context.Saved(loop))
                {
                    // Popped in the reverse order of their pushes.
                    foreach (string v in _context.Strategies.OuterScalars(loop).Reverse())
                    {
                        string type = _context.Facts.TypeOf(v);
                        output.Add(new Assign(new Name(v, type), "=", new Pop(type, _context.Pair(loop, "snapshot " + v)), ""));
                    }
                }
            }
        }

        /// <summary>After a statement's adjoint, what its calls overwrote in rebuilt outputs is popped back (last saved, first).</summary>
        private void RestoreCallWrites(Stmt s, List<Stmt> output)
        {
            if (!_context.Saved(s))
            {
                return;
            }

            foreach (SpanRef span in SweepContext.CallWrites(s).Where(span => _context.WorkCopy(span.Span) is not null).Reverse())
            {
                output.Add(new Assign(_context.Use(span), "=", new Pop(span.ElementType, _context.Pair(s, "save " + ForwardSweep.ExprPrinterKey(span))), ""));
            }
        }

        /// <summary>The comment above a statement's adjoint block: the statement, and its local derivatives unless all are ±1.</summary>
        /// <summary>Where the method returns, each of its other results (out parameters, tuple elements) gets its cotangent.</summary>
        private void SeedResults(Return r, List<Stmt> output)
        {
            foreach (ScalarResult result in _context.Facts.Model.Results)
            {
                var value = new Name(result.Name, result.Type);
                if (_context.IsActive(value))
                {
                    // A return ends its path (the normalizer put it there): nothing after it added to the adjoint yet.
                    string cotangent = _context.Program.Signature.ResultCotangents[result.Name];
                    output.Add(new Comment($"{result.Name} is a result: ∂L/∂{result.Name} = {cotangent}"));
                    output.Add(new Assign(_context.AdjointOf(value), "=", new Name(cotangent, result.Type), ""));
                }
            }
        }

        private Comment Comment(string source, string of, Expr value, Expr? result, bool negate = false)
        {
            var partials = LocalPartials.Of(value, _context.IsActive, result);
            if (negate)
            {
                partials = partials.Select(p => (p.Leaf, Simplifier.Simplify(new Unary("-", p.Partial, p.Partial.Type)))).ToList();
            }

            // Partials of 1 say nothing the statement does not; a -1 is worth the reader's eye.
            if (partials.All(p => Simplifier.IsConstant(p.Partial, 1)))
            {
                return new Comment(source);
            }

            string text = string.Join("; ", partials.Select(p => $"∂{of}/∂{Emit.Notation.Math(p.Leaf, _context.Program)} = {Emit.Notation.Math(p.Partial, _context.Program)}"));

            // Local derivatives a reader cannot take in at a glance are left to the code below the comment.
            return new Comment(text.Length > 240 ? source : source + "   " + text);
        }
    }
}
