/**
 * A generated pipeline of `count` nodes for the browser test and the canvas
 * benchmark: chains of ten (a CSV source, then duplicate-removal steps), laid
 * out in a grid, so the canvas carries as many nodes and edges as a big project.
 */
export function largePipeline(count = 1000): {
  format: 'pipewright/v1';
  name: string;
  params: Record<string, never>;
  nodes: { id: string; type: string; params: Record<string, unknown>; position: { x: number; y: number } }[];
  edges: { from: string; to: string }[];
} {
  const chain = 10;
  const nodes = [];
  const edges = [];
  for (let index = 0; index < count; index++) {
    const row = Math.floor(index / chain);
    const step = index % chain;
    const id = `n${index}`;
    nodes.push(
      step === 0
        ? { id, type: 'source.csv', params: { path: 'iris.csv' }, position: { x: 0, y: row * 180 } }
        : { id, type: 'clean.duplicates', params: {}, position: { x: step * 300, y: row * 180 } },
    );
    if (step > 0) edges.push({ from: `n${index - 1}.out`, to: `${id}.in` });
  }
  return { format: 'pipewright/v1', name: `${count} nodes`, params: {}, nodes, edges };
}
