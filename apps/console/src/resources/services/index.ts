import DnsIcon from '@mui/icons-material/Dns';
import { ServiceCreate } from './ServiceCreate';
import { ServiceList } from './ServiceList';
import { ServiceShow } from './ServiceShow';

export default {
  name: 'services',
  adminOnly: true,
  list: ServiceList,
  show: ServiceShow,
  create: ServiceCreate,
  icon: DnsIcon,
  options: { label: 'Services' },
  recordRepresentation: 'domain',
};
