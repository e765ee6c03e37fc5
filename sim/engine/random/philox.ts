/**
 * Philox4x32-10, the counter-based generator of Salmon et al. (SC'11, "Parallel random numbers:
 * as easy as 1, 2, 3"; Random123). A pure function of a 128-bit counter and a 64-bit key, so a
 * draw can be addressed by what it decides (resident, purpose, episode, step) instead of by the
 * order in which a thread happens to make it. Checked against Random123's known-answer vectors.
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const M0_HI = M0 >>> 16;
const M0_LO = M0 & 0xffff;
const M1_HI = M1 >>> 16;
const M1_LO = M1 & 0xffff;

/** High 32 bits of the 64-bit product a·m (a, m unsigned 32-bit), exact in doubles. */
function mulhi(a: number, mHi: number, mLo: number): number {
  const aHi = a >>> 16;
  const aLo = a & 0xffff;
  const lowLow = aLo * mLo;
  const middle = aHi * mLo + aLo * mHi + (lowLow >>> 16);
  return (aHi * mHi + Math.floor(middle / 65536)) >>> 0;
}

/** Writes Philox4x32-10(counter, key) into out[0..3] as unsigned 32-bit integers. */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
): void {
  let x0 = c0 >>> 0;
  let x1 = c1 >>> 0;
  let x2 = c2 >>> 0;
  let x3 = c3 >>> 0;
  let key0 = k0 >>> 0;
  let key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      key0 = (key0 + W0) >>> 0;
      key1 = (key1 + W1) >>> 0;
    }
    const hi0 = mulhi(x0, M0_HI, M0_LO);
    const lo0 = Math.imul(x0, M0) >>> 0;
    const hi1 = mulhi(x2, M1_HI, M1_LO);
    const lo1 = Math.imul(x2, M1) >>> 0;
    x0 = (hi1 ^ x1 ^ key0) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ key1) >>> 0;
    x3 = lo0;
  }
  out[0] = x0;
  out[1] = x1;
  out[2] = x2;
  out[3] = x3;
}
