using System;
using System.Collections.Generic;
using System.Linq;
using CsCheck;
using SymGrad.RandomPrograms.Compile;
using SymGrad.RandomPrograms.Model;

namespace SymGrad.RandomPrograms.Check
{
    /// <summary>
    /// P14–P16: <c>MJacobian</c>, <c>MHessianVector</c> and <c>MHessian</c> where the generator makes them
    /// (<see cref="ForwardMode"/>), at P1's inputs once P1 passed there; directions and prefills come from the checker's
    /// second stream (<c>_modes</c>). Tolerances:
    /// <list type="bullet">
    /// <item>MJacobian against MBackward's rows (unit cotangents) and MTangent's columns (unit tangents): the same derivatives
    /// summed in other orders, as P13: 1e-7·(|a| + |b|) + 1e-9·scale (P1's scale of the loss). Its contraction with P1's
    /// cotangents, dR·J[r, :] + Σ dy·J[y, :], against P1's central differences of the loss, within P1's tolerance.</item>
    /// <item>MHessianVector against central differences of MGradient along v, at step h = 1e-6·max(1, max |x|): the
    /// gradient's rounding error ε·κ·G over h, G = 1 + Σ|∇f| (the largest met), so P1's tolerance with G for the scale:
    /// 1e-5·max(|a|, |b|) + 1e-6·G, against the slope at h or Richardson's extrapolation from h and h/4, whichever is
    /// nearer. Skipped (counted) where the gradient has a kink along v (P1's test on the gradient).
    /// Symmetry ⟨u, H·v⟩ = ⟨v, H·u⟩ as P13: 1e-7 of the sum of the products' magnitudes plus 1e-9·G. Accumulation (+=)
    /// and an empty direction as the other exact identities: 1e-9 of the magnitudes involved.</item>
    /// <item>MHessian against MHessianVector's columns: the same calls, 1e-9; symmetric as the HVP's: 1e-7·(|a| + |b|) + 1e-9·G.</item>
    /// <item>Float twin: MJacobian against its own MBackward's rows, MHessianVector against the double twin's at the same
    /// inputs, both within P6's float tolerance; MHessian against its own MHessianVector's columns, 1e-9.</item>
    /// </list>
    /// </summary>
    public sealed partial class Checker
    {
        /// <summary>The failure key of MHessianVector off central differences of MGradient (PyTorch's hvp arbitrates it).</summary>
        public const string HessianVectorOffDifferences = "HessianVector";

        /// <summary>What the double twin's mode checks leave to the float twin's and to PyTorch, by coordinate.</summary>
        /// <param name="Jacobian">MJacobian at x, rows × coordinates (a field's column zero: it reads none), or null.</param>
        /// <param name="V">The direction of the Hessian-vector product (a field's entry zero), or null.</param>
        /// <param name="Hv">MHessianVector along <paramref name="V"/> at x, or null.</param>
        private sealed record ModeValues(int Rows, double[]? Jacobian, double[]? V, double[]? Hv);

        /// <summary>The columns of MJacobian and MHessian: the coordinates of the inputs, a layer's fields left out.</summary>
        /// <summary>
        /// The columns of MJacobian and MHessian, the coordinates of MHessianVector's direction: the parameters', then those of
        /// the layer's fields the method reads, in field order (README).
        /// </summary>
        private static List<Coord> MatrixColumns(List<Coord> coords) => coords.Where(c => !c.Field).Concat(coords.Where(c => c.Field && !c.Unread)).ToList();

        /// <summary>The rows of MJacobian by label: the returned value (<c>r</c>), then each element of each output (<c>y[3]</c>).</summary>
        public static List<string> RowLabels(Method m, Inputs x) => RowLabels(m, x, OutputSpans(m));

        /// <summary>The differentiable coordinates by label, in parameter order (<c>a</c>, <c>x[2]</c>, <c>pt.X</c>): the columns of the matrices PyTorch is asked for.</summary>
        public static List<string> CoordinateLabels(Method m, Inputs x) => Coordinates(m, x).Select(c => c.Label).ToList();

        private static List<string> RowLabels(Method m, Inputs x, int[] outs)
            => (m.ReturnsReal ? new[] { "r" } : Array.Empty<string>())
                .Concat(outs.SelectMany(o => Enumerable.Range(0, x.S[o].Length).Select(i => $"{SpanName(m, o)}[{i}]"))).ToList();

        /// <summary>A matrix buffer holding values a method that fills it must overwrite, every one.</summary>
        private double[] Spoiled(int length) => Enumerable.Range(0, length).Select(_ => 7 + Math.Round(Uniform(_modes), 3)).ToArray();

        /// <summary>Rows of values by column (<paramref name="columns"/>) as rows by coordinate: a field's entries zero.</summary>
        private static double[] ByCoordinate(List<Coord> coords, List<Coord> columns, double[] byColumn, int rows)
        {
            var result = new double[rows * coords.Count];
            for (int c = 0; c < coords.Count; c++)
            {
                int j = columns.IndexOf(coords[c]);
                for (int i = 0; j >= 0 && i < rows; i++) result[i * coords.Count + c] = byColumn[i * columns.Count + j];
            }

            return result;
        }

        private bool Generic(string callee) => _compiled.Program.Methods.Any(f => f.Name == callee && f.IsGeneric);

        /// <summary>How many parameters a method of the program takes (a nested call's arguments after them: a seed, gradients).</summary>
        private int Params(string callee) => _compiled.Program.Methods.First(f => f.Name == callee).Params.Length;

        /// <summary>What a mode's count of methods with a differentiable input of the other precision is called.</summary>
        public static string MixedPrecision(string mode) => mode + " checked on a method with a float input of a double method (a double matrix)";

        /// <summary>The double twin's P14–P16 at P1's inputs <paramref name="x"/> (<paramref name="fwd"/>: the forward's outputs there).</summary>
        private ModeValues CheckModes(Method m, Entry d, Inputs x, Inputs fwd, List<Coord> coords, double dR, double[][] dy, double[] fd, double scale, int[] outs)
        {
            var columns = MatrixColumns(coords);
            int rows = RowLabels(m, x, outs).Count;
            double[]? jacobian = null;
            if (d.Jacobian is not null)
            {
                // The strategy the generated MJacobian takes at these sizes (README): forward sweeps where there is an
                // MTangent and no more columns than rows.
                if (d.Tangent is not null && columns.Count <= rows) _result.JacobianForwardChecked++;
                else _result.JacobianBackwardChecked++;
                if (m.Params.Any(p => p.Struct is not null && !p.InStructSpan && p.IsDifferentiable)) _result.Count("MJacobian (P14) checked on a method with a struct parameter");
                if (m.Params.Any(p => p.InStructSpan && p.IsDifferentiable)) _result.Count("MJacobian (P14) checked on a method with a span of structs");
                if (m.GradientFields.Any()) _result.Count("MJacobian (P14) checked on a method reading a layer's differentiable fields");
                if (Measure.All(m.Body).Any(n => n is CallStmt { IsNested: true, Suffix: "Backward" } b && Generate.TangentCalls.IsHelper(b.Callee))) _result.Count("MJacobian (P14) checked on a method calling HBackward of an H writing outputs (HBackwardOfX…)");
                if (Measure.All(m.Body).Any(n => n is FieldArg)) _result.Count("MJacobian (P14) checked on a method calling a method of its layer (its twin HWithFields)");
                if (m.Params.Any(p => p.Kind == ParamKind.RealOut && !p.Result)) _result.Count("MJacobian (P14) checked on a method with an out result");
                if (m.ReturnsStruct) _result.Count("MJacobian (P14) checked on a method with a struct result");
                if (coords.Any(c => c.Float)) _result.Count(MixedPrecision("MJacobian (P14)"));
                var j = CheckJacobian(m, d, "", x, fwd, coords, outs, (a, b) => TangentRelative * (Math.Abs(a) + Math.Abs(b)) + TangentAbsolute * scale);
                CheckContraction(m, j, x, coords, dR, dy, fd, scale, outs);
                CheckLength(m, d.Jacobian, "MJacobian", "JacobianLength", Properties.Jacobian, "jacobian", j.Length, x, outs);
                jacobian = ByCoordinate(coords, columns, j, rows);
            }

            if (d.HessianVector is not { } hvp || d.Gradient is not { } gradient) return new ModeValues(rows, jacobian, null, null);
            _result.HessianVectorChecked++;
            if (Measure.All(m.Body).Any(n => n is CallExpr { IsNn: false })) _result.Count("MHessianVector (P15) checked on a method calling a method of the program");
            if (Measure.All(m.Body).Any(n => n is CallExpr { IsNn: true })) _result.Count("MHessianVector (P15) checked on a method calling an Nn loss (its registered second order)");
            if (Measure.All(m.Body).Any(n => n is CallStmt { IsNn: true })) _result.Count("MHessianVector (P15) checked on a method calling Nn layers (their backwards' registered tangents)");
            if (Measure.All(m.Body).Any(n => n is CallStmt { IsNn: true, Callee: "BatchNorm" })) _result.Count("MHessianVector (P15) checked on a method calling Nn.BatchNorm (its backward's registered tangent)");
            if (Measure.All(m.Body).Any(n => n is CallStmt { IsNn: false, IsNested: false } s && !s.Args.Any(a => a is OutArg))) _result.Count("MHessianVector (P15) checked on a method calling a method of the program that writes outputs (its MBackwardTangent)");
            bool Buffered(string callee) => _compiled.Program.Methods.FirstOrDefault(x => x.Name == callee)is { } m && Measure.Buffers(m).Any();
            if (Measure.All(m.Body).Any(n => n is CallStmt { IsNn: false, IsNested: false } s && Buffered(s.Callee)))
                _result.Count("MHessianVector (P15) checked on a method calling a method with a local buffer that writes outputs (its MBackwardTangent, the buffer lent)");
            if (Measure.All(m.Body).Any(n => n is CallExpr { IsNn: false, IsNested: false } c && Buffered(c.Callee)))
                _result.Count("MHessianVector (P15) checked on a method calling a method with a local buffer returning a value (its MTangentBackward)");
            if (Measure.All(m.Body).Any(n => n is CallExpr c && c.Args.Any(a => a is OutArg) || n is CallStmt s && s.Args.Any(a => a is OutArg)))
                _result.Count("MHessianVector (P15) checked on a method reading the results of a method with an out result (each result's method: H1ResultO)");
            if (Measure.All(m.Body).Any(n => n is CallExpr c && _compiled.Program.Methods.Any(x => x.Name == c.Callee && x.ReturnsStruct)))
                _result.Count("MHessianVector (P15) checked on a method calling a method returning a struct (each field's method: H1ResultX)");
            if (Measure.All(m.Body).Any(n => n is CallStmt { IsNn: false, IsNested: false } s && _compiled.Program.Methods.FirstOrDefault(x => x.Name == s.Callee) is { } callee
                    && callee.Params.Any(p => p.AsArray && (p.IsDifferentiable || p.Kind == ParamKind.RealSpanOut))))
                _result.Count("MHessianVector (P15) checked on a method calling a method of the program that takes or writes arrays (its MBackwardTangent)");
            if (Measure.All(m.Body).Any(n => n is CallExpr { IsNn: false, IsNested: false } c && Generic(c.Callee) || n is CallStmt { IsNn: false, IsNested: false } s && Generic(s.Callee)))
                _result.Count("MHessianVector (P15) checked on a method calling a generic method of the program (its second order per real type)");
            if (Measure.All(m.Body).Any(n => n is MathCall c && MathNames.SecondOrder.Contains(c.Function))) _result.Count("MHessianVector (P15) checked on a method calling a registered second order of a scalar (Smooth.Softplus)");
            if (Measure.All(m.Body).Any(n => n is MathCall { Function: "ScaledSoftplus" })) _result.Count("MHessianVector (P15) checked on a method calling a registered second order with a [NoDerivative] real argument (Smooth.ScaledSoftplus)");
            if (Measure.All(m.Body).Any(n => n is FieldArg)) _result.Count("MHessianVector (P15) checked on a method calling a method of its layer (its twin HWithFields)");
            if (m.Params.Any(p => p.Struct is not null && !p.InStructSpan && p.IsDifferentiable)) _result.Count("MHessianVector (P15) checked on a method with a struct parameter");
            if (Measure.All(m.Body).Any(n => n is StructFieldArg)) _result.Count("MHessianVector (P15) checked on a method passing a struct to a method of the program (its flat twin's TangentBackward)");
            if (columns.Any(c => c.Float)) _result.Count(MixedPrecision("MHessianVector (P15)"));
            if (m.Params.Any(p => p.InStructSpan && p.IsDifferentiable)) _result.Count("MHessianVector (P15) checked on a method with a span of structs");
            if (m.GradientFields.Any()) _result.Count("MHessianVector (P15) checked on a method reading a layer's differentiable fields");
            if (m.Params.Any(p => p.Kind == ParamKind.RealSpanOut)) _result.Count("MHessianVector (P15) checked on a method writing Span outputs (intermediates: MTangent writes them first)");
            if (m.Params.Any(p => p.Kind == ParamKind.RealSpanOut) && (m.GradientFields.Any() || m.Params.Any(p => p.Struct is not null && p.IsDifferentiable)))
                _result.Count("MHessianVector (P15) checked on a method writing Span outputs and taking a struct, a span of structs or a layer's fields (their directions MTangent's tangents)");
            if (m.Checkpoint is not null) _result.Count("MHessianVector (P15) checked on a method that checkpoints its loops (snapshots of the state and its tangent)");
            if (Measure.All(m.Body).Any(n => n is CallExpr { IsNested: true } or CallStmt { IsNested: true })) _result.Count("MHessianVector (P15) checked on a method with nested calls (F's third order)");
            if (Measure.All(m.Body).Any(n => n is CallStmt { IsNested: true, Suffix: "Tangent" })) _result.Count("MHessianVector (P15) checked on a method calling HTangent of an H writing outputs (HTangentBackwardTangent)");
            if (Measure.All(m.Body).Any(n => n is CallStmt { IsNested: true, Suffix: "Backward" } b && Generate.TangentCalls.IsHelper(b.Callee))) _result.Count("MHessianVector (P15) checked on a method calling HBackward of an H writing outputs (HBackwardOfXBackwardTangent)");
            if (Measure.All(m.Body).Any(n => n is CallExpr { IsNested: true, Suffix: "Gradient" } c && c.Args.Skip(Params(c.Callee)).OfType<SpanArg>().Any()
                    || n is CallStmt { IsNested: true } s && s.Args.Skip(Params(s.Callee)).OfType<SpanArg>().Any()))
                _result.Count("MHessianVector (P15) checked on a method adding a span's gradient of a nested call (N0GradientOfXBackwardTangent)");
            if (Measure.All(m.Body).Any(n => n is CallExpr { IsNested: true } c && CallsOwnMethods(c.Callee) || n is CallStmt { IsNested: true } s && CallsOwnMethods(s.Callee)))
                _result.Count("MHessianVector (P15) checked on a method with nested calls of an F calling methods of its own (their third orders)");
            if (Measure.All(m.Body).Any(n => n is CallStmt { IsNested: true } s && Generate.TangentCalls.IsHelper(s.Callee) && CallsNn(s.Callee)))
                _result.Count("MHessianVector (P15) checked on a method calling HTangent or HBackward of an H calling Nn primitives (their tangents' registered third order)");
            bool CallsNn(string h) => _compiled.Program.Methods.FirstOrDefault(x => x.Name == h) is { } callee
                && (Measure.All(callee.Body).Any(n => n is CallStmt { IsNn: true } or CallExpr { IsNn: true })
                    || Measure.All(callee.Body).Any(n => n is CallStmt { IsNn: false, IsNested: false } c && c.Callee != h && Generate.TangentCalls.IsHelper(c.Callee) && CallsNn(c.Callee)));
            bool CallsOwnMethods(string f) => _compiled.Program.Methods.FirstOrDefault(x => x.Name == f) is { } callee
                && Measure.All(callee.Body).Any(n => n is CallExpr { IsNn: false, IsNested: false });
            double[] Direction() => columns.Select(_ => (double)(float)(-1 + 2 * Uniform(_modes))).ToArray();
            var v = Direction();
            var u = Direction();
            // Central differences of the gradient along v step a float input by floats, which a direction cannot follow: v leaves
            // it where it is (its column of H is checked through u, by symmetry, and by MHessian's unit columns).
            for (int i = 0; i < columns.Count; i++) if (columns[i].Float) v[i] = 0;
            var hv = Products(m, hvp, "MHessianVector", x, columns, v);
            var hu = Products(m, hvp, "MHessianVector (along u)", x, columns, u);

            // Accumulates (+=) into prefilled products.
            var pre = NewGradients(m, x, prefill: true, _modes);
            var acc = Clone(pre);
            Products(m, hvp, "MHessianVector (prefilled)", x, columns, v, into: acc);
            CompareAll(m, Properties.HessianVector, "HessianVectorAccumulates", columns, c => Grad(pre.Dr, pre.Ds, c) + Grad(hv.Dr, hv.Ds, c), c => Grad(acc.Item1, acc.Item2, c),
                (a, b, c) => Accumulated(c, Grad(pre.Dr, pre.Ds, c), a, b), "prefill + H·v", "MHessianVector into prefilled products", x);

            // An empty direction span (default) is zero: half the time, one span's direction passed empty.
            var spans = columns.Where(c => c.GradSpan >= 0).Select(c => c.GradSpan).Distinct().ToList();
            if (spans.Count > 0 && Uniform(_modes) < 0.5)
            {
                int k = spans[(int)(Uniform(_modes) * spans.Count)];
                var empty = columns.Select(c => c.GradSpan == k).ToArray();
                var zeroed = v.Select((t, i) => empty[i] ? 0 : t).ToArray();
                var hz = Products(m, hvp, "MHessianVector (a zero direction)", x, columns, zeroed);
                var he = Products(m, hvp, "MHessianVector (a default direction)", x, columns, zeroed, empty);
                CompareAll(m, Properties.HessianVector, "HessianVectorEmpty", columns, c => Grad(hz.Dr, hz.Ds, c), c => Grad(he.Dr, he.Ds, c),
                    (a, b, _) => ExactRelative * (1 + Math.Abs(a) + Math.Abs(b)), $"with zeros for v{SpanName(m, columns.First(c => c.GradSpan == k).Span)}", "with default", x);
            }

            // The gradient along x + t·v (MGradient); its size G is the scale of the absolute tolerances.
            double gscale = 1;
            double[]? GradientAt(double t)
            {
                var moved = x.Fresh();
                for (int i = 0; i < columns.Count; i++) Set(moved, columns[i], Get(x, columns[i]) + t * v[i]);
                var g = NewGradients(m, x, false);
                double value = Generated(m, "MGradient (along v)", moved, false, () => gradient(moved.R, moved.S, moved.N, moved.NS, moved.B, g.Dr, g.Ds), Properties.HessianVector);
                // A float input's gradient is a float: its differences at these steps are its rounding, not H·v (its row of H·v
                // is checked by the symmetry below and by PyTorch's hvp).
                var row = columns.Select(c => c.Float ? 0 : Grad(g.Dr, g.Ds, c)).ToArray();
                if (!double.IsFinite(value) || Math.Abs(value) > MaxMagnitude || !row.All(double.IsFinite)) return null;
                gscale = Math.Max(gscale, 1 + row.Sum(Math.Abs));
                return row;
            }

            var g0 = GradientAt(0);

            // Symmetric: ⟨u, H·v⟩ = ⟨v, H·u⟩.
            double uHv = 0, vHu = 0, sum = 0, slack = 0;
            for (int i = 0; i < columns.Count; i++)
            {
                uHv += u[i] * Grad(hv.Dr, hv.Ds, columns[i]);
                vHu += v[i] * Grad(hu.Dr, hu.Ds, columns[i]);
                double terms = Math.Abs(u[i] * Grad(hv.Dr, hv.Ds, columns[i])) + Math.Abs(v[i] * Grad(hu.Dr, hu.Ds, columns[i]));
                sum += terms;
                slack += Slack(columns[i], terms, terms, 0);
            }

            double symmetryTolerance = TangentRelative * sum + TangentAbsolute * gscale + slack;
            if (!(Math.Abs(uHv - vHu) <= symmetryTolerance))
            {
                Fail(OutcomeKind.WrongValue, Properties.HessianVector, "HessianVectorSymmetric",
                    $"<u, H·v> = {N(uHv)}, <v, H·u> = {N(vHu)} (tolerance {symmetryTolerance:G3})\n  u: {string.Join(", ", u.Select(N))}\n  v: {string.Join(", ", v.Select(N))}\n  at inputs {x.Describe(m)}", m);
            }

            // Central differences of MGradient along v, where the gradient is smooth there.
            double h = StepRelative * Math.Max(1, columns.Select(c => Math.Abs(Get(x, c))).DefaultIfEmpty(0).Max());
            if (g0 is null || Slopes(GradientAt, g0, h, () => gscale) is not { Kink: false } slope)
            {
                _result.HessianVectorKinks++;
            }
            else
            {
                // The slope at h, or Richardson's extrapolation where it is nearer ours: the gradient is one derivative deeper
                // than P1's loss, and a loop iterating a map (s -= cos(v·s), 48 times on 5VcXEm9d7y_1) makes its third
                // derivative large enough that the slope at h is 1e-5 off in truncation alone (52.058898 at h, 52.059419 at
                // h/4: 16 times nearer ours, 52.059454, which Richardson's 52.059454 gives to 8 digits).
                double Estimate(int i) => Nearer(slope.Slope[i], slope.Extrapolated[i], Grad(hv.Dr, hv.Ds, columns[i]));
                CompareEntries(m, Properties.HessianVector, HessianVectorOffDifferences, Enumerable.Range(0, columns.Count).Where(i => !columns[i].Float).ToList(), i => $"(H·v)[{columns[i].Label}]", Estimate,
                    i => Grad(hv.Dr, hv.Ds, columns[i]), (a, b, _) => FdRelative * Math.Max(Math.Abs(a), Math.Abs(b)) + FdAbsolute * gscale,
                    "central differences of MGradient along v", "MHessianVector", x);
            }

            if (d.Hessian is { } hessian)
            {
                _result.HessianChecked++;
                if (m.Params.Any(p => p.Struct is not null && !p.InStructSpan && p.IsDifferentiable)) _result.Count("MHessian (P16) checked on a method with a struct parameter");
                if (m.Params.Any(p => p.InStructSpan && p.IsDifferentiable)) _result.Count("MHessian (P16) checked on a method with a span of structs");
                if (m.GradientFields.Any()) _result.Count("MHessian (P16) checked on a method reading a layer's differentiable fields");
                if (columns.Any(c => c.Float)) _result.Count(MixedPrecision("MHessian (P16)"));
                var matrix = CheckHessian(m, hessian, hvp, "", x, columns);
                var all = Enumerable.Range(0, columns.Count).SelectMany(i => Enumerable.Range(i + 1, columns.Count - i - 1).Select(j => (I: i, J: j))).ToList();
                CompareEntries(m, Properties.Hessian, "HessianSymmetric", all, e => $"H[{columns[e.I].Label}, {columns[e.J].Label}] and H[{columns[e.J].Label}, {columns[e.I].Label}]",
                    e => matrix[e.I * columns.Count + e.J], e => matrix[e.J * columns.Count + e.I],
                    (a, b, e) => TangentRelative * (Math.Abs(a) + Math.Abs(b)) + TangentAbsolute * gscale + Math.Max(Slack(columns[e.I], a, b, 1), Slack(columns[e.J], a, b, 1)),
                    "one", "the other", x);
                CheckLength(m, hessian, "MHessian", "HessianLength", Properties.Hessian, "hessian", matrix.Length, x, outs);
            }

            return new ModeValues(rows, jacobian, ByCoordinate(coords, columns, v, 1), coords.Select(c => c.Unread ? 0 : Grad(hv.Dr, hv.Ds, c)).ToArray());
        }

        private static double Nearer(double a, double b, double to) => Math.Abs(b - to) < Math.Abs(a - to) ? b : a;

        /// <summary>
        /// The float twin's P14–P16 at the float-rounded inputs <paramref name="xf"/> (<paramref name="ff"/>: the float
        /// forward's outputs there), once P6 found its gradients as the double twin's; <paramref name="scale"/> is P6's.
        /// </summary>
        /// <remarks>
        /// Where the float twin's H·v is off the double twin's by more than the input jiggle explains, PyTorch float32 arbitrates
        /// (<see cref="TorchCase.FloatHv"/>): rounding inside the derivative (σ(1 − σ) of a saturated sigmoid, found on
        /// <c>4AJKkaVuy5v1</c>: −0.0125 vs −0.0647) is not an input perturbation, and only the same formulas run in float32 show it.
        /// </remarks>
        private void CheckModesFloat(Method m, Entry f, Entry d, Inputs xf, Inputs ff, List<Coord> coords, int[] outs, double scale,
            double dR, double[][] dy, (double[] Dr, double[][] Ds) gradients)
        {
            var columns = MatrixColumns(coords);
            if (f.Jacobian is not null)
            {
                _result.JacobianFloatChecked++;
                CheckJacobian(m, f, " (float)", xf, ff, coords, outs, (a, b) => FloatTolerance(a, b, scale), d.Jacobian);
            }

            if (f.HessianVector is not { } hvp || d.HessianVector is not { } doubleHvp) return;
            _result.HessianVectorFloatChecked++;
            var v = columns.Select(_ => (double)(float)(-1 + 2 * Uniform(_modes))).ToArray();
            var hf = Products(m, hvp, "MHessianVector (float)", xf, columns, v);
            var hd = Products(m, doubleHvp, "MHessianVector (double, float inputs)", xf, columns, v);
            double hscale = Math.Max(scale, 1 + columns.Sum(c => Math.Abs(Grad(hd.Dr, hd.Ds, c))));
            if (!double.IsFinite(hscale) || columns.Any(c => !double.IsFinite(Grad(hf.Dr, hf.Ds, c))))
            {
                // Past float's range, as P6 takes it: an intermediate that overflows float only (eAarmLxiVRk1: (1 + X²)² with
                // X ≈ 1e21, its adjoint 0 times ∞) leaves no scale to compare float against double at.
                _result.FloatValueMismatches++;
                return;
            }

            // How much H·v moves when the inputs move by float's rounding (2⁻²³ relative, random signs): float arithmetic is such a
            // perturbation (backward error), so where H·v is that sensitive — a sine near zero of a value grown through a loop
            // times a large squared slope (ao4Yq9q_WDy1: 386.3 vs 387.4) — the float twin may be that far off, within 64 of it.
            var jiggled = xf.Fresh();
            foreach (var c in columns) Set(jiggled, c, Get(xf, c) * (1 + (Uniform(_modes) < 0.5 ? -1 : 1) * Math.Pow(2, -23)));
            var hj = Products(m, doubleHvp, "MHessianVector (double, jiggled inputs)", jiggled, columns, v);
            double Sensitivity(Coord c) => Math.Abs(Grad(hj.Dr, hj.Ds, c) - Grad(hd.Dr, hd.Ds, c));
            if (CompareAll(m, Properties.HessianVector, "HessianVectorFloat", columns, c => Grad(hd.Dr, hd.Ds, c), c => Grad(hf.Dr, hf.Ds, c),
                (a, b, c) => FloatTolerance(a, b, hscale) + (64 * Sensitivity(c)), "double twin", "float twin", xf))
            {
                double[] ByCoord((double[] Dr, double[][] Ds) h) => coords.Select(c => c.Unread ? 0 : Grad(h.Dr, h.Ds, c)).ToArray();
                TorchCases.Add(new TorchCase(_compiled.Id, _compiled.Program, m, xf, dR, dy.Select(a => (double[]?)a.Clone()).ToArray(), gradients.Dr, gradients.Ds, Arbitrate: true,
                    V: ByCoordinate(coords, columns, v, 1), Hv: ByCoord(hd), FloatHv: ByCoord(hf)));
            }

            if (f.Hessian is { } hessian)
            {
                _result.HessianFloatChecked++;
                CheckHessian(m, hessian, hvp, " (float)", xf, columns);
            }
        }

        /// <summary>
        /// P14 in one twin: MJacobian (into a spoiled buffer: it must write every entry) against MBackward's rows with unit
        /// cotangents and, where there is one, MTangent's columns with unit tangents, within <paramref name="tolerance"/>;
        /// and the outputs written as the forward wrote them (<paramref name="forward"/>).
        /// </summary>
        /// <returns>The Jacobian, rows × <see cref="MatrixColumns"/>.</returns>
        /// <param name="doubleTwin">
        /// For a float twin, the double twin's MJacobian: an entry not finite in one of the float twin's modes only, where the
        /// double twin's at the same inputs is finite and agrees with the other mode, is float's range overflowing in that
        /// mode (a forward sweep's tangent past 3.4e38 times a zero, 53pbiT494xq1): counted, not failed (as CheckTangent).
        /// </param>
        private double[] CheckJacobian(Method m, Entry e, string twin, Inputs at, Inputs forward, List<Coord> coords, int[] outs, Func<double, double, double> tolerance,
            MatrixFn? doubleTwin = null)
        {
            var columns = MatrixColumns(coords);
            var rows = RowLabels(m, at, outs);
            double[] Jacobian(MatrixFn jacobianFn, string what)
            {
                var matrix = Spoiled(rows.Count * columns.Count);
                var call = at.Fresh();
                Generated(m, what, call, false, () =>
                {
                    jacobianFn(call.R, call.S, call.N, call.NS, call.B, matrix);
                    return 0;
                }, Properties.Jacobian);
                if (jacobianFn == e.Jacobian) CheckOutputs(m, what, Properties.Jacobian, "JacobianOutputs", call, forward, outs, at);
                return matrix;
            }

            var jacobian = Jacobian(e.Jacobian!, "MJacobian" + twin);
            var entries = Enumerable.Range(0, rows.Count).SelectMany(i => Enumerable.Range(0, columns.Count).Select(j => (I: i, J: j))).ToList();
            string Label((int I, int J) ij) => $"∂{rows[ij.I]}/∂{columns[ij.J].Label}";
            double Actual((int I, int J) ij) => jacobian[ij.I * columns.Count + ij.J];
            double[]? inDouble = null;
            bool pastRange = false;
            bool PastFloatRange((int I, int J) ij, double finite)
            {
                if (doubleTwin is null) return false;
                inDouble ??= Jacobian(doubleTwin, "MJacobian (double, float inputs)");
                double v = inDouble[ij.I * columns.Count + ij.J];
                return pastRange |= double.IsFinite(v) && Math.Abs(v - finite) <= tolerance(v, finite) + Slack(columns[ij.J], v, finite, 1);
            }

            // Row i: MBackward with the unit cotangent of result i, zero for the others.
            var byRow = new double[rows.Count][];
            for (int i = 0; i < rows.Count; i++)
            {
                var dy = outs.Select(o => new double[forward.S[o].Length]).ToArray();
                int k = i - (m.ReturnsReal ? 1 : 0);
                for (int o = 0; k >= 0 && o < outs.Length; k -= dy[o++].Length)
                {
                    if (k < dy[o].Length) dy[o][k] = 1;
                }

                var g = NewGradients(m, at, false);
                var bcall = Copy(forward);
                double dR = m.ReturnsReal && i == 0 ? 1 : 0;
                Generated(m, $"MBackward{twin} (unit cotangent)", bcall, true, () =>
                {
                    e.Backward(bcall.R, bcall.S, bcall.N, bcall.NS, bcall.B, dR, dy, g.Dr, g.Ds);
                    return 0;
                }, Properties.Jacobian);
                byRow[i] = columns.Select(c => Grad(g.Dr, g.Ds, c)).ToArray();
            }

            CompareEntries(m, Properties.Jacobian, "Jacobian" + (twin.Length > 0 ? "Float" : ""), entries, Label, ij => byRow[ij.I][ij.J], Actual, (a, b, ij) => tolerance(a, b) + Slack(columns[ij.J], a, b, 1),
                "MBackward" + twin + " (unit cotangent)", "MJacobian" + twin, at, PastFloatRange);

            if (e.Tangent is { } tangent)
            {
                // Column j: MTangent along the unit tangent of input coordinate j.
                var byColumn = new double[columns.Count][];
                for (int j = 0; j < columns.Count; j++)
                {
                    var (tr, ts) = Directions(m, at, columns, columns.Select((_, c) => c == j ? 1.0 : 0).ToArray());
                    var tcall = at.Fresh();
                    var ty = outs.Select(o => (double[]?)new double[tcall.S[o].Length]).ToArray();
                    double rdot = Generated(m, $"MTangent{twin} (unit tangent)", tcall, false, () => tangent(tcall.R, tcall.S, tcall.N, tcall.NS, tcall.B, tr, ts, ty), Properties.Jacobian);
                    byColumn[j] = (m.ReturnsReal ? new[] { rdot } : Array.Empty<double>()).Concat(ty.SelectMany(t => t!)).ToArray();
                }

                CompareEntries(m, Properties.Jacobian, "JacobianTangent" + (twin.Length > 0 ? "Float" : ""), entries, Label, ij => byColumn[ij.J][ij.I], Actual, (a, b, ij) => tolerance(a, b) + Slack(columns[ij.J], a, b, 1),
                    "MTangent" + twin + " (unit tangent)", "MJacobian" + twin, at, PastFloatRange);
            }

            if (pastRange) _result.FloatForwardPastRange++;
            return jacobian;
        }

        /// <summary>
        /// P14 against central differences: the Jacobian contracted with P1's cotangents, dR·J[r, :] + Σ dy·J[y, :], is the
        /// gradient of P1's loss, which P1's central differences <paramref name="fd"/> (kink-free at this draw) give.
        /// </summary>
        private void CheckContraction(Method m, double[] jacobian, Inputs x, List<Coord> coords, double dR, double[][] dy, double[] fd, double scale, int[] outs)
        {
            var columns = MatrixColumns(coords);
            var weights = (m.ReturnsReal ? new[] { dR } : Array.Empty<double>()).Concat(dy.SelectMany(a => a)).ToArray();
            var contracted = columns.Select((_, j) => weights.Select((w, i) => w * jacobian[i * columns.Count + j]).Sum()).ToArray();
            CompareEntries(m, Properties.Jacobian, "JacobianDifferences", Enumerable.Range(0, columns.Count).ToList(), j => "d" + columns[j].Label, j => fd[coords.IndexOf(columns[j])],
                j => contracted[j], (a, b, _) => FdRelative * Math.Max(Math.Abs(a), Math.Abs(b)) + FdAbsolute * scale, "central differences", "dResult·J[r, :] + Σ dy·J[y, :]", x);
        }

        /// <summary>
        /// MHessian (into a spoiled buffer) against MHessianVector along each unit vector: column j, written as row j. Exact:
        /// the same calls.
        /// </summary>
        /// <returns>The Hessian, n × n over <paramref name="columns"/>.</returns>
        private double[] CheckHessian(Method m, MatrixFn hessian, HessianVectorFn hvp, string twin, Inputs at, List<Coord> columns)
        {
            int n = columns.Count;
            var matrix = Spoiled(n * n);
            var call = at.Fresh();
            // Like the method (and MJacobian), MHessian and MHessianVector write its outputs (README): they are not primal here.
            Generated(m, "MHessian" + twin, call, false, () =>
            {
                hessian(call.R, call.S, call.N, call.NS, call.B, matrix);
                return 0;
            }, Properties.Hessian);
            var byColumn = Enumerable.Range(0, n).Select(j => Products(m, hvp, $"MHessianVector{twin} (unit direction)", at, columns, columns.Select((_, c) => c == j ? 1.0 : 0).ToArray())).ToList();
            var entries = Enumerable.Range(0, n).SelectMany(j => Enumerable.Range(0, n).Select(i => (I: i, J: j))).ToList();
            CompareEntries(m, Properties.Hessian, "Hessian" + (twin.Length > 0 ? "Float" : ""), entries, e => $"H[{columns[e.I].Label}, {columns[e.J].Label}]",
                e => Grad(byColumn[e.J].Dr, byColumn[e.J].Ds, columns[e.I]), e => matrix[e.J * n + e.I], (a, b, _) => ExactRelative * (1 + Math.Abs(a) + Math.Abs(b)),
                $"MHessianVector{twin} along the unit vector", "MHessian" + twin, at);
            return matrix;
        }

        /// <summary>MHessianVector along <paramref name="direction"/> (by column; the <paramref name="empty"/> span passed as <c>default</c>), accumulated into zeros or <paramref name="into"/>.</summary>
        private (double[] Dr, double[][] Ds) Products(Method m, HessianVectorFn hvp, string what, Inputs at, List<Coord> columns, double[] direction, bool[]? empty = null,
            (double[] Dr, double[][] Ds)? into = null)
        {
            var (vr, vs) = Directions(m, at, columns, direction, empty);
            var h = into ?? NewGradients(m, at, false);
            var call = at.Fresh();
            Generated(m, what, call, false, () =>
            {
                hvp(call.R, call.S, call.N, call.NS, call.B, vr, vs, h.Dr, h.Ds);
                return 0;
            }, Properties.HessianVector);
            return h;
        }

        /// <summary>
        /// README: MJacobian and MHessian check the matrix's length first. Given one element too many, the call throws an
        /// <see cref="ArgumentException"/> naming <paramref name="parameter"/>, before writing an output or taking workspace.
        /// </summary>
        private void CheckLength(Method m, MatrixFn fill, string what, string key, string property, string parameter, int length, Inputs x, int[] outs)
        {
            var call = x.Fresh();
            var before = Workspace.Current.Mark();
            string? wrong = null;
            try
            {
                fill(call.R, call.S, call.N, call.NS, call.B, new double[length + 1]);
                wrong = "returned";
            }
            catch (ArgumentException ex) when (ex.ParamName == parameter)
            {
                if (outs.Any(o => !call.S[o].AsSpan().SequenceEqual(x.OutputInit[o]))) wrong = "threw as it should, but after writing an output";
                else if (Workspace.Current.Mark() != before) wrong = $"threw as it should, but left the workspace at {Workspace.Current.Mark()} (was {before})";
            }
            catch (Exception ex)
            {
                wrong = $"threw {ex.GetType().Name}: {ex.Message}";
            }

            if (wrong is not null)
            {
                Fail(OutcomeKind.WrongValue, property, key, $"{what} given a {parameter} of length {length + 1} for {length} elements {wrong}.\n  at inputs {x.Describe(m)}", m);
            }
        }
    }
}
