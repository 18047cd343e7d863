"""IMS event callbacks from Python: the HTTP method in two regions, the queue method in a third.

The `alicloud-ims-callback` provider plugin serves the resources; the SDK is the Python package
generated from the plugin's schema (`npm run sdk:package` builds its wheel). Set the callback's auth
key as a secret: `pulumi config set --secret authKey <key>`.
"""

import pulumi
import pulumi_alicloud_ims_callback as ims

config = pulumi.Config()
auth_key = config.require_secret("authKey")
event_types = ["ProduceMediaComplete", "MediaConvertComplete"]

for region in ["cn-beijing", "cn-shenzhen"]:
    ims.ImsCallback(
        f"http-{region}",
        region=region,
        http=ims.ImsCallbackHttpTargetArgs(
            url=f"https://media.example.com/ims/{region}",
            auth_key=auth_key,
        ),
        event_types=event_types,
    )

queued = ims.ImsCallback(
    "queued",
    region="cn-hangzhou",
    queue=ims.ImsCallbackQueueTargetArgs(
        options=ims.ImsCallbackQueueOptionsArgs(polling_wait_seconds=20),
    ),
    event_types=event_types,
)

pulumi.export("queueName", queued.queue_name)
