/**
 * Random access into a zip archive held in memory: the central directory is parsed once, then any
 * entry is inflated on its own (fflate's inflateSync). fflate's own unzip reads whole archives or
 * re-scans the directory per call, which is quadratic for thousands of images read one at a time.
 * Handles stored and deflated entries and Zip64 sizes/offsets; other methods fail with a clear message.
 */
import { inflateSync } from 'fflate';

export interface ZipEntryInfo {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  encrypted: boolean;
}

export class ZipFormatError extends Error {
  override name = 'ZipFormatError';
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function u64(dv: DataView, at: number): number {
  return dv.getUint32(at, true) + dv.getUint32(at + 4, true) * 2 ** 32;
}

export class ZipIndex {
  readonly entries = new Map<string, ZipEntryInfo>();
  private readonly dv: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const dv = this.dv;
    // End of central directory: 22 bytes + a comment of up to 65535 bytes, searched from the end.
    let eocd = -1;
    for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
      if (dv.getUint32(i, true) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new ZipFormatError('not a zip archive (no end-of-central-directory record)');
    let count = dv.getUint16(eocd + 10, true);
    let offset = dv.getUint32(eocd + 16, true);
    if ((count === 0xffff || offset === 0xffffffff) && eocd >= 20 && dv.getUint32(eocd - 20, true) === EOCD64_LOCATOR) {
      const at = u64(dv, eocd - 20 + 8);
      if (dv.getUint32(at, true) !== EOCD64) throw new ZipFormatError('corrupt Zip64 end-of-central-directory record');
      count = u64(dv, at + 32);
      offset = u64(dv, at + 48);
    }
    let p = offset;
    for (let i = 0; i < count; i++) {
      if (p + 46 > bytes.length || dv.getUint32(p, true) !== CENTRAL) throw new ZipFormatError(`corrupt central directory at entry ${i}`);
      const flags = dv.getUint16(p + 8, true);
      const method = dv.getUint16(p + 10, true);
      let compressedSize = dv.getUint32(p + 20, true);
      let size = dv.getUint32(p + 24, true);
      const nameLen = dv.getUint16(p + 28, true);
      const extraLen = dv.getUint16(p + 30, true);
      const commentLen = dv.getUint16(p + 32, true);
      let localHeaderOffset = dv.getUint32(p + 42, true);
      const nameBytes = bytes.subarray(p + 46, p + 46 + nameLen);
      // Bit 11: UTF-8 names. Others are CP437 in theory; latin1 keeps ASCII names intact.
      const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(nameBytes);
      // Zip64 extra field (id 1) holds the values that overflowed 32 bits, in this order.
      let e = p + 46 + nameLen;
      const extraEnd = e + extraLen;
      while (e + 4 <= extraEnd) {
        const id = dv.getUint16(e, true);
        const len = dv.getUint16(e + 2, true);
        if (id === 1) {
          let q = e + 4;
          if (size === 0xffffffff) {
            size = u64(dv, q);
            q += 8;
          }
          if (compressedSize === 0xffffffff) {
            compressedSize = u64(dv, q);
            q += 8;
          }
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = u64(dv, q);
        }
        e += 4 + len;
      }
      if (!name.endsWith('/'))
        this.entries.set(name, { name, method, compressedSize, size, localHeaderOffset, encrypted: (flags & 1) === 1 });
      p = extraEnd + commentLen;
    }
  }

  get names(): string[] {
    return [...this.entries.keys()];
  }

  /** Inflates one entry. Throws ZipFormatError naming the entry on any problem. */
  read(name: string): Uint8Array {
    const info = this.entries.get(name);
    if (!info) throw new ZipFormatError(`no entry ${name}`);
    if (info.encrypted) throw new ZipFormatError(`${name}: encrypted (password-protected) entries are not supported`);
    const dv = this.dv;
    const at = info.localHeaderOffset;
    if (at + 30 > this.bytes.length || dv.getUint32(at, true) !== LOCAL) throw new ZipFormatError(`${name}: corrupt local header`);
    const start = at + 30 + dv.getUint16(at + 26, true) + dv.getUint16(at + 28, true);
    const data = this.bytes.subarray(start, start + info.compressedSize);
    if (data.length !== info.compressedSize) throw new ZipFormatError(`${name}: truncated entry`);
    if (info.method === 0) return data;
    if (info.method === 8) {
      try {
        return inflateSync(data, { out: new Uint8Array(info.size) });
      } catch (err) {
        throw new ZipFormatError(`${name}: ${(err as Error).message}`);
      }
    }
    throw new ZipFormatError(`${name}: compression method ${info.method} is not supported (only stored and deflate)`);
  }
}
