import type { OnnxAttribute, OnnxGraph, OnnxTensor } from '@pipewright/nodes';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type DataType = keyof typeof onnx.TensorProto.DataType;

function tensorProto(tensor: Omit<OnnxTensor, 'name'> & { name?: string }): onnxProto.onnx.ITensorProto {
  const dataType = onnx.TensorProto.DataType[tensor.type as DataType];
  const base = { name: tensor.name, dims: tensor.dims, dataType };
  switch (tensor.type) {
    case 'FLOAT':
      return { ...base, floatData: tensor.values as number[] };
    case 'DOUBLE':
      return { ...base, doubleData: tensor.values as number[] };
    case 'INT64':
    case 'BOOL':
      return tensor.type === 'INT64'
        ? { ...base, int64Data: tensor.values as number[] }
        : { ...base, int32Data: tensor.values as number[] };
    case 'STRING':
      return { ...base, stringData: (tensor.values as string[]).map((s) => Buffer.from(s, 'utf8')) };
  }
}

function attributeProto(name: string, value: OnnxAttribute): onnxProto.onnx.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  if ('f' in value) return { name, type: AttributeType.FLOAT, f: value.f };
  if ('i' in value) return { name, type: AttributeType.INT, i: value.i };
  if ('s' in value) return { name, type: AttributeType.STRING, s: Buffer.from(value.s, 'utf8') };
  if ('floats' in value) return { name, type: AttributeType.FLOATS, floats: value.floats };
  if ('ints' in value) return { name, type: AttributeType.INTS, ints: value.ints };
  if ('strings' in value) {
    return { name, type: AttributeType.STRINGS, strings: value.strings.map((s) => Buffer.from(s, 'utf8')) };
  }
  return { name, type: AttributeType.TENSOR, t: tensorProto(value.t) };
}

function valueInfo(info: OnnxGraph['inputs'][number]): onnxProto.onnx.IValueInfoProto {
  return {
    name: info.name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType[info.type as DataType],
        shape: { dim: info.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** The graph as the bytes of an ONNX ModelProto (IR version 9), the `.onnx` file onnxruntime and others load. */
export function writeOnnx(graph: OnnxGraph): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 9,
    producerName: 'pipewright',
    producerVersion: '1',
    docString: graph.doc,
    opsetImport: graph.opsets.map((o) => ({ domain: o.domain, version: o.version })),
    metadataProps: Object.entries(graph.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: graph.name,
      node: graph.nodes.map((node) => ({
        name: node.name,
        opType: node.opType,
        domain: node.domain,
        input: node.inputs,
        output: node.outputs,
        attribute: Object.entries(node.attributes).map(([name, value]) => attributeProto(name, value)),
      })),
      initializer: graph.initializers.map((t) => tensorProto(t)),
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
