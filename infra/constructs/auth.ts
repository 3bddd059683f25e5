import { Duration, type RemovalPolicy, Stack } from "aws-cdk-lib";
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
} from "aws-cdk-lib/aws-cognito";
import { Construct } from "constructs";
import { ROLES } from "#lib/auth/roles";

/** What the API's JWT authorizer needs to trust a token issuer. */
export interface JwtTrust {
  readonly issuer: string;
  readonly audience: readonly string[];
}

export interface CrmAuthProps {
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
}

/**
 * The stack's own identity provider, used when a customer brings no OIDC provider: a Cognito
 * user pool whose groups are the CRM's roles (they reach the API in the `cognito:groups` claim)
 * and one public app client whose id is the token audience.
 */
export class CrmAuth extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly jwt: JwtTrust;

  constructor(scope: Construct, id: string, props: CrmAuthProps) {
    super(scope, id);
    this.userPool = new UserPool(this, "UserPool", {
      // CRM users are the customer's staff: an admin invites them, nobody signs up.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        passwordHistorySize: 5,
        tempPasswordValidity: Duration.days(3),
      },
      // The pool guards customer records: a second factor is required, by app (TOTP) rather
      // than SMS, which needs an SNS role and is open to SIM swapping.
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // The Plus plan's threat protection blocks sign-ins with compromised credentials or a
      // high risk score (cdk-nag COG8, and the successor of "advanced security mode").
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
    });

    for (const role of ROLES) {
      // The group name is the role name the API checks, so it is set on purpose.
      this.userPool.addGroup(`Group-${role}`, {
        groupName: role,
        description: `CRM role ${role}`,
      });
    }

    this.client = this.userPool.addClient("ApiClient", {
      // A public client (browser apps, CLIs): a secret could not be kept secret there.
      generateSecret: false,
      authFlows: { userSrp: true },
      // No hosted-UI domain in this stack; tokens come from the SRP sign-in flow.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    // The issuer is spelled out as the tokens' `iss` claim reads, as the CDK's own user pool
    // authorizer does. Cognito puts the client id in `aud` (ID tokens) or `client_id` (access
    // tokens); the HTTP API's JWT authorizer accepts either as the audience.
    const { region, urlSuffix } = Stack.of(this);
    this.jwt = {
      issuer: `https://cognito-idp.${region}.${urlSuffix}/${this.userPool.userPoolId}`,
      audience: [this.client.userPoolClientId],
    };
  }
}
