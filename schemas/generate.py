#!/usr/bin/env python3
"""Builds schemas/bundle.json.zlib: the JSON schemas plimsoll embeds (standard library only).

The bundle holds strict ("standalone-strict") schemas for the Kubernetes v1.33 API, derived from the
upstream OpenAPI v2 document the way kubeconform's schemas are derived (see schemas/README.md for
the rules and the few deliberate differences), and the bundled CRD schemas under schemas/crds/.

    python3 schemas/generate.py            # rebuild schemas/bundle.json.zlib
    python3 schemas/generate.py --check    # exit 1 when the committed bundle is not what a rebuild gives
    python3 schemas/generate.py --openapi PATH/swagger.json
    python3 schemas/generate.py --openapi UPSTREAM/swagger.json --reduce-to schemas/kubernetes/swagger.json

The OpenAPI document is read from schemas/kubernetes/swagger.json unless --openapi says otherwise.
That file is upstream's swagger.json reduced to what this generator reads (see
schemas/kubernetes/SOURCE.md): --reduce-to writes that reduction of --openapi, and the bundle built
from the reduced file is the bundle built from the full one.

Bundle layout (zlib-compressed compact JSON, keys sorted so that a rebuild is byte-identical):

    {"format": 1, "kubernetes": "v1.33",
     "definitions": {"io.k8s.api.core.v1.Container": <schema>, ...},   # shared, "$ref"-linked
     "kinds": {"apps/v1 Deployment": "io.k8s.api.apps.v1.Deployment", ...},
     "roots": {"io.k8s.api.apps.v1.Deployment": <schema of the top-level object>, ...},
     "crds": {"argoproj.io/v1alpha1 Rollout": <schema>, ...}}

References are "#/definitions/<name>": the linter assembles one schema document per kind from its
root and the definitions it reaches, when it first meets that kind.
"""

import argparse
import json
import os
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMAS = os.path.join(ROOT, "schemas")
BUNDLE = os.path.join(SCHEMAS, "bundle.json.zlib")
DEFAULT_OPENAPI = os.path.join(SCHEMAS, "kubernetes", "swagger.json")
KUBERNETES_VERSION = "v1.33"

INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"

# Schema keywords that constrain values (Draft 4), plus the OpenAPI/Kubernetes extensions the linter
# reads when it prepares a CRD schema. Everything else (descriptions, defaults, list and patch
# strategies, CEL rules that a JSON Schema validator cannot run) is dropped to keep the bundle small.
KEPT_KEYWORDS = {
    "$ref", "type", "format", "enum", "required", "properties", "additionalProperties", "patternProperties",
    "items", "additionalItems", "allOf", "anyOf", "oneOf", "not", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems",
    "minProperties", "maxProperties", "dependencies",
    "nullable", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-int-or-string", "x-kubernetes-embedded-resource",
}

# Keywords whose value is a map of schemas, a schema, or a list of schemas.
SCHEMA_MAPS = {"properties", "patternProperties"}
SCHEMA_VALUES = {"additionalProperties", "items", "additionalItems", "not"}
SCHEMA_LISTS = {"allOf", "anyOf", "oneOf"}

INT_RANGES = {"int32": (-(2 ** 31), 2 ** 31 - 1), "int64": (-(2 ** 63), 2 ** 63 - 1)}

# The bundled CRD files name kinds in lower case (<group>/<kind>_<version>.json); these are the kinds
# as manifests spell them.
CRD_KINDS = {
    "rollout": "Rollout", "analysistemplate": "AnalysisTemplate", "application": "Application",
    "canary": "Canary", "externalsecret": "ExternalSecret", "secretstore": "SecretStore",
    "servicemonitor": "ServiceMonitor", "prometheusrule": "PrometheusRule", "schedule": "Schedule",
    "virtualservice": "VirtualService", "constrainttemplate": "ConstraintTemplate",
}


# ---------------------------------------------------------------------------------------------
# Kubernetes definitions (kubeconform's standalone-strict derivation, kept as "$ref"-linked parts)

def ref_name(ref):
    return ref.rsplit("/", 1)[-1]


def nullable(type_name):
    """kubeconform's "allow null for optional fields": an optional field may be written as null."""
    return type_name if type_name == "null" else [type_name, "null"]


def int_or_string():
    # kubeconform writes oneOf [string, integer] and then makes both branches nullable, so an
    # explicit null matches twice and fails the oneOf. The API server reads null as the zero value;
    # so do we (see README.md, "Differences from kubeconform").
    return {"type": ["string", "integer", "null"]}


def quantity():
    # Numbers are accepted as kubectl accepts them (`cpu: 1`); null as for int-or-string.
    return {"type": ["string", "number", "null"]}


class Converter:
    """Turns swagger definitions into strict JSON schemas with "$ref"s between definitions."""

    def convert(self, schema, required, top_level=False):
        """`required`: the schema is a property its object requires, so null is not allowed.
        `top_level`: the object of a kind's file, whose properties are never treated as required."""
        if "$ref" in schema:
            # A definition allows null at its root, wherever it is referenced from: upstream forbids
            # null for required references, but Go clients write null for a nil pointer (ScaleIO's
            # required `secretRef`) and the API server leaves the decision to the field's validation,
            # which a schema cannot express. Required scalars stay non-null (see README.md).
            return {"$ref": "#/definitions/" + ref_name(schema["$ref"])}
        if schema.get("format") == "int-or-string":
            return int_or_string()
        requires = set() if top_level else set(schema.get("required", []))
        out = {}
        for key, value in schema.items():
            if key not in KEPT_KEYWORDS:
                continue
            if key in SCHEMA_MAPS:
                out[key] = {name: self.convert(sub, name in requires) for name, sub in value.items()}
            elif key in SCHEMA_VALUES and isinstance(value, dict):
                out[key] = self.convert(value, False)
            elif key in SCHEMA_LISTS:
                out[key] = [self.convert(sub, False) for sub in value]
            elif key == "type" and isinstance(value, str):
                out[key] = value if (required or top_level) else nullable(value)
            else:
                out[key] = value
        if "properties" in schema and "additionalProperties" not in schema:
            out["additionalProperties"] = False
        add_int_range(out)
        return out


def add_int_range(schema):
    """int32/int64 fields: values outside the range are rejected when the API server decodes them."""
    bounds = INT_RANGES.get(schema.get("format"))
    types = schema.get("type")
    types = types if isinstance(types, list) else [types]
    if bounds and "integer" in types:
        schema.setdefault("minimum", bounds[0])
        schema.setdefault("maximum", bounds[1])


def api_version(gvk):
    return gvk["version"] if gvk["group"] == "" else f"{gvk['group']}/{gvk['version']}"


def add_kind_enums(definitions):
    """Like kubeconform's --expanded --kubernetes: kind and apiVersion take their GVKs' values."""
    for schema in definitions.values():
        gvks = schema.get("x-kubernetes-group-version-kind")
        properties = schema.get("properties", {})
        if not gvks or "kind" not in properties or "apiVersion" not in properties:
            continue
        properties["kind"]["enum"] = unique(gvk["kind"] for gvk in gvks)
        properties["apiVersion"]["enum"] = unique(api_version(gvk) for gvk in gvks)


def unique(values):
    seen = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def kubernetes_schemas(swagger):
    definitions = {name: schema for name, schema in swagger["definitions"].items()
                   if not name.startswith("io.k8s.kubernetes.pkg.")}
    add_kind_enums(definitions)
    converter = Converter()
    converted = {}
    for name, schema in definitions.items():
        if name == INT_OR_STRING:
            converted[name] = int_or_string()
        elif name == QUANTITY:
            converted[name] = quantity()
        else:
            converted[name] = converter.convert(schema, required=False)
    kinds, roots = {}, {}
    for name, schema in definitions.items():
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            kinds[f"{api_version(gvk)} {gvk['kind']}"] = name
            if name not in roots:
                root = converter.convert(schema, required=False, top_level=True)
                root.setdefault("type", "object")
                roots[name] = root
    return converted, kinds, roots


# ---------------------------------------------------------------------------------------------
# Bundled CRD schemas (prepared further by the linter when it compiles them; see core/src/schema/crd.rs)

def strip(schema):
    """Keeps only KEPT_KEYWORDS, recursively (property names are data, not keywords)."""
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key not in KEPT_KEYWORDS:
            continue
        if key in SCHEMA_MAPS:
            out[key] = {name: strip(sub) for name, sub in value.items()}
        elif key in SCHEMA_VALUES:
            out[key] = strip(value)
        elif key in SCHEMA_LISTS:
            out[key] = [strip(sub) for sub in value]
        else:
            out[key] = value
    return out


def crd_schemas():
    crds = {}
    base = os.path.join(SCHEMAS, "crds")
    for group in sorted(os.listdir(base)):
        folder = os.path.join(base, group)
        if not os.path.isdir(folder):
            continue
        for file_name in sorted(os.listdir(folder)):
            if not file_name.endswith(".json"):
                continue
            kind, version = file_name[: -len(".json")].rsplit("_", 1)
            if kind not in CRD_KINDS:
                sys.exit(f"{group}/{file_name}: add the kind's spelling to CRD_KINDS")
            with open(os.path.join(folder, file_name), encoding="utf-8") as f:
                crds[f"{group}/{version} {CRD_KINDS[kind]}"] = strip(json.load(f))
    return crds


# ---------------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------
# The committed input: upstream's document without what the build never reads

def reduce_openapi(swagger):
    """The definitions the build converts, each with only the keywords it reads (KEPT_KEYWORDS,
    recursively, and a definition's group-version-kinds); paths, descriptions and the rest go."""
    definitions = {}
    for name, schema in swagger["definitions"].items():
        if name.startswith("io.k8s.kubernetes.pkg."):
            continue
        reduced = strip(schema)
        if "x-kubernetes-group-version-kind" in schema:
            reduced["x-kubernetes-group-version-kind"] = schema["x-kubernetes-group-version-kind"]
        definitions[name] = reduced
    return {"swagger": swagger.get("swagger"), "info": swagger.get("info"), "definitions": definitions}


def build(openapi_path):
    with open(openapi_path, encoding="utf-8") as f:
        swagger = json.load(f)
    definitions, kinds, roots = kubernetes_schemas(swagger)
    bundle = {
        "format": 1,
        "kubernetes": KUBERNETES_VERSION,
        "definitions": definitions,
        "kinds": kinds,
        "roots": roots,
        "crds": crd_schemas(),
    }
    return json.dumps(bundle, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--openapi", default=DEFAULT_OPENAPI, help="Kubernetes OpenAPI v2 swagger.json")
    parser.add_argument("--check", action="store_true", help="compare with the committed bundle instead of writing")
    parser.add_argument("--reduce-to", metavar="PATH", help="write the reduced form of --openapi to PATH and stop")
    args = parser.parse_args()
    if args.reduce_to:
        with open(args.openapi, encoding="utf-8") as f:
            reduced = reduce_openapi(json.load(f))
        with open(args.reduce_to, "w", encoding="utf-8") as f:
            json.dump(reduced, f, indent=1, sort_keys=True, ensure_ascii=False)
            f.write("\n")
        print(f"wrote {args.reduce_to}: {len(reduced['definitions'])} definitions")
        return
    payload = build(args.openapi)
    if args.check:
        try:
            with open(BUNDLE, "rb") as f:
                committed = zlib.decompress(f.read())
        except (OSError, zlib.error) as error:
            sys.exit(f"cannot read {BUNDLE}: {error}")
        if committed != payload:
            sys.exit("schemas/bundle.json.zlib is out of date: run python3 schemas/generate.py")
        print(f"schemas/bundle.json.zlib is up to date ({len(payload)} bytes of JSON)")
        return
    compressed = zlib.compress(payload, 9)
    with open(BUNDLE, "wb") as f:
        f.write(compressed)
    print(f"wrote schemas/bundle.json.zlib: {len(compressed)} bytes ({len(payload)} bytes of JSON)")


if __name__ == "__main__":
    main()
