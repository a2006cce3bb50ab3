package main

import (
	"math/rand/v2"
	"strings"
)

// The corpus: sentences generated from templates over word classes, so
// that words of one class share their contexts, as words of one meaning do
// in real text, and a trained model should place them near one another.
// It is generated, not shipped: the same seed gives the same text.
var classes = map[string][]string{
	"animal": {"cat", "dog", "horse", "cow", "sheep", "lion", "tiger", "rabbit", "goat", "wolf"},
	"food":   {"bread", "apple", "rice", "cheese", "soup", "cake", "pasta", "carrot", "fish", "egg"},
	"drink":  {"water", "tea", "coffee", "milk", "juice", "wine", "beer", "cocoa"},
	"place":  {"city", "forest", "park", "river", "village", "garden", "field", "market"},
	"color":  {"red", "blue", "green", "yellow", "black", "white", "brown", "purple"},
	"person": {"farmer", "teacher", "doctor", "child", "baker", "sailor", "painter", "student"},
}

// templates use {class} slots; the other words are shared by all.
var templates = []string{
	"the {animal} sleeps in the {place}",
	"a {animal} runs across the {place}",
	"the {animal} and the {animal} play near the {place}",
	"the {person} eats {food} with {drink}",
	"a {person} cooks {food} for the {person}",
	"the {person} drinks {drink} in the {place}",
	"we buy {food} and {drink} at the {place}",
	"the {person} paints the {animal} {color}",
	"a {color} {animal} hides behind the {color} wall",
	"the {person} feeds the {animal} some {food}",
	"she wears a {color} coat in the {place}",
	"he pours {drink} into a {color} cup",
}

// corpus returns n sentences, each a slice of words.
func corpus(seed uint64, n int) [][]string {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	out := make([][]string, n)
	for i := range out {
		t := templates[r.IntN(len(templates))]
		var words []string
		for _, w := range strings.Fields(t) {
			if strings.HasPrefix(w, "{") {
				c := classes[strings.Trim(w, "{}")]
				w = c[r.IntN(len(c))]
			}
			words = append(words, w)
		}
		out[i] = words
	}
	return out
}
