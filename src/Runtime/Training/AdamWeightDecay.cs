namespace SymGrad
{
    /// <summary>How <see cref="Adam{T}"/> applies its weight decay λ.</summary>
    public enum AdamWeightDecay
    {
        /// <summary>
        /// L2 regularisation, as <c>torch.optim.Adam(weight_decay=λ)</c>: λθ is added to the gradient before the
        /// moments are updated, so the decay is rescaled by the adaptive denominator.
        /// </summary>
        L2,

        /// <summary>
        /// Decoupled weight decay (AdamW; Loshchilov &amp; Hutter, 2019), as <c>torch.optim.AdamW(weight_decay=λ)</c>:
        /// θ ← (1 − ηλ) θ before the Adam update; the moments see the raw gradient.
        /// </summary>
        Decoupled,
    }
}
