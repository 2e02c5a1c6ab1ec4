package main

import rego.v1

# METADATA
# custom:
#   id: images/latest-tag
deny contains "clash" if input.kind
