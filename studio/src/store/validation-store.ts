import { create } from 'zustand';
import type { PipelineFile, PipelineIssue } from '@pipewright/nodes/descriptions';
import { validatePipelineFile } from '../api/pipelines';
import { describeError } from '../api/http';

/** Server state: what `POST /api/pipelines/validate` said about the document at `revision`. */
interface ValidationState {
  issues: PipelineIssue[];
  revision: number;
  checking: boolean;
  error: string | null;
  check(file: PipelineFile, revision: number): Promise<PipelineIssue[]>;
  clear(): void;
}

export const useValidationStore = create<ValidationState>()((set, get) => ({
  issues: [],
  revision: -1,
  checking: false,
  error: null,

  async check(file, revision) {
    set({ checking: true });
    try {
      const answer = await validatePipelineFile(file);
      // An answer for an older revision must not overwrite a newer one.
      if (revision >= get().revision) set({ issues: answer.issues, revision, error: null });
      return answer.issues;
    } catch (error) {
      set({ error: describeError(error) });
      throw error;
    } finally {
      set({ checking: false });
    }
  },

  clear() {
    set({ issues: [], revision: -1, checking: false, error: null });
  },
}));

const NO_ISSUES: PipelineIssue[] = [];

/** Issues about one node; the same array while they do not change, for narrow selectors. */
export function issuesOfNode(issues: PipelineIssue[], nodeId: string): PipelineIssue[] {
  const mine = issues.filter((issue) => issue.nodeId === nodeId);
  return mine.length ? mine : NO_ISSUES;
}
