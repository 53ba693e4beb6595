using System.Text;
using NUnit.Framework;
using Ffi.Spec;
using Ffi.Types;

namespace Ffi.Tests.Spec;

/// <summary>The spec reader: every type, function and variable error with its exact message.</summary>
public sealed partial class SpecReaderTests
{
    // ------------------------------------------------------------------------------------------
    // Type errors (the value of "types")
    // ------------------------------------------------------------------------------------------

    // names, JSON shape
    [TestCase("{'a':'int','a':'long'}", "types.a: duplicate type name 'a'")]
    [TestCase("{'':'int'}", "types['']: a type name must not be empty")]
    [TestCase("{'t':''}", "types.t: a type name must not be empty")]
    [TestCase("{'t':3}", "types.t: must be a type object, or a string naming the aliased type, not a number (3)")]
    [TestCase("{'t':null}", "types.t: must be a type object, or a string naming the aliased type, not null")]
    [TestCase("{'t':['int']}", "types.t: must be a type object, or a string naming the aliased type, not an array")]
    [TestCase("{'t':{'bits':8}}", "types.t: missing required key 'kind' (a string)")]
    [TestCase("{'t':{'kind':1}}", "types.t.kind: must be a string, not a number (1)")]
    [TestCase("{'t':{'kind':'integer'}}", "types.t.kind: unknown kind 'integer' (expected void, int, float, pointer, array, struct, union, enum, funcptr, alias or handle)")]
    [TestCase("{'t':{'kind':'Int','bits':8,'signed':true}}", "types.t.kind: unknown kind 'Int' (expected void, int, float, pointer, array, struct, union, enum, funcptr, alias or handle)")]
    [TestCase("{'t':{'kind':'int','kind':'float'}}", "types.t.kind: duplicate key 'kind'")]
    [TestCase("{'t':{'kind':'void','name':3}}", "types.t.name: must be a string, not a number (3)")]
    [TestCase("{'t':{'kind':'void','doc':false}}", "types.t.doc: must be a string, not a boolean (false)")]
    [TestCase("{'my type':{'kind':'struct','fields':[{'name':'x','type':'nope'}]}}", "types['my type'].fields[0].type: unknown type 'nope'")]
    [TestCase("{'2d':'nope'}", "types['2d']: unknown type 'nope'")]
    [TestCase("{'a-b':{'kind':'pointer','to':'nope'}}", "types['a-b'].to: unknown type 'nope'")]
    [TestCase("{'_ok9':{'kind':'pointer','to':'nope'}}", "types._ok9.to: unknown type 'nope'")]
    // int, float
    [TestCase("{'t':{'kind':'int','signed':true}}", "types.t: missing required key 'bits' (the width in bits)")]
    [TestCase("{'t':{'kind':'int','bits':12,'signed':true}}", "types.t.bits: must be 8, 16, 32 or 64, not a number (12)")]
    [TestCase("{'t':{'kind':'int','bits':128,'signed':true}}", "types.t.bits: must be 8, 16, 32 or 64, not a number (128)")]
    [TestCase("{'t':{'kind':'int','bits':0,'signed':true}}", "types.t.bits: must be 8, 16, 32 or 64, not a number (0)")]
    [TestCase("{'t':{'kind':'int','bits':8.5,'signed':true}}", "types.t.bits: must be 8, 16, 32 or 64, not a number (8.5)")]
    [TestCase("{'t':{'kind':'int','bits':'8','signed':true}}", "types.t.bits: must be 8, 16, 32 or 64, not a string ('8')")]
    [TestCase("{'t':{'kind':'int','bits':8}}", "types.t: missing required key 'signed' (true or false)")]
    [TestCase("{'t':{'kind':'int','bits':8,'signed':'yes'}}", "types.t.signed: must be true or false, not a string ('yes')")]
    [TestCase("{'t':{'kind':'int','bits':8,'signed':1}}", "types.t.signed: must be true or false, not a number (1)")]
    [TestCase("{'t':{'kind':'int','bits':8,'signed':null}}", "types.t.signed: must be true or false, not null")]
    [TestCase("{'t':{'kind':'float'}}", "types.t: missing required key 'bits' (the width in bits)")]
    [TestCase("{'t':{'kind':'float','bits':16}}", "types.t.bits: must be 32 or 64, not a number (16)")]
    [TestCase("{'t':{'kind':'float','bits':80}}", "types.t.bits: must be 32 or 64, not a number (80)")]
    [TestCase("{'t':{'kind':'float','bits':null}}", "types.t.bits: must be 32 or 64, not null")]
    // pointer
    [TestCase("{'p':{'kind':'pointer'}}", "types.p: missing required key 'to' (the pointee type)")]
    [TestCase("{'p':{'kind':'pointer','to':3}}", "types.p.to: a type must be a type name (string) or a type object, not a number (3)")]
    [TestCase("{'p':{'kind':'pointer','to':''}}", "types.p.to: a type name must not be empty")]
    [TestCase("{'p':{'kind':'pointer','to':'int','tag':7}}", "types.p.tag: must be a string, not a number (7)")]
    // array
    [TestCase("{'a':{'kind':'array','len':3}}", "types.a: missing required key 'of' (the element type)")]
    [TestCase("{'a':{'kind':'array','of':'int','len':-1}}", "types.a.len: must be an integer from 0 to 576460752303423488, not -1")]
    [TestCase("{'a':{'kind':'array','of':'int','len':2.5}}", "types.a.len: must be an integer from 0 to 576460752303423488, not a number (2.5)")]
    [TestCase("{'a':{'kind':'array','of':'int','len':'4'}}", "types.a.len: must be an integer from 0 to 576460752303423488, not a string ('4')")]
    [TestCase("{'a':{'kind':'array','of':'int','len':1e400}}", "types.a.len: must be an integer from 0 to 576460752303423488, not a number (1e400)")]
    [TestCase("{'a':{'kind':'array','of':'int','len':99999999999999999999}}", "types.a.len: must be an integer from 0 to 576460752303423488, not a number (99999999999999999999)")]
    [TestCase("{'a':{'kind':'array','of':'int','len':576460752303423489}}", "types.a.len: must be an integer from 0 to 576460752303423488, not 576460752303423489")]
    [TestCase("{'a':{'kind':'array','of':'int','len':144115188075855873}}", "types.a: the array is larger than 576460752303423488 bytes")]
    // struct and union
    [TestCase("{'s':{'kind':'struct'}}", "types.s: missing required key 'fields' (an array)")]
    [TestCase("{'s':{'kind':'union','fields':{}}}", "types.s.fields: must be an array, not an object")]
    [TestCase("{'s':{'kind':'struct','fields':['int']}}", "types.s.fields[0]: a field must be a JSON object, not a string ('int')")]
    [TestCase("{'s':{'kind':'struct','fields':[{'type':'int'}]}}", "types.s.fields[0]: missing required key 'name' (a string)")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':1,'type':'int'}]}}", "types.s.fields[0].name: must be a string, not a number (1)")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x'}]}}", "types.s.fields[0]: missing required key 'type' (the field^s type)")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':null}]}}", "types.s.fields[0].type: a type must be a type name (string) or a type object, not null")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':'int','name':'y'}]}}", "types.s.fields[0].name: duplicate key 'name'")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'a','type':'int'},{'name':'b','type':'int'},{'name':'a','type':'long'}]}}", "types.s.fields[2].name: duplicate field name 'a' (also fields[0])")]
    [TestCase("{'s':{'kind':'union','fields':[{'name':'a','type':'int'},{'name':'a','type':'int'}]}}", "types.s.fields[1].name: duplicate field name 'a' (also fields[0])")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'a','type':'int','bits':65}]}}", "types.s.fields[0].bits: must be an integer from 0 to 64, not 65")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'a','type':'int','bits':-1}]}}", "types.s.fields[0].bits: must be an integer from 0 to 64, not -1")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'a','type':'int','bits':'3'}]}}", "types.s.fields[0].bits: must be an integer from 0 to 64, not a string ('3')")]
    [TestCase("{'s':{'kind':'struct','fields':[],'packed':'yes'}}", "types.s.packed: must be true or false, not a string ('yes')")]
    [TestCase("{'s':{'kind':'struct','fields':[],'align':3}}", "types.s.align: must be a power of two, not 3")]
    [TestCase("{'s':{'kind':'union','fields':[],'align':24}}", "types.s.align: must be a power of two, not 24")]
    [TestCase("{'s':{'kind':'struct','fields':[],'align':0}}", "types.s.align: must be an integer from 1 to 268435456, not 0")]
    [TestCase("{'s':{'kind':'struct','fields':[],'align':-8}}", "types.s.align: must be an integer from 1 to 268435456, not -8")]
    [TestCase("{'s':{'kind':'struct','fields':[],'align':536870912}}", "types.s.align: must be an integer from 1 to 268435456, not 536870912")]
    [TestCase("{'s':{'kind':'struct','fields':[],'align':8.0}}", "types.s.align: must be an integer from 1 to 268435456, not a number (8.0)")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'a','type':{'kind':'array','of':'int','len':144115188075855872}},{'name':'b','type':'char'}]}}", "types.s: the struct is larger than 576460752303423488 bytes")]
    // enum
    [TestCase("{'e':{'kind':'enum','values':{}}}", "types.e: missing required key 'base' (the name of an integer type)")]
    [TestCase("{'e':{'kind':'enum','base':{'kind':'int','bits':8,'signed':true}}}", "types.e.base: must be the name of an integer type, not an object")]
    [TestCase("{'e':{'kind':'enum','base':''}}", "types.e.base: a type name must not be empty")]
    [TestCase("{'e':{'kind':'enum','base':'integer'}}", "types.e.base: unknown type 'integer'")]
    [TestCase("{'e':{'kind':'enum','base':'double'}}", "types.e.base: an enum base must be an integer type, not double")]
    [TestCase("{'e':{'kind':'enum','base':'pointer'}}", "types.e.base: an enum base must be an integer type, not pointer")]
    [TestCase("{'e0':{'kind':'enum','base':'int'},'e':{'kind':'enum','base':'e0'}}", "types.e.base: an enum base must be an integer type, not e0")]
    [TestCase("{'h':{'kind':'handle','tag':'h','rep':'int'},'e':{'kind':'enum','base':'h'}}", "types.e.base: an enum base must be an integer type, not h")]
    [TestCase("{'e':{'kind':'enum','base':'int','values':[]}}", "types.e.values: enum values must be a JSON object, not an array")]
    [TestCase("{'e':{'kind':'enum','base':'int','values':{'A':1,'A':2}}}", "types.e.values.A: duplicate enum constant 'A'")]
    [TestCase("{'e':{'kind':'enum','base':'int','values':{'A':1.5}}}", "types.e.values.A: must be an integer from -9223372036854775808 to 9223372036854775807, not a number (1.5)")]
    [TestCase("{'e':{'kind':'enum','base':'int','values':{'my-a':'1'}}}", "types.e.values['my-a']: must be an integer from -9223372036854775808 to 9223372036854775807, not a string ('1')")]
    [TestCase("{'e':{'kind':'enum','base':'uint8','values':{'A':255,'B':256}}}", "types.e.values.B: value 256 does not fit the enum^s base uint8")]
    [TestCase("{'e':{'kind':'enum','base':'int8','values':{'A':-128,'B':-129}}}", "types.e.values.B: value -129 does not fit the enum^s base int8")]
    [TestCase("{'e':{'kind':'enum','base':'int8','values':{'A':128}}}", "types.e.values.A: value 128 does not fit the enum^s base int8")]
    [TestCase("{'e':{'kind':'enum','base':'uint32','values':{'A':-1}}}", "types.e.values.A: value -1 does not fit the enum^s base uint32")]
    [TestCase("{'e':{'kind':'enum','base':'int32','values':{'A':2147483648}}}", "types.e.values.A: value 2147483648 does not fit the enum^s base int32")]
    [TestCase("{'e':{'kind':'enum','base':'bool','values':{'F':0,'T':1,'X':2}}}", "types.e.values.X: value 2 does not fit the enum^s base bool")]
    [TestCase("{'e':{'kind':'enum','base':'u8','values':{'A':256}},'u8':'uint8'}", "types.e.values.A: value 256 does not fit the enum^s base uint8")]
    // funcptr
    [TestCase("{'f':{'kind':'funcptr','params':[]}}", "types.f: missing required key 'ret' (the return type)")]
    [TestCase("{'f':{'kind':'funcptr','ret':'int'}}", "types.f: missing required key 'params' (an array)")]
    [TestCase("{'f':{'kind':'funcptr','ret':'int','params':'int'}}", "types.f.params: must be an array, not a string ('int')")]
    [TestCase("{'f':{'kind':'funcptr','ret':'int','params':[1]}}", "types.f.params[0]: a type must be a type name (string) or a type object, not a number (1)")]
    [TestCase("{'f':{'kind':'funcptr','ret':'int','params':[],'variadic':'no'}}", "types.f.variadic: must be true or false, not a string ('no')")]
    [TestCase("{'f':{'kind':'funcptr','ret':{'kind':'array','of':'int','len':2},'params':[]}}", "types.f.ret: a C function cannot return an array; return a pointer or a struct")]
    [TestCase("{'f':{'kind':'funcptr','ret':'int','params':['int','void']}}", "types.f.params[1]: void is not a parameter type (a function without parameters has 'params': [])")]
    [TestCase("{'f':{'kind':'funcptr','ret':'int','params':[{'kind':'array','of':'int'}]}}", "types.f.params[0]: a flexible array (int[]) has no size and cannot be passed by value; give it a 'len' or use a pointer")]
    // alias
    [TestCase("{'a':{'kind':'alias'}}", "types.a: missing required key 'to' (the name of the aliased type)")]
    [TestCase("{'a':{'kind':'alias','to':{'kind':'void'}}}", "types.a.to: must be the name of the aliased type, not an object")]
    [TestCase("{'a':{'kind':'alias','to':''}}", "types.a.to: a type name must not be empty")]
    [TestCase("{'a':'nope'}", "types.a: unknown type 'nope'")]
    [TestCase("{'a':{'kind':'alias','to':'nope'}}", "types.a.to: unknown type 'nope'")]
    [TestCase("{'a':'b','b':'c','c':'nope'}", "types.c: unknown type 'nope'")]
    [TestCase("{'a':'a'}", "types.a: alias cycle: a -> a")]
    [TestCase("{'a':{'kind':'alias','to':'a'}}", "types.a.to: alias cycle: a -> a")]
    // The cycle is reported where it closes: at the reference back to the first name on the chain.
    [TestCase("{'a':'b','b':'a'}", "types.b: alias cycle: a -> b -> a")]
    [TestCase("{'x':'int','a':{'kind':'alias','to':'b'},'b':{'kind':'alias','to':'c'},'c':{'kind':'alias','to':'a'}}", "types.c.to: alias cycle: a -> b -> c -> a")]
    [TestCase("{'a':'b','b':'c','c':'b'}", "types.c: alias cycle: b -> c -> b")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':'a'}]},'a':'b','b':'a'}", "types.b: alias cycle: a -> b -> a")]
    // handle
    [TestCase("{'h':{'kind':'handle','rep':'pointer'}}", "types.h: missing required key 'tag' (a string)")]
    [TestCase("{'h':{'kind':'handle','tag':'','rep':'pointer'}}", "types.h.tag: a handle tag must not be empty")]
    [TestCase("{'h':{'kind':'handle','tag':1,'rep':'pointer'}}", "types.h.tag: must be a string, not a number (1)")]
    [TestCase("{'h':{'kind':'handle','tag':'t'}}", "types.h: missing required key 'rep' (the representation type)")]
    [TestCase("{'pt':{'kind':'struct','fields':[]},'h':{'kind':'handle','tag':'t','rep':'pt'}}", "types.h.rep: a handle^s rep must be an integer, enum, pointer, funcptr or handle, not pt")]
    [TestCase("{'h':{'kind':'handle','tag':'t','rep':{'kind':'union','fields':[]}}}", "types.h.rep: a handle^s rep must be an integer, enum, pointer, funcptr or handle, not union {…}")]
    [TestCase("{'h':{'kind':'handle','tag':'t','rep':{'kind':'array','of':'int','len':2}}}", "types.h.rep: a handle^s rep must be an integer, enum, pointer, funcptr or handle, not int[2]")]
    [TestCase("{'h':{'kind':'handle','tag':'t','rep':'double'}}", "types.h.rep: a handle^s rep must be an integer, enum, pointer, funcptr or handle, not double")]
    [TestCase("{'h':{'kind':'handle','tag':'t','rep':'void'}}", "types.h.rep: a handle^s rep must be an integer, enum, pointer, funcptr or handle, not void")]
    // unknown type references, everywhere a type can be named
    [TestCase("{'point':{'kind':'struct','fields':[{'name':'x','type':'float'},{'name':'y','type':'flaot'}]}}", "types.point.fields[1].type: unknown type 'flaot' (did you mean 'float'?)")]
    [TestCase("{'p':{'kind':'pointer','to':'nope'}}", "types.p.to: unknown type 'nope'")]
    [TestCase("{'a':{'kind':'array','of':'nope','len':2}}", "types.a.of: unknown type 'nope'")]
    [TestCase("{'f':{'kind':'funcptr','ret':'nope','params':[]}}", "types.f.ret: unknown type 'nope'")]
    [TestCase("{'f':{'kind':'funcptr','ret':'int','params':['int','nope']}}", "types.f.params[1]: unknown type 'nope'")]
    [TestCase("{'h':{'kind':'handle','tag':'t','rep':'nope'}}", "types.h.rep: unknown type 'nope'")]
    [TestCase("{'u':{'kind':'union','fields':[{'name':'x','type':'nope'}]}}", "types.u.fields[0].type: unknown type 'nope'")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':{'kind':'pointer','to':{'kind':'array','of':'nope'}}}]}}", "types.s.fields[0].type.to.of: unknown type 'nope'")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':{'kind':'funcptr','ret':'int','params':[{'kind':'handle','tag':'t','rep':'nope'}]}}]}}", "types.s.fields[0].type.params[0].rep: unknown type 'nope'")]
    [TestCase("{'int32':'Int32'}", "types.int32: unknown type 'Int32' (did you mean 'int32', 'uint32' or 'int'?)")]
    // aggregates containing themselves by value
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':'s'}]}}", "types.s.fields[0].type: cyclic aggregate reference: s -> s (a type cannot contain itself by value; use a pointer)")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':{'kind':'array','of':'s','len':2}}]}}", "types.s.fields[0].type.of: cyclic aggregate reference: s -> s (a type cannot contain itself by value; use a pointer)")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':'arr'}]},'arr':{'kind':'array','of':'s','len':0}}", "types.arr.of: cyclic aggregate reference: s -> arr -> s (a type cannot contain itself by value; use a pointer)")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'u','type':'u'}]},'u':{'kind':'union','fields':[{'name':'s','type':'s'}]}}", "types.u.fields[0].type: cyclic aggregate reference: s -> u -> s (a type cannot contain itself by value; use a pointer)")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':'sa'}]},'sa':'s'}", "types.sa: cyclic aggregate reference: s -> sa -> s (a type cannot contain itself by value; use a pointer)")]
    [TestCase("{'sa':{'kind':'alias','to':'s'},'s':{'kind':'struct','fields':[{'name':'x','type':'sa'}]}}", "types.s.fields[0].type: cyclic aggregate reference: sa -> s -> sa (a type cannot contain itself by value; use a pointer)")]
    [TestCase("{'a':{'kind':'struct','fields':[{'name':'b','type':'b'}]},'b':{'kind':'struct','fields':[{'name':'a','type':'a'}]}}", "types.b.fields[0].type: cyclic aggregate reference: a -> b -> a (a type cannot contain itself by value; use a pointer)")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'in','type':{'kind':'struct','fields':[{'name':'x','type':'s'}]}}]}}", "types.s.fields[0].type.fields[0].type: cyclic aggregate reference: s -> s (a type cannot contain itself by value; use a pointer)")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'h','type':{'kind':'handle','tag':'t','rep':'s'}}]}}", "types.s.fields[0].type.rep: cyclic aggregate reference: s -> s (a type cannot contain itself by value; use a pointer)")]
    // void, flexible arrays
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':'void'}]}}", "types.s.fields[0].type: void is only valid as a return type or a pointee, not as a struct field")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':{'kind':'void'}}]}}", "types.s.fields[0].type: void is only valid as a return type or a pointee, not as a struct field")]
    [TestCase("{'v':'__void__','s':{'kind':'struct','fields':[{'name':'x','type':'v'}]}}", "types.s.fields[0].type: void is only valid as a return type or a pointee, not as a struct field")]
    [TestCase("{'u':{'kind':'union','fields':[{'name':'x','type':'void'}]}}", "types.u.fields[0].type: void is only valid as a return type or a pointee, not as a union field")]
    [TestCase("{'a':{'kind':'array','of':'void','len':4}}", "types.a.of: void is only valid as a return type or a pointee, not as an array element")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'d','type':{'kind':'array','of':'int'}},{'name':'n','type':'int'}]}}", "types.s.fields[0].type: a flexible array must be the last field of a struct")]
    [TestCase("{'u':{'kind':'union','fields':[{'name':'d','type':{'kind':'array','of':'int'}}]}}", "types.u.fields[0].type: a union member cannot be a flexible array")]
    [TestCase("{'a':{'kind':'array','of':{'kind':'array','of':'int'},'len':2}}", "types.a.of: a flexible array (int[]) has no size and cannot be an array element; give it a 'len' or use a pointer")]
    [TestCase("{'fa':{'kind':'array','of':'int'},'a':{'kind':'array','of':'fa','len':2}}", "types.a.of: a flexible array (fa) has no size and cannot be an array element; give it a 'len' or use a pointer")]
    [TestCase("{'h':{'kind':'handle','tag':'t','rep':{'kind':'array','of':'int'}}}", "types.h.rep: a handle^s rep must be an integer, enum, pointer, funcptr or handle, not int[]")]
    // bitfields
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':'double','bits':3}]}}", "types.s.fields[0].type: a bitfield must have an integer or enum type, not double")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':'pointer','bits':3}]}}", "types.s.fields[0].type: a bitfield must have an integer or enum type, not pointer")]
    [TestCase("{'h':{'kind':'handle','tag':'t','rep':'int'},'s':{'kind':'struct','fields':[{'name':'x','type':'h','bits':3}]}}", "types.s.fields[0].type: a bitfield must have an integer or enum type, not h")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':{'kind':'array','of':'int','len':1},'bits':3}]}}", "types.s.fields[0].type: a bitfield must have an integer or enum type, not int[1]")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':'uint8','bits':9}]}}", "types.s.fields[0].bits: bitfield width 9 exceeds the 8 bits of uint8")]
    [TestCase("{'s':{'kind':'union','fields':[{'name':'x','type':'int','bits':33}]}}", "types.s.fields[0].bits: bitfield width 33 exceeds the 32 bits of int")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':'long','bits':64},{'name':'y','type':'short','bits':17}]}}", "types.s.fields[1].bits: bitfield width 17 exceeds the 16 bits of short")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':{'kind':'pointer','to':'int'},'bits':3}]}}", "types.s.fields[0].type: a bitfield must have an integer or enum type, not an inline pointer")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'a','type':'int'},{'name':'x','type':{'kind':'array','of':'int'},'bits':3}]}}", "types.s.fields[1].type: a bitfield must have an integer or enum type, not int[]")]
    [TestCase("{'e':{'kind':'enum','base':'e'}}", "types.e.base: cyclic type reference: e -> e (an enum base or handle rep cannot refer back to the type itself)")]
    [TestCase("{'\u00fcber':{'kind':'strukt'}}", "types[\"\u00fcber\"].kind: unknown kind \"strukt\" (expected void, int, float, pointer, array, struct, union, enum, funcptr, alias or handle)")]
    [TestCase("{'s':{'kind':'struct','fields':[{'name':'x','type':'bool','bits':2}]}}", "types.s.fields[0].bits: bitfield width 2 exceeds the 1 bit of bool")]
    [TestCase("{'e':{'kind':'enum','base':'uint16'},'s':{'kind':'struct','fields':[{'name':'x','type':'e','bits':17}]}}", "types.s.fields[0].bits: bitfield width 17 exceeds the 16 bits of e")]
    public void TypeErrors(string types, string expected) => AssertFails(Doc($"'types':{types}"), Q(expected));

    [Test]
    public void ValidBitfieldEdges()
    {
        var spec = ParseTypes("""
            { 'e': { 'kind': 'enum', 'base': 'uint16', 'values': { 'A': 1 } }, 'b': 'bool',
              's': { 'kind': 'struct', 'fields': [
                { 'name': 'flag', 'type': 'b', 'bits': 1 }, { 'name': 'e', 'type': 'e', 'bits': 16 },
                { 'name': 'all', 'type': 'uint64', 'bits': 64 }, { 'name': '', 'type': 'bool', 'bits': 0 } ] } }
            """);
        var s = Declared<StructType>(spec, "s");
        Assert.That(s.Fields.Select(f => f.BitWidth), Is.EqualTo(new int?[] { 1, 16, 64, 0 }));
    }

    [Test]
    public void LargestArrayIsAccepted()
    {
        var spec = ParseTypes("{'a':{'kind':'array','of':'int','len':144115188075855872},'b':{'kind':'array','of':'uint8','len':576460752303423488}}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(spec.Types["a"].Size, Is.EqualTo(576460752303423488L));
            Assert.That(spec.Types["b"].Size, Is.EqualTo(576460752303423488L));
        }
    }

    // ------------------------------------------------------------------------------------------
    // Function and variable errors
    // ------------------------------------------------------------------------------------------

    [TestCase("[1]", "functions[0]: a function must be a JSON object, not a number (1)")]
    [TestCase("[{'ret':'int','params':[]}]", "functions[0]: missing required key 'name' (a string)")]
    [TestCase("[{'name':3,'ret':'int','params':[]}]", "functions[0].name: must be a string, not a number (3)")]
    [TestCase("[{'name':'','ret':'int','params':[]}]", "functions[0].name: a symbol name must not be empty")]
    [TestCase("[{'name':'a\\u0000b','ret':'int','params':[]}]", "functions[0].name: a symbol name must not contain NUL")]
    [TestCase("[{'name':'f','name':'g','ret':'int','params':[]}]", "functions[0].name: duplicate key 'name'")]
    [TestCase("[{'name':'f','params':[]}]", "functions[0] (f): missing required key 'ret' (the return type)")]
    [TestCase("[{'name':'f','ret':'int'}]", "functions[0] (f): missing required key 'params' (an array)")]
    [TestCase("[{'name':'f','ret':'int','params':{}}]", "functions[0] (f): params: must be an array, not an object")]
    [TestCase("[{'name':'f','ret':'int','params':null}]", "functions[0] (f): params: must be an array, not null")]
    [TestCase("[{'name':'f','ret':3,'params':[]}]", "functions[0] (f): ret: a type must be a type name (string) or a type object, not a number (3)")]
    [TestCase("[{'name':'f','ret':'int','params':['int',[]]}]", "functions[0] (f): param[1]: a type must be a type name (string) or a type object, not an array")]
    [TestCase("[{'name':'f','ret':'int','params':[''] }]", "functions[0] (f): param[0]: a type name must not be empty")]
    [TestCase("[{'name':'f','ret':'int','params':[],'lib':''}]", "functions[0] (f): lib: must name a library, not be empty")]
    [TestCase("[{'name':'f','ret':'int','params':[],'lib':3}]", "functions[0] (f): lib: must be a string, not a number (3)")]
    [TestCase("[{'name':'f','ret':'int','params':[],'doc':[]}]", "functions[0] (f): doc: must be a string, not an array")]
    [TestCase("[{'name':'f','ret':'int','params':[],'variadic':'yes'}]", "functions[0] (f): variadic: must be true or false, not a string ('yes')")]
    [TestCase("[{'name':'f','ret':'string','params':[],'ret_as_str':1}]", "functions[0] (f): ret_as_str: must be true or false, not a number (1)")]
    [TestCase("[{'name':'f','ret':'int','params':[],'errno':'x'}]", "functions[0] (f): errno: must be true or false, not a string ('x')")]
    [TestCase("[{'name':'f','ret':'int','params':[],'trivial':0}]", "functions[0] (f): trivial: must be true or false, not a number (0)")]
    [TestCase("[{'name':'f','ret':'int','params':[],'caps':'fs'}]", "functions[0] (f): caps: must be an array of strings, not a string ('fs')")]
    [TestCase("[{'name':'f','ret':'int','params':[],'caps':['fs','']}]", "functions[0] (f): caps[1]: must be a non-empty string, not a string ('')")]
    [TestCase("[{'name':'f','ret':'int','params':[],'caps':[1]}]", "functions[0] (f): caps[0]: must be a non-empty string, not a number (1)")]
    [TestCase("[{'name':'f','ret':'int','params':[],'caps':[null]}]", "functions[0] (f): caps[0]: must be a non-empty string, not null")]
    [TestCase("[{'name':'f','ret':'int','params':[]},{'name':'g','ret':'int','params':[]},{'name':'f','ret':'long','params':[]}]", "functions[2] (f): duplicate function name 'f' (first declared at functions[0])")]
    [TestCase("[{'name':'f','ret':'nope','params':[]}]", "functions[0] (f): ret: unknown type 'nope'")]
    [TestCase("[{'name':'f','ret':'int','params':[{'kind':'pointer','to':'nope'}]}]", "functions[0] (f): param[0].to: unknown type 'nope'")]
    [TestCase("[{'name':'f','ret':{'kind':'struct','fields':[{'name':'x','type':'nope'}]},'params':[]}]", "functions[0] (f): ret.fields[0].type: unknown type 'nope'")]
    [TestCase("[{'name':'my f','ret':'nope','params':[]}]", "functions[0] (my f): ret: unknown type 'nope'")]
    [TestCase("[{'name':'f','ret':'int','params':['void']}]", "functions[0] (f): param[0]: void is not a parameter type (a function without parameters has 'params': [])")]
    [TestCase("[{'name':'f','ret':'int','params':['int',{'kind':'void'}]}]", "functions[0] (f): param[1]: void is not a parameter type (a function without parameters has 'params': [])")]
    [TestCase("[{'name':'f','ret':'int','params':[{'kind':'array','of':'int'}]}]", "functions[0] (f): param[0]: a flexible array (int[]) has no size and cannot be passed by value; give it a 'len' or use a pointer")]
    [TestCase("[{'name':'f','ret':{'kind':'array','of':'int','len':4},'params':[]}]", "functions[0] (f): ret: a C function cannot return an array; return a pointer or a struct")]
    [TestCase("[{'name':'f','ret':{'kind':'array','of':'int'},'params':[]}]", "functions[0] (f): ret: a C function cannot return an array; return a pointer or a struct")]
    [TestCase("[{'name':'f','ret':'int','params':[],'ret_as_str':true}]", "functions[0] (f): ret_as_str: only valid on a char* or unsigned char* return, not int")]
    [TestCase("[{'name':'f','ret':'int','params':['int',{'kind':'funcptr','ret':'int','params':[]}],'trivial':true}]", "functions[0] (f): trivial: a trivial function cannot take a function pointer (param[1]): a managed callback during a call without the GC transition would bring the runtime down")]
    [TestCase("[{'name':'f','ret':'void','params':[],'ret_as_str':true}]", "functions[0] (f): ret_as_str: only valid on a char* or unsigned char* return, not void")]
    [TestCase("[{'name':'f','ret':'pointer','params':[],'ret_as_str':true}]", "functions[0] (f): ret_as_str: only valid on a char* or unsigned char* return, not pointer")]
    [TestCase("[{'name':'f','ret':{'kind':'pointer','to':'int16'},'params':[],'ret_as_str':true}]", "functions[0] (f): ret_as_str: only valid on a char* or unsigned char* return, not int16*")]
    [TestCase("[{'name':'f','ret':{'kind':'pointer','to':'bool'},'params':[],'ret_as_str':true}]", "functions[0] (f): ret_as_str: only valid on a char* or unsigned char* return, not bool*")]
    [TestCase("[{'name':'f','ret':{'kind':'pointer','to':'string'},'params':[],'ret_as_str':true}]", "functions[0] (f): ret_as_str: only valid on a char* or unsigned char* return, not string*")]
    [TestCase("[{'name':'f','ret':{'kind':'array','of':'char','len':8},'params':[],'ret_as_str':false}]", "functions[0] (f): ret: a C function cannot return an array; return a pointer or a struct")]
    public void FunctionErrors(string functions, string expected) => AssertFails(Doc($"'functions':{functions}"), Q(expected));

    [Test]
    public void SpecExampleCrc32ParamError()
    {
        AssertFails(Doc("""
            'types': { 'uLong': 'ulong', 'uInt': 'uint', 'Bytef': 'uint8' },
            'functions': [
              { 'name': 'zlibVersion', 'ret': 'string', 'params': [], 'ret_as_str': true },
              { 'name': 'adler32', 'ret': 'uLong', 'params': [ 'uLong', { 'kind': 'pointer', 'to': 'Bytef' }, 'uInt' ] },
              { 'name': 'compressBound', 'ret': 'uLong', 'params': [ 'uLong' ] },
              { 'name': 'crc32', 'ret': 'uLong', 'params': [ 'uLong', 'uLongf', 'uInt' ] } ]
            """), "functions[3] (crc32): param[1]: unknown type \"uLongf\" (did you mean \"uLong\", \"ulong\" or \"long\"?)");
    }

    [Test]
    public void FunctionErrorsComeAfterTypeErrors()
    {
        // Types are resolved first, so a bad type wins over a bad function even though it is used there.
        AssertFails(Doc("'functions':[{'name':'f','ret':'nope','params':[]}],'types':{'t':'nope2'}"), "types.t: unknown type \"nope2\"");
    }

    [TestCase("[[]]", "variables[0]: a variable must be a JSON object, not an array")]
    [TestCase("[{'type':'int'}]", "variables[0]: missing required key 'name' (a string)")]
    [TestCase("[{'name':'','type':'int'}]", "variables[0].name: a symbol name must not be empty")]
    [TestCase("[{'name':'v'}]", "variables[0] (v): missing required key 'type' (the variable^s type)")]
    [TestCase("[{'name':'v','type':'void'}]", "variables[0] (v): type: a variable cannot have type void")]
    [TestCase("[{'name':'v','type':{'kind':'void'}}]", "variables[0] (v): type: a variable cannot have type void")]
    [TestCase("[{'name':'v','type':'nope'}]", "variables[0] (v): type: unknown type 'nope'")]
    [TestCase("[{'name':'v','type':{'kind':'array','of':'nope','len':1}}]", "variables[0] (v): type.of: unknown type 'nope'")]
    [TestCase("[{'name':'v','type':'int','lib':''}]", "variables[0] (v): lib: must name a library, not be empty")]
    [TestCase("[{'name':'v','type':'int','caps':[false]}]", "variables[0] (v): caps[0]: must be a non-empty string, not a boolean (false)")]
    [TestCase("[{'name':'v','type':'int','doc':1}]", "variables[0] (v): doc: must be a string, not a number (1)")]
    [TestCase("[{'name':'v','type':'int'},{'name':'v','type':'long'}]", "variables[1] (v): duplicate variable name 'v' (first declared at variables[0])")]
    public void VariableErrors(string variables, string expected) => AssertFails(Doc($"'variables':{variables}"), Q(expected));

    [Test]
    public void FunctionsAndVariablesHaveSeparateNamespaces()
    {
        var spec = Parse("'functions':[{'name':'x','ret':'int','params':[]}],'variables':[{'name':'x','type':'int'}],'types':{'x':'int'}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(spec.TryGetFunction("x", out _), Is.True);
            Assert.That(spec.TryGetVariable("x", out _), Is.True);
            Assert.That(spec.Types.IsDeclared("x"), Is.True);
        }
    }
}
