using System.CodeDom.Compiler;
using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Differentiate;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Emit
{
    /// <summary>Prints statements of the model — the user's and the backward's alike — as formatted C#.</summary>
    internal sealed class StatementPrinter
    {
        private readonly IndentedTextWriter _writer;
        private readonly string _workspace;
        private readonly ISet<string> _arrays;

        /// <param name="arrays">The names of type <c>T[]</c>: a part of one is <c>x.AsSpan(start, length)</c>, an array has no Slice.</param>
        public StatementPrinter(IndentedTextWriter writer, string workspace, ISet<string>? arrays = null)
        {
            _writer = writer;
            _workspace = workspace;
            _arrays = arrays ?? new HashSet<string>();
        }

        public void Block(Block block)
        {
            var pairs = Optimize.SinCosPairs.Find(block);
            for (int i = 0; i < block.Statements.Count; i++)
            {
                if (pairs.FirstOrDefault(p => p.First == i) is { } pair)
                {
                    string type = pair.Declares ? pair.Type + " " : "";
                    _writer.WriteLine($"({type}{pair.Sin}, {type}{pair.Cos}) = {Print(new MathCall("SinCos", new[] { pair.Angle }.ToEquatableArray(), pair.Type))};");
                }
                else if (!pairs.Any(p => p.Second == i))
                {
                    Statement(block.Statements[i]);
                }
            }
        }

        private void Statement(Stmt s)
        {
            switch (s)
            {
                case Comment c:
                    _writer.WriteLine("// " + c.Text);
                    break;
                case LocalDecl d:
                    _writer.WriteLine(d.Init is null ? $"{d.Type} {d.Name};" : $"{d.Type} {d.Name} = {Print(d.Init)};");
                    break;
                case Assign { Target: SpanRef span, Value: Pop pop }:
                    _writer.WriteLine($"{_workspace}.{Tape(pop.Type)}.PopAll({Print(span)});");
                    break;
                case Assign { Op: "+=" or "-=", Target: Name { Type: "int" or "long" } n, Value: var one } a when Simplifier.IsConstant(one, 1):
                    _writer.WriteLine(n.Id + (a.Op == "+=" ? "++;" : "--;"));
                    break;
                case Assign a:
                    _writer.WriteLine($"{Print(a.Target)} {a.Op} {Print(a.Value)};");
                    break;
                case Push p when p.Value is SpanRef:
                    _writer.WriteLine($"{_workspace}.{Tape(((SpanRef)p.Value).ElementType)}.PushAll({Print(p.Value)});");
                    break;
                case Push p:
                    _writer.WriteLine($"{_workspace}.{Tape(p.Value.Type)}.Push({Print(p.Value)});");
                    break;
                case Invoke { Target: ".Clear" } clear:
                    _writer.WriteLine($"{Print(((Written)clear.Args[0]).Target)}.Clear();");
                    break;
                case Invoke v:
                    _writer.WriteLine($"{v.Target}({string.Join(", ", v.Args.Select(Argument))});");
                    break;
                case CallStatement c:
                    _writer.WriteLine(Print(c.Call) + ";");
                    break;
                case If i:
                    _writer.WriteLine($"if ({Print(i.Condition)})");
                    Braced(i.Then);
                    Else(i.Else);
                    break;
                case For { Form: LoopForm.While } w when !ReadsCounter(w, w.Condition):
                    _writer.WriteLine($"while ({Print(w.Condition)})");
                    Braced(w.Body);
                    break;
                case For { Form: LoopForm.DoWhile, Condition: Binary { Op: "||", Left: Binary { Op: "==", Left: Name k, Right: var zero }, Right: var test } } d
                    when k.Id == d.Counter && Simplifier.IsConstant(zero, 0) && !ReadsCounter(d, test):
                    _writer.WriteLine("do");
                    Braced(d.Body);
                    _writer.WriteLine($"while ({Print(test)});");
                    break;
                case For f:
                    _writer.WriteLine($"for ({f.CounterType} {f.Counter} = {Print(f.Init)}; {Print(f.Condition)}; {Step(f)})");
                    Braced(f.Body);
                    break;
                case Return r:
                    _writer.WriteLine(r.Value is null ? "return;" : $"return {Print(r.Value)};");
                    break;
                case Break:
                    _writer.WriteLine("break;"); // in the user's statements only (a twin's forward, LocalBufferWriter): lowering removes jumps
                    break;
                case Continue:
                    _writer.WriteLine("continue;");
                    break;
                default:
                    throw new System.InvalidOperationException("Cannot print " + s.GetType().Name);
            }
        }

        /// <summary>
        /// An else holding only another if (after the comment naming it, in the reverse sweep) is an <c>else if</c>: a
        /// switch's sections, the user's own chains. The comment moves to the top of its block.
        /// </summary>
        private void Else(Block otherwise)
        {
            var statements = otherwise.Statements;
            int at = statements.Count == 2 && statements[0] is Comment ? 1 : 0;
            if (statements.Count == at + 1 && statements[at] is If next)
            {
                _writer.WriteLine($"else if ({Print(next.Condition)})");
                Braced(at == 0 ? next.Then : new Block(new[] { statements[0] }.Concat(next.Then.Statements).ToEquatableArray()));
                Else(next.Else);
            }
            else if (otherwise.Statements.Count > 0)
            {
                _writer.WriteLine("else");
                Braced(otherwise);
            }
        }

        private void Braced(Block block)
        {
            _writer.WriteLine("{");
            _writer.Indent++;
            Block(block);
            _writer.Indent--;
            _writer.WriteLine("}");
        }

        private string Argument(Expr arg) => arg switch
        {
            Written { Target: Name { Type: not "span" } n } => "ref " + n.Id,
            Written w => Print(w.Target),
            _ => Print(arg),
        };

        public string Print(Expr e) => ExprPrinter.Print(Walk.Transform(e, x => x switch
        {
            Pop pop => new Opaque(PopText(pop), EquatableArray<string>.Empty, pop.Type),
            SpanRef { Start: not null } part when _arrays.Contains(part.Span) => part with { OfArray = true },
            _ => null,
        }));

        private string PopText(Pop pop)
        {
            string tape = Tape(pop.Type);
            return tape == "Longs" && pop.Type != "long" ? $"({pop.Type}){_workspace}.Longs.Pop()" : $"{_workspace}.{tape}.Pop()";
        }

        private static string Tape(string type) =>
            SweepContext.Tape(type) ?? throw new GenerationLimitation($"a value of type {type} would need a tape");

        /// <summary>Whether a loop's counter is read in its body or in <paramref name="test"/>: only then is it printed.</summary>
        private static bool ReadsCounter(For f, Expr test) =>
            Reads.Of(test).Contains(f.Counter) || Walk.All(f.Body).SelectMany(Walk.Expressions).Any(e => Reads.Of(e).Contains(f.Counter));

        private string Step(For f) =>
            Simplifier.IsConstant(f.Step, 1) ? f.Counter + "++"
            : Simplifier.IsConstant(f.Step, -1) ? f.Counter + "--"
            : f.Step is Unary { Op: "-" } u ? $"{f.Counter} -= {Print(u.Operand)}"
            : $"{f.Counter} += {Print(f.Step)}";
    }
}
