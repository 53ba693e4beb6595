namespace Ffi.Abi;

/// <summary>The System V x86-64 classes of an eightbyte (psABI §3.2.3), as far as C without long double and vectors needs them.</summary>
public enum EightbyteClass
{
    /// <summary>Padding only: takes no register.</summary>
    NoClass,
    /// <summary>General-purpose registers (rdi, rsi, rdx, rcx, r8, r9; rax/rdx for returns).</summary>
    Integer,
    /// <summary>Vector registers (xmm0–xmm7; xmm0/xmm1 for returns).</summary>
    Sse,
    /// <summary>Passed on the stack; returned through a hidden pointer.</summary>
    Memory,
}
