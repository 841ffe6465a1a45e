using System.CodeDom.Compiler;
using System.Collections.Generic;
using System.Linq;
using SymGrad.Generator.Differentiate;
using SymGrad.Generator.Model;
using SymGrad.Generator.Parse;

namespace SymGrad.Generator.Emit
{
    /// <summary>
    /// For a method F writing <c>Span</c> outputs whose <c>FBackward</c> a differentiable method calls (<see cref="BackwardCalls"/>):
    /// per differentiable input x, <c>FBackwardOfX</c> (x's part of Jᵀ·dy, F's outputs recomputed), its pullback
    /// <c>FBackwardOfXBackward</c>, its tangent <c>FBackwardOfXTangent</c> and, where F's forward mode read as a method has
    /// <c>FTangentBackwardTangent</c>, the pullback's tangent <c>FBackwardOfXBackwardTangent</c>. Nothing is derived again: each
    /// is a few lines over F's own generated methods — the pullback of Jᵀ·dy along c is the Hessian of ⟨dy, F⟩ times c, which
    /// is the tangent of F's backward along c (<c>FBackwardTangent</c>, with F's values' tangents J·c from <c>FTangent</c>),
    /// and dy's cotangent is that J·c.
    /// </summary>
    internal static class BackwardCallWriter
    {
        /// <summary>The methods' file, or null when F has no <c>FTangent</c> or <c>FBackwardTangent</c> (then no caller reads such a call: SG0019).</summary>
        public static string? Emit(MethodModel model)
        {
            SourceEmitter.Derived derived = SourceEmitter.Derive(model);
            if (derived.Tangent is null || SourceEmitter.BuildBackwardTangent(model, derived.Program) is null)
            {
                return null;
            }

            MethodModel own = LocalBufferWriter.Public(model); // called as declared: its methods lend its buffers
            bool third = BackwardCalls.ThirdOrder(model);
            return SourceEmitter.Wrap(model, writer =>
            {
                bool first = true;
                foreach (ParameterSpec input in own.Arguments.Where(p => p.IsDifferentiable))
                {
                    if (!first)
                    {
                        writer.WriteLineNoTabs(string.Empty);
                    }

                    first = false;
                    new Methods(writer, own, input).Write(third);
                }
            });
        }

        /// <summary>The methods of one input's gradient, and the names they share.</summary>
        private sealed class Methods
        {
            private readonly IndentedTextWriter _writer;
            private readonly string _f;
            private readonly ParameterSpec _input;
            private readonly bool _span;
            private readonly List<ParameterSpec> _primal;
            private readonly List<ParameterSpec> _inputs;
            private readonly List<ParameterSpec> _outputs;
            private readonly List<ParameterSpec> _parameters;
            private readonly List<ParameterSpec> _differentiable;
            private readonly string _name;
            private readonly Dictionary<string, string> _lengths = new();
            private readonly Dictionary<string, string> _cotangents = new();
            private readonly Dictionary<string, string> _valueTangents = new();
            private readonly Dictionary<string, string> _unwanted = new();
            private readonly Dictionary<string, string> _gradients = new();
            private readonly Dictionary<string, string> _tangents = new();
            private readonly string _g;
            private readonly string _workspace;
            private readonly string _mark;
            private readonly string _i;
            private readonly string _value;
            private readonly string _seed;
            private readonly string _seedTangent;
            private readonly string _valueTangent;
            private readonly string _seedOrZeros;
            private readonly string _seedTangentOrZeros;
            private readonly Dictionary<string, string> _tangentGradients = new();
            private readonly Dictionary<string, string> _along = new();
            private readonly Dictionary<string, string> _alongTangents = new();
            private readonly string? _result;
            private readonly string? _resultSeed;

            public Methods(IndentedTextWriter writer, MethodModel model, ParameterSpec input)
            {
                _writer = writer;
                _f = model.Name;
                _input = input;
                _span = input.Kind != ParameterKind.Scalar;
                _primal = model.Arguments.ToList();
                _inputs = _primal.Where(p => p.IsDifferentiable).ToList();
                _outputs = _primal.Where(p => p.Kind == ParameterKind.SpanOutput).ToList();
                _result = model.ReturnType == "void" ? null : model.ReturnType;
                _parameters = BackwardCalls.Parameters(_primal, _result, input);
                _differentiable = _parameters.Where(p => p.IsDifferentiable).ToList();
                _name = BackwardCalls.Name(_f, input.Name);
                _resultSeed = _result is null ? null : _parameters[_primal.Count].Name;
                int at = _primal.Count + (_result is null ? 0 : 1);
                for (int k = 0; k < _outputs.Count; k++)
                {
                    _lengths[_outputs[k].Name] = _parameters[_primal.IndexOf(_outputs[k])].Name;
                    _cotangents[_outputs[k].Name] = _parameters[at + k].Name;
                }

                _g = _span ? _parameters[_parameters.Count - 1].Name : "";
                var names = new NameAllocator(model.TakenNames.Concat(_parameters.Select(p => p.Name)));
                foreach (ParameterSpec p in _outputs)
                {
                    _valueTangents[p.Name] = names.Reserve("t" + p.Name);
                }

                foreach (ParameterSpec p in _inputs.Where(p => p.Kind == ParameterKind.Scalar))
                {
                    _unwanted[p.Name] = names.Reserve("unwanted" + char.ToUpperInvariant(p.Name[0]) + p.Name.Substring(1));
                }

                foreach (ParameterSpec p in _differentiable)
                {
                    _gradients[p.Name] = names.Reserve("d" + p.Name);
                    _tangents[p.Name] = names.Reserve("t" + p.Name);
                }

                foreach (ParameterSpec p in _differentiable)
                {
                    _tangentGradients[p.Name] = names.Reserve("td" + p.Name);
                }

                foreach (ParameterSpec y in _outputs)
                {
                    _along[y.Name] = names.Reserve(y.Name + "Along");
                    _alongTangents[y.Name] = names.Reserve("t" + y.Name + "Along");
                }

                _workspace = names.Reserve("workspace");
                _mark = names.Reserve("mark");
                _i = names.Reserve("i");
                _value = names.Reserve(_span ? "t" + _g : "g");
                _seed = names.Reserve(_span ? "d" + _g : "dResult");
                _seedTangent = names.Reserve("t" + _seed);
                _valueTangent = names.Reserve("t" + _g + "Value");
                _seedOrZeros = names.Reserve(_seed + "OrZeros");
                _seedTangentOrZeros = names.Reserve(_seedTangent + "OrZeros");
            }

            public void Write(bool thirdOrder)
            {
                WriteValue();
                _writer.WriteLineNoTabs(string.Empty);
                WriteBackward();
                _writer.WriteLineNoTabs(string.Empty);
                WriteTangent();
                if (thirdOrder)
                {
                    _writer.WriteLineNoTabs(string.Empty);
                    WriteBackwardTangent();
                }
            }

            private string T => _input.ElementType;

            /// <summary>The tangent of the seed of F's value (a parameter of the tangent), where F returns one.</summary>
            private string SeedTangent => _resultSeed is null ? "0" : _tangents[_resultSeed];

            private string Values => string.Join(", ", _primal.Select(p => p.Name));

            private string Cotangents => string.Join(", ", _outputs.Select(p => _cotangents[p.Name]));

            /// <summary>What F's backward takes after its arguments: the seed of F's value, where F returns one, and the cotangents.</summary>
            private string Seeds => _resultSeed is null ? Cotangents : _resultSeed + ", " + Cotangents;

            /// <summary>The cotangents as one vector, for the doc comments: dy, or (dy, dz).</summary>
            private string Cotangent => _outputs.Count == 1 && _resultSeed is null ? Cotangents : "(" + Seeds + ")";

            /// <summary>F's values the cotangents pair with, for the doc comments: F's outputs, and its value where it returns one.</summary>
            private string Paired => _resultSeed is null ? _f : $"({_f}'s value, outputs)";

            private string Declared(IEnumerable<ParameterSpec> ps) => string.Join(", ", ps.Select(p => $"{p.Type} {p.Name}"));

            private static string Span(string e) => $"global::System.Span<{e}>";

            private static string ReadOnly(string e) => $"global::System.ReadOnlySpan<{e}>";

            private static string Zero(ParameterSpec p) => p.Kind == ParameterKind.Scalar ? "0" : "default";

            /// <summary>A gradient slot of F's generated methods for each of F's inputs: <paramref name="mine"/> for this input, nothing wanted for the others (nor for it, where null).</summary>
            private string Slots(string? mine) => string.Join(", ", _inputs.Select(p => p == _input && mine is not null ? mine : p.Kind == ParameterKind.Scalar ? "ref " + _unwanted[p.Name] : "default"));

            /// <summary>F's methods' tangents of F's inputs: <paramref name="of"/> of each.</summary>
            private string Along(System.Func<ParameterSpec, string> of) => string.Join(", ", _inputs.Select(of));

            private void Line(string text) => _writer.WriteLine(text);

            private void Open() => SourceEmitter.Open(_writer);

            private void Close() => SourceEmitter.Close(_writer);

            private void ReturnIf(string condition) => SourceEmitter.ReturnIf(_writer, condition);

            /// <summary>The workspace, F's outputs recomputed into it (and their tangents, where <paramref name="tangents"/>), and the unwanted scalars' locals.</summary>
            private void Scratch(bool tangents)
            {
                Line($"global::SymGrad.Workspace {_workspace} = global::SymGrad.Workspace.Current;");
                Line($"global::SymGrad.WorkspaceMark {_mark} = {_workspace}.Mark();");
                foreach (ParameterSpec y in _outputs)
                {
                    Line($"{Span(y.ElementType)} {y.Name} = {Rent(y.ElementType, _lengths[y.Name])};");
                    if (tangents)
                    {
                        Line($"{Span(y.ElementType)} {_valueTangents[y.Name]} = {Rent(y.ElementType, _lengths[y.Name])};");
                    }
                }

                // (This input's own is unwanted only by the second-order calls, which want none of F's gradients.)
                foreach (KeyValuePair<string, string> unwanted in _unwanted.Where(u => tangents || u.Key != _input.Name))
                {
                    Line($"{_inputs.First(p => p.Name == unwanted.Key).ElementType} {unwanted.Value} = 0;");
                }
            }

            private string Rent(string e, string length) => SourceEmitter.Rent(_workspace, e, length);

            /// <summary>
            /// <c>FTangent</c> along <paramref name="along"/> (y and ẏ into the scratch) and <c>FBackwardTangent</c> with ẏ as the
            /// values' tangents and <paramref name="cotangentTangent"/> as the cotangents', adding to <paramref name="slots"/>: the
            /// tangent of Jᵀ·dy along the inputs' tangents and the cotangents', at y = F(x…).
            /// </summary>
            /// <param name="seedTangent">The tangent of the seed of F's value, where F returns one.</param>
            /// <param name="valueTangent">What F's value's tangent (⟨∇F, along⟩, which FTangent returns) is added to, or null.</param>
            private void SecondOrder(System.Func<ParameterSpec, string> along, System.Func<ParameterSpec, string> cotangentTangent, string slots, string seedTangent = "0", string? valueTangent = null)
            {
                string tangent = $"{_f}Tangent({Values}, {Along(along)}, {string.Join(", ", _outputs.Select(y => _valueTangents[y.Name]))})";
                Line(valueTangent is null ? tangent + ";" : $"{valueTangent} += {tangent};");
                var reads = _primal.Where(p => p.IsDifferentiable || p.Kind == ParameterKind.SpanOutput)
                    .Select(p => p.Kind == ParameterKind.SpanOutput ? _valueTangents[p.Name] : along(p))
                    .Concat(_resultSeed is null ? Enumerable.Empty<string>() : new[] { seedTangent })
                    .Concat(_outputs.Select(cotangentTangent));
                Line($"{_f}BackwardTangent({Values}, {Seeds}, {Slots(null)}, {string.Join(", ", reads)}, {slots});");
            }

            private void WriteValue()
            {
                string gradient = _span ? $"<c>{_g} +=</c> the gradient" : "The gradient";
                SourceEmitter.Summary(_writer, $"{gradient} in <c>{_input.Name}</c> of ⟨{Cotangent}, {Paired}⟩ (Jᵀ·{Cotangent}), by <c>{_f}Backward</c> at {_f}'s outputs recomputed: what a",
                    $"differentiable method calling <c>{_f}Backward</c> nested calls, differentiated by the two methods below.");
                Line($"internal static {(_span ? "void" : T)} {_name}({Declared(_parameters)})");
                Open();
                Scratch(tangents: false);
                Line($"{_f}({Values});");
                if (_span)
                {
                    Line($"{_f}Backward({Values}, {Seeds}, {Slots(_g)});");
                    Line($"{_workspace}.Release({_mark});");
                }
                else
                {
                    Line($"{T} {_value} = 0;");
                    Line($"{_f}Backward({Values}, {Seeds}, {Slots("ref " + _value)});");
                    Line($"{_workspace}.Release({_mark});");
                    Line($"return {_value};");
                }

                Close();
            }

            private void WriteBackward()
            {
                // The pullback: the cotangent c of the gradient gives H·c (c along the input) to the inputs, J·c to the cotangents.
                string c = _seed;
                var parameters = _parameters.Select(p => p.Name == _g ? $"{ReadOnly(T)} {_g}" : $"{p.Type} {p.Name}").ToList();
                parameters.Add(_span ? $"{ReadOnly(T)} {c}" : $"{T} {c}");
                parameters.AddRange(_differentiable.Select(p => p.Kind == ParameterKind.Scalar ? $"ref {p.ElementType} {_gradients[p.Name]}" : $"{Span(p.ElementType)} {_gradients[p.Name]}"));
                SourceEmitter.Summary(_writer, $"The pullback of <c>{_name}</c>: accumulates (+=) H·{c} — H the Hessian of ⟨{Cotangent}, {Paired}⟩, {c} along {_input.Name} — into the inputs' gradients",
                    $"(<c>{_f}BackwardTangent</c>) and J·{c} into the cotangents' (<c>{_f}Tangent</c>), {_f}'s outputs recomputed. An empty gradient is not needed.");
                Line($"internal static void {_name}Backward({string.Join(", ", parameters)})");
                Open();
                ReturnIf(_span ? c + ".IsEmpty" : c + " == 0");
                foreach (ParameterSpec p in _differentiable.Where(p => p.Kind != ParameterKind.Scalar))
                {
                    Line($"{_gradients[p.Name]} = global::SymGrad.Workspace.DiscardIfEmpty({_gradients[p.Name]}, {p.Name}.Length);");
                }

                Scratch(tangents: true);
                SecondOrder(p => p == _input ? c : Zero(p), _ => "default", string.Join(", ", _inputs.Select(p => (p.Kind == ParameterKind.Scalar ? "ref " : "") + _gradients[p.Name])),
                    valueTangent: _resultSeed is null ? null : _gradients[_resultSeed]);
                foreach (ParameterSpec y in _outputs)
                {
                    string into = _gradients[_cotangents[y.Name]];
                    Line($"for (int {_i} = 0; {_i} < {into}.Length; {_i}++)");
                    Open();
                    Line($"{into}[{_i}] += {_valueTangents[y.Name]}[{_i}];");
                    Close();
                    _writer.WriteLineNoTabs(string.Empty);
                }

                Line($"{_workspace}.Release({_mark});");
                Close();
            }

            /// <summary>
            /// The pullback's tangent, in the shape of a registered backward's (what a caller's Hessian-vector product calls): along
            /// the inputs' tangents ẋ, the cotangents' ḋy and the pullback's seed's ċ, the inputs' tangent gradients take the
            /// tangent of H·c — T[ẋ, c] + H·ċ + H(ḋy)·c, by <c>FTangentBackwardTangent</c> (F's forward mode read as a method,
            /// its pullback at the cotangent dy of J·c) — and the cotangents' take J·ċ + F″[ẋ, c], by <c>FTangentTangent</c>.
            /// </summary>
            private void WriteBackwardTangent()
            {
                string c = _seed, tc = _seedTangent, valueTangent = _valueTangent;
                string Ref(ParameterSpec p, string name) => (p.Kind == ParameterKind.Scalar ? "ref " : "") + name;
                var parameters = _parameters.Select(p => p.Name == _g ? $"{ReadOnly(T)} {_g}" : $"{p.Type} {p.Name}").ToList();
                parameters.Add(_span ? $"{ReadOnly(T)} {c}" : $"{T} {c}");
                parameters.AddRange(_differentiable.Select(p => p.Kind == ParameterKind.Scalar ? $"ref {p.ElementType} {_gradients[p.Name]}" : $"{Span(p.ElementType)} {_gradients[p.Name]}"));
                parameters.AddRange(_differentiable.Select(p => p.Kind == ParameterKind.Scalar ? $"{p.ElementType} {_tangents[p.Name]}" : $"{ReadOnly(p.ElementType)} {_tangents[p.Name]}"));
                if (_span)
                {
                    parameters.Add($"{ReadOnly(T)} {valueTangent}");
                }

                parameters.Add(_span ? $"{ReadOnly(T)} {tc}" : $"{T} {tc}");
                parameters.AddRange(_differentiable.Select(p => p.Kind == ParameterKind.Scalar ? $"ref {p.ElementType} {_tangentGradients[p.Name]}" : $"{Span(p.ElementType)} {_tangentGradients[p.Name]}"));
                SourceEmitter.Summary(_writer, $"The tangent of <c>{_name}Backward</c> (what a caller's Hessian-vector product calls): the gradients as it writes them, and, along the",
                    $"<c>t</c>-prefixed tangents, T[ẋ, {c}] + H·{tc} + H({string.Join(", ", _outputs.Select(y => _tangents[_cotangents[y.Name]]))})·{c} added to the inputs' <c>td</c>-prefixed gradients (<c>{_f}TangentBackwardTangent</c>)",
                    $"and J·{tc} + {_f}″[ẋ, {c}] to the cotangents' (<c>{_f}TangentTangent</c>), {_f}'s outputs recomputed. Empty tangents are zero; an empty tangent gradient is not needed.");
                Line($"internal static void {_name}BackwardTangent({string.Join(", ", parameters)})");
                Open();
                Line($"{_name}Backward({string.Join(", ", _parameters.Select(p => p.Name))}, {c}, {string.Join(", ", _differentiable.Select(p => Ref(p, _gradients[p.Name])))});");
                ReturnIf(_span ? $"{c}.IsEmpty && {tc}.IsEmpty" : $"{c} == 0 && {tc} == 0");
                foreach (ParameterSpec p in _differentiable.Where(p => p.Kind != ParameterKind.Scalar))
                {
                    Line($"{_tangentGradients[p.Name]} = global::SymGrad.Workspace.DiscardIfEmpty({_tangentGradients[p.Name]}, {p.Name}.Length);");
                }

                string along = c, alongTangent = tc;
                if (_span)
                {
                    along = _seedOrZeros;
                    alongTangent = _seedTangentOrZeros;
                    Line($"{ReadOnly(T)} {along} = global::SymGrad.Workspace.ZerosIfEmpty({c}, {_input.Name}.Length);");
                    Line($"{ReadOnly(T)} {alongTangent} = global::SymGrad.Workspace.ZerosIfEmpty({tc}, {_input.Name}.Length);");
                }

                Scratch(tangents: true);
                foreach (ParameterSpec y in _outputs)
                {
                    Line($"{Span(y.ElementType)} {_along[y.Name]} = {Rent(y.ElementType, _lengths[y.Name])};");
                    Line($"{Span(y.ElementType)} {_alongTangents[y.Name]} = {Rent(y.ElementType, _lengths[y.Name])};");
                }

                // y = F(x…) and J·c (y's tangent along c), with their tangents along ẋ and ċ: FTangentTangent.
                string Directions(string of) => Along(p => p == _input ? of : Zero(p));
                string OfC(bool tangent) => string.Join(", ", _outputs.Select(y => tangent ? _alongTangents[y.Name] : _along[y.Name]));
                // (Where F returns a value, FTangentTangent returns the tangent of ⟨∇F, c⟩, the seed's gradient: ⟨∇F, ċ⟩ + ⟨H·ẋ, c⟩.)
                string tangentTangent = $"{_f}TangentTangent({Values}, {Directions(along)}, {OfC(false)}, {Along(p => _tangents[p.Name])}, {Directions(alongTangent)}, "
                    + $"{string.Join(", ", _outputs.Select(y => _valueTangents[y.Name]))}, {OfC(true)})";
                Line(_resultSeed is null ? tangentTangent + ";" : $"{_tangentGradients[_resultSeed]} += {tangentTangent};");
                foreach (ParameterSpec y in _outputs)
                {
                    string into = _tangentGradients[_cotangents[y.Name]];
                    Line($"for (int {_i} = 0; {_i} < {into}.Length; {_i}++)");
                    Open();
                    Line($"{into}[{_i}] += {_alongTangents[y.Name]}[{_i}];");
                    Close();
                    _writer.WriteLineNoTabs(string.Empty);
                }

                // ∂⟨dy, J·c⟩/∂x = H·c: FTangentBackward's gradient in x at the cotangent dy of J·c (zero of y), and its tangent.
                string Discards() => Slots(null);
                // (Where F returns a value, FTangent returns ⟨∇F, c⟩: the seed s is its cotangent, ṡ that cotangent's tangent.)
                var reads = _primal.Where(p => p.IsDifferentiable || p.Kind == ParameterKind.SpanOutput)
                    .Select(p => p.Kind == ParameterKind.SpanOutput ? _valueTangents[p.Name] : _tangents[p.Name])
                    .Concat(_inputs.Select(p => p == _input ? alongTangent : Zero(p)))
                    .Concat(_outputs.Select(y => _alongTangents[y.Name]))
                    .Concat(_resultSeed is null ? Enumerable.Empty<string>() : new[] { SeedTangent })
                    .Concat(_outputs.Select(_ => "default"))
                    .Concat(_outputs.Select(y => _tangents[_cotangents[y.Name]]));
                string valueSeed = _resultSeed is null ? "" : _resultSeed + ", ";
                Line($"{_f}TangentBackwardTangent({Values}, {Directions(along)}, {OfC(false)}, {valueSeed}{string.Join(", ", _outputs.Select(_ => "default"))}, {Cotangents}, {Discards()}, {Discards()}, "
                    + $"{string.Join(", ", reads)}, {string.Join(", ", _inputs.Select(p => Ref(p, _tangentGradients[p.Name])))}, {Discards()});");
                Line($"{_workspace}.Release({_mark});");
                Close();
            }

            private void WriteTangent()
            {
                var parameters = _parameters.Select(p => $"{p.Type} {p.Name}").ToList();
                parameters.AddRange(_differentiable.Select(p => p.Kind == ParameterKind.Scalar ? $"{p.ElementType} {_tangents[p.Name]}" : $"{ReadOnly(p.ElementType)} {_tangents[p.Name]}"));
                if (_span)
                {
                    parameters.Add($"{Span(T)} {_value}");
                }

                SourceEmitter.Summary(_writer, $"The tangent of <c>{_name}</c>{(_span ? $": {_g} as it adds, and {_value} +=" : ":")} (H·ẋ)<sub>{_input.Name}</sub> + J<sub>{_input.Name}</sub>ᵀ·{string.Join(", ", _outputs.Select(y => _tangents[_cotangents[y.Name]]))} along the",
                    $"inputs' tangents ẋ and the cotangents' (<c>{_f}Tangent</c>, <c>{_f}BackwardTangent</c>); an empty tangent is zero{(_span ? $", an empty {_value} not wanted" : "")}.");
                Line($"internal static {(_span ? "void" : T)} {_name}Tangent({string.Join(", ", parameters)})");
                Open();
                string cotangentTangent(ParameterSpec y) => _tangents[_cotangents[y.Name]];
                if (_span)
                {
                    Line($"{_name}({string.Join(", ", _parameters.Select(p => p.Name))});");
                    ReturnIf(_value + ".IsEmpty");
                    Scratch(tangents: true);
                    SecondOrder(p => _tangents[p.Name], cotangentTangent, Slots(_value), SeedTangent);
                    Line($"{_workspace}.Release({_mark});");
                }
                else
                {
                    Scratch(tangents: true);
                    Line($"{T} {_value} = 0;");
                    SecondOrder(p => _tangents[p.Name], cotangentTangent, Slots("ref " + _value), SeedTangent);
                    Line($"{_workspace}.Release({_mark});");
                    Line($"return {_value};");
                }

                Close();
            }
        }
    }
}
