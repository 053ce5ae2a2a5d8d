import type { AnyNodeDefinition } from './define-node.js';

/** Looks node definitions up by type id and version. */
export class NodeRegistry {
  private readonly byType = new Map<string, AnyNodeDefinition[]>();

  constructor(definitions: readonly AnyNodeDefinition[]) {
    for (const definition of definitions) {
      const versions = this.byType.get(definition.type) ?? [];
      if (versions.some((existing) => existing.version === definition.version)) {
        throw new Error(`node type ${definition.type}@${definition.version} is registered twice`);
      }
      versions.push(definition);
      versions.sort((a, b) => b.version - a.version);
      this.byType.set(definition.type, versions);
    }
  }

  /** The given version, or the newest when none is given. */
  get(type: string, version?: number): AnyNodeDefinition | undefined {
    const versions = this.byType.get(type);
    if (!versions) return undefined;
    return version === undefined ? versions[0] : versions.find((d) => d.version === version);
  }

  /** The newest version of every type, in registration order. */
  latest(): AnyNodeDefinition[] {
    return [...this.byType.values()].map((versions) => versions[0]);
  }

  types(): string[] {
    return [...this.byType.keys()];
  }
}
