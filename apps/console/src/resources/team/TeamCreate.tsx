import { Alert, Button, Card, CardContent, MenuItem, Stack, TextField } from '@mui/material';
import { useState } from 'react';
import { Title, useNotify, useRedirect } from 'react-admin';
import { call, generatePassword, refusal, userPath, type UserRecord, type Violation } from './teamApi';

/**
 * Add a staff (or customer) account: email, name, role and an initial password, typed or generated here and shown
 * in clear so it can be handed over. The gateway checks the password policy and that the email is free.
 */
export function TeamCreate() {
  const notify = useNotify();
  const redirect = useRedirect();
  const [form, setForm] = useState({ email: '', name: '', role: 'admin', password: '' });
  const [violations, setViolations] = useState<Violation[]>([]);
  const [error, setError] = useState('');
  const [saving, setSaving] = useState(false);
  const fieldError = (field: string) => violations.find((v) => v.field === field)?.message;
  const set = (field: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [field]: e.target.value });

  async function save() {
    setSaving(true);
    const answer = await call<UserRecord>('POST', userPath(), form);
    setSaving(false);
    if (!answer.ok) {
      setViolations(answer.body.violations ?? []);
      setError(refusal(answer));
      return;
    }
    notify(`${answer.body.email} added`, { type: 'success' });
    redirect('show', 'users', answer.body.id);
  }

  return (
    <Card sx={{ mt: 2, maxWidth: 640 }}>
      <Title title="Add User" />
      <CardContent>
        <Stack spacing={2}>
          {error && <Alert severity="error">{error}</Alert>}
          <TextField
            label="Email"
            value={form.email}
            onChange={set('email')}
            error={!!fieldError('email')}
            helperText={fieldError('email')}
            required
          />
          <TextField
            label="Name"
            value={form.name}
            onChange={set('name')}
            error={!!fieldError('name')}
            helperText={fieldError('name')}
            required
          />
          <TextField
            select
            label="Role"
            value={form.role}
            onChange={set('role')}
            helperText="An admin sees every page; a customer only their own"
          >
            <MenuItem value="admin">admin</MenuItem>
            <MenuItem value="customer">customer</MenuItem>
          </TextField>
          <Stack direction="row" spacing={1} alignItems="flex-start">
            <TextField
              label="Initial password"
              value={form.password}
              onChange={set('password')}
              error={!!fieldError('password')}
              helperText={fieldError('password') ?? 'At least 12 characters; shown here so you can hand it over'}
              fullWidth
              required
            />
            <Button sx={{ mt: 1 }} onClick={() => setForm({ ...form, password: generatePassword() })}>
              Generate
            </Button>
          </Stack>
          <Stack direction="row" spacing={1}>
            <Button variant="contained" onClick={() => void save()} disabled={saving}>
              Save
            </Button>
            <Button onClick={() => redirect('list', 'users')}>Cancel</Button>
          </Stack>
        </Stack>
      </CardContent>
    </Card>
  );
}
