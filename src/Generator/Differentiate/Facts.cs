using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Diagnostics;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Differentiate
{
    /// <summary>
    /// What the transforms need to know about a lowered body: the type of every variable, where each statement and
    /// block stands, which variables carry a derivative (activity), and the calls with no derivative that one reaches.
    /// Statements are keyed by reference: the lowered body has one object per place (<see cref="Walk.Fresh(Block)"/>).
    /// </summary>
    internal sealed class Facts
    {
        private readonly Dictionary<Block, Stmt?> _owners = new(ReferenceComparer<Block>.Instance);
        private readonly Dictionary<Stmt, Block> _blocks = new(ReferenceComparer<Stmt>.Instance);
        private readonly Dictionary<string, List<Block>> _declaringBlocks = new();

        public Facts(MethodModel model, Block body, IEnumerable<LocalSpec> extraLocals)
        {
            Model = model;
            Body = body;
            Parameters = model.Parameters.ToDictionary(p => p.Name);
            foreach (LocalSpec local in model.Locals.Concat(extraLocals))
            {
                LocalTypes[local.Name] = local.Type;
            }

            Locate(body, owner: null);
            FindActive();

            // A local the results do not depend on (the max of a stable softmax) carries no derivative: activity again, without it.
            Invariant.UnionWith(ShiftInvariance.Find(body, Active, LocalTypes));
            if (Invariant.Count > 0)
            {
                Active.Clear();
                FindActive();
            }

            FindCallsWithoutDerivative();
        }

        public MethodModel Model { get; }

        public Block Body { get; }

        public Dictionary<string, ParameterSpec> Parameters { get; }

        public Dictionary<string, string> LocalTypes { get; } = new();

        public HashSet<string> Counters { get; } = new();

        /// <summary>Variables and spans whose value depends on a differentiable input: they carry an adjoint.</summary>
        public HashSet<string> Active { get; } = new();

        /// <summary>Locals computed from the inputs that the results do not depend on (see <see cref="ShiftInvariance"/>).</summary>
        public HashSet<string> Invariant { get; } = new();

        /// <summary>SG0007 for each call without a derivative that an active value flows into.</summary>
        public List<DiagnosticInfo> Diagnostics { get; } = new();

        public bool IsOutput(string name) => Parameters.TryGetValue(name, out ParameterSpec? p) && p.Kind == ParameterKind.SpanOutput;

        public bool IsParameter(string name) => Parameters.ContainsKey(name);

        /// <summary>The element type of a span, or the type of a scalar.</summary>
        public string TypeOf(string name) => LocalTypes.TryGetValue(name, out string? t) ? t : Parameters[name].ElementType;

        /// <summary>The statement whose block this is (null for the body).</summary>
        public Stmt? Owner(Block block) => _owners[block];

        /// <summary>The block a statement stands in.</summary>
        public Block BlockOf(Stmt statement) => _blocks[statement];

        /// <summary>The loops around a statement, outermost first.</summary>
        public List<For> LoopsAround(Stmt statement)
        {
            var loops = new List<For>();
            for (Stmt? s = Owner(BlockOf(statement)); s is not null; s = Owner(BlockOf(s)))
            {
                if (s is For f) loops.Insert(0, f);
            }

            return loops;
        }

        /// <summary>Whether <paramref name="inner"/> is <paramref name="outer"/> or nested inside it.</summary>
        public bool Within(Block inner, Block outer)
        {
            for (Block? b = inner; b is not null;)
            {
                if (ReferenceEquals(b, outer)) return true;
                Stmt? owner = Owner(b);
                b = owner is null ? null : BlockOf(owner);
            }

            return false;
        }

        /// <summary>Whether a local is declared only inside <paramref name="block"/> (at any depth); counters of loops in it too.</summary>
        public bool DeclaredWithin(string name, Block block) =>
            _declaringBlocks.TryGetValue(name, out List<Block>? blocks) && blocks.All(b => Within(b, block));

        private void Locate(Block block, Stmt? owner)
        {
            _owners[block] = owner;
            foreach (Stmt s in block.Statements)
            {
                _blocks[s] = block;
                switch (s)
                {
                    case LocalDecl d:
                        Declared(d.Name, block);
                        break;
                    case For f:
                        Counters.Add(f.Counter);
                        Declared(f.Counter, f.Body);
                        break;
                }

                foreach (Block child in Walk.Children(s))
                {
                    Locate(child, s);
                }
            }
        }

        private void Declared(string name, Block block)
        {
            if (!_declaringBlocks.TryGetValue(name, out List<Block>? blocks))
            {
                _declaringBlocks[name] = blocks = new List<Block>();
            }

            blocks.Add(block);
        }

        private void FindActive()
        {
            foreach (ParameterSpec p in Parameters.Values.Where(p => p.IsDifferentiable))
            {
                Active.Add(p.Name);
            }

            bool changed = true;
            while (changed)
            {
                changed = false;
                foreach (Stmt statement in Walk.All(Body))
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
                    }

                    // A call is active when an argument is: everything it writes becomes active.
                    foreach (UserCall call in Walk.Expressions(statement).SelectMany(Reads.Calls))
                    {
                        if (call.Args.Any(AnyActive))
                        {
                            foreach (string written in Reads.WrittenSpans(call)) Mark(written);
                        }
                    }
                }
            }

            void Mark(string name) => changed |= !Invariant.Contains(name) && Active.Add(name);
        }

        private bool AnyActive(Expr? e) => e is not null && Reads.Of(e).Any(Active.Contains);

        private void FindCallsWithoutDerivative()
        {
            foreach (Stmt statement in Walk.All(Body))
            {
                // A derivative flowing into a callee's [NoDerivative] real parameter would be dropped without a word.
                foreach (UserCall call in Walk.Expressions(statement).SelectMany(Reads.Calls))
                {
                    for (int i = 0; i < call.Args.Count; i++)
                    {
                        ParameterSpec p = call.Target.Parameters[i];
                        if (p.Kind == ParameterKind.Constant && p.ElementType is "double" or "float" && AnyActive(call.Args[i]))
                        {
                            Diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.DerivativeIntoNoDerivative.Id, statement.Location,
                                new[] { Emit.ExprPrinter.Readable(call.Args[i]), p.Name, call.Target.Method }.ToEquatableArray()));
                        }
                    }
                }

                foreach (UnknownCall call in Walk.Expressions(statement).SelectMany(Reads.UnknownCalls))
                {
                    if (Reads.Of(call).Any(Active.Contains))
                    {
                        Diagnostics.Add(new DiagnosticInfo(
                            DiagnosticDescriptors.NoDerivative.Id, call.Location,
                            new[] { call.Display, call.Owner, call.Method, call.Backward }.ToEquatableArray()));
                    }
                }
            }
        }
    }
}
