using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SymGrad.Generator;
using SymGrad.RandomPrograms.Check;
using SymGrad.RandomPrograms.Model;
using SymGrad.RandomPrograms.Print;

namespace SymGrad.RandomPrograms.Compile
{
    /// <summary>The array-based entry points of one method of one twin (see <see cref="DriverPrinter"/>).</summary>
    public delegate double ForwardFn(double[] r, double[][] s, int[] n, int[][] ns, bool[] b);

    public delegate void BackwardFn(double[] r, double[][] s, int[] n, int[][] ns, bool[] b, double dResult, double[]?[] dy, double[] dr, double[][] ds);

    public delegate double GradientFn(double[] r, double[][] s, int[] n, int[][] ns, bool[] b, double[] dr, double[][] ds);

    /// <summary>MTangent through its driver: tangents of the differentiable scalars and spans, of the outputs (null: default).</summary>
    public delegate double TangentFn(double[] r, double[][] s, int[] n, int[][] ns, bool[] b, double[] tr, double[]?[] ts, double[]?[] ty);

    /// <summary>MJacobian or MHessian through its driver: the matrix it fills, dense and row-major.</summary>
    public delegate void MatrixFn(double[] r, double[][] s, int[] n, int[][] ns, bool[] b, double[] matrix);

    /// <summary>MHessianVector through its driver: the direction of the differentiable scalars and spans (null: default), the products it accumulates into.</summary>
    public delegate void HessianVectorFn(double[] r, double[][] s, int[] n, int[][] ns, bool[] b, double[] vr, double[]?[] vs, double[] hr, double[][] hs);

    /// <summary>
    /// The driver delegates of one method in one twin; <see cref="Gradient"/> is null for a void method, <see cref="Tangent"/>
    /// for one with no MTangent (<see cref="ForwardMode.HasTangent"/>), <see cref="Jacobian"/> for one with no MJacobian
    /// (<see cref="ForwardMode.HasJacobian"/>), <see cref="HessianVector"/> and <see cref="Hessian"/> for one with no
    /// MHessianVector (<see cref="ForwardMode.HasHessianVector"/>).
    /// </summary>
    public sealed record Entry(ForwardFn Forward, BackwardFn Backward, GradientFn? Gradient, TangentFn? Tangent = null, MatrixFn? Jacobian = null,
        HessianVectorFn? HessianVector = null, MatrixFn? Hessian = null);

    /// <summary>A compiled program: per method name, the double and float twins' entries.</summary>
    public sealed record Runnable(IReadOnlyDictionary<string, (Entry Double, Entry Float)> Methods);

    /// <summary>One program of a batch after compilation: its failures so far and, when it loaded, its delegates.</summary>
    public sealed record Compiled(int Id, ProgramModel Program, List<Failure> Failures, IReadOnlyDictionary<string, string> Generated, Runnable? Run)
    {
        /// <summary>
        /// The modes the generator made beyond <see cref="ForwardMode"/>'s prediction, in both twins (<c>H1.HessianVector</c>:
        /// a call found constant or dead): the driver calls them too, so they are checked as the predicted ones are.
        /// </summary>
        public ISet<string> Beyond { get; init; } = new HashSet<string>();

        /// <summary>Whether the driver calls <paramref name="m"/>'s <paramref name="mode"/>: predicted, or generated all the same.</summary>
        public bool Has(Method m, string mode, bool predicted) => predicted || Beyond.Contains(m.Name + "." + mode);
    }

    /// <summary>
    /// Compiles programs with the generator in-process: each program is its own pair of files (the twins, the driver) in
    /// its own namespace <c>RP{id}</c>, all of a batch in one compilation with one generator run (measured several times
    /// faster than one compilation per program). Diagnostics are attributed to programs by file; programs whose generated
    /// code has errors are removed from the compilation before it is emitted to memory and loaded into a collectible
    /// <see cref="AssemblyLoadContext"/>, which <see cref="Batch.Dispose"/> unloads.
    /// </summary>
    public static class BatchCompiler
    {
        private static readonly Regex s_programOfPath = new(@"RP(\d+)\.", RegexOptions.CultureInvariant);
        private static int s_batchCounter;

        public sealed class Batch : IDisposable
        {
            internal Batch(List<Compiled> programs, List<AssemblyLoadContext> contexts, TimeSpan generateTime, TimeSpan emitTime)
            {
                Programs = programs;
                Contexts = contexts;
                GenerateTime = generateTime;
                EmitTime = emitTime;
            }

            public List<Compiled> Programs { get; }

            internal List<AssemblyLoadContext> Contexts { get; }

            public TimeSpan GenerateTime { get; }

            public TimeSpan EmitTime { get; }

            public void Dispose()
            {
                foreach (var c in Contexts) c.Unload();
                Contexts.Clear();
            }
        }

        public static string Namespace(int id) => "RP" + id.ToString(CultureInfo.InvariantCulture);

        /// <param name="programs">The programs, each compiled into its own namespace.</param>
        /// <param name="extraSources">Further files compiled with every program (e.g. a class with a custom <c>[DerivativeOf]</c>).</param>
        public static Batch Compile(IReadOnlyList<(int Id, ProgramModel Program)> programs, IReadOnlyList<string>? extraSources = null)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var trees = new List<SyntaxTree>();
            for (int i = 0; i < (extraSources?.Count ?? 0); i++)
            {
                trees.Add(CSharpSyntaxTree.ParseText(extraSources![i], References.ParseOptions, $"Extra{i}.cs"));
            }

            // The library whose derivatives are registered in a third type (MathNames.LibrarySource), shared by the batch.
            trees.Add(CSharpSyntaxTree.ParseText(MathNames.LibrarySource, References.ParseOptions, "Library.cs"));
            var byId = new Dictionary<int, Compiled>();
            foreach (var (id, program) in programs)
            {
                string ns = Namespace(id);
                trees.Add(CSharpSyntaxTree.ParseText(CSharpPrinter.Unit(program, ns), References.ParseOptions, ns + ".Program.cs"));
                trees.Add(CSharpSyntaxTree.ParseText(DriverPrinter.Unit(program, ns), References.ParseOptions, ns + ".Driver.cs"));
                byId[id] = new Compiled(id, program, new List<Failure>(), new Dictionary<string, string>(), null);
            }

            var input = CSharpCompilation.Create(
                "RandomPrograms" + System.Threading.Interlocked.Increment(ref s_batchCounter).ToString(CultureInfo.InvariantCulture),
                trees, References.All, References.Options);
            GeneratorDriver driver = CSharpGeneratorDriver.Create(
                new[] { new DifferentiableGenerator().AsSourceGenerator() }, parseOptions: References.ParseOptions);
            driver = driver.RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);
            var run = driver.GetRunResult();
            if (run.Results.Any(r => r.Exception is not null))
            {
                if (programs.Count > 1)
                {
                    // The generator threw for the batch: find which program by compiling them one by one.
                    return Merge(programs.Select(p => Compile(new[] { p }, extraSources)).ToList());
                }

                var e = run.Results.First(r => r.Exception is not null).Exception!;
                byId[programs[0].Id].Failures.Add(new Failure(OutcomeKind.GeneratorThrew, Properties.CompilesCleanly, "GeneratorThrew " + e.GetType().Name, e.ToString()));
                return new Batch(byId.Values.ToList(), new List<AssemblyLoadContext>(), sw.Elapsed, TimeSpan.Zero);
            }

            var generatedTrees = new HashSet<SyntaxTree>(run.GeneratedTrees);
            foreach (var result in run.Results)
            {
                foreach (var g in result.GeneratedSources)
                {
                    if (IdOf(g.HintName) is { } gid && byId.TryGetValue(gid, out var c))
                    {
                        ((Dictionary<string, string>)c.Generated)[g.HintName] = g.SourceText.ToString();
                    }
                }
            }

            foreach (var d in generatorDiagnostics)
            {
                if (d.Severity == DiagnosticSeverity.Hidden) continue;
                var target = IdOf(d.Location.GetLineSpan().Path) is { } gid && byId.TryGetValue(gid, out var c) ? c : null;
                var failure = new Failure(OutcomeKind.Refused, Properties.CompilesCleanly, "Refused " + d.Id, Format(d));
                if (target is null)
                {
                    foreach (var p in byId.Values) p.Failures.Add(failure); // no location: every program of the batch is suspect
                }
                else
                {
                    target.Failures.Add(failure);
                }
            }

            // What the generator made beyond the predictions gets its driver entries too (the driver printed again).
            foreach (var c in byId.Values.ToList())
            {
                var beyond = Beyond(c);
                if (beyond.Count == 0) continue;
                byId[c.Id] = c with { Beyond = beyond };
                string path = Namespace(c.Id) + ".Driver.cs";
                var old = output.SyntaxTrees.First(t => t.FilePath == path);
                output = output.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(DriverPrinter.Unit(c.Program, Namespace(c.Id), byId[c.Id]), References.ParseOptions, path));
            }

            var generateTime = sw.Elapsed;
            sw.Restart();
            var compilation = output;
            for (int attempt = 0; ; attempt++)
            {
                using var stream = new MemoryStream();
                var emit = compilation.Emit(stream);
                var broken = Attribute(emit.Diagnostics, byId, generatedTrees, record: attempt == 0);
                if (emit.Success)
                {
                    stream.Position = 0;
                    var context = new AssemblyLoadContext(compilation.AssemblyName, isCollectible: true);
                    var assembly = context.LoadFromStream(stream);
                    var list = new List<Compiled>();
                    foreach (var c in byId.Values)
                    {
                        bool present = compilation.SyntaxTrees.Any(t => t.FilePath == Namespace(c.Id) + ".Driver.cs");
                        list.Add(present ? c with { Run = Load(assembly, c) } : c);
                    }

                    return new Batch(list, new List<AssemblyLoadContext> { context }, generateTime, sw.Elapsed);
                }

                if (broken.Count == 0 || attempt > 2)
                {
                    // Errors no program can be blamed for: compile one by one.
                    if (programs.Count > 1) return Merge(programs.Select(p => Compile(new[] { p }, extraSources)).ToList());
                    var c = byId[programs[0].Id];
                    if (c.Failures.Count == 0)
                    {
                        c.Failures.Add(new Failure(OutcomeKind.TesterBug, Properties.CompilesCleanly, "EmitFailed",
                            string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(Format))));
                    }

                    return new Batch(byId.Values.ToList(), new List<AssemblyLoadContext>(), generateTime, sw.Elapsed);
                }

                var remove = compilation.SyntaxTrees.Where(t => IdOf(t.FilePath) is { } tid && broken.Contains(tid)).ToList();
                compilation = compilation.RemoveSyntaxTrees(remove);
            }
        }

        /// <summary>
        /// One hand-written source (a repro) through the generator and the compiler as programs go: the diagnostics (the
        /// generator's, then the compilation's warnings and errors) and the generated files.
        /// </summary>
        public static (List<string> Diagnostics, List<(string Name, string Text)> Generated) CompileFile(string source)
        {
            var tree = CSharpSyntaxTree.ParseText(source, References.ParseOptions, "Repro.cs");
            // The library of registered derivatives, unless the source brings it (CSharpPrinter.Source appends it where used).
            var trees = new List<SyntaxTree> { tree };
            if (!source.Contains(MathNames.LibrarySource.Trim(), StringComparison.Ordinal)) trees.Add(CSharpSyntaxTree.ParseText(MathNames.LibrarySource, References.ParseOptions, "Library.cs"));
            var input = CSharpCompilation.Create("Repro", trees, References.All, References.Options);
            GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new DifferentiableGenerator().AsSourceGenerator() }, parseOptions: References.ParseOptions);
            driver = driver.RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);
            var run = driver.GetRunResult();
            var diagnostics = generatorDiagnostics.Where(d => d.Severity != DiagnosticSeverity.Hidden)
                .Concat(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning))
                .Select(Format).Distinct().ToList();
            diagnostics.AddRange(run.Results.Where(r => r.Exception is not null).Select(r => "generator threw: " + r.Exception));
            var generated = run.Results.SelectMany(r => r.GeneratedSources).Select(g => (g.HintName, g.SourceText.ToString())).ToList();
            return (diagnostics, generated);
        }

        private static Batch Merge(List<Batch> parts)
            => new(parts.SelectMany(p => p.Programs).ToList(), parts.SelectMany(p => p.Contexts).ToList(),
                TimeSpan.FromTicks(parts.Sum(p => p.GenerateTime.Ticks)), TimeSpan.FromTicks(parts.Sum(p => p.EmitTime.Ticks)));

        /// <summary>
        /// Records each error and generated-tree warning on its program and returns the programs with errors. Errors in
        /// a program's own file are the tester's; in the driver's file they mean a generated method is missing or cannot
        /// be called as README says; in a generated file, that the generated code does not compile. Every warning in a
        /// generated tree is a failure: the same code built with warnings as errors would not build.
        /// </summary>
        private static HashSet<int> Attribute(IEnumerable<Diagnostic> diagnostics, Dictionary<int, Compiled> byId, HashSet<SyntaxTree> generated, bool record)
        {
            var broken = new HashSet<int>();
            foreach (var group in diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning)
                         .GroupBy(d => d.Location.SourceTree is { } t && IdOf(t.FilePath) is { } id ? id : -1))
            {
                if (!byId.TryGetValue(group.Key, out var c))
                {
                    continue;
                }

                foreach (var d in group)
                {
                    var tree = d.Location.SourceTree!;
                    bool inGenerated = generated.Contains(tree) || tree.FilePath.EndsWith(".g.cs", StringComparison.Ordinal);
                    bool inDriver = tree.FilePath.EndsWith(".Driver.cs", StringComparison.Ordinal);
                    if (d.Severity == DiagnosticSeverity.Error) broken.Add(c.Id);
                    if (!record) continue;
                    Failure? f = (d.Severity, inGenerated, inDriver) switch
                    {
                        (DiagnosticSeverity.Error, true, _) => new Failure(OutcomeKind.DoesNotCompile, Properties.CompilesCleanly, "DoesNotCompile " + d.Id, Format(d)),
                        (DiagnosticSeverity.Warning, true, _) => new Failure(OutcomeKind.Warnings, Properties.CompilesCleanly, "Warning " + d.Id, Format(d)),
                        (DiagnosticSeverity.Error, false, true) when c.Failures.Any(x => x.Kind == OutcomeKind.Refused) => null,
                        (DiagnosticSeverity.Error, false, true) when d.Id == "CS0117" => new Failure(OutcomeKind.SilentlySkipped, Properties.CompilesCleanly, "SilentlySkipped", Format(d)),
                        (DiagnosticSeverity.Error, false, true) => new Failure(OutcomeKind.DoesNotCompile, Properties.CompilesCleanly, "DoesNotCompile (driver) " + d.Id, Format(d)),
                        (DiagnosticSeverity.Error, false, false) => new Failure(OutcomeKind.TesterBug, Properties.CompilesCleanly, "TesterBug " + d.Id, Format(d)),
                        _ => null, // a warning in the program's own code (the tester's) or the driver
                    };
                    if (f is not null && !c.Failures.Any(x => x.Key == f.Key && x.Details == f.Details)) c.Failures.Add(f);
                }
            }

            return broken;
        }

        /// <summary>The modes of <paramref name="c"/>'s methods generated in both twins though <see cref="ForwardMode"/> says no.</summary>
        private static HashSet<string> Beyond(Compiled c)
        {
            string ns = Namespace(c.Id);
            // A mode SymGrad does not generate is a stand-in that says why (obsolete as an error): not generated.
            bool Generated(Method m, string mode) => new[] { CSharpPrinter.DoubleClass, CSharpPrinter.FloatClass }.All(cls =>
                c.Generated.Any(g => g.Key.StartsWith(ns + "." + cls + ".", StringComparison.Ordinal) && g.Value.Contains($" {m.Name}{mode}(", StringComparison.Ordinal)
                    && !g.Value.Contains($"SymGrad did not generate {m.Name}{mode}:", StringComparison.Ordinal)));
            var set = new HashSet<string>();
            foreach (var m in c.Program.Methods)
            {
                if (!ForwardMode.HasTangent(c.Program, m) && Generated(m, "Tangent")) set.Add(m.Name + ".Tangent");
                if (!ForwardMode.HasHessianVector(c.Program, m) && Generated(m, "HessianVector")) set.Add(m.Name + ".HessianVector");
                if (!ForwardMode.HasHessian(c.Program, m) && Generated(m, "Hessian")) set.Add(m.Name + ".Hessian");
            }

            return set;
        }

        private static Runnable Load(Assembly assembly, Compiled c)
        {
            var driver = assembly.GetType(Namespace(c.Id) + "." + CSharpPrinter.DriverClass, throwOnError: true)!;
            var methods = new Dictionary<string, (Entry, Entry)>();
            foreach (var m in c.Program.Methods)
            {
                Entry Make(Precision p)
                {
                    T Get<T>(string what) where T : Delegate
                        => driver.GetMethod(DriverPrinter.Name(m, p, what))!.CreateDelegate<T>();
                    var program = c.Program;
                    return new Entry(Get<ForwardFn>("Forward"), Get<BackwardFn>("Backward"), m.ReturnsReal ? Get<GradientFn>("Gradient") : null,
                        c.Has(m, "Tangent", ForwardMode.HasTangent(program, m)) ? Get<TangentFn>("Tangent") : null, ForwardMode.HasJacobian(m) ? Get<MatrixFn>("Jacobian") : null,
                        c.Has(m, "HessianVector", ForwardMode.HasHessianVector(program, m)) ? Get<HessianVectorFn>("HessianVector") : null,
                        c.Has(m, "Hessian", ForwardMode.HasHessian(program, m)) ? Get<MatrixFn>("Hessian") : null);
                }

                methods[m.Name] = (Make(Precision.Double), Make(Precision.Float));
            }

            return new Runnable(methods);
        }

        private static int? IdOf(string? path)
        {
            if (path is null) return null;
            var m = s_programOfPath.Match(path);
            return m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
        }

        /// <summary>Compiler-style text with the offending source line.</summary>
        public static string Format(Diagnostic d)
        {
            var span = d.Location.GetLineSpan();
            string where = d.Location.IsInSource || d.Location.Kind == LocationKind.ExternalFile
                ? $"{Path.GetFileName(span.Path)}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})"
                : "(no location)";
            string text = $"{where}: {d.Severity.ToString().ToLowerInvariant()} {d.Id}: {d.GetMessage(CultureInfo.InvariantCulture)}";
            if (d.Location.SourceTree is { } tree)
            {
                var lines = tree.GetText().Lines;
                int line = span.StartLinePosition.Line;
                if (line < lines.Count) text += "\n      | " + lines[line].ToString().Trim();
            }

            return text;
        }
    }
}
