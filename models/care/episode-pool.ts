/**
 * Open episodes as columns with a free list: one slot per episode in progress, reused when it
 * ends. Grows by doubling.
 */
export const ADMITTED = 1;
export const REHAB = 2;
export const SEEN_AT_COUNTY = 4;
export const AWAITING_SHARED = 8;
export const ADMIT_PLANNED = 16;
export const CAPABLE_PLANNED = 32;
/** Referred up at least once (counts the patient once, however many hops). */
export const REFERRED = 64;
/** Turned away once by a full slot calendar: the next booking accepts any wait. */
export const BALKED_ONCE = 128;
/** Transferred once for want of a bed: the next bed request queues. */
export const BED_TRANSFERRED = 256;
/** The visit ends in a transfer for want of a bed here (no beds at all). */
export const NO_BED_HERE = 512;
/** No first-contact facility would take the patient: the first-contact rule no longer binds. */
export const GATE_LIFTED = 1024;
/** Admitted to a family bed (家庭病床): cared for at home, no ward bed. */
export const FAMILY_BED = 2048;

export class EpisodePool {
  resident = new Int32Array(0);
  kind = new Uint8Array(0);
  need = new Uint8Array(0);
  /** Condition group whose capability the episode needs now (rehabilitation after a stay). */
  group = new Uint8Array(0);
  flags = new Uint16Array(0);
  /** The need level the patient believes the episode has (drives the choice). */
  perceivedNeed = new Uint8Array(0);
  /** Bit t set once the episode has been seen at a facility of tier t (referral-out rates by tier). */
  seenTiers = new Uint8Array(0);
  visitsLeft = new Int32Array(0);
  facility = new Int32Array(0);
  step = new Uint32Array(0);
  /** Follow-up gaps drawn so far (addresses the next gap's draw). */
  gaps = new Uint32Array(0);
  serial = new Uint32Array(0);
  severity = new Float32Array(0);
  lengthOfStay = new Float32Array(0);
  /** The episode's admission and length-of-stay uniforms, kept so they are drawn once. */
  admissionDraw = new Float64Array(0);
  stayDraw = new Float64Array(0);
  arrival = new Float64Array(0);
  private nextFree = new Int32Array(0);
  private freeHead = -1;
  private used = 0;
  open = 0;

  constructor(capacity = 1024) {
    this.resize(Math.max(16, capacity));
  }

  get byteLength(): number {
    return this.resident.length * (4 + 1 + 1 + 1 + 2 + 1 + 4 + 4 + 4 + 4 + 4 + 4 + 4 + 8 + 8 + 8 + 4);
  }

  allocate(): number {
    let slot: number;
    if (this.freeHead >= 0) {
      slot = this.freeHead;
      this.freeHead = this.nextFree[slot];
    } else {
      if (this.used === this.resident.length) this.resize(this.resident.length * 2);
      slot = this.used++;
    }
    this.open++;
    this.flags[slot] = 0;
    this.seenTiers[slot] = 0;
    this.step[slot] = 0;
    this.gaps[slot] = 0;
    return slot;
  }

  release(slot: number): void {
    this.nextFree[slot] = this.freeHead;
    this.freeHead = slot;
    this.open--;
  }

  /** Slots of the open episodes, in slot order. */
  openSlots(): Int32Array {
    const free = new Uint8Array(this.used);
    for (let s = this.freeHead; s >= 0; s = this.nextFree[s]) free[s] = 1;
    const out = new Int32Array(this.open);
    let k = 0;
    for (let s = 0; s < this.used; s++) if (!free[s]) out[k++] = s;
    return out;
  }

  /** Open episodes per kind (for the end-of-run ledger). */
  openByKind(kinds: number): Float64Array {
    const out = new Float64Array(kinds);
    for (const s of this.openSlots()) out[this.kind[s]]++;
    return out;
  }

  private resize(n: number): void {
    const grow = <
      T extends Int32Array | Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array,
    >(
      a: T,
      C: new (n: number) => T,
    ): T => {
      const b = new C(n);
      b.set(a);
      return b;
    };
    this.resident = grow(this.resident, Int32Array);
    this.kind = grow(this.kind, Uint8Array);
    this.need = grow(this.need, Uint8Array);
    this.group = grow(this.group, Uint8Array);
    this.flags = grow(this.flags, Uint16Array);
    this.perceivedNeed = grow(this.perceivedNeed, Uint8Array);
    this.seenTiers = grow(this.seenTiers, Uint8Array);
    this.visitsLeft = grow(this.visitsLeft, Int32Array);
    this.facility = grow(this.facility, Int32Array);
    this.step = grow(this.step, Uint32Array);
    this.gaps = grow(this.gaps, Uint32Array);
    this.serial = grow(this.serial, Uint32Array);
    this.severity = grow(this.severity, Float32Array);
    this.lengthOfStay = grow(this.lengthOfStay, Float32Array);
    this.admissionDraw = grow(this.admissionDraw, Float64Array);
    this.stayDraw = grow(this.stayDraw, Float64Array);
    this.arrival = grow(this.arrival, Float64Array);
    this.nextFree = grow(this.nextFree, Int32Array);
  }
}
