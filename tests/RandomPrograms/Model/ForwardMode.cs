using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace SymGrad.RandomPrograms.Model
{
    /// <summary>
    /// Which methods have the generated methods beyond <c>MBackward</c>/<c>MGradient</c> (README, "The generated methods"):
    /// <c>MTangent</c>, <c>MJacobian</c>, <c>MHessianVector</c> and <c>MHessian</c>, and which can be called from another
    /// differentiable method through <c>FTangent</c>/<c>FGradient</c>/<c>FBackward</c> (nested differentiation). The drivers
    /// call them where these say so, and a driver calling one the generator did not make does not compile (reported as
    /// silently skipped): these must never say yes where the generator says no. Where they say no and the generator made
    /// one all the same (calls in code the generator drops as dead, or constant), the driver is printed again with it and it is
    /// checked too (<see cref="Compile.Compiled.Beyond"/>).
    /// </summary>
    public static class ForwardMode
    {
        /// <summary>
        /// <c>MTangent</c> (forward mode; a struct result's tangent is the struct it returns): every call must have a forward mode — a method of the
        /// program with its own <c>MTangent</c> (static; a generic one's, <c>HTangent</c> of T's type), an <c>Nn</c> primitive
        /// (each has a <c>[TangentOf]</c> tangent), <c>Smooth.Softplus</c> (a registered backward of a scalar without a
        /// registered tangent: its tangent is read off the backward); a generated <c>FTangent</c>/<c>FGradient</c>/<c>FBackward</c> (nested) is differentiated through
        /// <c>FTangentTangent</c>. <c>out</c> results (an <c>out T tr</c> each) and a layer's differentiable fields (their
        /// tangents after the parameters') are taken.
        /// </summary>
        public static bool HasTangent(ProgramModel program, Method m) => HasTangent(program, m, new HashSet<string>());

        private static bool HasTangent(ProgramModel program, Method m, HashSet<string> seen)
            => seen.Add(m.Name) && Measure.All(m.Body).All(n => n switch
            {
                CallExpr { IsNn: true } or CallStmt { IsNn: true } => true,
                CallExpr { IsNested: true } c => Nestable(program, Callee(program, c.Callee)),
                CallStmt { IsNested: true, Suffix: "Backward" } c when Writes(program, c.Callee) => BackwardCallable(program, Callee(program, c.Callee)),
                CallStmt { IsNested: true } c => Writes(program, c.Callee) ? TangentTangent(program, Callee(program, c.Callee)) : Nestable(program, Callee(program, c.Callee)),
                CallExpr c => Callee(program, c.Callee) is { } f && !f.Instance && HasTangent(program, f, new HashSet<string>(seen)),
                CallStmt c => Callee(program, c.Callee) is { } f && !f.Instance && HasTangent(program, f, new HashSet<string>(seen)),
                _ => true,
            });

        /// <summary>
        /// <c>MJacobian</c>: generated for inputs and results of one real type, and as a double matrix where they mix float
        /// and double (a differentiable other-precision scalar, <see cref="Param.Other"/>); a struct parameter's fields are columns of their own, so are each field of
        /// each element of a span of structs, an out result or a struct result's field a row of its own; a layer's fields the method reads columns after the
        /// parameters') — with at least one differentiable input and one result (a returned real or struct, an out result, a <c>Span</c> output). Calls are allowed: without an <c>MTangent</c> it
        /// runs backward passes only.
        /// </summary>
        public static bool HasJacobian(Method m)
            => Inputs(m).Any() && (m.ReturnsReal || m.Params.Any(p => p.Kind is ParamKind.RealSpanOut or ParamKind.RealOut));

        /// <summary>
        /// <c>MHessianVector</c>: a real result — no <c>out</c> or struct result, outputs only as <see cref="IntermediateOutputs"/>, one real type —
        /// with at least one differentiable input (a struct parameter's or a span of structs' direction and product are of its
        /// type; a layer's fields the method reads take theirs after the parameters'). Calls only of methods of the program it can differentiate twice through (<see cref="Nestable"/>, as a
        /// value: F's backward's tangent is FBackward and FTangentBackward), of the <c>Nn</c> losses and layers (the layers write
        /// outputs: intermediates), of methods of the program writing outputs whose backward's tangent SymGrad writes
        /// (<see cref="SecondOrder"/>) and of library functions whose backward has a registered tangent (their second order:
        /// <see cref="MathNames.SecondOrder"/>); nested calls (FTangent, FGradient, FBackward) only of an F with a third order (<see cref="ThirdOrder"/>).
        /// </summary>
        public static bool HasHessianVector(ProgramModel program, Method m) => HasHessianVector(program, m, new HashSet<string>());

        private static bool HasHessianVector(ProgramModel program, Method m, HashSet<string> seen)
            => m.ReturnsReal && !m.ReturnsStruct && seen.Add(m.Name) && Inputs(m).Any()
               && !m.Params.Any(p => p.Kind is ParamKind.RealOut)
               && (!m.Params.Any(p => p.Kind is ParamKind.RealSpanOut) && !Measure.Buffers(m).Any() || IntermediateOutputs(program, m))
               && Measure.All(m.Body).All(n => n switch
               {
                   MathCall c => !MathNames.Library.Contains(c.Function) || MathNames.SecondOrder.Contains(c.Function),
                   CallStmt { IsNested: true, Suffix: "Backward" } c when Writes(program, c.Callee) => TangentTwice(program, Callee(program, c.Callee)), // HTangentBackwardTangent
                   CallStmt { IsNested: true } c => Writes(program, c.Callee) ? TangentTwice(program, Callee(program, c.Callee)) : ThirdOrder(program, Callee(program, c.Callee)),
                   CallStmt { IsNn: true } => true, // the layers (Dense, the activations, MeanSubtract): each backward has a registered tangent
                   CallStmt c when c.Args.Any(a => a is OutArg) => Callee(program, c.Callee) is { } f && TwiceDifferentiable(program, Scalar(f), seen),
                   CallStmt c => Callee(program, c.Callee) is { } f && SecondOrder(program, f, seen),
                   CallExpr { IsNn: true } => true, // the losses (SumOfSquares, MseLoss, SoftmaxCrossEntropy): each has a second order
                   CallExpr { IsNested: true } c => ThirdOrder(program, Callee(program, c.Callee)),
                   CallExpr c => Callee(program, c.Callee) is { } f && (TwiceDifferentiable(program, Scalar(f), seen) || SecondOrder(program, f, seen) || FlatTwice(program, Scalar(f), seen)),
                   _ => true,
               });

        /// <summary>
        /// Whether SymGrad writes <c>HBackwardTangent</c> for H, a method of the program writing <c>Span</c> outputs, so that a
        /// caller's <c>MHessianVector</c> may call it: H static (generic or not: written per real type), without struct parameters, fields
        /// or out results (arrays as inputs or outputs are spans to it), with <c>MTangent</c> and a differentiable input, and calling only what a Hessian-vector
        /// product differentiates through (as <see cref="HasHessianVector"/>'s body).
        /// </summary>
        private static bool SecondOrder(ProgramModel program, Method f, HashSet<string> seen)
            => !f.Instance && !f.ReturnsStruct && seen.Add(f.Name)
               && f.Params.Any(p => p.Kind is ParamKind.RealSpanOut) && Inputs(f).Any()
               && !f.Params.Any(p => p.Struct is not null || p.Field || p.Kind is ParamKind.RealOut)
               && HasTangent(program, f)
               && Measure.All(f.Body).All(n => n switch
               {
                   MathCall c => !MathNames.Library.Contains(c.Function) || MathNames.SecondOrder.Contains(c.Function),
                   CallStmt { IsNested: true, Suffix: "Backward" } c when Writes(program, c.Callee) => false,
                   CallStmt { IsNested: true } c => Writes(program, c.Callee) ? TangentTwice(program, Callee(program, c.Callee)) : ThirdOrder(program, Callee(program, c.Callee)),
                   CallStmt { IsNn: true } or CallExpr { IsNn: true } => true,
                   CallStmt c when c.Args.Any(a => a is OutArg) => Callee(program, c.Callee) is { } g && TwiceDifferentiable(program, Scalar(g), new HashSet<string>(seen)),
                   CallStmt c => Callee(program, c.Callee) is { } g && SecondOrder(program, g, new HashSet<string>(seen)),
                   CallExpr { IsNested: true } c => ThirdOrder(program, Callee(program, c.Callee)),
                   CallExpr c => Callee(program, c.Callee) is { } g && (TwiceDifferentiable(program, Scalar(g), new HashSet<string>(seen)) || SecondOrder(program, g, new HashSet<string>(seen))),
                   _ => true,
               });

        /// <summary>
        /// <c>Span</c> outputs (or local buffers, its twin's outputs) in a method with <c>MHessianVector</c>: intermediates of the returned value (H is its Hessian,
        /// their cotangents zero), written first with their tangents by the method's <c>MTangent</c> — so it needs one (a
        /// struct's, a span of structs' and a layer's fields' directions are their tangents).
        /// </summary>
        private static bool IntermediateOutputs(ProgramModel program, Method m) => HasTangent(program, m);

        /// <summary>
        /// <c>MHessian</c>: where <c>MHessianVector</c> is (a struct parameter's fields are columns of their own, so are each
        /// field of each element of a span of structs: V3's fields are all of the method's type).
        /// </summary>
        public static bool HasHessian(ProgramModel program, Method m) => HasHessianVector(program, m);

        /// <summary>
        /// Whether SymGrad writes <c>FHessianVectorTangent</c> and <c>FTangentTangentBackward</c> for F, so that a caller of
        /// FTangent (or FGradient/FBackward) has <c>MHessianVector</c>: F nestable, calling only methods of the program with a
        /// third order of their own (theirs are written too); no <c>Nn</c> loss, library function or nested call (the tangent
        /// of a registered second order, or a fourth derivative, is not written).
        /// </summary>
        public static bool ThirdOrder(ProgramModel program, Method? f) => ThirdOrder(program, f, new HashSet<string>());

        private static bool ThirdOrder(ProgramModel program, Method? f, HashSet<string> seen) => Nestable(program, f) && ThirdOrderBody(program, f!, seen);

        /// <summary>
        /// F's third-order methods are written, F called nested or called by such an F (then generic or not: per real type) —
        /// not through local buffers yet.
        /// </summary>
        private static bool ThirdOrderBody(ProgramModel program, Method f, HashSet<string> seen) => seen.Add(f.Name) && !Measure.Buffers(f).Any()
            && Measure.All(f.Body).All(n => n switch
            {
                CallStmt c when c.Args.Any(a => a is OutArg) => Callee(program, c.Callee) is { } g && TwiceDifferentiable(program, Scalar(g), new HashSet<string>()) && ThirdOrderBody(program, g, new HashSet<string>(seen)),
                CallStmt or CallExpr { IsNn: true } or CallExpr { IsNested: true } => false,
                CallExpr c => Callee(program, c.Callee) is { } g && TwiceDifferentiable(program, Scalar(g), new HashSet<string>()) && ThirdOrderBody(program, g, new HashSet<string>(seen)),
                MathCall c => !MathNames.Library.Contains(c.Function),
                _ => true,
            });

        /// <summary>
        /// Whether a caller may call FTangent (or FGradient/FBackward) and be differentiated again: F twice differentiable and
        /// not generic (the call names F's generated method, which the caller's parse cannot see); local buffers of F's are lent
        /// by its generated methods.
        /// </summary>
        public static bool Nestable(ProgramModel program, Method? f) => f is not null && TwiceDifferentiable(program, f, new HashSet<string>());

        /// <summary>
        /// Whether a caller may call HTangent of H, a method writing <c>Span</c> outputs, and be differentiated again in
        /// reverse and forward mode (README, "Nested differentiation"): SymGrad reads HTangent as a method of its own and
        /// writes its <c>HTangentBackward</c> and <c>HTangentTangent</c> — H static, not generic, with <c>MTangent</c>, of
        /// double or float inputs and outputs of the method's own type (no struct, field, out result, array or
        /// other-precision span; checkpointed loops are checkpointed in HTangent's own backward too; local buffers are lent by HTangent's own methods, with their tangents),
        /// calling only scalar methods of the program it can differentiate twice through (<see cref="Nestable"/>, not
        /// generic: its forward mode calls their FTangent, differentiated through their nested methods) and methods writing
        /// outputs that are such an H in turn (their HTangent read as a method too) and <c>Nn</c> primitives (each tangent of
        /// theirs has a registered backward of its own) — no library function or nested call, whose forward modes are not
        /// differentiated again.
        /// </summary>
        public static bool TangentCallable(ProgramModel program, Method? h) => Shaped(program, h)
            && Measure.All(h!.Body).All(n => n switch
            {
                CallExpr { IsNn: true } or CallStmt { IsNn: true } => true,
                CallExpr { IsNested: false } c => Callee(program, c.Callee) is { IsGeneric: false } g && !g.Instance && Nestable(program, g),
                CallStmt { IsNested: false } c when !c.Args.Any(a => a is OutArg) => TangentCallable(program, Callee(program, c.Callee)),
                CallExpr or CallStmt => false,
                // A library function's tangent read off its backward: read as a method, a call of a partial SymGrad writes,
                // differentiated through the backward's registered tangent (not LogCosh's: it has none).
                MathCall c => !MathNames.Library.Contains(c.Function) || MathNames.SecondOrder.Contains(c.Function),
                _ => true,
            });

        /// <summary>
        /// <see cref="TangentCallable"/>, and <c>HTangentTangent</c> written too, so that the caller has <c>MTangent</c>: every
        /// <c>Nn</c> primitive's tangent has a registered tangent of its own; the methods writing outputs H calls have theirs in turn.
        /// </summary>
        private static bool TangentTangent(ProgramModel program, Method? h) => TangentCallable(program, h)
            && Measure.All(h!.Body).All(n => n switch
            {
                CallStmt { IsNn: true } => true,
                CallStmt { IsNested: false } c => TangentTangent(program, Callee(program, c.Callee)),
                _ => true,
            });

        /// <summary>
        /// Whether a caller may call HBackward of H, a method writing <c>Span</c> outputs, right after H's own call, and be
        /// differentiated again in reverse and forward mode (README, "Nested differentiation": each input's gradient read as
        /// <c>HBackwardOfX</c>, over HTangent and HBackwardTangent): H <see cref="Shaped"/>, writing outputs (each written before it is read) and maybe returning a value (the call passes its seed), with
        /// <c>HBackwardTangent</c> (<see cref="SecondOrder"/>) — H may call <c>Nn</c> primitives and library functions. The caller's
        /// <c>MHessianVector</c> goes through <c>HBackwardOfXBackwardTangent</c>, over HTangentTangent and HTangentBackwardTangent
        /// (<see cref="TangentTwice"/>: H's HTangent read as a method, so calling neither).
        /// </summary>
        public static bool BackwardCallable(ProgramModel program, Method? h) => Shaped(program, h) && SecondOrder(program, h!, new HashSet<string>());

        /// <summary>
        /// The shape of an H whose nested methods SymGrad writes (<see cref="TangentCallable"/> without what its body calls): static,
        /// not generic, writing outputs, of double or float inputs and outputs of the method's own type, with <c>MTangent</c>.
        /// Its nested HBackward needs no more (<see cref="BackwardCallable"/>: HTangent and HBackwardTangent are all its
        /// methods call, whatever H calls — an <c>Nn</c> primitive, a library function); its HTangent's own derivatives do.
        /// </summary>
        private static bool Shaped(ProgramModel program, Method? h) => h is not null && !h.Instance && !h.IsGeneric && !h.Held
            && !h.ReturnsStruct && !h.TupleResult
            && h.Params.Any(p => p.Kind == ParamKind.RealSpanOut) && Inputs(h).Any()
            && !h.Params.Any(p => p.Struct is not null || p.Field || p.AsArray || p.Other || p.Wide || p.Kind == ParamKind.RealOut)
            && HasTangent(program, h);

        /// <summary>
        /// <see cref="TangentCallable"/>, and <c>HTangentBackwardTangent</c> written too, so that the caller has
        /// <c>MHessianVector</c>: the scalar methods H calls have a third order (<see cref="ThirdOrder"/>), the methods writing
        /// outputs it calls their HTangentBackwardTangent in turn, the <c>Nn</c> primitives theirs registered (every one); no
        /// library function (the partials SymGrad writes for one read off its backward have no third derivative).
        /// </summary>
        private static bool TangentTwice(ProgramModel program, Method? h) => TangentCallable(program, h)
            && Measure.All(h!.Body).All(n => n switch
            {
                CallStmt { IsNn: true } => true, // the primitives' third order (Nn.NestedTangents.ThirdOrder.cs, .BatchNorm.cs)
                CallExpr { IsNn: true } => true,
                CallExpr c => ThirdOrder(program, Callee(program, c.Callee)),
                CallStmt c => TangentTwice(program, Callee(program, c.Callee)),
                MathCall c => !MathNames.Library.Contains(c.Function), // a partial read off a backward has no derivative of a third order
                _ => true,
            });

        /// <summary>Whether the method of the program named <paramref name="name"/> writes <c>Span</c> outputs.</summary>
        private static bool Writes(ProgramModel program, string name) => Callee(program, name) is { } f && f.Params.Any(p => p.Kind == ParamKind.RealSpanOut);

        /// <summary>
        /// Whether SymGrad writes <c>FTangentBackward</c>/<c>FTangentTangent</c> for F, so that a caller's <c>MHessianVector</c>
        /// may call F: F static (generic or not: written per real type), without struct parameters, fields or outputs, with
        /// <c>MTangent</c> and <c>MHessianVector</c>.
        /// </summary>
        private static bool TwiceDifferentiable(ProgramModel program, Method f, HashSet<string> seen)
            => !f.Instance && !f.Params.Any(p => p.Struct is not null || p.Field || p.Kind is ParamKind.RealSpanOut)
               && HasTangent(program, f) && HasHessianVector(program, f, new HashSet<string>(seen));

        /// <summary>
        /// Whether a caller's <c>MHessianVector</c> may call F, a method taking a struct parameter, through its flat twin: F
        /// static, returning a real, writing no outputs, with <c>MTangent</c> and <c>MHessianVector</c> (the twin's
        /// TangentBackward is written over F's own; it has no third order, so F is no nested F's callee: <see cref="ThirdOrderBody"/>).
        /// </summary>
        private static bool FlatTwice(ProgramModel program, Method f, HashSet<string> seen)
            => !f.Instance && f.ReturnsReal && !f.ReturnsStruct && f.Params.Any(p => p.Struct is not null && !p.InStructSpan)
               && !f.Params.Any(p => p.Field || p.InStructSpan || p.Kind is ParamKind.RealSpanOut or ParamKind.RealOut)
               && HasTangent(program, f) && HasHessianVector(program, f, new HashSet<string>(seen));

        /// <summary>
        /// The inputs the Jacobian's columns and the Hessian's rows and columns stand for: the differentiable scalars and
        /// spans of the signature in parameter order, then the layer's differentiable fields the method reads, in field order.
        /// </summary>
        public static IEnumerable<Param> Inputs(Method m) => m.Params.Where(p => p.IsDifferentiable && !p.Field).Concat(m.GradientFields);

        /// <summary>
        /// A called method with an out result or a struct result as its callers reach it: each result read is a scalar method of
        /// its own (F with that result kept), whose modes are those of F without the other results.
        /// </summary>
        private static Method Scalar(Method f) => f.HasOutResult || f.ReturnsStruct
            ? f with { Params = f.Params.Where(p => p.Kind != ParamKind.RealOut).ToImmutableArray(), ReturnsReal = true, ReturnsStruct = false }
            : f;

        /// <summary>
        /// A called method as its callers reach it: a layer's own method (an instance helper) through its twin with the fields
        /// as parameters (SymGrad's <c>HWithFields</c>), a static function of them.
        /// </summary>
        private static Method? Callee(ProgramModel program, string name) => program.Methods.FirstOrDefault(x => x.Name == name) is { } f && f.Instance && f != program.Entry
            ? f with { Instance = false, Params = f.Params.Select(p => p with { Field = false, This = false }).ToImmutableArray() }
            : program.Methods.FirstOrDefault(x => x.Name == name);
    }
}
