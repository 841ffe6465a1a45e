using System;
using System.Numerics.Tensors;

namespace SymGrad
{
    /// <summary>
    /// Central-difference numerical gradient check of a backward pass, like <c>torch.autograd.gradcheck</c>, in
    /// <see cref="double"/>. For each element <c>x_i</c> of each parameter it evaluates
    /// <c>n_i = (L(x + h e_i) − L(x − h e_i)) / (2h)</c> and compares it with the analytic gradient <c>a_i</c>.
    /// </summary>
    /// <remarks>
    /// <para><b>Step.</b> The error of the central difference is a truncation term <c>h² |L'''| / 6</c> plus a
    /// rounding term of about <c>ε |L| / h</c> (each evaluation of <c>L</c> is off by a few ulps of its magnitude,
    /// and the difference is divided by <c>2h</c>); <c>ε = 2.2e-16</c>. The sum is smallest near
    /// <c>h ≈ ε^(1/3) ≈ 6e-6</c>; we take <see cref="DefaultStep"/> <c>= 1e-6</c> (as torch does), where for a loss
    /// and derivatives of order 1 the truncation term is ~2e-13 and the rounding term ~2e-10: rounding dominates,
    /// and a smaller truncation error means the check also holds for strongly curved functions. The step is scaled
    /// by <c>max(1, |x_i|)</c> so that it stays well above the spacing of doubles near a large <c>x_i</c>; the
    /// denominator is the difference of the two perturbed values actually stored, not <c>2h</c>, so the
    /// rounding of <c>x ± h</c> does not bias the quotient.</para>
    /// <para><b>Relative error.</b> <c>|a − n| / max(|a|, |n|, floor)</c>. A bare <c>|a − n| / max(|a|, |n|)</c>
    /// turns rounding noise of ~1e-10 on a gradient that is exactly zero (a ReLU's dead side, a bias that does not
    /// reach the loss) into a relative error of order 1. The floor is <see cref="RelativeErrorFloor"/>
    /// <c>= 1e-3</c> times <c>max(1, |L(x)|)</c>, because the rounding noise scales with the loss: with a noise of
    /// up to ~1e-9 |L| (a few hundred summands' worth of ulps over <c>h = 1e-6</c>) the floor keeps it below the
    /// quality bar of 1e-6 relative error. In effect an element passes at tolerance <c>t</c> when it agrees to a
    /// relative <c>t</c>, or to an absolute <c>t · 1e-3 · max(1, |L|)</c> — still far below any real bug.</para>
    /// <para><b>Measured.</b> <c>L = Σ tanh(a_i) b_i dy_i</c> with random <c>a, b, dy</c> in [−1, 1): worst relative error
    /// 8e-8 for 100 elements and 1.4e-7 for 10⁴ at <c>h = 1e-6</c>, ten times less at <c>h = 1e-5</c>. Rounding grows
    /// with the number of summands, so for large layers pass a step of 1e-5 to <see cref="RunWithStep(Func{double}, double, GradCheckParam[])"/>, or check smaller shapes.</para>
    /// <para><b>Float.</b> A <see cref="float"/> parameter is perturbed by <see cref="DefaultFloatStep"/> and judged at
    /// <see cref="FloatTolerance"/>: the check still tells a right derivative from a wrong one, but not rounding from a
    /// subtle error. For the 1e-6 bar, check the same method written in <see cref="double"/>.</para>
    /// <para>The loss must be deterministic and read the current values of every parameter (the arrays it was given,
    /// <see cref="GradCheckParam.Scalar"/> for scalars); it is called <c>1 + 2 · Σ length</c> times. NaN or infinite
    /// values count as failures.</para>
    /// </remarks>
    public static class GradCheck
    {
        /// <summary>Default perturbation <c>h</c> of a <see cref="double"/> parameter, multiplied by <c>max(1, |x_i|)</c> for each element.</summary>
        public const double DefaultStep = 1e-6;

        /// <summary>
        /// Default perturbation of a <see cref="float"/> parameter, multiplied by <c>max(1, |x_i|)</c>. A float loss is
        /// off by ~1e-7 of the sum of its terms' magnitudes in each evaluation, and the quotient divides that by <c>2h</c>, so
        /// the step is larger than the textbook <c>ε_f^(1/3) ≈ 5e-3</c>; the truncation error <c>h² |L'''| / 6</c> stays
        /// ~1e-4. Measured (<c>L = Σ tanh(a_i) b_i dy_i</c>, random inputs, 5 seeds): worst relative error 3e-3 for 100
        /// elements and 1.1e-2 for 10⁴ at this step, against 6e-3 and 1.9e-2 at 1e-2. A function with kinks (ReLU,
        /// max-pooling) can cross one within <c>h</c> of an element; check such a layer on inputs away from its kinks.
        /// </summary>
        public const double DefaultFloatStep = 2e-2;

        /// <summary>The relative tolerance <see cref="GradCheckReport.Passes()"/> applies to a <see cref="double"/> parameter (SymGrad's quality bar).</summary>
        public const double DoubleTolerance = 1e-6;

        /// <summary>
        /// The relative tolerance <see cref="GradCheckReport.Passes()"/> applies to a <see cref="float"/> parameter: about twice the
        /// worst rounding measured on 10⁴ elements (see <see cref="DefaultFloatStep"/>). A wrong derivative — a missing
        /// term, a wrong sign or factor — is off by far more. For the 1e-6 bar, check the method written in
        /// <see cref="double"/>.
        /// </summary>
        public const double FloatTolerance = 2e-2;

        /// <summary>Relative-error floor, multiplied by <c>max(1, |L(x)|)</c>; see the remarks on <see cref="GradCheck"/>.</summary>
        public const double RelativeErrorFloor = 1e-3;

        /// <summary>How many leading elements of each parameter the report keeps as samples.</summary>
        public const int SampleCount = 5;

        /// <summary>
        /// Compares each parameter's analytic gradient with central differences of <paramref name="loss"/>, with the
        /// default step of its precision (<see cref="DefaultStep"/>, <see cref="DefaultFloatStep"/>).
        /// Every value is restored, even if the loss throws.
        /// </summary>
        /// <example>
        /// <code>
        /// double[] w = { 0.5, -1.5 }, dw = new double[2];
        /// Model.LossGradient(w, x, dw);
        /// GradCheckReport report = GradCheck.Run(() =&gt; Model.Loss(w, x), new("w", w, dw));
        /// if (!report.Passes()) Console.WriteLine(report);
        /// </code>
        /// </example>
        public static GradCheckReport Run(Func<double> loss, params GradCheckParam[] parameters)
            => Check(loss, step: null, parameters);

        /// <summary>Checks one parameter; see <see cref="Run(Func{double}, GradCheckParam[])"/>.</summary>
        /// <remarks>
        /// This overload (with <see cref="GradCheckParam"/>'s conversion to an array) is what lets the natural call
        /// <c>GradCheck.Run(loss, new("w", w, dw))</c> compile: with only the <c>params</c> array, C# would take the
        /// target-typed <c>new(…)</c> for the array itself.
        /// </remarks>
        public static GradCheckReport Run(Func<double> loss, GradCheckParam parameter)
            => Check(loss, step: null, new[] { parameter });

        /// <summary>
        /// The check of a <see cref="float"/> method: as <see cref="Run(Func{double}, GradCheckParam[])"/>, with each float
        /// loss widened to <see cref="double"/> before the difference is taken. Give its parameters as <see cref="float"/>
        /// arrays (or <see cref="GradCheckParam.FloatScalar"/>): they are perturbed by <see cref="DefaultFloatStep"/> and
        /// judged at <see cref="FloatTolerance"/>.
        /// </summary>
        /// <example>
        /// <code>
        /// float[] w = …, dw = new float[w.Length];
        /// Model.LossGradient(w, x, dw);
        /// GradCheckReport report = GradCheck.Run(() =&gt; Model.Loss(w, x), new("w", w, dw));
        /// </code>
        /// </example>
        public static GradCheckReport Run(Func<float> loss, params GradCheckParam[] parameters)
        {
            ArgumentNullException.ThrowIfNull(loss);
            return Check(() => loss(), step: null, parameters);
        }

        /// <summary>Checks one parameter of a <see cref="float"/> method; see <see cref="Run(Func{float}, GradCheckParam[])"/>.</summary>
        public static GradCheckReport Run(Func<float> loss, GradCheckParam parameter)
            => Run(loss, new[] { parameter });

        /// <summary>
        /// As <see cref="Run(Func{double}, GradCheckParam[])"/>, with step <paramref name="step"/> · max(1, |x_i|) for every
        /// parameter, whatever its precision (a larger step for large layers; see the remarks on <see cref="GradCheck"/>).
        /// </summary>
        public static GradCheckReport RunWithStep(Func<double> loss, double step, params GradCheckParam[] parameters)
        {
            if (!(step > 0) || double.IsInfinity(step))
            {
                throw new ArgumentOutOfRangeException(nameof(step), step, "The step must be positive and finite.");
            }

            return Check(loss, step, parameters);
        }

        /// <summary>Checks one parameter with step <paramref name="step"/>; see <see cref="RunWithStep(Func{double}, double, GradCheckParam[])"/>.</summary>
        public static GradCheckReport RunWithStep(Func<double> loss, double step, GradCheckParam parameter)
            => RunWithStep(loss, step, new[] { parameter });

        private static GradCheckReport Check(Func<double> loss, double? step, GradCheckParam[] parameters)
        {
            ArgumentNullException.ThrowIfNull(loss);
            ArgumentNullException.ThrowIfNull(parameters);
            foreach (var p in parameters)
            {
                ArgumentNullException.ThrowIfNull(p, nameof(parameters));
            }

            double baseline = loss();
            double floor = RelativeErrorFloor * Math.Max(1.0, Math.Abs(baseline));
            var results = new GradCheckParamResult[parameters.Length];
            for (int k = 0; k < parameters.Length; k++)
            {
                var p = parameters[k];
                double h = step ?? (p.IsFloat ? DefaultFloatStep : DefaultStep);
                var numerical = new double[p.Length];
                for (int i = 0; i < numerical.Length; i++)
                {
                    numerical[i] = CentralDifference(loss, p, i, h);
                }

                results[k] = GradCheckParamResult.Create(p.Name, p.AnalyticValues(), numerical, floor, p.IsFloat ? FloatTolerance : DoubleTolerance);
            }

            return new GradCheckReport(results, step ?? DefaultStep, floor, baseline);
        }

        /// <summary>
        /// <c>Σ_i y_i · dy_i</c>: the scalar loss whose gradient with respect to a layer's output <c>y</c> is
        /// <paramref name="dy"/>. Checking a layer's backward against this loss with a random <c>dy</c> checks its
        /// whole vector-Jacobian product, not just one column of the Jacobian.
        /// </summary>
        public static double Contract(ReadOnlySpan<double> y, ReadOnlySpan<double> dy)
        {
            if (y.Length != dy.Length)
            {
                throw new ArgumentException(
                    $"y has {y.Length} elements but dy has {dy.Length}.", nameof(dy));
            }

            return TensorPrimitives.Dot(y, dy);
        }

        /// <summary>
        /// A reproducible cotangent (or test input) of <paramref name="length"/> values uniform in [−1, 1) from
        /// <paramref name="seed"/>; for use with <see cref="Contract"/>.
        /// </summary>
        public static double[] RandomCotangent(int length, int seed = 1)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            var random = new Random(seed);
            var values = new double[length];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = 2.0 * random.NextDouble() - 1.0;
            }

            return values;
        }

        private static double CentralDifference(Func<double> loss, GradCheckParam p, int i, double step)
        {
            double original = p[i];
            double h = step * Math.Max(1.0, Math.Abs(original));
            try
            {
                double plus = p.Set(i, original + h);
                double lossPlus = loss();
                double minus = p.Set(i, original - h);
                double lossMinus = loss();
                return (lossPlus - lossMinus) / (plus - minus);
            }
            finally
            {
                p.Restore(i, original);
            }
        }
    }
}
