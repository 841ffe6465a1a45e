using System.CodeDom.Compiler;
using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Model;
using SymGrad.Generator.Parse;

namespace SymGrad.Generator.Emit
{
    /// <summary>
    /// For a method F with several results that a differentiable method calls (<see cref="ResultCalls"/>): per result, a scalar
    /// function of its own (<c>PolarResultR(x, y) => Polar(x, y).Item1</c>) and everything SymGrad derives for a scalar function
    /// that its callers' modes call (its backward, tangent, Hessian-vector product and nested methods; the third-order ones in
    /// F's third-order file, <see cref="EmitThirdOrder"/>), from F's body with that result kept.
    /// </summary>
    internal static class ResultWriter
    {
        /// <summary>
        /// The file of F's results' methods. A layer's method's are its twin's with the fields as parameters
        /// (<c>PairWithFieldsResultA(W, x) => Pair(x).A</c>: only ever called with the layer's own fields, see <see cref="LayerCalls"/>).
        /// </summary>
        public static string Emit(MethodModel model) => SourceEmitter.Wrap(model, writer =>
        {
            MethodModel projected = ResultCalls.Projected(model);
            bool first = true;
            foreach (int result in ResultCalls.All(model))
            {
                if (!first)
                {
                    writer.WriteLineNoTabs(string.Empty);
                }

                first = false;
                MethodModel projection = ResultCalls.Project(projected, result);
                string what = result == ResultCalls.Returned ? "the value it returns" : model.Results[result] switch
                {
                    { Path: { } path } => "the field " + path.Substring(1) + " of the struct it returns",
                    { Position: >= 0 } r => "its out parameter " + r.Name,
                    var r => "the tuple's element " + r.Name,
                };
                SourceEmitter.Summary(writer, $"<c>{SourceEmitter.Xml(model.Name)}</c>'s result {SourceEmitter.Xml(what)} alone: what a differentiable method reading it calls,",
                    "derived below as any scalar function (from the body of the method, every return returning this result).");
                string call = ResultCalls.Forward(model, result, out string? outLocal);
                string signature = $"{projection.Accessibility} {projection.StaticModifier}{projection.ReturnType} {projection.Name}({string.Join(", ", projection.Declared.Select(p => p.Type + " " + p.Name))})";
                if (outLocal is not null)
                {
                    writer.WriteLine(signature);
                    SourceEmitter.Open(writer);
                    writer.WriteLine(call + ";");
                    writer.WriteLine($"return {outLocal};");
                    SourceEmitter.Close(writer);
                }
                else
                {
                    writer.WriteLine($"{signature} => {call};");
                }

                writer.WriteLineNoTabs(string.Empty);
                LocalBufferWriter.WriteMembersForCallers(writer, projection);

                if (ResultCalls.TakesStructs(model))
                {
                    writer.WriteLineNoTabs(string.Empty);
                    FlatWriter.Write(writer, projection);
                }
            }
        });

        /// <summary>
        /// The third-order methods of F's results' methods (F's own third-order file: written when a caller's own third order
        /// calls them, so that the third-order files of the methods they call are written too), or null when none has one.
        /// </summary>
        public static string? EmitThirdOrder(MethodModel model)
        {
            var members = ResultCalls.TakesStructs(model) ? new List<System.Action<IndentedTextWriter>>()
                : ResultCalls.All(model).Select(r => SourceEmitter.ThirdOrderMembers(ResultCalls.Project(ResultCalls.Projected(model), r))).Where(m => m is not null).Select(m => m!).ToList();
            return members.Count == 0 ? null : SourceEmitter.Wrap(model, writer =>
            {
                for (int i = 0; i < members.Count; i++)
                {
                    if (i > 0)
                    {
                        writer.WriteLineNoTabs(string.Empty);
                    }

                    members[i](writer);
                }
            });
        }
    }
}
