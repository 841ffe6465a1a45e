using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using CsCheck;
using SymGrad.RandomPrograms.Model;
using ValueType = SymGrad.RandomPrograms.Model.ValueType;

namespace SymGrad.RandomPrograms.Generate
{
    /// <summary>
    /// A CsCheck generator of programs inside README's differentiable subset. Every program is valid by construction:
    /// indices stay in bounds for every size drawn (loops run over the dimension a span is indexed by), outputs are read
    /// only after a statement that writes all their elements, Log/Sqrt/Pow bases are positive, denominators are
    /// <c>1 + u·u</c> or literals, no parameter is assigned, no output is accumulated into with <c>+=</c> (SG0016 is a
    /// documented refusal). Its CsCheck <see cref="Size"/> is the program's node count, so CsCheck's shrinking prefers
    /// smaller programs.
    /// </summary>
    public sealed class ProgramGenerator : Gen<ProgramModel>
    {
        public ProgramGenerator(FeatureSet features) => Features = features;

        public FeatureSet Features { get; }

        public override ProgramModel Generate(PCG pcg, Size? min, out Size size)
        {
            var program = Build(new Draw(pcg), Features);
            size = new Size((ulong)Measure.Nodes(program));
            return program;
        }

        /// <summary>The program of one seed (a PCG in CsCheck's seed format).</summary>
        /// <summary>
        /// The most nodes a program may have. Arguments repeated inside calls nested in calls can multiply a program's size:
        /// 8k3LWYkKUgd1 drew 257,503 nodes, which the generator ran out of memory differentiating (SG9999) and the shrinker
        /// then took the campaign's process down with (24 GB). A larger draw is drawn again from a side stream (the seeds
        /// of past failures, a few hundred nodes, keep their programs).
        /// </summary>
        public const int MaxNodes = 20_000;

        public ProgramModel FromSeed(string seed)
        {
            var root = new Draw(PCG.Parse(seed));
            ProgramModel program = Build(root, Features);
            for (uint k = 0; k < 8 && Measure.Exceeds(program, MaxNodes); k++)
            {
                program = Build(root.Side(101 + k), Features);
            }

            return program;
        }

        public static ProgramModel Build(Draw r, FeatureSet f)
        {
            var methods = new List<Method>();
            int helpers = f.On(Feature.UserCalls) ? r.Weighted((3, 0), (3, 1), (1.5, 2)) : 0;

            // Generic math: some methods over T (a generic method calls generic methods only; see Generics).
            // One constraint for the program: a T without the struct constraint cannot be passed to a T with it (CS0453).
            bool generics = f.On(Feature.Generics) && r.Chance(Math.Min(0.9, 0.25 * f[Feature.Generics]));
            var form = generics && r.Chance(0.3) ? GenericForm.StructIeee754 : GenericForm.Ieee754;

            // Nested differentiation: a scalar helper whose FTangent, FGradient and FBackward the others call (see NestedCalls);
            // half the time it may call a scalar helper of its own (F's third order then goes through its callee's). In a
            // program with generics it may be generic too, it and its callee (drawn from a side stream: past seeds keep their programs).
            if (f.On(Feature.NestedCalls) && r.Chance(Math.Min(0.9, 0.3 * f[Feature.NestedCalls])))
            {
                bool calls = f.On(Feature.UserCalls) && r.Chance(0.5);
                var nestedForm = generics && f.On(Feature.GenericNested) && r.Side(18).Chance(Math.Min(0.9, 0.5 * f[Feature.GenericNested])) ? form : GenericForm.None;
                bool spans = f.On(Feature.NestedSpans) && r.Side(19).Chance(Math.Min(0.9, 0.4 * f[Feature.NestedSpans]));
                if (calls)
                {
                    methods.Add(new MethodBuilder(r, NestedCalls.Restrict(f), methods, false, NestedCalls.Helper + "Callee", nestedForm).Build());
                }

                methods.Add(new MethodBuilder(r, NestedCalls.Restrict(f, calls, spans), methods, false, NestedCalls.Helper, nestedForm).Build());
            }

            for (int k = 0; k <= helpers; k++)
            {
                bool entry = k == helpers;
                var generic = generics && r.Chance(entry ? 0.6 : 0.8) ? form : GenericForm.None;

                // A method to mark [Differentiable(CheckpointLoops = true, …)] gets loop-carried state more often: only its
                // top-level loops that tape a value per step are checkpointed.
                bool checkpoint = f.On(Feature.CheckpointedLoops) && r.Chance(Math.Min(0.9, 0.5 * f[Feature.CheckpointedLoops]));
                var features = checkpoint ? new FeatureSet(new Dictionary<Feature, double>(f.Weights) { [Feature.LoopCarried] = 3 * f[Feature.LoopCarried] }) : f;
                var b = new MethodBuilder(r, features, methods, entry, entry ? "F" : "H" + k, generic);
                Method method = b.Build();
                if (checkpoint && method.Body.Any(s => s is For or While or ForEach))
                {
                    // Small budgets, so that the short loops of a program still rerun steps from snapshots.
                    method = method with { Checkpoint = new CheckpointMark(r.Weighted((2, 0), (2, 1), (2, 2), (1, 3), (1, 5)), r.Weighted((4, 0), (1, 2), (1, 6))) };
                }

                methods.Add(method);
            }

            // Too large (FromSeed draws again): before the rewrites below copy its shared subtrees out, one copy per reading.
            var drawn = new ProgramModel(methods.ToImmutableArray(), ExplicitTypeArguments: generics && r.Chance(0.4));
            if (Measure.Exceeds(drawn, MaxNodes)) return drawn;
            var program = NestedCalls.OutOfArguments(drawn);
            if (f.On(Feature.Arrays) && r.Chance(f[Feature.Arrays])) program = Arrays.Apply(program, r);
            if (f.On(Feature.LayerObjects) && r.Chance(0.25 * f[Feature.LayerObjects])) program = Layers.Apply(program, r);
            if (f.On(Feature.StructSpans) && r.Chance(Math.Min(0.9, 0.3 * f[Feature.StructSpans]))) program = StructSpans.Apply(program, r);

            // A layer's own methods called by the entry (side streams, so that past seeds keep their programs).
            if (program.IsLayer && f.On(Feature.LayerCalls) && r.Side(26).Chance(Math.Min(0.9, 0.6 * f[Feature.LayerCalls]))) program = LayerCalls.Apply(program, r.Side(27), f.On(Feature.LayerResults));

            // One of them held in a field of the entry's layer, as a layer of its own (side streams too).
            if (program.IsLayer && f.On(Feature.HeldLayers) && r.Side(31).Chance(Math.Min(0.9, 0.5 * f[Feature.HeldLayers]))) program = HeldLayers.Apply(program, r.Side(32));

            // One of the entry's outputs a local buffer of its own (side streams too).
            if (f.On(Feature.LocalBuffers) && r.Side(33).Chance(Math.Min(0.9, 0.25 * f[Feature.LocalBuffers]))) program = LocalBuffers.Apply(program, r.Side(34));

            // A called method's input read through a local copy (side streams 35/36): its callers' modes through the methods that lend it.
            if (f.On(Feature.LocalBuffers) && r.Side(35).Chance(Math.Min(0.9, 0.25 * f[Feature.LocalBuffers]))) program = LocalBuffers.ApplyToHelper(program, r.Side(36));

            // A buffer declared in a loop's body or a branch (side streams 37/38): started from zero at each pass.
            if (f.On(Feature.LocalBuffers) && r.Side(37).Chance(Math.Min(0.9, 0.25 * f[Feature.LocalBuffers]))) program = LocalBuffers.ApplyInBlock(program, r.Side(38));

            // A called method's scalar input read through a buffer of one element (side streams 40/41): scalar functions too.
            if (f.On(Feature.LocalBuffers) && r.Side(40).Chance(Math.Min(0.9, 0.25 * f[Feature.LocalBuffers]))) program = LocalBuffers.ApplyScalarToHelper(program, r.Side(41));
            if (f.On(Feature.LocalBuffers)) program = LocalBuffers.Unmanaged(LocalBuffers.SizeByLocals(program, r.Side(39)));

            program = Generics.Validate(program);
            if (f.On(Feature.GradientChoice)) program = GradientChoice.Apply(program, r, f[Feature.GradientChoice]);

            // Calls leaving optional arguments out or naming them (side streams: past seeds keep their programs).
            if (f.On(Feature.GradientChoice) && f.On(Feature.CallDefaults)) program = GradientChoice.LeaveOut(program, r.Side(29), r.Side(30), f[Feature.CallDefaults]);

            // A helper writing outputs, and a nested call of its tangent at the end of the entry (side streams 44 and 45), last:
            // appended to what was drawn, which stays as it was.
            return f.On(Feature.TangentCalls) && r.Side(44).Chance(Math.Min(0.9, 0.4 * f[Feature.TangentCalls])) ? TangentCalls.Insert(program, f, r.Side(45)) : program;
        }
    }

    /// <summary>Builds one method: its parameters, then its body with a scope of locals, loops and written outputs.</summary>
    internal sealed class MethodBuilder
    {
        private readonly Draw _r;
        private readonly FeatureSet _f;
        private readonly IReadOnlyList<Method> _callees;
        private readonly bool _entry;
        private readonly string _name;
        private readonly List<Param> _params = new();
        private readonly List<List<Local>> _scopes = new();
        private readonly List<Loop> _loops = new();
        private int _whiles;

        // Inside a switch section (and not in a loop within it): a break would leave the switch, so none is drawn.
        private int _sections;

        // The method's local functions: name and arity.
        private readonly List<(string Name, int Arity)> _locals = new();
        private readonly HashSet<string> _written = new();
        private readonly HashSet<string> _names = new();
        private bool _returnsReal;

        // A struct result (the entry only): the body is built as a real-returning one whose returns carry struct values.
        private bool _returnsStruct;

        // A called method's out result printed with a tuple twin (see Method.TupleResult).
        private bool _tupleResult;

        // Struct locals are drawn in this method; a struct parameter with all three fields may be read whole.
        private bool _structs;
        private string? _wholeStructParam;
        private int _budget;
        private int _fresh;

        // Calls of Smooth.Bump drawn so far: its constant argument alternates without drawing.
        private int _bumps;

        // Generic over T (see Generics): built without what T cannot express, calling generic methods only.
        private readonly GenericForm _generic;

        // The callees whose FTangent, FGradient and FBackward this method may call (see NestedCalls).
        private readonly List<Method> _nested;

        public MethodBuilder(Draw r, FeatureSet f, IReadOnlyList<Method> callees, bool entry, string name, GenericForm generic = GenericForm.None)
        {
            _r = r;
            _f = generic == GenericForm.None ? f : Generics.Restrict(f);
            _callees = generic == GenericForm.None ? callees : callees.Where(c => c.IsGeneric).ToList();
            _entry = entry;
            _name = name;
            _generic = generic;
            _nested = generic == GenericForm.None && _f.On(Feature.NestedCalls) ? NestedCalls.Targets(callees) : new List<Method>();
        }

        private sealed record Local(string Name, ValueType Type, bool Mutable);

        /// <summary>An enclosing loop: its counter runs over [0, Range) (or [1, Range) when <see cref="FromOne"/>).</summary>
        private sealed record Loop(string Counter, Dim Range, bool FromOne, bool Full);

        private double W(Feature feature) => _f[feature];

        public Method Build()
        {
            // A called method's struct result (StructResultCalls, a side stream): its callers' struct values may be calls of it.
            _returnsStruct = _entry && _f.On(Feature.Structs) && _r.Chance(0.12 * W(Feature.Structs))
                || !_entry && _generic == GenericForm.None && !_name.StartsWith(NestedCalls.Helper, StringComparison.Ordinal)
                   && _f.On(Feature.StructResultCalls) && _r.Side(25).Chance(Math.Min(0.9, 0.2 * W(Feature.StructResultCalls)));
            _returnsReal = (_entry ? _r.Chance(0.6) : _r.Chance(0.5)) || _returnsStruct;
            BuildParams();
            _structs = _f.On(Feature.Structs) && _r.Chance(Math.Min(0.9, 0.25 * W(Feature.Structs)));
            _budget = _entry ? _r.Int(2, 8) : _r.Int(1, 5);
            _scopes.Add(new List<Local>());
            var body = new List<Stmt>();

            // An out parameter is assigned before anything can return, then is a local like any other.
            if (_params.Any(p => p.Kind == ParamKind.RealOut))
            {
                body.Add(new Assign("o", "=", GenReal(2)));
                Declare("o", ValueType.Real);
            }

            // Local functions first, then locals from the scalars, as people write them.
            for (int k = _r.Chance(0.3 * W(Feature.LocalFunctions)) ? _r.Int(1, 2) : 0; k > 0; k--) body.Add(GenLocalFunction());
            if (_r.Chance(0.5)) body.Add(GenDecl());

            // Every output gets a statement that writes all of it before anything reads it — but a stage buffer, which a loop
            // writes first in each of its passes (chosen on a stream of its own: the programs of past seeds stay as they were).
            var outputs = _params.Where(p => p.Kind == ParamKind.RealSpanOut).ToList();
            _r.Shuffle(outputs);
            Draw side = _r.Side(11);
            Param? stage = outputs.Count > 0 && _f.On(Feature.StageBuffers) && side.Chance(0.2 * W(Feature.StageBuffers)) ? side.Pick(outputs) : null;
            foreach (var y in outputs.Where(y => y != stage))
            {
                body.AddRange(GenFill(y));
                _written.Add(y.Name);
            }

            if (stage is not null)
            {
                body.Add(GenStageLoop(stage));
            }

            while (_budget > 0)
            {
                Flatten(GenStmt(depth: 0), body);
            }

            if (_returnsReal && body.LastOrDefault() is not Return)
            {
                body.Add(new Return(GenResult()));
            }

            bool exprBody = _returnsReal && body.Count == 1 && body[0] is Return && _r.Chance(0.6)

                // A void method that is one call, => Nn.Tanh(x, y); (its backward was once empty, FOUND.md X1).
                || !_returnsReal && body.Count == 1 && body[0] is CallStmt && _r.Chance(0.6);
            if (_returnsStruct)
            {
                // The struct result reaches the drivers and the checker as an output of three (see Param.Result).
                var ps = _params.Append(new Param(StructType.ResultName, ParamKind.RealOut, Length: Dim.Of(StructType.Fields.Length), Result: true));
                return new Method(_name, false, ps.ToImmutableArray(), body.ToImmutableArray(), exprBody, ReturnsStruct: true);
            }

            return new Method(_name, _returnsReal, _params.ToImmutableArray(), body.ToImmutableArray(), exprBody, Generic: _generic, TupleResult: _tupleResult);
        }

        // ---------------- parameters ----------------

        private void BuildParams()
        {
            var sizes = new List<Param>();
            Param Size(string name, int min, int max)
            {
                var p = new Param(name, ParamKind.Size, Min: min, Max: max);
                sizes.Add(p);
                return p;
            }

            bool nn = _f.On(Feature.NnPrimitives) && _r.Chance(0.35 * Math.Min(1, W(Feature.NnPrimitives)));
            // Sizes: 0..5 (empty loops included) unless an Nn primitive may need a positive one.
            var n = Size("n", nn || _r.Chance(0.5) ? 1 : 0, _entry ? 5 : 4);
            var m = Size("m", nn || _r.Chance(0.5) ? 1 : 0, 4);
            Dim[] dims =
            {
                Dim.Of(n.Name), Dim.Of(m.Name), Dim.Of(n.Name, m.Name), Dim.Of(3), Dim.Of(2),
            };
            double[] dimWeights = { 4, 2, 2, 1.2, 0.6 };
            Dim PickDim() => _r.Weighted(dims.Select((d, i) => (dimWeights[i], d)).ToArray());

            var list = new List<Param>();
            string[] scalarNames = { "a", "b", "c", "e" };
            string[] spanNames = { "x", "w", "v", "z" };
            string[] outNames = { "y", "h", "u" };

            int scalars = _f.On(Feature.ScalarParams) ? _r.Int(_returnsReal ? 1 : 0, 3) : 0;
            for (int i = 0; i < scalars; i++)
            {
                bool nd = _f.On(Feature.NoDerivativeParams) && i > 0 && _r.Chance(0.25);
                list.Add(new Param(scalarNames[i], ParamKind.RealScalar, NoDerivative: nd));
            }

            int spans = _f.On(Feature.SpanInputs) ? _r.Int(scalars == 0 ? 1 : 0, 3) : 0;
            if (scalars == 0 && spans == 0)
            {
                list.Add(new Param("a", ParamKind.RealScalar));
            }

            bool dense = nn && _r.Chance(0.35);
            if (dense)
            {
                // x (n, m) · w (m, k) + b (k) → y (n, k): a shape Nn.Dense fits.
                var k = Size("k", 1, 3);
                list.Add(new Param("x", ParamKind.RealSpanIn, NoDerivative: _r.Chance(0.2), Length: Dim.Of(n.Name, m.Name)));
                list.Add(new Param("w", ParamKind.RealSpanIn, Length: Dim.Of(m.Name, k.Name)));
                list.Add(new Param("v", ParamKind.RealSpanIn, Length: Dim.Of(k.Name)));
                list.Add(new Param("y", ParamKind.RealSpanOut, Length: Dim.Of(n.Name, k.Name)));
                if (_f.On(Feature.MultipleOutputs) && _r.Chance(0.5))
                {
                    // A second layer's output of y's shape: filled in either order, one may be a layer of the other
                    // (an activation, BatchNorm with v for gamma and beta) — a network of layers.
                    list.Add(new Param("h", ParamKind.RealSpanOut, Length: Dim.Of(n.Name, k.Name)));
                }
            }
            else
            {
                // Span inputs of one length, often, where they may become the fields of a span of structs (StructSpans).
                Dim? shared = _entry && _f.On(Feature.StructSpans) && _r.Chance(Math.Min(0.8, 0.3 * W(Feature.StructSpans))) ? PickDim() : null;
                // The nested helper's (NestedSpans) are of one length, n, so that its callers' spans of any length bind them.
                // So are TangentCalls' helper's, and its output's: its callers' output of any length binds it, with an input of that length.
                if (_name == NestedCalls.Helper || TangentCalls.IsHelper(_name)) shared = Dim.Of(n.Name);
                for (int i = 0; i < spans; i++)
                {
                    bool nd = _f.On(Feature.NoDerivativeParams) && i > 0 && _r.Chance(shared is null ? 0.25 : 0.1);
                    list.Add(new Param(spanNames[i], ParamKind.RealSpanIn, NoDerivative: nd, Length: shared ?? PickDim()));
                }
            }

            int outs = 0;
            if (_f.On(Feature.SpanOutputs))
            {
                int existing = list.Count(p => p.Kind == ParamKind.RealSpanOut);
                int want = _returnsReal ? (_r.Chance(0.35) ? 1 : 0) : 1;
                if (_f.On(Feature.MultipleOutputs) && _r.Chance(0.3)) want++;
                outs = Math.Max(0, want - existing);
            }
            else if (!_returnsReal)
            {
                _returnsReal = true; // a void method needs an output
            }

            // A called method's struct result: no outputs besides (SymGrad reads the results of a call that writes none).
            if (!_entry && _returnsStruct)
            {
                outs = 0;
                list.RemoveAll(p => p.Kind == ParamKind.RealSpanOut); // a dense shape's
            }

            for (int i = 0; i < outs; i++)
            {
                string name = outNames.First(o => list.All(p => p.Name != o));
                // Often the shape of an input, so elementwise primitives and helpers fit.
                var inputs = list.Where(p => p.Kind == ParamKind.RealSpanIn).ToList();
                Dim d = inputs.Count > 0 && _r.Chance(0.6) ? _r.Pick(inputs).Length! : PickDim();
                list.Add(new Param(name, ParamKind.RealSpanOut, Length: TangentCalls.IsHelper(_name) ? Dim.Of(n.Name) : d));
            }

            if (_entry && _f.On(Feature.IntSpans) && _r.Chance(0.3 * W(Feature.IntSpans)))
            {
                // Labels: (n) values in [0, m) — or, for the Nn loss, logits (n, m) as well.
                var lab = new Param("lab", ParamKind.IntSpan, Length: Dim.Of(n.Name), ValueBound: _r.Chance(0.5) ? Dim.Of(m.Name) : Dim.Of(3));
                list.Add(lab);
                if (nn && lab.ValueBound!.Equals(Dim.Of(m.Name)) && list.All(p => p.Name != "z"))
                {
                    list.Add(new Param("z", ParamKind.RealSpanIn, Length: Dim.Of(n.Name, m.Name)));
                }
            }

            // A result besides the return value: callers of such methods are outside the subset, so the entry only.
            // Not with a struct result: README documents neither combined, and the generator refuses both (SG0004, FOUND.md S2).
            if (_entry && _f.On(Feature.OutResults) && !_returnsStruct && _r.Chance(0.25 * W(Feature.OutResults)))
            {
                list.Add(new Param("o", ParamKind.RealOut, Length: Dim.Of(1)));
            }

            // A called method's out result (ResultCalls, from side streams so that past seeds keep their programs): a method
            // returning a real and writing no outputs, not generic, not the nested helper nor its callee (nested calls of methods
            // with several results are refused); printed with a tuple twin (H1Pair) half the time.
            var results = _r.Side(23);
            if (!_entry && _generic == GenericForm.None && _returnsReal && !_returnsStruct && !_name.StartsWith(NestedCalls.Helper, StringComparison.Ordinal)
                && !list.Any(p => p.Kind == ParamKind.RealSpanOut) && _f.On(Feature.ResultCalls) && results.Chance(Math.Min(0.9, 0.4 * W(Feature.ResultCalls))))
            {
                list.Add(new Param("o", ParamKind.RealOut, Length: Dim.Of(1)));
                _tupleResult = results.Chance(0.5);
            }

            if (_f.On(Feature.BoolParams) && _r.Chance(0.2 * W(Feature.BoolParams)))
            {
                list.Add(new Param("flag", ParamKind.Bool));
            }

            if (_entry && _f.On(Feature.OtherPrecisionParams) && _r.Chance(0.3 * W(Feature.OtherPrecisionParams)))
            {
                // Half of them differentiable: a float input of a double method, whose Jacobian and Hessian are double matrices
                // (drawn from a side stream, so that the seeds of past failures keep their programs).
                list.Add(_r.Side(13).Chance(0.5) ? new Param("q", ParamKind.RealScalar, Other: true) : new Param("q", ParamKind.OtherScalar, NoDerivative: true));
            }
            else if (!_entry && _generic == GenericForm.None && _f.On(Feature.DoubleInputs) && _r.Side(17).Chance(0.3 * W(Feature.DoubleInputs)))
            {
                // A called method's double input (in the float twin: of a float method, called and differentiated again
                // nested as any other): drawn from a side stream, so that the seeds of past failures keep their programs.
                list.Add(new Param("q", ParamKind.RealScalar, Wide: true));
            }

            var side = _r.Side(20);
            if (_generic == GenericForm.None && _f.On(Feature.OtherPrecisionSpans) && side.Chance(0.3 * W(Feature.OtherPrecisionSpans)))
            {
                // A span input of the other real type, of a length some loop runs over (drawn from a side stream, so that the
                // seeds of past failures keep their programs): its elements read through casts, passed on only to a called
                // method's span of that type (see SpanViews); the nested helper's of length n, as its other spans.
                var lengths = dims.Take(3).Concat(list.Where(p => p.Kind == ParamKind.RealSpanIn).Select(p => p.Length!)).ToList();
                var length = _name == NestedCalls.Helper ? Dim.Of(n.Name) : side.Pick(lengths);
                list.Add(new Param("qf", ParamKind.RealSpanIn, NoDerivative: side.Chance(0.15), Length: length, Other: true));
            }

            // Size parameters that some span or loop may use: all of them (an unused int is harmless and common).
            var used = sizes.Where(s => list.Any(p => p.Length?.Sizes.Contains(s.Name) == true || p.ValueBound?.Sizes.Contains(s.Name) == true)
                                        || _r.Chance(0.7)).ToList();
            _r.Shuffle(list);
            if (_r.Chance(0.8))
            {
                list.AddRange(used); // sizes last, as in Dense(x, w, b, y, n, inputs, outputs)
            }
            else
            {
                foreach (var s in used) list.Insert(_r.Int(0, list.Count), s);
            }

            // A struct parameter: some real scalars of one kind become the fields of V3 pt, read as pt.X — in the entry, and
            // (StructCalls, from a side stream so that past seeds keep their programs) in a called method returning a real and
            // writing no outputs, not the nested helper, its fields differentiable: its callers pass a struct value.
            bool calledWithStruct = !_entry && _generic == GenericForm.None && _returnsReal && _name != NestedCalls.Helper
                && !list.Any(p => p.Kind is ParamKind.RealSpanOut or ParamKind.RealOut)
                && _f.On(Feature.StructCalls) && _r.Side(21).Chance(Math.Min(0.9, 0.3 * W(Feature.StructCalls)));
            if (_entry && _f.On(Feature.Structs) && _r.Chance(Math.Min(0.9, 0.3 * W(Feature.Structs))) || calledWithStruct)
            {
                var groups = list.Where(p => p.Kind == ParamKind.RealScalar && !p.Other && (_entry || !p.NoDerivative && !p.Wide && p.Default is null))
                    .GroupBy(p => p.NoDerivative).Select(g => g.ToList()).ToList();
                var pick = groups.Where(g => g.Count >= 2).ToList() is { Count: > 0 } pairs ? _r.Pick(pairs) : groups.Count > 0 && _r.Chance(0.3) ? _r.Pick(groups) : null;
                if (pick is not null)
                {
                    _r.Shuffle(pick);
                    var members = pick.Take(_r.Int(Math.Min(2, pick.Count), pick.Count)).ToList();
                    var fields = StructType.Fields.ToList();
                    _r.Shuffle(fields);
                    for (int i = 0; i < members.Count; i++)
                    {
                        int at = list.IndexOf(members[i]);
                        list[at] = members[i] with { Struct = "pt", Member = fields[i] };
                    }

                    _names.Add("pt");
                    if (members.Count == StructType.Fields.Length) _wholeStructParam = "pt";
                }
            }

            if (_returnsStruct) _names.Add(StructType.ResultName);
            _params.AddRange(list);
            foreach (var p in _params) _names.Add(p.Name);
        }

        private IEnumerable<Param> Sizes => _params.Where(p => p.Kind == ParamKind.Size);

        private int MinOf(Dim d) => d.Const * d.Sizes.Aggregate(1, (acc, s) => acc * _params.First(p => p.Name == s).Min);

        private bool HasSize(string name) => _params.Any(p => p.Name == name && p.Kind == ParamKind.Size);

        // ---------------- names and scopes ----------------

        private string Fresh(string stem)
        {
            if (stem is "s" or "r" && _f.On(Feature.TrickyNames) && _r.Chance(0.25 * W(Feature.TrickyNames)))
            {
                var tricky = new List<string> { "g", "result", "workspace", "workspaceMark", "dResult", "tmp", "t0" };
                tricky.AddRange(_params.Where(p => p.IsDifferentiable || p.Kind == ParamKind.RealSpanOut).Select(p => "d" + p.Name));
                string pick = _r.Pick(tricky);
                if (_names.Add(pick)) return pick;
            }

            while (true)
            {
                string name = stem + (_fresh++ == 0 ? "" : _fresh.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (_names.Add(name)) return name;
            }
        }

        private IEnumerable<Local> Locals => _scopes.SelectMany(s => s);

        private void Push() => _scopes.Add(new List<Local>());

        private void Pop() => _scopes.RemoveAt(_scopes.Count - 1);

        private void Declare(string name, ValueType type) => _scopes[^1].Add(new Local(name, type, true));

        // ---------------- statements ----------------

        private Stmt GenDecl()
        {
            _budget--;
            bool wide = _f.On(Feature.WideLocals) && _r.Chance(0.12 * W(Feature.WideLocals));
            int count = _f.On(Feature.MultiDeclarators) && _r.Chance(0.3 * W(Feature.MultiDeclarators)) ? _r.Int(2, 3) : 1;
            var vars = new List<Declarator>();
            var type = wide ? ValueType.Wide : ValueType.Real;
            for (int i = 0; i < count; i++)
            {
                var init = wide ? GenWide(2) : GenReal(_r.Int(1, 3));
                vars.Add(new Declarator(Fresh(wide ? "t" : "s"), init));
            }

            foreach (var v in vars) Declare(v.Name, type);
            return new Decl(type, vars.ToImmutableArray());
        }

        private Stmt GenStmt(int depth)
        {
            bool inLoop = _loops.Count > 0 || _whiles > 0;
            var realLocals = Locals.Where(l => l.Type == ValueType.Real && l.Mutable).ToList();
            var filledOutputs = _params.Where(p => p.Kind == ParamKind.RealSpanOut && _written.Contains(p.Name)).ToList();
            var kind = _r.Weighted(
                (3.0, "decl"),
                (realLocals.Count > 0 ? 3.0 : 0, "assign"),
                (realLocals.Count > 0 ? 1.2 * W(Feature.CompoundAssign) : 0, "compound"),
                (realLocals.Count > 0 ? 0.5 * W(Feature.IncDec) : 0, "incdec"),
                (depth < 3 ? 1.2 * W(Feature.IfElse) : 0, "if"),
                (_loops.Count < 3 && (depth == 0 || W(Feature.NestedLoops) > 0) ? 2.0 * W(Feature.ForLoops) : 0, "for"),
                (depth < 3 && ReadableSpans().Any(s => s.Kind == ParamKind.RealSpanIn) ? 0.5 * W(Feature.ForEachLoops) : 0, "foreach"),
                (depth < 3 && _whiles < 2 ? 0.5 * W(Feature.WhileLoops) : 0, "while"),
                (depth < 3 && _whiles < 2 ? 0.35 * W(Feature.DoWhileLoops) : 0, "do"),
                (depth < 3 && IntSubjects().Count > 0 ? 0.5 * W(Feature.Switches) : 0, "switch"),
                (inLoop && realLocals.Count > 0 ? 1.5 * W(Feature.LoopCarried) : 0, "carried"),
                (realLocals.Count > 0 ? 0.6 * W(Feature.ReassignAfterNonLinear) : 0, "reassign"),
                (filledOutputs.Count > 0 ? 0.8 * W(Feature.OutputOverwrite) : 0, "store"),
                (depth > 0 && _stages == 0 && (!inLoop || W(Feature.ReturnInLoop) > 0) ? 0.25 * W(Feature.EarlyReturn) : 0, "return"),
                (depth > 0 && inLoop && _sections == 0 && !BreaksStage() ? 0.35 * W(Feature.Break) : 0, "break"),
                (depth > 0 && inLoop ? 0.35 * W(Feature.Continue) : 0, "continue"),
                (filledOutputs.Count > 0 && _callees.Any(c => !c.ReturnsReal && !c.ReturnsStruct) ? 0.5 * W(Feature.SpanWritingCalls) : 0, "callstmt"),
                (realLocals.Count > 0 && ReadableSpans().Any(s => s.Kind != ParamKind.IntSpan) ? 0.3 * W(Feature.StableSoftmax) : 0, "stable"),
                (_structs || _callees.Any(c => c.ReturnsStruct) ? 1.2 : 0, "structdecl"),
                (_structs && StructLocals().Count > 0 ? 0.8 : 0, "structassign"),
                (_nested.Count > 0 ? 0.8 * W(Feature.NestedCalls) : 0, "nested"),
                // Where a span's gradient has an output to go to (last, so that with the feature off the draws are as they were).
                (filledOutputs.Count > 0 && _nested.Any(n => n.Params.Any(p => p.Kind == ParamKind.RealSpanIn)) ? 0.6 * W(Feature.NestedSpanGradients) : 0, "nested"),
                (_callees.Any(c => c.HasOutResult) ? 1.5 * W(Feature.ResultCalls) : 0, "results"));

            switch (kind)
            {
                case "decl":
                    return GenDecl();
                case "assign":
                {
                    _budget--;
                    var t = _r.Pick(realLocals);
                    var value = GenReal(_r.Int(1, 3));
                    // x = x; is a warning (CS1717) in the user's own code, casts or not (x = (double)((double)x)): not a program
                    // anyone writes (MTangent, which runs the forward as written, repeats it).
                    return new Assign(t.Name, "=", Uncast(value) is Var v && v.Name == t.Name ? new Binary("*", value, new RealLit(2)) : value);
                }

                case "compound":
                {
                    _budget--;
                    var t = _r.Pick(realLocals);
                    string op = _r.Pick(new[] { "+=", "-=", "*=", "/=" });
                    Expr v = op switch
                    {
                        "*=" => Tame(GenReal(2)),
                        "/=" => SafeDenominator(),
                        _ => GenReal(_r.Int(1, 3)),
                    };
                    return new Assign(t.Name, op, v);
                }

                case "incdec":
                    _budget--;
                    return new IncDec(_r.Pick(realLocals).Name, _r.Chance(0.5) ? "++" : "--");
                case "if":
                    return GenIf(depth);
                case "for":
                    return GenFor(depth) ?? GenDecl();
                case "foreach":
                    return GenForEach(depth);
                case "while" or "do":
                    return GenWhile(depth, kind == "do");
                case "switch":
                    return GenSwitch(depth);
                case "carried":
                    return GenCarried(realLocals);
                case "reassign":
                {
                    // double s = Math.Exp(x); s++;  — a local redefined after a non-linear definition.
                    _budget--;
                    string name = Fresh("r");
                    var init = new MathCall(_r.Pick(new[] { "Exp", "Tanh", "Sin" }), ImmutableArray.Create(Tame(GenReal(2))));
                    Declare(name, ValueType.Real);
                    Stmt second = _r.Weighted<Stmt>(
                        (W(Feature.IncDec), new IncDec(name, "++")),
                        (W(Feature.CompoundAssign), new Assign(name, _r.Pick(new[] { "+=", "*=", "-=" }), new Var(name))),
                        (1, new Assign(name, "=", new Binary("*", new Var(name), GenReal(1)))));
                    return Sequence(new Decl(ValueType.Real, ImmutableArray.Create(new Declarator(name, init))), second);
                }

                case "store":
                    return GenStore(filledOutputs);
                case "return":
                    _budget = Math.Max(0, _budget - 1);
                    return new Return(_returnsReal ? GenResult() : null);
                case "break":
                    return new Break();
                case "continue":
                    return new Continue();
                case "callstmt":
                    return GenCallStmtOverwrite(filledOutputs) ?? GenDecl();
                case "stable":
                    return GenStableSoftmax(realLocals);
                case "structdecl":
                {
                    // V3 p = value; its fields are then real locals p.X, p.Y, p.Z (assigned, compounded, read like any).
                    _budget--;
                    string name = Fresh("pv");
                    var init = GenStructValue(_r.Int(1, 2), null);
                    _scopes[^1].Add(new Local(name, ValueType.Struct, true));
                    foreach (var f in StructType.Fields) Declare(name + "." + f, ValueType.Real);
                    return new StructDecl(name, init);
                }

                case "structassign":
                {
                    _budget--;
                    var target = _r.Pick(StructLocals());
                    return new StructAssign(target.Name, GenStructValue(_r.Int(1, 2), target.Name));
                }

                case "nested":
                    return GenNestedGradient(realLocals);
                case "results":
                    return GenResultCall(realLocals) ?? GenDecl();
                default:
                    throw new InvalidOperationException(kind);
            }
        }

        /// <summary>
        /// A call of a method with an out result reading it (ResultCalls): the whole value of a declaration
        /// (<c>double v = H1(a, out double o2);</c>), of an assignment to a local of the method (<c>s = H1(s, out t);</c>, the
        /// arguments may read the targets), or a statement (<c>H1(a, out double o2);</c>) — the out result into a new local,
        /// one the method has, or discarded. A callee with a tuple twin is called through it: <c>var (v, o2) = H1Pair(a);</c>.
        /// </summary>
        private Stmt? GenResultCall(List<Local> realLocals)
        {
            var callee = _r.Pick(_callees.Where(c => c.HasOutResult).ToList());
            if (BindCall(callee, p => p.Kind == ParamKind.RealSpanOut ? SpanViews(true, true) : SpanViews(false, true, others: true)) is not { } args) return null;
            _budget--;
            string form = _r.Weighted((3.0, "decl"), (realLocals.Count > 0 ? 2.0 : 0, "assign"), (1.5, "statement"));
            string? target = form == "assign" ? _r.Pick(realLocals).Name : null;

            // The out result: a new local, another local of the method (not the value's target: C# would assign it twice), or _.
            var others = realLocals.Where(l => l.Name != target).ToList();
            OutArg result = _r.Weighted(
                (3.0, () => new OutArg(Fresh("o"), Declare: true)),
                (others.Count > 0 ? 2.0 : 0, () => new OutArg(_r.Pick(others).Name)),
                (form == "statement" ? 0 : 1.0, () => new OutArg(null)))();
            // Through a tuple local where the callee has a tuple twin (TupleLocals, a side stream: past seeds keep their programs).
            if (result.Local is not null && _f.On(Feature.TupleLocals) && _r.Side(28) is var tuples && tuples.Chance(Math.Min(0.9, 0.4 * W(Feature.TupleLocals))))
            {
                result = result with { Tuple = true, TupleForm = tuples.Int(0, 4) };
            }

            args = args.Select(a => a is OutArg ? result : a).ToImmutableArray();
            if (result.Declare) Declare(result.Local!, ValueType.Real);
            var call = new CallExpr(callee.Name, args, false);
            switch (form)
            {
                case "decl":
                {
                    string name = Fresh("v");
                    Declare(name, ValueType.Real);
                    return new Decl(ValueType.Real, ImmutableArray.Create(new Declarator(name, call)));
                }

                case "assign":
                    return new Assign(target!, "=", call);
                default:
                    return new CallStmt(callee.Name, args, false);
            }
        }

        /// <summary>
        /// <c>NGradient(x…, ref g…)</c> or <c>NBackward(x…, seed, ref g…)</c> (see <see cref="NestedCalls"/>): as a statement, often a
        /// gradient step on a local (<c>s -= 0.1 * g;</c>), or as a local's value (<c>double v = NGradient(…);</c>); the gradients
        /// go to fresh locals, or accumulate into locals the method has.
        /// </summary>
        private Stmt GenNestedGradient(List<Local> realLocals)
        {
            _budget--;
            var callee = _r.Pick(_nested);
            var bound = BindNested(callee, out var views);

            // A span input's gradient is added to an output of this method (NestedSpanGradients), else not asked for (default).
            var inputs = Enumerable.Range(0, callee.Params.Length).Where(i => callee.Params[i].IsDifferentiable).ToList();
            var scalars = inputs.Where(i => callee.Params[i].Kind == ParamKind.RealScalar).ToList();
            if (bound is null) return GenDecl();
            var spanGradients = SpanGradientTargets(callee, inputs, bound.Value, views);
            if (scalars.Count == 0 && spanGradients.Count == 0) return GenDecl();
            var args = bound.Value.ToList();
            // Locals (README: "ref a local for each gradient"): not a struct local's field, not the out parameter.
            var plain = realLocals.Where(l => !l.Name.Contains('.') && _params.All(p => p.Name != l.Name)).ToList();
            string form = _r.Weighted((3.0, "step"), (1.5, "Gradient"), (1.0, "value"), (1.5, "Backward"));
            if (form == "step" && scalars.Count == 0) form = "Gradient";

            // A gradient step: the local the step updates is the first scalar input's argument.
            Local? stepped = form == "step" && plain.Count > 0 ? _r.Pick(plain) : null;
            if (stepped is not null) args[scalars[0]] = new ValueArg(new Var(stepped.Name));

            // Gradients: fresh locals declared zero, or (now and then) locals of the method they accumulate into.
            var into = new List<string>();
            var gradients = new List<Arg>();
            var fresh = new List<Declarator>();
            var freshWide = new List<Declarator>(); // the gradients of a double input (Param.Wide): double locals in both twins
            foreach (int i in inputs)
            {
                if (callee.Params[i].Kind != ParamKind.RealScalar)
                {
                    gradients.Add(spanGradients.TryGetValue(i, out var spanGradient) ? spanGradient : new DefaultArg());
                    continue;
                }

                var free = plain.Where(l => !into.Contains(l.Name)).ToList();
                if (form != "step" && free.Count > 0 && !callee.Params[i].Wide && _r.Chance(0.25))
                {
                    into.Add(_r.Pick(free).Name);
                    gradients.Add(new RefArg(into[^1]));
                    continue;
                }

                string g = Fresh("gn");
                (callee.Params[i].Wide ? freshWide : fresh).Add(new Declarator(g, new RealLit(0)));
                into.Add(g);
                gradients.Add(new RefArg(g));
            }

            if (form == "Backward") args.Add(new ValueArg(_r.Chance(0.5) ? new RealLit(_r.Pick(new[] { 0.5, -1.5, 2.0 })) : Tame(GenReal(1))));

            // F must not read the output its gradient is added to (SG0019: it would read it as it changes): such a gradient is
            // not asked for. (The seed too is an argument read before the gradients accumulate.)
            var read = new HashSet<string>(args.SelectMany(Measure.All).Select(n => n switch { ElemRead e => e.Span, SpanArg a => a.Span, _ => null }).OfType<string>());
            gradients = gradients.Select(g => g is SpanArg into && read.Contains(into.Span) ? new DefaultArg() : g).ToList();
            var all = args.Concat(gradients).ToImmutableArray();
            Stmt call;
            if (form == "value")
            {
                string v = Fresh("nv");
                call = new Decl(ValueType.Real, ImmutableArray.Create(new Declarator(v, new CallExpr(callee.Name, all, false, "Gradient"))));
                Declare(v, ValueType.Real);
            }
            else
            {
                call = new CallStmt(callee.Name, all, false, form == "Backward" ? "Backward" : "Gradient");
            }

            Stmt result = call;

            // Each output a span's gradient is added to is written whole just before (for i < y.Length: y[i] = 0.5·i), so the
            // backward provably needs nothing it held before (SG0016 otherwise, where its values are read back: the fill's
            // loop may run over another span of its length, which SymGrad does not take for the output's). Not 0.5·y[i]: that
            // reads what the fill wrote, which it may not have covered as far as SymGrad can tell (CI's campaign at 979edc4's
            // successor, dbeSDg5j61Q1).
            foreach (var root in gradients.OfType<SpanArg>().Select(g => g.Span).Distinct())
            {
                string i = Fresh("i");
                result = Sequence(new For(i, new IntLit(0), "<", new SpanLength(root), 1,
                    ImmutableArray.Create<Stmt>(new Store(root, new Var(i), new Binary("*", new RealLit(0.5), new Cast(ValueType.Real, new Var(i)))))), result);
            }

            if (freshWide.Count > 0)
            {
                result = Sequence(new Decl(ValueType.Wide, freshWide.ToImmutableArray()), result);
                foreach (var d in freshWide) Declare(d.Name, ValueType.Wide);
            }

            if (fresh.Count > 0)
            {
                result = Sequence(new Decl(ValueType.Real, fresh.ToImmutableArray()), result);
                foreach (var d in fresh) Declare(d.Name, ValueType.Real);
            }

            if (stepped is not null)
            {
                // s -= 0.1 * g (GradBench's steps), or a step bounded by tanh, so a loop of them stays finite.
                Expr gradient = callee.Params[scalars[0]].Wide ? new Cast(ValueType.Real, new Var(into[0])) : new Var(into[0]);
                Expr step = _r.Chance(0.5) ? gradient : new MathCall("Tanh", ImmutableArray.Create(gradient));
                result = Sequence(result, new Assign(stepped.Name, "-=", new Binary("*", new RealLit(_r.Pick(new[] { 0.1, 0.25, 0.05 })), step)));
            }

            return result;
        }

        /// <summary>
        /// Where a nested FGradient or FBackward adds each span input's gradient (README, "Nested differentiation": a Span
        /// output of the caller or a slice of one): an output this method has written whole, viewed with the length of the
        /// span the call passes for that input (drawn from a side stream, so that past seeds keep their programs). SymGrad reads
        /// each as a call adding the gradient (FGradientOfX: one Hessian-vector product in the backward).
        /// </summary>
        private Dictionary<int, SpanArg> SpanGradientTargets(Method callee, List<int> inputs, ImmutableArray<Arg> bound, IReadOnlyList<(Dim Len, Arg Arg, string Root)> views)
        {
            var targets = new Dictionary<int, SpanArg>();
            if (!_f.On(Feature.NestedSpanGradients))
            {
                return targets;
            }

            var side = _r.Side(22);
            var filled = SpanViews(true, true).Where(v => _written.Contains(v.Root) && !IsOther(v.Root)).ToList();
            foreach (int i in inputs.Where(i => callee.Params[i].Kind == ParamKind.RealSpanIn && !callee.Params[i].Other))
            {
                var length = views.Where(v => v.Arg.Equals(bound[i])).Select(v => v.Len).FirstOrDefault();
                var fits = filled.Where(v => v.Len.Equals(length) && v.Arg is SpanArg && targets.Values.All(t => t.Span != v.Root)).ToList();
                if (length is not null && fits.Count > 0 && side.Chance(Math.Min(0.9, 0.5 * W(Feature.NestedSpanGradients))))
                {
                    targets[i] = (SpanArg)side.Pick(fits).Arg;
                }
            }

            return targets;
        }

        /// <summary>
        /// The arguments of a nested call of <paramref name="callee"/>, its spans bound to <paramref name="views"/> of this method
        /// (drawn once: a slice's start is drawn). A helper's spans bind only where this method has spans of their lengths: a
        /// few more tries, for such a helper only (a helper of scalars draws as it always did).
        /// </summary>
        private ImmutableArray<Arg>? BindNested(Method callee, out IReadOnlyList<(Dim Len, Arg Arg, string Root)> views)
        {
            bool spans = callee.Params.Any(p => p.IsSpan);
            var drawn = spans ? SpanViews(false, true, others: true) : Array.Empty<(Dim, Arg, string)>();
            var bound = BindCall(callee, _ => drawn);
            for (int attempt = 0; bound is null && attempt < 4 && spans; attempt++)
            {
                bound = BindCall(callee, _ => drawn);
            }

            views = drawn;
            return bound;
        }

        /// <summary><c>NTangent(x…, ẋ…)</c> (see <see cref="NestedCalls"/>): F's derivative along ẋ, a value like any other.</summary>
        private Expr? GenNestedTangent(int d)
        {
            var callee = _r.Pick(_nested);
            if (BindNested(callee, out var views) is not { } args) return null;
            // A span input's direction: a span of this method as long as the one passed (often that one itself).
            Arg Direction(int i)
            {
                if (callee.Params[i].Kind != ParamKind.RealSpanIn)
                {
                    return new ValueArg(_r.Chance(0.3) ? new RealLit(_r.Pick(new[] { 0.0, 1.0, -0.5 })) : GenReal(d));
                }

                var (length, _, root) = views.First(v => v.Arg.Equals(args[i]));
                var same = views.Where(v => v.Len.Const == length.Const && v.Len.Sizes.SequenceEqual(length.Sizes) && IsOther(v.Root) == IsOther(root)).Select(v => v.Arg).ToList();
                return _r.Chance(0.4) ? args[i] : _r.Pick(same);
            }

            var tangents = Enumerable.Range(0, callee.Params.Length).Where(i => callee.Params[i].IsDifferentiable).Select(Direction).ToList();
            return new CallExpr(callee.Name, args.Concat(tangents).ToImmutableArray(), false, "Tangent");
        }

        private List<Local> StructLocals() => Locals.Where(l => l.Type == ValueType.Struct).ToList();

        /// <summary>
        /// A struct value: <c>new V3(x, y, z)</c>, an initializer of some fields (the others zero), a copy of a struct local or of
        /// a struct parameter that has all three fields, or <c>default</c>. Never the struct it is assigned to (<c>p = p;</c>
        /// warns in user code).
        /// </summary>
        private Expr GenStructValue(int d, string? target)
        {
            var sources = StructLocals().Select(l => l.Name).Where(n => n != target).ToList();
            if (_wholeStructParam is { } whole) sources.Add(whole);
            return _r.Weighted<Func<Expr>>(
                (2, () => new StructNew(StructType.Fields.Select(_ => (Expr?)GenReal(d)).ToImmutableArray(), true)),
                (2, () =>
                {
                    var fields = StructType.Fields.Select(_ => _r.Chance(0.6) ? GenReal(d) : null).ToList();
                    if (fields.All(f => f is null) && _r.Chance(0.9)) fields[_r.Int(0, fields.Count - 1)] = GenReal(d);
                    return new StructNew(fields.ToImmutableArray(), false);
                }),
                (sources.Count > 0 ? 1.5 : 0, () => new Var(_r.Pick(sources))),
                (target is null && _returnsStruct ? 0.1 : 0.4, () => new StructDefault()),
                // A call of a method returning a struct (StructResultCalls): each field read through a method of its own.
                (_callees.Any(c => c.ReturnsStruct) && _callArguments < MaxCallNesting ? 1.5 * W(Feature.StructResultCalls) : 0, () => GenStructCall() ?? new StructDefault()))();
        }

        /// <summary>A call of a method of the program returning a struct, as a struct value (its result pseudo-parameter takes no argument).</summary>
        private Expr? GenStructCall()
        {
            var callee = _r.Pick(_callees.Where(c => c.ReturnsStruct).ToList());
            _callArguments++;
            try
            {
                return BindCall(callee, p => SpanViews(false, true, others: true)) is { } args ? new CallExpr(callee.Name, args, false) : null;
            }
            finally
            {
                _callArguments--;
            }
        }

        /// <summary>
        /// A numerically stable log-sum-exp over a span (the max m of its elements, then m + c·log Σ exp(s_j − m)) added to a
        /// local: with c = 1 the result does not depend on m (SymGrad gives m no derivative); with other c it does (a decoy).
        /// </summary>
        private Stmt GenStableSoftmax(List<Local> realLocals)
        {
            _budget--;
            var s = _r.Pick(ReadableSpans().Where(x => x.Kind != ParamKind.IntSpan).ToList());
            var target = _r.Pick(realLocals);
            // m and sum live in the if's block only: not declared in the enclosing scope, where later statements pick locals.
            string m = Fresh("m"), sum = Fresh("sum"), j = Fresh("j"), k = Fresh("k");
            var len = new SpanLength(s.Name);
            var max = new For(j, new IntLit(0), "<", len, 1, ImmutableArray.Create<Stmt>(new Assign(m, "=",
                new Conditional(new Binary("==", new Var(j), new IntLit(0)), new ElemRead(s.Name, new Var(j)),
                    new MathCall("Max", ImmutableArray.Create<Expr>(new Var(m), new ElemRead(s.Name, new Var(j))))))));
            var exp = new For(k, new IntLit(0), "<", len, 1, ImmutableArray.Create<Stmt>(new Assign(sum, "+=",
                new MathCall("Exp", ImmutableArray.Create<Expr>(new Binary("-", new ElemRead(s.Name, new Var(k)), new Var(m)))))));
            double c = _r.Weighted((3.0, 1.0), (1.0, 2.0), (1.0, 0.5));
            Expr log = new MathCall("Log", ImmutableArray.Create<Expr>(new Var(sum)));
            Expr value = new Binary("+", new Var(m), c == 1 ? log : new Binary("*", new RealLit(c), log));
            var body = ImmutableArray.Create<Stmt>(
                new Decl(ValueType.Real, ImmutableArray.Create(new Declarator(m, new RealLit(0)), new Declarator(sum, new RealLit(0)))),
                max, exp, new Assign(target.Name, "+=", value));
            return new If(new Binary(">", len, new IntLit(0)), body, null);
        }

        /// <summary>Two statements in the current block: returned as a block-less pair through <see cref="Pair"/>.</summary>
        private static Stmt Sequence(Stmt first, Stmt second) => new Pair(first, second);

        private Stmt GenIf(int depth)
        {
            _budget--;
            var test = GenBool(2);
            var then = GenBlock(depth + 1, _r.Int(1, 3));
            ImmutableArray<Stmt>? otherwise = _r.Chance(0.45) ? GenBlock(depth + 1, _r.Int(1, 2)) : null;
            return new If(test, then, otherwise);
        }

        private ImmutableArray<Stmt> GenBlock(int depth, int count, Func<List<Stmt>>? prefix = null)
        {
            Push();
            var list = prefix?.Invoke() ?? new List<Stmt>();
            for (int i = 0; i < count; i++)
            {
                var s = GenStmt(depth);
                Flatten(s, list);
                if (s is Return or Break or Continue) break; // nothing after a jump (CS0162)
            }

            Pop();
            return list.ToImmutableArray();
        }

        private static void Flatten(Stmt s, List<Stmt> into)
        {
            if (s is Pair p)
            {
                Flatten(p.First, into);
                Flatten(p.Second, into);
            }
            else
            {
                into.Add(s);
            }
        }

        /// <summary>A loop range: a size, a constant, or a dimension of a span in scope.</summary>
        private Dim PickRange()
        {
            var candidates = new List<(double, Dim)>();
            foreach (var p in _params.Where(p => p.Kind is ParamKind.RealSpanIn or ParamKind.RealSpanOut or ParamKind.IntSpan))
            {
                foreach (var s in p.Length!.Sizes) candidates.Add((2.0, Dim.Of(s)));
                if (p.Length.IsConstant) candidates.Add((1.0, p.Length));
            }

            foreach (var s in Sizes) candidates.Add((1.0, Dim.Of(s.Name)));
            candidates.Add((0.4, Dim.Of(_r.Int(2, 4))));
            return _r.Weighted(candidates.ToArray());
        }

        /// <summary>
        /// <c>foreach (double v in x)</c> over a whole input span: v is a read-only real local of the body. No counter is in
        /// scope, so the body indexes only with enclosing loops' counters, and jumps (break, continue) are not drawn in it.
        /// </summary>
        private Stmt GenForEach(int depth)
        {
            _budget--;
            var span = _r.Pick(ReadableSpans().Where(s => s.Kind == ParamKind.RealSpanIn).ToList());
            string item = Fresh("v");
            var body = GenBlock(depth + 1, _r.Int(1, 3), () =>
            {
                _scopes[^1].Add(new Local(item, ValueType.Real, false));
                return new List<Stmt>();
            });
            // From the second element on only where the span has one at every size (s[1..] of an empty span throws).
            return new ForEach(item, span.Name, body, MinOf(span.Length!) >= 1 && _r.Chance(0.3 * W(Feature.Ranges)) ? 1 : 0);
        }

        /// <summary>
        /// A while or do … while loop whose test reads reals (so its trip count depends on the data), bounded by a counter
        /// of its own that the printers declare and increment first thing in the body (a continue cannot skip it).
        /// </summary>
        private Stmt GenWhile(int depth, bool doWhile)
        {
            _budget--;
            string counter = Fresh("w");
            int limit = _r.Int(1, 4);
            // A call writing an output span in a loop's condition is outside the subset (SG0021): draw again.
            Expr test = GenBool(1);
            for (int tries = 0; tries < 5 && WritesOutputs(test); tries++) test = GenBool(1);
            if (WritesOutputs(test)) test = new Binary("<", new IntLit(0), new IntLit(1));
            _whiles++;
            int sections = _sections;
            _sections = 0;
            var body = GenBlock(depth + 1, _r.Int(1, 3));
            _sections = sections;
            _whiles--;
            return new While(counter, limit, test, body, doWhile);
        }

        /// <summary>Ints a switch can be on: loop counters and sizes (never a literal: C# warns about a constant subject).</summary>
        private List<Expr> IntSubjects() => _loops.Select(l => (Expr)new Var(l.Counter)).Concat(Sizes.Select(s => (Expr)new Var(s.Name))).ToList();

        /// <summary>
        /// A switch statement on a counter or size: sections of distinct constants (<c>case 0 or 2:</c>), perhaps a last
        /// relational one above them all (<c>case &gt;= 3:</c>, so no section subsumes another: CS8120), perhaps a default.
        /// </summary>
        private Stmt GenSwitch(int depth)
        {
            _budget--;
            Expr subject = _r.Pick(IntSubjects());
            var constants = Enumerable.Range(0, 5).ToList();
            _r.Shuffle(constants);
            int next = 0;
            var sections = new List<SwitchSection>();
            for (int k = _r.Int(1, 2); k > 0; k--)
            {
                var cases = Enumerable.Range(0, _r.Chance(0.3) ? 2 : 1).Select(_ => new Case("==", new IntLit(constants[next++]))).ToImmutableArray();
                sections.Add(new SwitchSection(cases, GenSection(depth)));
            }

            if (_r.Chance(0.4))
            {
                int above = constants.Take(next).Max() + 1;
                sections.Add(new SwitchSection(ImmutableArray.Create(new Case(">=", new IntLit(above))), GenSection(depth)));
            }

            ImmutableArray<Stmt>? otherwise = _r.Chance(0.6) ? GenSection(depth) : null;
            return new Switch(subject, sections.ToImmutableArray(), otherwise);
        }

        private ImmutableArray<Stmt> GenSection(int depth)
        {
            _sections++;
            var body = GenBlock(depth + 1, _r.Int(1, 2));
            _sections--;
            return body;
        }

        /// <summary>
        /// A switch expression: on a real, relational arms (<c>&lt; a =&gt; …, &gt; b =&gt; …</c>, b ≥ a, so neither covers the
        /// other); on a counter or size, arms of distinct constants. Always a discard arm last (CS8509 otherwise).
        /// </summary>
        private Expr GenSwitchExpr(int d)
        {
            var arms = new List<SwitchArm>();
            var ints = IntSubjects();
            Expr subject;
            if (_generic != GenericForm.None && ints.Count == 0) return GenLeaf(); // relational patterns need constants, which T has not
            if (ints.Count > 0 && (_generic != GenericForm.None || _r.Chance(0.4)))
            {
                subject = _r.Pick(ints);
                var constants = Enumerable.Range(0, 4).ToList();
                _r.Shuffle(constants);
                int next = 0;
                for (int k = _r.Int(1, 2); k > 0; k--)
                {
                    var cases = Enumerable.Range(0, _r.Chance(0.3) ? 2 : 1).Select(_ => new Case("==", new IntLit(constants[next++]))).ToImmutableArray();
                    arms.Add(new SwitchArm(cases, GenReal(d)));
                }
            }
            else
            {
                // A subject that is not a constant (C# warns when a pattern always or never matches a constant), and with no
                // call writing outputs (each pattern reads it again: SG0006).
                subject = GenReal(1);
                if (!Measure.All(subject).Any(n => n is Var or ElemRead or CallExpr) || WritesOutputs(subject)) subject = GenLeaf();
                if (!Measure.All(subject).Any(n => n is Var or ElemRead or CallExpr)) return GenLeaf();
                double[] bounds = { -0.5, 0.0, 0.5, 1.0 };
                double low = _r.Pick(bounds), high = _r.Pick(bounds.Where(b => b >= low).ToList());
                if (_r.Chance(0.8)) arms.Add(new SwitchArm(ImmutableArray.Create(new Case("<", new RealLit(low))), GenReal(d)));
                if (arms.Count == 0 || _r.Chance(0.6)) arms.Add(new SwitchArm(ImmutableArray.Create(new Case(_r.Chance(0.5) ? ">" : ">=", new RealLit(high))), GenReal(d)));
                if (arms.Count == 2 && arms[1].Cases[0].Op == ">=" && high == low) arms[1] = arms[1] with { Cases = ImmutableArray.Create(new Case(">", new RealLit(high))) };
            }

            return new SwitchExpr(subject, arms.ToImmutableArray(), GenReal(d));
        }

        /// <summary>
        /// A local function of one or two real parameters: a small smooth expression of them (and, when it captures, of the
        /// method's real scalars), called where reals are drawn.
        /// </summary>
        private LocalFunction GenLocalFunction()
        {
            string name = Fresh("L");
            var ps = Enumerable.Range(0, _r.Int(1, 2)).Select(_ => Fresh("p")).ToList();
            var scalars = _params.Where(p => p.Kind == ParamKind.RealScalar && !p.Other && !p.Wide).Select(p => p.Name).ToList();
            bool isStatic = scalars.Count == 0 || _r.Chance(0.5);
            var leaves = isStatic ? ps : ps.Concat(scalars).ToList();
            Expr Leaf() => _r.Chance(0.75) ? new Var(_r.Pick(leaves)) : new RealLit(_r.Pick(new[] { 0.5, 2.0, -1.5 }));
            Expr Body(int depth) => depth == 0 ? Leaf() : _r.Weighted<Func<Expr>>(
                (3, () => new Binary(_r.Pick(new[] { "+", "-", "*" }), Body(depth - 1), Body(depth - 1))),
                (1, () => new MathCall(_r.Pick(new[] { "Tanh", "Sin", "Cos" }), ImmutableArray.Create(Body(depth - 1)))),
                (1, () => new Binary("/", Body(depth - 1), OnePlusSquare(Body(depth - 1)))),
                (1, Leaf))();
            Expr body = Body(_r.Int(1, 3));
            if (!Measure.All(body).OfType<Var>().Any(v => ps.Contains(v.Name))) body = new Binary("*", body, new Var(ps[0]));
            _locals.Add((name, ps.Count));
            return new LocalFunction(name, ps.ToImmutableArray(), body, isStatic);
        }

        /// <summary>Whether a slice argument is written as a range, <c>s[a..(a + n)]</c>.</summary>
        private bool AsRange() => _r.Chance(0.5 * W(Feature.Ranges));

        private bool WritesOutputs(Expr e) =>
            Measure.All(e).OfType<SpanArg>().Any(a => _params.Any(p => p.Name == a.Span && p.Kind == ParamKind.RealSpanOut));

        /// <summary>
        /// A stage buffer (an RK4 step's k1 … k4): a loop of constant trips (at least one, so that the method writes all of its
        /// outputs) whose every pass first writes all of the output — a call or a loop over its elements, as GenFill draws —
        /// and may read it after that (README: an output read back in the same pass). Nothing writes it before the loop.
        /// </summary>
        private Stmt GenStageLoop(Param stage)
        {
            _budget--;
            string counter = Fresh("p");
            int trips = _r.Int(1, 3);
            _loops.Add(new Loop(counter, Dim.Of(trips), false, true));
            // No return inside, no break out of it: their lowering hides that the first pass runs (SG0018 on the reads after
            // the loop; FOUND V7).
            _stages++;
            (string? outerStage, int outerWhiles) = (_stageCounter, _stageWhiles);
            (_stageCounter, _stageWhiles) = (counter, _whiles);
            var body = GenBlock(1, _r.Int(1, 3), () =>
            {
                _scopes[^1].Add(new Local(counter, ValueType.Int, false));
                var fill = GenFill(stage).ToList();
                _written.Add(stage.Name);
                return fill;
            });
            _stages--;
            (_stageCounter, _stageWhiles) = (outerStage, outerWhiles);
            _loops.RemoveAt(_loops.Count - 1);
            return new For(counter, new IntLit(0), "<", new IntLit(trips), 1, body);
        }

        private int _stages, _stageWhiles;
        private string? _stageCounter;

        /// <summary>Whether a break here would leave a stage loop (its innermost loop, no while loop opened inside it).</summary>
        private bool BreaksStage() => _stageCounter is not null && _loops.Count > 0 && _loops[^1].Counter == _stageCounter && _whiles == _stageWhiles;

        private Stmt? GenFor(int depth)
        {
            if (_loops.Count > 0 && !_f.On(Feature.NestedLoops)) return null;
            _budget--;
            Dim range = PickRange();
            string counter = Fresh(_r.Pick(new[] { "i", "j", "k", "t" }));
            var form = _r.Weighted(
                (4.0, "up"),
                (0.6, "upLe"),
                (W(Feature.LoopStepTwo), "step2"),
                (W(Feature.DescendingLoops), "down"),
                (0.4 * W(Feature.DescendingLoops) * W(Feature.LoopStepTwo), "down2"),
                (W(Feature.OffsetStart), "from1"));
            Expr bound = RangeExpr(range, allowLength: true);
            bool fromOne = form == "from1";
            var loop = new Loop(counter, range, fromOne, form is "up" or "upLe" or "down");
            _loops.Add(loop);
            int sections = _sections;
            _sections = 0;
            var body = GenBlock(depth + 1, _r.Int(1, 3), () =>
            {
                var prefix = new List<Stmt>();
                _scopes[^1].Add(new Local(counter, ValueType.Int, false));
                return prefix;
            });
            _sections = sections;
            _loops.RemoveAt(_loops.Count - 1);
            return form switch
            {
                "up" => new For(counter, new IntLit(0), "<", bound, 1, body),
                "upLe" => new For(counter, new IntLit(0), "<=", Minus1(bound), 1, body),
                "step2" => new For(counter, new IntLit(0), "<", bound, 2, body),
                "down" => new For(counter, Minus1(bound), ">=", new IntLit(0), -1, body),
                "down2" => new For(counter, Minus1(bound), ">=", new IntLit(0), -2, body),
                _ => new For(counter, new IntLit(1), "<", bound, 1, body),
            };
        }

        private static Expr Minus1(Expr e) => e is IntLit l ? new IntLit(l.Value - 1) : new Binary("-", e, new IntLit(1));

        /// <summary>The range as an int expression: the size, the constant, or <c>s.Length</c> of a span of that length.</summary>
        private Expr RangeExpr(Dim range, bool allowLength)
        {
            if (allowLength && _f.On(Feature.LengthBound) && _r.Chance(0.25 * W(Feature.LengthBound)))
            {
                var spans = _params.Where(p => p.IsSpan && p.Length!.Equals(range)).ToList();
                if (spans.Count > 0) return new SpanLength(_r.Pick(spans).Name);
            }

            return DimExpr(range);
        }

        private static Expr DimExpr(Dim d)
        {
            Expr? e = d.Const == 1 && d.Sizes.Length > 0 ? null : new IntLit(d.Const);
            foreach (var s in d.Sizes) e = e is null ? new Var(s) : new Binary("*", e, new Var(s));
            return e!;
        }

        /// <summary>Loop-carried non-linear state: <c>p *= x[i]</c>, <c>h = Math.Tanh(a * h + x[t])</c>, <c>s = s * u + v</c>.</summary>
        private Stmt GenCarried(List<Local> realLocals)
        {
            _budget--;
            // A local declared outside the innermost loop.
            var outer = realLocals.Where(l => !_scopes[^1].Contains(l)).ToList();
            var h = outer.Count > 0 ? _r.Pick(outer) : _r.Pick(realLocals);
            var hv = new Var(h.Name);
            return _r.Weighted<Stmt>(
                (1, new Assign(h.Name, "*=", Tame(GenReal(1)))),
                (1, new Assign(h.Name, "=", new MathCall("Tanh", ImmutableArray.Create<Expr>(new Binary("+", new Binary("*", GenReal(0), hv), GenReal(1)))))),
                (1, new Assign(h.Name, "=", new Binary("+", new Binary("*", hv, Tame(GenReal(1))), GenReal(1)))),
                (0.6, new Assign(h.Name, "=", new Binary("*", hv, hv))),
                (0.6, new Assign(h.Name, "=", Sigmoid(new Binary("-", hv, GenReal(1))))));
        }

        private Stmt GenStore(List<Param> filled)
        {
            _budget--;
            var y = _r.Pick(filled);
            var index = GenIndex(y);
            if (index is null)
            {
                return GenDecl();
            }

            // y[i] = f(y[i], …): an output read back and overwritten.
            Expr value = _f.On(Feature.OutputReadBack) && _r.Chance(0.5)
                ? new Binary(_r.Pick(new[] { "*", "+" }), new ElemRead(y.Name, index), Tame(GenReal(1)))
                : GenReal(2);
            return new Store(y.Name, index, value);
        }

        // ---------------- filling outputs ----------------

        private IEnumerable<Stmt> GenFill(Param y)
        {
            _budget--;
            var d = y.Length!;
            var readable = ReadableSpans().Where(s => s.Name != y.Name).ToList();
            var options = new List<(double, Func<IEnumerable<Stmt>?>)>
            {
                (3, () => FillLoop(y)),
            };
            if (_f.On(Feature.NnPrimitives))
            {
                var same = readable.Where(s => s.Length!.Equals(d) && s.Kind != ParamKind.IntSpan).ToList();
                if (same.Count > 0)
                {
                    options.Add((1.2 * W(Feature.NnPrimitives), () =>
                    {
                        var src = _r.Pick(same);
                        string fn = _r.Pick(new[] { "Tanh", "Sigmoid", "Relu", "LeakyRelu", "Elu" });
                        var args = new List<Arg> { new SpanArg(src.Name), new SpanArg(y.Name) };
                        if (fn is "LeakyRelu" or "Elu") args.Add(new ValueArg(new RealLit(_r.Pick(new[] { 0.1, 0.5, 1.0 }))));
                        return new[] { new CallStmt(fn, args.ToImmutableArray(), true) };
                    }));
                }

                if (DenseCall(y) is { } dense) options.Add((2 * W(Feature.NnPrimitives), () => new[] { dense }));
                if (d.Sizes.Length == 2 && MinOf(d) >= 1)
                {
                    var same2 = readable.Where(s => s.Length!.Equals(d) && s.Kind == ParamKind.RealSpanIn).ToList();
                    if (same2.Count > 0)
                    {
                        options.Add((0.5 * W(Feature.NnPrimitives), () => new[]
                        {
                            new CallStmt("MeanSubtract", ImmutableArray.Create<Arg>(new SpanArg(_r.Pick(same2).Name), new SpanArg(y.Name),
                                new ValueArg(new Var(d.Sizes[0])), new ValueArg(new Var(d.Sizes[1]))), true),
                        }));
                    }

                    // Nn.BatchNorm(x, gamma, beta, y, n, d, eps): x (n, d) as y, gamma and beta (d) — one span may be both.
                    var perFeature = readable.Where(s => s.Kind != ParamKind.IntSpan && s.Length!.Equals(Dim.Of(d.Sizes[1]))).ToList();
                    if (same.Count > 0 && perFeature.Count > 0)
                    {
                        options.Add((W(Feature.NnPrimitives), () => new[]
                        {
                            new CallStmt("BatchNorm", ImmutableArray.Create<Arg>(new SpanArg(_r.Pick(same).Name), new SpanArg(_r.Pick(perFeature).Name),
                                new SpanArg(_r.Pick(perFeature).Name), new SpanArg(y.Name), new ValueArg(new Var(d.Sizes[0])), new ValueArg(new Var(d.Sizes[1])),
                                new ValueArg(new RealLit(_r.Pick(new[] { 1e-3, 0.01, 0.1 })))), true),
                        }));
                    }
                }
            }

            if (_f.On(Feature.SpanWritingCalls))
            {
                options.Add((1.5 * W(Feature.SpanWritingCalls), () => CalleeFill(y)));

                // T1, drawn for nested HTangent calls over T0 (TangentCalls), fills its output by a call of T0 (an option only
                // where T0 is a callee — T1's: the programs' other methods draw as they did).
                if (_callees.Any(c => c.Name == TangentCalls.Helper) && _f.On(Feature.TangentCalls))
                {
                    options.Add((3 * W(Feature.TangentCalls), () => CalleeFill(y, TangentCalls.Helper)));
                }
            }

            for (int attempt = 0; attempt < 4; attempt++)
            {
                var chosen = _r.Weighted(options.ToArray());
                if (chosen() is { } stmts) return stmts;
            }

            return FillLoop(y)!;
        }

        private Stmt? DenseCall(Param y)
        {
            // y (n, k) = x (n, m) · w (m, k) + b (k), every size positive.
            if (y.Length!.Sizes.Length != 2) return null;
            string n = y.Length.Sizes[0], k = y.Length.Sizes[1];
            foreach (var x in ReadableSpans().Where(s => s.Kind != ParamKind.IntSpan && s.Name != y.Name && s.Length!.Sizes.Length == 2 && s.Length.Sizes[0] == n && s.Length.Const == 1))
            {
                string m = x.Length!.Sizes[1];
                var w = ReadableSpans().FirstOrDefault(s => s.Kind != ParamKind.IntSpan && s.Name != y.Name && s.Length!.Equals(Dim.Of(m, k)) && s.Length.Sizes[0] == m);
                var b = ReadableSpans().FirstOrDefault(s => s.Kind != ParamKind.IntSpan && s.Name != y.Name && s.Length!.Equals(Dim.Of(k)));
                if (w is null || b is null) continue;
                if (MinOf(Dim.Of(n)) < 1 || MinOf(Dim.Of(m)) < 1 || MinOf(Dim.Of(k)) < 1) continue;
                return new CallStmt("Dense", ImmutableArray.Create<Arg>(
                    new SpanArg(x.Name), new SpanArg(w.Name), new SpanArg(b.Name), new SpanArg(y.Name),
                    new ValueArg(new Var(n)), new ValueArg(new Var(m)), new ValueArg(new Var(k))), true);
            }

            return null;
        }

        private IEnumerable<Stmt>? FillLoop(Param y)
        {
            var d = y.Length!;
            if (d.IsConstant && d.Const <= 3 && _r.Chance(0.4))
            {
                // Unrolled: y[0] = …; y[1] = …;
                return Enumerable.Range(0, d.Const).Select(c => (Stmt)new Store(y.Name, new IntLit(c), GenReal(2))).ToList();
            }

            Dim[] ranges = d.Sizes.Length == 2 ? new[] { Dim.Of(d.Sizes[0]), Dim.Of(d.Sizes[1]) } : new[] { d };
            return new[] { FillNest(y, ranges, 0, new List<string>()) };
        }

        private Stmt FillNest(Param y, Dim[] ranges, int level, List<string> counters)
        {
            string counter = Fresh(new[] { "i", "j" }[level]);
            bool down = _f.On(Feature.DescendingLoops) && _r.Chance(0.2 * W(Feature.DescendingLoops));
            Expr bound = RangeExpr(ranges[level], allowLength: ranges.Length == 1);
            _loops.Add(new Loop(counter, ranges[level], false, true));
            counters.Add(counter);
            ImmutableArray<Stmt> body = GenBlock(level + 1, 0, () =>
            {
                _scopes[^1].Add(new Local(counter, ValueType.Int, false));
                var list = new List<Stmt>();
                if (level + 1 < ranges.Length)
                {
                    list.Add(FillNest(y, ranges, level + 1, counters));
                    return list;
                }

                if (_r.Chance(0.3)) list.Add(GenDecl());
                Expr index = ranges.Length == 2
                    ? new Binary("+", new Binary("*", new Var(counters[0]), DimExpr(ranges[1])), new Var(counters[1]))
                    : new Var(counter);
                list.Add(new Store(y.Name, index, GenReal(_r.Int(1, 3))));
                return list;
            });
            _loops.RemoveAt(_loops.Count - 1);
            return down
                ? new For(counter, Minus1(bound), ">=", new IntLit(0), -1, body)
                : new For(counter, new IntLit(0), "<", bound, 1, body);
        }

        // ---------------- calls of the program's own methods ----------------

        /// <summary>
        /// Binds a callee's parameters to arguments of this method: span lengths unify the callee's sizes with int
        /// expressions here (a (n, m) argument for an (r, c) parameter binds r := n, c := m); other sizes take a size of
        /// this method or a constant within the callee's range; spans the callee writes are outputs of this method.
        /// </summary>
        private ImmutableArray<Arg>? BindCall(Method callee, Func<Param, IReadOnlyList<(Dim Len, Arg Arg, string Root)>> spanCandidates, string? forcedOutputRoot = null)
        {
            var sizeBinding = new Dictionary<string, (Expr Expr, int Min, int Max)>();
            var args = new Arg?[callee.Params.Length];
            var writtenRoots = new HashSet<string>();
            var readRoots = new HashSet<string>();
            // Spans first (they bind sizes), outputs before inputs.
            var order = Enumerable.Range(0, callee.Params.Length)
                .OrderBy(i => callee.Params[i].Kind == ParamKind.RealSpanOut ? 0 : callee.Params[i].IsSpan ? 1 : 2).ToList();
            foreach (int i in order)
            {
                var p = callee.Params[i];
                switch (p.Kind)
                {
                    case ParamKind.RealSpanIn or ParamKind.RealSpanOut:
                    {
                        var cands = spanCandidates(p).ToList();
                        _r.Shuffle(cands);
                        bool ok = false;
                        foreach (var (len, arg, root) in cands)
                        {
                            if (p.Kind == ParamKind.RealSpanOut && (readRoots.Contains(root) || writtenRoots.Contains(root))) continue;
                            if (p.Kind == ParamKind.RealSpanIn && writtenRoots.Contains(root)) continue;
                            if (IsOther(root) != p.Other) continue; // a span of the other real type binds one of that type only
                            if (p.Kind == ParamKind.RealSpanOut && forcedOutputRoot is not null && root != forcedOutputRoot) continue;
                            // A [NoDerivative] parameter gets a constant: a derivative passed into it is SG0020.
                            if (p.NoDerivative && !_params.Any(x => x.Name == root && x.Kind == ParamKind.RealSpanIn && x.NoDerivative)) continue;
                            if (!Unify(callee, p.Length!, len, sizeBinding)) continue;
                            args[i] = arg;
                            (p.Kind == ParamKind.RealSpanOut ? writtenRoots : readRoots).Add(root);
                            ok = true;
                            break;
                        }

                        if (!ok) return null;
                        break;
                    }

                    case ParamKind.IntSpan:
                        return null;
                }
            }

            var structValues = new Dictionary<string, Expr>();
            foreach (int i in order)
            {
                var p = callee.Params[i];
                switch (p.Kind)
                {
                    case ParamKind.RealScalar when p.Struct is { } st:
                    {
                        // A struct parameter's members: one struct value (drawn at the first), each member its field of it.
                        _callArguments++;
                        try
                        {
                            var first = callee.Members(st).First();
                            if (!structValues.TryGetValue(st, out var value)) structValues[st] = value = GenStructValue(_r.Int(1, 2), null);
                            args[i] = new StructFieldArg(value, p.Member!, p == first);
                        }
                        finally
                        {
                            _callArguments--;
                        }

                        break;
                    }
                    case ParamKind.RealScalar:
                    {
                        _callArguments++;
                        try
                        {
                            Expr value = p.NoDerivative ? ConstantReal() : Tame(GenReal(_r.Int(0, 2)));
                            args[i] = new ValueArg(p.Wide ? new Cast(ValueType.Wide, value) : value);
                        }
                        finally
                        {
                            _callArguments--;
                        }

                        break;
                    }
                    case ParamKind.OtherScalar:
                        return null; // only entry methods have one
                    case ParamKind.RealOut:
                        args[i] = new OutArg(null); // out _: a call reading its out result is a statement (GenResultCall)
                        break;
                    case ParamKind.Bool:
                        args[i] = new ValueArg(GenBool(1));
                        break;
                    case ParamKind.Size:
                    {
                        if (sizeBinding.TryGetValue(p.Name, out var bound))
                        {
                            if (bound.Min < p.Min) return null;
                            args[i] = new ValueArg(bound.Expr);
                        }
                        else
                        {
                            var mine = Sizes.Where(s => s.Min >= p.Min && s.Max <= p.Max).ToList();
                            args[i] = new ValueArg(mine.Count > 0 && _r.Chance(0.6) ? new Var(_r.Pick(mine).Name) : new IntLit(_r.Int(Math.Max(p.Min, 0), Math.Min(p.Max, 3))));
                        }

                        break;
                    }
                }
            }

            if (callee.Params.Any(p => p.Kind == ParamKind.RealSpanOut) && writtenRoots.Count == 0) return null;
            return args.Where((a, i) => !callee.Params[i].Result).Select(a => a!).ToImmutableArray(); // a struct result is no argument
        }

        private bool Unify(Method callee, Dim param, Dim arg, Dictionary<string, (Expr Expr, int Min, int Max)> binding)
        {
            if (param.IsConstant) return arg.IsConstant && arg.Const == param.Const;
            if (param.Const != 1) return false;
            if (param.Sizes.Length == 1)
            {
                return Bind(param.Sizes[0], arg);
            }

            if (arg.Sizes.Length == 2 && arg.Const == 1 && param.Sizes.Length == 2)
            {
                var saved = new Dictionary<string, (Expr, int, int)>(binding);
                if (Bind(param.Sizes[0], Dim.Of(arg.Sizes[0])) && Bind(param.Sizes[1], Dim.Of(arg.Sizes[1]))) return true;
                binding.Clear();
                foreach (var kv in saved) binding[kv.Key] = kv.Value;
            }

            return false;

            bool Bind(string size, Dim value)
            {
                var sp = callee.Param(size);
                int min = MinOf(value);
                if (binding.TryGetValue(size, out var existing))
                {
                    return existing.Expr.Equals(DimExpr(value)) || Printed(existing.Expr) == Printed(DimExpr(value));
                }

                // The callee's loops assume its declared range; a bound outside it is still valid C#, but keep sizes small.
                if (min < sp.Min) return false;
                binding[size] = (DimExpr(value), min, sp.Max);
                return true;
            }
        }

        private static string Printed(Expr e) => Print.CSharpPrinter.Expression(e, Print.Precision.Double);

        /// <summary>Spans readable here: inputs and written outputs, whole, as rows inside a loop over their first dimension, or a constant prefix.</summary>
        /// <param name="others">With the spans of the other real type (<see cref="Param.Other"/>): for a call, which binds each to a span of that type only.</param>
        private IReadOnlyList<(Dim Len, Arg Arg, string Root)> SpanViews(bool writable, bool slices, bool others = false)
        {
            var list = new List<(Dim, Arg, string)>();
            foreach (var p in _params.Where(p => writable ? p.Kind == ParamKind.RealSpanOut : (p.Kind == ParamKind.RealSpanIn && (others || !p.Other) || (p.Kind == ParamKind.RealSpanOut && _written.Contains(p.Name)))))
            {
                var d = p.Length!;
                list.Add((d, new SpanArg(p.Name), p.Name));
                if (!slices || !_f.On(Feature.SliceArgs)) continue;
                if (d.Sizes.Length == 2 && d.Const == 1)
                {
                    // Row i of an (a, b) matrix inside a loop over a: x.Slice(i * b, b).
                    foreach (var loop in _loops.Where(l => l.Range.Equals(Dim.Of(d.Sizes[0]))))
                    {
                        list.Add((Dim.Of(d.Sizes[1]), new SpanArg(p.Name, new Binary("*", new Var(loop.Counter), new Var(d.Sizes[1])), new Var(d.Sizes[1]), AsRange()), p.Name));
                    }
                }

                if (d.IsConstant && d.Const >= 2)
                {
                    int len = d.Const - 1;
                    list.Add((Dim.Of(len), new SpanArg(p.Name, new IntLit(_r.Int(0, 1)), new IntLit(len), AsRange()), p.Name));
                }
            }

            return list;
        }

        /// <summary>Whether <paramref name="root"/> is a span of the other real type (<see cref="Param.Other"/>).</summary>
        private bool IsOther(string root) => _params.Any(p => p.Name == root && p.Other && p.IsSpan);

        /// <summary>Spans of this method's real type (or int) readable here; a span of the other real type is read only through casts (GenLeaf).</summary>
        private IEnumerable<Param> ReadableSpans()
            => _params.Where(p => p.Kind is ParamKind.RealSpanIn && !p.Other || p.Kind == ParamKind.IntSpan || (p.Kind == ParamKind.RealSpanOut && _written.Contains(p.Name)));

        private IEnumerable<Stmt>? CalleeFill(Param y, string? only = null)
        {
            var writers = _callees.Where(c => !c.ReturnsReal && !c.ReturnsStruct && (only is null || c.Name == only)).ToList();
            if (writers.Count == 0) return null;
            var callee = _r.Pick(writers);
            // The whole output at once …
            var args = BindCall(callee, p => p.Kind == ParamKind.RealSpanOut
                ? new[] { (y.Length!, (Arg)new SpanArg(y.Name), y.Name) }
                : SpanViews(false, true, others: true), y.Name);
            if (args is { } a && CoversAll(callee, y))
            {
                return new[] { new CallStmt(callee.Name, a, false) };
            }

            // … or row by row: for (i < rows) H(x.Slice(i * c, c), y.Slice(i * c, c), c).
            var d = y.Length!;
            if (d.Sizes.Length == 2 && d.Const == 1 && _f.On(Feature.SliceArgs))
            {
                string counter = Fresh("i");
                var loop = new Loop(counter, Dim.Of(d.Sizes[0]), false, true);
                _loops.Add(loop);
                Push();
                _scopes[^1].Add(new Local(counter, ValueType.Int, false));
                var row = new SpanArg(y.Name, new Binary("*", new Var(counter), new Var(d.Sizes[1])), new Var(d.Sizes[1]), AsRange());
                var rowArgs = BindCall(callee, p => p.Kind == ParamKind.RealSpanOut
                    ? new[] { (Dim.Of(d.Sizes[1]), (Arg)row, y.Name) }
                    : SpanViews(false, true, others: true), y.Name);
                Pop();
                _loops.RemoveAt(_loops.Count - 1);
                if (rowArgs is { } ra && callee.Params.Count(p => p.Kind == ParamKind.RealSpanOut) == 1)
                {
                    return new[] { new For(counter, new IntLit(0), "<", new Var(d.Sizes[0]), 1, ImmutableArray.Create<Stmt>(new CallStmt(callee.Name, ra, false))) };
                }
            }

            return null;
        }

        /// <summary>A callee with one output writes all of it (helpers fill their outputs completely).</summary>
        private static bool CoversAll(Method callee, Param y) => callee.Params.Count(p => p.Kind == ParamKind.RealSpanOut) == 1;

        private Stmt? GenCallStmtOverwrite(List<Param> filled)
        {
            var y = _r.Pick(filled);
            return CalleeFill(y)?.FirstOrDefault();
        }

        // ---------------- expressions ----------------

        private Expr GenResult()
        {
            if (_returnsStruct) return GenStructValue(_r.Int(1, 2), null);
            var locals = Locals.Where(l => l.Type == ValueType.Real).ToList();
            Expr e = GenReal(_r.Int(1, 2));
            int take = Math.Min(locals.Count, _r.Int(1, 3));
            for (int i = 0; i < take; i++)
            {
                e = new Binary(_r.Chance(0.7) ? "+" : "*", e, new Var(_r.Pick(locals).Name));
            }

            return e;
        }

        /// <summary>A value kept moderate: tanh, sin, a sigmoid, a bounded ratio, or a small expression.</summary>
        private Expr Tame(Expr e) => _r.Weighted<Expr>(
            (W(Feature.Tanh), new MathCall("Tanh", ImmutableArray.Create(e))),
            (W(Feature.Sin), new MathCall("Sin", ImmutableArray.Create(e))),
            (W(Feature.Sigmoid), Sigmoid(e)),
            (W(Feature.Division), new Binary("/", e, OnePlusSquare(e))),
            (0.3, e));

        private Expr Sigmoid(Expr u)
            => new Binary("/", new RealLit(1), new Binary("+", new RealLit(1), new MathCall("Exp", ImmutableArray.Create<Expr>(new Unary("-", u)))));

        private Expr OnePlusSquare(Expr u) => new Binary("+", new RealLit(1), new Binary("*", u, u));

        private Expr SafeDenominator() => _r.Weighted<Expr>(
            (1, OnePlusSquare(GenReal(1))),
            (1, new RealLit(_r.Pick(new[] { 2.0, -4.0, 1.5, 0.5 }))),
            (0.5, new Binary("+", new MathCall("Abs", ImmutableArray.Create(GenReal(1))), new RealLit(0.5))));

        private Expr PositiveBase()
        {
            // Every alternative is drawn (GenReal(1) three times), and each may need a positive base again: with heavy weights
            // the nesting need not end (a stack overflow with --features "Arrays=6,UserCalls=6,SpanWritingCalls=6" --seed 92).
            // Past a depth no default draw reaches, a leaf ends it (the seeds' programs stay as they were).
            if (_positiveNesting > 8) return OnePlusSquare(GenLeaf());
            _positiveNesting++;
            try
            {
                return _r.Weighted<Expr>(
                    (2, OnePlusSquare(GenReal(1))),
                    (W(Feature.Abs), new Binary("+", new MathCall("Abs", ImmutableArray.Create(GenReal(1))), new RealLit(0.5))),
                    (W(Feature.Exp), new MathCall("Exp", ImmutableArray.Create(Tame(GenReal(1))))));
            }
            finally
            {
                _positiveNesting--;
            }
        }

        private int _positiveNesting;

        // Calls inside the arguments of calls: each argument may draw calls again, and with enough arguments that is a
        // branching process that need not end (seed 0G2-BvWGk-b1 drew without end once callees took one more input).
        private int _callArguments;

        private const int MaxCallNesting = 3;

        public Expr GenReal(int depth)
        {
            if (depth <= 0 || _r.Chance(0.2)) return GenLeaf();
            int d = depth - 1;
            bool calls = _callees.Any(c => c.ReturnsReal) && _f.On(Feature.UserCalls) && _callArguments < MaxCallNesting;
            string kind = _r.Weighted(
                (1.0, "leaf"),
                (5.0, "binary"),
                (0.6, "neg"),
                (W(Feature.Division), "div"),
                (W(Feature.Sigmoid) * 0.6, "sigmoid"),
                (W(Feature.Exp), "Exp"),
                (W(Feature.Log), "Log"),
                (W(Feature.Sqrt), "Sqrt"),
                (W(Feature.Pow), "Pow"),
                (W(Feature.Tanh), "Tanh"),
                (W(Feature.Sin), "Sin"),
                (W(Feature.Cos), "Cos"),
                (W(Feature.Abs), "Abs"),
                (W(Feature.MaxMin), "MaxMin"),
                (0.5 * W(Feature.Trigonometric), "trig"),
                (0.5 * W(Feature.Hyperbolic), "hyperbolic"),
                (0.5 * W(Feature.MoreLogarithms), "logs"),
                (0.5 * W(Feature.Selections), "select"),
                (0.4 * W(Feature.SwitchExpressions), "switch"),
                (0.3 * W(Feature.FusedMultiplyAdd), "fma"),
                (0.5 * W(Feature.NumericStatics), "numeric"),
                (0.3 * W(Feature.RegisteredLibrary), "library"),
                (0.5 * W(Feature.Rounding), "Round"),
                (0.4 * W(Feature.Sign), "Sign"),
                (0.8 * W(Feature.Conditional), "cond"),
                (0.4 * W(Feature.IntToReal), "int"),
                (0.3 * W(Feature.WideLocals), "wide"),
                (calls ? 1.2 * W(Feature.UserCalls) : 0, "call"),
                (_locals.Count > 0 ? 1.0 : 0, "local"),
                (_f.On(Feature.NnPrimitives) ? 0.6 * W(Feature.NnPrimitives) : 0, "nn"),
                (_nested.Count > 0 ? 0.3 * W(Feature.NestedCalls) : 0, "tangent"),
                (0.1 * W(Feature.UnderivableCalls), "bump")); // last: with the feature off, the draws are as they were
            Expr One(string f, Expr a) => new MathCall(f, ImmutableArray.Create(a));
            switch (kind)
            {
                case "leaf": return GenLeaf();
                case "switch": return GenSwitchExpr(d);
                case "binary": return new Binary(_r.Pick(new[] { "+", "-", "*", "+", "*" }), GenReal(d), GenReal(d));
                case "neg": return new Unary("-", GenReal(d));
                case "div": return new Binary("/", GenReal(d), SafeDenominatorAt(d));
                case "sigmoid": return Sigmoid(GenReal(d));
                case "Exp": return One("Exp", _r.Weighted<Expr>((1, Tame(GenReal(d))), (1, new Unary("-", new Binary("*", GenReal(d), GenReal(d)))), (0.5, GenLeaf())));
                case "Log": return One("Log", PositiveBase());
                case "Sqrt": return One("Sqrt", PositiveBase());
                case "Pow":
                    return _r.Weighted<Expr>(
                        (1, new MathCall("Pow", ImmutableArray.Create(GenReal(d), new RealLit(_r.Pick(new[] { 2.0, 3.0 }))))),
                        (1, new MathCall("Pow", ImmutableArray.Create(PositiveBase(), new RealLit(_r.Pick(new[] { 0.5, 1.5, -1.0, -0.5, 2.0 }))))),
                        (1, new MathCall("Pow", ImmutableArray.Create(PositiveBase(), Tame(GenReal(d))))));
                case "Tanh": return One("Tanh", GenReal(d));
                case "Sin": return One("Sin", GenReal(d));
                case "Cos": return One("Cos", GenReal(d));
                case "Abs": return One("Abs", GenReal(d));
                case "MaxMin": return new MathCall(_r.Chance(0.5) ? "Max" : "Min", ImmutableArray.Create(GenReal(d), _r.Chance(0.3) ? new RealLit(0) : GenReal(d)));
                case "trig": return Trigonometric(d);
                case "hyperbolic": return Hyperbolic(d);
                case "logs": return Logarithm(d);
                case "select": return Selection(d);
                case "fma": return Call("FusedMultiplyAdd", GenReal(d), GenReal(d), GenReal(d));
                case "numeric": return NumericStatic(d);
                case "library":
                {
                    // ScaledSoftplus's k is [NoDerivative]: a literal, so that no derivative is lost through it.
                    if (_r.Chance(0.3)) return new MathCall("ScaledSoftplus", ImmutableArray.Create(GenReal(d), (Expr)new RealLit(_r.Pick(new[] { 0.5, 1.5, 2.5 }))));
                    Expr call = One(_r.Pick(new[] { "Softplus", "LogCosh" }), GenReal(d));

                    // LogCosh scaled by a function with no derivative of a constant (SG0007 if what it reads varied). It draws
                    // nothing: the campaigns' fixed seeds keep drawing the programs they were checked to draw.
                    return call is MathCall { Function: "LogCosh" } ? new Binary("*", call, One("Bump", new RealLit(_bumps++ % 2 == 0 ? 3.0 : -1.5))) : call;
                }

                case "Round":
                    return new Binary("*", One(_r.Pick(new[] { "Floor", "Ceiling", "Round", "Truncate" }), new Binary("*", GenReal(d), new RealLit(2))), GenReal(d));
                case "Sign": return new Binary("*", new Cast(ValueType.Real, One("Sign", GenReal(d))), GenReal(d));
                case "cond": return new Conditional(GenBool(1), GenReal(d), GenReal(d));
                case "int":
                    return _r.Chance(0.5)
                        ? new Binary("*", new Cast(ValueType.Real, GenInt()), GenReal(d))
                        : new Binary("*", GenReal(d), GenInt()); // implicit int → real
                case "wide": return new Cast(ValueType.Real, GenWide(d));
                case "call": return GenCallExpr() ?? GenLeaf();
                case "local":
                {
                    // A call writing outputs in an argument is outside the subset (SG0006: the parameter is read where it is used).
                    var (local, arity) = _r.Pick(_locals);
                    return new LocalCall(local, Enumerable.Range(0, arity).Select(_ => GenReal(d)).Select(a => WritesOutputs(a) ? GenLeaf() : a).ToImmutableArray());
                }

                case "nn": return GenNnExpr() ?? GenLeaf();
                case "tangent": return GenNestedTangent(d) ?? GenLeaf();
                case "bump":
                {
                    // What it reads may vary: SG0007, or a derivative that must be right. A call writing outputs inside it is
                    // SG0006 (code kept as written would not reverse it; README), as in a local function's argument.
                    Expr inner = GenReal(d);
                    return One("Bump", WritesOutputs(inner) ? GenLeaf() : inner);
                }
                default: throw new InvalidOperationException(kind);
            }
        }

        /// <summary>A value strictly inside (−0.9, 0.9), for the functions defined on (−1, 1) only.</summary>
        private Expr Bounded(Expr e) => new Binary("*", new RealLit(0.9), _r.Weighted<Func<Expr>>(
            (1, () => Call("Tanh", e)),
            (1, () => Call("Sin", e)),
            (1, () => new Binary("/", e, OnePlusSquare(e))))());

        /// <summary>A value at least 0.5 built from a subexpression of depth <paramref name="d"/> (deeper calls shrink it).</summary>
        private Expr PositiveAt(int d) => _r.Weighted<Func<Expr>>(
            (2, () => OnePlusSquare(GenReal(d))),
            (1, () => new Binary("+", Call("Abs", GenReal(d)), new RealLit(0.5))),
            (1, () => Call("Exp", Tame(GenReal(d)))))();

        private static MathCall Call(string f, params Expr[] args) => new(f, ImmutableArray.Create(args));

        /// <summary><c>c + u·u</c>: at least c.</summary>
        private static Expr AtLeast(double c, Expr u) => new Binary("+", new RealLit(c), new Binary("*", u, u));

        // The functions beyond the first table, each on its domain (the kink detector redraws inputs near a jump).
        private Expr Trigonometric(int d) => _r.Weighted<Func<Expr>>(
            (1, () => Call("Tan", new Binary("*", new RealLit(0.5), Bounded(GenReal(d))))),
            (1, () => Call(_r.Chance(0.5) ? "Asin" : "Acos", Bounded(GenReal(d)))),
            (1, () => Call("Atan", GenReal(d))),
            (1, () => Call("Atan2", GenReal(d), PositiveAt(d))),
            (0.5, () => Call("Atan2", GenReal(d), GenReal(d))))();

        private Expr Hyperbolic(int d) => _r.Weighted<Func<Expr>>(
            (1, () => Call(_r.Chance(0.5) ? "Sinh" : "Cosh", Tame(GenReal(d)))),
            (1, () => Call("Asinh", GenReal(d))),
            (1, () => Call("Acosh", AtLeast(1.5, GenReal(d)))),
            (1, () => Call("Atanh", Bounded(GenReal(d)))))();

        private Expr Logarithm(int d) => _r.Weighted<Func<Expr>>(
            (1, () => Call(_r.Chance(0.5) ? "Log10" : "Log2", PositiveAt(d))),
            (1, () => Call("Log", PositiveAt(d), AtLeast(1.5, GenReal(d)))),
            (1, () => Call("Cbrt", _r.Chance(0.5) ? PositiveAt(d) : new Unary("-", PositiveAt(d)))))();

        // The functions of double and float that Math and MathF lack (double.Exp2, float.Hypot), each on its domain.
        private Expr NumericStatic(int d) => _r.Weighted<Func<Expr>>(
            (1, () => Call(_r.Pick(new[] { "Exp2", "Exp10", "ExpM1", "Exp2M1", "Exp10M1" }), Tame(GenReal(d)))),
            (1, () => Call(_r.Pick(new[] { "LogP1", "Log2P1", "Log10P1" }), PositiveAt(d))),
            (1, () => Call("Hypot", GenReal(d), PositiveAt(d))),
            (1, () => Call(_r.Pick(new[] { "SinPi", "CosPi", "AtanPi", "DegreesToRadians", "RadiansToDegrees" }), GenReal(d))),
            (0.5, () => Call("TanPi", new Binary("*", new RealLit(0.4), Bounded(GenReal(d))))),
            (0.5, () => Call(_r.Chance(0.5) ? "AsinPi" : "AcosPi", Bounded(GenReal(d)))),
            (0.5, () => Call("Atan2Pi", GenReal(d), PositiveAt(d))),
            (1, () => Call("Lerp", GenReal(d), GenReal(d), GenReal(d))),
            (1, () => Call(_r.Chance(0.5) ? "MaxNumber" : "MinNumber", GenReal(d), GenReal(d))))();

        private Expr Selection(int d)
        {
            Expr x = GenReal(d);
            switch (_r.Int(0, 3))
            {
                case 0:
                {
                    // Clamp needs lo <= hi: a band around a value, or constants.
                    if (_r.Chance(0.5)) return Call("Clamp", x, new RealLit(-0.5), new RealLit(0.5));
                    Expr centre = GenReal(d);
                    return Call("Clamp", x, new Binary("-", centre, new RealLit(0.5)), new Binary("+", centre, new RealLit(0.5)));
                }

                case 1: return Call("CopySign", x, GenReal(d));
                case 2: return Call("MaxMagnitude", x, GenReal(d));
                default: return Call("MinMagnitude", x, GenReal(d));
            }
        }

        private Expr SafeDenominatorAt(int depth) => _r.Weighted<Expr>(
            (1, OnePlusSquare(GenReal(depth))),
            (1, new RealLit(_r.Pick(new[] { 2.0, -4.0, 1.5, 3.0 }))));

        private Expr GenWide(int depth)
        {
            var wides = Locals.Where(l => l.Type == ValueType.Wide).ToList();
            Expr Leaf() => wides.Count > 0 && _r.Chance(0.5) ? new Var(_r.Pick(wides).Name) : new Cast(ValueType.Wide, GenReal(1));
            if (depth <= 0) return Leaf();
            return _r.Weighted<Expr>(
                (1, Leaf()),
                (2, new Binary(_r.Pick(new[] { "+", "-", "*" }), GenWide(depth - 1), GenWide(depth - 1))),
                (1, new MathCall("Tanh", ImmutableArray.Create(GenWide(depth - 1)), Wide: true)));
        }

        /// <summary>A real that carries no derivative: a literal or a [NoDerivative] scalar of this method.</summary>
        private Expr ConstantReal()
        {
            var constants = _params.Where(p => p.Kind == ParamKind.RealScalar && p.NoDerivative && !p.Wide).ToList();
            return constants.Count > 0 && _r.Chance(0.5)
                ? new Var(_r.Pick(constants).Name)
                : new RealLit(_r.Pick(new[] { 0.5, 2.0, 1.5, -1.0, 0.25 }));
        }

        private Expr GenLeaf()
        {
            var options = new List<(double, Func<Expr>)>();
            var scalars = _params.Where(p => p.Kind == ParamKind.RealScalar && !p.Other && !p.Wide).ToList();
            var locals = Locals.Where(l => l.Type == ValueType.Real).ToList();
            if (scalars.Count > 0) options.Add((3, () => new Var(_r.Pick(scalars).Name)));
            if (locals.Count > 0) options.Add((3, () => new Var(_r.Pick(locals).Name)));
            options.Add((1.2, () => new RealLit(_r.Pick(new[] { 0.5, 2.0, 1.5, -1.0, 0.25, 3.0, -0.75, 1.0 }))));
            options.Add((0.08, () => new RealLit(_r.Pick(new[] { Math.PI, Math.E, Math.Tau })))); // Math.PI, T.Pi in a generic method
            var reads = ReadableSpans().Where(s => s.Kind != ParamKind.IntSpan)
                .Select(s => (Span: s, Index: (Func<Expr?>)(() => GenIndex(s)))).ToList();
            var indexable = reads.Where(x => CanIndex(x.Span)).ToList();
            if (indexable.Count > 0) options.Add((5, () =>
            {
                var (s, idx) = _r.Pick(indexable);
                return idx() is { } i ? new ElemRead(s.Name, i) : new RealLit(1);
            }));
            var q = _params.FirstOrDefault(p => p.Kind == ParamKind.OtherScalar || p.Other && p.Kind == ParamKind.RealScalar || p.Wide);
            if (q is not null) options.Add((1, () => new Cast(ValueType.Real, new Var(q.Name))));
            // An element of a span of the other real type, through a cast: (double)qf[i], (float)qf[i] in the float twin.
            var other = _params.Where(p => p.Kind == ParamKind.RealSpanIn && p.Other && CanIndex(p)).ToList();
            if (other.Count > 0) options.Add((2, () =>
            {
                var s = _r.Pick(other);
                return GenIndex(s) is { } i ? new Cast(ValueType.Real, new ElemRead(s.Name, i)) : new RealLit(1);
            }));
            return _r.Weighted(options.ToArray())();
        }

        private bool CanIndex(Param s)
        {
            var d = s.Length!;
            if (d.IsConstant) return true;
            if (d.Sizes.Length == 1 && d.Const == 1) return _loops.Any(l => l.Range.Equals(d));
            if (d.Sizes.Length == 2 && d.Const == 1)
            {
                return _loops.Any(l => l.Range.Equals(Dim.Of(d.Sizes[0]))) && _loops.Any(l => l.Range.Equals(Dim.Of(d.Sizes[1])));
            }

            return false;
        }

        /// <summary>An index that is in bounds for every size: from the enclosing loops over the span's dimensions.</summary>
        private Expr? GenIndex(Param s)
        {
            var d = s.Length!;
            if (d.IsConstant)
            {
                var loops = _loops.Where(l => l.Range.Equals(d)).ToList();
                if (loops.Count > 0 && _r.Chance(0.6)) return OneDimIndex(_r.Pick(loops), d);
                return new IntLit(_r.Int(0, d.Const - 1));
            }

            if (d.Sizes.Length == 1)
            {
                var loops = _loops.Where(l => l.Range.Equals(d)).ToList();
                return loops.Count == 0 ? null : OneDimIndex(_r.Pick(loops), d);
            }

            var rows = _loops.Where(l => l.Range.Equals(Dim.Of(d.Sizes[0]))).ToList();
            var cols = _loops.Where(l => l.Range.Equals(Dim.Of(d.Sizes[1]))).ToList();
            if (rows.Count == 0 || cols.Count == 0) return null;
            var row = _r.Pick(rows);
            var col = _r.Pick(cols);
            // i * cols + j
            return new Binary("+", new Binary("*", new Var(row.Counter), new Var(d.Sizes[1])), new Var(col.Counter));
        }

        private Expr OneDimIndex(Loop l, Dim d)
        {
            var i = new Var(l.Counter);
            var options = new List<(double, Expr)> { (4, i) };
            options.Add((W(Feature.ReverseIndex), new Binary("-", Minus1(DimExpr(d)), i)));
            options.Add((W(Feature.Ranges), new FromEnd(new Binary("+", i, new IntLit(1))))); // s[^(i + 1)]
            options.Add((W(Feature.ModIndex), new Binary("%", new Binary("+", i, new IntLit(1)), DimExpr(d))));
            if (l.FromOne) options.Add((W(Feature.AffineIndex) * 2, new Binary("-", i, new IntLit(1))));
            return _r.Weighted(options.ToArray());
        }

        private Expr GenInt()
        {
            var options = new List<(double, Func<Expr>)>();
            var counters = _loops.Select(l => l.Counter).ToList();
            if (counters.Count > 0) options.Add((3, () => new Var(_r.Pick(counters))));
            var sizes = Sizes.ToList();
            if (sizes.Count > 0) options.Add((1, () => new Var(_r.Pick(sizes).Name)));
            var labs = _params.Where(p => p.Kind == ParamKind.IntSpan && CanIndex(p)).ToList();
            if (labs.Count > 0) options.Add((2, () => GenIndex(labs[0]) is { } i ? new ElemRead(labs[0].Name, i) : new IntLit(1)));
            options.Add((0.5, () => new IntLit(_r.Int(1, 3))));
            return _r.Weighted(options.ToArray())();
        }

        private static Expr Uncast(Expr e) => e is Cast c ? Uncast(c.Operand) : e;

        private Expr GenBool(int depth)
        {
            var options = new List<(double, Func<Expr>)>
            {
                (3, () =>
                {
                    // Never a comparison of a value with itself, casts or not (CS1718 in the user's own code: (double)s <= s).
                    Expr left = GenReal(1), right = _r.Chance(0.5) ? new RealLit(_r.Pick(new[] { 0.0, 0.5, -0.25 })) : GenReal(1);
                    return new Binary(_r.Pick(new[] { "<", ">", "<=", ">=" }), left, Uncast(left).Equals(Uncast(right)) ? new RealLit(0.5) : right);
                }),
            };
            if (_loops.Count > 0 || Sizes.Any())
            {
                options.Add((1.2, () => new Binary(_r.Pick(new[] { "<", ">", "==", "!=" }), GenInt(), new IntLit(_r.Int(0, 2)))));
                if (_loops.Count > 0) options.Add((0.6, () => new Binary("==", new Binary("%", new Var(_r.Pick(_loops).Counter), new IntLit(2)), new IntLit(0))));
            }

            var flag = _params.FirstOrDefault(p => p.Kind == ParamKind.Bool);
            if (flag is not null) options.Add((1, () => new Var(flag.Name)));
            if (depth > 0 && _f.On(Feature.Logical))
            {
                options.Add((W(Feature.Logical), () => new Binary(_r.Chance(0.5) ? "&&" : "||", GenBool(depth - 1), GenBool(depth - 1))));
                options.Add((0.4 * W(Feature.Logical), () => new Unary("!", GenBool(depth - 1))));
            }

            return _r.Weighted(options.ToArray())();
        }

        private Expr? GenCallExpr()
        {
            var scalarCallees = _callees.Where(c => c.ReturnsReal && c.Params.All(p => p.Kind != ParamKind.RealSpanOut || true)).ToList();
            if (scalarCallees.Count == 0) return null;
            var callee = _r.Pick(scalarCallees);
            var args = BindCall(callee, p => p.Kind == ParamKind.RealSpanOut ? SpanViews(true, true) : SpanViews(false, true, others: true));
            return args is { } a ? new CallExpr(callee.Name, a, false) : null;
        }

        private Expr? GenNnExpr()
        {
            var views = SpanViews(false, true).ToList();
            if (views.Count == 0) return null;
            string fn = _r.Weighted((2.0, "SumOfSquares"), (1.0, "MseLoss"), (1.0, "SoftmaxCrossEntropy"));
            switch (fn)
            {
                case "SumOfSquares":
                    return new CallExpr(fn, ImmutableArray.Create<Arg>(_r.Pick(views).Arg), true);
                case "MseLoss":
                {
                    // Two views of one non-empty length, different spans.
                    var pairs = (from p in views from t in views
                                 where p.Root != t.Root && p.Len.Equals(t.Len) && MinOf(p.Len) >= 1
                                 select (p, t)).ToList();
                    if (pairs.Count == 0) return null;
                    var (pp, tt) = _r.Pick(pairs);
                    return new CallExpr(fn, ImmutableArray.Create(pp.Arg, tt.Arg), true);
                }

                default:
                {
                    // logits (rows, classes) against labels (rows) in [0, classes).
                    var lab = _params.FirstOrDefault(p => p.Kind == ParamKind.IntSpan);
                    if (lab is null) return null;
                    var rows = lab.Length!;
                    var classes = lab.ValueBound!;
                    if (rows.Sizes.Length != 1 || MinOf(rows) < 1 || MinOf(classes) < 1) return null;
                    var logits = views.Where(v => v.Arg is SpanArg { Start: null } && v.Len.Equals(new Dim(rows.Sizes.AddRange(classes.Sizes), classes.Const))).ToList();
                    if (logits.Count == 0) return null;
                    return new CallExpr(fn, ImmutableArray.Create<Arg>(_r.Pick(logits).Arg, new SpanArg(lab.Name), new ValueArg(DimExpr(rows)), new ValueArg(DimExpr(classes))), true);
                }
            }
        }
    }

    /// <summary>Two statements the builder splices into the enclosing block (never printed).</summary>
    internal sealed record Pair(Stmt First, Stmt Second) : Stmt;
}
