using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymGrad.Generator.Diagnostics;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Parse
{
    /// <summary>Parse stage: a <c>[Differentiable]</c> method as Roslyn sees it → <see cref="MethodModel"/> or diagnostics.</summary>
    internal static class MethodParser
    {
        public static EquatableArray<ParseResult> Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not IMethodSymbol method || context.TargetNode is not MethodDeclarationSyntax syntax)
            {
                return EquatableArray<ParseResult>.Empty;
            }

            // A method without a body would get no derivatives and no word (a partial method's declaration, whose body is in
            // its implementing part; an abstract, extern or interface method).
            if (syntax.Body is null && syntax.ExpressionBody is null)
            {
                bool partial = method.PartialImplementationPart is not null || method.PartialDefinitionPart is not null;
                var info = DiagnosticInfo.Create(DiagnosticDescriptors.NotDifferentiable, syntax.Identifier.GetLocation(), method.Name,
                    partial ? "a partial method's declaration, without its body" : method.ContainingType.TypeKind == TypeKind.Interface ? "an interface method, without a body"
                        : method.IsAbstract ? "an abstract method, without a body" : method.IsExtern ? "an extern method, without a body" : "a method without a body",
                    partial ? "put [Differentiable] on its implementing declaration, the one with the body" : "mark the methods that have a body [Differentiable]");
                return new[] { new ParseResult(null, new[] { info }.ToEquatableArray()) }.ToEquatableArray();
            }

            try
            {
                return method.IsGenericMethod
                    ? ParseGeneric(method, syntax, context.SemanticModel, cancellationToken)
                    : new[] { ParseMethod(method, syntax, context.SemanticModel, cancellationToken) }.ToEquatableArray();
            }
            catch (System.OperationCanceledException)
            {
                throw;
            }
            catch (System.Exception ex)
            {
                // The generator never throws into the compiler: an internal failure is SG9999 at the method.
                var info = DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, syntax.Identifier.GetLocation(), method.Name, ex.GetType().Name + ": " + ex.Message);
                return new[] { new ParseResult(null, new[] { info }.ToEquatableArray()) }.ToEquatableArray();
            }
        }

        /// <summary>
        /// <c>[Differentiable]</c> on something that is not a method declaration — a local function, a lambda, an operator, a
        /// property accessor: SymGrad adds its methods beside a method of a partial type, so it says so (SG0024) rather than
        /// adding nothing without a word.
        /// </summary>
        public static EquatableArray<DiagnosticInfo> NotAMethod(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            const string Instead = "write it as a static method of a partial type";
            (Location location, string name, string what, string fix) = context.TargetNode switch
            {
                LocalFunctionStatementSyntax local => (local.Identifier.GetLocation(), local.Identifier.Text, "a local function",
                    Instead + " (a local function called by a [Differentiable] method is differentiated where it is called)"),
                ParenthesizedLambdaExpressionSyntax lambda => (lambda.GetLocation(), lambda.ParameterList + " => …", "a lambda", Instead),
                AnonymousFunctionExpressionSyntax lambda => (lambda.GetLocation(), "… => …", "a lambda", Instead),
                OperatorDeclarationSyntax op => (op.OperatorToken.GetLocation(), "operator " + op.OperatorToken.Text, "an operator", Instead + " the operator calls"),
                ConversionOperatorDeclarationSyntax conversion => (conversion.GetLocation(), "the conversion to " + conversion.Type, "a conversion", Instead + " the conversion calls"),
                AccessorDeclarationSyntax accessor => (accessor.Keyword.GetLocation(), (accessor.Parent?.Parent is PropertyDeclarationSyntax property ? property.Identifier.Text : context.TargetSymbol.Name)
                    + " { " + accessor.Keyword.Text + " }", "a property accessor", Instead + " the accessor calls"),
                _ => (context.TargetNode.GetLocation(), context.TargetSymbol.Name, "not a method declaration", Instead),
            };
            return new[] { DiagnosticInfo.Create(DiagnosticDescriptors.NotDifferentiable, location, name, what, fix) }.ToEquatableArray();
        }

        /// <summary>
        /// Generic math, <c>static T F&lt;T&gt;(T x) where T : IFloatingPointIeee754&lt;T&gt;</c>: the method is parsed once for
        /// each of double and float that meets T's constraints, T read as that type, and gets non-generic backwards for
        /// each (<c>FBackward(double x, …)</c>, <c>FBackward(float x, …)</c>). Diagnostics are those of the first.
        /// </summary>
        private static EquatableArray<ParseResult> ParseGeneric(IMethodSymbol method, MethodDeclarationSyntax syntax, SemanticModel model, CancellationToken cancellationToken)
        {
            ITypeSymbol[] reals = method.TypeParameters.Length != 1 ? System.Array.Empty<ITypeSymbol>()
                : new[] { SpecialType.System_Double, SpecialType.System_Single }.Select(t => (ITypeSymbol)model.Compilation.GetSpecialType(t))
                    .Where(real => Meets(method.TypeParameters[0], real)).ToArray();
            if (reals.Length == 0)
            {
                var info = DiagnosticInfo.Create(DiagnosticDescriptors.GenericMethod, syntax.Identifier.GetLocation(), method.Name);
                return new[] { new ParseResult(null, new[] { info }.ToEquatableArray()) }.ToEquatableArray();
            }

            var results = new List<ParseResult>();
            foreach (ITypeSymbol real in reals)
            {
                using (TypeNames.Substitute(method.TypeParameters[0], real))
                {
                    ParseResult result = ParseMethod(method, syntax, model, cancellationToken, "<" + TypeNames.Of(real) + ">");
                    results.Add(result);
                    if (result.Model is null || result.Diagnostics.Count > 0)
                    {
                        break; // one report, not one per instantiation
                    }
                }
            }

            return results.ToEquatableArray();
        }

        /// <summary>Whether <paramref name="real"/> meets the constraints of <paramref name="parameter"/> (IFloatingPointIeee754&lt;T&gt; and the like).</summary>
        private static bool Meets(ITypeParameterSymbol parameter, ITypeSymbol real)
        {
            if (parameter.HasReferenceTypeConstraint || parameter.ConstraintTypes.Length == 0)
            {
                return false; // with no constraint there is no arithmetic on T
            }

            return parameter.ConstraintTypes.All(c => c is INamedTypeSymbol { IsGenericType: true } constraint
                && constraint.TypeArguments.All(a => SymbolEqualityComparer.Default.Equals(a, parameter))
                && real.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, constraint.OriginalDefinition)
                    && i.TypeArguments.All(a => SymbolEqualityComparer.Default.Equals(a, real))));
        }

        internal static ParseResult ParseMethod(IMethodSymbol method, MethodDeclarationSyntax syntax, SemanticModel model, CancellationToken cancellationToken, string typeArguments = "")
        {
            var diagnostics = new List<DiagnosticInfo>();
            Location nameLocation = syntax.Identifier.GetLocation();
            CheckpointOptions? checkpoint = CheckpointSettings.Read(method, diagnostics, nameLocation, cancellationToken);

            if (syntax.Modifiers.Any(SyntaxKind.UnsafeKeyword) || syntax.DescendantNodes().OfType<UnsafeStatementSyntax>().Any())
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsafeCode, nameLocation, method.Name));
            }

            var containingTypes = new List<ContainingType>();
            for (INamedTypeSymbol? type = method.ContainingType; type is not null; type = type.ContainingType)
            {
                var declaration = type.DeclaringSyntaxReferences
                    .Select(r => r.GetSyntax(cancellationToken))
                    .OfType<TypeDeclarationSyntax>()
                    .FirstOrDefault(d => d.SyntaxTree == syntax.SyntaxTree && d.Span.Contains(syntax.Span))
                    ?? type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>().FirstOrDefault();
                if (declaration is null)
                {
                    break;
                }

                if (declaration.Modifiers.Any(SyntaxKind.FileKeyword))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.FileLocalType, declaration.Identifier.GetLocation(), type.Name, method.Name));
                }
                else if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TypeNotPartial, declaration.Identifier.GetLocation(), type.Name, method.Name));
                }

                string keyword = declaration switch
                {
                    RecordDeclarationSyntax r => r.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record",
                    StructDeclarationSyntax => "struct",
                    InterfaceDeclarationSyntax => "interface",
                    _ => "class",
                };
                string name = type.Name + (declaration.TypeParameterList?.ToString() ?? "");
                containingTypes.Insert(0, new ContainingType(keyword, name));
            }

            // A layer object's real fields come first: parameters of the derivation the generated signatures leave out.
            var parameters = method.IsStatic ? new List<ParameterSpec>() : LayerFields.Find(method, syntax, model, diagnostics, cancellationToken);
            var results = new List<ScalarResult>();
            foreach (IParameterSymbol parameter in method.Parameters)
            {
                // out double r: a result of its own (see BodyParser.Results).
                if (parameter.RefKind == RefKind.Out && TypeNames.IsReal(parameter.Type)
                    && !parameter.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "SymGrad.NoDerivativeAttribute"))
                {
                    results.Add(new ScalarResult(parameter.Name, TypeNames.Of(parameter.Type), parameter.Ordinal));
                    continue;
                }

                // Point3 a: a parameter per real field (a.X, a.Y, a.Z), listed as the one struct in the generated signatures.
                if (parameter.RefKind == RefKind.None && !parameter.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "SymGrad.NoDerivativeAttribute")
                    && StructsOfReals.Leaves(parameter.Type) is { } leaves)
                {
                    parameters.AddRange(leaves.Where(l => TypeNames.IsReal(l.Type)).Select(l => new ParameterSpec(parameter.Name + l.Path, TypeNames.Of(l.Type), TypeNames.Of(l.Type), ParameterKind.Scalar)
                        { Group = parameter.Name, GroupType = TypeNames.Of(parameter.Type) }));
                    continue;
                }

                ParameterSpec? spec = ClassifyParameter(parameter, model.Compilation, out string? problem) is { } classified ? classified with { Default = DefaultOf(parameter) } : null;
                if (spec is null)
                {
                    Location location = parameter.Locations.FirstOrDefault() ?? nameLocation;
                    string refKind = parameter.RefKind switch { RefKind.Ref => "ref ", RefKind.Out => "out ", RefKind.In => "in ", _ => "" };
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedParameter, location, parameter.Name, refKind + parameter.Type.ToDisplayString(), problem!));
                }
                else
                {
                    parameters.Add(spec);
                }
            }

            string returnType = TypeNames.Of(method.ReturnType);

            // (double R, double Theta): each element a result; inside, the method returns nothing else.
            bool tuple = method.ReturnType is INamedTypeSymbol { IsTupleType: true } t && t.TupleElements.All(e => TypeNames.IsReal(e.Type)) && results.Count == 0;
            if (tuple)
            {
                var taken = new HashSet<string>(method.Parameters.Select(p => p.Name));
                foreach (IFieldSymbol element in ((INamedTypeSymbol)method.ReturnType).TupleElements)
                {
                    string name = element.Name;
                    while (!taken.Add(name))
                    {
                        name += "Result";
                    }

                    results.Add(new ScalarResult(name, TypeNames.Of(element.Type), -1));
                }

                returnType = "void";
            }

            // Point3 M(…): each real field a result (result_X), with its cotangent a field of the one dResult.
            if (results.Count == 0 && !tuple && StructsOfReals.Leaves(method.ReturnType) is { } fields)
            {
                var taken = new HashSet<string>(method.Parameters.Select(p => p.Name));
                foreach (StructLeaf field in fields.Where(f => TypeNames.IsReal(f.Type)))
                {
                    string name = "result" + field.Suffix;
                    while (!taken.Add(name))
                    {
                        name += "_";
                    }

                    results.Add(new ScalarResult(name, TypeNames.Of(field.Type), -1) { Path = field.Path, GroupType = returnType });
                }

                returnType = "void";
            }

            if (returnType is not ("double" or "float" or "void") || method.ReturnsByRef || method.ReturnsByRefReadonly)
            {
                bool several = results.Count > 0 && (method.ReturnType is INamedTypeSymbol { IsTupleType: true } || StructsOfReals.Leaves(method.ReturnType) is not null);
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedReturnType, syntax.ReturnType.GetLocation(),
                    (method.ReturnsByRef ? "ref " : method.ReturnsByRefReadonly ? "ref readonly " : "") + method.ReturnType.ToDisplayString(),
                    several
                        ? "a tuple or struct result and out parameters together are not supported yet; return everything in the tuple or struct, or return float, double or void with out parameters"
                        : "return float or double (a scalar function or loss), void (a layer writing Span outputs), a tuple of reals or a struct of reals"));
            }

            if (diagnostics.Count > 0)
            {
                return new ParseResult(null, diagnostics.ToEquatableArray());
            }

            var body = new BodyParser(method, model, parameters, diagnostics, cancellationToken);
            body.DeclareResults(results, tuple || results.Any(r => r.Path is not null));

            // Code the compiler already rejects is the user's to fix first; a backward of it would only add noise. A call of a
            // generated derivative (FTangent, FGradient) does not bind yet — the generator is what adds it: not the user's error.
            var generatedCalls = GeneratedCalls.Spans(method, syntax, model, cancellationToken);
            var errors = model.GetDiagnostics(syntax.Span, cancellationToken)
                .Where(d => d.Severity == DiagnosticSeverity.Error && !generatedCalls.Any(c => c.Contains(d.Location.SourceSpan))).ToList();
            if (errors.Count > 0)
            {
                // An error at a generated method named but not called goes once it is generated: then nothing would say why.
                foreach (Diagnostic error in errors)
                {
                    if (GeneratedCalls.NamedAt(syntax, error.Location.SourceSpan, method, model, cancellationToken) is { } named)
                    {
                        return new ParseResult(null, new[] { DiagnosticInfo.Create(DiagnosticDescriptors.CallsGeneratedMethod, error.Location, method.Name, named.Name,
                            "SymGrad reads calls of it, and here it is named otherwise (nameof, a method group) while SymGrad has not generated it yet; call it, or name it outside the [Differentiable] method") }.ToEquatableArray());
                    }
                }

                return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
            }

            Block block;
            if (syntax.ExpressionBody is { } arrow)
            {
                block = body.ParseArrow(arrow.Expression);
            }
            else if (syntax.Body is { } statements)
            {
                block = body.ParseBlock(statements.Statements);
            }
            else
            {
                return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
            }

            // The local buffers are outputs of the derivation, after the parameters (LocalBufferWriter lends them).
            parameters.AddRange(body.Buffers);

            // A void method with out results may end without a return: where it ends, its results are final.
            if (results.Count > 0 && returnType == "void" && block.Statements.LastOrDefault() is not Return)
            {
                block = new Block(block.Statements.Append(new Return(null, "")).ToEquatableArray());
            }

            return diagnostics.Count > 0 ? Failed(Block.Empty) : new ParseResult(Model(block), EquatableArray<DiagnosticInfo>.Empty, LocationInfo.From(nameLocation));

            MethodModel Model(Block block) => new MethodModel(
                method.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : "",
                containingTypes.ToEquatableArray(),
                method.Name,
                OverloadSuffix(method) + typeArguments.Replace('<', '{').Replace('>', '}'),
                AccessibilityText(method.DeclaredAccessibility),
                returnType,
                parameters.ToEquatableArray(),
                body.Locals.ToEquatableArray(),
                block,
                Signature(syntax)) { Results = results.ToEquatableArray(), IsInstance = !method.IsStatic, TypeArguments = typeArguments, Checkpoint = checkpoint,
                  DeclaredMembers = method.ContainingType.MemberNames.Where(m => m.StartsWith(method.Name, System.StringComparison.Ordinal)).OrderBy(m => m, System.StringComparer.Ordinal).ToEquatableArray() };

            // The signature is fine, the body is not: the diagnostics, and a model of the signature for stubs.
            ParseResult Failed(Block block) => new(Model(block), diagnostics.ToEquatableArray(), LocationInfo.From(nameLocation));
        }

        /// <summary>Sorts a parameter into its <see cref="ParameterKind"/>, or says why it is outside the subset.</summary>
        public static ParameterSpec? ClassifyParameter(IParameterSymbol parameter, Compilation? compilation, out string? problem)
        {
            problem = null;
            bool noDerivative = parameter.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "SymGrad.NoDerivativeAttribute");
            string type = TypeNames.Of(parameter.Type);
            if (parameter.RefKind != RefKind.None)
            {
                problem = "ref and in parameters (and out parameters other than float or double) cannot be differentiated; return a value, a tuple (double R, double Theta) or an out double, or write a Span<T> output";
                return null;
            }

            if (TypeNames.IsReal(parameter.Type))
            {
                return new ParameterSpec(parameter.Name, type, type, noDerivative ? ParameterKind.Constant : ParameterKind.Scalar);
            }

            ITypeSymbol? element = TypeNames.SpanElement(parameter.Type, out bool readOnly);

            // ReadOnlySpan<Point3> and Point3[] inputs: read field by field (pts[i].X), the gradient a Span<Point3>.
            if ((element ?? ArrayParameters.Element(parameter.Type)) is { } structs && StructsOfReals.Leaves(structs) is not null)
            {
                bool array = element is null;
                if (!(array ? !ArrayParameters.Written(parameter, compilation) : readOnly))
                {
                    problem = "spans and arrays of structs of reals are inputs for now: write the results into spans of float or double";
                    return null;
                }

                string structType = TypeNames.Of(structs);
                var reals = StructsOfReals.Leaves(structs)!.Where(l => TypeNames.IsReal(l.Type)).ToList();
                bool oneType = reals.Select(l => TypeNames.Of(l.Type)).Distinct().Count() == 1;
                return new ParameterSpec(parameter.Name, array ? structType + "[]" : $"global::System.ReadOnlySpan<{structType}>", structType,
                    noDerivative ? ParameterKind.Constant : ParameterKind.SpanInput)
                {
                    Fields = oneType ? reals.Select(l => l.Path).ToEquatableArray() : EquatableArray<string>.Empty,
                    FieldType = oneType ? TypeNames.Of(reals[0].Type) : "",
                };
            }

            if (element is not null)
            {
                string elementType = TypeNames.Of(element);
                if (TypeNames.IsReal(element))
                {
                    if (readOnly)
                    {
                        return new ParameterSpec(parameter.Name, $"global::System.ReadOnlySpan<{elementType}>", elementType, noDerivative ? ParameterKind.Constant : ParameterKind.SpanInput);
                    }

                    if (noDerivative)
                    {
                        problem = "a Span<T> output always carries a cotangent; remove [NoDerivative] or make it a ReadOnlySpan<T> input";
                        return null;
                    }

                    return new ParameterSpec(parameter.Name, $"global::System.Span<{elementType}>", elementType, ParameterKind.SpanOutput);
                }

                if (readOnly && TypeNames.Of(element) is "int" or "long" or "bool" or "byte")
                {
                    return new ParameterSpec(parameter.Name, $"global::System.ReadOnlySpan<{elementType}>", elementType, ParameterKind.Constant);
                }

                problem = "spans may hold float or double (differentiable), or be ReadOnlySpan<int> (constants such as labels)";
                return null;
            }

            if (ArrayParameters.Element(parameter.Type) is { } item)
            {
                // Generated code keeps the array type (the forward and its callers take arrays); the gradient is a Span<T>.
                string itemType = TypeNames.Of(item);
                if (TypeNames.IsReal(item))
                {
                    if (!ArrayParameters.Written(parameter, compilation))
                    {
                        return new ParameterSpec(parameter.Name, itemType + "[]", itemType, noDerivative ? ParameterKind.Constant : ParameterKind.SpanInput);
                    }

                    if (noDerivative)
                    {
                        problem = "an array the method writes is an output and always carries a cotangent; remove [NoDerivative]";
                        return null;
                    }

                    return new ParameterSpec(parameter.Name, itemType + "[]", itemType, ParameterKind.SpanOutput);
                }

                if (itemType is "int" or "long" or "bool" or "byte" && !ArrayParameters.Written(parameter, compilation))
                {
                    return new ParameterSpec(parameter.Name, itemType + "[]", itemType, ParameterKind.Constant);
                }

                problem = "arrays may hold float or double (differentiable), or int, long, bool or byte constants the method only reads";
                return null;
            }

            if (TypeNames.IsIntegral(parameter.Type) || parameter.Type.SpecialType == SpecialType.System_Boolean
                || (parameter.Type.IsValueType && TypeNames.IsConstantStruct(parameter.Type)))
            {
                return new ParameterSpec(parameter.Name, type, type, ParameterKind.Constant);
            }

            if (noDerivative && parameter.Type.IsValueType)
            {
                return new ParameterSpec(parameter.Name, type, type, ParameterKind.Constant);
            }

            problem = StructsOfReals.Problem(parameter.Type) ?? "use float or double, ReadOnlySpan<float|double> inputs, Span<float|double> outputs, float[]/double[] arrays, or integral, bool, enum and read-only struct constants";
            return null;
        }

        /// <summary>A parameter's default value as C# the generated signatures can repeat, or null when it has none.</summary>
        private static string? DefaultOf(IParameterSymbol parameter)
        {
            if (!parameter.HasExplicitDefaultValue)
            {
                return null;
            }

            string type = TypeNames.Of(parameter.Type);
            var invariant = System.Globalization.CultureInfo.InvariantCulture;
            return parameter.ExplicitDefaultValue switch
            {
                null => $"default({type})",
                var value when parameter.Type.TypeKind == TypeKind.Enum => $"({type})({System.Convert.ToString(value, invariant)})",
                bool b => b ? "true" : "false",
                double d => double.IsNaN(d) ? "double.NaN" : double.IsInfinity(d) ? (d > 0 ? "double.PositiveInfinity" : "double.NegativeInfinity") : d.ToString("R", invariant) + "d",
                float f => float.IsNaN(f) ? "float.NaN" : float.IsInfinity(f) ? (f > 0 ? "float.PositiveInfinity" : "float.NegativeInfinity") : f.ToString("R", invariant) + "f",
                long l => l.ToString(invariant) + "L",
                int or short or byte or sbyte or ushort => System.Convert.ToString(parameter.ExplicitDefaultValue, invariant),
                _ => null,
            };
        }

        /// <summary>Overloads get their parameter types in the file name, so each has a file of its own.</summary>
        private static string OverloadSuffix(IMethodSymbol method)
        {
            int differentiable = method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>()
                .Count(m => m.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == CallTargets.DifferentiableAttribute));
            if (differentiable < 2)
            {
                return "";
            }

            string types = string.Join(",", method.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)));
            return "(" + types.Replace('<', '{').Replace('>', '}').Replace(" ", "") + ")";
        }

        private static string AccessibilityText(Accessibility accessibility) => accessibility switch
        {
            Accessibility.Public => "public",
            Accessibility.Internal => "internal",
            Accessibility.Protected => "protected",
            Accessibility.ProtectedOrInternal => "protected internal",
            Accessibility.ProtectedAndInternal => "private protected",
            _ => "private",
        };

        /// <summary>The method's signature as written, without attributes, body or comments (the doc comment's "Forward").</summary>
        private static string Signature(MethodDeclarationSyntax syntax) => OneLine(
            string.Join(" ", syntax.Modifiers.Select(m => m.Text)) + " " + syntax.ReturnType + " " + syntax.Identifier.Text
            + syntax.TypeParameterList + "(" + string.Join(", ", syntax.ParameterList.Parameters.Select(p =>
                string.Join(" ", p.Modifiers.Select(m => m.Text).Concat(new[] { p.Type?.ToString() ?? "", p.Identifier.Text, p.Default?.ToString() ?? "" }).Where(t => t.Length > 0)))) + ")");

        internal static string OneLine(string text) => Regex.Replace(text.Trim(), @"\s+", " ");
    }
}
