import { encodeFrame, decodeFrame } from '../../../shared/wire.ts';
import { ownedArrayBuffer } from '../../io/bytes.ts';
import type { Checkpoint, TrainedModel } from '../training/trainRequest.ts';

/**
 * On-disk forms of a trained model and of a training checkpoint: a magic line, then one
 * binary frame (shared/wire.ts) holding the JSON parts and the weight bytes.
 */
const MODEL_MAGIC = 'ATRIUM-MODEL 1\n';
const CHECKPOINT_MAGIC = 'ATRIUM-CHECKPOINT 1\n';

function pack(magic: string, value: unknown): Uint8Array {
  const head = new TextEncoder().encode(magic);
  const frame = new Uint8Array(encodeFrame(value));
  const out = new Uint8Array(head.length + frame.length);
  out.set(head);
  out.set(frame, head.length);
  return out;
}

function unpack(magic: string, bytes: Uint8Array, what: string): Record<string, unknown> {
  const head = new TextEncoder().encode(magic);
  if (bytes.length < head.length || new TextDecoder().decode(bytes.subarray(0, head.length)) !== magic) {
    throw new Error(`not an Atrium ${what} file`);
  }
  try {
    return decodeFrame(bytes.subarray(head.length)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`damaged ${what} file: ${(err as Error).message}`);
  }
}

/** The JSON-and-buffers form of a model's weights: its first network's, and its partners' where it has any. */
function modelParts(model: TrainedModel): Record<string, unknown> {
  return {
    meta: model.meta,
    weights: ownedArrayBuffer(model.weights),
    ...(model.partners?.length ? { partners: model.partners.map(ownedArrayBuffer) } : {}),
  };
}

function modelOf(v: Record<string, unknown>): TrainedModel {
  const partners = v.partners as ArrayBuffer[] | undefined;
  return {
    meta: v.meta as TrainedModel['meta'],
    weights: new Uint8Array(v.weights as ArrayBuffer),
    ...(partners?.length ? { partners: partners.map((p) => new Uint8Array(p)) } : {}),
  };
}

export function encodeModelFile(model: TrainedModel): Uint8Array {
  return pack(MODEL_MAGIC, modelParts(model));
}

export function decodeModelFile(bytes: Uint8Array): TrainedModel {
  return modelOf(unpack(MODEL_MAGIC, bytes, 'model'));
}

export function encodeCheckpointFile(c: Checkpoint): Uint8Array {
  return pack(CHECKPOINT_MAGIC, {
    config: c.config,
    iteration: c.iteration,
    ...modelParts(c.model),
    methodState: c.methodState ? ownedArrayBuffer(c.methodState) : null,
    optimizerState: c.optimizerState ? ownedArrayBuffer(c.optimizerState) : null,
  });
}

export function decodeCheckpointFile(bytes: Uint8Array): Checkpoint {
  const v = unpack(CHECKPOINT_MAGIC, bytes, 'checkpoint');
  return {
    config: v.config as Checkpoint['config'],
    iteration: v.iteration as number,
    model: modelOf(v),
    methodState: v.methodState ? new Uint8Array(v.methodState as ArrayBuffer) : null,
    optimizerState: v.optimizerState ? new Uint8Array(v.optimizerState as ArrayBuffer) : null,
  };
}
