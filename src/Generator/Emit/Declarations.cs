using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Differentiate;
using SymGrad.Generator.Model;
using SymGrad.Generator.Optimize;

namespace SymGrad.Generator.Emit
{
    /// <summary>
    /// Places a declaration for every variable of the backward, so no transform has to know about scopes: in the
    /// innermost block that holds its uses, at its first assignment there (<c>double g = …;</c>) or, when the first use
    /// is a read or sits in a nested block, as <c>double v = 0;</c> just before it. Where no value flows between two uses
    /// (the variable is dead on entry to each), each gets its own declaration: a local the forward sweep and a replay both
    /// compute is declared in each loop, as one would write it.
    /// </summary>
    internal sealed class Declarations
    {
        private readonly Dictionary<Stmt, HashSet<string>> _liveIn;
        private readonly Dictionary<Stmt, List<Variable>> _before = new(ReferenceComparer<Stmt>.Instance);
        private readonly Dictionary<Stmt, Variable> _converted = new(ReferenceComparer<Stmt>.Instance);
        private readonly Dictionary<For, string> _renamedCounters = new(ReferenceComparer<For>.Instance);
        private readonly HashSet<string> _taken;

        private Declarations(Block body, IEnumerable<string> exit)
        {
            _liveIn = Liveness.Of(body, exit).In;
            _taken = new HashSet<string>(Walk.All(body).SelectMany(Walk.Expressions).SelectMany(Reads.Of));
        }

        public static Block Place(Block body, IReadOnlyDictionary<string, Variable> variables, IEnumerable<string> exit)
        {
            var placer = new Declarations(body, exit);

            // A value of the forward computation the backward reads but computes nowhere would be declared as 0 here and
            // give a wrong gradient without a word: a defect of the generator, reported as SG9999 at the method instead.
            var assigned = new HashSet<string>(Walk.Assigned(body));
            string[] unset = placer._taken.Where(n => !assigned.Contains(n) && variables.TryGetValue(n, out Variable? v) && v.Role == Role.Primal)
                .OrderBy(n => n, System.StringComparer.Ordinal).ToArray();
            if (unset.Length > 0)
            {
                throw new System.InvalidOperationException($"the backward reads {string.Join(", ", unset)} but computes it nowhere");
            }

            foreach (Variable v in variables.Values.OrderBy(v => v.Name, System.StringComparer.Ordinal))
            {
                placer.Plan(body, v);
            }

            return placer.Apply(body);
        }

        private void Plan(Block block, Variable v)
        {
            var mentions = block.Statements.Where(s => Mentions(s, v.Name)).ToList();
            if (mentions.Count == 0)
            {
                return;
            }

            // Each use goes down into its own block when no value flows between them (dead on entry to each) and none of
            // them needs the declaration at this level: a declaration here would clash with any inside (CS0136).
            bool nested = mentions.All(s => s is If or For && !OwnMention(s, v.Name) && !_liveIn[s].Contains(v.Name));
            if (!nested)
            {
                Declare(block, mentions[0], v);
                return;
            }

            foreach (Stmt s in mentions)
            {
                foreach (Block child in Walk.Children(s))
                {
                    Plan(child, v);
                }
            }
        }

        private void Declare(Block block, Stmt at, Variable v)
        {
            // A loop in the declaration's block whose counter has the same name would hide it: that loop's counter is renamed.
            foreach (For loop in Walk.All(block).OfType<For>().Where(f => f.Counter == v.Name && !_renamedCounters.ContainsKey(f)))
            {
                string fresh = v.Name;
                for (int i = 2; _taken.Contains(fresh); i++) fresh = v.Name + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                _taken.Add(fresh);
                _renamedCounters[loop] = fresh;
            }

            if (at is Assign { Op: "=", Target: Name n } a && n.Id == v.Name && !Reads.Of(a.Value).Contains(n.Id) && !_converted.ContainsKey(at))
            {
                _converted[at] = v;
                return;
            }

            if (!_before.TryGetValue(at, out List<Variable>? list))
            {
                _before[at] = list = new List<Variable>();
            }

            list.Add(v);
        }

        private Block Apply(Block block)
        {
            var output = new List<Stmt>();
            foreach (Stmt s in block.Statements)
            {
                if (_before.TryGetValue(s, out List<Variable>? declared))
                {
                    output.AddRange(declared.Select(v => new LocalDecl(v.Name, v.Type, Zero(v.Type), "")));
                }

                Stmt placed = s switch
                {
                    Assign a when _converted.TryGetValue(s, out Variable? v) => new LocalDecl(v.Name, v.Type, a.Value, a.Source),
                    If i => i with { Then = Apply(i.Then), Else = Apply(i.Else) },
                    For f => f with { Body = Apply(f.Body) },
                    _ => s,
                };
                if (s is For loop && _renamedCounters.TryGetValue(loop, out string? fresh))
                {
                    var f = (For)placed;
                    System.Func<Expr, Expr> rename = e => Walk.Rename(e, n => n == loop.Counter ? fresh : n);
                    placed = Walk.MapExpressions(f with { Counter = fresh, Body = Walk.MapExpressions(f.Body, rename) }, rename);
                }

                output.Add(placed);
            }

            return new Block(output.ToEquatableArray());
        }

        private static Expr Zero(string type) => type switch
        {
            "bool" => new Literal("false", "bool"),
            "double" or "float" or "int" or "long" or "short" or "byte" or "uint" or "ulong" or "sbyte" or "ushort" => new Literal("0", type),
            _ => new Opaque("default", EquatableArray<string>.Empty, type),
        };

        /// <summary>Whether a statement (or a block inside it) mentions the variable; a loop whose counter it names does not.</summary>
        private static bool Mentions(Stmt s, string name) =>
            (s is not For f || f.Counter != name)
            && (Walk.Expressions(s).Any(e => Reads.Of(e).Contains(name)) || Walk.Children(s).Any(b => b.Statements.Any(x => Mentions(x, name))));

        private static bool OwnMention(Stmt s, string name) => Walk.Expressions(s).Any(e => Reads.Of(e).Contains(name));
    }
}
