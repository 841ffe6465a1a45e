using System.Linq;
using SymGrad.Generator;
using SymGrad.Generator.Model;
using SymGrad.Generator.Optimize;
using Xunit;

namespace SymGrad.GeneratorTests
{
    /// <summary>
    /// Which sine and cosine locals the printer makes one <c>Math.SinCos</c> call (<see cref="SinCosPairs"/>), on blocks of the
    /// model: the lowering of the generated code seldom puts a break or a read of the moved local between two halves, so the
    /// guards are tested here directly.
    /// </summary>
    public class SinCosPairsTests
    {
        private static readonly Name A = new("a", "double"), S = new("s", "double"), C = new("c", "double"), R = new("r", "double");

        private static MathCall Call(string f, Expr angle) => new(f, new[] { angle }.ToEquatableArray(), "double");

        private static Stmt Set(Name target, Expr value) => new Assign(target, "=", value, "");

        private static SinCosPairs.Pair? Pair(params Stmt[] statements) => SinCosPairs.Find(new Block(statements.ToEquatableArray())).SingleOrDefault();

        [Fact]
        public void TwoDeclaredHalvesOfOneAngle_AreAPair_InEitherOrder()
        {
            var pair = Pair(new LocalDecl("c", "double", Call("Cos", A), ""), Set(R, S), new LocalDecl("s", "double", Call("Sin", A), ""));
            Assert.Equal((0, 2, "s", "c", true), (pair!.First, pair.Second, pair.Sin, pair.Cos, pair.Declares));
        }

        [Fact]
        public void NoPair_WhereTheAngleChangesBetween() =>
            Assert.Null(Pair(new LocalDecl("s", "double", Call("Sin", A), ""), Set(A, S), new LocalDecl("c", "double", Call("Cos", A), "")));

        [Fact]
        public void AssignedHalves_AreAPair_WhereNothingBetweenTouchesTheMovedOne() =>
            Assert.NotNull(Pair(Set(S, Call("Sin", A)), Set(R, S), Set(C, Call("Cos", A))));

        [Fact]
        public void NoPair_WhereAStatementBetweenReadsTheMovedHalf() =>
            Assert.Null(Pair(Set(S, Call("Sin", A)), Set(R, C), Set(C, Call("Cos", A))));

        [Theory]
        [InlineData("break")]
        [InlineData("continue")]
        [InlineData("return")]
        public void NoPair_WhereAStatementBetweenLeavesTheBlock(string leave)
        {
            // if (r > 0) break; — on the trip that leaves, c keeps the value it had: moved up, it would have the new one.
            Stmt exit = leave switch { "break" => new Break(""), "continue" => new Continue(""), _ => new Return(R, "") };
            var test = new If(new Binary(">", R, new Literal("0", "double"), "bool"), new Block(new[] { exit }.ToEquatableArray()), new Block(new Stmt[0].ToEquatableArray()), "");
            Assert.Null(Pair(Set(S, Call("Sin", A)), test, Set(C, Call("Cos", A))));
            Assert.NotNull(Pair(new LocalDecl("s", "double", Call("Sin", A), ""), test, new LocalDecl("c", "double", Call("Cos", A), ""))); // a declared one is gone with its block
        }

        [Fact]
        public void NoPair_OfADeclaredAndAnAssignedHalf_NorOfTwoTypes()
        {
            Assert.Null(Pair(new LocalDecl("s", "double", Call("Sin", A), ""), Set(C, Call("Cos", A))));
            var f = new Name("f", "float");
            Assert.Null(Pair(new LocalDecl("s", "double", Call("Sin", A), ""), new LocalDecl("c", "float", new MathCall("Cos", new Expr[] { f }.ToEquatableArray(), "float"), "")));
        }
    }
}
