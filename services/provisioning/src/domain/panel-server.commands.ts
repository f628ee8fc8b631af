/**
 * Commands a panel server decides on. The API token arrives already sealed:
 * the clear token never enters the domain, so no rule and no event can leak it.
 */
export type PanelServerCommand = {
  kind: 'RegisterPanelServer';
  panelServerId: string;
  name: string;
  apiUrl: string;
  apiTokenCiphertext: string;
  tlsVerify: boolean;
  timeoutMs: number;
  now: Date;
};
