module example.com/ims-go

go 1.25

require (
	github.com/pulumi-alicloud-ims-callback/pulumi-alicloud-ims-callback/sdk/go v0.1.0
	github.com/pulumi/pulumi/sdk/v3 v3.248.0
)

// The Go SDK generated from the plugin's schema (`npm run sdk` writes sdk/go at the repository root),
// until it is published.
replace github.com/pulumi-alicloud-ims-callback/pulumi-alicloud-ims-callback/sdk/go => ../../sdk/go
