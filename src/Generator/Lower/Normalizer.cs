using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Differentiate;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Lower
{
    /// <summary>
    /// Rewrites a body into the form the reverse sweep handles: <c>*=</c> and <c>/=</c> spelled out, the sigmoid
    /// recognised, and every <c>break</c>, <c>continue</c> and early <c>return</c> turned into structured code
    /// (the rest of a block moves into the branch that falls through; a jump out of a loop sets a flag the loop
    /// condition tests). Afterwards the only jump left is a <c>return</c> at the end of a top-level path.
    /// </summary>
    internal sealed class Normalizer
    {
        private readonly NameAllocator _names;
        private readonly string _returnType;
        private string? _result;
        private string? _returned;

        public Normalizer(NameAllocator names, string returnType)
        {
            _names = names;
            _returnType = returnType;
        }

        public Block Normalize(Block body)
        {
            Block block = Rewrite(body);
            List<Stmt> statements = Flow(block.Statements.ToList(), inLoop: false);
            var prefix = new List<Stmt>();
            if (_result is not null)
            {
                prefix.Add(new LocalDecl(_result, _returnType, Zero(_returnType), $"{_returnType} {_result} = 0;"));
            }

            if (_returned is not null)
            {
                prefix.Add(new LocalDecl(_returned, "bool", new Literal("false", "bool"), $"bool {_returned} = false;"));
            }

            return new Block(prefix.Concat(statements).ToEquatableArray());
        }

        /// <summary>The locals the normalizer introduced (a loop's break flag, the early-return result and flag).</summary>
        public List<LocalSpec> NewLocals { get; } = new();

        private static Literal Zero(string type) => new("0", type);

        private Block Rewrite(Block block) => new(block.Statements.Select(Rewrite).ToEquatableArray());

        private Stmt Rewrite(Stmt statement) => statement switch
        {
            LocalDecl d => d with { Init = d.Init is null ? null : Patterns.Recognise(d.Init) },
            Assign { Op: "*=" or "/=" } a when a.Target.IsReal =>
                new Assign(a.Target, "=", new Binary(a.Op.Substring(0, 1), a.Target, Patterns.Recognise(a.Value), a.Target.Type), a.Source),
            Assign a => a with { Value = Patterns.Recognise(a.Value) },
            If i => i with { Condition = i.Condition, Then = Rewrite(i.Then), Else = Rewrite(i.Else) },
            For f => f with { Body = Rewrite(f.Body) },
            Return r => r with { Value = r.Value is null ? null : Patterns.Recognise(r.Value) },
            _ => statement,
        };

        /// <summary>Moves the statements after a jump-containing <c>if</c> into its branches that fall through.</summary>
        private List<Stmt> Flow(List<Stmt> statements, bool inLoop)
        {
            var output = new List<Stmt>();
            for (int i = 0; i < statements.Count; i++)
            {
                Stmt statement = statements[i];
                List<Stmt> rest = statements.Skip(i + 1).ToList();
                switch (statement)
                {
                    case Break or Continue or Return:
                        output.Add(statement);
                        return output;
                    case If branch when MayJump(branch):
                    {
                        List<Stmt> then = Flow(Append(branch.Then, rest, AlwaysJumps(branch.Then)), inLoop);
                        List<Stmt> otherwise = Flow(Append(branch.Else, rest, AlwaysJumps(branch.Else)), inLoop);
                        output.Add(branch with { Then = new Block(then.ToEquatableArray()), Else = new Block(otherwise.ToEquatableArray()) });
                        return output;
                    }

                    case If branch:
                        output.Add(branch with { Then = new Block(Flow(branch.Then.Statements.ToList(), inLoop).ToEquatableArray()), Else = new Block(Flow(branch.Else.Statements.ToList(), inLoop).ToEquatableArray()) });
                        break;
                    case For loop:
                    {
                        (For rewritten, bool returns, string? breakFlag) = FlowLoop(loop);
                        if (breakFlag is not null)
                        {
                            output.Add(new LocalDecl(breakFlag, "bool", new Literal("false", "bool"), $"bool {breakFlag} = false;"));
                        }

                        output.Add(rewritten);
                        if (returns)
                        {
                            // A return inside the loop: leave through the flag, then return the result or go on.
                            var exit = new If(
                                new Name(_returned!, "bool"),
                                new Block(new Stmt[] { new Return(_result is null ? null : new Name(_result, _returnType), _result is null ? "return;" : $"return {_result};") }.ToEquatableArray()),
                                new Block(rest.ToEquatableArray()),
                                "if (" + _returned + ")");
                            output.AddRange(Flow(new List<Stmt> { exit }, inLoop));
                            return output;
                        }

                        break;
                    }

                    default:
                        output.Add(statement);
                        break;
                }
            }

            return output;
        }

        private static List<Stmt> Append(Block block, List<Stmt> rest, bool jumps) =>
            jumps ? block.Statements.ToList() : block.Statements.Concat(rest).ToList();

        private (For Loop, bool Returns, string? BreakFlag) FlowLoop(For loop)
        {
            List<Stmt> body = Flow(loop.Body.Statements.ToList(), inLoop: true);
            string? breakFlag = null;
            bool returns = false;
            body = ReplaceJumps(body, ref breakFlag, ref returns);
            // A do … while loop's first trip (k == 0 || c) is unconditional: the flags guard the later ones.
            Expr condition = loop is { Form: LoopForm.DoWhile, Condition: Binary { Op: "||" } first } ? first.Right : loop.Condition;
            if (breakFlag is not null)
            {
                condition = Unless(breakFlag, condition);
            }

            if (returns)
            {
                condition = Unless(_returned!, condition);
            }

            if (loop is { Form: LoopForm.DoWhile, Condition: Binary { Op: "||" } once })
            {
                condition = once with { Right = condition };
            }

            return (loop with { Condition = condition, Body = new Block(body.ToEquatableArray()) }, returns, breakFlag);
        }

        /// <summary><c>!flag &amp;&amp; condition</c>, or <c>!flag</c> for a <c>while (true)</c>.</summary>
        private static Expr Unless(string flag, Expr condition)
        {
            var not = new Unary("!", new Name(flag, "bool"), "bool");
            return condition is Literal { Text: "true" } ? not : new Binary("&&", not, condition, "bool");
        }

        /// <summary>Turns the jumps at the ends of a loop body's paths into flag assignments.</summary>
        private List<Stmt> ReplaceJumps(List<Stmt> statements, ref string? breakFlag, ref bool returns)
        {
            var output = new List<Stmt>();
            foreach (Stmt statement in statements)
            {
                switch (statement)
                {
                    case Continue:
                        break;
                    case Break:
                        breakFlag ??= NewLocal("broke", "bool");
                        output.Add(new Assign(new Name(breakFlag, "bool"), "=", new Literal("true", "bool"), "break;"));
                        break;
                    case Return r:
                        returns = true;
                        _returned ??= NewLocal("returned", "bool");
                        if (r.Value is not null && !(r.Value is Name n && n.Id == _result))
                        {
                            _result ??= NewLocal("returnValue", _returnType);
                            output.Add(new Assign(new Name(_result, _returnType), "=", r.Value, r.Source));
                        }

                        output.Add(new Assign(new Name(_returned, "bool"), "=", new Literal("true", "bool"), _returned + " = true;"));
                        break;
                    case If branch:
                    {
                        var then = ReplaceJumps(branch.Then.Statements.ToList(), ref breakFlag, ref returns);
                        var otherwise = ReplaceJumps(branch.Else.Statements.ToList(), ref breakFlag, ref returns);
                        output.Add(branch with { Then = new Block(then.ToEquatableArray()), Else = new Block(otherwise.ToEquatableArray()) });
                        break;
                    }

                    default:
                        output.Add(statement);
                        break;
                }
            }

            return output;
        }

        private string NewLocal(string name, string type)
        {
            string unique = _names.Reserve(name);
            NewLocals.Add(new LocalSpec(unique, type));
            return unique;
        }

        /// <summary>Whether a jump (break/continue of the enclosing loop, or return) may leave this statement.</summary>
        private static bool MayJump(Stmt statement) => statement switch
        {
            Break or Continue or Return => true,
            If i => i.Then.Statements.Any(MayJump) || i.Else.Statements.Any(MayJump),
            For f => ContainsReturn(f.Body),
            _ => false,
        };

        private static bool ContainsReturn(Block block) => block.Statements.Any(s => s switch
        {
            Return => true,
            If i => ContainsReturn(i.Then) || ContainsReturn(i.Else),
            For f => ContainsReturn(f.Body),
            _ => false,
        });

        private static bool AlwaysJumps(Block block) => block.Statements.Count > 0 && block.Statements[block.Statements.Count - 1] switch
        {
            Break or Continue or Return => true,
            If i => AlwaysJumps(i.Then) && AlwaysJumps(i.Else),
            _ => false,
        };
    }
}
