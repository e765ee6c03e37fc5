import seedrandom from "seedrandom";
import { philox4x32 } from "./philox.ts";
import { createWasmPhilox, type WasmPhilox } from "./philox-wasm.ts";

/**
 * Random streams keyed by what they decide. A draw is addressed by
 * (run key, agent, purpose, counter, step): the run key comes from the scenario seed and the
 * replication (via seedrandom), the rest from the model. Nothing depends on which thread or
 * partition makes the draw, or on any other agent's draws, so results are identical at any
 * thread count and two scenarios share every draw their policies do not change (common random
 * numbers).
 *
 * Each block yields four uniforms in the open interval (0, 1) with 32-bit resolution.
 */
export class RandomStreams {
  readonly key0: number;
  readonly key1: number;
  /** Which Philox computes the blocks: WebAssembly where available, else the pure-JS reference. */
  readonly engine: "wasm" | "js";
  /** The last block's uniforms; overwritten by the next call to `block`. */
  readonly u: Float64Array;
  private readonly bits = new Uint32Array(4);
  // The instance's own function (not a shared one), so that `u` belongs to this object alone.
  private readonly wasmBlock: WasmPhilox["block"] | undefined;

  /** `options.wasm: false` forces the pure-JS path (the two give identical draws). */
  constructor(seed: number | string, replication: number, options: { wasm?: boolean } = {}) {
    const derive = seedrandom(`tiersim:${seed}:replication:${replication}`);
    this.key0 = derive.int32() >>> 0;
    this.key1 = derive.int32() >>> 0;
    const wasm = options.wasm === false ? undefined : createWasmPhilox();
    this.engine = wasm ? "wasm" : "js";
    this.wasmBlock = wasm?.block;
    // With wasm, `u` is a view on the instance's memory, which the wasm function writes directly.
    this.u = wasm ? wasm.uniforms : new Float64Array(4);
  }

  /** Fills and returns `this.u` with the four uniforms of block (agent, purpose, counter, step). */
  block(agent: number, purpose: number, counter: number, step: number): Float64Array {
    const wasmBlock = this.wasmBlock;
    if (wasmBlock !== undefined) {
      wasmBlock(agent, purpose, counter, step, this.key0, this.key1);
      return this.u;
    }
    const bits = this.bits;
    philox4x32(agent, purpose, counter, step, this.key0, this.key1, bits);
    const u = this.u;
    u[0] = (bits[0] + 0.5) * 2.3283064365386963e-10;
    u[1] = (bits[1] + 0.5) * 2.3283064365386963e-10;
    u[2] = (bits[2] + 0.5) * 2.3283064365386963e-10;
    u[3] = (bits[3] + 0.5) * 2.3283064365386963e-10;
    return u;
  }
}

/** Exponential variate with the given mean, by inversion of one uniform. */
export function exponential(u: number, mean: number): number {
  return -Math.log(u) * mean;
}

/** Index i of the first cumulative weight with u·total < cumulative[i] (inversion of a discrete law). */
export function pickCumulative(
  u: number,
  cumulative: ArrayLike<number>,
  from: number,
  count: number,
): number {
  const target = u * cumulative[from + count - 1];
  for (let i = 0; i < count - 1; i++) if (target < cumulative[from + i]) return i;
  return count - 1;
}

/** Geometric count on {0, 1, 2, …} with the given mean, by inversion of one uniform. */
export function geometric(u: number, mean: number): number {
  if (mean <= 0) return 0;
  const p = 1 / (1 + mean);
  return Math.floor(Math.log(u) / Math.log(1 - p));
}
