using System.Text;
using Ffi.Memory;
using Ffi.Spec;

namespace Ffi.Examples;

/// <summary>
/// zlib through examples/zlib.json: checksums over byte spans, a one-shot compress2/uncompress round trip with
/// in/out lengths, and a streaming deflate/inflate round trip through a <c>z_stream</c> in engine memory.
/// </summary>
public static class ZlibExample
{
    /// <summary>The <c>z_status</c> enum of the spec: the Z_* result codes of zlib.h.</summary>
    private enum ZStatus
    {
        VersionError = -6,
        BufError = -5,
        MemError = -4,
        DataError = -3,
        StreamError = -2,
        Errno = -1,
        Ok = 0,
        StreamEnd = 1,
        NeedDict = 2,
    }

    /// <summary>The <c>z_flush</c> enum of the spec (the flush values this example uses).</summary>
    private enum ZFlush
    {
        NoFlush = 0,
        Finish = 4,
    }

    // uLong crc32(uLong crc, const Bytef *buf, uInt len), and adler32: the bytes as a span, pinned for the call.
    private delegate ulong Checksum(ulong seed, ReadOnlySpan<byte> data, uint length);

    // int compress2(Bytef *dest, uLongf *destLen, const Bytef *source, uLong sourceLen, int level): *destLen is in and out.
    private delegate ZStatus Compress(Span<byte> destination, Span<ulong> destinationLength, ReadOnlySpan<byte> source, ulong sourceLength, int level);

    // int uncompress(Bytef *dest, uLongf *destLen, const Bytef *source, uLong sourceLen)
    private delegate ZStatus Uncompress(Span<byte> destination, Span<ulong> destinationLength, ReadOnlySpan<byte> source, ulong sourceLength);

    // Output space per deflate/inflate call, and input per call: small, so that the loops of the streaming API run.
    private const int OutputChunk = 256;
    private const int InputChunk = 1024;

    private const string Paragraph =
        "A foreign function interface reads what a C header promises and keeps that promise at run time: it lays " +
        "out each struct exactly as the compiler does, passes every argument in the register or stack slot the " +
        "calling convention names, and turns managed delegates into function pointers that C can call back. ";

    /// <summary>Runs the example with examples/zlib.json, copied next to the program.</summary>
    /// <returns>0 when every step gave the expected result, 1 otherwise.</returns>
    public static int Main() => Run(Console.Out, Path.Combine(AppContext.BaseDirectory, "zlib.json"));

    /// <summary>Runs every step of the example, writing what happens to <paramref name="output"/>.</summary>
    /// <param name="output">Where the report goes.</param>
    /// <param name="specPath">The path of examples/zlib.json.</param>
    /// <returns>0 when every step gave the expected result, 1 otherwise.</returns>
    public static int Run(TextWriter output, string specPath)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var zlib = NativeModule.Open(FfiSpec.Load(specPath));
        var version = zlib.GetFunction<Func<string>>("zlibVersion")();
        Say(output, $"zlib example: {zlib.Library}, zlib {version}");
        byte[] text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(Paragraph, 24)));
        bool ok = Checksums(zlib, output, text);
        ok &= CompressInOneCall(zlib, output, text);
        ok &= CompressAsAStream(zlib, output, text, version);
        Say(output, $"{(ok ? "all steps passed" : "SOME STEPS FAILED")}");
        return ok ? 0 : 1;
    }

    private static bool Checksums(NativeModule zlib, TextWriter output, byte[] text)
    {
        Say(output, $"");
        Say(output, $"1. Checksums over byte spans");
        var crc32 = zlib.GetFunction<Checksum>("crc32");
        var adler32 = zlib.GetFunction<Checksum>("adler32");
        var fox = "The quick brown fox jumps over the lazy dog"u8;
        ulong foxCrc = crc32(0, fox, (uint)fox.Length);
        Say(output, $"   crc32(\"The quick brown fox...\") = 0x{foxCrc:x8}, adler32 = 0x{adler32(1, fox, (uint)fox.Length):x8}");

        // Checksums run: feeding the text in two parts gives the checksum of the whole.
        ulong whole = crc32(0, text, (uint)text.Length);
        int half = text.Length / 2;
        ulong parts = crc32(crc32(0, text.AsSpan(0, half), (uint)half), text.AsSpan(half), (uint)(text.Length - half));
        Say(output, $"   crc32 of the {text.Length}-byte text = 0x{whole:x8}; in two parts = 0x{parts:x8}");

        // The same call through the dynamic API: an array for a Bytef* is pinned for the call.
        var dynamic = (ulong)zlib.Invoke("crc32", 0UL, text, (uint)text.Length)!;
        Say(output, $"   through the dynamic API: 0x{dynamic:x8}");
        return foxCrc == 0x414FA339 && parts == whole && dynamic == whole;
    }

    private static bool CompressInOneCall(NativeModule zlib, TextWriter output, byte[] text)
    {
        Say(output, $"");
        Say(output, $"2. One call each: compress2 and uncompress, with in/out lengths (uLongf *)");
        var compressBound = zlib.GetFunction<Func<ulong, ulong>>("compressBound");
        var compress = zlib.GetFunction<Compress>("compress2");
        var uncompress = zlib.GetFunction<Uncompress>("uncompress");

        ulong bound = compressBound((ulong)text.Length);
        var packed = new byte[bound];
        ulong packedLength = bound;
        var status = compress(packed, new Span<ulong>(ref packedLength), text, (ulong)text.Length, 9);
        Say(output, $"   compressBound({text.Length}) = {bound}; compress2 level 9: {status}, {text.Length} -> {packedLength} bytes, ratio {(double)packedLength / text.Length:F3}");

        var back = new byte[text.Length];
        ulong backLength = (ulong)back.Length;
        var status2 = uncompress(back, new Span<ulong>(ref backLength), packed.AsSpan(0, (int)packedLength), packedLength);
        bool same = back.AsSpan(0, (int)backLength).SequenceEqual(text);
        Say(output, $"   uncompress: {status2}, {packedLength} -> {backLength} bytes, identical to the original: {same}");

        var small = new byte[100];
        ulong smallLength = (ulong)small.Length;
        var tooSmall = uncompress(small, new Span<ulong>(ref smallLength), packed.AsSpan(0, (int)packedLength), packedLength);
        Say(output, $"   uncompress into 100 bytes: {tooSmall} (Z_BUF_ERROR: the output does not fit)");
        return status == ZStatus.Ok && status2 == ZStatus.Ok && same && packedLength < (ulong)text.Length && tooSmall == ZStatus.BufError;
    }

    private static bool CompressAsAStream(NativeModule zlib, TextWriter output, byte[] text, string version)
    {
        Say(output, $"");
        Say(output, $"3. Streaming: deflate and inflate through a z_stream in engine memory");
        var mem = zlib.Memory;
        int streamSize = (int)mem.SizeOf("z_stream");
        Say(output, $"   z_stream: {streamSize} bytes; avail_out at offset {mem.OffsetOf("z_stream", "avail_out")}, adler at {mem.OffsetOf("z_stream", "adler")}");

        using var arena = mem.CreateArena();
        var input = arena.Malloc(text.Length);
        mem.Copy(input, text, text.Length);
        var chunk = arena.Malloc(OutputChunk);

        var deflateInit = zlib.GetFunction<Func<NativePointer, int, string, int, ZStatus>>("deflateInit_");
        var deflate = zlib.GetFunction<Func<NativePointer, ZFlush, ZStatus>>("deflate");
        var deflateEnd = zlib.GetFunction<Func<NativePointer, ZStatus>>("deflateEnd");
        var packed = new MemoryStream();
        var stream = arena.Box("z_stream");     // zeroed: zalloc, zfree and opaque NULL select malloc and free
        var status = deflateInit(stream, 9, version, streamSize);
        if (status != ZStatus.Ok) return Failed(output, $"deflateInit_: {status}");
        int deflateCalls = 0;
        try
        {
            // zlib's zpipe.c loop: give input a slice at a time; call deflate until it leaves output space unused.
            for (int offset = 0; offset < text.Length; offset += InputChunk)
            {
                int length = Math.Min(InputChunk, text.Length - offset);
                var flush = offset + length == text.Length ? ZFlush.Finish : ZFlush.NoFlush;
                mem.Set(stream, "next_in", input.Offset(offset, null));
                mem.Set(stream, "avail_in", length);
                do
                {
                    mem.Set(stream, "next_out", chunk);
                    mem.Set(stream, "avail_out", OutputChunk);
                    status = deflate(stream, flush);
                    deflateCalls++;
                    packed.Write(mem.AsSpan<byte>(chunk, OutputChunk - (int)(uint)mem.Get(stream, "avail_out")!));
                }
                while ((uint)mem.Get(stream, "avail_out")! == 0);
            }
            Say(output, $"   deflate: {deflateCalls} calls, {status}; total_in {mem.Get(stream, "total_in")}, total_out {mem.Get(stream, "total_out")}, adler 0x{mem.Get(stream, "adler"):x8}");
        }
        finally
        {
            deflateEnd(stream);
        }
        bool ok = status == ZStatus.StreamEnd && (ulong)mem.Get(stream, "total_out")! == (ulong)packed.Length;
        var adler = zlib.GetFunction<Checksum>("adler32")(1, text, (uint)text.Length);
        ok &= (ulong)mem.Get(stream, "adler")! == adler;
        Say(output, $"   the stream's adler field is adler32() of the input: {(ulong)mem.Get(stream, "adler")! == adler}");

        var unpacked = Inflate(zlib, output, packed.ToArray(), version, chunk);
        bool same = unpacked.AsSpan().SequenceEqual(text);
        Say(output, $"   round trip: {text.Length} -> {packed.Length} -> {unpacked.Length} bytes, identical: {same}");
        return ok && same;
    }

    private static byte[] Inflate(NativeModule zlib, TextWriter output, byte[] packed, string version, NativePointer chunk)
    {
        var mem = zlib.Memory;
        var inflateInit = zlib.GetFunction<Func<NativePointer, string, int, ZStatus>>("inflateInit_");
        var inflate = zlib.GetFunction<Func<NativePointer, ZFlush, ZStatus>>("inflate");
        var inflateEnd = zlib.GetFunction<Func<NativePointer, ZStatus>>("inflateEnd");
        using var arena = mem.CreateArena();
        var input = arena.Malloc(packed.Length);
        mem.Copy(input, packed, packed.Length);
        var stream = arena.Box("z_stream", new { next_in = input, avail_in = (uint)packed.Length });
        var status = inflateInit(stream, version, (int)mem.SizeOf("z_stream"));
        if (status != ZStatus.Ok) throw new InvalidOperationException($"inflateInit_: {status}");
        var unpacked = new MemoryStream();
        int calls = 0;
        try
        {
            do
            {
                mem.Set(stream, "next_out", chunk);
                mem.Set(stream, "avail_out", OutputChunk);
                status = inflate(stream, ZFlush.NoFlush);
                calls++;
                unpacked.Write(mem.AsSpan<byte>(chunk, OutputChunk - (int)(uint)mem.Get(stream, "avail_out")!));
            }
            while (status == ZStatus.Ok);
        }
        finally
        {
            inflateEnd(stream);
        }
        Say(output, $"   inflate: {calls} calls, {status}; total_in {mem.Get(stream, "total_in")}, total_out {mem.Get(stream, "total_out")}");
        return status == ZStatus.StreamEnd ? unpacked.ToArray() : [];
    }

    private static bool Failed(TextWriter output, string what)
    {
        Say(output, $"   FAILED: {what}");
        return false;
    }

    private static void Say(TextWriter output, FormattableString line) => output.WriteLine(FormattableString.Invariant(line));
}
