import { Datagrid, List, SelectInput, TextField, TextInput, TopToolbar, FilterButton } from 'react-admin';
import { CsvExportButton } from '../../CsvExportButton';
import { RecentRuns } from './RecentRuns';
import { ScheduleActionButtons } from './ScheduleActions';
import { HEALTH, HealthChip, LastRunField, NextRunField, ScheduleField } from './ScheduleFields';
import { SchedulerBanner } from './SchedulerBanner';

const healths = Object.entries(HEALTH).map(([id, { label }]) => ({ id, name: label }));

const filters = [
  <SelectInput key="health" source="health" choices={healths} alwaysOn />,
  <TextInput key="q" source="q" label="Search" alwaysOn />,
];

const actions = (
  <TopToolbar>
    <FilterButton />
    <CsvExportButton />
  </TopToolbar>
);

/** Every recurring job: what it runs, when (in plain English), how its last run went, when it runs next, and whether it is healthy. */
export function ScheduleList() {
  return (
    <List filters={filters} actions={actions} sort={{ field: 'id', order: 'ASC' }} perPage={50} title="Scheduler">
      <SchedulerBanner />
      <Datagrid rowClick="expand" expand={<RecentRuns />} bulkActionButtons={false}>
        <TextField source="id" label="Job" />
        <TextField source="command" sortable={false} />
        <ScheduleField label="Schedule" sortable={false} />
        <LastRunField label="Last run" sortable={false} />
        <NextRunField label="Next run" sortable={false} />
        <HealthChip label="Health" sortable={false} />
        <ScheduleActionButtons label="" />
      </Datagrid>
    </List>
  );
}
