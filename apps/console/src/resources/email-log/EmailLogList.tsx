import { Datagrid, DateTimeInput, FilterButton, List, NumberField, SelectInput, TextField, TextInput, TopToolbar } from 'react-admin';
import { CsvExportButton } from '../../CsvExportButton';
import { TimeField } from '../../TimeField';
import { EmailStatusChip, ProviderField, TemplateVersionField } from './EmailLogFields';

const statuses = ['queued', 'sent', 'failed'].map((id) => ({ id, name: id }));

// Filters live in the URL, so a filtered view can be bookmarked and shared.
const filters = [
  <TextInput key="to" source="to" label="Recipient" alwaysOn />,
  <TextInput key="template" source="template" label="Template" alwaysOn />,
  <SelectInput key="status" source="status" choices={statuses} alwaysOn />,
  <DateTimeInput key="from" source="createdAt_gte" label="After" />,
  <DateTimeInput key="to-date" source="createdAt_lte" label="Before" />,
  <TextInput key="correlationId" source="correlationId" label="Correlation id" />,
];

const actions = (
  <TopToolbar>
    <FilterButton />
    <CsvExportButton />
  </TopToolbar>
);

/** Every outgoing email, newest first: who it went to, from which template version, and how delivery went. */
export function EmailLogList() {
  return (
    <List filters={filters} actions={actions} sort={{ field: 'createdAt', order: 'DESC' }} perPage={25} title="Email Log">
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TimeField source="createdAt" label="Queued" />
        <TextField source="to" label="Recipient" sortable={false} />
        <TemplateVersionField label="Template" sortable={false} />
        <TextField source="subject" sortable={false} />
        <EmailStatusChip label="Status" sortable={false} />
        <NumberField source="attempts" sortable={false} />
        <ProviderField label="Provider" sortable={false} />
      </Datagrid>
    </List>
  );
}
