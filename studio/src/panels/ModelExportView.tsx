import { esmExportRefusal, isOnnxModel, onnxExportRefusal, trainerDescriptions } from '@pipewright/nodes/descriptions';
import { usePermission, type Permission } from '../permissions/permissions';

/**
 * The downloads of a trained model — as a self-contained ES module and as ONNX — or, for a format its
 * model cannot take, why; shown on a model node's last run and on a deployment version. `path` is the
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
  const model = { algorithm };
  if (!isOnnxModel(model) && !trainerDescriptions.some((t) => t.algorithm === algorithm)) return null;
  if (!verdict.allowed) return <p className="pw-muted">{verdict.reason}</p>;
  const esmRefusal = esmExportRefusal(model);
  const onnxRefusal = onnxExportRefusal(model);
  return (
    <div className="pw-model-export">
      {esmRefusal ? (
        <p className="pw-muted" data-testid="model-export-refusal-esm">
          No ES module: {esmRefusal}.
        </p>
      ) : (
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
      )}
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
