import { Box, Typography } from '@mui/material';
import { useRecordContext } from 'react-admin';

interface LogLine {
  at: string;
  level: 'info' | 'warn' | 'error';
  step: string;
  text: string;
}

const COLORS = { info: 'text.primary', warn: 'warning.main', error: 'error.main' } as const;

/** The task's log, oldest first and the newest line at the bottom, as a terminal would show it. */
export function TaskLog() {
  const record = useRecordContext<{ log?: LogLine[] }>();
  const lines = record?.log ?? [];
  return (
    <Box
      component="ol"
      data-testid="task-log"
      sx={{ listStyle: 'none', p: 1.5, m: 0, fontFamily: 'monospace', fontSize: 13, bgcolor: 'grey.100', borderRadius: 1, minHeight: 48 }}
    >
      {lines.length === 0 && (
        <Typography variant="body2" color="text.secondary">
          No log lines yet.
        </Typography>
      )}
      {lines.map((line, i) => (
        <Box component="li" key={i} sx={{ color: COLORS[line.level] }}>
          {new Date(line.at).toLocaleTimeString(undefined, { timeZoneName: 'short' })} [{line.step}] {line.text}
        </Box>
      ))}
    </Box>
  );
}
