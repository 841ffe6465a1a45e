using System.Runtime.CompilerServices;

// The kernel tests drive the internal entry points to force the Vector256 and scalar paths and the
// two-thread split on small shapes, which the public API chooses by itself.
[assembly: InternalsVisibleTo("SymGrad.RuntimeTests")]
