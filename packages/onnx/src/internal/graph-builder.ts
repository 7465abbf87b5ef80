/**
 * Accumulates ONNX nodes and initializers with unique names, and tracks the
 * physical layout of the value being built, so Transposes are only inserted
 * where an NCHW-only operator meets channels-last data (or vice versa).
 */
import { AttributeType, DataType, type AttributeInit, type NodeInit, type TensorInit } from "./onnx-types.ts";

export type AttrValue =
  { kind: "int"; value: number } | { kind: "float"; value: number } | { kind: "string"; value: string } | { kind: "ints"; value: number[] };

export const attr = {
  int: (value: number): AttrValue => ({ kind: "int", value }),
  float: (value: number): AttrValue => ({ kind: "float", value }),
  string: (value: string): AttrValue => ({ kind: "string", value }),
  ints: (value: number[]): AttrValue => ({ kind: "ints", value }),
};

/** Physical layout of a value: rank-3 samples are NHWC or NCHW in the graph; other ranks are "flat". */
export type Physical = "nhwc" | "nchw" | "flat";

export interface Value {
  name: string;
  /** One sample's logical shape, channels last (as the spec and core describe it). */
  shape: number[];
  physical: Physical;
}

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];

function toAttribute(name: string, v: AttrValue): AttributeInit {
  switch (v.kind) {
    case "int":
      return { name, type: AttributeType.INT, i: v.value };
    case "float":
      return { name, type: AttributeType.FLOAT, f: v.value };
    case "string":
      return { name, type: AttributeType.STRING, s: new TextEncoder().encode(v.value) };
    case "ints":
      return { name, type: AttributeType.INTS, ints: v.value };
    default: {
      const unknown: never = v;
      return unknown;
    }
  }
}

export class GraphBuilder {
  readonly nodes: NodeInit[] = [];
  readonly initializers: TensorInit[] = [];
  private readonly used = new Set<string>();

  /** A fresh name starting with `base`. */
  unique(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  reserve(name: string): void {
    this.used.add(name);
  }

  floatInitializer(base: string, dims: number[], values: ArrayLike<number>): string {
    const name = this.unique(base);
    const raw = new Uint8Array(values.length * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    this.initializers.push({ name, dims, data_type: DataType.FLOAT, raw_data: raw });
    return name;
  }

  int64Initializer(base: string, values: number[]): string {
    const name = this.unique(base);
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    this.initializers.push({ name, dims: [values.length], data_type: DataType.INT64, raw_data: raw });
    return name;
  }

  /** Appends a node and returns the name of its (single) output. */
  node(opType: string, inputs: string[], attributes: Record<string, AttrValue> = {}, base = opType): string {
    const output = this.unique(base);
    this.nodes.push({
      name: this.unique(`${base}_node`),
      op_type: opType,
      domain: "",
      input: inputs,
      output: [output],
      attribute: Object.entries(attributes).map(([k, v]) => toAttribute(k, v)),
    });
    return output;
  }

  /** Returns `v` in the physical layout `want`, adding a Transpose if needed (rank-3 samples only). */
  toLayout(v: Value, want: "nhwc" | "nchw", base: string): Value {
    if (v.physical === "flat" || v.physical === want) return v;
    const perm = want === "nchw" ? NHWC_TO_NCHW : NCHW_TO_NHWC;
    return { ...v, name: this.node("Transpose", [v.name], { perm: attr.ints(perm) }, `${base}_to_${want}`), physical: want };
  }

  /** Makes `v` available under the graph output name `name`: renames its producer's output, or adds an Identity. */
  bindOutput(v: Value, name: string, graphInputs: readonly string[]): void {
    const producer = this.nodes.find((n) => n.output.includes(v.name));
    const consumed = this.nodes.some((n) => n.input.includes(v.name));
    if (producer && !consumed && !graphInputs.includes(v.name)) {
      producer.output = producer.output.map((o) => (o === v.name ? name : o));
    } else {
      this.node("Identity", [v.name], {}, name);
      const last = this.nodes[this.nodes.length - 1];
      last.output = [name];
    }
  }
}
