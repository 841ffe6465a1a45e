using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Emit;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Differentiate
{
    /// <summary>One length a span must have for the loops to stay inside it.</summary>
    /// <param name="Condition">When the access happens at all (every loop around it runs), or empty.</param>
    /// <param name="Required">The number of elements the loops reach, as a C# long expression.</param>
    /// <param name="Access">The access as written, for the message.</param>
    internal sealed record SizeCheck(string Span, string Condition, string Required, string Access);

    /// <summary>
    /// Finds, for every span access <c>x[i * inputs + k]</c> made unconditionally inside counting loops from
    /// constants to parameters, the length it needs: the index with each counter at its last value, plus one.
    /// The backward checks these first, so a span that contradicts the sizes is an ArgumentException before
    /// anything is written rather than an IndexOutOfRangeException halfway.
    /// </summary>
    internal static class SizeChecks
    {
        public static List<SizeCheck> Find(Block body, MethodModel model)
        {
            var checks = new List<SizeCheck>();
            var parameters = model.Parameters.ToDictionary(p => p.Name);
            Visit(body, new List<For>(), parameters, checks);
            // y[i] for i < y.Length needs nothing checked; of a span's constant lengths under one condition (x[0], x[1], x[2]) the
            // largest says all (GradBench's reprojection error read 18 elements of 4 spans: 18 checks where its tangent needs 4).
            var needed = checks.Where(c => c.Required != "(double)" + c.Span + ".Length")
                .GroupBy(c => (c.Span, c.Required)).Select(g => g.OrderBy(c => c.Condition.Length).First()).ToList();
            var largest = needed.Where(c => Constant(c) is not null).GroupBy(c => (c.Span, c.Condition))
                .ToDictionary(g => g.Key, g => g.OrderByDescending(c => Constant(c)).First());
            return needed.Where(c => Constant(c) is null || ReferenceEquals(largest[(c.Span, c.Condition)], c)).ToList();
        }

        private static double? Constant(SizeCheck check)
            => double.TryParse(check.Required, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double value) ? value : null;

        private static void Visit(Block block, List<For> loops, Dictionary<string, ParameterSpec> parameters, List<SizeCheck> checks)
        {
            foreach (Stmt statement in block.Statements)
            {
                switch (statement)
                {
                    case LocalDecl d:
                        Accesses(d.Init, loops, parameters, checks);
                        break;
                    case Assign a:
                        Accesses(a.Target, loops, parameters, checks);
                        Accesses(a.Value, loops, parameters, checks);
                        break;
                    case Return r:
                        Accesses(r.Value, loops, parameters, checks);
                        break;
                    case For f:
                        Visit(f.Body, new List<For>(loops) { f }, parameters, checks);
                        break;

                    // Accesses under an if may be guarded by it (padding checks): they are left to the indexer.
                }
            }
        }

        private static void Accesses(Expr? e, List<For> loops, Dictionary<string, ParameterSpec> parameters, List<SizeCheck> checks)
        {
            switch (e)
            {
                case Element el:
                    if (Check(el, loops, parameters) is { } check) checks.Add(check);
                    Accesses(el.Index, loops, parameters, checks);
                    break;
                case Unary u: Accesses(u.Operand, loops, parameters, checks); break;
                case Binary b: Accesses(b.Left, loops, parameters, checks); Accesses(b.Right, loops, parameters, checks); break;
                case MathCall m: foreach (Expr a in m.Args) Accesses(a, loops, parameters, checks); break;
                case Cast c: Accesses(c.Operand, loops, parameters, checks); break;

                // A call's arguments are read before it runs, as any operand (Sq(w[3]) needs w.Length ≥ 4).
                case UserCall call: foreach (Expr a in call.Args) Accesses(a, loops, parameters, checks); break;

                // Conditional branches are skipped for the same reason as if statements.
            }
        }

        private static SizeCheck? Check(Element access, List<For> loops, Dictionary<string, ParameterSpec> parameters)
        {
            var counters = new Dictionary<string, Poly>();
            var conditions = new List<string>();
            foreach (For loop in loops)
            {
                if (!Simplifier.IsConstant(loop.Step, 1)
                    || loop.Condition is not Binary { Op: "<" or "<=", Left: Name c, Right: var bound } cmp || c.Id != loop.Counter
                    || !Reads.Of(bound).Concat(Reads.Of(loop.Init)).All(parameters.ContainsKey)
                    || Poly.From(bound) is not { } last || Poly.From(loop.Init) is null)
                {
                    return null;
                }

                counters[loop.Counter] = cmp.Op == "<" ? last.Plus(Poly.Constant(-1)) : last;
                string start = ExprPrinter.Print(loop.Init), end = ExprPrinter.Print(bound);
                conditions.Add(cmp.Op == "<" ? $"{end} > {start}" : $"{end} >= {start}");
            }

            // The index may use the counters and the parameters (sizes, geometry), nothing the body computes.
            if (!Reads.Of(access.Index).All(r => counters.ContainsKey(r) || parameters.ContainsKey(r))
                || Poly.From(access.Index) is not { } index
                || index.Terms.Any(t => t.Value < 0 && Poly.Factors(t.Key).Any(counters.ContainsKey)))
            {
                return null;
            }

            Poly max = index;
            foreach (var counter in counters)
            {
                max = max.Substitute(counter.Key, counter.Value);
            }

            string condition = string.Join(" && ", conditions.Where(c => !IsTriviallyTrue(c)).Distinct());
            return new SizeCheck(access.Span, condition, max.Plus(Poly.One).ToCSharp(), ExprPrinter.Print(access));
        }

        private static bool IsTriviallyTrue(string condition) => condition is "1 > 0" or "0 >= 0";
    }
}
