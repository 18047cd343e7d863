/**
 * RAM's state per account (policies, roles, attachments, tags), IMS's service role and its
 * activation, persisted as the `ram` section of the state file. The actions are in actions.ts,
 * the policy documents and their evaluation in policy.ts.
 *
 * @packageDocumentation
 */
import { randomInt } from "node:crypto";
import type { EmulatorBehaviour } from "../ground/behaviour";
import { keyMap } from "../ground/records";
import type { StateFile } from "../ground/stateFile";
import { isoSeconds } from "../ground/rpcProduct";
import {
  checkPolicyDocument,
  evaluatePolicies,
  IMS_SERVICE_ROLE_POLICY,
  type PolicyDecision,
  ramError,
  SYSTEM_POLICIES,
} from "./policy";

/** IMS's service role, present in an account where IMS is activated. */
export const IMS_SERVICE_ROLE = "AliyunICEDefaultRole";

/** At most this many versions per policy. */
export const MAX_POLICY_VERSIONS = 5;

/** One version of a custom policy. */
export interface PolicyVersionRecord {
  /** `v1`, `v2`, ...: numbers are never reused. */
  readonly VersionId: string;
  readonly PolicyDocument: string;
  readonly CreateDate: string;
}

/** A custom policy. */
export interface PolicyRecord {
  readonly PolicyName: string;
  Description: string;
  readonly CreateDate: string;
  UpdateDate: string;
  DefaultVersion: string;
  /** Oldest first. */
  versions: PolicyVersionRecord[];
  /** The number the next version gets. */
  nextVersion: number;
  tags: Record<string, string>;
}

/** A RAM role. */
export interface RoleRecord {
  readonly RoleName: string;
  readonly RoleId: string;
  readonly Arn: string;
  Description: string;
  AssumeRolePolicyDocument: string;
  MaxSessionDuration: number;
  readonly CreateDate: string;
  UpdateDate: string;
  tags: Record<string, string>;
  /** The policies attached, in attachment order. */
  attachments: {
    readonly PolicyName: string;
    readonly PolicyType: "System" | "Custom";
    readonly AttachDate: string;
  }[];
}

/** The RAM state of one account. Both maps are objects without a prototype (names come from requests). */
export interface RamAccount {
  policies: Record<string, PolicyRecord>;
  roles: Record<string, RoleRecord>;
  /** Set once the account's IMS activation was first applied, so a deleted service role stays deleted. */
  imsInitialised?: boolean;
}

/** A RAM store: every account's policies and roles, persisted through `onChange`. */
export class RamState {
  private accounts = keyMap<RamAccount>();

  constructor(
    /** Called after every change (persists the state file). */
    private readonly onChange: () => Promise<void>,
    /** The behaviour switches in force (decides a system policy's content). */
    private readonly behaviour: () => EmulatorBehaviour,
  ) {}

  /** A RAM state kept as the `ram` section of `stateFile` (loaded from it). */
  static attach(stateFile: StateFile, behaviour: () => EmulatorBehaviour): RamState {
    const ram = new RamState(() => stateFile.changed(), behaviour);
    ram.load(stateFile.attachSection("ram", ram));
    return ram;
  }

  /** Loads the JSON written by {@link RamState.save}; unknown shapes are ignored. */
  load(json: unknown): void {
    if (typeof json !== "object" || json === null || Array.isArray(json)) return;
    const withTags = <T extends { tags?: Record<string, string> }>(record: T): T => ({
      ...record,
      tags: keyMap(record.tags ?? {}),
    });
    this.accounts = keyMap(
      Object.entries(structuredClone(json) as Record<string, RamAccount>).map(([id, account]) => [
        id,
        {
          ...account,
          policies: keyMap(
            Object.entries(account.policies ?? {}).map(([name, p]) => [name, withTags(p)]),
          ),
          roles: keyMap(
            Object.entries(account.roles ?? {}).map(([name, r]) => [name, withTags(r)]),
          ),
        },
      ]),
    );
  }

  /** The JSON for the state file. */
  save(): unknown {
    return this.accounts;
  }

  /** The RAM state of `accountId` (created empty on first use). */
  account(accountId: string): RamAccount {
    return (this.accounts[accountId] ??= { policies: keyMap(), roles: keyMap() });
  }

  /**
   * Applies IMS activation to an account the first time it is seen (creates the service role when
   * `activated`); later calls do nothing, so a user's deletion of the role persists.
   */
  async initialiseAccount(accountId: string, activated: boolean, now: number): Promise<void> {
    const account = this.account(accountId);
    if (account.imsInitialised) return;
    account.imsInitialised = true;
    if (activated) this.activateIms(accountId, now);
    await this.onChange();
  }

  /**
   * Activates or deactivates IMS in an account: activation creates `AliyunICEDefaultRole` (trusting
   * `ice.aliyuncs.com`) with `AliyunICEDefaultRolePolicy` attached, if the role is missing;
   * deactivation removes the role and its attachments.
   */
  async setImsActivated(accountId: string, activated: boolean, now: number): Promise<void> {
    const account = this.account(accountId);
    account.imsInitialised = true;
    if (activated) this.activateIms(accountId, now);
    else delete account.roles[IMS_SERVICE_ROLE];
    await this.onChange();
  }

  private activateIms(accountId: string, now: number): void {
    const account = this.account(accountId);
    if (account.roles[IMS_SERVICE_ROLE]) return;
    const role = this.newRole(accountId, IMS_SERVICE_ROLE, {
      description:
        "IMS (Intelligent Media Services) uses this role to access your resources in other services.",
      trust: JSON.stringify({
        Version: "1",
        Statement: [
          {
            Action: "sts:AssumeRole",
            Effect: "Allow",
            Principal: { Service: ["ice.aliyuncs.com"] },
          },
        ],
      }),
      maxSessionDuration: 3600,
      now,
    });
    role.attachments.push({
      PolicyName: IMS_SERVICE_ROLE_POLICY,
      PolicyType: "System",
      AttachDate: isoSeconds(now),
    });
    account.roles[IMS_SERVICE_ROLE] = role;
  }

  /** A new role record of `accountId` (the caller stores it). */
  newRole(
    accountId: string,
    name: string,
    options: {
      description: string;
      trust: string;
      maxSessionDuration: number;
      now: number;
      tags?: Record<string, string>;
    },
  ): RoleRecord {
    const date = isoSeconds(options.now);
    return {
      RoleName: name,
      RoleId: `3${String(randomInt(0, 2 ** 47)).padStart(15, "0")}`,
      Arn: `acs:ram::${accountId}:role/${name.toLowerCase()}`,
      Description: options.description,
      AssumeRolePolicyDocument: options.trust,
      MaxSessionDuration: options.maxSessionDuration,
      CreateDate: date,
      UpdateDate: date,
      tags: keyMap(options.tags ?? {}),
      attachments: [],
    };
  }

  /** The document of a policy's default version (custom) or of a system policy; `undefined` if it does not exist. */
  policyDocument(accountId: string, name: string, type: "System" | "Custom"): string | undefined {
    if (type === "System") {
      const system = SYSTEM_POLICIES[name];
      return system ? JSON.stringify(system.document(this.behaviour())) : undefined;
    }
    const policy = this.account(accountId).policies[name];
    return policy?.versions.find((v) => v.VersionId === policy.DefaultVersion)?.PolicyDocument;
  }

  /**
   * Evaluates the policies attached to `roleName` for `action` on `resource` (see
   * {@link evaluatePolicies}).
   */
  evaluate(accountId: string, roleName: string, action: string, resource: string): PolicyDecision {
    const role = this.account(accountId).roles[roleName];
    if (!role) return { allowed: false, reason: `the role ${roleName} does not exist` };
    const policies = role.attachments.map((a) => ({
      name: `${a.PolicyType} policy ${a.PolicyName}`,
      document: this.policyDocument(accountId, a.PolicyName, a.PolicyType),
    }));
    return evaluatePolicies(policies, roleName, action, resource);
  }

  /**
   * Adds a version to custom policy `name` (RAM's CreatePolicyVersion): checks the document; past
   * {@link MAX_POLICY_VERSIONS}, rotates out the oldest non-default version when `rotate`, else
   * refuses with `LimitExceeded.Policy.Version`. Resolves once persisted.
   */
  async createPolicyVersion(
    accountId: string,
    name: string,
    document: string,
    options: { readonly setAsDefault: boolean; readonly rotate: boolean; readonly now: number },
  ): Promise<{ policy: PolicyRecord; version: PolicyVersionRecord }> {
    const policy = this.account(accountId).policies[name];
    if (!policy) throw ramError("EntityNotExist.Policy", "The policy does not exist.");
    checkPolicyDocument(document);
    if (policy.versions.length >= MAX_POLICY_VERSIONS) {
      const oldest = policy.versions.find((v) => v.VersionId !== policy.DefaultVersion);
      if (!options.rotate || !oldest)
        throw ramError(
          "LimitExceeded.Policy.Version",
          "The count of policy version beyond the current limits.",
        );
      policy.versions = policy.versions.filter((v) => v !== oldest);
    }
    const date = isoSeconds(options.now);
    const version: PolicyVersionRecord = {
      VersionId: `v${policy.nextVersion++}`,
      PolicyDocument: document,
      CreateDate: date,
    };
    policy.versions.push(version);
    if (options.setAsDefault) policy.DefaultVersion = version.VersionId;
    policy.UpdateDate = date;
    await this.onChange();
    return { policy, version };
  }

  /** Persists a change an action made to this state's records; resolves with `value` once written. */
  async changed<T>(value: T): Promise<T> {
    await this.onChange();
    return value;
  }
}
