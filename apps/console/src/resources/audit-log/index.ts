import HistoryIcon from '@mui/icons-material/History';
import { AuditLogList } from './AuditLogList';
import { AuditLogShow } from './AuditLogShow';

export default {
  name: 'audit-log',
  adminOnly: true,
  list: AuditLogList,
  show: AuditLogShow,
  icon: HistoryIcon,
  options: { label: 'Audit Log' },
  recordRepresentation: 'action',
};
