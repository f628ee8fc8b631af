import RouterIcon from '@mui/icons-material/Router';
import { PanelServerCreate } from './PanelServerCreate';
import { PanelServerList } from './PanelServerList';

export default {
  name: 'panel-servers',
  adminOnly: true,
  list: PanelServerList,
  create: PanelServerCreate,
  icon: RouterIcon,
  options: { label: 'Panel Servers' },
  recordRepresentation: 'name',
};
