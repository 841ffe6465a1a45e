using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using CsCheck;
using SymGrad.RandomPrograms.Compile;
using SymGrad.RandomPrograms.Model;

namespace SymGrad.RandomPrograms.Check
{
    /// <summary>What the PyTorch oracle needs of one checked method: its arguments, cotangents and MBackward's gradients.</summary>
    /// <param name="Arbitrate">
    /// The gradient differed from central differences (not finite where they are, or off them), or MHessianVector from
    /// central differences of MGradient: PyTorch decides whether the program (an overflow, a cancellation central
    /// differences cannot see past) or the derivation is at fault (see <see cref="Checker.NotFinite"/>). PyTorch's gradient
    /// (and its jvp, hvp and jacobian, where asked) must equal ours to withdraw the failure.
    /// </param>
    /// <param name="FloatDr">
    /// Set for a float twin that disagreed with the double twin (<see cref="Properties.FloatTwin"/>): the float twin's
    /// gradients, while <paramref name="Dr"/>/<paramref name="Ds"/> are the double twin's at the same (float-rounded)
    /// inputs. PyTorch then runs in float32: if it strays from double as far, the program is ill-conditioned in float.
    /// </param>
    /// <param name="Direction">
    /// For PyTorch's jvp (where P13 ran): P13's direction ẋ by coordinate, and MTangent's <paramref name="RDot"/> (ṙ) and
    /// <paramref name="YDot"/> (ẏ, by output) along it.
    /// </param>
    /// <param name="V">For PyTorch's hvp (where P15 ran): the direction by coordinate and MHessianVector's products <paramref name="Hv"/>.</param>
    /// <param name="Jacobian">For PyTorch's jacobian (where P14 ran): MJacobian, <paramref name="Rows"/> × coordinates.</param>
    /// <param name="FloatHv">
    /// Set for a float twin whose MHessianVector disagreed with the double twin's (<c>HessianVectorFloat</c>): the float
    /// twin's products by coordinate, while <paramref name="Hv"/> is the double twin's along <paramref name="V"/> at the same
    /// (float-rounded) inputs. PyTorch's hvp then runs in float32: if it strays from double as far, H·v is ill-conditioned in
    /// float there (a σ(1 − σ) at a saturated sigmoid, a cancellation near atan2's singular point).
    /// </param>
    public sealed record TorchCase(int ProgramId, ProgramModel Program, Method Method, Inputs Inputs, double DResult, double[]?[] Dy, double[] Dr, double[][] Ds,
        bool Arbitrate = false, double[]? FloatDr = null, double[][]? FloatDs = null, double[]? Direction = null, double RDot = 0, double[][]? YDot = null,
        double[]? V = null, double[]? Hv = null, double[]? Jacobian = null, int Rows = 0, double[]? FloatHv = null)
    {
        /// <summary>A float twin's gradients to arbitrate.</summary>
        public bool IsFloat => FloatDr is not null;

        /// <summary>A float twin's Hessian-vector product to arbitrate.</summary>
        public bool IsFloatHessianVector => FloatHv is not null;

        /// <summary>The failure key this case arbitrates, when <see cref="Arbitrate"/>.</summary>
        public bool Arbitrates(string key) => IsFloatHessianVector ? key == "HessianVectorFloat"
            : IsFloat ? key == "FloatTwin"
            : key is Checker.NotFinite or "Gradient" or Checker.HessianVectorOffDifferences;
    }

    /// <summary>
    /// Runs the properties on a compiled program, every method of it, each on inputs drawn from the program's seed.
    /// <para>Tolerances (the constants below say where they come from):</para>
    /// <list type="bullet">
    /// <item>Central differences use h = 1e-6·max(1, |x|): truncation error O(h²·f''') ≈ 1e-12 relative, rounding error
    /// ε·S·κ/h ≈ 2e-10·κ·S where S = 1 + Σ|terms of L| is the size of the numbers cancelling in L and κ ≤ 1e3 the
    /// amplification through a program. So a gradient g passes against fd when |g − fd| ≤ 1e-5·max(|g|, |fd|) + 1e-6·S;
    /// a wrong derivative is off by O(|g|). The same bound tells a kink: fd at h and at h/4 (or at h/π) differ by more.</item>
    /// <item>Exact identities (accumulation, empty cotangents, MGradient against MBackward) only reorder sums: 1e-9 of the
    /// magnitudes involved.</item>
    /// <item>Float twin: float's ε = 6e-8 amplified by κ ≤ 1e3 and summed over L: 2e-3·max(|a|, |b|) + 2e-4·scale.</item>
    /// <item>Forward against reverse mode (P11): both exact up to rounding, summed in other orders: 1e-7 of the sum of the
    /// products' magnitudes on both sides, plus 1e-9·scale; the float twin's as P6's, on the same magnitudes.</item>
    /// <item>MJacobian, MHessianVector and MHessian (P14–P16): the same reasoning, in Checker.Modes.cs.</item>
    /// </list>
    /// </summary>
    public sealed partial class Checker
    {
        public const double StepRelative = 1e-6;
        public const double FdRelative = 1e-5, FdAbsolute = 1e-6;
        public const double ExactRelative = 1e-9;

        /// <summary>
        /// An exact identity's tolerance on a coordinate: a float input's gradient accumulates in float, one rounding per term
        /// added into it — 2 of its ulps were too few where a loop adds a dozen terms into a prefilled float (f3pbJMWMcib1: dq
        /// through Nn.BatchNorm of h[i·k + j] = q, 6 ulps apart); a wrong accumulation (= for +=) is off by the prefill, O(1).
        /// </summary>
        private static double Exact(Coord c) => c.Float ? 1e-6 : ExactRelative;

        /// <summary>
        /// Accumulation's tolerance on a coordinate (prefill + gradient against the gradient added into the prefill): the
        /// exact identity's, and for a float input the float twin's slack — float rounds every running sum, and where a loop
        /// adds terms far larger than what they sum to, the two orders' roundings part by many of the result's ulps
        /// (3VRHRc8V2dm1: dqf[1] of a float span of a double method, three terms added per iteration, 2.01984961 against
        /// 2.01983643 — the backward only adds into dqf, never reads it). The double coordinates stay exact; a wrong
        /// accumulation (= for +=) is off by the prefill, drawn in ±1.
        /// </summary>
        private static double Accumulated(Coord c, double prefill, double a, double b) => Exact(c) * (1 + Math.Abs(prefill) + Math.Abs(a) + Math.Abs(b)) + Slack(c, a, b, 1);

        /// <summary>
        /// What a comparison of a float input's gradient or product with a value computed otherwise (central differences, a
        /// tangent, the other half of a symmetric pair, PyTorch) allows beyond its own tolerance: the float twin's, as that
        /// value is accumulated in float (9kSkCPwBCzN1: H[q, a] and H[a, q] 3.5e-6 apart after a loop).
        /// </summary>
        private static double Slack(Coord c, double a, double b, double scale) => c.Float ? FloatTolerance(a, b, scale) : 0;
        public const double FloatRelative = 2e-3, FloatAbsolute = 2e-4;
        public const double TangentRelative = 1e-7, TangentAbsolute = 1e-9;
        public const double MaxMagnitude = 1e8;
        public const int Draws = 6;

        private readonly Compiled _compiled;
        private readonly ProgramResult _result;
        private readonly PCG _pcg;

        /// <summary>
        /// What the checks of MJacobian, MHessianVector and MHessian draw (directions, prefills): a stream of its own, so a
        /// program seed gives the same inputs and cotangents to the other properties as before those checks were added.
        /// </summary>
        private readonly PCG _modes;

        public Checker(Compiled compiled, ProgramResult result, PCG pcg)
        {
            _compiled = compiled;
            _result = result;
            _pcg = pcg;
            _modes = new PCG(pcg.Stream + 1, pcg.Seed);
        }

        /// <summary>The cases the PyTorch oracle can re-check (one per method that passed its draws).</summary>
        public List<TorchCase> TorchCases { get; } = new();

        private sealed class Stop : Exception
        {
        }

        public void Run()
        {
            var run = _compiled.Run!;
            bool anyChecked = false, anyKink = false, anyBad = false;
            foreach (var m in _compiled.Program.Methods)
            {
                var (d, f) = run.Methods[m.Name];
                foreach (string kind in Generate.NestedCalls.Kinds(m)) _result.Count($"methods with a nested call of F{kind}");
                if (d.Tangent is null)
                {
                    _result.TangentSkipped++;
                    // Calls only in code the generator drops as dead (after a return, under `if (3 < 0)`): 13 methods in 2,000
                    // programs. Many more would mean the generator took forward mode further than Model.ForwardMode knows.
                    if (IsGenerated(m, "Tangent")) _result.TangentSkippedGenerated++;
                }

                // The same for the methods README's conditions leave without MJacobian or MHessianVector (Model.ForwardMode).
                if (d.Jacobian is null && IsGenerated(m, "Jacobian")) _result.JacobianSkippedGenerated++;
                if (d.HessianVector is null && IsGenerated(m, "HessianVector")) _result.HessianVectorSkippedGenerated++;

                // Generated beyond the prediction in both twins (a call the generator found constant or dead): checked all the same.
                foreach (string mode in _compiled.Beyond.Where(b => b.StartsWith(m.Name + ".", StringComparison.Ordinal)).Select(b => b.Substring(m.Name.Length + 1)))
                {
                    _result.Count($"M{mode} checked beyond the prediction (calls found constant or dead)");
                }

                try
                {
                    var status = CheckMethod(m, d, f);
                    anyChecked |= status == 0;
                    anyKink |= status == 1;
                    anyBad |= status == 2;
                }
                catch (Stop)
                {
                    // a failure was recorded; the method's remaining properties are not meaningful
                }
            }

            if (!anyChecked && !_result.Failed)
            {
                if (anyKink) _result.SkippedKink = true;
                else if (anyBad) _result.SkippedBadDraw = true;
            }
        }

        /// <summary>What forward mode took on lately that <paramref name="m"/> has (for the summary).</summary>
        private IEnumerable<string> TangentConstructs(Method m)
        {
            var nodes = Measure.All(m.Body).ToList();
            if (nodes.Any(n => n is CallExpr { IsNested: false, IsNn: false } or CallStmt { IsNested: false, IsNn: false })) yield return "calling a method of the program";
            var generic = _compiled.Program.Methods.Where(f => f.IsGeneric).Select(f => f.Name).ToHashSet();
            if (nodes.Any(n => n is CallExpr { IsNested: false } c && generic.Contains(c.Callee) || n is CallStmt { IsNested: false } s && generic.Contains(s.Callee)))
            {
                yield return "calling a generic method of the program";
            }

            if (nodes.Any(n => n is CallExpr { IsNn: true } or CallStmt { IsNn: true })) yield return "calling an Nn primitive";
            if (nodes.Any(n => n is MathCall c && MathNames.Library.Contains(c.Function))) yield return "calling a registered backward with no registered tangent";
            if (nodes.Any(n => n is MathCall c && MathNames.Underivable.Contains(c.Function))) yield return "calling a function with no derivative of constants (Smooth.Bump)";
            if (Generate.NestedCalls.Calls(m)) yield return "with nested calls";
            if (nodes.Any(n => n is CallStmt { IsNested: true, Suffix: "Backward" } b && Generate.TangentCalls.IsHelper(b.Callee))) yield return "calling HBackward of an H writing outputs (HBackwardOfX…)";
            if (m.Params.Any(p => p.Kind == ParamKind.RealOut && !p.Result)) yield return "with an out result";
            if (m.ReturnsStruct) yield return "with a struct result";
            if (m.Params.Any(p => p.InStructSpan && p.IsDifferentiable)) yield return "with a span of structs";
            if (m.Instance && m.GradientFields.Any()) yield return "reading a layer's differentiable fields";
            if (nodes.Any(n => n is FieldArg)) yield return "calling a method of its layer (its twin HWithFields)";
        }

        private bool IsGenerated(Method m, string what) => _compiled.Generated.Values.Any(t => t.Contains($" {m.Name}{what}(", StringComparison.Ordinal));

        /// <summary>
        /// The class of a P1 failure whose wrong entries are all NaN or ±∞ while central differences are finite. Either the
        /// derivation is wrong (0·NaN from a dead value) or an intermediate overflowed (<c>Pow(Exp(-s), -1)</c> with
        /// s = −10⁴: ∂ = 0·∞ by the chain rule, in any AD tool). The campaign asks PyTorch autograd on the same inputs: where it
        /// gives the same non-finite values the draw is bad, not the derivative (<see cref="ProgramResult.OverflowsAgreed"/>).
        /// </summary>
        public const string NotFinite = "Gradient not finite";

        private void Fail(OutcomeKind kind, string property, string key, string details, Method m)
        {
            if (!_result.Failures.Any(f => f.Key == key && f.Method == m.Name))
            {
                _result.Failures.Add(new Failure(kind, property, key, details, m.Name));
            }
        }

        /// <summary>
        /// A coordinate of a differentiable input: a scalar (index into R) or a span element; <paramref name="Field"/> for a
        /// layer's field, <paramref name="Unread"/> for one the method does not read (no column of MJacobian or MHessian stands
        /// for that, nor a direction of MHessianVector).
        /// </summary>
        private sealed record Coord(string Label, int Scalar, int Span, int Element, int GradScalar, int GradSpan, bool Field = false, bool Unread = false, bool Float = false);

        private static List<Coord> Coordinates(Method m, Inputs x)
        {
            var list = new List<Coord>();
            int ri = 0, si = 0, dri = 0, dsi = 0;
            var read = m.GradientFields.ToHashSet();
            foreach (var p in m.Params)
            {
                bool unread = p.Field && !read.Contains(p);
                switch (p.Kind)
                {
                    case ParamKind.RealScalar:
                        if (p.IsDifferentiable) list.Add(new Coord(p.Struct is { } st ? $"{st}.{p.Member}" : p.Name, ri, -1, -1, dri++, -1, p.Field, unread, p.Other));
                        ri++;
                        break;
                    case ParamKind.OtherScalar:
                        ri++;
                        break;
                    case ParamKind.RealSpanIn:
                        if (p.IsDifferentiable)
                        {
                            for (int e = 0; e < x.S[si].Length; e++) list.Add(new Coord(p.InStructSpan ? $"{p.Struct}[{e}].{p.Member}" : $"{p.Name}[{e}]", -1, si, e, -1, dsi, p.Field, unread, p.Other));
                            dsi++;
                        }

                        si++;
                        break;
                    case ParamKind.RealSpanOut or ParamKind.RealOut:
                        si++;
                        break;
                }
            }

            return list;
        }

        private static int[] OutputSpans(Method m)
        {
            var list = new List<int>();
            int si = 0;
            foreach (var p in m.Params.Where(p => p.Kind is ParamKind.RealSpanIn or ParamKind.RealSpanOut or ParamKind.RealOut))
            {
                if (p.Kind is ParamKind.RealSpanOut or ParamKind.RealOut) list.Add(si);
                si++;
            }

            return list.ToArray();
        }

        private static int[] InputSpans(Method m)
        {
            var list = new List<int>();
            int si = 0;
            foreach (var p in m.Params.Where(p => p.Kind is ParamKind.RealSpanIn or ParamKind.RealSpanOut or ParamKind.RealOut))
            {
                if (p.Kind == ParamKind.RealSpanIn && p.IsDifferentiable) list.Add(si);
                si++;
            }

            return list.ToArray();
        }

        /// <summary>The indices in <c>ds</c> of the span gradients the checker also passes empty (<see cref="Param.EmptyGradient"/>).</summary>
        private static HashSet<int> EmptyGradientSpans(Method m)
        {
            var set = new HashSet<int>();
            int dsi = 0;
            foreach (var p in m.Params.Where(p => p.IsDifferentiable && p.Kind == ParamKind.RealSpanIn))
            {
                if (p.EmptyGradient && !p.Field) set.Add(dsi);
                dsi++;
            }

            return set;
        }

        private double U() => Uniform(_pcg);

        private static double Uniform(PCG pcg) => (pcg.Next64() >> 11) * (1.0 / (1UL << 53));

        /// <summary>0 checked, 1 every draw kinked, 2 every draw was bad.</summary>
        private int CheckMethod(Method m, Entry d, Entry f)
        {
            int[] outs = OutputSpans(m);
            for (int attempt = 0; attempt < Draws; attempt++)
            {
                var x = Inputs.Draw(m, _pcg);
                var coords = Coordinates(m, x);
                double dR = m.ReturnsReal ? (U() < 0.5 ? -1 : 1) * (0.5 + U()) : 0;
                var dy = outs.Select(o => x.S[o].Select(_ => -1 + 2 * U()).ToArray()).ToArray();

                // L(x) = dR·r + Σ dy·y, and its scale (the size of the numbers that cancel in it).
                (double L, double Scale)? Loss(Inputs at, Entry e, string what)
                {
                    var call = at.Fresh();
                    double r;
                    try
                    {
                        r = e.Forward(call.R, call.S, call.N, call.NS, call.B);
                    }
                    catch (ArithmeticException)
                    {
                        // Math.Sign of a NaN throws: the program is undefined at this draw, as with a non-finite value.
                        return null;
                    }
                    catch (Exception ex)
                    {
                        Fail(OutcomeKind.TesterBug, Properties.CentralDifferences, "TesterBug forward threw " + ex.GetType().Name,
                            $"The forward ({what}) threw: {ex.GetType().Name}: {ex.Message}\n  at inputs {at.Describe(m)}", m);
                        throw new Stop();
                    }

                    double l = dR * r, scale = 1 + Math.Abs(dR * r);
                    bool bad = !double.IsFinite(r) || Math.Abs(r) > MaxMagnitude;
                    for (int k = 0; k < outs.Length; k++)
                    {
                        var y = call.S[outs[k]];
                        for (int i = 0; i < y.Length; i++)
                        {
                            l += dy[k][i] * y[i];
                            scale += Math.Abs(dy[k][i] * y[i]);
                            bad |= !double.IsFinite(y[i]) || Math.Abs(y[i]) > MaxMagnitude;
                        }
                    }

                    return bad ? null : (l, scale);
                }

                if (Loss(x, d, "double") is not { } l0)
                {
                    _result.BadDraws++;
                    continue;
                }

                // Central differences at h and h/4 for every coordinate; a disagreement is a kink: draw again.
                var fd = new double[coords.Count];
                bool kink = false, bad = false;
                double scale = l0.Scale;
                for (int c = 0; c < coords.Count && !kink && !bad; c++)
                {
                    double x0 = Get(x, coords[c]);
                    double[]? Eval(double t)
                    {
                        var moved = x.Fresh();
                        // A float input moves by floats: the step taken is (float)(x0 + t) − x0, not t (h is a dozen of its ulps).
                        // Its loss is read back onto the line through L(x0) at the step asked for, L0 + (L(x0 + a) − L0)·t/a,
                        // which differs from L(x0 + t) by O(t·(a − t)·L''), a hundredth of the truncation error central
                        // differences make anyway.
                        double a = coords[c].Float ? (float)(x0 + t) - x0 : t;
                        Set(moved, coords[c], x0 + a);
                        if (a == 0 || Loss(moved, d, "double") is not { } v) return null;
                        scale = Math.Max(scale, v.Scale);
                        return new[] { a == t ? v.L : l0.L + ((v.L - l0.L) * (t / a)) };
                    }

                    if (Slopes(Eval, new[] { l0.L }, StepRelative * Math.Max(1, Math.Abs(x0)), () => scale) is not { } slope)
                    {
                        bad = true;
                        break;
                    }

                    kink = slope.Kink;
                    fd[c] = slope.Slope[0];
                }

                if (bad)
                {
                    _result.BadDraws++;
                    continue;
                }

                if (kink)
                {
                    _result.KinkRedraws++;
                    if (attempt == Draws - 1) return 1;
                    continue;
                }

                CheckAt(m, d, f, x, coords, dR, dy, fd, scale, outs);
                return 0;
            }

            return _result.KinkRedraws > 0 ? 1 : 2;
        }

        /// <summary>
        /// Central differences at 0 of φ, a vector function of a step t along one direction (a coordinate for P1, a direction
        /// v for P15): the slopes at step h, and whether φ has a kink there — an entry's slopes at h, h/4 and h/π differ, or
        /// its value at 0 (<paramref name="at0"/>) is off the line through its values at ±h/4, by more than the
        /// central-differences tolerance at <paramref name="scale"/> (read after the evaluations, which may raise it). Null
        /// when an evaluation was bad (φ gave null). Extrapolated: Richardson's (16·D(h/4) − D(h))/15 from the slopes at h
        /// and h/4, whose O(h²) truncation errors cancel (O(h⁴) left) at 4.3 times D(h)'s rounding error.
        /// </summary>
        private static (double[] Slope, double[] Extrapolated, bool Kink)? Slopes(Func<double, double[]?> phi, double[] at0, double h, Func<double> scale)
        {
            // A third step, not a rational multiple of the others: a staircase finer than h (floor(k·x)) can give the same
            // slope at h and h/4 exactly when its step counts scale by 4.
            double h3 = h * 0.3183098861837907;
            var values = new[] { phi(h), phi(-h), phi(h / 4), phi(-h / 4), phi(h3), phi(-h3) };
            if (values.Any(v => v is null)) return null;
            double s = scale();
            bool Differ(double p, double q) => Math.Abs(p - q) > FdRelative * Math.Max(Math.Abs(p), Math.Abs(q)) + FdAbsolute * s;
            var slope = new double[at0.Length];
            var extrapolated = new double[at0.Length];
            bool kink = false;
            for (int i = 0; i < at0.Length; i++)
            {
                double plusQ = values[2]![i], minusQ = values[3]![i];
                double fdH = (values[0]![i] - values[1]![i]) / (2 * h), fdQ = (plusQ - minusQ) / (h / 2), fd3 = (values[4]![i] - values[5]![i]) / (2 * h3);
                // A jump at 0 itself: a test that rounds one way at x and the other beside it (a <= Lerp(a, a, a)) puts the
                // value at x off the line through its neighbours, which agree with each other.
                bool jump = Math.Abs((plusQ + minusQ) / 2 - at0[i]) > FdRelative * Math.Abs(at0[i]) + FdAbsolute * s;
                kink |= Differ(fdH, fdQ) || Differ(fdH, fd3) || jump;
                slope[i] = fdH;
                extrapolated[i] = fdQ + ((fdQ - fdH) / 15);
            }

            return (slope, extrapolated, kink);
        }

        private static double Get(Inputs x, Coord c) => c.Scalar >= 0 ? x.R[c.Scalar] : x.S[c.Span][c.Element];

        private static void Set(Inputs x, Coord c, double v)
        {
            if (c.Scalar >= 0) x.R[c.Scalar] = v;
            else x.S[c.Span][c.Element] = v;
        }

        private static double Grad(double[] dr, double[][] ds, Coord c) => c.GradScalar >= 0 ? dr[c.GradScalar] : ds[c.GradSpan][c.Element];

        /// <summary>Gradient buffers for <paramref name="m"/>: zeros, or prefilled with values drawn from <paramref name="from"/> (the inputs' stream by default).</summary>
        private (double[] Dr, double[][] Ds) NewGradients(Method m, Inputs x, bool prefill, PCG? from = null)
        {
            int scalars = m.Params.Count(p => p.IsDifferentiable && p.Kind == ParamKind.RealScalar);
            var spans = InputSpans(m);
            double V() => prefill ? Math.Round(-1 + 2 * Uniform(from ?? _pcg), 3) : 0;
            return (Enumerable.Range(0, scalars).Select(_ => V()).ToArray(),
                spans.Select(si => x.S[si].Select(_ => V()).ToArray()).ToArray());
        }

        private static (double[], double[][]) Clone((double[] Dr, double[][] Ds) g) => ((double[])g.Dr.Clone(), g.Ds.Select(a => (double[])a.Clone()).ToArray());

        /// <summary>
        /// Calls a generated method (through its driver) with the workspace mark taken before and after (P5) and the
        /// primal arguments compared before and after (P8); an exception is a runtime failure.
        /// </summary>
        private T Generated<T>(Method m, string what, Inputs call, bool outputsArePrimal, Func<T> body, string property = Properties.CentralDifferences)
        {
            var snapshot = call.S.Select(a => (double[])a.Clone()).ToArray();
            var ints = call.NS.Select(a => (int[])a.Clone()).ToArray();
            var before = Workspace.Current.Mark();
            T result;
            try
            {
                result = body();
            }
            catch (InvalidOperationException ex) when (ex.Message.StartsWith(Print.DriverPrinter.LayerCheck, StringComparison.Ordinal))
            {
                // The driver found a layer's gradient fields not as the generated code documents them.
                Fail(OutcomeKind.WrongValue, Properties.LayerGradients, "LayerGradients " + (ex.Message.Contains("ZeroGradients", StringComparison.Ordinal) ? "ZeroGradients" : "d-field length"),
                    $"{what}: {ex.Message}\n  at inputs {call.Describe(m)}", m);
                throw new Stop();
            }
            catch (InvalidOperationException ex) when (ex.Message.StartsWith(Print.DriverPrinter.StructCheck, StringComparison.Ordinal))
            {
                // The driver found a struct parameter's gradient field changed that the method never reads.
                Fail(OutcomeKind.WrongValue, Properties.StructGradients, "StructGradients", $"{what}: {ex.Message}\n  at inputs {call.Describe(m)}", m);
                throw new Stop();
            }
            catch (Exception ex)
            {
                var after0 = Workspace.Current.Mark();
                string extra = after0 != before ? $"\n  and the workspace was left at {after0} (was {before})" : "";
                Fail(OutcomeKind.RuntimeException, property, $"RuntimeException {ex.GetType().Name} in {what}",
                    $"{what} threw {ex.GetType().Name}: {ex.Message}{extra}\n  at inputs {call.Describe(m)}", m);
                throw new Stop();
            }

            var after = Workspace.Current.Mark();
            if (after != before)
            {
                Fail(OutcomeKind.WrongValue, Properties.WorkspaceBalanced, "Workspace " + what,
                    $"{what}: Workspace.Current.Mark() was {before} before the call and {after} after.", m);
            }

            var outs = OutputSpans(m);
            for (int i = 0; i < call.S.Length; i++)
            {
                if (!outputsArePrimal && outs.Contains(i)) continue;
                if (!call.S[i].AsSpan().SequenceEqual(snapshot[i]))
                {
                    int e = Enumerable.Range(0, snapshot[i].Length).First(k => !call.S[i][k].Equals(snapshot[i][k]));
                    Fail(OutcomeKind.WrongValue, Properties.PrimalsUntouched, "Primal written by " + what,
                        $"{what} wrote its primal argument {SpanName(m, i)}: element {e} was {snapshot[i][e]} and is {call.S[i][e]}.", m);
                }
            }

            for (int i = 0; i < call.NS.Length; i++)
            {
                if (!call.NS[i].AsSpan().SequenceEqual(ints[i]))
                {
                    Fail(OutcomeKind.WrongValue, Properties.PrimalsUntouched, "Primal written by " + what, $"{what} wrote an int span argument.", m);
                }
            }

            return result;
        }

        private static string SpanName(Method m, int si)
            => m.Params.Where(p => p.Kind is ParamKind.RealSpanIn or ParamKind.RealSpanOut or ParamKind.RealOut).ElementAt(si).Name;

        private static string N(double v) => v.ToString("G9", CultureInfo.InvariantCulture);

        private void CheckAt(Method m, Entry d, Entry f, Inputs x, List<Coord> coords, double dR, double[][] dy, double[] fd, double scale, int[] outs)
        {
            // The forward's outputs at x: MBackward reads them.
            var fwd = x.Fresh();
            double r0 = d.Forward(fwd.R, fwd.S, fwd.N, fwd.NS, fwd.B);
            double[]?[] Cot(double[]?[] c) => c.Select(a => a is null ? null : (double[])a.Clone()).ToArray();

            // P1: MBackward against central differences.
            var g = NewGradients(m, x, prefill: false);
            var call = Copy(fwd);
            Generated(m, "MBackward", call, true, () =>
            {
                d.Backward(call.R, call.S, call.N, call.NS, call.B, dR, Cot(dy), g.Dr, g.Ds);
                return 0;
            });
            var wrong = new StringBuilder();
            int wrongCount = 0;
            bool allNotFinite = true;
            for (int c = 0; c < coords.Count; c++)
            {
                double got = Grad(g.Dr, g.Ds, coords[c]);
                double tol = FdRelative * Math.Max(Math.Abs(got), Math.Abs(fd[c])) + FdAbsolute * scale + Slack(coords[c], got, fd[c], scale);
                if (!(Math.Abs(got - fd[c]) <= tol))
                {
                    allNotFinite &= !double.IsFinite(got) && double.IsFinite(fd[c]);
                    if (wrongCount++ < 8) wrong.Append(CultureInfo.InvariantCulture, $"\n  d{coords[c].Label}: MBackward {N(got)}, central differences {N(fd[c])} (tolerance {tol:G3})");
                }
            }

            if (wrongCount > 0)
            {
                Fail(OutcomeKind.WrongValue, Properties.CentralDifferences, allNotFinite ? NotFinite : "Gradient",
                    $"{wrongCount} of {coords.Count} gradient entries differ from central differences:{wrong}\n  at inputs {x.Describe(m)}\n  " +
                    $"dResult = {N(dR)}{string.Concat(outs.Select((o, k) => $", d{SpanName(m, o)} = [{string.Join(", ", dy[k].Select(N))}]"))}", m);
            }

            TorchCases.Add(new TorchCase(_compiled.Id, _compiled.Program, m, x, dR, Cot(dy), (double[])g.Dr.Clone(), g.Ds.Select(a => (double[])a.Clone()).ToArray(),
                Arbitrate: wrongCount > 0));
            int torchCase = TorchCases.Count - 1;

            // P11: gradients passed empty (default, "not needed") leave the others as the full call computes them.
            var empties = EmptyGradientSpans(m);
            var kept = coords.Where(c => !empties.Contains(c.GradSpan)).ToList();
            string emptyNames = string.Join(", ", m.Params.Where(q => q.IsDifferentiable && q.Kind == ParamKind.RealSpanIn).Where((_, k) => empties.Contains(k)).Select(q => "d" + q.Name));
            if (empties.Count > 0)
            {
                var ge = NewGradients(m, x, false);
                foreach (int k in empties) ge.Ds[k] = null!;
                call = Copy(fwd);
                Generated(m, "MBackward (empty gradients)", call, true, () =>
                {
                    d.Backward(call.R, call.S, call.N, call.NS, call.B, dR, Cot(dy), ge.Dr, ge.Ds);
                    return 0;
                });
                CompareAll(m, Properties.GradientChoice, "EmptyGradient", kept, c => Grad(g.Dr, g.Ds, c), c => Grad(ge.Dr, ge.Ds, c),
                    (a, b, _) => ExactRelative * (1 + Math.Abs(a) + Math.Abs(b)), "MBackward", $"MBackward with default for {emptyNames}");
            }

            // P2: gradients prefilled with random values end as prefill + gradient.
            var pre = NewGradients(m, x, prefill: true);
            var acc = Clone(pre);
            call = Copy(fwd);
            Generated(m, "MBackward (prefilled)", call, true, () =>
            {
                d.Backward(call.R, call.S, call.N, call.NS, call.B, dR, Cot(dy), acc.Item1, acc.Item2);
                return 0;
            });
            CompareAll(m, Properties.Accumulates, "Accumulates", coords, c => Grad(pre.Dr, pre.Ds, c) + Grad(g.Dr, g.Ds, c), c => Grad(acc.Item1, acc.Item2, c),
                (a, b, c) => Accumulated(c, Grad(pre.Dr, pre.Ds, c), a, b), "prefill + gradient", "MBackward into prefilled gradients");

            // P3: an empty cotangent equals an explicit span of zeros.
            if (outs.Length > 0)
            {
                bool[] empty = outs.Select(_ => U() < 0.6).ToArray();
                if (!empty.Any(e => e)) empty[0] = true;
                var withNull = dy.Select((a, k) => empty[k] ? null : (double[])a.Clone()).ToArray();
                var withZeros = dy.Select((a, k) => empty[k] ? new double[a.Length] : (double[])a.Clone()).ToArray();
                var gn = NewGradients(m, x, false);
                var gz = NewGradients(m, x, false);
                call = Copy(fwd);
                Generated(m, "MBackward (default cotangent)", call, true, () =>
                {
                    d.Backward(call.R, call.S, call.N, call.NS, call.B, dR, withNull, gn.Dr, gn.Ds);
                    return 0;
                });
                call = Copy(fwd);
                Generated(m, "MBackward (zero cotangent)", call, true, () =>
                {
                    d.Backward(call.R, call.S, call.N, call.NS, call.B, dR, withZeros, gz.Dr, gz.Ds);
                    return 0;
                });
                string which = string.Join(", ", outs.Where((_, k) => empty[k]).Select(o => "d" + SpanName(m, o)));
                CompareAll(m, Properties.EmptyCotangent, "EmptyCotangent", coords, c => Grad(gz.Dr, gz.Ds, c), c => Grad(gn.Dr, gn.Ds, c),
                    (a, b, _) => ExactRelative * (1 + Math.Abs(a) + Math.Abs(b)), $"with zeros for {which}", $"with default for {which}");
            }

            // P4: MGradient returns the forward's value, writes its outputs, and equals MBackward(dResult = 1, empty cotangents).
            if (m.ReturnsReal && d.Gradient is { } gradient)
            {
                var gg = NewGradients(m, x, false);
                var gcall = x.Fresh();
                double value = Generated(m, "MGradient", gcall, false, () => gradient(gcall.R, gcall.S, gcall.N, gcall.NS, gcall.B, gg.Dr, gg.Ds));
                if (!(Math.Abs(value - r0) <= ExactRelative * (1 + Math.Abs(r0))))
                {
                    Fail(OutcomeKind.WrongValue, Properties.GradientMethod, "GradientValue", $"MGradient returned {N(value)}, the forward {N(r0)}.\n  at inputs {x.Describe(m)}", m);
                }

                foreach (int o in outs)
                {
                    for (int i = 0; i < fwd.S[o].Length; i++)
                    {
                        if (!(Math.Abs(gcall.S[o][i] - fwd.S[o][i]) <= ExactRelative * (1 + Math.Abs(fwd.S[o][i]))))
                        {
                            Fail(OutcomeKind.WrongValue, Properties.GradientMethod, "GradientOutputs",
                                $"MGradient wrote {SpanName(m, o)}[{i}] = {N(gcall.S[o][i])}, the forward {N(fwd.S[o][i])}.\n  at inputs {x.Describe(m)}", m);
                            break;
                        }
                    }
                }

                var g1 = NewGradients(m, x, false);
                call = Copy(fwd);
                Generated(m, "MBackward (dResult = 1)", call, true, () =>
                {
                    d.Backward(call.R, call.S, call.N, call.NS, call.B, 1, new double[]?[outs.Length], g1.Dr, g1.Ds);
                    return 0;
                });
                CompareAll(m, Properties.GradientMethod, "GradientGradients", coords, c => Grad(g1.Dr, g1.Ds, c), c => Grad(gg.Dr, gg.Ds, c),
                    (a, b, _) => ExactRelative * (1 + Math.Abs(a) + Math.Abs(b)), "MBackward(dResult = 1)", "MGradient");

                if (empties.Count > 0)
                {
                    // P11 for MGradient: its value and the gradients that were asked for, as with every gradient.
                    var ge = NewGradients(m, x, false);
                    foreach (int k in empties) ge.Ds[k] = null!;
                    var ecall = x.Fresh();
                    double evalue = Generated(m, "MGradient (empty gradients)", ecall, false, () => gradient(ecall.R, ecall.S, ecall.N, ecall.NS, ecall.B, ge.Dr, ge.Ds));
                    if (!(Math.Abs(evalue - r0) <= ExactRelative * (1 + Math.Abs(r0))))
                    {
                        Fail(OutcomeKind.WrongValue, Properties.GradientChoice, "EmptyGradientValue", $"MGradient with default for {emptyNames} returned {N(evalue)}, the forward {N(r0)}.\n  at inputs {x.Describe(m)}", m);
                    }

                    CompareAll(m, Properties.GradientChoice, "EmptyGradient", kept, c => Grad(gg.Dr, gg.Ds, c), c => Grad(ge.Dr, ge.Ds, c),
                        (a, b, _) => ExactRelative * (1 + Math.Abs(a) + Math.Abs(b)), "MGradient", $"MGradient with default for {emptyNames}");
                }
            }

            // P13: MTangent against MBackward (where P1 passed the backward), in a direction ẋ of float-representable values;
            // a third of the time a sparse one (each coordinate zero with probability ½): a tangent that is exactly zero moves
            // √u at 0 or atan2 at the origin by nothing (the strong zero, README), as MJacobian's unit columns rely on.
            // (The zeros come from the modes' stream: the other draws stay those of the seeds that reproduce past failures.)
            bool sparse = Uniform(_modes) < 1.0 / 3;
            var direction = coords.Select(_ => (double)(float)(-1 + 2 * U())).Select(t => sparse && Uniform(_modes) < 0.5 ? 0 : t).ToArray();
            if (d.Tangent is { } tangent && wrongCount == 0)
            {
                _result.TangentChecked++;
                foreach (string what in TangentConstructs(m)) _result.Count("MTangent (P13) checked on a method " + what);
                if (sparse) _result.Count("MTangent (P13) checked along a sparse direction (coordinates exactly zero: strong zeros)");
                var none = new bool[coords.Count];
                var (rdot, ty) = CheckTangent(m, "MTangent", "Tangent", tangent, x, fwd, coords, dR, dy, g, direction, none, new bool[outs.Length], outs, TangentRelative, TangentAbsolute * scale);

                // PyTorch's jvp along the same direction (a layer's fields included: their tangents follow the parameters').
                TorchCases[torchCase] = TorchCases[torchCase] with { Direction = direction.ToArray(), RDot = rdot, YDot = ty.Select(t => t!).ToArray() };

                // Empty tangents: one span input's (zero: its coordinates leave ⟨J'·dy, dx⟩) and an output's (not needed: its
                // term leaves ⟨dy, J·dx⟩, and the gradients are MBackward's with an empty cotangent for it).
                var spans = InputSpans(m);
                if (U() < 0.5 && (spans.Length > 0 || outs.Length > 0))
                {
                    int emptySpan = spans.Length > 0 && U() < 0.7 ? (int)(U() * spans.Length) : -1;
                    var emptyOut = outs.Select(_ => false).ToArray();
                    if (outs.Length > 0 && (emptySpan < 0 || U() < 0.5)) emptyOut[(int)(U() * outs.Length)] = true;
                    var withEmpty = dy.Select((a, k) => emptyOut[k] ? null : a).ToArray();
                    var ge = g;
                    if (emptyOut.Any(e => e))
                    {
                        ge = NewGradients(m, x, false);
                        var ecall = Copy(fwd);
                        Generated(m, "MBackward (default cotangent)", ecall, true, () =>
                        {
                            d.Backward(ecall.R, ecall.S, ecall.N, ecall.NS, ecall.B, dR, Cot(withEmpty), ge.Dr, ge.Ds);
                            return 0;
                        });
                    }

                    CheckTangent(m, "MTangent (default tangents)", "TangentEmpty", tangent, x, fwd, coords, dR, dy, ge, direction,
                        coords.Select(c => c.GradSpan >= 0 && c.GradSpan == emptySpan).ToArray(), emptyOut, outs, TangentRelative, TangentAbsolute * scale);
                }
            }

            // P14–P16: MJacobian, MHessianVector, MHessian (Checker.Modes.cs), where P1 passed the backward.
            if (wrongCount == 0)
            {
                int before = _result.Failures.Count;
                var modes = CheckModes(m, d, x, fwd, coords, dR, dy, fd, scale, outs);
                // H·v off central differences of MGradient only: PyTorch's hvp arbitrates, as it does a gradient off P1's (a
                // cancellation or a large third derivative the differences cannot see past: 5VcXEm9d7y_1, 1e-5 relative).
                bool hvOffDifferences = _result.Failures.Skip(before).Any(f => f.Key == HessianVectorOffDifferences);
                TorchCases[torchCase] = TorchCases[torchCase] with { Rows = modes.Rows, Jacobian = modes.Jacobian, V = modes.V, Hv = modes.Hv, Arbitrate = hvOffDifferences };
            }

            // P6: the float twin agrees with the double twin (at the same, float-representable, inputs).
            var xf = x.Fresh();
            for (int i = 0; i < xf.R.Length; i++) xf.R[i] = (float)xf.R[i];
            foreach (var a in xf.S) for (int i = 0; i < a.Length; i++) a[i] = (float)a[i];
            var fd0 = xf.Fresh();
            double rd = d.Forward(fd0.R, fd0.S, fd0.N, fd0.NS, fd0.B);
            var ff = xf.Fresh();
            double rf;
            try
            {
                rf = f.Forward(ff.R, ff.S, ff.N, ff.NS, ff.B);
            }
            catch (ArithmeticException)
            {
                // Math.Sign of a NaN that only float produces: the values disagree (counted, not failed).
                _result.FloatValueMismatches++;
                return;
            }
            catch (Exception ex)
            {
                Fail(OutcomeKind.TesterBug, Properties.FloatTwin, "TesterBug float forward threw", ex.ToString(), m);
                throw new Stop();
            }

            double fscale = scale;
            // An overflow in float that double does not have is a disagreement too (|∞ − x| ≤ ∞ would pass the test).
            bool Agree(double a, double b) => a.Equals(b) || double.IsFinite(a) && double.IsFinite(b)
                && Math.Abs(a - b) <= FloatRelative * Math.Max(Math.Abs(a), Math.Abs(b)) + FloatAbsolute * fscale;
            bool valuesAgree = Agree(rf, rd);
            foreach (int o in outs)
            {
                for (int i = 0; i < fd0.S[o].Length; i++)
                {
                    valuesAgree &= Agree(ff.S[o][i], fd0.S[o][i]);
                }
            }

            if (!valuesAgree)
            {
                // A branch or rounding step can land differently in float; the values disagreeing is not a derivative
                // defect, so the gradients are not compared at this point (counted, not failed).
                _result.FloatValueMismatches++;
                return;
            }

            var gdd = NewGradients(m, x, false);
            var cd = Copy(fd0);
            Generated(m, "MBackward (double, float inputs)", cd, true, () =>
            {
                d.Backward(cd.R, cd.S, cd.N, cd.NS, cd.B, dR, Cot(dy), gdd.Dr, gdd.Ds);
                return 0;
            });
            var gff = NewGradients(m, x, false);
            var cf = Copy(ff);
            Generated(m, "MBackward (float)", cf, true, () =>
            {
                f.Backward(cf.R, cf.S, cf.N, cf.NS, cf.B, dR, Cot(dy), gff.Dr, gff.Ds);
                return 0;
            });
            double gscale = 1 + coords.Sum(c => Math.Abs(Grad(gdd.Dr, gdd.Ds, c)));
            if (!double.IsFinite(gscale) || !double.IsFinite(fscale))
            {
                // Values past float's range (or a NaN in them): no scale to compare float against double at.
                _result.FloatValueMismatches++;
                return;
            }

            if (CompareAll(m, Properties.FloatTwin, "FloatTwin", coords, c => Grad(gdd.Dr, gdd.Ds, c), c => Grad(gff.Dr, gff.Ds, c),
                    (a, b, _) => FloatTolerance(a, b, Math.Max(fscale, gscale)), "double twin", "float twin", xf))
            {
                TorchCases.Add(new TorchCase(_compiled.Id, _compiled.Program, m, xf, dR, Cot(dy), gdd.Dr, gdd.Ds, Arbitrate: true, FloatDr: gff.Dr, FloatDs: gff.Ds));
            }
            else if (wrongCount == 0)
            {
                if (f.Tangent is { } floatTangent)
                {
                    // P13 in float: the float twin's MTangent against its MBackward (which P6 just found as the double twin's).
                    _result.TangentFloatChecked++;
                    CheckTangent(m, "MTangent (float)", "TangentFloat", floatTangent, xf, ff, coords, dR, dy, gff, direction, new bool[coords.Count], new bool[outs.Length], outs,
                        FloatRelative, FloatAbsolute * Math.Max(fscale, gscale), d.Tangent);
                }

                CheckModesFloat(m, f, d, xf, ff, coords, outs, Math.Max(fscale, gscale), dR, dy, gdd);
            }
        }

        /// <summary>
        /// P13: MTangent at <paramref name="at"/> in the direction ẋ (<paramref name="direction"/>, by coordinate; a span input
        /// whose coordinates are <paramref name="emptyIn"/> gets an empty tangent) against the gradients <paramref name="grad"/>
        /// of MBackward with the cotangents dR, dy (the <paramref name="emptyOut"/> outputs empty, their tangents not asked):
        /// dR·ṙ + Σ dy·ẏ = Σ grad·ẋ within <paramref name="relative"/> of the sum of the products' magnitudes plus
        /// <paramref name="absolute"/>; and the outputs written as the forward wrote them (<paramref name="forward"/>).
        /// </summary>
        /// <returns>The tangents MTangent returned (ṙ) and wrote (ẏ, by output; null where empty).</returns>
        private (double RDot, double[]?[] Ty) CheckTangent(Method m, string what, string key, TangentFn tangent, Inputs at, Inputs forward, List<Coord> coords, double dR, double[][] dy,
            (double[] Dr, double[][] Ds) grad, double[] direction, bool[] emptyIn, bool[] emptyOut, int[] outs, double relative, double absolute, TangentFn? doubleTwin = null)
        {
            var (call, rdot, ty, lhs, lsum) = Contracted(m, what, tangent, at, coords, direction, emptyIn, emptyOut, outs, dR, dy);
            CheckOutputs(m, what, Properties.Tangent, "TangentOutputs", call, forward, outs, at);
            double rhs = 0, rsum = 0, slack = 0;
            for (int c = 0; c < coords.Count; c++)
            {
                if (emptyIn[c] || direction[c] == 0) continue; // a coordinate the direction does not move: nothing, even ∞·0
                double p = Grad(grad.Dr, grad.Ds, coords[c]) * direction[c];
                rhs += p;
                rsum += Math.Abs(p);
                slack += Slack(coords[c], p, p, 0);
            }

            double tol = relative * (lsum + rsum) + absolute + slack;
            if (Math.Abs(lhs - rhs) <= tol) return (rdot, ty);
            if (!double.IsFinite(lhs) && double.IsFinite(rhs) && doubleTwin is not null
                && Contracted(m, what.Replace("(float)", "(double, float inputs)"), doubleTwin, at, coords, direction, emptyIn, emptyOut, outs, dR, dy) is var twin
                && Math.Abs(twin.Lhs - rhs) <= relative * (twin.Lsum + rsum) + absolute + slack)
            {
                // Past float's range in forward mode only: the float twin's tangent is not finite where the double twin's, at the
                // same inputs and direction, is finite and equals the float twin's gradients · ẋ — so the derivation is right and
                // float's arithmetic overflowed (53pbiT494xq1: 1 + s⁴ past 3.4e38, its tangent ∞ times the quotient's 0, where the
                // reverse sweep multiplies that quotient's 0 by a finite slope). As P6 and the float H·v take such a draw.
                _result.FloatForwardPastRange++;
                return (rdot, ty);
            }

            string Direction() => string.Join(", ", coords.Select((c, i) => $"{c.Label}: {(emptyIn[i] ? "(empty)" : N(direction[i]))}"));
            string Tangents() => string.Concat(outs.Select((o, k) => ty[k] is { } t ? $", d{SpanName(m, o)}/dt = [{string.Join(", ", t.Take(12).Select(N))}{(t.Length > 12 ? ", …" : "")}]" : $", d{SpanName(m, o)}/dt (empty)"));
            Fail(OutcomeKind.WrongValue, Properties.Tangent, double.IsFinite(lhs) ? key : key + " not finite",
                $"{what}: dResult·ṙ + Σ dy·ẏ = {N(lhs)}, MBackward's gradients · ẋ = {N(rhs)} (tolerance {tol:G3}, |difference| / Σ|products| = {Math.Abs(lhs - rhs) / (lsum + rsum):G3})" +
                $"\n  ṙ = {N(rdot)}{Tangents()}\n  direction ẋ: {Direction()}\n  gradients: {string.Join(", ", coords.Where((_, i) => !emptyIn[i]).Take(16).Select(c => $"d{c.Label} = {N(Grad(grad.Dr, grad.Ds, c))}"))}" +
                $"\n  at inputs {at.Describe(m)}\n  dResult = {N(dR)}{string.Concat(outs.Select((o, k) => $", d{SpanName(m, o)} = [{string.Join(", ", dy[k].Select(N))}]{(emptyOut[k] ? " (tangent empty)" : "")}"))}", m);
            return (rdot, ty);
        }

        /// <summary>
        /// MTangent at <paramref name="at"/> along ẋ (<paramref name="direction"/>; see <see cref="CheckTangent"/>), contracted
        /// with the cotangents: dR·ṙ + Σ dy·ẏ (<c>Lhs</c>) and the sum of its terms' magnitudes (<c>Lsum</c>).
        /// </summary>
        private (Inputs Call, double RDot, double[]?[] Ty, double Lhs, double Lsum) Contracted(Method m, string what, TangentFn tangent, Inputs at, List<Coord> coords,
            double[] direction, bool[] emptyIn, bool[] emptyOut, int[] outs, double dR, double[][] dy)
        {
            var (tr, ts) = Directions(m, at, coords, direction, emptyIn);
            var call = at.Fresh();
            var ty = outs.Select((o, k) => emptyOut[k] ? null : new double[call.S[o].Length]).ToArray();
            double rdot = Generated(m, what, call, false, () => tangent(call.R, call.S, call.N, call.NS, call.B, tr, ts, ty), Properties.Tangent);
            double lhs = dR * rdot, lsum = Math.Abs(dR * rdot);
            for (int k = 0; k < outs.Length; k++)
            {
                if (ty[k] is not { } t) continue;
                for (int i = 0; i < t.Length; i++)
                {
                    lhs += dy[k][i] * t[i];
                    lsum += Math.Abs(dy[k][i] * t[i]);
                }
            }

            return (call, rdot, ty, lhs, lsum);
        }

        /// <summary>
        /// A direction by coordinate (<paramref name="direction"/>) in the drivers' layout of tangents and directions: the
        /// differentiable scalars' in <c>Tr</c>, the spans' in <c>Ts</c> (the places of <c>dr</c>/<c>ds</c>); a span whose
        /// coordinates are <paramref name="emptyIn"/> is null (passed as <c>default</c>). Coordinates not listed are zero.
        /// </summary>
        private static (double[] Tr, double[]?[] Ts) Directions(Method m, Inputs at, List<Coord> coords, double[] direction, bool[]? emptyIn = null)
        {
            int scalars = m.Params.Count(p => p.IsDifferentiable && p.Kind == ParamKind.RealScalar);
            var tr = new double[scalars];
            var ts = InputSpans(m).Select(si => (double[]?)new double[at.S[si].Length]).ToArray();
            for (int c = 0; c < coords.Count; c++)
            {
                if (coords[c].GradScalar >= 0) tr[coords[c].GradScalar] = direction[c];
                else if (emptyIn?[c] == true) ts[coords[c].GradSpan] = null;
                else ts[coords[c].GradSpan]![coords[c].Element] = direction[c];
            }

            return (tr, ts);
        }

        /// <summary>
        /// A method that runs the forward as well (MTangent, MJacobian) writes the outputs as the forward wrote them: the same
        /// bits — but where the method calls a generated
        /// FGradient or FBackward, which SymGrad reads as one FTangent per input in the methods it writes (README, "Nested
        /// differentiation"), within a few units of rounding of the precision (<paramref name="what"/> names a float twin
        /// "(float)"): 1e-12 or 1e-5 of the values' magnitudes (FOUND.md N6).
        /// </summary>
        private void CheckOutputs(Method m, string what, string property, string key, Inputs call, Inputs forward, int[] outs, Inputs at)
        {
            double rounding = !Generate.NestedCalls.Kinds(m).Any(k => k is "Gradient" or "Backward") ? 0 : what.Contains("(float)") ? 1e-5 : 1e-12;
            var spans = m.Params.Where(p => p.Kind is ParamKind.RealSpanIn or ParamKind.RealSpanOut or ParamKind.RealOut).ToList();
            foreach (int o in outs.Where(o => !spans[o].Result)) // a struct result is returned (MTangent returns its tangent)
            {
                for (int i = 0; i < call.S[o].Length; i++)
                {
                    double a = call.S[o][i], b = forward.S[o][i];
                    if (!a.Equals(b) && !(Math.Abs(a - b) <= rounding * (Math.Abs(a) + Math.Abs(b) + 1)))
                    {
                        Fail(OutcomeKind.WrongValue, property, key, $"{what} wrote {SpanName(m, o)}[{i}] = {N(call.S[o][i])}, the forward {N(forward.S[o][i])}.\n  at inputs {at.Describe(m)}", m);
                        break;
                    }
                }
            }
        }

        /// <summary>How far a float gradient may be from the double one (see the class's remarks).</summary>
        public static double FloatTolerance(double a, double b, double scale) => FloatRelative * Math.Max(Math.Abs(a), Math.Abs(b)) + FloatAbsolute * scale;

        private static Inputs Copy(Inputs x) => new()
        {
            R = (double[])x.R.Clone(),
            S = x.S.Select(a => (double[])a.Clone()).ToArray(),
            N = x.N,
            NS = x.NS,
            B = x.B,
            OutputInit = x.OutputInit,
        };

        /// <returns>Whether some entry differed (a failure was recorded).</returns>
        private bool CompareAll(Method m, string property, string key, List<Coord> coords, Func<Coord, double> expected, Func<Coord, double> actual,
            Func<double, double, Coord, double> tolerance, string expectedName, string actualName, Inputs? at = null)
            => CompareEntries(m, property, key, coords, c => "d" + c.Label, expected, actual, tolerance, expectedName, actualName, at);

        /// <summary>Compares two values of each entry (a gradient's, a matrix's), reporting the first eight that differ under one failure.</summary>
        /// <returns>Whether some entry differed (a failure was recorded).</returns>
        /// <param name="pastFloatRange">
        /// Where exactly one of the two values is not finite: whether the entry is excused, given the finite one (a float
        /// twin's mode past float's range, the double twin right there: <see cref="CheckJacobian"/>).
        /// </param>
        private bool CompareEntries<T>(Method m, string property, string key, IReadOnlyList<T> entries, Func<T, string> label, Func<T, double> expected, Func<T, double> actual,
            Func<double, double, T, double> tolerance, string expectedName, string actualName, Inputs? at = null, Func<T, double, bool>? pastFloatRange = null)
        {
            var sb = new StringBuilder();
            int count = 0;
            foreach (var c in entries)
            {
                double e = expected(c), a = actual(c);
                if (e.Equals(a)) continue; // equal, infinities included: a non-finite gradient is P1's failure
                if (pastFloatRange is not null && double.IsFinite(e) != double.IsFinite(a) && pastFloatRange(c, double.IsFinite(e) ? e : a)) continue;
                double tol = tolerance(e, a, c);
                if (!(Math.Abs(e - a) <= tol) && !(double.IsNaN(e) && double.IsNaN(a)))
                {
                    if (count++ < 8) sb.Append(CultureInfo.InvariantCulture, $"\n  {label(c)}: {expectedName} {N(e)}, {actualName} {N(a)} (tolerance {tol:G3})");
                }
            }

            if (count > 0)
            {
                string where = at is null ? "" : $"\n  at inputs {at.Describe(m)}";
                Fail(OutcomeKind.WrongValue, property, key, $"{count} of {entries.Count} entries differ:{sb}{where}", m);
            }

            return count > 0;
        }
    }
}
