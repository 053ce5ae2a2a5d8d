import { useDocumentStore } from '../store/document-store';
import { useViewStore } from '../store/view-store';
import type { StudioAction } from './studio-action';

/** Opens the "New pipeline param" dialog (the pipeline panel's button does the same); an old version takes none. */
export const newParamAction: StudioAction = {
  id: 'new-param',
  label: 'New pipeline param…',
  perform: () => {
    if (useDocumentStore.getState().readOnlyVersion !== null) {
      useViewStore.getState().showNotice({
        tone: 'info',
        title: 'An old version is read-only',
        message: 'Go back to the latest version to add a pipeline param.',
      });
      return;
    }
    useViewStore.getState().setNewParamOpen(true);
  },
};
