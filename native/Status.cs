namespace FocalAot.Native;

/// <summary>Status codes of the C ABI (focal_status in focal_aot.h). Append-only: never renumber.</summary>
internal enum Status
{
    Ok = 0,
    NullPointer = 1,
    InvalidArgument = 2,
    Unsupported = 3,
    Internal = 4,
    BufferTooSmall = 5,
    Device = 6,
}
