import type { Json, Timestamp } from '@opsledger/db';
import type { Selectable } from 'kysely';

export interface TemplateTokenJson {
  path: string;
  description: string;
  sampleJson: string;
}

/** A template with its current version, as the Email Templates page lists it. */
export interface EmailTemplateTable {
  name: string;
  description: string;
  /** `default`: ships with the platform (Reset to default restores it); `custom`: added with Add Template. */
  origin: 'default' | 'custom';
  version: number;
  subject: string;
  html: string;
  tokens: Json<TemplateTokenJson[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Who saved the current version: `<kind>:<id>`. */
  updated_by: string;
}

/** Every version of every template, as its event stored it. */
export interface EmailTemplateVersionTable {
  name: string;
  version: number;
  /** How the version came to be. */
  change: 'registered' | 'created' | 'edited' | 'reset';
  subject: string;
  html: string;
  tokens: Json<TemplateTokenJson[]>;
  saved_at: Timestamp;
  saved_by: string;
}

export type EmailStatus = 'queued' | 'sent' | 'failed';

export interface AttemptJson {
  attempt: number;
  providerCode: string;
  providerMessage: string;
  responseCode: number;
  at: string;
}

/** Every outgoing email: the Email Log. */
export interface EmailLogTable {
  id: string;
  to_address: string;
  template: string;
  template_version: number;
  subject: string;
  /** The body exactly as sent. */
  html: string;
  status: EmailStatus;
  /** Attempts made: failed ones so far, or the one that sent it. */
  attempts: number;
  attempt_failures: Json<AttemptJson[]>;
  from_address: string | null;
  provider_message_id: string | null;
  provider_code: string | null;
  provider_message: string | null;
  response_code: number | null;
  permanent: boolean | null;
  correlation_id: string;
  caused_by_event_type: string | null;
  caused_by_event_id: string | null;
  test: boolean;
  created_at: Timestamp;
  finished_at: Timestamp | null;
  updated_at: Timestamp;
}

/** Settings → Email as the page shows it: never the credentials, only whether some are set. */
export interface EmailSettingsTable {
  section: string;
  region: string;
  endpoint: string;
  sender: string;
  credentials_set: boolean;
  access_key_id_hint: string;
  version: number;
  updated_at: Timestamp;
  updated_by: string;
}

export interface EmailTables {
  email_template: EmailTemplateTable;
  email_template_version: EmailTemplateVersionTable;
  email_log: EmailLogTable;
  email_settings: EmailSettingsTable;
}

export type EmailTemplateRow = Selectable<EmailTemplateTable>;
export type EmailTemplateVersionRow = Selectable<EmailTemplateVersionTable>;
export type EmailLogRow = Selectable<EmailLogTable>;
export type EmailSettingsRow = Selectable<EmailSettingsTable>;
