import ScheduleIcon from '@mui/icons-material/Schedule';
import { ScheduleList } from './ScheduleList';

export default {
  name: 'schedules',
  adminOnly: true,
  list: ScheduleList,
  icon: ScheduleIcon,
  options: { label: 'Scheduler' },
  recordRepresentation: 'id',
};
