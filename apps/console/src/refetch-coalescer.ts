/**
 * One refetch per key at a time, and one more after it if notices came meanwhile. Each notice restarting the refetch
 * (react-query cancels a fetch in flight when a query is invalidated again) would, under a steady stream of notices (a
 * busy Tasks page: hundreds a second), cancel every refetch before it finished and leave the page as it was.
 */
export function coalesceRefetches(refetch: (key: string) => Promise<unknown>): (key: string) => Promise<void> {
  const state = new Map<string, 'running' | 'again'>();
  return async (key) => {
    if (state.has(key)) {
      state.set(key, 'again');
      return;
    }
    try {
      do {
        state.set(key, 'running');
        // A failed refetch leaves the page as it was; the next notice tries again.
        await refetch(key).catch(() => undefined);
      } while (state.get(key) === 'again');
    } finally {
      state.delete(key);
    }
  };
}
