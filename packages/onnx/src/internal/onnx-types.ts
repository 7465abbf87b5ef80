/**
 * The subset of the ONNX protobuf messages the exporter writes, typed, with the
 * proto's snake_case field names (the schema is loaded with keepCase).
 */
export const DataType = { FLOAT: 1, INT64: 7 } as const;
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

export interface TensorInit {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

export interface AttributeInit {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  floats?: number[];
  ints?: number[];
}

export interface NodeInit {
  name: string;
  op_type: string;
  domain: string;
  input: string[];
  output: string[];
  attribute: AttributeInit[];
  doc_string?: string;
}

export interface DimensionInit {
  dim_value?: number;
  dim_param?: string;
}

export interface ValueInfoInit {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: DimensionInit[] } } };
  doc_string?: string;
}

export interface GraphInit {
  name: string;
  node: NodeInit[];
  initializer: TensorInit[];
  input: ValueInfoInit[];
  output: ValueInfoInit[];
  doc_string?: string;
}

export interface StringEntry {
  key: string;
  value: string;
}

export interface ModelInit {
  ir_version: number;
  opset_import: { domain: string; version: number }[];
  producer_name: string;
  producer_version: string;
  domain: string;
  model_version: number;
  doc_string: string;
  graph: GraphInit;
  metadata_props: StringEntry[];
}
