/**
 * Just enough of ONNX's protobuf (onnx/onnx.proto, IR 7) to write an inference graph: a hand
 * encoder rather than a protobuf library, since the export writes a handful of message kinds and
 * never reads one. Field numbers are onnx.proto's; repeated scalars are written unpacked, which
 * every proto2 and proto3 reader accepts.
 */

/** Protobuf message under construction: tagged fields appended in order. */
class Message {
  private readonly parts: Uint8Array[] = [];

  private static varint(v: bigint): Uint8Array {
    // int64 fields: a negative value is its 64-bit two's complement (10 bytes), as protobuf writes it.
    let x = v < 0n ? (1n << 64n) + v : v;
    const out: number[] = [];
    do {
      const byte = Number(x & 0x7fn);
      x >>= 7n;
      out.push(x ? byte | 0x80 : byte);
    } while (x);
    return Uint8Array.from(out);
  }

  private tag(field: number, wire: number): void {
    this.parts.push(Message.varint(BigInt((field << 3) | wire)));
  }

  int(field: number, v: number): this {
    this.tag(field, 0);
    this.parts.push(Message.varint(BigInt(v)));
    return this;
  }

  float(field: number, v: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.parts.push(b);
    return this;
  }

  bytes(field: number, v: Uint8Array): this {
    this.tag(field, 2);
    this.parts.push(Message.varint(BigInt(v.byteLength)), v);
    return this;
  }

  string(field: number, v: string): this {
    return this.bytes(field, new TextEncoder().encode(v));
  }

  message(field: number, m: Message): this {
    return this.bytes(field, m.encode());
  }

  encode(): Uint8Array {
    const out = new Uint8Array(this.parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    return out;
  }
}

export type AttributeValue = number | number[] | string | { float: number };

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  /** Integers (INT / INTS), strings (STRING), or { float } (FLOAT). */
  attributes?: Record<string, AttributeValue>;
}

export interface OnnxInitializer {
  name: string;
  dims: number[];
  /** FLOAT (1) or INT64 (7) */
  values: Float32Array | BigInt64Array;
}

export interface OnnxValueInfo {
  name: string;
  /** A number, or a symbolic name for a free dimension (e.g. 'batch'). */
  shape: (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxInitializer[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  opset: number;
  producer: string;
}

const FLOAT = 1;
const INT64 = 7;
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const;

function attribute(name: string, v: AttributeValue): Message {
  const m = new Message().string(1, name);
  if (typeof v === 'number') return m.int(3, v).int(20, ATTR.INT);
  if (typeof v === 'string') return m.string(4, v).int(20, ATTR.STRING);
  if (Array.isArray(v)) {
    for (const x of v) m.int(8, x);
    return m.int(20, ATTR.INTS);
  }
  return m.float(2, v.float).int(20, ATTR.FLOAT);
}

function tensor(t: OnnxInitializer): Message {
  const m = new Message();
  for (const d of t.dims) m.int(1, d);
  m.int(2, t.values instanceof Float32Array ? FLOAT : INT64).string(8, t.name);
  // raw_data is little-endian, as typed arrays are on every platform Node and browsers run on.
  return m.bytes(9, new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength));
}

function valueInfo(v: OnnxValueInfo): Message {
  const shape = new Message();
  for (const d of v.shape) shape.message(1, typeof d === 'number' ? new Message().int(1, d) : new Message().string(2, d));
  const tensorType = new Message().int(1, FLOAT).message(2, shape);
  return new Message().string(1, v.name).message(2, new Message().message(1, tensorType));
}

/** The ModelProto bytes of `g` (IR version 7, opset `g.opset` of the default domain). */
export function encodeModel(g: OnnxGraph): Uint8Array {
  const graph = new Message();
  for (const n of g.nodes) {
    const node = new Message();
    for (const i of n.inputs) node.string(1, i);
    for (const o of n.outputs) node.string(2, o);
    if (n.name) node.string(3, n.name);
    node.string(4, n.op);
    for (const [k, v] of Object.entries(n.attributes ?? {})) node.message(5, attribute(k, v));
    graph.message(1, node);
  }
  graph.string(2, g.name);
  for (const t of g.initializers) graph.message(5, tensor(t));
  for (const i of g.inputs) graph.message(11, valueInfo(i));
  for (const o of g.outputs) graph.message(12, valueInfo(o));
  return new Message().int(1, 7).string(2, g.producer).message(7, graph).message(8, new Message().string(1, '').int(2, g.opset)).encode();
}
