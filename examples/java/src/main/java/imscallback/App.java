package imscallback;

import com.pulumi.Context;
import com.pulumi.Pulumi;
import com.pulumi.core.Output;
import io.github.pulumialicloudimscallback.alicloudimscallback.ImsCallback;
import io.github.pulumialicloudimscallback.alicloudimscallback.ImsCallbackArgs;
import io.github.pulumialicloudimscallback.alicloudimscallback.inputs.ImsCallbackHttpTargetArgs;
import io.github.pulumialicloudimscallback.alicloudimscallback.inputs.ImsCallbackQueueOptionsArgs;
import io.github.pulumialicloudimscallback.alicloudimscallback.inputs.ImsCallbackQueueTargetArgs;
import java.util.List;

/**
 * IMS event callbacks from Java: the HTTP method in two regions, the queue method in a third.
 *
 * <p>The {@code alicloud-ims-callback} provider plugin serves the resources; the SDK is the Java
 * package generated from the plugin's schema ({@code npm run sdk:package} builds its jar). Set the
 * callback's auth key as a secret: {@code pulumi config set --secret authKey <key>}.
 */
public final class App {
    private static final List<String> EVENT_TYPES =
        List.of("ProduceMediaComplete", "MediaConvertComplete");

    public static void main(String[] args) {
        Pulumi.run(App::stack);
    }

    private static void stack(Context ctx) {
        Output<String> authKey = ctx.config().requireSecret("authKey");
        for (String region : List.of("us-west-1", "ap-southeast-1")) {
            new ImsCallback("http-" + region, ImsCallbackArgs.builder()
                .region(region)
                .http(ImsCallbackHttpTargetArgs.builder()
                    .url("https://media.example.com/ims/" + region)
                    .authKey(authKey)
                    .build())
                .eventTypes(EVENT_TYPES)
                .build());
        }
        var queued = new ImsCallback("queued", ImsCallbackArgs.builder()
            .region("cn-shanghai")
            .queue(ImsCallbackQueueTargetArgs.builder()
                .options(ImsCallbackQueueOptionsArgs.builder().pollingWaitSeconds(20.0).build())
                .build())
            .eventTypes(EVENT_TYPES)
            .build());
        ctx.export("queueName", queued.queueName().applyValue(name -> name.orElse("")));
    }
}
