using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using SymGrad.RandomPrograms.Model;
using ValueType = SymGrad.RandomPrograms.Model.ValueType;

namespace SymGrad.RandomPrograms.Generate
{
    /// <summary>
    /// Makes methods of a generated program generic over <c>T : IFloatingPointIeee754&lt;T&gt;</c> (README "Generic math"):
    /// Real is printed <c>T</c>, literals <c>T.CreateChecked(0.5)</c> (<c>T.One</c>, <c>T.Zero</c>), Math functions
    /// <c>T.Exp</c>, int→real conversions <c>T.CreateChecked(i)</c>. The generator emits non-generic backwards for double
    /// and for float, so the same source serves both twins; the drivers call the forward as <c>D.F&lt;double&gt;</c>. A
    /// method is made generic only where the printer can say it all in T: no other-precision parameter or wide (double)
    /// local, no <c>Nn</c> primitive or library call (their overloads are double and float), no switch on a real
    /// (relational patterns need constants), no struct, not a layer's instance method. A generic method's callees are
    /// generic too (T converts to neither double nor float); a non-generic method may call a generic one. The choice is made
    /// before a method is built (<see cref="MethodBuilder"/> leaves those constructs out of it and calls only generic
    /// methods from it); <see cref="Validate"/> then makes sure of it.
    /// </summary>
    public static class Generics
    {
        /// <summary>The features of a generic method: those T cannot express off.</summary>
        public static FeatureSet Restrict(FeatureSet f)
        {
            var weights = f.Weights.ToDictionary(kv => kv.Key, kv => kv.Value);
            foreach (var off in new[] { Feature.NnPrimitives, Feature.RegisteredLibrary, Feature.WideLocals, Feature.OtherPrecisionParams, Feature.OtherPrecisionSpans, Feature.StructCalls, Feature.Structs })
            {
                weights[off] = 0;
            }

            return new FeatureSet(weights);
        }

        /// <summary>
        /// Keeps a method generic only where the printer can express it (<see cref="Eligible"/>) and its callees are generic,
        /// to a fixed point (a layer's instance method, made so after it was built, is not generic).
        /// </summary>
        public static ProgramModel Validate(ProgramModel program)
        {
            var generic = program.Methods.Where(m => m.IsGeneric && Eligible(m)).Select(m => m.Name).ToHashSet();
            for (bool changed = true; changed;)
            {
                changed = false;
                foreach (var m in program.Methods.Where(m => generic.Contains(m.Name)))
                {
                    if (Callees(m).Any(c => !generic.Contains(c))) changed |= generic.Remove(m.Name);
                }
            }

            if (program.Methods.All(m => m.IsGeneric == generic.Contains(m.Name))) return program;
            return program with { Methods = program.Methods.Select(m => generic.Contains(m.Name) ? m : m with { Generic = GenericForm.None }).ToImmutableArray() };
        }

        private static IEnumerable<string> Callees(Method m) => Measure.All(m.Body).Select(n => n switch
        {
            CallExpr { IsNn: false } c => c.Callee,
            CallStmt { IsNn: false } c => c.Callee,
            _ => null,
        }).OfType<string>().Distinct();

        /// <summary>Whether the generic printer can express the method (see the class's remarks).</summary>
        public static bool Eligible(Method m) =>
            !m.Instance && !m.ReturnsStruct
            && m.Params.All(p => p.Struct is null && !p.Field && p.Kind != ParamKind.OtherScalar && !p.Other && !p.Wide && !(p.Default is not null && p.Kind == ParamKind.RealScalar))
            && !Measure.All(m.Body).Any(n => n switch
            {
                StructDecl or StructAssign => true,
                CallExpr { IsNn: true } or CallStmt { IsNn: true } => true,
                CallExpr { IsNested: true } or CallStmt { IsNested: true } => true,
                MathCall c => c.Wide || MathNames.InLibrary(c.Function),
                Cast { To: ValueType.Wide } => true,
                Decl { Type: ValueType.Wide } => true,
                SwitchExpr x => x.Arms[0].Cases[0].Value is not IntLit,
                _ => false,
            });
    }
}
