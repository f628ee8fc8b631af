import { Box } from '@mui/material';
import { forwardRef, useRef, type UIEvent } from 'react';

/**
 * A monospace editor with line numbers; lines with a problem are marked in
 * the gutter, so a validation error shows where it is, not only in a list.
 */
export const CodeArea = forwardRef<
  HTMLTextAreaElement,
  { value: string; onChange: (value: string) => void; errorLines: ReadonlySet<number>; rows?: number; label: string; testId?: string }
>(function CodeArea({ value, onChange, errorLines, rows = 18, label, testId }, ref) {
  const gutter = useRef<HTMLDivElement>(null);
  const lines = value.split('\n').length;
  const sync = (event: UIEvent<HTMLTextAreaElement>) => {
    if (gutter.current) gutter.current.scrollTop = event.currentTarget.scrollTop;
  };
  const font = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', fontSize: 13, lineHeight: '20px' };
  return (
    <Box sx={{ display: 'flex', border: 1, borderColor: errorLines.size ? 'error.main' : 'divider', borderRadius: 1, overflow: 'hidden' }}>
      <Box
        ref={gutter}
        aria-hidden
        sx={{
          ...font,
          overflow: 'hidden',
          bgcolor: 'grey.100',
          color: 'text.secondary',
          textAlign: 'right',
          py: 1,
          px: 1,
          userSelect: 'none',
          height: rows * 20 + 16,
        }}
      >
        {Array.from({ length: lines }, (_, i) => (
          <Box
            key={i}
            data-error-line={errorLines.has(i + 1) ? i + 1 : undefined}
            sx={errorLines.has(i + 1) ? { color: 'error.contrastText', bgcolor: 'error.main', borderRadius: 0.5, px: 0.5 } : { px: 0.5 }}
          >
            {i + 1}
          </Box>
        ))}
      </Box>
      <Box
        component="textarea"
        ref={ref}
        aria-label={label}
        data-testid={testId}
        spellCheck={false}
        value={value}
        onChange={(e) => onChange((e.target as HTMLTextAreaElement).value)}
        onScroll={sync}
        rows={rows}
        sx={{
          ...font,
          flex: 1,
          border: 0,
          outline: 0,
          resize: 'vertical',
          p: 1,
          whiteSpace: 'pre',
          overflow: 'auto',
          height: rows * 20 + 16,
        }}
      />
    </Box>
  );
});

/** Puts the caret at a line and column (both from 1) of a textarea, and scrolls to it. */
export function goTo(textarea: HTMLTextAreaElement | null, line = 1, column = 1) {
  if (!textarea) return;
  const lines = textarea.value.split('\n');
  const offset = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0) + Math.max(0, column - 1);
  textarea.focus();
  textarea.setSelectionRange(offset, Math.min(offset + 1, textarea.value.length));
  textarea.scrollTop = Math.max(0, (line - 5) * 20);
}
