using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using SymGrad.RandomPrograms.Model;
using SymGrad.RandomPrograms.Print;

namespace SymGrad.RandomPrograms.Check
{
    public sealed class TorchUnavailableException : Exception
    {
        public TorchUnavailableException(string message)
            : base(message)
        {
        }
    }

    /// <summary>
    /// The independent oracle: prints the checked methods as PyTorch, runs all of them in one <c>/usr/bin/python3</c>
    /// process (one script in, one JSON document out) and compares autograd's gradients of
    /// L = dResult·r + Σ dy·y with MBackward's at the same inputs and cotangents (P9); and, for the double twin's cases
    /// that carry them (P17), <c>torch.autograd.functional.jvp</c> along P13's direction with MTangent,
    /// <c>hvp</c> along P15's direction with MHessianVector and, where the Jacobian has at most
    /// <see cref="JacobianRows"/> rows (one backward pass each in PyTorch), <c>jacobian</c> with MJacobian.
    /// Tolerance: both are exact derivatives evaluated in double, differing only in summation order:
    /// 1e-6·max(|a|, |b|) + 1e-9·(1 + Σ|ours|) over the entries compared together; for H·v, plus twice the change of
    /// PyTorch's own H·v at inputs one or two ulps away (the function's conditioning, <see cref="Sensitivity"/>).
    /// </summary>
    public static class TorchOracle
    {
        public const string Python = "/usr/bin/python3";

        /// <summary>The most rows a Jacobian may have for PyTorch to compute it (one backward pass of the interpreted program per row).</summary>
        public const int JacobianRows = 24;

        /// <summary>Throws <see cref="TorchUnavailableException"/> with the install command when torch cannot be imported.</summary>
        public static void EnsureAvailable()
        {
            var (code, _, err) = RunPython("import torch\n", TimeSpan.FromMinutes(2));
            if (code != 0)
            {
                throw new TorchUnavailableException(
                    $"'{Python} -c \"import torch\"' failed ({err.Trim().Split('\n').LastOrDefault()}): install PyTorch with 'apt-get install python3-torch python3-numpy'.");
            }
        }

        public static string Script(IReadOnlyList<TorchCase> cases)
        {
            var sb = new StringBuilder(PythonPrinter.Prelude);
            var printed = new HashSet<int>();
            foreach (var c in cases)
            {
                if (printed.Add(c.ProgramId)) sb.Append(PythonPrinter.Program(c.Program, c.ProgramId));
            }

            sb.Append("results = []\n");
            for (int k = 0; k < cases.Count; k++)
            {
                sb.Append(Case(cases[k], k));
            }

            // JSON has no NaN or ±∞: they travel as strings ("nan", "inf", "-inf"), which double.Parse reads back.
            sb.Append("def finite_or_text(v):\n");
            sb.Append("    if isinstance(v, list): return [finite_or_text(u) for u in v]\n");
            sb.Append("    if isinstance(v, dict): return {k: finite_or_text(u) for k, u in v.items()}\n");
            sb.Append("    if isinstance(v, float) and not math.isfinite(v): return 'NaN' if v != v else ('Infinity' if v > 0 else '-Infinity')\n");
            sb.Append("    return v\n");
            sb.Append("json.dump(finite_or_text(results), sys.stdout)\n");
            return sb.ToString();
        }

        /// <summary>
        /// A real as a Python float literal: an integral value keeps a decimal point (<c>-1.0</c>, not <c>-1</c>), or
        /// torch.tensor makes it an integer tensor, on which softplus and autograd fail (a [NoDerivative] real left at its
        /// default, b = -1.0: seed 4205's 7SYct_LwfmK1, FOUND).
        /// </summary>
        public static string F(double v)
        {
            string text = v.ToString("R", CultureInfo.InvariantCulture);
            return !double.IsFinite(v) || text.IndexOfAny(new[] { '.', 'E' }) >= 0 ? text : text + ".0";
        }

        private static string List(IEnumerable<double> xs) => "[" + string.Join(", ", xs.Select(F)) + "]";

        private static string Case(TorchCase c, int k)
        {
            var m = c.Method;
            var x = c.Inputs.Fresh();
            var sb = new StringBuilder();
            sb.Append(CultureInfo.InvariantCulture, $"def case{k}():\n");
            sb.Append(CultureInfo.InvariantCulture, $"    torch.set_default_dtype(torch.{(c.IsFloat || c.IsFloatHessianVector ? "float32" : "float64")})\n");

            // The leaves (differentiable scalars and spans) and the constants outside run(); inside it, the spans' views and
            // fresh outputs, so that each call of run (jvp, hvp and jacobian call it again) starts from the same state.
            var args = new List<string>();
            var leaves = new List<string>();
            var views = new StringBuilder();
            var outputs = new List<string>();
            int ri = 0, si = 0, ni = 0, nsi = 0, bi = 0;
            foreach (var p in m.Params)
            {
                string name = "a_" + p.Name;
                switch (p.Kind)
                {
                    case ParamKind.RealScalar:
                        sb.Append(CultureInfo.InvariantCulture, $"    {name} = torch.tensor({F(x.R[ri++])}, requires_grad={(p.IsDifferentiable ? "True" : "False")})\n");
                        if (p.IsDifferentiable) leaves.Add(name);
                        break;
                    case ParamKind.OtherScalar:
                        sb.Append(CultureInfo.InvariantCulture, $"    {name} = T({F(x.R[ri++])})\n");
                        break;
                    case ParamKind.RealSpanIn:
                        sb.Append(CultureInfo.InvariantCulture, $"    {name}_t = torch.tensor({List(x.S[si])}, requires_grad={(p.IsDifferentiable ? "True" : "False")})\n");
                        views.Append(CultureInfo.InvariantCulture, $"        {name} = View(list({name}_t.unbind()) if {x.S[si].Length} > 0 else [], 0, {x.S[si].Length})\n");
                        if (p.IsDifferentiable) leaves.Add(name + "_t");
                        si++;
                        break;
                    case ParamKind.RealSpanOut or ParamKind.RealOut:
                        views.Append(CultureInfo.InvariantCulture, $"        {name} = View([T(v) for v in {List(x.S[si])}], 0, {x.S[si].Length})\n");
                        outputs.Add(name);
                        si++;
                        break;
                    case ParamKind.Size:
                        sb.Append(CultureInfo.InvariantCulture, $"    {name} = {x.N[ni++]}\n");
                        break;
                    case ParamKind.IntSpan:
                        sb.Append(CultureInfo.InvariantCulture, $"    {name} = [{string.Join(", ", x.NS[nsi++])}]\n");
                        break;
                    case ParamKind.Bool:
                        sb.Append(CultureInfo.InvariantCulture, $"    {name} = {(x.B[bi++] ? "True" : "False")}\n");
                        break;
                }

                args.Add(name);
            }

            sb.Append(CultureInfo.InvariantCulture, $"    leaves = [{string.Join(", ", leaves)}]\n");
            sb.Append("    def run(*xs):\n");
            if (leaves.Count > 0) sb.Append(CultureInfo.InvariantCulture, $"        ({string.Join(", ", leaves)},) = xs\n");
            sb.Append(views);
            sb.Append(CultureInfo.InvariantCulture, $"        return {PythonPrinter.FunctionName(c.ProgramId, m.Name)}({string.Join(", ", args)}), [{string.Join(", ", outputs)}]\n");
            sb.Append("    r, outs = run(*leaves)\n");
            sb.Append("    L = T(0)\n");
            if (m.ReturnsReal) sb.Append(CultureInfo.InvariantCulture, $"    L = L + {F(c.DResult)} * r\n");
            for (int o = 0; o < outputs.Count; o++)
            {
                if (c.Dy[o] is not { } dy) continue;
                sb.Append(CultureInfo.InvariantCulture, $"    for i, d in enumerate({List(dy)}): L = L + d * outs[{o}][i]\n");
            }

            sb.Append("    if leaves and L.requires_grad:\n");
            sb.Append("        gs = torch.autograd.grad(L, leaves, allow_unused=True)\n");
            sb.Append("    else:\n");
            sb.Append("        gs = [None] * len(leaves)\n");
            sb.Append("    result = {'g': [([] if g is None and l.dim() > 0 else [0.0] * l.numel() if g is None else g.clone().reshape(-1).tolist()) if l.dim() > 0 else (0.0 if g is None else g.item()) for g, l in zip(gs, leaves)]}\n");
            var asked = ModesAsked(c).ToList();
            if (asked.Count > 0)
            {
                // The result and the outputs as one vector: the rows of MJacobian.
                sb.Append("    def flat(*xs):\n");
                sb.Append("        r, outs = run(*xs)\n");
                sb.Append(CultureInfo.InvariantCulture, $"        parts = {(m.ReturnsReal ? "[torch.as_tensor(r).reshape(1)]" : "[]")} + [torch.stack([torch.as_tensor(o[i]) for i in range(len(o))]) for o in outs if len(o) > 0]\n");
                sb.Append("        return torch.cat(parts) if parts else torch.zeros(0)\n");
                sb.Append("    def along(values):\n");
                sb.Append("        out, at = [], 0\n");
                sb.Append("        for l in leaves:\n");
                sb.Append("            out.append(torch.tensor(values[at:at + l.numel()]).reshape(l.shape))\n");
                sb.Append("            at += l.numel()\n");
                sb.Append("        return tuple(out)\n");
                sb.Append("    try:\n");
                if (asked.Contains("TorchTangent"))
                {
                    sb.Append(CultureInfo.InvariantCulture, $"        result['jvp'] = torch.autograd.functional.jvp(flat, tuple(leaves), along({List(c.Direction!)}))[1].clone().reshape(-1).tolist()\n");
                }

                if (asked.Contains("TorchHessianVector"))
                {
                    sb.Append(CultureInfo.InvariantCulture, $"        hv = torch.autograd.functional.hvp(lambda *xs: torch.as_tensor(run(*xs)[0]), tuple(leaves), along({List(c.V!)}))[1]\n");
                    sb.Append("        result['hvp'] = [v for h in hv for v in h.clone().reshape(-1).tolist()]\n");
                    if (!c.IsFloatHessianVector)
                    {
                        // The same product at inputs a rounding error away (×(1 + 2⁻⁵¹), one or two ulps): how far the
                        // function's own conditioning moves H·v when the primal values round differently (Modes' tolerance).
                        sb.Append(CultureInfo.InvariantCulture, $"        hs = torch.autograd.functional.hvp(lambda *xs: torch.as_tensor(run(*xs)[0]), tuple((l * (1 + 2.0 ** -51)).detach().requires_grad_(True) for l in leaves), along({List(c.V!)}))[1]\n");
                        sb.Append("        result['hvp_shift'] = [v for h in hs for v in h.clone().reshape(-1).tolist()]\n");
                    }
                }

                if (asked.Contains("TorchJacobian"))
                {
                    sb.Append("        jac = torch.autograd.functional.jacobian(flat, tuple(leaves))\n");
                    sb.Append(CultureInfo.InvariantCulture, $"        result['jac'] = torch.cat([j.clone().reshape({c.Rows}, l.numel()) for j, l in zip(jac, leaves)], dim=1).reshape(-1).tolist()\n");
                }

                sb.Append("    except Exception as e:\n");
                sb.Append("        result['modes_error'] = type(e).__name__ + ': ' + str(e)\n");
            }

            sb.Append("    return result\n");
            sb.Append(CultureInfo.InvariantCulture, $"try:\n    results.append({{'ok': case{k}()}})\nexcept Exception as e:\n    results.append({{'error': type(e).__name__ + ': ' + str(e)}})\n");
            return sb.ToString();
        }

        /// <summary>Runs the cases and returns failures by program id.</summary>
        public static List<(int ProgramId, Failure Failure)> Check(IReadOnlyList<TorchCase> cases)
        {
            EnsureAvailable();
            var failures = new List<(int, Failure)>();
            if (cases.Count == 0) return failures;
            string script = Script(cases);
            var (code, stdout, stderr) = RunPython(script, TimeSpan.FromMinutes(10));
            if (code != 0)
            {
                throw new InvalidOperationException($"The PyTorch script failed (exit {code}):\n{stderr}");
            }

            using var doc = JsonDocument.Parse(stdout);
            var results = doc.RootElement;
            for (int k = 0; k < cases.Count; k++)
            {
                var c = cases[k];
                var r = results[k];
                if (r.TryGetProperty("error", out var error))
                {
                    failures.Add((c.ProgramId, new Failure(OutcomeKind.TesterBug, Properties.TorchAgrees, "TesterBug PyTorch translation",
                        $"The PyTorch translation of {c.Method.Name} failed: {error.GetString()}", c.Method.Name)));
                    continue;
                }

                var ok = r.GetProperty("ok");
                if (c.IsFloatHessianVector)
                {
                    if (FloatHessianVectorUnexplained(c, ok) is { } failure) failures.Add((c.ProgramId, failure));
                    continue;
                }

                failures.AddRange(Modes(c, ok).Select(f => (c.ProgramId, f)));
                if (c.IsFloat)
                {
                    if (FloatUnexplained(c, ok) is { } unexplained)
                    {
                        failures.Add((c.ProgramId, new Failure(OutcomeKind.WrongValue, Properties.TorchAgrees, "Torch", unexplained, c.Method.Name)));
                    }

                    continue;
                }

                var sb = new StringBuilder();
                int wrong = 0;
                double total = Scale(c);
                var floats = FloatInputs(c.Method);
                void Compare(string label, double torch, double ours)
                {
                    // A float input's gradient is accumulated in float: the float twin's tolerance (Checker.Slack).
                    double tol = 1e-6 * Math.Max(Math.Abs(torch), Math.Abs(ours)) + 1e-9 * total + (InFloat(floats, label) ? Checker.FloatTolerance(torch, ours, 1) : 0);
                    bool same = torch.Equals(ours); // NaN = NaN and ∞ = ∞ here: the same non-finite value agrees
                    if (!same && !(Math.Abs(torch - ours) <= tol) && wrong++ < 8)
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\n  d{label}: PyTorch {torch:G9}, MBackward {ours:G9}");
                    }
                }

                foreach (var (label, torch, ours, _) in Entries(c, ok))
                {
                    Compare(label, torch, ours);
                }

                if (wrong > 0)
                {
                    failures.Add((c.ProgramId, new Failure(OutcomeKind.WrongValue, Properties.TorchAgrees, "Torch",
                        $"{wrong} gradient entries differ from PyTorch autograd:{sb}\n  at inputs {c.Inputs.Describe(c.Method)}", c.Method.Name)));
                }
            }

            return failures;
        }

        /// <summary>
        /// A float twin's disagreement with the double twin is float's own (an overflow or cancellation past float's range,
        /// not a derivation defect) when PyTorch in float32, on the same inputs, strays from double as well: the same
        /// non-finite value as ours, off by more than the float tolerance, or off by half of it with ours within four times
        /// PyTorch's own error. Null when every differing entry is so explained.
        /// </summary>
        private static string? FloatUnexplained(TorchCase c, JsonElement ok)
            => FloatEntriesUnexplained(c, Entries(c, ok).Select(e => ("d" + e.Label, e.Torch, e.Ours, e.Float)), Scale(c), "entries");

        /// <summary>
        /// As <see cref="FloatUnexplained"/> for a float twin's Hessian-vector product (<see cref="TorchCase.FloatHv"/>): PyTorch's
        /// float32 hvp along the same direction against the double twin's, at the double twin's H·v scale (1 + Σ|H·v|).
        /// </summary>
        private static Failure? FloatHessianVectorUnexplained(TorchCase c, JsonElement ok)
        {
            string? error = ok.TryGetProperty("modes_error", out var e) ? e.GetString() : null;
            var theirs = error is null ? ok.GetProperty("hvp").EnumerateArray().Select(Number).ToArray() : Array.Empty<double>();
            if (error is not null || theirs.Length != c.Hv!.Length)
            {
                return new Failure(OutcomeKind.TesterBug, Properties.TorchModes, "TesterBug PyTorch hvp (float32)",
                    error ?? $"PyTorch gave {theirs.Length} values for MHessianVector's {c.Hv!.Length}", c.Method.Name);
            }

            var labels = Checker.CoordinateLabels(c.Method, c.Inputs);
            double scale = 1 + c.Hv.Where(double.IsFinite).Sum(Math.Abs);
            string? unexplained = FloatEntriesUnexplained(c, labels.Select((l, i) => ($"(H·v)[{l}]", theirs[i], c.Hv[i], c.FloatHv![i])), scale, "H·v entries");
            return unexplained is null ? null : new Failure(OutcomeKind.WrongValue, Properties.TorchAgrees, "Torch", unexplained, c.Method.Name);
        }

        /// <summary>
        /// The entries (label, PyTorch float32, double twin, float twin) where the float twin differs from the double twin
        /// and PyTorch float32 does not stray as far; null when there are none.
        /// </summary>
        private static string? FloatEntriesUnexplained(TorchCase c, IEnumerable<(string Label, double Torch, double Twin, double Ours)> entries, double scale, string what)
        {
            var sb = new StringBuilder();
            int unexplained = 0;
            foreach (var (label, torch, twin, ours) in entries)
            {
                bool differs = !twin.Equals(ours) && !(Math.Abs(twin - ours) <= Checker.FloatTolerance(twin, ours, scale));
                double torchOff = Math.Abs(twin - torch), tolerance = Checker.FloatTolerance(twin, torch, scale);
                bool torchStrays = torch.Equals(ours) || !(torchOff <= tolerance)

                    // Past float's range in PyTorch float32 too (±∞ where double is finite; an infinite tolerance took it for
                    // agreeing: CI on d8cdab8, bJ6eLU5RIPr1, an adjoint grown past 3.4e38 times sinπ's zero).
                    || (!double.IsFinite(torch) && double.IsFinite(twin))

                    // Ill-conditioned in float at this point: PyTorch float32 is itself off by half the tolerance or more, and
                    // ours by a few times as much (a different summation order rounds differently; found on sin of a large
                    // exp, cos near 0, in a 20,000-program run: ours 1.2 tolerances off, PyTorch 0.8).
                    || (torchOff >= 0.5 * tolerance && Math.Abs(twin - ours) <= 4 * torchOff);
                if (differs && !torchStrays && unexplained++ < 8)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"\n  {label}: double twin {twin:G9}, float twin {ours:G9}, PyTorch float32 {torch:G9}");
                }
            }

            return unexplained == 0 ? null
                : $"{unexplained} float twin {what} differ from the double twin where PyTorch float32 does not:{sb}\n  at inputs {c.Inputs.Describe(c.Method)}";
        }

        /// <summary>1 + Σ|g| over the finite entries of MBackward's gradients: the size absolute tolerances scale with.</summary>
        private static double Scale(TorchCase c)
        {
            static double Size(double v) => double.IsFinite(v) ? Math.Abs(v) : 0;
            return 1 + c.Dr.Sum(Size) + c.Ds.Sum(a => a.Sum(Size));
        }

        /// <summary>
        /// Each gradient entry, in parameter order: its label (<c>x</c>, <c>w[3]</c>), PyTorch's value (a leaf of <paramref name="ok"/>),
        /// the case's gradient and, for a float twin, the float twin's (else NaN).
        /// </summary>
        private static IEnumerable<(string Label, double Torch, double Ours, double Float)> Entries(TorchCase c, JsonElement ok)
        {
            int leaf = 0, dri = 0, dsi = 0;
            foreach (var p in c.Method.Params.Where(p => p.IsDifferentiable))
            {
                var g = ok.GetProperty("g")[leaf++];
                if (p.Kind == ParamKind.RealScalar)
                {
                    yield return (p.Struct is { } st ? $"{st}.{p.Member}" : p.Name, Number(g), c.Dr[dri], c.FloatDr?[dri] ?? double.NaN);
                    dri++;
                }
                else
                {
                    var theirs = g.EnumerateArray().Select(Number).ToArray();
                    for (int i = 0; i < c.Ds[dsi].Length; i++)
                    {
                        yield return ($"{p.Name}[{i}]", i < theirs.Length ? theirs[i] : 0, c.Ds[dsi][i], c.FloatDs?[dsi][i] ?? double.NaN);
                    }

                    dsi++;
                }
            }
        }

        /// <summary>Which of jvp, hvp and jacobian a case asked PyTorch for (P17), by the failure key of each.</summary>
        public static IEnumerable<string> ModesAsked(TorchCase c)
        {
            if (c.IsFloat || !c.Method.Params.Any(p => p.IsDifferentiable)) yield break;
            if (c.IsFloatHessianVector)
            {
                // Arbitration only (FloatHessianVectorUnexplained): hvp in float32, compared with the double twin's, not ours.
                yield return "TorchHessianVector";
                yield break;
            }

            if (c.Direction is not null) yield return "TorchTangent";
            if (c.V is not null) yield return "TorchHessianVector";
            if (c.Jacobian is not null && c.Rows > 0 && c.Rows <= JacobianRows) yield return "TorchJacobian";
        }

        /// <summary>The labels of the differentiable inputs of the other precision (their gradients are accumulated in float).</summary>
        private static HashSet<string> FloatInputs(Method m) => m.Params.Where(p => p.Other && p.IsDifferentiable).Select(p => p.Name).ToHashSet();

        /// <summary>Whether a coordinate's label (<c>q</c>, <c>qf[3]</c>) is of one of <paramref name="floats"/>.</summary>
        private static bool InFloat(HashSet<string> floats, string label) => floats.Contains(label.Split('[')[0]);

        /// <summary>P17: PyTorch's jvp, hvp and jacobian (those the case asked for) against MTangent, MHessianVector and MJacobian.</summary>
        private static IEnumerable<Failure> Modes(TorchCase c, JsonElement ok)
        {
            var asked = ModesAsked(c).ToList();
            if (asked.Count == 0) yield break;
            if (ok.TryGetProperty("modes_error", out var error))
            {
                yield return new Failure(OutcomeKind.TesterBug, Properties.TorchModes, "TesterBug PyTorch jvp/hvp/jacobian",
                    $"PyTorch's jvp, hvp or jacobian of the translation of {c.Method.Name} failed: {error.GetString()}", c.Method.Name);
                yield break;
            }

            var coords = Checker.CoordinateLabels(c.Method, c.Inputs);
            var rows = Checker.RowLabels(c.Method, c.Inputs);
            var floats = FloatInputs(c.Method);
            foreach (string key in asked)
            {
                var (what, ours, labels) = key switch
                {
                    "TorchTangent" => ("jvp along P13's direction, MTangent", (c.Method.ReturnsReal ? new[] { c.RDot } : Array.Empty<double>()).Concat(c.YDot!.SelectMany(t => t)).ToArray(),
                        rows.Select(l => $"d{l}/dt").ToList()),
                    "TorchHessianVector" => ("hvp along P15's direction, MHessianVector", c.Hv!, coords.Select(l => $"(H·v)[{l}]").ToList()),
                    _ => ("jacobian, MJacobian", c.Jacobian!, rows.SelectMany(row => coords.Select(col => $"∂{row}/∂{col}")).ToList()),
                };
                var theirs = ok.GetProperty(key switch { "TorchTangent" => "jvp", "TorchHessianVector" => "hvp", _ => "jac" }).EnumerateArray().Select(Number).ToArray();
                if (theirs.Length != ours.Length)
                {
                    yield return new Failure(OutcomeKind.TesterBug, Properties.TorchModes, "TesterBug PyTorch " + key, $"PyTorch gave {theirs.Length} values for {what}'s {ours.Length}", c.Method.Name);
                    continue;
                }

                double total = 1 + ours.Where(double.IsFinite).Sum(Math.Abs);
                var shifted = key == "TorchHessianVector" && ok.TryGetProperty("hvp_shift", out var hs) ? hs.EnumerateArray().Select(Number).ToArray() : null;
                var sb = new StringBuilder();
                int wrong = 0;
                for (int i = 0; i < ours.Length; i++)
                {
                    // A float input's products and Jacobian column (by backward sweeps) are accumulated in float.
                    bool inFloat = key != "TorchTangent" && InFloat(floats, coords[i % coords.Count]);
                    double tol = 1e-6 * Math.Max(Math.Abs(theirs[i]), Math.Abs(ours[i])) + 1e-9 * total + (inFloat ? Checker.FloatTolerance(theirs[i], ours[i], 1) : 0)
                        + Sensitivity(shifted, theirs, i);
                    // PyTorch multiplies an infinite partial by a zero tangent or seed (∞·0 = NaN, √u at 0 along a unit column);
                    // SymGrad passes nothing there (the strong zero, README), its value checked against central differences
                    // and the other mode by P13–P16 already.
                    bool strongZero = !double.IsFinite(theirs[i]) && double.IsFinite(ours[i]);
                    if (!strongZero && !theirs[i].Equals(ours[i]) && !(Math.Abs(theirs[i] - ours[i]) <= tol) && wrong++ < 8)
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\n  {labels[i]}: PyTorch {theirs[i]:G9}, ours {ours[i]:G9}");
                    }
                }

                if (wrong > 0)
                {
                    yield return new Failure(OutcomeKind.WrongValue, Properties.TorchModes, key,
                        $"{wrong} of {ours.Length} entries differ from PyTorch's {what}:{sb}\n  at inputs {c.Inputs.Describe(c.Method)}", c.Method.Name);
                }
            }
        }

        /// <summary>
        /// Twice how far PyTorch's product moved at inputs one or two ulps away (<c>hvp_shift</c>): an ill-conditioned
        /// function's H·v (a fourth derivative of 10¹³) moves by 10⁻⁶ of itself when a single intermediate rounds the other
        /// way — as ours and PyTorch's do, each exact for its own rounding (program aj1Gh26MnkB1: log(exp(z)) for z alone
        /// moved PyTorch's own H·v by 6·10⁻⁷). Zero where the product was not shifted or either value is not finite.
        /// </summary>
        private static double Sensitivity(double[]? shifted, double[] theirs, int i)
            => shifted is null || i >= shifted.Length || !double.IsFinite(shifted[i] - theirs[i]) ? 0 : 2 * Math.Abs(shifted[i] - theirs[i]);

        private static double Number(JsonElement e)
            => e.ValueKind == JsonValueKind.String ? double.Parse(e.GetString()!, CultureInfo.InvariantCulture) : e.GetDouble();

        /// <summary>
        /// The cases whose gradient was not finite where central differences were (<see cref="Checker.NotFinite"/>):
        /// those where PyTorch autograd gives the same values on the same inputs.
        /// </summary>
        /// <returns>The cases, each with PyTorch's disagreement (null where it agrees).</returns>
        public static List<(TorchCase Case, Failure? Disagreement)> ArbitrateOverflows(IReadOnlyList<TorchCase> cases)
        {
            var disagreements = Check(cases);
            return cases.Select(c => (c, disagreements.Where(f => f.ProgramId == c.ProgramId && f.Failure.Method == c.Method.Name)
                .Select(f => (Failure?)f.Failure).FirstOrDefault())).ToList();
        }

        private static (int Code, string Stdout, string Stderr) RunPython(string script, TimeSpan timeout)
        {
            if (!File.Exists(Python)) return (127, "", $"{Python} not found");
            string path = Path.Combine(Path.GetTempPath(), $"symgrad-torch-{Environment.ProcessId}-{Guid.NewGuid():N}.py");
            File.WriteAllText(path, script);
            try
            {
                var psi = new ProcessStartInfo(Python, new[] { path })
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                psi.Environment["OMP_NUM_THREADS"] = "1";
                using var process = Process.Start(psi)!;
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit(timeout))
                {
                    process.Kill(entireProcessTree: true);
                    return (-1, "", "timed out");
                }

                return (process.ExitCode, stdout.Result, stderr.Result);
            }
            finally
            {
                File.Delete(path);
            }
        }
    }
}
