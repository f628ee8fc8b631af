import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { settingsV1 } from '@opsledger/contracts';
import { type EmailSettingsEvent, type EmailSettingsState, evolve, initialEmailSettingsState } from './email-settings.events';

/**
 * Change the Email section. Credentials arrive already sealed (the handler
 * seals them before the domain sees them: the clear secret is never in a
 * command, state or event); absent: keep the ones saved.
 */
export interface ChangeEmailSettings {
  kind: 'ChangeEmailSettings';
  region: string;
  endpoint: string;
  sender: string;
  credentials?: { ciphertext: string; accessKeyIdHint: string };
  now: Date;
}

/**
 * Rules of the Email section: each change is a whole section (the event
 * carries everything a reader needs, sealed credentials included); new
 * credentials replace the saved ones, none keeps them; a change that changes
 * nothing records nothing. Formats (region, URL, address) are checked at the
 * boundary, before this.
 */
export function decide(state: EmailSettingsState, command: ChangeEmailSettings): EmailSettingsEvent[] {
  const saved = state.status === 'saved' ? state : undefined;
  const credentialsCiphertext = command.credentials?.ciphertext ?? saved?.credentialsCiphertext ?? '';
  const accessKeyIdHint = command.credentials?.accessKeyIdHint ?? saved?.accessKeyIdHint ?? '';
  const unchanged =
    saved &&
    !command.credentials &&
    saved.region === command.region &&
    saved.endpoint === command.endpoint &&
    saved.sender === command.sender;
  if (unchanged) return [];
  return [
    create(settingsV1.EmailSettingsChangedSchema, {
      region: command.region,
      endpoint: command.endpoint,
      sender: command.sender,
      credentialsCiphertext,
      accessKeyIdHint,
      credentialsChanged: command.credentials !== undefined,
      at: timestampFromDate(command.now),
    }),
  ];
}

export const emailSettingsDecider = { initialState: initialEmailSettingsState, evolve, decide };
