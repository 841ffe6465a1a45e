using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Model;
using SymGrad.Generator.Rules;

namespace SymGrad.Generator.Differentiate
{
    /// <summary>
    /// The adjoint of one expression: given the adjoint flowing into its value (the seed), adds seed · ∂e/∂v to the
    /// adjoint of every active variable v it reads — the chain rule, walked from the root down, with elementary
    /// functions differentiated by <see cref="DerivativeRules"/>. Statements go to the list it is given; a value used
    /// twice (a seed shared by two operands, a function value) is bound to a temporary first.
    /// </summary>
    internal sealed class ExpressionAdjoint
    {
        private readonly SweepContext _context;
        // Values bound to temporaries, per list of statements: a value bound inside a branch is not there outside it.
        private Dictionary<List<Stmt>, Dictionary<Expr, Expr>> _bound = new(ReferenceComparer<List<Stmt>>.Instance);

        public ExpressionAdjoint(SweepContext context) => _context = context;

        /// <summary>Forgets the values bound for the previous statement (a statement's temporaries are its own).</summary>
        public void BeginStatement() => _bound = new Dictionary<List<Stmt>, Dictionary<Expr, Expr>>(ReferenceComparer<List<Stmt>>.Instance);

        /// <summary>Adds <paramref name="seed"/> · ∂e/∂v to the adjoint of each active v in <paramref name="e"/>.</summary>
        /// <param name="result">An expression that holds e's value (the assigned variable), reused by rules that need it.</param>
        public void Accumulate(Expr e, Expr seed, List<Stmt> output, Expr? result = null)
        {
            if (!_context.IsActive(e))
            {
                return;
            }

            switch (e)
            {
                case Name or Element:
                    AddTo(_context.AdjointOf(e), seed, output);
                    return;
                case Unary { Op: "-" } u:
                    Accumulate(u.Operand, Neg(seed), output);
                    return;
                case Cast c when c.Operand.IsReal:
                    Accumulate(c.Operand, c.Operand.Type == seed.Type ? seed : new Cast(seed, c.Operand.Type), output);
                    return;
                case Binary { Op: "+" or "-" } b:
                {
                    Expr s = BothActive(b.Left, b.Right) ? Bind(seed, output) : seed;
                    Accumulate(b.Left, s, output);
                    Accumulate(b.Right, b.Op == "-" ? Neg(s) : s, output);
                    return;
                }

                case Binary { Op: "*" } b when RepeatedFactor(b) is var (u, power, rest) && u is not null:
                {
                    // ∂(c·uᵏ)/∂u = k·c·uᵏ⁻¹: one contribution, not k copies of the product rule.
                    Expr partial = Mul(Simplifier.Constant(power, b.Type), rest);
                    partial = Mul(partial, power == 2 ? Value(u, output) : Call("Pow", b.Type, Value(u, output), Simplifier.Constant(power - 1, b.Type)));
                    Accumulate(u, Mul(seed, partial), output);
                    return;
                }

                case Binary { Op: "*" } b:
                {
                    Expr s = BothActive(b.Left, b.Right) ? Bind(seed, output) : seed;
                    if (_context.IsActive(b.Left)) Accumulate(b.Left, Mul(s, Value(b.Right, output)), output);
                    if (_context.IsActive(b.Right)) Accumulate(b.Right, Mul(s, Value(b.Left, output)), output);
                    return;
                }

                case Binary { Op: "/" } b:
                {
                    Expr s = BothActive(b.Left, b.Right) ? Bind(seed, output) : seed;
                    if (_context.IsActive(b.Left)) Accumulate(b.Left, Div(s, Value(b.Right, output)), output);
                    if (_context.IsActive(b.Right))
                    {
                        // ∂(l/r)/∂r = −l/r²
                        Expr r = Value(b.Right, output);
                        Accumulate(b.Right, Neg(Div(Mul(s, Value(b.Left, output)), Mul(r, r))), output);
                    }

                    return;
                }

                case Conditional c:
                {
                    Expr s = Bind(seed, output);
                    var then = new List<Stmt>();
                    var otherwise = new List<Stmt>();
                    Accumulate(c.WhenTrue, s, then);
                    Accumulate(c.WhenFalse, s, otherwise);
                    Branch(_context.Use(c.Test), then, otherwise, output);
                    return;
                }

                case MathCall m when DerivativeRules.IsPiecewiseConstant(m.Function):
                    return;
                case MathCall m:
                {
                    var active = Enumerable.Range(0, m.Args.Count).Where(k => _context.IsActive(m.Args[k])).ToList();
                    // A zero seed passes nothing back through √x at 0 (not 0·∞): if (ds != 0) { … } (DerivativeRules.IsSingular).
                    bool guarded = DerivativeRules.IsSingular(m) && !Simplifier.TryValue(seed, out _);
                    Expr s = active.Count > 1 || guarded ? Bind(seed, output) : seed;
                    // An argument that is itself a call is computed once: its value serves this rule and its own.
                    var call = new MathCall(m.Function, m.Args.Select(a => Value(a, output)).ToEquatableArray(), m.Type);
                    Expr value = result ?? (DerivativeRules.UsesResult(m) ? BindValue(m, output) : call);
                    var contributions = guarded ? new List<Stmt>() : output;
                    foreach (int k in active)
                    {
                        Through(m.Args[k], s, Simplifier.Simplify(DerivativeRules.Partial(call, k, value)), contributions);
                    }

                    if (guarded && contributions.Count > 0)
                    {
                        output.Add(new If(new Binary("!=", s, Simplifier.Constant(0, s.Type), "bool"), new Block(contributions.ToEquatableArray()), Block.Empty, "") { StrongZero = true });
                    }

                    return;
                }

                case UserCall call:
                    Backward(call, seed, output);
                    return;
            }
        }

        /// <summary>
        /// The adjoint through one argument with local partial <paramref name="partial"/>. A partial that is zero on one side
        /// of a test (<c>x &gt;= y ? 1 : 0</c>, the sub-gradient of max) becomes a branch, so nothing is multiplied by zero.
        /// </summary>
        private void Through(Expr argument, Expr seed, Expr partial, List<Stmt> output)
        {
            if (Simplifier.IsConstant(partial, 0))
            {
                return; // CopySign's sign argument: nothing flows
            }

            // Nested tests (clamp's lo <= x <= hi) become nested branches.
            if (partial is Conditional { WhenFalse: var f } c && Simplifier.IsConstant(f, 0))
            {
                var then = new List<Stmt>();
                Through(argument, seed, c.WhenTrue, then);
                Branch(c.Test, then, new List<Stmt>(), output);
                return;
            }

            if (partial is Conditional { WhenTrue: var t } c2 && Simplifier.IsConstant(t, 0))
            {
                var otherwise = new List<Stmt>();
                Through(argument, seed, c2.WhenFalse, otherwise);
                Branch(c2.Test, new List<Stmt>(), otherwise, output);
                return;
            }

            Accumulate(argument, Mul(seed, partial), output);
        }

        /// <summary>
        /// The adjoint of a call of a differentiable method: its backward, given the primal arguments, the seed of its result
        /// and the cotangents of what it wrote, accumulating into the adjoints of what it read.
        /// </summary>
        public void Backward(UserCall call, Expr? seed, List<Stmt> output)
        {
            CallTarget target = call.Target;
            // A call adding to its outputs has a backward that does not read them (g += s·∇F: its pullback needs F's inputs).
            var args = call.Args.Select((a, i) => target.Accumulates && target.Parameters[i].Kind == ParameterKind.SpanOutput
                ? new Opaque("default", EquatableArray<string>.Empty, "span") : _context.Use(a)).ToList();
            var after = new List<(Expr Argument, string Temporary)>();
            var spansAfter = new List<(SpanRef Adjoint, string Scratch)>();
            var cotangents = new List<int>();
            var passed = new HashSet<string>();
            int assignedArg = -1;
            if (target.ReturnType != "void")
            {
                cotangents.Add(args.Count);
                args.Add(seed is null ? Simplifier.Constant(0, target.ReturnType) : Simplifier.Simplify(seed));
            }

            for (int i = 0; i < call.Args.Count; i++)
            {
                if (target.Parameters[i].Kind == ParameterKind.SpanOutput && call.Args[i] is SpanRef written)
                {
                    cotangents.Add(args.Count);
                    args.Add(_context.HasAdjoint(written.Span) ? AdjointSpan(written) : new Opaque("default", EquatableArray<string>.Empty, "span"));
                }
            }

            for (int i = 0; i < call.Args.Count; i++)
            {
                ParameterSpec p = target.Parameters[i];
                if (p.Kind == ParameterKind.Scalar)
                {
                    // The adjoint of the argument, named after the call: dSoftplusX for Softplus(x).
                    string temp = _context.Temporary("d" + target.Method + char.ToUpperInvariant(p.Name[0]) + p.Name.Substring(1), p.ElementType);
                    output.Add(new Assign(new Name(temp, p.ElementType), "=", Simplifier.Constant(0, p.ElementType), ""));
                    args.Add(new Written(new Name(temp, p.ElementType)));
                    after.Add((call.Args[i], temp));
                }
                else if (p.Kind == ParameterKind.SpanInput && call.Args[i] is SpanRef input)
                {
                    if (_context.Facts.Active.Contains(input.Span) && _context.HasAdjoint(input.Span))
                    {
                        if (!passed.Add(input.Span))
                        {
                            // The same span passed for two inputs (H(v, v)): the callee's gradients must not overlap, so the
                            // second goes to scratch, added to the adjoint after the call.
                            Opaque scratch = _context.Scratch(input);
                            string name = _context.Temporary("d" + target.Method + char.ToUpperInvariant(p.Name[0]) + p.Name.Substring(1), $"global::System.Span<{p.ElementType}>");
                            output.Add(new Assign(new Name(name, "span"), "=", scratch, ""));
                            args.Add(new Written(new Name(name, "span")));
                            spansAfter.Add((AdjointSpan(input), name));
                            continue;
                        }

                        if (p.Name == target.AssignedInput)
                        {
                            assignedArg = args.Count;
                        }

                        args.Add(new Written(AdjointSpan(input)));
                    }
                    else if (target.Registered)
                    {
                        // A constant span where a hand-written backward takes a gradient: an empty span says "not needed",
                        // so it can skip that work (a dense layer's dX when X is the data).
                        args.Add(new Opaque("default", EquatableArray<string>.Empty, "span"));
                    }
                    else
                    {
                        // A constant span passed where a generated backward takes a gradient: scratch to write into.
                        args.Add(_context.Scratch(input));
                    }
                }
                else if (p.Kind == ParameterKind.SpanInput)
                {
                    // An empty span (default): a direction nothing moves in a forward mode differentiated again (FTangent read as
                    // a method, TangentCalls), zeros to the callee — its gradient is not needed.
                    args.Add(new Opaque("default", EquatableArray<string>.Empty, "span"));
                }
            }

            string math = $"{target.Method}ᵀ({string.Join(", ", call.Args.Select(a => Emit.Notation.Math(a, _context.Program)))})";
            output.Add(new Invoke(target.BackwardContainingType + "." + target.Backward, args.ToEquatableArray(), math)
            {
                Assigning = assignedArg >= 0 && target.AssigningBackward is { } assigning ? target.BackwardContainingType + "." + assigning : null,
                AssignedArg = assignedArg,
                Cotangents = cotangents.ToEquatableArray(),
                Call = target,
            });
            // What the call overwrote passes its cotangent on no further (it went into the call's backward). Its arguments were
            // read before it wrote: their adjoints come after the clearing. What a call added to (g += …) passes it on whole.
            foreach (SpanRef written in call.Args.Where((a, i) => target.Parameters[i].Kind == ParameterKind.SpanOutput && !target.Accumulates).OfType<SpanRef>())
            {
                if (_context.HasAdjoint(written.Span) && !_context.Plans.Plans[written.Span].WrittenOnce)
                {
                    output.Add(new Invoke(".Clear", new Expr[] { new Written(AdjointSpan(written)) }.ToEquatableArray(), ""));
                }
            }

            foreach ((Expr argument, string temp) in after)
            {
                Accumulate(argument, new Name(temp, argument.Type), output);
            }

            foreach ((SpanRef adjoint, string scratch) in spansAfter)
            {
                output.Add(Invoke.AddCotangent(new Name(scratch, "span"), adjoint));
            }
        }

        private SpanRef AdjointSpan(SpanRef span) => new(_context.Adjoint(span.Span),
            span.Start is null ? null : _context.Use(span.Start), span.Length is null ? null : _context.Use(span.Length), span.ElementType);

        /// <summary>Adds a contribution to an adjoint, unless it is zero.</summary>
        private void AddTo(Expr target, Expr contribution, List<Stmt> output)
        {
            Expr c = ShareCalls(Simplifier.Simplify(contribution), output);
            if (Simplifier.IsConstant(c, 0))
            {
                return;
            }

            if (c is Conditional { WhenFalse: var f } cond && Simplifier.IsConstant(f, 0))
            {
                var then = new List<Stmt>();
                AddTo(target, cond.WhenTrue, then);
                Branch(cond.Test, then, new List<Stmt>(), output);
                return;
            }

            if (c.Type != target.Type && target.Type is "float" or "double")
            {
                c = new Cast(c, target.Type);
            }

            string op = "+=";
            if (c is Unary { Op: "-" } negated)
            {
                op = "-=";
                c = negated.Operand;
            }

            output.Add(new Assign(target, op, c, ""));
        }

        /// <summary>
        /// <c>if (test) then else otherwise</c>; an <c>if</c> with an empty branch right after one on the opposite test
        /// becomes its <c>else</c> (max and min: the first argument's branch, then the second's).
        /// </summary>
        private static void Branch(Expr test, List<Stmt> then, List<Stmt> otherwise, List<Stmt> output)
        {
            if (then.Count == 0 && otherwise.Count == 0)
            {
                return;
            }

            // A decided test (1 == 0, max(s, s)) takes its branch outright: no unreachable code.
            test = Simplifier.DecideTie(Simplifier.Simplify(test));
            if (test is Literal { Text: "true" or "false" } decided)
            {
                output.AddRange(decided.Text == "true" ? then : otherwise);
                return;
            }

            if (output.Count > 0 && output[output.Count - 1] is If previous && previous.Condition == test
                && !Reads.Of(test).Overlaps(Walk.Assigned(previous.Then).Concat(Walk.Assigned(previous.Else))))
            {
                // The same test as the if just before: one if (max and min give the first argument's branch, then the second's).
                output[output.Count - 1] = previous with
                {
                    Then = new Block(previous.Then.Statements.Concat(then).ToEquatableArray()),
                    Else = new Block(previous.Else.Statements.Concat(otherwise).ToEquatableArray()),
                };
                return;
            }

            if (then.Count == 0)
            {
                output.Add(new If(Simplifier.Negate(test), new Block(otherwise.ToEquatableArray()), Block.Empty, ""));
                return;
            }

            output.Add(new If(test, new Block(then.ToEquatableArray()), new Block(otherwise.ToEquatableArray()), ""));
        }

        /// <summary>Binds a compound seed to a temporary so it is computed once.</summary>
        public Expr Bind(Expr seed, List<Stmt> output)
        {
            Expr s = ShareCalls(Simplifier.Simplify(seed), output);
            if (s is Name or Literal or Element)
            {
                return s;
            }

            string name = _context.Temporary("g", s.Type);
            output.Add(new Assign(new Name(name, s.Type), "=", s, ""));
            return new Name(name, s.Type);
        }

        /// <summary>The value of a forward expression for a partial derivative: a function call is computed once per statement.</summary>
        private Expr Value(Expr e, List<Stmt> output) => e is MathCall or UserCall ? BindValue(e, output) : _context.Use(e);

        private Expr BindValue(Expr value, List<Stmt> output)
        {
            if (!_bound.TryGetValue(output, out Dictionary<Expr, Expr>? bound))
            {
                _bound[output] = bound = new Dictionary<Expr, Expr>();
            }

            if (bound.TryGetValue(value, out Expr? existing))
            {
                return existing;
            }

            string name = _context.Temporary(value switch
            {
                MathCall m => m.Function.ToLowerInvariant(),
                UserCall c => char.ToLowerInvariant(c.Target.Method[0]) + c.Target.Method.Substring(1),
                _ => "v",
            }, value.Type);
            output.Add(new Assign(new Name(name, value.Type), "=", _context.Use(value), ""));
            return bound[value] = new Name(name, value.Type);
        }

        /// <summary>Binds each function call that occurs more than once in <paramref name="e"/> to a temporary.</summary>
        private Expr ShareCalls(Expr e, List<Stmt> output)
        {
            foreach (Expr call in Subexpressions.RepeatedCalls(e))
            {
                e = Subexpressions.Replace(e, call, BindValue(call, output));
            }

            return e;
        }

        private bool BothActive(Expr a, Expr b) => _context.IsActive(a) && _context.IsActive(b);

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
            var active = factors.Where(_context.IsActive).ToList();
            if (active.Count < 2 || active.Any(f => f != active[0]))
            {
                return (null, 0, product);
            }

            Expr rest = factors.Where(f => !_context.IsActive(f)).Select(_context.Use).Aggregate(Simplifier.Constant(1, product.Type), Mul);
            return (active[0], active.Count, rest);
        }

        private static MathCall Call(string function, string type, params Expr[] args) => new(function, args.ToEquatableArray(), type);

        private static Expr Neg(Expr e) => new Unary("-", e, e.Type);

        private static Expr Mul(Expr a, Expr b) => new Binary("*", a, b, a.Type == "bool" ? b.Type : a.Type);

        private static Expr Div(Expr a, Expr b) => new Binary("/", a, b, a.Type);
    }
}
