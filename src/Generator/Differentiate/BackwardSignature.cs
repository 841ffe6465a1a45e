using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Differentiate
{
    /// <summary>
    /// The names in the generated methods' signatures — the result's cotangent, each output's cotangent, each input's
    /// gradient — and of the workspace locals, reserved first and in parameter order, so that a method's backward and a
    /// stub of it (when it cannot be differentiated) have the same signature.
    /// </summary>
    internal sealed class BackwardSignature
    {
        public BackwardSignature(MethodModel model, NameAllocator names)
        {
            Workspace = names.Reserve("workspace");
            WorkspaceMark = names.Reserve(Workspace + "Mark");
            DResult = names.Reserve("dResult");
            foreach (ScalarResult r in model.Results)
            {
                // A returned struct's fields are the fields of one cotangent: dResult.X.
                ResultCotangents[r.Name] = r.Path is null ? names.Reserve("d" + r.Name) : (ResultSlot ??= DResult) + r.Path;
            }

            foreach (ParameterSpec p in model.Parameters)
            {
                if (p.Kind == ParameterKind.SpanOutput)
                {
                    Cotangents[p.Name] = names.Reserve("d" + p.Name);
                }
                else if (p.IsDifferentiable && p.Group is { } group)
                {
                    // A struct's fields are the fields of one gradient: da.X of ref Point3 da.
                    if (!GradientSlots.TryGetValue(group, out string? slot))
                    {
                        GradientSlots[group] = slot = names.Reserve("d" + group);
                    }

                    Gradients[p.Name] = slot + p.Name.Substring(group.Length);
                }
                else if (p.IsDifferentiable)
                {
                    Gradients[p.Name] = GradientSlots[p.Name] = names.Reserve("d" + p.Name);
                }
            }
        }

        /// <summary>The cotangent parameter of a returned struct (<c>dResult</c>), if the method returns one.</summary>
        public string? ResultSlot { get; }

        /// <summary>Differentiable parameter as the signature lists it (a struct whole) → its gradient parameter.</summary>
        public Dictionary<string, string> GradientSlots { get; } = new();

        public string Workspace { get; }

        public string WorkspaceMark { get; }

        public string DResult { get; }

        /// <summary>Result (out parameter, tuple element) → its cotangent parameter.</summary>
        public Dictionary<string, string> ResultCotangents { get; } = new();

        /// <summary>Output span → its cotangent parameter.</summary>
        public Dictionary<string, string> Cotangents { get; } = new();

        /// <summary>Differentiable input → its gradient parameter.</summary>
        public Dictionary<string, string> Gradients { get; } = new();

        /// <summary>The parameters of <c>MBackward</c>, in order.</summary>
        public List<string> BackwardParameters(MethodModel model)
        {
            var parameters = new List<string>();
            foreach (ParameterSpec p in model.Arguments)
            {
                parameters.Add(p.Kind == ParameterKind.SpanOutput && !p.IsArray ? $"global::System.ReadOnlySpan<{p.ElementType}> {p.Name}" : $"{p.Type} {p.Name}");
            }

            if (model.ReturnType != "void")
            {
                parameters.Add($"{model.ReturnType} {DResult}");
            }

            parameters.AddRange(model.Results.Select(r => r.Path is null ? $"{r.Type} {ResultCotangents[r.Name]}" : $"{r.GroupType} {ResultSlot}").Distinct());

            parameters.AddRange(model.Arguments.Where(p => p.Kind == ParameterKind.SpanOutput).Select(p => $"global::System.ReadOnlySpan<{p.ElementType}> {Cotangents[p.Name]}"));
            parameters.AddRange(GradientParameters(model));
            return parameters;
        }

        /// <summary>The parameters of <c>MGradient</c>, in order.</summary>
        public List<string> GradientMethodParameters(MethodModel model) =>
            Primal(model, p => $"{p.Type} {p.Name}", r => $"out {r.Type} {r.Name}").Concat(GradientParameters(model)).ToList();

        /// <summary>The method's own parameter list: its parameters with its out results where it declares them.</summary>
        public static List<string> Primal(MethodModel model, System.Func<ParameterSpec, string> parameter, System.Func<ScalarResult, string> result)
        {
            var list = model.Arguments.Select(parameter).ToList();
            foreach (ScalarResult r in model.Results.Where(r => r.Position >= 0).OrderBy(r => r.Position))
            {
                list.Insert(System.Math.Min(r.Position, list.Count), result(r));
            }

            return list;
        }

        private IEnumerable<string> GradientParameters(MethodModel model) => model.Arguments.Where(p => p.IsDifferentiable).Select(p => p.Kind == ParameterKind.Scalar
            ? $"ref {p.Type} {GradientSlots[p.Name]}"
            : $"global::System.Span<{p.ElementType}> {GradientSlots[p.Name]}");
    }
}
