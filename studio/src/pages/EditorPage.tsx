import { useEffect, useRef, useState } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import '../canvas/canvas.css';
import { editorActions } from '../actions/editor-actions';
import { getPipeline } from '../api/pipelines';
import { describeError } from '../api/http';
import { PipelineCanvas } from '../canvas/PipelineCanvas';
import { Inspector } from '../panels/Inspector';
import { CommandPalette } from '../panels/CommandPalette';
import { NewParamDialog } from '../panels/NewParamDialog';
import { Palette } from '../panels/Palette';
import { ShortcutsPanel } from '../panels/ShortcutsPanel';
import { useDocumentStore } from '../store/document-store';
import { showNewestRun, useRunStore } from '../store/run-store';
import { useValidationStore } from '../store/validation-store';
import { useViewStore } from '../store/view-store';
import { routeHref } from '../routing';
import { AppHeader } from './AppHeader';
import { EditorToolbar } from './EditorToolbar';
import { useActionShortcuts, useLiveValidation, useUnsavedChangesWarning } from './editor-hooks';

type Loading = { state: 'loading' } | { state: 'ready' } | { state: 'failed'; message: string };

/** Loads the pipeline (or starts a new one) into the document store, and its newest run into the run store. */
function usePipelineLoader(pipelineId: string | null): Loading {
  const [loading, setLoading] = useState<Loading>(() =>
    pipelineId !== null && useDocumentStore.getState().pipelineId === pipelineId
      ? { state: 'ready' }
      : { state: 'loading' },
  );
  const mounted = useRef(false);
  useEffect(() => {
    const firstLoad = !mounted.current;
    mounted.current = true;
    // The first save of a new pipeline moves the URL to its id: the document is already that pipeline. Coming
    // back to the pipeline last open (from the Pipelines page, say) keeps its document, and shows its newest run
    // again: leaving the editor cleared it.
    if (pipelineId !== null && useDocumentStore.getState().pipelineId === pipelineId && loading.state === 'ready') {
      if (firstLoad) showNewestRun(pipelineId);
      return;
    }
    let live = true;
    useViewStore.getState().dismissNotice();
    useValidationStore.getState().clear();
    useRunStore.getState().clear();
    if (pipelineId === null) {
      useDocumentStore.getState().loadPipeline(null);
      setLoading({ state: 'ready' });
      return;
    }
    setLoading({ state: 'loading' });
    getPipeline(pipelineId)
      .then((stored) => {
        if (!live) return;
        useDocumentStore.getState().loadPipeline(stored);
        setLoading({ state: 'ready' });
        showNewestRun(stored.id);
      })
      .catch((error: unknown) => live && setLoading({ state: 'failed', message: describeError(error) }));
    return () => {
      live = false;
    };
    // Reloads only when the route names another pipeline, not when `loading` changes.
  }, [pipelineId]);
  return loading;
}

/** The editor: palette, canvas and inspector around one pipeline. */
export default function EditorPage({ pipelineId }: { pipelineId: string | null }) {
  const loading = usePipelineLoader(pipelineId);
  useLiveValidation(loading.state === 'ready');
  useActionShortcuts(editorActions);
  useUnsavedChangesWarning();

  const session = useDocumentStore((state) => state.session);
  const newParamOpen = useViewStore((state) => state.newParamOpen);
  useEffect(
    () => () => {
      useRunStore.getState().clear();
      useViewStore.setState({ commandPaletteOpen: false, newParamOpen: false });
    },
    [],
  );

  return (
    <ReactFlowProvider key={session}>
      <div className="pw-app pw-editor">
        <AppHeader>{loading.state === 'ready' && <EditorToolbar />}</AppHeader>
        {loading.state === 'loading' && <p className="pw-page pw-muted">Opening the pipeline…</p>}
        {loading.state === 'failed' && (
          <div className="pw-page">
            <div className="pw-callout pw-callout--error" role="alert">
              Could not open this pipeline: {loading.message}{' '}
              <a href={routeHref({ page: 'pipelines' })}>Back to pipelines</a>
            </div>
          </div>
        )}
        {loading.state === 'ready' && (
          <div className="pw-editor__body">
            <Palette />
            <PipelineCanvas />
            <Inspector />
          </div>
        )}
        <ShortcutsPanel />
        {loading.state === 'ready' && <CommandPalette />}
        {loading.state === 'ready' && newParamOpen && (
          <NewParamDialog origin={null} onClose={() => useViewStore.getState().setNewParamOpen(false)} />
        )}
      </div>
    </ReactFlowProvider>
  );
}
