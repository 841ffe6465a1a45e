namespace SymGrad
{
    /// <summary>
    /// One tensor checked by <see cref="GradCheck"/>: its name (for the report), its values — perturbed in place,
    /// one element at a time, while the loss is re-evaluated, and restored bit-for-bit afterwards — and the
    /// analytic gradient of the loss with respect to it (the output of a backward pass), of the same length.
    /// </summary>
    public sealed record GradCheckParam(string Name, double[] Value, double[] Analytic);
}
