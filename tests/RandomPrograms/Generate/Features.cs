using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace SymGrad.RandomPrograms.Generate
{
    /// <summary>
    /// The constructs the generator can put in a program. Each has a weight in <see cref="FeatureSet"/> (0 = off); the
    /// campaign counts how many generated programs contain each (<see cref="Campaign.ConstructCounter"/>). A new construct
    /// (while/do/foreach/switch, arrays, structs, out/tuples, local functions, more Math functions) is a new member here,
    /// a branch in <see cref="ProgramGenerator"/>, a case in the printers and in the counter.
    /// </summary>
    public enum Feature
    {
        // parameters
        ScalarParams,
        SpanInputs,
        SpanOutputs,
        MultipleOutputs,
        OutResults,
        NoDerivativeParams,
        IntSpans,
        BoolParams,
        OtherPrecisionParams,
        Arrays,
        LayerObjects,

        /// <summary>Structs of reals: a struct parameter (fields of the entry's scalars), struct locals, a struct result.</summary>
        Structs,

        /// <summary>A span or array of structs of reals: span inputs of the entry read only element by element become its fields.</summary>
        StructSpans,


        /// <summary>Generic math: methods over T : IFloatingPointIeee754&lt;T&gt;, one source for both twins.</summary>
        Generics,

        /// <summary>Gradients chosen at the call: span gradients passed empty, default values kept by MGradient.</summary>
        GradientChoice,

        // statements
        MultiDeclarators,
        CompoundAssign,
        IncDec,
        IfElse,
        ForLoops,
        ForEachLoops,
        WhileLoops,
        DoWhileLoops,
        Switches,
        NestedLoops,
        LoopStepTwo,
        DescendingLoops,
        OffsetStart,
        LengthBound,
        Break,
        Continue,
        EarlyReturn,
        ReturnInLoop,
        LoopCarried,
        ReassignAfterNonLinear,
        OutputReadBack,
        OutputOverwrite,
        StableSoftmax,

        /// <summary><c>[Differentiable(CheckpointLoops = true, Snapshots = …, CheckpointAbove = …)]</c> on a method with a top-level loop.</summary>
        CheckpointedLoops,

        // expressions
        Conditional,
        Logical,
        IntToReal,
        WideLocals,
        AffineIndex,
        ReverseIndex,
        ModIndex,
        Division,
        Sigmoid,
        Exp,
        Log,
        Sqrt,
        Pow,
        Tanh,
        Sin,
        Cos,
        Abs,
        MaxMin,
        Rounding,
        Sign,
        Trigonometric,
        Hyperbolic,
        MoreLogarithms,
        Selections,
        SwitchExpressions,
        Ranges,
        FusedMultiplyAdd,
        NumericStatics,
        RegisteredLibrary,

        // composition
        UserCalls,
        LocalFunctions,
        SpanWritingCalls,
        SliceArgs,
        NnPrimitives,

        // FTangent, FGradient, FBackward of another method of the program called in a differentiable one (see NestedCalls)
        NestedCalls,

        // names a generated backward might also use (g, result, workspace, d + a parameter's name)
        TrickyNames,

        // an output first written inside a loop's pass and read back in it (an RK4 step's stages), nothing filling it before
        StageBuffers,

        // a called method's double input (Param.Wide): in the float twin a double input of a float method, called plainly and nested
        DoubleInputs,

        // the nested helper N0 generic over T (with Generics): its generated methods are overloads for double and float, and a
        // call of one is of the overload its arguments pick
        GenericNested,

        // the nested helper N0 with span inputs: its callers call N0Tangent along span directions, N0Gradient with a span's
        // gradient not asked for (default) or, with NestedSpanGradients, added to an output
        NestedSpans,

        // a span input of the other real type (Param.Other): ReadOnlySpan<float> of a double method, ReadOnlySpan<double> in the
        // float twin; its elements read through a cast, its gradients, tangents, directions and products of its own type
        OtherPrecisionSpans,

        // a called method taking a struct parameter (V3 pt): its callers pass a struct value — a struct local, their own struct
        // parameter, new V3(…), default — which SymGrad reads as a call of the method's flat twin, the fields one by one
        StructCalls,

        // a nested FGradient or FBackward of N0 (with NestedSpans) adding a span input's gradient to a written output of the
        // caller (or a slice of one): read as a call of N0GradientOfX, one Hessian-vector product in the backward
        NestedSpanGradients,

        // Smooth.Bump (no derivative) of any real expression, active or not: either SymGrad says SG0007 at it (the program
        // stops there, refused as expected) or it differentiates the program, and the checks find a derivative it dropped
        UnderivableCalls,

        // a called method with an out result (or returning a tuple of two): its callers read both results — a declaration's
        // value with out double o2, an assignment into their locals, a statement, var (v, o2) = H1(…) — or the value alone
        // (out _, H1(…).Value); each result read is a call of its own method SymGrad writes next to the callee
        ResultCalls,

        // a called method returning a struct (V3 H1(…)), whose calls are its callers' struct values — a struct local's value,
        // an argument of a method taking a struct, a returned struct — each field read through a method of its own
        StructResultCalls,

        // a layer's helper (the entry a layer object's method): some of its parameters become fields of the layer it reads
        // (an instance method of the same class), which the entry's calls no longer pass; SymGrad reads each call as one of the
        // helper's twin with the fields as parameters (HWithFields)
        LayerCalls,

        // a call of a method with a tuple twin held in a tuple local and read element by element (var pair1 = H1Pair(…);
        // double v = pair1.Value; o2 = pair1.O;) instead of a deconstruction (with ResultCalls)
        TupleLocals,

        // a call leaving out the trailing optional parameters of a method with default values (GradientChoice), the callee's
        // defaults what it passes: SymGrad fills them in for the generated methods it calls
        CallDefaults,

        // a layer's helper (LayerCalls) moved to a layer held in a field of the entry's (Sub.H(…), a nested class Held): the
        // held layer's fields are inputs of the entry (SubX…) apart from the entry's own
        HeldLayers,

        // a layer's helper with an out or tuple result may be a layer's method too (LayerCalls): SymGrad reads each result
        // through a method of its twin's (HWithFieldsResultO)
        LayerResults,

        // one of the entry's outputs a local buffer of its own instead (Span<double> y = stackalloc double[n];, new double[n],
        // var): the generated methods lend it from the workspace (LocalBufferWriter); the checks see the other results alone
        LocalBuffers,

        // a call filling outputs of its caller, H(x, y), made HTangent(x, yv, ẋ, y) (TangentCalls): y holds J·ẋ, the values go to
        // a buffer of the caller's; the caller is differentiated through HTangent's own derivatives
        TangentCalls,

        // within TangentCalls, the helper of a nested HBackward sometimes one whose HTangent is not drawn (side streams 21–23):
        // calling Nn primitives or library functions, writing two outputs, or returning a value (off, past seeds draw their
        // programs as before)
        BackwardCallHelpers,

        // within TangentCalls, the helper of a nested HTangent sometimes one calling Nn primitives (side streams 24–25): its
        // HTangent, read as a method, calls their registered tangents, differentiated again through their own registered
        // derivatives (Nn.TanhTangentBackward, Nn.TanhTangentTangent; off, past seeds draw their programs as before)
        NnTangentHelpers,

        // within TangentCalls, the helper of a nested HTangent sometimes one calling library functions whose tangents are read
        // off their backwards (Smooth.Softplus, ScaledSoftplus; side streams 26–27): its HTangent, read as a method, calls the
        // partials SymGrad writes for them (H·v of the caller refused: no third derivative; off, past seeds as before)
        LibraryTangentHelpers,
    }

    /// <summary>Per-feature weights: how often a construct is chosen where it fits, relative to the default 1.</summary>
    public sealed class FeatureSet
    {
        private readonly Dictionary<Feature, double> _weights;

        public FeatureSet(IReadOnlyDictionary<Feature, double>? weights = null)
        {
            _weights = Enum.GetValues<Feature>().ToDictionary(f => f, f => DefaultWeight(f));
            if (weights is not null)
            {
                foreach (var (f, w) in weights) _weights[f] = w;
            }
        }

        /// <summary>Every construct at its default weight.</summary>
        public static FeatureSet Default { get; } = new();

        public double this[Feature f] => _weights[f];

        public bool On(Feature f) => _weights[f] > 0;

        public IReadOnlyDictionary<Feature, double> Weights => _weights;

        /// <summary>
        /// Parses <c>--features</c>: a comma-separated list applied to the defaults, each <c>Name</c> (weight 1 if off),
        /// <c>-Name</c> (off), <c>Name=w</c>, or <c>only:Name,Name</c> (everything else off). Throws on an unknown name.
        /// </summary>
        public static FeatureSet Parse(string spec)
        {
            var weights = Enum.GetValues<Feature>().ToDictionary(f => f, DefaultWeight);
            string s = spec.Trim();
            if (s.StartsWith("only:", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var f in weights.Keys.ToList()) weights[f] = 0;
                s = s[5..];
            }

            foreach (var raw in s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                bool off = raw.StartsWith('-');
                string item = off ? raw[1..] : raw.TrimStart('+');
                string name = item;
                double? w = null;
                int eq = item.IndexOf('=');
                if (eq >= 0)
                {
                    name = item[..eq];
                    if (!double.TryParse(item[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v < 0)
                    {
                        throw new FormatException($"'{item}': the weight must be a non-negative number.");
                    }

                    w = v;
                }

                if (!Enum.TryParse<Feature>(name, ignoreCase: true, out var feature))
                {
                    throw new FormatException($"Unknown feature '{name}'. Features: {string.Join(", ", Enum.GetNames<Feature>())}.");
                }

                weights[feature] = off ? 0 : w ?? Math.Max(1, DefaultWeight(feature));
            }

            return new FeatureSet(weights);
        }

        public override string ToString()
            => string.Join(", ", _weights.Where(kv => kv.Value != DefaultWeight(kv.Key))
                .Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}={kv.Value}")));

        private static double DefaultWeight(Feature f) => f switch
        {
            Feature.TrickyNames => 0.15,
            Feature.OtherPrecisionParams or Feature.DoubleInputs or Feature.OtherPrecisionSpans or Feature.StructCalls => 0.4,
            Feature.UnderivableCalls => 0.3,
            Feature.ResultCalls or Feature.StructResultCalls => 0.5,
            Feature.Arrays => 0.3,
            Feature.WideLocals => 0.4,
            Feature.Rounding or Feature.Sign => 0.4,
            Feature.ReturnInLoop => 0.5,
            Feature.NestedCalls => 0.6,
            _ => 1,
        };
    }
}
