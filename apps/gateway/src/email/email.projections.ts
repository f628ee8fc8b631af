import { Inject, Injectable } from '@nestjs/common';
import { emailV1, settingsV1 } from '@opsledger/contracts';
import type { StoredEvent } from '@opsledger/eventstore';
import type { LiveHub } from '../live/live-hub';
import type { ProjectionEntry } from '../projections/projection.tokens';
import { type ContextReadModel, ContributesProjections, type ProjectionSource } from '../projections/read-model';
import type { EmailTables } from './email-tables';
import { emailProjection } from './email.projection';
import { EmailReadModel } from './email.read-model';
import { emailSettingsProjection } from './email-settings.projection';

const TEMPLATE_EVENTS = new Set<string>([
  emailV1.DefaultTemplateRegisteredSchema.typeName,
  emailV1.TemplateCreatedSchema.typeName,
  emailV1.TemplateEditedSchema.typeName,
  emailV1.TemplateResetSchema.typeName,
]);

/** After a batch commits: one notice per template and per email it touched. No owner: only staff hear them. */
function publishEmailNotices(hub: LiveHub) {
  return async (events: readonly StoredEvent[]) => {
    const seen = new Set<string>();
    for (const e of events) {
      const data = e.data as { name?: string; emailId?: string };
      const [resource, id] = TEMPLATE_EVENTS.has(e.type) ? ['email-templates', data.name] : ['email-log', data.emailId];
      if (!id || seen.has(`${resource}/${id}`)) continue;
      seen.add(`${resource}/${id}`);
      const created = e.type === emailV1.EmailQueuedSchema.typeName || e.type === emailV1.TemplateCreatedSchema.typeName;
      hub.publish({ resource: resource!, id, change: created ? 'created' : 'updated' });
    }
  };
}

function publishSettingsNotices(hub: LiveHub) {
  return async (events: readonly StoredEvent[]) => {
    if (events.some((e) => e.type === settingsV1.EmailSettingsChangedSchema.typeName))
      hub.publish({ resource: 'settings', id: 'email', change: 'updated' });
  };
}

@ContributesProjections()
@Injectable()
export class EmailProjections implements ProjectionSource {
  constructor(@Inject(EmailReadModel) private readonly readModel: ContextReadModel<EmailTables>) {}

  projections(hub: LiveHub): ProjectionEntry[] {
    return [
      { projection: emailProjection(this.readModel.schema), onCommitted: publishEmailNotices(hub) },
      { projection: emailSettingsProjection(this.readModel.schema), onCommitted: publishSettingsNotices(hub) },
    ];
  }
}
