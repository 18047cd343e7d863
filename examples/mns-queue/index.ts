import * as pulumi from "@pulumi/pulumi";
import { ImsCallback } from "pulumi-alicloud-ims-callback";

/** One region's callbacks to a queue: the queue, IMS's authorization to send to it, the setting. */
export = async () => {
  const config = new pulumi.Config("ims");
  const existingQueueName = config.get("existingQueueName");
  const callback = new ImsCallback("media-events", {
    region: config.require("region"),
    queue: existingQueueName
      ? { existingQueueName }
      : { options: { pollingWaitSeconds: 20, messageRetentionPeriod: 7 * 24 * 3600 } },
    skipAuthorization: config.get("authorization") === "skip",
    eventTypes: config.requireObject<string[]>("eventTypes"),
  });
  return {
    setting: callback.setting,
    queueName: callback.queueName,
    roleName: callback.roleName,
    policyName: callback.policyName,
  };
};
