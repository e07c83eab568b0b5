namespace FocalAot;

/// <summary>The SIMD width the kernels run at. Every path gives bit-identical results.</summary>
public enum SimdPath
{
    /// <summary>One element at a time.</summary>
    Scalar = 0,

    /// <summary>128-bit vectors (SSE on x64, NEON on arm64).</summary>
    Vector128 = 1,

    /// <summary>256-bit vectors (AVX2 + FMA on x64).</summary>
    Vector256 = 2,

    /// <summary>512-bit vectors (AVX-512 on x64).</summary>
    Vector512 = 3,
}
