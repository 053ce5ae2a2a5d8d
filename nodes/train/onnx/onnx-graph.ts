/**
 * An ONNX graph as plain data, built without any protobuf library so the
 * catalog stays framework-free: trainers describe their models with it, and
 * the server writes it out as an ONNX ModelProto (onnx-proto).
 */

/** Element types used here (the names of onnx.TensorProto.DataType). */
export type OnnxElement = 'FLOAT' | 'DOUBLE' | 'STRING' | 'INT64' | 'BOOL';

export interface OnnxTensor {
  name: string;
  type: OnnxElement;
  dims: number[];
  /** Numbers for numeric types (BOOL as 0/1), text for STRING. */
  values: number[] | string[];
}

/** An attribute, tagged with its protobuf kind, since a JavaScript number cannot say whether it is an int or a float. */
export type OnnxAttribute =
  | { f: number }
  | { i: number }
  | { s: string }
  | { floats: number[] }
  | { ints: number[] }
  | { strings: string[] }
  | { t: Omit<OnnxTensor, 'name'> };

export interface OnnxNode {
  opType: string;
  domain: '' | 'ai.onnx.ml';
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, OnnxAttribute>;
}

export interface OnnxValueInfo {
  name: string;
  type: OnnxElement;
  /** A dimension is a size or a symbolic name ('N' for the rows). */
  dims: (number | string)[];
}

export interface OnnxGraph {
  name: string;
  doc: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** Operator sets imported: the standard one and ONNX-ML. */
  opsets: { domain: '' | 'ai.onnx.ml'; version: number }[];
  /** metadata_props of the model. */
  metadata: Record<string, string>;
}

/** The operator set versions the graphs are written against (onnxruntime 1.16 and later run them). */
export const ONNX_OPSET = 19;
export const ONNX_ML_OPSET = 3;

/** Builds a graph node by node; every intermediate value gets a fresh name. */
export class OnnxGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  readonly inputs: OnnxValueInfo[] = [];
  readonly outputs: OnnxValueInfo[] = [];
  private count = 0;

  private fresh(prefix: string): string {
    this.count += 1;
    return `${prefix}_${this.count}`;
  }

  /** A constant tensor (an initializer); its name. */
  constant(type: OnnxElement, dims: number[], values: number[] | string[]): string {
    const name = this.fresh('const');
    this.initializers.push({ name, type, dims, values });
    return name;
  }

  /** A double scalar broadcast against [N, 1] columns. */
  double(value: number): string {
    return this.constant('DOUBLE', [], [value]);
  }

  /** Adds an operator; its outputs' names (`outputs` of them). */
  op(
    opType: string,
    inputs: string[],
    attributes: Record<string, OnnxAttribute> = {},
    options: { domain?: OnnxNode['domain']; outputs?: number } = {},
  ): string[] {
    const name = this.fresh(opType);
    const outputs = Array.from({ length: options.outputs ?? 1 }, (_, i) => `${name}_out${i}`);
    this.nodes.push({ opType, domain: options.domain ?? '', name, inputs, outputs, attributes });
    return outputs;
  }

  /** An operator with one output; its name. */
  op1(
    opType: string,
    inputs: string[],
    attributes: Record<string, OnnxAttribute> = {},
    domain: OnnxNode['domain'] = '',
  ) {
    return this.op(opType, inputs, attributes, { domain })[0];
  }

  /** An ONNX-ML operator's outputs. */
  ml(opType: string, inputs: string[], attributes: Record<string, OnnxAttribute>, outputs = 1): string[] {
    return this.op(opType, inputs, attributes, { domain: 'ai.onnx.ml', outputs });
  }

  /** Gives value `from` the graph output name `name`. */
  output(name: string, from: string, type: OnnxElement, dims: (number | string)[]): void {
    this.nodes.push({
      opType: 'Identity',
      domain: '',
      name: this.fresh('Identity'),
      inputs: [from],
      outputs: [name],
      attributes: {},
    });
    this.outputs.push({ name, type, dims });
  }

  graph(name: string, doc: string, metadata: Record<string, string>): OnnxGraph {
    return {
      name,
      doc,
      nodes: this.nodes,
      initializers: this.initializers,
      inputs: this.inputs,
      outputs: this.outputs,
      opsets: [
        { domain: '', version: ONNX_OPSET },
        { domain: 'ai.onnx.ml', version: ONNX_ML_OPSET },
      ],
      metadata,
    };
  }
}
