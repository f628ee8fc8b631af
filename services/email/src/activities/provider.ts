import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { Kysely } from 'kysely';
import type { SecretBox } from '../domain/secret-box';
import type { EmailConfig } from '../email.config';
import type { EmailSettingsTables } from '../projections/settings.projection';

/** The provider one send goes through: Settings → Email when saved, else the service's environment. */
export interface ProviderSettings {
  region: string;
  /** Empty: the region's AWS endpoint. */
  endpoint: string;
  sender: string;
  /** Absent: the AWS SDK's own credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  source: 'settings' | 'environment';
}

export interface ProviderDeps {
  /** The service's private schema (the email_settings lookup). */
  db: Kysely<EmailSettingsTables>;
  config: Pick<
    EmailConfig,
    'EMAIL_SES_REGION' | 'EMAIL_SES_ENDPOINT' | 'EMAIL_SES_ACCESS_KEY_ID' | 'EMAIL_SES_SECRET_ACCESS_KEY' | 'EMAIL_SENDER'
  >;
  secrets: SecretBox;
}

/** Credentials that cannot be opened (the secret key changed): a permanent failure, said plainly. */
export class UnreadableCredentials extends Error {
  override readonly name = 'UnreadableCredentials';
}

/** Read at every send, so a saved change applies to the next email without a restart. */
export async function currentProvider(deps: ProviderDeps): Promise<ProviderSettings> {
  const saved = await deps.db.selectFrom('email_settings').selectAll().where('section', '=', 'email').executeTakeFirst();
  const env = deps.config;
  const envCredentials = env.EMAIL_SES_ACCESS_KEY_ID
    ? { accessKeyId: env.EMAIL_SES_ACCESS_KEY_ID, secretAccessKey: env.EMAIL_SES_SECRET_ACCESS_KEY }
    : undefined;
  if (!saved) {
    return {
      region: env.EMAIL_SES_REGION,
      endpoint: env.EMAIL_SES_ENDPOINT,
      sender: env.EMAIL_SENDER,
      credentials: envCredentials,
      source: 'environment',
    };
  }
  let credentials = envCredentials;
  if (saved.credentials_ciphertext) {
    try {
      credentials = JSON.parse(deps.secrets.open(saved.credentials_ciphertext)) as { accessKeyId: string; secretAccessKey: string };
    } catch {
      throw new UnreadableCredentials(
        'the credentials saved in Settings → Email cannot be opened with this EMAIL_SECRET_KEY (was it changed?): enter them again',
      );
    }
  }
  return { region: saved.region, endpoint: saved.endpoint, sender: saved.sender, credentials, source: 'settings' };
}

export interface OutgoingEmail {
  to: string;
  subject: string;
  html: string;
}

/**
 * One SendEmail call to SES v2. The SDK's own retries are off: every retry
 * is Temporal's, so each attempt is one call, recorded.
 */
export async function sendThroughProvider(
  provider: ProviderSettings,
  email: OutgoingEmail,
): Promise<{ messageId: string; responseCode: number }> {
  const client = new SESv2Client({
    region: provider.region,
    ...(provider.endpoint ? { endpoint: provider.endpoint } : {}),
    ...(provider.credentials ? { credentials: provider.credentials } : {}),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 20_000 },
  });
  try {
    const result = await client.send(
      new SendEmailCommand({
        FromEmailAddress: provider.sender,
        Destination: { ToAddresses: [email.to] },
        Content: { Simple: { Subject: { Data: email.subject, Charset: 'UTF-8' }, Body: { Html: { Data: email.html, Charset: 'UTF-8' } } } },
      }),
    );
    return { messageId: result.MessageId ?? '', responseCode: result.$metadata.httpStatusCode ?? 200 };
  } finally {
    client.destroy();
  }
}
