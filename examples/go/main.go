// IMS event callbacks from Go: the HTTP method in two regions, the queue method in a third.
//
// The alicloud-ims-callback provider plugin serves the resources; the SDK is the Go module generated
// from the plugin's schema (`npm run sdk` writes it to sdk/go). Set the callback's auth key as a
// secret: `pulumi config set --secret authKey <key>`.
package main

import (
	ims "github.com/pulumi-alicloud-ims-callback/pulumi-alicloud-ims-callback/sdk/go/imscallback"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		authKey := cfg.RequireSecret("authKey")
		eventTypes := pulumi.ToStringArray([]string{"ProduceMediaComplete", "MediaConvertComplete"})

		for _, region := range []string{"ap-southeast-1", "us-west-1"} {
			_, err := ims.NewImsCallback(ctx, "http-"+region, &ims.ImsCallbackArgs{
				Region: pulumi.String(region),
				Http: &ims.ImsCallbackHttpTargetArgs{
					Url:     pulumi.String("https://media.example.com/ims/" + region),
					AuthKey: authKey,
				},
				EventTypes: eventTypes,
			})
			if err != nil {
				return err
			}
		}

		queued, err := ims.NewImsCallback(ctx, "queued", &ims.ImsCallbackArgs{
			Region: pulumi.String("cn-shanghai"),
			Queue: &ims.ImsCallbackQueueTargetArgs{
				Options: &ims.ImsCallbackQueueOptionsArgs{PollingWaitSeconds: pulumi.Float64(20)},
			},
			EventTypes: eventTypes,
		})
		if err != nil {
			return err
		}
		ctx.Export("queueName", queued.QueueName)
		return nil
	})
}
