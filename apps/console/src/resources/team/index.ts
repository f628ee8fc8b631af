import GroupIcon from '@mui/icons-material/Group';
import { TeamCreate } from './TeamCreate';
import { TeamList } from './TeamList';
import { TeamShow } from './TeamShow';

/** Team management: staff and customer accounts over /api/users (admin only). */
export default {
  name: 'users',
  adminOnly: true,
  list: TeamList,
  create: TeamCreate,
  show: TeamShow,
  icon: GroupIcon,
  options: { label: 'Team' },
  recordRepresentation: 'email',
};
