// Command quantity generates quantity strings and reads each with k8s.io/apimachinery's
// resource.ParseQuantity, so that plimsoll's quantity parser can be compared with it.
//
// Usage: quantity -seed N -count M
//
// Output: one JSON line per string, {"text": "...", "valid": true|false, "rank": R}. R numbers the
// distinct values of the valid strings in increasing order, as resource.Quantity.Cmp orders them
// (equal values share a rank), so two strings' ranks order them as Cmp does; invalid strings have
// rank -1. The same seed gives the same strings.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
)

type result struct {
	Text  string `json:"text"`
	Valid bool   `json:"valid"`
	Rank  int    `json:"rank"`
}

func main() {
	seed := flag.Uint64("seed", 1, "generator seed")
	count := flag.Int("count", 1000, "strings to generate")
	flag.Parse()

	g := generator{rand.New(rand.NewPCG(*seed, 0x51ed270b27d7e5a1))}
	results := make([]result, *count)
	quantities := make([]resource.Quantity, *count)
	var valid []int
	for i := range results {
		text := g.quantity()
		results[i] = result{Text: text, Rank: -1}
		if q, err := resource.ParseQuantity(text); err == nil {
			results[i].Valid = true
			quantities[i] = q
			valid = append(valid, i)
		}
	}
	sort.SliceStable(valid, func(a, b int) bool { return quantities[valid[a]].Cmp(quantities[valid[b]]) < 0 })
	rank := -1
	for n, i := range valid {
		if n == 0 || quantities[valid[n-1]].Cmp(quantities[i]) != 0 {
			rank++
		}
		results[i].Rank = rank
	}

	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer out.Flush()
	encoder := json.NewEncoder(out)
	encoder.SetEscapeHTML(false)
	for _, r := range results {
		if err := encoder.Encode(r); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

type generator struct{ r *rand.Rand }

func (g generator) chance(p float64) bool { return g.r.Float64() < p }

func pick[T any](g generator, values []T) T { return values[g.r.IntN(len(values))] }

var suffixes = []string{
	"", "", "", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
	"e3", "E3", "e-3", "E-9", "e+5", "e0", "e-0", "e18", "e19", "e-19", "e308", "e-400", "e1000", "e",
	"E", "e+", "e-", "i", "ki", "KB", "mi", "K", "g", "Mb", "EE", "e3i", "e9223372036854775807",
	"e-9223372036854775808", "e99999999999999999999", "Gi ", " ", "\t", "µ", "1",
}

var alphabet = []rune("0123456789.+-eEKMGTPkmunib i\t")

func (g generator) digits(max int) string {
	n := g.r.IntN(max + 1)
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i == 0 && g.chance(0.5) {
			b.WriteByte('0' + byte(1+g.r.IntN(9)))
		} else if g.chance(0.3) {
			b.WriteByte('0')
		} else {
			b.WriteByte('0' + byte(g.r.IntN(10)))
		}
	}
	return b.String()
}

// quantity gives a string: mostly shaped like a quantity, with signs, digits on either side of
// the point, every suffix kind and sizes from tiny to huge; sometimes noise.
func (g generator) quantity() string {
	if g.chance(0.05) {
		n := g.r.IntN(9)
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteRune(pick(g, alphabet))
		}
		return b.String()
	}
	var b strings.Builder
	if g.chance(0.02) {
		b.WriteString(pick(g, []string{" ", "\t", "\n"}))
	}
	b.WriteString(pick(g, []string{"", "", "", "", "+", "-", "--", "+-"}))
	maxDigits := pick(g, []int{3, 3, 6, 10, 19, 25, 40})
	b.WriteString(g.digits(maxDigits))
	if g.chance(0.4) {
		b.WriteString(".")
		b.WriteString(g.digits(pick(g, []int{1, 3, 9, 12, 20})))
		if g.chance(0.01) {
			b.WriteString(".")
		}
	}
	b.WriteString(pick(g, suffixes))
	if g.chance(0.02) {
		b.WriteString(pick(g, []string{" ", "\t", "x", "0"}))
	}
	return b.String()
}
