import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  type CognitoIdentityProviderClient,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  type CreatedUser,
  type NewUser,
  type UserDirectory,
  UserExistsError,
} from '../access/user-directory.ts';

/**
 * UserDirectory on a Cognito user pool: AdminCreateUser (Cognito e-mails the invitation with a temporary
 * password; MFA enrolment is enforced by the pool), then membership of the role's group. The administration
 * goes into the `custom:administration` attribute the pre-token-generation trigger copies into tokens.
 */
export class CognitoUserDirectory implements UserDirectory {
  private readonly client: CognitoIdentityProviderClient;
  private readonly userPoolId: string;

  constructor(client: CognitoIdentityProviderClient, userPoolId: string) {
    this.client = client;
    this.userPoolId = userPoolId;
  }

  async createUser(user: NewUser): Promise<CreatedUser> {
    const attributes = [
      { Name: 'email', Value: user.email },
      { Name: 'email_verified', Value: 'true' },
      { Name: 'name', Value: user.name },
    ];
    if (user.administration) attributes.push({ Name: 'custom:administration', Value: user.administration });
    try {
      await this.client.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: user.username,
          UserAttributes: attributes,
          DesiredDeliveryMediums: ['EMAIL'],
        }),
      );
    } catch (err) {
      if (err instanceof UsernameExistsException) throw new UserExistsError(user.username);
      throw err;
    }
    await this.client.send(
      new AdminAddUserToGroupCommand({
        UserPoolId: this.userPoolId,
        Username: user.username,
        GroupName: user.role,
      }),
    );
    return { username: user.username, temporaryPassword: null };
  }
}
