using System.Collections.Generic;
using System.Linq;
using System.Text;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Parse
{
    /// <summary>
    /// A registered function of scalars with no registered tangent (<c>Smooth.Softplus</c>, only its backward and that
    /// backward's tangent registered) has its tangent read off its backward in a forward mode: <c>fBackward(x, 1, ref dfX)</c>
    /// gives ∂f/∂x, and ḟ = dfX·ẋ. That is a call for its effects, which no derivative rule differentiates. Where such a
    /// forward mode is differentiated again — a nested <c>FTangent</c> read as a method of its own (<see cref="TangentCalls"/>) —
    /// each partial derivative read so becomes the call of a method SymGrad writes next to FTangent's derivatives
    /// (<c>FTangentSoftplusDX(x)</c>, <see cref="Emit"/>), a function like any registered one: its backward is the registered
    /// backward's tangent with the roles swapped (x̄ⱼ += s·∂²f/∂xₖ∂xⱼ, the Hessian being symmetric), and its own tangent is
    /// read off that backward in turn. A third derivative it has not: the caller has no Hessian-vector product (its stand-in
    /// says so).
    /// </summary>
    internal static class DerivativeReads
    {
        /// <summary>
        /// <paramref name="body"/> (F's forward mode) with each derivative read off a backward (a declaration per partial,
        /// <c>double dfX = 0;</c>, then <c>fBackward(x…, 1, ref dfX…)</c>) replaced by declarations of the partials as calls of the
        /// methods <see cref="Emit"/> writes; null, with <paramref name="refused"/> the function, where a function so read has
        /// no registered second order.
        /// </summary>
        public static Block? Rewrite(MethodModel f, Block body, out UserCall? refused)
        {
            refused = null;
            var functions = Walk.All(f.Body).SelectMany(Walk.Expressions).SelectMany(Reads.Nodes).OfType<UserCall>()
                .Where(c => c.Target.TangentFromBackward).Select(c => c.Target).Distinct().ToList();
            var reads = new Dictionary<Invoke, (CallTarget Function, List<string> Partials)>();
            foreach (Invoke inv in Walk.All(body).OfType<Invoke>())
            {
                CallTarget? function = functions.FirstOrDefault(t => inv.Target == t.BackwardContainingType + "." + t.Backward);
                if (function is null)
                {
                    continue;
                }

                if (function.BackwardTangent is null)
                {
                    refused = new UserCall(function, EquatableArray<Expr>.Empty, function.ReturnType);
                    return null;
                }

                reads[inv] = (function, inv.Args.Skip(function.Parameters.Count + 1).Select(a => ((Name)((Written)a).Target).Id).ToList());
            }

            if (reads.Count == 0)
            {
                return body;
            }

            var partials = new HashSet<string>(reads.Values.SelectMany(r => r.Partials));
            return Walk.Rewrite(body, s => s switch
            {
                LocalDecl d when partials.Contains(d.Name) => System.Array.Empty<Stmt>(),
                Invoke inv when reads.TryGetValue(inv, out var read) => read.Partials.Select((name, k) => (Stmt)new LocalDecl(name, read.Function.ReturnType,
                    new UserCall(Target(f, read.Function, k), inv.Args.Take(read.Function.Parameters.Count).ToEquatableArray(), read.Function.ReturnType), "")),
                _ => new[] { s },
            });
        }

        /// <summary>The method returning ∂f/∂pₖ (pₖ the k-th differentiable parameter of the registered function f), as a callee.</summary>
        private static CallTarget Target(MethodModel f, CallTarget function, int k)
        {
            string owner = "global::" + (f.Namespace.Length > 0 ? f.Namespace + "." : "") + string.Join(".", f.ContainingTypes.Select(t => t.Name));
            string name = Name(f, function, k);
            return new CallTarget(owner, name, owner, name + "Backward", function.Parameters, function.ReturnType, Registered: true) { DerivativeOf = function };
        }

        private static string Name(MethodModel f, CallTarget function, int k)
        {
            string p = function.Parameters.Where(q => q.IsDifferentiable).ElementAt(k).Name;
            return f.Name + "Tangent" + function.Method + "D" + char.ToUpperInvariant(p[0]) + p.Substring(1);
        }

        /// <summary>
        /// The methods a forward mode read as a method calls in place of derivatives read off backwards: for ∂f/∂pₖ,
        /// <c>FTangentSoftplusDX(x) { fBackward(x, 1, ref d0); return d0; }</c> and its backward,
        /// <c>FTangentSoftplusDXBackward(x, s, ref dx) => fBackwardTangent(x, 1, ref unwanted, s·eₖ, 0, ref dx)</c>.
        /// </summary>
        public static IEnumerable<string> Emit(Block body)
        {
            foreach (CallTarget t in Walk.All(body).SelectMany(Walk.Expressions).SelectMany(Reads.Nodes).OfType<UserCall>()
                .Select(c => c.Target).Where(t => t.DerivativeOf is not null).Distinct())
            {
                yield return Method(t);
            }
        }

        private static string Method(CallTarget t)
        {
            // The registered function's backward and its tangent, found through the call the method stands for.
            CallTarget function = t.DerivativeOf!;
            string shown = function.ContainingType.Replace("global::", "") + "." + function.Method;
            var parameters = t.Parameters;
            var differentiable = parameters.Where(p => p.IsDifferentiable).ToList();
            int k = differentiable.FindIndex(p => t.Method.EndsWith("D" + char.ToUpperInvariant(p.Name[0]) + p.Name.Substring(1), System.StringComparison.Ordinal));
            string type = t.ReturnType, one = type == "float" ? "1f" : "1d", zero = type == "float" ? "0f" : "0d";
            string declared = string.Join(", ", parameters.Select(p => $"{p.Type} {p.Name}"));
            string args = string.Join(", ", parameters.Select(p => p.Name));
            string backward = function.BackwardContainingType + "." + function.Backward;
            var text = new StringBuilder();
            text.AppendLine($"/// <summary>∂{shown}/∂{differentiable[k].Name}, read off its registered backward (nested FTangent's own derivatives call it).</summary>");
            text.AppendLine("[global::System.CodeDom.Compiler.GeneratedCode(\"SymGrad\", \"0.1.0\")]");
            text.AppendLine($"private static {type} {t.Method}({declared})");
            text.AppendLine("{");
            for (int j = 0; j < differentiable.Count; j++)
            {
                text.AppendLine($"    {type} d{j} = {zero};");
            }

            text.AppendLine($"    {backward}({args}, {one}, {string.Join(", ", differentiable.Select((_, j) => $"ref d{j}"))});");
            text.AppendLine($"    return d{k};");
            text.AppendLine("}");
            text.AppendLine();

            // x̄ⱼ += s·∂²f/∂pₖ∂pⱼ: the backward's tangent along s·eₖ (its seed 1, the seed's tangent 0), by the Hessian's symmetry.
            var tangents = function.BackwardTangentInputs.Select(i => i < parameters.Count && parameters[i] == differentiable[k] ? "dResult" : zero);
            text.AppendLine($"/// <summary>The backward of {t.Method}: the registered backward's tangent with the roles swapped (∂²f/∂pₖ∂pⱼ = ∂²f/∂pⱼ∂pₖ).</summary>");
            text.AppendLine("[global::System.CodeDom.Compiler.GeneratedCode(\"SymGrad\", \"0.1.0\")]");
            text.AppendLine($"private static void {t.Backward}({declared}, {type} dResult, {string.Join(", ", differentiable.Select(p => $"ref {type} d{p.Name}"))})");
            text.AppendLine("{");
            for (int j = 0; j < differentiable.Count; j++)
            {
                text.AppendLine($"    {type} unwanted{j} = {zero};");
            }

            text.AppendLine($"    {function.BackwardTangent}({args}, {one}, {string.Join(", ", differentiable.Select((_, j) => $"ref unwanted{j}"))}, "
                + $"{string.Join(", ", tangents)}, {string.Join(", ", differentiable.Select(p => $"ref d{p.Name}"))});");
            text.Append("}");
            return text.ToString();
        }
    }
}
