import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createNiftiHeader, writeNifti, type NiftiDatatype } from '../io/index.ts';
import { serialiseHeader } from '../io/niftiHeader.ts';

/**
 * Malformed and odd NIfTI inputs, each with what `atrium import` must do with it. Written
 * fresh into a folder on every run (nothing binary is committed); every case is small on disk,
 * the bombs included: they repeat one compressed member of zeros.
 */
export interface BadInputCase {
  id: string;
  path: string;
  expect: 'accept' | 'refuse';
  /** extra `atrium import` options */
  args?: string[];
  /** decompressed size of an accepted scan, to size the memory target by */
  scanBytes?: number;
}

const ALL_TYPES: NiftiDatatype[] = ['uint8', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'float64'];
const ARRAYS = {
  uint8: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float32: Float32Array,
  float64: Float64Array,
};

/** NIfTI-1 byte positions edited below. */
const AT = {
  sizeofHdr: 0,
  dim: 40,
  datatype: 70,
  bitpix: 72,
  pixdim: 76,
  voxOffset: 108,
  sclSlope: 112,
  sclInter: 116,
  qformCode: 252,
  sformCode: 254,
  srowX: 280,
  magic: 344,
  extension: 348,
};
/** [offset, width, count] of every numeric NIfTI-1 field, for byte-swapping a header. */
const NIFTI1_FIELDS: [number, number, number][] = [
  [0, 4, 1],
  [32, 4, 1],
  [36, 2, 1],
  [40, 2, 8],
  [56, 4, 3],
  [68, 2, 4],
  [76, 4, 8],
  [108, 4, 3],
  [120, 2, 1],
  [124, 4, 4],
  [140, 4, 2],
  [252, 2, 2],
  [256, 4, 18],
];

/** A bright ball in a dark box, so an accepted scan holds something like an image. */
function phantom(shape: [number, number, number], datatype: NiftiDatatype) {
  const [ni, nj, nk] = shape;
  const data = new ARRAYS[datatype](ni * nj * nk);
  const r = Math.min(ni, nj, nk) / 3;
  for (let k = 0, n = 0; k < nk; k++)
    for (let j = 0; j < nj; j++)
      for (let i = 0; i < ni; i++, n++) {
        const d = Math.hypot(i - ni / 2, j - nj / 2, k - nk / 2);
        data[n] = d < r ? 100 + ((i + j + k) % 20) : (i * 7 + j * 3 + k) % 10;
      }
  return data;
}

function nifti1(shape: [number, number, number] = [16, 16, 12], datatype: NiftiDatatype = 'int16'): Uint8Array {
  return writeNifti(createNiftiHeader({ shape, spacing: [1, 1, 1.5], datatype }), phantom(shape, datatype));
}

/** A copy of `bytes` with `change` applied to a DataView of it (little-endian fields). */
function edited(bytes: Uint8Array, change: (view: DataView, bytes: Uint8Array) => void): Uint8Array {
  const copy = new Uint8Array(bytes);
  change(new DataView(copy.buffer), copy);
  return copy;
}

function bigEndian(bytes: Uint8Array, voxelBytes: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  const swap = (at: number, width: number) => copy.subarray(at, at + width).reverse();
  for (const [at, width, count] of NIFTI1_FIELDS) for (let i = 0; i < count; i++) swap(at + i * width, width);
  for (let at = 352; at + voxelBytes <= copy.length; at += voxelBytes) swap(at, voxelBytes);
  return copy;
}

/** A NIfTI-2 file of int16 voxels with a diagonal sform; `dims` may declare more than is stored. */
function nifti2(shape: number[], stored: Int16Array): Uint8Array {
  const bytes = new Uint8Array(544 + stored.byteLength);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, 540, true);
  bytes.set([0x6e, 0x2b, 0x32, 0, 0x0d, 0x0a, 0x1a, 0x0a], 4);
  view.setInt16(12, 4, true);
  view.setInt16(14, 16, true);
  view.setBigInt64(16, BigInt(shape.length), true);
  shape.forEach((n, i) => view.setBigInt64(24 + 8 * i, BigInt(n), true));
  for (let i = 0; i < 8; i++) view.setFloat64(104 + 8 * i, 1, true);
  view.setBigInt64(168, 544n, true);
  view.setFloat64(176, 1, true);
  view.setInt32(348, 2, true);
  [0, 1, 2].forEach((row) => view.setFloat64(400 + 32 * row + 8 * row, 1, true));
  view.setInt32(500, 2, true);
  bytes.set(new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength), 544);
  return bytes;
}

const ZERO_MEMBER = gzipSync(new Uint8Array(1 << 20), { level: 1 });

/** A gzipped header declaring `shape` uint8 voxels, then `heldMiB` MiB of zeros as repeated gzip members. */
export function zeroBomb(shape: [number, number, number], heldMiB: number): Uint8Array {
  const header = serialiseHeader(createNiftiHeader({ shape, spacing: [1, 1, 1], datatype: 'uint8' }));
  return Buffer.concat([gzipSync(header), ...Array.from({ length: heldMiB }, () => ZERO_MEMBER)]);
}

function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function writeBadInputCorpus(dir: string): BadInputCase[] {
  mkdirSync(dir, { recursive: true });
  const cases: BadInputCase[] = [];
  const add = (id: string, bytes: Uint8Array, expect: BadInputCase['expect'], args?: string[], scanBytes?: number) => {
    const path = join(dir, id);
    writeFileSync(path, bytes);
    cases.push({ id, path, expect, args, scanBytes });
  };
  const accept = (id: string, bytes: Uint8Array, args?: string[]) => add(id, bytes, 'accept', args, bytes.length);
  const acceptGz = (id: string, plain: Uint8Array, args?: string[]) => add(id, gzipSync(plain), 'accept', args, plain.length);
  const refuse = (id: string, bytes: Uint8Array, args?: string[]) => add(id, bytes, 'refuse', args);

  // Legitimate inputs: every datatype, both byte orders, both versions, gzipped or not.
  for (const type of ALL_TYPES) {
    accept(`ok-${type}.nii`, nifti1([16, 16, 12], type));
    acceptGz(`ok-${type}.nii.gz`, nifti1([16, 16, 12], type));
  }
  for (const type of ['int16', 'float32', 'float64'] as const) {
    const be = bigEndian(nifti1([16, 16, 12], type), { int16: 2, float32: 4, float64: 8 }[type]);
    accept(`ok-big-endian-${type}.nii`, be);
    acceptGz(`ok-big-endian-${type}.nii.gz`, be);
  }
  const base = nifti1();
  const n2 = nifti2([16, 16, 12], phantom([16, 16, 12], 'int16') as Int16Array);
  accept('ok-nifti2.nii', n2);
  acceptGz('ok-nifti2.nii.gz', n2);
  const largest = nifti1([256, 256, 170], 'int16');
  acceptGz('ok-largest-256x256x170-int16.nii.gz', largest);
  accept('ok-1x1x1.nii', nifti1([1, 1, 1], 'uint8'));
  accept('ok-renamed-gzip.nii', gzipSync(base));
  add('ok-gzip-misnamed.nii.gz', base, 'accept', undefined, base.length);
  add('ok-two-members.nii.gz', Buffer.concat([gzipSync(base.subarray(0, 200)), gzipSync(base.subarray(200))]), 'accept', undefined, base.length);
  add(
    'ok-member-per-header-byte.nii.gz',
    Buffer.concat([...Array.from(base.subarray(0, 360), (b) => gzipSync(Uint8Array.of(b))), gzipSync(base.subarray(360))]),
    'accept',
    undefined,
    base.length,
  );
  add('ok-gzip-level-0.nii.gz', gzipSync(base, { level: 0 }), 'accept', undefined, base.length);
  const withExtension = (() => {
    const ext = new Uint8Array(32);
    new DataView(ext.buffer).setInt32(0, 32, true);
    new DataView(ext.buffer).setInt32(4, 6, true);
    ext.set(ascii('a comment extension'), 8);
    const bytes = new Uint8Array(base.length + 32);
    bytes.set(base.subarray(0, 348));
    bytes.set([1, 0, 0, 0], 348);
    bytes.set(ext, 352);
    bytes.set(base.subarray(352), 384);
    new DataView(bytes.buffer).setFloat32(AT.voxOffset, 384, true);
    return bytes;
  })();
  accept('ok-extension.nii', withExtension);
  acceptGz('ok-extension.nii.gz', withExtension);
  accept(
    'ok-slope-zero.nii',
    edited(base, (v) => v.setFloat32(AT.sclSlope, 0, true)),
  );
  accept(
    'ok-slope-nan.nii',
    edited(base, (v) => v.setFloat32(AT.sclSlope, NaN, true)),
  );
  accept(
    'ok-slope-2-inter-5.nii',
    edited(base, (v) => {
      v.setFloat32(AT.sclSlope, 2, true);
      v.setFloat32(AT.sclInter, 5, true);
    }),
  );
  accept('ok-trailing-bytes.nii', Buffer.concat([base, new Uint8Array(100)]));
  const fourD = (frames: number) =>
    edited(Buffer.concat([base, ...Array.from({ length: frames - 1 }, () => base.subarray(352))]), (v) => {
      v.setInt16(AT.dim, 4, true);
      v.setInt16(AT.dim + 8, frames, true);
    });
  accept('ok-4d-first-frame.nii', fourD(3), ['--first-frame']);
  acceptGz('ok-4d-first-frame.nii.gz', fourD(3), ['--first-frame']);
  accept('ok-4d-one-frame.nii', fourD(1));

  // Not NIfTI at all.
  refuse('empty.nii', new Uint8Array(0));
  refuse('three-bytes.nii', Uint8Array.of(1, 2, 3));
  refuse('text.nii', ascii('this is not a scan\n'.repeat(40)));
  refuse('png.nii', Buffer.concat([Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), new Uint8Array(600)]));
  refuse('dicom.nii', Buffer.concat([new Uint8Array(128), ascii('DICM'), new Uint8Array(600)]));
  refuse('zip.nii.gz', Buffer.concat([ascii('PK\x03\x04'), new Uint8Array(600)]));
  refuse('gzip-of-text.nii.gz', gzipSync(ascii('hello '.repeat(200))));
  refuse('gzip-of-gzip.nii.gz', gzipSync(gzipSync(base)));
  refuse('gzip-empty.nii.gz', gzipSync(new Uint8Array(0)));
  refuse('gzip-header-only-10-bytes.nii.gz', gzipSync(base).subarray(0, 10));

  // Header fields out of range.
  for (const size of [0, 347, 349, -348, 540])
    refuse(
      `sizeof-hdr-${size}.nii`,
      edited(base, (v) => v.setInt32(AT.sizeofHdr, size, true)),
    );
  for (const [name, magic] of [
    ['pair-ni1', 'ni1\0'],
    ['analyze-zeros', '\0\0\0\0'],
    ['garbage', 'xyz!'],
    ['n+2-in-nifti1', 'n+2\0'],
  ] as const) {
    refuse(
      `magic-${name}.nii`,
      edited(base, (_, b) => b.set(ascii(magic), AT.magic)),
    );
  }
  for (const ndim of [0, 8, -1, 32767])
    refuse(
      `dim0-${ndim}.nii`,
      edited(base, (v) => v.setInt16(AT.dim, ndim, true)),
    );
  for (const [axis, size] of [
    [1, 0],
    [2, -5],
    [3, 0],
    [3, -32768],
  ])
    refuse(
      `dim${axis}-${size}.nii`,
      edited(base, (v) => v.setInt16(AT.dim + 2 * axis, size, true)),
    );
  for (const code of [0, 1, 32, 128, 1536, 1792, 2304, 999, -4])
    refuse(
      `datatype-${code}.nii`,
      edited(base, (v) => v.setInt16(AT.datatype, code, true)),
    );
  for (const [name, offset] of [
    ['inside-header', 100],
    ['negative', -352],
    ['nan', NaN],
    ['fraction', 352.5],
    ['beyond-end', 1e6],
    ['huge', 1e30],
    ['infinite', Infinity],
  ] as const) {
    refuse(
      `vox-offset-${name}.nii`,
      edited(base, (v) => v.setFloat32(AT.voxOffset, offset, true)),
    );
  }
  refuse('vox-offset-beyond-end.nii.gz', gzipSync(edited(base, (v) => v.setFloat32(AT.voxOffset, 1e6, true))));
  refuse(
    'slope-2-inter-nan.nii',
    edited(base, (v) => {
      v.setFloat32(AT.sclSlope, 2, true);
      v.setFloat32(AT.sclInter, NaN, true);
    }),
  );
  refuse(
    'slope-2-inter-inf.nii',
    edited(base, (v) => {
      v.setFloat32(AT.sclSlope, 2, true);
      v.setFloat32(AT.sclInter, Infinity, true);
    }),
  );
  refuse(
    'sform-nan.nii',
    edited(base, (v) => v.setFloat32(AT.srowX, NaN, true)),
  );
  refuse(
    'sform-infinite-offset.nii',
    edited(base, (v) => v.setFloat32(AT.srowX + 12, Infinity, true)),
  );
  refuse(
    'float-voxels-nan.nii',
    edited(nifti1([16, 16, 12], 'float32'), (v) => v.setFloat32(352 + 400, NaN, true)),
  );
  refuse(
    'float-voxels-infinite.nii',
    edited(nifti1([16, 16, 12], 'float64'), (v) => v.setFloat64(352 + 800, -Infinity, true)),
  );
  refuse('4d-without-first-frame.nii', fourD(3));
  refuse('4d-without-first-frame.nii.gz', gzipSync(fourD(3)));
  refuse(
    'nifti2-text-mode-damage.nii',
    edited(n2, (_, b) => b.set([0x0a, 0x0a, 0x1a, 0x0a], 8)),
  );

  // Truncated data.
  for (const keep of [0.99, 0.5, 0.1]) {
    const cut = base.subarray(0, Math.floor(base.length * keep));
    refuse(`truncated-voxels-${keep}.nii`, cut);
    refuse(`truncated-voxels-${keep}.nii.gz`, gzipSync(cut));
  }
  refuse('truncated-header-200.nii', base.subarray(0, 200));
  refuse('truncated-header-347.nii', base.subarray(0, 347));
  refuse('header-only.nii', base.subarray(0, 352));

  // The gzip layer.
  const gz = gzipSync(nifti1([32, 32, 24], 'float32'));
  for (const keep of [0.9, 0.5, 0.05]) refuse(`gzip-truncated-${keep}.nii.gz`, gz.subarray(0, Math.floor(gz.length * keep)));
  refuse('gzip-truncated-no-trailer.nii.gz', gz.subarray(0, gz.length - 8));
  for (const at of [12, 40, 0.5, 0.9]) {
    const offset = at < 1 ? Math.floor(gz.length * at) : at;
    refuse(
      `gzip-corrupt-byte-${at}.nii.gz`,
      edited(gz, (_, b) => {
        for (let i = offset; i < offset + 8; i++) b[i] ^= 0xa5;
      }),
    );
  }
  refuse(
    'gzip-bad-crc.nii.gz',
    edited(gz, (_, b) => {
      b[b.length - 6] ^= 0xff;
    }),
  );
  refuse(
    'gzip-bad-length.nii.gz',
    edited(gz, (_, b) => {
      b[b.length - 2] ^= 0xff;
    }),
  );
  refuse(
    'gzip-bad-method.nii.gz',
    edited(gz, (_, b) => {
      b[2] = 9;
    }),
  );
  refuse('gzip-trailing-text.nii.gz', Buffer.concat([gz, ascii('appended junk')]));
  // Zero padding after the last member is ignored, as gzip(1) does.
  add('ok-gzip-trailing-zeros.nii.gz', Buffer.concat([gz, new Uint8Array(512)]), 'accept', undefined, gunzipSync(gz).length);
  refuse('gzip-trailing-partial-member.nii.gz', Buffer.concat([gz, gz.subarray(0, 30)]));
  // A second member after the declared data is padding a reader may ignore, as nibabel does.
  add('ok-gzip-concatenated-two-scans.nii.gz', Buffer.concat([gz, gz]), 'accept', undefined, gunzipSync(gz).length);

  // Declared sizes out of proportion: refused from the header, before memory is committed.
  refuse('bomb-8GiB-declared-3GiB-held.nii.gz', zeroBomb([2048, 2048, 2048], 3072));
  refuse('bomb-64GiB-declared-256MiB-held.nii.gz', zeroBomb([4096, 4096, 4096], 256));
  refuse('bomb-32TiB-declared.nii.gz', zeroBomb([32767, 32767, 32767], 4));
  refuse('bomb-declares-1000-voxels-holds-512MiB.nii.gz', zeroBomb([10, 10, 10], 512));
  refuse(
    'huge-dims-uncompressed.nii',
    edited(base, (v) => {
      v.setInt16(AT.dim + 2, 32767, true);
      v.setInt16(AT.dim + 4, 32767, true);
      v.setInt16(AT.dim + 6, 32767, true);
    }),
  );
  refuse(
    'huge-7d-uncompressed.nii',
    edited(base, (v) => {
      v.setInt16(AT.dim, 7, true);
      for (let i = 4; i <= 7; i++) v.setInt16(AT.dim + 2 * i, 32767, true);
    }),
    ['--first-frame'],
  );
  refuse(
    'huge-4d-first-frame.nii.gz',
    gzipSync(
      edited(base, (v) => {
        v.setInt16(AT.dim, 4, true);
        v.setInt16(AT.dim + 8, 32767, true);
        v.setInt16(AT.dim + 2, 32767, true);
      }),
    ),
    ['--first-frame'],
  );
  refuse('nifti2-dims-2^40.nii', nifti2([2 ** 40, 1, 1], new Int16Array(16)));
  refuse('nifti2-dims-2^40.nii.gz', gzipSync(nifti2([2 ** 40, 1, 1], new Int16Array(16))));
  refuse('nifti2-dims-overflow.nii.gz', gzipSync(nifti2([2 ** 62, 2 ** 62, 2 ** 62], new Int16Array(16))));
  refuse('nifti2-dims-negative.nii', nifti2([-(2 ** 40), 16, 12], new Int16Array(16)));

  // Things that are not regular files.
  const folder = join(dir, 'a-folder.nii.gz');
  mkdirSync(folder, { recursive: true });
  cases.push({ id: 'folder', path: folder, expect: 'refuse' });
  const fifo = join(dir, 'fifo.nii.gz');
  execFileSync('mkfifo', [fifo]);
  cases.push({ id: 'fifo', path: fifo, expect: 'refuse' });
  cases.push({ id: 'dev-zero', path: '/dev/zero', expect: 'refuse' });
  cases.push({ id: 'dev-urandom', path: '/dev/urandom', expect: 'refuse' });
  cases.push({ id: 'dev-null', path: '/dev/null', expect: 'refuse' });
  cases.push({ id: 'missing', path: join(dir, 'no-such-file.nii.gz'), expect: 'refuse' });
  const dangling = join(dir, 'dangling-link.nii');
  symlinkSync(join(dir, 'nowhere.nii'), dangling);
  cases.push({ id: 'dangling-link', path: dangling, expect: 'refuse' });
  const linkToFolder = join(dir, 'link-to-folder.nii');
  symlinkSync(folder, linkToFolder);
  cases.push({ id: 'link-to-folder', path: linkToFolder, expect: 'refuse' });
  const sparse = join(dir, 'sparse-5GiB.nii');
  writeFileSync(sparse, base.subarray(0, 352));
  truncateSync(sparse, 5 * 2 ** 30);
  cases.push({ id: 'sparse-5GiB', path: sparse, expect: 'refuse' });
  return cases;
}
