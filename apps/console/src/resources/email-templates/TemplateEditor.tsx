import {
  Alert,
  Box,
  Button as MuiButton,
  Card,
  CardContent,
  Chip,
  Grid,
  Stack,
  TextField as MuiTextField,
  Tooltip,
  Typography,
} from '@mui/material';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Confirm, Title, useNotify, useRedirect } from 'react-admin';
import { EmailBody } from '../email-log/EmailBody';
import { CodeArea, goTo } from './CodeArea';
import {
  call,
  describeTestResult,
  type TemplateRecord,
  type TemplateToken,
  templatePath,
  tokensFromJson,
  tokensToJson,
  type Violation,
} from './templateApi';
import { VersionHistory } from './VersionHistory';

interface Draft {
  name: string;
  description: string;
  subject: string;
  html: string;
  tokensJson: string;
}

const PREVIEW_DELAY_MS = 350;
const same = (a: Draft, b: Draft) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The template editor: subject and HTML with line numbers, each problem the
 * service finds (syntax with line and column, an unknown token, a render
 * failure) shown in place as you type, a live preview beside it in a
 * sandboxed frame, and Save, Send test, Reset to default and the version
 * history. The same editor creates a custom template (Add Template).
 */
export function TemplateEditor({ record, onSaved }: { record?: TemplateRecord; onSaved?: () => void }) {
  const creating = !record;
  const custom = creating || record.origin === 'custom';
  const notify = useNotify();
  const redirect = useRedirect();
  const initial: Draft = useMemo(
    () => ({
      name: record?.name ?? '',
      description: record?.description ?? '',
      subject: record?.subject ?? 'Hello {{ user.name }}',
      html: record?.html ?? '<p>Dear {{ user.name }},</p>\n',
      tokensJson: tokensToJson(record?.tokens ?? [{ path: 'user.name', description: '', sampleJson: '"Ada Lovelace"' }]),
    }),
    [record],
  );
  const [draft, setDraft] = useState<Draft>(initial);
  // What the draft started from (the loaded or last saved version): what "unsaved" and the save's expected version refer to.
  const [loaded, setLoaded] = useState<{ draft: Draft; version: number | undefined }>({ draft: initial, version: record?.version });
  // Another save arrived (live) while this draft has unsaved changes: they are kept, and the save will be refused.
  const [savedElsewhere, setSavedElsewhere] = useState<number | undefined>();
  const [violations, setViolations] = useState<Violation[]>([]);
  const [preview, setPreview] = useState<{ subject: string; html: string } | undefined>();
  const [busy, setBusy] = useState<string | undefined>();
  const [confirmReset, setConfirmReset] = useState(false);
  const htmlArea = useRef<HTMLTextAreaElement>(null);
  const subjectInput = useRef<HTMLInputElement>(null);
  const draftNow = useRef(draft);
  draftNow.current = draft;
  const loadedNow = useRef(loaded);
  loadedNow.current = loaded;
  useEffect(() => {
    const current = draftNow.current;
    if (same(current, loadedNow.current.draft) || same(current, initial)) {
      setDraft(initial);
      setLoaded({ draft: initial, version: record?.version });
      setSavedElsewhere(undefined);
    } else if (record?.version !== loadedNow.current.version) setSavedElsewhere(record?.version);
  }, [initial, record?.version]);

  const dirty = !same(draft, loaded.draft);
  const tokens = custom ? tokensFromJson(draft.tokensJson) : (record?.tokens ?? []);
  const tokenError = Array.isArray(tokens) ? undefined : tokens;

  // Live preview: the draft rendered by the email service with its samples, checked as a save would check it.
  useEffect(() => {
    if (tokenError) return setViolations([tokenError]);
    const timer = setTimeout(() => {
      void (async () => {
        const name = creating ? draft.name || 'new.template' : record.name;
        const res = await call<{ subject: string; html: string }>('POST', `${templatePath(name)}/preview`, {
          subject: draft.subject,
          html: draft.html,
          ...(custom ? { tokens } : {}),
        });
        if (res.ok) {
          setPreview({ subject: res.body.subject, html: res.body.html });
          setViolations([]);
        } else if (res.status === 400)
          setViolations(res.body.violations ?? [{ field: '', rule: '', message: res.body.message ?? 'invalid' }]);
      })();
    }, PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [draft.subject, draft.html, draft.tokensJson]);

  const problemsOf = (field: string) => violations.filter((v) => v.field === field || v.field.startsWith(`${field}.`));
  const lines = (field: string) => new Set(problemsOf(field).flatMap((v) => (v.line ? [v.line] : [])));

  const save = async () => {
    if (tokenError) return setViolations([tokenError]);
    setBusy('save');
    const body = { subject: draft.subject, html: draft.html, ...(custom ? { tokens } : {}) };
    const res = creating
      ? await call<{ id: string; version: number }>('POST', '/api/email-templates', {
          name: draft.name,
          description: draft.description,
          ...body,
        })
      : await call<{ version: number }>('PUT', templatePath(record.name), { ...body, expectedVersion: loaded.version });
    setBusy(undefined);
    if (res.ok) {
      setViolations([]);
      notify(creating ? `Template ${draft.name} created` : `Saved as version ${res.body.version}`, { type: 'info' });
      setLoaded({ draft, version: res.body.version });
      if (creating) redirect('edit', 'email-templates', draft.name);
      else onSaved?.();
      return;
    }
    if (res.status === 400) setViolations(res.body.violations ?? []);
    notify(res.status === 400 ? `Not saved: ${res.body.message}` : (res.body.message ?? `Save failed (${res.status})`), {
      type: 'warning',
    });
  };

  const sendTest = async () => {
    setBusy('test');
    const res = await call<Parameters<typeof describeTestResult>[0]>('POST', `${templatePath(record!.name)}/send-test`);
    setBusy(undefined);
    if (!res.ok) return notify(res.body.message ?? `Send test failed (${res.status})`, { type: 'warning' });
    notify(describeTestResult(res.body), {
      type: res.body.status === 'sent' ? 'success' : res.body.status === 'failed' ? 'error' : 'info',
    });
  };

  const reset = async () => {
    setConfirmReset(false);
    const res = await call<{ version: number }>('POST', `${templatePath(record!.name)}/reset`);
    if (!res.ok) return notify(res.body.message ?? `Reset failed (${res.status})`, { type: 'warning' });
    notify(`Reset to the shipped version, saved as version ${res.body.version}`, { type: 'info' });
    onSaved?.();
  };

  const problemList = (field: string, target: () => HTMLTextAreaElement | HTMLInputElement | null) =>
    problemsOf(field).map((v, i) => (
      <Alert
        key={`${field}-${i}`}
        severity="error"
        sx={{ py: 0, mt: 0.5, cursor: v.line ? 'pointer' : 'default' }}
        data-testid="template-problem"
        onClick={() => {
          const element = target();
          if (element instanceof HTMLTextAreaElement) goTo(element, v.line, v.column);
          else element?.focus();
        }}
      >
        {v.message}
      </Alert>
    ));

  return (
    <Card sx={{ mt: 2 }}>
      <Title title={creating ? 'Add Template' : `Email template ${record.name}`} />
      <CardContent>
        <Stack direction="row" spacing={1} alignItems="center" sx={{ mb: 2 }}>
          <Typography variant="h6">{creating ? 'Add Template' : record.name}</Typography>
          {record && <Chip size="small" label={`version ${loaded.version ?? record.version}`} />}
          {record && <Chip size="small" variant="outlined" label={record.origin === 'default' ? 'ships with the platform' : 'custom'} />}
          {dirty && <Chip size="small" color="warning" label="unsaved changes" />}
          <Box sx={{ flex: 1 }} />
          <MuiButton
            variant="contained"
            onClick={() => void save()}
            disabled={busy !== undefined || (!creating && !dirty)}
            data-testid="save"
          >
            {creating ? 'Create' : 'Save'}
          </MuiButton>
          {!creating && (
            <Tooltip
              title={
                dirty
                  ? 'Send test sends the saved version: save first'
                  : 'Renders the saved version with its sample data and sends it to you'
              }
            >
              <span>
                <MuiButton
                  variant="outlined"
                  onClick={() => void sendTest()}
                  disabled={busy !== undefined || dirty}
                  data-testid="send-test"
                >
                  {busy === 'test' ? 'Sending…' : 'Send test'}
                </MuiButton>
              </span>
            </Tooltip>
          )}
          {record?.resettable && (
            <MuiButton color="warning" onClick={() => setConfirmReset(true)} data-testid="reset">
              Reset to default
            </MuiButton>
          )}
        </Stack>
        {savedElsewhere !== undefined && (
          <Alert severity="warning" sx={{ mb: 2 }}>
            Someone saved version {savedElsewhere} while you were editing: your changes are kept here, but saving them is refused until you
            reload the template (copy what you need first).
          </Alert>
        )}
        {record && (
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
            {record.description}
          </Typography>
        )}
        <Grid container spacing={2}>
          <Grid size={{ xs: 12, lg: 6 }}>
            <Stack spacing={1.5}>
              {creating && (
                <>
                  <MuiTextField
                    label="Name"
                    value={draft.name}
                    onChange={(e) => setDraft({ ...draft, name: e.target.value })}
                    helperText="lower-case words joined by dots or dashes, e.g. promo.autumn"
                    error={problemsOf('name').length > 0}
                    size="small"
                  />
                  {problemList('name', () => null)}
                  <MuiTextField
                    label="Description"
                    value={draft.description}
                    onChange={(e) => setDraft({ ...draft, description: e.target.value })}
                    size="small"
                  />
                </>
              )}
              <MuiTextField
                label="Subject"
                value={draft.subject}
                inputRef={subjectInput}
                onChange={(e) => setDraft({ ...draft, subject: e.target.value })}
                error={problemsOf('subject').length > 0}
                slotProps={{ htmlInput: { 'data-testid': 'subject', style: { fontFamily: 'monospace' } } }}
                size="small"
              />
              {problemList('subject', () => subjectInput.current)}
              <Typography variant="caption" color="text.secondary">
                HTML body — {'{{ token }}'} is HTML-escaped; {'{{#if}}'}, {'{{#unless}}'}, {'{{#each}}'} and {'{{#with}}'} are available
              </Typography>
              <CodeArea
                ref={htmlArea}
                label="HTML body"
                testId="html"
                value={draft.html}
                onChange={(html) => setDraft({ ...draft, html })}
                errorLines={lines('html')}
              />
              {problemList('html', () => htmlArea.current)}
              <Typography variant="subtitle2">Tokens</Typography>
              {custom ? (
                <>
                  <MuiTextField
                    label="Tokens (JSON: token → sample value)"
                    value={draft.tokensJson}
                    onChange={(e) => setDraft({ ...draft, tokensJson: e.target.value })}
                    multiline
                    minRows={3}
                    error={problemsOf('tokens').length > 0}
                    slotProps={{ htmlInput: { style: { fontFamily: 'monospace', fontSize: 13 } } }}
                  />
                  {problemList('tokens', () => null)}
                </>
              ) : (
                <TokenTable tokens={record.tokens ?? []} />
              )}
            </Stack>
          </Grid>
          <Grid size={{ xs: 12, lg: 6 }}>
            <Typography variant="subtitle2">Preview, with the sample data</Typography>
            <Typography variant="body2" sx={{ my: 1 }} data-testid="preview-subject">
              <strong>Subject:</strong> {preview?.subject ?? '…'}
            </Typography>
            {violations.length > 0 && (
              <Alert severity="warning" sx={{ mb: 1 }}>
                The preview shows the last version that rendered: fix the problems on the left to see this one.
              </Alert>
            )}
            <EmailBody html={preview?.html ?? ''} title="Preview of the email body" height={520} />
          </Grid>
        </Grid>
        {record && (
          <VersionHistory
            name={record.name}
            current={record.version}
            onLoad={(v) => setDraft({ ...draft, subject: v.subject, html: v.html })}
          />
        )}
        <Confirm
          isOpen={confirmReset}
          title={`Reset ${record?.name ?? ''} to default?`}
          content="The text that ships with the platform is restored as a new version. The current version stays in the history."
          confirm="Reset"
          onConfirm={() => void reset()}
          onClose={() => setConfirmReset(false)}
        />
      </CardContent>
    </Card>
  );
}

function TokenTable({ tokens }: { tokens: readonly TemplateToken[] }) {
  return (
    <Stack spacing={0.25} data-testid="tokens">
      {tokens.map((t) => (
        <Typography key={t.path} variant="body2">
          <code>{`{{ ${t.path} }}`}</code> — {t.description}{' '}
          <Typography component="span" variant="caption" color="text.secondary">
            e.g. {t.sampleJson}
          </Typography>
        </Typography>
      ))}
      <Typography variant="caption" color="text.secondary">
        A template that ships with the platform uses exactly the tokens the platform sends.
      </Typography>
    </Stack>
  );
}
