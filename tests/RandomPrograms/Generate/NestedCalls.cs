using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using SymGrad.RandomPrograms.Model;

namespace SymGrad.RandomPrograms.Generate
{
    /// <summary>
    /// Nested differentiation (README, "Nested differentiation"): a method may call the generated <c>FTangent(x…, ẋ…)</c>
    /// of another method F of the program, in any real expression, and <c>FGradient(x…, ref gx…)</c> /
    /// <c>FBackward(x…, seed, ref gx…)</c> as a statement or a local's whole value, the gradients accumulating into real
    /// locals — often as a gradient step, <c>double g = 0; NGradient(s, …, ref g); s -= 0.1 * g;</c>, in loops and
    /// branches as anything else. F qualifies when SymGrad can differentiate its tangent again (<see cref="ForwardMode.Nestable"/>:
    /// static, not generic, <c>MTangent</c> and <c>MHessianVector</c>) and its parameters are scalars (real, sizes,
    /// flags: a gradient of a span is refused, SG0019). For that the program gets such a helper, <c>N0</c>: built like
    /// the others from the features <see cref="Restrict"/> leaves. The callers are then differentiated through F's
    /// <c>FTangentBackward</c> and <c>FTangentTangent</c>: P1 and the mode properties check the outer derivatives.
    /// PyTorch checks them too: a nested call translates to F's partial derivatives by <c>torch.autograd.grad(…,
    /// create_graph=True)</c> (<see cref="Print.PythonPrinter.Translates"/>), and the PyTorch sample takes a program's method
    /// with nested calls before its others.
    /// </summary>
    public static class NestedCalls
    {
        /// <summary>The name of the helper whose generated methods the others call.</summary>
        public const string Helper = "N0";

        /// <summary>
        /// What the helper is built from: a real result of scalars, nothing it cannot be differentiated twice through — and,
        /// when <paramref name="calls"/>, calls of the helpers before it (its own callee, built from the same restriction).
        /// </summary>
        public static FeatureSet Restrict(FeatureSet f, bool calls = false, bool spans = false)
        {
            var weights = f.Weights.ToDictionary(kv => kv.Key, kv => kv.Value);
            foreach (var off in new[]
            {
                Feature.SpanInputs, Feature.SpanOutputs, Feature.NnPrimitives, Feature.RegisteredLibrary, Feature.UserCalls,
                Feature.SpanWritingCalls, Feature.NestedCalls, Feature.Structs,
            }.Where(off => !(calls && off == Feature.UserCalls) && !(spans && off == Feature.SpanInputs)))
            {
                weights[off] = 0;
            }

            // Real span inputs, when asked for (NestedSpans), and no int spans: a nested call binds only real spans.
            if (spans)
            {
                weights[Feature.IntSpans] = 0;
            }

            return new FeatureSet(weights);
        }

        /// <summary>The callees a method may call FTangent, FGradient and FBackward of (a span input's gradient passed default: not needed).</summary>
        public static List<Method> Targets(IReadOnlyList<Method> callees)
        {
            var program = new ProgramModel(callees.ToImmutableArray());
            return callees.Where(c => c.Params.All(p => p.Kind is ParamKind.RealScalar or ParamKind.Size or ParamKind.Bool or ParamKind.RealSpanIn) && ForwardMode.Nestable(program, c)).ToList();
        }

        /// <summary>
        /// The program with each FTangent that is an argument of a call SymGrad cannot type without it
        /// (<c>Math.Log(NTangent(…))</c>, <c>Nn.Sigmoid(NTangent(…))</c>, a generic <c>H(NTangent(…), y)</c> whose T is
        /// inferred, <c>new V3(NTangent(…), …)</c>) or in a switch expression made a plain call of F: the generated method is
        /// not there while SymGrad runs, so what contains it has no type — an enclosing call with overloads or a type argument
        /// to infer does not bind (SG0019, FOUND.md N1), a switch on it is refused and one with it in an arm loses the other
        /// arms' derivatives (N5). Everywhere else — operands, conditions, a local's or a return's value, the arguments of
        /// FGradient, FBackward, of a method of the program that is not generic and of a Math function with one overload
        /// (<c>Math.Tanh</c>) — they stay. The generated methods of a generic F are overloads that SymGrad picks by the
        /// arguments F takes as T: an FTangent among those has no type to pick by either, so in them it is a plain call too.
        /// </summary>
        public static ProgramModel OutOfArguments(ProgramModel program)
        {
            var methods = program.Methods.ToDictionary(m => m.Name);
            return program with { Methods = program.Methods.Select(m => m with { Body = m.Body.Select(s => Rewrite.Statement(s, x => Statement(x, methods))).ToImmutableArray() }).ToImmutableArray() };
        }

        private static Stmt Statement(Stmt s, Dictionary<string, Method> methods) => s switch
        {
            Decl d => d with { Vars = d.Vars.Select(v => v with { Init = Map(methods, v.Init, false) }).ToImmutableArray() },
            StructDecl d => d with { Init = Map(methods, d.Init, false) },
            StructAssign a => a with { Value = Map(methods, a.Value, false) },
            Assign a => a with { Value = Map(methods, a.Value, false) },
            Store st => st with { Index = Map(methods, st.Index, false), Value = Map(methods, st.Value, false) },
            If i => i with { Test = Map(methods, i.Test, false) },
            For f => f with { Start = Map(methods, f.Start, false), Bound = Map(methods, f.Bound, false) },
            While l => l with { Test = Map(methods, l.Test, false) },
            Switch sw => sw with { Subject = Map(methods, sw.Subject, false) },
            Return { Value: { } v } r => r with { Value = Map(methods, v, false) },
            CallStmt c => c with { Args = Args(methods, c.Args, !Plain(methods, c.Callee, c.IsNn)) },
            _ => s,
        };

        private static ImmutableArray<Arg> Args(Dictionary<string, Method> methods, ImmutableArray<Arg> args, bool inCall) => args.Select(a => a switch
        {
            ValueArg v => v with { Value = Map(methods, v.Value, inCall) },
            StructFieldArg f => f with { Value = Map(methods, f.Value, inCall) },
            SpanArg { Start: { } start, Length: { } length } sa => sa with { Start = Map(methods, start, true), Length = Map(methods, length, true) },
            _ => a,
        }).ToImmutableArray();

        private static Expr Map(Dictionary<string, Method> methods, Expr e, bool inCall) => e switch
        {
            CallExpr { Suffix: "Tangent" } c when inCall => new CallExpr(c.Callee, Args(methods, c.Args, true).Take(methods[c.Callee].Params.Length).ToImmutableArray(), false),
            CallExpr c => c with { Args = Args(methods, c.Args, inCall || (c.IsNested && c.Suffix == "Tangent") || !Plain(methods, c.Callee, c.IsNn)) },
            ElemRead r => r with { Index = Map(methods, r.Index, inCall) },
            Unary u => u with { Operand = Map(methods, u.Operand, inCall) },
            Binary b => b with { Left = Map(methods, b.Left, inCall), Right = Map(methods, b.Right, inCall) },
            Conditional c => c with { Test = Map(methods, c.Test, inCall), WhenTrue = Map(methods, c.WhenTrue, inCall), WhenFalse = Map(methods, c.WhenFalse, inCall) },
            SwitchExpr x => x with
            {
                Subject = Map(methods, x.Subject, true),
                Arms = x.Arms.Select(a => a with { Cases = a.Cases.Select(k => k with { Value = Map(methods, k.Value, true) }).ToImmutableArray(), Value = Map(methods, a.Value, true) }).ToImmutableArray(),
                Otherwise = Map(methods, x.Otherwise, true),
            },
            LocalCall l => l with { Args = l.Args.Select(a => Map(methods, a, true)).ToImmutableArray() },
            FromEnd f => f with { Offset = Map(methods, f.Offset, inCall) },
            MathCall mc => mc with { Args = mc.Args.Select(a => Map(methods, a, inCall || !OneOverload.Contains(mc.Function))).ToImmutableArray() },
            Cast c => c with { Operand = Map(methods, c.Operand, inCall) },
            StructNew sn => sn with { Fields = sn.Fields.Select(f => f is null ? null : Map(methods, f, inCall || sn.Ctor)).ToImmutableArray() },
            _ => e,
        };

        /// <summary>Math (MathF) functions with one overload: <c>Math.Tanh(NTangent(…))</c> is typed without its argument's type.</summary>
        private static readonly HashSet<string> OneOverload = new() { "Sin", "Cos", "Tan", "Exp", "Tanh", "Sinh", "Cosh", "Sqrt", "Atan", "Asin", "Acos", "Cbrt" };

        /// <summary>A call of a method of the program that is not generic: one candidate, typed without its arguments' types.</summary>
        private static bool Plain(Dictionary<string, Method> methods, string callee, bool isNn) => !isNn && methods.TryGetValue(callee, out Method? m) && !m.IsGeneric;

        /// <summary>Whether a method calls a generated derivative of another (nested differentiation).</summary>
        public static bool Calls(Method m) => Measure.All(m.Body).Any(n => n is CallExpr { IsNested: true } or CallStmt { IsNested: true });

        /// <summary>The kinds of nested calls in a method: Tangent, Gradient, Backward.</summary>
        public static IEnumerable<string> Kinds(Method m) => Measure.All(m.Body)
            .Select(n => n switch { CallExpr { IsNested: true } c => c.Suffix, CallStmt { IsNested: true } c => c.Suffix, _ => null })
            .OfType<string>().Distinct();
    }
}
