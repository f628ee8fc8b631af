import type { AggregateRef } from '@opsledger/contracts';

/**
 * A template name is dot-separated parts, each lowercase letters and digits
 * joined by single dashes: `user.welcome`, `login.new-location`. Dots cannot
 * go into a subject token, so the token spells each dot as `_`; names never
 * contain `_`, which keeps the mapping reversible.
 */
const PART = '[a-z0-9]+(?:-[a-z0-9]+)*';
export const TEMPLATE_NAME = new RegExp(`^${PART}(?:\\.${PART})*$`);
export const TEMPLATE_NAME_RULE = 'lower-case words joined by dots or dashes, e.g. user.welcome or login.new-location';

export const isTemplateName = (value: string): boolean => value.length <= 64 && TEMPLATE_NAME.test(value);

/** A template: evt.email.template.<name with dots as underscores>. */
export function templateRef(name: string): AggregateRef {
  if (!isTemplateName(name)) throw new TypeError(`template name ${JSON.stringify(name)} must be ${TEMPLATE_NAME_RULE}`);
  return { context: 'email', type: 'template', id: name.replaceAll('.', '_') };
}

/** One outgoing email: evt.email.email.<email id>. */
export const emailRef = (emailId: string): AggregateRef => ({ context: 'email', type: 'email', id: emailId });

/** A settings section: evt.settings.section.<section>. */
export const settingsSectionRef = (section: 'email'): AggregateRef => ({ context: 'settings', type: 'section', id: section });
