using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Emit;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Differentiate
{
    /// <summary>
    /// Differentiate stage: builds the two sweeps of <c>MBackward</c> from a normalised body.
    /// <para>
    /// The reverse sweep visits statements last to first. Before each statement's adjoint runs, every variable it
    /// reads holds the value it had when the forward statement ran: loop counters are recomputed by the reversed
    /// loop, locals defined once from inputs and counters are recomputed, and any other variable the reverse sweep
    /// reads is pushed on the workspace tape before each overwrite in the forward sweep and popped back here.
    /// The forward sweep keeps only what the reverse sweep needs (values, trip counts, branch decisions).
    /// </para>
    /// </summary>
    internal sealed class ReverseBuilder
    {
        private readonly MethodModel _model;
        private readonly Block _body;
        private readonly Analysis _analysis;
        private readonly NameAllocator _baseNames;
        private NameAllocator _names;

        private readonly Dictionary<string, string> _adjoint = new();
        private readonly Dictionary<string, string> _primal = new();
        private readonly HashSet<string> _adjointNames = new();

        private HashSet<string> _needed = new();
        private HashSet<string> _reads = new();
        private HashSet<string> _recompute = new();
        private HashSet<string> _adjointUsed = new();
        private readonly HashSet<If> _tapedIfs = new(ReferenceComparer<If>.Instance);
        private readonly HashSet<If> _reversedIfs = new(ReferenceComparer<If>.Instance);
        private readonly HashSet<For> _countedLoops = new(ReferenceComparer<For>.Instance);
        private readonly Stack<Effects> _effects = new();
        private HashSet<string> _forwardNeeded = new();

        // Where each statement stands, which compound statement owns each block, what each statement's adjoint reads.
        private readonly Dictionary<Stmt, List<(Block Block, int Index)>> _positions = new(ReferenceComparer<Stmt>.Instance);
        private readonly Dictionary<Block, Stmt?> _owners = new(ReferenceComparer<Block>.Instance);
        private Dictionary<Stmt, HashSet<string>> _statementReads = new(ReferenceComparer<Stmt>.Instance);
        private readonly Stack<Stmt> _reversing = new();

        // Outputs whose cotangent work buffer is first written by an assigning registered backward: rented uncleared.
        private HashSet<string> _assignedFirst = new();

        // While a statement's local derivatives are worked out for its comment: partials are recorded, not emitted.
        private List<(Expr Target, Expr Partial)>? _partials;

        // Calls already bound to a local in the code list being written, within one statement's adjoint.
        private readonly Dictionary<List<Code>, Dictionary<Expr, Expr>> _bound = new(ReferenceComparer<List<Code>>.Instance);

        // Loops whose body is recomputed at the start of each reversed iteration instead of taped across iterations.
        private HashSet<For> _recomputedLoops = new(ReferenceComparer<For>.Instance);
        private readonly Dictionary<string, List<Block>> _declaringBlocks = new();

        // The assignments before which the forward sweep pushes the old value and after whose adjoint it is popped.
        private HashSet<Stmt> _restoreAt = new(ReferenceComparer<Stmt>.Instance);

        public ReverseBuilder(MethodModel model, Block body, Analysis analysis, NameAllocator names)
        {
            _model = model;
            _body = body;
            _analysis = analysis;
            _baseNames = names;
            _names = names;
            Workspace = names.Reserve("workspace");
            DResult = names.Reserve("dResult");

            foreach (ParameterSpec p in model.Parameters)
            {
                if (p.Kind == ParameterKind.SpanOutput)
                {
                    OutputPlan plan = analysis.Outputs[p.Name];
                    Cotangents[p.Name] = names.Reserve("d" + p.Name);
                    _adjoint[p.Name] = plan.NeedsWorkCotangent ? names.Reserve("d" + p.Name + "Work") : Cotangents[p.Name];
                    if (!plan.FinalValuesSuffice)
                    {
                        _primal[p.Name] = names.Reserve(p.Name + "Work");
                    }
                }
                else if (p.IsDifferentiable)
                {
                    Gradients[p.Name] = _adjoint[p.Name] = names.Reserve("d" + p.Name);
                }
            }

            foreach (string local in analysis.LocalTypes.Keys.Where(analysis.Active.Contains))
            {
                _adjoint[local] = names.Reserve("d" + local);
            }

            _adjointNames.UnionWith(_adjoint.Values);
            _adjointNames.Add(DResult);
            Locate(body, owner: null);
        }

        private void Locate(Block block, Stmt? owner)
        {
            _owners[block] = owner;
            for (int i = 0; i < block.Statements.Count; i++)
            {
                Stmt s = block.Statements[i];
                if (!_positions.TryGetValue(s, out var list))
                {
                    _positions[s] = list = new List<(Block, int)>();
                }

                list.Add((block, i));
                if (s is LocalDecl declared)
                {
                    if (!_declaringBlocks.TryGetValue(declared.Name, out var blocks))
                    {
                        _declaringBlocks[declared.Name] = blocks = new List<Block>();
                    }

                    blocks.Add(block);
                }

                switch (s)
                {
                    case If branch:
                        Locate(branch.Then, branch);
                        Locate(branch.Else, branch);
                        break;
                    case For loop:
                        Locate(loop.Body, loop);
                        break;
                }
            }
        }

        /// <summary>The name of the workspace local in the emitted method.</summary>
        public string Workspace { get; }

        /// <summary>The name of the cotangent of the result.</summary>
        public string DResult { get; }

        /// <summary>Output span → its cotangent parameter name.</summary>
        public Dictionary<string, string> Cotangents { get; } = new();

        /// <summary>Differentiable input → its gradient parameter name.</summary>
        public Dictionary<string, string> Gradients { get; } = new();

        /// <summary>Output span → name of the workspace copy the forward sweep recomputes it into (when reads need old values).</summary>
        public IReadOnlyDictionary<string, string> PrimalWork => _primal;

        /// <summary>Output span → name of the mutable copy of its cotangent (when it is accumulated into or cleared).</summary>
        public IEnumerable<KeyValuePair<string, string>> CotangentWork =>
            _adjoint.Where(a => Cotangents.TryGetValue(a.Key, out string? c) && c != a.Value);

        public bool UsesWorkspace { get; private set; }

        /// <summary>
        /// Outputs whose cotangent work buffer receives its first contribution from an assigning backward
        /// (<c>[DerivativeOf(…, Assigns = …)]</c>): the buffer is rented without clearing, and the caller's cotangent is added
        /// after that call.
        /// </summary>
        public IReadOnlyCollection<string> AssignedFirst => _assignedFirst;

        /// <summary>Whether the built sweeps mention <paramref name="name"/> (a cotangent read in place).</summary>
        public bool ReadsCotangent(string name)
        {
            var word = new System.Text.RegularExpressions.Regex(@"(?<![\w@])" + System.Text.RegularExpressions.Regex.Escape(name) + @"(?!\w)");
            return Mentions(Hoisted) || Mentions(Forward) || Mentions(Reverse);

            bool Mentions(List<Code> code) => code.Any(c => c switch
            {
                Line line => word.IsMatch(line.Text),
                Scope scope => (scope.Header is not null && word.IsMatch(scope.Header)) || Mentions(scope.Body),
                _ => false,
            });
        }

        public List<Code> Forward { get; private set; } = new();

        public List<Code> Reverse { get; private set; } = new();

        /// <summary>Declarations before the forward sweep: locals the reverse sweep reads across scopes.</summary>
        public List<Code> Hoisted { get; } = new();

        public void Build()
        {
            // Decide which loops recompute their body per reversed iteration, then iterate the sweeps to a fixed
            // point: the reverse sweep's reads decide what must be restored, and restoring can add reads (a branch
            // that now pops must recompute its condition). Both converge in two or three rounds.
            for (int round = 0; round < 4; round++)
            {
                Sweeps();
                ComputeForwardNeeded();
                HashSet<For> recomputed = RecomputedLoops();
                if (recomputed.SetEquals(_recomputedLoops))
                {
                    break;
                }

                _recomputedLoops = recomputed;
            }

            // The forward sweep rebuilds an output from zeros: if it was accumulated into (+=) and the derivative reads
            // it back, the caller's initial contents would be missing. Refuse rather than guess.
            foreach (string output in _needed.Where(n => _analysis.Outputs.ContainsKey(n)))
            {
                if (_positions.Keys.OfType<Assign>().Any(a => a.Target is Element e && e.Span == output && a.Op is "+=" or "-="))
                {
                    throw new DiagnosticsException(new[]
                    {
                        new Diagnostics.DiagnosticInfo(Diagnostics.DiagnosticDescriptors.OutputAccumulatedAndRead.Id, null, new[] { output }.ToEquatableArray()),
                    });
                }
            }

            foreach (string local in _needed.Where(IsHoisted).OrderBy(n => n, System.StringComparer.Ordinal))
            {
                Hoisted.Add(new Line($"{_analysis.TypeOf(local)} {local} = default;"));
            }

            Forward = ForwardBlock(_body, noteReads: false);

            // Top-level recomputed locals the forward sweep did not already declare, and top-level adjoints.
            var prefix = new List<Code>();
            AddRecomputed(_body, prefix, skip: name => _forwardNeeded.Contains(name));
            AddAdjointDeclarations(_body, prefix);
            Reverse.InsertRange(0, prefix);
        }

        private void Sweeps()
        {
            for (int pass = 0; pass < 8; pass++)
            {
                _names = _baseNames.Clone();
                _reads = new HashSet<string>();
                _recompute = new HashSet<string>();
                _adjointUsed = new HashSet<string>();
                _assignedFirst = new HashSet<string>();
                _tapedIfs.Clear();
                _reversedIfs.Clear();
                _countedLoops.Clear();
                UsesWorkspace = false;
                _effects.Clear();
                _effects.Push(new Effects());
                _statementReads = new Dictionary<Stmt, HashSet<string>>(ReferenceComparer<Stmt>.Instance);
                Reverse = ReverseBlock(_body, topLevel: true);
                var needed = new HashSet<string>(_reads.Where(NeedsRestore));
                HashSet<Stmt> restoreAt = RestorePoints(needed);
                if (needed.SetEquals(_needed) && restoreAt.SetEquals(_restoreAt))
                {
                    break;
                }

                _needed = needed;
                _restoreAt = restoreAt;
            }
        }

        /// <summary>
        /// A canonical loop whose forward work (what the reverse sweep needs) writes only variables declared in its
        /// body: each reversed iteration can recompute that work first, as a hand-written backward would, so nothing
        /// is taped across iterations.
        /// </summary>
        private HashSet<For> RecomputedLoops()
        {
            var result = new HashSet<For>(ReferenceComparer<For>.Instance);
            foreach (For loop in _positions.Keys.OfType<For>())
            {
                if (Canonical(loop) is null)
                {
                    continue;
                }

                var declared = new HashSet<string>(Analysis.AssignedIn(loop.Body).Where(n => _analysis.LocalTypes.ContainsKey(n)));
                var writes = new List<string>();
                bool spans = false;
                KeptWrites(loop.Body, writes, ref spans);
                if (!spans && writes.Count > 0 && writes.All(w => DeclaredWithin(w, loop.Body)))
                {
                    result.Add(loop);
                }
            }

            return result;
        }

        private bool DeclaredWithin(string name, Block body) =>
            _declaringBlocks.TryGetValue(name, out var blocks) && blocks.All(b => Contains(body, b)) || _analysis.Counters.Contains(name);

        private bool Contains(Block outer, Block inner)
        {
            for (Block? b = inner; b is not null;)
            {
                if (ReferenceEquals(b, outer)) return true;
                Stmt? owner = _owners[b];
                b = owner is null ? null : _positions[owner][0].Block;
            }

            return false;
        }

        private void KeptWrites(Block block, List<string> writes, ref bool spans)
        {
            foreach (Stmt s in block.Statements)
            {
                if (!Kept(s))
                {
                    continue;
                }

                switch (s)
                {
                    case LocalDecl d: writes.Add(d.Name); break;
                    case Assign { Target: Name n }: writes.Add(n.Id); break;
                    case Assign or CallStatement: spans = true; break;
                    case If i:
                        writes.Add("");
                        KeptWrites(i.Then, writes, ref spans);
                        KeptWrites(i.Else, writes, ref spans);
                        writes.Remove("");
                        break;
                    case For f:
                        writes.Add(f.Counter);
                        KeptWrites(f.Body, writes, ref spans);
                        break;
                }
            }
        }

        /// <summary>For a loop <c>for (i = init; i op bound; i±±)</c> whose start and bound the body leaves alone: the comparison and bound.</summary>
        private (Binary Comparison, Expr Bound, bool Up)? Canonical(For loop)
        {
            var assigned = new HashSet<string>(Analysis.AssignedIn(loop.Body));
            bool up = Simplifier.IsConstant(loop.Step, 1), down = Simplifier.IsConstant(loop.Step, -1);
            if (!Reads.Of(loop.Init).Overlaps(assigned)
                && loop.Condition is Binary { Left: Name c, Right: var bound } cmp && c.Id == loop.Counter && (up || down)
                && !Reads.Of(bound).Overlaps(assigned)
                && ((up && cmp.Op is "<" or "<=") || (down && cmp.Op is ">" or ">=")))
            {
                return (cmp, bound, up);
            }

            return null;
        }

        private bool NeedsRestore(string name) =>
            !_analysis.IsStable(name) && !(_analysis.Outputs.TryGetValue(name, out OutputPlan? plan) && plan.FinalValuesSuffice);

        private bool IsHoisted(string local) => _analysis.Nested.Contains(local) && _analysis.LocalTypes.ContainsKey(local)
            && !_analysis.Recomputable.Contains(local) && !_analysis.Counters.Contains(local)
            && !(_declaringBlocks.TryGetValue(local, out var blocks)
                 && blocks.All(b => _owners[b] is For owner && _recomputedLoops.Contains(owner)));

        // ───────────────────────────── what to tape ─────────────────────────────

        /// <summary>
        /// An assignment needs its old value taped only when the reverse sweep reads that value: some adjoint
        /// between the previous write of the variable and this one (inclusive) reads it. Walks back from each
        /// assignment through its block, the previous iteration of each enclosing loop, and what precedes the loop.
        /// </summary>
        private HashSet<Stmt> RestorePoints(HashSet<string> needed)
        {
            var result = new HashSet<Stmt>(ReferenceComparer<Stmt>.Instance);
            foreach (KeyValuePair<Stmt, List<(Block Block, int Index)>> entry in _positions)
            {
                string? v = entry.Key switch
                {
                    LocalDecl d when IsHoisted(d.Name) => d.Name,
                    Assign { Target: Name n } => n.Id,
                    _ => null,
                };
                if (v is null || !needed.Contains(v))
                {
                    continue;
                }

                if (entry.Value.Count > 1 || ReadsIn(entry.Key, v) || OldValueRead(entry.Value[0].Block, entry.Value[0].Index, v, entry.Key))
                {
                    result.Add(entry.Key);
                }
            }

            return result;
        }

        private bool OldValueRead(Block block, int index, string v, Stmt origin)
        {
            for (int t = index - 1; t >= 0; t--)
            {
                if (ReadsIn(block.Statements[t], v)) return true;
                if (DefinitelyWrites(block.Statements[t], v)) return false;
            }

            switch (_owners[block])
            {
                case If branch:
                {
                    (Block parent, int at) = _positions[branch][0];
                    return _positions[branch].Count > 1 || OldValueRead(parent, at, v, origin);
                }

                case For loop:
                {
                    // The previous iteration: what runs after this point in the body.
                    for (int t = block.Statements.Count - 1; t > index; t--)
                    {
                        if (ReadsIn(block.Statements[t], v)) return true;
                        if (DefinitelyWrites(block.Statements[t], v)) goto firstIteration;
                    }

                    if (!ReferenceEquals(block.Statements[index], origin) && ReadsIn(block.Statements[index], v)) return true;

                firstIteration:
                    (Block parent, int at) = _positions[loop][0];
                    return _positions[loop].Count > 1 || OldValueRead(parent, at, v, origin);
                }

                default:
                    return false;
            }
        }

        private bool ReadsIn(Stmt statement, string v) => _statementReads.TryGetValue(statement, out HashSet<string>? reads) && reads.Contains(v);

        private static bool DefinitelyWrites(Stmt statement, string v) =>
            statement is LocalDecl d && d.Name == v || statement is Assign { Target: Name n } && n.Id == v;

        // ───────────────────────────── reverse sweep ─────────────────────────────

        private List<Code> ReverseBlock(Block block, bool topLevel, bool recomputeForward = false)
        {
            var output = new List<Code>();
            for (int i = block.Statements.Count - 1; i >= 0; i--)
            {
                ReverseStatement(block.Statements[i], output);
            }

            if (!topLevel)
            {
                var prefix = new List<Code>();
                var declaredByForward = new HashSet<string>();
                if (recomputeForward)
                {
                    // This iteration's forward work first, then its adjoints: nothing crosses iterations on the tape.
                    List<Code> forward = ForwardBlock(block, noteReads: true);
                    if (forward.Count > 0)
                    {
                        prefix.Add(new Line("// This iteration's forward values."));
                        prefix.AddRange(forward);
                    }

                    declaredByForward.UnionWith(block.Statements.OfType<LocalDecl>().Where(Kept).Select(d => d.Name));
                }

                AddRecomputed(block, prefix, skip: declaredByForward.Contains);
                AddAdjointDeclarations(block, prefix);
                output.InsertRange(0, prefix);
            }

            return output;
        }

        private void AddRecomputed(Block block, List<Code> prefix, System.Func<string, bool> skip)
        {
            var decls = block.Statements.OfType<LocalDecl>().Where(d => _analysis.Recomputable.Contains(d.Name)).ToList();
            for (int i = decls.Count - 1; i >= 0; i--)
            {
                if (_recompute.Contains(decls[i].Name))
                {
                    foreach (string read in Reads.Of(decls[i].Init))
                    {
                        if (_analysis.Recomputable.Contains(read))
                        {
                            _recompute.Add(read);
                        }
                    }
                }
            }

            foreach (LocalDecl d in decls.Where(d => _recompute.Contains(d.Name) && !skip(d.Name)))
            {
                Note(d.Init);
                prefix.Add(new Line($"{d.Type} {d.Name} = {Print(d.Init!)};"));
            }
        }

        private void AddAdjointDeclarations(Block block, List<Code> prefix)
        {
            foreach (LocalDecl d in block.Statements.OfType<LocalDecl>())
            {
                if (_adjoint.TryGetValue(d.Name, out string? adjoint) && _adjointUsed.Contains(adjoint))
                {
                    prefix.Add(new Line($"{d.Type} {adjoint} = 0;"));
                    Current.Declared.Add(adjoint);
                }
            }
        }

        private Effects Current => _effects.Peek();

        private void ReverseStatement(Stmt statement, List<Code> output)
        {
            _bound.Clear();
            _reversing.Push(statement);
            _statementReads[statement] = new HashSet<string>();
            try
            {
                ReverseStatementCore(statement, output);
            }
            finally
            {
                _reversing.Pop();
            }
        }

        private void ReverseStatementCore(Stmt statement, List<Code> output)
        {
            switch (statement)
            {
                case LocalDecl d:
                    ReverseAssignName(d, d.Name, "=", d.Init, declaration: true, d.Source, output);
                    break;
                case Assign { Target: Name n } a:
                    ReverseAssignName(a, n.Id, a.Op, a.Value, declaration: false, a.Source, output);
                    break;
                case Assign { Target: Element e } a:
                    ReverseAssignElement(e, a.Op, a.Value, a.Source, output);
                    break;
                case If i:
                    ReverseIf(i, output);
                    break;
                case For f:
                    ReverseFor(f, output);
                    break;
                case Return { Value: { IsReal: true } value } r when _model.ReturnType != "void":
                {
                    var block = new List<Code> { Comment(r.Source) };
                    Expr seed = new Name(DResult, _model.ReturnType);
                    _adjointUsed.Add(DResult);
                    if (Peel(value) is { } peeled)
                    {
                        string v = _names.Reserve("value");
                        block[0] = Comment(r.Source, LocalDerivatives("result", value, one => (peeled.Argument, peeled.Seed(one, new Name(v, value.Type)))));
                        Note(value);
                        block.Add(new Line($"{value.Type} {v} = {Print(value)};", $"{v} = {MathText(value)}"));
                        Accumulate(peeled.Argument, Bind(peeled.Seed(seed, new Name(v, value.Type)), block), block);
                    }
                    else
                    {
                        block[0] = Comment(r.Source, LocalDerivatives("result", value, one => (value, one)));
                        Accumulate(value, seed, block);
                    }

                    Flush(block, output);
                    break;
                }

                case CallStatement c:
                {
                    var block = new List<Code> { Comment(c.Source) };
                    CallBackward(c.Call, null, block);
                    Flush(block, output);
                    break;
                }
            }
        }

        /// <summary>Adds a statement's adjoint block, unless it did nothing but carry its comment.</summary>
        private static void Flush(List<Code> block, List<Code> output)
        {
            if (block.Count > 1)
            {
                output.AddRange(block);
            }
        }

        private static Line Comment(string source) => new("// " + source);

        /// <summary>
        /// The local derivatives of a statement, for the comment above its adjoint block: the same rules run with a
        /// seed of 1, recording each partial instead of emitting it (<c>∂acc/∂x[k] = w[k]</c>). Empty when every
        /// partial is ±1 (the adjoint just flows through).
        /// </summary>
        private string LocalDerivatives(string of, Expr value, System.Func<Expr, (Expr Inner, Expr Seed)> peel)
        {
            if (!IsActive(value))
            {
                return "";
            }

            NameAllocator names = _names;
            var used = new HashSet<string>(_adjointUsed);
            var scratch = new List<Code>();
            _names = names.Clone();
            _effects.Push(new Effects());
            _partials = new List<(Expr, Expr)>();
            try
            {
                (Expr inner, Expr seed) = peel(Simplifier.Constant(1, value.Type));
                Accumulate(inner, seed, scratch);
                var terms = _partials
                    .GroupBy(p => MathText(PrimalOf(p.Target)))
                    .Select(g => (Target: g.Key, Partial: Simplifier.Simplify(g.Select(p => p.Partial).Aggregate((a, b) => new Binary("+", a, b, a.Type)))))
                    .ToList();
                if (terms.All(t => Simplifier.IsConstant(t.Partial, 1) || Simplifier.IsConstant(t.Partial, -1)))
                {
                    return "";
                }

                return string.Join("; ", terms.Select(t => $"∂{of}/∂{t.Target} = {MathText(t.Partial)}"));
            }
            finally
            {
                _partials = null;
                _effects.Pop();
                _names = names;
                _adjointUsed = used;
                _bound.Remove(scratch);
            }
        }

        private Expr PrimalOf(Expr adjoint)
        {
            string name = adjoint is Name n ? n.Id : ((Element)adjoint).Span;
            string primal = _adjoint.First(a => a.Value == name).Key;
            return adjoint is Element e ? e with { Span = primal } : new Name(primal, adjoint.Type);
        }

        private static Line Comment(string source, string derivatives) =>
            new(derivatives.Length == 0 ? "// " + source : "// " + source + "   " + derivatives);

        private void ReverseAssignName(Stmt statement, string v, string op, Expr? value, bool declaration, string source, List<Code> output)
        {
            var block = new List<Code> { Comment(source) };
            bool restore = _restoreAt.Contains(statement);
            Line Pop() => new($"{v} = {PopFrom(_analysis.TypeOf(v))};");
            if (value is null || !_analysis.Active.Contains(v) || !value.IsReal)
            {
                if (restore) block.Add(Pop());
                Flush(block, output);
                return;
            }

            var self = new Name(v, value.Type);
            block[0] = Comment(source, LocalDerivatives(v, value, one => Seeds(op, value, one, self, Reads.Of(value).Contains(v))));
            AssignmentAdjoint(op, value, new Name(Adjoint(v), value.Type), self, Reads.Of(value).Contains(v), clear: !declaration, restore ? Pop : null, block);
            Flush(block, output);
        }

        private void ReverseAssignElement(Element target, string op, Expr value, string source, List<Code> output)
        {
            var block = new List<Code> { Comment(source) };
            string span = target.Span;
            bool restore = _needed.Contains(span);
            Note(target.Index);
            Line Pop() => new($"{Print(target)} = {PopFrom(target.Type)};");
            if (!_analysis.Active.Contains(span))
            {
                if (restore) block.Add(Pop());
                Flush(block, output);
                return;
            }

            bool readsSelf = Reads.Of(value).Contains(span);
            block[0] = Comment(source, LocalDerivatives(ExprPrinter.Print(target).Replace(" * ", "·"), value, one => Seeds(op, value, one, target, readsSelf)));

            // An element written once needs no clearing; one written again must not pass its adjoint on twice.
            AssignmentAdjoint(op, value, new Element(Adjoint(span), target.Index, target.Type), target, readsSelf,
                clear: !_analysis.Outputs[span].FinalValuesSuffice, restore ? Pop : null, block);
            Flush(block, output);
        }

        /// <summary>What flows into the right-hand side of <c>target op= value</c> given the target's adjoint.</summary>
        private (Expr Inner, Expr Seed) Seeds(string op, Expr value, Expr adjoint, Expr target, bool readsSelf) => op == "="
            ? PeelFor(value, adjoint, readsSelf ? null : target, readsSelf ? target : null)
            : (value, op == "-=" ? Neg(adjoint) : adjoint);

        /// <summary>
        /// The adjoint of <c>target op= value</c>. The order matters: the seed is read (and, when the statement reads
        /// its own target, captured) while the target still holds its new value; then the target's adjoint is cleared
        /// (for <c>=</c>) and its old value restored; the right-hand side is differentiated last, at the old values.
        /// </summary>
        private void AssignmentAdjoint(string op, Expr value, Expr adjoint, Expr target, bool readsSelf, bool clear, System.Func<Line>? pop, List<Code> block)
        {
            (Expr inner, Expr seed) = Seeds(op, value, adjoint, target, readsSelf);
            if (op == "=")
            {
                bool capture = readsSelf || (pop is not null && Reads.Of(seed).Contains(target is Name n ? n.Id : ((Element)target).Span));
                if (capture)
                {
                    seed = Bind(seed, block, force: true);
                    if (clear) AssignZero(adjoint, block);
                    if (pop is not null) block.Add(pop());
                    Accumulate(inner, seed, block);
                }
                else
                {
                    Accumulate(inner, seed, block);
                    if (clear) AssignZero(adjoint, block);
                    if (pop is not null) block.Add(pop());
                }

                return;
            }

            // += and -=: the adjoint passes through unchanged; only the right-hand side receives a share.
            if (readsSelf) seed = Bind(adjoint, block, force: true) is var captured && op == "-=" ? Neg(captured) : captured;
            if (pop is not null) block.Add(pop());
            Accumulate(inner, seed, block);
        }

        /// <summary>
        /// For <c>v = f(u)</c> with f one of exp, tanh, sigmoid, sqrt, the seed for u is <c>dv · f'(u)</c> written with
        /// the forward value v (already computed) instead of recomputing f. <paramref name="valueNow"/> is where that
        /// value can be read (null when it cannot, because the statement reads its own target).
        /// </summary>
        private (Expr Inner, Expr Seed) PeelFor(Expr value, Expr seed, Expr? valueNow, Expr? selfTarget)
        {
            if (Peel(value) is { } peeled)
            {
                if (valueNow is not null)
                {
                    return (peeled.Argument, peeled.Seed(seed, valueNow));
                }

                // h = tanh(a * h): the new h is still in place before the restore, so capture the seed first.
                if (selfTarget is not null)
                {
                    return (peeled.Argument, peeled.Seed(seed, selfTarget));
                }
            }

            return (value, seed);
        }

        private sealed record Peeled(Expr Argument, System.Func<Expr, Expr, Expr> Seed);

        private static Peeled? Peel(Expr value)
        {
            if (value is not MathCall { Args.Count: 1 } m)
            {
                return null;
            }

            string t = m.Type;
            return m.Function switch
            {
                "Exp" => new Peeled(m.Args[0], (s, v) => Mul(s, v)),
                "Tanh" => new Peeled(m.Args[0], (s, v) => Mul(s, Sub(One(t), Mul(v, v)))),
                "Sigmoid" => new Peeled(m.Args[0], (s, v) => Mul(Mul(s, v), Sub(One(t), v))),
                "Sqrt" => new Peeled(m.Args[0], (s, v) => Div(s, Mul(Simplifier.Constant(2, t), v))),
                _ => null,
            };
        }

        private void ReverseIf(If branch, List<Code> output)
        {
            _effects.Push(new Effects());
            List<Code> then = ReverseBlock(branch.Then, topLevel: false);
            List<Code> otherwise = ReverseBlock(branch.Else, topLevel: false);
            Effects inner = _effects.Pop();
            Current.Absorb(inner);
            if (then.Count == 0 && otherwise.Count == 0)
            {
                return;
            }

            _reversedIfs.Add(branch);
            var assigned = Analysis.AssignedIn(branch.Then).Concat(Analysis.AssignedIn(branch.Else));
            bool taped = Reads.Of(branch.Condition).Overlaps(assigned);
            string condition;
            if (taped)
            {
                _tapedIfs.Add(branch);
                UsesWorkspace = true;
                Current.Pops = true;
                condition = $"{Workspace}.Bools.Pop()";
            }
            else
            {
                Note(branch.Condition);
                condition = Print(branch.Condition);
            }

            output.Add(Comment(branch.Source));
            if (then.Count == 0)
            {
                output.Add(new Scope($"if (!({condition}))", otherwise));
                return;
            }

            output.Add(new Scope($"if ({condition})", then));
            if (otherwise.Count > 0)
            {
                output.Add(new Scope("else", otherwise));
            }
        }

        private void ReverseFor(For loop, List<Code> output)
        {
            _effects.Push(new Effects());
            List<Code> body = ReverseBlock(loop.Body, topLevel: false, recomputeForward: _recomputedLoops.Contains(loop));
            Effects inner = _effects.Pop();
            Current.Absorb(inner);
            if (body.Count == 0)
            {
                return;
            }

            string t = loop.CounterType, i = loop.Counter;
            var assigned = new HashSet<string>(Analysis.AssignedIn(loop.Body));
            if (Reads.Of(loop.Init).Overlaps(assigned) || Reads.Of(loop.Step).Overlaps(assigned))
            {
                throw new GenerationLimitation($"the loop '{loop.Source}' changes its start or step inside its body");
            }

            Note(loop.Init);
            Note(loop.Step);
            if (Canonical(loop) is var (cmp, bound, up))
            {
                Note(bound);
                if (inner.OrderFree)
                {
                    // Iterations commute: keep the forward order (and the user's loop header, so no comment).
                    output.Add(new Scope($"for ({t} {i} = {Print(loop.Init)}; {i} {cmp.Op} {Print(bound)}; {i}{(up ? "++" : "--")})", body));
                    return;
                }

                // Run the iterations backwards: from the last counter value down to the first.
                Expr last = cmp.Op switch
                {
                    "<" => Sub(bound, Simplifier.Constant(1, t)),
                    ">" => Add(bound, Simplifier.Constant(1, t)),
                    _ => bound,
                };
                output.Add(Comment(loop.Source));
                string header = up
                    ? $"for ({t} {i} = {Print(Simplifier.Simplify(last))}; {i} >= {Print(loop.Init)}; {i}--)"
                    : $"for ({t} {i} = {Print(Simplifier.Simplify(last))}; {i} <= {Print(loop.Init)}; {i}++)";
                output.Add(new Scope(header, body));
                return;
            }

            // Any other loop: the forward sweep counted its trips; replay them backwards.
            _countedLoops.Add(loop);
            UsesWorkspace = true;
            Current.Pops = true;
            string trip = _names.Reserve("trip");
            var replay = new List<Code> { new Line($"{t} {i} = {Print(Simplifier.Simplify(Add(loop.Init, Mul(new Name(trip, t), loop.Step))))};") };
            replay.AddRange(body);
            output.Add(Comment(loop.Source));
            output.Add(new Scope($"for (int {trip} = {Workspace}.Ints.Pop() - 1; {trip} >= 0; {trip}--)", replay));
        }

        // ───────────────────────────── adjoint of an expression ─────────────────────────────

        /// <summary>Adds <paramref name="seed"/> · ∂e/∂(each active variable in e) to those variables' adjoints.</summary>
        private void Accumulate(Expr e, Expr seed, List<Code> output)
        {
            if (!IsActive(e))
            {
                return;
            }

            switch (e)
            {
                case Name n:
                    AddTo(new Name(Adjoint(n.Id), n.Type), seed, output);
                    return;
                case Element el:
                    Note(el.Index);
                    AddTo(new Element(Adjoint(el.Span), el.Index, el.Type), seed, output);
                    return;
                case Unary { Op: "-" } u:
                    Accumulate(u.Operand, Neg(seed), output);
                    return;
                case Cast c when c.Operand.IsReal:
                    Accumulate(c.Operand, c.Operand.Type == seed.Type ? seed : new Cast(seed, c.Operand.Type), output);
                    return;
                case Binary { Op: "+" or "-" } b:
                {
                    Expr s = IsActive(b.Left) && IsActive(b.Right) ? Bind(seed, output) : seed;
                    Accumulate(b.Left, s, output);
                    Accumulate(b.Right, b.Op == "-" ? Neg(s) : s, output);
                    return;
                }

                case Binary { Op: "*" } b when RepeatedFactor(b) is var (u, power, rest) && u is not null:
                {
                    // ∂(c·uᵏ)/∂u = k·c·uᵏ⁻¹: one contribution, not k copies of the product rule.
                    Expr partial = Mul(Simplifier.Constant(power, b.Type), rest);
                    partial = Mul(partial, power == 2 ? Use(u) : new MathCall("Pow", new[] { Use(u), Simplifier.Constant(power - 1, b.Type) }.ToEquatableArray(), b.Type));
                    Accumulate(u, Mul(seed, partial), output);
                    return;
                }

                case Binary { Op: "*" } b:
                {
                    Expr s = IsActive(b.Left) && IsActive(b.Right) ? Bind(seed, output) : seed;
                    Accumulate(b.Left, Mul(s, Value(b.Right, output)), output);
                    Accumulate(b.Right, Mul(s, Value(b.Left, output)), output);
                    return;
                }

                case Binary { Op: "/" } b:
                {
                    Expr s = IsActive(b.Left) && IsActive(b.Right) ? Bind(seed, output) : seed;
                    Accumulate(b.Left, Div(s, Use(b.Right)), output);
                    if (IsActive(b.Right))
                    {
                        // ∂(l/r)/∂r = −l/r²
                        Accumulate(b.Right, Neg(Div(Mul(s, Use(b.Left)), Mul(Use(b.Right), Use(b.Right)))), output);
                    }

                    return;
                }

                case Conditional c when _partials is not null:
                    Accumulate(c.WhenTrue, new Conditional(c.Test, seed, Simplifier.Constant(0, seed.Type), seed.Type), output);
                    Accumulate(c.WhenFalse, new Conditional(c.Test, Simplifier.Constant(0, seed.Type), seed, seed.Type), output);
                    return;
                case Conditional c:
                {
                    Note(c.Test);
                    var then = new List<Code>();
                    var otherwise = new List<Code>();
                    Expr s = Bind(seed, output);
                    Accumulate(c.WhenTrue, s, then);
                    Accumulate(c.WhenFalse, s, otherwise);
                    EmitBranch(c.Test, then, otherwise, output);
                    return;
                }

                case MathCall m:
                    AccumulateMath(m, seed, output);
                    return;
                case UserCall call:
                    CallBackward(call, seed, output);
                    return;
            }
        }

        /// <summary>
        /// For a product whose only active factors are one expression u repeated k ≥ 2 times (<c>0.5 * d * d</c>):
        /// u, k and the product of the other factors.
        /// </summary>
        private (Expr? U, int Power, Expr Others) RepeatedFactor(Binary product)
        {
            var factors = new List<Expr>();
            void Flatten(Expr e)
            {
                if (e is Binary { Op: "*" } m && m.Type == product.Type)
                {
                    Flatten(m.Left);
                    Flatten(m.Right);
                }
                else
                {
                    factors.Add(e);
                }
            }

            Flatten(product);
            var active = factors.Where(IsActive).ToList();
            if (active.Count < 2 || active.Any(f => f != active[0]))
            {
                return (null, 0, product);
            }

            Expr rest = factors.Where(f => !IsActive(f)).Select(Use).Aggregate(Simplifier.Constant(1, product.Type), Mul);
            return (active[0], active.Count, rest);
        }

        private void AccumulateMath(MathCall m, Expr seed, List<Code> output)
        {
            string t = m.Type;
            Expr a = m.Args[0];
            switch (m.Function)
            {
                case "Exp" or "Tanh" or "Sigmoid" or "Sqrt":
                {
                    // The value is used twice by tanh and sigmoid: compute it once.
                    Expr value = m.Function is "Tanh" or "Sigmoid" ? BindValue(m, output) : Value(m, output);
                    Peeled peeled = Peel(m)!;
                    Accumulate(a, peeled.Seed(seed, value), output);
                    return;
                }

                case "Log":
                    Accumulate(a, Div(seed, Use(a)), output);
                    return;
                case "Sin":
                    Accumulate(a, Mul(seed, Use(new MathCall("Cos", m.Args, t))), output);
                    return;
                case "Cos":
                    Accumulate(a, Neg(Mul(seed, Use(new MathCall("Sin", m.Args, t)))), output);
                    return;
                case "Abs":
                    // Sub-gradient sign(a), 0 at a = 0 (as PyTorch).
                    Accumulate(a, Mul(seed, Use(new MathCall("Sign", m.Args, "int"))), output);
                    return;
                case "Pow":
                {
                    Expr b = m.Args[1];
                    Expr s = IsActive(a) && IsActive(b) ? Bind(seed, output) : seed;
                    if (IsActive(a))
                    {
                        Expr exponent = Simplifier.Simplify(Sub(Use(b), One(b.Type)));
                        Expr power = Simplifier.IsConstant(exponent, 1) ? Use(a) : new MathCall("Pow", new[] { Use(a), exponent }.ToEquatableArray(), t);
                        Accumulate(a, Mul(Mul(s, Use(b)), power), output);
                    }

                    if (IsActive(b))
                    {
                        Accumulate(b, Mul(Mul(s, Use(m)), new MathCall("Log", new[] { Use(a) }.ToEquatableArray(), t)), output);
                    }

                    return;
                }

                case "Max" or "Min" when _partials is not null:
                {
                    var first = new Binary(m.Function == "Max" ? ">=" : "<=", a, m.Args[1], "bool");
                    Accumulate(a, new Conditional(first, seed, Simplifier.Constant(0, seed.Type), seed.Type), output);
                    Accumulate(m.Args[1], new Conditional(first, Simplifier.Constant(0, seed.Type), seed, seed.Type), output);
                    return;
                }

                case "Max" or "Min":
                {
                    Expr b = m.Args[1];
                    string op = m.Function == "Max" ? ">=" : "<=";
                    var first = new List<Code>();
                    var second = new List<Code>();
                    Expr s = IsActive(a) && IsActive(b) ? Bind(seed, output) : seed;
                    Accumulate(a, s, first);
                    Accumulate(b, s, second);
                    // Ties go to the first argument, so max(0, x) passes nothing at x = 0 (the ReLU convention).
                    EmitBranch(new Binary(op, a, b, "bool"), first, second, output);
                    return;
                }
            }
        }

        private void EmitBranch(Expr test, List<Code> then, List<Code> otherwise, List<Code> output)
        {
            Note(test);
            if (then.Count > 0)
            {
                output.Add(new Scope($"if ({Print(test)})", then));
                if (otherwise.Count > 0) output.Add(new Scope("else", otherwise));
            }
            else if (otherwise.Count > 0)
            {
                output.Add(new Scope($"if ({Print(Negate(test))})", otherwise));
            }
        }

        private static Expr Negate(Expr test) => test switch
        {
            Binary { Op: ">=" } b => b with { Op = "<" },
            Binary { Op: "<=" } b => b with { Op = ">" },
            Binary { Op: ">" } b => b with { Op = "<=" },
            Binary { Op: "<" } b => b with { Op = ">=" },
            Unary { Op: "!" } u => u.Operand,
            _ => new Unary("!", test, "bool"),
        };

        /// <summary>
        /// The adjoint of a call of another differentiable method: its backward, fed with the cotangents of what it
        /// wrote, accumulating into the adjoints of what it read.
        /// </summary>
        private void CallBackward(UserCall call, Expr? seed, List<Code> output)
        {
            if (_partials is not null)
            {
                return; // a call's local derivative is its own backward
            }

            Current.Opaque = true;
            var arguments = new List<string>();
            var after = new List<(Expr Argument, string Temp)>();
            CallTarget target = call.Target;
            string backward = target.Backward;
            string? assignedOutput = AssignsFirstContribution(call);
            for (int i = 0; i < call.Args.Count; i++)
            {
                Note(call.Args[i]);
                arguments.Add(Print(call.Args[i]));
            }

            if (target.ReturnType != "void")
            {
                arguments.Add(seed is null ? "0" : Print(Simplifier.Simplify(seed)));
            }

            for (int i = 0; i < call.Args.Count; i++)
            {
                if (target.Parameters[i].Kind == ParameterKind.SpanOutput && call.Args[i] is SpanRef output2)
                {
                    arguments.Add(Print(output2 with { Span = Adjoint(output2.Span) }, rename: false));
                    _adjointUsed.Add(Adjoint(output2.Span));
                }
            }

            for (int i = 0; i < call.Args.Count; i++)
            {
                ParameterSpec p = target.Parameters[i];
                if (p.Kind == ParameterKind.Scalar)
                {
                    // The adjoint of the argument, named after the call: dSoftplusX for Softplus(x).
                    string temp = _names.Reserve("d" + target.Method + char.ToUpperInvariant(p.Name[0]) + p.Name.Substring(1));
                    output.Add(new Line($"{p.ElementType} {temp} = 0;"));
                    arguments.Add("ref " + temp);
                    after.Add((call.Args[i], temp));
                }
                else if (p.Kind == ParameterKind.SpanInput && call.Args[i] is SpanRef input)
                {
                    if (_analysis.Active.Contains(input.Span) && _adjoint.ContainsKey(input.Span))
                    {
                        arguments.Add(Print(input with { Span = Adjoint(input.Span) }, rename: false));
                        _adjointUsed.Add(Adjoint(input.Span));
                    }
                    else if (target.Registered)
                    {
                        // A constant span where a hand-written backward takes a gradient: an empty span says "not needed",
                        // so it can skip that work (a dense layer's dX when X is the data).
                        arguments.Add("default");
                    }
                    else
                    {
                        // A constant span passed where a generated backward takes a gradient: a scratch to write into.
                        UsesWorkspace = true;
                        string rent = p.ElementType == "float" ? "RentFloats" : "RentDoubles";
                        arguments.Add($"{Workspace}.{rent}({Print(input)}.Length)");
                    }
                }
            }

            if (assignedOutput is not null)
            {
                // The first contribution to this cotangent: the assigning backward sets the uncleared buffer, then the
                // caller's cotangent of the output (empty: zeros) is added.
                backward = target.AssigningBackward!;
                _assignedFirst.Add(assignedOutput);
            }

            output.Add(new Line($"{target.BackwardContainingType}.{backward}({string.Join(", ", arguments)});",
                $"{target.Method}ᵀ({string.Join(", ", call.Args.Select(a => MathText(a)))})"));
            if (assignedOutput is not null)
            {
                output.Add(new Line($"global::SymGrad.Workspace.AddCotangent({Cotangents[assignedOutput]}, {_adjoint[assignedOutput]});"));
            }

            foreach ((Expr argument, string temp) in after)
            {
                Accumulate(argument, new Name(temp, argument.Type), output);
            }

            foreach (SpanRef written in call.Args.Where((a, i) => target.Parameters[i].Kind == ParameterKind.SpanOutput).OfType<SpanRef>())
            {
                if (_analysis.Outputs.TryGetValue(written.Span, out OutputPlan? plan) && !plan.FinalValuesSuffice)
                {
                    output.Add(new Line($"{Print(written with { Span = Adjoint(written.Span) }, rename: false)}.Clear();"));
                }
            }
        }

        /// <summary>
        /// The output whose cotangent work buffer this call's assigning backward may set: the call is a top-level statement
        /// (it runs exactly once), the callee registers an assigning variant, its argument is a whole output span whose
        /// cotangent is a workspace copy, and nothing in the reverse sweep has touched that buffer yet.
        /// </summary>
        private string? AssignsFirstContribution(UserCall call)
        {
            CallTarget target = call.Target;
            if (target.AssigningBackward is null || _reversing.Count != 1 || !_body.Statements.Contains(_reversing.Peek()))
            {
                return null;
            }

            for (int i = 0; i < call.Args.Count; i++)
            {
                if (target.Parameters[i].Name == target.AssignedInput
                    && call.Args[i] is SpanRef { Start: null, Length: null } input
                    && _analysis.Active.Contains(input.Span)
                    && Cotangents.TryGetValue(input.Span, out string? cotangent)
                    && _adjoint.TryGetValue(input.Span, out string? work) && work != cotangent
                    && !_adjointUsed.Contains(work))
                {
                    return input.Span;
                }
            }

            return null;
        }

        /// <summary>Binds each elementary call that occurs more than once in <paramref name="e"/> to a local.</summary>
        private Expr ShareCalls(Expr e, List<Code> output)
        {
            foreach (MathCall call in Subexpressions.RepeatedCalls(e))
            {
                Expr bound = BindValue(call, output);
                e = Subexpressions.Replace(e, call, bound);
            }

            return e;
        }

        private void AddTo(Expr target, Expr contribution, List<Code> output)
        {
            if (_partials is not null)
            {
                _partials.Add((target, contribution));
                return;
            }

            Expr c = ShareCalls(Simplifier.Simplify(contribution), output);
            if (Simplifier.IsConstant(c, 0))
            {
                return;
            }

            if (c.Type != target.Type && target.Type is "float" or "double")
            {
                c = new Cast(c, target.Type);
            }

            string name = target is Name n ? n.Id : ((Element)target).Span;
            _adjointUsed.Add(name);
            Current.Writes.Add(name);
            foreach (string read in Reads.Of(c).Where(_adjointNames.Contains))
            {
                Current.Reads.Add(read);
                _adjointUsed.Add(read);
            }

            string op = "+=";
            if (c is Unary { Op: "-" } negated)
            {
                op = "-=";
                c = negated.Operand;
            }

            output.Add(new Line($"{Print(target, rename: false)} {op} {Print(c)};", $"{MathText(target)} {op} {MathText(c)}"));
        }

        private void AssignZero(Expr adjoint, List<Code> output)
        {
            string name = adjoint is Name n ? n.Id : ((Element)adjoint).Span;
            Current.Writes.Add(name);
            _adjointUsed.Add(name);
            output.Add(new Line($"{Print(adjoint, rename: false)} = 0;"));
        }

        /// <summary>Binds a compound seed to a local so it is computed once.</summary>
        private Expr Bind(Expr seed, List<Code> output, bool force = false)
        {
            if (_partials is not null)
            {
                return Simplifier.Simplify(seed);
            }

            Expr s = ShareCalls(Simplifier.Simplify(seed), output);
            if (!force && s is Name or Literal or Element)
            {
                return s;
            }

            string name = _names.Reserve("g");
            foreach (string read in Reads.Of(s).Where(_adjointNames.Contains))
            {
                Current.Reads.Add(read);
                _adjointUsed.Add(read);
            }

            output.Add(new Line($"{s.Type} {name} = {Print(s)};", $"{name} = {MathText(s)}"));
            return new Name(name, s.Type);
        }

        /// <summary>The value of <paramref name="e"/> for a partial derivative: a call is computed once per statement.</summary>
        private Expr Value(Expr e, List<Code> output) => e is MathCall ? BindValue(e, output) : Use(e);

        private Expr BindValue(Expr value, List<Code> output)
        {
            if (_partials is not null)
            {
                return Use(value);
            }

            if (!_bound.TryGetValue(output, out var bound))
            {
                _bound[output] = bound = new Dictionary<Expr, Expr>();
            }

            if (bound.TryGetValue(value, out Expr? existing))
            {
                return existing;
            }

            string name = _names.Reserve(value is MathCall m ? m.Function.ToLowerInvariant() : "v");
            output.Add(new Line($"{value.Type} {name} = {Print(Use(value))};", $"{name} = {MathText(value)}"));
            return bound[value] = new Name(name, value.Type);
        }

        /// <summary>Marks the primal variables an expression reads in the reverse sweep.</summary>
        private Expr Use(Expr e)
        {
            Note(e);
            return e;
        }

        private void Note(Expr? e)
        {
            foreach (string name in Reads.Of(e))
            {
                if (_adjointNames.Contains(name))
                {
                    continue;
                }

                _reads.Add(name);
                foreach (Stmt reversing in _reversing)
                {
                    _statementReads[reversing].Add(name);
                }

                if (_analysis.Recomputable.Contains(name))
                {
                    _recompute.Add(name);
                }
            }
        }

        private bool IsActive(Expr e) => e.IsReal && Reads.Of(e).Any(n => _analysis.Active.Contains(n) && _adjoint.ContainsKey(n))
            || (e is UserCall && e.IsReal);

        private string Adjoint(string name) => _adjoint[name];

        private string PopFrom(string type)
        {
            UsesWorkspace = true;
            Current.Pops = true;
            return $"{Workspace}.{Tape(type)}.Pop()";
        }

        private static string Tape(string type) => type switch
        {
            "double" => "Doubles",
            "float" => "Floats",
            "int" => "Ints",
            "bool" => "Bools",
            _ => throw new GenerationLimitation($"a value of type {type} would need a tape; use int, bool, float or double"),
        };

        // ───────────────────────────── forward sweep ─────────────────────────────

        private void ComputeForwardNeeded()
        {
            _forwardNeeded = new HashSet<string>(_needed);
            bool changed = true;
            while (changed)
            {
                int before = _forwardNeeded.Count;
                Visit(_body);
                changed = _forwardNeeded.Count != before;
            }

            void Need(Expr? e)
            {
                foreach (string name in Reads.Of(e))
                {
                    if (!(_analysis.Parameters.TryGetValue(name, out ParameterSpec? p) && p.Kind != ParameterKind.SpanOutput)
                        && !(_analysis.Outputs.TryGetValue(name, out OutputPlan? plan) && plan.FinalValuesSuffice))
                    {
                        _forwardNeeded.Add(name);
                    }
                }
            }

            void Visit(Block block)
            {
                foreach (Stmt s in block.Statements)
                {
                    if (!Kept(s))
                    {
                        continue;
                    }

                    switch (s)
                    {
                        case LocalDecl d:
                            Need(d.Init);
                            break;
                        case Assign a:
                            Need(a.Value);
                            if (a.Target is Element e) Need(e.Index);
                            if (a.Op != "=") Need(a.Target);
                            break;
                        case If i:
                            Need(i.Condition);
                            Visit(i.Then);
                            Visit(i.Else);
                            break;
                        case For f:
                            Need(f.Init);
                            Need(f.Condition);
                            Need(f.Step);
                            Visit(f.Body);
                            break;
                        case CallStatement c:
                            foreach (Expr arg in c.Call.Args) Need(arg);
                            break;
                    }
                }
            }
        }

        private bool Kept(Stmt s) => s switch
        {
            LocalDecl d => _forwardNeeded.Contains(d.Name),
            Assign { Target: Name n } => _forwardNeeded.Contains(n.Id),
            Assign { Target: Element e } => _forwardNeeded.Contains(e.Span),
            If i => _tapedIfs.Contains(i) || i.Then.Statements.Any(Kept) || i.Else.Statements.Any(Kept),
            For f => _countedLoops.Contains(f) || f.Body.Statements.Any(Kept),
            CallStatement c => Analysis.WrittenSpans(c.Call).Any(_forwardNeeded.Contains),
            _ => false,
        };

        private List<Code> ForwardBlock(Block block, bool noteReads)
        {
            var output = new List<Code>();
            foreach (Stmt s in block.Statements)
            {
                if (!Kept(s) || (s is For recomputed && _recomputedLoops.Contains(recomputed)))
                {
                    continue;
                }

                if (noteReads)
                {
                    // Forward work done inside the reverse sweep reads restored values, like any adjoint.
                    NoteForward(s);
                }

                switch (s)
                {
                    case LocalDecl d when IsHoisted(d.Name) && _needed.Contains(d.Name):
                        if (_restoreAt.Contains(d)) output.Add(new Line($"{Workspace}.{Tape(d.Type)}.Push({d.Name});"));
                        if (d.Init is not null) output.Add(new Line($"{d.Name} = {Print(d.Init)};"));
                        break;
                    case LocalDecl d:
                        output.Add(new Line(d.Init is null ? $"{d.Type} {d.Name};" : $"{d.Type} {d.Name} = {Print(d.Init)};"));
                        break;
                    case Assign a:
                        if (a.Target is Name ? _restoreAt.Contains(a) : _needed.Contains(((Element)a.Target).Span))
                        {
                            output.Add(new Line($"{Workspace}.{Tape(a.Target.Type)}.Push({Print(a.Target)});"));
                        }

                        output.Add(new Line($"{Print(a.Target)} {a.Op} {Print(a.Value)};"));
                        break;
                    case If i:
                    {
                        List<Code> then = ForwardBlock(i.Then, noteReads);
                        List<Code> otherwise = ForwardBlock(i.Else, noteReads);
                        if (_tapedIfs.Contains(i))
                        {
                            then.Add(new Line($"{Workspace}.Bools.Push(true);"));
                            otherwise.Add(new Line($"{Workspace}.Bools.Push(false);"));
                        }

                        output.Add(new Scope($"if ({Print(i.Condition)})", then));
                        if (otherwise.Count > 0) output.Add(new Scope("else", otherwise));
                        break;
                    }

                    case For f:
                    {
                        List<Code> body = ForwardBlock(f.Body, noteReads);
                        string header = $"for ({f.CounterType} {f.Counter} = {Print(f.Init)}; {Print(f.Condition)}; {StepText(f)})";
                        if (_countedLoops.Contains(f))
                        {
                            string trips = _names.Reserve("trips");
                            output.Add(new Line($"int {trips} = 0;"));
                            body.Insert(0, new Line($"{trips}++;"));
                            output.Add(new Scope(header, body));
                            output.Add(new Line($"{Workspace}.Ints.Push({trips});"));
                        }
                        else
                        {
                            output.Add(new Scope(header, body));
                        }

                        break;
                    }

                    case CallStatement c:
                        output.Add(new Line(Print(c.Call) + ";"));
                        break;
                }
            }

            return output;
        }

        private void NoteForward(Stmt s)
        {
            switch (s)
            {
                case LocalDecl d: Note(d.Init); break;
                case Assign a:
                    Note(a.Value);
                    if (a.Target is Element e) Note(e.Index);
                    if (a.Op != "=") Note(a.Target);
                    break;
                case If i: Note(i.Condition); break;
                case For f: Note(f.Init); Note(f.Condition); Note(f.Step); break;
                case CallStatement c: foreach (Expr arg in c.Call.Args) Note(arg); break;
            }
        }

        private string StepText(For f) =>
            Simplifier.IsConstant(f.Step, 1) ? f.Counter + "++"
            : Simplifier.IsConstant(f.Step, -1) ? f.Counter + "--"
            : f.Step is Unary { Op: "-" } u ? $"{f.Counter} -= {Print(u.Operand)}"
            : $"{f.Counter} += {Print(f.Step)}";

        // ───────────────────────────── helpers ─────────────────────────────

        private string Print(Expr e, bool rename = true) =>
            ExprPrinter.Print(e, rename ? (n => _primal.TryGetValue(n, out string? r) ? r : n) : null);

        /// <summary>The lecture form of an expression: adjoints as ∂L/∂v, products as ·, no namespaces.</summary>
        private string MathText(Expr e)
        {
            var inverse = _adjoint.Where(a => a.Key != a.Value).GroupBy(a => a.Value).ToDictionary(g => g.Key, g => g.First().Key);
            string text = ExprPrinter.Print(e, n => n == DResult ? "∂L/∂result" : inverse.TryGetValue(n, out string? primal) ? "∂L/∂" + primal : n);
            return text.Replace("global::System.MathF.", "").Replace("global::System.Math.", "").Replace(" * ", "·");
        }

        private static Expr One(string type) => Simplifier.Constant(1, type);

        private static Expr Neg(Expr e) => new Unary("-", e, e.Type);

        private static Expr Mul(Expr a, Expr b) => new Binary("*", a, b, a.Type);

        private static Expr Div(Expr a, Expr b) => new Binary("/", a, b, a.Type);

        private static Expr Add(Expr a, Expr b) => new Binary("+", a, b, a.Type);

        private static Expr Sub(Expr a, Expr b) => new Binary("-", a, b, a.Type);

        /// <summary>What a reversed loop body does to adjoints and the tape: decides whether its iterations may run in any order.</summary>
        private sealed class Effects
        {
            public bool Pops { get; set; }

            public bool Opaque { get; set; }

            public HashSet<string> Reads { get; } = new();

            public HashSet<string> Writes { get; } = new();

            public HashSet<string> Declared { get; } = new();

            /// <summary>
            /// Iterations commute when none pops the tape or calls another backward, and no adjoint that outlives an
            /// iteration is both read and written in it (writes are sums, and sums commute).
            /// </summary>
            public bool OrderFree => !Pops && !Opaque && !Reads.Where(r => !Declared.Contains(r)).Any(Writes.Contains);

            public void Absorb(Effects inner)
            {
                Pops |= inner.Pops;
                Opaque |= inner.Opaque;
                Reads.UnionWith(inner.Reads.Where(r => !inner.Declared.Contains(r)));
                Writes.UnionWith(inner.Writes.Where(w => !inner.Declared.Contains(w)));
            }
        }
    }

    /// <summary>A construct inside the subset that this version cannot reverse yet: reported as SG9999 with the reason.</summary>
    internal sealed class GenerationLimitation : System.Exception
    {
        public GenerationLimitation(string message)
            : base(message)
        {
        }
    }
}
