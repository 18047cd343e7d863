import {
  MAX_POLICY_NAME_LENGTH,
  policyNameProblems,
  stackScopedName,
} from "../../lib/shared/names";
import { MAX_QUEUE_NAME_LENGTH, queueNameProblems } from "../../lib/shared/validation";

describe("stackScopedName", () => {
  const queue = (project: string, stack: string, name: string) =>
    stackScopedName({
      prefix: "ice-callback-",
      project,
      stack,
      name,
      maxLength: MAX_QUEUE_NAME_LENGTH,
    });

  it("reads as prefix, project, stack, name and a hash of the three", () => {
    expect(queue("shop", "prod", "media")).toMatch(/^ice-callback-shop-prod-media-[0-9a-f]{8}$/);
    expect(
      stackScopedName({
        prefix: "ims-callback-",
        project: "shop",
        stack: "prod",
        name: "ims",
        suffix: "-send",
        maxLength: MAX_POLICY_NAME_LENGTH,
      }),
    ).toMatch(/^ims-callback-shop-prod-ims-[0-9a-f]{8}-send$/);
  });

  it("is the same for the same project, stack and name, and differs when any of them differs", () => {
    expect(queue("shop", "prod", "media")).toBe(queue("shop", "prod", "media"));
    const all = [
      queue("shop", "prod", "media"),
      queue("shop", "dev", "media"),
      queue("blog", "prod", "media"),
      queue("shop", "prod", "orders"),
      queue("shop-prod", "x", "media"),
      queue("shop", "prod-x", "media"),
    ];
    expect(new Set(all).size).toBe(all.length);
  });

  it("turns characters services refuse into hyphens, and keeps names that only differed there apart", () => {
    const underscore = queue("my_project", "org/dev", "a.b");
    expect(underscore).toMatch(/^ice-callback-my-project-org-dev-a-b-[0-9a-f]{8}$/);
    expect(queueNameProblems(underscore)).toEqual([]);
    expect(underscore).not.toBe(queue("my-project", "org-dev", "a-b"));
  });

  it("shortens the readable part to fit the service's limit, keeping the hash", () => {
    const long = queue("p".repeat(80), "s".repeat(80), "n".repeat(80));
    expect(long).toHaveLength(MAX_QUEUE_NAME_LENGTH);
    expect(long).toMatch(/^ice-callback-p+-s+-[0-9a-f]{8}$/);
    expect(queueNameProblems(long)).toEqual([]);
    expect(long).not.toBe(queue("p".repeat(80), "s".repeat(80), "m".repeat(80)));
    const policy = stackScopedName({
      prefix: "ims-callback-",
      project: "p".repeat(200),
      stack: "s",
      name: "n",
      suffix: "-send",
      maxLength: MAX_POLICY_NAME_LENGTH,
    });
    expect(policy).toHaveLength(MAX_POLICY_NAME_LENGTH);
    expect(policyNameProblems(policy)).toEqual([]);
  });
});

describe("policyNameProblems", () => {
  it("accepts 1 to 128 letters, digits and hyphens", () => {
    expect(policyNameProblems("a")).toEqual([]);
    expect(policyNameProblems(`A-1${"b".repeat(125)}`)).toEqual([]);
  });

  it("names every rule a name breaks", () => {
    expect(policyNameProblems("")).toEqual([
      "must not be empty; RAM policy names have 1 to 128 letters, digits and hyphens.",
    ]);
    expect(policyNameProblems(`ims.send${"x".repeat(130)}`)).toEqual([
      `"ims.send${"x".repeat(130)}" may contain only letters, digits and hyphens (RAM's rule for policy names).`,
      "is 138 characters; RAM policy names are at most 128. Shorten it.",
    ]);
  });
});
