import { useShallow } from 'zustand/react/shallow';
import { useDocumentStore } from '../store/document-store';
import { initialParams } from '../store/initial-params';

/**
 * A deploy node left on the schema's `always` (its policy never chosen) in a pipeline that evaluates its models:
 * says that each successful run will replace the serving model whatever its figures, and offers champion–challenger
 * on the evaluation's headline metric — what a deploy node dropped after the evaluation starts with.
 */
export function DeployPolicyHint({ nodeId }: { nodeId: string }) {
  const policy = useDocumentStore((state) => state.nodes.find((node) => node.id === nodeId)?.data.params.policy);
  const types = useDocumentStore(useShallow((state) => state.nodes.map((node) => node.data.type)));
  const readOnly = useDocumentStore((state) => state.readOnlyVersion !== null);
  const setParam = useDocumentStore((state) => state.setParam);
  const suggested = initialParams('deploy.service', types);
  if (policy !== undefined || readOnly || typeof suggested.metric !== 'string') return null;
  const metric = suggested.metric;
  return (
    <div className="pw-callout pw-callout--warning" data-testid="deploy-policy-hint">
      <p>
        Every successful run publishes a version that serves, whatever its figures. This pipeline evaluates its model:
        with <code>ifBetter</code> on <strong>{metric}</strong> a new version serves only if it beats the serving one on
        the same withheld rows.
      </p>
      <button
        type="button"
        className="pw-button pw-button--small"
        onClick={() => {
          setParam(nodeId, 'metric', metric);
          setParam(nodeId, 'policy', 'ifBetter');
        }}
      >
        Use ifBetter on {metric}
      </button>
    </div>
  );
}
