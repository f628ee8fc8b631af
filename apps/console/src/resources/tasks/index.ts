import TaskIcon from '@mui/icons-material/PlaylistPlay';
import { TaskList } from './TaskList';
import { TaskShow } from './TaskShow';

export default {
  name: 'tasks',
  adminOnly: false,
  list: TaskList,
  show: TaskShow,
  icon: TaskIcon,
  options: { label: 'Tasks' },
  recordRepresentation: (record: { type: string; id: string }) => `${record.type} ${record.id.slice(0, 8)}`,
};
