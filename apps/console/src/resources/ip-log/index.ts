import LanIcon from '@mui/icons-material/Lan';
import { IpLogList } from './IpLogList';
import { IpLogShow } from './IpLogShow';

export default {
  name: 'ip-log',
  adminOnly: true,
  list: IpLogList,
  show: IpLogShow,
  icon: LanIcon,
  options: { label: 'IP Log' },
  recordRepresentation: 'ip',
};
