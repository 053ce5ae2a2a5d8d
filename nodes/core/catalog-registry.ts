import type { AnyNodeDefinition, AnyNodeDescription } from './define-node.js';

/** Looks node definitions (or, in the studio, descriptions) up by type id and version. */
export class NodeRegistry<D extends AnyNodeDescription = AnyNodeDefinition> {
  private readonly byType = new Map<string, D[]>();

  constructor(definitions: readonly D[]) {
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
  get(type: string, version?: number): D | undefined {
    const versions = this.byType.get(type);
    if (!versions) return undefined;
    return version === undefined ? versions[0] : versions.find((d) => d.version === version);
  }

  /** The newest version of every type, in registration order. */
  latest(): D[] {
    return [...this.byType.values()].map((versions) => versions[0]);
  }

  types(): string[] {
    return [...this.byType.keys()];
  }
}
