import {
  Box,
  Button as MuiButton,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { EmailBody } from '../email-log/EmailBody';
import { call, templatePath } from './templateApi';

interface Version {
  version: number;
  change: 'registered' | 'created' | 'edited' | 'reset';
  subject: string;
  html: string;
  savedAt: string;
  savedBy: string;
}

const CHANGE = { registered: 'shipped', created: 'created', edited: 'edited', reset: 'reset to default' } as const;

/** Every version of the template, newest first; one can be looked at, or loaded into the editor to save again. */
export function VersionHistory({ name, current, onLoad }: { name: string; current: number; onLoad: (version: Version) => void }) {
  const versions = useQuery({
    // Under the resource's key: a live notice on this template refetches it.
    queryKey: ['email-templates', name, 'versions', current],
    queryFn: async () => (await call<Version[]>('GET', `${templatePath(name)}/versions`)).body as unknown as Version[],
  });
  const [open, setOpen] = useState<Version | undefined>();
  return (
    <Box sx={{ mt: 3 }} data-testid="version-history">
      <Typography variant="subtitle2">Version history</Typography>
      <Table size="small">
        <TableHead>
          <TableRow>
            <TableCell>Version</TableCell>
            <TableCell>Change</TableCell>
            <TableCell>Saved</TableCell>
            <TableCell>By</TableCell>
            <TableCell>Subject</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {(Array.isArray(versions.data) ? versions.data : []).map((v) => (
            <TableRow key={v.version} data-testid="version-row">
              <TableCell>
                {v.version} {v.version === current && <Chip size="small" label="current" />}
              </TableCell>
              <TableCell>{CHANGE[v.change]}</TableCell>
              <TableCell>{new Date(v.savedAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}</TableCell>
              <TableCell>{v.savedBy}</TableCell>
              <TableCell>{v.subject}</TableCell>
              <TableCell>
                <MuiButton size="small" onClick={() => setOpen(v)}>
                  View
                </MuiButton>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Dialog open={open !== undefined} onClose={() => setOpen(undefined)} maxWidth="md" fullWidth>
        <DialogTitle>
          {name}, version {open?.version}
        </DialogTitle>
        <DialogContent>
          <Stack spacing={1}>
            <Typography variant="body2">
              <strong>Subject:</strong> <code>{open?.subject}</code>
            </Typography>
            <Box component="pre" sx={{ m: 0, p: 1, bgcolor: 'grey.100', fontSize: 12, maxHeight: 300, overflow: 'auto' }}>
              {open?.html}
            </Box>
            <Typography variant="caption" color="text.secondary">
              The source as saved (tokens unrendered):
            </Typography>
            <EmailBody html={open?.html ?? ''} title={`Version ${open?.version ?? ''} of ${name}`} height={240} />
          </Stack>
        </DialogContent>
        <DialogActions>
          <MuiButton onClick={() => setOpen(undefined)}>Close</MuiButton>
          <MuiButton
            onClick={() => {
              if (open) onLoad(open);
              setOpen(undefined);
            }}
          >
            Load into the editor
          </MuiButton>
        </DialogActions>
      </Dialog>
    </Box>
  );
}
