using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SymGrad.RandomPrograms.Model;
using ValueType = SymGrad.RandomPrograms.Model.ValueType;

namespace SymGrad.RandomPrograms.Print
{
    /// <summary>
    /// Prints a program as PyTorch (double precision): real values are 0-d tensors, spans are <c>View</c>s over Python
    /// lists of tensors (so <c>x.Slice(a, b)</c> and writes through it behave as in C#), ints and bools are Python's,
    /// loops and branches are Python control flow on <c>.item()</c> values. Math functions follow the generated code's
    /// conventions: Abs is torch.abs (sign(a), 0 at 0, as the generated code documents); Max/Min give ties to the first
    /// argument (README); Floor, Ceiling, Round (half to even, as Math.Round), Truncate and Sign are constants.
    /// </summary>
    public static class PythonPrinter
    {
        /// <summary>
        /// Whether the program has a PyTorch translation: every program now. A call of a generated FTangent, FGradient or
        /// FBackward (nested differentiation, <see cref="Generate.NestedCalls"/>) is F's partial derivatives by
        /// <c>torch.autograd.grad(…, create_graph=True)</c> (<c>Nested</c> in <see cref="Prelude"/>), which PyTorch
        /// differentiates again for the outer gradient, jvp, hvp and jacobian.
        /// </summary>
        public static bool Translates(ProgramModel program) => true;

        /// <summary>The runtime every printed program uses (also the Nn primitives, written from their documented formulas).</summary>
        public const string Prelude = """
            import json, math, sys
            import torch
            torch.set_default_dtype(torch.float64)

            class View:
                __slots__ = ('a', 'o', 'n')
                def __init__(self, a, o, n):
                    self.a, self.o, self.n = a, o, n
                def __getitem__(self, i):
                    if not 0 <= i < self.n: raise IndexError(i)
                    return self.a[self.o + i]
                def __setitem__(self, i, v):
                    if not 0 <= i < self.n: raise IndexError(i)
                    self.a[self.o + i] = v
                def __len__(self):
                    return self.n
                def slice(self, o, n):
                    if o < 0 or n < 0 or o + n > self.n: raise IndexError((o, n))
                    return View(self.a, self.o + o, n)

            def T(v): return torch.tensor(float(v))
            def Cbrt(a): return torch.sign(a) * torch.abs(a) ** (1.0 / 3.0)
            def Clamp(a, lo, hi): return lo if float(a) < float(lo) else (hi if float(a) > float(hi) else a)
            def MaxMagnitude(a, b):
                if abs(float(a)) != abs(float(b)): return a if abs(float(a)) > abs(float(b)) else b
                return b if float(a) < 0 else a
            def MinMagnitude(a, b):
                if abs(float(a)) != abs(float(b)): return a if abs(float(a)) < abs(float(b)) else b
                return a if float(a) < 0 else b
            def Max(a, b): return a if float(a) >= float(b) else b
            def Min(a, b): return a if float(a) <= float(b) else b
            def Floor(a): return T(math.floor(float(a)))
            def Ceiling(a): return T(math.ceil(float(a)))
            def Round(a): return T(round(float(a)))
            def Truncate(a): return T(math.trunc(float(a)))
            def Sign(a):
                v = float(a)
                return (v > 0) - (v < 0)

            # Nested differentiation (FGradient, FBackward, FTangent): F's value and its partial derivatives in the arguments at
            # the indices diff, differentiable again (create_graph). Each argument is a node of its own (a + 0), so that F(s, s)
            # gets two partials, not their sum; a constant argument is a fresh leaf; a span's elements are each one, and its
            # partials a list.
            def Nested(f, args, diff):
                def leaf(v):
                    a = v if torch.is_tensor(v) else torch.tensor(float(v))
                    return a + 0 if a.requires_grad else a.detach().clone().requires_grad_(True)
                args, inner, sizes = list(args), [], []
                for i in diff:
                    if isinstance(args[i], (View, list)):
                        elements = [leaf(args[i][k]) for k in range(len(args[i]))]
                        args[i] = View(elements, 0, len(elements))
                        inner.extend(elements)
                        sizes.append(len(elements))
                    else:
                        args[i] = leaf(args[i])
                        inner.append(args[i])
                        sizes.append(None)
                with torch.enable_grad():
                    out = torch.as_tensor(f(*args))
                    if not out.requires_grad or not inner: gs = [T(0) for _ in inner]
                    else: gs = [T(0) if g is None else g for g in torch.autograd.grad(out, inner, create_graph=True, allow_unused=True)]
                grouped, k = [], 0
                for n in sizes:
                    grouped.append(gs[k] if n is None else gs[k:k + n])
                    k += 1 if n is None else n
                return out, grouped
            def CallStruct(f, *args):
                r = View([T(0), T(0), T(0)], 0, 3)
                f(*args, r)
                return (r[0], r[1], r[2])
            def AddGradient(view, g, s):
                for k in range(len(view)): view[k] = view[k] + s * g[k]
                return view
            def NestedTangent(f, args, diff, tangents):
                _, gs = Nested(f, args, diff)
                total = T(0)
                for g, t in zip(gs, tangents):
                    total = total + (sum((g[k] * t[k] for k in range(len(g))), T(0)) if isinstance(g, list) else g * t)
                return total
            def NestedTangentOutputs(f, args, diff, outs, tangents, touts):
                # HTangent of an H writing outputs: f writes its outputs' values (the buffers args[o]), and touts get J·ẋ, as the
                # gradient in u of ⟨Jᵀu, ẋ⟩ (two reverse passes, each with create_graph, so the caller differentiates it again).
                def leaf(v):
                    a = v if torch.is_tensor(v) else torch.tensor(float(v))
                    return a + 0 if a.requires_grad else a.detach().clone().requires_grad_(True)
                args, inner, dirs = list(args), [], []
                for i, t in zip(diff, tangents):
                    if isinstance(args[i], (View, list)):
                        elements = [leaf(args[i][k]) for k in range(len(args[i]))]
                        args[i] = View(elements, 0, len(elements))
                        inner.extend(elements)
                        dirs.extend(T(0) if t is None else t[k] for k in range(len(elements)))
                    else:
                        args[i] = leaf(args[i])
                        inner.append(args[i])
                        dirs.append(t)
                with torch.enable_grad():
                    f(*args)
                    ys = [torch.as_tensor(args[o][k]) for o in outs for k in range(len(args[o]))]
                    us = [T(0).requires_grad_(True) for _ in ys]
                    s = sum((y * u for y, u in zip(ys, us)), T(0))
                    jt = [T(0) for _ in ys]
                    if inner and s.requires_grad:
                        gs = torch.autograd.grad(s, inner, create_graph=True, allow_unused=True)
                        total = sum((g * d for g, d in zip(gs, dirs) if g is not None), T(0))
                        if total.requires_grad:
                            jt = [T(0) if g is None else g for g in torch.autograd.grad(total, us, create_graph=True, allow_unused=True)]
                k = 0
                for o in touts:
                    for j in range(len(o)):
                        o[j] = jt[k]
                        k += 1

            def NestedBackwardOutputs(f, args, diff, outs, cotangents, seed=None):
                # HBackward of an H writing outputs, at its outputs' values (the call follows H's): the gradients of ⟨dy, H(x)⟩ in
                # the arguments at diff (plus seed·H's value, where H returns one), as Nested gives them; H's outputs recomputed
                # into fresh buffers.
                args = list(args)
                for o in outs:
                    args[o] = View([T(0) for _ in range(len(args[o]))], 0, len(args[o]))
                def paired(*a):
                    value = f(*a)
                    total = sum((torch.as_tensor(d[k]) * torch.as_tensor(a[o][k]) for o, d in zip(outs, cotangents) for k in range(len(d))), T(0))
                    return total if seed is None else total + seed * value
                return Nested(paired, args, diff)

            def Nn_Tanh(x, y):
                for i in range(len(x)): y[i] = torch.tanh(x[i])
            def Nn_Sigmoid(x, y):
                for i in range(len(x)): y[i] = torch.sigmoid(x[i])
            def Nn_Relu(x, y):
                for i in range(len(x)): y[i] = torch.relu(x[i])
            def Nn_LeakyRelu(x, y, alpha):
                for i in range(len(x)): y[i] = x[i] if float(x[i]) > 0 else alpha * x[i]
            def Nn_Elu(x, y, alpha):
                for i in range(len(x)): y[i] = x[i] if float(x[i]) > 0 else alpha * (torch.exp(x[i]) - 1)
            def Nn_Dense(x, w, b, y, n, inputs, outputs):
                for r in range(n):
                    for j in range(outputs):
                        acc = b[j] if len(b) > 0 else T(0)
                        for k in range(inputs): acc = acc + x[r * inputs + k] * w[k * outputs + j]
                        y[r * outputs + j] = acc
            def Nn_MeanSubtract(x, h, rows, d):
                for r in range(rows):
                    mean = sum((x[r * d + j] for j in range(d)), T(0)) / d
                    for j in range(d): h[r * d + j] = x[r * d + j] - mean
            def Nn_BatchNorm(x, gamma, beta, y, n, d, eps):
                for j in range(d):
                    mean = sum((x[i * d + j] for i in range(n)), T(0)) / n
                    var = sum(((x[i * d + j] - mean) * (x[i * d + j] - mean) for i in range(n)), T(0)) / n
                    inv = 1 / torch.sqrt(var + eps)
                    for i in range(n): y[i * d + j] = gamma[j] * ((x[i * d + j] - mean) * inv) + beta[j]
            def Nn_SumOfSquares(x):
                return sum((x[i] * x[i] for i in range(len(x))), T(0))
            def Nn_MseLoss(p, t):
                return sum(((p[i] - t[i]) * (p[i] - t[i]) for i in range(len(p))), T(0)) / len(p)
            def Nn_SoftmaxCrossEntropy(z, labels, rows, classes):
                total = T(0)
                for r in range(rows):
                    row = torch.stack([z[r * classes + j] for j in range(classes)])
                    total = total + torch.logsumexp(row, 0) - z[r * classes + labels[r]]
                return total / rows

            """;

        public static string FunctionName(int programId, string method) => $"p{programId}_{method}";

        /// <summary>The program's methods as Python functions named <c>p{id}_{Method}</c>.</summary>
        public static string Program(ProgramModel program, int id)
        {
            var w = new PyWriter();
            foreach (var m in program.Methods)
            {
                var ints = new HashSet<string>(m.Params.Where(p => p.Kind == ParamKind.Size).Select(p => p.Name));
                ints.UnionWith(Measure.All(m.Body).OfType<For>().Select(f => f.Counter));
                var intSpans = new HashSet<string>(m.Params.Where(p => p.Kind == ParamKind.IntSpan).Select(p => p.Name));
                var outs = new HashSet<string>(m.Params.Where(p => p.Kind == ParamKind.RealOut).Select(p => p.Name));
                var structs = m.Params.Where(p => p.Struct is not null && !p.InStructSpan).GroupBy(p => p.Struct!)
                    .ToDictionary(g => g.Key, g => StructType.Fields.Select(f => g.FirstOrDefault(p => p.Member == f)?.Name).ToArray());
                var ctx = new Ctx(id, ints, intSpans, outs, structs, m.ReturnsStruct, program.Methods.ToDictionary(x => x.Name));
                w.Line($"def {FunctionName(id, m.Name)}({string.Join(", ", m.Params.Select(p => p.Name))}):");
                w.Indent++;
                Block(w, m.Body, ctx);
                w.Indent--;
                w.Line();
            }

            return w.ToString();
        }

        /// <param name="Outs">Out parameters: one-element buffers in Python, read and written as <c>o[0]</c>.</param>
        /// <param name="Structs">Struct parameters: their members' names by field (null: a field without a member, zero).</param>
        /// <param name="ReturnsStruct">The method returns a struct: a return writes its fields to the result buffer <c>ret</c>.</param>
        /// <param name="Methods">The program's methods by name: a nested call's callee (which of its arguments are differentiable).</param>
        private sealed record Ctx(int Id, HashSet<string> Ints, HashSet<string> IntSpans, HashSet<string> Outs, Dictionary<string, string?[]> Structs, bool ReturnsStruct,
            Dictionary<string, Method> Methods);

        /// <summary>A variable: <c>o[0]</c> for an out parameter, <c>p_X</c> for a struct local's field <c>p.X</c>.</summary>
        private static string Variable(string name, Ctx c) => c.Outs.Contains(name) ? name + "[0]" : name.Replace('.', '_');

        /// <summary>A struct value as a tuple of its three fields (structs are their fields in Python).</summary>
        private static string Fields(Expr value, Ctx c) => value is CallExpr call
            ? $"CallStruct({Callee(call.Callee, false, c)}{(call.Args.Length > 0 ? ", " + Args(call.Args, c) : "")})" // its result buffer last
            : "(" + string.Join(", ", value switch
        {
            StructNew n => n.Fields.Select(f => f is null ? "T(0)" : E(f, c)),
            StructDefault => StructType.Fields.Select(_ => "T(0)"),
            Var v when c.Structs.TryGetValue(v.Name, out var members) => members.Select(x => x ?? "T(0)"),
            Var v => StructType.Fields.Select(f => $"{v.Name}_{f}"),
            _ => throw new ArgumentOutOfRangeException(nameof(value), value.GetType().Name),
        }) + ")";

        private static string FieldTargets(string name) => string.Join(", ", StructType.Fields.Select(f => $"{name}_{f}"));

        private static void Block(PyWriter w, IEnumerable<Stmt> body, Ctx c)
        {
            int before = w.Lines;
            foreach (var s in body) Statement(w, s, c);
            if (w.Lines == before) w.Line("pass");
        }

        private static void Statement(PyWriter w, Stmt s, Ctx c)
        {
            switch (s)
            {
                case Decl d:
                    foreach (var v in d.Vars)
                    {
                        w.Line($"{v.Name} = {E(v.Init, c)}");
                        OutResults(w, v.Init, c);
                    }

                    break;
                case StructDecl d:
                    w.Line($"{FieldTargets(d.Name)} = {Fields(d.Init, c)}");
                    break;
                case StructAssign a:
                    // All fields of the value are read before any is written, as C# builds the value first.
                    w.Line($"{FieldTargets(a.Target)} = {Fields(a.Value, c)}");
                    break;
                case Assign a:
                {
                    string target = Variable(a.Target, c);
                    w.Line(a.Op == "=" ? $"{target} = {E(a.Value, c)}" : $"{target} = {target} {a.Op[0]} ({E(a.Value, c)})");
                    OutResults(w, a.Value, c);
                    break;
                }

                case IncDec i:
                    w.Line($"{Variable(i.Target, c)} = {Variable(i.Target, c)} {(i.Op == "++" ? "+" : "-")} 1");
                    break;
                case Store st:
                    w.Line($"{st.Span}[{Index(st.Span, st.Index, c)}] = {E(st.Value, c)}");
                    break;
                case BufferDecl b:
                    w.Line($"{b.Name} = View([T(0) for _ in range({b.LengthText})], 0, {b.LengthText})");
                    break;
                case If i:
                    w.Line($"if {E(i.Test, c)}:");
                    w.Indent++;
                    Block(w, i.Then, c);
                    w.Indent--;
                    if (i.Else is { } e)
                    {
                        w.Line("else:");
                        w.Indent++;
                        Block(w, e, c);
                        w.Indent--;
                    }

                    break;
                case LocalFunction f:
                    w.Line($"def {f.Name}({string.Join(", ", f.Params)}):");
                    w.Indent++;
                    w.Line($"return {E(f.Body, c)}");
                    w.Indent--;
                    break;
                case Switch sw:
                    Block(w, sw.Lowered, c);
                    break;
                case While l:
                {
                    // Python has no do … while: the counter makes the first trip unconditional.
                    Expr test = l.Do ? new Binary("||", new Binary("==", new Var(l.Counter), new IntLit(0)), l.Condition) : l.Condition;
                    w.Line($"{l.Counter} = 0");
                    w.Line($"while {E(test, c)}:");
                    w.Indent++;
                    Block(w, l.Body.Insert(0, new IncDec(l.Counter, "++")), c);
                    w.Indent--;
                    break;
                }

                case ForEach f:
                    w.Line($"for {f.Item}_k in range({f.From}, len({f.Span})):");
                    w.Indent++;
                    w.Line($"{f.Item} = {f.Span}[{f.Item}_k]");
                    Block(w, f.Body, c);
                    w.Indent--;
                    break;
                case For f:
                {
                    string bound = E(f.Bound, c);
                    string stop = f.Cmp switch
                    {
                        "<" or ">" => bound,
                        "<=" => $"({bound}) + 1",
                        ">=" => $"({bound}) - 1",
                        _ => throw new ArgumentOutOfRangeException(nameof(s)),
                    };
                    w.Line($"for {f.Counter} in range({E(f.Start, c)}, {stop}, {f.Step}):");
                    w.Indent++;
                    Block(w, f.Body, c);
                    w.Indent--;
                    break;
                }

                case Break:
                    w.Line("break");
                    break;
                case Continue:
                    w.Line("continue");
                    break;
                case Return { Value: { } v } when c.ReturnsStruct:
                    w.Line($"{string.Join(", ", StructType.Fields.Select((_, i) => $"{StructType.ResultName}[{i}]"))} = {Fields(v, c)}");
                    w.Line("return None");
                    break;
                case Return r:
                    w.Line(r.Value is null ? "return None" : $"return {E(r.Value, c)}");
                    break;
                case CallStmt { IsNested: true, Suffix: "Tangent" } call:
                {
                    // HTangent(x…, y…, ẋ…, ẏ…) of an H writing outputs: the values into y, J·ẋ into ẏ.
                    var target = c.Methods[call.Callee];
                    int k = target.Params.Length, diff = target.Params.Count(p => p.IsDifferentiable);
                    var inputs = Enumerable.Range(0, k).Where(i => target.Params[i].IsDifferentiable);
                    var outputs = Enumerable.Range(0, k).Where(i => target.Params[i].Kind == ParamKind.RealSpanOut);
                    // A direction left out (default) is None: zeros.
                    string directions = string.Join(", ", call.Args.Skip(k).Take(diff).Select(a => a is DefaultArg ? "None" : Args(new[] { a }, c)));
                    w.Line($"NestedTangentOutputs({FunctionName(c.Id, call.Callee)}, [{Args(call.Args.Take(k), c)}], [{string.Join(", ", inputs)}], [{string.Join(", ", outputs)}], "
                        + $"[{directions}], [{Args(call.Args.Skip(k + diff), c)}])");
                    break;
                }

                case CallStmt { IsNested: true, Suffix: "Backward" } call when c.Methods[call.Callee].Params.Any(p => p.Kind == ParamKind.RealSpanOut):
                {
                    // HBackward(x…, y…, dy…, g…) of an H writing outputs: g += ∂⟨dy, H(x)⟩/∂x.
                    var target = c.Methods[call.Callee];
                    var (f, values, diff, rest) = Nested(call.Callee, call.Args, c);
                    // (Where H returns a value, its seed comes first.)
                    var outputs = Enumerable.Range(0, target.Params.Length).Where(i => target.Params[i].Kind == ParamKind.RealSpanOut).ToList();
                    int seeds = target.ReturnsReal ? 1 : 0;
                    string seed = target.ReturnsReal ? $", {Args(rest.Take(1), c)}" : "";
                    w.Line($"_nd = NestedBackwardOutputs({f}, [{values}], [{diff}], [{string.Join(", ", outputs)}], [{Args(rest.Skip(seeds).Take(outputs.Count), c)}]{seed})");
                    foreach (var (g, j) in Gradients(rest.Skip(seeds + outputs.Count)))
                    {
                        w.Line(g is RefArg local ? $"{Variable(local.Local, c)} = {Variable(local.Local, c)} + _nd[1][{j}]" : $"AddGradient({Args(new[] { g }, c)}, _nd[1][{j}], T(1))");
                    }

                    break;
                }

                case CallStmt { IsNested: true } call:
                {
                    // FGradient(x…, ref g…): g += ∂F/∂x; FBackward(x…, seed, ref g…): g += seed·∂F/∂x (the seed read after x, as C# does).
                    var (f, values, diff, rest) = Nested(call.Callee, call.Args, c);
                    w.Line($"_nd = Nested({f}, [{values}], [{diff}])");
                    w.Line($"_ns = {(call.Suffix == "Backward" ? E(((ValueArg)rest[0]).Value, c) : "T(1)")}");
                    foreach (var (g, j) in Gradients(rest))
                    {
                        // A span's gradient is added to the output (a view of it) element by element.
                        w.Line(g is RefArg local ? $"{Variable(local.Local, c)} = {Variable(local.Local, c)} + _ns * _nd[1][{j}]" : $"AddGradient({Args(new[] { g }, c)}, _nd[1][{j}], _ns)");
                    }

                    break;
                }

                case CallStmt call:
                    w.Line($"{Callee(call.Callee, call.IsNn, c)}({Args(call.Args, c)})");
                    OutResults(w, new CallExpr(call.Callee, call.Args, call.IsNn), c);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(s), s.GetType().Name);
            }
        }

        /// <summary>The buffer of an out result read after the call (a Python name: a struct field's dot made an underscore).</summary>
        private static string OutBuffer(string local) => "_o_" + local.Replace('.', '_');

        /// <summary>
        /// After a statement whose value is a call with out results: each read into its local. The targets differ from the
        /// statement's own (the generator draws them so), so the order of the two assignments does not matter.
        /// </summary>
        private static void OutResults(PyWriter w, Expr value, Ctx c)
        {
            if (value is not CallExpr call) return;
            foreach (var o in call.Args.OfType<OutArg>().Where(o => o.Local is not null))
            {
                w.Line($"{Variable(o.Local!, c)} = {OutBuffer(o.Local!)}[0]");
            }
        }

        private static string Callee(string name, bool nn, Ctx c) => nn ? "Nn_" + name : FunctionName(c.Id, name);

        /// <summary>
        /// A nested call's parts: F's function, its arguments, the indices of its differentiable parameters, and what follows
        /// F's arguments (tangents; a seed and the gradients' locals).
        /// </summary>
        private static (string F, string Values, string Diff, List<Arg> After) Nested(string callee, IEnumerable<Arg> args, Ctx c)
        {
            var target = c.Methods[callee];
            var all = args.ToList();
            int k = target.Params.Length;
            var diff = Enumerable.Range(0, k).Where(i => target.Params[i].IsDifferentiable);
            return (FunctionName(c.Id, callee), Args(all.Take(k), c), string.Join(", ", diff), all.Skip(k).ToList());
        }

        /// <summary>
        /// A nested call as a value: FTangent(x…, ẋ…) = Σ ∂F/∂xᵢ·ẋᵢ; FGradient(x…, ref g…) = F(x), its gradients added to the
        /// locals g by assignment expressions (Python's <c>:=</c>) evaluated in order, as C#'s ref arguments are.
        /// </summary>
        private static string NestedValue(CallExpr call, Ctx c)
        {
            var (f, values, diff, rest) = Nested(call.Callee, call.Args, c);
            if (call.Suffix == "Tangent")
            {
                return $"NestedTangent({f}, [{values}], [{diff}], [{Args(rest, c)}])";
            }

            var updates = Gradients(rest).Select(x => x.Into is RefArg local ? $", {local.Local} := {local.Local} + _nd[1][{x.Index}]" : $", AddGradient({Args(new[] { x.Into }, c)}, _nd[1][{x.Index}], T(1))");
            // A tuple even with no gradient to add (each asked for was dropped: F read its output): (_nd := …,)[0] is _nd.
            return $"(_nd := Nested({f}, [{values}], [{diff}]){string.Concat(updates)},)[0][0]";
        }

        /// <summary>
        /// Where a nested FGradient's gradients go, after its arguments (and seed), each with its input's index among F's
        /// differentiable ones: a scalar's local (<c>ref g</c>), a span's output (or a slice of one), or nothing (<c>default</c>).
        /// </summary>
        private static IEnumerable<(Arg Into, int Index)> Gradients(IEnumerable<Arg> rest)
            => rest.Where(a => a is RefArg or DefaultArg or SpanArg).Select((a, j) => (a, j)).Where(x => x.a is not DefaultArg);

        private static string Args(IEnumerable<Arg> args, Ctx c) => string.Join(", ", args.Select(a => a switch
        {
            ValueArg v => E(v.Value, c),
            StructFieldArg f => $"{Fields(f.Value, c)}[{StructType.Fields.IndexOf(f.Member)}]", // a struct parameter's member: its field
            SpanArg { Start: null } s => s.Span,
            FieldArg f => f.Field, // the layer's field, a parameter of the callee here
            OmittedArg o => E(o.Value, c), // the default C# passes
            SpanArg s => $"{s.Span}.slice({E(s.Start!, c)}, {E(s.Length!, c)})",
            // An out result: a one-element buffer the callee writes (named, when the caller reads it after the call: OutResults).
            OutArg { Local: null } => "View([T(0)], 0, 1)",
            OutArg o => $"({OutBuffer(o.Local!)} := View([T(0)], 0, 1))",
            _ => throw new ArgumentOutOfRangeException(nameof(args)),
        }));

        private static bool IsInt(Expr e, Ctx c) => e switch
        {
            IntLit or SpanLength => true,
            Var v => c.Ints.Contains(v.Name),
            ElemRead r => c.IntSpans.Contains(r.Span),
            Binary { Op: "+" or "-" or "*" or "%" } b => IsInt(b.Left, c) && IsInt(b.Right, c),
            MathCall { Function: "Sign" } => true,
            _ => false,
        };

        /// <summary>An index; <c>^k</c> is <c>len(s) - k</c>.</summary>
        private static string Index(string span, Expr index, Ctx c) => index is FromEnd f ? $"len({span}) - {E(f.Offset, c)}" : E(index, c);

        private static string E(Expr e, Ctx c) => e switch
        {
            RealLit l => $"T({l.Value.ToString("R", CultureInfo.InvariantCulture)})",
            IntLit i => i.Value.ToString(CultureInfo.InvariantCulture),
            Var v => Variable(v.Name, c),
            ElemRead r => $"{r.Span}[{Index(r.Span, r.Index, c)}]",
            SwitchExpr x => E(x.Lowered, c),
            LocalCall l => $"{l.Name}({string.Join(", ", l.Args.Select(a => E(a, c)))})",
            SpanLength l => $"len({l.Span})",
            Unary { Op: "!" } u => $"(not {E(u.Operand, c)})",
            Unary u => $"(-{E(u.Operand, c)})",
            Binary { Op: "&&" } b => $"({E(b.Left, c)} and {E(b.Right, c)})",
            Binary { Op: "||" } b => $"({E(b.Left, c)} or {E(b.Right, c)})",

            // 1 / (1 + exp(−u)) is the sigmoid, which the generator recognises and differentiates as σ(1 − σ), as torch.sigmoid
            // does: the same function, so nothing changes in double, and in float32 PyTorch rounds its derivatives as ours do
            // (1 − σ of a saturated sigmoid is a few ulps: the float twin's H·v arbitration needs the same formula).
            Binary { Op: "/", Left: RealLit { Value: 1 }, Right: Binary { Op: "+", Left: RealLit { Value: 1 }, Right: MathCall { Function: "Exp", Args: [Unary { Op: "-" } n] } } }
                => $"torch.sigmoid({E(n.Operand, c)})",
            Binary { Op: "<" or ">" or "<=" or ">=" or "==" or "!=" } b => $"(float({E(b.Left, c)}) {b.Op} float({E(b.Right, c)}))",
            Binary b => $"({E(b.Left, c)} {b.Op} {E(b.Right, c)})",
            Conditional k => $"({E(k.WhenTrue, c)} if {E(k.Test, c)} else {E(k.WhenFalse, c)})",
            MathCall m => m.Function switch
            {
                "Log" when m.Args.Length == 2 => $"(torch.log({E(m.Args[0], c)}) / torch.log({E(m.Args[1], c)}))",
                "Exp" or "Log" or "Sqrt" or "Tanh" or "Sin" or "Cos" or "Abs" or "Tan" or "Asin" or "Acos" or "Atan"
                    or "Sinh" or "Cosh" or "Asinh" or "Acosh" or "Atanh" or "Log10" or "Log2" => $"torch.{m.Function.ToLowerInvariant()}({E(m.Args[0], c)})",
                "Pow" => $"torch.pow({E(m.Args[0], c)}, {E(m.Args[1], c)})",
                "Atan2" => $"torch.atan2({E(m.Args[0], c)}, {E(m.Args[1], c)})",
                "CopySign" => $"torch.copysign({E(m.Args[0], c)}, {E(m.Args[1], c)})",
                "FusedMultiplyAdd" => $"({E(m.Args[0], c)} * {E(m.Args[1], c)} + {E(m.Args[2], c)})",
                "Exp2" => $"torch.exp2({E(m.Args[0], c)})",
                "ExpM1" => $"torch.expm1({E(m.Args[0], c)})",
                "Exp10" => $"torch.pow(T(10.0), {E(m.Args[0], c)})",
                "Exp2M1" => $"(torch.exp2({E(m.Args[0], c)}) - 1)",
                "Exp10M1" => $"(torch.pow(T(10.0), {E(m.Args[0], c)}) - 1)",
                "LogP1" => $"torch.log1p({E(m.Args[0], c)})",
                "Log2P1" => $"torch.log2(1 + {E(m.Args[0], c)})",
                "Log10P1" => $"torch.log10(1 + {E(m.Args[0], c)})",
                "Hypot" => $"torch.hypot({E(m.Args[0], c)}, {E(m.Args[1], c)})",
                "Softplus" => $"torch.nn.functional.softplus({E(m.Args[0], c)})",
                "LogCosh" => $"torch.log(torch.cosh({E(m.Args[0], c)}))",
                "Bump" => $"(1 + {E(m.Args[0], c)} * {E(m.Args[0], c)} / (1 + {E(m.Args[0], c)} * {E(m.Args[0], c)}))",
                "ScaledSoftplus" => $"({E(m.Args[1], c)} * torch.nn.functional.softplus({E(m.Args[0], c)}))",
                "SinPi" => $"torch.sin(math.pi * {E(m.Args[0], c)})",
                "CosPi" => $"torch.cos(math.pi * {E(m.Args[0], c)})",
                "TanPi" => $"torch.tan(math.pi * {E(m.Args[0], c)})",
                "AsinPi" => $"(torch.asin({E(m.Args[0], c)}) / math.pi)",
                "AcosPi" => $"(torch.acos({E(m.Args[0], c)}) / math.pi)",
                "AtanPi" => $"(torch.atan({E(m.Args[0], c)}) / math.pi)",
                "Atan2Pi" => $"(torch.atan2({E(m.Args[0], c)}, {E(m.Args[1], c)}) / math.pi)",
                "DegreesToRadians" => $"torch.deg2rad({E(m.Args[0], c)})",
                "RadiansToDegrees" => $"torch.rad2deg({E(m.Args[0], c)})",
                "Lerp" => $"({E(m.Args[0], c)} * (1 - {E(m.Args[2], c)}) + {E(m.Args[1], c)} * {E(m.Args[2], c)})",
                "MaxNumber" => $"Max({E(m.Args[0], c)}, {E(m.Args[1], c)})",
                "MinNumber" => $"Min({E(m.Args[0], c)}, {E(m.Args[1], c)})",
                _ => $"{m.Function}({string.Join(", ", m.Args.Select(a => E(a, c)))})",
            },
            // int → real makes a constant; float ↔ double is the identity in double precision.
            Cast { To: ValueType.Real } k when IsInt(k.Operand, c) => $"T({E(k.Operand, c)})",
            Cast k => E(k.Operand, c),
            CallExpr { IsNested: true } call => NestedValue(call, c),
            CallExpr call => $"{Callee(call.Callee, call.IsNn, c)}({Args(call.Args, c)})",
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name),
        };

        private sealed class PyWriter
        {
            private readonly System.Text.StringBuilder _sb = new();

            public int Indent { get; set; }

            public int Lines { get; private set; }

            public void Line(string text = "")
            {
                if (text.Length > 0) _sb.Append(' ', 4 * Indent).Append(text);
                _sb.Append('\n');
                Lines++;
            }

            public override string ToString() => _sb.ToString();
        }
    }
}
