// The ready-to-run policy pack: the policies of this package's `./policy` entry point, with each
// policy's default enforcement level. Configure with `--policy-pack-config` (see README, Guardrails).
"use strict";
const { PolicyPack } = require("@pulumi/policy");
const { imsCallbackPolicies } = require("../dist/policy");

new PolicyPack("ims-callback", {
  description:
    "Guardrails for Alibaba Cloud IMS event callbacks: where events go, how they are authenticated, and who may change them.",
  policies: imsCallbackPolicies,
});
