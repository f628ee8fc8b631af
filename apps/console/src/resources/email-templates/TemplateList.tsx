import { Chip } from '@mui/material';
import { CreateButton, Datagrid, List, NumberField, SelectInput, TextField, TextInput, TopToolbar, useRecordContext } from 'react-admin';
import { CsvExportButton } from '../../CsvExportButton';
import { TimeField } from '../../TimeField';
import type { TemplateRecord } from './templateApi';

const filters = [
  <TextInput key="q" source="q" label="Search" alwaysOn />,
  <SelectInput
    key="origin"
    source="origin"
    choices={[
      { id: 'default', name: 'ships with the platform' },
      { id: 'custom', name: 'custom' },
    ]}
    alwaysOn
  />,
];

const actions = (
  <TopToolbar>
    <CreateButton label="Add Template" />
    <CsvExportButton />
  </TopToolbar>
);

function OriginChip(_: { label?: string; sortable?: boolean }) {
  const record = useRecordContext<TemplateRecord>();
  if (!record) return null;
  return <Chip size="small" variant="outlined" label={record.origin === 'default' ? 'default' : 'custom'} />;
}

/** Every template at its current version; a click opens the editor. */
export function TemplateList() {
  return (
    <List filters={filters} actions={actions} sort={{ field: 'name', order: 'ASC' }} perPage={50} title="Email Templates">
      <Datagrid rowClick="edit" bulkActionButtons={false}>
        <TextField source="name" />
        <TextField source="subject" sortable={false} />
        <OriginChip label="Origin" sortable={false} />
        <NumberField source="version" />
        <TimeField source="updatedAt" label="Saved" />
        <TextField source="updatedBy" label="By" sortable={false} />
      </Datagrid>
    </List>
  );
}
