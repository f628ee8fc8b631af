import { Box } from '@mui/material';

/**
 * An email's HTML body, shown as the recipient's mail client would show it
 * but unable to do anything: an iframe with `sandbox` and no permission at
 * all (no scripts, no same-origin, no forms, no popups, no top navigation).
 * A hostile template's <script> does not run, and nothing in it reaches the
 * console's session.
 */
export function EmailBody({ html, title, height = 420 }: { html: string; title: string; height?: number }) {
  return (
    <Box
      component="iframe"
      sandbox=""
      referrerPolicy="no-referrer"
      srcDoc={html}
      title={title}
      data-testid="email-body"
      sx={{ width: '100%', height, border: 1, borderColor: 'divider', borderRadius: 1, bgcolor: 'common.white' }}
    />
  );
}
