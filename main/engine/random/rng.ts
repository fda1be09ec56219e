/**
 * Deterministic pseudo-random numbers for data sampling and augmentation.
 *
 * The generator is xoshiro128** (Blackman & Vigna), seeded by hashing a string key with
 * cyrb128. Every stream is named by its key: `new Rng(42)` has key `"42"`, and
 * `rng.fork('augment')` has key `"42/augment"`. A fork depends only on the parent's key and
 * the label, never on how many numbers the parent has drawn, so adding a draw in one part of
 * the pipeline does not change the numbers another part sees. Forking the same label twice
 * therefore yields two identical streams; use distinct labels for independent streams.
 */
export class Rng {
  /** The stream's name; equal keys give equal streams. */
  readonly key: string;
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;

  /**
   * @param seed any number or string; numbers are keyed by their decimal string.
   */
  constructor(seed: number | string) {
    this.key = String(seed);
    [this.s0, this.s1, this.s2, this.s3] = cyrb128(this.key);
    // xoshiro's all-zero state is a fixed point; cyrb128 makes it astronomically unlikely.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 0x9e3779b9;
  }

  /** Next raw 32-bit output as an unsigned integer in [0, 2^32). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /**
   * A float drawn uniformly from [a, b) with 32-bit resolution.
   * @param a lower bound (inclusive), default 0.
   * @param b upper bound (exclusive), default 1.
   */
  uniform(a = 0, b = 1): number {
    return a + (b - a) * (this.nextUint32() / 4294967296);
  }

  /**
   * An integer drawn uniformly from {0, …, n-1}, without modulo bias.
   * @param n number of outcomes, an integer in [1, 2^32].
   */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) {
      throw new RangeError(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    }
    const limit = 4294967296 - (4294967296 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.uniform() < p;
  }

  /**
   * A draw from the normal distribution N(mean, sd²) by the Box–Muller transform; the second
   * value of each pair is kept for the next call.
   */
  normal(mean = 0, sd = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + sd * z;
    }
    // 1 - u keeps the logarithm's argument in (0, 1].
    const radius = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.spareNormal = radius * Math.sin(angle);
    return mean + sd * radius * Math.cos(angle);
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }

  /** An independent stream named `<key>/<label>`; see the class comment. */
  fork(label: string): Rng {
    return new Rng(`${this.key}/${label}`);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** cyrb128 string hash (bryc): four well-mixed 32-bit words from any string. */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ c, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ c, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ c, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ c, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}
