import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SecretsManagerKeyStore } from '../../../shared/adapters/secrets-manager-key-store.ts';

const sm = mockClient(SecretsManagerClient);
const HEX = 'ab'.repeat(32);
const notFound = () => new ResourceNotFoundException({ message: 'nope', $metadata: {} });

describe('SecretsManagerKeyStore', () => {
  beforeEach(() => sm.reset());

  it('reads <prefix>/<ADMIN> once and caches it', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'bacuda/pseudonym/XAA' }).resolves({ SecretString: HEX });
    const store = new SecretsManagerKeyStore(new SecretsManagerClient({}), { prefix: 'bacuda/pseudonym/' });
    expect(Buffer.from(await store.keyFor('XAA')).toString('hex')).toBe(HEX);
    await store.keyFor('XAA');
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
  });

  it('refuses to invent a key unless allowed, and creates one when allowed', async () => {
    sm.on(GetSecretValueCommand).rejectsOnce(notFound()).resolves({ SecretString: HEX });
    const strict = new SecretsManagerKeyStore(new SecretsManagerClient({}), { prefix: 'p' });
    await expect(strict.keyFor('XAA')).rejects.toThrow(/does not exist/);
    expect(sm).not.toHaveReceivedCommand(CreateSecretCommand);

    sm.reset();
    sm.on(GetSecretValueCommand).rejectsOnce(notFound()).resolves({ SecretString: HEX });
    sm.on(CreateSecretCommand).resolves({});
    const creating = new SecretsManagerKeyStore(new SecretsManagerClient({}), {
      prefix: 'p',
      createIfMissing: true,
    });
    expect((await creating.keyFor('XAA')).length).toBe(32);
    expect(sm).toHaveReceivedCommandWith(CreateSecretCommand, { Name: 'p/XAA' });
  });

  it('rejects malformed administration codes and secrets', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'short' });
    const store = new SecretsManagerKeyStore(new SecretsManagerClient({}), { prefix: 'p' });
    await expect(store.keyFor('../x')).rejects.toThrow(/invalid administration/);
    await expect(store.keyFor('XAA')).rejects.toThrow(/hex key/);
  });
});
