export const PORT_TYPES = ['table', 'model', 'transform', 'metrics'] as const;
export type PortType = (typeof PORT_TYPES)[number];

export interface PortSpec {
  name: string;
  type: PortType;
  label?: string;
  /** An input that may stay unconnected. */
  optional?: boolean;
}

export type ConnectionCheck = { ok: true } | { ok: false; reason: string };

/**
 * The one rule for wiring: the studio's isValidConnection and the compiler
 * both ask it, so a refusal reads the same everywhere.
 */
export function canConnect(
  from: { nodeId: string; port: PortSpec },
  to: { nodeId: string; port: PortSpec },
): ConnectionCheck {
  if (from.nodeId === to.nodeId) {
    return { ok: false, reason: `a node cannot feed itself (${from.nodeId})` };
  }
  if (from.port.type !== to.port.type) {
    return {
      ok: false,
      reason: `${from.nodeId}.${from.port.name} gives a ${from.port.type} but ${to.nodeId}.${to.port.name} takes a ${to.port.type}`,
    };
  }
  return { ok: true };
}
