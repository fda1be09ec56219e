/**
 * Reuses the Float32Arrays of disposed tensors as the native kernels' outputs. A training
 * step on the cpu backend allocates hundreds of activation-sized arrays, the same sizes every
 * step; fresh ones cost a zero-fill the kernel then overwrites, and their external memory
 * makes V8 run a garbage collection every few dozen milliseconds (about a tenth of a small
 * U-Net step). Arrays from the pool are not zeroed: callers must write every element.
 *
 * An array goes back to the pool only when the tensor data it belongs to is freed (refCount 0
 * in the cpu backend) and it never left the backend's hands:
 *   - it was handed out here and stored under exactly one data id (a second tensor made over
 *     the same buffer, e.g. tfjs-cpu's Slice returning a subarray view, disqualifies it);
 *   - it was never read out with readSync/read (dataSync, data, arraySync, … all go through
 *     them), since the caller may keep that array after disposing the tensor.
 * So no array anyone can still see is ever reused.
 *
 * The pool holds what a step frees until the next step needs it: in a training step that is
 * most of the activations (they are freed in the backward pass), so the pool caps at a
 * quarter of the machine's memory, which keeps the process at the peak it reaches anyway at
 * the end of each forward pass; after 5 s without a kernel output being freed (training
 * over) it lets everything go. A smaller cap costs a lot: with 1 GiB, the 112×112×80 V-Net
 * step spent 3 s of 8 faulting in fresh pages for the arrays the pool had to drop.
 *
 *   ATRIUM_NATIVE_POOL_MB=N   most memory the pool holds on to (0 disables it)
 */
import * as tf from '@tensorflow/tfjs-core';

type DataEntry = { values?: unknown };
interface CpuBackend {
  data: { get(dataId: object): DataEntry | undefined };
  write(values: unknown, shape: number[], dtype: tf.DataType): object;
  move(dataId: object, values: unknown, shape: number[], dtype: tf.DataType, refCount: number): void;
  readSync(dataId: object): unknown;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** Smaller arrays are cheap to allocate and not worth pooling. */
const minLength = 1024;
const idleMilliseconds = 5000;

/**
 * Arrays handed out by allocateFloat32, by their buffer, with the hooking they were handed out
 * under (while unhooked nobody watches for escapes, so older ones never come back); dropped
 * once they escape.
 */
const owned = new WeakMap<ArrayBufferLike, { values: Float32Array; generation: number }>();
let generation = 0;
/** Owned buffers currently stored under a data id. */
const attached = new WeakSet<ArrayBufferLike>();
const free = new Map<number, Float32Array[]>();
let freeBytes = 0;
let capacityBytes = 0;
let hooked: { backend: CpuBackend; restore: () => void } | null = null;
let idleTimer: ReturnType<typeof setTimeout> | null = null;
const stats = { reused: 0, allocated: 0, returned: 0 };

/** Poolable: handed out here and not escaped. */
function isOwned(values: unknown): values is Float32Array {
  const entry = values instanceof Float32Array ? owned.get(values.buffer) : undefined;
  return entry !== undefined && entry.values === values && entry.generation === generation;
}

/** Stops `values` (and whatever array it views) from ever being pooled. */
function escape(values: unknown): void {
  if (ArrayBuffer.isView(values)) owned.delete(values.buffer);
}

/** A tensor now stores `values`: fine once for an array of ours, a leak of its buffer after that. */
function attach(values: unknown): void {
  if (!ArrayBuffer.isView(values) || !owned.has(values.buffer)) return;
  if (isOwned(values) && !attached.has(values.buffer)) attached.add(values.buffer);
  else escape(values);
}

function release(values: Float32Array): void {
  attached.delete(values.buffer);
  const bytes = values.byteLength;
  if (values.length < minLength || freeBytes + bytes > capacityBytes) {
    owned.delete(values.buffer);
    return;
  }
  const list = free.get(values.length);
  if (list) list.push(values);
  else free.set(values.length, [values]);
  freeBytes += bytes;
  stats.returned++;
  if (idleTimer) idleTimer.refresh();
  else idleTimer = setTimeout(drain, idleMilliseconds).unref();
}

/** Lets every pooled array go. */
function drain(): void {
  free.clear();
  freeBytes = 0;
}

/** A quarter of the memory this process may use (the cgroup limit where there is one). */
function defaultCapacityBytes(totalMemoryBytes: number): number {
  const limit = process.constrainedMemory?.() ?? 0;
  const memory = limit > 0 ? Math.min(limit, totalMemoryBytes) : totalMemoryBytes;
  return Math.floor(memory / 4);
}

/**
 * A Float32Array of `length` for a kernel output, from the pool where one of that length is
 * free: its contents are stale, so the caller must overwrite every element (or zero it).
 */
export function allocateFloat32(length: number): Float32Array {
  if (!hooked) return new Float32Array(length);
  const reused = length >= minLength ? free.get(length)?.pop() : undefined;
  if (reused) {
    freeBytes -= reused.byteLength;
    stats.reused++;
    return reused;
  }
  const fresh = new Float32Array(length);
  owned.set(fresh.buffer, { values: fresh, generation });
  stats.allocated++;
  return fresh;
}

/**
 * Whether `values`, the array of a live tensor, is one that nobody but the backend can see:
 * handed out by allocateFloat32, stored under exactly one data id, never read out. Its
 * tensor's refCount then says who shares it. False whenever the pool is off.
 */
export function isPrivateArray(values: Float32Array): boolean {
  return hooked !== null && isOwned(values) && attached.has(values.buffer);
}

/**
 * Hooks the cpu backend's write/move (attach), readSync (escape) and disposeData (return to
 * the pool); idempotent. Off with ATRIUM_NATIVE_POOL_MB=0.
 */
export function enableBufferPool(env: Record<string, string | undefined>, totalMemoryBytes: number): void {
  const raw = env.ATRIUM_NATIVE_POOL_MB?.trim();
  const megabytes = raw ? Number(raw) : NaN;
  if (raw && (!Number.isFinite(megabytes) || megabytes < 0)) throw new Error(`ATRIUM_NATIVE_POOL_MB="${raw}" is not a non-negative number`);
  const backend = tf.findBackend('cpu') as unknown as CpuBackend | null;
  if (hooked && hooked.backend !== backend) disableBufferPool();
  capacityBytes = raw ? megabytes * 2 ** 20 : defaultCapacityBytes(totalMemoryBytes);
  if (capacityBytes === 0) {
    disableBufferPool();
    return;
  }
  if (hooked || !backend) return;
  const own = ['write', 'move', 'readSync', 'disposeData'].filter((name) => Object.prototype.hasOwnProperty.call(backend, name));
  if (own.length > 0) return; // someone else has hooked this backend's instance: leave it alone
  const { write, move, readSync, disposeData } = backend;
  backend.write = function (values, shape, dtype) {
    attach(values);
    return write.call(this, values, shape, dtype);
  };
  backend.move = function (dataId, values, shape, dtype, refCount) {
    attach(values);
    move.call(this, dataId, values, shape, dtype, refCount);
  };
  backend.readSync = function (dataId) {
    escape(this.data.get(dataId)?.values);
    return readSync.call(this, dataId);
  };
  backend.disposeData = function (dataId, force) {
    const values = this.data.get(dataId)?.values;
    const freed = disposeData.call(this, dataId, force);
    if (freed && isOwned(values) && attached.has(values.buffer)) release(values);
    return freed;
  };
  hooked = {
    backend,
    restore: () => {
      for (const name of ['write', 'move', 'readSync', 'disposeData'] as const) delete (backend as unknown as Record<string, unknown>)[name];
    },
  };
}

/** Unhooks the backend and lets the pooled arrays go. */
export function disableBufferPool(): void {
  hooked?.restore();
  hooked = null;
  generation++;
  drain();
}

/** Counts since the process started, and what the pool holds now. */
export function bufferPoolStats(): { enabled: boolean; reused: number; allocated: number; returned: number; freeBytes: number } {
  return { enabled: hooked !== null, ...stats, freeBytes };
}
