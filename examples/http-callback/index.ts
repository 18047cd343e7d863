import * as pulumi from "@pulumi/pulumi";
import { ImsCallback } from "pulumi-alicloud-ims-callback";

/** One region's callbacks by HTTPS POST; authentication is on when ims:authKey is set. */
export = async () => {
  const config = new pulumi.Config("ims");
  const callback = new ImsCallback("media-events", {
    region: config.require("region"),
    http: { url: config.require("callbackUrl"), authKey: config.getSecret("authKey") },
    eventTypes: config.requireObject<string[]>("eventTypes"),
    adoptExisting: config.getBoolean("adoptExisting"),
  });
  return { setting: callback.setting, authKey: callback.authKey };
};
