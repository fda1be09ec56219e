/**
 * CAML's memory bank of labelled embeddings (docs/methods.md §3 caml): the prototypes the
 * omni-correlation compares unlabelled embeddings with.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random/rng.ts';

interface Slot {
  /** Rows [n, embeddingDim], row-major. */
  features: Float32Array;
  /** Row indices of each class. */
  rowsOfClass: number[][];
}

/** Prototypes drawn from the bank: rows of the classes that had enough entries, class by class. */
export interface Prototypes {
  /** [P, embeddingDim]; the caller disposes it. */
  features: tf.Tensor2D;
  /** The class of each row. */
  classes: Int32Array;
}

/**
 * One slot per labelled case (keyed by the batch's sample id), each holding the detached
 * embeddings of that case's newest crop with their classes; a new crop of the case replaces
 * the slot whole, as the reference's MemoryBank does. Kept in plain arrays, off the tensor
 * engine, so it survives tf.tidy and costs no tensor memory between steps. A StatefulPart:
 * checkpoints keep the slots (with their order, so that a resumed run draws what an
 * uninterrupted one would).
 */
export class MemoryBank {
  private readonly slots = new Map<string, Slot>();

  constructor(
    readonly embeddingDim: number,
    readonly numClasses: number,
  ) {}

  /** Number of slots (cases seen so far). */
  get size(): number {
    return this.slots.size;
  }

  /**
   * Replaces case `id`'s slot with `features` (rows [n, embeddingDim], row-major; copied) of
   * classes `labels` (n values in 0 … numClasses − 1). n may be 0: the case's newest crop had
   * no usable voxel, so it offers no prototype until its next crop.
   */
  update(id: string, features: Float32Array, labels: ArrayLike<number>): void {
    const rows = labels.length;
    if (features.length !== rows * this.embeddingDim) {
      throw new Error(`memory bank: ${features.length} values are not ${rows} rows of ${this.embeddingDim}`);
    }
    const rowsOfClass: number[][] = Array.from({ length: this.numClasses }, () => []);
    for (let r = 0; r < rows; r++) {
      const c = labels[r]!;
      if (!(c >= 0 && c < this.numClasses && Number.isInteger(c))) throw new Error(`memory bank: class ${c} out of range`);
      rowsOfClass[c]!.push(r);
    }
    this.slots.set(id, { features: Float32Array.from(features), rowsOfClass });
  }

  /** Entries of class `c` over all slots. */
  count(c: number): number {
    let n = 0;
    for (const slot of this.slots.values()) n += slot.rowsOfClass[c]!.length;
    return n;
  }

  /**
   * `perClass` entries of every class drawn uniformly without replacement from all slots; a
   * class with fewer entries is skipped. Null when no class has enough.
   */
  sample(perClass: number, rng: Rng): Prototypes | null {
    const e = this.embeddingDim;
    const chosen: number[] = [];
    const picked: Float32Array[] = [];
    for (let c = 0; c < this.numClasses; c++) {
      const total = this.count(c);
      if (total < perClass || perClass < 1) continue;
      const rows = new Float32Array(perClass * e);
      drawDistinct(total, perClass, rng).forEach((index, k) => {
        // Entries are numbered slot by slot in insertion order.
        let rest = index;
        for (const slot of this.slots.values()) {
          const ofClass = slot.rowsOfClass[c]!;
          if (rest < ofClass.length) {
            const r = ofClass[rest]!;
            rows.set(slot.features.subarray(r * e, (r + 1) * e), k * e);
            return;
          }
          rest -= ofClass.length;
        }
      });
      picked.push(rows);
      for (let k = 0; k < perClass; k++) chosen.push(c);
    }
    if (chosen.length === 0) return null;
    const all = new Float32Array(chosen.length * e);
    picked.forEach((rows, i) => all.set(rows, i * perClass * e));
    return { features: tf.tensor2d(all, [chosen.length, e]), classes: Int32Array.from(chosen) };
  }

  /** Each slot as one tensor [n, embeddingDim + 1] named by its case id, the class in the last column. */
  getWeights(): Map<string, tf.Tensor> {
    const e = this.embeddingDim;
    const out = new Map<string, tf.Tensor>();
    for (const [id, slot] of this.slots) {
      const rows = slot.features.length / e;
      const packed = new Float32Array(rows * (e + 1));
      slot.rowsOfClass.forEach((rowsOfC, c) => {
        for (const r of rowsOfC) {
          packed.set(slot.features.subarray(r * e, (r + 1) * e), r * (e + 1));
          packed[r * (e + 1) + e] = c;
        }
      });
      out.set(id, tf.tensor2d(packed, [rows, e + 1]));
    }
    return out;
  }

  /** Replaces every slot with those of `weights` (from getWeights), in their order. */
  setWeights(weights: Map<string, tf.Tensor>): void {
    const e = this.embeddingDim;
    const restored: Array<[string, Float32Array, Int32Array]> = [];
    for (const [id, t] of weights) {
      if (t.rank !== 2 || t.shape[1] !== e + 1) throw new Error(`memory bank: slot ${id} has shape [${t.shape}], expected [n, ${e + 1}]`);
      const packed = t.dataSync();
      const rows = t.shape[0]!;
      const features = new Float32Array(rows * e);
      const labels = new Int32Array(rows);
      for (let r = 0; r < rows; r++) {
        features.set(packed.subarray(r * (e + 1), r * (e + 1) + e), r * e);
        labels[r] = Math.round(packed[r * (e + 1) + e]!);
      }
      restored.push([id, features, labels]);
    }
    this.slots.clear();
    for (const [id, features, labels] of restored) this.update(id, features, labels);
  }
}

/** k distinct integers of [0, n), uniformly (Floyd's algorithm), in increasing order. */
function drawDistinct(n: number, k: number, rng: Rng): number[] {
  const set = new Set<number>();
  for (let j = n - k; j < n; j++) {
    const t = rng.int(j + 1);
    set.add(set.has(t) ? j : t);
  }
  return [...set].sort((a, b) => a - b);
}
