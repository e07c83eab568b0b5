using System.Runtime.CompilerServices;

// Kernels stackalloc block buffers on every call and write them before reading.
[module: SkipLocalsInit]
