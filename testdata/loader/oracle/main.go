// Command k8syaml reads a YAML stream on standard input and writes, for every document that holds
// anything, the JSON that kubectl's client-side conversion makes of it: sigs.k8s.io/yaml's
// YAMLToJSON, or YAMLToJSONStrict (duplicate keys rejected) when the first argument is --strict.
//
// Output: one line per non-empty document, in input order. A document the conversion rejects gives
// {"error":"<message>"} on its line, and the following documents are still converted.
//
// Splitting: a line is a document separator when, without its line ending, it is exactly "---" or
// begins with "--- "; the separator line itself belongs to no document. A document counts as empty
// when each of its lines is blank or a comment (first non-space character '#').
//
// The module pins the library version kubectl builds with (go.mod); see README.md for how it is built.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"sigs.k8s.io/yaml"
)

func main() {
	strict := false
	for _, arg := range os.Args[1:] {
		if arg != "--strict" {
			fmt.Fprintf(os.Stderr, "k8syaml: unknown argument %q (usage: k8syaml [--strict] < stream.yaml)\n", arg)
			os.Exit(64)
		}
		strict = true
	}
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintf(os.Stderr, "k8syaml: reading standard input: %v\n", err)
		os.Exit(2)
	}
	var out strings.Builder
	for _, document := range documents(string(input)) {
		if isEmpty(document) {
			continue
		}
		out.Write(convert(document, strict))
		out.WriteByte('\n')
	}
	if _, err := io.WriteString(os.Stdout, out.String()); err != nil {
		fmt.Fprintf(os.Stderr, "k8syaml: writing standard output: %v\n", err)
		os.Exit(2)
	}
}

// convert gives the document's JSON, or an {"error": ...} object when the conversion fails.
func convert(document string, strict bool) []byte {
	var converted []byte
	var err error
	if strict {
		converted, err = yaml.YAMLToJSONStrict([]byte(document))
	} else {
		converted, err = yaml.YAMLToJSON([]byte(document))
	}
	if err == nil {
		return converted
	}
	failure, marshalErr := json.Marshal(struct {
		Error string `json:"error"`
	}{err.Error()})
	if marshalErr != nil {
		// A string always marshals; keep the one-line-per-document shape regardless.
		return []byte(`{"error":"unprintable error"}`)
	}
	return failure
}

// documents cuts the stream at separator lines, which are dropped. Each line keeps its ending, so a
// document's line numbers in error messages count from its own first line.
func documents(stream string) []string {
	var result []string
	start := 0
	var current strings.Builder
	for start < len(stream) {
		end := strings.IndexByte(stream[start:], '\n')
		var line string
		if end < 0 {
			line = stream[start:]
			start = len(stream)
		} else {
			line = stream[start : start+end+1]
			start += end + 1
		}
		if isSeparator(line) {
			result = append(result, current.String())
			current.Reset()
			continue
		}
		current.WriteString(line)
	}
	return append(result, current.String())
}

func isSeparator(line string) bool {
	content := strings.TrimRight(line, "\r\n")
	return content == "---" || strings.HasPrefix(content, "--- ")
}

// isEmpty reports whether no line of the document has content other than whitespace or a comment.
func isEmpty(document string) bool {
	for _, line := range strings.Split(document, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed != "" && !strings.HasPrefix(trimmed, "#") {
			return false
		}
	}
	return true
}
