import { settingsV1 } from '@opsledger/contracts';
import type { EventStore } from '@opsledger/eventstore';
import { readCheckpoint } from '@opsledger/eventstore';
import { actorSchema, type CommandHandler } from '@opsledger/messaging';
import { commandContext } from '@opsledger/service-runtime';
import type { Kysely } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { SecretBox } from '../domain/secret-box';
import { SETTINGS_PROJECTION } from '../projections/settings.projection';
import { executeEmailSettingsCommand } from './execute';

export interface EmailSettingsDeps {
  store: EventStore;
  secrets: SecretBox;
  newId: () => string;
  now: () => Date;
  /** The service's private schema, where its copy of the section (and that copy's checkpoint) lives. */
  db: Kysely<any>;
}

// Credentials travel in HTTP headers of a signed request: printable characters without spaces.
const credential = z
  .string()
  .max(256)
  .regex(/^[\x21-\x7e]*$/, 'printable characters only, no spaces or line breaks');

export const changeEmailSettingsSchema = z
  .object({
    actor: actorSchema,
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'must be an AWS region, e.g. eu-west-1'),
    // zod runs the refinement even when the format check failed: an unparsable value is that check's to report.
    endpoint: z
      .union([z.literal(''), z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, or empty for the region’s AWS endpoint' })])
      .refine((u) => {
        if (!u || !URL.canParse(u)) return true;
        const url = new URL(u);
        return !url.username && !url.password && !url.search;
      }, 'must not carry credentials or a query string: put the keys in accessKeyId and secretAccessKey'),
    sender: z.email('must be an email address').max(254),
    accessKeyId: credential,
    secretAccessKey: credential,
  })
  .refine((s) => !s.accessKeyId === !s.secretAccessKey, {
    path: ['secretAccessKey'],
    message: 'give the access key id and the secret access key together (both empty keeps the saved ones)',
  });

/**
 * Settings → Email. The credentials are sealed here, before the domain sees
 * them, and never come back (the section says only that some are set, and
 * the key id's last four characters). Answered once the service's own copy
 * of the section holds the change, so a Send test right after uses it.
 */
export function changeEmailSettingsHandler(
  deps: EmailSettingsDeps,
): CommandHandler<typeof settingsV1.ChangeEmailSettingsCommand.command, typeof settingsV1.ChangeEmailSettingsCommand.result> {
  return {
    definition: settingsV1.ChangeEmailSettingsCommand,
    schema: changeEmailSettingsSchema,
    async handle(command, meta) {
      const credentials = command.accessKeyId
        ? {
            ciphertext: deps.secrets.seal(JSON.stringify({ accessKeyId: command.accessKeyId, secretAccessKey: command.secretAccessKey })),
            accessKeyIdHint: command.accessKeyId.slice(-4),
          }
        : undefined;
      const { version } = await executeEmailSettingsCommand(
        deps,
        {
          kind: 'ChangeEmailSettings',
          region: command.region,
          endpoint: command.endpoint.replace(/\/+$/, ''),
          sender: command.sender.toLowerCase(),
          ...(credentials ? { credentials } : {}),
          now: deps.now(),
        },
        commandContext(command, meta),
      );
      await caughtUp(deps.db, version);
      return { section: 'email', version: BigInt(version) };
    },
  };
}

/** Waits (briefly) until the private copy of the section has applied `version`. */
async function caughtUp(db: Kysely<any>, version: number, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await readCheckpoint(db, SETTINGS_PROJECTION).catch(() => 0)) >= version) return;
    await sleep(25);
  }
}
