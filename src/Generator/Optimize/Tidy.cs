using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Differentiate;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Optimize
{
    /// <summary>
    /// Statement-level clean-up after dead code is gone, so the backward reads as one would write it: a comment whose
    /// block emptied goes; an adjoint set to zero and then first accumulated into becomes one assignment
    /// (<c>dacc = 0; dacc += dy[i];</c> → <c>dacc = dy[i];</c>); a captured value used where the original still holds
    /// it is read from the original; <c>g = dv; dv = g / d;</c> becomes <c>dv /= d;</c>.
    /// </summary>
    internal static class Tidy
    {
        public static void Run(BackwardProgram program)
        {
            var temporaries = new HashSet<string>(program.Variables.Values.Where(v => v.Role == Role.Temporary).Select(v => v.Name));
            program.Forward = Block(program.Forward, temporaries);
            program.Reverse = Block(program.Reverse, temporaries);
        }

        private static Block Block(Block block, HashSet<string> temporaries)
        {
            var list = block.Statements.SelectMany(Lower.ConstantBranches.Decide).Select(s => s switch
            {
                If i => Flip(i with { Then = Block(i.Then, temporaries), Else = Block(i.Else, temporaries) }),
                For f => f with { Body = Block(f.Body, temporaries) },
                _ => s,
            }).ToList();

            PropagateCopies(list, temporaries);
            MergeZeroThenAccumulate(list);
            FoldCapturedUpdate(list, temporaries);
            list.RemoveAll(AssignsItself);
            list.RemoveAll(s => s is If { Then.Statements.Count: 0, Else.Statements.Count: 0 } i && !Reads.Pops(i.Condition).Any()
                || s is For { Body.Statements.Count: 0 } f && !Reads.Pops(f.Init).Any());
            DropEmptyComments(list);

            // A reversed loop that kept the forward order needs no comment: its header says it.
            for (int i = list.Count - 2; i >= 0; i--)
            {
                if (list[i] is Comment && list[i + 1] is For { Tag: < 0 })
                {
                    list.RemoveAt(i);
                }
            }

            return new Block(list.ToEquatableArray());
        }

        /// <summary>v = v, also through casts to v's own type (the user's <c>(double)((double)s)</c>): CS1717, and nothing to do.</summary>
        internal static bool AssignsItself(Stmt s) => s is Assign { Op: "=", Target: Name t, Value: var v } && Simplifier.Simplify(v) is Name same && same.Id == t.Id;

        /// <summary><c>if (c) { } else { B }</c> → <c>if (!c) { B }</c> (once the branches are tidy: a comment may have been all there was).</summary>
        private static If Flip(If i) => i.Then.Statements.Count == 0 && i.Else.Statements.Count > 0 && !Reads.Pops(i.Condition).Any()
            ? i with { Condition = Simplifier.Negate(i.Condition), Then = i.Else, Else = Model.Block.Empty }
            : i;

        private static bool Mentions(Stmt s, string name) => s switch
        {
            Comment => false,
            _ => Walk.Expressions(s).Any(e => Reads.Of(e).Contains(name)) || Walk.Children(s).Any(b => b.Statements.Any(inner => Mentions(inner, name))),
        };

        private static bool Writes(Stmt s, string name) => Walk.Assigned(s).Contains(name);

        /// <summary><c>v = 0; …; v += e;</c> with nothing between mentioning v → <c>v = e;</c></summary>
        private static void MergeZeroThenAccumulate(List<Stmt> list)
        {
            for (int i = 0; i < list.Count; i++)
            {
                if (list[i] is not Assign { Op: "=", Target: Name zero, Value: var value } || !Simplifier.IsConstant(value, 0))
                {
                    continue;
                }

                int j = i + 1;
                while (j < list.Count && !Mentions(list[j], zero.Id))
                {
                    j++;
                }

                if (j < list.Count && list[j] is Assign { Op: "+=" or "-=", Target: Name t } update && t.Id == zero.Id && !Reads.Of(update.Value).Contains(zero.Id))
                {
                    list[j] = update with { Op = "=", Value = update.Op == "+=" ? update.Value : Simplifier.Simplify(new Unary("-", update.Value, update.Value.Type)) };
                    list.RemoveAt(i--);
                }
            }
        }

        /// <summary>
        /// <c>g = v;</c> (a capture, v a variable or element) whose uses all come before anything writes v again: the uses
        /// read v itself.
        /// </summary>
        private static void PropagateCopies(List<Stmt> list, HashSet<string> temporaries)
        {
            for (int i = 0; i < list.Count; i++)
            {
                if (list[i] is not Assign { Op: "=", Target: Name temp, Value: Name or Element } capture || !temporaries.Contains(temp.Id))
                {
                    continue;
                }

                HashSet<string> sources = Reads.Of(capture.Value);
                int last = -1;
                for (int j = i + 1; j < list.Count; j++)
                {
                    if (Mentions(list[j], temp.Id)) last = j;
                    if (Writes(list[j], temp.Id)) { last = -2; break; }
                }

                if (last < 0 || Enumerable.Range(i + 1, last - i).Any(j => sources.Any(v => Writes(list[j], v) && (j < last || !OnlyReadsBeforeWriting(list[j], v)))))
                {
                    continue;
                }

                for (int j = i + 1; j <= last; j++)
                {
                    list[j] = Replace(list[j], temp, capture.Value);
                }

                list.RemoveAt(i--);
            }
        }

        // The last use may itself write the source (dv = g * 2 → dv = dv * 2): its value is read first.
        private static bool OnlyReadsBeforeWriting(Stmt s, string v) => s is Assign { Target: Name t } && t.Id == v;

        private static Stmt Replace(Stmt s, Name temp, Expr with)
        {
            Stmt mapped = Walk.MapExpressions(s, e => Walk.Transform(e, x => x is Name n && n.Id == temp.Id ? with : null));
            return mapped switch
            {
                If i => i with { Then = new Block(i.Then.Statements.Select(x => Replace(x, temp, with)).ToEquatableArray()), Else = new Block(i.Else.Statements.Select(x => Replace(x, temp, with)).ToEquatableArray()) },
                For f => f with { Body = new Block(f.Body.Statements.Select(x => Replace(x, temp, with)).ToEquatableArray()) },
                _ => mapped,
            };
        }

        /// <summary>
        /// <c>g = dv; dv = g op e;</c> with g a step of the derivation used nowhere else → <c>dv op= e;</c>. Not a user's
        /// local (<c>s2 = s; s = s2 * b;</c>): the other sweep may read it (found by the random-program tester).
        /// </summary>
        private static void FoldCapturedUpdate(List<Stmt> list, HashSet<string> temporaries)
        {
            for (int i = 0; i + 1 < list.Count; i++)
            {
                if (list[i] is Assign { Op: "=", Target: Name temp, Value: Name source } && temporaries.Contains(temp.Id)
                    && list[i + 1] is Assign { Op: "=", Target: Name target, Value: Binary { Op: "*" or "/" or "+" or "-", Left: Name left } update }
                    && target.Id == source.Id && left.Id == temp.Id && !Reads.Of(update.Right).Contains(temp.Id)
                    && !list.Skip(i + 2).Any(s => Mentions(s, temp.Id)))
                {
                    list[i + 1] = new Assign(target, update.Op + "=", update.Right, "");
                    list.RemoveAt(i);
                }
            }
        }

        /// <summary>
        /// A comment heads the statements after it: with none before the next comment, it goes. The replay's comment
        /// heads forward code (statements that carry the user's source, and saves): when all of it was dead, it goes too.
        /// </summary>
        private static void DropEmptyComments(List<Stmt> list)
        {
            for (int i = list.Count - 1; i >= 0; i--)
            {
                bool empty = i + 1 == list.Count || list[i + 1] is Comment;
                if (list[i] is Comment c && (empty || (c.Text == ReplayComment && !(list[i + 1] is Push || list[i + 1].Source.Length > 0 && list[i + 1] is not For { Tag: not 0 }))))
                {
                    list.RemoveAt(i);
                }
            }
        }

        /// <summary>The comment above a replayed loop's forward work at the start of each reversed iteration.</summary>
        public const string ReplayComment = "This iteration's forward values.";
    }
}
