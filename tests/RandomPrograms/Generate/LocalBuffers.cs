using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using SymGrad.RandomPrograms.Model;

namespace SymGrad.RandomPrograms.Generate
{
    /// <summary>
    /// Local buffers (README "Local buffers"): one of the entry's outputs becomes a buffer it declares itself, as people keep a
    /// hidden layer's activations or a step's stages — <c>Span&lt;double&gt; h = stackalloc double[n];</c>, <c>new double[n]</c>
    /// as a span, an array or <c>var</c> — at the top of its body, written from zero. The program's other results are what the
    /// checks see; the buffer's values reach them only through what the entry computes from it. Only where SymGrad keeps
    /// local buffers: an entry (static or a layer's method, generic too) with no out, tuple or struct result, which still
    /// returns a value or writes another output.
    /// </summary>
    public static class LocalBuffers
    {
        public static ProgramModel Apply(ProgramModel program, Draw r)
        {
            var entry = program.Entry;
            if (!KeptBefore(entry))
            {
                return program;
            }

            var outputs = entry.Params.Where(p => p.Kind == ParamKind.RealSpanOut && !p.Result && !p.Field && p.Struct is null && p.Held is null && p.Length is not null).ToList();
            if (outputs.Count == 0 || !entry.ReturnsReal && outputs.Count == 1)
            {
                return program;
            }

            var y = r.Pick(outputs);
            // A callee taking it as double[] takes an array; a range of it passed (y[a..b]) is a part of a span only, of an array
            // a copy (SymGrad refuses it for what is written: CI's campaign on a4082ed, dgv-sAENVre1).
            bool ranged = Measure.All(entry.Body).Any(n => n is SpanArg { AsRange: true } s && s.Span == y.Name);
            int form = y.AsArray ? r.Int(2, 3) : ranged ? r.Int(0, 1) : r.Int(0, 3);
            var local = entry with
            {
                Params = entry.Params.Remove(y),
                Body = entry.Body.Insert(0, new BufferDecl(y.Name, y.Length!, form)),
                ExpressionBodied = false,
            };
            return program with { Methods = program.Methods.Select(m => m == entry ? local : m).ToImmutableArray() };
        }

        /// <summary>
        /// A called method reading a span input through a copy of its own: <c>var xl = new double[x.Length];</c> filled from x,
        /// every read of x then one of xl (its signature and its callers unchanged), so that its callers' modes go through the
        /// generated methods that lend it. Only a static helper (generic too) with no out, tuple or struct result, no struct
        /// parameter (see <see cref="Lends"/>) and, where its callers pass a range of the input (<c>x[a..b]</c>, of an array a
        /// copy), a span.
        /// </summary>
        public static ProgramModel ApplyToHelper(ProgramModel program, Draw r)
        {
            var nested = NestedCallees(program);
            var helpers = program.Methods.Where(h => h != program.Entry && LendsNotNested(h, nested) && !Measure.Buffers(h).Any() && Copyable(h, h.Body).Any()).ToList();
            if (helpers.Count == 0)
            {
                return program;
            }

            var h = r.Pick(helpers);
            var x = r.Pick(Copyable(h, h.Body).ToList());
            var copied = h with { Body = ReadThroughACopy(h, h.Body, x, r), ExpressionBodied = false };
            return program with { Methods = program.Methods.Select(m => m == h ? copied : m).ToImmutableArray() };
        }

        /// <summary>
        /// A called method reading a scalar input through a buffer of one element (<c>Span&lt;double&gt; al = stackalloc double[1];
        /// al[0] = a;</c>, every read of a then <c>al[0]</c>, local functions aside): drawn where <see cref="ApplyToHelper"/> has
        /// no span to copy — scalar functions, the ones programs call nested (FTangent, FGradient), whose nested methods lend it.
        /// </summary>
        public static ProgramModel ApplyScalarToHelper(ProgramModel program, Draw r)
        {
            var helpers = program.Methods.Where(h => h != program.Entry && Lends(h) && !Measure.Buffers(h).Any() && Holdable(h).Any()).ToList();
            if (helpers.Count == 0)
            {
                return program;
            }

            var h = r.Pick(helpers);
            var a = r.Pick(Holdable(h).ToList());
            var taken = h.Params.Select(p => p.Name).Concat(Measure.AllNames(h.Body)).ToHashSet();
            string copy = Enumerable.Range(0, 100).Select(k => a.Name + "l" + (k == 0 ? "" : k.ToString(System.Globalization.CultureInfo.InvariantCulture))).First(n => !taken.Contains(n));

            var rest = Rewrite.Expressions(h.Body, e => e is Var v && v.Name == a.Name ? new ElemRead(copy, new IntLit(0)) : e);
            var body = new Stmt[] { new BufferDecl(copy, Dim.Of(1), r.Int(0, 3)), new Store(copy, new IntLit(0), new Var(a.Name)) }.Concat(rest);
            var held = h with { Body = body.ToImmutableArray(), ExpressionBodied = false };
            return Kept(program, program with { Methods = program.Methods.Select(m => m == h ? held : m).ToImmutableArray() });

            // A real scalar input of the method's own precision that the body reads and never assigns, and no local function reads
            // (a span or a stackalloc'd buffer is not captured: CS8175, seed 3911's 87UsUc0JpHQ1).
            static IEnumerable<Param> Holdable(Method m) => m.Params.Where(p => p.Kind == ParamKind.RealScalar && !p.NoDerivative && !p.Other && !p.Wide && p.Struct is null && !p.Field
                && Measure.Names(m.Body).Contains(p.Name)
                && !Measure.All(m.Body).OfType<LocalFunction>().Any(f => Measure.All(f.Body).OfType<Var>().Any(v => v.Name == p.Name))
                && !Measure.All(m.Body).Any(n => n is Assign x && x.Target == p.Name || n is IncDec i && i.Target == p.Name || n is RefArg ra && ra.Local == p.Name || n is OutArg { Local: { } o } && o == p.Name));
        }

        /// <summary>
        /// A buffer declared in a block — a loop's body (for, foreach, while, do), a branch of an if, one inside a switch's
        /// section —: an input read there through a copy made at the block's start, so that each pass of a loop starts the
        /// buffer from zero and fills it again, as people keep a step's scratch. In the entry (where <see cref="Apply"/> keeps
        /// buffers) or in a called method (where <see cref="ApplyToHelper"/> does).
        /// </summary>
        public static ProgramModel ApplyInBlock(ProgramModel program, Draw r)
        {
            var methods = program.Methods.Where(m => (m == program.Entry ? Keeps(m) : Lends(m)) && Blocks(m.Body).Any(b => Copyable(m, b).Any())).ToList();
            if (methods.Count == 0)
            {
                return program;
            }

            var h = r.Pick(methods);
            var blocks = Blocks(h.Body).ToList();
            var candidates = Enumerable.Range(0, blocks.Count).Where(k => Copyable(h, blocks[k]).Any()).ToList();
            int chosen = r.Pick(candidates);
            var x = r.Pick(Copyable(h, blocks[chosen]).ToList());
            int visited = 0;
            var body = MapBlocks(h.Body, block => visited++ == chosen ? ReadThroughACopy(h, block, x, r) : block);
            var copied = h with { Body = body, ExpressionBodied = false };
            return Kept(program, program with { Methods = program.Methods.Select(m => m == h ? copied : m).ToImmutableArray() });
        }

        /// <summary>
        /// Some buffers sized by a local declared right before them (<c>int yLen = n * m; var y = new double[yLen];</c>), as one
        /// names a size: SymGrad reads the local's definition. Drawn after the buffers (its own side stream), so past seeds keep them.
        /// </summary>
        public static ProgramModel SizeByLocals(ProgramModel program, Draw r) => program with
        {
            Methods = program.Methods.Select(m =>
            {
                var names = m.Params.Select(p => p.Name).Concat(Measure.AllNames(m.Body)).ToHashSet();
                return Measure.Buffers(m).Any(b => !names.Contains(b.SizeName))
                    ? m with { Body = Rewrite.Statements(m.Body, s => s is BufferDecl b && !names.Contains(b.SizeName) && r.Chance(0.4) ? b with { Sized = true } : s) }
                    : m;
            }).ToImmutableArray(),
        };

        /// <summary>
        /// A generic method with a <c>stackalloc T[n]</c> buffer constrains T to unmanaged types (C#'s CS0208 otherwise), as its
        /// author would — and so do the generic methods passing their T on to it (CS8377 otherwise; seed 3903's ePlM4LnUmo91):
        /// every generic method of the program, which is simplest.
        /// </summary>
        public static ProgramModel Unmanaged(ProgramModel program) => program.Methods.Any(m => m.IsGeneric && Measure.Buffers(m).Any(b => b.Form == 0))
            ? program with { Methods = program.Methods.Select(m => m.IsGeneric ? m with { Generic = GenericForm.UnmanagedIeee754 } : m).ToImmutableArray() }
            : program;

        /// <summary>
        /// <paramref name="h"/> reading one of its span inputs through a local copy (as <see cref="ApplyToHelper"/> draws it), or
        /// as it is when it reads none.
        /// </summary>
        public static Method WithACopy(Method h, Draw r) => Copyable(h, h.Body).ToList() is { Count: > 0 } inputs
            ? h with { Body = ReadThroughACopy(h, h.Body, r.Pick(inputs), r), ExpressionBodied = false }
            : h;

        /// <summary>Whether <paramref name="m"/> may declare a buffer of its own: the entry where SymGrad keeps them, a called method where its callers' modes go through the methods that lend them.</summary>
        public static bool MayKeep(ProgramModel program, Method m) => m == program.Entry ? Keeps(m) : Lends(m);

        /// <summary>Where SymGrad keeps local buffers: a method (generic too) with no tuple or struct result (out results too).</summary>
        private static bool Keeps(Method m) => !m.ReturnsStruct && !m.TupleResult;

        /// <summary>
        /// <see cref="Keeps"/> as it was when <see cref="Apply"/> and <see cref="ApplyToHelper"/> were written (no out results
        /// either), so that past seeds keep their programs.
        /// </summary>
        private static bool KeptBefore(Method m) => Keeps(m) && !m.HasOutResult;

        /// <summary>
        /// A called method whose buffers its callers' modes go through the generated methods that lend them, with no struct
        /// parameter: static (called nested too: its FTangentBackward and FTangentTangent lend them; a method calling it nested
        /// then has no Hessian-vector product, <see cref="ForwardMode.ThirdOrder"/>), or a layer's (its own or a held one's: its
        /// twin with the fields as parameters lends them).
        /// </summary>
        private static bool Lends(Method h) => Keeps(h) && !h.Params.Any(p => p.Struct is not null);

        /// <summary>
        /// <see cref="Lends"/>, the nested calls' helpers aside (<see cref="NestedCalls.Helper"/>: left out from when SymGrad did
        /// not differentiate a nested call of a method with buffers, so that past seeds keep their programs; <see cref="ApplyScalarToHelper"/> takes them).
        /// </summary>
        private static bool LendsNotNested(Method h, HashSet<string> nested) => Lends(h) && KeptBefore(h) && !nested.Contains(h.Name) && !h.Instance && !h.Held
            && !h.Name.StartsWith(NestedCalls.Helper, System.StringComparison.Ordinal) && !h.Params.Any(p => p.Field);

        /// <summary>The methods the program calls nested (FTangent, FGradient, FBackward).</summary>
        private static HashSet<string> NestedCallees(ProgramModel program) => program.Methods.SelectMany(m => Measure.All(m.Body)).Select(n => n switch
        {
            CallStmt { IsNested: true } c => c.Callee,
            CallExpr { IsNested: true } c => c.Callee,
            _ => null,
        }).Where(name => name is not null).Select(name => name!).ToHashSet();

        /// <summary>
        /// <paramref name="after"/>, unless a buffer took away what a nested call needs: a method called nested stays
        /// differentiable twice (a buffer in its nested callee takes its third order away: seed 3907's cJSoUxuA1Pi1, SG0019).
        /// </summary>
        private static ProgramModel Kept(ProgramModel before, ProgramModel after) => NestedCallees(before)
            .All(name => !ForwardMode.Nestable(before, before.Find(name)) || ForwardMode.Nestable(after, after.Find(name))) ? after : before;

        /// <summary>A real span input of the method's own precision, read in <paramref name="block"/>.</summary>
        private static IEnumerable<Param> Copyable(Method m, ImmutableArray<Stmt> block) => m.Params.Where(p => p.Kind == ParamKind.RealSpanIn && !p.Other && !p.Wide
            && p.Struct is null && !p.Field && p.Length is not null && Measure.Names(block).Contains(p.Name));

        /// <summary>
        /// <paramref name="block"/> reading <paramref name="x"/> through a copy declared and filled at its start
        /// (<c>var xl = new double[n]; for (int c0 = 0; c0 &lt; xl.Length; c0++) xl[c0] = x[c0];</c>), named like nothing in the method.
        /// </summary>
        private static ImmutableArray<Stmt> ReadThroughACopy(Method h, ImmutableArray<Stmt> block, Param x, Draw r)
        {
            var taken = h.Params.Select(p => p.Name).Concat(Measure.AllNames(h.Body)).ToHashSet();
            string copy = Enumerable.Range(0, 100).Select(k => x.Name + "l" + (k == 0 ? "" : k.ToString(System.Globalization.CultureInfo.InvariantCulture))).First(n => !taken.Contains(n));
            string counter = Enumerable.Range(0, 100).Select(k => "c" + k.ToString(System.Globalization.CultureInfo.InvariantCulture)).First(n => !taken.Contains(n));

            Arg Renamed(Arg a) => a is SpanArg s && s.Span == x.Name ? s with { Span = copy } : a;
            var body = Rewrite.Expressions(block,
                e => e switch
                {
                    ElemRead read when read.Span == x.Name => read with { Span = copy },
                    SpanLength length when length.Span == x.Name => length with { Span = copy },
                    CallExpr c => c with { Args = c.Args.Select(Renamed).ToImmutableArray() },
                    _ => e,
                },
                st => st switch
                {
                    CallStmt c => c with { Args = c.Args.Select(Renamed).ToImmutableArray() },
                    ForEach f when f.Span == x.Name => f with { Span = copy },
                    _ => st,
                });

            // A callee taking it as double[] takes an array; a range of it passed (x[a..b]) is a part of a span only, of an
            // array a copy (CI's campaign on a4082ed, dgv-sAENVre1).
            bool ranged = Measure.All(block).Any(n => n is SpanArg { AsRange: true } s && s.Span == x.Name);
            int form = x.AsArray ? r.Int(2, 3) : ranged ? r.Int(0, 1) : r.Int(0, 3);
            var fill = new For(counter, new IntLit(0), "<", new SpanLength(copy), 1,
                ImmutableArray.Create<Stmt>(new Store(copy, new Var(counter), new ElemRead(x.Name, new Var(counter)))));
            return body.Insert(0, fill).Insert(0, new BufferDecl(copy, x.Length!, form));
        }

        /// <summary>The inner blocks of a body — loops' bodies, if branches, blocks in a switch's sections (not the sections
        /// themselves: C# scopes a declaration there to the whole switch) — innermost first.</summary>
        private static IEnumerable<ImmutableArray<Stmt>> Blocks(ImmutableArray<Stmt> body)
        {
            var blocks = new List<ImmutableArray<Stmt>>();
            MapBlocks(body, b => { blocks.Add(b); return b; });
            return blocks;
        }

        /// <summary>Each inner block replaced by <paramref name="f"/> of it, after its own inner blocks (the order of <see cref="Blocks"/>).</summary>
        private static ImmutableArray<Stmt> MapBlocks(ImmutableArray<Stmt> body, System.Func<ImmutableArray<Stmt>, ImmutableArray<Stmt>> f) => body.Select(s => s switch
        {
            If i => i with { Then = f(MapBlocks(i.Then, f)), Else = i.Else is { } e ? f(MapBlocks(e, f)) : null },
            For l => l with { Body = f(MapBlocks(l.Body, f)) },
            ForEach l => l with { Body = f(MapBlocks(l.Body, f)) },
            While l => l with { Body = f(MapBlocks(l.Body, f)) },
            Switch sw => sw with
            {
                Sections = sw.Sections.Select(x => x with { Body = MapBlocks(x.Body, f) }).ToImmutableArray(),
                Default = sw.Default is { } d ? MapBlocks(d, f) : null,
            },
            _ => s,
        }).ToImmutableArray();
    }
}
