using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Model;
using SymGrad.Generator.Rules;

namespace SymGrad.Generator.Differentiate
{
    /// <summary>What forward mode produces: the body of <c>MTangent</c> and the tangent parameter of each parameter.</summary>
    internal sealed class TangentProgram
    {
        public TangentProgram(Block body, Dictionary<string, string> slots) => (Body, Slots) = (body, slots);

        /// <summary>The forward computation with each active statement preceded by its tangent's.</summary>
        public Block Body { get; }

        /// <summary>Differentiable input or output, as the signature lists it (a struct whole) → its tangent parameter.</summary>
        public Dictionary<string, string> Slots { get; }
    }

    /// <summary>
    /// Forward mode: the lowered body, each statement that assigns an active real preceded by the assignment of its tangent,
    /// <c>ṫv = Σ ∂e/∂r · ṫr</c> over the active variables and elements <c>r</c> the value <c>e</c> reads — the same local
    /// partials (<see cref="LocalPartials"/>) and rule table the reverse mode uses, applied forwards. Control flow is kept as
    /// it is; nothing is taped. The tangent comes before the statement, which may overwrite what it reads (<c>h = tanh(a·h)</c>).
    /// </summary>
    internal sealed class TangentBuilder
    {
        private readonly ISet<string> _active;
        private readonly System.Func<string, bool> _hasElementTangents;
        private readonly NameAllocator _names;
        private readonly Dictionary<string, string> _tangents = new();
        private readonly HashSet<int> _activePairs = new();

        // What a plain return returns in a method whose results are a tuple: the tuple of their tangents.
        private Expr? _tupleReturn;

        // Variables whose tangent is zero at this point of straight-line code (see KnownZero).
        private readonly HashSet<string> _zeroTangents = new();

        // Locals holding the value of a call that writes outputs, followed by the call of its tangent, which writes them too.
        private readonly HashSet<string> _covered = new();

        /// <param name="active">The variables and spans that vary along the direction.</param>
        /// <param name="hasElementTangents">The spans whose element writes get a tangent write (outputs, gradients).</param>
        private TangentBuilder(ISet<string> active, System.Func<string, bool> hasElementTangents, NameAllocator names)
            => (_active, _hasElementTangents, _names) = (active, hasElementTangents, names);

        /// <summary>The tangent program, or null with the reason when forward mode does not take this method yet.</summary>
        public static TangentProgram? Build(MethodModel model, Block body, IEnumerable<LocalSpec> extraLocals, NameAllocator names, out string? reason)
        {
            // A call with no derivative left here is a constant (one that carries a derivative is SG0007): its tangent is zero.
            reason = Walk.All(body).SelectMany(Walk.Expressions).SelectMany(Reads.Nodes).OfType<UserCall>().FirstOrDefault(c => c.Target is { Tangent: null, TangentFromBackward: false })
                is { } call ? $"it calls {call.Target.Method}, which has no forward mode (a registered backward of spans without a registered tangent, an instance method, a method without MTangent)" : null;
            if (reason is not null)
            {
                return null;
            }

            var facts = new Facts(model, body, extraLocals);
            var builder = new TangentBuilder(facts.Active, facts.IsOutput, names);
            var slots = new Dictionary<string, string>();
            foreach (ParameterSpec p in model.Parameters.Where(p => p.IsDifferentiable || p.Kind == ParameterKind.SpanOutput))
            {
                // A struct's fields are the fields of one tangent: ṫa.X of the tangent Point3 ta.
                string slot = p.Group is { } group
                    ? slots.TryGetValue(group, out string? existing) ? existing : slots[group] = names.Reserve("t" + group)
                    : slots[p.Name] = names.Reserve("t" + p.Name);
                builder._tangents[p.Name] = p.Group is null ? slot : slot + p.Name.Substring(p.Group.Length);
            }

            // Several results: an out result's tangent is an out parameter (zero until assigned: C# wants it assigned), a tuple's
            // elements are locals whose tangents the method returns as a tuple.
            bool tuple = model.Results.Any(r => r.Position < 0);
            foreach (ScalarResult r in model.Results)
            {
                builder._tangents[r.Name] = slots[r.Name] = names.Reserve("t" + r.Name);
            }

            if (tuple)
            {
                var elements = model.Results.Select(r => slots[r.Name]).ToList();
                builder._tupleReturn = model.Results[0].Path is null
                    ? new Opaque("(" + string.Join(", ", elements) + ")", elements.ToEquatableArray(), "tuple")
                    : new Opaque(StructOf(model.Results[0].GroupType, model.Results.Select(r => r.Path!)), elements.ToEquatableArray(), model.Results[0].GroupType);
            }

            var statements = builder.Statements(body);
            if (model.ReturnType == "void" && !tuple && statements.LastOrDefault() is Return { Value: null })
            {
                statements.RemoveAt(statements.Count - 1); // the end of a void method with out results, made explicit by the parser
            }

            // A tuple's or struct's element tangent assigned before anything reads it is declared there (not zeroed first).
            foreach (ScalarResult r in tuple ? model.Results : Enumerable.Empty<ScalarResult>())
            {
                int first = AssignedFirst(statements, slots[r.Name]) ? statements.FindIndex(s => s is Assign { Target: Name n } && n.Id == slots[r.Name]) : -1;
                if (first >= 0)
                {
                    var assign = (Assign)statements[first];
                    statements[first] = new LocalDecl(slots[r.Name], r.Type, assign.Value, assign.Source);
                }
            }

            statements.InsertRange(0, model.Results.SelectMany(r => tuple
                ? new Stmt[] { new LocalDecl(r.Name, r.Type, null, "") }.Concat(statements.Any(s => s is LocalDecl d && d.Name == slots[r.Name])
                    ? System.Array.Empty<Stmt>() : new Stmt[] { new LocalDecl(slots[r.Name], r.Type, Zero(r.Type), "") })
                : AssignedFirst(statements, slots[r.Name]) ? System.Array.Empty<Stmt>() : new Stmt[] { new Assign(new Name(slots[r.Name], r.Type), "=", Zero(r.Type), "") }));
            Block pruned = Prune(new Block(statements.ToEquatableArray()), builder._covered);
            return new TangentProgram(Optimize.ReuseCalls.Apply(Optimize.RuntimeZeros.Tangent(pruned, builder._tangents.Values), names), slots);
        }

        /// <summary>
        /// A struct result's tangent, the field at each of <paramref name="paths"/> the tangent of that field (the others
        /// default), as an <see cref="Opaque"/> template: the initializer's braces doubled, <c>{i}</c> where the i-th stands.
        /// </summary>
        private static string StructOf(string type, IEnumerable<string> paths)
            => Emit.StructInitializer.Of(type, paths.Select((path, i) => (path, "{" + i + "}")), template: true);

        /// <summary>
        /// Forward over reverse: the tangent of a backward pass along a direction of the inputs, for a Hessian-vector
        /// product. <paramref name="body"/> is the backward's (forward sweep, then reverse sweep); <paramref name="tangents"/>
        /// names the direction of each input and the tangent of each gradient (H·v). Taped values get their tangents taped
        /// right after them, so they come off the tape first. Null when the body has a call (no tangent of a callee's backward).
        /// </summary>
        /// <param name="unread">The gradients themselves: only their tangents are asked for, so their writes go.</param>
        /// <param name="followed">
        /// The values whose tangents a branch of the program may zero, guarded where an overflowed factor meets that zero
        /// (<see cref="Optimize.RuntimeZeros.Tangent"/>): the forward sweep's values — not the adjoints, which the reverse
        /// sweep resets to zero as a matter of course. Null: none.
        /// </param>
        public static Block? OverReverse(Block body, IEnumerable<string> inputs, Dictionary<string, string> tangents, ISet<string> unread, NameAllocator names,
            System.Func<string, bool>? followed = null)
        {
            // Calls: of a scalar method without outputs whose own second-order methods SymGrad writes (its backward's tangent is
            // its MBackward along the seed's tangent and its MTangentBackward along the inputs'), of a registered backward with a
            // registered tangent of its own (its second order), and in values, of methods with a forward mode.
            var all = Walk.All(body).ToList();
            if (OverReverseRefusal(all) is not null)
            {
                return null;
            }

            bool VariesIn(UnknownCall call, ISet<string> active) => Reads.Of(call).Any(active.Contains);

            // What varies along the direction: the inputs, and everything computed from them (forward values, adjoints) — but
            // a local only ever passed by ref to be written (an unwanted gradient) has no tangent anybody wants either.
            var valueReads = new HashSet<string>(all.SelectMany(Walk.Expressions)
                .SelectMany(e => Reads.Of(Walk.Transform(e, x => x is Written { Target: Name } ? Empty : null))));
            var refWritten = new HashSet<string>(all.SelectMany(Walk.Expressions).OfType<Written>().Select(w => w.Target).OfType<Name>().Select(n => n.Id));
            bool Wanted(string written) => valueReads.Contains(written) || tangents.ContainsKey(written) || !refWritten.Contains(written);
            var active = new HashSet<string>(inputs);
            var pairs = new HashSet<int>();
            for (bool changed = true; changed;)
            {
                changed = false;
                foreach (Stmt s in all)
                {
                    bool Varies(Expr e) => e.IsReal && (Reads.Of(e).Any(active.Contains) || Reads.Nodes(e).Any(n => n is Pop p && pairs.Contains(p.Pair)));
                    switch (s)
                    {
                        case LocalDecl { Init: { } init } d when Varies(init):
                            changed |= active.Add(d.Name);
                            break;
                        // A work copy of a span that varies (a callee's output cotangent, workspace.CopyOrZeros(dz, z.Length))
                        // varies too: without it the product dropped tdz, the cotangent's tangent (found porting GradBench's ode).
                        case LocalDecl { Init: Opaque copy } d when copy.Reads.Count > 0 && active.Contains(copy.Reads[0]) // what it copies, not whose length
                            && (d.Type.Contains("Span<") || d.Type.EndsWith("[]", System.StringComparison.Ordinal)):
                            changed |= active.Add(d.Name);
                            break;
                        case Assign { Target: Name n } a when Varies(a.Value):
                            changed |= active.Add(n.Id);
                            break;
                        case Assign { Target: Element e } a when Varies(a.Value):
                            changed |= active.Add(e.Span);
                            break;
                        case Push p when Varies(p.Value):
                            changed |= pairs.Add(p.Pair);
                            break;
                        // A call the forward sweep makes again (an output it overwrote, recomputed into its work copy).
                        case CallStatement c when c.Call.Args.Any(a => Varies(a) || a is SpanRef r && active.Contains(r.Span)):
                            foreach (SpanRef written in c.Call.Args.Where((a, i) => c.Call.Target.Parameters[i].Kind == ParameterKind.SpanOutput).OfType<SpanRef>())
                            {
                                changed |= active.Add(written.Span);
                            }

                            break;
                        // (A span of scratch added into a cotangent — the second gradient of a span passed twice — counts too:
                        // AddCotangent(dH0X, dyWork) makes dyWork vary; found by the random-program tester, 6Njpo3aU8ML1.)
                        case Invoke inv when inv.Args.Where(a => a is not Written).Any(a => Varies(a) || a is SpanRef r && active.Contains(r.Span) || a is Name { Type: "span" } n && active.Contains(n.Id)):
                            foreach (string written in Reads.WrittenBy(inv.Args).Where(Wanted))
                            {
                                changed |= active.Add(written);
                            }

                            break;
                    }
                }
            }

            // A call with no derivative is a constant unless what it reads varies here (then nothing differentiates it).
            if (all.SelectMany(Walk.Expressions).SelectMany(Reads.UnknownCalls).Any(u => VariesIn(u, active)))
            {
                return null;
            }

            // A span of scratch the body declares (an output's cotangent, accumulated into) has element tangents where it varies.
            // An output array's work copy (workspace.CopyArray(y)) likewise: a callee taking the array rewrites it and its tangent.
            var scratch = new HashSet<string>(all.OfType<LocalDecl>().Where(d => d.Init is Opaque && (d.Type.Contains("Span<") || d.Type.EndsWith("[]", System.StringComparison.Ordinal))).Select(d => d.Name));
            var builder = new TangentBuilder(active, span => tangents.ContainsKey(span) || scratch.Contains(span) && active.Contains(span), names);
            foreach (KeyValuePair<string, string> t in tangents)
            {
                builder._tangents[t.Key] = t.Value;
            }

            var statements = builder.Statements(body);
            // The gradients themselves are not asked for: their writes go, and a callee's backward gets an empty span for one —
            // as for the scratch a gradient's second part went to (ExpressionAdjoint), which nothing adds to it now.
            var discarded = new HashSet<string>(unread.Concat(Walk.All(new Block(statements.ToEquatableArray())).OfType<Invoke>()
                .Where(add => add.IsAddCotangent && add.Args[0] is Name && add.Args[1] is Written { Target: SpanRef into } && unread.Contains(into.Span))
                .Select(add => ((Name)add.Args[0]).Id)));
            Block product = Walk.Rewrite(new Block(statements.ToEquatableArray()), s =>
                s is Assign { Target: Name n } && unread.Contains(n.Id) || s is Assign { Target: Element e } && unread.Contains(e.Span) ? System.Array.Empty<Stmt>()
                : s is Invoke { Target: ".Clear" } clear && clear.Args[0] is Written { Target: SpanRef cleared } && discarded.Contains(cleared.Span) ? System.Array.Empty<Stmt>()
                : s is Invoke { IsAddCotangent: true } add && add.Args[1] is Written { Target: SpanRef into } && unread.Contains(into.Span) ? System.Array.Empty<Stmt>()
                : s is Invoke inv ? new[] { inv with { Args = inv.Args.Select(a => a is Written { Target: SpanRef r } && discarded.Contains(r.Span)
                    || a is Written { Target: Name { Type: "span" } scratch } && discarded.Contains(scratch.Id) ? Empty : a).ToEquatableArray() } }
                : new[] { s });
            Block pruned = Prune(product, builder._covered);
            if (followed is not null)
            {
                pruned = Optimize.RuntimeZeros.Tangent(pruned, builder._tangents.Where(t => followed(t.Key)).Select(t => t.Value));
            }

            return Optimize.ReuseCalls.Apply(pruned, names);
        }

        /// <summary>
        /// Why <see cref="OverReverse"/> cannot differentiate the backward <paramref name="all"/> (its statements) once more: the
        /// first call with no second order, described for the user; null when every call has one.
        /// </summary>
        public static string? OverReverseRefusal(IEnumerable<Stmt> all)
        {
            foreach (Stmt s in all)
            {
                switch (s)
                {
                    case CallStatement { Call.Target: { Tangent: null } target }:
                        return $"it calls {target.Method}, which has no forward mode";
                    case Invoke inv when !NestedBackward(inv) && !RegisteredSecondOrder(inv) && !inv.IsAddCotangent && inv.Target != ".Clear":
                        return inv.IsSecondOrder ? $"it calls {inv.Call?.Method}, whose registered second order {inv.Target.Split('.').Last()} has no derivative of its own (a third order through a registered function is not written yet)"
                            : inv.Call is not { } callee ? $"its backward calls {inv.Target}, which has no second order"
                            : callee.BackwardCallsOf is not null ? $"it calls {callee.Method.Substring(0, callee.Method.IndexOf("BackwardOf", System.StringComparison.Ordinal))}Backward nested (read as {callee.Method}), whose pullback's tangent takes the third derivative of the method it differentiates, which SymGrad writes through that method's forward mode read as a method of its own: not for one calling a registered function whose tangent has no registered derivatives of its own (a third order: every Nn primitive's has one), generic, or with out results or structs"
                            : callee.TangentCallsOf is not null ? $"it calls {callee.Method} nested, whose pullback's tangent ({callee.Method}BackwardTangent) takes the third derivative of the method it differentiates, which SymGrad writes only where each registered function that method calls has a registered tangent of its tangent's backward (every Nn primitive's has one; for your own, a [TangentOf] of its MTangentBackward — not a registered function whose tangent is read off its backward, which gives two derivatives, not three)"
                            : callee.Accumulates ? $"it adds a span's gradient of a nested call ({callee.Method}), whose pullback's tangent takes the third derivative of a method that has none (it calls a registered function, an Nn primitive or a generated derivative)"
                            : callee.Registered ? $"it calls {callee.Method}, whose registered backward {callee.Backward} has no registered tangent (its second order: a [TangentOf(typeof({callee.BackwardContainingType.Replace("global::", "")}), nameof({callee.Backward}))] method)"
                            : callee.NestedOf is not null ? $"it calls {callee.Method} nested, whose pullback's tangent takes the third derivative of the method it differentiates, which SymGrad writes for a method calling no registered function, Nn primitive or generated derivative, and keeping no local buffers"
                            : $"it calls {callee.Method}, whose backward SymGrad does not differentiate again here (a callee returning a scalar needs MHessianVector and MTangent itself; one writing outputs gets an MBackwardTangent when static, its spans of one real type, without out results)";
                }

                // (A call with no derivative is a constant here: the caller checks that nothing it reads varies.)
                if (Walk.Expressions(s).SelectMany(Reads.Nodes).OfType<UserCall>().FirstOrDefault(c => c.Target is { Tangent: null, TangentFromBackward: false }) is { } call)
                {
                    return $"it calls {call.Target.Method}, which has no forward mode";
                }
            }

            return null;
        }

        /// <summary>
        /// The backward of a registered method whose own tangent is registered, or of a generated method writing outputs whose
        /// <c>MBackwardTangent</c> SymGrad writes in the same shape (see <see cref="RegisteredBackwardTangent"/>).
        /// </summary>
        private static bool RegisteredSecondOrder(Invoke inv) => inv.Call is { BackwardTangent: not null } && inv.Cotangents.Count > 0 && !inv.IsSecondOrder;

        /// <summary>
        /// The registered backward <c>FBackward(x, y, s, ȳ, ref dx)</c> replaced by the call of its registered tangent, which
        /// writes what it writes and the tangents of its gradients along those of everything it reads (ẋ, the outputs' ẏ, the
        /// seeds' ṡ and ȳ̇): <c>FBackwardTangent(x, y, s, ȳ, ref dx, ẋ, ẏ, ṡ, ȳ̇, ref dẋ)</c>. A gradient whose tangent is not
        /// asked for gets a local nobody reads (a ref) or an empty span (not needed). Null when nothing it reads varies.
        /// </summary>
        private Invoke? RegisteredBackwardTangent(Invoke inv, CallTarget callee, List<Stmt> output)
        {
            // The backward's parameters: the callee's (its outputs read as values), the result's seed, the outputs' cotangents,
            // then a gradient per differentiable input; its tangent takes a tangent of each real one it reads, as registered.
            var parameters = callee.Parameters;
            int n = parameters.Count, outputs = parameters.Count(p => p.Kind == ParameterKind.SpanOutput);
            int seeds = (callee.ReturnType is "double" or "float" ? 1 : 0) + outputs;
            var tangents = new List<Expr>();
            bool varies = false;
            foreach (int i in callee.BackwardTangentInputs)
            {
                Expr arg = inv.Args[i];
                Expr tangent = arg is SpanRef span ? (HasTangent(span.Span) ? span with { Span = Tangent(span.Span) } : Empty)
                    : arg.IsReal ? Forward(arg, output).Tangent : Empty;
                varies |= tangent != Empty && !Simplifier.IsConstant(tangent, 0);
                tangents.Add(tangent);
            }

            var products = inv.Args.Skip(n + seeds).Select(g => g switch
            {
                Written { Target: Name t } when _active.Contains(t.Id) => new Written(t with { Id = Tangent(t.Id) }),
                Written { Target: SpanRef r } when _active.Contains(r.Span) || _tangents.ContainsKey(r.Span) => new Written(r with { Span = Tangent(r.Span) }),
                // A span of scratch nobody reads (the second gradient of a span passed twice, once its sum is dead code): empty,
                // not wanted (CI on b23b404, 3y3N_Xql21K1: a local of the IR's type "span" for BatchNorm(w, y, y, …)).
                Written { Target: Name { Type: "span" } } => Empty,
                Written { Target: Name t } => Discard(t.Type, output),
                _ => Empty,
            }).ToList();
            if (!varies || products.All(p => p == Empty))
            {
                return null;
            }

            // The assigning variant (dx = …, for a work copy rented uncleared) has no tangent of its own: the accumulating
            // backward's adds into the gradient and its tangent, so both are cleared first. Found by the random-program
            // tester (FOUND.md O1): H·v took the workspace's leftovers.
            if (inv.Assigning is { } assigning && inv.Target == assigning && inv.AssignedArg >= n + seeds)
            {
                output.Add(new Comment($"{callee.Method}ᵀ assigns its gradient; its tangent accumulates: both start from zero."));
                output.Add(Clear(inv.Args[inv.AssignedArg]));
                if (products[inv.AssignedArg - n - seeds] is Written tangentGradient)
                {
                    output.Add(Clear(tangentGradient));
                }
            }

            return inv with { Target = callee.BackwardTangent!, Args = inv.Args.Concat(tangents).Concat(products).ToEquatableArray(), Assigning = null, AssignedArg = -1, IsSecondOrder = true };
        }

        /// <summary>
        /// Records whether <paramref name="name"/>'s tangent is zero after <c>name op= …</c> with this tangent. A variable that
        /// varies somewhere (activity is per variable) may hold a constant here: s = b − b, then s2 = atan2(s, s) has the
        /// partial NaN at (0, 0), and NaN·ṡ with ṡ = 0 is NaN where the backward, which sees that s does not vary yet, gives 0
        /// (found by the random-program tester in CI, a2pb2PH9lKv1). Read while known zero, its tangent is the constant 0.
        /// </summary>
        private void KnownZero(string name, string op, Expr tangent)
        {
            if (!Simplifier.IsConstant(tangent, 0))
            {
                _zeroTangents.Remove(name);
            }
            else if (op == "=")
            {
                _zeroTangents.Add(name);
            }
        }

        /// <summary>The tangent's initial value for a span of scratch the backward declares (see the case in <see cref="Statements"/>).</summary>
        private Opaque WorkCopyTangent(Opaque init, string type)
        {
            string rent = type.Contains("<float>") ? ".RentFloats" : ".RentDoubles";
            int copy = init.Template.IndexOf(".Copy({0})", System.StringComparison.Ordinal);
            if (copy >= 0)
            {
                return init with { Template = init.Template.Substring(0, copy) + rent + "({0}.Length)" };
            }

            // An output array's work copy (workspace.CopyArray(y), for a callee taking an array): its tangent a zeroed array too.
            int array = init.Template.IndexOf(".CopyArray({0})", System.StringComparison.Ordinal);
            if (array >= 0 && type.EndsWith("[]", System.StringComparison.Ordinal))
            {
                return init with { Template = init.Template.Substring(0, array) + ".RentArray<" + type.Substring(0, type.Length - 2) + ">({0}.Length)" };
            }

            int cotangent = init.Template.IndexOf(".CopyOrZeros({0}, {1}.Length)", System.StringComparison.Ordinal);
            if (cotangent >= 0)
            {
                return HasTangent(init.Reads[0])
                    ? init with { Reads = new[] { Tangent(init.Reads[0]), init.Reads[1] }.ToEquatableArray() }
                    : new Opaque(init.Template.Substring(0, cotangent) + rent + "({0}.Length)", new[] { init.Reads[1] }.ToEquatableArray(), init.Type);
            }

            return init; // scratch rented cleared
        }

        private static Invoke Clear(Expr written) => new(".Clear", new[] { written }.ToEquatableArray(), "");

        /// <summary>A local nobody reads, written for a <c>ref</c> argument whose value is not wanted.</summary>
        private Expr Discard(string type, List<Stmt> output)
        {
            string discard = _names.Reserve("unwanted");
            output.Add(new LocalDecl(discard, type, Zero(type), ""));
            return new Written(new Name(discard, type));
        }

        /// <summary>The backward of a call whose tangent SymGrad can write (see <see cref="BackwardTangent"/>).</summary>
        private static bool NestedBackward(Invoke inv) => !inv.IsSecondOrder && inv.Call is { Nested: true } c && c.ReturnType != "void"
            && !c.Parameters.Any(p => p.Kind == ParameterKind.SpanOutput) && inv.Cotangents.Count == 1;

        /// <summary>
        /// The tangent of <c>FBackward(x, s, ref dx)</c> (dx += s·∇F(x)) along ẋ and ṡ: dẋ += ṡ·∇F(x) + s·H·ẋ, that is
        /// <c>FBackward(x, ṡ, ref dẋ)</c> and <c>FTangentBackward(x, ẋ, s, ref dẋ, …)</c> (whose ∇F·s into ẋ's gradients is not
        /// wanted here).
        /// </summary>
        private IEnumerable<Stmt> BackwardTangent(Invoke inv, CallTarget callee, List<Stmt> output)
        {
            int n = callee.Parameters.Count;
            var primal = inv.Args.Take(n).ToList();
            (Expr seed, Expr seedTangent) = Forward(inv.Args[inv.Cotangents[0]], output);
            var gradients = inv.Args.Skip(inv.Cotangents[0] + 1).ToList();
            var products = gradients.Select(g => g switch
            {
                Written { Target: Name t } when _active.Contains(t.Id) => new Written(t with { Id = Tangent(t.Id) }),
                Written { Target: SpanRef r } when _active.Contains(r.Span) || _tangents.ContainsKey(r.Span) => new Written(r with { Span = Tangent(r.Span) }),
                _ => (Expr?)null,
            }).ToList();
            if (products.All(p => p is null))
            {
                yield break;
            }

            // A gradient whose tangent is not asked for: an empty span, or a local nobody reads for a ref.
            Expr Discard(string type) => this.Discard(type, output);

            var directions = new List<Expr>();
            var unwanted = new List<Expr>();
            bool varies = false;
            for (int i = 0; i < n; i++)
            {
                ParameterSpec p = callee.Parameters[i];
                if (!p.IsDifferentiable)
                {
                    continue;
                }

                if (primal[i] is SpanRef input)
                {
                    bool active = HasTangent(input.Span);
                    varies |= active;
                    directions.Add(active ? input with { Span = Tangent(input.Span) } : Empty);
                    unwanted.Add(Empty);
                    continue;
                }

                // A span passed empty (FTangent's direction of a span without a tangent, taken again by a third order): zero,
                // and so is its direction. By the parameter, not the argument: read as a scalar it was 0 and ref unwanted
                // (CS1503, CS1615; found by the random-program tester, 78Fd38hSAnU1: H1 calling N0(x, …, w) with w [NoDerivative]).
                if (callee.Parameters[i].IsBuffer)
                {
                    directions.Add(Empty);
                    unwanted.Add(Empty);
                    continue;
                }

                Expr tangent = Forward(primal[i], output).Tangent;
                varies |= !Simplifier.IsConstant(tangent, 0);
                directions.Add(tangent);
                unwanted.Add(Discard(p.ElementType));
            }

            // (A span's gradient in scratch — the second of a span passed for two inputs, N0Backward(…, y, y, …) — is a name of
            // a span: its tangent not wanted is an empty span, not a ref local; found by the random-program tester, 9ouidTnDPTe1.)
            var into = products.Select((p, k) => p ?? (gradients[k] is Written { Target: Name { Type: not "span" } t } ? Discard(t.Type) : Empty)).ToList();
            string owner = callee.BackwardContainingType + ".";
            // Each a backward of a callee again (F's, FTangent's), so that a tangent of this product's body can differentiate it.
            if (!Simplifier.IsConstant(seedTangent, 0))
            {
                yield return new Invoke(owner + callee.Backward, primal.Append(seedTangent).Concat(into).ToEquatableArray(), "") { Call = callee, Cotangents = new[] { n }.ToEquatableArray() };
            }

            if (varies)
            {
                yield return new Invoke(owner + callee.Method + "TangentBackward", primal.Concat(directions).Append(seed).Concat(into).Concat(unwanted).ToEquatableArray(), "")
                {
                    Call = callee.TangentCallee,
                    Cotangents = callee.TangentCallee is null ? EquatableArray<int>.Empty : new[] { n + directions.Count }.ToEquatableArray(),
                };
            }
        }

        /// <summary>
        /// Drops the locals nothing reads (a tangent no result depends on, a local the lowering folded away, an adjoint only
        /// its own update reads: ds = ds / 2.0), as often as that frees more: C# warns of a local assigned a constant and
        /// never read (CS0219). A call that writes outputs stays: its effect is what is read — unless it is
        /// <paramref name="covered"/> by the call of its tangent, which writes them too.
        /// </summary>
        private static Block Prune(Block body, ISet<string> covered)
        {
            while (true)
            {
                // A callee's backward only writes its gradients: what it writes is not read by it.
                var read = new HashSet<string>(Walk.All(body).SelectMany(s => Walk.Expressions(s)
                    .Where(e => !(s is Assign { Target: Name } a && ReferenceEquals(e, a.Target)) && !(s is Invoke { Call: not null } && e is Written { Target: Name }))
                    .SelectMany(Reads.Of).Where(r => !(s is Assign { Target: Name t } && t.Id == r && !WritesOutputs(s)))));
                var dead = new HashSet<string>(Walk.All(body).OfType<LocalDecl>().Select(d => d.Name).Where(n => !read.Contains(n)));

                // A value taken off the tape is taken off whether read or not: the pops after it are the pushes before it.
                dead.ExceptWith(Walk.All(body).Where(Pops).Select(st => st is LocalDecl d ? d.Name : st is Assign { Target: Name n } ? n.Id : ""));

                // A callee's backward that stays (it writes something read) keeps every local it writes.
                dead.ExceptWith(Walk.All(body).OfType<Invoke>().Where(inv => inv.Call is not null && !inv.Args.OfType<Written>().All(w => w.Target is Name n && dead.Contains(n.Id)))
                    .SelectMany(inv => inv.Args.OfType<Written>().Select(w => w.Target).OfType<Name>().Select(n => n.Id)));

                if (dead.Count == 0)
                {
                    // A name read in one scope may be declared, and never read, in another (a loop's copy in the forward sweep).
                    Block scoped = PruneScopes(body, covered);
                    if (scoped == body)
                    {
                        return body;
                    }

                    body = scoped;
                    continue;
                }

                // A dead local assigned a call that writes outputs: the call stays, as a statement (its value unused).
                body = Walk.Rewrite(body, s => s is LocalDecl d && dead.Contains(d.Name) || s is Assign { Target: Name n } && dead.Contains(n.Id)
                    ? (s is LocalDecl l && covered.Contains(l.Name) ? Enumerable.Empty<Stmt>() : OutputCalls(s))
                    : s is Invoke { Call: not null } inv && inv.Args.OfType<Written>().All(w => w.Target is Name n && dead.Contains(n.Id))
                    ? System.Array.Empty<Stmt>() : new[] { s });
            }
        }

        /// <summary>Whether the first statement that mentions <paramref name="name"/> is a plain <c>name = …</c> of the method's body.</summary>
        private static bool AssignedFirst(List<Stmt> statements, string name)
        {
            foreach (Stmt s in statements)
            {
                bool mentions = Walk.All(new Block(new[] { s }.ToEquatableArray())).Any(t => Walk.Expressions(t).SelectMany(Reads.Of).Contains(name));
                if (mentions)
                {
                    return s is Assign { Op: "=", Target: Name n, Value: var value } && n.Id == name && !Reads.Of(value).Contains(name);
                }
            }

            return false;
        }

        /// <summary>
        /// Drops each local declared in a block and read nowhere after it in that block, with its assignments there (calls that
        /// write outputs kept as statements). The same reference back when nothing goes.
        /// </summary>
        private static Block PruneScopes(Block block, ISet<string> covered)
        {
            var statements = block.Statements.Select(s => s switch
            {
                If i => i with { Then = PruneScopes(i.Then, covered), Else = PruneScopes(i.Else, covered) },
                For f => f with { Body = PruneScopes(f.Body, covered) },
                _ => s,
            }).ToList();
            bool changed = !statements.SequenceEqual(block.Statements, ReferenceComparer<Stmt>.Instance);
            for (int i = statements.Count - 1; i >= 0; i--)
            {
                if (statements[i] is not LocalDecl d || Pops(d))
                {
                    continue;
                }

                var rest = new Block(statements.Skip(i + 1).ToEquatableArray());
                bool read = Walk.All(rest).Any(s => Walk.Expressions(s).Where(e => !(s is Assign { Target: Name } a && ReferenceEquals(e, a.Target))).SelectMany(Reads.Of).Contains(d.Name));
                if (read)
                {
                    continue;
                }

                if (Walk.All(rest).Any(s => s is Assign { Target: Name n } && n.Id == d.Name && Pops(s)))
                {
                    continue;
                }

                Block pruned = Walk.Rewrite(rest, s => s is Assign { Target: Name n } && n.Id == d.Name
                    ? OutputCalls(s)
                    : new[] { s });
                var kept = covered.Contains(d.Name) ? Enumerable.Empty<Stmt>() : OutputCalls(d);
                statements = statements.Take(i).Concat(kept).Concat(pruned.Statements).ToList();
                changed = true;
            }

            return changed ? new Block(statements.ToEquatableArray()) : block;
        }

        private static bool Pops(Stmt s) => Walk.Expressions(s).SelectMany(Reads.Nodes).Any(e => e is Pop);

        private static bool WritesOutputs(Stmt s) => Walk.Expressions(s).SelectMany(Reads.Nodes)
            .Any(e => e is UserCall c && c.Target.Parameters.Any(p => p.Kind == ParameterKind.SpanOutput));

        private List<Stmt> Statements(Block block)
        {
            // A block starts knowing nothing: an if's else follows its then here, not at run time (found by CI, 7wCzGwgXuix1:
            // s2 = 2.0 in the then branch made s2's tangent 0 in the else branch).
            _zeroTangents.Clear();
            var output = new List<Stmt>();
            foreach (Stmt statement in block.Statements)
            {
                // x *= v and x /= v (in a backward pass: an adjoint scaled in place, ds /= 2) as x = x * v: the tangent of a
                // product is ẋ·v + x·v̇, not ẋ *= v̇ as for += and -= (found by the random-program tester: H·v lost the
                // scaling). The user's own compound assignments reach here lowered so already.
                Stmt s = statement is Assign { Op: "*=" or "/=" } scale
                    ? scale with { Op = "=", Value = new Binary(scale.Op.Substring(0, 1), scale.Target, scale.Value, scale.Target.Type) }
                    : statement;
                // Control flow, calls, the tape: what is known to be zero is known in straight-line code only.
                bool straight = s is LocalDecl or Assign { Target: Name or Element } or Comment;
                if (!straight)
                {
                    _zeroTangents.Clear();
                }

                switch (s)
                {
                    case Assign when Optimize.Tidy.AssignsItself(s):
                        break; // s = s or s = (double)s, left by lowering a switch arm that keeps s (CS1717 if printed; campaign seed 902, 0tj6rGbGtIw1)
                    case LocalDecl { Init: { } init } d when IsActive(d.Name, d.Type):
                    {
                        (Expr value, Expr tangent) = Forward(init, output);
                        output.Add(new LocalDecl(Tangent(d.Name), d.Type, tangent, d.Source));
                        output.Add(d with { Init = value });
                        KnownZero(d.Name, "=", tangent);
                        break;
                    }

                    case LocalDecl d when IsActive(d.Name, d.Type):
                        output.Add(new LocalDecl(Tangent(d.Name), d.Type, null, d.Source));
                        output.Add(d);
                        break;

                    // A local no result depends on (activity leaves it out) assigned a value that calls a method writing outputs:
                    // the call's tangent still writes theirs. Found by the random-program tester: with g unread, g = 2.0 * H(a, y)
                    // kept H(a, y) and lost ẏ.
                    case LocalDecl { Init: { } init } d when WritesOutputs(d) && IsActive(init):
                    {
                        (Expr value, Expr tangent) = Forward(init, output);
                        output.AddRange(OutputCalls(tangent, d.Source));
                        output.Add(d with { Init = value });
                        break;
                    }

                    case Assign { Target: Name n } a when !IsActive(n.Id, n.Type) && WritesOutputs(a) && IsActive(a.Value):
                    {
                        (Expr value, Expr tangent) = Forward(a.Value, output);
                        output.AddRange(OutputCalls(tangent, a.Source));
                        output.Add(a with { Value = value });
                        break;
                    }
                    case Assign { Target: Name n } a when IsActive(n.Id, n.Type):
                    {
                        (Expr value, Expr tangent) = Forward(a.Value, output);
                        var target = new Name(Tangent(n.Id), n.Type);
                        if (!(a.Op == "=" && tangent == target || a.Op != "=" && Simplifier.IsConstant(tangent, 0)))
                        {
                            output.Add(new Assign(target, a.Op, tangent, a.Source)); // not ṫs = ṫs (CS1717), not ṫs += 0
                        }

                        output.Add(a with { Value = value });
                        KnownZero(n.Id, a.Op, tangent);
                        break;
                    }

                    case Assign { Target: Element e } a when _hasElementTangents(e.Span):
                    {
                        (Expr value, Expr tangent) = Forward(a.Value, output);
                        output.Add(new Assign(e with { Span = Tangent(e.Span) }, a.Op, tangent, a.Source));
                        output.Add(a with { Value = value });
                        break;
                    }

                    case If i:
                        output.Add(i with { Condition = i.StrongZero ? Moving(i.Condition) : i.Condition, Then = new Block(Statements(i.Then).ToEquatableArray()), Else = new Block(Statements(i.Else).ToEquatableArray()) });
                        break;
                    case For f:
                        output.Add(f with { Body = new Block(Statements(f.Body).ToEquatableArray()) });
                        break;
                    // A span's values taped whole (an output a call overwrites in a loop) and restored: its tangent with it, taped
                    // right after it, so that it comes off first.
                    case Push { Value: SpanRef span } push when HasTangent(span.Span):
                        output.Add(push);
                        output.Add(new Push(span with { Span = Tangent(span.Span) }, push.Pair));
                        break;
                    case Assign { Target: SpanRef span, Value: Pop } restore when HasTangent(span.Span):
                        output.Add(restore with { Target = span with { Span = Tangent(span.Span) } });
                        output.Add(restore);
                        break;
                    case Invoke { Target: ".Clear" } clear when clear.Args[0] is Written { Target: SpanRef cleared } && HasTangent(cleared.Span):
                        output.Add(Clear(new Written(cleared with { Span = Tangent(cleared.Span) })));
                        output.Add(clear);
                        break;
                    case Push push when IsActive(push.Value):
                    {
                        (Expr value, Expr tangent) = Forward(push.Value, output);
                        output.Add(push with { Value = value });
                        output.Add(new Push(tangent, push.Pair));
                        _activePairs.Add(push.Pair);
                        break;
                    }

                    // A call writing outputs whose value nothing active reads: its tangent call still writes the outputs' tangents.
                    case LocalDecl { Init: UserCall call } d when !IsActive(d.Name, d.Type) && WritesOutputTangents(call):
                    {
                        (Expr value, Expr tangent) = Forward(call, output);
                        output.Add(new CallStatement((UserCall)tangent, d.Source));
                        output.Add(d with { Init = value });
                        break;
                    }

                    case Assign { Target: Name n, Value: UserCall call } a when !IsActive(n.Id, n.Type) && WritesOutputTangents(call):
                    {
                        (Expr value, Expr tangent) = Forward(call, output);
                        output.Add(new CallStatement((UserCall)tangent, a.Source));
                        output.Add(a with { Value = value });
                        break;
                    }

                    case CallStatement c:
                    {
                        (UserCall call, UserCall? tangent) = CallTangent(c.Call, output);
                        output.Add(new CallStatement(tangent ?? call, c.Source)); // the tangent call writes the outputs too
                        break;
                    }

                    // The same span passed for two inputs of a call: the second's gradient goes to scratch, added after the call
                    // (ExpressionAdjoint). The scratch's tangent is scratch too, added to the adjoint's tangent (the sum is linear).
                    // An output's work copy (workspace.Copy(y)): the forward sweep writes what it reads of it again, and what it
                    // does not write is the caller's, a constant — its tangent starts from zeros, not from a copy of y.
                    // A cotangent's work copy (workspace.CopyOrZeros(dy, y.Length)) starts from the cotangent's tangent, or zeros.
                    case LocalDecl { Init: Opaque o } d when (d.Type.Contains("Span<") || d.Type.EndsWith("[]", System.StringComparison.Ordinal)) && _active.Contains(d.Name):
                        output.Add(d with { Name = Tangent(d.Name), Init = WorkCopyTangent(o, d.Type) });
                        output.Add(d);
                        break;
                    case Invoke { IsAddCotangent: true } add when add.Args[0] is Name scratch && _active.Contains(scratch.Id) && add.Args[1] is Written { Target: SpanRef into }:
                        output.Add(Invoke.AddCotangent(scratch with { Id = Tangent(scratch.Id) }, into with { Span = Tangent(into.Span) }));
                        output.Add(add);
                        break;

                    // An output's cotangent added after the call that assigned its work copy (Cotangents.AssignFirst): in a backward's
                    // tangent the cotangent has one (found by NetworkCases.OwnLayers: a layer whose caller reads its hidden output).
                    case Invoke { IsAddCotangent: true } add when add.Args[0] is Name cotangent && _active.Contains(cotangent.Id) && add.Args[1] is Written { Target: Name work }:
                        output.Add(Invoke.AddCotangent(cotangent with { Id = Tangent(cotangent.Id) }, work with { Id = Tangent(work.Id) }));
                        output.Add(add);
                        break;
                    case Invoke inv when inv.Call is { } callee && RegisteredSecondOrder(inv):
                        output.Add(RegisteredBackwardTangent(inv, callee, output) ?? inv);
                        break;
                    case Invoke inv when inv.Call is { } callee && NestedBackward(inv):
                        output.AddRange(BackwardTangent(inv, callee, output).ToList());
                        output.Add(inv);
                        break;
                    case Return { Value: null } r when _tupleReturn is not null:
                        output.Add(new Return(_tupleReturn, r.Source));
                        break;
                    case Return { Value: { } value } r when value.IsReal:
                        output.Add(new Return(Forward(value, output).Tangent, r.Source)); // MTangent returns the result's tangent
                        break;
                    // A call for its effects that reads what varies and has no rule above (a derivative read off a registered
                    // backward, in a forward mode read as a method): what it writes is not a constant. Parsing refuses what
                    // reaches here (TangentCalls.Model; OverReverseRefusal for a backward's calls).
                    case Invoke inv when !inv.IsAddCotangent && inv.Target != ".Clear" && inv.Args.Where(a => a is not Written).Any(IsActive):
                        throw new GenerationLimitation($"forward mode has no rule for the call of {inv.Target.Replace("global::", "")}");
                    default:
                        output.Add(s);
                        break;
                }

                if (!straight)
                {
                    _zeroTangents.Clear();
                }
            }

            return output;
        }

        /// <summary>
        /// f's partial in argument <paramref name="k"/> times the argument's tangent u̇ — nothing where u̇ is zero and the
        /// partial could be infinite (<c>u̇ == 0 ? 0 : u̇/(2√u)</c>, see <see cref="DerivativeRules.IsSingular"/>): without it
        /// a forward sweep of MJacobian along y would read ∞·0 = NaN for ∂(√x + y)/∂y at x = 0.
        /// </summary>
        private Expr StrongZero(MathCall call, int k, Expr value, Expr tangent, List<Stmt> output)
        {
            Expr partial = DerivativeRules.Partial(call, k, value);
            if (DerivativeRules.Saturates(call) && !Simplifier.TryValue(tangent, out _))
            {
                // A saturated activation passes nothing on: 0, not 0·∞, where an overflow upstream made u̇ infinite.
                Expr slope = Bind(partial, "slope", output);
                return new Conditional(new Binary("==", slope, Zero(slope.Type), "bool"), Zero(call.Type), Scaled(slope, tangent), call.Type) { StrongZero = true };
            }

            if (!DerivativeRules.IsSingular(call) || Simplifier.TryValue(tangent, out _))
            {
                return Scaled(partial, tangent);
            }

            if (tangent is Unary { Op: "-" } negated)
            {
                return Neg(StrongZero(call, k, value, negated.Operand, output)); // −(u̇ == 0 ? 0 : …), not u = −u̇ read negated
            }

            tangent = Bind(tangent, "tu", output);
            return new Conditional(new Binary("==", tangent, Zero(tangent.Type), "bool"), Zero(call.Type), Scaled(partial, tangent), call.Type) { StrongZero = true };
        }

        /// <summary>
        /// A strong zero's test in the derivative: <c>v == 0</c> holds where v̇ is zero too (<c>v == 0 &amp;&amp; v̇ == 0</c>),
        /// <c>v != 0</c> where either is not — so a tangent or adjoint that is zero here but moves along the direction keeps
        /// its contributions' derivative (the second order of √x at ẋ = 0 is ẍ/(2√x), not 0).
        /// </summary>
        private Expr Moving(Expr test) => test switch
        {
            Binary { Op: "&&" or "||" } b when b.Left.Type == "bool" => b with { Left = Moving(b.Left), Right = Moving(b.Right) },
            Binary { Op: "==" or "!=" } b when b.Left is Name or Element && IsActive(b.Left) && new List<Stmt>() is var none
                && Forward(b.Left, none).Tangent is var moves && !Simplifier.IsConstant(moves, 0)
                => new Binary(b.Op == "==" ? "&&" : "||", b, b with { Left = moves }, "bool"),
            _ => test,
        };

        /// <summary>
        /// partial·ṫ; a selection's partial (<c>c ? 1 : 0</c>, Max's and Min's) selects the tangent instead, <c>c ? ṫ : 0</c>, so
        /// that Max(a, b)˙ reads <c>a &gt;= b ? ȧ : ḃ</c> (not <c>(a &gt;= b ? 1 : 0) * ȧ + (a &gt;= b ? 0 : 1) * ḃ</c>).
        /// </summary>
        private static Expr Scaled(Expr partial, Expr tangent) => partial switch
        {
            Conditional { WhenTrue: var one, WhenFalse: var zero } c when Simplifier.IsConstant(one, 1) && Simplifier.IsConstant(zero, 0)
                => c with { WhenTrue = tangent, WhenFalse = zero, Type = tangent.Type },
            Conditional { WhenTrue: var zero, WhenFalse: var one } c when Simplifier.IsConstant(one, 1) && Simplifier.IsConstant(zero, 0)
                => c with { WhenTrue = zero, WhenFalse = tangent, Type = tangent.Type },
            _ => new Binary("*", partial, tangent, tangent.Type),
        };

        /// <summary>Whether <paramref name="call"/> writes an output whose tangent is asked for.</summary>
        private bool WritesOutputTangents(UserCall call) => call.Target.Tangent is not null
            && call.Args.Where((a, i) => call.Target.Parameters[i].Kind == ParameterKind.SpanOutput).OfType<SpanRef>().Any(r => _hasElementTangents(r.Span));

        /// <summary>Whether a span has a tangent: it varies, or its element writes get tangents (an output written before it is read).</summary>
        private bool HasTangent(string span) => _active.Contains(span) || _hasElementTangents(span);

        /// <summary>The calls of forward modes in <paramref name="tangent"/> that write outputs, as statements (its value unused).</summary>
        private static IEnumerable<Stmt> OutputCalls(Expr tangent, string source)
            => Reads.Nodes(tangent).OfType<UserCall>().Where(c => c.Target.Parameters.Any(p => p.Kind == ParameterKind.SpanOutput)).Select(c => (Stmt)new CallStatement(c, source));

        /// <summary>The calls in a statement that write outputs, as statements of their own: what stays of it when its local goes.</summary>
        private static IEnumerable<Stmt> OutputCalls(Stmt s) => Walk.Expressions(s).SelectMany(e => OutputCalls(e, s.Source));

        private bool IsActive(string name, string type) => type is "double" or "float" && _active.Contains(name);

        private bool IsActive(Expr e) => e.IsReal && (Reads.Of(e).Any(_active.Contains) || Reads.Nodes(e).Any(n => n is Pop p && _activePairs.Contains(p.Pair)));

        private string Tangent(string name)
        {
            if (!_tangents.TryGetValue(name, out string? tangent))
            {
                _tangents[name] = tangent = _names.Reserve("t" + name);
            }

            return tangent;
        }

        /// <summary>
        /// An expression's value and tangent, evaluated inside out as one would by hand: <c>(u·v)˙ = u̇·v + u·v̇</c>,
        /// <c>f(u)˙ = f′(u)·u̇</c>. What both read and is more than a variable — a function's value its derivative reuses
        /// (<c>σ(1 − σ)</c>), a factor of a product — is computed once into a local of <paramref name="output"/>.
        /// </summary>
        private (Expr Value, Expr Tangent) Forward(Expr e, List<Stmt> output)
        {
            if (!IsActive(e) && !(e is UserCall writing && WritesOutputTangents(writing)))
            {
                return (e, Zero(e.Type));
            }

            switch (e)
            {
                case Name n when _zeroTangents.Contains(n.Id):
                    return (e, Zero(e.Type));
                case Name n:
                    return (e, new Name(Tangent(n.Id), n.Type));
                case Pop pop:
                    return (e, pop); // the tangent was pushed right after the value: it comes off first
                case Element el:
                    // A span without tangents read where its index varies (c[x.Length - 1], x differentiable): no tangent (found
                    // by the random-program tester in a third-order product, b-p5_BcuvMy1: the direction vx read so).
                    return (e, HasTangent(el.Span) ? el with { Span = Tangent(el.Span) } : Zero(e.Type));
                case Unary { Op: "-" } u:
                {
                    (Expr v, Expr t) = Forward(u.Operand, output);
                    return (u with { Operand = v }, Neg(t));
                }

                case Cast c:
                {
                    (Expr v, Expr t) = Forward(c.Operand, output);
                    // A cast to the type the tangent has already is none: (double)ṡ would make ṡ = (double)ṡ (CS1717; found by the
                    // random-program tester, e7QZF2LVi0Z1: s6 = (double)(((double)s6) + ((double)(a - a)))).
                    return (c with { Operand = v }, Simplifier.IsConstant(t, 0) ? Zero(c.Type) : t.Type == c.Type ? t : new Cast(t, c.Type));
                }

                case Binary { Op: "+" or "-" } b:
                {
                    (Expr lv, Expr lt) = Forward(b.Left, output);
                    (Expr rv, Expr rt) = Forward(b.Right, output);
                    return (b with { Left = lv, Right = rv }, Simplify(new Binary(b.Op, lt, rt, b.Type)));
                }

                case Binary { Op: "*" or "/" } b:
                {
                    (Expr lv, Expr lt) = Forward(b.Left, output);
                    (Expr rv, Expr rt) = Forward(b.Right, output);
                    bool leftVaries = !Simplifier.IsConstant(lt, 0), rightVaries = !Simplifier.IsConstant(rt, 0);
                    if (b.Op == "*" && leftVaries && lv.Equals(rv))
                    {
                        // (u·u)˙ = 2·u·u̇: a square's tangent once (not u̇·u + u·u̇), u read once more.
                        Expr u = Bind(lv, "u", output);
                        return (b with { Left = u, Right = u }, Simplify(new Binary("*", new Binary("*", Simplifier.Constant(2, b.Type), u, b.Type), lt, b.Type)));
                    }

                    if (b.Op == "*")
                    {
                        // (u·v)˙ = u̇·v + u·v̇: each factor read again where the other varies.
                        lv = rightVaries ? Bind(lv, "u", output) : lv;
                        rv = leftVaries ? Bind(rv, "v", output) : rv;
                        return (b with { Left = lv, Right = rv }, Simplify(new Binary("+", new Binary("*", lt, rv, b.Type), new Binary("*", lv, rt, b.Type), b.Type)));
                    }

                    // (u/v)˙ = (u̇ − q·v̇)/v with q = u/v.
                    rv = Bind(rv, "v", output);
                    Expr quotient = b with { Left = lv, Right = rv };
                    quotient = rightVaries ? Bind(quotient, "q", output) : quotient;
                    Expr numerator = rightVaries ? new Binary("-", lt, new Binary("*", quotient, rt, b.Type), b.Type) : lt;
                    return (quotient, Simplify(new Binary("/", numerator, rv, b.Type)));
                }

                case Conditional c:
                {
                    var whenTrue = new List<Stmt>();
                    var whenFalse = new List<Stmt>();
                    (Expr av, Expr at) = Forward(c.WhenTrue, whenTrue);
                    (Expr bv, Expr bt) = Forward(c.WhenFalse, whenFalse);
                    // A call in an arm held first is made where C# evaluates that arm only; math held first is made before the ?:
                    // (it cannot throw, and the arms stay one line).
                    bool Calls(List<Stmt> statements) => statements.SelectMany(Walk.Expressions).SelectMany(Reads.Nodes).Any(n => n is UserCall or UnknownCall);
                    // A constant test (1 < 0) keeps the ?: too: as an if, C# would warn of the arm it never runs (CS0162).
                    bool constant = !Reads.Nodes(c.Test).Any(n => n is Name or Element or UserCall or MathCall or UnknownCall or Opaque);
                    if (!Calls(whenTrue) && !Calls(whenFalse) || c.StrongZero || constant)
                    {
                        output.AddRange(whenTrue);
                        output.AddRange(whenFalse);
                        return (c with { WhenTrue = av, WhenFalse = bv }, Simplify(new Conditional(c.StrongZero ? Moving(c.Test) : c.Test, at, bt, c.Type) { StrongZero = c.StrongZero }));
                    }

                    // Before the ?:, a call in the arm not taken ran anyway — and threw where the method does not (found by the
                    // random-program tester, 4NCzn55ostj1: Math.Sign inside a callee, of the NaN an untaken arm made).
                    string value = _names.Reserve("v"), tangent = _names.Reserve("tv");
                    output.Add(new LocalDecl(value, c.Type, null, ""));
                    output.Add(new LocalDecl(tangent, c.Type, null, ""));
                    Block Arm(List<Stmt> statements, Expr v, Expr t) => new(statements
                        .Append(new Assign(new Name(value, c.Type), "=", v, ""))
                        .Append(new Assign(new Name(tangent, c.Type), "=", Simplify(Simplifier.IsConstant(t, 0) ? Zero(c.Type) : t.Type == c.Type ? t : new Cast(t, c.Type)), "")).ToEquatableArray());
                    output.Add(new If(c.Test, Arm(whenTrue, av, at), Arm(whenFalse, bv, bt), ""));
                    return (new Name(value, c.Type), new Name(tangent, c.Type));
                }

                case MathCall m when DerivativeRules.IsPiecewiseConstant(m.Function):
                    return (e, Zero(e.Type));
                case MathCall m:
                {
                    var forwards = m.Args.Select(a => Forward(a, output)).ToList();
                    var args = forwards.Select(f => Simplifier.IsConstant(f.Tangent, 0) ? f.Value : Bind(f.Value, "u", output)).ToEquatableArray();
                    MathCall call = m with { Args = args };
                    Expr value = DerivativeRules.UsesResult(call) ? Bind(call, m.Function.ToLowerInvariant(), output) : call;
                    Expr? tangent = null;
                    for (int k = 0; k < args.Count; k++)
                    {
                        if (!Simplifier.IsConstant(forwards[k].Tangent, 0))
                        {
                            Expr term = StrongZero(call, k, value, forwards[k].Tangent, output);
                            tangent = tangent is null ? term
                                : tangent is Conditional { WhenFalse: var none } a && term is Conditional { WhenTrue: var zero } b && a.Test == b.Test
                                    && Simplifier.IsConstant(none, 0) && Simplifier.IsConstant(zero, 0)
                                    ? a with { WhenFalse = b.WhenFalse } // Max(a, b)˙ = a >= b ? ȧ : ḃ
                                    : new Binary("+", tangent, term, m.Type);
                        }
                    }

                    return (value, tangent is null ? Zero(m.Type) : Simplify(tangent));
                }

                case UserCall { Target.TangentFromBackward: true } c:
                    return BackwardRead(c, output);
                case UserCall c:
                {
                    // f(x)˙ = fTangent(x, ẋ): the callee's own forward mode, its arguments computed once for both.
                    (UserCall call, UserCall? tangent) = CallTangent(c, output);
                    Expr value = Bind(call, char.ToLowerInvariant(c.Target.Method[0]) + c.Target.Method.Substring(1), output);
                    if (tangent is not null && value is Name bound)
                    {
                        _covered.Add(bound.Id); // the tangent call right after it writes the same outputs
                    }

                    return (value, tangent ?? Zero(c.Type));
                }

                default:
                    throw new GenerationLimitation("forward mode has no rule for " + e.GetType().Name);
            }
        }

        /// <summary>
        /// f(x, y)˙ for a registered function of scalars with no registered tangent: its backward with the seed 1 into a local
        /// per differentiable argument gives ∇f (<c>fBackward(x, y, 1, ref dfX, ref dfY)</c>), and ḟ = dfX·ẋ + dfY·ẏ.
        /// </summary>
        private (Expr Value, Expr Tangent) BackwardRead(UserCall call, List<Stmt> output)
        {
            var parameters = call.Target.Parameters;
            var args = new List<Expr>();
            var tangents = new List<Expr?>();
            for (int i = 0; i < call.Args.Count; i++)
            {
                if (!parameters[i].IsDifferentiable)
                {
                    args.Add(call.Args[i]);
                    continue;
                }

                (Expr value, Expr? tangent) = Argument(call.Args[i], output);
                args.Add(value);
                tangents.Add(tangent);
            }

            UserCall primal = call with { Args = args.ToEquatableArray() };
            if (tangents.All(t => t is null))
            {
                return (primal, Zero(call.Type));
            }

            Expr value2 = Bind(primal, char.ToLowerInvariant(call.Target.Method[0]) + call.Target.Method.Substring(1), output);
            var gradients = parameters.Where(p => p.IsDifferentiable)
                .Select(p => _names.Reserve("d" + call.Target.Method + char.ToUpperInvariant(p.Name[0]) + p.Name.Substring(1))).ToList();
            output.AddRange(gradients.Select((g, k) => new LocalDecl(g, parameters.Where(p => p.IsDifferentiable).ElementAt(k).ElementType, Zero(call.Type), "")));
            output.Add(new Invoke(call.Target.BackwardContainingType + "." + call.Target.Backward,
                args.Append(new Literal("1", call.Type)).Concat(gradients.Select(g => (Expr)new Written(new Name(g, call.Type)))).ToEquatableArray(), ""));
            Expr? sum = null;
            for (int k = 0; k < gradients.Count; k++)
            {
                if (tangents[k] is { } t)
                {
                    Expr term = new Binary("*", new Name(gradients[k], call.Type), t, call.Type);
                    sum = sum is null ? term : new Binary("+", sum, term, call.Type);
                }
            }

            return (value2, Simplify(sum!));
        }

        /// <summary>A scalar argument of a call and its tangent (null where it is zero), bound to a local where it varies: read twice.</summary>
        private (Expr Value, Expr? Tangent) Argument(Expr argument, List<Stmt> output)
        {
            (Expr value, Expr tangent) = Forward(argument, output);
            return Simplifier.IsConstant(tangent, 0) ? (value, null) : (Bind(value, "u", output), tangent);
        }

        /// <summary>
        /// <paramref name="call"/> with what its arguments compute bound once, and the call of the callee's forward mode
        /// (<c>FTangent</c>): the arguments, a tangent for each differentiable one (an inactive span's is empty: zero), then a
        /// tangent for each output it writes (empty: not needed) — null when nothing it reads varies and no output needs one.
        /// </summary>
        private (UserCall Call, UserCall? Tangent) CallTangent(UserCall call, List<Stmt> output)
        {
            var parameters = call.Target.Parameters;
            var args = new List<Expr>();
            var tangents = new List<Expr>();
            bool varies = false;
            for (int i = 0; i < call.Args.Count; i++)
            {
                Expr a = call.Args[i];
                if (parameters[i].IsDifferentiable && a is SpanRef input)
                {
                    bool active = HasTangent(input.Span);
                    varies |= active;
                    tangents.Add(active ? input with { Span = Tangent(input.Span) } : Empty);
                }
                else if (parameters[i].IsDifferentiable && parameters[i].IsBuffer)
                {
                    tangents.Add(Empty); // a span passed empty (an FTangent's direction nobody varies): zero, its tangent too (78Fd38hSAnU1)
                }
                else if (parameters[i].IsDifferentiable)
                {
                    (a, Expr? tangent) = Argument(a, output);
                    varies |= tangent is not null;
                    tangents.Add(tangent ?? Zero(parameters[i].ElementType));
                }

                args.Add(a);
            }

            for (int i = 0; i < call.Args.Count; i++)
            {
                if (parameters[i].Kind == ParameterKind.SpanOutput && call.Args[i] is SpanRef written)
                {
                    bool needed = _hasElementTangents(written.Span);
                    varies |= needed;
                    tangents.Add(needed ? written with { Span = Tangent(written.Span) } : Empty);
                }
                else if (parameters[i].Kind == ParameterKind.SpanOutput)
                {
                    tangents.Add(Empty); // scratch the forward sweep writes again and nothing reads (found by NetworkCases.OwnLayers)
                }
            }

            call = call with { Args = args.ToEquatableArray() };
            // FTangent, differentiable again where F's nested methods are written (a tangent of a Hessian-vector product's body).
            // HTangent of a callee writing outputs likewise, read as a method of its own (TangentCalls).
            // A registered tangent with a registered backward of its own, likewise (RegisteredTangentTarget).
            CallTarget tangentTarget = call.Target.TangentCallee ?? call.Target.OutputsTangent ?? call.Target.RegisteredTangentTarget
                ?? call.Target with { ContainingType = call.Target.TangentContainingType ?? call.Target.ContainingType, Method = call.Target.Tangent!, Tangent = null, TypeArguments = "" };
            return (call, varies ? new UserCall(tangentTarget, args.Concat(tangents).ToEquatableArray(), call.Type) : null);
        }

        private static readonly Expr Empty = new Opaque("default", EquatableArray<string>.Empty, "span");

        /// <summary>A value read twice, as a local (a variable, an element or a constant is read as it is).</summary>
        private Expr Bind(Expr value, string hint, List<Stmt> output)
        {
            if (value is Name or Element or Literal or Cast { Operand: Name or Element or Literal } || Simplifier.TryValue(value, out _))
            {
                return value;
            }

            string name = _names.Reserve(hint);
            output.Add(new LocalDecl(name, value.Type, value, ""));
            return new Name(name, value.Type);
        }

        private static Expr Zero(string type) => Simplifier.Constant(0, type);

        private static Expr Neg(Expr e) => Simplifier.IsConstant(e, 0) ? e : Simplifier.Simplify(new Unary("-", e, e.Type));

        /// <summary>Simplified; mixed precision (a double read in a float expression) converted once, as the value is.</summary>
        private static Expr Simplify(Expr e)
        {
            Expr simplified = Simplifier.Simplify(e);
            return Reads.Nodes(simplified).Any(n => n.IsReal && n.Type != e.Type && n is Name or Element) ? new Cast(simplified, e.Type) : simplified;
        }
    }
}
