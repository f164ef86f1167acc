// An open-addressing hash set of fixed-width numeric rows, used to merge duplicate inputs and
// to detect quantization collisions without building a string per row (10^6 rows × 16 values
// stay in typed arrays).

export type NumericRows = Float64Array | Int32Array;

export class RowSet {
  private table: Int32Array; // slot → row index + 1, 0 = empty
  private mask: number;
  private size = 0;
  private rows!: NumericRows;
  private words!: Uint32Array;

  /** `rows` holds row i at [i·dim, (i+1)·dim); the set stores indices into it. */
  constructor(rows: NumericRows, private readonly dim: number, expected: number) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.table = new Int32Array(cap);
    this.mask = cap - 1;
    this.rebind(rows);
  }

  /** Point the set at a new (grown) copy of the same rows. */
  rebind(rows: NumericRows): void {
    this.rows = rows;
    this.words = new Uint32Array(rows.buffer, rows.byteOffset, rows.byteLength >>> 2);
  }

  /** Insert row i; returns the index of an equal row already present, or −1. */
  add(i: number): number {
    if ((this.size + 1) * 2 > this.table.length) this.grow();
    let slot = this.hash(i) & this.mask;
    for (;;) {
      const e = this.table[slot];
      if (e === 0) {
        this.table[slot] = i + 1;
        this.size++;
        return -1;
      }
      if (this.equal(e - 1, i)) return e - 1;
      slot = (slot + 1) & this.mask;
    }
  }

  private hash(i: number): number {
    const per = this.rows.BYTES_PER_ELEMENT >>> 2;
    const start = i * this.dim * per;
    const end = start + this.dim * per;
    let h = 0x811c9dc5;
    for (let k = start; k < end; k++) {
      h = Math.imul(h ^ this.words[k], 0x01000193);
      h ^= h >>> 15;
    }
    return h >>> 0;
  }

  private equal(a: number, b: number): boolean {
    const d = this.dim;
    const r = this.rows;
    for (let k = 0; k < d; k++) if (r[a * d + k] !== r[b * d + k]) return false;
    return true;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    this.mask = this.table.length - 1;
    for (const e of old) {
      if (e === 0) continue;
      let slot = this.hash(e - 1) & this.mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & this.mask;
      this.table[slot] = e;
    }
  }
}
