import {
  descriptions,
  NODE_CATEGORIES,
  registry,
  splitTypeVersion,
  type AnyNodeDescription,
  type NodeCategory,
  type PortType,
} from '@pipewright/nodes/descriptions';

export const CATEGORY_LABELS: Record<NodeCategory, string> = {
  source: 'Data sources',
  sample: 'Sample',
  explore: 'Explore',
  clean: 'Clean',
  feature: 'Features',
  split: 'Split',
  train: 'Train',
  model: 'Models',
  evaluate: 'Evaluate',
  transform: 'Transforms',
  deploy: 'Deploy',
};

/** One hue per category, used by palette items and node headers. */
export const CATEGORY_COLORS: Record<NodeCategory, string> = {
  source: '#0284c7',
  sample: '#0369a1',
  explore: '#0891b2',
  clean: '#0d9488',
  feature: '#65a30d',
  split: '#ca8a04',
  train: '#7c3aed',
  model: '#9333ea',
  evaluate: '#db2777',
  transform: '#ea580c',
  deploy: '#4f46e5',
};

export const PORT_TYPE_LABELS: Record<PortType, string> = {
  table: 'table',
  model: 'model',
  transform: 'fitted transform',
  metrics: 'metrics',
};

/** How a sentence names what a port carries: "takes a table", "gives metrics". */
export const PORT_TYPE_PHRASES: Record<PortType, string> = {
  table: 'a table',
  model: 'a model',
  transform: 'a fitted transform',
  metrics: 'metrics',
};

export interface PaletteGroup {
  category: NodeCategory;
  label: string;
  definitions: AnyNodeDescription[];
}

/** The catalog grouped in pipeline order (sources first), narrowed by a search text. */
export function paletteGroups(search = ''): PaletteGroup[] {
  const needle = search.trim().toLowerCase();
  const matches = (definition: AnyNodeDescription) =>
    !needle ||
    [definition.type, definition.title, definition.description].some((text) => text.toLowerCase().includes(needle));
  return NODE_CATEGORIES.map((category) => ({
    category,
    label: CATEGORY_LABELS[category],
    definitions: registry.latest().filter((definition) => definition.category === category && matches(definition)),
  })).filter((group) => group.definitions.length > 0);
}

/** The definition a pipeline node's `type` (`type` or `type@version`) names. */
export function findDefinition(type: string): AnyNodeDescription | undefined {
  const parsed = splitTypeVersion(type);
  return registry.get(parsed.type, parsed.version);
}

/** The type string a node added in the studio is saved with: pinned to the version it was built with. */
export function pinnedType(definition: AnyNodeDescription): string {
  return `${definition.type}@${definition.version}`;
}

export const catalogSize = descriptions.length;
