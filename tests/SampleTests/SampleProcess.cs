using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace SymGrad.SampleTests
{
    /// <summary>Runs a sample as a user does — <c>dotnet Sample.dll …</c> — and returns its exit code and output.</summary>
    internal static class SampleProcess
    {
        /// <summary>Runs <paramref name="program"/> (a DLL next to the tests) with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.</summary>
        public static (int Exit, string Output) Run(string program, string arguments, string? workingDirectory = null)
        {
            program = Path.Combine(AppContext.BaseDirectory, program);
            var start = new ProcessStartInfo("dotnet", $"\"{program}\" {arguments}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
            };
            using Process process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("The sample did not finish in 2 minutes:\n" + output);
            }

            return (process.ExitCode, output + error.Result);
        }

        /// <summary>A bad option value: exit code 1 and exactly one line, which contains <paramref name="message"/>.</summary>
        public static void AssertRefused(string program, string arguments, string message)
        {
            (int exit, string output) = Run(program, arguments);
            Assert.True(exit == 1, $"exit {exit} for '{arguments}':\n{output}");
            string[] lines = output.TrimEnd().Split('\n');
            Assert.True(lines.Length == 1, $"'{arguments}' printed {lines.Length} lines:\n{output}");
            Assert.Contains(message, lines[0]);
        }

        /// <summary>A new, empty folder to run a sample in, so its default outputs land in a known out/.</summary>
        public static string EmptyDirectory()
        {
            return SymGrad.Testing.TestTemp.NewDirectory("run");
        }
    }
}
