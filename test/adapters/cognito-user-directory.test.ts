import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { UserExistsError } from '../../shared/access/user-directory.ts';
import { CognitoUserDirectory } from '../../shared/adapters/cognito-user-directory.ts';

const cognito = mockClient(CognitoIdentityProviderClient);

describe('CognitoUserDirectory', () => {
  beforeEach(() => cognito.reset());

  it('creates the user with its administration and adds it to the role group', async () => {
    // Prepare
    cognito.on(AdminCreateUserCommand).resolves({});
    cognito.on(AdminAddUserToGroupCommand).resolves({});
    const dir = new CognitoUserDirectory(new CognitoIdentityProviderClient({}), 'pool-1');
    // Act
    const created = await dir.createUser({
      username: 'jdoe',
      email: 'jdoe@example.org',
      name: 'J Doe',
      role: 'official',
      administration: 'XAA',
    });
    // Assess
    expect(created).toEqual({ username: 'jdoe', temporaryPassword: null });
    expect(cognito).toHaveReceivedCommandWith(AdminCreateUserCommand, {
      UserPoolId: 'pool-1',
      Username: 'jdoe',
      DesiredDeliveryMediums: ['EMAIL'],
      UserAttributes: expect.arrayContaining([
        { Name: 'email', Value: 'jdoe@example.org' },
        { Name: 'custom:administration', Value: 'XAA' },
      ]),
    });
    expect(cognito).toHaveReceivedCommandWith(AdminAddUserToGroupCommand, {
      UserPoolId: 'pool-1',
      Username: 'jdoe',
      GroupName: 'official',
    });
  });

  it('omits the administration for analysts', async () => {
    cognito.on(AdminCreateUserCommand).resolves({});
    cognito.on(AdminAddUserToGroupCommand).resolves({});
    const dir = new CognitoUserDirectory(new CognitoIdentityProviderClient({}), 'pool-1');
    await dir.createUser({
      username: 'ana',
      email: 'a@example.org',
      name: 'A',
      role: 'analyst',
      administration: null,
    });
    const input = cognito.commandCalls(AdminCreateUserCommand)[0].args[0].input;
    expect(input.UserAttributes?.some((a) => a.Name === 'custom:administration')).toBe(false);
  });

  it('turns UsernameExistsException into UserExistsError and adds no group', async () => {
    cognito
      .on(AdminCreateUserCommand)
      .rejects(new UsernameExistsException({ message: 'exists', $metadata: {} }));
    const dir = new CognitoUserDirectory(new CognitoIdentityProviderClient({}), 'pool-1');
    await expect(
      dir.createUser({
        username: 'x',
        email: 'x@example.org',
        name: 'X',
        role: 'analyst',
        administration: null,
      }),
    ).rejects.toBeInstanceOf(UserExistsError);
    expect(cognito).not.toHaveReceivedCommand(AdminAddUserToGroupCommand);
  });
});
