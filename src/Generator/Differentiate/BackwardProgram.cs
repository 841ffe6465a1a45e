using System.Collections.Generic;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Differentiate
{
    /// <summary>What a variable of the backward is, for declaring it and for the derivation in the doc comment.</summary>
    internal enum Role
    {
        /// <summary>A value of the forward computation (a local, a work copy of an output).</summary>
        Primal,

        /// <summary>∂L/∂v of a primal variable v.</summary>
        Adjoint,

        /// <summary>A step of the derivation bound to a name (<c>g</c>, <c>tanh</c>): shown in the doc comment.</summary>
        Temporary,

        /// <summary>Bookkeeping of the sweeps (trip counts): not shown.</summary>
        Control,
    }

    /// <summary>One variable the backward declares (parameters are not in the table).</summary>
    /// <param name="Type">Its C# type as declared.</param>
    /// <param name="Primal">For an adjoint, the primal variable it is the adjoint of; for a work copy, the output it copies.</param>
    internal sealed record Variable(string Name, string Type, Role Role, string? Primal = null);

    /// <summary>
    /// The backward as a program in the model's statement language: a forward sweep that recomputes what the reverse
    /// sweep reads and a reverse sweep of adjoints, tape pushes and pops as statements, every variable in a table.
    /// The optimiser rewrites <see cref="Forward"/> and <see cref="Reverse"/>; the emitter prints them.
    /// </summary>
    internal sealed class BackwardProgram
    {
        public BackwardProgram(BackwardSignature signature) => Signature = signature;

        /// <summary>The names in the generated signatures and of the workspace locals.</summary>
        public BackwardSignature Signature { get; }

        /// <summary>The name of the workspace local.</summary>
        public string Workspace => Signature.Workspace;

        /// <summary>The name of the result's cotangent parameter.</summary>
        public string DResult => Signature.DResult;

        /// <summary>Statements before the sweeps: work copies of outputs and cotangents.</summary>
        public Block Setup { get; set; } = Block.Empty;

        public Block Forward { get; set; } = Block.Empty;

        public Block Reverse { get; set; } = Block.Empty;

        public Dictionary<string, Variable> Variables { get; } = new();

        /// <summary>Output span → its cotangent parameter.</summary>
        public Dictionary<string, string> Cotangents => Signature.Cotangents;

        /// <summary>Differentiable input → its gradient parameter.</summary>
        public Dictionary<string, string> Gradients => Signature.Gradients;

        /// <summary>
        /// Output span → whether its cotangent is read in place (the parameter, zeros when empty) rather than through a
        /// work copy the reverse sweep accumulates into.
        /// </summary>
        public HashSet<string> CotangentsInPlace { get; } = new();

        /// <summary>
        /// The outputs (local buffers among them) whose values vary with the inputs: an output only ever written constants (a
        /// buffer filled with zeros nothing writes over) has a zero tangent, so a Hessian-vector product need not differentiate
        /// what reads it (found by the random-program tester, bmrVGLOF2qL1: a call without a derivative of such a buffer's element
        /// took H·v away).
        /// </summary>
        public HashSet<string> ActiveOutputs { get; } = new();

        /// <summary>
        /// The outputs whose values after the call, which its derivatives read, are what the caller's span held before it:
        /// those the method reads but never writes (constants of its). A nested FBackward's methods, which run the method again
        /// into scratch, cannot give them those values (<see cref="Parse.BackwardCalls"/>). (An output added to is not one: the
        /// method adds only to elements it wrote first, SG0016.)
        /// </summary>
        public List<string> CallersValues { get; } = new();

        /// <summary>Reversed loops that kept their forward order (tag → the forward header's parts), filled by the optimiser.</summary>
        public Dictionary<int, For> ForwardHeaders { get; } = new();

        public IEnumerable<Block> Blocks => new[] { Setup, Forward, Reverse };

        /// <summary>Runtime checks that reads of outputs reach only written elements (see <see cref="CoverageCheck"/>).</summary>
        public List<CoverageCheck> CoverageChecks { get; set; } = new();

        /// <summary>The derivation in lecture notation, for the doc comment (taken before the clean-up merges statements).</summary>
        public List<string> Derivation { get; set; } = new();

        public Variable Declare(string name, string type, Role role, string? primal = null)
        {
            var variable = new Variable(name, type, role, primal);
            Variables[name] = variable;
            return variable;
        }
    }
}
