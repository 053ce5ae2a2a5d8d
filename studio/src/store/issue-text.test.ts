import { describe, expect, it } from 'vitest';
import { describeIssue, issueMessage } from './issue-text';

describe('issue text', () => {
  it('says a missing param is required, and leaves other messages as the server wrote them', () => {
    const missing = {
      code: 'bad-param' as const,
      nodeId: 'train',
      param: 'label',
      message: 'Invalid input: expected string, received undefined',
    };
    expect(issueMessage(missing)).toBe('required');
    expect(describeIssue(missing)).toBe('node "train", param "label": required');
    const unconnected = {
      code: 'missing-input' as const,
      nodeId: 'train',
      port: 'in',
      message: 'input "in" (table) is not connected',
    };
    expect(describeIssue(unconnected)).toBe('node "train", port "in": input "in" (table) is not connected');
  });
});
