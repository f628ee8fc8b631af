import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { coalesceRefetches } from './refetch-coalescer';

/**
 * Listens to /api/live and refetches what a notice says changed: the list of
 * that resource and the record itself, one refetch at a time per resource (and
 * one more after it if notices came meanwhile). The browser's EventSource
 * reconnects by itself and sends Last-Event-ID, so nothing is missed across a
 * blip; a `reset` notice (gateway restarted) refetches everything shown.
 */
export function LiveUpdates() {
  const queryClient = useQueryClient();
  useEffect(() => {
    const refetch = coalesceRefetches((resource) => queryClient.invalidateQueries({ queryKey: [resource] }));
    const source = new EventSource('/api/live');
    source.addEventListener('change', (event) => {
      const notice = JSON.parse((event as MessageEvent<string>).data) as { resource: string; id: string; change: string };
      if (notice.change === 'reset') void queryClient.invalidateQueries();
      else void refetch(notice.resource);
    });
    return () => source.close();
  }, [queryClient]);
  return null;
}
