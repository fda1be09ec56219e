import * as tf from '@tensorflow/tfjs-core';

// Layout operations: the gradient moves dy back to where each input element
// came from.

const undoPermutation = (perm: number[]) => tf.backend_util.getUndoAxesPermutation(perm);

/**
 * tile repeats the whole input reps[i] times along axis i, so dy reshaped to
 * [reps0, size0, reps1, size1, ...] holds every copy of an element along the
 * rep axes; summing them is the gradient. Unlike tfjs' per-copy slicing loop
 * this works at every rank (tfjs stops at rank 4, which breaks broadcastTo at
 * rank 5).
 */
function tileGradient(dy: tf.Tensor, inputShape: number[], reps: number[]): tf.Tensor {
  const interleaved = inputShape.flatMap((size, i) => [reps[i], size]);
  const repAxes = inputShape.map((_, i) => 2 * i);
  return tf.reshape(tf.sum(tf.reshape(dy, interleaved), repAxes), inputShape);
}

export const shapeGradients: tf.GradConfig[] = [
  {
    kernelName: tf.Reshape,
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.reshape(dy as tf.Tensor, x.shape) }),
  },
  {
    kernelName: tf.ExpandDims,
    inputsToSave: ['input'],
    gradFunc: (dy, [input]) => ({ input: () => tf.reshape(dy as tf.Tensor, input.shape) }),
  },
  {
    kernelName: tf.Transpose,
    gradFunc: (dy, _saved, attrs) => {
      const { perm } = attrs as unknown as tf.TransposeAttrs;
      return { x: () => tf.transpose(dy as tf.Tensor, undoPermutation(perm)) };
    },
  },
  {
    kernelName: tf.Concat,
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const axis = tf.util.parseAxisParam((attrs as unknown as tf.ConcatAttrs).axis, saved[0].shape)[0];
      const parts = tf.split(
        dy as tf.Tensor,
        saved.map((t) => t.shape[axis]),
        axis,
      );
      return Object.fromEntries(parts.map((part, i) => [i, () => part]));
    },
  },
  {
    kernelName: tf.Slice,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const { begin, size } = attrs as unknown as tf.SliceAttrs;
      const [start, extent] = tf.slice_util.parseSliceParams(x, begin, size);
      const paddings = x.shape.map((dim, i): [number, number] => [start[i], dim - start[i] - extent[i]]);
      return { x: () => tf.pad(dy as tf.Tensor, paddings) };
    },
  },
  {
    kernelName: tf.SplitV,
    gradFunc: (dy, _saved, attrs) => {
      const { axis } = attrs as unknown as tf.SplitVAttrs;
      return { x: () => tf.concat(dy as tf.Tensor[], axis) };
    },
  },
  {
    kernelName: tf.Pack,
    saveAllInputs: true,
    gradFunc: (dy, _saved, attrs) => {
      const { axis } = attrs as unknown as tf.PackAttrs;
      return Object.fromEntries(tf.unstack(dy as tf.Tensor, axis).map((part, i) => [i, () => part]));
    },
  },
  {
    kernelName: tf.Unpack,
    gradFunc: (dy, _saved, attrs) => {
      const { axis } = attrs as unknown as tf.UnpackAttrs;
      return { value: () => tf.stack(dy as tf.Tensor[], axis) };
    },
  },
  {
    kernelName: tf.PadV2,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const { paddings } = attrs as unknown as tf.PadV2Attrs;
      return {
        x: () =>
          tf.slice(
            dy as tf.Tensor,
            paddings.map((p) => p[0]),
            x.shape,
          ),
      };
    },
  },
  {
    kernelName: tf.Reverse,
    gradFunc: (dy, _saved, attrs) => {
      const { dims } = attrs as unknown as tf.ReverseAttrs;
      return { x: () => tf.reverse(dy as tf.Tensor, dims) };
    },
  },
  {
    kernelName: tf.Tile,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const { reps } = attrs as unknown as tf.TileAttrs;
      return { x: () => tileGradient(dy as tf.Tensor, x.shape, reps) };
    },
  },
  {
    kernelName: tf.GatherV2,
    inputsToSave: ['x', 'indices'],
    gradFunc: (dy, [x, indices], attrs) => {
      const { axis, batchDims } = attrs as unknown as tf.GatherV2Attrs;
      if (batchDims !== 0) throw new Error('gather gradient: batchDims > 0 is not supported');
      const gatherAxis = tf.util.parseAxisParam(axis, x.shape)[0];
      return {
        // Move the gathered axis first, scatter-add rows back to their source index, then
        // restore the axis order. scatterND sums repeated indices in one pass; the cpu
        // backend's unsortedSegmentSum costs O(rows · N) and took about a minute to scatter a
        // few thousand voxel embeddings (CAML, contrastive).
        x: () => {
          const outer = x.shape.slice(0, gatherAxis);
          const inner = x.shape.slice(gatherAxis + 1);
          const values = tf.reshape(dy as tf.Tensor, [...outer, indices.size, ...inner]);
          const perm = [outer.length, ...outer.map((_, i) => i), ...inner.map((_, i) => outer.length + 1 + i)];
          const rows = tf.reshape(tf.cast(indices, 'int32'), [indices.size, 1]);
          const summed = tf.scatterND(rows, tf.transpose(values, perm), [x.shape[gatherAxis]!, ...outer, ...inner]);
          return tf.transpose(summed, undoPermutation(perm));
        },
        indices: () => tf.zeros(indices.shape, 'float32'),
      };
    },
  },
];
