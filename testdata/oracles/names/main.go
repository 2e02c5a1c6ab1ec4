// Command names generates strings and judges each with k8s.io/apimachinery's validation of the
// names the API server checks beyond the OpenAPI schema, so that plimsoll's schema/rejected-value
// can be compared with it.
//
// Usage: names -seed N -count M
//
// Output: one JSON line per string, {"text": "...", "port_name": bool, "label_key": bool,
// "label_value": bool}: whether IsValidPortName, IsQualifiedName (label keys) and
// IsValidLabelValue accept it. The same seed gives the same strings.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

type result struct {
	Text       string `json:"text"`
	PortName   bool   `json:"port_name"`
	LabelKey   bool   `json:"label_key"`
	LabelValue bool   `json:"label_value"`
}

func main() {
	seed := flag.Uint64("seed", 1, "generator seed")
	count := flag.Int("count", 1000, "strings to generate")
	flag.Parse()

	g := generator{rand.New(rand.NewPCG(*seed, 0x6e616d6573))}
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer out.Flush()
	encoder := json.NewEncoder(out)
	encoder.SetEscapeHTML(false)
	for i := 0; i < *count; i++ {
		text := g.text()
		r := result{
			Text:       text,
			PortName:   len(validation.IsValidPortName(text)) == 0,
			LabelKey:   len(validation.IsQualifiedName(text)) == 0,
			LabelValue: len(validation.IsValidLabelValue(text)) == 0,
		}
		if err := encoder.Encode(r); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

type generator struct{ r *rand.Rand }

// Mostly characters that are allowed somewhere, so that near misses are common.
var alphabets = []string{
	"abcdefghijklmnopqrstuvwxyz",
	"abcdefghijklmnopqrstuvwxyz0123456789-",
	"abcdefghijklmnopqrstuvwxyz0123456789-._",
	"aZ09-._/",
	"ABCXYZabcxyz0189-._/@ :",
	"0123456789",
}

var lengths = []int{0, 1, 2, 3, 14, 15, 16, 62, 63, 64}

func (g generator) piece() string {
	alphabet := alphabets[g.r.IntN(len(alphabets))]
	n := g.r.IntN(12)
	if g.r.IntN(4) == 0 {
		n = lengths[g.r.IntN(len(lengths))]
	}
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteByte(alphabet[g.r.IntN(len(alphabet))])
	}
	return b.String()
}

func (g generator) text() string {
	switch g.r.IntN(6) {
	case 0: // a prefixed key: DNS-subdomain-like prefix, '/', name
		labels := make([]string, 1+g.r.IntN(4))
		for i := range labels {
			labels[i] = g.piece()
		}
		prefix := strings.Join(labels, ".")
		if g.r.IntN(8) == 0 {
			prefix = strings.Repeat("a.", 130)
		}
		return prefix + "/" + g.piece()
	case 1: // with hyphens at the edges or doubled
		edges := []string{"", "-", "--", "a", "1"}
		return edges[g.r.IntN(len(edges))] + g.piece() + edges[g.r.IntN(len(edges))]
	default:
		return g.piece()
	}
}
