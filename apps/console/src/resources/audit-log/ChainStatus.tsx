import VerifiedUserIcon from '@mui/icons-material/VerifiedUser';
import { Alert, AlertTitle } from '@mui/material';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button } from 'react-admin';
import { apiFetch } from '../../apiFetch';

interface Verification {
  ok?: boolean;
  checked?: number;
  firstBad?: { sequence: number; reason: string };
  verifiedAt: string | null;
}

const KEY = ['audit-log', 'verification'];
const when = (at: string) => new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'long' });

async function read(url: string): Promise<Verification> {
  const res = await apiFetch(url);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((body as { message?: string }).message ?? `${url}: ${res.status}`);
  return body as Verification;
}

/** The hash chain's state: when it was last verified and how that went, and Verify now (the audit service walks it). */
export function ChainStatus() {
  const client = useQueryClient();
  const last = useQuery({ queryKey: KEY, queryFn: () => read('/api/audit/verification') });
  const verify = useMutation({
    mutationFn: () => read('/api/audit/verify'),
    onSuccess: (result) => client.setQueryData(KEY, result),
  });
  const v = last.data;
  const button = (
    <Button
      label="Verify now"
      onClick={() => verify.mutate()}
      disabled={verify.isPending}
      startIcon={<VerifiedUserIcon />}
      data-testid="verify-chain"
    />
  );
  if (verify.isError)
    return (
      <Alert severity="warning" sx={{ mt: 1 }} action={button} data-testid="chain-status">
        Could not verify the chain: {verify.error.message}
        {v?.verifiedAt ? ` (last verified ${when(v.verifiedAt)}: ${v.ok ? 'intact' : 'broken'})` : ''}
      </Alert>
    );
  if (!v?.verifiedAt)
    return (
      <Alert severity="info" sx={{ mt: 1 }} action={button} data-testid="chain-status">
        The chain has not been verified yet.
      </Alert>
    );
  if (v.ok)
    return (
      <Alert severity="success" sx={{ mt: 1 }} action={button} data-testid="chain-status">
        Chain intact: {v.checked?.toLocaleString()} entries verified {when(v.verifiedAt)}.
      </Alert>
    );
  return (
    <Alert severity="error" sx={{ mt: 1 }} action={button} data-testid="chain-status">
      <AlertTitle>The chain does not verify</AlertTitle>
      Entry {v.firstBad?.sequence} is the first that does not match: {v.firstBad?.reason} (verified {when(v.verifiedAt)},{' '}
      {v.checked?.toLocaleString()} entries walked).
    </Alert>
  );
}
