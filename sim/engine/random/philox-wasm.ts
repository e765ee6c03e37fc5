/**
 * Philox4x32-10 (Salmon et al., SC'11, "Parallel random numbers: as easy as 1, 2, 3"; Random123)
 * as a WebAssembly function, for speed. JavaScript has no 32×32→64 multiply, so the pure-JS
 * version (philox.ts) builds each high word from 16-bit pieces; wasm's i64.mul gives it in one
 * instruction, and the whole block, with its conversion to uniforms, runs without allocating.
 *
 * The module is assembled here, at load time, from the instruction list below: no binary blob to
 * trust, no build step, nothing for the worker bundle to carry but this file. philox.ts stays the
 * reference; the tests check this one against it bit for bit.
 *
 * The uniform of a word x is (x + 0.5) · 2⁻³², the same double operations as in JavaScript
 * (convert, add, multiply, each rounded to nearest; wasm never fuses them), so both paths give
 * identical doubles.
 */

/** Byte offset of the four f64 uniforms in the instance's memory. */
const UNIFORMS_AT = 0;
/** Byte offset of the four u32 words the uniforms came from. */
const WORDS_AT = 32;

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const TWO_POW_MINUS_32 = 2.3283064365386963e-10;

export interface WasmPhilox {
  /**
   * Philox4x32-10 of counter (c0, c1, c2, c3) and key (k0, k1), each taken modulo 2³² as `>>> 0`
   * would; writes `uniforms` and `words`.
   */
  block(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number): void;
  /** The last block's four uniforms, a view on the instance's memory (overwritten by `block`). */
  readonly uniforms: Float64Array;
  /** The last block's four 32-bit words, a view on the instance's memory. */
  readonly words: Uint32Array;
}

// ---------------------------------------------------------------------------------------------
// Encoding (WebAssembly core specification 1.0, chapter 5, "Binary format").

type Bytes = number[];

/** Unsigned LEB128: sizes, counts, indices, memory-access offsets. */
function uleb(n: number): Bytes {
  const out: Bytes = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128: the immediates of i32.const and i64.const (exact for any safe integer). */
function sleb(n: number): Bytes {
  const out: Bytes = [];
  for (;;) {
    const byte = ((n % 128) + 128) % 128;
    n = Math.floor(n / 128);
    // Done once the rest is pure sign extension of this byte's bit 6.
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** IEEE 754 binary64, little-endian: the immediate of f64.const. */
function f64Bytes(x: number): Bytes {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x, true);
  return [...new Uint8Array(view.buffer)];
}

const vec = (items: Bytes[]): Bytes => [...uleb(items.length), ...items.flat()];
const name = (s: string): Bytes => vec([...s].map((c) => [c.charCodeAt(0)]));
const section = (id: number, body: Bytes): Bytes => [id, ...uleb(body.length), ...body];

const I32 = 0x7f;
const I64 = 0x7e;

/** The instructions used, by their text-format names. */
const op = {
  localGet: (i: number): Bytes => [0x20, ...uleb(i)],
  localSet: (i: number): Bytes => [0x21, ...uleb(i)],
  i32Const: (v: number): Bytes => [0x41, ...sleb(v | 0)],
  // A u32 constant as a non-negative i64, so that the product below is the unsigned one.
  i64Const: (v: number): Bytes => [0x42, ...sleb(v)],
  f64Const: (v: number): Bytes => [0x44, ...f64Bytes(v)],
  i32Add: [0x6a],
  i32Xor: [0x73],
  i32WrapI64: [0xa7],
  i64ExtendI32U: [0xad],
  i64Mul: [0x7e],
  i64ShrU: [0x88],
  f64ConvertI32U: [0xb8],
  f64Add: [0xa0],
  f64Mul: [0xa2],
  // memarg: log2 of the alignment, then the offset added to the address operand.
  i32Store: (offset: number): Bytes => [0x36, 2, ...uleb(offset)],
  f64Store: (offset: number): Bytes => [0x39, 3, ...uleb(offset)],
  end: [0x0b],
};

// ---------------------------------------------------------------------------------------------
// The function: block(c0, c1, c2, c3, k0, k1). Parameters are locals 0–5; the counter words are
// updated in place as x0–x3, the key in place as k0, k1; two i64 locals hold the products.

const X0 = 0;
const X1 = 1;
const X2 = 2;
const X3 = 3;
const K0 = 4;
const K1 = 5;
const P0 = 6;
const P1 = 7;

/** One Philox round: two 32×32→64 products, then the S-box/P-box mix of Salmon et al. */
function round(): Bytes[] {
  return [
    // p0 = x0 · M0 and p1 = x2 · M1, full 64-bit products of the zero-extended words.
    op.localGet(X0),
    op.i64ExtendI32U,
    op.i64Const(M0),
    op.i64Mul,
    op.localSet(P0),
    op.localGet(X2),
    op.i64ExtendI32U,
    op.i64Const(M1),
    op.i64Mul,
    op.localSet(P1),
    // x0 = hi(p1) ^ x1 ^ k0 (x0 is no longer needed: it lives on in p0).
    op.localGet(P1),
    op.i64Const(32),
    op.i64ShrU,
    op.i32WrapI64,
    op.localGet(X1),
    op.i32Xor,
    op.localGet(K0),
    op.i32Xor,
    op.localSet(X0),
    // x1 = lo(p1).
    op.localGet(P1),
    op.i32WrapI64,
    op.localSet(X1),
    // x2 = hi(p0) ^ x3 ^ k1.
    op.localGet(P0),
    op.i64Const(32),
    op.i64ShrU,
    op.i32WrapI64,
    op.localGet(X3),
    op.i32Xor,
    op.localGet(K1),
    op.i32Xor,
    op.localSet(X2),
    // x3 = lo(p0).
    op.localGet(P0),
    op.i32WrapI64,
    op.localSet(X3),
  ];
}

/** The Weyl step of the key schedule, between rounds; i32.add wraps modulo 2³² like `>>> 0`. */
function bumpKey(): Bytes[] {
  return [
    op.localGet(K0),
    op.i32Const(W0),
    op.i32Add,
    op.localSet(K0),
    op.localGet(K1),
    op.i32Const(W1),
    op.i32Add,
    op.localSet(K1),
  ];
}

/** Stores word i and its uniform (x + 0.5) · 2⁻³². Addresses are constant offsets from 0. */
function output(i: number): Bytes[] {
  const x = X0 + i;
  return [
    op.i32Const(0),
    op.localGet(x),
    op.i32Store(WORDS_AT + 4 * i),
    op.i32Const(0),
    op.localGet(x),
    op.f64ConvertI32U,
    op.f64Const(0.5),
    op.f64Add,
    op.f64Const(TWO_POW_MINUS_32),
    op.f64Mul,
    op.f64Store(UNIFORMS_AT + 8 * i),
  ];
}

function body(): Bytes {
  const code: Bytes[] = [];
  // Ten rounds, unrolled: the function stays a few hundred bytes and has no loop counter.
  for (let r = 0; r < 10; r++) {
    if (r > 0) code.push(...bumpKey());
    code.push(...round());
  }
  for (let i = 0; i < 4; i++) code.push(...output(i));
  code.push(op.end);
  const locals = vec([[2, I64]]); // P0, P1
  const fn = [...locals, ...code.flat()];
  return [...uleb(fn.length), ...fn];
}

function moduleBytes(): Uint8Array {
  const funcType = [0x60, ...vec(Array(6).fill([I32])), ...vec([])];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d], // "\0asm"
    ...[0x01, 0x00, 0x00, 0x00], // version 1
    ...section(1, vec([funcType])), // types: (i32 ×6) → ()
    ...section(3, vec([uleb(0)])), // functions: one, of type 0
    ...section(5, vec([[0x01, ...uleb(1), ...uleb(1)]])), // memory: exactly one page, never grows
    ...section(
      7, // exports
      vec([
        [...name("block"), 0x00, ...uleb(0)],
        [...name("memory"), 0x02, ...uleb(0)],
      ]),
    ),
    ...section(10, vec([body()])), // code
  ]);
}

// ---------------------------------------------------------------------------------------------
// Instantiation. The project's TypeScript libraries do not declare WebAssembly, hence this
// minimal view of it (also how its absence is detected).

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: object) => { exports: Record<string, unknown> };
}

/** Compiled once per thread (module state is per thread); undefined = not yet, null = failed. */
let compiled: object | null | undefined;

/**
 * A fresh instance, with its own memory, so that each caller's `uniforms` is its own; or
 * undefined where WebAssembly is missing or refuses the module. Synchronous: the module is a few
 * hundred bytes, which engines compile synchronously even on a browser's main thread.
 */
export function createWasmPhilox(): WasmPhilox | undefined {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined || compiled === null) return undefined;
  try {
    compiled ??= new api.Module(moduleBytes());
    const { exports } = new api.Instance(compiled, {});
    const block = exports.block as WasmPhilox["block"];
    const buffer = (exports.memory as { buffer: ArrayBuffer }).buffer;
    return {
      block,
      uniforms: new Float64Array(buffer, UNIFORMS_AT, 4),
      words: new Uint32Array(buffer, WORDS_AT, 4),
    };
  } catch {
    compiled = null;
    return undefined;
  }
}
