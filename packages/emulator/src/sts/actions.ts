/**
 * STS 2015-04-01 `GetCallerIdentity`: who the verified AccessKey is. A long-term key of an emulator
 * account is the account itself (root); a temporary key is an assumed role session.
 *
 * @packageDocumentation
 */
import type { RpcProduct } from "../ground/rpcProduct";

/** The STS API version served. */
export const STS_VERSION = "2015-04-01";

/** The STS product served by the emulator. */
export function stsProduct(isTemporaryKey: (accessKeyId: string) => boolean): RpcProduct {
  return {
    name: "Sts",
    version: STS_VERSION,
    host: (region) => `sts.${region}.aliyuncs.com`,
    actions: {
      GetCallerIdentity: (call) => {
        if (isTemporaryKey(call.accessKeyId)) {
          const session = call.accessKeyId.replace(/^STS\./, "");
          return {
            AccountId: call.accountId,
            UserId: `300000000000000:${session}`,
            RoleId: "300000000000000",
            PrincipalId: `300000000000000:${session}`,
            IdentityType: "AssumedRoleUser",
            Arn: `acs:ram::${call.accountId}:assumed-role/emulator-role/${session}`,
          };
        }
        return {
          AccountId: call.accountId,
          UserId: call.accountId,
          PrincipalId: call.accountId,
          IdentityType: "Account",
          Arn: `acs:ram::${call.accountId}:root`,
        };
      },
    },
  };
}
