using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymGrad.Generator.Diagnostics;
using SymGrad.Generator.Emit;
using SymGrad.Generator.Model;
using SymGrad.Generator.Parse;

namespace SymGrad.Generator
{
    /// <summary>
    /// Wires the pipeline: parse (Roslyn → <see cref="MethodModel"/>) → differentiate → simplify → emit.
    /// The stages live in the folders of the same names; this file only connects them.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class DifferentiableGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            // One result per method, or one per instantiation of a generic one (T = double, T = float).
            IncrementalValuesProvider<ParseResult> parsed = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    CallTargets.DifferentiableAttribute,
                    static (node, _) => node is MethodDeclarationSyntax,
                    MethodParser.Parse)
                .WithTrackingName(StepNames.Parse)
                .SelectMany(static (results, _) => results);

            IncrementalValuesProvider<GeneratedFile> generated = parsed
                .Select(static (result, cancellationToken) => Generation.Generate(result, cancellationToken))
                .WithTrackingName(StepNames.Emit);

            context.RegisterSourceOutput(generated, static (output, file) =>
            {
                foreach (DiagnosticInfo diagnostic in file.Diagnostics)
                {
                    output.ReportDiagnostic(diagnostic.ToDiagnostic());
                }

                if (file.Source is not null)
                {
                    try
                    {
                        output.AddSource(file.HintName, file.Source);
                    }
                    catch (System.ArgumentException)
                    {
                        // Two methods with the same signature (the compiler reports CS0111): emit the first only.
                    }
                }
            });

            // Third-order methods of the methods called nested (FTangent, FGradient, FBackward inside a differentiable method),
            // and of the methods those call, in files of their own: only those a caller's MHessianVector calls are written.
            IncrementalValueProvider<EquatableArray<string>> nestedCallees = parsed
                .SelectMany(static (result, _) => Generation.ThirdOrderNeeds(result))
                .Collect()
                .Select(static (all, _) => Generation.NestedCallees(all));
            IncrementalValuesProvider<GeneratedFile> thirdOrder = parsed
                .Combine(nestedCallees)
                .Select(static (pair, cancellationToken) => Generation.GenerateThirdOrder(pair.Left, pair.Right, cancellationToken))
                .Where(static file => file.Source is not null);
            context.RegisterSourceOutput(thirdOrder, static (output, file) => output.AddSource(file.HintName, file.Source!));

            // Files of their own next to a callee, written only when some differentiable method calls what they hold.
            // The backward's tangent of each method writing outputs (MBackwardTangent: a caller's MHessianVector calls it).
            OwnFiles(context, parsed, Generation.SecondOrderNeeds, Generation.GenerateSecondOrder);

            // The flat twins of the methods taking structs of reals (StructCalls).
            OwnFiles(context, parsed, Generation.FlatNeeds, Generation.GenerateFlat);

            // The methods adding a span input's gradient (FGradientOfX and its derivatives, SpanGradients) of the methods whose
            // nested FGradient or FBackward a differentiable method asks a span's gradient of.
            OwnFiles(context, parsed, Generation.SpanGradientNeeds, Generation.GenerateSpanGradients);

            // The methods a nested FBackward of a method writing outputs is read as (FBackwardOfX and its derivatives, BackwardCalls).
            OwnFiles(context, parsed, Generation.BackwardCallNeeds, Generation.GenerateBackwardCalls);

            // FTangent's own derivatives, of the methods writing outputs whose FTangent a differentiable method calls (TangentCalls).
            OwnFiles(context, parsed, Generation.TangentCallNeeds, Generation.GenerateTangentCalls);

            // A method of its own for each result of a method with several results (ResultCalls), with its derivatives.
            OwnFiles(context, parsed, Generation.ResultNeeds, Generation.GenerateResults);

            // The twins of a layer object's methods its other methods call, with the fields as parameters (LayerCalls).
            OwnFiles(context, parsed, Generation.FieldNeeds, Generation.GenerateFields);

            // A layer object's gradient fields and ZeroGradients, once per type over all its differentiable methods.
            IncrementalValueProvider<System.Collections.Immutable.ImmutableArray<Layer?>> layers = parsed
                .Select(static (result, _) => LayerMembers.Of(result))
                .Where(static layer => layer is not null)
                .Collect();
            context.RegisterSourceOutput(layers, static (output, all) =>
            {
                foreach ((string hintName, string source) in LayerMembers.Emit(all))
                {
                    output.AddSource(hintName, source);
                }
            });

            IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> registrations = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    CallTargets.DerivativeOfAttribute,
                    static (node, _) => node is MethodDeclarationSyntax,
                    DerivativeRegistrations.Check)
                .WithTrackingName(StepNames.Registrations);

            IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> tangentRegistrations = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    CallTargets.TangentOfAttribute,
                    static (node, _) => node is MethodDeclarationSyntax,
                    DerivativeRegistrations.CheckTangent)
                .WithTrackingName(StepNames.Registrations);

            // [Differentiable] where SymGrad adds nothing (a local function, a lambda, an operator, an accessor): said, not skipped.
            IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> elsewhere = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    CallTargets.DifferentiableAttribute,
                    static (node, _) => node is not MethodDeclarationSyntax,
                    MethodParser.NotAMethod)
                .WithTrackingName(StepNames.Registrations);

            foreach (IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> checks in new[] { registrations, tangentRegistrations, elsewhere })
            {
                context.RegisterSourceOutput(checks, static (output, diagnostics) =>
                {
                    foreach (DiagnosticInfo diagnostic in diagnostics)
                    {
                        output.ReportDiagnostic(diagnostic.ToDiagnostic());
                    }
                });
            }
        }

        /// <summary>
        /// A file per callee named by <paramref name="needs"/> (callees' file names, gathered over all methods), written by
        /// <paramref name="generate"/> from the callee's own parse.
        /// </summary>
        private static void OwnFiles(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<ParseResult> parsed,
            System.Func<ParseResult, System.Collections.Generic.IEnumerable<string>> needs,
            System.Func<ParseResult, EquatableArray<string>, System.Threading.CancellationToken, GeneratedFile> generate)
        {
            IncrementalValueProvider<EquatableArray<string>> callees = parsed
                .SelectMany((result, _) => needs(result))
                .Collect()
                .Select(static (all, _) => all.Distinct().OrderBy(n => n, System.StringComparer.Ordinal).ToEquatableArray());
            IncrementalValuesProvider<GeneratedFile> files = parsed
                .Combine(callees)
                .Select((pair, cancellationToken) => generate(pair.Left, pair.Right, cancellationToken))
                .Where(static file => file.Source is not null);
            context.RegisterSourceOutput(files, static (output, file) => output.AddSource(file.HintName, file.Source!));
        }
    }

    /// <summary>Names of the tracked pipeline steps, for incremental-caching tests.</summary>
    public static class StepNames
    {
        public const string Parse = nameof(Parse);
        public const string Emit = nameof(Emit);
        public const string Registrations = nameof(Registrations);
    }

    /// <summary>One generated file, or the diagnostics that replaced it.</summary>
    internal sealed record GeneratedFile(string HintName, string? Source, EquatableArray<DiagnosticInfo> Diagnostics);

    internal static class Generation
    {
        /// <summary>
        /// What third-order files <paramref name="result"/>'s method needs: F's for each F it calls nested (FTangent, or
        /// FGradient/FBackward read so), as (null, F); and, should its own be written, H's for each H it calls that has one,
        /// as (its file, H) — F's <c>FHessianVectorTangent</c> calls <c>HTangentTangentBackward</c>.
        /// </summary>
        public static System.Collections.Generic.IEnumerable<(string? From, string To)> ThirdOrderNeeds(ParseResult result) => result.Model is not { } model
            ? Enumerable.Empty<(string?, string)>()
            : Walk.All(model.Body).SelectMany(Walk.Expressions).SelectMany(Reads.Nodes).OfType<UserCall>()
                .SelectMany(call => new[]
                {
                    ((string?)null, call.Target.NestedOf), (model.HintName, call.Target.ThirdOrderOf),

                    // FTangent of a method writing outputs (TangentCalls): its own derivatives' file calls, in
                    // FTangentBackwardTangent, the third order of what F calls nested in its forward mode.
                    (null, call.Target.TangentCallsOf is { } of ? of + TangentMark : null), (model.HintName + TangentMark, call.Target.ThirdOrderOf),
                    (model.HintName + TangentMark, call.Target.OutputsTangent?.TangentCallsOf is { } inner ? inner + TangentMark : null),
                })
                .Where(need => need.Item2 is not null).Select(need => (need.Item1, need.Item2!)).Distinct();

        /// <summary>What a method's file name gets in <see cref="ThirdOrderNeeds"/> for its FTangent's own derivatives (not a file of its own).</summary>
        private const string TangentMark = "#Tangent";

        /// <summary>The file names whose third-order methods are written: those called nested, and what their third order calls.</summary>
        public static EquatableArray<string> NestedCallees(System.Collections.Immutable.ImmutableArray<(string? From, string To)> needs)
        {
            var written = new System.Collections.Generic.HashSet<string>(needs.Where(n => n.From is null).Select(n => n.To));
            var pending = new System.Collections.Generic.Queue<string>(written);
            while (pending.Count > 0)
            {
                string from = pending.Dequeue();
                foreach ((_, string to) in needs.Where(n => n.From == from))
                {
                    if (written.Add(to))
                    {
                        pending.Enqueue(to);
                    }
                }
            }

            return written.OrderBy(n => n, System.StringComparer.Ordinal).ToEquatableArray();
        }

        /// <summary>The methods writing outputs whose <c>MBackwardTangent</c> <paramref name="result"/>'s method calls (their file names).</summary>
        public static System.Collections.Generic.IEnumerable<string> SecondOrderNeeds(ParseResult result) => Needs(result, target => target.SecondOrderOf);

        /// <summary>The methods taking structs whose flat twins <paramref name="result"/>'s method calls (their file names).</summary>
        public static System.Collections.Generic.IEnumerable<string> FlatNeeds(ParseResult result) => Needs(result, target => target.FlatOf);

        /// <summary>The methods whose span gradients <paramref name="result"/>'s method adds by <c>FGradientOfX</c> (their file names).</summary>
        public static System.Collections.Generic.IEnumerable<string> SpanGradientNeeds(ParseResult result) => Needs(result, target => target.SpanGradientsOf);

        /// <summary>The methods writing outputs whose nested FBackward <paramref name="result"/>'s method reads as <c>FBackwardOfX</c> (their file names).</summary>
        public static System.Collections.Generic.IEnumerable<string> BackwardCallNeeds(ParseResult result) => Needs(result, target => target.BackwardCallsOf);

        /// <summary>The methods writing outputs whose FTangent <paramref name="result"/>'s method calls (their file names).</summary>
        public static System.Collections.Generic.IEnumerable<string> TangentCallNeeds(ParseResult result) => result.Model is not { } model
            ? Enumerable.Empty<string>()
            : Walk.All(model.Body).SelectMany(Walk.Expressions).SelectMany(Reads.Nodes).OfType<UserCall>().SelectMany(call => call.Target.TangentFiles).Distinct();

        /// <summary>The methods with several results a result of which <paramref name="result"/>'s method calls (their file names).</summary>
        public static System.Collections.Generic.IEnumerable<string> ResultNeeds(ParseResult result) => Needs(result, target => target.ResultsOf);

        /// <summary>The layer methods whose twins with the fields as parameters <paramref name="result"/>'s method calls (their file names).</summary>
        public static System.Collections.Generic.IEnumerable<string> FieldNeeds(ParseResult result) => Needs(result, target => target.FieldsOf);

        private static System.Collections.Generic.IEnumerable<string> Needs(ParseResult result, System.Func<CallTarget, string?> of) => result.Model is not { } model
            ? Enumerable.Empty<string>()
            : Walk.All(model.Body).SelectMany(Walk.Expressions).SelectMany(Reads.Nodes).OfType<UserCall>()
                .Select(call => of(call.Target)).Where(name => name is not null).Select(name => name!).Distinct();

        /// <summary>The flat twins' file (<see cref="FlatWriter"/>) of <paramref name="result"/>'s method when it is among <paramref name="callees"/>.</summary>
        public static GeneratedFile GenerateFlat(ParseResult result, EquatableArray<string> callees, System.Threading.CancellationToken cancellationToken)
            => GenerateOwnFile(result, callees, ".Flattened.g.cs", FlatWriter.Emit, cancellationToken);

        /// <summary>The span gradients' file (<see cref="SpanGradientWriter"/>) of <paramref name="result"/>'s method when it is among <paramref name="callees"/>.</summary>
        public static GeneratedFile GenerateSpanGradients(ParseResult result, EquatableArray<string> callees, System.Threading.CancellationToken cancellationToken)
            => GenerateOwnFile(result, callees, ".SpanGradients.g.cs", SpanGradientWriter.Emit, cancellationToken);

        /// <summary>The methods of a nested FBackward (<see cref="BackwardCallWriter"/>) of <paramref name="result"/>'s method when it is among <paramref name="callees"/>.</summary>
        public static GeneratedFile GenerateBackwardCalls(ParseResult result, EquatableArray<string> callees, System.Threading.CancellationToken cancellationToken)
            => GenerateOwnFile(result, callees, ".BackwardCalls.g.cs", BackwardCallWriter.Emit, cancellationToken);

        /// <summary>FTangent's own derivatives (<see cref="TangentCallWriter"/>) of <paramref name="result"/>'s method when it is among <paramref name="callees"/>.</summary>
        public static GeneratedFile GenerateTangentCalls(ParseResult result, EquatableArray<string> callees, System.Threading.CancellationToken cancellationToken)
            => GenerateOwnFile(result, callees, ".TangentDerivatives.g.cs", TangentCallWriter.Emit, cancellationToken);

        /// <summary>The results' methods (<see cref="ResultWriter"/>) of <paramref name="result"/>'s method when it is among <paramref name="callees"/>.</summary>
        public static GeneratedFile GenerateResults(ParseResult result, EquatableArray<string> callees, System.Threading.CancellationToken cancellationToken)
            => GenerateOwnFile(result, callees, ".Results.g.cs", ResultWriter.Emit, cancellationToken);

        /// <summary>The twin with the fields as parameters (<see cref="LayerCallWriter"/>) of <paramref name="result"/>'s method when it is among <paramref name="callees"/>.</summary>
        public static GeneratedFile GenerateFields(ParseResult result, EquatableArray<string> callees, System.Threading.CancellationToken cancellationToken)
            => GenerateOwnFile(result, callees, ".WithFields.g.cs", LayerCallWriter.Emit, cancellationToken);

        /// <summary>The third-order file of <paramref name="result"/>'s method when it is among <paramref name="nestedCallees"/> and has one.</summary>
        public static GeneratedFile GenerateThirdOrder(ParseResult result, EquatableArray<string> nestedCallees, System.Threading.CancellationToken cancellationToken)
            => GenerateOwnFile(result, nestedCallees, ".ThirdOrder.g.cs", SourceEmitter.EmitThirdOrder, cancellationToken);

        /// <summary>The second-order file (<c>MBackwardTangent</c>) of <paramref name="result"/>'s method when it is among <paramref name="callees"/> and has one.</summary>
        public static GeneratedFile GenerateSecondOrder(ParseResult result, EquatableArray<string> callees, System.Threading.CancellationToken cancellationToken)
            => GenerateOwnFile(result, callees, ".SecondOrder.g.cs", SourceEmitter.EmitSecondOrder, cancellationToken);

        private static GeneratedFile GenerateOwnFile(ParseResult result, EquatableArray<string> wanted, string suffix, System.Func<MethodModel, string?> emit, System.Threading.CancellationToken cancellationToken)
        {
            var none = new GeneratedFile("", null, EquatableArray<DiagnosticInfo>.Empty);
            if (result.Model is not { } model || result.Diagnostics.Count > 0 || !wanted.Contains(model.HintName))
            {
                return none;
            }

            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                return emit(model) is { } source
                    ? new GeneratedFile(model.HintName.Substring(0, model.HintName.Length - ".g.cs".Length) + suffix, source, EquatableArray<DiagnosticInfo>.Empty)
                    : none;
            }
            catch (System.OperationCanceledException)
            {
                throw;
            }
            catch (System.Exception)
            {
                return none; // its own emission reports what goes wrong in deriving it; its callers then lack MHessianVector's callee
            }
        }

        public static GeneratedFile Generate(ParseResult result, System.Threading.CancellationToken cancellationToken)
        {
            if (result.Model is null)
            {
                return new GeneratedFile("", null, result.Diagnostics);
            }

            if (result.Diagnostics.Count > 0)
            {
                return Refused(result, result.Diagnostics);
            }

            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                return new GeneratedFile(result.Model.HintName, SourceEmitter.Emit(result.Model), result.Diagnostics);
            }
            catch (System.OperationCanceledException)
            {
                throw;
            }
            catch (DiagnosticsException ex)
            {
                // Diagnostics found after parsing without a place of their own point at the method's name.
                var located = ex.Diagnostics.Select(d => d.Location is null ? d with { Location = result.Location } : d).ToEquatableArray();
                return Refused(result, located);
            }
            catch (System.Exception ex)
            {
                // Never throw into the compiler: report SG9999 at the method instead.
                string reason = ex is Differentiate.GenerationLimitation ? ex.Message : ex.GetType().Name + ": " + ex.Message;
                var diagnostic = new DiagnosticInfo(DiagnosticDescriptors.InternalError.Id, result.Location, new[] { result.Model.Name, reason }.ToEquatableArray());
                return Refused(result, new[] { diagnostic }.ToEquatableArray());
            }
        }

        /// <summary>The diagnostics of a method that cannot be differentiated, and stubs of its generated methods for its callers.</summary>
        private static GeneratedFile Refused(ParseResult result, EquatableArray<DiagnosticInfo> diagnostics)
        {
            try
            {
                return new GeneratedFile(result.Model!.HintName, SourceEmitter.EmitStubs(result.Model), diagnostics);
            }
            catch (System.Exception)
            {
                return new GeneratedFile(result.Model!.HintName, null, diagnostics);
            }
        }
    }
}
