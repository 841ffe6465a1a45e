using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using SymGrad.RandomPrograms.Model;

namespace SymGrad.RandomPrograms.Generate
{
    /// <summary>
    /// Nested calls of <c>HTangent</c> where H writes Span outputs (README, "Nested differentiation"): a helper T0 writing an
    /// output (built from <see cref="Restrict"/>: spans of one length n, calling at most the nested helper N0, sometimes
    /// reading an input through a local buffer; and sometimes a T1 filling its output by a call of T0), and at the end of the entry, or of a
    /// top-level loop's body, <c>T0Tangent(x…, yv, ẋ…, y)</c>: the entry's output y ends holding J·ẋ along a direction (the
    /// argument itself, another input of its length, a constant, or a span's direction left out), the values going to a
    /// buffer declared right before the call that nothing reads. The entry is then checked in every mode through
    /// T0Tangent's own methods (<c>T0TangentBackward</c>, <c>T0TangentTangent</c>, <c>T0TangentBackwardTangent</c>). Or, now and
    /// then, <c>T0(x…, yv)</c> and right after it <c>T0Backward(x…, yv, u, g…)</c> (<see cref="BackwardCall"/>), differentiated
    /// through <c>T0BackwardOfX</c> and its methods — T0 then sometimes calling <c>Nn</c> primitives or library functions,
    /// which its HTangent read as a method may not, writing two outputs, or returning a value (the call then passes a seed).
    /// The helper called sometimes checkpoints its loops. Drawn
    /// after everything else, from side streams, and appended — so that the draws of past seeds stay as they were.
    /// </summary>
    public static class TangentCalls
    {
        /// <summary>The name of the helper drawn for such calls (<see cref="Restrict"/>): void, writing outputs.</summary>
        public const string Helper = "T0";

        /// <summary>A second such helper, filling its output by a call of <see cref="Helper"/>: its HTangent calls T0Tangent.</summary>
        public const string Outer = "T1";

        /// <summary>Whether <paramref name="name"/> is one of the helpers drawn for nested HTangent calls.</summary>
        public static bool IsHelper(string name) => name is Helper or Outer;

        /// <summary>
        /// What the helper is built from: no calls but of scalar methods of the program (the nested helper N0, when the
        /// program has one — its forward mode then calls N0Tangent) and, for T1, of T0; no structs, flags or anything of
        /// the other real type.
        /// </summary>
        public static FeatureSet Restrict(FeatureSet f, bool fills = false)
        {
            var weights = f.Weights.ToDictionary(kv => kv.Key, kv => kv.Value);
            foreach (var off in new[]
            {
                Feature.SpanWritingCalls, Feature.NnPrimitives, Feature.RegisteredLibrary, Feature.NestedCalls, Feature.UnderivableCalls,
                Feature.Structs, Feature.StructCalls, Feature.StructResultCalls, Feature.ResultCalls, Feature.OutResults, Feature.BoolParams,
                Feature.OtherPrecisionParams, Feature.OtherPrecisionSpans, Feature.DoubleInputs, Feature.Generics, Feature.NoDerivativeParams, Feature.MultipleOutputs,
            })
            {
                weights[off] = 0;
            }

            weights[Feature.SpanOutputs] = System.Math.Max(1, weights[Feature.SpanOutputs]);
            if (fills)
            {
                weights[Feature.SpanWritingCalls] = System.Math.Max(1, f[Feature.SpanWritingCalls]);
            }

            return new FeatureSet(weights);
        }

        /// <summary>
        /// The helper, drawn from side streams until it is one SymGrad reads HTangent of (<see cref="ForwardMode.TangentCallable"/>),
        /// void, with one output — T1 calling T0 —, or null after a few tries.
        /// </summary>
        public static Method? Writer(Draw r, FeatureSet f, IReadOnlyList<Method> callees, string name = Helper)
        {
            for (uint k = 0; k < 8; k++)
            {
                Method t = new MethodBuilder(r.Side(k), Restrict(f, fills: name == Outer), callees, false, name).Build();
                if (!t.ReturnsReal && t.Params.Count(p => p.Kind == ParamKind.RealSpanOut) == 1
                    && ForwardMode.TangentCallable(new ProgramModel(callees.Append(t).ToImmutableArray()), t)
                    && (name == Helper || Measure.All(t.Body).Any(n => n is CallStmt { IsNn: false, IsNested: false } c && c.Callee == Helper)))
                {
                    return t;
                }
            }

            return null;
        }

        /// <summary>The helpers drawn for a nested HBackward only (<see cref="BackwardWriter"/>).</summary>
        private enum Kind
        {
            /// <summary>Calling an <c>Nn</c> primitive or a library function.</summary>
            Library,

            /// <summary>Writing two outputs.</summary>
            TwoOutputs,

            /// <summary>Returning a value as well as writing an output (HBackward takes its seed).</summary>
            Returns,
        }

        /// <summary>
        /// A helper T0 whose nested HBackward a caller may call (<see cref="ForwardMode.BackwardCallable"/>) but whose HTangent
        /// is not drawn: one calling an <c>Nn</c> primitive or a library function (<see cref="Restrict"/> with them allowed),
        /// one writing two outputs, or one returning a value — or null after a few tries.
        /// </summary>
        private static Method? BackwardWriter(Draw r, FeatureSet f, IReadOnlyList<Method> callees, Kind kind)
        {
            bool library = kind == Kind.Library;
            var weights = Restrict(f).Weights.ToDictionary(kv => kv.Key, kv => kv.Value);
            if (library)
            {
                weights[Feature.NnPrimitives] = f[Feature.NnPrimitives];
                weights[Feature.RegisteredLibrary] = f[Feature.RegisteredLibrary];
            }
            else if (kind == Kind.TwoOutputs)
            {
                weights[Feature.MultipleOutputs] = System.Math.Max(1, f[Feature.MultipleOutputs]);
            }

            var allowed = new FeatureSet(weights);
            for (uint k = 0; k < 8; k++)
            {
                Method t = new MethodBuilder(r.Side(k), allowed, callees, false, Helper).Build();
                // (Of spans of one length n, as T0's: Nn.Dense's shapes — x of n·m, w of m·k — are not; the entry binds n to its
                // output's length and passes inputs of that length. Seed 53's 37vkn2iFa481, before this was checked.)
                if (t.ReturnsReal == (kind == Kind.Returns) && t.Params.Count(p => p.Kind == ParamKind.RealSpanOut) == (kind == Kind.TwoOutputs ? 2 : 1) && (!library || CallsLibrary(t))
                    && t.Params.Where(p => p.IsSpan).All(p => Dim.Of("n").Equals(p.Length))
                    && ForwardMode.BackwardCallable(new ProgramModel(callees.Append(t).ToImmutableArray()), t))
                {
                    return t;
                }
            }

            return null;
        }

        /// <summary>
        /// A helper T0 calling <c>Nn</c> primitives whose HTangent is read as a method (<see cref="ForwardMode.TangentCallable"/>):
        /// spans of one length n as T0's, one output — or null after a few tries.
        /// </summary>
        private static Method? NnWriter(Draw r, FeatureSet f, IReadOnlyList<Method> callees) => WriterCalling(r, f, callees, Feature.NnPrimitives,
            t => Measure.All(t.Body).Any(n => n is CallStmt { IsNn: true } or CallExpr { IsNn: true }) && t.Params.Where(p => p.IsSpan).All(p => Dim.Of("n").Equals(p.Length)));

        /// <summary>
        /// A helper T0 calling library functions whose tangents are read off their backwards, its HTangent read as a method
        /// (<see cref="ForwardMode.TangentCallable"/>: those with a registered second order) — or null after a few tries.
        /// </summary>
        private static Method? LibraryWriter(Draw r, FeatureSet f, IReadOnlyList<Method> callees) => WriterCalling(r, f, callees, Feature.RegisteredLibrary,
            t => Measure.All(t.Body).Any(n => n is MathCall c && MathNames.Library.Contains(c.Function)));

        /// <summary>
        /// A void helper T0 with one output drawn with <see cref="Restrict"/> and <paramref name="feature"/> allowed, that
        /// <paramref name="calls"/> what it is drawn for and whose HTangent is read as a method — or null after a few tries.
        /// </summary>
        private static Method? WriterCalling(Draw r, FeatureSet f, IReadOnlyList<Method> callees, Feature feature, System.Func<Method, bool> calls)
        {
            var weights = Restrict(f).Weights.ToDictionary(kv => kv.Key, kv => kv.Value);
            weights[feature] = System.Math.Max(1, 2 * f[feature]);
            var allowed = new FeatureSet(weights);
            for (uint k = 0; k < 8; k++)
            {
                Method t = new MethodBuilder(r.Side(k), allowed, callees, false, Helper).Build();
                if (!t.ReturnsReal && t.Params.Count(p => p.Kind == ParamKind.RealSpanOut) == 1 && calls(t)
                    && ForwardMode.TangentCallable(new ProgramModel(callees.Append(t).ToImmutableArray()), t))
                {
                    return t;
                }
            }

            return null;
        }

        /// <summary>Whether a method calls an <c>Nn</c> primitive or a library function.</summary>
        public static bool CallsLibrary(Method m) => Measure.All(m.Body).Any(n => n is CallStmt { IsNn: true } or CallExpr { IsNn: true } || n is MathCall c && MathNames.InLibrary(c.Function));

        /// <summary>
        /// The program with T0 (and maybe T1) and a nested call of one's tangent in the entry, or as it was where the entry
        /// has no output to write it into, with an input of that length (a static entry, not generic, that keeps buffers).
        /// </summary>
        public static ProgramModel Insert(ProgramModel program, FeatureSet f, Draw r)
        {
            var entry = program.Entry;
            var outputs = entry.Params.Where(p => p.Kind == ParamKind.RealSpanOut && !p.Field && !p.AsArray && !p.Result && p.Held is null && p.Struct is null && p.Length is not null).ToList();
            if (entry.Instance || entry.IsGeneric || !LocalBuffers.MayKeep(program, entry) || outputs.Count == 0)
            {
                return program;
            }

            var y = r.Pick(outputs);
            var inputs = entry.Params.Where(p => p.Kind == ParamKind.RealSpanIn && p.Length is not null && p.Length.Equals(y.Length) && !p.Other && !p.Wide && !p.Field && p.Struct is null && p.Held is null).ToList();
            int shortest = y.Length!.Const * y.Length.Sizes.Aggregate(1, (a, size) => a * (entry.Params.FirstOrDefault(p => p.Name == size)?.Min ?? 0));
            var callees = program.Methods.Where(m => m.Name.StartsWith(NestedCalls.Helper, System.StringComparison.Ordinal)).ToList();
            if (inputs.Count == 0 || Writer(r.Side(1), f, callees) is not { } t0)
            {
                return program;
            }

            // Sometimes (BackwardCallHelpers, side streams 21–23) T0 is one whose HTangent is not drawn, and the call is one of its
            // HBackward, which needs only HTangent and HBackwardTangent: T0 calling Nn primitives or library functions (its HTangent
            // is not read as a method: their registered tangents are not differentiated again), writing two outputs (a cotangent
            // of each), or returning a value (its seed passed).
            bool backwardOnly = false;
            if (f.On(Feature.BackwardCallHelpers) && r.Side(21).Chance(System.Math.Min(0.9, 0.5 * f[Feature.BackwardCallHelpers])))
            {
                bool library = f.On(Feature.NnPrimitives) || f.On(Feature.RegisteredLibrary);
                Kind kind = r.Side(22).Weighted((library ? 2 : 0, Kind.Library), (1, Kind.TwoOutputs), (1, Kind.Returns));
                if (BackwardWriter(r.Side(23), f, callees, kind) is { } helper)
                {
                    (t0, backwardOnly) = (helper, true);
                }
            }

            // Sometimes (NnTangentHelpers, side streams 24–25) T0 calls Nn primitives: its HTangent, read as a method, calls their
            // registered tangents, differentiated again through their own registered derivatives.
            if (!backwardOnly && f.On(Feature.NnTangentHelpers) && f.On(Feature.NnPrimitives)
                && r.Side(24).Chance(System.Math.Min(0.9, 0.4 * f[Feature.NnTangentHelpers])) && NnWriter(r.Side(25), f, callees) is { } nn)
            {
                t0 = nn;
            }

            // Sometimes (LibraryTangentHelpers, side streams 26–27) T0 calls library functions whose tangents are read off their
            // backwards: its HTangent, read as a method, calls the partials SymGrad writes for them (Parse.DerivativeReads).
            else if (!backwardOnly && f.On(Feature.LibraryTangentHelpers) && f.On(Feature.RegisteredLibrary)
                && r.Side(26).Chance(System.Math.Min(0.9, 0.4 * f[Feature.LibraryTangentHelpers])) && LibraryWriter(r.Side(27), f, callees) is { } library)
            {
                t0 = library;
            }

            // Sometimes reading an input through a local copy: HTangent's own methods lend the buffer and its tangent.
            if (f.On(Feature.LocalBuffers) && r.Side(4).Chance(0.4))
            {
                t0 = LocalBuffers.WithACopy(t0, r.Side(5));
            }

            Method? t1 = r.Side(2).Chance(0.4) && !backwardOnly ? Writer(r.Side(3), f, callees.Append(t0).ToList(), Outer) : null;
            var h = t1 is not null && r.Chance(0.6) ? t1 : t0;
            if (h.Params.FirstOrDefault(p => p.Kind == ParamKind.Size && p.Name == "n") is { } n && n.Min > shortest)
            {
                return program; // the output may be shorter than the helper's n may be
            }

            // Its arguments: the output's length for n, sizes within their bounds, an input of the output's length for each span,
            // a constant or a scalar of the entry's for each real; the values into a buffer, the tangent into the output.
            var taken = entry.Params.Select(p => p.Name).Concat(Measure.AllNames(entry.Body)).ToHashSet();
            string values = Enumerable.Range(0, 100).Select(k => y.Name + "v" + (k == 0 ? "" : k.ToString(System.Globalization.CultureInfo.InvariantCulture))).First(x => !taken.Contains(x));
            taken.Add(values);
            var buffers = h.Params.Where(p => p.Kind == ParamKind.RealSpanOut).Select((_, k) => k == 0 ? values
                : Enumerable.Range(1, 100).Select(j => values + "o" + j.ToString(System.Globalization.CultureInfo.InvariantCulture)).First(taken.Add)).ToList();
            int output = 0;
            var scalars = entry.Params.Where(p => p.Kind == ParamKind.RealScalar && !p.Other && !p.Wide && !p.Field && p.Struct is null && p.Held is null).ToList();
            var args = new List<Arg>();
            var directions = new List<Arg>();
            foreach (Param p in h.Params)
            {
                Arg a = p.Kind switch
                {
                    ParamKind.RealSpanOut => new SpanArg(buffers[output++]),
                    ParamKind.RealSpanIn => new SpanArg(r.Pick(inputs).Name),
                    ParamKind.RealScalar => new ValueArg(scalars.Count > 0 && r.Chance(0.5) ? new Var(r.Pick(scalars).Name) : new RealLit(r.Pick(new[] { 0.5, -0.75, 1.25 }))),
                    ParamKind.Size when p.Name == "n" => new ValueArg(new SpanLength(y.Name)),
                    ParamKind.Size => new ValueArg(new IntLit(r.Int(p.Min, p.Max))),
                    _ => throw new System.InvalidOperationException($"{h.Name} takes a {p.Kind}: Restrict leaves none"),
                };
                args.Add(a);
                if (!p.IsDifferentiable)
                {
                    continue;
                }

                // A span's direction: left out (default: zeros), another input of its length, or the argument itself; a real's a constant or itself.
                directions.Add(a switch
                {
                    SpanArg when r.Chance(0.25) => new DefaultArg(),
                    SpanArg x when inputs.Count > 1 && r.Chance(0.5) => new SpanArg(r.Pick(inputs.Where(i => i.Name != x.Span).ToList()).Name),
                    SpanArg x => x,
                    ValueArg v => r.Chance(0.5) ? v : new ValueArg(new RealLit(r.Pick(new[] { 1.0, 0.5, -1.5, 2.0 }))),
                    _ => a,
                });
            }

            var helpers = t1 is null ? new[] { t0 } : new[] { t0, t1 };
            var buffer = new BufferDecl(values, y.Length, r.Int(0, 3));
            bool backwardCallable = ForwardMode.BackwardCallable(program with { Methods = helpers.Concat(program.Methods).ToImmutableArray() }, h);
            if (backwardOnly && !backwardCallable)
            {
                return program; // (its HTangent is not one to draw)
            }

            var call = (r.Side(6).Chance(0.4) || backwardOnly) && backwardCallable
                ? BackwardCall(h, args, buffers.Select(b => buffer with { Name = b }).ToList(), y, inputs, taken, r.Side(7))
                : new Stmt[] { buffer, new CallStmt(h.Name, args.Concat(directions).Append(new SpanArg(y.Name)).ToImmutableArray(), false, "Tangent") };

            // At the end of the body (before its last return), or of a top-level loop's body: y ends holding J·ẋ.
            var body = entry.Body.ToList();
            int end = body.Count > 0 && body[^1] is Return ? body.Count - 1 : body.Count;
            int loop = body.FindLastIndex(s => s is For);
            if (loop >= 0 && r.Chance(0.3))
            {
                var l = (For)body[loop];
                body[loop] = l with { Body = l.Body.AddRange(call) };
            }
            else
            {
                body.InsertRange(end, call);
            }

            // Sometimes the helper called checkpoints its loops ([Differentiable(CheckpointLoops = true, …)]): HTangent read as a
            // method keeps the setting, so its own backward reruns steps from snapshots (drawn last, from a side stream).
            var side = r.Side(8);
            if (f.On(Feature.CheckpointedLoops) && side.Chance(System.Math.Min(0.9, 0.3 * f[Feature.CheckpointedLoops])) && h.Body.Any(s => s is For or While or ForEach))
            {
                var marked = h with { Checkpoint = new CheckpointMark(side.Weighted((2, 0), (2, 1), (2, 2), (1, 3)), side.Weighted((4, 0), (1, 2))) };
                helpers = helpers.Select(m => m == h ? marked : m).ToArray();
            }

            var called = entry with { Body = body.ToImmutableArray(), ExpressionBodied = false };
            return program with { Methods = helpers.Concat(program.Methods.Select(m => m == entry ? called : m)).ToImmutableArray() };
        }

        /// <summary>
        /// <c>H(x…, yv); y = yv; HBackward(x…, yv, u, g…)</c>: H's values into the buffer, copied into the entry's output y (which
        /// is so written whole, then added to), and the vector-Jacobian product at a cotangent u (an input of y's length, or
        /// the values themselves: the gradient of ½‖H‖²) — one span input's gradient added to y, the others' not wanted, each
        /// scalar's into a local then added to every element of y.
        /// </summary>
        private static Stmt[] BackwardCall(Method h, List<Arg> args, List<BufferDecl> buffers, Param y, List<Param> inputs, HashSet<string> taken, Draw r)
        {
            string Fresh(string stem) => Enumerable.Range(0, 100).Select(k => stem + (k == 0 ? "" : k.ToString(System.Globalization.CultureInfo.InvariantCulture))).First(x => taken.Add(x));
            For Loop(System.Func<string, Expr> value)
            {
                string i = Fresh("k");
                return new For(i, new IntLit(0), "<", new SpanLength(y.Name), 1, ImmutableArray.Create<Stmt>(new Store(y.Name, new Var(i), value(i))));
            }

            var spans = h.Params.Select((p, i) => (p, i)).Where(x => x.p.Kind == ParamKind.RealSpanIn).Select(x => x.i).ToList();
            int added = spans.Count > 0 ? r.Pick(spans) : -1;
            var locals = new List<string>();
            var gradients = new List<Arg>();
            for (int i = 0; i < h.Params.Length; i++)
            {
                if (h.Params[i].Kind == ParamKind.RealScalar)
                {
                    locals.Add(Fresh("g" + h.Params[i].Name));
                    gradients.Add(new RefArg(locals[^1]));
                }
                else if (h.Params[i].Kind == ParamKind.RealSpanIn)
                {
                    gradients.Add(i == added ? new SpanArg(y.Name) : new DefaultArg());
                }
            }

            var values = buffers[0];
            var cotangents = buffers.Select(b => (Arg)new SpanArg(r.Chance(0.3) ? b.Name : r.Pick(inputs).Name)).ToList();
            if (h.ReturnsReal)
            {
                // The seed of H's value (H's value itself discarded): a constant, or a scalar H was passed.
                var scalars = args.OfType<ValueArg>().Where(a => a.Value is Var).ToList();
                cotangents.Insert(0, scalars.Count > 0 && r.Chance(0.5) ? r.Pick(scalars) : new ValueArg(new RealLit(r.Pick(new[] { 1.0, 0.5, -2.0 }))));
            }

            var backward = args.Concat(cotangents).Concat(gradients).ToImmutableArray();
            var stmts = new List<Stmt>(buffers) { new CallStmt(h.Name, args.ToImmutableArray(), false), Loop(i => new ElemRead(values.Name, new Var(i))) };
            if (locals.Count > 0)
            {
                stmts.Add(new Decl(ValueType.Real, locals.Select(l => new Declarator(l, new RealLit(0))).ToImmutableArray()));
            }

            stmts.Add(new CallStmt(h.Name, backward, false, "Backward"));
            foreach (string g in locals)
            {
                stmts.Add(Loop(i => new Binary("+", new ElemRead(y.Name, new Var(i)), new Var(g))));
            }

            return stmts.ToArray();
        }

        /// <summary>Whether a method calls HBackward of a method writing outputs.</summary>
        public static bool CallsBackward(Method m) => Measure.All(m.Body).Any(n => n is CallStmt { IsNested: true, Suffix: "Backward" } b && IsHelper(b.Callee));

        /// <summary>Whether a method calls HTangent (or HBackward) of a method writing outputs.</summary>
        public static bool Calls(Method m) => Measure.All(m.Body).Any(n => n is CallStmt { IsNested: true, Suffix: "Tangent" } || n is CallStmt { IsNested: true, Suffix: "Backward" } b && IsHelper(b.Callee));
    }
}
