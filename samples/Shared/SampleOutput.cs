using System.IO;

namespace SymGrad.Samples
{
    /// <summary>Where the samples write: <c>out/</c> in the working directory unless an option names another file.</summary>
    internal static class SampleOutput
    {
        /// <summary>The folder, relative to the working directory, that default output paths are in.</summary>
        public const string Directory = "out";

        /// <summary><c>out/<paramref name="fileName"/></c>: a default for an output option.</summary>
        public static string Default(string fileName) => Path.Combine(Directory, fileName);

        /// <summary>The full path of <paramref name="path"/>, its folder created: what a sample writes to and prints.</summary>
        public static string Prepare(string path)
        {
            string full = Path.GetFullPath(path);
            string? folder = Path.GetDirectoryName(full);
            if (!string.IsNullOrEmpty(folder))
            {
                System.IO.Directory.CreateDirectory(folder);
            }

            return full;
        }
    }
}
