import { Alert, Button, Card, CardContent, Chip, Divider, MenuItem, Stack, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { Confirm, Title, useGetIdentity, useNotify, useRedirect, useShowController } from 'react-admin';
import { call, generatePassword, refusal, userPath, type UserRecord } from './teamApi';

/**
 * One account and what an admin may do to it: disable or enable, change the role, reset the password (its sessions
 * end), delete (with a confirmation; its sessions and API tokens stop working at once). Every change is recorded as
 * an identity event, and a refusal (the last admin, the password policy) is shown as the gateway words it.
 */
export function TeamShow() {
  const { record: user, error: loadError, refetch } = useShowController<UserRecord>({ resource: 'users' });
  const id = String(user?.id ?? '');
  const notify = useNotify();
  const redirect = useRedirect();
  const { identity } = useGetIdentity();
  const [error, setError] = useState('');
  const [role, setRole] = useState<UserRecord['role']>('admin');
  const [password, setPassword] = useState('');
  const [confirmDelete, setConfirmDelete] = useState(false);

  useEffect(() => {
    if (user) setRole(user.role);
  }, [user]);

  async function change(patch: Record<string, unknown>, done: string) {
    const answer = await call<UserRecord>('PATCH', userPath(id), patch);
    if (!answer.ok) return setError(refusal(answer));
    setError('');
    await refetch();
    notify(done, { type: 'success' });
  }

  async function remove() {
    setConfirmDelete(false);
    const answer = await call('DELETE', userPath(id));
    if (!answer.ok) return setError(refusal(answer));
    notify(`${user?.email ?? 'user'} deleted`, { type: 'success' });
    redirect('list', 'users');
  }

  return (
    <Card sx={{ mt: 2, maxWidth: 720 }}>
      <Title title={user ? `Team: ${user.name}` : 'Team'} />
      <CardContent>
        <Stack spacing={2}>
          {loadError ? <Alert severity="error">Could not load this account.</Alert> : null}
          {error && <Alert severity="error">{error}</Alert>}
          {user && (
            <>
              <Stack direction="row" spacing={1} alignItems="center">
                <Typography variant="h6">{user.name}</Typography>
                <Chip size="small" label={user.role} />
                <Chip
                  size="small"
                  variant="outlined"
                  color={user.disabled ? 'default' : 'success'}
                  label={user.disabled ? 'disabled' : 'active'}
                />
                {identity?.id === user.id && <Chip size="small" variant="outlined" label="you" />}
              </Stack>
              <Typography variant="body2">{user.email}</Typography>
              <Typography variant="body2" color="text.secondary">
                Created {new Date(user.createdAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'long' })} · id {user.id}
              </Typography>
              <Divider />
              <Stack direction="row" spacing={1} alignItems="center">
                <TextField
                  select
                  size="small"
                  label="Role"
                  value={role}
                  onChange={(e) => setRole(e.target.value as UserRecord['role'])}
                  sx={{ minWidth: 160 }}
                >
                  <MenuItem value="admin">admin</MenuItem>
                  <MenuItem value="customer">customer</MenuItem>
                </TextField>
                <Button
                  sx={{ whiteSpace: 'nowrap' }}
                  disabled={role === user.role}
                  onClick={() => void change({ role }, `role changed to ${role}`)}
                >
                  Change role
                </Button>
              </Stack>
              <Stack direction="row" spacing={1} alignItems="center">
                <TextField
                  size="small"
                  label="New password"
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                  helperText="At least 12 characters; the account's sessions end"
                  sx={{ minWidth: 320 }}
                />
                <Button onClick={() => setPassword(generatePassword())}>Generate</Button>
                <Button
                  sx={{ whiteSpace: 'nowrap' }}
                  disabled={!password}
                  onClick={() => void change({ password }, 'password reset').then(() => setPassword(''))}
                >
                  Reset password
                </Button>
              </Stack>
              <Divider />
              <Stack direction="row" spacing={1}>
                <Button
                  variant="outlined"
                  onClick={() => void change({ disabled: !user.disabled }, user.disabled ? 'enabled' : 'disabled')}
                >
                  {user.disabled ? 'Enable' : 'Disable'}
                </Button>
                <Button variant="outlined" color="error" onClick={() => setConfirmDelete(true)}>
                  Delete
                </Button>
                <Button onClick={() => redirect('list', 'users')}>Back to Team</Button>
              </Stack>
              <Confirm
                isOpen={confirmDelete}
                title={`Delete ${user.email}?`}
                content="The account is removed; its sessions and API tokens stop working at once. This cannot be undone."
                confirm="Delete"
                onConfirm={() => void remove()}
                onClose={() => setConfirmDelete(false)}
              />
            </>
          )}
        </Stack>
      </CardContent>
    </Card>
  );
}
