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
            var parameters = new List<(string Text, string? Default)>();
            foreach (ParameterSpec p in model.Arguments)
            {
                parameters.Add((p.Kind == ParameterKind.SpanOutput && !p.IsArray ? $"global::System.ReadOnlySpan<{p.ElementType}> {p.Name}" : $"{p.Type} {p.Name}", p.Default));
            }

            if (model.ReturnType != "void")
            {
                parameters.Add(($"{model.ReturnType} {DResult}", null));
            }

            parameters.AddRange(model.Results.Select(r => r.Path is null ? $"{r.Type} {ResultCotangents[r.Name]}" : $"{r.GroupType} {ResultSlot}").Distinct().Select(t => (t, (string?)null)));

            // An empty cotangent is zero and an empty gradient not needed: both may default where the user's defaults reach.
            parameters.AddRange(model.Arguments.Where(p => p.Kind == ParameterKind.SpanOutput).Select(p => ($"global::System.ReadOnlySpan<{p.ElementType}> {Cotangents[p.Name]}", (string?)Optional)));
            parameters.AddRange(GradientParameters(model));
            return WithDefaults(parameters);
        }

        /// <summary>The parameters of <c>MGradient</c>, in order.</summary>
        public List<string> GradientMethodParameters(MethodModel model) => WithDefaults(
            Primal(model, p => ($"{p.Type} {p.Name}", p.Default), r => ($"out {r.Type} {r.Name}", null)).Concat(GradientParameters(model)).ToList());

        // An empty span stands for zeros (a cotangent) or "not needed" (a gradient). A user's "= default" is default(T).
        private const string Optional = "default";

        /// <summary>
        /// The user's default values kept: the longest run of parameters at the end that may all have one (defaults of the
        /// user's, and empty spans), when it holds one of the user's.
        /// </summary>
        private static List<string> WithDefaults(List<(string Text, string? Default)> parameters)
        {
            int start = parameters.Count;
            while (start > 0 && parameters[start - 1].Default is not null)
            {
                start--;
            }

            bool keep = parameters.Skip(start).Any(p => p.Default != Optional);
            return parameters.Select((p, i) => keep && i >= start ? p.Text + " = " + p.Default : p.Text).ToList();
        }

        /// <summary>The method's own parameter list: its parameters with its out results where it declares them.</summary>
        public static List<T> Primal<T>(MethodModel model, System.Func<ParameterSpec, T> parameter, System.Func<ScalarResult, T> result)
        {
            var list = model.Arguments.Select(parameter).ToList();
            foreach (ScalarResult r in model.Results.Where(r => r.Position >= 0).OrderBy(r => r.Position))
            {
                list.Insert(System.Math.Min(r.Position, list.Count), result(r));
            }

            return list;
        }

        private IEnumerable<(string, string?)> GradientParameters(MethodModel model) => model.Arguments.Where(p => p.IsDifferentiable).Select(p => p.Kind == ParameterKind.Scalar
            ? ($"ref {p.Type} {GradientSlots[p.Name]}", (string?)null)
            : ($"global::System.Span<{p.ElementType}> {GradientSlots[p.Name]}", Optional));
    }
}
