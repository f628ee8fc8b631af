import { describe, expect, it } from 'vitest';
import { baseConfigSchema, ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('fills the safe local defaults', () => {
    expect(loadConfig(baseConfigSchema, {})).toMatchObject({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      NATS_URL: 'nats://127.0.0.1:4222',
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      OPSLEDGER_PREFIX: '',
      STREAM_REPLICAS: 1,
    });
  });

  it('names every wrong variable and its rule in one message', () => {
    const load = () => loadConfig(baseConfigSchema, { DATABASE_URL: 'mysql://x', STREAM_REPLICAS: '9', TEMPORAL_ADDRESS: 'nohost' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/DATABASE_URL: must be a postgres:\/\/ URL/);
    expect(load).toThrow(/STREAM_REPLICAS: .*5/);
    expect(load).toThrow(/TEMPORAL_ADDRESS: must be host:port/);
  });
});
