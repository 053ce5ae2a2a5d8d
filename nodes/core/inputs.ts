import { NodeError } from './errors.js';
import type { NodeInputs } from './define-node.js';
import type { ColumnInfo, ModelBundle, TableRef } from './values.js';

/** The table on an input port; the runtime has already checked the port's kind. */
export function tableInput(inputs: NodeInputs, port = 'in'): TableRef {
  const value = inputs[port];
  if (value?.kind !== 'table') throw new NodeError(`input "${port}" needs a table`);
  return value;
}

export function modelInput(inputs: NodeInputs, port = 'model'): ModelBundle {
  const value = inputs[port];
  if (value?.kind !== 'model') throw new NodeError(`input "${port}" needs a model`);
  return value;
}

/** A column of the table, or an error naming it, the param it came from and what the table has instead. */
export function requireColumn(table: { columns: ColumnInfo[] }, name: string, param?: string): ColumnInfo {
  const column = table.columns.find((c) => c.name === name);
  if (column) return column;
  throw new NodeError(`column "${name}" is not in the table (it has ${describeColumns(table.columns)})`, {
    param,
    column: name,
  });
}

function describeColumns(columns: ColumnInfo[]): string {
  if (columns.length === 0) return 'no columns';
  const shown = columns.slice(0, 12).map((c) => `"${c.name}"`);
  return columns.length > shown.length
    ? `${shown.join(', ')} and ${columns.length - shown.length} more`
    : shown.join(', ');
}
