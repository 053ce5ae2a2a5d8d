import {
  BaseEdge,
  getBezierPath,
  getSmoothStepPath,
  useInternalNode,
  type EdgeProps,
  type InternalNode,
} from '@xyflow/react';

/** The least gap between two rows of nodes that a wrapped connection runs along. */
const LANE_GAP = 8;

/**
 * A connection on the canvas. One that runs forward is a curve, as React Flow draws it. One that runs back to a
 * row of nodes below (or above) its source — a chain wrapped onto the next line, as the example is — runs
 * out of its source, along the gap between the two rows and into its target, instead of straight back
 * across the nodes between them.
 */
export function PipelineEdge(props: EdgeProps) {
  const lane = wrapLane(useInternalNode(props.source), useInternalNode(props.target), props);
  const [path] =
    lane === undefined
      ? getBezierPath(props)
      : getSmoothStepPath({ ...props, centerY: lane, borderRadius: 10, offset: 16 });
  return (
    <BaseEdge
      id={props.id}
      path={path}
      markerStart={props.markerStart}
      markerEnd={props.markerEnd}
      style={props.style}
      interactionWidth={props.interactionWidth}
    />
  );
}

/** The middle of the gap between the source's row and the target's, for a connection that runs back; else none. */
export function wrapLane(
  source: Pick<InternalNode, 'internals' | 'measured'> | undefined,
  target: Pick<InternalNode, 'internals' | 'measured'> | undefined,
  ends: { sourceX: number; targetX: number },
): number | undefined {
  if (!source || !target || ends.targetX >= ends.sourceX) return undefined;
  const span = (node: Pick<InternalNode, 'internals' | 'measured'>) => {
    const top = node.internals.positionAbsolute.y;
    return { top, bottom: top + (node.measured.height ?? 0) };
  };
  const [from, to] = [span(source), span(target)];
  if (to.top - from.bottom >= LANE_GAP) return (from.bottom + to.top) / 2;
  if (from.top - to.bottom >= LANE_GAP) return (to.bottom + from.top) / 2;
  return undefined;
}
