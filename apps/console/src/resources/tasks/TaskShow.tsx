import { Labeled, NumberField, Show, SimpleShowLayout, TextField, TopToolbar } from 'react-admin';
import { CancelTaskButton, RetryTaskButton } from './TaskActions';
import { TimeField } from '../../TimeField';
import { ProgressBar, StatusChip, TargetField } from './TaskFields';
import { TaskLog } from './TaskLog';

const actions = (
  <TopToolbar>
    <CancelTaskButton />
    <RetryTaskButton />
  </TopToolbar>
);

/** Header, progress and log; all of it refreshes live as the task's events are projected. */
export function TaskShow() {
  return (
    <Show actions={actions}>
      <SimpleShowLayout>
        <TextField source="type" />
        <StatusChip />
        <ProgressBar />
        <TargetField />
        <NumberField source="attempt" />
        <TextField source="error" emptyText="—" />
        <TimeField source="createdAt" label="Created" />
        <TimeField source="updatedAt" label="Updated" />
        <Labeled label="Log" fullWidth>
          <TaskLog />
        </Labeled>
      </SimpleShowLayout>
    </Show>
  );
}
