using System;
using System.Collections.Generic;

namespace SymGrad
{
    /// <summary>
    /// The memory the generated code uses outside the workspace's tapes and arenas: the discard memory an unwanted
    /// gradient is written to (per thread) and the zeros an empty cotangent reads (shared by all threads), one buffer set
    /// per element type. Each grows to the longest run asked for and is kept; <see cref="Workspace.Trim"/> and
    /// <see cref="Workspace.ReleaseCurrent"/> give it back through here. A span still in use elsewhere keeps its array
    /// alive (it is a reference into it); the next request allocates afresh.
    /// </summary>
    internal static class SharedBuffers
    {
        // One entry per element type that has used a buffer: what it holds for the calling thread, and how to drop it.
        private static readonly List<(Func<long> Held, Action Drop)> s_kinds = new();

        public static void Register(Func<long> held, Action drop)
        {
            lock (s_kinds)
            {
                s_kinds.Add((held, drop));
            }
        }

        /// <summary>The bytes the calling thread's discard memory and the shared zeros hold.</summary>
        public static long HeldBytes
        {
            get
            {
                lock (s_kinds)
                {
                    long bytes = 0;
                    foreach (var kind in s_kinds)
                    {
                        bytes += kind.Held();
                    }

                    return bytes;
                }
            }
        }

        /// <summary>Drops the calling thread's discard memory and the shared zeros; returns whether anything was held.</summary>
        public static bool Drop()
        {
            lock (s_kinds)
            {
                bool any = false;
                foreach (var kind in s_kinds)
                {
                    any |= kind.Held() > 0;
                    kind.Drop();
                }

                return any;
            }
        }
    }
}
