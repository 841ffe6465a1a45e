using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Differentiate;
using SymGrad.Generator.Model;
using SymGrad.Generator.Rules;

namespace SymGrad.Generator.Optimize
{
    /// <summary>
    /// Adjoints that may be zero at run time because no path from the results reaches their value on this execution:
    /// the value was overwritten on a branch taken (<c>if (c) t = 1;</c> kills ∂L/∂t), or it belongs to a loop's last
    /// iterations, whose writes nothing reads. Its contributions <c>dx += dt · f'(t)</c> are then guarded by
    /// <c>if (dt != 0)</c>: where f'(t) is ∞ or NaN (an overflowed value that nothing used) the gradient stays what the
    /// derivative is, not 0 · ∞ = NaN. This is Enzyme's "strong zero" on the paths that need it; where the adjoint is zero
    /// on every path <see cref="ZeroAdjoints"/> has removed the code already.
    /// <para>
    /// A may-be-zero dataflow over the reverse sweep: an adjoint may be zero after <c>v = 0</c>, after <c>v = e</c> where e
    /// is a multiple of one that may be, and stays so after <c>v += e</c> only if e is too; branches meet by union; loops
    /// are iterated to their fixed point; an element of a cotangent buffer killed at an index one-to-one in the loop's
    /// counter is followed as that element, else the buffer as a whole. A statement is guarded when its value is such a
    /// multiple with another factor that could be ∞: a value the backward computes through Exp, Pow, Log, a division or a
    /// product of a variable with itself around a loop (<see cref="Unbounded"/>); the caller's inputs and bounded
    /// functions of them are not. Runs after the derivation text is taken: the doc comment shows the mathematics, the code
    /// the guard.
    /// </para>
    /// </summary>
    internal static class RuntimeZeros
    {
        public static void Run(BackwardProgram program)
        {
            // Scalar adjoints and steps, and the cotangent buffers of outputs.
            var tracked = new HashSet<string>(program.Variables.Values
                .Where(v => v.Role is Role.Adjoint or Role.Temporary && v.Type is "double" or "float" || v.Role == Role.Adjoint && v.Type.Contains("Span<"))
                .Select(v => v.Name));
            var mayBeZero = new HashSet<string>();

            // A method with a result and outputs: a generated caller whose use of the result is dead on this execution
            // still calls its backward for the outputs' cotangents, with a zero result cotangent.
            if (program.Cotangents.Count > 0)
            {
                tracked.Add(program.DResult);
                mayBeZero.Add(program.DResult);
            }

            var unbounded = Unbounded(new[] { program.Setup, program.Forward, program.Reverse }, program.Variables.ContainsKey);
            program.Reverse = new Pass(tracked, unbounded, forward: false).Block(program.Reverse, mayBeZero, rewrite: true);
        }

        /// <summary>
        /// The same for forward mode: a tangent that may be zero at run time because a branch of the program gave its value a
        /// constant (<c>s = max(c, a)</c> taking c: ṡ = 0), and is then multiplied by a value that may have overflowed
        /// (<c>ṡ = 2·s·ṡ</c> after <c>s = s·s</c> left float's range), is guarded: <c>ṡ = ṡ != 0 ? 2·s·ṡ : 0</c> — the derivative
        /// along a direction that does not move s is 0, not 0·∞ = NaN. The caller's direction is taken as given (as the
        /// reverse sweep takes dResult): only zeros the method's own code makes are followed.
        /// </summary>
        /// <param name="tangents">The tangent variables and buffers.</param>
        public static Block Tangent(Block body, IEnumerable<string> tangents)
        {
            var unbounded = Unbounded(new[] { body }, _ => true);
            return new Pass(new HashSet<string>(tangents), unbounded, forward: true).Block(body, new HashSet<string>(), rewrite: true);
        }

        /// <summary>
        /// The variables of the backward that may hold ±∞ although the caller's inputs are finite: one of their definitions
        /// calls a function that can overflow (Exp, Pow, Log at 0, …), divides, or multiplies the variable by itself around a
        /// loop (s = s·s). Sums and differences of bounded values, products of values that do not feed themselves, and the
        /// bounded functions keep a variable bounded. A fixed point from "all bounded" down.
        /// </summary>
        private static HashSet<string> Unbounded(IEnumerable<Block> blocks, System.Func<string, bool> isVariable)
        {
            var definitions = new List<(string Name, Expr Value, bool SelfProduct)>();
            foreach (Block block in blocks)
            {
                foreach (Stmt s in Walk.All(block))
                {
                    switch (s)
                    {
                        case LocalDecl { Init: { } init } d:
                            definitions.Add((d.Name, init, false));
                            break;
                        case Assign { Target: Name t } a:
                            definitions.Add((t.Id, a.Value, a.Op is "*=" or "/="));
                            break;
                        case Assign { Target: Element el } a:
                            definitions.Add((el.Span, a.Value, a.Op is "*=" or "/="));
                            break;
                    }
                }
            }

            var unbounded = new HashSet<string>();
            bool changed = true;
            while (changed)
            {
                changed = false;
                foreach (var (name, value, selfProduct) in definitions)
                {
                    if (!unbounded.Contains(name) && isVariable(name) && (selfProduct || !Bounded(value, name, inProduct: false)))
                    {
                        unbounded.Add(name);
                        changed = true;
                    }
                }
            }

            return unbounded;

            bool Bounded(Expr e, string self, bool inProduct) => e switch
            {
                Literal or Opaque or Pop or Verbatim => true,
                { Type: "int" or "long" or "bool" } => true, // an index, a count, a test: never ∞
                Name n => n.Id == self ? !inProduct : !unbounded.Contains(n.Id),
                Element el => el.Span == self ? !inProduct : !unbounded.Contains(el.Span),
                Cast c => Bounded(c.Operand, self, inProduct),
                Unary u => Bounded(u.Operand, self, inProduct),
                Binary { Op: "+" or "-" } b => Bounded(b.Left, self, inProduct) && Bounded(b.Right, self, inProduct),
                Binary { Op: "*" } b => Bounded(b.Left, self, true) && Bounded(b.Right, self, true),
                Conditional c => Bounded(c.WhenTrue, self, inProduct) && Bounded(c.WhenFalse, self, inProduct),
                MathCall m => DerivativeRules.FiniteOnFinite(m.Function) && m.Args.All(a => Bounded(a, self, true)),
                _ => false,
            };
        }

        private sealed class Pass
        {
            private readonly HashSet<string> _tracked, _unbounded;
            private readonly Dictionary<string, Element> _elements = new();

            // For each loop being read, what may be zero at a break or continue in it.
            private readonly Stack<HashSet<string>> _jumps = new();

            // Forward mode's calls are of tangents (their arguments are not a backward's cotangents).
            private readonly bool _forward;

            public Pass(HashSet<string> tracked, HashSet<string> unbounded, bool forward) => (_tracked, _unbounded, _forward) = (tracked, unbounded, forward);

            public Block Block(Block block, HashSet<string> mayBeZero, bool rewrite)
            {
                var output = new List<Stmt>();
                foreach (Stmt s in block.Statements)
                {
                    switch (s)
                    {
                        case If branch:
                        {
                            var otherwise = new HashSet<string>(mayBeZero);
                            if (branch.Condition is Binary { Op: "!=", Left: Name nonZero } test && Simplifier.IsConstant(test.Right, 0))
                            {
                                mayBeZero.Remove(nonZero.Id); // not zero inside if (g != 0): nothing there to guard again
                            }

                            Block then = Block(branch.Then, mayBeZero, rewrite);
                            Block @else = Block(branch.Else, otherwise, rewrite);
                            if (!branch.StrongZero)
                            {
                                mayBeZero.UnionWith(otherwise); // a strong zero skips contributions that would be zero (or 0·∞)
                            }

                            output.Add(branch with { Then = then, Else = @else });
                            break;
                        }

                        case Break or Continue:
                            // Forward mode's loops keep the user's jumps: what may be zero there may be at the loop's next head and after it.
                            if (_jumps.Count > 0) _jumps.Peek().UnionWith(mayBeZero);
                            output.Add(s);
                            break;

                        case For loop:
                        {
                            // The head of the loop: may be zero if it may be on entry or after some iteration.
                            // (Forward mode's calls are of tangents, with more arguments than their targets' parameters.)
                            var varying = new HashSet<string>(_forward ? loop.Body.Statements.SelectMany(ReuseCalls.AssignedAnywhere) : Walk.Assigned(loop.Body)) { loop.Counter };
                            var jumped = new HashSet<string>();
                            _jumps.Push(jumped);
                            while (true)
                            {
                                var after = new HashSet<string>(mayBeZero);
                                Block(loop.Body, after, rewrite: false);
                                after.UnionWith(jumped);
                                int count = mayBeZero.Count;
                                mayBeZero.UnionWith(NextIteration(after, loop, varying));
                                if (mayBeZero.Count == count) break;
                            }

                            // After the loop: as after its last iteration. A loop that runs no iteration leaves its
                            // accumulators at zero too, but what they stand for is then an empty sum, and guarding every
                            // use of a sum for it would guard most layers for nothing. An element the iterations killed
                            // stands for the elements of all of them.
                            var inside = new HashSet<string>(mayBeZero);
                            output.Add(loop with { Body = Block(loop.Body, inside, rewrite) });
                            _jumps.Pop();
                            inside.UnionWith(jumped);
                            mayBeZero.Clear();
                            mayBeZero.UnionWith(inside.Select(k => _elements.TryGetValue(k, out var el) && Mentions(el.Index, varying) ? el.Span : k));
                            break;
                        }

                        default:
                        {
                            Stmt rewritten = !rewrite ? s : _forward ? GuardTerms(s, mayBeZero) : Guard(s, mayBeZero) is { } guard ? Guarded(s, guard) : s;
                            Update(s, mayBeZero);
                            output.Add(rewritten);
                            break;
                        }
                    }
                }

                return new Block(output.ToEquatableArray());
            }

            /// <summary>
            /// What the next iteration starts from: an element killed at an index the iterations change (<c>dp[j]</c>) is
            /// another element then — none the next iteration reads if the index is the counter's, one to one
            /// (<c>c + k·j</c>), and every access of that buffer in the loop is at that same index; else any.
            /// </summary>
            private IEnumerable<string> NextIteration(HashSet<string> after, For loop, HashSet<string> varying)
            {
                foreach (string key in after)
                {
                    if (!_elements.TryGetValue(key, out Element? el) || !Mentions(el.Index, varying))
                    {
                        yield return key;
                    }
                    else if (!OneToOne(el.Index, loop.Counter, varying)
                             || Walk.All(loop.Body).SelectMany(Walk.Expressions).SelectMany(Reads.Nodes)
                                 .Any(x => x is Element other && other.Span == el.Span && !other.Index.Equals(el.Index)))
                    {
                        yield return el.Span;
                    }
                }
            }

            /// <summary>Whether <paramref name="index"/> is <c>c + k·counter</c> (k ≠ 0) with c free of what the loop changes.</summary>
            private static bool OneToOne(Expr index, string counter, HashSet<string> varying)
            {
                if (Differentiate.Poly.From(index) is not { } poly) return false;
                bool counted = false;
                foreach (var term in poly.Terms)
                {
                    string[] factors = Differentiate.Poly.Factors(term.Key);
                    if (factors.Length == 1 && factors[0] == counter && term.Value != 0) counted = true;
                    else if (factors.Any(varying.Contains)) return false;
                }

                return counted;
            }

            private static bool Mentions(Expr e, HashSet<string> names) => Reads.Nodes(e).Any(x => x is Name n && names.Contains(n.Id));

            /// <summary>The key of one element of a cotangent buffer in the may-be-zero set (the buffer's name stands for all of them).</summary>
            private string Key(Element el)
            {
                string key = el.Span + "[" + el.Index + "]";
                _elements[key] = el;
                return key;
            }

            /// <summary>
            /// <c>if (g != 0) s</c>; an assignment <c>v = e</c> becomes <c>v = g != 0 ? e : 0</c>. A strong zero: its derivative
            /// (a Hessian-vector product's, where g is a callee's dResult that is zero here but moves) keeps what moves.
            /// </summary>
            private static Stmt Guarded(Stmt s, Expr guard)
            {
                var test = new Binary("!=", guard, Simplifier.Constant(0, guard.Type), "bool");
                if (s is Assign { Op: "=" } set)
                {
                    return set with { Value = new Conditional(test, set.Value, Simplifier.Constant(0, set.Value.Type), set.Value.Type) { StrongZero = true } };
                }

                return new If(test, new Block(new[] { s }.ToEquatableArray()), Model.Block.Empty, "") { StrongZero = true };
            }

            /// <summary>
            /// Forward mode: each term of a value that is a multiple of a tangent that may be zero, with another factor that
            /// could be ∞, becomes <c>u̇ != 0 ? term : 0</c> — a term, not the statement, since a tangent's value is often a
            /// branch or a sum of which one part is such a multiple (<c>ṡ = c ? 2·s·ṡ : −ȧ</c>). A term that pops the tape or
            /// calls a method is not skipped.
            /// </summary>
            private Stmt GuardTerms(Stmt s, HashSet<string> mayBeZero)
            {
                if (mayBeZero.Count == 0) return s;
                return s switch
                {
                    Assign a => a with { Value = Terms(a.Value) },
                    LocalDecl { Init: { } init } d => d with { Init = Terms(init) },
                    Return { Value: { } value } r => r with { Value = Terms(value) },
                    _ => s,
                };

                Expr Terms(Expr e)
                {
                    if (!e.IsReal || Reads.Nodes(e).Any(n => n is UserCall or UnknownCall or Pop || n is Opaque o && o.Template.Contains("(")))
                    {
                        return e;
                    }

                    if (MultipleOf(e, mayBeZero) is { } g && Risky(e, g))
                    {
                        var test = new Binary("!=", g, Simplifier.Constant(0, g.Type), "bool");
                        return new Conditional(test, e, Simplifier.Constant(0, e.Type), e.Type) { StrongZero = true };
                    }

                    return e switch
                    {
                        Binary { Op: "+" or "-" or "*" or "/" } b => b with { Left = Terms(b.Left), Right = Terms(b.Right) },
                        Unary u => u with { Operand = Terms(u.Operand) },
                        Cast c => c with { Operand = Terms(c.Operand) },
                        Conditional k => k with { WhenTrue = Terms(k.WhenTrue), WhenFalse = Terms(k.WhenFalse) },
                        _ => e,
                    };
                }
            }

            /// <summary>The adjoint whose being zero makes <paramref name="s"/> do nothing but risk 0 · ∞ (null: no guard).</summary>
            private Expr? Guard(Stmt s, HashSet<string> mayBeZero)
            {
                if (mayBeZero.Count == 0 || Walk.Expressions(s).Any(e => Reads.Pops(e).Any())) return null;
                switch (s)
                {
                    case Assign { Op: "*=" or "/=", Target: Name v } a when mayBeZero.Contains(v.Id):
                        return Risky(a.Value, null) ? v : null;
                    case Assign { Op: "=" or "+=" or "-=" } a:
                        return MultipleOf(a.Value, mayBeZero) is { } g && Risky(a.Value, g) ? g : null;
                    case Invoke { Cotangents.Count: > 0 } call when !_forward && call.Target != call.Assigning:
                    {
                        // A backward every cotangent of which is a multiple of the same adjoint: skip it when that is zero
                        // (not an assigning variant: what it sets must be set).
                        var factors = call.Cotangents.Where(i => call.Args[i] is not Opaque { Template: "default" }).Select(i => MultipleOf(call.Args[i], mayBeZero)).ToList();
                        return factors.Count > 0 && factors[0] is { } common && factors.All(f => common.Equals(f)) ? common : null;
                    }

                    default:
                        return null;
                }
            }

            /// <summary>An adjoint (a scalar, or an element of a cotangent buffer) that may be zero, of which <paramref name="e"/> is a multiple.</summary>
            private Expr? MultipleOf(Expr e, HashSet<string> mayBeZero) => e switch
            {
                Name n when n.IsReal && mayBeZero.Contains(n.Id) => n,
                Element el when mayBeZero.Contains(el.Span) || mayBeZero.Contains(Key(el)) => el,
                Unary { Op: "-" } u => MultipleOf(u.Operand, mayBeZero),
                Cast c => MultipleOf(c.Operand, mayBeZero),
                Binary { Op: "*" } b => MultipleOf(b.Left, mayBeZero) ?? MultipleOf(b.Right, mayBeZero),
                Binary { Op: "/" } b => MultipleOf(b.Left, mayBeZero),
                Binary { Op: "+" or "-" } b when MultipleOf(b.Left, mayBeZero) is { } l && l.Equals(MultipleOf(b.Right, mayBeZero)) => l,
                // Forward mode's strong zeros and branches: c ? 0 : u̇·f′ is a multiple of u̇ (either arm, where both are of the same).
                Conditional k when Simplifier.IsConstant(k.WhenTrue, 0) => MultipleOf(k.WhenFalse, mayBeZero),
                Conditional k when Simplifier.IsConstant(k.WhenFalse, 0) => MultipleOf(k.WhenTrue, mayBeZero),
                Conditional k when MultipleOf(k.WhenTrue, mayBeZero) is { } t && t.Equals(MultipleOf(k.WhenFalse, mayBeZero)) => t,
                _ => null,
            };

            /// <summary>
            /// Whether <paramref name="e"/> may be zero: the constant, a multiple of what may be, or a branch of the program with
            /// such an arm (a strong zero's zero arm is where its factor is zero: it is the multiple of that factor it is).
            /// </summary>
            private bool MayBeZero(Expr e, HashSet<string> mayBeZero) => Simplifier.IsConstant(e, 0) || MultipleOf(e, mayBeZero) is not null
                || e is Conditional { StrongZero: false } k && (MayBeZero(k.WhenTrue, mayBeZero) || MayBeZero(k.WhenFalse, mayBeZero));

            /// <summary>Whether <paramref name="e"/> has a factor besides <paramref name="guard"/> that could be ∞ or NaN.</summary>
            private bool Risky(Expr e, Expr? guard) => Reads.Nodes(WithoutTests(e)).Any(x => !x.Equals(guard) && x switch
            {
                Name n => n.IsReal && _unbounded.Contains(n.Id),
                Element el => el.IsReal && _unbounded.Contains(el.Span),
                Binary { Op: "/", Right: var d } => !Simplifier.TryValue(d, out _),
                MathCall m => !DerivativeRules.FiniteOnFinite(m.Function),
                UserCall => true,
                _ => false,
            });

            // A branch's test picks a factor; it is not one (an ∞ compared is no 0·∞).
            private static Expr WithoutTests(Expr e) => Walk.Transform(e, x => x is Conditional k
                ? k with { Test = new Literal("true", "bool"), WhenTrue = WithoutTests(k.WhenTrue), WhenFalse = WithoutTests(k.WhenFalse) } : null);

            /// <summary>The transfer function: which tracked adjoints may be zero after <paramref name="s"/>.</summary>
            private void Update(Stmt s, HashSet<string> mayBeZero)
            {
                switch (s)
                {
                    case LocalDecl d when _tracked.Contains(d.Name):
                        Set(d.Name, d.Init is null || MayBeZero(d.Init, mayBeZero));
                        break;
                    case Assign { Target: Name v } a when _tracked.Contains(v.Id):
                    {
                        bool zeroOrMultiple = MayBeZero(a.Value, mayBeZero);
                        Set(v.Id, a.Op switch
                        {
                            "=" => zeroOrMultiple,
                            "+=" or "-=" => mayBeZero.Contains(v.Id) && zeroOrMultiple,
                            "*=" => mayBeZero.Contains(v.Id) || zeroOrMultiple,
                            _ => mayBeZero.Contains(v.Id),
                        });
                        break;
                    }

                    case Assign { Target: Element el } a when _tracked.Contains(el.Span):
                    {
                        // An element killed when its output element was overwritten (dy[i] = 0) may be zero until something
                        // that is not adds to it.
                        bool zeroOrMultiple = MayBeZero(a.Value, mayBeZero);
                        Set(Key(el), a.Op switch
                        {
                            "=" => zeroOrMultiple,
                            "+=" or "-=" => mayBeZero.Contains(Key(el)) && zeroOrMultiple,
                            _ => mayBeZero.Contains(Key(el)),
                        });
                        break;
                    }
                }

                void Set(string name, bool value)
                {
                    if (value) mayBeZero.Add(name);
                    else mayBeZero.Remove(name);
                }
            }
        }
    }
}
