import type { DescMessage } from '@bufbuild/protobuf';
import type { Context } from './streams';

/** A command's address and wire types: sent to cmd.<context>.<name>, answered with `result`. */
export interface CommandDefinition<C extends DescMessage = DescMessage, R extends DescMessage = DescMessage> {
  context: Context;
  name: string;
  command: C;
  result: R;
}
