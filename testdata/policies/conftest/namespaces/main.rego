package main

import rego.v1

warn contains "every object is checked" if input.kind
