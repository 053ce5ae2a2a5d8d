import { trainers } from '@pipewright/nodes';
import { usePermission, type Permission } from '../permissions/permissions';

/**
 * The downloads of a trained model — as ONNX, and as a self-contained ES module — or why its trainer's
 * models cannot take a format; shown on a trainer's last run and on a deployment version. `path` is the
 * export route without its query; `stem` names the files.
 */
export function ModelExportView({
  path,
  algorithm,
  stem,
  permission,
}: {
  path: string;
  algorithm: string;
  stem: string;
  permission: Permission;
}) {
  const verdict = usePermission(permission);
  const trainer = trainers.find((t) => t.algorithm === algorithm);
  if (!trainer) {
    return (
      <p className="pw-muted" data-testid="model-export-refusal">
        No export: models of “{algorithm}” are not scored by a Pipewright trainer.
      </p>
    );
  }
  if (!verdict.allowed) return <p className="pw-muted">{verdict.reason}</p>;
  const onnxRefusal = 'cannot' in trainer.onnx ? trainer.onnx.cannot : undefined;
  return (
    <div className="pw-model-export">
      <p>
        <a
          className="pw-button pw-button--small"
          href={`${path}?format=esm`}
          download={`${stem}.mjs`}
          data-testid="model-export-esm"
        >
          Download ES module
        </a>{' '}
        <span className="pw-muted">
          one .mjs file with no imports: <code>predict(rows)</code> in a browser, Node.js or an edge runtime
        </span>
      </p>
      {onnxRefusal ? (
        <p className="pw-muted" data-testid="model-export-refusal">
          No ONNX export: {onnxRefusal}.
        </p>
      ) : (
        <p>
          <a
            className="pw-button pw-button--small"
            href={`${path}?format=onnx`}
            download={`${stem}.onnx`}
            data-testid="model-export-onnx"
          >
            Download ONNX
          </a>{' '}
          <span className="pw-muted">the model with its fitted preprocessing, for onnxruntime and other runtimes</span>
        </p>
      )}
    </div>
  );
}
