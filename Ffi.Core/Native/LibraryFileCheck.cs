using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Ffi.Native;

/// <summary>
/// What is cheap to check about a library before <c>dlopen</c> sees it, because <c>dlopen</c> itself does not:
/// a name cut short by a NUL (C sees only the prefix), a path that is not a regular file (opening a FIFO blocks
/// until a writer appears), a file that is not a shared object for this machine, and a truncated ELF — program
/// headers, segments or section headers beyond the end of the file, which glibc maps and then touches, dying of
/// SIGBUS (a C program calling dlopen on it dies the same way).
/// </summary>
/// <remarks>
/// A bare name (<c>libz.so.1</c>, no <c>/</c>) is searched for by the loader and only checked for NULs; a path is
/// checked through one descriptor opened without blocking. The file can still change between this check and
/// <c>dlopen</c>: the check is against accidents and broken files, not against an attacker who can write there.
/// </remarks>
internal static unsafe class LibraryFileCheck
{
    private const int ORdOnly = 0, ONonBlock = 0x800, OCloExec = 0x80000;
    private const uint SIfMt = 0xF000, SIfReg = 0x8000, SIfDir = 0x4000, SIfIfo = 0x1000, SIfChr = 0x2000, SIfBlk = 0x6000, SIfSock = 0xC000;
    private const int ElfHeaderSize = 64, ProgramHeaderSize = 56, SectionHeaderSize = 64;
    private const ushort EtDyn = 3, EmX86_64 = 62;
    private const uint PtLoad = 1, ShtNoBits = 8;

    /// <summary>Refuses <paramref name="library"/> when it cannot be a loadable x86-64 shared object.</summary>
    /// <exception cref="FfiBindException">What is wrong with the name or the file.</exception>
    public static void Check(string library)
    {
        if (library.Contains('\0'))
            throw Refuse(library, "the name contains a NUL character (C would see only the part before it)");
        if (!library.Contains('/')) return;
        int fd = Libc.Open(library, ORdOnly | ONonBlock | OCloExec);
        if (fd < 0) return; // missing or unreadable: dlopen says so in its own words
        try
        {
            Status(library, fd, out uint mode, out long size);
            if ((mode & SIfMt) != SIfReg)
                throw Refuse(library, $"it is not a regular file but {Kind(mode)}");
            CheckElf(library, fd, size);
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    // Elf64_Ehdr: e_ident[16], e_type@16, e_machine@18, e_phoff@32, e_shoff@40, e_phentsize@54, e_phnum@56,
    // e_shentsize@58, e_shnum@60.
    private static void CheckElf(string library, int fd, long size)
    {
        if (size < ElfHeaderSize) throw Refuse(library, $"it is not an ELF shared object ({size} bytes, shorter than an ELF header)");
        var h = Read(library, fd, 0, ElfHeaderSize);
        if (h[0] != 0x7F || h[1] != (byte)'E' || h[2] != (byte)'L' || h[3] != (byte)'F')
            throw Refuse(library, "it is not an ELF file (no \\x7fELF magic)");
        if (h[4] != 2 || h[5] != 1)
            throw Refuse(library, $"it is not an ELF for this machine: class {h[4]}, data {h[5]} (x86-64 needs ELFCLASS64 little endian)");
        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(h[16..]), machine = BinaryPrimitives.ReadUInt16LittleEndian(h[18..]);
        if (machine != EmX86_64) throw Refuse(library, $"it is an ELF for machine {machine}, not x86-64 (62)");
        if (type != EtDyn) throw Refuse(library, $"it is not a shared object (ELF type {type})");

        ulong phoff = BinaryPrimitives.ReadUInt64LittleEndian(h[32..]), shoff = BinaryPrimitives.ReadUInt64LittleEndian(h[40..]);
        ushort phentsize = BinaryPrimitives.ReadUInt16LittleEndian(h[54..]), phnum = BinaryPrimitives.ReadUInt16LittleEndian(h[56..]);
        ushort shentsize = BinaryPrimitives.ReadUInt16LittleEndian(h[58..]), shnum = BinaryPrimitives.ReadUInt16LittleEndian(h[60..]);
        if (phnum == 0 || phentsize != ProgramHeaderSize) throw Refuse(library, "its ELF header has no valid program header table");
        Within(library, "the program headers", -1, phoff, (ulong)phnum * ProgramHeaderSize, size);
        var ph = Read(library, fd, (long)phoff, phnum * ProgramHeaderSize);
        for (int i = 0; i < phnum; i++)
        {
            // Elf64_Phdr: p_type@0, p_offset@8, p_filesz@32.
            var p = ph.AsSpan(i * ProgramHeaderSize, ProgramHeaderSize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(p) != PtLoad) continue;
            Within(library, "segment", i, BinaryPrimitives.ReadUInt64LittleEndian(p[8..]), BinaryPrimitives.ReadUInt64LittleEndian(p[32..]), size);
        }
        if (shoff == 0 || shnum == 0) return; // no section headers: the loader does not need them
        if (shentsize != SectionHeaderSize) throw Refuse(library, $"its section headers have size {shentsize}, not {SectionHeaderSize}");
        Within(library, "the section headers", -1, shoff, (ulong)shnum * SectionHeaderSize, size);
        var sh = Read(library, fd, (long)shoff, shnum * SectionHeaderSize);
        for (int i = 0; i < shnum; i++)
        {
            // Elf64_Shdr: sh_type@4, sh_offset@24, sh_size@32; SHT_NOBITS (.bss) occupies no bytes of the file.
            var s = sh.AsSpan(i * SectionHeaderSize, SectionHeaderSize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(s[4..]) == ShtNoBits) continue;
            Within(library, "section", i, BinaryPrimitives.ReadUInt64LittleEndian(s[24..]), BinaryPrimitives.ReadUInt64LittleEndian(s[32..]), size);
        }
    }

    // `what` with its index (-1: none) is written into the message only when it is needed: formatting it for every
    // segment and section cost the first Open of a process its first string formatting (docs/benchmarks.md, cold start).
    private static void Within(string library, string what, int index, ulong offset, ulong length, long size)
    {
        if (offset > (ulong)size || length > (ulong)size - offset)
            throw Refuse(library, $"it is a truncated or corrupt ELF: {(index < 0 ? what : $"{what} {index}")} (bytes {offset}..{offset + length}) lie beyond the end of the {size}-byte file");
    }

    private static FfiBindException Refuse(string library, string why) =>
        new(library, null, $"cannot load library \"{Printable(library)}\": {why}");

    // A NUL or control character in a message would cut or garble it where it is printed.
    private static string Printable(string s) => string.Concat(s.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));

    private static string Kind(uint mode) => (mode & SIfMt) switch
    {
        SIfDir => "a directory",
        SIfIfo => "a FIFO",
        SIfChr => "a character device",
        SIfBlk => "a block device",
        SIfSock => "a socket",
        _ => $"a file of type 0{mode & SIfMt:o}",
    };

    private static byte[] Read(string library, int fd, long offset, int length)
    {
        var buffer = new byte[length];
        fixed (byte* b = buffer)
        {
            int done = 0;
            while (done < length)
            {
                nint n = Libc.Pread(fd, b + done, (nuint)(length - done), offset + done);
                if (n <= 0) throw Refuse(library, $"it cannot be read (pread: errno {Marshal.GetLastSystemError()})");
                done += (int)n;
            }
        }
        return buffer;
    }

    // struct stat on x86-64: st_mode (mode_t) at offset 24, st_size (off_t) at offset 48, 144 bytes in all.
    [StructLayout(LayoutKind.Explicit, Size = 144)]
    private struct StatBuffer
    {
        [FieldOffset(24)] public uint Mode;
        [FieldOffset(48)] public long Size;
    }

    // Out parameters, not a tuple: a tuple of two value types is code the JIT compiles in every process (docs/benchmarks.md, cold start).
    private static void Status(string library, int fd, out uint mode, out long size)
    {
        StatBuffer st;
        int rc = Libc.Fstat(fd, &st);
        if (rc != 0) throw Refuse(library, $"its status cannot be read (fstat: errno {Marshal.GetLastSystemError()})");
        mode = st.Mode;
        size = st.Size;
    }
}
