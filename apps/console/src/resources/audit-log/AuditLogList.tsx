import { Datagrid, DateTimeInput, FilterButton, List, SelectInput, TextField, TextInput, TopToolbar } from 'react-admin';
import { CsvExportButton } from '../../CsvExportButton';
import { TimeField } from '../../TimeField';
import { ActorField, ChangedFields, ResourceField, SourceField } from './AuditFields';
import { ChainStatus } from './ChainStatus';

const sources = ['console', 'api', 'cli', 'system'].map((id) => ({ id, name: id }));

// Filters live in the URL, so a filtered view can be bookmarked and shared. Action matches what it starts with:
// `user.` is every user action, `user.delete` that one.
const filters = [
  <TextInput key="actionPrefix" source="actionPrefix" label="Action" helperText="starts with, e.g. user." alwaysOn />,
  <TextInput key="actorId" source="actorId" label="Actor id" alwaysOn />,
  <SelectInput key="source" source="source" choices={sources} alwaysOn />,
  <DateTimeInput key="from" source="from" label="After" alwaysOn />,
  <DateTimeInput key="to" source="to" label="Before" alwaysOn />,
  <TextInput key="resourceType" source="resourceType" label="Resource type" />,
  <TextInput key="resourceId" source="resourceId" label="Resource id" />,
  <TextInput key="action" source="action" label="Action (exact)" />,
  <TextInput key="correlationId" source="correlationId" label="Correlation id" />,
];

const actions = (
  <TopToolbar>
    <FilterButton />
    <CsvExportButton />
  </TopToolbar>
);

/** Every admin action from every context, newest first: who did what to which resource, when and from where. */
export function AuditLogList() {
  return (
    <List filters={filters} actions={actions} sort={{ field: 'occurredAt', order: 'DESC' }} perPage={25} title="Audit Log">
      <ChainStatus />
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TimeField source="occurredAt" label="When" />
        <ActorField label="Actor" />
        <TextField source="action" sortable={false} />
        <ResourceField label="Resource" />
        <SourceField label="Source" />
        <ChangedFields label="Changed" />
      </Datagrid>
    </List>
  );
}
