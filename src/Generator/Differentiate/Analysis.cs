using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Differentiate
{
    /// <summary>How a <c>Span&lt;T&gt;</c> output is handled by the backward pass.</summary>
    internal sealed record OutputPlan(
        string Span,
        bool FinalValuesSuffice,   // written once, each element once: reads see the caller's final values
        bool NeedsWorkCotangent)   // its cotangent is accumulated into or cleared: a mutable copy in the workspace
    {
    }

    /// <summary>Facts about a normalised body that the sweeps need: activity, recomputable locals, scopes, outputs.</summary>
    internal sealed class Analysis
    {
        public Analysis(MethodModel model, Block body, IEnumerable<LocalSpec> extraLocals)
        {
            Parameters = model.Parameters.ToDictionary(p => p.Name);
            foreach (LocalSpec local in model.Locals.Concat(extraLocals))
            {
                LocalTypes[local.Name] = local.Type;
            }

            Collect(body, depth: 0, loops: new List<For>());
            FindRecomputable(body, topLevel: true);
            _stableLocals.ExceptWith(_notRecomputable);
            Recomputable.UnionWith(_stableLocals);
            Recomputable.ExceptWith(_notRecomputable);
            FindActive(body);
            FindCallsWithoutDerivative(body);
            foreach (ParameterSpec output in model.Parameters.Where(p => p.Kind == ParameterKind.SpanOutput))
            {
                Outputs[output.Name] = PlanOutput(output.Name);
            }
        }

        public Dictionary<string, ParameterSpec> Parameters { get; }

        public Dictionary<string, string> LocalTypes { get; } = new();

        public HashSet<string> Counters { get; } = new();

        /// <summary>
        /// Locals declared once whose value the reverse sweep can recompute where it needs it instead of taping it:
        /// defined from counters, inputs and other such locals, or (inside a loop body or branch) from values the
        /// block itself never changes.
        /// </summary>
        public HashSet<string> Recomputable { get; } = new();

        // Locals defined from counters, inputs and other such locals only: the same value wherever they are in scope.
        private readonly HashSet<string> _stableLocals = new();

        /// <summary>Variables (and spans) whose value depends on a differentiable input: they carry an adjoint.</summary>
        public HashSet<string> Active { get; } = new();

        /// <summary>Locals declared inside a loop body or a branch (depth &gt; 0).</summary>
        public HashSet<string> Nested { get; } = new();

        public Dictionary<string, OutputPlan> Outputs { get; } = new();

        /// <summary>SG0007 for each call without a derivative that an active value flows into.</summary>
        public List<Diagnostics.DiagnosticInfo> Diagnostics { get; } = new();

        private void FindCallsWithoutDerivative(Block block)
        {
            foreach (Stmt statement in block.Statements)
            {
                IEnumerable<Expr?> expressions = statement switch
                {
                    LocalDecl d => new[] { d.Init },
                    Assign a => new[] { a.Value, a.Target },
                    If i => new[] { i.Condition },
                    For f => new[] { f.Init, f.Condition, f.Step },
                    Return r => new[] { r.Value },
                    CallStatement c => c.Call.Args,
                    _ => new Expr?[0],
                };
                foreach (UnknownCall call in expressions.SelectMany(Reads.UnknownCalls))
                {
                    if (Reads.Of(call).Any(Active.Contains))
                    {
                        Diagnostics.Add(new Diagnostics.DiagnosticInfo(
                            SymGrad.Generator.Diagnostics.DiagnosticDescriptors.NoDerivative.Id, call.Location,
                            new[] { call.Display, call.Owner, call.Method }.ToEquatableArray()));
                    }
                }

                switch (statement)
                {
                    case If i:
                        FindCallsWithoutDerivative(i.Then);
                        FindCallsWithoutDerivative(i.Else);
                        break;
                    case For f:
                        FindCallsWithoutDerivative(f.Body);
                        break;
                }
            }
        }

        private readonly HashSet<string> _assigned = new();
        private readonly Dictionary<string, List<(Stmt Writer, List<For> Loops)>> _writers = new();
        private readonly HashSet<string> _readSpans = new();

        public bool IsStable(string name) => Counters.Contains(name) || _stableLocals.Contains(name)
            || (Parameters.TryGetValue(name, out ParameterSpec? p) && p.Kind != ParameterKind.SpanOutput);

        public string TypeOf(string name) => LocalTypes.TryGetValue(name, out string? t) ? t : Parameters[name].ElementType;

        private void Collect(Block block, int depth, List<For> loops)
        {
            foreach (Stmt statement in block.Statements)
            {
                switch (statement)
                {
                    case LocalDecl d:
                        if (depth > 0) Nested.Add(d.Name);
                        NoteReads(d.Init);
                        break;
                    case Assign { Target: Name n } a:
                        _assigned.Add(n.Id);
                        NoteReads(a.Value);
                        break;
                    case Assign { Target: Element e } a:
                        AddWriter(e.Span, a, loops);
                        NoteReads(e.Index);
                        NoteReads(a.Value);
                        break;
                    case If i:
                        NoteReads(i.Condition);
                        Collect(i.Then, depth + 1, loops);
                        Collect(i.Else, depth + 1, loops);
                        break;
                    case For f:
                        Counters.Add(f.Counter);
                        NoteReads(f.Init);
                        NoteReads(f.Condition);
                        Collect(f.Body, depth + 1, new List<For>(loops) { f });
                        break;
                    case CallStatement c:
                        foreach (string written in WrittenSpans(c.Call))
                        {
                            AddWriter(written, c, loops);
                        }

                        NoteReads(c.Call, skipOutputs: true);
                        break;
                    case Return r:
                        NoteReads(r.Value);
                        break;
                }
            }
        }

        private void AddWriter(string span, Stmt writer, List<For> loops)
        {
            if (!_writers.TryGetValue(span, out var list))
            {
                _writers[span] = list = new List<(Stmt, List<For>)>();
            }

            list.Add((writer, loops));
        }

        private void NoteReads(Expr? e, bool skipOutputs = false)
        {
            if (e is null)
            {
                return;
            }

            if (e is UserCall call)
            {
                for (int i = 0; i < call.Args.Count; i++)
                {
                    if (!(skipOutputs && call.Target.Parameters[i].Kind == ParameterKind.SpanOutput))
                    {
                        NoteReads(call.Args[i]);
                    }
                }

                return;
            }

            foreach (string name in Reads.Of(e))
            {
                if (Parameters.TryGetValue(name, out ParameterSpec? p) && p.Kind == ParameterKind.SpanOutput)
                {
                    _readSpans.Add(name);
                }
            }

            foreach (UserCall nested in Reads.Calls(e))
            {
                foreach (string written in WrittenSpans(nested))
                {
                    AddWriter(written, new CallStatement(nested, ""), new List<For>());
                }
            }
        }

        public static IEnumerable<string> WrittenSpans(UserCall call)
        {
            for (int i = 0; i < call.Args.Count; i++)
            {
                if (call.Target.Parameters[i].Kind == ParameterKind.SpanOutput && call.Args[i] is SpanRef s)
                {
                    yield return s.Span;
                }
            }
        }

        // A name declared in several sibling scopes is recomputable only if every declaration is.
        private readonly HashSet<string> _notRecomputable = new();

        private void FindRecomputable(Block block, bool topLevel)
        {
            HashSet<string>? changedHere = topLevel ? null : new HashSet<string>(AssignedIn(block));
            foreach (Stmt statement in block.Statements)
            {
                switch (statement)
                {
                    case LocalDecl { Init: { } init } d when !_assigned.Contains(d.Name) && !Reads.Calls(init).Any():
                    {
                        HashSet<string> reads = Reads.Of(init);
                        if (reads.All(IsStable))
                        {
                            _stableLocals.Add(d.Name);
                        }
                        else if (changedHere is not null && reads.All(r => IsStable(r) || Recomputable.Contains(r)
                                     || (LocalTypes.ContainsKey(r) && !changedHere.Contains(r))))
                        {
                            // Inside a loop body, `double c = x[i] - mean` where the body never changes mean:
                            // at the start of the reversed body, mean (restored) has the value it had here.
                            Recomputable.Add(d.Name);
                        }
                        else
                        {
                            _notRecomputable.Add(d.Name);
                        }

                        break;
                    }

                    case LocalDecl d:
                        _notRecomputable.Add(d.Name);
                        break;
                    case If i:
                        FindRecomputable(i.Then, topLevel: false);
                        FindRecomputable(i.Else, topLevel: false);
                        break;
                    case For f:
                        FindRecomputable(f.Body, topLevel: false);
                        break;
                }
            }
        }

        /// <summary>Every variable, counter and span a block assigns, at any depth.</summary>
        public static IEnumerable<string> AssignedIn(Block block)
        {
            foreach (Stmt s in block.Statements)
            {
                switch (s)
                {
                    case LocalDecl d: yield return d.Name; break;
                    case Assign { Target: Name n }: yield return n.Id; break;
                    case Assign { Target: Element e }: yield return e.Span; break;
                    case If i:
                        foreach (string a in AssignedIn(i.Then).Concat(AssignedIn(i.Else))) yield return a;
                        break;
                    case For f:
                        yield return f.Counter;
                        foreach (string a in AssignedIn(f.Body)) yield return a;
                        break;
                    case CallStatement c:
                        foreach (string a in WrittenSpans(c.Call)) yield return a;
                        break;
                }
            }
        }

        private void FindActive(Block body)
        {
            foreach (ParameterSpec p in Parameters.Values.Where(p => p.IsDifferentiable))
            {
                Active.Add(p.Name);
            }

            bool changed = true;
            while (changed)
            {
                changed = false;
                Visit(body);
            }

            void Mark(string name)
            {
                if (Active.Add(name))
                {
                    changed = true;
                }
            }

            bool AnyActive(Expr? e) => e is not null && Reads.Of(e).Any(Active.Contains);

            void Visit(Block block)
            {
                foreach (Stmt statement in block.Statements)
                {
                    switch (statement)
                    {
                        case LocalDecl d when d.Type is "double" or "float" && AnyActive(d.Init):
                            Mark(d.Name);
                            break;
                        case Assign { Target: Name n } a when n.IsReal && AnyActive(a.Value):
                            Mark(n.Id);
                            break;
                        case Assign { Target: Element e } a when AnyActive(a.Value):
                            Mark(e.Span);
                            break;
                        case CallStatement c when c.Call.Args.Any(AnyActive):
                            foreach (string written in WrittenSpans(c.Call))
                            {
                                Mark(written);
                            }

                            break;
                        case If i:
                            Visit(i.Then);
                            Visit(i.Else);
                            break;
                        case For f:
                            Visit(f.Body);
                            break;
                    }
                }
            }
        }

        private OutputPlan PlanOutput(string span)
        {
            bool read = _readSpans.Contains(span);
            if (!_writers.TryGetValue(span, out var writers) || writers.Count != 1)
            {
                return new OutputPlan(span, FinalValuesSuffice: false, NeedsWorkCotangent: true);
            }

            (Stmt writer, List<For> loops) = writers[0];
            bool once = writer switch
            {
                CallStatement => true,
                Assign { Op: "=", Target: Element e } => Injectivity.IsInjective(e.Index, loops, IsStable),
                _ => false,
            };
            return new OutputPlan(span, FinalValuesSuffice: once, NeedsWorkCotangent: !once || read);
        }
    }

    /// <summary>What an expression reads.</summary>
    internal static class Reads
    {
        public static HashSet<string> Of(Expr? e)
        {
            var names = new HashSet<string>();
            Add(e, names);
            return names;
        }

        public static void Add(Expr? e, HashSet<string> names)
        {
            switch (e)
            {
                case null:
                    return;
                case Name n:
                    names.Add(n.Id);
                    return;
                case Element el:
                    names.Add(el.Span);
                    Add(el.Index, names);
                    return;
                case Unary u:
                    Add(u.Operand, names);
                    return;
                case Binary b:
                    Add(b.Left, names);
                    Add(b.Right, names);
                    return;
                case Conditional c:
                    Add(c.Test, names);
                    Add(c.WhenTrue, names);
                    Add(c.WhenFalse, names);
                    return;
                case MathCall m:
                    foreach (Expr a in m.Args) Add(a, names);
                    return;
                case Cast c:
                    Add(c.Operand, names);
                    return;
                case Opaque o:
                    foreach (string r in o.Reads) names.Add(r);
                    return;
                case UnknownCall u:
                    Add(u.Call, names);
                    return;
                case SpanRef s:
                    names.Add(s.Span);
                    Add(s.Start, names);
                    Add(s.Length, names);
                    return;
                case UserCall call:
                    foreach (Expr a in call.Args) Add(a, names);
                    return;
            }
        }

        /// <summary>The calls without a derivative in an expression.</summary>
        public static IEnumerable<UnknownCall> UnknownCalls(Expr? e) => e switch
        {
            UnknownCall u => new[] { u },
            Unary u => UnknownCalls(u.Operand),
            Binary b => UnknownCalls(b.Left).Concat(UnknownCalls(b.Right)),
            Conditional c => UnknownCalls(c.Test).Concat(UnknownCalls(c.WhenTrue)).Concat(UnknownCalls(c.WhenFalse)),
            MathCall m => m.Args.SelectMany(UnknownCalls),
            Cast c => UnknownCalls(c.Operand),
            Element el => UnknownCalls(el.Index),
            UserCall c => c.Args.SelectMany(UnknownCalls),
            _ => Enumerable.Empty<UnknownCall>(),
        };

        public static IEnumerable<UserCall> Calls(Expr? e) => e switch
        {
            UserCall c => new[] { c }.Concat(c.Args.SelectMany(Calls)),
            Unary u => Calls(u.Operand),
            Binary b => Calls(b.Left).Concat(Calls(b.Right)),
            Conditional c => Calls(c.Test).Concat(Calls(c.WhenTrue)).Concat(Calls(c.WhenFalse)),
            MathCall m => m.Args.SelectMany(Calls),
            Cast c => Calls(c.Operand),
            _ => Enumerable.Empty<UserCall>(),
        };
    }
}
