using System.Linq;
using SymGrad.Generator.Model;
using SymGrad.Generator.Parse;

namespace SymGrad.Generator.Emit
{
    /// <summary>
    /// For a layer object's method F that another of its differentiable methods calls (<see cref="LayerCalls"/>): F's twin with
    /// the layer's fields as parameters (<c>ScoreWithFields(W, b, x) =&gt; Score(x)</c>) and everything SymGrad derives for it
    /// that its callers' modes call — its backward, tangent, Hessian-vector product, nested methods and, where it writes
    /// outputs, its backward's tangent — from F's body, the fields read as the parameters.
    /// </summary>
    internal static class LayerCallWriter
    {
        /// <summary>The file of F's twin.</summary>
        public static string Emit(MethodModel model) => SourceEmitter.Wrap(model, writer =>
        {
            MethodModel twin = LayerCalls.Twin(model);
            string fields = string.Join(", ", model.Parameters.Where(p => p.IsField).Select(p => p.Name));
            SourceEmitter.Summary(writer, $"<c>{SourceEmitter.Xml(model.Name)}</c> with the layer's fields as parameters ({SourceEmitter.Xml(fields)}): what the layer's differentiable methods",
                "calling it call, with the fields themselves, so its value is the method's; derived below as a function of its parameters.");
            var primal = model.Declared.Select(p => p.Name);
            writer.WriteLine($"{twin.ForwardSource} => {model.Name}({string.Join(", ", primal)});");
            writer.WriteLineNoTabs(string.Empty);

            // With local buffers, derived as their twin's (ScoreWithFieldsWithBuffers), its methods lending them.
            LocalBufferWriter.WriteMembersForCallers(writer, twin);
            if ((model.Buffers.Any() ? LocalBufferWriter.SecondOrderMembers(twin) : SourceEmitter.EmitSecondOrderMembers(twin)) is { } secondOrder)
            {
                writer.WriteLineNoTabs(string.Empty);
                secondOrder(writer);
            }
        });
    }
}
