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

        /// <param name="active">The variables and spans that vary along the direction.</param>
        /// <param name="hasElementTangents">The spans whose element writes get a tangent write (outputs, gradients).</param>
        private TangentBuilder(ISet<string> active, System.Func<string, bool> hasElementTangents, NameAllocator names)
            => (_active, _hasElementTangents, _names) = (active, hasElementTangents, names);

        /// <summary>The tangent program, or null with the reason when forward mode does not take this method yet.</summary>
        public static TangentProgram? Build(MethodModel model, Block body, IEnumerable<LocalSpec> extraLocals, NameAllocator names, out string? reason)
        {
            reason = model.Results.Count > 0 ? "several results (out, tuple or struct results)"
                : model.Parameters.Any(p => p.IsField && p.IsDifferentiable) ? "a layer object's differentiable fields"
                : Walk.All(body).SelectMany(Walk.Expressions).SelectMany(Reads.Nodes).Any(e => e is UserCall or UnknownCall) || Walk.All(body).Any(s => s is CallStatement)
                    ? "calls of other methods" : null;
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

            return new TangentProgram(Prune(new Block(builder.Statements(body).ToEquatableArray())), slots);
        }

        /// <summary>
        /// Forward over reverse: the tangent of a backward pass along a direction of the inputs, for a Hessian-vector
        /// product. <paramref name="body"/> is the backward's (forward sweep, then reverse sweep); <paramref name="tangents"/>
        /// names the direction of each input and the tangent of each gradient (H·v). Taped values get their tangents taped
        /// right after them, so they come off the tape first. Null when the body has a call (no tangent of a callee's backward).
        /// </summary>
        /// <param name="unread">The gradients themselves: only their tangents are asked for, so their writes go.</param>
        public static Block? OverReverse(Block body, IEnumerable<string> inputs, Dictionary<string, string> tangents, ISet<string> unread, NameAllocator names)
        {
            var all = Walk.All(body).ToList();
            if (all.Any(s => s is Invoke or CallStatement) || all.SelectMany(Walk.Expressions).SelectMany(Reads.Nodes).Any(e => e is UserCall or UnknownCall))
            {
                return null;
            }

            // What varies along the direction: the inputs, and everything computed from them (forward values, adjoints).
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
                        case Assign { Target: Name n } a when Varies(a.Value):
                            changed |= active.Add(n.Id);
                            break;
                        case Assign { Target: Element e } a when Varies(a.Value):
                            changed |= active.Add(e.Span);
                            break;
                        case Push p when Varies(p.Value):
                            changed |= pairs.Add(p.Pair);
                            break;
                    }
                }
            }

            var builder = new TangentBuilder(active, tangents.ContainsKey, names);
            foreach (KeyValuePair<string, string> t in tangents)
            {
                builder._tangents[t.Key] = t.Value;
            }

            Block product = Walk.Rewrite(new Block(builder.Statements(body).ToEquatableArray()), s =>
                s is Assign { Target: Name n } && unread.Contains(n.Id) || s is Assign { Target: Element e } && unread.Contains(e.Span) ? System.Array.Empty<Stmt>() : new[] { s });
            return Prune(product);
        }

        /// <summary>
        /// Drops the locals nothing reads (a tangent no result depends on, a local the lowering folded away, an adjoint only
        /// its own update reads: ds = ds / 2.0), as often as that frees more: C# warns of a local assigned a constant and
        /// never read (CS0219). The body has no calls, so nothing dropped had an effect.
        /// </summary>
        private static Block Prune(Block body)
        {
            while (true)
            {
                var read = new HashSet<string>(Walk.All(body).SelectMany(s => Walk.Expressions(s)
                    .Where(e => !(s is Assign { Target: Name } a && ReferenceEquals(e, a.Target))).SelectMany(Reads.Of)
                    .Where(r => !(s is Assign { Target: Name t } && t.Id == r))));
                var dead = new HashSet<string>(Walk.All(body).OfType<LocalDecl>().Select(d => d.Name).Where(n => !read.Contains(n)));
                if (dead.Count == 0)
                {
                    return body;
                }

                body = Walk.Rewrite(body, s => s is LocalDecl d && dead.Contains(d.Name) || s is Assign { Target: Name n } && dead.Contains(n.Id) ? System.Array.Empty<Stmt>() : new[] { s });
            }
        }

        private List<Stmt> Statements(Block block)
        {
            var output = new List<Stmt>();
            foreach (Stmt statement in block.Statements)
            {
                // x *= v and x /= v (in a backward pass: an adjoint scaled in place, ds /= 2) as x = x * v: the tangent of a
                // product is ẋ·v + x·v̇, not ẋ *= v̇ as for += and -= (found by the random-program tester: H·v lost the
                // scaling). The user's own compound assignments reach here lowered so already.
                Stmt s = statement is Assign { Op: "*=" or "/=" } scale
                    ? scale with { Op = "=", Value = new Binary(scale.Op.Substring(0, 1), scale.Target, scale.Value, scale.Target.Type) }
                    : statement;
                switch (s)
                {
                    case Assign { Op: "=", Target: Name t, Value: Name v } when t.Id == v.Id:
                        break; // s = s, left by lowering a switch arm that keeps s (CS1717 if printed)
                    case LocalDecl { Init: { } init } d when IsActive(d.Name, d.Type):
                    {
                        (Expr value, Expr tangent) = Forward(init, output);
                        output.Add(new LocalDecl(Tangent(d.Name), d.Type, tangent, d.Source));
                        output.Add(d with { Init = value });
                        break;
                    }

                    case LocalDecl d when IsActive(d.Name, d.Type):
                        output.Add(new LocalDecl(Tangent(d.Name), d.Type, null, d.Source));
                        output.Add(d);
                        break;
                    case Assign { Target: Name n } a when IsActive(n.Id, n.Type):
                    {
                        (Expr value, Expr tangent) = Forward(a.Value, output);
                        var target = new Name(Tangent(n.Id), n.Type);
                        if (!(a.Op == "=" && tangent == target || a.Op != "=" && Simplifier.IsConstant(tangent, 0)))
                        {
                            output.Add(new Assign(target, a.Op, tangent, a.Source)); // not ṫs = ṫs (CS1717), not ṫs += 0
                        }

                        output.Add(a with { Value = value });
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
                        output.Add(i with { Then = new Block(Statements(i.Then).ToEquatableArray()), Else = new Block(Statements(i.Else).ToEquatableArray()) });
                        break;
                    case For f:
                        output.Add(f with { Body = new Block(Statements(f.Body).ToEquatableArray()) });
                        break;
                    case Push push when IsActive(push.Value):
                    {
                        (Expr value, Expr tangent) = Forward(push.Value, output);
                        output.Add(push with { Value = value });
                        output.Add(new Push(tangent, push.Pair));
                        _activePairs.Add(push.Pair);
                        break;
                    }

                    case Return { Value: { } value } r when value.IsReal:
                        output.Add(new Return(Forward(value, output).Tangent, r.Source)); // MTangent returns the result's tangent
                        break;
                    default:
                        output.Add(s);
                        break;
                }
            }

            return output;
        }

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
            if (!IsActive(e))
            {
                return (e, Zero(e.Type));
            }

            switch (e)
            {
                case Name n:
                    return (e, new Name(Tangent(n.Id), n.Type));
                case Pop pop:
                    return (e, pop); // the tangent was pushed right after the value: it comes off first
                case Element el:
                    return (e, el with { Span = Tangent(el.Span) });
                case Unary { Op: "-" } u:
                {
                    (Expr v, Expr t) = Forward(u.Operand, output);
                    return (u with { Operand = v }, Neg(t));
                }

                case Cast c:
                {
                    (Expr v, Expr t) = Forward(c.Operand, output);
                    return (c with { Operand = v }, Simplifier.IsConstant(t, 0) ? Zero(c.Type) : new Cast(t, c.Type));
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
                    (Expr av, Expr at) = Forward(c.WhenTrue, output);
                    (Expr bv, Expr bt) = Forward(c.WhenFalse, output);
                    return (c with { WhenTrue = av, WhenFalse = bv }, Simplify(new Conditional(c.Test, at, bt, c.Type)));
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
                            Expr term = new Binary("*", DerivativeRules.Partial(call, k, value), forwards[k].Tangent, m.Type);
                            tangent = tangent is null ? term : new Binary("+", tangent, term, m.Type);
                        }
                    }

                    return (value, tangent is null ? Zero(m.Type) : Simplify(tangent));
                }

                default:
                    throw new GenerationLimitation("forward mode has no rule for " + e.GetType().Name);
            }
        }

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
