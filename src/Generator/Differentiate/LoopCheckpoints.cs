using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Differentiate
{
    /// <summary>
    /// Binomial checkpointing of the top-level loops of a method marked <c>[Differentiable(CheckpointLoops = true)]</c>:
    /// rewrites the finished backward so that a loop's forward copy runs untaped (its state at the start pushed once), and
    /// its reversal is a driver of a <c>SymGrad.Revolve</c> schedule, which advances untaped from snapshots of the loop's
    /// state, pushes and pops snapshots, and turns each step — the loop's taped body followed by its reversed body, exactly
    /// as the backward built them — last step first. Where the loop's trip count is known when it starts, the forward copy
    /// is the schedule's first sweep instead (<c>RevolveFromStart</c>, <c>NextForward</c>), which runs the steps untaped while
    /// it stores snapshots and tapes the last one; the reverse sweep reverses that step first and goes on from there.
    /// <para>
    /// Why the rewrite is sound: the reversed body of one iteration expects every variable to hold its value right after
    /// that iteration ran (the sweeps' invariant) and pops only what the same iteration's taped body pushed. A turn runs
    /// that taped body from the state before the step, so it sees exactly that. The state a step starts from is what the
    /// body reads before it writes it (loop-carried scalars), plus the counter, a function of the step number. What runs
    /// after the loop sees the untaped loop's final values; what runs before it in the reverse sweep sees the start's,
    /// restored by the schedule's last action. MHessianVector, the tangent of this rewritten backward, runs the same schedule:
    /// each snapshot's push and pop of a variable share one pair, so the tangent builder pushes and pops its tangent beside it.
    /// </para>
    /// <para>
    /// The spans whose elements a step writes (a vector recurrence's state, an output it rewrites) are state too, saved
    /// whole: a snapshot pushes their elements (<c>PushAll</c>) as it pushes the scalars. A loop is left taped, with a comment
    /// saying why, when its body calls a method that writes outputs (the method's own tape would cross the snapshots) or
    /// writes fields of a span of structs, when its step is not a constant, or when its state holds a value no tape takes.
    /// Loops whose body tapes nothing (a dense layer's sum) gain nothing and are left alone.
    /// </para>
    /// </summary>
    internal static class LoopCheckpoints
    {
        private const string Schedule = "global::SymGrad.Revolve";

        /// <summary>The forward and reverse sweeps with the checkpointed loops rewritten, and the variables with the drivers'.</summary>
        public static (Block Forward, Block Reverse, Dictionary<string, Variable> Variables) Apply(BackwardProgram program, MethodModel model)
        {
            var variables = new Dictionary<string, Variable>(program.Variables);
            if (model.Checkpoint is not { } options)
            {
                return (program.Forward, program.Reverse, variables);
            }

            var taken = new HashSet<string>(model.TakenNames.Concat(program.Variables.Keys).Concat(program.Gradients.Values)
                .Concat(program.Cotangents.Values)
                .Concat(new[] { program.Workspace, program.DResult, program.Signature.WorkspaceMark }));
            foreach (Stmt s in program.Blocks.SelectMany(Walk.All))
            {
                taken.UnionWith(Walk.Expressions(s).SelectMany(Reads.Of));
                if (s is For f)
                {
                    taken.Add(f.Counter);
                }
            }

            var rewrite = new Rewrite(program, options, new NameAllocator(taken), variables);
            var forward = program.Forward.Statements.ToList();
            var reverse = program.Reverse.Statements.ToList();
            foreach (For loop in forward.OfType<For>().Where(f => f.Checkpoint != 0).ToList())
            {
                int r = reverse.FindIndex(s => s is For { Checkpoint: var c } && c == loop.Checkpoint);
                if (r >= 0)
                {
                    rewrite.Loop(forward, forward.IndexOf(loop), reverse, r);
                }
            }

            return (new Block(forward.ToEquatableArray()), new Block(reverse.ToEquatableArray()), variables);
        }

        /// <summary>A variable of a loop's state: a scalar, or a span whose elements the loop writes (<see cref="Type"/> its elements').</summary>
        private sealed record StateVariable(string Name, string Type, bool Span);

        private sealed class Rewrite
        {
            private readonly BackwardProgram _program;
            private readonly CheckpointOptions _options;
            private readonly NameAllocator _names;
            private readonly Dictionary<string, Variable> _variables;
            private int _pair = -1; // the snapshots' pushes and pops: negative, never the optimiser's pairs

            // One pair per state variable of a loop, shared by all its snapshots' pushes and pops: a tangent of the rewritten
            // body (MHessianVector of a checkpointed method) pushes and pops the variable's tangent beside it at each of them.
            private readonly Dictionary<string, int> _snapshotPairs = new();

            public Rewrite(BackwardProgram program, CheckpointOptions options, NameAllocator names, Dictionary<string, Variable> variables)
            {
                _program = program;
                _options = options;
                _names = names;
                _variables = variables;
            }

            private string Workspace => _program.Workspace;

            /// <summary>A comment's text with an output's work copy (yWork) named as the parameter it copies (y).</summary>
            private string Shown(string text) => _variables.Values.Where(v => v.Primal is not null && v.Role == Role.Primal && v.Name != v.Primal)
                .Aggregate(text, (shown, copy) => System.Text.RegularExpressions.Regex.Replace(shown, $@"\b{copy.Name}\b", copy.Primal!));

            public void Loop(List<Stmt> forward, int at, List<Stmt> reverse, int reversedAt)
            {
                var loop = (For)forward[at];
                var reversed = (For)reverse[reversedAt];
                _snapshotPairs.Clear();
                List<Stmt> body = Walk.All(loop.Body).ToList();
                if (!body.OfType<Push>().Any())
                {
                    return; // nothing crosses iterations on the tape: nothing to gain
                }

                string? refusal = Refusal(loop, reversed, forward, at, reverse, out string? trips, out Block reversedBody, out List<StateVariable> state, out List<StateVariable> sequences);
                if (refusal is not null)
                {
                    forward.Insert(at, new Comment($"Not checkpointed ({Shown(refusal)}): taped."));
                    return;
                }

                // What the untaped copies must still compute: what the rest of the backward reads, and the state.
                var keep = new HashSet<string>(forward.Concat(reverse).Where(s => !ReferenceEquals(s, loop) && !ReferenceEquals(s, reversed))
                    .SelectMany(s => Walk.All(new Block(new[] { s }.ToEquatableArray()))).SelectMany(Walk.Expressions).SelectMany(Reads.Of));
                keep.UnionWith(state.Select(v => v.Name));
                if (trips is not null)
                {
                    keep.Add(trips);
                }

                Simplifier.TryValue(loop.Step, out double stepValue);
                long step = (long)stepValue;
                string counterType = loop.CounterType;

                // The counter of step k is start + k·step: the start is evaluated once, where the loop starts.
                var prelude = new List<Stmt>();
                Expr start = loop.Init;
                if (!Simplifier.TryValue(loop.Init, out _))
                {
                    string name = Declare(loop.Counter + "Start", counterType);
                    prelude.Add(new Assign(new Name(name, counterType), "=", loop.Init, ""));
                    start = new Name(name, counterType);
                }

                // A loop whose trip count is known where it starts runs the schedule's first sweep as its forward run (the
                // steps run once fewer); any other loop runs untaped and counted, and the schedule starts backwards.
                Expr? count = trips is null ? TripCount(loop, start) : null;
                bool fromStart = count is not null;
                string revolve = Declare("revolve", Schedule);
                string names = Shown(string.Join(", ", state.Select(v => v.Name)));
                string snapshots = _options.Snapshots.ToString(CultureInfo.InvariantCulture);
                Expr At(string position) => Simplifier.Simplify(new Binary("+", start,
                    new Binary("*", new Opaque("{0}." + position, new[] { revolve }.ToEquatableArray(), "int"), Simplifier.Constant(step, counterType), counterType), counterType));
                Expr Is(string action) => new Opaque("{0}.Action == global::SymGrad.RevolveAction." + action, new[] { revolve }.ToEquatableArray(), "bool");
                Stmt While(string next, Stmt chain) => new For(_names.Reserve("action"), "int", new Literal("0", "int"),
                    new Opaque("{0}." + next + "()", new[] { revolve }.ToEquatableArray(), "bool"), new Literal("1", "int"), One(chain), "") { Form = LoopForm.While };

                var advance = new For(loop.Counter, counterType, At("From"), new Binary(step > 0 ? "<" : ">", new Name(loop.Counter, counterType), At("To"), "bool"),
                    loop.Step, Walk.Fresh(Untaped(loop.Body, trips, keep)), "");

                // A turn: the step's taped body, then its reversal, the counter set to the step's value.
                Block tapedBody = WithoutTrips(loop.Body, trips);
                var setCounter = new List<Stmt>();
                if (ReadsName(tapedBody, loop.Counter) || ReadsName(reversedBody, loop.Counter))
                {
                    string counter = loop.Counter;
                    if (_variables.TryGetValue(counter, out Variable? existing) && existing.Type != counterType)
                    {
                        counter = _names.Reserve(loop.Counter + "Step");
                        System.Func<Expr, Expr> rename = e => Walk.Rename(e, n => n == loop.Counter ? counter : n);
                        tapedBody = Walk.MapExpressions(tapedBody, rename);
                        reversedBody = Walk.MapExpressions(reversedBody, rename);
                    }

                    if (!_variables.ContainsKey(counter))
                    {
                        _variables[counter] = new Variable(counter, counterType, Role.Control);
                    }

                    setCounter.Add(new Assign(new Name(counter, counterType), "=", At("From"), ""));
                }

                // Each copy gets statements of its own: declarations are placed per statement object.
                var turn = new List<Stmt>(setCounter);
                if (!fromStart)
                {
                    turn.Insert(0, new Comment("This step taped, then reversed."));
                    turn.AddRange(Walk.Fresh(tapedBody).Statements);
                }
                else
                {
                    // The first turn was taped by the forward sweep: only its reversal is left.
                    turn.Insert(0, new Comment("This step taped (unless the forward sweep did), then reversed."));
                    turn.Add(new If(Is("Turn"), Walk.Fresh(tapedBody), Block.Empty, ""));
                }

                turn.AddRange(Walk.Fresh(reversedBody).Statements);

                var checkpointed = new List<Stmt>();
                // A sequence the steps write (y[t]) is saved once, whole, before the start's snapshot and restored after the last
                // action: the reruns leave its elements as the last step wrote them, where the reverse sweep before the loop
                // reads them as they were before it.
                int sequencePair = _pair--;
                checkpointed.AddRange(sequences.Select(v => new Push(new SpanRef(v.Name, null, null, v.Type), sequencePair)));
                checkpointed.AddRange(Pushes(state));
                if (!fromStart)
                {
                    checkpointed.Insert(0, new Comment(state.Count > 0
                        ? $"Checkpointed: the state at the start ({names}) is saved, the steps run untaped and are counted."
                        : "Checkpointed: the steps run untaped and are counted."));
                    var stepsName = new Name(trips ?? Declare("steps", "int"), "int");
                    var untapedBody = Untaped(loop.Body, trips: null, keep).Statements.ToList(); // a counted loop counts here
                    if (trips is null)
                    {
                        checkpointed.Add(new Assign(stepsName, "=", new Literal("0", "int"), ""));
                        untapedBody.Add(new Assign(stepsName, "+=", new Literal("1", "int"), ""));
                    }

                    checkpointed.Add(loop with { Body = Walk.Fresh(new Block(untapedBody.ToEquatableArray())), Checkpoint = 0 });
                    count = stepsName;
                }
                else
                {
                    checkpointed.Insert(0, new Comment($"Checkpointed: the state at the start{(state.Count > 0 ? " (" + names + ")" : "")} is saved; the schedule's"));
                    checkpointed.Insert(1, new Comment("first sweep runs the steps untaped, keeping snapshots, and the last step taped."));
                    checkpointed.Add(Start("RevolveFromStart"));
                    checkpointed.Add(While("NextForward", Chain(Advance: advance, Turn: null)));
                    checkpointed.Add(new If(Is("Turn"), Of(setCounter.Select(Walk.Fresh).Concat(Walk.Fresh(tapedBody).Statements)), Block.Empty, ""));
                }

                var driver = new List<Stmt>
                {
                    new Comment($"Checkpointed (binomial, Revolve): from snapshots of the state{(state.Count > 0 ? " (" + names + ")" : "")}, steps are rerun untaped"),
                    new Comment("and each step is run taped and reversed in turn, last first; the last action restores the start."),
                };
                if (!fromStart)
                {
                    driver.Add(Start("Revolve"));
                }

                driver.Add(While("Next", Chain(advance, Of(turn))));
                driver.AddRange(sequences.AsEnumerable().Reverse().Select(v => new Assign(new SpanRef(v.Name, null, null, v.Type), "=", new Pop(v.Type, sequencePair), "")));

                Stmt Start(string factory)
                {
                    var reads = Reads.Of(count).ToList();
                    string steps = Emit.ExprPrinter.Print(count!, n => "{" + reads.IndexOf(n).ToString(CultureInfo.InvariantCulture) + "}");
                    return new Assign(new Name(revolve, Schedule), "=", new Opaque($"{Workspace}.{factory}({steps}, snapshots: {snapshots})", reads.ToEquatableArray(), Schedule), "");
                }

                // Store and restore are the snapshot's pushes and pops; with no state they do nothing and are left out.
                Stmt Chain(Stmt Advance, Block? Turn)
                {
                    Block last = Turn is null ? Block.Empty
                        : One(new If(state.Count == 0 ? TurnOrReverse() : Is("Restore"), state.Count == 0 ? Turn : Of(Restores(state)), state.Count == 0 ? Block.Empty : Turn, ""));
                    if (state.Count == 0)
                    {
                        return new If(Is("Advance"), One(Walk.Fresh(Advance)), last, "");
                    }

                    Block restore = Turn is null ? One(new If(Is("Restore"), Of(Restores(state)), Block.Empty, "")) : last;
                    return new If(Is("Advance"), One(Walk.Fresh(Advance)), One(new If(Is("Store"), Of(Pushes(state)), restore, "")), "");
                }

                Expr TurnOrReverse() => fromStart ? new Binary("||", Is("Turn"), Is("Reverse"), "bool") : Is("Turn");

                var taped = new List<Stmt> { loop };
                if (trips is not null)
                {
                    taped.Add(forward[at + 1]);
                    forward.RemoveAt(at + 1);
                }

                forward.RemoveAt(at);
                reverse.RemoveAt(reversedAt);
                if (_options.Above > 0 && trips is null && TripCount(loop, start) is { } tripCount)
                {
                    // Short loops keep the tape (faster): the choice is made where the loop starts, and read again backwards.
                    string choice = Declare("checkpointed", "bool");
                    var chosen = new Name(choice, "bool");
                    forward.Insert(at, new If(chosen, Of(checkpointed), Of(taped), ""));
                    forward.Insert(at, new Assign(chosen, "=", new Binary(">", tripCount, new Literal(_options.Above.ToString(CultureInfo.InvariantCulture), "int"), "bool"), ""));
                    reverse.Insert(reversedAt, new If(chosen, Of(driver), One(reversed), ""));
                }
                else
                {
                    forward.InsertRange(at, checkpointed);
                    reverse.InsertRange(reversedAt, driver);
                }

                forward.InsertRange(at, prelude);

                static Block One(Stmt s) => new(new[] { s }.ToEquatableArray());
                static Block Of(IEnumerable<Stmt> statements) => new(statements.ToEquatableArray());
            }

            /// <summary>Why a loop cannot be checkpointed, or null; its trip counter, reversed body and state when it can.</summary>
            private static string? Refusal(For loop, For reversed, List<Stmt> forward, int at, List<Stmt> reverse, out string? trips, out Block reversedBody,
                out List<StateVariable> state, out List<StateVariable> sequences)
            {
                trips = null;
                reversedBody = reversed.Body;
                state = new List<StateVariable>();
                sequences = new List<StateVariable>();
                List<Stmt> body = Walk.All(loop.Body).ToList();
                if (body.Any(s => s is CallStatement or Invoke or Push { Value: SpanRef }) || body.SelectMany(Walk.Expressions).SelectMany(Reads.Calls).Any(c => Reads.WrittenSpans(c).Any()))
                {
                    return "the loop calls a method that writes outputs";
                }

                if (body.Any(s => s is Assign { Target: not (Name or Element { Member: "" }) }))
                {
                    return "the loop writes fields of a span of structs";
                }

                if (body.Any(s => s is Return or Break or Continue))
                {
                    return "the loop jumps out";
                }

                if (!Simplifier.TryValue(loop.Step, out double step) || step == 0 || step != System.Math.Floor(step) || !Simplifier.TryValue(Simplifier.Simplify(loop.Step), out _))
                {
                    return "its step is not a constant";
                }

                // What the taped body pushes, the reversed body pops, and nothing else does.
                var pushed = new HashSet<int>(body.OfType<Push>().Select(p => p.Pair));
                var popped = new HashSet<int>(Walk.All(reversed.Body).SelectMany(Walk.Expressions).SelectMany(Reads.Pops).Select(p => p.Pair));
                var header = new[] { reversed.Init, reversed.Condition, reversed.Step }.SelectMany(Reads.Pops).Select(p => p.Pair).ToList();
                var elsewhere = forward.Concat(reverse).Where((s, i) => !ReferenceEquals(s, reversed))
                    .SelectMany(s => Walk.All(new Block(new[] { s }.ToEquatableArray()))).SelectMany(Walk.Expressions).SelectMany(Reads.Pops).Select(p => p.Pair);
                if (!popped.IsSubsetOf(pushed) || elsewhere.Any(pushed.Contains) || header.Count > 1)
                {
                    return "its tape is shared";
                }

                if (header.Count == 1)
                {
                    // A loop the reverse sweep replays by count: the forward pushed its trips right after it.
                    if (at + 1 >= forward.Count || forward[at + 1] is not Push { Value: Name counted } push || push.Pair != header[0])
                    {
                        return "its trips are not counted";
                    }

                    trips = counted.Id;
                }

                if (reversed.Counter != loop.Counter)
                {
                    // The reversal set the counter from its trip number: the driver sets it from the step instead.
                    string trip = reversed.Counter;
                    reversedBody = new Block(reversed.Body.Statements
                        .Where(s => !(s is Assign { Target: Name n } a && n.Id == loop.Counter && Reads.Of(a.Value).Contains(trip))).ToEquatableArray());
                    if (ReadsName(reversedBody, trip))
                    {
                        return "its reversal reads its trip number";
                    }
                }

                // The state: the scalars the body reads before it writes them (loop-carried), in the order it writes them.
                var exposed = new HashSet<string>();
                Exposed(loop.Body, new HashSet<string> { loop.Counter }, exposed);
                var seen = new HashSet<string>();
                foreach (Assign a in body.OfType<Assign>())
                {
                    if (a.Target is Name n && exposed.Contains(n.Id) && n.Id != loop.Counter && n.Id != trips && seen.Add(n.Id))
                    {
                        if (!SweepContext.CanTape(n.Type))
                        {
                            return $"its state holds a {n.Type}";
                        }

                        state.Add(new StateVariable(n.Id, n.Type, Span: false));
                    }
                }

                // And the spans whose elements it writes. A span written at indices the step does not move (a state vector h[i],
                // rewritten each step) is saved whole: a step rerun from a snapshot reads it as it was then. One written at
                // indices that move with the step (a sequence y[t]) is no state when no step reads an element before writing
                // it (rerun steps write the same elements again); one that does would need the whole span in every snapshot,
                // longer than the tape it replaces, and stays taped.
                var writes = body.OfType<Assign>().Select(a => a.Target).OfType<Element>().ToList();
                var varying = Varying(loop, state.Select(v => v.Name).Concat(writes.Select(e => e.Span)));
                var readFirst = new HashSet<string>();
                ExposedElements(loop.Body, new HashSet<string>(writes.Select(e => e.Span)), new HashSet<Element>(), readFirst);
                foreach (var span in writes.GroupBy(e => e.Span))
                {
                    bool byStep = span.Any(e => Reads.Values(e.Index).Overlaps(varying)); // a length never changes
                    if (byStep && readFirst.Contains(span.Key))
                    {
                        return $"a step reads elements of {span.Key} before writing them, at indices that move with the step: a snapshot would hold all of {span.Key}";
                    }

                    (byStep ? sequences : state).Add(new StateVariable(span.Key, span.First().Type, Span: true));
                }

                // What the steps read and the loop does not write must be, when the reverse sweep reruns them, as the loop saw it.
                // A scalar the forward sweep changes after the loop (s4++ after it: the taped reversal never read s4, so nothing
                // put it back; found by the random-program tester, 0foza5OfHpo1) is saved with the state in each snapshot; a span
                // would be all of it in each, and the loop stays taped.
                var writtenInLoop = new HashSet<string>(Walk.Assigned(loop.Body)) { loop.Counter };
                var changedAfter = new HashSet<string>(forward.Skip(at + 1).SelectMany(Walk.Assigned));
                var read = Walk.All(loop.Body).SelectMany(Walk.Expressions).Append(loop.Condition).Append(loop.Step).ToList();
                var scalars = read.SelectMany(Reads.Nodes).OfType<Name>().GroupBy(n => n.Id).ToDictionary(g => g.Key, g => g.First().Type);
                foreach (string name in read.SelectMany(Reads.Of).Distinct().Where(n => !writtenInLoop.Contains(n) && changedAfter.Contains(n)).OrderBy(n => n, System.StringComparer.Ordinal))
                {
                    if (!scalars.TryGetValue(name, out string? type) || !SweepContext.CanTape(type))
                    {
                        return $"the steps read {name}, which is changed after the loop";
                    }

                    state.Add(new StateVariable(name, type, Span: false));
                }

                return null;
            }

            /// <summary>
            /// The names whose values change from one step of <paramref name="loop"/> to the next: its counter, the given
            /// <paramref name="carried"/> ones (its state, the spans it writes), and whatever the body computes from them,
            /// by value or by control (assigned in a branch or a loop that such a name decides); a span's length is no value.
            /// </summary>
            private static HashSet<string> Varying(For loop, IEnumerable<string> carried)
            {
                var varying = new HashSet<string>(carried) { loop.Counter };
                bool grew = true;
                void Add(IEnumerable<string> names) => grew |= names.Aggregate(false, (any, n) => varying.Add(n) | any);
                while (grew)
                {
                    grew = false;
                    foreach (Stmt s in Walk.All(loop.Body))
                    {
                        switch (s)
                        {
                            case Assign { Target: Name n } a when Reads.Values(a.Value).Overlaps(varying):
                                Add(new[] { n.Id });
                                break;
                            case LocalDecl d when Reads.Values(d.Init).Overlaps(varying):
                                Add(new[] { d.Name });
                                break;
                            case If i when Reads.Values(i.Condition).Overlaps(varying):
                                Add(Walk.Assigned(i.Then).Concat(Walk.Assigned(i.Else)));
                                break;
                            case For f when new[] { f.Init, f.Condition, f.Step }.SelectMany(Reads.Values).Where(n => n != f.Counter).Any(varying.Contains):
                                Add(Walk.Assigned(f.Body).Append(f.Counter));
                                break;
                        }
                    }
                }

                return varying;
            }

            /// <summary>
            /// Adds to <paramref name="exposed"/> each of <paramref name="spans"/> of which <paramref name="block"/> may read an
            /// element before writing it, given the elements <paramref name="written"/> on every path so far (by index
            /// expression; one whose index reads a variable assigned since is forgotten; a write in a branch counts only when
            /// both branches make it, one in a loop never).
            /// </summary>
            private static void ExposedElements(Block block, HashSet<string> spans, HashSet<Element> written, HashSet<string> exposed)
            {
                void Read(Expr? e)
                {
                    foreach (Expr n in Reads.Nodes(e))
                    {
                        if (n is Element el && spans.Contains(el.Span) && !written.Contains(el with { Type = "" }))
                        {
                            exposed.Add(el.Span);
                        }
                        else if (n is Opaque o && o.Template != "{0}.Length")
                        {
                            exposed.UnionWith(o.Reads.Where(spans.Contains));
                        }
                        else if (n is SpanRef r && spans.Contains(r.Span))
                        {
                            // The span (or a part) passed to a call, which may read any element of it: Nn.MseLoss(y, x) in a step
                            // writing y[t] read y's later elements from the step before (found by the random-program tester in
                            // CI, 62V0mlSinQ21: checkpointed, the reverse sweep reran the steps with y's last values).
                            exposed.Add(r.Span);
                        }
                    }
                }

                void Forget(IEnumerable<string> assigned)
                {
                    var names = new HashSet<string>(assigned);
                    written.RemoveWhere(e => Reads.Of(e.Index).Overlaps(names));
                }

                foreach (Stmt s in block.Statements)
                {
                    switch (s)
                    {
                        case Assign a:
                            Read(a.Value);
                            if (a.Target is Element target)
                            {
                                Read(target.Index);
                                if (a.Op != "=")
                                {
                                    Read(target);
                                }

                                written.Add(target with { Type = "" });
                            }
                            else if (a.Target is Name n)
                            {
                                Forget(new[] { n.Id });
                            }

                            break;
                        case LocalDecl d:
                            Read(d.Init);
                            Forget(new[] { d.Name });
                            break;
                        case If i:
                        {
                            Read(i.Condition);
                            var then = new HashSet<Element>(written);
                            var otherwise = new HashSet<Element>(written);
                            ExposedElements(i.Then, spans, then, exposed);
                            ExposedElements(i.Else, spans, otherwise, exposed);
                            written.IntersectWith(then.Intersect(otherwise).ToList());
                            break;
                        }

                        case For f:
                        {
                            Read(f.Init);
                            Forget(Walk.Assigned(f.Body).Append(f.Counter));
                            Read(f.Condition);
                            ExposedElements(f.Body, spans, new HashSet<Element>(written), exposed);
                            Read(f.Step);
                            break;
                        }

                        case Push:
                            break; // the taped body saving an element it is about to overwrite: its reversal puts it back
                        default:
                            foreach (Expr x in Walk.Expressions(s))
                            {
                                Read(x);
                            }

                            break;
                    }
                }
            }

            /// <summary>
            /// Adds to <paramref name="exposed"/> the names a block may read before it writes them, given those
            /// <paramref name="written"/> on every path so far (a write in a branch counts only when both branches make it,
            /// one in a loop never: it may run no iteration).
            /// </summary>
            private static void Exposed(Block block, HashSet<string> written, HashSet<string> exposed)
            {
                void Read(Expr? e, HashSet<string> w) => exposed.UnionWith(Reads.Of(e).Where(n => !w.Contains(n)));
                foreach (Stmt s in block.Statements)
                {
                    switch (s)
                    {
                        case Assign a:
                            Read(a.Value, written);
                            if (a.Target is Element e)
                            {
                                Read(e.Index, written);
                            }

                            if (a.Op != "=")
                            {
                                Read(a.Target, written);
                            }

                            if (a.Target is Name n)
                            {
                                written.Add(n.Id);
                            }

                            break;
                        case LocalDecl d:
                            Read(d.Init, written);
                            if (d.Init is not null)
                            {
                                written.Add(d.Name);
                            }

                            break;
                        case If i:
                        {
                            Read(i.Condition, written);
                            var then = new HashSet<string>(written);
                            var otherwise = new HashSet<string>(written);
                            Exposed(i.Then, then, exposed);
                            Exposed(i.Else, otherwise, exposed);
                            written.UnionWith(then.Intersect(otherwise));
                            break;
                        }

                        case For f:
                        {
                            Read(f.Init, written);
                            var inner = new HashSet<string>(written) { f.Counter };
                            Read(f.Condition, inner);
                            Exposed(f.Body, inner, exposed);
                            Read(f.Step, inner);
                            break;
                        }

                        default:
                            foreach (Expr x in Walk.Expressions(s))
                            {
                                Read(x, written);
                            }

                            break;
                    }
                }
            }

            /// <summary>The trip count of a loop <c>for (i = start; i &lt; bound; i++)</c> (the other canonical forms alike), or null.</summary>
            private static Expr? TripCount(For loop, Expr start)
            {
                if (LoopStrategies.Canonical(loop) is not var (cmp, bound, up))
                {
                    return null;
                }

                string t = loop.CounterType;
                Expr count = up ? new Binary("-", bound, start, t) : new Binary("-", start, bound, t);
                return Simplifier.Simplify(cmp.Op is "<=" or ">=" ? new Binary("+", count, Simplifier.Constant(1, t), t) : count);
            }

            /// <summary>A snapshot: each scalar of the state pushed, each span of it pushed whole (<c>PushAll</c>).</summary>
            private IEnumerable<Stmt> Pushes(List<StateVariable> state) =>
                state.Select(v => (Stmt)new Push(v.Span ? new SpanRef(v.Name, null, null, v.Type) : new Name(v.Name, v.Type), SnapshotPair(v.Name))).ToList();

            private IEnumerable<Stmt> Restores(List<StateVariable> state) =>
                state.AsEnumerable().Reverse().Select(v => (Stmt)new Assign(v.Span ? new SpanRef(v.Name, null, null, v.Type) : new Name(v.Name, v.Type), "=", new Pop(v.Type, SnapshotPair(v.Name)), "")).ToList();

            private int SnapshotPair(string variable) => _snapshotPairs.TryGetValue(variable, out int pair) ? pair : _snapshotPairs[variable] = _pair--;

            private string Declare(string name, string type)
            {
                string unique = _names.Reserve(name);
                _variables[unique] = new Variable(unique, type, Role.Control);
                return unique;
            }

            /// <summary>
            /// The body run forward without saving anything: pushes dropped, then branches left empty by that and what only
            /// they read (a value the backward saved for the reversal, or a test it recorded, that nothing else uses: C# would
            /// warn of a local assigned and never read), until nothing more goes.
            /// </summary>
            private static Block Untaped(Block body, string? trips, ISet<string> keep)
            {
                Block untaped = Walk.Rewrite(WithoutTrips(body, trips), s => s is Push ? System.Array.Empty<Stmt>() : new[] { s });
                while (true)
                {
                    // A branch left empty reads its test no more (a test recorded for the reversal: what only it reads dies next).
                    untaped = Walk.Rewrite(untaped, s => s is If { Then.Statements.Count: 0, Else.Statements.Count: 0 } i && !Reads.Calls(i.Condition).Any()
                        ? System.Array.Empty<Stmt>()
                        : new[] { s });
                    var read = new HashSet<string>(keep);
                    foreach (Stmt s in Walk.All(untaped))
                    {
                        IEnumerable<Expr> reads = s is Assign { Target: Name } a ? new[] { a.Op == "=" ? a.Value : new Binary("+", a.Target, a.Value, a.Value.Type) } : Walk.Expressions(s);
                        read.UnionWith(reads.SelectMany(Reads.Of));
                    }

                    // A local declared with a value nothing reads (a struct local's field: float pv3_Z = 0f, read only by a test the
                    // tape recorded) is as dead as an assignment: CS0219 otherwise (found by the random-program tester in CI, bhuhPuZWPhu1).
                    bool Dead(Stmt s) => s is Assign { Target: Name n } a && !read.Contains(n.Id) && !Reads.Calls(a.Value).Any() && !Reads.UnknownCalls(a.Value).Any()
                        || s is LocalDecl { Init: { } init } d && !read.Contains(d.Name) && !Reads.Calls(init).Any() && !Reads.UnknownCalls(init).Any();
                    if (!Walk.All(untaped).Any(Dead))
                    {
                        break;
                    }

                    untaped = Walk.Rewrite(untaped, s => Dead(s) ? System.Array.Empty<Stmt>() : new[] { s });
                }

                return untaped;
            }

            /// <summary>The body without the count of its trips (the driver knows the step).</summary>
            private static Block WithoutTrips(Block body, string? trips) => trips is null ? body
                : new Block(body.Statements.Where(s => !(s is Assign { Target: Name n, Op: "+=" } && n.Id == trips)).ToEquatableArray());

            private static bool ReadsName(Block block, string name) =>
                Walk.All(block).SelectMany(Walk.Expressions).Any(e => Reads.Of(e).Contains(name));
        }
    }
}
