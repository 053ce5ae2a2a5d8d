import { useCallback, useState } from 'react';
import { describeError } from './api/http';

/**
 * A page's changes on the server and its one error line: `act` clears the
 * line, runs the change, fetches the page again (`reload`) when it went
 * through, shows why when it did not, and answers which. The page's own load
 * may write the line too (`setError`).
 */
export function useServerActions(reload: () => void): {
  error: string | null;
  setError: (error: string | null) => void;
  act: (action: () => Promise<unknown>) => Promise<boolean>;
} {
  const [error, setError] = useState<string | null>(null);
  const act = useCallback(
    async (action: () => Promise<unknown>) => {
      setError(null);
      try {
        await action();
        reload();
        return true;
      } catch (failure) {
        setError(describeError(failure));
        return false;
      }
    },
    [reload],
  );
  return { error, setError, act };
}
