import { taskTypeNames } from '@opsledger/contracts/task-types';
import { Datagrid, DateTimeInput, FilterButton, List, SelectInput, TextField, TextInput, TopToolbar } from 'react-admin';
import { CsvExportButton } from '../../CsvExportButton';
import { TimeField } from '../../TimeField';
import { ProgressBar, StatusChip, TargetField } from './TaskFields';
import { WorkerBanner } from './WorkerBanner';

const statuses = ['pending', 'running', 'completed', 'failed', 'cancelled'].map((id) => ({ id, name: id }));
const types = taskTypeNames.map((id) => ({ id, name: id }));

// Filters live in the URL (react-admin's default), so a filtered view can be bookmarked and shared.
const filters = [
  <SelectInput key="type" source="type" choices={types} alwaysOn />,
  <SelectInput key="status" source="status" choices={statuses} alwaysOn />,
  <TextInput key="userId" source="userId" label="User" />,
  <DateTimeInput key="from" source="createdAt_gte" label="Created after" />,
  <DateTimeInput key="to" source="createdAt_lte" label="Created before" />,
];

const actions = (
  <TopToolbar>
    <FilterButton />
    <CsvExportButton />
  </TopToolbar>
);

export function TaskList() {
  return (
    <List filters={filters} actions={actions} sort={{ field: 'createdAt', order: 'DESC' }} perPage={25} title="Tasks">
      <WorkerBanner />
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TextField source="type" />
        <StatusChip />
        <ProgressBar />
        <TargetField />
        <TimeField source="createdAt" label="Created" />
        <TimeField source="updatedAt" label="Updated" />
      </Datagrid>
    </List>
  );
}
