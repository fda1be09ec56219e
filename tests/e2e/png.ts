import { inflateSync } from 'node:zlib';

export interface DecodedPng {
  width: number;
  height: number;
  /** RGBA, 8 bits per channel, row-major from the top-left. */
  rgba: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/**
 * A small PNG decoder for screenshots: 8-bit greyscale, grey+alpha, RGB or RGBA, not interlaced
 * (what Chromium writes). Enough to read pixels back without a dependency.
 */
export function decodePng(png: Uint8Array): DecodedPng {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (!buf.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let colorType = -1;
  const idat: Buffer[] = [];
  while (offset < buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('latin1', offset + 4, offset + 8);
    const data = buf.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const bitDepth = data[8];
      colorType = data[9];
      const interlace = data[12];
      if (bitDepth !== 8 || !(colorType in CHANNELS) || interlace !== 0) {
        throw new Error(`unsupported PNG (bit depth ${bitDepth}, colour type ${colorType}, interlace ${interlace})`);
      }
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
    offset += 12 + length;
  }
  const channels = CHANNELS[colorType];
  const stride = width * channels;
  const raw = inflateSync(Buffer.concat(idat));
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[row + x - channels] : 0;
      const b = y > 0 ? out[row - stride + x] : 0;
      const c = x >= channels && y > 0 ? out[row - stride + x - channels] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) throw new Error(`bad PNG filter ${filter}`);
      out[row + x] = v & 0xff;
    }
  }
  if (channels === 4) return { width, height, rgba: out };
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const s = i * channels;
    const grey = channels <= 2;
    rgba[i * 4] = out[s];
    rgba[i * 4 + 1] = grey ? out[s] : out[s + 1];
    rgba[i * 4 + 2] = grey ? out[s] : out[s + 2];
    rgba[i * 4 + 3] = channels === 2 ? out[s + 1] : channels === 4 ? out[s + 3] : 255;
  }
  return { width, height, rgba };
}

export interface RegionStats {
  pixels: number;
  /** Share of pixels brighter than the (black) background. */
  foreground: number;
  /** Distinct grey levels among foreground pixels. */
  levels: number;
  /** Mean and standard deviation of luminance (0..255) over the region. */
  mean: number;
  stdDev: number;
  /** Share of pixels that are coloured (not grey), e.g. a label overlay. */
  coloured: number;
}

/** Statistics of a rectangle given as fractions of the image (0..1). */
export function regionStats(img: DecodedPng, region: { x0: number; y0: number; x1: number; y1: number }, threshold = 12): RegionStats {
  const xs = Math.floor(region.x0 * img.width);
  const xe = Math.ceil(region.x1 * img.width);
  const ys = Math.floor(region.y0 * img.height);
  const ye = Math.ceil(region.y1 * img.height);
  let n = 0;
  let fg = 0;
  let coloured = 0;
  let sum = 0;
  let sum2 = 0;
  const levels = new Set<number>();
  for (let y = ys; y < ye; y++) {
    for (let x = xs; x < xe; x++) {
      const i = (y * img.width + x) * 4;
      const [r, g, b] = [img.rgba[i], img.rgba[i + 1], img.rgba[i + 2]];
      const lum = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
      n++;
      sum += lum;
      sum2 += lum * lum;
      if (lum > threshold) {
        fg++;
        levels.add(lum);
      }
      if (Math.max(r, g, b) - Math.min(r, g, b) > 40) coloured++;
    }
  }
  const mean = sum / Math.max(1, n);
  return {
    pixels: n,
    foreground: fg / Math.max(1, n),
    levels: levels.size,
    mean,
    stdDev: Math.sqrt(Math.max(0, sum2 / Math.max(1, n) - mean * mean)),
    coloured: coloured / Math.max(1, n),
  };
}
