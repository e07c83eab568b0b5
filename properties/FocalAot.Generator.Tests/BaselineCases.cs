namespace FocalAot.Generator.Tests;

/// <summary>The declarations whose generated code is checked in under Baselines/&lt;name&gt;/.</summary>
internal static class BaselineCases
{
    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // Every power form in both precisions: identity, half chain (0.5, 2.5), chain (2, 3), transcendental (0.7).
        ["Namespaced"] = """
            using FocalAot;

            namespace Consumer.Losses;

            /// <summary>Kernels of every form.</summary>
            [FocalKernel(0.0, Precision.Single)]
            [FocalKernel(0.0, Precision.Double)]
            [FocalKernel(0.5, Precision.Single)]
            [FocalKernel(0.5, Precision.Double)]
            [FocalKernel(2.0, Precision.Single)]
            [FocalKernel(2.0, Precision.Double)]
            [FocalKernel(2.5, Precision.Single)]
            [FocalKernel(2.5, Precision.Double)]
            [FocalKernel(3.0, Precision.Single)]
            [FocalKernel(3.0, Precision.Double)]
            [FocalKernel(0.7, Precision.Single)]
            [FocalKernel(0.7, Precision.Double)]
            public static partial class FocalKernels;
            """,

        // A class nested in a static class and a record struct, in a block-scoped namespace.
        ["Nested"] = """
            using FocalAot;

            namespace Consumer
            {
                /// <summary>Outer.</summary>
                public static partial class Outer
                {
                    /// <summary>Middle.</summary>
                    public partial record struct Middle(int Value)
                    {
                        /// <summary>Kernels.</summary>
                        [FocalKernel(2.0)]
                        [FocalKernel(1.5, Precision.Double)]
                        public static partial class Kernels
                        {
                        }
                    }
                }
            }
            """,

        // The global namespace; γ whose round-trip text has an exponent (1E-05) and a γ beyond the chain limit (65).
        ["GlobalNamespace"] = """
            using FocalAot;

            /// <summary>Kernels in the global namespace.</summary>
            [FocalKernel(1.0, Precision.Double)]
            [FocalKernel(1e-5)]
            [FocalKernel(65.0, Precision.Double)]
            internal static partial class GlobalKernels
            {
            }
            """,
    };
}
