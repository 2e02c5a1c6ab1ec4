package plimsoll.rules.images.latest_tag

import rego.v1

pod(image) := {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "app", "image": image}]}}

facts(image) := {"images": {image: plimsoll.image.parse(image)}, "quantities": {}}

reported(image) if {
	count(violation) > 0 with input as pod(image) with data.plimsoll.facts as facts(image)
}

messages(image) := found if {
	found := {v.msg | some v in violation} with input as pod(image) with data.plimsoll.facts as facts(image)
}

test_untagged_images_are_reported if {
	reported("nginx")
	reported("registry:5000/app")
	reported("localhost:5000/team/envoy")
}

test_latest_and_empty_tags_are_reported if {
	reported("nginx:latest")
	reported("redis:")
	messages("redis:") == {`container "app" uses image "redis:" with an empty tag (it means :latest)`}
}

test_version_tags_pass if {
	not reported("nginx:1.27.2")
	not reported("registry:5000/app:1.2")
	not reported("nginx:Latest")
}

test_only_sha256_digests_pin if {
	not reported("app:latest@sha256:4bcff63911fcb4448bd4fdacec207030997caf25e9bea4045fa6c8c44de311d1")
	not reported("app@sha256:4bcff63911fcb4448bd4fdacec207030997caf25e9bea4045fa6c8c44de311d1")
	reported("app@sha256:4bcff639")
	messages("app@sha256:abc") == {`container "app" uses image "app@sha256:abc" without a tag (it means :latest), and its digest is not a valid sha256 digest`}
}

test_tag_problems if {
	tag_problem(null) == "without a tag (it means :latest)"
	tag_problem("latest") == "with the :latest tag"
	not tag_problem("1.0")
}
