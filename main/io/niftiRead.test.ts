import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  N1,
  UNSUPPORTED_FIXTURES,
  expected,
  fixtureBytes,
  fixtureNames,
  fixturePath,
  readableFixtures,
  sameValues,
} from '../../tests/fixtures/nifti/fixtures.ts';
import { affineOf, orientationCode, spacingOf } from './affine.ts';
import { sameGeometry } from './geometry.ts';
import { NiftiError } from './niftiErrors.ts';
import { readNifti, readNiftiFile } from './niftiRead.ts';
import { scaledData } from './niftiValues.ts';
import { writeNifti } from './niftiWrite.ts';
import { createNiftiHeader } from './niftiCreate.ts';
import { serialiseHeader } from './niftiHeader.ts';
import { MAX_SCAN_BYTES_ENV } from './scanLimits.ts';

const CH2BET = '/usr/share/mricron/templates/ch2bet.nii.gz';

function isRefusal(err: unknown, file: string, problem: RegExp): true {
  assert.ok(err instanceof NiftiError, `expected a NiftiError, got ${String(err)}`);
  assert.equal(err.file, file);
  assert.match(err.problem, problem);
  assert.equal(err.message, `${file}: ${err.problem}`);
  return true;
}

function refused(bytes: Uint8Array, file: string, problem: RegExp, opts?: { firstFrameOnly?: boolean }): void {
  assert.throws(
    () => readNifti(bytes, file, opts),
    (err: unknown) => isRefusal(err, file, problem),
  );
}

test("voxels of every fixture equal nibabel's, in file order, bit for bit", () => {
  for (const name of readableFixtures()) {
    const want = expected(name);
    const img = readNifti(fixtureBytes(name), name, { firstFrameOnly: true });
    assert.deepStrictEqual(
      img.shape,
      [0, 1, 2].map((i) => want.shape[i] ?? 1),
      name,
    );
    assert.equal(img.header.datatype, want.dtype, name);
    assert.equal(sameValues(img.data, want.data!), null, name);
  }
});

test('the array type follows the datatype, in host byte order for big-endian files', () => {
  const types: Record<string, string> = {
    'dt_uint8.nii': 'Uint8Array',
    'dt_int8.nii': 'Int8Array',
    'dt_int16.nii': 'Int16Array',
    'dt_uint16.nii': 'Uint16Array',
    'dt_int32.nii': 'Int32Array',
    'dt_uint32.nii': 'Uint32Array',
    'dt_float32.nii': 'Float32Array',
    'dt_float64.nii': 'Float64Array',
    'be_int16.nii': 'Int16Array',
    'be_uint32.nii': 'Uint32Array',
    'be_float64.nii.gz': 'Float64Array',
  };
  for (const [name, type] of Object.entries(types)) {
    assert.equal(readNifti(fixtureBytes(name), name).data.constructor.name, type, name);
  }
  assert.equal(readNifti(fixtureBytes('be_int16.nii'), 'be_int16.nii').header.littleEndian, false);
});

test('gzip is recognised by its magic bytes, not the file name', () => {
  const gz = fixtureBytes('dt_int16.nii.gz');
  const plain = fixtureBytes('dt_int16.nii');
  assert.equal(sameValues(readNifti(gz, 'misnamed.nii').data, expected('dt_int16.nii.gz').data!), null);
  assert.equal(sameValues(readNifti(plain, 'misnamed.nii.gz').data, expected('dt_int16.nii').data!), null);
  assert.equal(sameValues(readNifti(gzipSync(plain), 'x').data, expected('dt_int16.nii').data!), null, 'a Node Buffer works as input');
});

test('the voxel array never aliases the input buffer', () => {
  const bytes = fixtureBytes('dt_uint8.nii');
  const img = readNifti(bytes, 'dt_uint8.nii');
  const before = Array.from(img.data);
  bytes.fill(7);
  assert.deepStrictEqual(Array.from(img.data), before);
  assert.equal(img.data.byteOffset, 0);
  assert.equal(img.data.buffer.byteLength, img.data.byteLength);
});

test('extensions are kept in header.raw and skipped before the voxels', () => {
  const img = readNifti(fixtureBytes('with_extension.nii'), 'with_extension.nii');
  assert.ok(img.header.voxOffset > 352);
  assert.match(new TextDecoder().decode(img.header.raw.subarray(352)), /kept by the writer, byte for byte/);
});

test('4D files are refused with the frame count unless only the first frame is wanted', () => {
  const name = 'fourd.nii.gz';
  refused(fixtureBytes(name), name, /^4D file with 3 frames; Atrium segments 3D volumes — import its first frame instead\?$/);
  const first = readNifti(fixtureBytes(name), name, { firstFrameOnly: true });
  assert.deepStrictEqual(first.shape, [5, 6, 7]);
  assert.equal(first.data.length, 5 * 6 * 7);
  assert.equal(sameValues(first.data, expected(name).data!), null);
  assert.equal(expected(name).frames, 3);
});

test('5D files are refused the same way, counting every volume', () => {
  const fiveD = new Uint8Array(gunzipSync(fixtureBytes('fourd.nii.gz')));
  const view = new DataView(fiveD.buffer);
  view.setInt16(N1.dim, 5, true);
  view.setInt16(N1.dim + 8, 1, true);
  view.setInt16(N1.dim + 10, 3, true);
  refused(fiveD, 'field.nii', /^5D file with 3 frames; Atrium segments 3D volumes/);
  assert.equal(readNifti(fiveD, 'field.nii', { firstFrameOnly: true }).data.length, 210);
});

test('a 4D file holding a single frame is simply a 3D volume', () => {
  const img = readNifti(fixtureBytes('single_frame_4d.nii'), 'single_frame_4d.nii');
  assert.deepStrictEqual(img.shape, [5, 6, 7]);
});

test('fixtures with datatypes Atrium cannot read are refused by name', () => {
  refused(fixtureBytes('rgb24.nii'), 'rgb24.nii', /RGB24 voxels \(datatype code 128\)/);
  refused(fixtureBytes('complex64.nii'), 'complex64.nii', /complex64 voxels \(datatype code 32\)/);
  assert.equal(expected('rgb24.nii').stored.datatype, 128);
});

test('missing voxel bytes are reported with what the header promised', () => {
  const whole = fixtureBytes('dt_int16.nii');
  refused(whole.subarray(0, whole.length - 10), 'cut.nii', /^truncated: 5×6×7 int16 voxels need 420 bytes after byte 352, but only 410 follow$/);
  refused(whole.subarray(0, 352), 'cut.nii', /only 0 follow/);
  const gz = gzipSync(whole.subarray(0, 600));
  refused(gz, 'cut.nii.gz', /truncated: 5×6×7 int16 voxels need 420 bytes/);
});

test('corrupt and truncated gzip streams are reported as such', () => {
  const gz = fixtureBytes('dt_int16.nii.gz');
  refused(gz.subarray(0, Math.floor(gz.length / 2)), 'half.nii.gz', /gzip stream is truncated \(unexpected end of file\)/);
  refused(gz.subarray(0, 10), 'stub.nii.gz', /gzip stream is truncated/);
  const damaged = gz.slice();
  for (let i = 30; i < 60; i++) damaged[i] ^= 0x5a;
  refused(damaged, 'damaged.nii.gz', /gzip stream is corrupt \(.+\)/);
  const badCrc = gz.slice();
  badCrc[badCrc.length - 6] ^= 0xff;
  refused(badCrc, 'crc.nii.gz', /gzip stream is corrupt \(incorrect data check\)/);
  const badMethod = gz.slice();
  badMethod[2] = 9;
  refused(badMethod, 'method.nii.gz', /gzip stream is corrupt \(unknown compression method\)/);
});

test('readNiftiFile reads plain and gzipped files and names the path in errors', async () => {
  for (const name of ['dt_float32.nii', 'nifti2_be_int16.nii.gz']) {
    const img = await readNiftiFile(fixturePath(name));
    assert.equal(sameValues(img.data, expected(name).data!), null, name);
  }
  const missing = join(tmpdir(), 'atrium-no-such-dir', 'scan.nii.gz');
  await assert.rejects(readNiftiFile(missing), (err: unknown) => isRefusal(err, missing, /^no such file$/));
  const dir = mkdtempSync(join(tmpdir(), 'atrium-nifti-'));
  try {
    await assert.rejects(readNiftiFile(dir), (err: unknown) => isRefusal(err, dir, /^is a folder, not a NIfTI file/));
    const corrupt = join(dir, 'corrupt.nii.gz');
    writeFileSync(corrupt, fixtureBytes('dt_int16.nii.gz').subarray(0, 100));
    await assert.rejects(readNiftiFile(corrupt), (err: unknown) => isRefusal(err, corrupt, /gzip stream is truncated/));
    const fourD = await readNiftiFile(fixturePath('fourd.nii.gz'), { firstFrameOnly: true });
    assert.deepStrictEqual(fourD.shape, [5, 6, 7]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  'a real MRI from Debian (MRIcron ch2bet): 181×217×181 uint8, RAS, 1 mm',
  { skip: existsSync(CH2BET) ? false : `${CH2BET} not installed (apt install mricron-data)` },
  async () => {
    const img = await readNiftiFile(CH2BET);
    assert.deepStrictEqual(img.shape, [181, 217, 181]);
    assert.equal(img.header.datatype, 'uint8');
    assert.deepStrictEqual(affineOf(img.header), [
      [1, 0, 0, -90],
      [0, 1, 0, -125],
      [0, 0, 1, -71],
      [0, 0, 0, 1],
    ]);
    assert.equal(orientationCode(affineOf(img.header)), 'RAS');
    assert.deepStrictEqual(spacingOf(img.header), [1, 1, 1]);
    assert.ok(
      img.data.some((v) => v > 0),
      'there is a brain in there',
    );
  },
);

/** Small deterministic PRNG so a failing mutation can be replayed. */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('random header corruption and truncation never escape as anything but a NiftiError', () => {
  const random = mulberry32(12345);
  const names = fixtureNames().filter((f) => !f.endsWith('.gz'));
  let accepted = 0;
  for (let round = 0; round < 4000; round++) {
    const name = names[Math.floor(random() * names.length)];
    let bytes = fixtureBytes(name);
    const headerSize = bytes[0] === 0x1c || bytes[3] === 0x1c ? 540 : 348;
    const flips = 1 + Math.floor(random() * 4);
    for (let i = 0; i < flips; i++) bytes[Math.floor(random() * (headerSize + 4))] = Math.floor(random() * 256);
    if (random() < 0.2) bytes = bytes.subarray(0, Math.floor(random() * bytes.length));
    if (random() < 0.1) bytes = gzipSync(bytes);
    const label = `round ${round} (${name})`;
    try {
      const img = readNifti(bytes, name, { firstFrameOnly: random() < 0.5 });
      accepted++;
      const affine = affineOf(img.header);
      assert.ok(affine.flat().every(Number.isFinite), label);
      orientationCode(affine);
      assert.ok(
        spacingOf(img.header).every((s) => Number.isFinite(s) && s > 0),
        label,
      );
      scaledData(img);
      const again = readNifti(writeNifti(img.header, img.data), name);
      assert.deepStrictEqual(sameGeometry(img.header, again.header), { same: true }, label);
    } catch (err) {
      if (!(err instanceof NiftiError)) assert.fail(`${label}: escaped as ${String(err)}`);
      assert.ok(err.message.startsWith(`${name}: `), label);
    }
  }
  assert.ok(accepted > 100, `some mutations are harmless (${accepted} accepted)`);
});

test('UNSUPPORTED_FIXTURES are the only fixtures the reader refuses', () => {
  for (const name of fixtureNames()) {
    const ok = (() => {
      try {
        readNifti(fixtureBytes(name), name, { firstFrameOnly: true });
        return true;
      } catch {
        return false;
      }
    })();
    assert.equal(ok, !UNSUPPORTED_FIXTURES.has(name), name);
  }
});

/** A gzipped header declaring `shape` uint8 voxels, followed by `heldMiB` MiB of zeros in repeated gzip members. */
function zeroBomb(shape: [number, number, number], heldMiB: number): Uint8Array {
  const header = serialiseHeader(createNiftiHeader({ shape, spacing: [1, 1, 1], datatype: 'uint8' }));
  const mebibyte = gzipSync(new Uint8Array(1 << 20), { level: 1 });
  return Buffer.concat([gzipSync(header), ...Array.from({ length: heldMiB }, () => mebibyte)]);
}

function withScanLimit<T>(bytes: number | undefined, run: () => T): T {
  const before = process.env[MAX_SCAN_BYTES_ENV];
  if (bytes === undefined) delete process.env[MAX_SCAN_BYTES_ENV];
  else process.env[MAX_SCAN_BYTES_ENV] = String(bytes);
  try {
    return run();
  } finally {
    if (before === undefined) delete process.env[MAX_SCAN_BYTES_ENV];
    else process.env[MAX_SCAN_BYTES_ENV] = before;
  }
}

test('a gzip bomb whose header declares 8 GiB is refused from its header, before inflating the stream', () => {
  const bomb = zeroBomb([2048, 2048, 2048], 64);
  // The default limit is at most a quarter of memory and never above a Buffer's 4 GiB on Node 20; pin it so the test does not depend on the machine.
  withScanLimit(4 * 2 ** 30, () =>
    refused(
      bomb,
      'bomb.nii.gz',
      /^its header declares 8\.0 GiB of data \(2048×2048×2048 uint8 voxels after byte 352\), over the limit: Atrium loads at most 4\.0 GiB per scan \(set by ATRIUM_MAX_SCAN_BYTES.*crop or downsample/,
    ),
  );
});

test('a stream holding more than its header declares is cut off a little past the declared size', () => {
  const liar = zeroBomb([10, 10, 10], 64);
  refused(liar, 'liar.nii.gz', /^decompresses to more than the 1\.0 MiB its header accounts for, so the header does not describe the data/);
});

test('an uncompressed header declaring more than the limit is refused before its voxels are copied', () => {
  const plain = writeNifti(createNiftiHeader({ shape: [100, 100, 100], spacing: [1, 1, 1], datatype: 'float32' }), new Float32Array(1e6));
  withScanLimit(1e6, () =>
    refused(
      plain,
      'big.nii',
      /^its header declares 3\.8 MiB of data \(100×100×100 float32 voxels after byte 352\), over the limit: Atrium loads at most 976\.6 KiB per scan/,
    ),
  );
  assert.equal(readNifti(plain, 'big.nii').data.length, 1e6);
});

test('a gzip file of several members is read whole, wherever the members split the header and voxels', () => {
  const plain = fixtureBytes('nifti2_be_int16.nii.gz');
  const inflated = gunzipSync(plain);
  const want = expected('nifti2_be_int16.nii.gz').data!;
  for (const cut of [1, 100, 347, 540, 544, inflated.length - 1]) {
    const members = Buffer.concat([gzipSync(inflated.subarray(0, cut)), gzipSync(inflated.subarray(cut))]);
    assert.equal(sameValues(readNifti(members, 'members.nii.gz').data, want), null, `split at byte ${cut}`);
  }
  const oneBytePerMember = Buffer.concat(Array.from(inflated.subarray(0, 600), (b) => gzipSync(Uint8Array.of(b))).concat(gzipSync(inflated.subarray(600))));
  assert.equal(sameValues(readNifti(oneBytePerMember, 'tiny-members.nii.gz').data, want), null);
});

test('trailing garbage after the gzip stream is refused as a damaged file', () => {
  const gz = fixtureBytes('dt_int16.nii.gz');
  refused(
    Buffer.concat([gz, Buffer.from('garbage appended by a broken transfer')]),
    'tail.nii.gz',
    /^gzip stream is corrupt \(incorrect header check\); the file was damaged, or bytes were appended to it/,
  );
  refused(Buffer.concat([gz, Buffer.from([0x1f, 0x8b])]), 'tail2.nii.gz', /^gzip stream is (truncated|corrupt)/);
});

test('random damage to the gzip layer (truncation, flipped deflate bytes, extra members) never escapes as anything but a NiftiError', () => {
  const random = mulberry32(271828);
  const names = fixtureNames().filter((f) => !UNSUPPORTED_FIXTURES.has(f));
  const outcomes = { read: 0, refused: 0 };
  for (let round = 0; round < 1500; round++) {
    const name = names[Math.floor(random() * names.length)];
    const source = fixtureBytes(name);
    const plain = source[0] === 0x1f ? gunzipSync(source) : source;
    let bytes: Uint8Array = gzipSync(plain, { level: 1 + Math.floor(random() * 9) });
    const damage = Math.floor(random() * 4);
    if (damage === 0) bytes = bytes.subarray(0, Math.floor(random() * bytes.length));
    if (damage === 1) {
      bytes = bytes.slice();
      for (let i = 0, n = 1 + Math.floor(random() * 8); i < n; i++) bytes[10 + Math.floor(random() * (bytes.length - 18))] ^= 1 + Math.floor(random() * 255);
    }
    if (damage === 2) bytes = Buffer.concat([bytes, gzipSync(new Uint8Array(Math.floor(random() * 4096)))]);
    if (damage === 3) bytes = Buffer.concat([bytes, new Uint8Array(1 + Math.floor(random() * 64)).map(() => random() * 256)]);
    const label = `round ${round} (${name}, damage ${damage})`;
    try {
      readNifti(bytes, name, { firstFrameOnly: true });
      outcomes.read++;
    } catch (err) {
      if (!(err instanceof NiftiError)) assert.fail(`${label}: escaped as ${String(err)}`);
      assert.ok(err.message.startsWith(`${name}: `), label);
      outcomes.refused++;
    }
  }
  assert.ok(outcomes.read > 100 && outcomes.refused > 100, `both outcomes occur: ${JSON.stringify(outcomes)}`);
});
