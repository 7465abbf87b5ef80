/**
 * Encodes and decodes ONNX ModelProto bytes with protobufjs's light build and
 * the schema generated from the vendored onnx.proto (no .proto parsing and no
 * filesystem access at run time, so this also runs in browsers).
 */
import protobuf from "protobufjs/light.js";
import { AelabError, ErrorCode } from "@aelab/core";
import { ONNX_SCHEMA } from "./onnx-schema.ts";
import type { ModelInit } from "./onnx-types.ts";

let modelType: protobuf.Type | undefined;

function modelProto(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(ONNX_SCHEMA).lookupType("onnx.ModelProto");
  return modelType;
}

export function encodeModel(model: ModelInit): Uint8Array {
  const type = modelProto();
  const problem = type.verify(model);
  if (problem) throw new AelabError(ErrorCode.Internal, `The exporter built an invalid ModelProto. Received: ${problem}`);
  return type.encode(type.fromObject(model)).finish();
}

/** What `decodeModel` returns: the fields metadata readers need, loosely typed. */
export interface DecodedModel {
  ir_version?: number;
  producer_name?: string;
  producer_version?: string;
  doc_string?: string;
  opset_import?: { domain?: string; version?: number }[];
  metadata_props?: { key?: string; value?: string }[];
  graph?: {
    name?: string;
    node?: { op_type?: string; input?: string[]; output?: string[]; attribute?: { name?: string; ints?: number[] }[] }[];
    input?: { name?: string; type?: { tensor_type?: { shape?: { dim?: { dim_value?: number; dim_param?: string }[] } } } }[];
    output?: { name?: string; type?: { tensor_type?: { shape?: { dim?: { dim_value?: number; dim_param?: string }[] } } } }[];
    initializer?: { name?: string }[];
  };
}

export function decodeModel(bytes: Uint8Array): DecodedModel {
  const type = modelProto();
  try {
    const message = type.decode(bytes);
    return type.toObject(message, { longs: Number, defaults: false, arrays: true }) as DecodedModel;
  } catch (cause) {
    throw new AelabError(
      ErrorCode.InvalidData,
      `Expected the bytes of an ONNX ModelProto. Received: ${bytes.length} bytes that do not decode (${String(cause)})`,
      { cause },
    );
  }
}
