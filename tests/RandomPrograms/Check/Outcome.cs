using System.Collections.Generic;
using System.Linq;

namespace SymGrad.RandomPrograms.Check
{
    /// <summary>How a program ended. Everything but <see cref="Passed"/> and the two skips is a failure.</summary>
    public enum OutcomeKind
    {
        Passed,

        /// <summary>Every input draw hit a kink (central differences at h and h/4 disagree): not a pass, not a failure.</summary>
        SkippedKink,

        /// <summary>Every input draw gave a value that is not finite or exceeds 1e8: not a pass, not a failure.</summary>
        SkippedBadDraw,

        /// <summary>The generator reported a diagnostic (any SG id, SG9999 included) on a program inside the subset.</summary>
        Refused,

        /// <summary>The generator threw.</summary>
        GeneratorThrew,

        /// <summary>The generated code (or the driver's call of it) does not compile.</summary>
        DoesNotCompile,

        /// <summary>A warning located in a generated tree (the code would not build with warnings as errors).</summary>
        Warnings,

        /// <summary>No diagnostic, but a generated method is missing.</summary>
        SilentlySkipped,

        /// <summary>A generated method threw (or the forward threw where the backward did not).</summary>
        RuntimeException,

        /// <summary>A property failed on the numbers.</summary>
        WrongValue,

        /// <summary>The tester's own program did not compile: a bug of the tester, reported apart.</summary>
        TesterBug,
    }

    /// <summary>The named properties (the brief's checks 1–8).</summary>
    public static class Properties
    {
        public const string CentralDifferences = "P1 gradient = central differences";
        public const string Accumulates = "P2 gradients accumulate (+=)";
        public const string EmptyCotangent = "P3 empty cotangent = zeros";
        public const string GradientMethod = "P4 MGradient = forward + MBackward(dResult = 1)";
        public const string WorkspaceBalanced = "P5 workspace balanced";
        public const string FloatTwin = "P6 float twin = double twin";
        public const string CompilesCleanly = "P7 compiles cleanly, no diagnostic";
        public const string PrimalsUntouched = "P8 MBackward writes no primal";
        public const string TorchAgrees = "P9 gradient = PyTorch autograd";
        public const string LayerGradients = "P10 layer objects: ZeroGradients() sizes and clears the d-fields, the backward allocates them";
        public const string GradientChoice = "P11 a gradient passed empty (default) changes no other gradient";
        public const string StructGradients = "P12 a struct parameter's gradient: a field the method does not read keeps its value";
        public const string Tangent = "P13 MTangent (forward mode) = MBackward: <dy, J·dx> = <J'·dy, dx>, outputs as the forward";
        public const string Jacobian = "P14 MJacobian = MBackward's rows = MTangent's columns, dy'·J = central differences, outputs as the forward";
        public const string HessianVector = "P15 MHessianVector = central differences of MGradient along v, <u, H·v> = <v, H·u>, accumulates (+=)";
        public const string Hessian = "P16 MHessian = MHessianVector's columns, symmetric";
        public const string TorchModes = "P17 MTangent, MHessianVector, MJacobian = PyTorch's jvp, hvp, jacobian";
    }

    /// <summary>One failure: its kind, the property, a class key (kind + ids or property) for grouping, and details.</summary>
    public sealed record Failure(OutcomeKind Kind, string Property, string Key, string Details, string? Method = null);

    /// <summary>The result of one program.</summary>
    public sealed class ProgramResult
    {
        public ProgramResult(int id, string seed)
        {
            Id = id;
            Seed = seed;
        }

        public int Id { get; }

        public string Seed { get; }

        public List<Failure> Failures { get; } = new();

        /// <summary>
        /// SymGrad refused the program with SG0007 at a call without a derivative of what may vary (<c>Smooth.Bump(x * y)</c>,
        /// <see cref="Generate.Feature.UnderivableCalls"/>): the answer wanted, not a failure; nothing else is checked.
        /// </summary>
        public bool RefusedAsExpected { get; set; }

        public int BadDraws { get; set; }

        public int KinkRedraws { get; set; }

        /// <summary>Draws where the float twin's forward value differed from the double twin's (a branch landing differently), so P6 compared no gradients.</summary>
        public int FloatValueMismatches { get; set; }

        /// <summary>
        /// Float twins whose MTangent (or MJacobian entry) was not finite where the double twin's, at the same inputs, was
        /// finite and agreed with the float twin's other mode: float's range overflowed in forward mode only (not compared).
        /// </summary>
        public int FloatForwardPastRange { get; set; }

        /// <summary>
        /// Methods whose gradient was NaN or ±∞ where central differences were finite, and PyTorch autograd gave the same
        /// non-finite values on the same inputs: an intermediate overflowed (see <see cref="Checker.NotFinite"/>). The
        /// failure is withdrawn and the program counts as a bad draw.
        /// </summary>
        public int OverflowsAgreed { get; set; }

        /// <summary>
        /// Float twins that disagreed with the double twin where PyTorch in float32 strays from double as well (an overflow
        /// or amplified rounding in float): withdrawn, the program counts as a bad draw.
        /// </summary>
        public int FloatStrayAgreed { get; set; }

        /// <summary>
        /// Methods whose finite gradient (or H·v) differed from central differences (of MGradient) where PyTorch autograd
        /// gives ours on the same inputs: central differences were off (a cancellation inside the program, x − s + s with s ≈ 10²⁸, that the loss's
        /// scale does not show). Withdrawn; the seeds are listed in the summary for review.
        /// </summary>
        public int CancellationsAgreed { get; set; }

        /// <summary>Methods whose MTangent was checked against MBackward (<see cref="Properties.Tangent"/>), in the double twin and in the float twin.</summary>
        public int TangentChecked { get; set; }

        public int TangentFloatChecked { get; set; }

        /// <summary>
        /// The newer constructs the derivative modes were checked on (double twin), by what: MTangent of a method with calls,
        /// an <c>out</c> result, a layer's fields, nested calls; MHessianVector of one with calls or a struct parameter; the
        /// methods whose P1 ran with a nested call, by kind (FTangent, FGradient, FBackward).
        /// </summary>
        public SortedDictionary<string, int> ConstructsChecked { get; } = new(System.StringComparer.Ordinal);

        public void Count(string what) => ConstructsChecked[what] = ConstructsChecked.GetValueOrDefault(what) + 1;

        /// <summary>Methods with no MTangent (<see cref="Model.ForwardMode.HasTangent"/>): calls without a forward mode.</summary>
        public int TangentSkipped { get; set; }

        /// <summary>Of those, methods whose MTangent was generated all the same (<see cref="Model.ForwardMode"/> is out of date).</summary>
        public int TangentSkippedGenerated { get; set; }

        /// <summary>
        /// Methods whose MJacobian was checked (<see cref="Properties.Jacobian"/>) in the double twin, by the strategy the call's
        /// sizes choose: one MTangent per column (an MTangent and no more columns than rows) or one MBackward per row.
        /// </summary>
        public int JacobianForwardChecked { get; set; }

        public int JacobianBackwardChecked { get; set; }

        public int JacobianFloatChecked { get; set; }

        /// <summary>Methods with no MJacobian whose MJacobian was generated all the same (<see cref="Model.ForwardMode.HasJacobian"/> is out of date).</summary>
        public int JacobianSkippedGenerated { get; set; }

        /// <summary>Methods whose MHessianVector was checked (<see cref="Properties.HessianVector"/>), double and float twins.</summary>
        public int HessianVectorChecked { get; set; }

        public int HessianVectorFloatChecked { get; set; }

        /// <summary>
        /// Of the double twin's, those whose central differences of MGradient along v were not compared: the gradient has a kink
        /// there (its slopes at h, h/4, h/π differ, as P1 tells a kink of the value), or a bad value nearby. Symmetry and
        /// accumulation were checked all the same.
        /// </summary>
        public int HessianVectorKinks { get; set; }

        /// <summary>Methods with no MHessianVector whose MHessianVector was generated all the same.</summary>
        public int HessianVectorSkippedGenerated { get; set; }

        /// <summary>Methods whose MHessian was checked (<see cref="Properties.Hessian"/>), double and float twins.</summary>
        public int HessianChecked { get; set; }

        public int HessianFloatChecked { get; set; }

        public bool SkippedKink { get; set; }

        public bool SkippedBadDraw { get; set; }

        /// <summary>Generated sources by hint name (kept for failure reports).</summary>
        public IReadOnlyDictionary<string, string> Generated { get; set; } = new Dictionary<string, string>();

        public OutcomeKind Kind =>
            Failures.Count > 0 ? Failures.OrderBy(f => Rank(f.Kind)).First().Kind
            : SkippedKink ? OutcomeKind.SkippedKink
            : SkippedBadDraw ? OutcomeKind.SkippedBadDraw
            : OutcomeKind.Passed;

        public bool Failed => Failures.Count > 0;

        /// <summary>The primary failure's order: what stops a program first is reported first.</summary>
        private static int Rank(OutcomeKind k) => k switch
        {
            OutcomeKind.TesterBug => 0,
            OutcomeKind.GeneratorThrew => 1,
            OutcomeKind.Refused => 2,
            OutcomeKind.SilentlySkipped => 3,
            OutcomeKind.DoesNotCompile => 4,
            OutcomeKind.RuntimeException => 5,
            OutcomeKind.WrongValue => 6,
            OutcomeKind.Warnings => 7,
            _ => 8,
        };
    }
}
