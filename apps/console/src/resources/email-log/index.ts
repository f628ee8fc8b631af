import MarkEmailReadIcon from '@mui/icons-material/MarkEmailRead';
import { EmailLogList } from './EmailLogList';
import { EmailLogShow } from './EmailLogShow';

export default {
  name: 'email-log',
  adminOnly: true,
  list: EmailLogList,
  show: EmailLogShow,
  icon: MarkEmailReadIcon,
  options: { label: 'Email Log' },
  recordRepresentation: 'subject',
};
