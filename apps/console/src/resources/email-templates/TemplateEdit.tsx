import { Alert, CircularProgress } from '@mui/material';
import { useEditController } from 'react-admin';
import { TemplateEditor } from './TemplateEditor';
import type { TemplateRecord } from './templateApi';

/** Opens a template in the editor; a save, a reset or a live notice reloads it. */
export function TemplateEdit() {
  const { record, isPending, error, refetch } = useEditController<TemplateRecord>({ resource: 'email-templates' });
  if (error) return <Alert severity="error">Could not load this template.</Alert>;
  // The list's row (no body) may stand in while the template itself loads: the editor waits for the body.
  if (isPending || record?.html === undefined) return <CircularProgress sx={{ m: 4 }} />;
  return <TemplateEditor record={record} onSaved={() => void refetch()} />;
}
