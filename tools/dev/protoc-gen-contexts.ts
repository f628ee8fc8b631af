// protoc-gen-contexts, run by buf after protoc-gen-es (proto/buf.gen.yaml), so that a context's contracts
// are only its folder proto/platform/<context>/<version>/: the lists every new context used to edit by hand
// (registry, CONTEXTS, command table, index) are derived from the proto packages instead. It writes into
// libs/contracts/src/gen/: contexts.ts (CONTEXTS, Context: every package but common); index.ts
// (eventRegistry of every events.proto, common re-exported, `export * as <context><Version>` per package);
// and per package <dir>/index.ts, re-exporting its *_pb files plus <Message>Command for each message with
// (platform.common.v1.command_result), named its kebab-case (the subject cmd.<context>.<name> derives from
// it), <Aggregate>Event unions from (platform.common.v1.aggregate), and per enum <Enum>Name, <Enum>Names
// and <enum>ByName (the *_UNSPECIFIED zero value means "not set" and gets no name: a lookup gives undefined
// and the caller picks a default). A command without a result or an event without an aggregate fails
// `buf generate`. Options: proto/platform/common/v1/options.proto. Lives in tools/ as build tooling on
// root devDependencies; libs/contracts stays generated code plus names, nothing that runs at build time.
import { type DescEnum, type DescExtension, type DescFile, type DescMessage, getOption, hasOption } from '@bufbuild/protobuf';
import { createEcmaScriptPlugin, type GeneratedFile, type Schema, runNodeJs } from '@bufbuild/protoplugin';

const COMMON = 'common';
const COMMAND_RESULT = 'platform.common.v1.command_result';
const AGGREGATE = 'platform.common.v1.aggregate';
const ACTOR = 'platform.common.v1.Actor';
/** Where CommandDefinition lives, relative to the output root (libs/contracts/src/gen). */
const COMMAND_DEFINITION = '../command-definition';
const PACKAGE = /^platform\.([a-z][a-z0-9_]*)\.(v[0-9]+(?:(?:alpha|beta)[0-9]*)?)$/;
const AGGREGATE_TOKEN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

interface Package {
  /** e.g. platform.tasks.v1 */
  name: string;
  /** e.g. tasks; `common` is shared, not a context. */
  context: string;
  version: string;
  /** e.g. platform/tasks/v1 */
  dir: string;
  files: DescFile[];
}

/** CreateTask → create-task, RegisterPanelServer → register-panel-server, HTTPProbe → http-probe. */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

/** panel-server → PanelServer, panel_servers → PanelServers. */
function pascalCase(name: string): string {
  return name.replace(/(?:^|[-_])([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const camelCase = (name: string) => pascalCase(name).replace(/^./, (c) => c.toLowerCase());

/** The short name of an enum value: LOGIN_RESULT_RATE_LIMITED (local name RATE_LIMITED) → rate_limited. */
const shortName = (localName: string) => localName.replace(/\$$/, '').toLowerCase();

function fail(message: string): never {
  throw new Error(`protoc-gen-contexts: ${message}`);
}

function findExtension(schema: Schema, typeName: string): DescExtension | undefined {
  for (const file of schema.allFiles) for (const ext of file.extensions) if (ext.typeName === typeName) return ext;
  return undefined;
}

function stringOption(message: DescMessage, ext: DescExtension | undefined): string | undefined {
  return ext && hasOption(message, ext) ? String(getOption(message, ext)) : undefined;
}

/** Messages and enums of a file, nested ones included, in declaration order. */
function* typesIn(schema: Schema, file: DescFile) {
  for (const t of schema.typesInFile(file)) if (t.kind === 'message' || t.kind === 'enum') yield t;
}

const baseName = (file: DescFile) => file.name.slice(file.name.lastIndexOf('/') + 1);

function packagesOf(schema: Schema): Package[] {
  const byName = new Map<string, Package>();
  for (const file of schema.files) {
    const name = file.proto.package;
    const m = PACKAGE.exec(name);
    if (!m) fail(`${file.proto.name}: package ${name} is not platform.<context>.<version>`);
    const [, context, version] = m as unknown as [string, string, string];
    const pkg = byName.get(name) ?? { name, context, version, dir: name.replaceAll('.', '/'), files: [] };
    pkg.files.push(file);
    byName.set(name, pkg);
  }
  for (const pkg of byName.values()) pkg.files.sort((a, b) => a.name.localeCompare(b.name));
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** An import path relative to the output root (`./x` or `../x`), as seen from the generated file `from`. */
function relativeTo(from: string, path: string, schema: Schema): string {
  const fromDir = from.split('/').slice(0, -1);
  const target = path.replace(/^\.\//, '').split('/');
  let common = 0;
  while (common < fromDir.length && fromDir[common] === target[common]) common++;
  const rel = [...fromDir.slice(common).map(() => '..'), ...target.slice(common)].join('/');
  const ext = schema.options.importExtension === 'none' ? '' : `.${schema.options.importExtension}`;
  return (rel.startsWith('.') ? rel : `./${rel}`) + ext;
}

function header(f: GeneratedFile, what: string) {
  f.print(`// @generated by protoc-gen-contexts (tools/dev/protoc-gen-contexts.ts) from ${what}. Do not edit.`);
}

function generatePackage(schema: Schema, pkg: Package, subjects: Map<string, string>) {
  const path = `${pkg.dir}/index.ts`;
  const f = schema.generateFile(path);
  const commandResult = findExtension(schema, COMMAND_RESULT);
  const aggregate = findExtension(schema, AGGREGATE);
  const taken = new Set<string>();
  const claim = (name: string, by: string) => {
    if (taken.has(name)) fail(`${pkg.name}: ${by} would generate ${name}, which the package already exports`);
    taken.add(name);
    return name;
  };
  for (const file of pkg.files) {
    taken.add(f.importSchema(file).name);
    for (const t of typesIn(schema, file)) {
      taken.add(f.importShape(t).name);
      taken.add(f.importSchema(t).name);
    }
    for (const ext of schema.typesInFile(file)) if (ext.kind === 'extension') taken.add(f.importSchema(ext).name);
  }

  header(f, `package ${pkg.name}`);
  f.print();
  for (const file of pkg.files) f.print('export * from ', f.string(relativeTo(path, `./${file.name}_pb`, schema)), ';');

  const commands: { message: DescMessage; result: DescMessage }[] = [];
  const aggregates = new Map<string, DescMessage[]>();
  const enums: DescEnum[] = [];
  for (const file of pkg.files) {
    const base = baseName(file);
    for (const t of typesIn(schema, file)) {
      if (t.kind === 'enum') {
        enums.push(t);
        continue;
      }
      const result = stringOption(t, commandResult);
      if (result !== undefined) {
        if (pkg.context === COMMON) fail(`${t.typeName}: ${COMMON} is not a context, it cannot have commands`);
        const typeName = result.includes('.') ? result.replace(/^\./, '') : `${pkg.name}.${result}`;
        const resultDesc = schema.allFiles.flatMap((file) => [...typesIn(schema, file)]).find((d) => d.typeName === typeName);
        if (resultDesc?.kind !== 'message') fail(`${t.typeName}: (${COMMAND_RESULT}) = "${result}" names no message`);
        commands.push({ message: t, result: resultDesc });
      } else if (
        base === 'commands' &&
        t.parent === undefined &&
        t.fields.some((fd) => fd.fieldKind === 'message' && fd.message.typeName === ACTOR)
      ) {
        fail(`${t.typeName} carries an actor like a command but has no (${COMMAND_RESULT}) option naming its reply`);
      }
      const agg = stringOption(t, aggregate);
      if (agg !== undefined) {
        if (!AGGREGATE_TOKEN.test(agg)) fail(`${t.typeName}: (${AGGREGATE}) = "${agg}" is not a lower kebab-case subject token`);
        aggregates.set(agg, [...(aggregates.get(agg) ?? []), t]);
      } else if (base === 'events' && t.parent === undefined) {
        fail(`${t.typeName}: every message of events.proto is an event and needs (${AGGREGATE}), the aggregate of its subject`);
      }
    }
  }

  for (const [agg, events] of aggregates) {
    const name = claim(`${pascalCase(agg)}Event`, `aggregate "${agg}"`);
    const subject = pkg.context === COMMON ? `its context` : `evt.${pkg.context}.${agg}.<id>`;
    f.print();
    f.print(f.jsDoc(`Every event of the ${agg} aggregate, stored on ${subject}.`));
    if (events.length === 1) f.print(f.export('type', name), ' = ', f.importShape(events[0]!), ';');
    else {
      f.print(f.export('type', name), ' =');
      events.forEach((e, i) => f.print('  | ', f.importShape(e), i === events.length - 1 ? ';' : ''));
    }
  }

  if (commands.length > 0) {
    const definition = f.import('CommandDefinition', `./${COMMAND_DEFINITION}.js`, true);
    for (const { message, result } of commands) {
      const name = claim(`${f.importShape(message).name}Command`, `command ${message.typeName}`);
      const command = kebabCase(message.name);
      const subject = `cmd.${pkg.context}.${command}`;
      const other = subjects.get(subject);
      if (other !== undefined) fail(`${message.typeName} and ${other} would both be sent to ${subject}`);
      subjects.set(subject, message.typeName);
      f.print();
      f.print(f.jsDoc(`Sent to ${subject}: ${message.name}, answered with ${result.name}.`));
      f.print(f.export('const', name), ' = {');
      f.print('  context: ', f.string(pkg.context), ',');
      f.print('  name: ', f.string(command), ',');
      f.print('  command: ', f.importSchema(message), ',');
      f.print('  result: ', f.importSchema(result), ',');
      f.print('} satisfies ', definition, ';');
    }
  }

  for (const e of enums) {
    const shape = f.importShape(e);
    const value = f.import(shape.name, shape.from);
    const named = e.values.filter((v) => v.number !== 0 || !v.name.endsWith('_UNSPECIFIED'));
    const typeName = claim(`${shape.name}Name`, `enum ${e.typeName}`);
    const names = claim(`${shape.name}Names`, `enum ${e.typeName}`);
    const byName = claim(`${camelCase(shape.name)}ByName`, `enum ${e.typeName}`);
    f.print();
    f.print(f.jsDoc(`The short names of ${e.name}'s values, as an API or a read model spells them.`));
    f.print(f.export('type', typeName), ' = ', named.map((v) => JSON.stringify(shortName(v.localName))).join(' | ') || 'never', ';');
    f.print();
    f.print(f.jsDoc(`${e.name} value → short name; the zero value *_UNSPECIFIED (not set) and unknown values have none.`));
    f.print(f.export('const', names), ': Readonly<Partial<Record<', value, ', ', typeName, '>>> = {');
    for (const v of named) f.print('  [', value, `.${v.localName}]: `, f.string(shortName(v.localName)), ',');
    f.print('};');
    f.print();
    f.print(f.jsDoc(`Short name → ${e.name} value.`));
    f.print(f.export('const', byName), ': Readonly<Record<', typeName, ', ', value, '>> = {');
    for (const v of named) {
      const key = shortName(v.localName);
      f.print('  ', /^[a-z_$][a-z0-9_$]*$/.test(key) ? key : f.string(key), ': ', value, `.${v.localName},`);
    }
    f.print('};');
  }
}

function generateTs(schema: Schema) {
  const packages = packagesOf(schema);
  const contexts = [...new Set(packages.map((p) => p.context).filter((c) => c !== COMMON))];
  const subjects = new Map<string, string>();
  for (const pkg of packages) generatePackage(schema, pkg, subjects);

  const c = schema.generateFile('contexts.ts');
  header(c, 'the packages platform.<context>.<version> in proto/');
  c.print();
  c.print(
    c.jsDoc('Every bounded context with contracts in proto/platform/<context>/: one event stream and one command subject space each.'),
  );
  c.print(c.export('const', 'CONTEXTS'), ' = ', c.array(contexts.map((ctx) => c.string(ctx))), ' as const;');
  c.print(c.export('type', 'Context'), ' = (typeof CONTEXTS)[number];');

  const path = 'index.ts';
  const f = schema.generateFile(path);
  header(f, 'the packages platform.<context>.<version> in proto/');
  f.print();
  for (const pkg of packages) {
    const from = relativeTo(path, `./${pkg.dir}/index`, schema);
    if (pkg.context === COMMON) f.print('export * from ', f.string(from), ';');
    else f.print(`export * as ${camelCase(pkg.context)}${pascalCase(pkg.version)} from `, f.string(from), ';');
  }
  const events = packages.flatMap((p) => p.files.filter((file) => baseName(file) === 'events' && p.context !== COMMON));
  f.print();
  f.print(f.jsDoc('Every event type a consumer may meet, for decoding by the Ops-Event-Type header.'));
  f.print(f.export('const', 'eventRegistry'), ' = ', f.import('createRegistry', '@bufbuild/protobuf'), '(');
  for (const file of events) f.print('  ', f.importSchema(file), ',');
  f.print(');');
}

export const plugin = createEcmaScriptPlugin({ name: 'protoc-gen-contexts', version: 'v1', generateTs });

if (import.meta.main) runNodeJs(plugin);
