import type { CommandDefinition } from './command-definition';
import {
  DispatchActionResultSchema,
  DispatchActionSchema,
  RegisterPanelServerResultSchema,
  RegisterPanelServerSchema,
  RegisterServiceResultSchema,
  RegisterServiceSchema,
} from './gen/platform/provisioning/v1/commands_pb';

export const RegisterPanelServerCommand = {
  context: 'provisioning',
  name: 'register-panel-server',
  command: RegisterPanelServerSchema,
  result: RegisterPanelServerResultSchema,
} satisfies CommandDefinition;

export const RegisterServiceCommand = {
  context: 'provisioning',
  name: 'register-service',
  command: RegisterServiceSchema,
  result: RegisterServiceResultSchema,
} satisfies CommandDefinition;

export const DispatchActionCommand = {
  context: 'provisioning',
  name: 'dispatch-action',
  command: DispatchActionSchema,
  result: DispatchActionResultSchema,
} satisfies CommandDefinition;
