using System.Linq;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Emit
{
    /// <summary>
    /// The file of <c>FTangent</c>'s own derivatives, for a method F writing outputs whose FTangent a differentiable method
    /// calls (<see cref="Parse.TangentCalls"/>): FTangent read as a method of its own and derived as any method writing outputs
    /// — <c>FTangentBackward</c>, <c>FTangentTangent</c> and, where SymGrad can write it, <c>FTangentBackwardTangent</c>.
    /// </summary>
    internal static class TangentCallWriter
    {
        /// <summary>The file's text, or null when F's FTangent cannot be read as a method (its callers were told why).</summary>
        public static string? Emit(MethodModel model)
        {
            if (Parse.TangentCalls.Model(model, out _) is not { } tangent)
            {
                return null;
            }

            if (tangent.Buffers.Any())
            {
                // F's local buffers and their tangents are FTangent's: its methods lend them (LocalBufferWriter).
                System.Action<System.CodeDom.Compiler.IndentedTextWriter>? lent = LocalBufferWriter.SecondOrderMembers(tangent);
                return SourceEmitter.Wrap(tangent, writer =>
                {
                    LocalBufferWriter.WriteMembers(writer, tangent, forCallers: true);
                    if (lent is not null)
                    {
                        writer.WriteLineNoTabs(string.Empty);
                        lent(writer);
                    }

                    WriteDerivativeReads(writer, tangent);
                });
            }

            // Its callers call its pullback and tangent (and its pullback's tangent, below), not a Hessian-vector product of its own.
            SourceEmitter.Derived derived = SourceEmitter.Derive(tangent) with { HessianVector = null };
            System.Action<System.CodeDom.Compiler.IndentedTextWriter>? second = SourceEmitter.EmitSecondOrderMembers(tangent);
            return SourceEmitter.Wrap(tangent, writer =>
            {
                SourceEmitter.WriteMembers(writer, tangent, forCallers: true, derived: derived, sayAbsent: false);
                if (second is not null)
                {
                    writer.WriteLineNoTabs(string.Empty);
                    second(writer);
                }

                WriteDerivativeReads(writer, tangent);
            });
        }

        /// <summary>The methods FTangent, read as a method, calls for the derivatives F's forward mode reads off registered backwards.</summary>
        private static void WriteDerivativeReads(System.CodeDom.Compiler.IndentedTextWriter writer, Model.MethodModel tangent)
        {
            foreach (string method in Parse.DerivativeReads.Emit(tangent.Body))
            {
                writer.WriteLineNoTabs(string.Empty);
                foreach (string line in method.Split('\n').Select(l => l.TrimEnd('\r')))
                {
                    if (line.Length == 0)
                    {
                        writer.WriteLineNoTabs(line);
                    }
                    else
                    {
                        writer.WriteLine(line);
                    }
                }
            }
        }
    }
}
