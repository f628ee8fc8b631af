import { Chip } from '@mui/material';
import { CreateButton, Datagrid, EmailField, List, SelectInput, TextField, TextInput, TopToolbar, useRecordContext } from 'react-admin';
import { CsvExportButton } from '../../CsvExportButton';
import { TimeField } from '../../TimeField';
import type { UserRecord } from './teamApi';

const filters = [
  <TextInput key="q" source="q" label="Search" alwaysOn />,
  <SelectInput
    key="role"
    source="role"
    choices={[
      { id: 'admin', name: 'admin' },
      { id: 'customer', name: 'customer' },
    ]}
    alwaysOn
  />,
  <SelectInput
    key="disabled"
    source="disabled"
    label="Status"
    choices={[
      { id: false, name: 'active' },
      { id: true, name: 'disabled' },
    ]}
  />,
];

const actions = (
  <TopToolbar>
    <CreateButton label="Add User" />
    <CsvExportButton />
  </TopToolbar>
);

function StatusChip(_: { label?: string; sortable?: boolean }) {
  const record = useRecordContext<UserRecord>();
  if (!record) return null;
  return (
    <Chip size="small" color={record.disabled ? 'default' : 'success'} variant="outlined" label={record.disabled ? 'disabled' : 'active'} />
  );
}

/** Staff and customer accounts; a click opens one, with its actions (disable, role, password reset, delete). */
export function TeamList() {
  return (
    <List filters={filters} actions={actions} sort={{ field: 'createdAt', order: 'DESC' }} perPage={50} title="Team">
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TextField source="name" />
        <EmailField source="email" />
        <TextField source="role" sortable={false} />
        <StatusChip label="Status" sortable={false} />
        <TimeField source="createdAt" label="Created" />
      </Datagrid>
    </List>
  );
}
