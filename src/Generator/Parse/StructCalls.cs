using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using SymGrad.Generator.Model;

namespace SymGrad.Generator.Parse
{
    /// <summary>
    /// Calls of a <c>[Differentiable]</c> method taking structs of reals (<c>Dot(Point3 a, Point3 b)</c>) inside another: the
    /// call is read as one of its flat twin <c>DotFlattened(a_X, a_Y, a_Z, b_X, …)</c>, each struct's fields passed one by one
    /// (the caller's struct values are fields already: <see cref="BodyParser"/> reads them so), and differentiated as any call
    /// of scalars. SymGrad writes the twin and its derivatives next to the callee (<see cref="Emit.FlatWriter"/>): each a few
    /// lines building the structs from the fields, calling the callee's own method, and adding a struct gradient's fields back.
    /// </summary>
    internal static class StructCalls
    {
        /// <summary>What the flat twin's name adds to the callee's.</summary>
        public const string Suffix = "Flattened";

        /// <summary>The target of a call of <paramref name="callee"/> through its flat twin, or null and why not.</summary>
        public static CallTarget? Target(IMethodSymbol callee, Compilation compilation, CancellationToken cancellationToken, out string reason)
        {
            reason = "";
            if (!callee.IsStatic || callee.IsGenericMethod || !TypeNames.IsReal(callee.ReturnType)
                || !callee.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == CallTargets.DifferentiableAttribute))
            {
                reason = "a call of a method taking structs of reals is differentiated when that method is a static, non-generic [Differentiable] one returning a float or a double";
                return null;
            }

            foreach (IParameterSymbol parameter in callee.Parameters.Where(p => StructsOfReals.Leaves(p.Type) is not null))
            {
                if (parameter.RefKind != RefKind.None || parameter.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "SymGrad.NoDerivativeAttribute")
                    || StructsOfReals.Leaves(parameter.Type)!.Any(l => !TypeNames.IsReal(l.Type)))
                {
                    reason = $"'{parameter.Name}' of {callee.Name} is passed field by field, so it must be a struct of float and double fields passed by value, not [NoDerivative]";
                    return null;
                }
            }

            if (NestedTargets.Parsed(callee, compilation, cancellationToken, out reason) is not { } model)
            {
                return null;
            }

            if (model.Results.Count > 0 || model.Parameters.Any(p => p.Kind == ParameterKind.SpanOutput || p.HoldsStructs))
            {
                reason = $"a call of {callee.Name} with struct parameters is differentiated when it has no outputs, local buffers, out results or spans of structs";
                return null;
            }

            NestedTargets.Modes modes = NestedTargets.ModesOf(callee, compilation);
            string owner = callee.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            string name = callee.Name + Suffix;
            return new CallTarget(owner, name, owner, name + "Backward", Flat(model).Parameters, TypeNames.Of(callee.ReturnType))
            {
                Tangent = modes.Tangent ? name + "Tangent" : null,
                Nested = modes.Tangent && modes.HessianVector, // the twin's FTangentBackward over its MHessianVector, for a caller's H·v
                FlatOf = model.HintName,
            };
        }

        /// <summary>The callee as its flat twin: each struct parameter's fields parameters of their own (<c>a.X</c> → <c>a_X</c>).</summary>
        public static MethodModel Flat(MethodModel model) => model with
        {
            Name = model.Name + Suffix,
            Accessibility = "internal",
            Parameters = model.Parameters.Select(p => p.Group is null ? p : new ParameterSpec(FlatName(p.Name), p.Type, p.ElementType, ParameterKind.Scalar)).ToEquatableArray(),
        };

        /// <summary>A struct field's parameter of the flat twin: <c>a.From.X</c> → <c>a_From_X</c>.</summary>
        public static string FlatName(string member) => member.Replace('.', '_');
    }
}
