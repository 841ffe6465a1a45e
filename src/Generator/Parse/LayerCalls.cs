using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Parse
{
    /// <summary>
    /// Calls of a layer object's own <c>[Differentiable]</c> methods inside another (<c>Score(x)</c> or <c>this.Score(x)</c> in
    /// a method of the same type). The callee reads the layer's fields, which are inputs of every mode of the caller (their
    /// gradients the <c>d</c>-fields, their tangents, directions and Jacobian columns after the parameters'). So the call is
    /// read as one of the callee's twin with those fields as parameters, <c>ScoreWithFields(W, b, x)</c>, whose arguments are the
    /// caller's own fields: an ordinary call of a function of its arguments, differentiated in every mode as one of a static
    /// method is, each field's gradient, tangent and direction passed as the caller's. SymGrad writes the twin and its
    /// derivatives next to the callee (<see cref="Emit.LayerCallWriter"/>); the twin's value is the callee's own
    /// (<c>=&gt; Score(x)</c>: it is only ever called with the layer's own fields).
    /// </summary>
    internal static class LayerCalls
    {
        /// <summary>What the twin's name adds to the callee's.</summary>
        public const string Suffix = "WithFields";

        /// <summary>How the twin's methods are reached: on the layer itself (a caller's method is one of the same object).</summary>
        public const string This = "this";

        /// <summary>
        /// Whether <paramref name="callee"/> is a <c>[Differentiable]</c> instance method of the layer <paramref name="caller"/>
        /// belongs to, called on the layer itself (<paramref name="onThis"/>: <c>Score(x)</c>, <c>this.Score(x)</c>).
        /// </summary>
        public static bool IsOwn(IMethodSymbol callee, IMethodSymbol caller, bool onThis) => onThis && !callee.IsStatic && !caller.IsStatic
            && SymbolEqualityComparer.Default.Equals(callee.ContainingType.OriginalDefinition, caller.ContainingType.OriginalDefinition)
            && callee.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == CallTargets.DifferentiableAttribute);

        /// <summary>Whether a call's method is reached on the layer itself: <c>Score(x)</c>, <c>this.Score(x)</c>.</summary>
        public static bool OnThis(ExpressionSyntax called) => called is SimpleNameSyntax || called is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax };

        /// <summary>
        /// For a call of a <c>[Differentiable]</c> method of a layer held in a field of the caller's (<c>Head.Score(x)</c>,
        /// <c>this.Head.Score(x)</c>): that field, else null. The field is an instance field of the caller's own type whose type
        /// is a class (not generic), the caller an instance method.
        /// </summary>
        public static IFieldSymbol? Owner(ExpressionSyntax called, IMethodSymbol callee, IMethodSymbol caller, SemanticModel model, CancellationToken cancellationToken)
        {
            if (callee.IsStatic || caller.IsStatic || called is not MemberAccessExpressionSyntax { Expression: var holder }
                || !callee.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == CallTargets.DifferentiableAttribute))
            {
                return null;
            }

            bool onThis = holder is IdentifierNameSyntax || holder is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax };
            return onThis && model.GetSymbolInfo(holder, cancellationToken).Symbol is IFieldSymbol { IsStatic: false } field
                && SymbolEqualityComparer.Default.Equals(field.ContainingType.OriginalDefinition, caller.ContainingType.OriginalDefinition)
                && field.Type is INamedTypeSymbol { TypeKind: TypeKind.Class, IsGenericType: false } held
                && SymbolEqualityComparer.Default.Equals(held.OriginalDefinition, callee.ContainingType.OriginalDefinition)
                ? field
                : null;
        }

        /// <summary>
        /// The name of the property a layer declares for the field <paramref name="member"/> of the layer it holds in
        /// <paramref name="owner"/>: <c>HeadW</c> for <c>Head.W</c>, so that <c>dHeadW</c>, <c>tHeadW</c> read as the layer's own.
        /// </summary>
        public static string Alias(string owner, string member) => owner + char.ToUpperInvariant(member[0]) + member.Substring(1);

        /// <summary>
        /// The target of a call of the layer's own method <paramref name="callee"/> through its twin, or null and why not;
        /// <paramref name="on"/> is where its methods are (<c>this</c>, or <c>this.Head</c> for a layer held in a field).
        /// </summary>
        public static CallTarget? Target(IMethodSymbol callee, Compilation compilation, CancellationToken cancellationToken, out string reason, string on = This)
        {
            reason = "";
            if (callee.IsGenericMethod)
            {
                reason = $"a call of the layer's method {callee.Name} is differentiated when it is not generic";
                return null;
            }

            if (NestedTargets.Parsed(callee, compilation, cancellationToken, out reason) is not { } model)
            {
                return null;
            }

            if (model.Results.Count > 0 || model.Parameters.Any(p => p.Group is not null || p.HoldsStructs))
            {
                reason = $"a call of the layer's method {callee.Name} is differentiated when it returns one float or double (or nothing) and takes no structs of reals; "
                    + "call a method for each result, and pass a struct's fields as float or double";
                return null;
            }

            MethodModel twin = Twin(model);
            NestedTargets.Modes modes = NestedTargets.Cached(callee, Suffix, compilation, () => NestedTargets.Derive(twin));
            if (!modes.Derived)
            {
                reason = $"SymGrad cannot differentiate '{callee.Name}' (see its error)";
                return null;
            }

            var parameters = Emit.LocalBufferWriter.Public(twin).Parameters; // its local buffers lent by its methods
            return new CallTarget(on, twin.Name, on, twin.Name + "Backward", parameters, twin.ReturnType)
            {
                Tangent = modes.Tangent ? twin.Name + "Tangent" : null,
                Nested = modes.Nested,

                // Its backward's tangent, for a caller's H·v when it writes outputs: in the twin's own file.
                BackwardTangent = modes.SecondOrderOf is null ? null : on + "." + twin.Name + "BackwardTangent",
                BackwardTangentInputs = modes.SecondOrderOf is null ? EquatableArray<int>.Empty : CallTarget.GeneratedBackwardReads(parameters, twin.ReturnType).ToEquatableArray(),
                FieldsOf = model.HintName,
            };
        }

        /// <summary>
        /// The callee as its twin: its fields parameters of its own, first, in field order (<c>ScoreWithFields(double[] W,
        /// double b, ReadOnlySpan&lt;double&gt; x)</c>); still an instance method, so that its value is the callee's. Internal:
        /// a layer holding this one in a field calls it too.
        /// </summary>
        public static MethodModel Twin(MethodModel model)
        {
            string name = model.Name + Suffix;
            MethodModel twin = model with
            {
                Name = name,
                Accessibility = "internal",
                Parameters = model.Parameters.Select(p => p.IsField ? new ParameterSpec(p.Name, p.Type, p.ElementType, p.Kind) : p).ToEquatableArray(),
                DeclaredMembers = EquatableArray<string>.Empty,
                LayerTwin = true,
            };
            // Declared without the callee's local buffers (its methods lend them: LocalBufferWriter).
            return twin with { ForwardSource = $"internal {twin.ReturnType} {name}({string.Join(", ", twin.Declared.Select(p => p.Type + " " + p.Name))})" };
        }
    }
}
