// Command image generates container image references and parses each with
// github.com/distribution/reference's ParseNormalizedNamed, so that plimsoll's image parser can be
// compared with it.
//
// Usage: image -seed N -count M
//
// Output: one JSON line per reference: {"text": "...", "valid": true} with "domain", "path" and,
// when present, "tag" and "digest"; or {"text": "...", "valid": false, "error": "..."}. The same
// seed gives the same references.
package main

import (
	"bufio"
	// go-digest supports an algorithm only when its hash is linked in, as every program that
	// pulls images links sha256 and sha512 (which also provides sha384).
	_ "crypto/sha256"
	_ "crypto/sha512"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"

	"github.com/distribution/reference"
)

type result struct {
	Text   string  `json:"text"`
	Valid  bool    `json:"valid"`
	Error  string  `json:"error,omitempty"`
	Domain string  `json:"domain,omitempty"`
	Path   string  `json:"path,omitempty"`
	Tag    *string `json:"tag,omitempty"`
	Digest *string `json:"digest,omitempty"`
}

func parse(text string) result {
	named, err := reference.ParseNormalizedNamed(text)
	if err != nil {
		return result{Text: text, Error: err.Error()}
	}
	r := result{Text: text, Valid: true, Domain: reference.Domain(named), Path: reference.Path(named)}
	if tagged, ok := named.(reference.Tagged); ok {
		tag := tagged.Tag()
		r.Tag = &tag
	}
	if digested, ok := named.(reference.Digested); ok {
		digest := digested.Digest().String()
		r.Digest = &digest
	}
	return r
}

func main() {
	seed := flag.Uint64("seed", 1, "generator seed")
	count := flag.Int("count", 1000, "references to generate")
	flag.Parse()

	g := generator{rand.New(rand.NewPCG(*seed, 0x2545f4914f6cdd1d))}
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer out.Flush()
	encoder := json.NewEncoder(out)
	encoder.SetEscapeHTML(false)
	for i := 0; i < *count; i++ {
		if err := encoder.Encode(parse(g.reference())); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

type generator struct{ r *rand.Rand }

func (g generator) chance(p float64) bool { return g.r.Float64() < p }

func pick[T any](g generator, values []T) T { return values[g.r.IntN(len(values))] }

var registries = []string{
	"docker.io", "index.docker.io", "registry-1.docker.io", "localhost", "localhost:5000", "gcr.io",
	"registry.example.com", "registry.example.com:5000", "Registry.Example.com", "REGISTRY", "Upper",
	"my_registry.io", "[::1]:5000", "[2001:db8::1]", "[::1]", "10.0.0.1:443", "127.0.0.1", "a.b",
	"example.com:", "example.com:port", "-bad.com", "bad-.com", "xn--bcher-kva.example", "example.com:99999",
	"a:1", "foo.", ".foo", "host:0", "localhost:", "docker.io:443", "ghcr.io", "quay.io", "a..b",
}

var components = []string{
	"nginx", "library", "team", "app", "a", "a.b", "a_b", "a__b", "a___b", "a-b", "a--b", "a---b",
	"-a", "a-", "_a", "a_", ".a", "a.", "a..b", "a._b", "UPPER", "My", "1", "0", "x1-y2", "", "abc@",
	"sha256", "redis", "busybox", "a+b", "a~b", "ubuntu", "ab", "über",
}

var tags = []string{
	"latest", "1.27", "v1.2.3-alpine", "_x", ".x", "-x", "x_.-", "A", "Latest", "tag!", "", "1", "3.2.1",
	"a/b", "x y",
}

const hex = "0123456789abcdef"

func (g generator) hexString(n int, upper bool) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		c := hex[g.r.IntN(16)]
		if upper && c >= 'a' {
			c -= 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

func (g generator) digest() string {
	switch g.r.IntN(12) {
	case 0, 1, 2, 3:
		return "sha256:" + g.hexString(64, false)
	case 4:
		return "sha256:" + g.hexString(pick(g, []int{0, 1, 32, 63, 65}), false)
	case 5:
		return "sha256:" + g.hexString(64, true)
	case 6:
		return "sha512:" + g.hexString(pick(g, []int{128, 127, 64}), false)
	case 7:
		return "sha384:" + g.hexString(pick(g, []int{96, 64}), false)
	case 8:
		return pick(g, []string{"md5", "SHA256", "sha256+b64", "sha256.x", "a", "1sha", "sha-256", ""}) + ":" + g.hexString(64, false)
	case 9:
		return g.hexString(64, false)
	case 10:
		return "sha256:" + g.hexString(32, false) + pick(g, []string{"g", "=", ":", "_"}) + g.hexString(31, false)
	default:
		return "sha256:"
	}
}

// reference gives `[registry/]path[:tag][@digest]` with each part drawn from allowed, forbidden
// and borderline values.
func (g generator) reference() string {
	var b strings.Builder
	if g.chance(0.5) {
		b.WriteString(pick(g, registries))
		b.WriteString("/")
	}
	n := 1 + g.r.IntN(3)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString("/")
		}
		switch {
		case g.chance(0.02):
			b.WriteString(strings.Repeat("a", pick(g, []int{64, 127, 128, 200, 230, 250, 251, 252, 253, 254, 255, 256})))
		case g.chance(0.02):
			b.WriteString(g.hexString(64, false))
		default:
			b.WriteString(pick(g, components))
		}
	}
	if g.chance(0.5) {
		b.WriteString(":")
		if g.chance(0.05) {
			b.WriteString(strings.Repeat("t", pick(g, []int{127, 128, 129})))
		} else {
			b.WriteString(pick(g, tags))
		}
	}
	if g.chance(0.3) {
		b.WriteString("@")
		b.WriteString(g.digest())
	}
	if g.chance(0.02) {
		return pick(g, []string{" ", "\t", ""}) + b.String() + pick(g, []string{" ", "", "\n"})
	}
	return b.String()
}
