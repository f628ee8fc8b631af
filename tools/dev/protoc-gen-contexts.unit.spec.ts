// What protoc-gen-contexts generated (read through @opsledger/contracts, which
// `npm test` checks is up to date with proto/), and that the plugin refuses a
// command without a reply or an event without an aggregate.
import { clone, create, type DescFile, type DescMessage, getOption, hasOption } from '@bufbuild/protobuf';
import {
  CodeGeneratorRequestSchema,
  file_google_protobuf_descriptor,
  file_google_protobuf_struct,
  file_google_protobuf_timestamp,
  FileDescriptorProtoSchema,
} from '@bufbuild/protobuf/wkt';
import * as contracts from '@opsledger/contracts';
import { aggregate, CONTEXTS, command_result, type CommandDefinition, eventRegistry, provisioningV1, tasksV1 } from '@opsledger/contracts';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { kebabCase, plugin } from './protoc-gen-contexts';

/** Every generated context namespace (tasksV1, …) with its context and proto files. */
const namespaces = Object.entries(contracts)
  .filter(([key]) => /^[a-z][A-Za-z0-9]*V[0-9]/.test(key))
  .map(([key, ns]) => {
    const exports = ns as Record<string, unknown>;
    const files = Object.entries(exports)
      .filter(([name]) => name.startsWith('file_'))
      .map(([, file]) => file as DescFile);
    return { key, exports, files, context: files[0]!.proto.package.split('.')[1]! };
  });
const messagesOf = (base: string) =>
  namespaces.flatMap((ns) => ns.files.filter((f) => f.name.endsWith(`/${base}`)).flatMap((f) => f.messages.map((m) => ({ ns, m }))));
const carriesActor = (m: DescMessage) =>
  m.fields.some((f) => f.fieldKind === 'message' && f.message.typeName === 'platform.common.v1.Actor');

describe('protoc-gen-contexts output', () => {
  it('has one namespace per context, and CONTEXTS lists exactly those contexts', () => {
    // A new context adds its own namespace; these must stay.
    expect(namespaces.map((n) => n.key)).toEqual(expect.arrayContaining(['loginsV1', 'provisioningV1', 'tasksV1']));
    expect(namespaces.map((n) => n.key)).toEqual(namespaces.map((n) => `${n.context}V1`));
    expect([...CONTEXTS].sort()).toEqual([...new Set(namespaces.map((n) => n.context))].sort());
  });

  it('makes every message of a commands.proto that carries an actor a command with a result, and nothing else', () => {
    const messages = messagesOf('commands');
    expect(messages.length).toBeGreaterThan(0);
    for (const { m } of messages) expect(hasOption(m, command_result), m.typeName).toBe(carriesActor(m));
  });

  it('defines <Message>Command named the kebab-case of the message, with the result its option names', () => {
    for (const { ns, m } of messagesOf('commands').filter(({ m }) => hasOption(m, command_result))) {
      const definition = ns.exports[`${m.name}Command`] as CommandDefinition;
      expect(definition.context).toBe(ns.context);
      expect(definition.name).toBe(kebabCase(m.name));
      expect(definition.command).toBe(m);
      expect(definition.result.typeName).toBe(`${m.file.proto.package}.${getOption(m, command_result)}`);
    }
  });

  it('keeps the command subjects services already listen on', () => {
    const subjects = namespaces.flatMap((ns) =>
      Object.entries(ns.exports)
        .filter(([name]) => name.endsWith('Command'))
        .map(([, d]) => contracts.commandSubject((d as CommandDefinition).context, (d as CommandDefinition).name)),
    );
    // Commands may be added; these subjects are what running services answer, so they may never change.
    expect(subjects).toEqual(
      expect.arrayContaining([
        'cmd.provisioning.dispatch-action',
        'cmd.provisioning.register-panel-server',
        'cmd.provisioning.register-service',
        'cmd.tasks.cancel-task',
        'cmd.tasks.create-task',
        'cmd.tasks.describe-workers',
        'cmd.tasks.retry-task',
      ]),
    );
    expect(new Set(subjects).size).toBe(subjects.length);
    expect(tasksV1.CancelTaskCommand.result).toBe(tasksV1.TaskCommandResultSchema);
    expect(tasksV1.RetryTaskCommand.result).toBe(tasksV1.TaskCommandResultSchema);
  });

  it('registers every message of every events.proto, each naming its aggregate', () => {
    const events = messagesOf('events');
    expect(events.length).toBeGreaterThan(0);
    for (const { m } of events) {
      expect(eventRegistry.getMessage(m.typeName), m.typeName).toBe(m);
      expect(getOption(m, aggregate), m.typeName).toMatch(/^[a-z][a-z0-9-]*$/);
    }
  });

  it('unions the events of each aggregate as today', () => {
    expectTypeOf<tasksV1.TaskEvent>().toEqualTypeOf<
      | tasksV1.TaskCreated
      | tasksV1.TaskStarted
      | tasksV1.TaskProgressed
      | tasksV1.TaskLogged
      | tasksV1.TaskCompleted
      | tasksV1.TaskFailed
      | tasksV1.TaskCancelled
      | tasksV1.TaskRetried
    >();
    expectTypeOf<provisioningV1.ServiceEvent>().toEqualTypeOf<
      provisioningV1.ServiceRegistered | provisioningV1.ActionDispatched | provisioningV1.ActionSucceeded | provisioningV1.ActionFailed
    >();
  });

  it('maps enum values to short names and back, leaving the unspecified zero value unnamed', () => {
    const { ProvisioningAction, ProvisioningActionNames, provisioningActionByName } = provisioningV1;
    expect(ProvisioningActionNames[ProvisioningAction.CREATE]).toBe('create');
    expect(ProvisioningActionNames[ProvisioningAction.UNSPECIFIED]).toBeUndefined();
    expect(provisioningActionByName).toEqual({
      create: ProvisioningAction.CREATE,
      suspend: ProvisioningAction.SUSPEND,
      unsuspend: ProvisioningAction.UNSUSPEND,
      terminate: ProvisioningAction.TERMINATE,
    });
    expect(contracts.loginsV1.loginResultByName.rate_limited).toBe(contracts.loginsV1.LoginResult.RATE_LIMITED);
    expect(tasksV1.LogLevelNames[tasksV1.LogLevel.WARN]).toBe('warn');
    expectTypeOf(provisioningActionByName).toEqualTypeOf<
      Readonly<Record<'create' | 'suspend' | 'unsuspend' | 'terminate', provisioningV1.ProvisioningAction>>
    >();
  });
});

describe('protoc-gen-contexts', () => {
  const tasksFiles = [
    file_google_protobuf_descriptor,
    file_google_protobuf_struct,
    file_google_protobuf_timestamp,
    contracts.file_platform_common_v1_actor,
    contracts.file_platform_common_v1_options,
    tasksV1.file_platform_tasks_v1_task,
    tasksV1.file_platform_tasks_v1_events,
    tasksV1.file_platform_tasks_v1_commands,
  ];
  /** Runs the plugin on the tasks package as embedded in the generated code, with one message's options dropped. */
  const generateWithout = (file: DescFile, message: string) => {
    const protoFile = tasksFiles.map((f) => {
      const proto = clone(FileDescriptorProtoSchema, f.proto);
      if (f === file) for (const m of proto.messageType) if (m.name === message) m.options = undefined;
      return proto;
    });
    return plugin.run(
      create(CodeGeneratorRequestSchema, {
        parameter: 'target=ts,import_extension=none',
        fileToGenerate: protoFile.filter((f) => f.name.startsWith('platform/')).map((f) => f.name),
        protoFile,
      }),
    );
  };

  it('generates the tasks package from its descriptors', () => {
    const names = generateWithout(tasksV1.file_platform_tasks_v1_commands, '').file.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['contexts.ts', 'index.ts', 'platform/tasks/v1/index.ts']));
  });

  it('refuses a command without the result it is answered with', () => {
    expect(() => generateWithout(tasksV1.file_platform_tasks_v1_commands, 'CancelTask')).toThrow(
      /platform\.tasks\.v1\.CancelTask carries an actor like a command but has no \(platform\.common\.v1\.command_result\)/,
    );
  });

  it('refuses an event without its aggregate', () => {
    expect(() => generateWithout(tasksV1.file_platform_tasks_v1_events, 'TaskFailed')).toThrow(
      /platform\.tasks\.v1\.TaskFailed: every message of events\.proto is an event and needs \(platform\.common\.v1\.aggregate\)/,
    );
  });
});
