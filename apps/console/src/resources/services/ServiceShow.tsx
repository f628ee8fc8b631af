import { Labeled, Pagination, ReferenceField, ReferenceManyField, Show, SimpleShowLayout, TextField, TopToolbar } from 'react-admin';
import { TimeField } from '../../TimeField';
import { LogEntryGrid } from '../provisioning-log/ProvisioningLogList';
import { ServiceActionButtons } from './ServiceActions';
import { LastOutcomeField, ServiceStateChip } from './ServiceFields';

const actions = (
  <TopToolbar>
    <ServiceActionButtons />
  </TopToolbar>
);

/** One hosting account: its state, the four actions, and its own Provisioning Log entries (live). */
export function ServiceShow() {
  return (
    <Show actions={actions}>
      <SimpleShowLayout>
        <TextField source="domain" />
        <TextField source="clientName" label="Client" />
        <TextField source="clientEmail" label="Client email" emptyText="none (no notices are emailed)" />
        <TextField source="username" />
        <TextField source="package" />
        <ReferenceField source="panelServerId" reference="panel-servers" label="Panel server" link={false}>
          <TextField source="name" />
        </ReferenceField>
        <ServiceStateChip label="State" />
        <LastOutcomeField label="Last action" />
        <TimeField source="createdAt" label="Created" />
        <Labeled label="Provisioning Log" fullWidth>
          <ReferenceManyField
            reference="provisioning-log"
            target="serviceId"
            sort={{ field: 'createdAt', order: 'DESC' }}
            perPage={10}
            pagination={<Pagination />}
          >
            <LogEntryGrid showService={false} />
          </ReferenceManyField>
        </Labeled>
      </SimpleShowLayout>
    </Show>
  );
}
