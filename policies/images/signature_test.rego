package plimsoll.rules.images.signature

import rego.v1

pod(image) := {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "app", "image": image}]}}

# The facts core computes, with a given verdict for the one image.
facts(image, verdict) := {"images": {image: plimsoll.image.parse(image)}, "quantities": {}, "signatures": {image: verdict}}

messages(image, verdict, keys) := found if {
	found := {v.msg | some v in violation} with input as pod(image)
		with data.plimsoll.facts as facts(image, verdict)
		with data.plimsoll.config.images.trusted_keys as keys
}

test_unverified_images_are_reported_with_the_verdict_message if {
	verdict := {"verified": false, "status": "no-signature", "message": "no signature found for its digest"}
	messages("ghcr.io/acme/app@sha256:4bcff63911fcb4448bd4fdacec207030997caf25e9bea4045fa6c8c44de311d1", verdict, ["cosign.pub"]) == {`container "app" uses image "ghcr.io/acme/app@sha256:4bcff63911fcb4448bd4fdacec207030997caf25e9bea4045fa6c8c44de311d1": no signature found for its digest`}
}

test_verified_images_pass if {
	verdict := {"verified": true, "status": "verified", "message": "signed by trusted key cosign.pub", "key": "cosign.pub"}
	messages("ghcr.io/acme/app@sha256:4bcff63911fcb4448bd4fdacec207030997caf25e9bea4045fa6c8c44de311d1", verdict, ["cosign.pub"]) == set()
}

test_nothing_is_reported_without_trusted_keys if {
	verdict := {"verified": false, "status": "not-pinned", "message": "not pinned"}
	messages("ghcr.io/acme/app:1.0", verdict, []) == set()
}
