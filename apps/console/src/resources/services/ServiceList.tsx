import { CreateButton, Datagrid, List, SearchInput, SelectInput, TextField, TopToolbar } from 'react-admin';
import { CsvExportButton } from '../../CsvExportButton';
import { TimeField } from '../../TimeField';
import { LastOutcomeField, ServiceStateChip } from './ServiceFields';

const states = ['pending', 'active', 'suspended', 'terminated'].map((id) => ({ id, name: id }));
const filters = [
  <SearchInput key="q" source="q" placeholder="Domain, client or username" alwaysOn />,
  <SelectInput key="state" source="state" choices={states} alwaysOn />,
];
const actions = (
  <TopToolbar>
    <CreateButton />
    <CsvExportButton />
  </TopToolbar>
);

export function ServiceList() {
  return (
    <List filters={filters} actions={actions} sort={{ field: 'createdAt', order: 'DESC' }} perPage={25} title="Services">
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TextField source="domain" />
        <TextField source="clientName" label="Client" />
        <TextField source="username" />
        <TextField source="package" />
        <ServiceStateChip label="State" />
        <LastOutcomeField label="Last action" />
        <TimeField source="updatedAt" label="Updated" />
      </Datagrid>
    </List>
  );
}
