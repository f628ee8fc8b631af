import type { settingsV1 } from '@opsledger/contracts';

/** Events of the Email section of the settings (evt.settings.section.email). */
export type EmailSettingsEvent = settingsV1.EmailSettingsChanged;

/** The provider the platform sends through, as saved in Settings → Email. */
export interface EmailSettings {
  region: string;
  /** Empty: the region's AWS endpoint. */
  endpoint: string;
  sender: string;
  /** Sealed access key id and secret; empty: none saved (the environment's are used). */
  credentialsCiphertext: string;
  accessKeyIdHint: string;
}

export type EmailSettingsState = { status: 'unsaved' } | ({ status: 'saved' } & EmailSettings);

export const initialEmailSettingsState = (): EmailSettingsState => ({ status: 'unsaved' });

export function evolve(_state: EmailSettingsState, event: EmailSettingsEvent): EmailSettingsState {
  const { region, endpoint, sender, credentialsCiphertext, accessKeyIdHint } = event;
  return { status: 'saved', region, endpoint, sender, credentialsCiphertext, accessKeyIdHint };
}
