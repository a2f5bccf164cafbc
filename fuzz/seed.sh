#!/usr/bin/env bash
# Seeds the fuzz corpus with the real specs (the small ones: libFuzzer caps input size)
# and the generator's fixtures.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/load_and_lower
for spec in ../../shared/corpus/*.yaml ../../shared/corpus/*.json ../crates/generator/tests/fixtures/*.yaml ../crates/generator/tests/refusals/*.yaml ../crates/generator/tests/refusals/*.json; do
  if [ "$(stat -c %s "$spec")" -le 65536 ]; then
    cp "$spec" corpus/load_and_lower/
  fi
done
# Seeds with the shapes that once hung or panicked the generator: alias cycles, allOf
# fan-out, refs into paths, percent escapes inside characters.
cat > corpus/load_and_lower/seed-alias-cycle.yaml <<'SEED'
openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}
components:
  schemas:
    A: {$ref: '#/components/schemas/B'}
    B: {allOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/C'}]}
    C: {type: array, items: {$ref: '#/components/schemas/C'}}
SEED
cat > corpus/load_and_lower/seed-pointer-refs.yaml <<'SEED'
openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /v/{id}:
    post:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      requestBody: {content: {application/json: {schema: {type: object, properties: {s: {type: integer}}}}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/paths/~1v~1%7Bid%7D/post/requestBody/content/application~1json/schema'}}}}
components:
  schemas:
    X: {$ref: '#/components/schemas/%€x'}
    Y: {oneOf: [{$ref: '#/components/schemas/X'}, {type: string, enum: [a, '>', '2026-08-19']}], discriminator: {propertyName: type}}
SEED
# JSON is read a path item and a component schema at a time (`load/parts.rs`), YAML
# as one tree: JSON seeds for that path, one it takes (numbers, `x-` keys, a schema
# named like a keyword, an operation to type) and one it declines (`$defs`, a ref
# into a path).
cat > corpus/load_and_lower/seed-parts.json <<'SEED'
{"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
 "paths": {"x-note": {"maximum": "no"}, "/a/{id}": {"get": {"operationId": "a",
   "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
   "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}}},
 "components": {"parameters": {"P": {"name": "p", "in": "query", "schema": {"type": "integer", "maximum": 3}}},
   "schemas": {"maximum": {"type": "string"}, "A": {"type": "object", "required": ["b"],
     "properties": {"b": {"type": "integer", "minimum": 1e308}, "c": {"$ref": "#/components/schemas/A"}}}}}}
SEED
cat > corpus/load_and_lower/seed-parts-declined.json <<'SEED'
{"openapi": "3.1.0", "info": {"title": "T", "version": "1"},
 "paths": {"/v": {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": "object", "$defs": {"D": {"type": "string"}}}}}},
   "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/paths/~1v/post/requestBody/content/application~1json/schema"}}}}}}}},
 "components": {"schemas": {"X": {"$ref": "#/$defs/D"}}}}
SEED
ls corpus/load_and_lower | wc -l
# Nested complex YAML keys (`? ? ? …`): writing a mapping key as text doubled its
# escapes at every level, an exponential hang the fuzzer found (2026-12-01).
printf '? ?  ? ?     ?  ? ?      ? ? ?   ?     ?  ? ?      ? ? ?  ?     ?  ? ?        ?  ? ?    ?   ?  ?     ? ?    ?   ?  WlV "  ' > corpus/load_and_lower/seed-complex-keys.yaml
# An empty path key (`'':`): locating its error at `#/paths/` searched the YAML text
# for an empty key without advancing, a hang the fuzzer found (2026-12-01).
printf "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  '':\n    get:\n      responses: {'204': {description: ok}}\n" > corpus/load_and_lower/seed-empty-key.yaml
