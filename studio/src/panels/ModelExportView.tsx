import { trainers } from '@pipewright/nodes';
import { usePermission, type Permission } from '../permissions/permissions';

/**
 * The download of a trained model as ONNX, or why its trainer's models cannot be exported; shown on a
 * trainer's last run and on a deployment version.
 */
export function ModelExportView({
  href,
  algorithm,
  filename,
  permission,
}: {
  href: string;
  algorithm: string;
  filename: string;
  permission: Permission;
}) {
  const verdict = usePermission(permission);
  const trainer = trainers.find((t) => t.algorithm === algorithm);
  if (!trainer) return null;
  if ('cannot' in trainer.onnx) {
    return (
      <p className="pw-muted" data-testid="model-export-refusal">
        No ONNX export: {trainer.onnx.cannot}.
      </p>
    );
  }
  if (!verdict.allowed) return <p className="pw-muted">{verdict.reason}</p>;
  return (
    <p className="pw-model-export">
      <a className="pw-button pw-button--small" href={href} download={filename} data-testid="model-export-onnx">
        Download ONNX
      </a>{' '}
      <span className="pw-muted">the model with its fitted preprocessing, for onnxruntime and other ONNX runtimes</span>
    </p>
  );
}
