using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymGrad.Generator.Diagnostics;
using SymGrad.Generator.Emit;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Parse
{
    /// <summary>
    /// A layer object: a <c>[Differentiable]</c> instance method's real fields (<c>double Alpha</c>, <c>double[] W</c>) are
    /// parameters of its derivation, in declaration order, each with a gradient field <c>d</c> + its name that the generator
    /// declares (<see cref="Emit.LayerMembers"/>) unless the type already has it (a struct must: its fields cannot be split over
    /// declarations without a warning). Other fields (sizes, flags) are constants.
    /// </summary>
    internal static class LayerFields
    {
        public static List<ParameterSpec> Find(IMethodSymbol method, MethodDeclarationSyntax syntax, SemanticModel model, List<DiagnosticInfo> diagnostics, System.Threading.CancellationToken cancellationToken)
        {
            INamedTypeSymbol type = method.ContainingType;
            var fields = new List<ParameterSpec>();
            if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
            {
                Report(syntax.Identifier.GetLocation(), "belongs to an interface: write it in the class or struct that holds the parameters");
                return fields;
            }

            if (type.IsValueType && (type.IsReadOnly || method.IsReadOnly))
            {
                Report(syntax.Identifier.GetLocation(), (type.IsReadOnly ? "is in readonly struct " + type.Name : "is readonly") + ", so it cannot accumulate its gradients in its fields: remove readonly");
                return fields;
            }

            var read = new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default);
            var reported = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach ((SimpleNameSyntax name, ISymbol? symbol) in Names(method, syntax, model, cancellationToken))
            {
                if (symbol is not (IFieldSymbol { IsStatic: false, IsConst: false } or IPropertySymbol { IsStatic: false }) || !OnThis(name))
                {
                    continue;
                }

                bool own = symbol is IFieldSymbol { ContainingType: var owner } && SymbolEqualityComparer.Default.Equals(owner.OriginalDefinition, type.OriginalDefinition);
                if (own && Constant((IFieldSymbol)symbol) is not null)
                {
                    read.Add((IFieldSymbol)symbol); // a size, a flag, labels: constants, read like constant parameters
                    continue;
                }

                if (own && StructsOfReals.Leaves(Type(symbol)) is not null && !NoDerivative(symbol) && reported.Add(symbol))
                {
                    Report(name.GetLocation(), "reads the struct field '" + symbol.Name + "': a layer's struct fields are not differentiated yet; declare its reals as fields of "
                        + type.Name + " (or mark it [NoDerivative] if it is a constant), or pass the struct as a parameter");
                    continue;
                }

                if (!(TypeNames.IsReal(Type(symbol)) || ArrayParameters.Element(Type(symbol)!) is { } e && TypeNames.IsReal(e)))
                {
                    continue;
                }

                if (own)
                {
                    read.Add((IFieldSymbol)symbol);
                }
                else if (reported.Add(symbol))
                {
                    Report(name.GetLocation(), symbol is IPropertySymbol
                        ? "reads the property '" + symbol.Name + "', which SymGrad cannot differentiate through: make it a field of " + type.Name + " (its gradient then goes to d" + symbol.Name + ")"
                        : "reads the field '" + symbol.Name + "' of its base type " + symbol.ContainingType.Name + ": declare the layer's parameters in " + type.Name + " itself");
                }
            }

            var parameterNames = new HashSet<string>(method.Parameters.Select(p => p.Name));
            foreach (IFieldSymbol field in type.GetMembers().OfType<IFieldSymbol>().Where(read.Contains))
            {
                Location location = field.Locations.FirstOrDefault() ?? syntax.Identifier.GetLocation();
                bool noDerivative = NoDerivative(field);
                string gradient = "d" + field.Name;
                if (parameterNames.Contains(field.Name))
                {
                    Report(syntax.Identifier.GetLocation(), "has a parameter named like its field '" + field.Name + "': rename one of them");
                    continue;
                }

                if (Constant(field) is { } constant)
                {
                    fields.Add(constant);
                    continue;
                }

                ITypeSymbol? element = ArrayParameters.Element(field.Type);
                if (element is not null && Written(field, syntax, model, cancellationToken) is { } write)
                {
                    Report(write, "writes its field '" + field.Name + "', a parameter of the layer: write results to a Span<" + TypeNames.Of(element) + "> output parameter");
                    continue;
                }

                ISymbol? existing = type.GetMembers(gradient).FirstOrDefault();
                if (!noDerivative && existing is not null && !(existing is IFieldSymbol { IsStatic: false } declared && SymbolEqualityComparer.Default.Equals(declared.Type.WithNullableAnnotation(NullableAnnotation.None), field.Type.WithNullableAnnotation(NullableAnnotation.None))))
                {
                    Report(existing.Locations.FirstOrDefault() ?? location, "needs the gradient field '" + gradient + "' (" + TypeNames.Of(field.Type) + "), and " + type.Name
                        + " declares a member of that name that is not one: remove it (SymGrad declares the field) or make it a field of type " + TypeNames.Of(field.Type));
                    continue;
                }

                if (!noDerivative && existing is null && type.IsValueType)
                {
                    Report(location, "needs the gradient field '" + gradient + "': declare public " + TypeNames.Of(field.Type) + " " + gradient + "; next to '" + field.Name
                        + "' (a partial struct's fields must all be in one declaration, so SymGrad cannot add it)");
                    continue;
                }

                string elementType = TypeNames.Of(element ?? field.Type);
                ParameterKind kind = noDerivative ? ParameterKind.Constant : element is null ? ParameterKind.Scalar : ParameterKind.SpanInput;
                fields.Add(new ParameterSpec(field.Name, TypeNames.Of(field.Type), elementType, kind) { IsField = true, GradientDeclared = existing is not null });
            }

            fields.AddRange(HeldFields(method, syntax, model, new HashSet<string>(parameterNames.Concat(fields.Select(f => f.Name))), Report, cancellationToken));

            if (fields.Any(f => f.IsDifferentiable && !f.GradientDeclared) && type.GetMembers("ZeroGradients").OfType<IMethodSymbol>().FirstOrDefault(m => m.Parameters.Length == 0) is { } zero)
            {
                Report(zero.Locations.FirstOrDefault() ?? syntax.Identifier.GetLocation(), "is in " + type.Name + ", whose ZeroGradients() clashes with the one SymGrad generates for layer objects (it clears every gradient field): rename yours");
            }

            return fields;

            void Report(Location location, string problem) =>
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InstanceState, location, method.Name, problem));
        }

        /// <summary>
        /// The names the method reads, with what they bind to, and those of the layer's own <c>[Differentiable]</c> methods it
        /// calls (<c>Score(x)</c>, <see cref="LayerCalls"/>), through any depth: the fields those read are the caller's inputs too.
        /// The callees' names come after the method's own, so that what is reported is reported at the method.
        /// </summary>
        private static IEnumerable<(SimpleNameSyntax Name, ISymbol? Symbol)> Names(IMethodSymbol method, MethodDeclarationSyntax syntax, SemanticModel model, System.Threading.CancellationToken cancellationToken)
        {
            foreach ((MethodDeclarationSyntax body, SemanticModel semantics) in Bodies(method, syntax, model, cancellationToken))
            {
                foreach (SimpleNameSyntax name in body.DescendantNodes().OfType<SimpleNameSyntax>())
                {
                    ISymbol? symbol = semantics.GetSymbolInfo(name, cancellationToken).Symbol;
                    if (body == syntax || symbol is IFieldSymbol field && SymbolEqualityComparer.Default.Equals(field.ContainingType.OriginalDefinition, method.ContainingType.OriginalDefinition))
                    {
                        yield return (name, symbol);
                    }
                }
            }
        }

        /// <summary>The method's body, then those of the layer's own <c>[Differentiable]</c> methods it calls, to any depth, each once.</summary>
        private static IEnumerable<(MethodDeclarationSyntax Body, SemanticModel Semantics)> Bodies(IMethodSymbol method, MethodDeclarationSyntax syntax, SemanticModel model, System.Threading.CancellationToken cancellationToken)
        {
            var visited = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { method.OriginalDefinition };
            var pending = new Queue<(MethodDeclarationSyntax, SemanticModel)>();
            pending.Enqueue((syntax, model));
            while (pending.Count > 0)
            {
                (MethodDeclarationSyntax body, SemanticModel semantics) = pending.Dequeue();
                yield return (body, semantics);
                foreach (InvocationExpressionSyntax call in body.DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    if (semantics.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol callee && LayerCalls.IsOwn(callee, method, LayerCalls.OnThis(call.Expression)) && visited.Add(callee.OriginalDefinition)
                        && callee.OriginalDefinition.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is MethodDeclarationSyntax declaration)
                    {
                        pending.Enqueue((declaration, semantics.Compilation.GetSemanticModel(declaration.SyntaxTree)));
                    }
                }
            }
        }

        /// <summary>
        /// The fields of the layers held in fields of this one that the method reads through calls of their methods
        /// (<c>Head.Score(x)</c>, in its body or one of its own callees'): each a parameter of the derivation as the layer's own
        /// fields are, named <c>HeadW</c> (<see cref="LayerCalls.Alias"/>), holder by holder in declaration order, each
        /// holder's in its type's field order. A callee SymGrad cannot parse adds nothing (its call says why).
        /// </summary>
        private static List<ParameterSpec> HeldFields(IMethodSymbol method, MethodDeclarationSyntax syntax, SemanticModel model, System.Collections.Generic.ISet<string> taken,
            System.Action<Location, string> report, System.Threading.CancellationToken cancellationToken)
        {
            var found = new List<(IFieldSymbol Owner, ParameterSpec Field)>();
            var seen = new HashSet<(IFieldSymbol, IMethodSymbol)>();
            foreach ((MethodDeclarationSyntax body, SemanticModel semantics) in Bodies(method, syntax, model, cancellationToken))
            {
                foreach (InvocationExpressionSyntax call in body.DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    // Each held layer's method parsed once, however often it is called.
                    if (semantics.GetSymbolInfo(call, cancellationToken).Symbol is not IMethodSymbol callee
                        || LayerCalls.Owner(call.Expression, callee, method, semantics, cancellationToken) is not { } owner
                        || !seen.Add((owner, callee.OriginalDefinition))
                        || NestedTargets.Parsed(callee, semantics.Compilation, cancellationToken, out _) is not { } parsed)
                    {
                        continue;
                    }

                    foreach (ParameterSpec field in parsed.Parameters.Where(p => p.IsField))
                    {
                        // The held layer's own fields must be reachable from this one (its generated ones are internal).
                        if (field.Owner is null && owner.Type.GetMembers(field.Name).FirstOrDefault() is IFieldSymbol member
                            && !(semantics.Compilation.IsSymbolAccessibleWithin(member, method.ContainingType)
                                && (!field.GradientDeclared || owner.Type.GetMembers(LayerMembers.Gradient(field)).FirstOrDefault() is not { } gradient || semantics.Compilation.IsSymbolAccessibleWithin(gradient, method.ContainingType))))
                        {
                            report(call.GetLocation(), "calls " + owner.Name + "." + callee.Name + ", which reads the field '" + field.Name + "' (or its gradient) of " + owner.Type.Name
                                + " that " + method.ContainingType.Name + " cannot reach: make it internal or public");
                            continue;
                        }

                        string alias = LayerCalls.Alias(owner.Name, field.Name);
                        found.Add((owner, new ParameterSpec(alias, field.Type, field.ElementType, field.Kind) { IsField = true, Owner = owner.Name, Member = field.Name }));
                    }
                }
            }

            var holders = method.ContainingType.GetMembers().OfType<IFieldSymbol>().ToList();
            var fields = new List<ParameterSpec>();
            foreach (var field in found.GroupBy(f => f.Field.Name).Select(g => g.First())
                .OrderBy(f => holders.IndexOf(f.Owner)).ThenBy(f => Order(f.Owner, f.Field.Member)))
            {
                if (taken.Contains(field.Field.Name) || method.ContainingType.GetMembers(field.Field.Name).Any() || method.ContainingType.GetMembers(LayerMembers.Gradient(field.Field)).Any())
                {
                    report(field.Owner.Locations.FirstOrDefault() ?? syntax.Identifier.GetLocation(), "reads " + field.Owner.Name + "." + field.Field.Member + " through a call, which SymGrad names "
                        + field.Field.Name + " in " + method.ContainingType.Name + " (its gradient " + LayerMembers.Gradient(field.Field) + "), and that name is taken: rename the member or parameter");
                    continue;
                }

                fields.Add(field.Field);
            }

            return fields;

            // The held layer's own fields in declaration order, then those it reads through layers it holds, as found.
            static int Order(IFieldSymbol owner, string member) =>
                owner.Type.GetMembers(member).FirstOrDefault() is IFieldSymbol f ? owner.Type.GetMembers().IndexOf(f) : int.MaxValue;
        }

        /// <summary>
        /// A field that is a constant parameter (an integer, a bool, an enum, an <c>int[]</c>, <c>bool[]</c>… the method reads):
        /// its spec, so that sizes and labels are read as constant parameters are; null for any other field.
        /// </summary>
        private static ParameterSpec? Constant(IFieldSymbol field)
        {
            if (TypeNames.IsIntegral(field.Type) || field.Type.SpecialType == SpecialType.System_Boolean || field.Type.TypeKind == TypeKind.Enum
                || field.Type.TypeKind == TypeKind.Struct && (TypeNames.IsConstantStruct(field.Type) || StructsOfReals.Leaves(field.Type) is not null && NoDerivative(field)))
            {
                return new ParameterSpec(field.Name, TypeNames.Of(field.Type), TypeNames.Of(field.Type), ParameterKind.Constant) { IsField = true };
            }

            return ArrayParameters.Element(field.Type) is { } item && TypeNames.Of(item) is "int" or "long" or "bool" or "byte"
                ? new ParameterSpec(field.Name, TypeNames.Of(field.Type), TypeNames.Of(item), ParameterKind.Constant) { IsField = true }
                : null;
        }

        private static bool NoDerivative(ISymbol field) => field.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "SymGrad.NoDerivativeAttribute");

        private static ITypeSymbol? Type(ISymbol symbol) => symbol switch
        {
            IFieldSymbol f => f.Type,
            IPropertySymbol p => p.Type,
            _ => null,
        };

        /// <summary>A member of the instance itself: <c>W</c> or <c>this.W</c> (not <c>other.W</c>).</summary>
        private static bool OnThis(SimpleNameSyntax name) => name.Parent switch
        {
            MemberAccessExpressionSyntax access when access.Name == name => access.Expression is ThisExpressionSyntax or BaseExpressionSyntax,
            MemberBindingExpressionSyntax => false,
            AssignmentExpressionSyntax { Parent: InitializerExpressionSyntax } member when member.Left == name => false, // new P2 { X = … }
            _ => true,
        };

        /// <summary>
        /// Where the method writes the array field: an element (<c>W[i] = …</c>, <c>W[i]++</c>, <c>ref W[i]</c>), or the array or
        /// a part of it passed where a <c>Span&lt;T&gt;</c> or a written array is expected (<c>Nn.Sigmoid(x, W)</c>).
        /// </summary>
        private static Location? Written(IFieldSymbol field, MethodDeclarationSyntax syntax, SemanticModel model, System.Threading.CancellationToken cancellationToken)
        {
            foreach (SimpleNameSyntax name in syntax.DescendantNodes().OfType<SimpleNameSyntax>().Where(n => n.Identifier.ValueText == field.Name))
            {
                if (!SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, field))
                {
                    continue;
                }

                // this.W is W; W.AsSpan(…), W.AsSpan()[…] and W[a..b] are parts of it.
                SyntaxNode use = name.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } self && self.Name == name ? self : name;
                while (use.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "AsSpan" or "Slice" } part && part.Expression == use && part.Parent is InvocationExpressionSyntax call)
                {
                    use = call;
                }

                bool written = use.Parent switch
                {
                    ElementAccessExpressionSyntax access when access.Expression == use => access.Parent switch
                    {
                        AssignmentExpressionSyntax assignment => assignment.Left == access,
                        PrefixUnaryExpressionSyntax prefix => prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression),
                        PostfixUnaryExpressionSyntax => true,
                        ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None) || IsSpanOutput(argument, model, cancellationToken),
                        _ => false,
                    },
                    ArgumentSyntax argument => IsSpanOutput(argument, model, cancellationToken),
                    _ => false,
                };
                if (written)
                {
                    return use.Parent!.GetLocation();
                }
            }

            return null;
        }

        private static bool IsSpanOutput(ArgumentSyntax argument, SemanticModel model, System.Threading.CancellationToken cancellationToken) =>
            model.GetOperation(argument, cancellationToken) is Microsoft.CodeAnalysis.Operations.IArgumentOperation { Parameter: { } target }
            && (TypeNames.SpanElement(target.Type, out bool readOnly) is not null && !readOnly
                || ArrayParameters.Element(target.Type) is not null && ArrayParameters.Written(target, model.Compilation));
    }
}
