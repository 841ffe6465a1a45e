using System;
using System.Collections.Generic;
using SymGrad.Generator;
using SymGrad.Generator.Differentiate;
using SymGrad.Generator.Emit;
using SymGrad.Generator.Model;
using Xunit;

namespace SymGrad.GeneratorTests
{
    /// <summary>
    /// The emitter's last line of defence: a value of the forward computation that the backward reads but no statement
    /// computes (a transform dropped its definition) must not be declared as 0 — a wrong gradient without a word — but
    /// refused, so the generator reports SG9999 at the method.
    /// </summary>
    public class DeclarationsTests
    {
        private static readonly Dictionary<string, Variable> s_variables = new()
        {
            ["s2"] = new Variable("s2", "double", Role.Primal),
            ["db"] = new Variable("db", "double", Role.Adjoint, "b"),
        };

        [Fact]
        public void A_primal_read_but_computed_nowhere_is_an_internal_error()
        {
            // db += dResult · s2, with s2's definition gone.
            var body = new Block(new Stmt[] { new Assign(new Name("db", "double"), "+=", Product("dResult", "s2"), "") }.ToEquatableArray());
            var error = Assert.Throws<InvalidOperationException>(() => Declarations.Place(body, s_variables, new[] { "db" }));
            Assert.Contains("reads s2 but computes it nowhere", error.Message);
        }

        [Fact]
        public void An_adjoint_read_before_it_is_written_starts_at_zero()
        {
            // db is an accumulator: its first read is its zero, declared before it.
            var body = new Block(new Stmt[]
            {
                new LocalDecl("s2", "double", new Name("b", "double"), ""),
                new Assign(new Name("db", "double"), "+=", Product("dResult", "s2"), ""),
            }.ToEquatableArray());
            Block placed = Declarations.Place(body, s_variables, new[] { "db" });
            Assert.Contains(placed.Statements, s => s is LocalDecl { Name: "db", Init: Literal { Text: "0" } });
        }

        private static Expr Product(string a, string b) => new Binary("*", new Name(a, "double"), new Name(b, "double"), "double");
    }
}
