using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Diagnostics;
using SymGrad.Generator.Emit;
using SymGrad.Generator.Model;
using SymGrad.Generator.Optimize;

namespace SymGrad.Generator.Differentiate
{
    /// <summary>
    /// Differentiate stage: lowered body → <see cref="BackwardProgram"/>. Plans the outputs and the loops, builds the two
    /// sweeps, lets the optimiser decide what is kept, checks that each replayed loop's proposal held (else tapes it and
    /// builds again), and settles how output cotangents are held.
    /// </summary>
    internal static class BackwardBuilder
    {
        public static BackwardProgram Build(MethodModel model, Block body, IEnumerable<LocalSpec> extraLocals, NameAllocator names)
        {
            var facts = new Facts(model, body, extraLocals);
            if (facts.Diagnostics.Count > 0)
            {
                throw new DiagnosticsException(facts.Diagnostics);
            }

            var plans = new OutputPlans(facts);
            if (plans.Diagnostics.Count > 0)
            {
                throw new DiagnosticsException(plans.Diagnostics);
            }

            var taped = new HashSet<For>(ReferenceComparer<For>.Instance);
            for (int attempt = 0; ; attempt++)
            {
                var strategies = new LoopStrategies(facts, plans, taped);
                var context = new SweepContext(facts, plans, strategies, names.Clone());
                var forward = new ForwardSweep(context);
                var reverse = new ReverseSweep(context, forward);
                BackwardProgram program = context.Program;
                var read = new HashSet<string>(Walk.All(body).SelectMany(Walk.Expressions).SelectMany(Reads.Values));
                program.CallersValues.AddRange(plans.Plans.Values.Where(p => p.Source == OutputSource.Unwritten && read.Contains(p.Span)).Select(p => p.Span));
                program.ActiveOutputs.UnionWith(model.Parameters.Where(p => p.Kind == ParameterKind.SpanOutput && facts.Active.Contains(p.Name)).Select(p => p.Name));
                program.Setup = Setup(context);
                program.Forward = new Block(forward.Block(body, owned: true, replaying: null).ToEquatableArray());
                program.Reverse = new Block(reverse.Block(body).ToEquatableArray());
                ZeroAdjoints.Run(program);
                DeadCode.Run(program);

                List<For> failed = FailedReplays(program, reverse, strategies).ToList();
                if (failed.Count > 0 && attempt < 16)
                {
                    taped.UnionWith(failed);
                    continue;
                }

                CheckAccumulatedOutputs(program, context);
                LoopOrder.KeepForwardOrder(program, reverse.CanonicalLoops);
                Cotangents.Settle(program, context);
                Tidy.Run(program);

                // What the tidy-up folded away (s = c ? s : s is s = s, dropped) may leave a value nothing reads: a local
                // initialised to a constant would be CS0219 (found by the random-program tester).
                DeadCode.Run(program);
                program.CoverageChecks = plans.Checks;
                program.Derivation = Emit.Derivation.Lines(program);
                RuntimeZeros.Run(program);
                return program;
            }
        }

        /// <summary>Work copies of the outputs the forward sweep rebuilds (from the caller's final values) and of cotangents.</summary>
        private static Block Setup(SweepContext context)
        {
            var setup = new List<Stmt>();
            foreach (ParameterSpec p in context.Facts.Model.Parameters.Where(p => p.Kind == ParameterKind.SpanOutput))
            {
                if (context.WorkCopy(p.Name) is { } copy)
                {
                    setup.Add(new Assign(new Name(copy, "span"), "=", context.ArrayCopies.Contains(p.Name)
                        ? new Opaque(context.Workspace + ".CopyArray({0})", new[] { p.Name }.ToEquatableArray(), "span")
                        : new Opaque(context.Workspace + ".Copy({0})", new[] { p.Name }.ToEquatableArray(), "span"), ""));
                }

                if (context.HasAdjoint(p.Name))
                {
                    setup.Add(new Assign(new Name(context.Adjoint(p.Name), "span"), "=",
                        new Opaque(context.Workspace + ".CopyOrZeros({0}, {1}.Length)", new[] { context.Program.Cotangents[p.Name], p.Name }.ToEquatableArray(), "span"), ""));
                }
            }

            return new Block(setup.ToEquatableArray());
        }

        /// <summary>
        /// A replayed loop's proposal holds when its reversal reads none of the outer scalars its body changes (they are
        /// restored only after the loop's reversal, so inside it they hold the values of the loop's end).
        /// </summary>
        private static IEnumerable<For> FailedReplays(BackwardProgram program, ReverseSweep reverse, LoopStrategies strategies)
        {
            var reversed = program.Reverse.Statements.SelectMany(s => Walk.All(new Block(new[] { s }.ToEquatableArray()))).OfType<For>()
                .Where(f => f.Tag != 0).ToDictionary(f => f.Tag);
            foreach (KeyValuePair<int, For> entry in reverse.ReplayedLoops)
            {
                if (!reversed.TryGetValue(entry.Key, out For? loop))
                {
                    continue;
                }

                var outer = new HashSet<string>(strategies.OuterScalars(entry.Value));
                if (Walk.All(loop.Body).SelectMany(Walk.Expressions).SelectMany(Reads.Of).Any(outer.Contains))
                {
                    yield return entry.Value;
                }
            }
        }

        /// <summary>SG0016: the values of an output accumulated into (<c>y[i] += …</c>) are read back by the backward.</summary>
        private static void CheckAccumulatedOutputs(BackwardProgram program, SweepContext context)
        {
            var diagnostics = new List<DiagnosticInfo>();
            foreach (OutputPlan plan in context.Plans.Plans.Values.Where(p => p.Accumulated))
            {
                if (context.WorkCopy(plan.Span) is { } copy && program.Blocks.SelectMany(Walk.All).Any(s => ReadsValues(s, copy)))
                {
                    diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.OutputAccumulatedAndRead.Id, null, new[] { plan.Span }.ToEquatableArray()));
                }
            }

            if (diagnostics.Count > 0)
            {
                throw new DiagnosticsException(diagnostics);
            }
        }

        private static bool ReadsValues(Stmt s, string span)
        {
            // A call adding to an output (g += s·∇F) makes what it adds of its inputs alone: what g held is read only by what reads g next.
            if (s is CallStatement { Call.Target.Accumulates: true } adds)
            {
                return adds.Call.Args.Where((a, i) => adds.Call.Target.Parameters[i].Kind != ParameterKind.SpanOutput).Any(a => Reads.Of(a).Contains(span));
            }

            if (s is Assign { Target: Element e } a && e.Span == span)
            {
                return a.Op != "=" || Reads.Of(a.Value).Contains(span) || Reads.Of(e.Index).Contains(span);
            }

            if (s is Assign { Target: Name n } setup && n.Id == span)
            {
                return false; // the copy itself
            }

            return Walk.Expressions(s).Any(e => Reads.Of(e).Contains(span));
        }
    }
}
