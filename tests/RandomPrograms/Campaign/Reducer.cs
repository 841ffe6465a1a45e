using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Linq;
using SymGrad.RandomPrograms.Check;
using SymGrad.RandomPrograms.Model;
using ValueType = SymGrad.RandomPrograms.Model.ValueType;

namespace SymGrad.RandomPrograms.Campaign
{
    /// <summary>
    /// Structural reduction of a failing program. CsCheck shrinks by size: it draws more programs and keeps a smaller
    /// failing one when one happens to come up, which needs many compilations (≈ 0.1 s each) and still leaves the
    /// failing construct surrounded by unrelated statements; for a defect hit by 1 program in 50 it rarely finds a small
    /// one. So a failing program is reduced here instead, greedily: remove a statement, splice an <c>if</c>'s branch in
    /// its place, replace a real expression by one of its operands or a literal, drop unused locals, parameters and
    /// methods — each candidate kept when it still fails with the same failure key. Candidates are compiled together in
    /// one batch per round. A reduction never removes the statement that first writes an output (the program would read
    /// undefined elements) and never touches index expressions (they keep accesses in bounds).
    /// </summary>
    public static class Reducer
    {
        public static (ProgramModel Program, Failure Failure) Shrink(ProgramModel program, Failure failure, string seed, TimeSpan budget, int batch = 24)
        {
            var sw = Stopwatch.StartNew();
            var current = program;
            var currentFailure = failure;
            int id = 1_000_000;
            bool progress = true;
            while (progress && sw.Elapsed < budget)
            {
                progress = false;
                var candidates = Candidates(current).Where(c => Measure.Nodes(c) < Measure.Nodes(current) && Generate.LayerCalls.Consistent(c))
                    .OrderBy(Measure.Nodes).ToList();
                for (int start = 0; start < candidates.Count && sw.Elapsed < budget; start += batch)
                {
                    var chunk = candidates.Skip(start).Take(batch).Select(c => (id++, seed, c)).ToList();
                    List<(ProgramResult Result, List<TorchCase> Torch)> results;
                    try
                    {
                        // Every candidate draws its inputs from the failing program's seed, so a value failure can reproduce.
                        results = Runner.CheckBatch(chunk);
                    }
                    catch (Exception)
                    {
                        continue;
                    }

                    var hit = results
                        .Select(r => (r.Result, Program: chunk.First(c => c.Item1 == r.Result.Id).c))
                        .Where(r => r.Result.Failures.Any(f => f.Key == failure.Key))
                        .OrderBy(r => Measure.Nodes(r.Program))
                        .FirstOrDefault();
                    if (hit.Result is not null)
                    {
                        current = hit.Program;
                        currentFailure = hit.Result.Failures.First(f => f.Key == failure.Key);
                        progress = true;
                        break;
                    }
                }
            }

            return (current, currentFailure);
        }

        /// <summary>Every one-step reduction of the program.</summary>
        public static IEnumerable<ProgramModel> Candidates(ProgramModel p)
        {
            // Drop a method nobody calls (not the entry).
            for (int i = 0; i < p.Methods.Length - 1; i++)
            {
                string name = p.Methods[i].Name;
                if (!p.Methods.Any(m => m.Name != name && Measure.All(m.Body).Any(n => n is CallExpr { IsNn: false } c && c.Callee == name || n is CallStmt { IsNn: false } s && s.Callee == name)))
                {
                    yield return p with { Methods = p.Methods.RemoveAt(i) };
                }
            }

            for (int mi = 0; mi < p.Methods.Length; mi++)
            {
                var m = p.Methods[mi];
                var reals = m.Params.Where(q => q.Kind is ParamKind.RealScalar or ParamKind.RealSpanIn or ParamKind.RealSpanOut).Select(q => q.Name)
                    .Concat(Measure.All(m.Body).OfType<Decl>().Where(d => d.Type == ValueType.Real).SelectMany(d => d.Vars.Select(v => v.Name)))
                    .Concat(Measure.All(m.Body).OfType<StructDecl>().SelectMany(d => StructType.Fields.Select(f => d.Name + "." + f)))
                    .ToHashSet();
                foreach (var body in BodyReductions(m, m.Body, top: true, reals))
                {
                    yield return p with { Methods = p.Methods.SetItem(mi, m with { Body = body, ExpressionBodied = m.ExpressionBodied && body is [Return] or [CallStmt] }) };
                }

                // A layer's field as a parameter again, its this. reads as plain ones, the method static once it has no fields.
                for (int k = 0; k < m.Params.Length; k++)
                {
                    var q = m.Params[k];
                    if (q.This) yield return p with { Methods = p.Methods.SetItem(mi, m with { Params = m.Params.SetItem(k, q with { This = false }) }) };
                    if (q.Field) yield return Generate.LayerCalls.Unfield(p, mi, k); // its callers then pass it
                }

                if (m.Instance && !m.Params.Any(q => q.Field)) yield return p with { Methods = p.Methods.SetItem(mi, m with { Instance = false }) };

                // A struct parameter back to its scalars (unless read whole); a gradient no longer passed empty; no default.
                foreach (var st in m.Params.Where(q => q.Struct is not null).Select(q => q.Struct!).Distinct())
                {
                    if (!m.ReadsWhole(st))
                    {
                        yield return p with { Methods = p.Methods.SetItem(mi, m with { Params = m.Params.Select(q => q.Struct == st ? q with { Struct = null, Member = null } : q).ToImmutableArray() }) };
                    }
                }

                for (int k = 0; k < m.Params.Length; k++)
                {
                    var q = m.Params[k];
                    if (q.EmptyGradient) yield return p with { Methods = p.Methods.SetItem(mi, m with { Params = m.Params.SetItem(k, q with { EmptyGradient = false }) }) };
                    if (q.Default is not null) yield return p with { Methods = p.Methods.SetItem(mi, m with { Params = m.Params.SetItem(k, q with { Default = null }) }) };
                }

                // A generic method made plain, where no generic method calls it (its callers would pass T).
                if (m.IsGeneric && !p.Methods.Any(c => c.IsGeneric && c.Name != m.Name && Measure.All(c.Body).Any(n => n is CallExpr { IsNn: false } ce && ce.Callee == m.Name || n is CallStmt { IsNn: false } cs && cs.Callee == m.Name)))
                {
                    yield return p with { Methods = p.Methods.SetItem(mi, m with { Generic = GenericForm.None }) };
                }

                if (mi == 0 && p.Methods.Any(x => x.Generic == GenericForm.StructIeee754))
                {
                    // The struct constraint dropped everywhere at once (a T without it cannot be passed to a T with it).
                    yield return p with { Methods = p.Methods.Select(x => x.Generic == GenericForm.StructIeee754 ? x with { Generic = GenericForm.Ieee754 } : x).ToImmutableArray() };
                }

                // Unused parameters of the entry (callers would need their arguments changed); a layer's unused fields.
                if (mi == p.Methods.Length - 1)
                {
                    for (int k = 0; k < m.Params.Length; k++)
                    {
                        var q = m.Params[k];
                        // Keep a void method's last output and a method's last differentiable input: the subset's shapes.
                        bool lastOutput = q.Kind == ParamKind.RealSpanOut && !m.ReturnsReal && m.Params.Count(x => x.Kind == ParamKind.RealSpanOut) == 1;
                        bool lastInput = q.IsDifferentiable && m.Params.Count(x => x.IsDifferentiable) == 1;
                        if (!Uses(m, q.Name) && !lastOutput && !lastInput && !q.Result) yield return p with { Methods = p.Methods.SetItem(mi, m with { Params = m.Params.RemoveAt(k) }) };
                    }
                }
            }
        }

        /// <summary>Whether a node reads or writes struct local <paramref name="name"/> or one of its fields.</summary>
        private static bool Mentions(object n, string name)
        {
            bool Is(string x) => x == name || x.StartsWith(name + ".", StringComparison.Ordinal);
            return n switch
            {
                Var v => Is(v.Name),
                Assign a => Is(a.Target),
                IncDec c => Is(c.Target),
                StructAssign a => Is(a.Target),
                _ => false,
            };
        }

        private static bool Uses(Method m, string name)
            => m.Params.Any(q => q.Length?.Sizes.Contains(name) == true || q.ValueBound?.Sizes.Contains(name) == true)
               || Measure.Names(m.Body).Contains(name);

        private static IEnumerable<ImmutableArray<Stmt>> BodyReductions(Method m, ImmutableArray<Stmt> body, bool top, HashSet<string> reals)
        {
            var firstWrites = top ? FirstWrites(m, body) : new HashSet<int>();
            for (int i = 0; i < body.Length; i++)
            {
                var s = body[i];
                var rest = body.RemoveAt(i);
                // Remove the statement (unless it declares something used later, or first writes an output).
                var declared = (s is Decl dv ? dv.Vars.Select(v => v.Name) : Enumerable.Empty<string>())
                    .Concat(Measure.All(s).OfType<OutArg>().Where(o => o.Declare).Select(o => o.Local!)).ToList();
                bool declaresUsed = declared.Any(v => rest.Skip(i).SelectMany(Measure.All).Any(n => n is Var x && x.Name == v || n is Assign a && a.Target == v || n is IncDec c && c.Target == v || n is OutArg { Declare: false } o && o.Local == v))
                    || s is StructDecl sd && rest.Skip(i).SelectMany(Measure.All).Any(n => Mentions(n, sd.Name));
                bool finalReturn = top && (m.ReturnsReal || m.ReturnsStruct) && i == body.Length - 1 && s is Return;
                if (!declaresUsed && !firstWrites.Contains(i) && !finalReturn) yield return rest;

                // Splice an if's branch.
                if (s is If f && !firstWrites.Contains(i))
                {
                    yield return body.RemoveAt(i).InsertRange(i, f.Then);
                    if (f.Else is { } e) yield return body.RemoveAt(i).InsertRange(i, e);
                    if (f.Else is not null) yield return body.SetItem(i, f with { Else = null });
                }

                // Several declarators: keep one per line.
                if (s is Decl { Vars.Length: > 1 } dd)
                {
                    yield return body.RemoveAt(i).InsertRange(i, dd.Vars.Select(v => (Stmt)new Decl(dd.Type, ImmutableArray.Create(v))));
                }

                // Recurse into blocks.
                switch (s)
                {
                    case If f2:
                        foreach (var t in BodyReductions(m, f2.Then, false, reals)) yield return body.SetItem(i, f2 with { Then = t });
                        if (f2.Else is { } e2)
                        {
                            foreach (var t in BodyReductions(m, e2, false, reals)) yield return body.SetItem(i, f2 with { Else = t });
                        }

                        break;
                    case For loop:
                        foreach (var t in BodyReductions(m, loop.Body, false, reals)) yield return body.SetItem(i, loop with { Body = t });
                        break;
                    case While loop:
                        foreach (var t in BodyReductions(m, loop.Body, false, reals)) yield return body.SetItem(i, loop with { Body = t });
                        break;
                    case ForEach loop:
                        foreach (var t in BodyReductions(m, loop.Body, false, reals)) yield return body.SetItem(i, loop with { Body = t });
                        break;
                    case Model.Switch sw:
                        for (int k = 0; k < sw.Sections.Length; k++)
                        {
                            var section = sw.Sections[k];
                            foreach (var t in BodyReductions(m, section.Body, false, reals)) yield return body.SetItem(i, sw with { Sections = sw.Sections.SetItem(k, section with { Body = t }) });
                        }

                        if (sw.Default is { } otherwise)
                        {
                            foreach (var t in BodyReductions(m, otherwise, false, reals)) yield return body.SetItem(i, sw with { Default = t });
                        }

                        break;
                }

                // Simplify the expressions of the statement.
                foreach (var s2 in ExprReductions(s, reals, m.ReturnsStruct)) yield return body.SetItem(i, s2);
            }
        }

        /// <summary>
        /// Top-level statements that write an output (or, by a constant index, an element of it) for the first time: a method
        /// writes every element of its outputs (README), so <c>y[0] = …; y[1] = …;</c> keep both (found shrinking
        /// <c>bFoFLxZ30AF1</c>: a callee left writing y[0] only, whose caller then lost y[1]'s cotangent — another defect).
        /// </summary>
        private static HashSet<int> FirstWrites(Method m, ImmutableArray<Stmt> body)
        {
            var set = new HashSet<int>();
            var written = new HashSet<string>();
            var outputs = m.Params.Where(q => q.Kind == ParamKind.RealSpanOut).Select(q => q.Name).ToHashSet();
            for (int i = 0; i < body.Length; i++)
            {
                foreach (var n in Measure.All(body[i]))
                {
                    string? target = n switch
                    {
                        Store st => st.Span,
                        SpanArg a when outputs.Contains(a.Span) => a.Span,
                        _ => null,
                    };
                    string element = n is Store { Index: IntLit k } ? $"{target}[{k.Value}]" : target ?? "";
                    if (target is not null && outputs.Contains(target) && written.Add(element)) set.Add(i);
                }
            }

            return set;
        }

        private static IEnumerable<Stmt> ExprReductions(Stmt s, HashSet<string> reals, bool structResult)
        {
            switch (s)
            {
                case Decl d:
                    for (int k = 0; k < d.Vars.Length; k++)
                    {
                        foreach (var e in Smaller(d.Vars[k].Init, reals)) yield return d with { Vars = d.Vars.SetItem(k, d.Vars[k] with { Init = e }) };
                    }

                    break;
                case Assign a:
                    foreach (var e in Smaller(a.Value, reals))
                    {
                        if (a.Op == "=" && e is Var v && v.Name == a.Target) continue; // x = x; warns in the user's code
                        yield return a with { Value = e };
                    }

                    break;
                case Store st:
                    foreach (var e in Smaller(st.Value, reals)) yield return st with { Value = e };
                    break;
                case Return { Value: { } sv } r when structResult:
                    foreach (var e in SmallerStruct(sv, reals)) yield return r with { Value = e };
                    break;
                case Return { Value: { } v } r:
                    foreach (var e in Smaller(v, reals)) yield return r with { Value = e };
                    break;
                case StructDecl d:
                    foreach (var e in SmallerStruct(d.Init, reals)) yield return d with { Init = e };
                    break;
                case StructAssign a:
                    foreach (var e in SmallerStruct(a.Value, reals)) yield return a with { Value = e };
                    break;
                case If i:
                    yield return i with { Test = new Binary(">", new RealLit(1), new RealLit(0)) };
                    break;
            }
        }

        /// <summary>Struct values one step smaller: <c>default</c>, a field left out or made smaller.</summary>
        private static IEnumerable<Expr> SmallerStruct(Expr e, HashSet<string> reals)
        {
            if (e is StructDefault) yield break;
            yield return new StructDefault();
            if (e is not StructNew n) yield break;
            for (int k = 0; k < n.Fields.Length; k++)
            {
                if (n.Fields[k] is not { } f) continue;
                if (!n.Ctor) yield return n with { Fields = n.Fields.SetItem(k, null) };
                foreach (var smaller in Smaller(f, reals)) yield return n with { Fields = n.Fields.SetItem(k, smaller) };
            }
        }

        /// <summary>Real expressions one step smaller: an operand in place of the operation, or a literal.</summary>
        private static IEnumerable<Expr> Smaller(Expr e, HashSet<string> reals)
        {
            if (e is RealLit) yield break;
            if (IsReal(e, reals)) yield return new RealLit(0.5);
            switch (e)
            {
                case Binary { Op: "+" or "-" or "*" or "/" } b when IsReal(b.Left, reals) && IsReal(b.Right, reals):
                    yield return b.Left;
                    if (b.Op != "/") yield return b.Right;
                    foreach (var l in Smaller(b.Left, reals)) yield return b with { Left = l };
                    if (b.Op != "/") foreach (var r in Smaller(b.Right, reals)) yield return b with { Right = r };
                    break;
                case Unary { Op: "-" } u when IsReal(u.Operand, reals):
                    yield return u.Operand;
                    foreach (var o in Smaller(u.Operand, reals)) yield return u with { Operand = o };
                    break;
                case MathCall { Function: "Tanh" or "Sin" or "Cos" or "Abs" or "Exp", Wide: false } m:
                    if (IsReal(m.Args[0], reals)) yield return m.Args[0];
                    foreach (var a in Smaller(m.Args[0], reals)) yield return m with { Args = ImmutableArray.Create(a) };
                    break;
                case MathCall { Function: "Max" or "Min", Wide: false } m:
                    yield return m.Args[0];
                    yield return m.Args[1];
                    break;
                case Conditional c:
                    yield return c.WhenTrue;
                    yield return c.WhenFalse;
                    foreach (var t in Smaller(c.WhenTrue, reals)) yield return c with { WhenTrue = t };
                    foreach (var f in Smaller(c.WhenFalse, reals)) yield return c with { WhenFalse = f };
                    break;
            }
        }

        /// <summary>Whether an expression is Real-typed for sure (variables are, unless they are counters: not replaced).</summary>
        private static bool IsReal(Expr e, HashSet<string> reals) => e switch
        {
            RealLit => true,
            Var v => reals.Contains(v.Name),
            ElemRead r => reals.Contains(r.Span),
            Binary { Op: "+" or "-" or "*" or "/" } b => IsReal(b.Left, reals) || IsReal(b.Right, reals),
            Unary { Op: "-" } u => IsReal(u.Operand, reals),
            MathCall { Wide: false, Function: not "Sign" } => true,
            Conditional c => IsReal(c.WhenTrue, reals),
            CallExpr => true,
            Cast { To: ValueType.Real } => true,
            _ => false,
        };
    }
}
