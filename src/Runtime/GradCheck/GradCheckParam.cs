using System;

namespace SymGrad
{
    /// <summary>
    /// One tensor or scalar checked by <see cref="GradCheck"/>: its name (for the report), its values — perturbed in
    /// place, one element at a time, while the loss is re-evaluated, and restored bit for bit afterwards — and the
    /// analytic gradient of the loss with respect to it (the output of a backward pass), of the same length.
    /// </summary>
    /// <remarks>
    /// <para><b>Arrays</b> (<see cref="double"/> or <see cref="float"/>): the loss reads the array it was given, so
    /// <c>GradCheck.Run(() =&gt; Model.Loss(w, x), new("w", w, dw))</c> checks <c>dw</c>.</para>
    /// <para><b>Scalars</b>: <c>new GradCheckParam("b", b, db)</c> holds the value itself; the loss reads the current,
    /// perturbed value through <see cref="Scalar"/>:
    /// <c>GradCheck.Run(() =&gt; F(x.Scalar, b.Scalar), x, b)</c>. <see cref="FloatScalar"/> makes a <see cref="float"/> one.</para>
    /// <para><b>Precision</b>: a <see cref="float"/> parameter is perturbed by <see cref="GradCheck.DefaultFloatStep"/>
    /// (a step of 1e-6 would vanish in a float's 24-bit mantissa) and judged at <see cref="GradCheck.FloatTolerance"/>;
    /// a <see cref="double"/> one by <see cref="GradCheck.DefaultStep"/> at <see cref="GradCheck.DoubleTolerance"/>.</para>
    /// </remarks>
    public sealed class GradCheckParam
    {
        private readonly double[]? _doubles;
        private readonly float[]? _floats;
        private readonly double[]? _analyticDoubles;
        private readonly float[]? _analyticFloats;

        /// <summary>A <see cref="double"/> tensor: <paramref name="value"/> is perturbed in place; <paramref name="analytic"/> is its gradient.</summary>
        /// <param name="name">The name the report uses.</param>
        /// <param name="value">The values the loss reads.</param>
        /// <param name="analytic">∂L/∂value from the backward pass under test, as long as <paramref name="value"/>.</param>
        /// <exception cref="ArgumentException">The lengths differ.</exception>
        public GradCheckParam(string name, double[] value, double[] analytic)
            : this(name, value?.Length, analytic?.Length, isFloat: false, isScalar: false)
        {
            _doubles = value;
            _analyticDoubles = analytic;
        }

        /// <summary>A <see cref="float"/> tensor, checked at float precision (see the remarks).</summary>
        /// <param name="name">The name the report uses.</param>
        /// <param name="value">The values the loss reads.</param>
        /// <param name="analytic">∂L/∂value from the backward pass under test, as long as <paramref name="value"/>.</param>
        /// <exception cref="ArgumentException">The lengths differ.</exception>
        public GradCheckParam(string name, float[] value, float[] analytic)
            : this(name, value?.Length, analytic?.Length, isFloat: true, isScalar: false)
        {
            _floats = value;
            _analyticFloats = analytic;
        }

        /// <summary>A <see cref="double"/> scalar: the loss reads its current value through <see cref="Scalar"/>.</summary>
        /// <param name="name">The name the report uses.</param>
        /// <param name="value">The scalar's value.</param>
        /// <param name="analytic">∂L/∂value from the backward pass under test.</param>
        public GradCheckParam(string name, double value, double analytic)
            : this(name, 1, 1, isFloat: false, isScalar: true)
        {
            _doubles = new[] { value };
            _analyticDoubles = new[] { analytic };
        }

        private GradCheckParam(string name, int? length, int? analyticLength, bool isFloat, bool isScalar)
        {
            ArgumentNullException.ThrowIfNull(name);
            if (length is null)
            {
                throw new ArgumentNullException("value", $"Parameter '{name}' has no values.");
            }

            if (analyticLength is null)
            {
                throw new ArgumentNullException("analytic", $"Parameter '{name}' has no analytic gradient.");
            }

            if (length != analyticLength)
            {
                throw new ArgumentException($"Parameter '{name}' has {length} values but {analyticLength} analytic gradients.", "analytic");
            }

            Name = name;
            Length = length.Value;
            IsFloat = isFloat;
            IsScalar = isScalar;
        }

        /// <summary>A <see cref="float"/> scalar: the loss reads its current value as <c>(float)p.Scalar</c>.</summary>
        /// <param name="name">The name the report uses.</param>
        /// <param name="value">The scalar's value.</param>
        /// <param name="analytic">∂L/∂value from the backward pass under test.</param>
        public static GradCheckParam FloatScalar(string name, float value, float analytic)
            => new(name, new[] { value }, new[] { analytic }, isScalar: true);

        private GradCheckParam(string name, float[] value, float[] analytic, bool isScalar)
            : this(name, value.Length, analytic.Length, isFloat: true, isScalar: isScalar)
        {
            _floats = value;
            _analyticFloats = analytic;
        }

        /// <summary>
        /// A one-element array: it makes the one-parameter overloads of <see cref="GradCheck.Run(Func{double}, GradCheckParam)"/>
        /// the better match for <c>GradCheck.Run(loss, new("w", w, dw))</c>, which would otherwise be ambiguous.
        /// </summary>
        /// <param name="parameter">The parameter.</param>
        public static implicit operator GradCheckParam[](GradCheckParam parameter) => new[] { parameter };

        /// <summary>The name the report uses.</summary>
        public string Name { get; }

        /// <summary>The number of elements (1 for a scalar).</summary>
        public int Length { get; }

        /// <summary>Whether the values are <see cref="float"/>s (perturbed and judged at float precision).</summary>
        public bool IsFloat { get; }

        /// <summary>Whether this is a scalar made by the scalar constructor or <see cref="FloatScalar"/>.</summary>
        public bool IsScalar { get; }

        /// <summary>
        /// The current value of a scalar parameter: what the loss must read, since the check perturbs it. For a
        /// <see cref="float"/> scalar it is the float widened, so <c>(float)p.Scalar</c> is exact.
        /// </summary>
        /// <exception cref="InvalidOperationException">The parameter is an array.</exception>
        public double Scalar => IsScalar
            ? this[0]
            : throw new InvalidOperationException($"Parameter '{Name}' is an array of {Length}; the loss reads the array it was given.");

        /// <summary>Element <paramref name="i"/> of the values, widened to <see cref="double"/>.</summary>
        internal double this[int i] => _doubles is not null ? _doubles[i] : _floats![i];

        /// <summary>Element <paramref name="i"/> of the analytic gradient, widened to <see cref="double"/>.</summary>
        internal double Analytic(int i) => _analyticDoubles is not null ? _analyticDoubles[i] : _analyticFloats![i];

        /// <summary>The analytic gradient, widened to <see cref="double"/>.</summary>
        internal double[] AnalyticValues()
        {
            var values = new double[Length];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = Analytic(i);
            }

            return values;
        }

        /// <summary>
        /// Sets element <paramref name="i"/> to <paramref name="value"/> rounded to the storage type, and returns what
        /// is stored, so a difference quotient divides by the step actually taken.
        /// </summary>
        internal double Set(int i, double value)
        {
            if (_doubles is not null)
            {
                return _doubles[i] = value;
            }

            return _floats![i] = (float)value;
        }

        /// <summary>Puts back the exact original element (a float is restored from its own bits, not through a double round trip).</summary>
        internal void Restore(int i, double original)
        {
            if (_doubles is not null)
            {
                _doubles[i] = original;
            }
            else
            {
                _floats![i] = (float)original; // exact: original was a float widened
            }
        }
    }
}
